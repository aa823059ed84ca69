// Tests of `connectkit new`: every kind writes a complete workspace with every placeholder
// substituted, names and packages are checked, and a non-empty directory is never overwritten.
#include "runtime/cli/new_project.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace ck::runtime {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

class NewProjectTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string dir = std::string(std::getenv("TEST_TMPDIR")) + "/new_XXXXXX";
    ASSERT_NE(mkdtemp(dir.data()), nullptr);
    dir_ = dir;
    connectkit_ = dir_ / "connectkit";
    fs::create_directories(connectkit_);
    std::ofstream(connectkit_ / "WORKSPACE") << "workspace(name = \"connectkit\")\n";
  }
  void TearDown() override { fs::remove_all(dir_); }

  NewProjectOptions Options(const std::string& kind, const std::string& name) {
    NewProjectOptions options;
    options.kind = kind;
    options.name = name;
    options.package = "io.acme";
    options.dir = (dir_ / name).string();
    options.connectkit = connectkit_.string();
    options.connectkit_bin = "/opt/ck/bin/connectkit";
    return options;
  }

  fs::path dir_;
  fs::path connectkit_;
};

TEST_F(NewProjectTest, EveryKindWritesAWorkspaceWithNoPlaceholderLeft) {
  for (const std::string& kind : TemplateKinds()) {
    const fs::path dir = CreateProject(Options(kind, "orders-" + kind));
    for (const char* file :
         {"WORKSPACE", "BUILD.bazel", ".bazelrc", ".gitignore", "plugin.cc", "README.md",
          "version.h", "tests/BUILD.bazel", "tests/connect_worker.h"}) {
      EXPECT_TRUE(fs::exists(dir / file)) << kind << ": " << file;
    }
    size_t files = 0;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
      if (!entry.is_regular_file()) continue;
      ++files;
      EXPECT_NE(entry.path().extension(), ".tmpl") << entry.path();
      const std::string text = ReadFile(entry.path());
      EXPECT_THAT(text, Not(HasSubstr("__"))) << entry.path();
    }
    EXPECT_GE(files, 12u) << kind;
    EXPECT_THAT(ReadFile(dir / "WORKSPACE"),
                HasSubstr("path = \"" + connectkit_.string() + "/third_party/bazel/rules_cc\""));
    EXPECT_THAT(ReadFile(dir / ".bazelrc"),
                HasSubstr("--test_env=CK_CONNECTKIT=/opt/ck/bin/connectkit"));
    EXPECT_THAT(ReadFile(dir / "BUILD.bazel"), HasSubstr("name = \"orders-" + kind + "\""));
  }
}

TEST_F(NewProjectTest, NamesBecomeClassesNamespacesAndPackages) {
  const fs::path dir = CreateProject(Options("source-connector", "orders-db2"));
  const std::string header = ReadFile(dir / "source_connector.h");
  EXPECT_THAT(header, HasSubstr("namespace io::acme::orders_db2 {"));
  EXPECT_THAT(header, HasSubstr("class OrdersDb2SourceConnector"));
  EXPECT_THAT(header, HasSubstr("\"io.acme.OrdersDb2SourceConnector\""));
  EXPECT_THAT(ReadFile(dir / "WORKSPACE"), HasSubstr("workspace(name = \"orders_db2\")"));
}

TEST_F(NewProjectTest, RejectsBadKindsNamesAndPackages) {
  EXPECT_THROW(CreateProject(Options("database", "x")), std::invalid_argument);
  for (const char* name : {"", "Orders", "9lives", "a_b", "trailing-", "sp ace"}) {
    EXPECT_THROW(CreateProject(Options("converter", name)), std::invalid_argument) << name;
  }
  NewProjectOptions options = Options("converter", "ok");
  for (const char* package : {"", "Com.example", "com..example", "com.example.", "com.9x"}) {
    options.package = package;
    EXPECT_THROW(CreateProject(options), std::invalid_argument) << package;
  }
  options = Options("converter", "ok");
  options.connectkit = (dir_ / "nowhere").string();
  try {
    CreateProject(options);
    FAIL() << "expected an error";
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("--connectkit"));
  }
}

TEST_F(NewProjectTest, NeverWritesIntoANonEmptyDirectory) {
  NewProjectOptions options = Options("sink-connector", "busy");
  fs::create_directories(options.dir);
  std::ofstream(fs::path(options.dir) / "mine.txt") << "keep";
  EXPECT_THROW(CreateProject(options), std::runtime_error);
  EXPECT_EQ(ReadFile(fs::path(options.dir) / "mine.txt"), "keep");
  EXPECT_FALSE(fs::exists(fs::path(options.dir) / "WORKSPACE"));
}

}  // namespace
}  // namespace ck::runtime
