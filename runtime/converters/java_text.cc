// Java's Double/Float/BigDecimal text forms (see java_text.h). The shortest digits come from
// std::to_chars, whose contract (shortest round-tripping digits, closest to the value on ties)
// is the one JDK 19+ specifies; the JDK's extra rule for one-digit results and Java's layout
// (plain between 10^-3 and 10^7, else d.dddE<n>) are applied on top.
#include "runtime/converters/java_text.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <system_error>

#include "ck/errors.h"

namespace ck::runtime::converters_internal {
namespace {

// Decimal digits (no trailing zeros beyond the first) and the exponent of the first digit:
// value = d.ddd * 10^exponent.
struct Digits {
  char digits[24];
  int count = 0;
  int exponent = 0;
};

// Reads to_chars' scientific output ("1.25e+05", "5e-324") into `out`.
void ReadScientific(const char* begin, const char* end, Digits& out) {
  out.count = 0;
  const char* p = begin;
  for (; p != end && *p != 'e'; ++p) {
    if (*p != '.') out.digits[out.count++] = *p;
  }
  ++p;  // 'e'
  const bool negative = *p == '-';
  ++p;  // sign
  int exponent = 0;
  std::from_chars(p, end, exponent);
  out.exponent = negative ? -exponent : exponent;
  while (out.count > 1 && out.digits[out.count - 1] == '0') --out.count;
}

// The decimal Java prints for the positive finite `magnitude`.
template <typename F>
Digits JavaDigits(F magnitude) {
  char buf[kJavaNumberChars];
  Digits shortest;
  auto end = std::to_chars(buf, buf + sizeof buf, magnitude, std::chars_format::scientific).ptr;
  ReadScientific(buf, end, shortest);
  if (shortest.count != 1) return shortest;
  // JDK 19+: when one digit suffices, two-digit decimals that round to the value compete too, and
  // the closest wins (Double.MIN_VALUE is "4.9E-324", not "5.0E-324"). The correctly rounded
  // two-digit decimal is the closest of them; it replaces the one-digit form only if it differs
  // and still rounds back to the value.
  end = std::to_chars(buf, buf + sizeof buf, magnitude, std::chars_format::scientific, 1).ptr;
  Digits two;
  ReadScientific(buf, end, two);
  if (two.count == 1 && two.digits[0] == shortest.digits[0] && two.exponent == shortest.exponent) {
    return shortest;
  }
  F back = 0;
  std::from_chars(buf, end, back);
  return back == magnitude ? two : shortest;
}

char* Copy(char* out, std::string_view text) {
  std::memcpy(out, text.data(), text.size());
  return out + text.size();
}

template <typename F>
size_t FormatJava(F value, char* const out) {
  char* p = out;
  if (std::isnan(value)) return static_cast<size_t>(Copy(p, "NaN") - out);
  if (std::signbit(value)) *p++ = '-';
  if (std::isinf(value)) return static_cast<size_t>(Copy(p, "Infinity") - out);
  if (value == 0) return static_cast<size_t>(Copy(p, "0.0") - out);
  const Digits d = JavaDigits(std::fabs(value));
  if (d.exponent >= -3 && d.exponent < 7) {
    if (d.exponent >= 0) {
      const int integer_digits = d.exponent + 1;
      for (int i = 0; i < integer_digits; ++i) *p++ = i < d.count ? d.digits[i] : '0';
      *p++ = '.';
      if (d.count > integer_digits) {
        p = Copy(p, std::string_view(d.digits + integer_digits,
                                     static_cast<size_t>(d.count - integer_digits)));
      } else {
        *p++ = '0';
      }
    } else {
      p = Copy(p, "0.");
      for (int i = 0; i < -d.exponent - 1; ++i) *p++ = '0';
      p = Copy(p, std::string_view(d.digits, static_cast<size_t>(d.count)));
    }
  } else {
    *p++ = d.digits[0];
    *p++ = '.';
    if (d.count > 1) {
      p = Copy(p, std::string_view(d.digits + 1, static_cast<size_t>(d.count - 1)));
    } else {
      *p++ = '0';
    }
    *p++ = 'E';
    p = std::to_chars(p, out + kJavaNumberChars, d.exponent).ptr;
  }
  return static_cast<size_t>(p - out);
}

// The decimal digits of the magnitude of a two's-complement big-endian integer.
std::string MagnitudeDigits(std::span<const uint8_t> unscaled, bool negative) {
  char buf[24];
  if (unscaled.size() <= 8) {
    uint64_t bits = negative ? ~uint64_t{0} : 0;  // sign extension
    for (uint8_t byte : unscaled) bits = (bits << 8) | byte;
    const uint64_t magnitude = negative ? 0 - bits : bits;
    return std::string(buf, std::to_chars(buf, buf + sizeof buf, magnitude).ptr);
  }
  Bytes be(unscaled.begin(), unscaled.end());
  if (negative) {  // two's complement negation, from the least significant byte
    unsigned carry = 1;
    for (size_t i = be.size(); i-- > 0;) {
      const unsigned v = static_cast<uint8_t>(~be[i]) + carry;
      be[i] = static_cast<uint8_t>(v);
      carry = v >> 8;
    }
  }
  std::string reversed;  // least significant digit first
  size_t first = 0;
  while (first < be.size() && be[first] == 0) ++first;
  while (first < be.size()) {
    unsigned remainder = 0;
    for (size_t i = first; i < be.size(); ++i) {
      const unsigned v = (remainder << 8) | be[i];
      be[i] = static_cast<uint8_t>(v / 10);
      remainder = v % 10;
    }
    reversed.push_back(static_cast<char>('0' + remainder));
    while (first < be.size() && be[first] == 0) ++first;
  }
  if (reversed.empty()) reversed.push_back('0');  // not = "0": GCC 12 -O2 -Wrestrict false positive
  return std::string(reversed.rbegin(), reversed.rend());
}

}  // namespace

size_t FormatJavaDouble(double value, char* out) { return FormatJava(value, out); }

size_t FormatJavaFloat(float value, char* out) { return FormatJava(value, out); }

std::string JavaDoubleToString(double value) {
  char buf[kJavaNumberChars];
  return std::string(buf, FormatJavaDouble(value, buf));
}

std::string JavaFloatToString(float value) {
  char buf[kJavaNumberChars];
  return std::string(buf, FormatJavaFloat(value, buf));
}

void AppendBigDecimal(std::string& out, std::span<const uint8_t> unscaled, int32_t scale) {
  if (unscaled.empty()) throw DataError("Invalid Decimal value: no bytes");
  const bool negative = (unscaled.front() & 0x80) != 0;
  const std::string coefficient = MagnitudeDigits(unscaled, negative);
  if (negative) out.push_back('-');
  if (scale == 0) {
    out.append(coefficient);
    return;
  }
  const int64_t length = static_cast<int64_t>(coefficient.size());
  const int64_t adjusted = -int64_t{scale} + (length - 1);
  if (scale > 0 && adjusted >= -6) {  // plain notation, as BigDecimal.layoutChars
    const int64_t pad = scale - length;
    if (pad >= 0) {
      out.append("0.");
      out.append(static_cast<size_t>(pad), '0');
      out.append(coefficient);
    } else {
      out.append(coefficient, 0, static_cast<size_t>(-pad));
      out.push_back('.');
      out.append(coefficient, static_cast<size_t>(-pad), std::string::npos);
    }
    return;
  }
  out.push_back(coefficient[0]);  // scientific notation
  if (length > 1) {
    out.push_back('.');
    out.append(coefficient, 1, std::string::npos);
  }
  if (adjusted != 0) {
    out.push_back('E');
    if (adjusted > 0) out.push_back('+');
    out.append(std::to_string(adjusted));
  }
}

std::span<const uint8_t> MinimalTwosComplement(std::span<const uint8_t> unscaled) {
  size_t skip = 0;
  while (unscaled.size() - skip > 1) {
    const uint8_t lead = unscaled[skip];
    const bool sign_of_next = (unscaled[skip + 1] & 0x80) != 0;
    if ((lead == 0x00 && !sign_of_next) || (lead == 0xFF && sign_of_next)) {
      ++skip;
    } else {
      break;
    }
  }
  return unscaled.subspan(skip);
}

Bytes DecimalFromJsonNumber(std::string_view text, int32_t scale) {
  using errors_internal::StrCat;
  const auto malformed = [&] { return DataError(StrCat("Invalid decimal number: ", text)); };
  size_t i = 0;
  const bool negative = i < text.size() && text[i] == '-';
  if (negative) ++i;
  std::string digits;
  int64_t exponent = 0;  // value = digits * 10^exponent
  size_t integer_digits = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, ++integer_digits) {
    digits.push_back(text[i]);
  }
  if (integer_digits == 0) throw malformed();
  if (i < text.size() && text[i] == '.') {
    ++i;
    size_t fraction_digits = 0;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, ++fraction_digits) {
      digits.push_back(text[i]);
    }
    if (fraction_digits == 0) throw malformed();
    exponent -= static_cast<int64_t>(fraction_digits);
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    const bool exponent_negative = i < text.size() && text[i] == '-';
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
    int64_t e = 0;
    const auto [end, error] = std::from_chars(text.data() + i, text.data() + text.size(), e);
    if (error != std::errc() || end == text.data() + i) throw malformed();
    i = static_cast<size_t>(end - text.data());
    exponent += exponent_negative ? -e : e;
  }
  if (i != text.size()) throw malformed();
  const size_t nonzero = digits.find_first_not_of('0');
  if (nonzero == std::string::npos) return Bytes{0};
  digits.erase(0, nonzero);
  const int64_t shift = exponent + scale;  // unscaled = digits * 10^shift
  if (shift >= 0) {
    if (shift > 100000) throw DataError(StrCat("Decimal number ", text, " is too large"));
    digits.append(static_cast<size_t>(shift), '0');
  } else {
    const size_t drop = static_cast<size_t>(-shift);
    const size_t keep = drop >= digits.size() ? 0 : digits.size() - drop;
    if (digits.find_first_not_of('0', keep) != std::string::npos) {
      throw DataError(StrCat("Decimal number ", text, " has more fractional digits than scale ",
                             std::to_string(scale), " holds"));
    }
    digits.resize(keep);
    if (digits.empty()) return Bytes{0};
  }
  return Decimal::FromString(negative ? "-" + digits : digits, 0);
}

