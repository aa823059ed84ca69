// Column converters (see value_mapping.h). Built-in types are recognised by OID without a catalog
// query; enums, domains and arrays of them go through the lookup. Debezium's schema names and
// parameters are reproduced exactly; dates and times are computed with <chrono>'s civil calendar,
// never through the local time zone.
#include "reference-connectors/postgres/value_mapping.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>

#include "ck/errors.h"

namespace ck::postgres {
namespace {

using Kind = ColumnConverter::Kind;

constexpr int64_t kMicrosPerSecond = 1000000;
constexpr int64_t kMicrosPerDay = 86400 * kMicrosPerSecond;

// Debezium's MicroTimestamp values of 'infinity' and '-infinity'.
constexpr int64_t kPositiveInfinityMicros = 9223372036825200000LL;
constexpr int64_t kNegativeInfinityMicros = -9223372036832400000LL;

struct BuiltIn {
  uint32_t oid;
  const char* name;
  Kind kind;
};

// Built-in scalar types, by OID (pg_type.dat).
constexpr BuiltIn kBuiltIns[] = {
    {16, "bool", Kind::kBoolean},
    {17, "bytea", Kind::kBytes},
    {18, "char", Kind::kString},
    {19, "name", Kind::kString},
    {20, "int8", Kind::kInt64},
    {21, "int2", Kind::kInt16},
    {23, "int4", Kind::kInt32},
    {25, "text", Kind::kString},
    {26, "oid", Kind::kInt64},
    {114, "json", Kind::kJson},
    {142, "xml", Kind::kXml},
    {650, "cidr", Kind::kString},
    {700, "float4", Kind::kFloat32},
    {701, "float8", Kind::kFloat64},
    {774, "macaddr8", Kind::kString},
    {829, "macaddr", Kind::kString},
    {869, "inet", Kind::kString},
    {1042, "bpchar", Kind::kString},
    {1043, "varchar", Kind::kString},
    {1082, "date", Kind::kDate},
    {1083, "time", Kind::kMicroTime},
    {1114, "timestamp", Kind::kMicroTimestamp},
    {1184, "timestamptz", Kind::kZonedTimestamp},
    {1186, "interval", Kind::kMicroDuration},
    {1700, "numeric", Kind::kVariableDecimal},
    {2950, "uuid", Kind::kUuid},
    {3802, "jsonb", Kind::kJson},
    {790, "money", Kind::kMoney},
    {1560, "bit", Kind::kBits},
    {1562, "varbit", Kind::kBits},
    {600, "point", Kind::kPoint},
    {1266, "timetz", Kind::kZonedTime},
    {3614, "tsvector", Kind::kTsvector},
};

// Element types whose arrays Debezium leaves out (money[], name[], interval[], bit[], varbit[],
// xml[], point[]): no array converter.
constexpr uint32_t kUnsupportedArrayElements[] = {790, 19, 1186, 1560, 1562, 142, 600};

// bit varying without a length: Debezium's Bits length.
constexpr int32_t kUnboundedBits = 2147483647;

// Built-in array types -> element OID.
constexpr std::pair<uint32_t, uint32_t> kBuiltInArrays[] = {
    {1000, 16},   {1001, 17},   {1002, 18},   {1016, 20},   {1005, 21},
    {1007, 23},   {1009, 25},   {1028, 26},   {199, 114},   {651, 650},
    {1021, 700},  {1022, 701},  {775, 774},   {1040, 829},  {1041, 869},
    {1014, 1042}, {1015, 1043}, {1182, 1082}, {1183, 1083}, {1115, 1114},
    {1185, 1184}, {1231, 1700}, {2951, 2950}, {3807, 3802}, {1270, 1266},
};

[[noreturn]] void Bad(std::string_view what, std::string_view text) {
  throw DataError(errors_internal::StrCat("Cannot parse PostgreSQL ", what, " value '", text, "'"));
}

template <typename T>
T Number(std::string_view s, std::string_view what) {
  T v{};
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) Bad(what, s);
  return v;
}

// Reads exactly `n` digits at `pos`.
int Digits(std::string_view s, size_t& pos, size_t n, std::string_view what) {
  if (pos + n > s.size()) Bad(what, s);
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    const char c = s[pos + i];
    if (c < '0' || c > '9') Bad(what, s);
    v = v * 10 + (c - '0');
  }
  pos += n;
  return v;
}

void Expect(std::string_view s, size_t& pos, char c, std::string_view what) {
  if (pos >= s.size() || s[pos] != c) Bad(what, s);
  ++pos;
}

// "YYYY-MM-DD" at pos (years may have more than 4 digits).
int64_t DaysAt(std::string_view s, size_t& pos, std::string_view what) {
  size_t end = pos;
  while (end < s.size() && s[end] >= '0' && s[end] <= '9') ++end;
  if (end - pos < 4) Bad(what, s);
  const int year = Digits(s, pos, end - pos, what);
  Expect(s, pos, '-', what);
  const int month = Digits(s, pos, 2, what);
  Expect(s, pos, '-', what);
  const int day = Digits(s, pos, 2, what);
  const std::chrono::year_month_day ymd{std::chrono::year(year),
                                        std::chrono::month(static_cast<unsigned>(month)),
                                        std::chrono::day(static_cast<unsigned>(day))};
  if (!ymd.ok()) Bad(what, s);
  int64_t days = std::chrono::sys_days(ymd).time_since_epoch().count();
  if (s.substr(pos) == " BC" || s.ends_with(" BC")) {
    // 1 BC is year 0 in the proleptic Gregorian calendar.
    const std::chrono::year_month_day bc{std::chrono::year(1 - year), ymd.month(), ymd.day()};
    days = std::chrono::sys_days(bc).time_since_epoch().count();
  }
  return days;
}

