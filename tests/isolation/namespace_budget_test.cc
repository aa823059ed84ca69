// Tier 1 gives each plugin a link-map namespace of its own, and glibc has 16 in all, the runtime's
// included. Copies of one plugin are loaded at tier 1 until the loader refuses: the refusal must be
// a PluginError naming the budget and the tunable, never a crash, the loader never goes past 15,
// and the runtime keeps loading tier-0 plugins afterwards. BUILD.bazel runs this twice: with
// glibc's default tunables, where the static TLS that glibc reserves for namespaces may run out
// before 15, and with GLIBC_TUNABLES=glibc.rtld.nns=16, where exactly 15 load. Sanitizer builds
// have no tier 1 (CK_TEST_SANITIZER_BUILD): there the first tier-1 load must be refused instead.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "runtime/plugins/loader.h"
#include "tests/isolation/probe_host.h"

namespace ck::isolation_test {
namespace {

using runtime::IsolationTier;
using runtime::kMaxTier1Namespaces;
using runtime::LoadOptions;
using runtime::LoadPlugin;
using runtime::PluginError;
using ::testing::AllOf;
using ::testing::HasSubstr;

TEST(NamespaceBudgetTest, LoadsUpToTheBudgetThenRefusesCleanly) {
  const std::string dir = TempDir("copies");
  int loaded = 0;
  std::string refusal;
  for (int i = 0; i <= kMaxTier1Namespaces && refusal.empty(); ++i) {
    const std::string copy = dir + "/static_a_" + std::to_string(i) + ".so";
    CopyFile("tests/isolation/static_a.so", copy);
    try {
      EXPECT_EQ(LoadPlugin(copy, ProbeHost(), LoadOptions{IsolationTier::kTier1, false, ""}).tier,
                IsolationTier::kTier1);
      ++loaded;
    } catch (const PluginError& e) {
      refusal = e.what();
    }
  }
  std::printf("%d tier-1 namespaces loaded; then: %s\n", loaded, refusal.c_str());
#ifndef CK_TEST_SANITIZER_BUILD
  EXPECT_GE(loaded, 1);
  EXPECT_LE(loaded, kMaxTier1Namespaces);
  EXPECT_EQ(runtime::Tier1NamespacesInUse(), loaded);
  EXPECT_EQ(LoggedCount("static_a sees libversioned 1"), loaded);
  EXPECT_THAT(refusal, AllOf(HasSubstr("static_a_" + std::to_string(loaded) + ".so"),
                             HasSubstr("no tier-1 namespace left"),
                             HasSubstr("GLIBC_TUNABLES=glibc.rtld.nns=16")));
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  if (tunables != nullptr && std::string(tunables) == "glibc.rtld.nns=16") {
    EXPECT_EQ(loaded, kMaxTier1Namespaces);
  }
#else
  EXPECT_EQ(loaded, 0);
  EXPECT_THAT(refusal, HasSubstr("unavailable in sanitizer builds"));
#endif
  // The runtime goes on: tier 0 is unaffected.
  EXPECT_EQ(LoadPlugin("tests/isolation/static_a.so", ProbeHost()).tier, IsolationTier::kTier0);
}

}  // namespace
}  // namespace ck::isolation_test
