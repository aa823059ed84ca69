// Tests of plugin tarball unpacking: a ck_plugin() tarball lands in the cache once per content,
// and archives with unsafe or unsupported members are refused with the tarball and the member
// named, leaving nothing behind in the cache.
#include "runtime/plugins/plugin_tarball.h"

#include <sys/stat.h>
#include <zlib.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "runtime/plugins/manifest_reader.h"

namespace ck::runtime {
namespace {

namespace fs = std::filesystem;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::ThrowsMessage;

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string Temp(const std::string& name) {
  const fs::path dir = fs::path(std::getenv("TEST_TMPDIR")) / name;
  fs::remove_all(dir);
  return dir.string();
}

// One tar member: a file ('0'), directory ('5'), symlink ('2') or hard link ('1').
struct Member {
  std::string name;
  char type = '0';
  std::string data;
  std::string link;
};

// Writes `members` as a gzip-compressed ustar archive; `corrupt_checksum` breaks every header.
void WriteTarGz(const std::string& path, const std::vector<Member>& members,
                bool corrupt_checksum = false) {
  std::string tar;
  for (const Member& m : members) {
    char h[512] = {};
    std::strncpy(h, m.name.c_str(), 100);
    std::snprintf(h + 100, 8, "%07o", 0644);
    std::snprintf(h + 124, 12, "%011o", static_cast<unsigned>(m.data.size()));
    h[156] = m.type;
    std::strncpy(h + 157, m.link.c_str(), 100);
    std::memcpy(h + 257,
                "ustar\0"
                "00",
                8);
    std::memset(h + 148, ' ', 8);
    unsigned sum = 0;
    for (unsigned char c : h) sum += c;
    std::snprintf(h + 148, 8, "%06o", sum + (corrupt_checksum ? 1 : 0));
    tar.append(h, sizeof h);
    tar += m.data;
    tar.append((512 - m.data.size() % 512) % 512, '\0');
  }
  tar.append(1024, '\0');
  gzFile gz = gzopen(path.c_str(), "wb");
  ASSERT_NE(gz, nullptr);
  ASSERT_EQ(gzwrite(gz, tar.data(), static_cast<unsigned>(tar.size())),
            static_cast<int>(tar.size()));
  gzclose(gz);
}

TEST(PluginTarballTest, UnpacksACkPluginTarballOncePerContent) {
  const std::string cache = Temp("cache");
  const std::string dir =
      UnpackPluginTarball("runtime/plugins/testdata/hello_plugin.tar.gz", cache);
  EXPECT_EQ(fs::path(dir).filename(), "hello_plugin");
  EXPECT_EQ(fs::path(dir).parent_path().parent_path(), cache);
  EXPECT_EQ(Slurp(dir + "/hello_plugin.so"), Slurp("runtime/plugins/testdata/hello_plugin.so"));
  EXPECT_EQ(Slurp(dir + "/manifest.json"),
            ReadManifestNote("runtime/plugins/testdata/hello_plugin.so").manifest_json);
  EXPECT_NE(fs::status(dir + "/hello_plugin.so").permissions() & fs::perms::owner_exec,
            fs::perms::none);

  // The same content again (even under another name) is not unpacked again.
  std::ofstream(dir + "/sentinel") << "still here";
  const std::string copy = Temp("copy.tar.gz");
  fs::copy_file("runtime/plugins/testdata/hello_plugin.tar.gz", copy);
  EXPECT_EQ(UnpackPluginTarball(copy, cache), dir);
  EXPECT_TRUE(fs::exists(dir + "/sentinel"));

  // Other content gets a directory of its own.
  const std::string other =
      UnpackPluginTarball("runtime/plugins/testdata/failing_plugin.tar.gz", cache);
  EXPECT_NE(fs::path(other).parent_path(), fs::path(dir).parent_path());
  EXPECT_TRUE(fs::exists(other + "/failing_plugin.so"));
}

TEST(PluginTarballTest, AcceptsRelativeSymlinksInsideTheTree) {
  const std::string tarball = Temp("links.tar.gz");
  WriteTarGz(tarball, {{"p/", '5', "", ""},
                       {"p/lib/libx.so.1", '0', "x", ""},
                       {"p/lib/libx.so", '2', "", "libx.so.1"},
                       {"p/manifest.json", '0', "{}", ""}});
  const std::string dir = UnpackPluginTarball(tarball, Temp("cache-links"));
  EXPECT_EQ(fs::read_symlink(dir + "/lib/libx.so"), "libx.so.1");
  EXPECT_EQ(Slurp(dir + "/lib/libx.so"), "x");
}

TEST(PluginTarballTest, RefusesUnsafeAndUnsupportedMembers) {
  const struct Case {
    std::vector<Member> members;
    const char* problem;
  } cases[] = {
      {{{"/etc/evil", '0', "x", ""}}, "refuses member name '/etc/evil'"},
      {{{"../evil", '0', "x", ""}}, "refuses member name '../evil'"},
      {{{"p/../../evil", '0', "x", ""}}, "refuses member name 'p/../../evil'"},
      {{{"p/l", '2', "", "../../etc/passwd"}}, "refuses symlink p/l -> ../../etc/passwd"},
      {{{"p/l", '2', "", "/etc/passwd"}}, "refuses symlink p/l -> /etc/passwd"},
      {{{"p/h", '1', "", "p/x"}}, "refuses member p/h of tar type '1'"},
      {{{"p/fifo", '6', "", ""}}, "refuses member p/fifo of tar type '6'"},
  };
  int n = 0;
  for (const Case& c : cases) {
    const std::string tarball = Temp("unsafe" + std::to_string(n++) + ".tar.gz");
    WriteTarGz(tarball, c.members);
    const std::string cache = Temp("cache-unsafe");
    EXPECT_THAT([&] { UnpackPluginTarball(tarball, cache); },
                ThrowsMessage<PluginError>(
                    AllOf(HasSubstr("plugin " + tarball + ": "), HasSubstr(c.problem))))
        << c.problem;
    EXPECT_THAT(fs::exists(cache) ? std::vector<fs::path>(fs::directory_iterator(cache), {})
                                  : std::vector<fs::path>{},
                IsEmpty())
        << "left behind after " << c.problem;
  }
}

TEST(PluginTarballTest, RefusesArchivesThatAreNotTarGz) {
  const std::string bad_checksum = Temp("checksum.tar.gz");
  WriteTarGz(bad_checksum, {{"p/x", '0', "x", ""}}, /*corrupt_checksum=*/true);
  EXPECT_THAT([&] { UnpackPluginTarball(bad_checksum, Temp("cache-bad")); },
              ThrowsMessage<PluginError>(HasSubstr("not a tar archive (bad header checksum)")));

  const std::string truncated = Temp("truncated.tar.gz");
  const std::string whole = Slurp("runtime/plugins/testdata/hello_plugin.tar.gz");
  std::ofstream(truncated, std::ios::binary) << whole.substr(0, whole.size() / 2);
  EXPECT_THAT([&] { UnpackPluginTarball(truncated, Temp("cache-bad")); },
              ThrowsMessage<PluginError>(AllOf(HasSubstr(truncated), HasSubstr("truncated"))));

  EXPECT_THAT([&] { UnpackPluginTarball(Temp("missing.tar.gz"), Temp("cache-bad")); },
              ThrowsMessage<PluginError>(HasSubstr("cannot open")));
}

TEST(PluginTarballTest, CacheDirectoryFollowsXdgThenHome) {
  setenv("XDG_CACHE_HOME", "/xdg/cache", 1);
  EXPECT_EQ(DefaultPluginCacheDir(), "/xdg/cache/connectkit/plugins");
  unsetenv("XDG_CACHE_HOME");
  setenv("HOME", "/home/someone", 1);
  EXPECT_EQ(DefaultPluginCacheDir(), "/home/someone/.cache/connectkit/plugins");
}

}  // namespace
}  // namespace ck::runtime
