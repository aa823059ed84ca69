// Tests of `connectkit plugins list`: the table and the JSON, built-ins beside discovered plugins,
// plugin.path and plugin.isolation from a worker configuration, a refused plugin reported with its
// file while the others are listed, usage errors, and no plugin code run.
#include "runtime/plugins/plugins_command.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "ck/plugin.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace {

class Identity : public ck::Transformation {
 public:
  ck::ConfigDef config() const override { return ck::ConfigDef(); }
  void configure(const ck::ConfigMap&) override {}
  std::optional<ck::ConnectRecord> apply(ck::ConnectRecord record) override { return record; }
};

}  // namespace

CK_BUILTIN_PLUGIN(command_test_builtins, plugin) {
  plugin.name("builtins").version("9.1");
  plugin.add<Identity>("io.connectkit.transforms.Identity");
}

namespace ck::runtime {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

struct Outcome {
  int status;
  std::string out;
  std::string err;
};

Outcome List(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  const int status = RunPluginsCommand(args, {&command_test_builtins}, out, err);
  return {status, out.str(), err.str()};
}

class PluginsCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const fs::path tmp = std::getenv("TEST_TMPDIR");
    fs::remove_all(tmp / "path");
    fs::create_directories(tmp / "path");
    path_ = fs::canonical(tmp / "path").string();
    for (const char* plugin : {"versioned_1_0.so", "versioned_2_0.so", "pair.so"}) {
      fs::copy_file(std::string("runtime/plugins/testdata/") + plugin, path_ + "/" + plugin);
    }
    markers_ = (tmp / "markers").string();
    fs::remove_all(markers_);
    fs::create_directories(markers_);
    setenv("CK_TEST_MARKER_DIR", markers_.c_str(), 1);
    setenv("XDG_CACHE_HOME", (tmp / "cache").c_str(), 1);
  }
  void TearDown() override {
    EXPECT_THAT(std::vector<fs::path>(fs::directory_iterator(markers_), {}), IsEmpty())
        << "listing ran plugin code";
  }

  std::string path_;
  std::string markers_;
};

TEST_F(PluginsCommandTest, ListsEveryComponentAsATable) {
  const Outcome run = List({"list", "--plugin-path", path_});
  EXPECT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(run.err, "");
  std::vector<std::string> lines;
  std::istringstream in(run.out);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 6u) << run.out;
  EXPECT_THAT(lines[0], StartsWith("KIND  "));
  EXPECT_THAT(lines[0], HasSubstr("CLASS"));
  EXPECT_THAT(lines[1], HasSubstr("transformation  io.connectkit.transforms.Identity"));
  EXPECT_THAT(lines[1], HasSubstr("built-in  built-in"));
  // Sorted by kind, class, then newest version first; columns aligned.
  EXPECT_THAT(lines[2], HasSubstr("io.connectkit.test.FirstPredicate"));
  EXPECT_THAT(lines[4], HasSubstr("io.connectkit.test.VersionedPredicate  VersionedPredicate, "
                                  "Versioned  2.0"));
  EXPECT_THAT(lines[4], HasSubstr("tier-0    " + path_ + "/versioned_2_0.so"));
  EXPECT_THAT(lines[5], HasSubstr("1.0"));
  EXPECT_EQ(lines[4].find("tier-0"), lines[1].find("built-in"));
}

TEST_F(PluginsCommandTest, ListsJsonWithSettingsFromTheWorkerConfig) {
  const std::string config = path_ + "/../worker.properties";
  std::ofstream(config) << "plugin.path=" << path_ << ", /nowhere\nplugin.isolation=tier1\n";
  const Outcome run = List({"list", "--worker-config", config, "--json"});
  EXPECT_EQ(run.status, 1) << "the missing /nowhere is reported";
  EXPECT_THAT(run.err, HasSubstr("ERROR plugin.path entry /nowhere is not a directory"));
  const auto json = nlohmann::json::parse(run.out);
  ASSERT_EQ(json.size(), 5u);
  EXPECT_EQ(json[0]["class"], "io.connectkit.transforms.Identity");
  EXPECT_EQ(json[0]["isolation"], "built-in");
  EXPECT_EQ(json[1]["type"], "predicate");
  EXPECT_EQ(json[1]["plugin"], "pair");
  EXPECT_EQ(json[1]["isolation"], "tier-1");
  EXPECT_EQ(json[1]["location"], path_ + "/pair.so");
  EXPECT_EQ(json[1]["aliases"], nlohmann::json({"FirstPredicate", "First"}));
}

TEST_F(PluginsCommandTest, ReportsARefusedPluginAndListsTheOthers) {
  fs::copy_file("runtime/plugins/testdata/hello_without_note.so", path_ + "/broken.so");
  const Outcome run = List({"list", "--plugin-path", path_});
  EXPECT_EQ(run.status, 1);
  EXPECT_THAT(run.err,
              HasSubstr("ERROR plugin " + path_ + "/broken.so: no ConnectKit manifest note"));
  EXPECT_THAT(run.err, HasSubstr("1 plugin was refused"));
  EXPECT_THAT(run.out, HasSubstr("io.connectkit.test.SecondPredicate"));
}

TEST_F(PluginsCommandTest, RefusesBadUsage) {
  EXPECT_EQ(List({}).status, 2);
  EXPECT_THAT(List({"lst"}).err, HasSubstr("usage: connectkit plugins list"));
  const Outcome help = List({"--help"});
  EXPECT_EQ(help.status, 0);
  EXPECT_THAT(help.out, HasSubstr("usage:"));
  const Outcome bogus = List({"list", "--bogus"});
  EXPECT_EQ(bogus.status, 2);
  EXPECT_THAT(bogus.err, HasSubstr("unexpected argument '--bogus'"));
  EXPECT_EQ(List({"list", "--plugin-path"}).status, 2);
  const std::string config = path_ + "/../bad.properties";
  std::ofstream(config) << "plugin.isolation=tier9\n";
  const Outcome bad = List({"list", "--worker-config", config});
  EXPECT_EQ(bad.status, 2);
  EXPECT_THAT(bad.err, HasSubstr("Invalid value tier9 for configuration plugin.isolation"));
}

}  // namespace
}  // namespace ck::runtime