// "HH:MM:SS[.ffffff]" at pos -> microseconds.
int64_t TimeAt(std::string_view s, size_t& pos, std::string_view what) {
  const int h = Digits(s, pos, 2, what);
  Expect(s, pos, ':', what);
  const int m = Digits(s, pos, 2, what);
  Expect(s, pos, ':', what);
  const int sec = Digits(s, pos, 2, what);
  int64_t micros = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int64_t scale = 100000;
    const size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      micros += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start || pos - start > 6) Bad(what, s);
  }
  if (h > 24 || m > 59 || sec > 60) Bad(what, s);
  return ((h * 60LL + m) * 60 + sec) * kMicrosPerSecond + micros;
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

Value ArrayFromText(const ColumnConverter& element, std::string_view text) {
  Value::Array out;
  for (auto& item : text::ParseArray(text)) {
    out.push_back(item ? element.FromText(*item) : Value());
  }
  return Value(std::move(out));
}

// Microseconds past midnight and the UTC offset in seconds of a timetz text form.
std::pair<int64_t, int64_t> TimeTzAt(std::string_view s) {
  size_t pos = 0;
  const int64_t micros = TimeAt(s, pos, "timetz");
  if (pos >= s.size() || (s[pos] != '+' && s[pos] != '-')) Bad("timetz", s);
  const int64_t sign = s[pos++] == '-' ? -1 : 1;
  int64_t offset = Digits(s, pos, 2, "timetz") * 3600LL;
  for (int64_t unit : {60, 1}) {
    if (pos >= s.size()) break;
    Expect(s, pos, ':', "timetz");
    offset += Digits(s, pos, 2, "timetz") * unit;
  }
  if (pos != s.size()) Bad("timetz", s);
  return {micros, sign * offset};
}

// Java's String.hashCode() of UTF-8 text (over its UTF-16 code units).
uint32_t JavaStringHash(std::string_view utf8) {
  uint32_t h = 0;
  const auto add = [&](uint32_t unit) { h = 31 * h + unit; };
  for (size_t i = 0; i < utf8.size();) {
    const auto b = static_cast<uint8_t>(utf8[i]);
    const size_t n = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    uint32_t cp = n == 1 ? b : b & (0xFF >> (n + 1));
    for (size_t k = 1; k < n && i + k < utf8.size(); ++k) {
      cp = (cp << 6) | (static_cast<uint8_t>(utf8[i + k]) & 0x3F);
    }
    if (cp >= 0x10000) {
      add(0xD800 + ((cp - 0x10000) >> 10));
      add(0xDC00 + ((cp - 0x10000) & 0x3FF));
    } else {
      add(cp);
    }
    i += n;
  }
  return h;
}

