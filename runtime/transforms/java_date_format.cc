// SimpleDateFormat patterns formatted in UTC (see java_date_format.h).
#include "runtime/transforms/java_date_format.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <string_view>

#include "ck/errors.h"

namespace ck::runtime::transforms_internal {
namespace {

constexpr std::string_view kSupported = "GyMLdDEuaHkKhmsSzZX";
constexpr const char* kMonths[] = {"January",   "February", "March",    "April",
                                   "May",       "June",     "July",     "August",
                                   "September", "October",  "November", "December"};
constexpr const char* kDays[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                 "Thursday", "Friday", "Saturday"};

void AppendNumber(std::string& out, int64_t value, int width) {
  std::string digits = std::to_string(value < 0 ? -value : value);
  if (value < 0) out.push_back('-');
  if (static_cast<int>(digits.size()) < width) {
    out.append(static_cast<size_t>(width) - digits.size(), '0');
  }
  out.append(digits);
}

void AppendName(std::string& out, std::string_view name, int count) {
  out.append(count >= 4 ? name : name.substr(0, 3));
}

}  // namespace

JavaDateFormat::JavaDateFormat(const std::string& key, const std::string& pattern)
    : pattern_(pattern) {
  for (size_t i = 0; i < pattern.size();) {
    const char c = pattern[i];
    if (c == '\'') {
      if (i + 1 < pattern.size() && pattern[i + 1] == '\'') {
        parts_.push_back({0, 0, "'"});
        i += 2;
        continue;
      }
      std::string literal;
      size_t j = i + 1;
      for (;; ++j) {
        if (j == pattern.size()) throw ConfigError(key, pattern, "Unterminated quote");
        if (pattern[j] != '\'') {
          literal.push_back(pattern[j]);
        } else if (j + 1 < pattern.size() && pattern[j + 1] == '\'') {
          literal.push_back('\'');
          ++j;
        } else {
          break;
        }
      }
      parts_.push_back({0, 0, std::move(literal)});
      i = j + 1;
    } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      if (kSupported.find(c) == std::string_view::npos) {
        throw ConfigError(key, pattern,
                          std::string("Unsupported pattern letter '") + c +
                              "'; supported: G y M L d D E u a H k K h m s S z Z X and 'quoted "
                              "text'");
      }
      size_t j = i;
      while (j < pattern.size() && pattern[j] == c) ++j;
      parts_.push_back({c, static_cast<int>(j - i), {}});
      i = j;
    } else {
      parts_.push_back({0, 0, std::string(1, c)});
      ++i;
    }
  }
}

std::string JavaDateFormat::Format(int64_t millis) const {
  using namespace std::chrono;  // NOLINT(google-build-using-namespace): calendar types
  const sys_time<milliseconds> instant{milliseconds(millis)};
  const sys_days day = floor<days>(instant);
  const year_month_day ymd(day);
  const int64_t ms_of_day = (instant - day).count();
  const int64_t hour = ms_of_day / 3600000;
  const int64_t minute = ms_of_day / 60000 % 60;
  const int64_t second = ms_of_day / 1000 % 60;
  const int64_t milli = ms_of_day % 1000;
  const unsigned weekday_index = weekday(day).c_encoding();  // 0 = Sunday
  const int64_t year = static_cast<int>(ymd.year());
  std::string out;
  for (const Part& part : parts_) {
    const int n = part.count;
    switch (part.letter) {
      case 0:
        out.append(part.literal);
        break;
      case 'G':
        out.append(year > 0 ? "AD" : "BC");
        break;
      case 'y': {
        const int64_t era_year = year > 0 ? year : 1 - year;
        if (n == 2) {
          AppendNumber(out, era_year % 100, 2);
        } else {
          AppendNumber(out, era_year, n);
        }
        break;
      }
      case 'M':
      case 'L': {
        const unsigned month = static_cast<unsigned>(ymd.month());
        if (n >= 3) {
          AppendName(out, kMonths[month - 1], n);
        } else {
          AppendNumber(out, month, n);
        }
        break;
      }
      case 'd':
        AppendNumber(out, static_cast<unsigned>(ymd.day()), n);
        break;
      case 'D':
        AppendNumber(out, (day - sys_days(ymd.year() / January / 1)).count() + 1, n);
        break;
      case 'E':
        AppendName(out, kDays[weekday_index], n);
        break;
      case 'u':
        AppendNumber(out, weekday_index == 0 ? 7 : weekday_index, n);
        break;
      case 'a':
        out.append(hour < 12 ? "AM" : "PM");
        break;
      case 'H':
        AppendNumber(out, hour, n);
        break;
      case 'k':
        AppendNumber(out, hour == 0 ? 24 : hour, n);
        break;
      case 'K':
        AppendNumber(out, hour % 12, n);
        break;
      case 'h':
        AppendNumber(out, hour % 12 == 0 ? 12 : hour % 12, n);
        break;
      case 'm':
        AppendNumber(out, minute, n);
        break;
      case 's':
        AppendNumber(out, second, n);
        break;
      case 'S':
        AppendNumber(out, milli, n);
        break;
      case 'z':
        out.append(n >= 4 ? "Coordinated Universal Time" : "UTC");
        break;
      case 'Z':
        out.append("+0000");
        break;
      case 'X':
        out.append("Z");
        break;
      default:
        break;
    }
  }
  return out;
}

