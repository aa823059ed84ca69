// Record- and header-level transformations through the ABI (FakeHost): Filter, RegexRouter,
// TimestampRouter, InsertHeader, DropHeaders and HeaderFrom, golden input -> output records with
// and without schemas, and their errors.
#include <string>

#include "runtime/transforms/transform_test_util.h"

namespace ck::transforms_test {
namespace {

using ::testing::HasSubstr;

class RecordTransformsTest : public TransformTest {};

ConnectRecord OnTopic(std::string topic) {
  ConnectRecord record = MakeRecord(nullptr, Value(), nullptr, "v");
  record.topic = std::move(topic);
  return record;
}

TEST_F(RecordTransformsTest, FilterDropsEveryRecord) {
  EXPECT_EQ(Apply(Smt("Filter"), {}, OnTopic("t")), std::nullopt);
}

TEST_F(RecordTransformsTest, RegexRouterRenamesMatchingTopics) {
  const ConfigMap config = {{"regex", "(.*)-(prod|dev)"}, {"replacement", "$2.$1"}};
  EXPECT_EQ(Apply(Smt("RegexRouter"), config, OnTopic("orders-prod"))->topic, "prod.orders");
  EXPECT_EQ(Apply(Smt("RegexRouter"), config, OnTopic("orders-test"))->topic, "orders-test");
  // Java's replacement syntax: \$ is a literal dollar; $12 is group 1 then "2" with one group.
  EXPECT_EQ(Apply(Smt("RegexRouter"), {{"regex", "(a+)"}, {"replacement", "\\$$12"}}, OnTopic("aa"))
                ->topic,
            "$aa2");
  // Only whole-topic matches count (Matcher.matches()).
  EXPECT_EQ(Apply(Smt("RegexRouter"), {{"regex", "a"}, {"replacement", "b"}}, OnTopic("xa"))->topic,
            "xa");
  // Java's syntax and semantics: named groups and ${name}, \w, lazy quantifiers; and Kafka's
  // replaceFirst after matches(), which replaces only the first find() (here "a", not "ab").
  EXPECT_EQ(Apply(Smt("RegexRouter"),
                  {{"regex", "(?<db>\\w+?)\\.(?<table>.*)"}, {"replacement", "${table}_of_${db}"}},
                  OnTopic("inventory.customers.v2"))
                ->topic,
            "customers.v2_of_inventory");
  EXPECT_EQ(
      Apply(Smt("RegexRouter"), {{"regex", "a|ab"}, {"replacement", "X"}}, OnTopic("ab"))->topic,
      "Xb");
}

TEST_F(RecordTransformsTest, RegexRouterRoutesEachTopicOfABatch) {
  testkit::TransformationDriver smt = host_.CreateTransformation(Smt("RegexRouter"));
  smt.Configure({{"regex", "dbserver1\\.inventory\\.(.*)"}, {"replacement", "cdc.$1"}});
  const std::vector<ConnectRecord> out =
      smt.Apply({OnTopic("dbserver1.inventory.orders"), OnTopic("other"),
                 OnTopic("dbserver1.inventory.customers"), OnTopic("dbserver1.inventory.orders")});
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0].topic, "cdc.orders");
  EXPECT_EQ(out[1].topic, "other");
  EXPECT_EQ(out[2].topic, "cdc.customers");
  EXPECT_EQ(out[3].topic, "cdc.orders");
  EXPECT_EQ(out[3].value, Value("v"));
}

TEST_F(RecordTransformsTest, RegexRouterRefusesBadConfigs) {
  EXPECT_THAT(Error(Smt("RegexRouter"), {{"regex", "(a)"}, {"replacement", "$2"}}, std::nullopt,
                    CK_ERROR_CONFIG),
              HasSubstr("Invalid value $2 for configuration replacement: No group 2"));
  EXPECT_THAT(Error(Smt("RegexRouter"), {{"regex", "[a"}, {"replacement", "x"}}, std::nullopt,
                    CK_ERROR_CONFIG),
              HasSubstr("Invalid value [a for configuration regex"));
  EXPECT_THAT(Error(Smt("RegexRouter"), {{"regex", "a"}}, std::nullopt, CK_ERROR_CONFIG),
              HasSubstr("\"replacement\""));
}

TEST_F(RecordTransformsTest, TimestampRouterFormatsInUtc) {
  // 1700000000000 = 2023-11-14T22:13:20Z.
  EXPECT_EQ(Apply(Smt("TimestampRouter"), {}, OnTopic("t"))->topic, "t-20231114");
  EXPECT_EQ(Apply(Smt("TimestampRouter"),
                  {{"topic.format", "${timestamp}_${topic}"},
                   {"timestamp.format", "yy-MMM-dd'T'HH:mm:ss.SSS EEE a h D Z"}},
                  OnTopic("x"))
                ->topic,
            "23-Nov-14T22:13:20.000 Tue PM 10 318 +0000_x");
}

TEST_F(RecordTransformsTest, TimestampRouterErrors) {
  ConnectRecord no_timestamp = OnTopic("t");
  no_timestamp.timestamp.reset();
  EXPECT_THAT(Error(Smt("TimestampRouter"), {}, no_timestamp, CK_ERROR_DATA),
              HasSubstr("TimestampRouter: Timestamp missing on record of topic t"));
  EXPECT_THAT(
      Error(Smt("TimestampRouter"), {{"timestamp.format", "yyyyww"}}, std::nullopt,
            CK_ERROR_CONFIG),
      HasSubstr("Invalid value yyyyww for configuration timestamp.format: Unsupported pattern "
                "letter 'w'"));
}