// A JSON string literal as Jackson writes it.
void AppendJsonString(std::string& out, std::string_view s) {
  out.push_back('"');
  for (const char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04X", static_cast<unsigned>(c));
          out += buf;
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

// A money text form ("-$1,234.56", "($5.00)") -> its plain decimal ("-1234.56"), as Debezium
// strips the currency symbol, parentheses and group separators.
std::string MoneyDecimal(std::string_view s) {
  const bool negative = !s.empty() && (s.front() == '-' || s.front() == '(');
  std::string digits;
  for (const char c : s) {
    if ((c >= '0' && c <= '9') || c == '.') digits.push_back(c);
  }
  if (digits.empty()) Bad("money", s);
  return negative ? "-" + digits : digits;
}

// `plain` (a decimal text) rounded half up to exactly `scale` fraction digits.
std::string RoundHalfUp(std::string plain, int32_t scale) {
  const bool negative = !plain.empty() && plain[0] == '-';
  if (negative) plain.erase(0, 1);
  size_t dot = plain.find('.');
  if (dot == std::string::npos) {
    dot = plain.size();
    plain.push_back('.');
  }
  std::string digits = plain.substr(0, dot) + plain.substr(dot + 1);
  const size_t frac = plain.size() - dot - 1;
  const size_t want = static_cast<size_t>(scale);
  if (frac < want) {
    digits.append(want - frac, '0');
  } else if (frac > want) {
    const bool up = digits[digits.size() - (frac - want)] >= '5';
    digits.resize(digits.size() - (frac - want));
    for (size_t i = digits.size(); up && i-- > 0;) {
      if (digits[i] == '9') {
        digits[i] = '0';
        if (i == 0) digits.insert(digits.begin(), '1');
      } else {
        ++digits[i];
        break;
      }
    }
  }
  if (digits.size() <= want) digits.insert(0, want - digits.size() + 1, '0');
  std::string out = digits.substr(0, digits.size() - want);
  if (want > 0) out += "." + digits.substr(digits.size() - want);
  return negative ? "-" + out : out;
}

double DoubleFromText(std::string_view s, std::string_view what) {
  if (s == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (s == "Infinity") return std::numeric_limits<double>::infinity();
  if (s == "-Infinity") return -std::numeric_limits<double>::infinity();
  const std::string copy(s);
  char* end = nullptr;
  const double d = std::strtod(copy.c_str(), &end);
  if (copy.empty() || end != copy.c_str() + copy.size()) Bad(what, s);
  return d;
}

// A Point's value: x, y and their OGC WKB (little-endian), as Debezium's Point.createValue.
Struct PointValue(const SchemaPtr& schema, double x, double y) {
  Bytes wkb;
  wkb.reserve(21);
  wkb.push_back(1);
  const auto put = [&](const void* p, size_t n) {
    const auto* b = static_cast<const uint8_t*>(p);
    for (size_t i = 0; i < n; ++i) wkb.push_back(b[i]);  // the host is little-endian
  };
  const uint32_t type = 1;
  put(&type, sizeof type);
  put(&x, sizeof x);
  put(&y, sizeof y);
  Struct v(schema);
  v.put("x", x);
  v.put("y", y);
  v.put("wkb", std::move(wkb));
  return v;
}

}  // namespace

namespace text {

int32_t ParseDate(std::string_view s) {
  size_t pos = 0;
  const int64_t days = DaysAt(s, pos, "date");
  if (pos != s.size() && s.substr(pos) != " BC") Bad("date", s);
  return static_cast<int32_t>(days);
}

int64_t ParseTime(std::string_view s) {
  size_t pos = 0;
  const int64_t micros = TimeAt(s, pos, "time");
  if (pos != s.size()) Bad("time", s);
  return micros;
}

int64_t ParseTimestamp(std::string_view s) {
  if (s == "infinity") return kPositiveInfinityMicros;
  if (s == "-infinity") return kNegativeInfinityMicros;
  size_t pos = 0;
  const int64_t days = DaysAt(s, pos, "timestamp");
  Expect(s, pos, ' ', "timestamp");
  const int64_t micros = TimeAt(s, pos, "timestamp");
  if (pos != s.size() && s.substr(pos) != " BC") Bad("timestamp", s);
  return days * kMicrosPerDay + micros;
}

int64_t ParseTimestampTz(std::string_view s) {
  if (s == "infinity") return kPositiveInfinityMicros;
  if (s == "-infinity") return kNegativeInfinityMicros;
  size_t pos = 0;
  const int64_t days = DaysAt(s, pos, "timestamptz");
  Expect(s, pos, ' ', "timestamptz");
  int64_t micros = days * kMicrosPerDay + TimeAt(s, pos, "timestamptz");
  if (pos >= s.size() || (s[pos] != '+' && s[pos] != '-')) Bad("timestamptz", s);
  const int sign = s[pos++] == '-' ? -1 : 1;
  int64_t offset = Digits(s, pos, 2, "timestamptz") * 3600LL;
  if (pos < s.size() && s[pos] == ':') {
    ++pos;
    offset += Digits(s, pos, 2, "timestamptz") * 60LL;
    if (pos < s.size() && s[pos] == ':') {
      ++pos;
      offset += Digits(s, pos, 2, "timestamptz");
    }
  }
  if (pos != s.size() && s.substr(pos) != " BC") Bad("timestamptz", s);
  micros -= sign * offset * kMicrosPerSecond;
  return micros;
}

std::string FormatZoned(int64_t micros, int32_t fraction_digits) {
  const int64_t days = FloorDiv(micros, kMicrosPerDay);
  int64_t rest = micros - days * kMicrosPerDay;
  const std::chrono::year_month_day ymd{std::chrono::sys_days(std::chrono::days(days))};
  const int64_t frac = rest % kMicrosPerSecond;
  rest /= kMicrosPerSecond;
  // Fixed-width fields written digit by digit (this runs for every timestamptz value).
  const auto put = [](char* end, int64_t value, int width) {
    for (int i = 0; i < width; ++i, value /= 10) *--end = static_cast<char>('0' + value % 10);
  };
  char buf[64];
  size_t n = 0;
  const int year = int(ymd.year());
  if (year >= 0 && year <= 9999) {
    std::memcpy(buf, "0000-00-00T00:00:00", 19);
    put(buf + 4, year, 4);
    put(buf + 7, unsigned(ymd.month()), 2);
    put(buf + 10, unsigned(ymd.day()), 2);
    put(buf + 13, rest / 3600, 2);
    put(buf + 16, rest / 60 % 60, 2);
    put(buf + 19, rest % 60, 2);
    n = 19;
  } else {
    n = static_cast<size_t>(std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d", year,
                                          unsigned(ymd.month()), unsigned(ymd.day()),
                                          int(rest / 3600), int(rest / 60 % 60), int(rest % 60)));
  }
  if (fraction_digits > 0) {
    buf[n++] = '.';
    put(buf + n + 6, frac, 6);
    n += static_cast<size_t>(std::min(fraction_digits, 6));
    for (int32_t i = 6; i < fraction_digits && n < sizeof buf - 1; ++i) buf[n++] = '0';
  }
  buf[n++] = 'Z';
  return std::string(buf, n);
}

namespace {

// The numbers of an ISO 8601 interval as PostgreSQL writes it (IntervalStyle iso_8601, e.g.
// "P1Y2M3DT4H5M6.5S", "PT-1H-30M"), each as written; "0" for the parts left out.
struct IsoIntervalParts {
  std::string_view years = "0", months = "0", days = "0", hours = "0", minutes = "0", seconds = "0";
};

IsoIntervalParts SplitIsoInterval(std::string_view s) {
  if (s.empty() || s[0] != 'P') Bad("interval", s);
  IsoIntervalParts parts;
  bool time_part = false;
  for (size_t pos = 1; pos < s.size();) {
    if (s[pos] == 'T') {
      time_part = true;
      ++pos;
      continue;
    }
    size_t end = pos;
    while (end < s.size() &&
           (s[end] == '-' || s[end] == '+' || s[end] == '.' || (s[end] >= '0' && s[end] <= '9'))) {
      ++end;
    }
    if (end == pos || end >= s.size()) Bad("interval", s);
    const std::string_view v = s.substr(pos, end - pos);
    switch (s[end]) {
      case 'Y':
        parts.years = v;
        break;
      case 'M':
        (time_part ? parts.minutes : parts.months) = v;
        break;
      case 'D':
        parts.days = v;
        break;
      case 'H':
        parts.hours = v;
        break;
      case 'S':
        parts.seconds = v;
        break;
      default:
        Bad("interval", s);
    }
    pos = end + 1;
  }
  return parts;
}

}  // namespace

int64_t ParseIsoInterval(std::string_view s) {
  const IsoIntervalParts parts = SplitIsoInterval(s);
  const auto number = [](std::string_view v) { return Number<double>(v, "interval"); };
  // Debezium's MicroDuration.durationMicros with a month of 365.25 / 12 days.
  const double number_of_days =
      (number(parts.years) * 12 + number(parts.months)) * (365.25 / 12) + number(parts.days);
  const double number_of_seconds =
      ((number_of_days * 24 + number(parts.hours)) * 60 + number(parts.minutes)) * 60 +
      number(parts.seconds);
  return static_cast<int64_t>(number_of_seconds * 1e6);
}

Bytes ParseByteaHex(std::string_view s) {
  if (s.size() < 2 || s[0] != '\\' || s[1] != 'x' || s.size() % 2 != 0) Bad("bytea", s);
  Bytes out;
  out.reserve((s.size() - 2) / 2);
  const auto nibble = [&](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    Bad("bytea", s);
  };
  for (size_t i = 2; i < s.size(); i += 2) {
    out.push_back(static_cast<uint8_t>(nibble(s[i]) * 16 + nibble(s[i + 1])));
  }
  return out;
}

std::vector<std::optional<std::string>> ParseArray(std::string_view s) {
  std::vector<std::optional<std::string>> out;
  size_t pos = 0;
  if (!s.empty() && s[0] == '[') {  // explicit bounds: "[0:1]={...}"
    pos = s.find('=');
    if (pos == std::string_view::npos) Bad("array", s);
    ++pos;
  }
  if (pos >= s.size() || s[pos] != '{' || s.back() != '}') Bad("array", s);
  ++pos;
  const size_t end = s.size() - 1;
  if (pos == end) return out;
  while (pos <= end) {
    std::string item;
    bool quoted = false;
    if (s[pos] == '{') {
      throw DataError(errors_internal::StrCat(
          "Multi-dimensional PostgreSQL arrays are not supported: '", s, "'"));
    }
    if (s[pos] == '"') {
      quoted = true;
      ++pos;
      while (pos < end && s[pos] != '"') {
        if (s[pos] == '\\' && pos + 1 < end) ++pos;
        item.push_back(s[pos++]);
      }
      if (pos >= end) Bad("array", s);
      ++pos;  // closing quote
    } else {
      while (pos < end && s[pos] != ',') {
        if (s[pos] == '\\' && pos + 1 < end) ++pos;
        item.push_back(s[pos++]);
      }
    }
    if (!quoted && item == "NULL") {
      out.emplace_back(std::nullopt);
    } else {
      out.emplace_back(std::move(item));
    }
    if (pos == end) break;
    if (s[pos] != ',') Bad("array", s);
    ++pos;
  }
  return out;
}

std::string IsoIntervalString(std::string_view s) {
  const IsoIntervalParts parts = SplitIsoInterval(s);
  // Debezium writes the seconds as a plain decimal without trailing zeros.
  std::string seconds(parts.seconds);
  if (seconds.find('.') != std::string::npos) {
    while (seconds.back() == '0') seconds.pop_back();
    if (seconds.back() == '.') seconds.pop_back();
  }
  if (seconds == "-0") seconds = "0";
  std::string out = "P";
  for (const auto& [number, unit] : {std::pair{parts.years, "Y"},
                                     {parts.months, "M"},
                                     {parts.days, "DT"},
                                     {parts.hours, "H"},
                                     {parts.minutes, "M"}}) {
    out.append(number).append(unit);
  }
  return out + seconds + "S";
}

std::string JavaDecimalString(std::string_view s) {
  const bool negative = !s.empty() && s[0] == '-';
  const std::string_view body = negative ? s.substr(1) : s;
  const size_t dot = body.find('.');
  const int64_t scale =
      dot == std::string_view::npos ? 0 : static_cast<int64_t>(body.size() - dot - 1);
  std::string coefficient;
  for (const char c : body) {
    if (c != '.' && (c != '0' || !coefficient.empty())) coefficient.push_back(c);
  }
  if (coefficient.empty()) coefficient = "0";
  const int64_t adjusted = -scale + static_cast<int64_t>(coefficient.size()) - 1;
  if (adjusted >= -6) return std::string(s);
  std::string out = negative ? "-" : "";
  out.push_back(coefficient[0]);
  if (coefficient.size() > 1) out += "." + coefficient.substr(1);
  return out + "E" + std::to_string(adjusted);
}

std::string EncodeBinary(const Bytes& bytes, MappingOptions::BinaryMode mode) {
  std::string out;
  if (mode == MappingOptions::BinaryMode::kHex) {
    static constexpr char kHex[] = "0123456789abcdef";
    out.reserve(bytes.size() * 2);
    for (const uint8_t b : bytes) {
      out.push_back(kHex[b >> 4]);
      out.push_back(kHex[b & 0xF]);
    }
    return out;
  }
  const char* alphabet = mode == MappingOptions::BinaryMode::kBase64UrlSafe
                             ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
                             : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (size_t i = 0; i < bytes.size(); i += 3) {
    const size_t n = std::min<size_t>(3, bytes.size() - i);
    uint32_t chunk = static_cast<uint32_t>(bytes[i]) << 16;
    if (n > 1) chunk |= static_cast<uint32_t>(bytes[i + 1]) << 8;
    if (n > 2) chunk |= bytes[i + 2];
    for (size_t k = 0; k < 4; ++k) {
      out.push_back(k <= n ? alphabet[(chunk >> (18 - 6 * k)) & 0x3F] : '=');
    }
  }
  return out;
}

Bytes ParseBits(std::string_view s) {
  Bytes out;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[s.size() - 1 - i];  // bit i, counted from the right
    if (c != '0' && c != '1') Bad("bit", s);
    if (c == '1') {
      out.resize(std::max(out.size(), i / 8 + 1), 0);
      out[i / 8] = static_cast<uint8_t>(out[i / 8] | (1U << (i % 8)));
    }
  }
  return out;
}

std::vector<std::pair<std::string, std::optional<std::string>>> ParseHstore(std::string_view s) {
  std::vector<std::pair<std::string, std::optional<std::string>>> pairs;
  size_t pos = 0;
  const auto skip = [&] {
    while (pos < s.size() && (s[pos] == ' ' || s[pos] == ',')) ++pos;
  };
  const auto quoted = [&] {
    if (pos >= s.size() || s[pos] != '"') Bad("hstore", s);
    std::string out;
    for (++pos; pos < s.size() && s[pos] != '"'; ++pos) {
      if (s[pos] == '\\' && pos + 1 < s.size()) ++pos;
      out.push_back(s[pos]);
    }
    if (pos >= s.size()) Bad("hstore", s);
    ++pos;
    return out;
  };
  for (skip(); pos < s.size(); skip()) {
    std::string key = quoted();
    if (s.substr(pos, 2) != "=>") Bad("hstore", s);
    pos += 2;
    std::optional<std::string> value;
    if (s.substr(pos, 4) == "NULL") {
      pos += 4;
    } else {
      value = quoted();
    }
    pairs.emplace_back(std::move(key), std::move(value));
  }
  // java.util.HashMap's iteration order: by bucket (spread hash & (capacity - 1)), then by
  // insertion; the capacity doubles from 16 while the size exceeds 3/4 of it.
  size_t capacity = 16;
  while (pairs.size() * 4 > capacity * 3) capacity *= 2;
  const auto bucket = [&](const std::string& key) {
    const uint32_t h = JavaStringHash(key);
    return (h ^ (h >> 16)) & (capacity - 1);
  };
  std::stable_sort(pairs.begin(), pairs.end(),
                   [&](const auto& a, const auto& b) { return bucket(a.first) < bucket(b.first); });
  return pairs;
}

}  // namespace text

