#include "ck/value.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <type_traits>
#include <utility>

#include "ck/schema.h"

namespace ck {
namespace {

using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

// Only the C++ types that map to a Connect type convert implicitly.
static_assert(std::is_convertible_v<int32_t, Value> && std::is_convertible_v<int64_t, Value> &&
              std::is_convertible_v<const char*, Value> && std::is_convertible_v<Bytes, Value>);
static_assert(!std::is_constructible_v<Value, char> && !std::is_constructible_v<Value, unsigned> &&
              !std::is_constructible_v<Value, long long> &&
              !std::is_constructible_v<Value, const void*> &&
              !std::is_constructible_v<Value, SchemaPtr>);

SchemaPtr PersonSchema() {
  static const SchemaPtr schema =
      SchemaBuilder::struct_()
          .name("com.example.Person")
          .field("name", Schema::String())
          .field("age", Schema::OptionalInt32())
          .field("country", SchemaBuilder::string().default_value("NZ").build())
          .field("tags", SchemaBuilder::array(Schema::String()).optional().build())
          .field("scores",
                 SchemaBuilder::map(Schema::Int32(), Schema::Float64()).optional().build())
          .build();
  return schema;
}

TEST(ValueTest, HoldsEachConnectType) {
  EXPECT_TRUE(Value().is_null());
  EXPECT_TRUE(Value(nullptr).is_null());
  EXPECT_EQ(Value().type(), std::nullopt);
  EXPECT_EQ(Value(true).type(), Type::kBoolean);
  EXPECT_EQ(Value(int8_t{1}).type(), Type::kInt8);
  EXPECT_EQ(Value(int16_t{1}).type(), Type::kInt16);
  EXPECT_EQ(Value(1).type(), Type::kInt32);
  EXPECT_EQ(Value(int64_t{1}).type(), Type::kInt64);
  EXPECT_EQ(Value(1.5f).type(), Type::kFloat32);
  EXPECT_EQ(Value(1.5).type(), Type::kFloat64);
  EXPECT_EQ(Value("s").type(), Type::kString);
  EXPECT_EQ(Value(std::string_view("s")).type(), Type::kString);
  EXPECT_EQ(Value(Bytes{1, 2}).type(), Type::kBytes);
  EXPECT_EQ(Value(Value::Array{1, 2}).type(), Type::kArray);
  EXPECT_EQ(Value(Value::Map{}).type(), Type::kMap);
  EXPECT_EQ(Value(Struct(PersonSchema())).type(), Type::kStruct);
  EXPECT_EQ(Value(int64_t{-5}).as_int64(), -5);
  EXPECT_EQ(Value("abc").as_string(), "abc");
  EXPECT_EQ(Value(Bytes{7}).as_bytes(), Bytes{7});
  EXPECT_EQ(Value(2.5f).as_float32(), 2.5f);
  EXPECT_EQ(Value(false).as_boolean(), false);
}

TEST(ValueTest, TypedAccessorsNameExpectedAndActualType) {
  EXPECT_THAT([] { Value("x").as_int32(); },
              ThrowsMessage<DataError>("Expected value of type int32 but got string"));
  EXPECT_THAT([] { Value().as_string(); },
              ThrowsMessage<DataError>("Expected value of type string but got null"));
  EXPECT_THAT([] { Value(int64_t{1}).as_int32(); },
              ThrowsMessage<DataError>("Expected value of type int32 but got int64"));
}

TEST(ValueTest, ContainersAreModifiableInPlaceAndCopiesAreDeep) {
  Value list = Value::Array{1};
  list.as_array().push_back(2);
  Value copy = list;
  copy.as_array()[0] = 10;
  EXPECT_EQ(list, Value(Value::Array{1, 2}));
  EXPECT_EQ(copy, Value(Value::Array{10, 2}));

  Value moved = std::move(copy);
  EXPECT_EQ(moved.as_array().size(), 2u);
}

TEST(ValueTest, EqualityIsTypeExact) {
  EXPECT_EQ(Value(7), Value(7));
  EXPECT_NE(Value(7), Value(int64_t{7}));
  EXPECT_NE(Value(7), Value());
  EXPECT_EQ(Value(), Value(nullptr));
  EXPECT_NE(Value("a"), Value(Bytes{'a'}));
  EXPECT_NE(Value(Value::Array{1, 2}), Value(Value::Array{2, 1}));
}

TEST(ValueTest, MapsKeepOrderAcceptAnyKeyAndCompareAsJavaMaps) {
  Value map = Value::Map{{1, "one"}, {Value::Array{1, 2}, "list"}, {Value(), "null key"}};
  const Value::Map& entries = map.as_map();
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].first, Value(1));
  EXPECT_EQ(entries[1].first, Value(Value::Array{1, 2}));
  EXPECT_EQ(entries[1].second, Value("list"));
  EXPECT_TRUE(entries[2].first.is_null());

