// SqlValue: one column value of a row on its way to the database, decoded from its Connect value
// and schema (logical types included) into what every client library can bind: integers, floats,
// booleans, text, raw bytes, decimals as plain text, and dates, times and timestamps as counts.
// Each client binds these natively where it can and as text otherwise; the text forms live here so
// that the three clients agree on them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace ck::jdbc {

/// A column value, ready to bind as a statement parameter.
struct SqlValue {
  /// What the value holds.
  enum class Kind : uint8_t {
    kNull,            ///< SQL NULL.
    kInt,             ///< `i`.
    kFloat32,         ///< `f`, a single-precision value (printed with float's shortest digits).
    kFloat64,         ///< `f`.
    kBool,            ///< `i` (0 or 1).
    kText,            ///< `s`, UTF-8.
    kBytes,           ///< `s`, raw bytes.
    kDecimal,         ///< `s`, plain decimal notation ("-12.50").
    kDate,            ///< `i`, days since 1970-01-01.
    kTime,            ///< `i`, microseconds since midnight.
    kTimestamp,       ///< `i`, microseconds since 1970-01-01T00:00:00 UTC.
    kZonedTimestamp,  ///< `s`, ISO-8601 with an offset, as Debezium's ZonedTimestamp.
  };

  Kind kind = Kind::kNull;  ///< What the value holds.
  int64_t i = 0;            ///< Integer payload (see Kind).
  double f = 0;             ///< Floating-point payload.
  std::string s;            ///< Text or byte payload.

  /// SQL NULL.
  static SqlValue Null() { return {}; }
  /// An integer-like value of `kind` (kInt, kBool, kDate, kTime, kTimestamp).
  static SqlValue Int(Kind kind, int64_t value) {
    SqlValue v;
    v.kind = kind;
    v.i = value;
    return v;
  }
  /// A float of `kind` (kFloat32 or kFloat64).
  static SqlValue Float(Kind kind, double value) {
    SqlValue v;
    v.kind = kind;
    v.f = value;
    return v;
  }
  /// A text-like value of `kind` (kText, kBytes, kDecimal, kZonedTimestamp).
  static SqlValue Str(Kind kind, std::string value) {
    SqlValue v;
    v.kind = kind;
    v.s = std::move(value);
    return v;
  }

  /// True for SQL NULL.
  bool is_null() const { return kind == Kind::kNull; }

  /// Equal kind and payload.
  friend bool operator==(const SqlValue& a, const SqlValue& b) {
    return a.kind == b.kind && a.i == b.i && a.f == b.f && a.s == b.s;
  }
};

/// How a database spells the text form of some values.
enum class TextStyle {
  kPostgres,  ///< booleans t/f, years before 1 as "... BC", floats Infinity/NaN.
  kMariaDb,   ///< booleans 1/0, zoned timestamps converted to "YYYY-MM-DD HH:MM:SS[.f]" in UTC.
  kSqlite,    ///< as PostgreSQL, but stored as text only for temporal values and decimals.
};

/// Appends the text a database parses back into `value` (not for kNull; kBytes appends the raw
/// bytes). Dates are YYYY-MM-DD, times HH:MM:SS[.ffffff], timestamps YYYY-MM-DD HH:MM:SS[.ffffff]
/// (UTC), floats the shortest digits that read back to the same value.
void AppendSqlText(const SqlValue& value, TextStyle style, std::string& out);

/// A short human description of `value` for error messages: numbers as they are, text quoted
/// and cut after 100 characters, bytes as their length, "null" for NULL.
std::string DescribeSqlValue(const SqlValue& value);

/// Appends `value` in a form that identifies it within a key: the kind, then the payload, so that
/// two values append the same bytes exactly when they are equal.
void AppendKeyBytes(const SqlValue& value, std::string& out);

}  // namespace ck::jdbc