std::optional<ColumnConverter> ColumnConverter::Create(uint32_t oid, int32_t type_mod,
                                                       const TypeLookup& lookup, bool optional,
                                                       const MappingOptions& options) {
  std::optional<ColumnConverter> c = Resolve(oid, type_mod, lookup, options);
  if (c) {
    SchemaBuilder b = c->Builder();
    if (optional) b.optional();
    c->schema_ = b.build();
  }
  return c;
}

std::optional<ColumnConverter> ColumnConverter::Resolve(uint32_t oid, int32_t type_mod,
                                                        const TypeLookup& lookup,
                                                        const MappingOptions& options) {
  using Mode = MappingOptions;
  ColumnConverter c;
  c.options_ = options;
  for (const BuiltIn& b : kBuiltIns) {
    if (b.oid != oid) continue;
    c.kind_ = b.kind;
    c.type_name_ = b.name;
    switch (b.kind) {
      case Kind::kVariableDecimal:
        if (type_mod >= 4) {
          c.kind_ = Kind::kDecimal;
          c.precision_ = ((type_mod - 4) >> 16) & 0xFFFF;
          c.scale_ = (type_mod - 4) & 0xFFFF;
        }
        if (options.decimal == Mode::DecimalMode::kDouble) c.kind_ = Kind::kDecimalDouble;
        if (options.decimal == Mode::DecimalMode::kString) c.kind_ = Kind::kDecimalString;
        break;
      case Kind::kMoney:
        c.scale_ = options.money_fraction_digits;
        break;
      case Kind::kBytes:
        if (options.binary != Mode::BinaryMode::kBytes) c.kind_ = Kind::kBinaryString;
        break;
      case Kind::kDate:
        if (options.time == Mode::TimeMode::kConnect) c.kind_ = Kind::kConnectDate;
        break;
      case Kind::kMicroTime:
        c.precision_ = type_mod >= 0 ? type_mod : 6;
        if (options.time == Mode::TimeMode::kConnect) {
          c.kind_ = Kind::kConnectTime;
        } else if (c.precision_ <= 3 && options.time == Mode::TimeMode::kAdaptive) {
          c.kind_ = Kind::kTime;
        }
        break;
      case Kind::kMicroTimestamp:
        c.precision_ = type_mod >= 0 ? type_mod : 6;
        if (options.time == Mode::TimeMode::kConnect) {
          c.kind_ = Kind::kConnectTimestamp;
        } else if (c.precision_ <= 3) {
          c.kind_ = Kind::kTimestamp;
        }
        break;
      case Kind::kZonedTimestamp:
        c.precision_ = type_mod >= 0 ? type_mod : 6;
        break;
      case Kind::kMicroDuration:
        if (options.interval == Mode::IntervalMode::kString) c.kind_ = Kind::kInterval;
        break;
      case Kind::kBits:
        c.precision_ = type_mod >= 0 ? type_mod : (oid == 1560 ? 1 : kUnboundedBits);
        if (c.precision_ == 1) c.kind_ = Kind::kBit;
        break;
      default:
        break;
    }
    return c;
  }
  for (const auto& [array_oid, elem_oid] : kBuiltInArrays) {
    if (array_oid != oid) continue;
    auto element = Create(elem_oid, type_mod, lookup, true, options);
    if (!element) return std::nullopt;
    c.kind_ = Kind::kArray;
    c.type_name_ = "_" + element->type_name_;
    c.element_ = std::make_shared<const ColumnConverter>(std::move(*element));
    return c;
  }
  const std::optional<PgTypeInfo> info = lookup ? lookup(oid) : std::nullopt;
  if (!info) return std::nullopt;
  if (info->typtype == 'e') {
    c.kind_ = Kind::kEnum;
    c.type_name_ = info->name;
    c.enum_labels_ = info->enum_labels;
    return c;
  }
  if (info->typtype == 'd' && info->base_oid != 0) {
    auto base = Resolve(info->base_oid, type_mod, lookup, options);
    if (base) base->type_name_ = info->name;
    return base;
  }
  if (info->category == 'A' && info->elem_oid != 0) {
    if (std::find(std::begin(kUnsupportedArrayElements), std::end(kUnsupportedArrayElements),
                  info->elem_oid) != std::end(kUnsupportedArrayElements)) {
      return std::nullopt;
    }
    auto element = Create(info->elem_oid, type_mod, lookup, true, options);
    if (!element) return std::nullopt;
    c.kind_ = Kind::kArray;
    c.type_name_ = info->name;
    c.element_ = std::make_shared<const ColumnConverter>(std::move(*element));
    return c;
  }
  c.type_name_ = info->name;
  if (info->name == "citext" || info->name.ends_with("range")) {
    c.kind_ = Kind::kString;
    return c;
  }
  if (info->name == "ltree") {
    c.kind_ = Kind::kLtree;
    return c;
  }
  if (info->name == "hstore") {
    c.kind_ = options.hstore == Mode::HstoreMode::kMap ? Kind::kHstoreMap : Kind::kHstoreJson;
    return c;
  }
  return std::nullopt;
}

