// Java's text forms of numbers and dates, as the converters must reproduce them byte for byte:
// Kafka's JsonConverter writes numbers through Jackson, which prints doubles and floats with
// Double.toString / Float.toString and decimals with BigDecimal.toString; StringConverter and
// SimpleHeaderConverter print values with the same methods, and dates with java.util.Date's
// toString and ISO-8601 patterns. Dates use the proleptic Gregorian calendar in UTC.
//
// Doubles and floats follow the JDK 19+ specification of Double.toString (the shortest decimal
// that rounds back to the value, at least two digits considered when one would do), which is what
// Jackson's fast writer and current JDKs print. JDK 17 and older print a longer, not shortest,
// form for a minority of values with 16-17 significant digits or large float exponents (1.0E23 is
// "9.999999999999999E22" there); values with a few decimal places print the same everywhere. The
// functions write into caller-provided buffers so that the JSON writer's hot path does not
// allocate.
#ifndef CK_RUNTIME_CONVERTERS_JAVA_TEXT_H_
#define CK_RUNTIME_CONVERTERS_JAVA_TEXT_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "ck/schema.h"

namespace ck::runtime::converters_internal {

/// Room FormatJavaDouble and FormatJavaFloat need ("-2.2250738585072014E-308" is 24 chars).
inline constexpr size_t kJavaNumberChars = 32;

/// Writes Java's Double.toString(value) to `out` (at least kJavaNumberChars bytes): "1.0", "0.001",
/// "1234567.0", "1.0E7", "1.0E-4", "4.9E-324", "-0.0", "NaN", "Infinity". Returns the length.
size_t FormatJavaDouble(double value, char* out);

/// Writes Java's Float.toString(value) to `out` (at least kJavaNumberChars bytes), e.g. "0.1" for
/// 0.1f and "1.4E-45" for Float.MIN_VALUE. Returns the length.
size_t FormatJavaFloat(float value, char* out);

/// Double.toString(value) as a string.
std::string JavaDoubleToString(double value);

/// Float.toString(value) as a string.
std::string JavaFloatToString(float value);

/// Appends Java's text of a number or boolean (Byte/Short/Integer/Long/Float/Double/Boolean
/// toString) and returns true; returns false, appending nothing, for any other value.
bool AppendJavaNumberOrBoolean(std::string& out, const Value& value);

/// Appends Java's BigDecimal.toString() of unscaled * 10^-scale, where `unscaled` is a non-empty
/// two's-complement big-endian integer (a Decimal value): "1.56", "0.00", "1E-10", "1.2E+3".
void AppendBigDecimal(std::string& out, std::span<const uint8_t> unscaled, int32_t scale);

/// The shortest two's-complement encoding of the same integer (what BigInteger.toByteArray()
/// returns), as a view into `unscaled`, which must be non-empty.
std::span<const uint8_t> MinimalTwosComplement(std::span<const uint8_t> unscaled);

/// The unscaled value at `scale` of the JSON number `text`
/// (`-?digits(.digits)?([eE][+-]?digits)?`), e.g. ("1.5E2", 2) -> 15000. Throws DataError for
/// malformed text or when digits would be lost (the scale cannot hold them).
Bytes DecimalFromJsonNumber(std::string_view text, int32_t scale);

/// A calendar date.
struct CivilDate {
  int64_t year;    ///< e.g. 2024
  unsigned month;  ///< 1..12
  unsigned day;    ///< 1..31
};

/// Days since 1970-01-01 of `year`-`month`-`day`.
int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day);

/// The date `days` after 1970-01-01.
CivilDate CivilFromDays(int64_t days);

/// java.util.Date.toString() of `millis` since the epoch in UTC: "Thu Jan 01 00:00:00 UTC 1970".
std::string JavaDateToString(int64_t millis);

}  // namespace ck::runtime::converters_internal

#endif  // CK_RUNTIME_CONVERTERS_JAVA_TEXT_H_
