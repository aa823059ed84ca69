// SimpleHeaderConverter through the plugin ABI (FakeHost). Expected texts and inferred schemas are
// what Apache Kafka 3.9.0's SimpleHeaderConverter (Values.convertToString / parseString, JVM in
// UTC) produced for the same data, except where connect_values.h documents a difference; those
// cases say so.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "ck/schema.h"
#include "ck/testkit/fake_host.h"
#include "ck/value.h"
#include "runtime/converters/builtin_converters.h"

namespace ck {
namespace {

constexpr char kSimple[] = "org.apache.kafka.connect.storage.SimpleHeaderConverter";

class SimpleHeaderConverterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    host_.Load(ck_builtin_converters());
    header_.emplace(host_.CreateHeaderConverter(kSimple));
    header_->Configure({});
  }

  std::string Write(const SchemaPtr& schema, Value value) {
    const std::optional<Bytes> bytes =
        header_->FromConnectHeader("t", "k", {schema, std::move(value)});
    return bytes ? std::string(bytes->begin(), bytes->end()) : "<null>";
  }
  SchemaAndValue Read(std::string_view text) {
    return header_->ToConnectHeader("t", "k", Bytes(text.begin(), text.end()));
  }
  // Expects `text` to read as `value` with `schema`.
  void ExpectRead(std::string_view text, const SchemaPtr& schema, const Value& value) {
    const SchemaAndValue read = Read(text);
    EXPECT_TRUE(SchemaEquals(read.schema, schema)) << text;
    EXPECT_EQ(read.value, value) << text;
  }
  void ExpectString(std::string_view text) { ExpectRead(text, Schema::String(), Value(text)); }

  testkit::FakeHost host_;
  std::optional<testkit::HeaderConverterDriver> header_;
};

SchemaPtr RowSchema() {
  return SchemaBuilder::struct_()
      .name("com.example.Row")
      .field("id", Schema::Int32())
      .field("name", Schema::OptionalString())
      .field("ts", Timestamp::schema())
      .field("m", SchemaBuilder::map(Schema::Int32(), Schema::String()).build())
      .build();
}

TEST_F(SimpleHeaderConverterTest, WritesValuesAsKafkasConvertToString) {
  EXPECT_EQ(Write(Schema::Int32(), int32_t{42}), "42");
  EXPECT_EQ(Write(Schema::String(), "he said \"hi\""), "he said \"hi\"");
  EXPECT_EQ(Write(SchemaBuilder::array(Schema::String()).build(), Value::Array{"a\"b", "c\\d"}),
            R"(["a\"b","c\\d"])");
  EXPECT_EQ(Write(SchemaBuilder::map(Schema::String(), Schema::Int64()).build(),
                  Value::Map{{"a", int64_t{1}}, {"b\"", int64_t{2}}}),
            R"({"a":1,"b\"":2})");
  Struct row(RowSchema());
  row.put("id", int32_t{1}).put("ts", int64_t{1700000000000});
  row.put("m", Value::Map{{int32_t{1}, "a"}, {int32_t{2}, "b"}});
  EXPECT_EQ(Write(RowSchema(), row),
            R"({"id":1,"name":null,"ts":2023-11-14T22:13:20.000Z,"m":{1:"a",2:"b"}})");
  EXPECT_EQ(Write(Schema::Bytes(), Bytes{1, 2, 3}), "AQID");
  EXPECT_EQ(Write(Decimal::schema(2), Decimal::FromString("1.56", 2)), "1.56");
  EXPECT_EQ(Write(Schema::Float32(), 0.1f), "0.1");
  EXPECT_EQ(Write(Schema::Float64(), 1.0e10), "1.0E10");
  EXPECT_EQ(Write(Schema::Boolean(), false), "false");
  EXPECT_EQ(Write(nullptr, Value::Array{Value::Array{int32_t{1}, int32_t{2}},
                                        Value::Map{{"a", int64_t{1}}, {"b\"", int64_t{2}}}}),
            R"([[1,2],{"a":1,"b\"":2}])");
  EXPECT_EQ(Write(Schema::OptionalString(), Value()), "<null>");
}

