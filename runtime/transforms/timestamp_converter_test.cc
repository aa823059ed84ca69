// TimestampConverter$Key / $Value through the ABI (FakeHost): conversions between strings, Unix
// epochs and the Date, Time and Timestamp logical types, whole-value and per-field, with and
// without schemas, and their errors. 1700000000123 ms = 2023-11-14T22:13:20.123Z.
#include <string>

#include "runtime/transforms/transform_test_util.h"

namespace ck::transforms_test {
namespace {

using ::testing::HasSubstr;

constexpr int64_t kMillis = 1700000000123;
constexpr int32_t kDays = 19675;  // 2023-11-14

class TimestampConverterTest : public TransformTest {
 protected:
  ConnectRecord Convert(const ConfigMap& config, SchemaPtr schema, Value value) {
    return *Apply(Smt("TimestampConverter$Value"), config,
                  MakeRecord(nullptr, Value(), std::move(schema), std::move(value)));
  }
};

TEST_F(TimestampConverterTest, TimestampToEveryForm) {
  const auto to = [&](const ConfigMap& config) {
    return Convert(config, Timestamp::schema(), kMillis);
  };
  ConnectRecord out = to({{"target.type", "string"}, {"format", "yyyy-MM-dd'T'HH:mm:ss.SSSX"}});
  EXPECT_TRUE(SchemaEquals(out.value_schema, Schema::String()));
  EXPECT_EQ(out.value, Value("2023-11-14T22:13:20.123Z"));
  out = to({{"target.type", "unix"}});
  EXPECT_TRUE(SchemaEquals(out.value_schema, Schema::Int64()));
  EXPECT_EQ(out.value, Value(kMillis));
  EXPECT_EQ(to({{"target.type", "unix"}, {"unix.precision", "seconds"}}).value,
            Value(int64_t{1700000000}));
  EXPECT_EQ(to({{"target.type", "unix"}, {"unix.precision", "microseconds"}}).value,
            Value(kMillis * 1000));
  out = to({{"target.type", "Date"}});
  EXPECT_TRUE(SchemaEquals(out.value_schema, Date::schema()));
  EXPECT_EQ(out.value, Value(kDays));
  out = to({{"target.type", "Time"}});
  EXPECT_TRUE(SchemaEquals(out.value_schema, Time::schema()));
  EXPECT_EQ(out.value, Value(int32_t{80000123}));
}

TEST_F(TimestampConverterTest, ParsesStringsAndEpochs) {
  EXPECT_EQ(Convert({{"target.type", "Timestamp"}, {"format", "yyyyMMddHHmmssSSS"}},
                    Schema::String(), "20231114221320123")
                .value,
            Value(kMillis));
  EXPECT_EQ(Convert({{"target.type", "Timestamp"}, {"format", "dd MMM yyyy HH:mm:ss.SSS Z"}},
                    Schema::String(), "14 nov 2023 23:13:20.123 +0100")
                .value,
            Value(kMillis));
  EXPECT_EQ(Convert({{"target.type", "Timestamp"}, {"unix.precision", "nanoseconds"}},
                    Schema::Int64(), kMillis * 1000000)
                .value,
            Value(kMillis));
  EXPECT_EQ(Convert({{"target.type", "unix"}}, Date::schema(), kDays).value,
            Value(int64_t{kDays} * 86400000));
}

TEST_F(TimestampConverterTest, FieldWithSchemaAndSchemaless) {
  const SchemaPtr schema = SchemaBuilder::struct_()
                               .name("E")
                               .field("at", Schema::OptionalInt64())
                               .field("id", Schema::Int32())
                               .build();
  Struct value(schema);
  value.put("at", kMillis).put("id", int32_t{1});
  const ConnectRecord out = Convert(
      {{"field", "at"}, {"target.type", "string"}, {"format", "yyyy-MM-dd"}}, schema, value);
  const SchemaPtr expected_schema = SchemaBuilder::struct_()
                                        .name("E")
                                        .field("at", Schema::OptionalString())
                                        .field("id", Schema::Int32())
                                        .build();
  ASSERT_TRUE(SchemaEquals(out.value_schema, expected_schema));
  Struct expected(expected_schema);
  expected.put("at", "2023-11-14").put("id", int32_t{1});
  EXPECT_EQ(out.value, Value(expected));
  EXPECT_EQ(Apply(Smt("TimestampConverter$Key"), {{"field", "at"}, {"target.type", "Timestamp"}},
                  MakeRecord(nullptr, StrMap({{"at", kMillis}, {"x", "y"}}), nullptr, "v"))
                ->key,
            Value(StrMap({{"at", kMillis}, {"x", "y"}})));
  EXPECT_EQ(Convert({{"target.type", "unix"}}, nullptr, Value()).value, Value());
}

TEST_F(TimestampConverterTest, Errors) {
  EXPECT_THAT(Error(Smt("TimestampConverter$Value"), {{"target.type", "string"}}, std::nullopt,
                    CK_ERROR_CONFIG),
              HasSubstr("requires format option to be specified when using string timestamps"));
  EXPECT_THAT(Error(Smt("TimestampConverter$Value"), {{"target.type", "date"}}, std::nullopt,
                    CK_ERROR_CONFIG),
              HasSubstr("Invalid value date for configuration target.type"));
  EXPECT_THAT(
      Error(Smt("TimestampConverter$Value"), {{"target.type", "unix"}, {"format", "yyyy-MM-dd"}},
            MakeRecord(nullptr, Value(), Schema::String(), "2023/11/14"), CK_ERROR_DATA),
      HasSubstr("Could not parse timestamp: value (2023/11/14) does not match pattern "
                "(yyyy-MM-dd)"));
  EXPECT_THAT(Error(Smt("TimestampConverter$Value"), {{"target.type", "unix"}},
                    MakeRecord(nullptr, Value(), Schema::Int32(), int32_t{1}), CK_ERROR_DATA),
              HasSubstr("Schema int32 does not correspond to a known timestamp type format"));
  EXPECT_THAT(Error(Smt("TimestampConverter$Value"), {{"target.type", "unix"}},
                    MakeRecord(nullptr, Value(), nullptr, 1.5), CK_ERROR_DATA),
              HasSubstr("does not support float64 objects as timestamps"));
  // Errors name the field and the topic along with the bad value.
  EXPECT_THAT(
      Error(Smt("TimestampConverter$Value"),
            {{"target.type", "unix"}, {"format", "yyyy-MM-dd"}, {"field", "at"}},
            MakeRecord(nullptr, Value(), nullptr, StrMap({{"at", "14/11/2023"}})), CK_ERROR_DATA),
      HasSubstr("TimestampConverter$Value: Could not parse timestamp: value (14/11/2023) "
                "does not match pattern (yyyy-MM-dd) (field \"at\" of the value of a "
                "record on topic t)"));
}

}  // namespace
}  // namespace ck::transforms_test
