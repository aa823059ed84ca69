// Lookup rules of the component registry: class names, manifest and computed aliases, versions
// and ranges, ambiguity and duplicates, each with the error a user would see; components discovered
// on plugin.path resolving from their manifests and loading on first use only; built-in bundles.
#include "runtime/plugins/registry.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include "ck/plugin.h"
#include "runtime/plugins/host_table.h"

namespace ck::runtime {
namespace {

namespace fs = std::filesystem;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::ThrowsMessage;

ck_str S(const char* s) { return {s, std::char_traits<char>::length(s)}; }

// A descriptor with the given components; the manifest lists them with their aliases.
struct FakePlugin {
  FakePlugin(const char* name, std::vector<ck_component> components, std::string manifest)
      : components_(std::move(components)), manifest_(std::move(manifest)) {
    plugin = ck_plugin{sizeof(ck_plugin),
                       CK_ABI_MAJOR,
                       CK_ABI_MINOR,
                       S(name),
                       S("1.0"),
                       components_.data(),
                       static_cast<uint32_t>(components_.size()),
                       0,
                       nullptr,
                       {manifest_.data(), manifest_.size()}};
  }
  std::vector<ck_component> components_;
  std::string manifest_;
  ck_plugin plugin;
};

ck_component Component(ck_component_kind kind, const char* cls, const char* version) {
  return ck_component{
      sizeof(ck_component), static_cast<uint32_t>(kind), S(cls), S(version), S(""), nullptr};
}

TEST(PluginRegistry, ResolvesClassManifestAliasAndComputedAliases) {
  FakePlugin p(
      "file",
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

TEST(PluginRegistry, ManifestAliasesWinOverComputedOnesAndKindsAreNamed) {
  FakePlugin ours("ours", {Component(CK_KIND_CONVERTER, "io.ck.Json", "1")},
                  R"({"components":[{"kind":"converter","class":"io.ck.Json",
                      "aliases":["JsonConverter"]}]})");
  FakePlugin theirs("theirs", {Component(CK_KIND_CONVERTER, "org.other.JsonConverter", "1")}, "{}");
  PluginRegistry registry;
  registry.Add(ours.plugin, "built-in", "built-in");
  registry.Add(theirs.plugin, "/p/theirs.so", "tier-0");
  EXPECT_EQ(registry.Resolve("JsonConverter", {CK_KIND_CONVERTER}).class_name, "io.ck.Json");
  EXPECT_THAT([&] { registry.Resolve("JsonConverter", {CK_KIND_SOURCE_CONNECTOR}); },
              ThrowsMessage<PluginLookupError>(
                  HasSubstr("no source plugin named 'JsonConverter' (io.ck.Json is a converter)")));
}

TEST(PluginRegistry, VersionRangesPickTheNewestMatch) {
  FakePlugin v1("a", {Component(CK_KIND_CONVERTER, "x.C", "1.0")}, "{}");
  FakePlugin v15("a", {Component(CK_KIND_CONVERTER, "x.C", "1.5")}, "{}");
  FakePlugin v2("a", {Component(CK_KIND_CONVERTER, "x.C", "2.0")}, "{}");
  PluginRegistry registry;
  for (auto* p : {&v1, &v15, &v2}) {
    registry.Add(p->plugin, "/p/v" + std::string(p->components_[0].version.ptr), "tier-0");
  }
  const auto version = [&](const char* spec) {
    return registry.Resolve("x.C", {CK_KIND_CONVERTER}, spec).version;
  };
  EXPECT_EQ(version("latest"), "2.0");
  EXPECT_EQ(version("1.5"), "1.5");
  EXPECT_EQ(version("[1.0,2.0)"), "1.5");
  EXPECT_EQ(version("(,1.5)"), "1.0");
  EXPECT_EQ(version("[1.0]"), "1.0");
  EXPECT_EQ(version("(1.0,)"), "2.0");
  EXPECT_EQ(version("[0.1,0.9], [1.2,1.6]"), "1.5");
  EXPECT_THAT([&] { version("[3.0,)"); },
              ThrowsMessage<PluginLookupError>(HasSubstr("no version [3.0,) of x.C; available")));
  EXPECT_THAT([&] { version("[1.0"); },
              ThrowsMessage<PluginLookupError>(HasSubstr("invalid version range '[1.0'")));
  EXPECT_THAT([&] { version("(1.0)"); },
              ThrowsMessage<PluginLookupError>(HasSubstr("a single version is written [1.0]")));
}

TEST(PluginRegistry, ParsesTheIsolationPolicy) {
  EXPECT_EQ(ParseIsolationPolicy("tier0"), IsolationPolicy::kTier0);
  EXPECT_EQ(ParseIsolationPolicy("auto"), IsolationPolicy::kAuto);
  EXPECT_EQ(ParseIsolationPolicy("tier1"), IsolationPolicy::kTier1);
  EXPECT_THAT([] { ParseIsolationPolicy("tier2"); },
              ThrowsMessage<std::invalid_argument>(
                  HasSubstr("Invalid value tier2 for configuration plugin.isolation")));
}

// ---- Discovered plugins -----------------------------------------------------------------------

std::mutex log_mu;
std::vector<std::string> log_lines;

int Logged(const std::string& line) {
  std::lock_guard<std::mutex> lock(log_mu);
  return static_cast<int>(std::count(log_lines.begin(), log_lines.end(), line));
}

const ck_host* TestHost() {
  static const ck_host host = [] {
    ck_host table = MinimalHostTable();
    table.log = [](ck_context*, int32_t, ck_str message) noexcept {
      std::lock_guard<std::mutex> lock(log_mu);
      log_lines.emplace_back(message.ptr, message.len);
    };
    return table;
  }();
  return &host;
}

// A plugin.path directory holding the testdata plugins versioned 1.0 and 2.0 and pair.
std::string PluginPath() {
  const fs::path dir = fs::path(std::getenv("TEST_TMPDIR")) / "plugin-path";
  fs::remove_all(dir);
  fs::create_directories(dir);
  for (const char* plugin : {"versioned_1_0.so", "versioned_2_0.so", "pair.so"}) {
    fs::copy_file(std::string("runtime/plugins/testdata/") + plugin, dir / plugin);
  }
  return fs::canonical(dir).string();
}

TEST(DiscoveredPlugins, ResolveFromTheirManifestsAndLoadOnFirstUseOnly) {
  const std::string path = PluginPath();
  PluginRegistry registry(TestHost());
  EXPECT_THAT(registry.Discover({path}), IsEmpty());
  std::vector<std::string> listed;
  for (const ComponentEntry& e : registry.List()) {
    EXPECT_EQ(e.component, nullptr) << "discovery loaded " << e.file;
    listed.push_back(e.class_name + " " + e.version + " " + e.isolation + " " + e.location);
  }
  EXPECT_THAT(
      listed,
      ElementsAre(
          "io.connectkit.test.FirstPredicate 1.0 tier-0 " + path + "/pair.so",
          "io.connectkit.test.SecondPredicate 1.0 tier-0 " + path + "/pair.so",
          "io.connectkit.test.VersionedPredicate 1.0 tier-0 " + path + "/versioned_1_0.so",
          "io.connectkit.test.VersionedPredicate 2.0 tier-0 " + path + "/versioned_2_0.so"));

  const std::vector<ck_component_kind> predicate = {CK_KIND_PREDICATE};
  const ComponentEntry& found = registry.Find("Versioned", predicate);
  EXPECT_EQ(found.version, "2.0");
  EXPECT_EQ(found.component, nullptr);
  EXPECT_EQ(Logged("versioned-2.0: init"), 0);

  const ComponentEntry& newest = registry.Resolve("Versioned", predicate);
  EXPECT_EQ(&newest, &found);
  ASSERT_NE(newest.component, nullptr);
  EXPECT_EQ(newest.component->kind, CK_KIND_PREDICATE);
  EXPECT_EQ(Logged("versioned-2.0: init"), 1);
  EXPECT_EQ(Logged("versioned-1.0: init"), 0) << "an unused version was loaded";

  EXPECT_EQ(registry.Resolve("Versioned", predicate, "[1.0,2.0)").version, "1.0");
  EXPECT_EQ(Logged("versioned-1.0: init"), 1);

  // Two components of one plugin, resolved and loaded again: one load, one init.
  const ComponentEntry& first = registry.Resolve("FirstPredicate", predicate);
  const ComponentEntry& second = registry.Load(registry.Find("Second", predicate));
  EXPECT_NE(first.component, second.component);
  EXPECT_EQ(first.component->vtable, second.component->vtable);
  EXPECT_THAT(registry.LoadAll(), IsEmpty());
  EXPECT_EQ(Logged("pair: init"), 1);
  EXPECT_THAT(registry.problems(), IsEmpty());
}

TEST(DiscoveredPlugins, DuplicatesOfRegisteredClassesAreRefusedWholly) {
  FakePlugin builtin(
      "builtin", {Component(CK_KIND_PREDICATE, "io.connectkit.test.SecondPredicate", "1.0")}, "{}");
  std::vector<std::string> logged;
  PluginRegistry registry(TestHost(), IsolationPolicy::kTier0,
                          [&](Level, const std::string& m) { logged.push_back(m); });
  registry.Add(builtin.plugin, "built-in", "built-in");
  const std::string path = PluginPath();
  EXPECT_THAT(registry.Discover({path}),
              ElementsAre(AllOf(HasSubstr("plugin " + path +
                                          "/pair.so: duplicate predicate "
                                          "io.connectkit.test.SecondPredicate version 1.0"),
                                HasSubstr("already registered from built-in"))));
  EXPECT_EQ(logged, registry.problems());
  EXPECT_THAT([&] { registry.Find("FirstPredicate", {CK_KIND_PREDICATE}); },
              ThrowsMessage<PluginLookupError>(HasSubstr("no predicate plugin named")))
      << "a refused plugin registers none of its components";
}

// ---- Built-in bundles -------------------------------------------------------------------------

class AlwaysTrue : public ck::Predicate {
 public:
  ck::ConfigDef config() const override { return ck::ConfigDef(); }
  void configure(const ck::ConfigMap&) override {}
  bool test(const ck::ConnectRecord&) override { return true; }
};

}  // namespace
}  // namespace ck::runtime

