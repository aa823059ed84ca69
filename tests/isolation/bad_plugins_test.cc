// The bad-plugin fixtures (//testkit/fixtures/bad-plugins) on one plugin.path with a good control
// plugin. Discovery refuses each plugin whose metadata rules it out with exactly one error naming
// its file and the reason, runs none of their code (their constructors leave no marker), and
// registers the rest. Loading then refuses the plugin whose init fails (once; never retried), the
// component whose create returns no instance fails when an instance is made, and the control
// plugin keeps working throughout.
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "ck/host/host_support.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "runtime/plugins/registry.h"
#include "tests/isolation/probe_host.h"

namespace ck::isolation_test {
namespace {

namespace fs = std::filesystem;
using runtime::PluginLookupError;
using runtime::PluginRegistry;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::ThrowsMessage;

constexpr const char* kFixtures = "testkit/fixtures/bad-plugins";

// Each fixture that discovery must refuse, and what its error says.
const std::vector<std::pair<std::string, std::string>> kRefused = {
    {"not-elf.so", "not an ELF file"},
    {"truncated.so", "truncated ELF file"},
    {"missing-entry.so", "does not export ck_plugin_entry_v1()"},
    {"abi-major.so", "is built for ConnectKit ABI 1.0 but this runtime implements ABI 0.1"},
    {"abi-minor.so", "requires ConnectKit ABI 0.2 or newer"},
    {"no-manifest.so", "no ConnectKit manifest note"},
    {"malformed-manifest.so", "malformed manifest: \"components\" is missing or not an array"},
    {"definition-throws.so", "UnbuildablePredicate cannot be constructed"},
    {"duplicate-class.so",
     "duplicate predicate io.connectkit.fixtures.ControlPredicate version 1.0, already registered "
     "from "},
};

std::vector<std::string> Markers(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename());
  return names;
}

TEST(BadPluginsTest, EachIsRefusedOnceWithItsReasonAndTheOthersWork) {
  const std::string path = TempDir("plugin-path");
  for (const auto& e : fs::directory_iterator(kFixtures)) {
    if (e.path().extension() == ".so")
      CopyFile(e.path(), path + "/" + e.path().filename().string());
  }
  const std::string markers = TempDir("markers");
  setenv("CK_TEST_MARKER_DIR", markers.c_str(), 1);

  std::vector<std::string> logged;
  PluginRegistry registry(ProbeHost(), runtime::IsolationPolicy::kTier0,
                          [&](auto, const std::string& message) { logged.push_back(message); });
  const std::vector<std::string> errors = registry.Discover({path});
  EXPECT_EQ(errors, logged) << "each problem is logged once";
  EXPECT_EQ(errors.size(), kRefused.size());
  for (const auto& [file, reason] : kRefused) {
    int matching = 0;
    for (const std::string& error : errors) {
      if (error.find("plugin " + path + "/" + file) == 0 && error.find(reason) != std::string::npos)
        ++matching;
    }
    EXPECT_EQ(matching, 1) << file << " should be refused once with: " << reason;
  }
  EXPECT_THAT(Markers(markers), IsEmpty()) << "discovery ran plugin code";

  std::vector<std::string> classes;
  for (const auto& entry : registry.List()) classes.push_back(entry.class_name);
  EXPECT_THAT(classes,
              ::testing::UnorderedElementsAre("io.connectkit.fixtures.ControlPredicate",
                                              "io.connectkit.fixtures.InitFailsPredicate",
                                              "io.connectkit.fixtures.NullFactoryPredicate"));

  const std::vector<ck_component_kind> predicate = {CK_KIND_PREDICATE};
  const auto& control = registry.Resolve("ControlPredicate", predicate);
  EXPECT_EQ(control.location, path + "/control.so");
  host::Instance<ck_predicate_vtable> instance(*control.component, nullptr);

  const auto init_fails =
      AllOf(HasSubstr("plugin " + fs::canonical(path).string() + "/init-fails.so"),
            HasSubstr("init failed"), HasSubstr("the fixture refuses to initialise"));
  EXPECT_THAT([&] { registry.Resolve("InitFails", predicate); },
              ThrowsMessage<PluginLookupError>(init_fails));
  EXPECT_THAT([&] { registry.Resolve("InitFails", predicate); },
              ThrowsMessage<PluginLookupError>(init_fails));
  EXPECT_EQ(LoggedCount("init-fails: init"), 1) << "a failed plugin was initialised again";
  EXPECT_EQ(logged.size(), errors.size() + 1);

  const auto& null_factory = registry.Resolve("NullFactory", predicate);
  EXPECT_THAT([&] { host::Instance<ck_predicate_vtable>(*null_factory.component, nullptr); },
              ThrowsMessage<host::AbiError>(
                  AllOf(HasSubstr("io.connectkit.fixtures.NullFactoryPredicate"),
                        HasSubstr("create returned CK_STATUS_OK but no instance"))));

  EXPECT_THAT(Markers(markers),
              ::testing::UnorderedElementsAre("control", "init-fails", "create-null"));
  EXPECT_EQ(&registry.Resolve("io.connectkit.fixtures.ControlPredicate", predicate), &control);
}

}  // namespace
}  // namespace ck::isolation_test