namespace {

bool IsNumericLetter(char letter, int count) {
  switch (letter) {
    case 'M':
    case 'L':
      return count < 3;
    case 'y':
    case 'd':
    case 'D':
    case 'u':
    case 'H':
    case 'k':
    case 'K':
    case 'h':
    case 'm':
    case 's':
    case 'S':
      return true;
    default:
      return false;
  }
}

// Case-insensitive match of one of `names` (full, then 3-letter) at `text[pos]`; returns the
// index and advances `pos`.
std::optional<int> MatchName(std::string_view text, size_t& pos, const char* const* names,
                             int count) {
  const auto equal_ci = [](std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
             return std::tolower(static_cast<unsigned char>(x)) ==
                    std::tolower(static_cast<unsigned char>(y));
           });
  };
  for (const size_t length : {size_t{0}, size_t{3}}) {
    for (int i = 0; i < count; ++i) {
      const std::string_view name =
          length == 0 ? std::string_view(names[i]) : std::string_view(names[i]).substr(0, 3);
      if (equal_ci(text.substr(pos, name.size()), name)) {
        pos += name.size();
        return i;
      }
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<int64_t> JavaDateFormat::Parse(std::string_view text) const {
  using namespace std::chrono;  // NOLINT(google-build-using-namespace): calendar types
  int64_t year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0, milli = 0;
  int64_t offset_minutes = 0;
  std::optional<int64_t> hour12;
  std::optional<int64_t> day_of_year;
  bool pm = false;
  bool two_digit_year = false;
  size_t pos = 0;
  for (size_t i = 0; i < parts_.size(); ++i) {
    const Part& part = parts_[i];
    if (part.letter == 0) {
      if (text.substr(pos, part.literal.size()) != part.literal) return std::nullopt;
      pos += part.literal.size();
      continue;
    }
    if (IsNumericLetter(part.letter, part.count)) {
      const bool fixed = i + 1 < parts_.size() && parts_[i + 1].letter != 0 &&
                         IsNumericLetter(parts_[i + 1].letter, parts_[i + 1].count);
      size_t end = pos;
      const bool negative = part.letter == 'y' && end < text.size() && text[end] == '-';
      if (negative) ++end;
      const size_t digits_start = end;
      while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end])) != 0 &&
             (!fixed || end - digits_start < static_cast<size_t>(part.count))) {
        ++end;
      }
      if (end == digits_start || end - digits_start > 18) return std::nullopt;
      int64_t number = 0;
      std::from_chars(text.data() + digits_start, text.data() + end, number);
      if (negative) number = -number;
      if (part.letter == 'y') two_digit_year = part.count <= 2 && end - digits_start == 2;
      pos = end;
      switch (part.letter) {
        case 'y':
          year = number;
          break;
        case 'M':
        case 'L':
          month = number;
          break;
        case 'd':
          day = number;
          break;
        case 'D':
          day_of_year = number;
          break;
        case 'H':
          hour = number;
          break;
        case 'k':
          if (number < 1 || number > 24) return std::nullopt;
          hour = number % 24;
          break;
        case 'K':
          if (number > 11) return std::nullopt;
          hour12 = number;
          break;
        case 'h':
          if (number < 1 || number > 12) return std::nullopt;
          hour12 = number % 12;
          break;
        case 'm':
          minute = number;
          break;
        case 's':
          second = number;
          break;
        case 'S':
          milli = number;
          break;
        default:
          break;  // 'u': the day of the week is implied by the date
      }
      continue;
    }
    switch (part.letter) {
      case 'M':
      case 'L': {
        const std::optional<int> index = MatchName(text, pos, kMonths, 12);
        if (!index) return std::nullopt;
        month = *index + 1;
        break;
      }
      case 'E':
        if (!MatchName(text, pos, kDays, 7)) return std::nullopt;
        break;
      case 'G': {
        static constexpr const char* kEras[] = {"AD", "BC"};
        const std::optional<int> era = MatchName(text, pos, kEras, 2);
        if (!era) return std::nullopt;
        break;
      }
      case 'a': {
        static constexpr const char* kMarkers[] = {"AM", "PM"};
        const std::optional<int> marker = MatchName(text, pos, kMarkers, 2);
        if (!marker) return std::nullopt;
        pm = *marker == 1;
        break;
      }
      default: {  // z, Z, X: "Z", "UTC", "GMT", or +hh, +hhmm, +hh:mm
        if (text.substr(pos, 1) == "Z") {
          ++pos;
          break;
        }
        if (text.substr(pos, 3) == "UTC" || text.substr(pos, 3) == "GMT") {
          pos += 3;
          if (pos == text.size() || (text[pos] != '+' && text[pos] != '-')) break;
        }
        if (pos == text.size() || (text[pos] != '+' && text[pos] != '-')) return std::nullopt;
        const int sign = text[pos] == '-' ? -1 : 1;
        std::string digits;
        for (++pos; pos < text.size() && digits.size() < 4; ++pos) {
          if (text[pos] == ':' && digits.size() == 2) continue;
          if (std::isdigit(static_cast<unsigned char>(text[pos])) == 0) break;
          digits.push_back(text[pos]);
        }
        if (digits.size() != 2 && digits.size() != 4) return std::nullopt;
        const int64_t hours = std::stoi(digits.substr(0, 2));
        const int64_t minutes = digits.size() == 4 ? std::stoi(digits.substr(2)) : 0;
        if (minutes > 59) return std::nullopt;
        offset_minutes = sign * (hours * 60 + minutes);
      }
    }
  }
  if (pos != text.size()) return std::nullopt;
  if (hour12) hour = *hour12 + (pm ? 12 : 0);
  if (two_digit_year) {
    // Java's default century: the year within [now - 80 years, now + 20 years).
    const int64_t now_year =
        static_cast<int>(year_month_day(floor<days>(system_clock::now())).year());
    const int64_t start = now_year - 80;
    year += start - start % 100;
    if (year < start) year += 100;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59 ||
      milli > 999) {
    return std::nullopt;
  }
  const year_month_day ymd{std::chrono::year(static_cast<int>(year)),
                           std::chrono::month(static_cast<unsigned>(month)),
                           std::chrono::day(static_cast<unsigned>(day))};
  sys_days date;
  if (day_of_year) {
    if (*day_of_year < 1 || *day_of_year > 366) return std::nullopt;
    date =
        sys_days(std::chrono::year(static_cast<int>(year)) / January / 1) + days(*day_of_year - 1);
  } else {
    if (!ymd.ok()) return std::nullopt;
    date = sys_days(ymd);
  }
  return date.time_since_epoch().count() * int64_t{86400000} + hour * 3600000 + minute * 60000 +
         second * 1000 + milli - offset_minutes * 60000;
}

}  // namespace ck::runtime::transforms_internal