TEST_F(SimpleHeaderConverterTest, WritesTemporalValuesByTheirInstantAsKafka) {
  EXPECT_EQ(Write(Date::schema(), int32_t{19737}), "2024-01-15");
  EXPECT_EQ(Write(Time::schema(), int32_t{45296789}), "12:34:56.789Z");
  EXPECT_EQ(Write(Timestamp::schema(), int64_t{1700000000000}), "2023-11-14T22:13:20.000Z");
  // Values.dateFormatFor picks the format by the instant: a Timestamp at midnight prints as a
  // date, and the epoch's Date (less than a day of milliseconds) as a time.
  EXPECT_EQ(Write(Timestamp::schema(), int64_t{19737} * 86400000), "2024-01-15");
  EXPECT_EQ(Write(Date::schema(), int32_t{0}), "00:00:00.000Z");
}

TEST_F(SimpleHeaderConverterTest, InfersTheNarrowestNumber) {
  ExpectRead("42", Schema::Int8(), int8_t{42});
  ExpectRead("300", Schema::Int16(), int16_t{300});
  ExpectRead("70000", Schema::Int32(), int32_t{70000});
  ExpectRead("5000000000", Schema::Int64(), int64_t{5000000000});
  ExpectRead("-7", Schema::Int8(), int8_t{-7});
  ExpectRead("+7", Schema::Int8(), int8_t{7});
  ExpectRead("1.0", Schema::Int8(), int8_t{1});
  ExpectRead("1e3", Schema::Int16(), int16_t{1000});
  ExpectRead("1.5", Schema::Float32(), 1.5f);
  ExpectRead("0.1", Schema::Float32(), 0.1f);
  ExpectRead("1e30", Schema::Float32(), 1e30f);
  ExpectRead("12345678901234567890", Decimal::schema(0),
             Decimal::FromString("12345678901234567890", 0));
  ExpectRead("1e400", Decimal::schema(-400), Bytes{0x01});
}

TEST_F(SimpleHeaderConverterTest, InfersLiteralsAndTemporalValues) {
  ExpectRead("true", Schema::Boolean(), true);
  ExpectRead("false", Schema::Boolean(), false);
  EXPECT_EQ(Read("null"), SchemaAndValue());
  EXPECT_EQ(header_->ToConnectHeader("t", "k", std::nullopt), SchemaAndValue());
  ExpectRead("", Schema::String(), Value(""));
  ExpectRead("2024-01-15", Date::schema(), int32_t{19737});
  ExpectRead("12:34:56.789Z", Time::schema(), int32_t{45296789});
  ExpectRead("2024-01-15T12:34:56.789Z", Timestamp::schema(), int64_t{1705322096789});
}

TEST_F(SimpleHeaderConverterTest, InfersArraysAndMapsWithACommonSchema) {
  ExpectRead("[1,2,3]", SchemaBuilder::array(Schema::Int8()).build(),
             Value::Array{int8_t{1}, int8_t{2}, int8_t{3}});
  ExpectRead("[1, 300]", SchemaBuilder::array(Schema::Int16()).build(),
             Value::Array{int16_t{1}, int16_t{300}});
  ExpectRead("[1, 2.5]", SchemaBuilder::array(Schema::Float32()).build(), Value::Array{1.0f, 2.5f});
  ExpectRead(R"(["a","b"])", SchemaBuilder::array(Schema::String()).build(),
             Value::Array{"a", "b"});
  ExpectRead("[2024-01-15,2024-01-16]", SchemaBuilder::array(Date::schema()).build(),
             Value::Array{int32_t{19737}, int32_t{19738}});
  ExpectRead(R"(["2024-01-15"])", SchemaBuilder::array(Date::schema()).build(),
             Value::Array{int32_t{19737}});
  ExpectRead("[[1,2],[3]]",
             SchemaBuilder::array(SchemaBuilder::array(Schema::Int8()).build()).build(),
             Value::Array{Value::Array{int8_t{1}, int8_t{2}}, Value::Array{int8_t{3}}});
  ExpectRead(R"({"a":1,"b":2})", SchemaBuilder::map(Schema::String(), Schema::Int8()).build(),
             Value::Map{{"a", int8_t{1}}, {"b", int8_t{2}}});
  ExpectRead(R"({1:"x"})", SchemaBuilder::map(Schema::Int8(), Schema::String()).build(),
             Value::Map{{int8_t{1}, "x"}});
}

