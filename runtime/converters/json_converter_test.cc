// JsonConverter through the plugin ABI (FakeHost loads ck_builtin_converters, exactly as the
// runtime registers it). The expected bytes are what Apache Kafka 3.9.0's JsonConverter (Jackson
// 2.16, JDK 17) wrote for the same data, captured once and pasted here; they cover every schema
// type and logical type with schemas on and off, both decimal formats, maps with string and other
// keys, nulls, defaults and tombstones, and the examples of reference/kafka-connect.md §5.1.
#include "runtime/converters/json_converter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "ck/host/host_support.h"
#include "ck/internal/host.h"
#include "ck/schema.h"
#include "ck/testkit/fake_host.h"
#include "ck/value.h"
#include "runtime/converters/builtin_converters.h"

namespace ck {
namespace {

using ::testing::StartsWith;

constexpr char kJson[] = "org.apache.kafka.connect.json.JsonConverter";
constexpr char kEnvelopeError[] =
    "JsonConverter with schemas.enable requires \"schema\" and \"payload\" fields and may not "
    "contain additional fields. If you are trying to deserialize plain JSON data, set "
    "schemas.enable=false in your converter configuration.";

std::string Text(const std::optional<Bytes>& bytes) {
  return bytes ? std::string(bytes->begin(), bytes->end()) : "<null>";
}

Bytes ToBytes(std::string_view s) { return Bytes(s.begin(), s.end()); }

class JsonConverterTest : public ::testing::Test {
 protected:
  void SetUp() override { host_.Load(ck_builtin_converters()); }

  testkit::ConverterDriver Converter(const ConfigMap& config = {}) {
    testkit::ConverterDriver converter = host_.CreateConverter(kJson);
    converter.Configure(config, false);
    return converter;
  }

  // What the converter writes for `schema` and `value`, as text ("<null>" for null).
  std::string Write(const SchemaPtr& schema, Value value, const ConfigMap& config = {}) {
    return Text(Converter(config).FromConnect("topic", {schema, std::move(value)}));
  }
  std::string WriteOff(const SchemaPtr& schema, Value value) {
    return Write(schema, std::move(value), {{"schemas.enable", "false"}});
  }
  std::string WriteNumeric(const SchemaPtr& schema, Value value) {
    return Write(schema, std::move(value), {{"decimal.format", "NUMERIC"}});
  }
  SchemaAndValue Read(std::string_view json, const ConfigMap& config = {}) {
    return Converter(config).ToConnect("topic", ToBytes(json));
  }
  // The message of the error converting `json`, or "" when it converts.
  std::string ReadError(std::string_view json, const ConfigMap& config = {}) {
    try {
      Read(json, config);
    } catch (const host::AbiError& e) {
      EXPECT_EQ(e.code(), CK_ERROR_DATA) << e.what();
      return e.what();
    }
    return "";
  }
  std::string WriteError(const SchemaPtr& schema, Value value, const ConfigMap& config = {}) {
    try {
      Write(schema, std::move(value), config);
    } catch (const host::AbiError& e) {
      EXPECT_EQ(e.code(), CK_ERROR_DATA) << e.what();
      return e.what();
    }
    return "";
  }

