// The samples of the converter conformance suite: every Connect schema type, with the values that
// break careless encoders (integer extremes, float edge cases, escapes, empty containers,
// non-string map keys, nulls in optional fields, logical types at and around their epoch).
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "ck/testkit/conformance/converter_conformance.h"

namespace ck::testkit {
namespace {

SchemaPtr Address() {
  return SchemaBuilder::struct_()
      .name("io.example.Address")
      .field("street", Schema::String())
      .field("zip", Schema::OptionalInt32())
      .build();
}

Value AddressValue(const std::string& street, std::optional<int32_t> zip) {
  Struct s(Address());
  s.put("street", street);
  if (zip) s.put("zip", *zip);
  return s;
}

}  // namespace

std::vector<ConverterSample> PrimitiveConverterSamples() {
  return {
      {"int8 min", {Schema::Int8(), std::numeric_limits<int8_t>::min()}},
      {"int8 max", {Schema::Int8(), std::numeric_limits<int8_t>::max()}},
      {"int16", {Schema::Int16(), int16_t{-12345}}},
      {"int32 min", {Schema::Int32(), std::numeric_limits<int32_t>::min()}},
      {"int64 max", {Schema::Int64(), std::numeric_limits<int64_t>::max()}},
      {"int64 min", {Schema::Int64(), std::numeric_limits<int64_t>::min()}},
      {"float32", {Schema::Float32(), 0.1f}},
      {"float32 max", {Schema::Float32(), std::numeric_limits<float>::max()}},
      {"float64", {Schema::Float64(), 0.30000000000000004}},
      {"float64 tiny", {Schema::Float64(), std::numeric_limits<double>::denorm_min()}},
      {"float64 negative zero", {Schema::Float64(), -0.0}},
      {"float64 large", {Schema::Float64(), 1.5e300}},
      {"boolean true", {Schema::Boolean(), true}},
      {"boolean false", {Schema::Boolean(), false}},
      {"string", {Schema::String(), "h\xC3\xA9llo \"w\" \\ / \n\t\x01 \xF0\x9F\x98\x80"}},
      {"empty string", {Schema::String(), ""}},
      {"bytes", {Schema::Bytes(), Bytes{0x00, 0xFF, 0x10, 0x80}}},
      {"empty bytes", {Schema::Bytes(), Bytes{}}},
      {"optional null", {Schema::OptionalString(), Value()}},
      {"optional int64 set", {Schema::OptionalInt64(), int64_t{7}}},
  };
}

std::vector<ConverterSample> ContainerConverterSamples() {
  const SchemaPtr ints = SchemaBuilder::array(Schema::Int32()).build();
  const SchemaPtr person =
      SchemaBuilder::struct_()
          .name("io.example.Person")
          .version(3)
          .doc("someone")
          .parameter("io.example.origin", "crm")
          .field("id", Schema::Int64())
          .field("name", Schema::String())
          .field("nick", Schema::OptionalString())
          .field("home", Address())
          .field("past", SchemaBuilder::array(Address()).build())
          .field("tags", SchemaBuilder::map(Schema::String(), Schema::Int32()).optional().build())
          .build();
  Struct someone(person);
  someone.put("id", int64_t{42})
      .put("name", "Ada")
      .put("home", AddressValue("1 Main St", 12345))
      .put("past", Value::Array{AddressValue("2 Side St", std::nullopt), AddressValue("", 0)})
      .put("tags", Value::Map{{"a", int32_t{1}}, {"b", int32_t{2}}});
  Struct nobody(person);
  nobody.put("id", int64_t{0})
      .put("name", "")
      .put("home", AddressValue("", std::nullopt))
      .put("past", Value::Array{});
  return {
      {"array", {ints, Value::Array{int32_t{1}, int32_t{-2}, int32_t{3}}}},
      {"empty array", {ints, Value::Array{}}},
      {"array of optional strings",
       {SchemaBuilder::array(Schema::OptionalString()).build(), Value::Array{"a", Value(), "c"}}},
      {"array of arrays",
       {SchemaBuilder::array(ints).build(),
        Value::Array{Value::Array{int32_t{1}}, Value::Array{}}}},
      {"map with string keys",
       {SchemaBuilder::map(Schema::String(), Schema::OptionalFloat64()).build(),
        Value::Map{{"x", 1.5}, {"y", Value()}}}},
      {"map with int keys",
       {SchemaBuilder::map(Schema::Int32(), Schema::String()).build(),
        Value::Map{{int32_t{1}, "one"}, {int32_t{-1}, "minus one"}}}},
      {"map with struct keys",
       {SchemaBuilder::map(Address(), Schema::Boolean()).build(),
        Value::Map{{AddressValue("k", 1), true}}}},
      {"empty map", {SchemaBuilder::map(Schema::String(), Schema::String()).build(), Value::Map{}}},
      {"struct", {Address(), AddressValue("1 Main St", 12345)}},
      {"struct with a null optional field", {Address(), AddressValue("x", std::nullopt)}},
      {"nested struct with metadata", {person, someone}},
      {"nested struct with empty parts", {person, nobody}},
      {"optional struct null", {SchemaBuilder::struct_().optional().build(), Value()}},
  };
}

std::vector<ConverterSample> LogicalConverterSamples() {
  const SchemaPtr event = SchemaBuilder::struct_()
                              .name("io.example.Event")
                              .field("amount", Decimal::schema(2))
                              .field("day", Date::schema())
                              .field("at", Time::schema())
                              .field("ts", Timestamp::schema())
                              .build();
  Struct e(event);
  e.put("amount", Decimal::FromString("-1234.56", 2))
      .put("day", int32_t{19737})
      .put("at", int32_t{45296789})
      .put("ts", int64_t{1700000000123});
  return {
      {"decimal", {Decimal::schema(2), Decimal::FromString("12.34", 2)}},
      {"negative decimal", {Decimal::schema(4), Decimal::FromString("-0.0001", 4)}},
      {"large decimal",
       {Decimal::schema(0), Decimal::FromString("123456789012345678901234567890", 0)}},
      {"date at the epoch", {Date::schema(), int32_t{0}}},
      {"date before the epoch", {Date::schema(), int32_t{-1}}},
      {"time at midnight", {Time::schema(), int32_t{0}}},
      {"time", {Time::schema(), int32_t{45296789}}},
      {"timestamp", {Timestamp::schema(), int64_t{1700000000123}}},
      {"timestamp before the epoch", {Timestamp::schema(), int64_t{-1}}},
      {"logical types in a struct", {event, e}},
  };
}

}  // namespace ck::testkit