TEST_F(SimpleHeaderConverterTest, KeepsValuesWithoutACommonSchemaSchemaless) {
  // Kafka gives these its internal array-of-null / map-of-null schemas.
  ExpectRead(R"([1,"a"])", nullptr, Value::Array{int8_t{1}, "a"});
  ExpectRead(R"([1,"a",2])", nullptr, Value::Array{int8_t{1}, "a", int8_t{2}});
  ExpectRead("[]", nullptr, Value::Array{});
  ExpectRead("{}", nullptr, Value::Map{});
  ExpectRead("[null]", nullptr, Value::Array{Value()});
}

TEST_F(SimpleHeaderConverterTest, FallsBackToTheWholeString) {
  ExpectString("hello world");
  ExpectString("[1,null]");  // a null cannot take the required common schema
  ExpectString("true}");
  ExpectString("[1,2");
  ExpectString("{a:1}");
  ExpectString("   ");
  ExpectString("\"quoted\"");
  ExpectString("-");
  // Kafka reads INT8 1 and drops ",2"; here the text stays whole (connect_values.h).
  ExpectString("1,2");
}

TEST_F(SimpleHeaderConverterTest, UnescapesQuotedStrings) {
  // Kafka keeps the backslash (a\"b); unescaping makes convertToString's output read back.
  ExpectRead(R"(["a\"b"])", SchemaBuilder::array(Schema::String()).build(), Value::Array{"a\"b"});
  const Value strings = Value::Array{"a\"b", "c\\d", "e,f:[g]"};
  const SchemaPtr schema = SchemaBuilder::array(Schema::String()).build();
  ExpectRead(Write(schema, strings), schema, strings);
}

TEST_F(SimpleHeaderConverterTest, ReadsBytesThatAreNotUtf8AsBytes) {
  const SchemaAndValue read = header_->ToConnectHeader("t", "k", Bytes{0xFF, 0x00, 0x80});
  EXPECT_TRUE(SchemaEquals(read.schema, Schema::Bytes()));
  EXPECT_EQ(read.value, Value(Bytes{0xFF, 0x00, 0x80}));
}

TEST_F(SimpleHeaderConverterTest, RoundTripsWhatItWrites) {
  const std::vector<SchemaAndValue> cases = {
      {Schema::Int8(), int8_t{-3}},
      {Schema::Int64(), int64_t{5000000000}},
      {Schema::Boolean(), true},
      {Schema::String(), "plain text"},
      {Date::schema(), int32_t{19737}},
      {Time::schema(), int32_t{45296789}},
      {Timestamp::schema(), int64_t{1700000000000}},
      {SchemaBuilder::array(Schema::Int16()).build(), Value::Array{int16_t{1000}, int16_t{-1000}}},
      {SchemaBuilder::map(Schema::String(), Schema::Boolean()).build(),
       Value::Map{{"x", true}, {"y", false}}},
  };
  for (const SchemaAndValue& data : cases) {
    const std::optional<Bytes> bytes = header_->FromConnectHeader("t", "k", data);
    const SchemaAndValue back = header_->ToConnectHeader("t", "k", bytes);
    EXPECT_TRUE(SchemaEquals(back.schema, data.schema))
        << std::string(bytes->begin(), bytes->end());
    EXPECT_EQ(back.value, data.value) << std::string(bytes->begin(), bytes->end());
  }
}

}  // namespace
}  // namespace ck