  testkit::FakeHost host_;
};

// ---- Writing: every type, byte for byte ---------------------------------------------------------

TEST_F(JsonConverterTest, WritesPrimitivesInTheEnvelope) {
  EXPECT_EQ(Write(Schema::Int8(), int8_t{-12}),
            R"({"schema":{"type":"int8","optional":false},"payload":-12})");
  EXPECT_EQ(Write(Schema::Int16(), int16_t{1234}),
            R"({"schema":{"type":"int16","optional":false},"payload":1234})");
  EXPECT_EQ(Write(Schema::Int32(), int32_t{123456}),
            R"({"schema":{"type":"int32","optional":false},"payload":123456})");
  EXPECT_EQ(Write(Schema::Int64(), int64_t{1234567890123}),
            R"({"schema":{"type":"int64","optional":false},"payload":1234567890123})");
  EXPECT_EQ(Write(Schema::Float32(), 1.5f),
            R"({"schema":{"type":"float","optional":false},"payload":1.5})");
  EXPECT_EQ(Write(Schema::Float32(), 0.1f),
            R"({"schema":{"type":"float","optional":false},"payload":0.1})");
  EXPECT_EQ(Write(Schema::Float64(), 1.5e10),
            R"({"schema":{"type":"double","optional":false},"payload":1.5E10})");
  EXPECT_EQ(Write(Schema::Float64(), 1.0e-4),
            R"({"schema":{"type":"double","optional":false},"payload":1.0E-4})");
  EXPECT_EQ(Write(Schema::Float64(), 1.0),
            R"({"schema":{"type":"double","optional":false},"payload":1.0})");
  EXPECT_EQ(Write(Schema::Boolean(), true),
            R"({"schema":{"type":"boolean","optional":false},"payload":true})");
  EXPECT_EQ(Write(Schema::Bytes(), Bytes{0, 1, 2, 0xFF}),
            R"({"schema":{"type":"bytes","optional":false},"payload":"AAEC/w=="})");
}

TEST_F(JsonConverterTest, WritesNonFiniteNumbersAsJacksonQuotedStrings) {
  EXPECT_EQ(Write(Schema::Float64(), std::numeric_limits<double>::quiet_NaN()),
            R"({"schema":{"type":"double","optional":false},"payload":"NaN"})");
  EXPECT_EQ(WriteOff(Schema::Float64(), -std::numeric_limits<double>::infinity()),
            R"("-Infinity")");
  EXPECT_EQ(WriteOff(Schema::Float32(), std::numeric_limits<float>::infinity()), R"("Infinity")");
}

TEST_F(JsonConverterTest, EscapesStringsAsJackson) {
  // Short escapes; other control characters as upper-case \u00XX; '/', DEL and BMP characters as
  // they are; characters beyond the BMP (here U+1F600) as their escaped UTF-16 surrogate pair.
  EXPECT_EQ(
      Write(Schema::String(),
            "a\"b\\c/d\n\t\r\b\f\x01\x1f\x7f\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"),
      "{\"schema\":{\"type\":\"string\",\"optional\":false},\"payload\":"
      "\"a\\\"b\\\\c/d\\n\\t\\r\\b\\f\\u0001\\u001F\x7f\xC3\xA9\xE2\x82\xAC\\uD83D\\uDE00\"}");
  // Escaped surrogate pairs read back as the one character they encode.
  const SchemaAndValue back = Read(R"({"schema":null,"payload":{"\uD83D\uDE00\n":"\u00e9"}})");
  EXPECT_EQ(back.value, Value(Value::Map{{"\xF0\x9F\x98\x80\n", "\xC3\xA9"}}));
}

TEST_F(JsonConverterTest, EscapesCharactersAnywhereInLongStrings) {
  // Strings are scanned eight bytes at a time: what needs an escape is found at any position,
  // and is written as it is when alone in a string (scanned byte by byte).
  const std::vector<std::string> specials = {
      "\x01", "\x1f", "\"", "\\", "\n", "\x7f", " ", "\xC3\xA9", "\xF0\x9F\x98\x80", "\xF0("};
  for (const std::string& special : specials) {
    const std::string alone = WriteOff(Schema::String(), special);
    const std::string escaped = alone.substr(1, alone.size() - 2);
    for (size_t at = 0; at <= 20; ++at) {
      const std::string before(at, 'a');
      const std::string after(20 - at, 'b');
      EXPECT_EQ(WriteOff(Schema::String(), before + special + after),
                "\"" + before + escaped + after + "\"")
          << "escape of " << alone << " at " << at;
    }
  }
}

TEST_F(JsonConverterTest, WritesSchemaMembersInKafkasOrder) {
  const SchemaPtr schema = SchemaBuilder::int32()
                               .optional()
                               .default_value(int32_t{42})
                               .name("n")
                               .version(3)
                               .doc("d\"oc")
                               .parameter("k", "v")
                               .parameter("a", "b")
                               .build();
  // Parameters keep the order they were set in (Kafka's LinkedHashMap), not key order.
  const std::string schema_json =
      R"({"type":"int32","optional":true,"name":"n","version":3,"doc":"d\"oc",)"
      R"("parameters":{"k":"v","a":"b"},"default":42})";
  EXPECT_EQ(Write(schema, int32_t{7}), R"({"schema":)" + schema_json + R"(,"payload":7})");
  // A null takes the default unless replace.null.with.default is false.
  EXPECT_EQ(Write(schema, Value()), R"({"schema":)" + schema_json + R"(,"payload":42})");
  EXPECT_EQ(Write(schema, Value(), {{"replace.null.with.default", "false"}}),
            R"({"schema":)" + schema_json + R"(,"payload":null})");
}

TEST_F(JsonConverterTest, WritesDefaultsOfEveryKind) {
  EXPECT_EQ(Write(SchemaBuilder::boolean().default_value(true).build(), false),
            R"({"schema":{"type":"boolean","optional":false,"default":true},"payload":false})");
  EXPECT_EQ(Write(SchemaBuilder::bytes().optional().default_value(Bytes{9, 8}).build(), Value()),
            R"({"schema":{"type":"bytes","optional":true,"default":"CQg="},"payload":"CQg="})");
  EXPECT_EQ(Write(SchemaBuilder::array(Schema::String())
                      .optional()
                      .default_value(Value::Array{"x"})
                      .build(),
                  Value()),
            R"({"schema":{"type":"array","items":{"type":"string","optional":false},)"
            R"("optional":true,"default":["x"]},"payload":["x"]})");
}

TEST_F(JsonConverterTest, WritesLogicalTypes) {
  EXPECT_EQ(Write(Date::schema(), int32_t{19737}),
            R"({"schema":{"type":"int32","optional":false,)"
            R"("name":"org.apache.kafka.connect.data.Date","version":1},"payload":19737})");
  EXPECT_EQ(Write(Time::schema(), int32_t{45296789}),
            R"({"schema":{"type":"int32","optional":false,)"
            R"("name":"org.apache.kafka.connect.data.Time","version":1},"payload":45296789})");
  EXPECT_EQ(Write(Timestamp::schema(), int64_t{1700000000000}),
            R"({"schema":{"type":"int64","optional":false,)"
            R"("name":"org.apache.kafka.connect.data.Timestamp","version":1},)"
            R"("payload":1700000000000})");
}

constexpr char kDecimal2Schema[] =
    R"({"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal",)"
    R"("version":1,"parameters":{"scale":"2"}})";

TEST_F(JsonConverterTest, WritesDecimalsAsBase64) {
  // The reference's 1.56 -> "AJw=" example (Kafka also writes "optional":false).
  EXPECT_EQ(Write(Decimal::schema(2), Decimal::FromString("1.56", 2)),
            std::string(R"({"schema":)") + kDecimal2Schema + R"(,"payload":"AJw="})");
  EXPECT_EQ(Write(Decimal::schema(2), Decimal::FromString("-1.56", 2)),
            std::string(R"({"schema":)") + kDecimal2Schema + R"(,"payload":"/2Q="})");
  // Redundant sign bytes are dropped, as BigInteger.toByteArray() would.
  EXPECT_EQ(WriteOff(Decimal::schema(2), Bytes{0x00, 0x00, 0x9C}), R"("AJw=")");
}

TEST_F(JsonConverterTest, WritesDebeziumDecimalParametersInTheirOrder) {
  // Debezium adds its precision after Decimal's scale; Kafka writes them in that order.
  const SchemaPtr schema =
      Decimal::builder(2).parameter("connect.decimal.precision", "10").optional().build();
  EXPECT_EQ(Write(schema, Decimal::FromString("1.56", 2)),
            R"({"schema":{"type":"bytes","optional":true,)"
            R"("name":"org.apache.kafka.connect.data.Decimal","version":1,)"
            R"("parameters":{"scale":"2","connect.decimal.precision":"10"}},"payload":"AJw="})");
}

TEST_F(JsonConverterTest, WritesDecimalsAsNumbers) {
  EXPECT_EQ(WriteNumeric(Decimal::schema(2), Decimal::FromString("1.56", 2)),
            std::string(R"({"schema":)") + kDecimal2Schema + R"(,"payload":1.56})");
  const auto payload = [&](int32_t scale, std::string_view plain) {
    const std::string json =
        WriteNumeric(Decimal::schema(scale), Decimal::FromString(plain, scale));
    return json.substr(json.find(R"("payload":)") + 10);
  };
  EXPECT_EQ(payload(4, "1.56"), "1.5600}");
  EXPECT_EQ(payload(10, "0.0000000001"), "1E-10}");
  EXPECT_EQ(payload(-3, "12000"), "1.2E+4}");
  EXPECT_EQ(payload(3, "1208925819614629174706.177"), "1208925819614629174706.177}");
}

TEST_F(JsonConverterTest, WritesArraysAndMaps) {
  const SchemaPtr array = SchemaBuilder::array(Schema::OptionalInt32()).build();
  EXPECT_EQ(Write(array, Value::Array{int32_t{1}, Value(), int32_t{3}}),
            R"({"schema":{"type":"array","items":{"type":"int32","optional":true},)"
            R"("optional":false},"payload":[1,null,3]})");
  EXPECT_EQ(WriteOff(array, Value::Array{int32_t{1}, Value(), int32_t{3}}), "[1,null,3]");

  const SchemaPtr string_keys = SchemaBuilder::map(Schema::String(), Schema::Int64()).build();
  EXPECT_EQ(Write(string_keys, Value::Map{{"a", int64_t{1}}, {"b\"", int64_t{2}}}),
            R"({"schema":{"type":"map","keys":{"type":"string","optional":false},)"
            R"("values":{"type":"int64","optional":false},"optional":false},)"
            R"("payload":{"a":1,"b\"":2}})");

  const SchemaPtr int_keys = SchemaBuilder::map(Schema::Int32(), Schema::String()).build();
  EXPECT_EQ(Write(int_keys, Value::Map{{int32_t{1}, "a"}, {int32_t{2}, "b"}}),
            R"({"schema":{"type":"map","keys":{"type":"int32","optional":false},)"
            R"("values":{"type":"string","optional":false},"optional":false},)"
            R"("payload":[[1,"a"],[2,"b"]]})");

  // A null key of an optional string key schema is the member "null", as Jackson's asText().
  const SchemaPtr null_key = SchemaBuilder::map(Schema::OptionalString(), Schema::Int32()).build();
  EXPECT_EQ(WriteOff(null_key, Value::Map{{Value(), int32_t{1}}}), R"({"null":1})");
}

