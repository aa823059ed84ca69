// Tests of plugin.path discovery: the three layouts (directory, single .so, tarball), what is
// ignored, one error per bad entry with the others still found, manifest validation, and that no
// plugin code runs (the test plugins' constructors would leave markers).
#include "runtime/plugins/discovery.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ck::runtime {
namespace {

namespace fs = std::filesystem;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::ThrowsMessage;

constexpr char kTestdata[] = "runtime/plugins/testdata/";

std::string Temp(const std::string& name) {
  const fs::path dir = fs::path(std::getenv("TEST_TMPDIR")) / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return fs::canonical(dir).string();
}

void Copy(const std::string& testdata_file, const std::string& to) {
  fs::create_directories(fs::path(to).parent_path());
  fs::copy_file(kTestdata + testdata_file, to);
}

// A plugin directory as the tarball unpacks: <dir>/<plugin>.so and manifest.json.
void PluginDir(const std::string& dir, const std::string& plugin) {
  Copy(plugin + ".so", dir + "/" + plugin + ".so");
  Copy(plugin + "_manifest.json", dir + "/manifest.json");
}

class DiscoveryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    markers_ = Temp("markers");
    setenv("CK_TEST_MARKER_DIR", markers_.c_str(), 1);
    cache_ = Temp("cache");
  }
  void TearDown() override {
    EXPECT_THAT(std::vector<fs::path>(fs::directory_iterator(markers_), {}), IsEmpty())
        << "discovery ran plugin code";
  }

  std::string markers_;
  std::string cache_;
};

TEST_F(DiscoveryTest, FindsDirectoriesSharedObjectsAndTarballs) {
  const std::string path = Temp("path");
  PluginDir(path + "/versioned-1", "versioned_1_0");
  Copy("versioned_2_0.so", path + "/versioned_2_0.so");
  Copy("pair.tar.gz", path + "/pair.tar.gz");
  Copy("hello_without_note.so", path + "/.hidden.so");
  std::ofstream(path + "/README.md") << "not a plugin";

  // Listing the directory twice, or a symlink to a file already found, finds nothing new.
  fs::create_symlink(path + "/versioned_2_0.so", path + "/x-link.so");
  const DiscoveryResult found = DiscoverPlugins({path, path}, cache_);
  EXPECT_THAT(found.errors, IsEmpty());
  std::vector<std::string> seen;
  for (const DiscoveredPlugin& p : found.plugins) {
    seen.push_back(p.manifest["name"].get<std::string>() + " " + p.location);
  }
  EXPECT_THAT(seen,
              ElementsAre("pair " + path + "/pair.tar.gz", "versioned-1.0 " + path + "/versioned-1",
                          "versioned-2.0 " + path + "/versioned_2_0.so"));

  const DiscoveredPlugin& tarball = found.plugins[0];
  EXPECT_EQ(fs::path(tarball.file).filename(), "pair.so");
  EXPECT_EQ(tarball.file.rfind(cache_ + "/", 0), 0u) << tarball.file;
  EXPECT_EQ(tarball.root, fs::path(tarball.file).parent_path());
  const DiscoveredPlugin& directory = found.plugins[1];
  EXPECT_EQ(directory.file, path + "/versioned-1/versioned_1_0.so");
  EXPECT_EQ(directory.root, path + "/versioned-1");
  EXPECT_EQ(directory.manifest["components"][0]["class"], "io.connectkit.test.VersionedPredicate");
  EXPECT_EQ(directory.note.abi_major, CK_ABI_MAJOR);
  EXPECT_THAT(directory.bundled, IsEmpty());
  EXPECT_EQ(found.plugins[2].root, path);
}

