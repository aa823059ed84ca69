// Tier 0 with dependencies bundled statically, as ck_plugin() builds plugins: two plugins linking
// different versions of one library (same symbol names) each see their own, and a plugin bundling
// its own definitions of symbols the runtime links from a shared library (librdkafka's
// rd_kafka_version_str) sees its own while the runtime keeps the real ones. Loading a plugin again,
// directly or through the registry, reuses it: init runs once.
#include <librdkafka/rdkafka.h>

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "runtime/plugins/loader.h"
#include "runtime/plugins/registry.h"
#include "tests/isolation/probe_host.h"

namespace ck::isolation_test {
namespace {

using runtime::IsolationTier;
using runtime::LoadPlugin;

TEST(StaticBundleTest, EachPluginSeesItsOwnVersionOfTheLibrary) {
  const auto& a = LoadPlugin("tests/isolation/static_a.so", ProbeHost());
  const auto& b = LoadPlugin("tests/isolation/static_b.so", ProbeHost());
  EXPECT_EQ(a.tier, IsolationTier::kTier0);
  EXPECT_EQ(b.tier, IsolationTier::kTier0);
  EXPECT_TRUE(a.bundled.empty()) << "a static bundle brings no shared library";
  EXPECT_EQ(LoggedCount("static_a sees libversioned 1"), 1);
  EXPECT_EQ(LoggedCount("static_b sees libversioned 2"), 1);
}

TEST(StaticBundleTest, APluginSeesItsOwnCopyOfSymbolsTheRuntimeLinks) {
  const std::string runtime_version = rd_kafka_version_str();
  ASSERT_NE(runtime_version, "9.9.9-impostor");
  LoadPlugin("tests/isolation/impostor.so", ProbeHost());
  EXPECT_EQ(LoggedCount("impostor sees 9.9.9-impostor"), 1);
  EXPECT_EQ(rd_kafka_version_str(), runtime_version) << "the plugin's symbols leaked out";
  EXPECT_NE(rd_kafka_version(), 0x09090900);
}

TEST(StaticBundleTest, LoadingAPluginAgainReusesItAndInitRunsOnce) {
  const auto& first = LoadPlugin("tests/isolation/static_a.so", ProbeHost());
  EXPECT_EQ(&LoadPlugin("tests/isolation/./static_a.so", ProbeHost()), &first);

  const std::string dir = TempDir("reuse");
  std::filesystem::create_symlink(std::filesystem::absolute("tests/isolation/static_a.so"),
                                  dir + "/static_a.so");
  runtime::PluginRegistry registry(ProbeHost());
  EXPECT_THAT(registry.Discover({dir}), ::testing::IsEmpty());
  const auto& entry = registry.Resolve("StaticA", {CK_KIND_PREDICATE});
  EXPECT_EQ(&registry.Resolve("io.connectkit.isolation.StaticA", {CK_KIND_PREDICATE}), &entry);
  ASSERT_NE(entry.component, nullptr);
  EXPECT_EQ(entry.component->vtable, first.descriptor->components[0].vtable);
  EXPECT_EQ(LoggedCount("static_a: init"), 1);
}

}  // namespace
}  // namespace ck::isolation_test
