// StringConverter and ByteArrayConverter through the plugin ABI (FakeHost). Expected texts of
// non-string values are what Apache Kafka 3.9.0's StringConverter wrote (value.toString(), JVM in
// UTC) for the same data.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "ck/host/host_support.h"
#include "ck/schema.h"
#include "ck/testkit/fake_host.h"
#include "ck/value.h"
#include "runtime/converters/builtin_converters.h"

namespace ck {
namespace {

using ::testing::HasSubstr;

constexpr char kString[] = "org.apache.kafka.connect.storage.StringConverter";
constexpr char kByteArray[] = "org.apache.kafka.connect.converters.ByteArrayConverter";

std::string Text(const std::optional<Bytes>& bytes) {
  return bytes ? std::string(bytes->begin(), bytes->end()) : "<null>";
}

Bytes ToBytes(std::string_view s) { return Bytes(s.begin(), s.end()); }

class StringConverterTest : public ::testing::Test {
 protected:
  void SetUp() override { host_.Load(ck_builtin_converters()); }

  testkit::ConverterDriver Converter(const char* class_name, const ConfigMap& config = {}) {
    testkit::ConverterDriver converter = host_.CreateConverter(class_name);
    converter.Configure(config, true);
    return converter;
  }
  std::string Write(const SchemaPtr& schema, Value value) {
    return Text(Converter(kString).FromConnect("t", {schema, std::move(value)}));
  }