TEST_F(JsonConverterTest, WritesSchemalessValuesByTheirType) {
  EXPECT_EQ(
      WriteOff(nullptr, Value::Map{{"x", Value::Array{int64_t{1}, "two", Value()}}, {"y", true}}),
      R"({"x":[1,"two",null],"y":true})");
  // Any non-string key turns the map into an array of pairs.
  EXPECT_EQ(WriteOff(nullptr, Value::Map{{int64_t{1}, "a"}, {"b", 2.5}}), R"([[1,"a"],["b",2.5]])");
  EXPECT_EQ(Write(nullptr, Bytes{1, 2, 3}), R"({"schema":null,"payload":"AQID"})");
}

SchemaPtr RowSchema() {
  return SchemaBuilder::struct_()
      .name("com.example.Row")
      .field("id", Schema::Int32())
      .field("name", Schema::OptionalString())
      .field("ts", Timestamp::schema())
      .field("m", SchemaBuilder::map(Schema::Int32(), Schema::String()).build())
      .build();
}

Struct RowValue() {
  Struct row(RowSchema());
  row.put("id", int32_t{1}).put("ts", int64_t{1700000000000});
  row.put("m", Value::Map{{int32_t{1}, "a"}, {int32_t{2}, "b"}});
  return row;
}

// The struct example of reference/kafka-connect.md §5.1, without its line break.
constexpr char kStructExample[] =
    R"({"schema":{"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"},)"
    R"({"type":"string","optional":true,"field":"name"},)"
    R"({"type":"int64","optional":false,"name":"org.apache.kafka.connect.data.Timestamp",)"
    R"("version":1,"field":"ts"},)"
    R"({"type":"map","keys":{"type":"int32","optional":false},)"
    R"("values":{"type":"string","optional":false},"optional":false,"field":"m"}],)"
    R"("optional":false,"name":"com.example.Row"},)"
    R"("payload":{"id":1,"name":null,"ts":1700000000000,"m":[[1,"a"],[2,"b"]]}})";