// Howard Hinnant's days_from_civil and civil_from_days.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

CivilDate CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return CivilDate{static_cast<int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

std::string JavaDateToString(int64_t millis) {
  static constexpr std::string_view kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  constexpr int64_t kMillisPerDay = 86'400'000;
  const int64_t days = millis >= 0 ? millis / kMillisPerDay : -((-millis - 1) / kMillisPerDay) - 1;
  const int64_t of_day = (millis - days * kMillisPerDay) / 1000;
  const CivilDate date = CivilFromDays(days);
  const auto two = [](int64_t v) {
    return std::string(1, static_cast<char>('0' + v / 10)) + static_cast<char>('0' + v % 10);
  };
  std::string out(kDays[((days % 7) + 11) % 7]);  // 1970-01-01 was a Thursday
  out.append(" ").append(kMonths[date.month - 1]).append(" ").append(two(date.day));
  out.append(" ").append(two(of_day / 3600)).append(":").append(two(of_day / 60 % 60));
  out.append(":").append(two(of_day % 60)).append(" UTC ").append(std::to_string(date.year));
  return out;
}

bool AppendJavaNumberOrBoolean(std::string& out, const Value& value) {
  switch (*value.type()) {
    case Type::kInt8:
      out.append(std::to_string(value.as_int8()));
      return true;
    case Type::kInt16:
      out.append(std::to_string(value.as_int16()));
      return true;
    case Type::kInt32:
      out.append(std::to_string(value.as_int32()));
      return true;
    case Type::kInt64:
      out.append(std::to_string(value.as_int64()));
      return true;
    case Type::kFloat32:
      out.append(JavaFloatToString(value.as_float32()));
      return true;
    case Type::kFloat64:
      out.append(JavaDoubleToString(value.as_float64()));
      return true;
    case Type::kBoolean:
      out.append(value.as_boolean() ? "true" : "false");
      return true;
    default:
      return false;
  }
}

}  // namespace ck::runtime::converters_internal
