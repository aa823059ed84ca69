#include "ck/schema.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "ck/value.h"

namespace ck {
namespace {

using ::testing::HasSubstr;
using ::testing::ThrowsMessage;
using namespace std::chrono_literals;

TEST(TypeTest, NamesAndPrimitivenessMatchKafka) {
  EXPECT_EQ(TypeName(Type::kInt8), "int8");
  EXPECT_EQ(TypeName(Type::kFloat64), "float64");
  EXPECT_EQ(TypeName(Type::kBoolean), "boolean");
  EXPECT_EQ(TypeName(Type::kBytes), "bytes");
  EXPECT_EQ(TypeName(Type::kStruct), "struct");
  EXPECT_TRUE(IsPrimitive(Type::kBytes));
  EXPECT_TRUE(IsPrimitive(Type::kString));
  EXPECT_FALSE(IsPrimitive(Type::kArray));
  EXPECT_FALSE(IsPrimitive(Type::kMap));
  EXPECT_FALSE(IsPrimitive(Type::kStruct));
}

TEST(SchemaTest, PredefinedSchemasAreSharedAndPlain) {
  EXPECT_EQ(Schema::Int32(), Schema::Int32());
  EXPECT_EQ(Schema::Int32()->type(), Type::kInt32);
  EXPECT_FALSE(Schema::Int32()->optional());
  EXPECT_TRUE(Schema::OptionalString()->optional());
  EXPECT_EQ(Schema::OptionalString()->type(), Type::kString);
  EXPECT_EQ(Schema::Bytes()->default_value(), nullptr);
  EXPECT_EQ(Schema::Bytes()->name(), "");
  EXPECT_FALSE(Schema::Bytes()->version().has_value());
  EXPECT_EQ(*Schema::Float64(), *SchemaBuilder::float64().build());
  EXPECT_NE(*Schema::Float64(), *Schema::OptionalFloat64());
}

TEST(SchemaBuilderTest, BuildsStructWithMetadataAndFields) {
  SchemaPtr person = SchemaBuilder::struct_()
                         .name("com.example.Person")
                         .version(3)
                         .doc("A person")
                         .parameter("b", "2")
                         .parameters({{"a", "1"}})
                         .field("name", Schema::String())
                         .field("age", Schema::OptionalInt32())
                         .build();
  EXPECT_EQ(person->type(), Type::kStruct);
  EXPECT_EQ(person->name(), "com.example.Person");
  EXPECT_EQ(person->version(), 3);
  EXPECT_EQ(person->doc(), "A person");
  EXPECT_EQ(person->parameters(), (std::map<std::string, std::string>{{"a", "1"}, {"b", "2"}}));
  ASSERT_EQ(person->fields().size(), 2u);
  EXPECT_EQ(person->fields()[1].name, "age");
  EXPECT_EQ(person->fields()[1].index, 1u);
  EXPECT_EQ(person->fields()[1].schema, Schema::OptionalInt32());
  ASSERT_NE(person->field("name"), nullptr);
  EXPECT_EQ(person->field("name")->index, 0u);
  EXPECT_EQ(person->field("missing"), nullptr);
}

TEST(SchemaBuilderTest, ArrayAndMapCarryElementSchemas) {
  SchemaPtr array = SchemaBuilder::array(Schema::String()).optional().build();
  EXPECT_EQ(array->type(), Type::kArray);
  EXPECT_TRUE(array->optional());
  EXPECT_EQ(array->value_schema(), Schema::String());
  EXPECT_THAT([&] { array->key_schema(); },
              ThrowsMessage<DataError>("Cannot look up key schema on non-map type"));

  SchemaPtr map = SchemaBuilder::map(Schema::Int64(), array).build();
  EXPECT_EQ(map->key_schema(), Schema::Int64());
  EXPECT_EQ(map->value_schema(), array);
  EXPECT_THAT([&] { map->fields(); },
              ThrowsMessage<DataError>("Cannot list fields on non-struct type"));
  EXPECT_THAT([] { Schema::Int32()->value_schema(); },
              ThrowsMessage<DataError>(HasSubstr("non-array")));
  EXPECT_THAT([] { Schema::Int32()->field("x"); },
              ThrowsMessage<DataError>("Cannot look up fields on non-struct type"));
}

TEST(SchemaBuilderTest, RejectsBadFieldsNamingThem) {
  EXPECT_THAT([] { SchemaBuilder::int32().field("count", Schema::Int32()); },
              ThrowsMessage<SchemaBuilderError>("Cannot create field \"count\" on type int32"));
  EXPECT_THAT(
      [] { SchemaBuilder::struct_().field("id", Schema::Int32()).field("id", Schema::String()); },
      ThrowsMessage<SchemaBuilderError>(
          "Cannot create field because of field name duplication \"id\""));
  EXPECT_THAT([] { SchemaBuilder::struct_().field("id", nullptr); },
              ThrowsMessage<SchemaBuilderError>("Schema for field \"id\" cannot be null"));
  EXPECT_THAT([] { SchemaBuilder::struct_().field("", Schema::Int32()); },
              ThrowsMessage<SchemaBuilderError>("Field name cannot be empty"));
  EXPECT_THAT([] { SchemaBuilder::array(nullptr); },
              ThrowsMessage<SchemaBuilderError>("array value schema cannot be null"));
  EXPECT_THAT([] { SchemaBuilder::type(Type::kMap); },
              ThrowsMessage<SchemaBuilderError>("Use SchemaBuilder::map() for map schemas"));
  // SchemaBuilderError is a DataError, as Kafka's SchemaBuilderException is a DataException.
  EXPECT_THROW(SchemaBuilder::struct_().field("", Schema::Int32()), DataError);
}

TEST(SchemaTest, EqualityIsDeep) {
  const auto make = [](std::string doc) {
    return SchemaBuilder::struct_()
        .name("r")
        .doc(std::move(doc))
        .field("tags", SchemaBuilder::array(Schema::String()).build())
        .field("attrs", SchemaBuilder::map(Schema::String(), Schema::OptionalInt64()).build())
        .build();
  };
  EXPECT_EQ(*make("d"), *make("d"));
  EXPECT_NE(*make("d"), *make("other"));
  EXPECT_TRUE(SchemaEquals(make("d"), make("d")));
  EXPECT_TRUE(SchemaEquals(nullptr, nullptr));
  EXPECT_FALSE(SchemaEquals(make("d"), nullptr));

  EXPECT_NE(*SchemaBuilder::int32().name("a").build(), *SchemaBuilder::int32().name("b").build());
  EXPECT_NE(*SchemaBuilder::int32().version(1).build(), *SchemaBuilder::int32().build());
  EXPECT_NE(*SchemaBuilder::int32().parameter("k", "v").build(), *SchemaBuilder::int32().build());
  EXPECT_NE(*SchemaBuilder::int32().default_value(1).build(),
            *SchemaBuilder::int32().default_value(2).build());
  EXPECT_NE(*SchemaBuilder::array(Schema::Int32()).build(),
            *SchemaBuilder::array(Schema::Int64()).build());
  const auto a_then_b =
      SchemaBuilder::struct_().field("a", Schema::Int32()).field("b", Schema::Int32()).build();
  const auto b_then_a =
      SchemaBuilder::struct_().field("b", Schema::Int32()).field("a", Schema::Int32()).build();
  EXPECT_NE(*a_then_b, *b_then_a);
}

TEST(SchemaBuilderTest, ValidatesDefaultValueAtBuild) {
  SchemaPtr with_default = SchemaBuilder::int32().default_value(42).build();
  ASSERT_NE(with_default->default_value(), nullptr);
  EXPECT_EQ(*with_default->default_value(), Value(42));

  EXPECT_THAT([] { SchemaBuilder::int32().default_value("x").build(); },
              ThrowsMessage<SchemaBuilderError>(
                  "Invalid default value: Invalid value for schema with type int32: got string "
                  "for value"));
  EXPECT_THAT([] { SchemaBuilder::int64().default_value(7).build(); },
              ThrowsMessage<SchemaBuilderError>(HasSubstr("type int64: got int32")));
  EXPECT_THAT([] { SchemaBuilder::string().default_value(nullptr).build(); },
              ThrowsMessage<SchemaBuilderError>(
                  "Invalid default value: Invalid value: null used for required value, schema "
                  "type: string"));
  // A null default on an optional schema means "no default".
  EXPECT_EQ(SchemaBuilder::string().optional().default_value(nullptr).build()->default_value(),
            nullptr);
}

TEST(SchemaBuilderTest, AcceptsStructDefaultBuiltFromTheSameFields) {
  SchemaPtr point = SchemaBuilder::struct_().field("x", Schema::Int32()).build();
  Struct origin(point);
  origin.put("x", 0);
  SchemaPtr with_default =
      SchemaBuilder::struct_().field("x", Schema::Int32()).default_value(origin).build();
  EXPECT_EQ(with_default->default_value()->as_struct().get_int32("x"), 0);
}

TEST(SchemaBuilderTest, CanBuildTwiceAndKeepsTheLastSetting) {
  SchemaBuilder builder = SchemaBuilder::string().optional().required().name("a").name("b");
  SchemaPtr first = builder.build();
  EXPECT_EQ(*first, *builder.build());
  EXPECT_FALSE(first->optional());
  EXPECT_EQ(first->name(), "b");
}

TEST(DecimalTest, SchemaFollowsKafka) {
  SchemaPtr schema = Decimal::schema(2);
  EXPECT_EQ(schema->type(), Type::kBytes);
  EXPECT_EQ(schema->name(), "org.apache.kafka.connect.data.Decimal");
  EXPECT_EQ(schema->version(), 1);
  EXPECT_EQ(schema->parameters().at("scale"), "2");
  EXPECT_EQ(Decimal::scale(*schema), 2);
  EXPECT_TRUE(Decimal::builder(0).optional().build()->optional());
  EXPECT_THAT([] { Decimal::scale(*Schema::Bytes()); },
              ThrowsMessage<DataError>("Invalid Decimal schema: scale parameter not found."));
  EXPECT_THAT([] { Decimal::scale(*SchemaBuilder::bytes().parameter("scale", "x").build()); },
              ThrowsMessage<DataError>("Invalid scale parameter found in Decimal schema: x"));
}

TEST(DecimalTest, EncodesUnscaledTwosComplementBigEndian) {
  EXPECT_EQ(Decimal::FromString("12.34", 2), (Bytes{0x04, 0xD2}));
  EXPECT_EQ(Decimal::FromString("-12.34", 2), (Bytes{0xFB, 0x2E}));
  EXPECT_EQ(Decimal::FromString("0", 0), (Bytes{0x00}));
  EXPECT_EQ(Decimal::FromString("-0.00", 2), (Bytes{0x00}));
  EXPECT_EQ(Decimal::FromString("127", 0), (Bytes{0x7F}));
  EXPECT_EQ(Decimal::FromString("128", 0), (Bytes{0x00, 0x80}));
  EXPECT_EQ(Decimal::FromString("-128", 0), (Bytes{0x80}));
  EXPECT_EQ(Decimal::FromString("-129", 0), (Bytes{0xFF, 0x7F}));
  EXPECT_EQ(Decimal::FromString("+1.5", 3), (Bytes{0x05, 0xDC}));  // 1500: zero-padded
  EXPECT_EQ(Decimal::FromString("1.230", 2), (Bytes{0x7B}));       // trailing zero dropped
  EXPECT_EQ(Decimal::FromString("1200", -2), (Bytes{0x0C}));       // negative scale
  EXPECT_EQ(Decimal::FromString("0.0", -3), (Bytes{0x00}));
  EXPECT_EQ(Decimal::FromString(".5", 1), (Bytes{0x05}));
}

TEST(DecimalTest, RejectsMalformedOrLossyText) {
  EXPECT_THAT([] { Decimal::FromString("1.234", 2); },
              ThrowsMessage<DataError>(
                  "Decimal value 1.234 cannot be represented at scale 2 without rounding"));
  EXPECT_THROW(Decimal::FromString("1250", -2), DataError);
  EXPECT_THAT([] { Decimal::FromString("12a", 0); },
              ThrowsMessage<DataError>("Invalid decimal value: 12a"));
  EXPECT_THROW(Decimal::FromString("", 0), DataError);
  EXPECT_THROW(Decimal::FromString("-", 0), DataError);
  EXPECT_THROW(Decimal::FromString("1.2.3", 0), DataError);
  EXPECT_THROW(Decimal::FromString("1e3", 0), DataError);
  EXPECT_THAT([] { Decimal::ToString({}, 0); },
              ThrowsMessage<DataError>("Invalid Decimal value: no bytes"));
}

TEST(DecimalTest, RoundTripsIncludingNegativesScalesAndWideValues) {
  const std::vector<std::pair<std::string, int32_t>> cases = {
      {"12.34", 2},
      {"-12.34", 2},
      {"0.00", 2},
      {"-0.05", 2},
      {"-1", 0},
      {"123400", -2},
      {"170141183460469231731687303715884105727", 0},   // INT128_MAX
      {"-170141183460469231731687303715884105728", 0},  // INT128_MIN
      {"-9999999999999999999999999999999999999999999.123456789", 9},
  };
  for (const auto& [text, scale] : cases) {
    EXPECT_EQ(Decimal::ToString(Decimal::FromString(text, scale), scale), text) << text;
  }
  EXPECT_EQ(Decimal::ToString({0x04, 0xD2}, -2), "123400");
  EXPECT_EQ(Decimal::ToString({0xFF}, 3), "-0.001");
  EXPECT_EQ(Decimal::FromString("170141183460469231731687303715884105727", 0).size(), 16u);
  EXPECT_EQ(Decimal::FromString("170141183460469231731687303715884105728", 0).size(), 17u);
}

// BigInteger.toByteArray() of `v`, computed with __int128 arithmetic.
Bytes MinimalTwosComplement(__int128 v) {
  Bytes le;
  do {
    le.push_back(static_cast<uint8_t>(v & 0xFF));
    v >>= 8;
  } while (!((v == 0 && (le.back() & 0x80) == 0) || (v == -1 && (le.back() & 0x80) != 0)));
  return Bytes(le.rbegin(), le.rend());
}

std::string Int128ToString(__int128 v) {
  if (v == 0) return "0";
  const bool negative = v < 0;
  std::string digits;
  while (v != 0) {
    const int digit = static_cast<int>(v % 10);
    digits.push_back(static_cast<char>('0' + (digit < 0 ? -digit : digit)));
    v /= 10;
  }
  if (negative) digits.push_back('-');
  return std::string(digits.rbegin(), digits.rend());
}

TEST(DecimalTest, MatchesInt128EncodingAcrossTheRange) {
  const __int128 max = static_cast<__int128>((~static_cast<unsigned __int128>(0)) >> 1);
  std::vector<__int128> values = {0,    1,     -1,     255, 256,  -256,
                                  -255, 32767, -32768, max, -max, -max - 1};
  for (__int128 v = 1; v < max / 7; v = v * 7 + 3) {
    values.push_back(v);
    values.push_back(-v);
  }
  for (__int128 v : values) {
    const std::string text = Int128ToString(v);
    EXPECT_EQ(Decimal::FromString(text, 0), MinimalTwosComplement(v)) << text;
    EXPECT_EQ(Decimal::ToString(MinimalTwosComplement(v), 0), text);
  }
}

TEST(DateTest, EncodesDaysSinceEpoch) {
  using std::chrono::sys_days;
  EXPECT_EQ(Date::schema()->name(), "org.apache.kafka.connect.data.Date");
  EXPECT_EQ(Date::schema()->type(), Type::kInt32);
  EXPECT_EQ(Date::schema()->version(), 1);
  EXPECT_EQ(Date::FromLogical(sys_days{std::chrono::year{1970} / 1 / 2}), 1);
  EXPECT_EQ(Date::FromLogical(sys_days{std::chrono::year{2000} / 1 / 1}), 10957);
  EXPECT_EQ(Date::FromLogical(sys_days{std::chrono::year{1969} / 12 / 31}), -1);
  EXPECT_EQ(Date::ToLogical(10957), sys_days{std::chrono::year{2000} / 1 / 1});
}

TEST(TimeTest, EncodesMillisSinceMidnightWithinADay) {
  EXPECT_EQ(Time::schema()->name(), "org.apache.kafka.connect.data.Time");
  EXPECT_EQ(Time::schema()->type(), Type::kInt32);
  EXPECT_EQ(Time::schema()->version(), 1);
  EXPECT_EQ(Time::FromLogical(12h + 30min + 1ms), 45000001);
  EXPECT_EQ(Time::FromLogical(24h), 86400000);
  EXPECT_EQ(Time::ToLogical(45000001), 12h + 30min + 1ms);
  const std::string message =
      "Time values must use number of milliseconds greater than 0 and less than 86400000";
  EXPECT_THAT([] { Time::FromLogical(-1ms); }, ThrowsMessage<DataError>(message));
  EXPECT_THAT([] { Time::FromLogical(24h + 1ms); }, ThrowsMessage<DataError>(message));
  EXPECT_THAT([] { Time::ToLogical(86400001); }, ThrowsMessage<DataError>(message));
}

TEST(TimestampTest, EncodesMillisSinceEpoch) {
  using std::chrono::sys_days;
  EXPECT_EQ(Timestamp::schema()->name(), "org.apache.kafka.connect.data.Timestamp");
  EXPECT_EQ(Timestamp::schema()->type(), Type::kInt64);
  EXPECT_EQ(Timestamp::schema()->version(), 1);
  const auto instant = sys_days{std::chrono::year{2000} / 1 / 1} + 1ms;
  EXPECT_EQ(Timestamp::FromLogical(instant), 946684800001);
  EXPECT_EQ(Timestamp::ToLogical(946684800001), instant);
  EXPECT_EQ(Timestamp::FromLogical(Timestamp::ToLogical(-5)), -5);
}

TEST(LogicalTypeTest, ValidateValueChecksLogicalConstraints) {
  EXPECT_NO_THROW(ValidateValue(*Time::schema(), Value(int32_t{86400000})));
  EXPECT_THAT([] { ValidateValue(*Time::schema(), Value(int32_t{86400001})); },
              ThrowsMessage<DataError>(HasSubstr("Time values must use")));
  EXPECT_NO_THROW(ValidateValue(*Decimal::schema(2), Value(Decimal::FromString("1.00", 2))));
  SchemaPtr no_scale = SchemaBuilder::bytes().name(std::string(Decimal::kLogicalName)).build();
  EXPECT_THAT([&] { ValidateValue(*no_scale, Value(Bytes{1})); },
              ThrowsMessage<DataError>("Invalid Decimal schema: scale parameter not found."));
  EXPECT_THAT([] { ValidateValue(*Date::schema(), Value(int64_t{1})); },
              ThrowsMessage<DataError>(
                  "Invalid value for schema \"org.apache.kafka.connect.data.Date\" with type "
                  "int32: got int64 for value"));
}

}  // namespace
}  // namespace ck