SchemaBuilder ColumnConverter::Builder() const {
  switch (kind_) {
    case Kind::kBoolean:
      return SchemaBuilder::boolean();
    case Kind::kInt16:
      return SchemaBuilder::int16();
    case Kind::kInt32:
      return SchemaBuilder::int32();
    case Kind::kInt64:
      return SchemaBuilder::int64();
    case Kind::kFloat32:
      return SchemaBuilder::float32();
    case Kind::kFloat64:
      return SchemaBuilder::float64();
    case Kind::kDecimal:
      return Decimal::builder(scale_).parameter("connect.decimal.precision",
                                                std::to_string(precision_));
    case Kind::kVariableDecimal:
      return std::move(SchemaBuilder::struct_()
                           .name("io.debezium.data.VariableScaleDecimal")
                           .version(1)
                           .doc("Variable scaled decimal")
                           .field("scale", Schema::Int32())
                           .field("value", Schema::Bytes()));
    case Kind::kString:
      return SchemaBuilder::string();
    case Kind::kJson:
      return std::move(SchemaBuilder::string().name("io.debezium.data.Json").version(1));
    case Kind::kXml:
      return std::move(SchemaBuilder::string().name("io.debezium.data.Xml").version(1));
    case Kind::kUuid:
      return std::move(SchemaBuilder::string().name("io.debezium.data.Uuid").version(1));
    case Kind::kEnum: {
      std::string allowed;
      for (const std::string& label : enum_labels_) {
        if (!allowed.empty()) allowed.push_back(',');
        allowed += label;
      }
      return std::move(SchemaBuilder::string()
                           .name("io.debezium.data.Enum")
                           .version(1)
                           .parameter("allowed", allowed));
    }
    case Kind::kBytes:
      return SchemaBuilder::bytes();
    case Kind::kDate:
      return std::move(SchemaBuilder::int32().name("io.debezium.time.Date").version(1));
    case Kind::kTime:
      return std::move(SchemaBuilder::int32().name("io.debezium.time.Time").version(1));
    case Kind::kMicroTime:
      return std::move(SchemaBuilder::int64().name("io.debezium.time.MicroTime").version(1));
    case Kind::kTimestamp:
      return std::move(SchemaBuilder::int64().name("io.debezium.time.Timestamp").version(1));
    case Kind::kMicroTimestamp:
      return std::move(SchemaBuilder::int64().name("io.debezium.time.MicroTimestamp").version(1));
    case Kind::kZonedTimestamp:
      return std::move(SchemaBuilder::string().name("io.debezium.time.ZonedTimestamp").version(1));
    case Kind::kMicroDuration:
      return std::move(SchemaBuilder::int64().name("io.debezium.time.MicroDuration").version(1));
    case Kind::kArray:
      return SchemaBuilder::array(element_->schema());
    case Kind::kDecimalDouble:
      return SchemaBuilder::float64();
    case Kind::kDecimalString:
    case Kind::kBinaryString:
      return SchemaBuilder::string();
    case Kind::kMoney:
      if (options_.decimal == MappingOptions::DecimalMode::kDouble) return SchemaBuilder::float64();
      if (options_.decimal == MappingOptions::DecimalMode::kString) return SchemaBuilder::string();
      return Decimal::builder(scale_);
    case Kind::kConnectDate:
      return Date::builder();
    case Kind::kConnectTime:
      return Time::builder();
    case Kind::kConnectTimestamp:
      return Timestamp::builder();
    case Kind::kInterval:
      return std::move(SchemaBuilder::string().name("io.debezium.time.Interval").version(1));
    case Kind::kZonedTime:
      return std::move(SchemaBuilder::string().name("io.debezium.time.ZonedTime").version(1));
    case Kind::kBit:
      return SchemaBuilder::boolean();
    case Kind::kBits:
      return std::move(SchemaBuilder::bytes()
                           .name("io.debezium.data.Bits")
                           .version(1)
                           .parameter("length", std::to_string(precision_)));
    case Kind::kPoint:
      return std::move(SchemaBuilder::struct_()
                           .name("io.debezium.data.geometry.Point")
                           .version(1)
                           .doc("Geometry (POINT)")
                           .field("x", Schema::Float64())
                           .field("y", Schema::Float64())
                           .field("wkb", Schema::OptionalBytes())
                           .field("srid", Schema::OptionalInt32()));
    case Kind::kLtree:
      return std::move(SchemaBuilder::string().name("io.debezium.data.Ltree").version(1));
    case Kind::kTsvector:
      return std::move(SchemaBuilder::string().name("io.debezium.data.Tsvector").version(1));
    case Kind::kHstoreJson:
      return std::move(SchemaBuilder::string().name("io.debezium.data.Json").version(1));
    case Kind::kHstoreMap:
      return SchemaBuilder::map(Schema::String(), Schema::OptionalString());
  }
  throw DataError("unreachable column kind");
}