  EXPECT_EQ(Value(Value::Map{{1, "a"}, {2, "b"}}), Value(Value::Map{{2, "b"}, {1, "a"}}));
  EXPECT_NE(Value(Value::Map{{1, "a"}, {2, "b"}}), Value(Value::Map{{1, "a"}, {2, "c"}}));
  EXPECT_NE(Value(Value::Map{{1, "a"}}), Value(Value::Map{{1, "a"}, {2, "b"}}));
}

TEST(StructTest, PutAndGetWithDefaults) {
  Struct person(PersonSchema());
  person.put("name", "Ana").put("age", 30);
  EXPECT_EQ(person.get("name"), Value("Ana"));
  EXPECT_EQ(person.get_string("name"), "Ana");
  EXPECT_EQ(person.get_int32("age"), 30);
  EXPECT_EQ(person.get("country"), Value("NZ"));  // the default
  EXPECT_TRUE(person.get_without_default("country").is_null());
  EXPECT_EQ(person.get_string("country"), "NZ");
  EXPECT_TRUE(person.get("tags").is_null());

  person.put("country", "PT").put("tags", Value::Array{"a", "b"});
  EXPECT_EQ(person.get_string("country"), "PT");
  EXPECT_EQ(person.get_array("tags").size(), 2u);
  person.put("country", nullptr);  // unsets: the default shows again
  EXPECT_EQ(person.get_string("country"), "NZ");

  const Field* age = person.schema()->field("age");
  ASSERT_NE(age, nullptr);
  person.put(*age, 31);
  EXPECT_EQ(person.get(*age), Value(31));
}

TEST(StructTest, PutRejectsUnknownFieldsAndMismatchedValues) {
  Struct person(PersonSchema());
  EXPECT_THAT([&] { person.put("agee", 1); },
              ThrowsMessage<DataError>("agee is not a valid field name"));
  EXPECT_THAT([&] { person.put("age", "thirty"); },
              ThrowsMessage<DataError>(
                  "Invalid value for schema with type int32: got string for field \"age\""));
  EXPECT_THAT([&] { person.put("name", nullptr); },
              ThrowsMessage<DataError>(
                  "Invalid value: null used for required field \"name\", schema type: string"));
  EXPECT_THAT(
      [&] {
        person.put("tags", Value::Array{"a", 1});
      },
      ThrowsMessage<DataError>("Invalid value for schema with type string: got int32 for "
                               "element of array field \"tags\""));
  EXPECT_THAT(
      [&] {
        person.put("scores", Value::Map{{"k", 1.0}});
      },
      ThrowsMessage<DataError>("Invalid value for schema with type int32: got string for "
                               "key of map field \"scores\""));
  EXPECT_THAT(
      [&] {
        person.put("scores", Value::Map{{1, 1.0f}});
      },
      ThrowsMessage<DataError>(HasSubstr("got float32 for value of map field \"scores\"")));
  EXPECT_THAT([&] { person.get("nope"); },
              ThrowsMessage<DataError>("nope is not a valid field name"));

  SchemaPtr other = SchemaBuilder::struct_().field("age", Schema::Int64()).build();
  EXPECT_THAT([&] { person.put(other->fields()[0], int64_t{1}); },
              ThrowsMessage<DataError>("age is not a field of this struct"));
  EXPECT_TRUE(person.get_without_default("age").is_null());  // nothing was stored
}