TEST_F(JsonConverterTest, WritesTheReferenceStructExample) {
  EXPECT_EQ(Write(RowSchema(), RowValue()), kStructExample);
  EXPECT_EQ(WriteOff(RowSchema(), RowValue()),
            R"({"id":1,"name":null,"ts":1700000000000,"m":[[1,"a"],[2,"b"]]})");
}

SchemaPtr InnerSchema() {
  return SchemaBuilder::struct_().name("Inner").optional().field("x", Schema::Float64()).build();
}

SchemaPtr OuterSchema() {
  return SchemaBuilder::struct_()
      .name("Outer")
      .version(2)
      .doc("outer doc")
      .field("inner", InnerSchema())
      .field("list", SchemaBuilder::array(InnerSchema()).build())
      .field("dflt", SchemaBuilder::string().optional().default_value("zz").build())
      .field("dec",
             Decimal::builder(2).optional().default_value(Decimal::FromString("0.05", 2)).build())
      .build();
}

Struct OuterValue() {
  Struct inner(InnerSchema());
  inner.put("x", 2.0);
  Struct element(InnerSchema());
  element.put("x", 0.5);
  Struct outer(OuterSchema());
  outer.put("inner", std::move(inner)).put("list", Value::Array{std::move(element), Value()});
  return outer;
}

constexpr char kOuterSchemaHead[] =
    R"({"schema":{"type":"struct","fields":[{"type":"struct","fields":[{"type":"double",)"
    R"("optional":false,"field":"x"}],"optional":true,"name":"Inner","field":"inner"},)"
    R"({"type":"array","items":{"type":"struct","fields":[{"type":"double","optional":false,)"
    R"("field":"x"}],"optional":true,"name":"Inner"},"optional":false,"field":"list"},)"
    R"({"type":"string","optional":true,"default":"zz","field":"dflt"},)"
    R"({"type":"bytes","optional":true,"name":"org.apache.kafka.connect.data.Decimal",)"
    R"("version":1,"parameters":{"scale":"2"},"default":)";