TEST_F(DiscoveryTest, ReportsEachBadEntryOnceAndFindsTheOthers) {
  const std::string path = Temp("bad-path");
  Copy("versioned_1_0.so", path + "/good.so");
  Copy("versioned_2_0.so", path + "/no-manifest-json/versioned_2_0.so");
  PluginDir(path + "/mismatch", "versioned_2_0");
  fs::copy_file(kTestdata + std::string("pair_manifest.json"), path + "/mismatch/manifest.json",
                fs::copy_options::overwrite_existing);
  PluginDir(path + "/two", "pair");
  Copy("versioned_2_0.so", path + "/two/versioned_2_0.so");
  PluginDir(path + "/library-only", "pair");
  fs::remove(path + "/library-only/pair.so");
  Copy("hello_without_note.so", path + "/library-only/libhelper.so");
  std::ofstream(path + "/broken.tar.gz") << "not gzip, not tar";

  const DiscoveryResult found = DiscoverPlugins({path, path + "/missing"}, cache_);
  ASSERT_EQ(found.plugins.size(), 1u);
  EXPECT_EQ(found.plugins[0].location, path + "/good.so");
  EXPECT_THAT(
      found.errors,
      ElementsAre(
          HasSubstr("plugin " + path + "/broken.tar.gz: truncated or corrupt tar.gz archive"),
          AllOf(HasSubstr("plugin " + path +
                          "/library-only: no .so file in it carries a "
                          "ConnectKit manifest note")),
          HasSubstr("plugin " + path +
                    "/mismatch: manifest.json differs from the manifest note "
                    "of " +
                    path + "/mismatch/versioned_2_0.so"),
          HasSubstr("plugin " + path +
                    "/no-manifest-json: a plugin directory holds "
                    "manifest.json and the plugin's .so, but there is no manifest.json"),
          HasSubstr("plugin " + path + "/two: holds several plugin files (" + path +
                    "/two/pair.so, " + path + "/two/versioned_2_0.so)"),
          HasSubstr("plugin.path entry " + path +
                    "/missing is not a directory (it does not "
                    "exist)")));
}

TEST(ParseManifestTest, NamesWhatIsWrong) {
  const struct Case {
    const char* json;
    const char* problem;
  } cases[] = {
      {"{", "malformed manifest: not valid JSON"},
      {"[]", "malformed manifest: not a JSON object"},
      {R"({"error":"boom"})",
       "its definition failed when it was built, so it describes no "
       "components: boom"},
      {R"({"version":"1","components":[]})", "\"name\" is missing or not a string"},
      {R"({"name":"p","version":1,"components":[]})", "\"version\" is missing or not a string"},
      {R"({"name":"p","version":"1"})", "\"components\" is missing or not an array"},
      {R"({"name":"p","version":"1","components":[7]})", "a component is not a JSON object"},
      {R"({"name":"p","version":"1","components":[{"kind":"source","version":"1"}]})",
       "component ?: \"class\" is missing or not a string"},
      {R"({"name":"p","version":"1","components":[{"class":"a.B","kind":"gizmo","version":"1"}]})",
       "component a.B: unknown kind \"gizmo\""},
      {R"({"name":"p","version":"1","components":[{"class":"a.B","kind":"sink","version":"1",
          "aliases":[1]}]})",
       "component a.B: \"aliases\" is not an array of strings"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(
        [&] { ParseManifest(c.json, "/p/x.so"); },
        ThrowsMessage<PluginError>(AllOf(HasSubstr("plugin /p/x.so: "), HasSubstr(c.problem))))
        << c.json;
  }
  EXPECT_EQ(ParseManifest(R"({"name":"p","version":"1","components":[]})", "p")["name"], "p");
}

TEST(DiscoveryHelpersTest, SplitsPluginPathAndNamesKinds) {
  EXPECT_THAT(SplitPluginPath(" /a , /b,,/c/d ,"), ElementsAre("/a", "/b", "/c/d"));
  EXPECT_THAT(SplitPluginPath(""), IsEmpty());
  for (ck_component_kind kind : {CK_KIND_SOURCE_CONNECTOR, CK_KIND_SINK_CONNECTOR,
                                 CK_KIND_HEADER_CONVERTER, CK_KIND_PREDICATE}) {
    EXPECT_EQ(KindFromName(KindName(kind)), kind);
  }
  EXPECT_EQ(KindFromName("gizmo"), std::nullopt);
}

}  // namespace
}  // namespace ck::runtime
