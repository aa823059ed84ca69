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
  if (oid == 90004) return PgTypeInfo{"hstore", 'b', 'U', 0, 0, {}};
  if (oid == 90005) return PgTypeInfo{"ltree", 'b', 'U', 0, 0, {}};
  if (oid == 90006) return PgTypeInfo{"_money", 'b', 'A', 790, 0, {}};
  return std::nullopt;
}

ColumnConverter Make(uint32_t oid, int32_t mod = -1, bool optional = true,
                     const MappingOptions& options = {}) {
  auto c = ColumnConverter::Create(oid, mod, Lookup, optional, options);
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
  // 2024-02-29T13:07:09.045678Z
  EXPECT_EQ(text::FormatZoned(1709212029045678, 2), "2024-02-29T13:07:09.04Z");
  EXPECT_EQ(text::FormatZoned(1709212029045678, 6), "2024-02-29T13:07:09.045678Z");
  // Years beyond four digits (PostgreSQL goes to 294276).
  EXPECT_EQ(text::FormatZoned(253402300800000000, 0), "10000-01-01T00:00:00Z");
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

MappingOptions Decimal(MappingOptions::DecimalMode m) {
  MappingOptions o;
  o.decimal = m;
  return o;
}

TEST(ValueMappingTest, DecimalHandlingModes) {
  using M = MappingOptions::DecimalMode;
  const ColumnConverter d = Make(1700, NumericMod(10, 2), true, Decimal(M::kDouble));
  EXPECT_EQ(d.schema()->type(), Type::kFloat64);
  EXPECT_EQ(d.schema()->name(), "");
  EXPECT_EQ(d.FromText("12345.67"), Value(12345.67));
  EXPECT_TRUE(std::isnan(Make(1700, -1, true, Decimal(M::kDouble)).FromText("NaN").as_float64()));
  const ColumnConverter str = Make(1700, -1, true, Decimal(M::kString));
  EXPECT_EQ(str.schema()->type(), Type::kString);
  EXPECT_EQ(str.FromText("3.14000"), Value("3.14000"));
  EXPECT_EQ(str.FromText("0.00000010"), Value("1.0E-7"));  // Java's BigDecimal.toString()
  EXPECT_EQ(str.FromText("-0.0000001"), Value("-1E-7"));
  EXPECT_EQ(str.FromText("0.000001"), Value("0.000001"));
  EXPECT_EQ(str.FromText("NaN"), Value("NAN"));
  EXPECT_EQ(str.FromText("-Infinity"), Value("NEGATIVE_INFINITY"));
  // Precise, without a scale: trailing zeros stripped as Debezium does.
  const Value v = Make(1700).FromText("3.14000");
  EXPECT_EQ(v.as_struct().get_int32("scale"), 2);
  EXPECT_EQ(Make(1700).FromText("100.000").as_struct().get_int32("scale"), 0);
}

TEST(ValueMappingTest, MoneyUsesTheFractionDigitsAndTheDecimalMode) {
  using M = MappingOptions::DecimalMode;
  const ColumnConverter precise = Make(790);
  EXPECT_EQ(precise.schema()->name(), "org.apache.kafka.connect.data.Decimal");
  EXPECT_EQ(precise.schema()->parameters().at("scale"), "2");
  EXPECT_EQ(precise.schema()->parameters().count("connect.decimal.precision"), 0u);
  EXPECT_EQ(Decimal::ToString(precise.FromText("-$1,234.56").as_bytes(), 2), "-1234.56");
  MappingOptions three;
  three.money_fraction_digits = 3;
  EXPECT_EQ(Decimal::ToString(Make(790, -1, true, three).FromText("$0.99").as_bytes(), 3), "0.990");
  EXPECT_EQ(Make(790, -1, true, Decimal(M::kDouble)).FromText("$1,000.25"), Value(1000.25));
  EXPECT_EQ(Make(790, -1, true, Decimal(M::kString)).FromText("($3.50)"), Value("-3.50"));
  EXPECT_EQ(ColumnConverter::Create(90006, -1, Lookup, true), std::nullopt);  // money[]
}

TEST(ValueMappingTest, TimePrecisionModes) {
  MappingOptions micro;
  micro.time = MappingOptions::TimeMode::kAdaptiveTimeMicroseconds;
  EXPECT_EQ(Make(1083, 3, true, micro).schema()->name(), "io.debezium.time.MicroTime");
  EXPECT_EQ(Make(1083, 3, true, micro).FromText("01:00:00.25"), Value(int64_t{3600250000}));
  EXPECT_EQ(Make(1114, 3, true, micro).schema()->name(), "io.debezium.time.Timestamp");
  MappingOptions connect;
  connect.time = MappingOptions::TimeMode::kConnect;
  EXPECT_EQ(Make(1082, -1, true, connect).schema()->name(), "org.apache.kafka.connect.data.Date");
  EXPECT_EQ(Make(1082, -1, true, connect).FromText("1970-01-03"), Value(int32_t{2}));
  const ColumnConverter time = Make(1083, -1, true, connect);
  EXPECT_EQ(time.schema()->name(), "org.apache.kafka.connect.data.Time");
  EXPECT_EQ(time.FromText("00:00:01.999999"), Value(int32_t{1999}));
  const ColumnConverter ts = Make(1114, -1, true, connect);
  EXPECT_EQ(ts.schema()->name(), "org.apache.kafka.connect.data.Timestamp");
  EXPECT_EQ(ts.FromText("1969-12-31 23:59:59.9995"), Value(int64_t{-1}));
  EXPECT_EQ(Make(1184, -1, true, connect).schema()->name(), "io.debezium.time.ZonedTimestamp");
  // timetz: ZonedTime at UTC, the fraction without trailing zeros.
  EXPECT_EQ(Make(1266).schema()->name(), "io.debezium.time.ZonedTime");
  EXPECT_EQ(Make(1266).FromText("13:45:30.500000+02"), Value("11:45:30.5Z"));
  EXPECT_EQ(Make(1266).FromText("01:00:00-05:30"), Value("06:30:00Z"));
  EXPECT_EQ(Make(1266).FromText("01:00:00+02"), Value("23:00:00Z"));
}

TEST(ValueMappingTest, BinaryAndIntervalModes) {
  const Bytes bytes{0xfb, 0xff, 0x01};
  using B = MappingOptions::BinaryMode;
  EXPECT_EQ(text::EncodeBinary(bytes, B::kBase64), "+/8B");
  EXPECT_EQ(text::EncodeBinary(bytes, B::kBase64UrlSafe), "-_8B");
  EXPECT_EQ(text::EncodeBinary(bytes, B::kHex), "fbff01");
  EXPECT_EQ(text::EncodeBinary(Bytes{0x61}, B::kBase64), "YQ==");
  EXPECT_EQ(text::EncodeBinary(Bytes{0x61, 0x62}, B::kBase64), "YWI=");
  MappingOptions hex;
  hex.binary = B::kHex;
  EXPECT_EQ(Make(17, -1, true, hex).schema()->type(), Type::kString);
  EXPECT_EQ(Make(17, -1, true, hex).FromText("\\x01ab"), Value("01ab"));
  EXPECT_EQ(Make(1001, -1, true, hex).FromText("{\"\\\\x01\"}"), (Value(Value::Array{"01"})));

  MappingOptions iso;
  iso.interval = MappingOptions::IntervalMode::kString;
  const ColumnConverter interval = Make(1186, -1, true, iso);
  EXPECT_EQ(interval.schema()->name(), "io.debezium.time.Interval");
  EXPECT_EQ(interval.FromText("P1Y2M3DT4H5M6.500000S"), Value("P1Y2M3DT4H5M6.5S"));
  EXPECT_EQ(interval.FromText("PT0S"), Value("P0Y0M0DT0H0M0S"));
  EXPECT_EQ(interval.FromText("P-1DT-1H-0.25S"), Value("P0Y0M-1DT-1H0M-0.25S"));
}

TEST(ValueMappingTest, BitsPointsHstoreLtreeTsvector) {
  EXPECT_EQ(Make(1560, 1).schema()->type(), Type::kBoolean);
  EXPECT_EQ(Make(1560, 1).FromText("1"), Value(true));
  const ColumnConverter bits = Make(1560, 10);
  EXPECT_EQ(bits.schema()->name(), "io.debezium.data.Bits");
  EXPECT_EQ(bits.schema()->parameters().at("length"), "10");
  EXPECT_EQ(bits.FromText("1000000001"), Value(Bytes{0x01, 0x02}));
  EXPECT_EQ(bits.FromText("0000000101"), Value(Bytes{0x05}));
  EXPECT_EQ(Make(1562).schema()->parameters().at("length"), "2147483647");
  EXPECT_EQ(text::ParseBits("000"), Bytes{});

  const ColumnConverter point = Make(600);
  EXPECT_EQ(point.schema()->name(), "io.debezium.data.geometry.Point");
  const Struct p = point.FromText("(1.5,-2)").as_struct();
  EXPECT_EQ(p.get_float64("x"), 1.5);
  EXPECT_EQ(p.get_float64("y"), -2.0);
  EXPECT_EQ(p.get_bytes("wkb"),
            (Bytes{1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xf8, 0x3f, 0, 0, 0, 0, 0, 0, 0, 0xc0}));
  EXPECT_TRUE(p.get("srid").is_null());

  const ColumnConverter json = Make(90004);
  EXPECT_EQ(json.schema()->name(), "io.debezium.data.Json");
  // java.util.HashMap's order (bucket = hash & 15, then insertion): p (112 -> 0), b (98 -> 2),
  // z (122 -> 10), k (107 -> 11); escapes as Jackson writes them.
  EXPECT_EQ(json.FromText("\"b\"=>\"q\\\"\", \"k\"=>NULL, \"p\"=>\"3\", \"z\"=>\"\\\\\""),
            Value("{\"p\":\"3\",\"b\":\"q\\\"\",\"z\":\"\\\\\",\"k\":null}"));
  // 13 entries: capacity 32, where Q (81) leaves bucket 1 for bucket 17.
  std::string thirteen = "\"Q\"=>\"\"";
  std::string expected = "{";
  for (char k = 'a'; k <= 'l'; ++k) {
    thirteen += std::string(", \"") + k + "\"=>\"\"";
    expected += std::string("\"") + k + "\":\"\",";
  }
  EXPECT_EQ(json.FromText(thirteen), Value(expected + "\"Q\":\"\"}"));
  MappingOptions map;
  map.hstore = MappingOptions::HstoreMode::kMap;
  const ColumnConverter m = Make(90004, -1, true, map);
  EXPECT_EQ(m.schema()->type(), Type::kMap);
  EXPECT_EQ(m.FromText("\"k\"=>\"v\""), (Value(Value::Map{{Value("k"), Value("v")}})));
  EXPECT_EQ(Make(90005).schema()->name(), "io.debezium.data.Ltree");
  EXPECT_EQ(Make(3614).schema()->name(), "io.debezium.data.Tsvector");
}

}  // namespace
}  // namespace ck::postgres