TEST_F(JsonConverterTest, WritesNestedStructsWithFieldDefaults) {
  const std::string tail = R"(,"field":"dec"}],"optional":false,"name":"Outer","version":2,)"
                           R"("doc":"outer doc"},"payload":{"inner":{"x":2.0},"list":[{"x":0.5},)"
                           R"(null],)";
  EXPECT_EQ(Write(OuterSchema(), OuterValue()),
            kOuterSchemaHead + std::string(R"("BQ==")") + tail + R"("dflt":"zz","dec":"BQ=="}})");
  EXPECT_EQ(Write(OuterSchema(), OuterValue(), {{"replace.null.with.default", "false"}}),
            kOuterSchemaHead + std::string(R"("BQ==")") + tail + R"("dflt":null,"dec":null}})");
  EXPECT_EQ(Write(OuterSchema(), OuterValue(), {{"decimal.format", "numeric"}}),
            kOuterSchemaHead + std::string("0.05") + tail + R"("dflt":"zz","dec":0.05}})");
}

TEST_F(JsonConverterTest, WritesNullsAndTombstones) {
  EXPECT_EQ(Write(nullptr, Value()), "<null>");  // a tombstone
  EXPECT_EQ(Write(Schema::OptionalString(), Value()),
            R"({"schema":{"type":"string","optional":true},"payload":null})");
  EXPECT_EQ(WriteOff(Schema::OptionalString(), Value()), "null");
}

TEST_F(JsonConverterTest, RefusesNullsForRequiredValuesNamingTheField) {
  EXPECT_EQ(WriteError(Schema::Int32(), Value()),
            "Conversion error: null value for field that is required and has no default value");
  const SchemaPtr required = SchemaBuilder::struct_().field("id", Schema::Int32()).build();
  EXPECT_EQ(WriteError(required, Struct(required)),
            "Conversion error: null value for field that is required and has no default value "
            "(field \"id\")");
  // Reading names nested positions the same way.
  EXPECT_EQ(
      ReadError(R"({"schema":{"type":"struct","fields":[{"type":"array","items":)"
                R"({"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"}],)"
                R"("optional":false},"optional":false,"field":"rows"}],"optional":false},)"
                R"("payload":{"rows":[{"id":1},{}]}})"),
      "Invalid null value for required INT32 field (field \"rows[1].id\")");
}

