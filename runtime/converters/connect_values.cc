// Values.convertToString and Values.parseString (see connect_values.h). The parser is a port of
// Kafka 3.9's ValueParser: the same tokenizer (delimiters : , { } [ ] " with backslash escapes),
// the same order of attempts (null, booleans, arrays, maps, temporal values, numbers, else a
// string) and the same SchemaMerger rules for array elements and map entries; any failure inside
// an array or map makes the whole text a STRING, as in Kafka.
#include "runtime/converters/connect_values.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include "runtime/converters/base64.h"
#include "runtime/converters/connect_types.h"
#include "runtime/converters/java_text.h"

namespace ck::runtime::converters_internal {
namespace {

using errors_internal::StrCat;

constexpr int64_t kMillisPerDay = 24 * 60 * 60 * 1000;

// ---- Calendar (proleptic Gregorian, UTC) --------------------------------------------------------

void AppendPadded(std::string& out, int64_t value, int width) {
  const std::string digits = std::to_string(value < 0 ? -value : value);
  if (value < 0) out.push_back('-');
  for (int i = static_cast<int>(digits.size()); i < width; ++i) out.push_back('0');
  out.append(digits);
}

void AppendDate(std::string& out, int64_t days) {
  const CivilDate date = CivilFromDays(days);
  AppendPadded(out, date.year, 4);
  out.push_back('-');
  AppendPadded(out, date.month, 2);
  out.push_back('-');
  AppendPadded(out, date.day, 2);
}

void AppendTime(std::string& out, int64_t millis_of_day) {
  AppendPadded(out, millis_of_day / 3'600'000, 2);
  out.push_back(':');
  AppendPadded(out, millis_of_day / 60'000 % 60, 2);
  out.push_back(':');
  AppendPadded(out, millis_of_day / 1000 % 60, 2);
  out.push_back('.');
  AppendPadded(out, millis_of_day % 1000, 3);
  out.push_back('Z');
}

// Fixed-width unsigned decimal at text[pos, pos + width), or -1.
int64_t Digits(std::string_view text, size_t pos, size_t width) {
  int64_t value = 0;
  for (size_t i = pos; i < pos + width; ++i) {
    if (text[i] < '0' || text[i] > '9') return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

std::optional<int64_t> ParseDate(std::string_view text) {  // yyyy-MM-dd -> days
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  const int64_t y = Digits(text, 0, 4), m = Digits(text, 5, 2), d = Digits(text, 8, 2);
  if (y < 0 || m < 1 || m > 12 || d < 1) return std::nullopt;
  const int64_t days = DaysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
  if (CivilFromDays(days).day != d) return std::nullopt;  // e.g. 2023-02-30
  return days;
}

std::optional<int64_t> ParseTime(std::string_view text) {  // HH:mm:ss.SSSZ -> ms of day
  if (text.size() != 13 || text[2] != ':' || text[5] != ':' || text[8] != '.' || text[12] != 'Z') {
    return std::nullopt;
  }
  const int64_t h = Digits(text, 0, 2), m = Digits(text, 3, 2), s = Digits(text, 6, 2),
                ms = Digits(text, 9, 3);
  if (h < 0 || h > 23 || m < 0 || m > 59 || s < 0 || s > 59 || ms < 0) return std::nullopt;
  return ((h * 60 + m) * 60 + s) * 1000 + ms;
}

// ---- Writing ------------------------------------------------------------------------------------

void AppendQuoted(std::string& out, std::string_view s) {  // Values.escape: only \ and "
  out.push_back('"');
  for (char c : s) {
    if (c == '\\' || c == '"') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
}

void Append(std::string& out, const Schema* schema, const Value& value, bool embedded) {
  if (value.is_null()) {
    out.append("null");
    return;
  }
  if (schema != nullptr) {
    if (*value.type() != schema->type()) {
      throw DataError(StrCat("Invalid value of type ", value.type_name(), " for schema of type ",
                             KafkaTypeName(schema->type())));
    }
    switch (LogicalOf(*schema)) {
      case LogicalType::kDecimal:
        return AppendBigDecimal(out, value.as_bytes(), Decimal::scale(*schema));
      case LogicalType::kDate:
        out.append(FormatInstant(int64_t{value.as_int32()} * kMillisPerDay));
        return;
      case LogicalType::kTime:
        out.append(FormatInstant(value.as_int32()));
        return;
      case LogicalType::kTimestamp:
        out.append(FormatInstant(value.as_int64()));
        return;
      case LogicalType::kNone:
        break;
    }
  }
  if (AppendJavaNumberOrBoolean(out, value)) return;
  switch (*value.type()) {
    default:  // numbers and booleans: appended above
      return;
    case Type::kString:
      if (embedded) {
        AppendQuoted(out, value.as_string());
      } else {
        out.append(value.as_string());
      }
      return;
    case Type::kBytes:
      if (embedded) out.push_back('"');
      AppendBase64(out, value.as_bytes());
      if (embedded) out.push_back('"');
      return;
    case Type::kArray: {
      const Schema* element = schema != nullptr ? schema->value_schema().get() : nullptr;
      out.push_back('[');
      bool first = true;
      for (const Value& item : value.as_array()) {
        if (!first) out.push_back(',');
        first = false;
        Append(out, element, item, true);
      }
      out.push_back(']');
      return;
    }
    case Type::kMap: {
      const Schema* key_schema = schema != nullptr ? schema->key_schema().get() : nullptr;
      const Schema* value_schema = schema != nullptr ? schema->value_schema().get() : nullptr;
      out.push_back('{');
      bool first = true;
      for (const auto& [key, item] : value.as_map()) {
        if (!first) out.push_back(',');
        first = false;
        Append(out, key_schema, key, true);
        out.push_back(':');
        Append(out, value_schema, item, true);
      }
      out.push_back('}');
      return;
    }
    case Type::kStruct: {
      const Struct& s = value.as_struct();
      out.push_back('{');
      bool first = true;
      for (const Field& field : s.schema()->fields()) {
        if (!first) out.push_back(',');
        first = false;
        AppendQuoted(out, field.name);
        out.push_back(':');
        Append(out, field.schema.get(), s.get(field), true);
      }
      out.push_back('}');
      return;
    }
  }
}

// ---- Parsing ------------------------------------------------------------------------------------

std::string_view JavaTrim(std::string_view s) {
  while (!s.empty() && static_cast<unsigned char>(s.front()) <= ' ') s.remove_prefix(1);
  while (!s.empty() && static_cast<unsigned char>(s.back()) <= ' ') s.remove_suffix(1);
  return s;
}

bool IsDelimiter(char c) {
  return c == ':' || c == ',' || c == '{' || c == '}' || c == '[' || c == ']' || c == '"';
}

// Kafka's Values.Parser.
class Tokenizer {
 public:
  explicit Tokenizer(std::string_view original) : s_(original) {}

  std::string_view original() const { return s_; }
  size_t position() const { return pos_; }
  size_t Mark() const { return pos_ - (next_ ? next_->size() : 0); }
  void RewindTo(size_t position) {
    pos_ = position;
    next_.reset();
    previous_.reset();
  }
  bool HasNext() const { return next_.has_value() || pos_ < s_.size(); }
  const std::optional<std::string_view>& previous() const { return previous_; }

  std::string_view Next() {
    if (next_) {
      previous_ = next_;
      next_.reset();
    } else {
      previous_ = Consume();
    }
    return *previous_;
  }

  // The text of the next `n` tokens, or std::nullopt (and no change) if there are fewer.
  std::optional<std::string_view> Next(int n) {
    const size_t start = Mark();
    for (int i = 0; i < n; ++i) {
      if (!HasNext()) {
        RewindTo(start);
        return std::nullopt;
      }
      Next();
    }
    return s_.substr(start, pos_ - start);
  }

  // Consumes the next token if, ignoring whitespace, it is `expected`.
  bool CanConsume(std::string_view expected) {
    if (!next_) {
      if (!HasNext()) return false;
      next_ = Consume();
    }
    while (JavaTrim(*next_).empty() && pos_ < s_.size()) next_ = Consume();
    if (JavaTrim(*next_) != expected) return false;
    next_.reset();
    return true;
  }

  // Skips to `position`, e.g. past a quoted string read directly from original().
  void SkipTo(size_t position) { RewindTo(position); }

 private:
  std::string_view Consume() {
    bool escaped = false;
    const size_t start = pos_;
    for (; pos_ < s_.size(); ++pos_) {
      const char c = s_[pos_];
      if (c == '\\') {
        escaped = !escaped;
      } else if (IsDelimiter(c) && !escaped) {
        if (start < pos_) return s_.substr(start, pos_ - start);
        ++pos_;
        return s_.substr(start, 1);
      } else {
        escaped = false;
      }
    }
    return s_.substr(start);
  }

  std::string_view s_;
  size_t pos_ = 0;
  std::optional<std::string_view> next_;
  std::optional<std::string_view> previous_;
};

struct Parsed {
  SchemaPtr schema;  // null for a schema-less array or map
  Value value;
};
using MaybeParsed = std::optional<Parsed>;  // std::nullopt is Kafka's null result

bool IsNumeric(Type t) { return t <= Type::kFloat64; }

// Values.SchemaMerger: the common schema of the values seen so far. Numbers widen (INT8 < INT16 <
// INT32 < INT64 < FLOAT32 < FLOAT64); other types must agree; once two values have no common
// schema, none is inferred any more. Nulls (and schema-less nested values) are skipped.
class SchemaMerger {
 public:
  void Merge(const MaybeParsed& latest) {
    if (!latest || latest->schema == nullptr || !compatible_) return;
    if (common_ == nullptr) {
      common_ = latest->schema;
      return;
    }
    const Type pt = common_->type(), nt = latest->schema->type();
    if (pt == nt) {
      common_ = latest->schema;  // both parsed schemas are required: Kafka keeps the newer one
    } else if (IsNumeric(pt) && IsNumeric(nt)) {
      if (nt > pt) common_ = latest->schema;
    } else {
      common_ = nullptr;
      compatible_ = false;
    }
  }
  const SchemaPtr& schema() const { return common_; }

 private:
  SchemaPtr common_;
  bool compatible_ = true;
};

// Java's (long) of a double: saturating, NaN to 0.
int64_t JavaLong(double d) {
  if (std::isnan(d)) return 0;
  if (d >= 9.2233720368547758e18) return std::numeric_limits<int64_t>::max();
  if (d <= -9.2233720368547758e18) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(d);
}

// Values.convertTo(target, null, value) for what alignment needs: numbers to numbers (Java casts)
// or logical int types, anything to STRING, numbers to BOOLEAN, equal schemas kept. A null fails:
// the common schema is required.
Value Align(const SchemaPtr& target, const MaybeParsed& element) {
  if (!element) throw DataError("Unable to convert a null value to a schema that requires a value");
  const Value& v = element->value;
  if (element->schema != nullptr && SchemaEquals(element->schema, target)) return v;
  if (target->type() == Type::kString && LogicalOf(*target) == LogicalType::kNone) {
    return ConvertToString(element->schema.get(), v);
  }
  const bool plain_number = element->schema != nullptr && element->schema->name().empty() &&
                            IsNumeric(element->schema->type());
  if (!plain_number) throw DataError("Unable to align a value with the common schema");
  double d = 0;
  int64_t l = 0;
  switch (*v.type()) {
    case Type::kInt8:
      l = v.as_int8();
      d = static_cast<double>(l);
      break;
    case Type::kInt16:
      l = v.as_int16();
      d = static_cast<double>(l);
      break;
    case Type::kInt32:
      l = v.as_int32();
      d = static_cast<double>(l);
      break;
    case Type::kInt64:
      l = v.as_int64();
      d = static_cast<double>(l);
      break;
    case Type::kFloat32:
      d = v.as_float32();
      l = JavaLong(d);
      break;
    default:
      d = v.as_float64();
      l = JavaLong(d);
      break;
  }
  switch (target->type()) {
    case Type::kInt8:
      return static_cast<int8_t>(l);
    case Type::kInt16:
      return static_cast<int16_t>(l);
    case Type::kInt32: {
      const auto i = static_cast<int32_t>(l);
      if (LogicalOf(*target) == LogicalType::kTime) Time::ToLogical(i);
      return i;
    }
    case Type::kInt64:
      return l;
    case Type::kFloat32:
      return static_cast<float>(d);
    case Type::kFloat64:
      return d;
    case Type::kBoolean:
      return l != 0;
    default:
      throw DataError("Unable to align a value with the common schema");
  }
}

MaybeParsed Parse(Tokenizer& p, bool embedded);
std::optional<Parsed> ParseTemporal(std::string text);

// A literal token that stands alone (top level) or is followed by anything (embedded).
bool CanParseSingleTokenLiteral(Tokenizer& p, bool embedded, std::string_view literal) {
  const size_t start = p.Mark();
  if (p.CanConsume(literal) && (embedded || !p.HasNext())) return true;
  p.RewindTo(start);
  return false;
}

// A quoted string; the opening quote is consumed. \" and \\ are unescaped.
MaybeParsed ParseQuoted(Tokenizer& p) {
  const std::string_view s = p.original();
  std::string content;
  size_t i = p.position();
  for (; i < s.size() && s[i] != '"'; ++i) {
    if (s[i] == '\\' && i + 1 < s.size() && (s[i + 1] == '"' || s[i + 1] == '\\')) ++i;
    content.push_back(s[i]);
  }
  p.SkipTo(i < s.size() ? i + 1 : i);
  // Quoted dates, times and timestamps keep their temporal type; anything else is a string.
  if (auto temporal = ParseTemporal(content)) return temporal;
  return Parsed{Schema::String(), std::move(content)};
}

Parsed ParseArray(Tokenizer& p) {
  std::vector<MaybeParsed> elements;
  SchemaMerger element_schema;
  while (p.HasNext()) {
    if (p.CanConsume("]")) {
      Value::Array values;
      values.reserve(elements.size());
      if (element_schema.schema() == nullptr) {  // Kafka's array-of-null schema: values as parsed
        for (MaybeParsed& e : elements) values.push_back(e ? std::move(e->value) : Value());
        return Parsed{nullptr, std::move(values)};
      }
      for (const MaybeParsed& e : elements) values.push_back(Align(element_schema.schema(), e));
      return Parsed{SchemaBuilder::array(element_schema.schema()).build(), std::move(values)};
    }
    if (p.CanConsume(",")) {
      throw DataError(StrCat("Unable to parse an empty array element: ", p.original()));
    }
    MaybeParsed element = Parse(p, true);
    element_schema.Merge(element);
    elements.push_back(std::move(element));
    const size_t position = p.Mark();
    if (p.CanConsume("]")) {
      p.RewindTo(position);
    } else if (!p.CanConsume(",")) {
      throw DataError("Array elements missing ',' delimiter");
    }
  }
  if (p.previous() == ",") {
    throw DataError(StrCat("Array is missing element after ',': ", p.original()));
  }
  throw DataError(StrCat("Array is missing terminating ']': ", p.original()));
}

Parsed ParseMap(Tokenizer& p) {
  std::vector<std::pair<Parsed, MaybeParsed>> entries;
  SchemaMerger key_schema, value_schema;
  while (p.HasNext()) {
    if (p.CanConsume("}")) {
      Value::Map map;
      map.reserve(entries.size());
      if (key_schema.schema() == nullptr || value_schema.schema() == nullptr) {
        // Kafka's map-of-null or map-with-null-values schemas: keys aligned, values as parsed.
        for (auto& [key, item] : entries) {
          Value k = key_schema.schema() != nullptr ? Align(key_schema.schema(), key)
                                                   : std::move(key.value);
          map.emplace_back(std::move(k), item ? std::move(item->value) : Value());
        }
        return Parsed{nullptr, std::move(map)};
      }
      for (const auto& [key, item] : entries) {
        map.emplace_back(Align(key_schema.schema(), key), Align(value_schema.schema(), item));
      }
      return Parsed{SchemaBuilder::map(key_schema.schema(), value_schema.schema()).build(),
                    std::move(map)};
    }
    if (p.CanConsume(",")) {
      throw DataError(StrCat("Unable to parse a map entry with no key or value: ", p.original()));
    }
    MaybeParsed key = Parse(p, true);
    if (!key || key->value.is_null()) {
      throw DataError(StrCat("Map entry may not have a null key: ", p.original()));
    }
    if (!p.CanConsume(":")) {
      throw DataError(StrCat("Map entry is missing ':' at ", std::to_string(p.position()), " in ",
                             p.original()));
    }
    MaybeParsed item = Parse(p, true);
    p.CanConsume(",");
    key_schema.Merge(key);
    value_schema.Merge(item);
    entries.emplace_back(std::move(*key), std::move(item));
  }
  if (p.previous() == ",") {
    throw DataError(StrCat("Map is missing element after ',': ", p.original()));
  }
  throw DataError(StrCat("Map is missing terminating '}': ", p.original()));
}

std::optional<Parsed> ParseTemporal(std::string text) {
  for (size_t at = text.find("\\:"); at != std::string::npos; at = text.find("\\:", at)) {
    text.erase(at, 1);  // escaped colons
  }
  if (text.size() == 13) {
    if (auto millis = ParseTime(text)) return Parsed{Time::schema(), static_cast<int32_t>(*millis)};
  } else if (text.size() == 24) {
    if (text[10] != 'T') return std::nullopt;
    const auto days = ParseDate(std::string_view(text).substr(0, 10));
    const auto millis = ParseTime(std::string_view(text).substr(11));
    if (days && millis) return Parsed{Timestamp::schema(), *days * kMillisPerDay + *millis};
  } else if (text.size() == 10) {
    if (auto days = ParseDate(text)) {
      if (*days >= std::numeric_limits<int32_t>::min() &&
          *days <= std::numeric_limits<int32_t>::max()) {
        return Parsed{Date::schema(), static_cast<int32_t>(*days)};
      }
    }
  }
  return std::nullopt;
}

// new BigDecimal(token) and the narrowest schema Kafka picks for it.
std::optional<Parsed> ParseNumber(std::string_view token) {
  size_t i = 0;
  const bool negative = token[0] == '-';
  if (token[0] == '-' || token[0] == '+') ++i;
  std::string digits;
  int64_t fraction_digits = 0;
  bool seen_digit = false, seen_point = false;
  for (; i < token.size(); ++i) {
    const char c = token[i];
    if (c >= '0' && c <= '9') {
      digits.push_back(c);
      seen_digit = true;
      if (seen_point) ++fraction_digits;
    } else if (c == '.' && !seen_point) {
      seen_point = true;
    } else {
      break;
    }
  }
  if (!seen_digit) return std::nullopt;
  int64_t exponent = 0;
  if (i < token.size() && (token[i] == 'e' || token[i] == 'E')) {
    ++i;
    const char* begin = token.data() + i + (i < token.size() && token[i] == '+' ? 1 : 0);
    const auto [end, error] = std::from_chars(begin, token.data() + token.size(), exponent);
    if (error != std::errc() || end == begin) return std::nullopt;
    i = static_cast<size_t>(end - token.data());
  }
  if (i != token.size()) return std::nullopt;
  const int64_t scale = fraction_digits - exponent;  // BigDecimal's scale
  if (scale < std::numeric_limits<int32_t>::min() || scale > std::numeric_limits<int32_t>::max()) {
    return std::nullopt;
  }
  // The integer value, when it is one: digits * 10^-scale without a fraction.
  std::string coefficient = digits;
  bool integral = true;
  if (scale > 0) {
    const size_t cut = coefficient.size() > static_cast<size_t>(scale)
                           ? coefficient.size() - static_cast<size_t>(scale)
                           : 0;
    integral = coefficient.find_first_not_of('0', cut) == std::string::npos;
    coefficient.resize(cut);
  } else if (scale < 0 && coefficient.find_first_not_of('0') != std::string::npos) {
    if (-scale > 40) {
      integral = false;  // beyond int64 anyway
    } else {
      coefficient.append(static_cast<size_t>(-scale), '0');
    }
  }
  if (integral) {
    const size_t nonzero = coefficient.find_first_not_of('0');
    const std::string magnitude = nonzero == std::string::npos ? "0" : coefficient.substr(nonzero);
    int64_t v = 0;
    const std::string text = negative ? "-" + magnitude : magnitude;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (error == std::errc() && end == text.data() + text.size()) {
      if (v >= -128 && v <= 127) return Parsed{Schema::Int8(), static_cast<int8_t>(v)};
      if (v >= -32768 && v <= 32767) return Parsed{Schema::Int16(), static_cast<int16_t>(v)};
      if (v >= std::numeric_limits<int32_t>::min() && v <= std::numeric_limits<int32_t>::max()) {
        return Parsed{Schema::Int32(), static_cast<int32_t>(v)};
      }
      return Parsed{Schema::Int64(), v};
    }
  }
  // Normalised for from_chars: no '+', a digit before the point.
  std::string normalised = negative ? "-" : "";
  std::string_view body = token.substr(token[0] == '-' || token[0] == '+' ? 1 : 0);
  if (body.front() == '.') normalised.push_back('0');
  normalised.append(body);
  if (scale != 0) {
    float f = 0;
    const auto [fend, ferror] =
        std::from_chars(normalised.data(), normalised.data() + normalised.size(), f);
    if (ferror == std::errc() && std::isfinite(f)) return Parsed{Schema::Float32(), f};
    double d = 0;
    const auto [dend, derror] =
        std::from_chars(normalised.data(), normalised.data() + normalised.size(), d);
    if (derror == std::errc() && std::isfinite(d)) return Parsed{Schema::Float64(), d};
  }
  const size_t nonzero = digits.find_first_not_of('0');
  const std::string unscaled = nonzero == std::string::npos ? "0" : digits.substr(nonzero);
  return Parsed{Decimal::schema(static_cast<int32_t>(scale)),
                Decimal::FromString(negative ? "-" + unscaled : unscaled, 0)};
}

MaybeParsed Parse(Tokenizer& p, bool embedded) {
  if (!p.HasNext()) return std::nullopt;
  if (embedded && p.CanConsume("\"")) return ParseQuoted(p);
  if (CanParseSingleTokenLiteral(p, embedded, "null")) return std::nullopt;
  if (CanParseSingleTokenLiteral(p, embedded, "true")) return Parsed{Schema::Boolean(), true};
  if (CanParseSingleTokenLiteral(p, embedded, "false")) return Parsed{Schema::Boolean(), false};
  const size_t start = p.Mark();
  try {
    if (p.CanConsume("[")) return ParseArray(p);
    if (p.CanConsume("{")) return ParseMap(p);
  } catch (const DataError&) {
    p.RewindTo(start);  // not an array or map after all: read it as a token
  }
  std::string_view token = p.Next();
  if (JavaTrim(token).empty()) return Parsed{Schema::String(), std::string(token)};
  token = JavaTrim(token);
  const char first = token.front();
  const bool digit = first >= '0' && first <= '9';
  if (digit) {
    // Times and timestamps span five tokens (':' is a delimiter); try them, then the one token.
    const size_t position = p.Mark();
    if (const auto rest = p.Next(4)) {
      if (auto temporal = ParseTemporal(StrCat(token, *rest))) return temporal;
    }
    p.RewindTo(position);
    if (auto temporal = ParseTemporal(std::string(token))) return temporal;
  }
  if (digit || first == '+' || first == '-') {
    if (auto number = ParseNumber(token)) return number;
  }
  if (embedded) throw DataError("Failed to parse embedded value");
  return Parsed{Schema::String(), std::string(p.original())};
}

}  // namespace

std::string FormatInstant(int64_t millis) {
  std::string out;
  const int64_t days = millis >= 0 ? millis / kMillisPerDay : -((-millis - 1) / kMillisPerDay) - 1;
  const int64_t millis_of_day = millis - days * kMillisPerDay;
  if (millis < kMillisPerDay) {
    AppendTime(out, millis_of_day);
  } else if (millis % kMillisPerDay == 0) {
    AppendDate(out, days);
  } else {
    AppendDate(out, days);
    out.push_back('T');
    AppendTime(out, millis_of_day);
  }
  return out;
}

std::string ConvertToString(const Schema* schema, const Value& value) {
  std::string out;
  Append(out, schema, value, false);
  return out;
}

SchemaAndValue ParseString(std::string_view text) {
  if (text.empty()) return {Schema::String(), std::string()};
  Tokenizer p(text);
  try {
    MaybeParsed parsed = Parse(p, false);
    // Kafka stops after the first value; text after it makes the whole a string here.
    if (p.HasNext() && !JavaTrim(text.substr(p.Mark())).empty()) {
      return {Schema::String(), std::string(text)};
    }
    if (!parsed) return {};
    return {std::move(parsed->schema), std::move(parsed->value)};
  } catch (const DataError&) {
    return {Schema::String(), std::string(text)};
  }
}

}  // namespace ck::runtime::converters_internal
