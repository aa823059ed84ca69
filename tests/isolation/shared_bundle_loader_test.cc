// Two plugins bundling different versions of one shared library with the same SONAME
// (libversioned.so.1), each in its plugin directory and found through RUNPATH $ORIGIN/lib. At tier
// 0 the dynamic loader would hand the second plugin the first one's copy, so the loader refuses it,
// naming both plugins and the library; at tier 1 (or promoted from tier 0) each plugin gets a
// namespace and its own version. Sanitizer builds have no tier 1 (CK_TEST_SANITIZER_BUILD): there
// the loader must refuse it with a clear reason, which this test checks instead.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "runtime/plugins/loader.h"
#include "tests/isolation/probe_host.h"

namespace ck::isolation_test {
namespace {

using runtime::IsolationTier;
using runtime::LoadOptions;
using runtime::LoadPlugin;
using runtime::PluginError;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

// Lays out a plugin directory: <dir>/<name>.so and its library in <dir>/lib.
std::string PluginDir(const std::string& parent, const std::string& name, int version) {
  const std::string dir = parent + "/" + name;
  CopyFile("tests/isolation/" + name + ".so", dir + "/" + name + ".so");
  CopyFile("tests/isolation/v" + std::to_string(version) + "/libversioned.so.1",
           dir + "/lib/libversioned.so.1");
  return dir + "/" + name + ".so";
}

TEST(SharedBundleLoaderTest, TierZeroRefusesASecondCopyAndTierOneGivesEachItsOwn) {
  const std::string plugins = TempDir("plugins");
  const std::string a = PluginDir(plugins, "shared_a", 1);
  const std::string b = PluginDir(plugins, "shared_b", 2);

  const auto& loaded_a = LoadPlugin(a, ProbeHost());
  EXPECT_EQ(loaded_a.tier, IsolationTier::kTier0);
  ASSERT_EQ(loaded_a.bundled.size(), 1u);
  EXPECT_EQ(loaded_a.bundled[0].name, "libversioned.so.1");
  EXPECT_EQ(loaded_a.bundled[0].path, plugins + "/shared_a/lib/libversioned.so.1");
  EXPECT_EQ(LoggedCount("shared_a sees libversioned 1"), 1);

  EXPECT_THAT([&] { LoadPlugin(b, ProbeHost()); },
              ThrowsMessage<PluginError>(
                  AllOf(HasSubstr("plugin " + b + " bundles libversioned.so.1"),
                        HasSubstr("plugin " + a + " already loaded libversioned.so.1 from " +
                                  plugins + "/shared_a/lib/libversioned.so.1"),
                        HasSubstr("plugin.isolation=auto"))));
  EXPECT_EQ(LoggedCount("shared_b: init"), 0) << "a refused plugin ran";

#ifndef CK_TEST_SANITIZER_BUILD
  ASSERT_TRUE(runtime::Tier1Available());
  const auto& loaded_b = LoadPlugin(b, ProbeHost(), LoadOptions{IsolationTier::kTier1, false, ""});
  EXPECT_EQ(loaded_b.tier, IsolationTier::kTier1);
  EXPECT_EQ(LoggedCount("shared_b sees libversioned 2"), 1);

  // Promotion: a tier-0 request that would collide goes to tier 1 when allowed.
  const std::string c = PluginDir(TempDir("more"), "shared_b", 2);
  const auto& loaded_c = LoadPlugin(c, ProbeHost(), LoadOptions{IsolationTier::kTier0, true, ""});
  EXPECT_EQ(loaded_c.tier, IsolationTier::kTier1);
  EXPECT_EQ(LoggedCount("shared_b sees libversioned 2"), 2);
  EXPECT_EQ(runtime::Tier1NamespacesInUse(), 2);
  EXPECT_EQ(LoggedCount("shared_a sees libversioned 1"), 1);
#else
  EXPECT_FALSE(runtime::Tier1Available());
  EXPECT_THAT(
      [&] {
        LoadPlugin(b, ProbeHost(), LoadOptions{IsolationTier::kTier1, false, ""});
      },
      ThrowsMessage<PluginError>(AllOf(HasSubstr(b), HasSubstr("sanitizer builds"))));
  EXPECT_EQ(LoggedCount("shared_b: init"), 0);
#endif
}

}  // namespace
}  // namespace ck::isolation_test
