#include "ck/headers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "ck/schema.h"
#include "ck/value.h"

namespace ck {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;
using namespace std::chrono_literals;

// The keys and values of `headers`, in order, as "key=value" for string/int32 values.
std::vector<std::string> Dump(const Headers& headers) {
  std::vector<std::string> out;
  for (const Header& header : headers) {
    out.push_back(header.key + "=" +
                  (header.value.type() == Type::kInt32 ? std::to_string(header.value.as_int32())
                                                       : header.value.as_string()));
  }
  return out;
}

TEST(HeadersTest, TypedAddsUseKafkasSchemas) {
  Headers headers;
  headers.add_string("s", "x")
      .add_bytes("b", Bytes{1})
      .add_boolean("t", true)
      .add_int8("i8", 1)
      .add_int16("i16", 2)
      .add_int32("i32", 3)
      .add_int64("i64", 4)
      .add_float32("f32", 1.5f)
      .add_float64("f64", 2.5);
  ASSERT_EQ(headers.size(), 9u);
  EXPECT_EQ(headers.last_with_name("s")->schema, Schema::String());
  EXPECT_EQ(headers.last_with_name("b")->schema, Schema::Bytes());
  EXPECT_EQ(headers.last_with_name("t")->schema, Schema::Boolean());
  EXPECT_EQ(headers.last_with_name("i8")->value, Value(int8_t{1}));
  EXPECT_EQ(headers.last_with_name("i16")->schema, Schema::Int16());
  EXPECT_EQ(headers.last_with_name("i64")->value, Value(int64_t{4}));
  EXPECT_EQ(headers.last_with_name("f32")->schema, Schema::Float32());
  EXPECT_EQ(headers.last_with_name("f64")->value, Value(2.5));
}

TEST(HeadersTest, LogicalAddsEncodePhysically) {
  Headers headers;
  headers.add_decimal("d", Decimal::FromString("1.5", 1), 1)
      .add_date("day", std::chrono::sys_days{std::chrono::year{1970} / 1 / 3})
      .add_time("time", 1s)
      .add_timestamp("ts", std::chrono::sys_time<std::chrono::milliseconds>(5ms));
  EXPECT_EQ(headers.last_with_name("d")->schema->name(), Decimal::kLogicalName);
  EXPECT_EQ(Decimal::scale(*headers.last_with_name("d")->schema), 1);
  EXPECT_EQ(headers.last_with_name("day")->value, Value(2));
  EXPECT_EQ(headers.last_with_name("day")->schema, Date::schema());
  EXPECT_EQ(headers.last_with_name("time")->value, Value(1000));
  EXPECT_EQ(headers.last_with_name("ts")->value, Value(int64_t{5}));
  EXPECT_EQ(headers.last_with_name("ts")->schema, Timestamp::schema());
  EXPECT_THROW(headers.add_time("bad", 25h), DataError);
  EXPECT_EQ(headers.size(), 4u);
}

TEST(HeadersTest, AddChecksValueAgainstSchema) {
  Headers headers;
  EXPECT_THAT([&] { headers.add("k", "text", Schema::Int32()); },
              ThrowsMessage<DataError>(HasSubstr("type int32: got string")));
  EXPECT_THAT([&] { headers.add("k", Value(), Schema::String()); },
              ThrowsMessage<DataError>(HasSubstr("null used for required value")));
  EXPECT_THAT(
      [&] {
        headers.add_list("k", {1, 2}, Schema::Int32());
      },
      ThrowsMessage<DataError>(HasSubstr("got array")));
  SchemaPtr point = SchemaBuilder::struct_().field("x", Schema::Int32()).build();
  EXPECT_THAT([&] { headers.add_struct("k", Struct(point)); },
              ThrowsMessage<DataError>(HasSubstr("required field \"x\"")));
  EXPECT_TRUE(headers.empty());

  headers.add("null", Value(), Schema::OptionalString())
      .add("schemaless", Value::Map{{1, 2}}, nullptr)
      .add("sv", SchemaAndValue{Schema::Int32(), 3})
      .add_list("list", {1, 2}, SchemaBuilder::array(Schema::Int32()).build())
      .add_map("map", {{"a", true}},
               SchemaBuilder::map(Schema::String(), Schema::Boolean()).build());
  EXPECT_EQ(headers.size(), 5u);
  EXPECT_EQ(headers.last_with_name("schemaless")->schema, nullptr);
  EXPECT_EQ(headers.last_with_name("sv")->value, Value(3));
}

TEST(HeadersTest, LookupsSeeEveryValueOfARepeatedKeyInOrder) {
  Headers headers;
  headers.add_string("a", "1").add_int32("b", 2).add_string("a", "3");
  EXPECT_THAT(Dump(headers), ElementsAre("a=1", "b=2", "a=3"));
  const std::vector<const Header*> all = headers.all_with_name("a");
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0]->value, Value("1"));
  EXPECT_EQ(all[1]->value, Value("3"));
  EXPECT_EQ(headers.last_with_name("a")->value, Value("3"));
  EXPECT_EQ(headers.last_with_name("missing"), nullptr);
  EXPECT_TRUE(headers.all_with_name("missing").empty());
}

TEST(HeadersTest, RetainLatestOfOneKey) {
  Headers headers;
  headers.add_string("a", "1").add_string("b", "2").add_string("a", "3").add_string("b", "4");
  headers.add_string("a", "5");
  headers.retain_latest("a");
  EXPECT_THAT(Dump(headers), ElementsAre("b=2", "b=4", "a=5"));
}

TEST(HeadersTest, RetainLatestOfEveryKeyKeepsTheirOrder) {
  Headers headers;
  headers.add_string("a", "1").add_string("b", "2").add_string("a", "3").add_string("c", "4");
  headers.add_string("b", "5");
  headers.retain_latest();
  EXPECT_THAT(Dump(headers), ElementsAre("a=3", "c=4", "b=5"));
}

TEST(HeadersTest, RemoveAndClear) {
  Headers headers;
  headers.add_string("a", "1").add_string("b", "2").add_string("a", "3");
  headers.remove("a");
  EXPECT_THAT(Dump(headers), ElementsAre("b=2"));
  headers.remove("missing");
  EXPECT_EQ(headers.size(), 1u);
  headers.clear();
  EXPECT_TRUE(headers.empty());
}

TEST(HeadersTest, CopiesAreIndependentAndCompareByContent) {
  Headers headers;
  headers.add_string("a", "1");
  Headers copy = headers;
  EXPECT_EQ(copy, headers);
  copy.add_string("b", "2");
  EXPECT_NE(copy, headers);
  EXPECT_EQ(headers.size(), 1u);
}

TEST(HeaderTest, WithAndRenameCopy) {
  const Header header{"k", Schema::String(), "v"};
  const Header renamed = header.rename("k2");
  EXPECT_EQ(renamed.key, "k2");
  EXPECT_EQ(renamed.value, header.value);
  const Header changed = header.with(Schema::Int32(), 5);
  EXPECT_EQ(changed.key, "k");
  EXPECT_EQ(changed.schema, Schema::Int32());
  EXPECT_EQ(changed.value, Value(5));
  EXPECT_EQ(header, (Header{"k", SchemaBuilder::string().build(), "v"}));
}

}  // namespace
}  // namespace ck
