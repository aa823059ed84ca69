// Every plugin ck_plugin() builds exports exactly one symbol, the ABI entry point: `nm -D
// --defined-only` on each lists ck_plugin_entry_v1 and nothing else, whatever the plugin bundles
// (its own code, static libraries, libstdc++ and libgcc, symbols the runtime also defines).
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace {

constexpr const char* kPlugins[] = {
    "runtime/plugins/testdata/failing_plugin.so",
    "runtime/plugins/testdata/hello_plugin.so",
    "testkit/fixtures/bad-plugins/abi-major.so",
    "testkit/fixtures/bad-plugins/abi-minor.so",
    "testkit/fixtures/bad-plugins/control.so",
    "testkit/fixtures/bad-plugins/create-null.so",
    "testkit/fixtures/bad-plugins/definition-throws.so",
    "testkit/fixtures/bad-plugins/duplicate-class.so",
    "testkit/fixtures/bad-plugins/init-fails.so",
    "tests/isolation/impostor.so",
    "tests/isolation/shared_a.so",
    "tests/isolation/shared_b.so",
    "tests/isolation/static_a.so",
    "tests/isolation/static_b.so",
};

// The names `nm -D --defined-only` prints for `path`; fails the test if nm fails.
std::vector<std::string> DefinedDynamicSymbols(const std::string& path) {
  std::FILE* nm = popen(("nm -D --defined-only '" + path + "' 2>&1").c_str(), "r");
  EXPECT_NE(nm, nullptr);
  if (nm == nullptr) return {};
  std::string output;
  char buffer[4096];
  for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, nm)) > 0;) output.append(buffer, n);
  EXPECT_EQ(pclose(nm), 0) << output;
  std::vector<std::string> names;
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    names.push_back(line.substr(line.find_last_of(' ') + 1));
  }
  return names;
}

TEST(PluginExportsTest, EveryPluginExportsOnlyTheEntryPoint) {
  for (const char* plugin : kPlugins) {
    EXPECT_THAT(DefinedDynamicSymbols(plugin), ::testing::ElementsAre("ck_plugin_entry_v1"))
        << plugin;
  }
}

}  // namespace