  testkit::FakeHost host_;
};

TEST_F(StringConverterTest, WritesStringsAsUtf8) {
  EXPECT_EQ(Write(Schema::String(), "h\xC3\xA9llo"), "h\xC3\xA9llo");
  EXPECT_EQ(Write(Schema::String(), ""), "");
  EXPECT_EQ(Write(Schema::OptionalString(), Value()), "<null>");
  EXPECT_EQ(Write(nullptr, Value()), "<null>");
}

TEST_F(StringConverterTest, WritesOtherValuesAsJavasToString) {
  EXPECT_EQ(Write(Schema::Int32(), int32_t{42}), "42");
  EXPECT_EQ(Write(Schema::Float64(), 1.0e7), "1.0E7");
  EXPECT_EQ(Write(Schema::Float32(), 0.1f), "0.1");
  EXPECT_EQ(Write(Schema::Boolean(), false), "false");
  EXPECT_EQ(Write(Timestamp::schema(), int64_t{1700000000000}), "Tue Nov 14 22:13:20 UTC 2023");
  EXPECT_EQ(Write(Date::schema(), int32_t{19737}), "Mon Jan 15 00:00:00 UTC 2024");
  EXPECT_EQ(Write(Decimal::schema(10), Bytes{0x01}), "1E-10");
  EXPECT_EQ(Write(nullptr, Value::Array{"a", int32_t{1}, Value()}), "[a, 1, null]");
  EXPECT_EQ(Write(nullptr, Value::Map{{"a", int64_t{1}}, {"b\"", int64_t{2}}}), "{a=1, b\"=2}");
  const SchemaPtr row =
      SchemaBuilder::struct_()
          .name("com.example.Row")
          .field("id", Schema::Int32())
          .field("name", Schema::OptionalString())
          .field("ts", Timestamp::schema())
          .field("m", SchemaBuilder::map(Schema::Int32(), Schema::String()).build())
          .build();
  Struct value(row);
  value.put("id", int32_t{1}).put("ts", int64_t{1700000000000});
  value.put("m", Value::Map{{int32_t{1}, "a"}, {int32_t{2}, "b"}});
  EXPECT_EQ(Write(row, value), "Struct{id=1,ts=Tue Nov 14 22:13:20 UTC 2023,m={1=a, 2=b}}");
}

TEST_F(StringConverterTest, RefusesRawBytesNamingTheAlternative) {
  try {
    Write(Schema::Bytes(), Bytes{1, 2});
    FAIL() << "expected an error";
  } catch (const host::AbiError& e) {
    EXPECT_EQ(e.code(), CK_ERROR_DATA);
    EXPECT_THAT(e.what(), HasSubstr("use ByteArrayConverter"));
  }
}

TEST_F(StringConverterTest, ReadsAnOptionalString) {
  testkit::ConverterDriver converter = Converter(kString);
  const SchemaAndValue text = converter.ToConnect("t", ToBytes("h\xC3\xA9llo"));
  EXPECT_TRUE(SchemaEquals(text.schema, Schema::OptionalString()));
  EXPECT_EQ(text.value, Value("h\xC3\xA9llo"));
  const SchemaAndValue null = converter.ToConnect("t", std::nullopt);
  EXPECT_TRUE(SchemaEquals(null.schema, Schema::OptionalString()));
  EXPECT_TRUE(null.value.is_null());
  EXPECT_EQ(converter.ToConnect("t", Bytes{}).value, Value(""));
  // Ill-formed UTF-8 is decoded as Java does: U+FFFD for each ill-formed subsequence.
  EXPECT_EQ(converter.ToConnect("t", Bytes{'a', 0xFF, 'b', 0xE2, 0x82}).value,
            Value("a\xEF\xBF\xBD"
                  "b\xEF\xBF\xBD"));
}

TEST_F(StringConverterTest, AcceptsOnlyUtf8) {
  Converter(kString, {{"converter.encoding", "utf8"}});
  Converter(kString, {{"converter.encoding", "UTF-8"}});
  testkit::ConverterDriver converter = host_.CreateConverter(kString);
  try {
    converter.Configure({{"converter.encoding", "ISO-8859-1"}}, false);
    FAIL() << "expected a configuration error";
  } catch (const host::AbiError& e) {
    EXPECT_EQ(e.code(), CK_ERROR_CONFIG);
    EXPECT_STREQ(e.what(),
                 "Invalid value ISO-8859-1 for configuration converter.encoding: ConnectKit's "
                 "StringConverter supports only the UTF-8 encoding (UTF-8 or UTF8, in any case)");
  }
}

TEST_F(StringConverterTest, HeaderConverterWritesAndReadsText) {
  testkit::HeaderConverterDriver header =
      host_.CreateHeaderConverter("org.apache.kafka.connect.storage.StringConverter$Header");
  header.Configure({});
  EXPECT_EQ(Text(header.FromConnectHeader("t", "h", {Schema::Int64(), int64_t{-5}})), "-5");
  EXPECT_EQ(header.ToConnectHeader("t", "h", ToBytes("-5")).value, Value("-5"));
  EXPECT_EQ(header.FromConnectHeader("t", "h", {Schema::OptionalString(), Value()}), std::nullopt);
}

TEST_F(StringConverterTest, ByteArrayConverterPassesBytesThrough) {
  testkit::ConverterDriver converter = Converter(kByteArray);
  EXPECT_EQ(converter.FromConnect("t", {Schema::Bytes(), Bytes{0, 1, 0xFF}}), (Bytes{0, 1, 0xFF}));
  EXPECT_EQ(converter.FromConnect("t", {nullptr, Bytes{7}}), Bytes{7});
  EXPECT_EQ(converter.FromConnect("t", {Schema::OptionalBytes(), Value()}), std::nullopt);
  const SchemaAndValue read = converter.ToConnect("t", Bytes{1, 2});
  EXPECT_TRUE(SchemaEquals(read.schema, Schema::OptionalBytes()));
  EXPECT_EQ(read.value, Value(Bytes{1, 2}));
  const SchemaAndValue null = converter.ToConnect("t", std::nullopt);
  EXPECT_TRUE(SchemaEquals(null.schema, Schema::OptionalBytes()));
  EXPECT_TRUE(null.value.is_null());
}

TEST_F(StringConverterTest, ByteArrayConverterRefusesOtherSchemas) {
  testkit::ConverterDriver converter = Converter(kByteArray);
  try {
    converter.FromConnect("t", {Schema::Int32(), int32_t{1}});
    FAIL() << "expected an error";
  } catch (const host::AbiError& e) {
    EXPECT_EQ(e.code(), CK_ERROR_DATA);
    EXPECT_STREQ(e.what(), "Invalid schema type for ByteArrayConverter: INT32");
  }
  try {
    converter.FromConnect("t", {nullptr, "text"});
    FAIL() << "expected an error";
  } catch (const host::AbiError& e) {
    EXPECT_STREQ(e.what(), "ByteArrayConverter is not compatible with objects of type string");
  }
}

TEST_F(StringConverterTest, ByteArrayHeaderConverterPassesBytesThrough) {
  testkit::HeaderConverterDriver header =
      host_.CreateHeaderConverter("org.apache.kafka.connect.converters.ByteArrayConverter$Header");
  header.Configure({});
  EXPECT_EQ(header.FromConnectHeader("t", "h", {Schema::Bytes(), Bytes{3}}), Bytes{3});
  EXPECT_EQ(header.ToConnectHeader("t", "h", Bytes{3}).value, Value(Bytes{3}));
}

}  // namespace
}  // namespace ck