TEST(StructTest, TypedGettersCheckTheFieldType) {
  Struct person(PersonSchema());
  person.put("name", "Ana");
  EXPECT_THAT([&] { person.get_int32("name"); },
              ThrowsMessage<DataError>("Field 'name' is not of type int32"));
  EXPECT_THAT([&] { person.get_int32("age"); }, ThrowsMessage<DataError>("Field 'age' is null"));
}

TEST(StructTest, ValidateNamesTheMissingRequiredField) {
  Struct person(PersonSchema());
  person.put("age", 3);
  EXPECT_THAT([&] { person.validate(); },
              ThrowsMessage<DataError>(
                  "Invalid value: null used for required field \"name\", schema type: string"));
  person.put("name", "Ana");
  EXPECT_NO_THROW(person.validate());  // optional fields and fields with defaults may stay unset
}

TEST(StructTest, NestedStructsMustMatchAndBeComplete) {
  SchemaPtr address =
      SchemaBuilder::struct_().name("Address").field("city", Schema::String()).build();
  SchemaPtr order = SchemaBuilder::struct_().field("ship_to", address).build();
  Struct ship_to(address);
  Struct outer(order);
  EXPECT_THAT([&] { outer.put("ship_to", ship_to); },
              ThrowsMessage<DataError>(
                  "Invalid value: null used for required field \"city\", schema type: string"));
  ship_to.put("city", "Porto");
  outer.put("ship_to", ship_to);
  EXPECT_EQ(outer.get_struct("ship_to").get_string("city"), "Porto");

  // An equal schema built separately is accepted; a different one is not.
  Struct same(SchemaBuilder::struct_().name("Address").field("city", Schema::String()).build());
  same.put("city", "Lisbon");
  EXPECT_NO_THROW(outer.put("ship_to", same));
  Struct different(SchemaBuilder::struct_().name("Other").field("city", Schema::String()).build());
  different.put("city", "Faro");
  EXPECT_THAT([&] { outer.put("ship_to", different); },
              ThrowsMessage<DataError>("Struct schemas do not match for field \"ship_to\""));
}

TEST(StructTest, RequiresAStructSchema) {
  EXPECT_THAT([] { Struct s(Schema::Int32()); },
              ThrowsMessage<DataError>("Not a struct schema: int32"));
  EXPECT_THAT([] { Struct s(nullptr); }, ThrowsMessage<DataError>("Not a struct schema: null"));
}

TEST(StructTest, EqualityAndCopies) {
  Struct a(PersonSchema());
  a.put("name", "Ana");
  Struct b = a;
  EXPECT_EQ(a, b);
  b.put("name", "Bo");
  EXPECT_NE(a, b);
  EXPECT_EQ(a.get_string("name"), "Ana");
  EXPECT_EQ(Value(a), Value(a));
}

TEST(ValidateValueTest, ChecksOptionalityAndTypesDeeply) {
  EXPECT_NO_THROW(ValidateValue(*Schema::OptionalInt32(), Value()));
  EXPECT_THAT(
      [] { ValidateValue(*Schema::Int32(), Value()); },
      ThrowsMessage<DataError>("Invalid value: null used for required value, schema type: int32"));
  // A required schema with a default accepts null: the default stands in.
  EXPECT_NO_THROW(ValidateValue(*SchemaBuilder::int32().default_value(1).build(), Value()));
  SchemaPtr nested = SchemaBuilder::array(SchemaBuilder::array(Schema::Int8()).build()).build();
  EXPECT_NO_THROW(ValidateValue(*nested, Value::Array{Value::Array{int8_t{1}}}));
  EXPECT_THAT([&] { ValidateValue(*nested, Value::Array{Value::Array{1}}); },
              ThrowsMessage<DataError>("Invalid value for schema with type int8: got int32 for "
                                       "element of array element of array value"));
}

TEST(SchemaAndValueTest, ComparesSchemasDeeplyAndAllowsNoSchema) {
  EXPECT_EQ((SchemaAndValue{Schema::Int32(), 1}),
            (SchemaAndValue{SchemaBuilder::int32().build(), 1}));
  EXPECT_NE((SchemaAndValue{Schema::Int32(), 1}), (SchemaAndValue{nullptr, 1}));
  EXPECT_EQ((SchemaAndValue{nullptr, "x"}), (SchemaAndValue{nullptr, "x"}));
}

}  // namespace
}  // namespace ck
