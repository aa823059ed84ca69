// The ck_builtin_transforms bundle itself: it defines without error, carries every Kafka (and
// Debezium) class name with the right kind, and each component's config definition is in its
// manifest entry.
#include "runtime/transforms/builtin_transforms.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>

namespace {

TEST(BuiltinTransformsTest, ManifestListsEveryKafkaClass) {
  const ck_plugin* plugin = ck_builtin_transforms();
  ASSERT_NE(plugin, nullptr);
  const nlohmann::json manifest =
      nlohmann::json::parse(std::string(plugin->manifest_json.ptr, plugin->manifest_json.len));
  ASSERT_FALSE(manifest.contains("error")) << manifest.dump();
  std::set<std::string> transformations;
  std::set<std::string> predicates;
  for (const nlohmann::json& component : manifest.at("components")) {
    const std::string kind = component.at("kind");
    (kind == "predicate" ? predicates : transformations).insert(component.at("class"));
    EXPECT_TRUE(kind == "predicate" || kind == "transformation") << kind;
    EXPECT_TRUE(component.at("config").is_array());
  }
  const std::string p = "org.apache.kafka.connect.transforms.";
  std::set<std::string> expected = {p + "Filter",       p + "RegexRouter", p + "TimestampRouter",
                                    p + "InsertHeader", p + "DropHeaders", p + "ValueToKey"};
  for (const char* pair :
       {"HeaderFrom", "InsertField", "ReplaceField", "MaskField", "ExtractField", "HoistField",
        "SetSchemaMetadata", "Flatten", "Cast", "TimestampConverter"}) {
    expected.insert(p + pair + "$Key");
    expected.insert(p + pair + "$Value");
  }
  expected.insert("io.debezium.transforms.ExtractNewRecordState");
  expected.insert("io.debezium.transforms.outbox.EventRouter");
  EXPECT_EQ(transformations, expected);
  EXPECT_EQ(predicates,
            (std::set<std::string>{p + "predicates.TopicNameMatches", p + "predicates.HasHeaderKey",
                                   p + "predicates.RecordIsTombstone"}));
  EXPECT_EQ(plugin->component_count, expected.size() + 3);
}

}  // namespace