CK_BUILTIN_PLUGIN(registry_test_builtins, plugin) {
  plugin.name("registry-test-builtins").version("3.0");
  plugin.add<ck::runtime::AlwaysTrue>("io.connectkit.builtin.AlwaysTruePredicate")
      .alias("org.apache.kafka.connect.transforms.predicates.AlwaysTrue");
}

namespace ck::runtime {
namespace {

TEST(BuiltinBundles, RegisterThroughTheirDescriptorAndAreReadyToUse) {
  PluginRegistry registry(TestHost());
  RegisterBuiltins(registry, {&registry_test_builtins});
  const ComponentEntry& e = registry.Resolve(
      "org.apache.kafka.connect.transforms.predicates.AlwaysTrue", {CK_KIND_PREDICATE});
  EXPECT_EQ(e.class_name, "io.connectkit.builtin.AlwaysTruePredicate");
  EXPECT_EQ(e.version, "3.0");
  EXPECT_EQ(e.location, "built-in");
  EXPECT_EQ(e.isolation, "built-in");
  EXPECT_NE(e.component, nullptr);
  EXPECT_EQ(ComponentsJson({e})[0]["type"], "predicate");
  EXPECT_THAT([&] { RegisterBuiltins(registry, {&registry_test_builtins}); },
              ThrowsMessage<PluginLookupError>(HasSubstr("duplicate predicate")));
}

TEST(CompareVersions, ComparesNumericPartsNumerically) {
  EXPECT_LT(CompareVersions("1.9", "1.10"), 0);
  EXPECT_GT(CompareVersions("2.0.1", "2.0"), 0);
  EXPECT_EQ(CompareVersions("3.1", "3.1"), 0);
}

}  // namespace
}  // namespace ck::runtime