TEST_F(JsonConverterTest, RefusesValuesOfTheWrongType) {
  // The converter writes records from the ABI batch as they lie, checking each value against its
  // schema with Kafka's messages...
  EXPECT_EQ(WriteError(Schema::Int32(), "x"), "Invalid type for INT32: string");
  // ...as it does for in-process callers of JsonCodec.
  runtime::JsonCodec codec;
  const auto error = [&](const SchemaPtr& schema, const Value& value) -> std::string {
    try {
      codec.FromConnect(schema, value);
    } catch (const DataError& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_EQ(error(Schema::Int32(), "x"), "Invalid type for INT32: string");
  EXPECT_EQ(error(nullptr, RowValue()), "Mismatching schema.");
  EXPECT_EQ(error(OuterSchema(), RowValue()), "Mismatching schema.");
  EXPECT_EQ(error(Decimal::schema(2), Bytes{}), "Invalid Decimal value: no bytes");
  EXPECT_EQ(
      error(SchemaBuilder::bytes().name(std::string(Decimal::kLogicalName)).build(), Bytes{1}),
      "Invalid Decimal schema: scale parameter not found.");
}

// ---- Reading ------------------------------------------------------------------------------------

TEST_F(JsonConverterTest, ReadsTheReferenceDecimalExample) {
  const SchemaAndValue decimal = Read(
      R"({"schema":{"type":"bytes","name":"org.apache.kafka.connect.data.Decimal","version":1,)"
      R"("parameters":{"scale":"2"}},"payload":"AJw="})");
  EXPECT_TRUE(SchemaEquals(decimal.schema, Decimal::schema(2)));
  EXPECT_EQ(Decimal::ToString(decimal.value.as_bytes(), 2), "1.56");
  // NUMERIC payloads are read too, at the schema's scale.
  const SchemaAndValue numeric =
      Read(std::string(R"({"schema":)") + kDecimal2Schema + R"(,"payload":1.5})");
  EXPECT_EQ(numeric.value, Value(Decimal::FromString("1.50", 2)));
}

TEST_F(JsonConverterTest, ReadsTheReferenceStructExample) {
  const SchemaAndValue row = Read(kStructExample);
  EXPECT_TRUE(SchemaEquals(row.schema, RowSchema()));
  EXPECT_EQ(row.value, Value(RowValue()));
}

TEST_F(JsonConverterTest, RoundTripsEveryType) {
  const std::vector<SchemaAndValue> cases = {
      {Schema::Int8(), int8_t{-128}},
      {Schema::Int16(), int16_t{32767}},
      {Schema::Int32(), std::numeric_limits<int32_t>::min()},
      {Schema::Int64(), std::numeric_limits<int64_t>::max()},
      {Schema::Float32(), 3.4028235E38f},
      {Schema::Float32(), 0.1f},
      {Schema::Float64(), 0.30000000000000004},
      {Schema::Float64(), std::numeric_limits<double>::denorm_min()},
      {Schema::Float64(), std::numeric_limits<double>::infinity()},
      {Schema::Boolean(), false},
      {Schema::String(), "h\xC3\xA9llo \"w\"\n\x01"},
      {Schema::Bytes(), Bytes{}},
      {Schema::Bytes(), Bytes{0, 0xFF, 0x10}},
      {Schema::OptionalString(), Value()},
      {Decimal::schema(2), Decimal::FromString("-123.45", 2)},
      {Date::schema(), int32_t{-1}},
      {Time::schema(), int32_t{86400000}},
      {Timestamp::schema(), int64_t{-1}},
      {SchemaBuilder::map(Schema::String(), Schema::OptionalFloat64()).build(),
       Value::Map{{"a", 1.5}, {"b", Value()}}},
      {SchemaBuilder::map(RowSchema(), Schema::Boolean()).build(), Value::Map{{RowValue(), true}}},
      {RowSchema(), RowValue()},
      {OuterSchema(), OuterValue()},
  };
  for (const ConfigMap& config : {ConfigMap{}, ConfigMap{{"decimal.format", "NUMERIC"}}}) {
    testkit::ConverterDriver converter = Converter(config);
    for (const SchemaAndValue& data : cases) {
      const std::optional<Bytes> bytes = converter.FromConnect("t", data);
      SCOPED_TRACE(Text(bytes));
      const SchemaAndValue back = converter.ToConnect("t", bytes);
      EXPECT_TRUE(SchemaEquals(back.schema, data.schema));
      if (data.schema->type() == Type::kStruct && data.schema->name() == "Outer") {
        // Unset fields with defaults come back as their defaults.
        EXPECT_EQ(back.value.as_struct().get("dflt"), Value("zz"));
        EXPECT_EQ(back.value.as_struct().get("list"), data.value.as_struct().get("list"));
      } else {
        EXPECT_EQ(back.value, data.value);
      }
    }
  }
}

TEST_F(JsonConverterTest, RoundTripsNaN) {
  testkit::ConverterDriver converter = Converter();
  const SchemaAndValue back = converter.ToConnect(
      "t",
      converter.FromConnect("t", {Schema::Float32(), std::numeric_limits<float>::quiet_NaN()}));
  EXPECT_TRUE(std::isnan(back.value.as_float32()));
}

TEST_F(JsonConverterTest, ReadsPlainJsonWithoutSchemas) {
  const ConfigMap off = {{"schemas.enable", "false"}};
  const SchemaAndValue plain = Read(R"({"a":1,"b":[1.5,"x",null,true],"c":{"d":null}})", off);
  EXPECT_EQ(plain.schema, nullptr);
  EXPECT_EQ(plain.value, Value(Value::Map{{"a", int64_t{1}},
                                          {"b", Value::Array{1.5, "x", Value(), true}},
                                          {"c", Value::Map{{"d", Value()}}}}));
  EXPECT_EQ(Read("42", off).value, Value(int64_t{42}));
  EXPECT_EQ(Read("4.0", off).value, Value(4.0));
  EXPECT_EQ(Read("1e2", off).value, Value(100.0));
  // Integral numbers beyond int64 keep their low 64 bits, as Java's longValue().
  EXPECT_EQ(Read("123456789012345678901234567890", off).value,
            Value(int64_t{-4362896299872285998}));
  EXPECT_EQ(Read("null", off), SchemaAndValue());
  EXPECT_EQ(Read("", off), SchemaAndValue());  // Jackson's missing node
}

TEST_F(JsonConverterTest, ReadsNullBytesAsNull) {
  EXPECT_EQ(Converter().ToConnect("t", std::nullopt), SchemaAndValue());
}

TEST_F(JsonConverterTest, RequiresTheEnvelopeVerbatim) {
  EXPECT_EQ(ReadError(R"({"schema":null,"payload":1,"x":2})"), kEnvelopeError);
  EXPECT_EQ(ReadError(R"({"payload":1})"), kEnvelopeError);
  EXPECT_EQ(ReadError(R"([1])"), kEnvelopeError);
  EXPECT_EQ(ReadError(""), kEnvelopeError);
  EXPECT_EQ(ReadError(R"({"schema":null,"schema":null,"payload":1})"), kEnvelopeError);
  // Plain JSON with schemas enabled is what the message is for.
  EXPECT_EQ(ReadError(R"({"a":1})"), kEnvelopeError);
}

TEST_F(JsonConverterTest, ReadsThePayloadBeforeTheSchema) {
  const SchemaAndValue data =
      Read(R"({"payload":[1,2],"schema":{"type":"array","items":{"type":"int16","optional":false},)"
           R"("optional":false}})");
  EXPECT_TRUE(SchemaEquals(data.schema, SchemaBuilder::array(Schema::Int16()).build()));
  EXPECT_EQ(data.value, Value(Value::Array{int16_t{1}, int16_t{2}}));
  EXPECT_EQ(Read(R"({"schema":null,"payload":{"k":[true]}})").value,
            Value(Value::Map{{"k", Value::Array{true}}}));
}

TEST_F(JsonConverterTest, ReadsNullsWithDefaultsAndOptionality) {
  EXPECT_EQ(
      Read(R"({"schema":{"type":"int32","optional":false,"default":5},"payload":null})").value,
      Value(int32_t{5}));
  EXPECT_EQ(ReadError(R"({"schema":{"type":"int32","optional":false,"default":5},"payload":null})",
                      {{"replace.null.with.default", "false"}}),
            "Invalid null value for required INT32 field");
  EXPECT_EQ(ReadError(R"({"schema":{"type":"struct","fields":[{"type":"int32","optional":false,)"
                      R"("field":"id"}],"optional":false},"payload":{}})"),
            "Invalid null value for required INT32 field (field \"id\")");
  const SchemaAndValue with_default =
      Read(R"({"schema":{"type":"struct","fields":[{"type":"string","optional":true,)"
           R"("default":"zz","field":"s"}],"optional":false},"payload":{"s":null}})");
  EXPECT_EQ(with_default.value.as_struct().get_without_default("s"), Value("zz"));
  EXPECT_EQ(Read(R"({"schema":{"type":"string","optional":true},"payload":null})").value, Value());
}

TEST_F(JsonConverterTest, NarrowsNumbersAsJava) {
  EXPECT_EQ(Read(R"({"schema":{"type":"int8","optional":false},"payload":300})").value,
            Value(int8_t{44}));
  EXPECT_EQ(Read(R"({"schema":{"type":"int32","optional":false},"payload":-2.9})").value,
            Value(int32_t{-2}));
  EXPECT_EQ(Read(R"({"schema":{"type":"int64","optional":false},"payload":1e3})").value,
            Value(int64_t{1000}));
  EXPECT_EQ(Read(R"({"schema":{"type":"float","optional":false},"payload":1})").value, Value(1.0f));
}

TEST_F(JsonConverterTest, ReportsBadSchemasAndPayloadsWithKafkasMessages) {
  EXPECT_EQ(ReadError(R"({"schema":{"type":"uuid"},"payload":1})"), "Unknown schema type: uuid");
  EXPECT_EQ(ReadError(R"({"schema":{"optional":true},"payload":1})"),
            "Schema must contain 'type' field");
  EXPECT_EQ(ReadError(R"({"schema":{"type":"array"},"payload":[]})"),
            "Array schema did not specify the element type");
  EXPECT_EQ(ReadError(R"({"schema":{"type":"map","values":{"type":"int8"}},"payload":{}})"),
            "Map schema did not specify the key type");
  EXPECT_EQ(ReadError(R"({"schema":{"type":"struct","fields":{}},"payload":{}})"),
            "Struct schema's \"fields\" argument is not an array.");
  EXPECT_EQ(ReadError(R"({"schema":{"type":"struct","fields":[{"type":"int8"}]},"payload":{}})"),
            "Struct schema's field name not specified properly");
  EXPECT_EQ(ReadError(R"({"schema":{"type":"int32","parameters":{"a":1}},"payload":1})"),
            "Schema parameters must have string values.");
  EXPECT_EQ(ReadError(R"({"schema":{"type":"map","keys":{"type":"string"},)"
                      R"("values":{"type":"int32"}},"payload":[]})"),
            "Maps with string fields should be encoded as JSON objects, but found ARRAY");
  EXPECT_EQ(ReadError(R"({"schema":{"type":"map","keys":{"type":"int32"},)"
                      R"("values":{"type":"int32"}},"payload":[[1,2,3]]})"),
            "Found invalid map entry, expected length 2 but found :3 (field \"[0]\")");
  EXPECT_EQ(ReadError(R"({"schema":{"type":"struct","fields":[]},"payload":1})"),
            "Structs should be encoded as JSON objects, but found NUMBER");
  EXPECT_EQ(ReadError(R"({"schema":{"type":"int32","name":"org.apache.kafka.connect.data.Date",)"
                      R"("version":1},"payload":"x"})"),
            "Invalid type for Date, underlying representation should be integer but was STRING");
  EXPECT_EQ(
      ReadError(R"({"schema":{"type":"int64","name":"org.apache.kafka.connect.data.Timestamp",)"
                R"("version":1},"payload":1.5})"),
      "Invalid type for Timestamp, underlying representation should be integral but was NUMBER");
  EXPECT_EQ(ReadError(std::string(R"({"schema":)") + kDecimal2Schema + R"(,"payload":true})"),
            "Invalid type for Decimal, underlying representation should be numeric or bytes but "
            "was BOOLEAN");
  EXPECT_EQ(ReadError(R"({"schema":{"type":"bytes"},"payload":"%%%"})"), "Invalid bytes field");
  EXPECT_EQ(ReadError(R"({"schema":{"type":"struct","fields":[{"type":"boolean","field":"b"}]},)"
                      R"("payload":{"b":"yes"}})"),
            "Expected a JSON boolean for a BOOLEAN value but found STRING (field \"b\")");
}

TEST_F(JsonConverterTest, ReportsMalformedJson) {
  EXPECT_THAT(ReadError(R"({"schema":null,"payload":[1,}})"),
              StartsWith("Converting byte[] to Kafka Connect data failed due to serialization "
                         "error: "));
  EXPECT_THAT(ReadError("{} {}", {{"schemas.enable", "false"}}),
              StartsWith("Converting byte[] to Kafka Connect data failed due to serialization "
                         "error: "));
}

TEST_F(JsonConverterTest, ReusesCachedSchemasAcrossRecords) {
  testkit::ConverterDriver converter = Converter({{"schemas.cache.size", "1"}});
  for (int i = 0; i < 3; ++i) {  // alternate two schemas through a one-entry cache
    EXPECT_EQ(Text(converter.FromConnect("t", {RowSchema(), RowValue()})), kStructExample);
    EXPECT_EQ(converter.ToConnect("t", ToBytes(kStructExample)).value, Value(RowValue()));
    EXPECT_EQ(Text(converter.FromConnect("t", {Schema::Int8(), int8_t{1}})),
              R"({"schema":{"type":"int8","optional":false},"payload":1})");
  }
  testkit::ConverterDriver uncached = Converter({{"schemas.cache.size", "0"}});
  EXPECT_EQ(Text(uncached.FromConnect("t", {RowSchema(), RowValue()})), kStructExample);
}

// ---- Configuration, header role, registration ---------------------------------------------------

TEST_F(JsonConverterTest, RejectsAnUnknownDecimalFormat) {
  testkit::ConverterDriver converter = host_.CreateConverter(kJson);
  try {
    converter.Configure({{"decimal.format", "HEX"}}, false);
    FAIL() << "expected a configuration error";
  } catch (const host::AbiError& e) {
    EXPECT_EQ(e.code(), CK_ERROR_CONFIG);
    EXPECT_STREQ(e.what(),
                 "Invalid value HEX for configuration decimal.format: String must be one of (case "
                 "insensitive): BASE64, NUMERIC");
  }
}

TEST_F(JsonConverterTest, HeaderConverterWritesAndReadsAsTheValueConverter) {
  testkit::HeaderConverterDriver header =
      host_.CreateHeaderConverter("org.apache.kafka.connect.json.JsonConverter$Header");
  header.Configure({});
  const std::optional<Bytes> bytes = header.FromConnectHeader("t", "h", {RowSchema(), RowValue()});
  EXPECT_EQ(Text(bytes), kStructExample);
  EXPECT_EQ(header.ToConnectHeader("t", "h", bytes).value, Value(RowValue()));
  EXPECT_EQ(header.FromConnectHeader("t", "h", {nullptr, Value()}), std::nullopt);
  header.Configure({{"schemas.enable", "false"}});
  EXPECT_EQ(Text(header.FromConnectHeader("t", "h", {Schema::String(), "x"})), R"("x")");
}

TEST_F(JsonConverterTest, ManifestRegistersEveryBuiltInConverter) {
  const nlohmann::json manifest =
      nlohmann::json::parse(abi_internal::View(ck_builtin_converters()->manifest_json));
  std::map<std::string, nlohmann::json> by_class;
  for (const auto& c : manifest["components"]) by_class[c["class"]] = c;
  ASSERT_EQ(by_class.size(), 7u);
  EXPECT_EQ(by_class[kJson]["kind"], "converter");
  EXPECT_EQ(by_class[kJson]["aliases"], nlohmann::json({"JsonConverter", "Json"}));
  const auto& header = by_class["org.apache.kafka.connect.json.JsonConverter$Header"];
  EXPECT_EQ(header["kind"], "header_converter");
  EXPECT_EQ(header["aliases"][0], kJson);
  EXPECT_EQ(by_class["org.apache.kafka.connect.storage.SimpleHeaderConverter"]["kind"],
            "header_converter");
  std::vector<std::string> keys;
  for (const auto& key : by_class[kJson]["config"]) keys.push_back(key["name"]);
  EXPECT_EQ(keys,
            (std::vector<std::string>{"converter.type", "schemas.enable", "schemas.cache.size",
                                      "decimal.format", "replace.null.with.default"}));
}

}  // namespace
}  // namespace ck
