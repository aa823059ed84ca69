// Text forms of column values (see sql_value.h). Dates and times go through std::chrono's civil
// calendar; floats through std::to_chars, whose shortest form reads back to the same value.
#include "reference-connectors/jdbc/sql_value.h"

#include <charconv>
#include <chrono>
#include <cmath>

namespace ck::jdbc {
namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kMicrosPerDay = 86'400 * kMicrosPerSecond;

int64_t FloorDiv(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

void AppendPadded(int64_t value, int width, std::string& out) {
  char buf[24];
  const auto end = std::to_chars(buf, buf + sizeof buf, value).ptr;
  const int digits = static_cast<int>(end - buf);
  if (digits < width) out.append(static_cast<size_t>(width - digits), '0');
  out.append(buf, end);
}

// YYYY-MM-DD; `bc` receives whether the year is before 1 (PostgreSQL then wants "... BC").
void AppendCivilDate(int64_t days, TextStyle style, std::string& out, bool* bc) {
  using namespace std::chrono;
  const year_month_day ymd{sys_days{std::chrono::days{days}}};
  int64_t year = static_cast<int>(ymd.year());
  *bc = style == TextStyle::kPostgres && year <= 0;
  if (*bc) year = 1 - year;  // astronomical year 0 is 1 BC
  if (year < 0) out.push_back('-');
  AppendPadded(year < 0 ? -year : year, 4, out);
  out.push_back('-');
  AppendPadded(static_cast<unsigned>(ymd.month()), 2, out);
  out.push_back('-');
  AppendPadded(static_cast<unsigned>(ymd.day()), 2, out);
}

void AppendTimeOfDay(int64_t micros, std::string& out) {
  const int64_t seconds = micros / kMicrosPerSecond;
  const int64_t fraction = micros % kMicrosPerSecond;
  AppendPadded(seconds / 3600, 2, out);
  out.push_back(':');
  AppendPadded(seconds / 60 % 60, 2, out);
  out.push_back(':');
  AppendPadded(seconds % 60, 2, out);
  if (fraction != 0) {
    out.push_back('.');
    AppendPadded(fraction, 6, out);
  }
}

template <typename F>
void AppendFloat(F value, TextStyle style, std::string& out) {
  if (std::isnan(value)) {
    out.append("NaN");
    return;
  }
  if (std::isinf(value)) {
    out.append(value > 0 ? (style == TextStyle::kMariaDb ? "inf" : "Infinity")
                         : (style == TextStyle::kMariaDb ? "-inf" : "-Infinity"));
    return;
  }
  char buf[64];
  const auto end = std::to_chars(buf, buf + sizeof buf, value).ptr;
  out.append(buf, end);
}

}  // namespace

void AppendSqlText(const SqlValue& value, TextStyle style, std::string& out) {
  using Kind = SqlValue::Kind;
  switch (value.kind) {
    case Kind::kNull:
      return;
    case Kind::kInt: {
      char buf[24];
      out.append(buf, std::to_chars(buf, buf + sizeof buf, value.i).ptr);
      return;
    }
    case Kind::kFloat32:
      AppendFloat(static_cast<float>(value.f), style, out);
      return;
    case Kind::kFloat64:
      AppendFloat(value.f, style, out);
      return;
    case Kind::kBool:
      if (style == TextStyle::kPostgres) {
        out.push_back(value.i != 0 ? 't' : 'f');
      } else {
        out.push_back(value.i != 0 ? '1' : '0');
      }
      return;
    case Kind::kText:
    case Kind::kBytes:
    case Kind::kDecimal:
      out.append(value.s);
      return;
    case Kind::kZonedTimestamp: {
      // Debezium writes UTC as "2018-06-20T13:37:03[.f]Z"; MariaDB's DATETIME takes neither the
      // T nor the zone, so UTC values are rewritten and anything else passes as it is.
      const std::string& s = value.s;
      if (style == TextStyle::kMariaDb && s.size() > 11 && s[10] == 'T' &&
          (s.back() == 'Z' || s.ends_with("+00:00"))) {
        out.append(s, 0, 10);
        out.push_back(' ');
        out.append(s, 11, s.size() - 11 - (s.back() == 'Z' ? 1 : 6));
      } else {
        out.append(s);
      }
      return;
    }
    case Kind::kDate: {
      bool bc = false;
      AppendCivilDate(value.i, style, out, &bc);
      if (bc) out.append(" BC");
      return;
    }
    case Kind::kTime:
      AppendTimeOfDay(value.i, out);
      return;
    case Kind::kTimestamp: {
      const int64_t days = FloorDiv(value.i, kMicrosPerDay);
      bool bc = false;
      AppendCivilDate(days, style, out, &bc);
      out.push_back(' ');
      AppendTimeOfDay(value.i - days * kMicrosPerDay, out);
      if (bc) out.append(" BC");
      return;
    }
  }
}

std::string DescribeSqlValue(const SqlValue& value) {
  using Kind = SqlValue::Kind;
  switch (value.kind) {
    case Kind::kNull:
      return "null";
    case Kind::kBytes:
      return std::to_string(value.s.size()) + " bytes";
    case Kind::kText:
    case Kind::kZonedTimestamp: {
      constexpr size_t kMax = 100;
      std::string out = "\"";
      out.append(value.s, 0, kMax);
      out.append(value.s.size() > kMax ? "...\"" : "\"");
      return out;
    }
    default: {
      std::string out;
      AppendSqlText(value, TextStyle::kPostgres, out);
      return out;
    }
  }
}

void AppendKeyBytes(const SqlValue& value, std::string& out) {
  out.push_back(static_cast<char>(value.kind));
  switch (value.kind) {
    case SqlValue::Kind::kNull:
      return;
    case SqlValue::Kind::kFloat32:
    case SqlValue::Kind::kFloat64:
      out.append(reinterpret_cast<const char*>(&value.f), sizeof value.f);
      return;
    case SqlValue::Kind::kText:
    case SqlValue::Kind::kBytes:
    case SqlValue::Kind::kDecimal:
    case SqlValue::Kind::kZonedTimestamp: {
      const uint64_t size = value.s.size();
      out.append(reinterpret_cast<const char*>(&size), sizeof size);
      out.append(value.s);
      return;
    }
    default:
      out.append(reinterpret_cast<const char*>(&value.i), sizeof value.i);
      return;
  }
}

}  // namespace ck::jdbc
