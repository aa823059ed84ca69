// Cast$Key / Cast$Value through the ABI (FakeHost): whole-value and per-field casts with and
// without schemas, Java's conversion rules, and configuration and data errors.
#include <limits>
#include <string>

#include "runtime/transforms/transform_test_util.h"

namespace ck::transforms_test {
namespace {

using ::testing::HasSubstr;

class CastTest : public TransformTest {
 protected:
  // Casts a schemaless value with a whole-value spec.
  Value CastWhole(const std::string& type, Value value) {
    return Apply(Smt("Cast$Value"), {{"spec", type}},
                 MakeRecord(nullptr, Value(), nullptr, std::move(value)))
        ->value;
  }
};

TEST_F(CastTest, WholeValueWithSchema) {
  const ConnectRecord out = *Apply(Smt("Cast$Key"), {{"spec", "int64"}},
                                   MakeRecord(Schema::OptionalString(), "42", nullptr, "v"));
  EXPECT_TRUE(SchemaEquals(out.key_schema, Schema::OptionalInt64()));
  EXPECT_EQ(out.key, Value(int64_t{42}));
}

TEST_F(CastTest, FollowsJavasConversions) {
  EXPECT_EQ(CastWhole("int8", int32_t{300}), Value(int8_t{44}));                    // wraps
  EXPECT_EQ(CastWhole("int32", 1e20), Value(std::numeric_limits<int32_t>::max()));  // saturates
  EXPECT_EQ(CastWhole("int16", -2.9f), Value(int16_t{-2}));
  EXPECT_EQ(CastWhole("boolean", int8_t{2}), Value(true));
  EXPECT_EQ(CastWhole("boolean", "TRUE"), Value(true));
  EXPECT_EQ(CastWhole("boolean", "yes"), Value(false));
  EXPECT_EQ(CastWhole("float32", true), Value(1.0f));
  EXPECT_EQ(CastWhole("float64", " 2.5e3 "), Value(2500.0));
  EXPECT_EQ(CastWhole("int64", "+7"), Value(int64_t{7}));
  EXPECT_EQ(CastWhole("string", 1.0e7), Value("1.0E7"));
  EXPECT_EQ(CastWhole("string", 0.001), Value("0.001"));
  EXPECT_EQ(CastWhole("string", 123.5f), Value("123.5"));
  EXPECT_EQ(CastWhole("string", 0.0001), Value("1.0E-4"));
  EXPECT_EQ(CastWhole("string", int64_t{-9}), Value("-9"));
  EXPECT_EQ(CastWhole("string", Bytes{'h', 'i', '!'}), Value("aGkh"));
  EXPECT_EQ(CastWhole("string", Bytes{'h', 'i'}), Value("aGk="));
}

TEST_F(CastTest, FieldsWithSchema) {
  const SchemaPtr schema =
      SchemaBuilder::struct_()
          .name("R")
          .field("a", Schema::Int32())
          .field("b", SchemaBuilder::string().optional().default_value("5").build())
          .field("c", Schema::Float64())
          .build();
  Struct value(schema);
  value.put("a", int32_t{1}).put("c", 2.5);
  const ConnectRecord out = *Apply(Smt("Cast$Value"), {{"spec", "a:string, b:int8"}},
                                   MakeRecord(nullptr, Value(), schema, value));
  const SchemaPtr expected_schema =
      SchemaBuilder::struct_()
          .name("R")
          .field("a", Schema::String())
          .field("b", SchemaBuilder::int8().optional().default_value(int8_t{5}).build())
          .field("c", Schema::Float64())
          .build();
  ASSERT_TRUE(SchemaEquals(out.value_schema, expected_schema));
  Struct expected(expected_schema);
  expected.put("a", "1").put("b", int8_t{5}).put("c", 2.5);
  EXPECT_EQ(out.value, Value(expected));
}

TEST_F(CastTest, FieldsSchemaless) {
  const ConnectRecord out =
      *Apply(Smt("Cast$Value"), {{"spec", "a:float64"}},
             MakeRecord(nullptr, Value(), nullptr, StrMap({{"a", "1.5"}, {"b", "x"}})));
  EXPECT_EQ(out.value, Value(StrMap({{"a", 1.5}, {"b", "x"}})));
}

TEST_F(CastTest, Errors) {
  EXPECT_THAT(Error(Smt("Cast$Value"), {{"spec", "a:bytes"}}, std::nullopt, CK_ERROR_CONFIG),
              HasSubstr("Cast transformation does not support casting to bytes"));
  EXPECT_THAT(Error(Smt("Cast$Value"), {{"spec", "a:decimal"}}, std::nullopt, CK_ERROR_CONFIG),
              HasSubstr("Invalid type found in casting spec: decimal"));
  EXPECT_THAT(Error(Smt("Cast$Value"), {{"spec", "int8,a:int16"}}, std::nullopt, CK_ERROR_CONFIG),
              HasSubstr("may only specify a single cast"));
  EXPECT_THAT(Error(Smt("Cast$Value"), {{"spec", "a:b:c"}}, std::nullopt, CK_ERROR_CONFIG),
              HasSubstr("Invalid cast mapping: a:b:c"));
  EXPECT_THAT(Error(Smt("Cast$Value"), {{"spec", "a:int8"}},
                    MakeRecord(nullptr, Value(), nullptr, StrMap({{"a", "300"}})), CK_ERROR_DATA),
              HasSubstr("Cast$Value: Unable to cast string \"300\" to int8 (field \"a\")"));
  EXPECT_THAT(Error(Smt("Cast$Value"), {{"spec", "int32"}},
                    MakeRecord(nullptr, Value(), nullptr, Bytes{1}), CK_ERROR_DATA),
              HasSubstr("bytes cannot be cast to int32"));
}

// Expected values printed by OpenJDK 17 (BigDecimal's toString and Number narrowings; Kafka's
// Values.dateFormatFor patterns formatted in UTC).
TEST_F(CastTest, LogicalTypes) {
  const auto cast = [&](const std::string& type, SchemaPtr schema, Value value) {
    return Apply(Smt("Cast$Value"), {{"spec", type}},
                 MakeRecord(nullptr, Value(), std::move(schema), std::move(value)))
        ->value;
  };
  const auto decimal = [&](const std::string& type, const std::string& text, int32_t scale) {
    return cast(type, Decimal::schema(scale), Decimal::FromString(text, scale));
  };
  EXPECT_EQ(decimal("string", "123.45", 2), Value("123.45"));
  EXPECT_EQ(decimal("string", "-123.45", 2), Value("-123.45"));
  EXPECT_EQ(decimal("string", "12300", -2), Value("1.23E+4"));
  EXPECT_EQ(decimal("string", "0.0000000001", 10), Value("1E-10"));
  EXPECT_EQ(decimal("int32", "-1.999", 3), Value(int32_t{-1}));  // truncated toward zero
  EXPECT_EQ(decimal("int8", "12300", -2), Value(int8_t{12}));    // low-order bits
  EXPECT_EQ(decimal("int64", "18446744073709551621", 0), Value(int64_t{5}));
  EXPECT_EQ(decimal("boolean", "18446744073709551616", 0), Value(false));  // longValue() == 0
  EXPECT_EQ(decimal("boolean", "0.0000000001", 10), Value(false));
  EXPECT_EQ(decimal("float64", "123.45", 2), Value(123.45));
  EXPECT_EQ(decimal("float32", "-1.999", 3), Value(-1.999f));
  EXPECT_EQ(cast("string", Date::schema(), int32_t{18000}), Value("2019-04-14"));
  EXPECT_EQ(cast("string", Date::schema(), int32_t{0}), Value("00:00:00.000Z"));  // Kafka's rule
  EXPECT_EQ(cast("string", Time::schema(), int32_t{3723004}), Value("01:02:03.004Z"));
  EXPECT_EQ(cast("string", Timestamp::schema(), int64_t{1700000000000}),
            Value("2023-11-14T22:13:20.000Z"));
  EXPECT_EQ(cast("string", Timestamp::schema(), int64_t{1699920000000}), Value("2023-11-14"));
  EXPECT_EQ(cast("string", Timestamp::schema(), int64_t{-1}), Value("23:59:59.999Z"));
  EXPECT_EQ(cast("int64", Date::schema(), int32_t{18000}), Value(int64_t{18000}));
  EXPECT_EQ(cast("float64", Timestamp::schema(), int64_t{1700000000000}), Value(1.7e12));
  // A Decimal field, with the field's schema replaced by the plain target type.
  const SchemaPtr schema = SchemaBuilder::struct_()
                               .field("price", Decimal::builder(2).optional().build())
                               .field("at", Timestamp::schema())
                               .build();
  Struct value(schema);
  value.put("price", Decimal::FromString("9.99", 2)).put("at", int64_t{1700000000000});
  const ConnectRecord out = *Apply(Smt("Cast$Value"), {{"spec", "price:string,at:int64"}},
                                   MakeRecord(nullptr, Value(), schema, value));
  EXPECT_TRUE(SchemaEquals(out.value_schema->field("price")->schema, Schema::OptionalString()));
  EXPECT_TRUE(SchemaEquals(out.value_schema->field("at")->schema, Schema::Int64()));
  EXPECT_EQ(out.value.as_struct().get("price"), Value("9.99"));
  EXPECT_EQ(out.value.as_struct().get("at"), Value(int64_t{1700000000000}));
}

}  // namespace
}  // namespace ck::transforms_test
