// The built-in predicates through the ABI (FakeHost): TopicNameMatches, HasHeaderKey and
// RecordIsTombstone, including their configuration errors.
#include <string>
#include <vector>

#include "runtime/transforms/transform_test_util.h"

namespace ck::transforms_test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class PredicatesTest : public TransformTest {
 protected:
  std::vector<bool> Test(const std::string& name, const ConfigMap& config,
                         const std::vector<ConnectRecord>& records) {
    testkit::PredicateDriver predicate = host_.CreatePredicate(Smt("predicates." + name));
    predicate.Configure(config);
    return predicate.Test(records);
  }
  std::string ConfigureError(const std::string& name, const ConfigMap& config) {
    try {
      host_.CreatePredicate(Smt("predicates." + name)).Configure(config);
    } catch (const host::AbiError& e) {
      EXPECT_EQ(e.code(), CK_ERROR_CONFIG);
      return e.what();
    }
    ADD_FAILURE() << "expected a configuration error";
    return "";
  }
};

ConnectRecord OnTopic(std::string topic) {
  ConnectRecord record = MakeRecord(nullptr, Value(), nullptr, "v");
  record.topic = std::move(topic);
  return record;
}

TEST_F(PredicatesTest, TopicNameMatchesTheWholeName) {
  EXPECT_THAT(Test("TopicNameMatches", {{"pattern", "my-prefix-.*"}},
                   {OnTopic("my-prefix-orders"), OnTopic("other"), OnTopic("x-my-prefix-a")}),
              ElementsAre(true, false, false));
  EXPECT_THAT(Test("TopicNameMatches", {{"pattern", "a|b"}}, {OnTopic("a"), OnTopic("ab")}),
              ElementsAre(true, false));
  // Java syntax: \d, non-capturing groups, inline flags; repeated topics in one batch.
  EXPECT_THAT(Test("TopicNameMatches", {{"pattern", "(?i)(?:db\\d+)\\.orders"}},
                   {OnTopic("DB12.orders"), OnTopic("db.orders"), OnTopic("DB12.orders"),
                    OnTopic("db1.ORDERS")}),
              ElementsAre(true, false, true, true));
}

TEST_F(PredicatesTest, TopicNameMatchesRefusesBadPatterns) {
  EXPECT_THAT(ConfigureError("TopicNameMatches", {{"pattern", "a(b"}}),
              HasSubstr("Invalid value a(b for configuration pattern: Invalid regular expression: "
                        "Unclosed group near index 3"));
  // Valid in Java but refused here, rather than matched differently.
  EXPECT_THAT(ConfigureError("TopicNameMatches", {{"pattern", "(?<=a)b"}}),
              HasSubstr("Lookbehind (?<= or (?<! (near index 2) is valid in Java but not "
                        "supported"));
  EXPECT_THAT(ConfigureError("TopicNameMatches", {}),
              HasSubstr("Missing required configuration \"pattern\""));
  EXPECT_THAT(ConfigureError("TopicNameMatches", {{"pattern", ""}}),
              HasSubstr("configuration pattern"));
}

TEST_F(PredicatesTest, HasHeaderKey) {
  ConnectRecord with = OnTopic("t");
  with.headers.add_string("trace", "1");
  with.headers.add_int32("other", 2);
  EXPECT_THAT(Test("HasHeaderKey", {{"name", "trace"}}, {with, OnTopic("t")}),
              ElementsAre(true, false));
  EXPECT_THAT(ConfigureError("HasHeaderKey", {}), HasSubstr("\"name\""));
}

TEST_F(PredicatesTest, RecordIsTombstone) {
  ConnectRecord tombstone = MakeRecord(Schema::String(), "k", Schema::OptionalString(), Value());
  EXPECT_THAT(Test("RecordIsTombstone", {}, {tombstone, OnTopic("t")}), ElementsAre(true, false));
}

}  // namespace
}  // namespace ck::transforms_test