Value ColumnConverter::FromText(std::string_view s) const {
  switch (kind_) {
    case Kind::kBoolean:
      if (s == "t") return true;
      if (s == "f") return false;
      Bad("boolean", s);
    case Kind::kInt16:
      return Number<int16_t>(s, "smallint");
    case Kind::kInt32:
      return Number<int32_t>(s, "integer");
    case Kind::kInt64:
      return Number<int64_t>(s, "bigint");
    case Kind::kFloat32:
    case Kind::kFloat64: {
      const std::string copy(s);
      char* end = nullptr;
      const double d = std::strtod(copy.c_str(), &end);
      if (end != copy.c_str() + copy.size() || copy.empty()) Bad(type_name_, s);
      if (kind_ == Kind::kFloat32) return static_cast<float>(d);
      return d;
    }
    case Kind::kDecimal:
      if (s == "NaN" || s == "Infinity" || s == "-Infinity") return Value();
      return Decimal::FromString(s, scale_);
    case Kind::kVariableDecimal: {
      if (s == "NaN" || s == "Infinity" || s == "-Infinity") return Value();
      // Debezium strips trailing fractional zeros (never below scale 0).
      const size_t dot = s.find('.');
      if (dot != std::string_view::npos) {
        while (s.back() == '0') s.remove_suffix(1);
        if (s.back() == '.') s.remove_suffix(1);
      }
      const int32_t scale = dot == std::string_view::npos || dot >= s.size()
                                ? 0
                                : static_cast<int32_t>(s.size() - dot - 1);
      Struct v(schema_);
      v.put("scale", scale);
      v.put("value", Decimal::FromString(s, scale));
      return v;
    }
    case Kind::kString:
    case Kind::kJson:
    case Kind::kXml:
    case Kind::kUuid:
    case Kind::kEnum:
      return std::string(s);
    case Kind::kBytes:
      return text::ParseByteaHex(s);
    case Kind::kDate:
      return text::ParseDate(s);
    case Kind::kTime:
      return static_cast<int32_t>(text::ParseTime(s) / 1000);
    case Kind::kMicroTime:
      return text::ParseTime(s);
    case Kind::kTimestamp: {
      const int64_t micros = text::ParseTimestamp(s);
      if (micros == kPositiveInfinityMicros || micros == kNegativeInfinityMicros) return micros;
      return FloorDiv(micros, 1000);
    }
    case Kind::kMicroTimestamp:
      return text::ParseTimestamp(s);
    case Kind::kZonedTimestamp: {
      if (s == "infinity" || s == "-infinity") return std::string(s);
      return text::FormatZoned(text::ParseTimestampTz(s), precision_);
    }
    case Kind::kMicroDuration:
      return text::ParseIsoInterval(s);
    case Kind::kArray:
      return ArrayFromText(*element_, s);
    default:
      return FromTextInMode(s);
  }
  Bad(type_name_, s);
}

