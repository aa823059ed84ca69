// The registry's isolation policies (plugin.isolation) on two plugins that bundle different
// versions of libversioned.so.1 as shared libraries. Each TEST runs in a process of its own (see
// BUILD.bazel), because loaded plugins stay loaded and would change what the next one sees.
//
// tier0: discovery warns that both bundle the library; the first one resolved loads, the second
// is refused when resolved, naming both plugins; a plugin discovered after the library is loaded
// is refused at discovery. auto: discovery plans the first at tier 0 and the second at tier 1
// (listed before anything is loaded), and each sees its own version. Sanitizer builds have no
// tier 1 (CK_TEST_SANITIZER_BUILD): there the second plugin's refusal is checked instead.
#include <filesystem>
#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "runtime/plugins/registry.h"
#include "tests/isolation/probe_host.h"

namespace ck::isolation_test {
namespace {

using runtime::IsolationPolicy;
using runtime::PluginLookupError;
using runtime::PluginRegistry;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::ThrowsMessage;

// A plugin.path directory holding shared_a (v1) and shared_b (v2), each with lib/.
std::string PluginPath(const std::string& name) {
  std::string dir = std::filesystem::canonical(TempDir(name)).string();
  for (const auto& [plugin, version] : {std::pair{"shared_a", "1"}, std::pair{"shared_b", "2"}}) {
    CopyFile(std::string("tests/isolation/") + plugin + ".so",
             dir + "/" + plugin + "/" + plugin + ".so");
    CopyFile(std::string("tests/isolation/v") + version + "/libversioned.so.1",
             dir + "/" + plugin + "/lib/libversioned.so.1");
    std::ofstream(dir + "/" + plugin + "/manifest.json")
        << runtime::ReadManifestNote(dir + "/" + plugin + "/" + plugin + ".so").manifest_json;
  }
  return dir;
}

std::vector<std::string> Tiers(const PluginRegistry& registry) {
  std::vector<std::string> tiers;
  for (const auto& e : registry.List()) tiers.push_back(e.class_name + " " + e.isolation);
  return tiers;
}

const std::vector<ck_component_kind> kPredicate = {CK_KIND_PREDICATE};

TEST(SharedBundleRegistryTest, TierZeroLoadsTheFirstAndRefusesTheSecondNamingBoth) {
  const std::string path = PluginPath("tier0");
  PluginRegistry registry(ProbeHost(), IsolationPolicy::kTier0, [](auto, auto&) {});
  EXPECT_THAT(registry.Discover({path}), IsEmpty());
  EXPECT_THAT(registry.problems(),
              ElementsAre(AllOf(HasSubstr("plugins " + path + "/shared_a and " + path +
                                          "/shared_b both bundle libversioned.so.1"),
                                HasSubstr("plugin.isolation=auto"))));
  EXPECT_THAT(Tiers(registry), ElementsAre("io.connectkit.isolation.SharedA tier-0",
                                           "io.connectkit.isolation.SharedB tier-0"));

  EXPECT_NE(registry.Resolve("SharedA", kPredicate).component, nullptr);
  EXPECT_EQ(LoggedCount("shared_a sees libversioned 1"), 1);
  const auto message =
      AllOf(HasSubstr("plugin " + path + "/shared_b/shared_b.so bundles libversioned.so.1"),
            HasSubstr("plugin " + path + "/shared_a/shared_a.so already loaded libversioned.so.1"));
  EXPECT_THAT([&] { registry.Resolve("SharedB", kPredicate); },
              ThrowsMessage<PluginLookupError>(message));
  EXPECT_THAT([&] { registry.Resolve("SharedB", kPredicate); },
              ThrowsMessage<PluginLookupError>(message));
  EXPECT_EQ(registry.problems().size(), 2u) << "a failed load is reported once";
  EXPECT_EQ(LoggedCount("shared_b: init"), 0);

  // With shared_a's copy loaded, another plugin bundling the library is refused at discovery.
  const std::string later = PluginPath("later");
  PluginRegistry second(ProbeHost(), IsolationPolicy::kTier0, [](auto, auto&) {});
  EXPECT_THAT(second.Discover({later}),
              ElementsAre(HasSubstr("plugin " + later + "/shared_a bundles libversioned.so.1"),
                          HasSubstr("plugin " + later + "/shared_b bundles libversioned.so.1")));
  EXPECT_THAT(second.List(), IsEmpty());
}

TEST(SharedBundleRegistryTest, AutoPlansTierOneForTheSecondAndEachSeesItsOwnVersion) {
  const std::string path = PluginPath("auto");
  PluginRegistry registry(ProbeHost(), IsolationPolicy::kAuto, [](auto, auto&) {});
  EXPECT_THAT(registry.Discover({path}), IsEmpty());
  EXPECT_THAT(registry.problems(), IsEmpty());
  EXPECT_THAT(Tiers(registry), ElementsAre("io.connectkit.isolation.SharedA tier-0",
                                           "io.connectkit.isolation.SharedB tier-1"));
  EXPECT_THAT(LoggedLines(), IsEmpty()) << "discovery ran plugin code";

  registry.Resolve("SharedA", kPredicate);
  EXPECT_EQ(LoggedCount("shared_a sees libversioned 1"), 1);
#ifndef CK_TEST_SANITIZER_BUILD
  EXPECT_EQ(registry.Resolve("SharedB", kPredicate).isolation, "tier-1");
  EXPECT_EQ(LoggedCount("shared_b sees libversioned 2"), 1);
#else
  EXPECT_THAT([&] { registry.Resolve("SharedB", kPredicate); },
              ThrowsMessage<PluginLookupError>(HasSubstr("unavailable in sanitizer builds")));
#endif
}

}  // namespace
}  // namespace ck::isolation_test
