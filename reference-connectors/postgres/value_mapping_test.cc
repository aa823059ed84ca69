// Tests of the PostgreSQL -> Connect value mapping without a server: Debezium's schema names and
// parameters per type and modifier, the text parsers (dates, times, zones, ISO intervals, bytea,
// arrays), enums and domains through the type lookup, placeholders and NOT NULL fallbacks.
#include "reference-connectors/postgres/value_mapping.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "ck/errors.h"

namespace ck::postgres {
namespace {

using Kind = ColumnConverter::Kind;

constexpr int32_t NumericMod(int precision, int scale) { return (precision << 16 | scale) + 4; }

std::optional<PgTypeInfo> Lookup(uint32_t oid) {
  if (oid == 90000) return PgTypeInfo{"mood", 'e', 'E', 0, 0, {"sad", "ok", "happy"}};
  if (oid == 90001) return PgTypeInfo{"_mood", 'b', 'A', 90000, 0, {}};
  if (oid == 90002) return PgTypeInfo{"price", 'd', 'N', 0, 1700, {}};
  if (oid == 90003) return PgTypeInfo{"point", 'b', 'G', 0, 0, {}};
  return std::nullopt;
}

ColumnConverter Make(uint32_t oid, int32_t mod = -1, bool optional = true) {
  auto c = ColumnConverter::Create(oid, mod, Lookup, optional);
  if (!c) throw std::runtime_error("unsupported oid " + std::to_string(oid));
  return *c;
}

TEST(ValueMappingTest, SchemaNamesFollowDebeziumDefaultModes) {
  EXPECT_EQ(Make(1082).schema()->name(), "io.debezium.time.Date");
  EXPECT_EQ(Make(1083).schema()->name(), "io.debezium.time.MicroTime");
  EXPECT_EQ(Make(1083, 3).schema()->name(), "io.debezium.time.Time");
  EXPECT_EQ(Make(1083, 3).schema()->type(), Type::kInt32);
  EXPECT_EQ(Make(1114).schema()->name(), "io.debezium.time.MicroTimestamp");
  EXPECT_EQ(Make(1114, 0).schema()->name(), "io.debezium.time.Timestamp");
  EXPECT_EQ(Make(1184).schema()->name(), "io.debezium.time.ZonedTimestamp");
  EXPECT_EQ(Make(1186).schema()->name(), "io.debezium.time.MicroDuration");
  EXPECT_EQ(Make(2950).schema()->name(), "io.debezium.data.Uuid");
  EXPECT_EQ(Make(114).schema()->name(), "io.debezium.data.Json");
  EXPECT_EQ(Make(3802).schema()->name(), "io.debezium.data.Json");
  EXPECT_EQ(Make(21).schema()->type(), Type::kInt16);
  EXPECT_EQ(Make(700).schema()->type(), Type::kFloat32);
  EXPECT_EQ(Make(17).schema()->type(), Type::kBytes);
  EXPECT_TRUE(Make(23, -1, true).schema()->optional());
  EXPECT_FALSE(Make(23, -1, false).schema()->optional());

  const SchemaPtr decimal = Make(1700, NumericMod(10, 2)).schema();
  EXPECT_EQ(decimal->name(), "org.apache.kafka.connect.data.Decimal");
  EXPECT_EQ(decimal->parameters().at("scale"), "2");
  EXPECT_EQ(decimal->parameters().at("connect.decimal.precision"), "10");
  const SchemaPtr variable = Make(1700).schema();
  EXPECT_EQ(variable->name(), "io.debezium.data.VariableScaleDecimal");
  EXPECT_EQ(variable->type(), Type::kStruct);

  const SchemaPtr array = Make(1007).schema();
  EXPECT_EQ(array->type(), Type::kArray);
  EXPECT_TRUE(array->value_schema()->optional());
  EXPECT_EQ(ColumnConverter::Create(90003, -1, Lookup, true), std::nullopt);  // unsupported
}

TEST(ValueMappingTest, EnumsArraysOfEnumsAndDomainsResolveThroughTheCatalog) {
  const ColumnConverter mood = Make(90000);
  EXPECT_EQ(mood.kind(), Kind::kEnum);
  EXPECT_EQ(mood.schema()->name(), "io.debezium.data.Enum");
  EXPECT_EQ(mood.schema()->parameters().at("allowed"), "sad,ok,happy");
  EXPECT_EQ(mood.FromText("ok"), Value("ok"));
  EXPECT_EQ(Make(90001).FromText("{sad,happy}"), (Value(Value::Array{"sad", "happy"})));
  const ColumnConverter price = Make(90002, NumericMod(6, 1));
  EXPECT_EQ(price.kind(), Kind::kDecimal);
  EXPECT_EQ(Decimal::ToString(price.FromText("-12.5").as_bytes(), 1), "-12.5");
}

TEST(ValueMappingTest, ScalarValuesFromText) {
  EXPECT_EQ(Make(16).FromText("t"), Value(true));
  EXPECT_EQ(Make(16).FromText("f"), Value(false));
  EXPECT_EQ(Make(21).FromText("-32768"), Value(int16_t{-32768}));
  EXPECT_EQ(Make(20).FromText("9223372036854775807"), Value(int64_t{9223372036854775807}));
  EXPECT_EQ(Make(701).FromText("1.0000000000000002"), Value(1.0000000000000002));
  EXPECT_TRUE(std::isinf(Make(701).FromText("-Infinity").as_float64()));
  EXPECT_EQ(Make(17).FromText("\\x00ff10"), Value(Bytes{0x00, 0xff, 0x10}));
  const Value vsd = Make(1700).FromText("-0.001");
  EXPECT_EQ(vsd.as_struct().get_int32("scale"), 3);
  EXPECT_EQ(Decimal::ToString(vsd.as_struct().get_bytes("value"), 3), "-0.001");
  EXPECT_TRUE(Make(1700, NumericMod(5, 2)).FromText("NaN").is_null());
  EXPECT_THROW(Make(23).FromText("12x"), DataError);
  EXPECT_THROW(Make(16).FromText("yes"), DataError);
}

TEST(ValueMappingTest, DatesTimesAndZones) {
  EXPECT_EQ(text::ParseDate("1970-01-01"), 0);
  EXPECT_EQ(text::ParseDate("1969-12-31"), -1);
  EXPECT_EQ(text::ParseDate("2000-03-01"), 11017);
  EXPECT_EQ(text::ParseTime("00:00:01.5"), 1500000);
  EXPECT_EQ(text::ParseTime("24:00:00"), 86400000000);
  EXPECT_EQ(text::ParseTimestamp("1970-01-02 00:00:00.000001"), 86400000001);
  EXPECT_EQ(text::ParseTimestamp("1969-12-31 23:59:59"), -1000000);
  EXPECT_EQ(text::ParseTimestamp("infinity"), 9223372036825200000LL);
  EXPECT_EQ(text::ParseTimestampTz("1970-01-01 02:00:00+02"), 0);
  EXPECT_EQ(text::ParseTimestampTz("1970-01-01 00:00:00-05:30"), 19800000000);
  EXPECT_EQ(text::FormatZoned(0, 0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(text::FormatZoned(1500000, 3), "1970-01-01T00:00:01.500Z");
  EXPECT_EQ(text::FormatZoned(-1, 6), "1969-12-31T23:59:59.999999Z");
  EXPECT_EQ(Make(1184).FromText("2018-06-20 15:37:03.123+02"),
            Value("2018-06-20T13:37:03.123000Z"));
  EXPECT_EQ(Make(1184, 2).FromText("2018-06-20 13:37:03.12+00"), Value("2018-06-20T13:37:03.12Z"));
  EXPECT_EQ(Make(1083, 3).FromText("01:00:00.25"), Value(int32_t{3600250}));
  EXPECT_EQ(Make(1114, 3).FromText("1970-01-01 00:00:01.5"), Value(int64_t{1500}));
  EXPECT_THROW(text::ParseDate("2023-02-29"), DataError);
  EXPECT_THROW(text::ParseTime("1:00:00"), DataError);
}

TEST(ValueMappingTest, IsoIntervalsUseDebeziumsAverageMonth) {
  EXPECT_EQ(text::ParseIsoInterval("PT0S"), 0);
  EXPECT_EQ(text::ParseIsoInterval("P1D"), 86400000000);
  EXPECT_EQ(text::ParseIsoInterval("P1M"), 2629800000000);   // 30.4375 days
  EXPECT_EQ(text::ParseIsoInterval("P1Y"), 31557600000000);  // 365.25 days
  EXPECT_EQ(text::ParseIsoInterval("PT-1H-30M"), -5400000000);
  EXPECT_EQ(text::ParseIsoInterval("P-1DT1.5S"), -86398500000);
  EXPECT_THROW(text::ParseIsoInterval("1 day"), DataError);
}

TEST(ValueMappingTest, ArrayLiterals) {
  using V = std::vector<std::optional<std::string>>;
  EXPECT_EQ(text::ParseArray("{}"), V{});
  EXPECT_EQ(text::ParseArray("{1,NULL,3}"), (V{"1", std::nullopt, "3"}));
  EXPECT_EQ(text::ParseArray("{\"a,b\",\"NULL\",\"q\\\"uote\",c}"),
            (V{"a,b", "NULL", "q\"uote", "c"}));
  EXPECT_EQ(text::ParseArray("[0:1]={x,y}"), (V{"x", "y"}));
  EXPECT_THROW(text::ParseArray("{{1,2},{3,4}}"), DataError);
  EXPECT_THROW(text::ParseArray("1,2"), DataError);
  EXPECT_EQ(Make(1231, NumericMod(4, 1)).FromText("{1.5,NULL}").as_array().size(), 2u);
}

TEST(ValueMappingTest, PlaceholdersAndFallbacks) {
  EXPECT_EQ(Make(25).Unavailable(), Value(kUnavailableValuePlaceholder));
  const std::string p = kUnavailableValuePlaceholder;
  EXPECT_EQ(Make(17).Unavailable(), Value(Bytes(p.begin(), p.end())));
  EXPECT_EQ(Make(1009).Unavailable(), (Value(Value::Array{kUnavailableValuePlaceholder})));
  EXPECT_TRUE(Make(23).Unavailable().is_null());
  EXPECT_EQ(Make(25, -1, false).Fallback(), Value(""));
  EXPECT_EQ(Make(20, -1, false).Fallback(), Value(int64_t{0}));
  EXPECT_EQ(Make(1184, -1, false).Fallback(), Value("1970-01-01T00:00:00.000000Z"));
  ValidateValue(*Make(1700, -1, false).schema(), Make(1700, -1, false).Fallback());
}

}  // namespace
}  // namespace ck::postgres