Value ColumnConverter::FromTextInMode(std::string_view s) const {
  using DecimalMode = MappingOptions::DecimalMode;
  switch (kind_) {
    case Kind::kDecimalDouble:
      return DoubleFromText(s, type_name_);
    case Kind::kDecimalString:
      // Debezium's names of the special values.
      if (s == "NaN") return std::string("NAN");
      if (s == "Infinity") return std::string("POSITIVE_INFINITY");
      if (s == "-Infinity") return std::string("NEGATIVE_INFINITY");
      return text::JavaDecimalString(s);
    case Kind::kMoney: {
      const std::string plain = MoneyDecimal(s);
      if (options_.decimal == DecimalMode::kDouble) return DoubleFromText(plain, "money");
      if (options_.decimal == DecimalMode::kString) return plain;
      return Decimal::FromString(RoundHalfUp(plain, scale_), scale_);
    }
    case Kind::kBinaryString:
      return text::EncodeBinary(text::ParseByteaHex(s), options_.binary);
    case Kind::kConnectDate:
      return text::ParseDate(s);
    case Kind::kConnectTime:
      return Time::FromLogical(std::chrono::milliseconds(text::ParseTime(s) / 1000));
    case Kind::kConnectTimestamp: {
      const int64_t micros = text::ParseTimestamp(s);
      if (micros == kPositiveInfinityMicros || micros == kNegativeInfinityMicros) return micros;
      return FloorDiv(micros, 1000);
    }
    case Kind::kInterval:
      return text::IsoIntervalString(s);
    case Kind::kZonedTime: {
      // Java's ISO_OFFSET_TIME of the time at UTC: seconds always, the fraction without
      // trailing zeros.
      const auto [micros, offset] = TimeTzAt(s);
      int64_t utc = (micros - offset * kMicrosPerSecond) % kMicrosPerDay;
      if (utc < 0) utc += kMicrosPerDay;
      const int64_t secs = utc / kMicrosPerSecond;
      char buf[32];
      std::snprintf(buf, sizeof buf, "%02d:%02d:%02d", static_cast<int>(secs / 3600),
                    static_cast<int>(secs / 60 % 60), static_cast<int>(secs % 60));
      std::string out = buf;
      if (const int64_t frac = utc % kMicrosPerSecond; frac != 0) {
        std::snprintf(buf, sizeof buf, ".%06lld", static_cast<long long>(frac));
        std::string f = buf;
        while (f.back() == '0') f.pop_back();
        out += f;
      }
      return out + "Z";
    }
    case Kind::kBit:
      if (s == "1") return true;
      if (s == "0") return false;
      Bad("bit", s);
    case Kind::kBits:
      return text::ParseBits(s);
    case Kind::kPoint: {
      if (s.size() < 5 || s.front() != '(' || s.back() != ')') Bad("point", s);
      const size_t comma = s.find(',');
      if (comma == std::string_view::npos) Bad("point", s);
      return PointValue(schema_, DoubleFromText(s.substr(1, comma - 1), "point"),
                        DoubleFromText(s.substr(comma + 1, s.size() - comma - 2), "point"));
    }
    case Kind::kLtree:
    case Kind::kTsvector:
      return std::string(s);
    case Kind::kHstoreJson: {
      std::string json = "{";
      for (const auto& [key, value] : text::ParseHstore(s)) {
        if (json.size() > 1) json.push_back(',');
        AppendJsonString(json, key);
        json.push_back(':');
        if (value) {
          AppendJsonString(json, *value);
        } else {
          json += "null";
        }
      }
      return json + "}";
    }
    case Kind::kHstoreMap: {
      Value::Map map;
      for (auto& [key, value] : text::ParseHstore(s)) {
        map.emplace_back(Value(std::move(key)), value ? Value(std::move(*value)) : Value());
      }
      return map;
    }
    default:
      Bad(type_name_, s);
  }
}