TEST_F(RecordTransformsTest, InsertHeaderInfersTheLiteralsSchema) {
  ConnectRecord record = OnTopic("t");
  record.headers.add_string("a", "x");
  const ConnectRecord out =
      *Apply(Smt("InsertHeader"), {{"header", "n"}, {"value.literal", "42"}}, record);
  Headers expected;
  expected.add_string("a", "x").add_int8("n", 42);
  EXPECT_EQ(out.headers, expected);
  EXPECT_EQ(Apply(Smt("InsertHeader"), {{"header", "b"}, {"value.literal", "true"}}, OnTopic("t"))
                ->headers.last_with_name("b")
                ->value,
            Value(true));
  EXPECT_EQ(*Apply(Smt("InsertHeader"), {{"header", "s"}, {"value.literal", "hello"}}, OnTopic("t"))
                 ->headers.last_with_name("s"),
            (Header{"s", Schema::String(), "hello"}));
  EXPECT_EQ(*Apply(Smt("InsertHeader"), {{"header", "z"}, {"value.literal", "null"}}, OnTopic("t"))
                 ->headers.last_with_name("z"),
            (Header{"z", nullptr, Value()}));
  EXPECT_EQ(*Apply(Smt("InsertHeader"), {{"header", "e"}, {"value.literal", ""}}, OnTopic("t"))
                 ->headers.last_with_name("e"),
            (Header{"e", Schema::String(), ""}));
  EXPECT_THAT(Error(Smt("InsertHeader"), {{"header", "h"}}, std::nullopt, CK_ERROR_CONFIG),
              HasSubstr("\"value.literal\""));
}

TEST_F(RecordTransformsTest, DropHeadersRemovesEveryNamedHeader) {
  ConnectRecord record = OnTopic("t");
  record.headers.add_string("a", "1").add_string("b", "2").add_string("a", "3").add_int8("c", 4);
  Headers expected;
  expected.add_string("b", "2");
  EXPECT_EQ(Apply(Smt("DropHeaders"), {{"headers", "a,c,missing"}}, record)->headers, expected);
  EXPECT_THAT(Error(Smt("DropHeaders"), {{"headers", ""}}, std::nullopt, CK_ERROR_CONFIG),
              HasSubstr("configuration headers: Empty list"));
}

SchemaPtr RowSchema() {
  return SchemaBuilder::struct_()
      .name("Row")
      .field("id", Schema::Int32())
      .field("name", Schema::OptionalString())
      .build();
}

TEST_F(RecordTransformsTest, HeaderFromMovesStructFields) {
  const SchemaPtr row = RowSchema();
  Struct value(row);
  value.put("id", int32_t{7}).put("name", "n");
  const ConnectRecord out = *Apply(Smt("HeaderFrom$Value"),
                                   {{"fields", "id"}, {"headers", "h_id"}, {"operation", "move"}},
                                   MakeRecord(nullptr, Value(), row, value));
  const SchemaPtr moved =
      SchemaBuilder::struct_().name("Row").field("name", Schema::OptionalString()).build();
  EXPECT_TRUE(SchemaEquals(out.value_schema, moved));
  Struct expected(moved);
  expected.put("name", "n");
  EXPECT_EQ(out.value, Value(expected));
  Headers headers;
  headers.add_int32("h_id", 7);
  EXPECT_EQ(out.headers, headers);
}

TEST_F(RecordTransformsTest, HeaderFromCopiesKeyFieldsSchemaless) {
  const Value key = StrMap({{"a", int64_t{1}}, {"b", "x"}});
  const ConnectRecord copied = *Apply(
      Smt("HeaderFrom$Key"), {{"fields", "a,b"}, {"headers", "ha,hb"}, {"operation", "copy"}},
      MakeRecord(nullptr, key, nullptr, "v"));
  EXPECT_EQ(copied.key, key);
  Headers headers;
  headers.add("ha", int64_t{1}, nullptr).add("hb", "x", nullptr);
  EXPECT_EQ(copied.headers, headers);
  const ConnectRecord moved =
      *Apply(Smt("HeaderFrom$Key"), {{"fields", "a"}, {"headers", "ha"}, {"operation", "move"}},
             MakeRecord(nullptr, key, nullptr, "v"));
  EXPECT_EQ(moved.key, Value(StrMap({{"b", "x"}})));
}

TEST_F(RecordTransformsTest, HeaderFromErrors) {
  EXPECT_THAT(
      Error(Smt("HeaderFrom$Value"), {{"fields", "a,b"}, {"headers", "h"}, {"operation", "copy"}},
            std::nullopt, CK_ERROR_CONFIG),
      HasSubstr("'fields' config must have the same number of elements as 'headers'"));
  EXPECT_THAT(
      Error(Smt("HeaderFrom$Value"), {{"fields", "a"}, {"headers", "h"}, {"operation", "cut"}},
            std::nullopt, CK_ERROR_CONFIG),
      HasSubstr("Invalid value cut for configuration operation"));
  EXPECT_THAT(
      Error(Smt("HeaderFrom$Value"), {{"fields", "a"}, {"headers", "h"}, {"operation", "copy"}},
            MakeRecord(nullptr, Value(), nullptr, "text"), CK_ERROR_DATA),
      HasSubstr("HeaderFrom$Value: Only Map objects supported in absence of schema for "
                "[header copy], found: string"));
  Struct value(RowSchema());
  value.put("id", int32_t{1});
  EXPECT_THAT(
      Error(Smt("HeaderFrom$Value"), {{"fields", "nope"}, {"headers", "h"}, {"operation", "copy"}},
            MakeRecord(nullptr, Value(), RowSchema(), value), CK_ERROR_DATA),
      HasSubstr("field \"nope\" (for header \"h\") is not in the value schema"));
}

}  // namespace
}  // namespace ck::transforms_test
