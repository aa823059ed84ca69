// Java's text forms of numbers and dates, against values printed by the JDK (Double.toString,
// Float.toString, BigDecimal.toString, java.util.Date.toString in UTC), plus base64 and UTF-8.
// Doubles and floats follow JDK 19+, which agreed with FormatJavaDouble/Float on 200,000 random
// doubles, floats and typical values; JDK 17 prints a longer form for some (1.0E23 is
// "9.999999999999999E22" there, 1.5E10f "1.50000005E10").
#include "runtime/converters/java_text.h"

#include <gtest/gtest.h>

#include <limits>

#include "runtime/converters/base64.h"
#include "runtime/converters/utf8.h"

namespace ck::runtime::converters_internal {
namespace {

TEST(JavaTextTest, DoublesPrintAsDoubleToString) {
  EXPECT_EQ(JavaDoubleToString(1.0), "1.0");
  EXPECT_EQ(JavaDoubleToString(-1.5), "-1.5");
  EXPECT_EQ(JavaDoubleToString(0.0), "0.0");
  EXPECT_EQ(JavaDoubleToString(-0.0), "-0.0");
  EXPECT_EQ(JavaDoubleToString(0.1), "0.1");
  EXPECT_EQ(JavaDoubleToString(0.001), "0.001");
  EXPECT_EQ(JavaDoubleToString(1.0E-4), "1.0E-4");
  EXPECT_EQ(JavaDoubleToString(123.456), "123.456");
  EXPECT_EQ(JavaDoubleToString(1234567.0), "1234567.0");
  EXPECT_EQ(JavaDoubleToString(9999999.0), "9999999.0");
  EXPECT_EQ(JavaDoubleToString(1.0E7), "1.0E7");
  EXPECT_EQ(JavaDoubleToString(1.5E10), "1.5E10");
  EXPECT_EQ(JavaDoubleToString(1.0E23), "1.0E23");
  EXPECT_EQ(JavaDoubleToString(1.7976931348623157E308), "1.7976931348623157E308");
  EXPECT_EQ(JavaDoubleToString(2.2250738585072014E-308), "2.2250738585072014E-308");
  EXPECT_EQ(JavaDoubleToString(std::numeric_limits<double>::denorm_min()), "4.9E-324");
  EXPECT_EQ(JavaDoubleToString(0.30000000000000004), "0.30000000000000004");
  EXPECT_EQ(JavaDoubleToString(100.0), "100.0");
  EXPECT_EQ(JavaDoubleToString(1.0E-3), "0.001");
  EXPECT_EQ(JavaDoubleToString(9.99E-4), "9.99E-4");
  EXPECT_EQ(JavaDoubleToString(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(JavaDoubleToString(std::numeric_limits<double>::infinity()), "Infinity");
  EXPECT_EQ(JavaDoubleToString(-std::numeric_limits<double>::infinity()), "-Infinity");
}

TEST(JavaTextTest, FloatsPrintAsFloatToString) {
  EXPECT_EQ(JavaFloatToString(1.0f), "1.0");
  EXPECT_EQ(JavaFloatToString(0.1f), "0.1");
  EXPECT_EQ(JavaFloatToString(3.4028235E38f), "3.4028235E38");
  EXPECT_EQ(JavaFloatToString(std::numeric_limits<float>::denorm_min()), "1.4E-45");
  EXPECT_EQ(JavaFloatToString(1.5E10f), "1.5E10");
  EXPECT_EQ(JavaFloatToString(3.1415927f), "3.1415927");
  EXPECT_EQ(JavaFloatToString(-2.5E-5f), "-2.5E-5");
}

TEST(JavaTextTest, DecimalsPrintAsBigDecimalToString) {
  const auto text = [](const Bytes& unscaled, int32_t scale) {
    std::string out;
    AppendBigDecimal(out, unscaled, scale);
    return out;
  };
  EXPECT_EQ(text({0x00, 0x9C}, 2), "1.56");
  EXPECT_EQ(text({0x3C, 0xF0}, 4), "1.5600");
  EXPECT_EQ(text({0xFF, 0x64}, 2), "-1.56");
  EXPECT_EQ(text({0x00}, 2), "0.00");
  EXPECT_EQ(text({0x01}, 10), "1E-10");
  EXPECT_EQ(text({0x7B}, 7), "0.0000123");
  EXPECT_EQ(text({0x7B}, 9), "1.23E-7");
  EXPECT_EQ(text({0x0C}, -3), "1.2E+4");
  EXPECT_EQ(text({0x01}, -2), "1E+2");
  EXPECT_EQ(text({0x2A}, 0), "42");
  // 2^80 + 1 has more than eight bytes.
  EXPECT_EQ(text({0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01}, 3), "1208925819614629174706.177");
  EXPECT_EQ(text({0x80, 0, 0, 0, 0, 0, 0, 0}, 0), "-9223372036854775808");
  EXPECT_EQ(text({0xFF, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}, 0),
            "-9223372036854775809");
}

TEST(JavaTextTest, MinimalTwosComplementDropsRedundantSignBytes) {
  const auto minimal = [](const Bytes& b) {
    const auto view = MinimalTwosComplement(b);
    return Bytes(view.begin(), view.end());
  };
  EXPECT_EQ(minimal({0x00, 0x00, 0x9C}), (Bytes{0x00, 0x9C}));
  EXPECT_EQ(minimal({0xFF, 0xFF, 0x64}), (Bytes{0xFF, 0x64}));
  EXPECT_EQ(minimal({0x00, 0x01}), (Bytes{0x01}));
  EXPECT_EQ(minimal({0x00}), (Bytes{0x00}));
}

TEST(JavaTextTest, JsonNumbersBecomeUnscaledDecimals) {
  EXPECT_EQ(DecimalFromJsonNumber("1.56", 2), (Bytes{0x00, 0x9C}));
  EXPECT_EQ(DecimalFromJsonNumber("1.5", 2), (Bytes{0x00, 0x96}));
  EXPECT_EQ(DecimalFromJsonNumber("1.5E2", 2), Decimal::FromString("150", 2));
  EXPECT_EQ(DecimalFromJsonNumber("-0.01", 2), (Bytes{0xFF}));
  EXPECT_EQ(DecimalFromJsonNumber("1.500", 2), (Bytes{0x00, 0x96}));
  EXPECT_EQ(DecimalFromJsonNumber("0", 5), (Bytes{0x00}));
  EXPECT_EQ(DecimalFromJsonNumber("12345678901234567890.12", 2),
            Decimal::FromString("12345678901234567890.12", 2));
  EXPECT_THROW(DecimalFromJsonNumber("1.567", 2), DataError);
  EXPECT_THROW(DecimalFromJsonNumber("1.", 2), DataError);
  EXPECT_THROW(DecimalFromJsonNumber("abc", 2), DataError);
}

TEST(JavaTextTest, DatesPrintAsJavaUtilDateToString) {
  EXPECT_EQ(JavaDateToString(0), "Thu Jan 01 00:00:00 UTC 1970");
  EXPECT_EQ(JavaDateToString(1700000000000), "Tue Nov 14 22:13:20 UTC 2023");
  EXPECT_EQ(JavaDateToString(-1), "Wed Dec 31 23:59:59 UTC 1969");
  EXPECT_EQ(JavaDateToString(951782400000), "Tue Feb 29 00:00:00 UTC 2000");
}

TEST(JavaTextTest, CalendarRoundTrips) {
  for (int64_t days : {-719468, -1, 0, 1, 10957, 11016, 19737, 2932896}) {
    const CivilDate date = CivilFromDays(days);
    EXPECT_EQ(DaysFromCivil(date.year, date.month, date.day), days) << days;
  }
  EXPECT_EQ(DaysFromCivil(2024, 1, 15), 19737);
}

TEST(Base64Test, EncodesWithPadding) {
  const auto encode = [](const Bytes& b) {
    std::string out;
    AppendBase64(out, b);
    return out;
  };
  EXPECT_EQ(encode({}), "");
  EXPECT_EQ(encode({0x00, 0x9C}), "AJw=");
  EXPECT_EQ(encode({'f'}), "Zg==");
  EXPECT_EQ(encode({'f', 'o', 'o'}), "Zm9v");
  EXPECT_EQ(encode({0xFB, 0xFF}), "+/8=");
}

TEST(Base64Test, DecodesAsJacksonDoes) {
  EXPECT_EQ(DecodeBase64("AJw="), (Bytes{0x00, 0x9C}));
  EXPECT_EQ(DecodeBase64("Zm9v"), (Bytes{'f', 'o', 'o'}));
  EXPECT_EQ(DecodeBase64(" Zm9v Zg=="), (Bytes{'f', 'o', 'o', 'f'}));
  EXPECT_EQ(DecodeBase64(""), Bytes{});
  EXPECT_EQ(DecodeBase64("Zg"), std::nullopt);  // padding is required
  EXPECT_EQ(DecodeBase64("Zm9*"), std::nullopt);
  EXPECT_EQ(DecodeBase64("Z==="), std::nullopt);
}

TEST(Utf8Test, ValidatesAndReplacesLikeJava) {
  const auto bytes = [](std::string_view s) {
    return Bytes(reinterpret_cast<const uint8_t*>(s.data()),
                 reinterpret_cast<const uint8_t*>(s.data()) + s.size());
  };
  EXPECT_TRUE(IsValidUtf8(bytes("h\xC3\xA9llo \xE2\x82\xAC \xF0\x9F\x98\x80")));
  EXPECT_FALSE(IsValidUtf8(bytes("\xC3")));
  EXPECT_FALSE(IsValidUtf8(bytes("\xED\xA0\x80")));  // a surrogate
  EXPECT_FALSE(IsValidUtf8(bytes("\xC0\xAF")));      // overlong
  EXPECT_EQ(DecodeUtf8LikeJava(bytes("a\xFF"
                                     "b")),
            "a\xEF\xBF\xBD"
            "b");
  // A truncated 3-byte sequence is one maximal subpart: one replacement character.
  EXPECT_EQ(DecodeUtf8LikeJava(bytes("a\xE2\x82"
                                     "b")),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(DecodeUtf8LikeJava(bytes("\xC3\xA9")), "\xC3\xA9");
}

}  // namespace
}  // namespace ck::runtime::converters_internal