Value ColumnConverter::Unavailable() const {
  switch (kind_) {
    case Kind::kString:
    case Kind::kJson:
    case Kind::kXml:
    case Kind::kEnum:
    case Kind::kLtree:
    case Kind::kTsvector:
    case Kind::kHstoreJson:
      return std::string(kUnavailableValuePlaceholder);
    case Kind::kBinaryString: {
      const std::string_view p = kUnavailableValuePlaceholder;
      return text::EncodeBinary(Bytes(p.begin(), p.end()), options_.binary);
    }
    case Kind::kBytes: {
      const std::string_view p = kUnavailableValuePlaceholder;
      return Bytes(p.begin(), p.end());
    }
    case Kind::kArray: {
      Value element = element_->Unavailable();
      if (element.is_null()) return Value();
      return Value::Array{std::move(element)};
    }
    default:
      return Value();
  }
}

}  // namespace ck::postgres

namespace ck::postgres {

Value ColumnConverter::Fallback() const {
  switch (kind_) {
    case Kind::kBoolean:
      return false;
    case Kind::kInt16:
      return int16_t{0};
    case Kind::kInt32:
    case Kind::kDate:
    case Kind::kTime:
      return int32_t{0};
    case Kind::kInt64:
    case Kind::kMicroTime:
    case Kind::kTimestamp:
    case Kind::kMicroTimestamp:
    case Kind::kMicroDuration:
      return int64_t{0};
    case Kind::kFloat32:
      return 0.0f;
    case Kind::kFloat64:
      return 0.0;
    case Kind::kDecimal:
      return Bytes{0};
    case Kind::kVariableDecimal: {
      Struct v(schema_);
      v.put("scale", int32_t{0});
      v.put("value", Bytes{0});
      return v;
    }
    case Kind::kZonedTimestamp:
      return text::FormatZoned(0, precision_);
    case Kind::kBytes:
    case Kind::kBits:
      return Bytes{};
    case Kind::kArray:
      return Value::Array{};
    case Kind::kBit:
      return false;
    case Kind::kConnectDate:
    case Kind::kConnectTime:
      return int32_t{0};
    case Kind::kConnectTimestamp:
      return int64_t{0};
    case Kind::kDecimalDouble:
      return 0.0;
    case Kind::kDecimalString:
      return std::string("0");
    case Kind::kMoney:  // Debezium's zero at the money scale
      if (options_.decimal == MappingOptions::DecimalMode::kString) return RoundHalfUp("0", scale_);
      return FromTextInMode("0");
    case Kind::kInterval:
      return text::IsoIntervalString("PT0S");
    case Kind::kZonedTime:
      return std::string("00:00:00Z");
    case Kind::kPoint:
      return PointValue(schema_, 0, 0);
    case Kind::kHstoreJson:
      return std::string("{}");
    case Kind::kHstoreMap:
      return Value::Map{};
    default:
      return std::string();
  }
}

}  // namespace ck::postgres
