// Lookup rules of the component registry: class names, manifest and computed aliases, versions,
// ambiguity and duplicates, each with the error a user would see.
#include "runtime/plugins/registry.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ck::runtime {
namespace {

using ::testing::HasSubstr;

ck_str S(const char* s) { return {s, std::char_traits<char>::length(s)}; }

// A descriptor with the given components; the manifest lists them with their aliases.
struct FakePlugin {
  FakePlugin(const char* name, std::vector<ck_component> components, std::string manifest)
      : components_(std::move(components)), manifest_(std::move(manifest)) {
    plugin = ck_plugin{sizeof(ck_plugin), CK_ABI_MAJOR, CK_ABI_MINOR, S(name), S("1.0"),
                       components_.data(), static_cast<uint32_t>(components_.size()), 0, nullptr,
                       {manifest_.data(), manifest_.size()}};
  }
  std::vector<ck_component> components_;
  std::string manifest_;
  ck_plugin plugin;
};

ck_component Component(ck_component_kind kind, const char* cls, const char* version) {
  return ck_component{sizeof(ck_component), static_cast<uint32_t>(kind), S(cls), S(version),
                      S(""), nullptr};
}

TEST(PluginRegistry, ResolvesClassManifestAliasAndComputedAliases) {
  FakePlugin p("file",
               {Component(CK_KIND_SOURCE_CONNECTOR, "io.connectkit.file.FileSourceConnector", "1.0")},
               R"({"components":[{"kind":"source","class":"io.connectkit.file.FileSourceConnector",
                   "aliases":["org.apache.kafka.connect.file.FileStreamSourceConnector"],
                   "description":"reads files","config":[{"name":"file"}]}]})");
  PluginRegistry registry;
  registry.Add(p.plugin, "/plugins/file.so", "tier-0");
  const std::vector<ck_component_kind> connectors = {CK_KIND_SOURCE_CONNECTOR,
                                                     CK_KIND_SINK_CONNECTOR};
  for (const char* name : {"io.connectkit.file.FileSourceConnector",
                           "org.apache.kafka.connect.file.FileStreamSourceConnector",
                           "FileSourceConnector", "FileSource"}) {
    const ComponentEntry& e = registry.Resolve(name, connectors);
    EXPECT_EQ(e.class_name, "io.connectkit.file.FileSourceConnector") << name;
    EXPECT_EQ(e.location, "/plugins/file.so");
    EXPECT_EQ(e.description, "reads files");
    EXPECT_EQ(e.config[0]["name"], "file");
  }
}

TEST(PluginRegistry, NewestVersionWinsUnlessPinned) {
  FakePlugin v1("a", {Component(CK_KIND_CONVERTER, "x.AvroConverter", "1.9.0")}, "{}");
  FakePlugin v2("a", {Component(CK_KIND_CONVERTER, "x.AvroConverter", "1.10.0")}, "{}");
  PluginRegistry registry;
  registry.Add(v1.plugin, "/p/v1", "tier-0");
  registry.Add(v2.plugin, "/p/v2", "tier-0");
  EXPECT_EQ(registry.Resolve("Avro", {CK_KIND_CONVERTER}).version, "1.10.0");
  EXPECT_EQ(registry.Resolve("x.AvroConverter", {CK_KIND_CONVERTER}, "1.9.0").location, "/p/v1");
  try {
    registry.Resolve("x.AvroConverter", {CK_KIND_CONVERTER}, "2.0");
    FAIL();
  } catch (const PluginLookupError& e) {
    EXPECT_THAT(e.what(), HasSubstr("no version 2.0 of x.AvroConverter"));
    EXPECT_THAT(e.what(), HasSubstr("1.9.0"));
  }
}

TEST(PluginRegistry, AmbiguousAliasListsTheCandidates) {
  FakePlugin p("smts",
               {Component(CK_KIND_TRANSFORMATION, "a.InsertField$Value", "1"),
                Component(CK_KIND_TRANSFORMATION, "a.ReplaceField$Value", "1")},
               "{}");
  PluginRegistry registry;
  registry.Add(p.plugin, "built-in", "built-in");
  try {
    registry.Resolve("Value", {CK_KIND_TRANSFORMATION});
    FAIL();
  } catch (const PluginLookupError& e) {
    EXPECT_THAT(e.what(), HasSubstr("ambiguous"));
    EXPECT_THAT(e.what(), HasSubstr("a.InsertField$Value"));
    EXPECT_THAT(e.what(), HasSubstr("a.ReplaceField$Value"));
  }
}

TEST(PluginRegistry, UnknownNameListsKnownComponentsOfThatKind) {
  FakePlugin p("c", {Component(CK_KIND_CONVERTER, "x.JsonConverter", "1")}, "{}");
  PluginRegistry registry;
  registry.Add(p.plugin, "built-in", "built-in");
  try {
    registry.Resolve("Protobuf", {CK_KIND_CONVERTER});
    FAIL();
  } catch (const PluginLookupError& e) {
    EXPECT_THAT(e.what(), HasSubstr("no converter plugin named 'Protobuf'"));
    EXPECT_THAT(e.what(), HasSubstr("x.JsonConverter"));
  }
}

TEST(PluginRegistry, DuplicateClassAndVersionIsRefusedNamingBothLocations) {
  FakePlugin a("a", {Component(CK_KIND_CONVERTER, "x.Conv", "1")}, "{}");
  FakePlugin b("b", {Component(CK_KIND_CONVERTER, "x.Conv", "1")}, "{}");
  PluginRegistry registry;
  registry.Add(a.plugin, "/p/a.so", "tier-0");
  try {
    registry.Add(b.plugin, "/p/b.so", "tier-0");
    FAIL();
  } catch (const PluginLookupError& e) {
    EXPECT_THAT(e.what(), HasSubstr("/p/a.so"));
    EXPECT_THAT(e.what(), HasSubstr("/p/b.so"));
  }
}

TEST(CompareVersions, ComparesNumericPartsNumerically) {
  EXPECT_LT(CompareVersions("1.9", "1.10"), 0);
  EXPECT_GT(CompareVersions("2.0.1", "2.0"), 0);
  EXPECT_EQ(CompareVersions("3.1", "3.1"), 0);
}

}  // namespace
}  // namespace ck::runtime
