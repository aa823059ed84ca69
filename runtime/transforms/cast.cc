// Kafka's Cast transformation (see cast.h). Conversions follow Java: integer narrowing wraps,
// floating-point to integer saturates (NaN gives 0), booleans are 1/0 and non-zero, strings are
// parsed as Byte.parseByte ... Boolean.parseBoolean do, and values print as Java's toString (bytes
// as base64, Decimals as BigDecimal.toString, dates as Kafka's Values.dateFormatFor).
#include "runtime/transforms/cast.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <utility>
#include <vector>

namespace ck::runtime {
namespace {

using errors_internal::StrCat;
using transforms_internal::KeySide;
using transforms_internal::MapGet;
using transforms_internal::MapPut;
using transforms_internal::ValueSide;

template <typename Side>
std::string SmtName() {
  return Side::kName == KeySide::kName ? "Cast$Key" : "Cast$Value";
}

constexpr Type kOutputTypes[] = {Type::kInt8,    Type::kInt16,   Type::kInt32,   Type::kInt64,
                                 Type::kFloat32, Type::kFloat64, Type::kBoolean, Type::kString};

std::optional<Type> TypeFromName(std::string name) {
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (int i = 0; i <= static_cast<int>(Type::kStruct); ++i) {
    if (TypeName(static_cast<Type>(i)) == name) return static_cast<Type>(i);
  }
  return std::nullopt;
}

std::string Trim(const std::string& text) {
  const size_t first = text.find_first_not_of(" \t\n\r");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t\n\r") - first + 1);
}

// Java's (int) and (long) casts of a floating-point value: saturating, NaN -> 0.
template <typename Int>
Int SaturatingCast(double value) {
  if (std::isnan(value)) return 0;
  if (value <= static_cast<double>(std::numeric_limits<Int>::min())) {
    return std::numeric_limits<Int>::min();
  }
  if (value >= static_cast<double>(std::numeric_limits<Int>::max())) {
    return std::numeric_limits<Int>::max();
  }
  return static_cast<Int>(value);
}

// Java's Float.toString / Double.toString of `value` (shortest round-trip digits).
template <typename F>
std::string JavaFloatingToString(F value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  if (value == 0) return std::signbit(value) ? "-0.0" : "0.0";
  char buffer[64];
  const auto result =
      std::to_chars(buffer, buffer + sizeof(buffer), value, std::chars_format::scientific);
  std::string text(buffer, result.ptr);
  std::string out;
  if (text.front() == '-') {
    out.push_back('-');
    text.erase(0, 1);
  }
  const size_t e = text.find('e');
  const int exponent = std::atoi(text.c_str() + e + 1);
  std::string digits = text.substr(0, e);
  digits.erase(std::remove(digits.begin(), digits.end(), '.'), digits.end());
  if (exponent >= -3 && exponent < 7) {
    if (exponent < 0) {
      out.append("0.").append(static_cast<size_t>(-exponent - 1), '0').append(digits);
    } else {
      const size_t integer_digits = static_cast<size_t>(exponent) + 1;
      if (digits.size() < integer_digits) digits.append(integer_digits - digits.size(), '0');
      out.append(digits, 0, integer_digits).push_back('.');
      out.append(digits.size() > integer_digits ? digits.substr(integer_digits) : "0");
    }
  } else {
    out.push_back(digits[0]);
    out.push_back('.');
    out.append(digits.size() > 1 ? digits.substr(1) : "0");
    out.append("E").append(std::to_string(exponent));
  }
  return out;
}

std::string Base64(const Bytes& bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < bytes.size(); i += 3) {
    const uint32_t n = (uint32_t{bytes[i]} << 16) |
                       (i + 1 < bytes.size() ? uint32_t{bytes[i + 1]} << 8 : 0) |
                       (i + 2 < bytes.size() ? uint32_t{bytes[i + 2]} : 0);
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(i + 1 < bytes.size() ? kAlphabet[(n >> 6) & 63] : '=');
    out.push_back(i + 2 < bytes.size() ? kAlphabet[n & 63] : '=');
  }
  return out;
}

// A value's numeric reading: integers exactly, floating point as double.
struct Number {
  bool floating = false;
  int64_t integer = 0;
  double real = 0;
};

std::optional<Number> AsNumber(const Value& value) {
  switch (*value.type()) {
    case Type::kInt8:
      return Number{false, value.as_int8(), 0};
    case Type::kInt16:
      return Number{false, value.as_int16(), 0};
    case Type::kInt32:
      return Number{false, value.as_int32(), 0};
    case Type::kInt64:
      return Number{false, value.as_int64(), 0};
    case Type::kFloat32:
      return Number{true, 0, value.as_float32()};
    case Type::kFloat64:
      return Number{true, 0, value.as_float64()};
    case Type::kBoolean:
      return Number{false, value.as_boolean() ? 1 : 0, 0};
    default:
      return std::nullopt;
  }
}

constexpr int64_t kMillisPerDay = 86'400'000;

// Kafka's Values.dateFormatFor(date).format(date) in UTC: "HH:mm:ss.SSS'Z'" below one day after
// the epoch, "yyyy-MM-dd" on midnights, else "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'".
std::string FormatJavaDate(int64_t millis) {
  const int64_t days =
      millis >= 0 ? millis / kMillisPerDay : -((-millis + kMillisPerDay - 1) / kMillisPerDay);
  const int64_t of_day = millis - days * kMillisPerDay;
  char time[64];
  std::snprintf(time, sizeof time, "%02d:%02d:%02d.%03dZ", static_cast<int>(of_day / 3'600'000),
                static_cast<int>(of_day / 60'000 % 60), static_cast<int>(of_day / 1000 % 60),
                static_cast<int>(of_day % 1000));
  if (millis < kMillisPerDay) return time;
  const std::chrono::year_month_day date{std::chrono::sys_days(std::chrono::days(days))};
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  if (of_day == 0) return text;
  return StrCat(text, "T", time);
}

// Java's BigDecimal.toString(): plain notation when the scale is positive and the exponent not
// below -6, scientific ("1.23E+4") otherwise.
std::string JavaBigDecimalToString(const Bytes& unscaled, int32_t scale) {
  std::string digits = Decimal::ToString(unscaled, 0);
  const bool negative = digits.front() == '-';
  if (negative) digits.erase(0, 1);
  if (scale == 0) return negative ? "-" + digits : digits;
  const int64_t adjusted = -int64_t{scale} + static_cast<int64_t>(digits.size()) - 1;
  std::string out;
  if (scale > 0 && adjusted >= -6) {
    out = Decimal::ToString(unscaled, scale);
    return out;
  }
  out = digits.substr(0, 1);
  if (digits.size() > 1) out.append(".").append(digits.substr(1));
  out.append("E").append(adjusted >= 0 ? "+" : "").append(std::to_string(adjusted));
  return negative ? "-" + out : out;
}

// A Decimal cast as Kafka's Cast does with a BigDecimal: toString(), the Number narrowings (the
// integer part's low-order bits, as intValue()/longValue()), floatValue()/doubleValue(), and
// longValue() != 0 for booleans.
Value CastDecimal(const Bytes& unscaled, int32_t scale, Type target) {
  if (target == Type::kString) return JavaBigDecimalToString(unscaled, scale);
  const std::string plain = Decimal::ToString(unscaled, scale);
  if (target == Type::kFloat32) return std::strtof(plain.c_str(), nullptr);
  if (target == Type::kFloat64) return std::strtod(plain.c_str(), nullptr);
  // The integer part, truncated toward zero, modulo 2^64.
  const bool negative = plain.front() == '-';
  uint64_t low = 0;
  for (const char c : plain) {
    if (c == '.') break;
    if (c >= '0' && c <= '9') low = low * 10 + static_cast<uint64_t>(c - '0');
  }
  if (negative) low = 0 - low;
  const auto as_long = static_cast<int64_t>(low);
  switch (target) {
    case Type::kInt8:
      return static_cast<int8_t>(static_cast<int32_t>(as_long));
    case Type::kInt16:
      return static_cast<int16_t>(static_cast<int32_t>(as_long));
    case Type::kInt32:
      return static_cast<int32_t>(as_long);
    case Type::kInt64:
      return as_long;
    case Type::kBoolean:
      return as_long != 0;
    default:
      throw DataError(StrCat("Cannot cast a Decimal to ", TypeName(target)));
  }
}

}  // namespace

template <typename Side>
ConfigDef Cast<Side>::config() const {
  ConfigDef def;
  def.define(ConfigDef::Key("spec", ConfigType::kList)
                 .validator(transforms_internal::NonEmptyList())
                 .importance(Importance::kHigh)
                 .doc("List of fields and the type to cast them to of the form "
                      "field1:type,field2:type to cast fields of Maps or Structs. A single type "
                      "to cast the entire value. Valid types are int8, int16, int32, int64, "
                      "float32, float64, boolean, and string."))
      .define(transforms_internal::ReplaceNullWithDefaultKey());
  return def;
}

template <typename Side>
void Cast<Side>::configure(const ConfigMap& props) {
  const ParsedConfig config = this->config().Parse(props);
  const std::string smt = SmtName<Side>();
  const auto& spec = std::get<std::vector<std::string>>(config.at("spec"));
  whole_.reset();
  fields_.clear();
  const auto output_type = [&](const std::string& name) {
    const std::optional<Type> type = TypeFromName(Trim(name));
    if (!type) {
      throw ConfigError("spec", StrCat(Trim(name)),
                        StrCat(smt, ": Invalid type found in casting spec: ", Trim(name)));
    }
    if (std::find(std::begin(kOutputTypes), std::end(kOutputTypes), *type) ==
        std::end(kOutputTypes)) {
      throw ConfigError(
          "spec", Trim(name),
          StrCat(smt, ": Cast transformation does not support casting to ", TypeName(*type),
                 "; supported types are int8, int16, int32, int64, float32, "
                 "float64, boolean, string"));
    }
    return *type;
  };
  for (const std::string& mapping : spec) {
    const size_t colon = mapping.find(':');
    if (colon == std::string::npos) {
      whole_ = output_type(mapping);
    } else if (mapping.find(':', colon + 1) != std::string::npos) {
      throw ConfigError("spec", mapping, StrCat(smt, ": Invalid cast mapping: ", mapping));
    } else {
      fields_[Trim(mapping.substr(0, colon))] = output_type(mapping.substr(colon + 1));
    }
  }
  if (whole_ && spec.size() > 1) {
    throw ConfigError(StrCat(smt,
                             ": Cast transformations that specify a type to cast the entire value "
                             "to may only specify a single cast in their spec"));
  }
  replace_null_with_default_ = std::get<bool>(config.at("replace.null.with.default"));
}

template <typename Side>
Value Cast<Side>::CastValue(const std::string& what, const Schema* schema, const Value& value,
                            Type target) const {
  const std::string smt = SmtName<Side>();
  if (value.is_null()) return Value();
  if (schema != nullptr && schema->name() == Decimal::kLogicalName &&
      value.type() == Type::kBytes) {
    return CastDecimal(value.as_bytes(), Decimal::scale(*schema), target);
  }
  if (schema != nullptr && target == Type::kString) {
    // Kafka formats java.util.Date values with Values.dateFormatFor (in UTC here).
    if (schema->name() == Date::kLogicalName && value.type() == Type::kInt32) {
      return FormatJavaDate(int64_t{value.as_int32()} * kMillisPerDay);
    }
    if (schema->name() == Time::kLogicalName && value.type() == Type::kInt32) {
      return FormatJavaDate(value.as_int32());
    }
    if (schema->name() == Timestamp::kLogicalName && value.type() == Type::kInt64) {
      return FormatJavaDate(value.as_int64());
    }
  }
  // Other targets of Date, Time and Timestamp take their encoded value (days, milliseconds), as
  // Kafka's encodeLogicalType does: the int32 or int64 below.
  const Type source = *value.type();
  if (!IsPrimitive(source)) {
    throw DataError(StrCat(smt, ": Cast transformation does not support casting from ",
                           TypeName(source), " (", what, ")"));
  }
  const auto unexpected = [&] {
    return DataError(StrCat(smt, ": Unexpected type in Cast transformation: ", TypeName(source),
                            " cannot be cast to ", TypeName(target), " (", what, ")"));
  };
  if (target == Type::kString) {
    switch (source) {
      case Type::kString:
        return value;
      case Type::kBytes:
        return Base64(value.as_bytes());
      case Type::kBoolean:
        return value.as_boolean() ? "true" : "false";
      case Type::kFloat32:
        return JavaFloatingToString(value.as_float32());
      case Type::kFloat64:
        return JavaFloatingToString(value.as_float64());
      default:
        return std::to_string(AsNumber(value)->integer);
    }
  }
  std::optional<Number> number = AsNumber(value);
  if (!number && source == Type::kString) {
    const std::string& text = value.as_string();
    const auto bad = [&] {
      return DataError(StrCat(smt, ": Unable to cast string \"", text, "\" to ", TypeName(target),
                              " (", what, ")"));
    };
    if (target == Type::kBoolean) {
      std::string lower = text;
      std::transform(lower.begin(), lower.end(), lower.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      return lower == "true";
    }
    if (target == Type::kFloat32 || target == Type::kFloat64) {
      // Java's Float.parseFloat / Double.parseDouble: trimmed, optional sign, decimal or exponent
      // notation, an optional f/F/d/D suffix, NaN and Infinity.
      std::string trimmed = Trim(text);
      std::string_view body = trimmed;
      if (!body.empty() && (body.front() == '+' || body.front() == '-')) body.remove_prefix(1);
      double parsed = 0;
      if (body == "NaN") {
        parsed = std::nan("");
      } else if (body == "Infinity") {
        parsed = trimmed.front() == '-' ? -HUGE_VAL : HUGE_VAL;
      } else {
        if (!trimmed.empty() &&
            std::string_view("fFdD").find(trimmed.back()) != std::string::npos) {
          trimmed.pop_back();
        }
        if (trimmed.empty() || trimmed.find_first_not_of("0123456789.eE+-") != std::string::npos) {
          throw bad();
        }
        char* end = nullptr;
        parsed = std::strtod(trimmed.c_str(), &end);
        if (end != trimmed.c_str() + trimmed.size()) throw bad();
      }
      number = Number{true, 0, parsed};
    } else {
      std::string_view digits = text;
      if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
      int64_t parsed = 0;
      const auto [end, error] =
          std::from_chars(digits.data(), digits.data() + digits.size(), parsed);
      const int64_t min = target == Type::kInt8    ? std::numeric_limits<int8_t>::min()
                          : target == Type::kInt16 ? std::numeric_limits<int16_t>::min()
                          : target == Type::kInt32 ? std::numeric_limits<int32_t>::min()
                                                   : std::numeric_limits<int64_t>::min();
      const int64_t max = target == Type::kInt8    ? std::numeric_limits<int8_t>::max()
                          : target == Type::kInt16 ? std::numeric_limits<int16_t>::max()
                          : target == Type::kInt32 ? std::numeric_limits<int32_t>::max()
                                                   : std::numeric_limits<int64_t>::max();
      if (digits.empty() || error != std::errc() || end != digits.data() + digits.size() ||
          parsed < min || parsed > max) {
        throw bad();
      }
      number = Number{false, parsed, 0};
    }
  }
  if (!number) throw unexpected();
  const Number& n = *number;
  switch (target) {
    case Type::kInt8:
      return static_cast<int8_t>(n.floating ? SaturatingCast<int32_t>(n.real) : n.integer);
    case Type::kInt16:
      return static_cast<int16_t>(n.floating ? SaturatingCast<int32_t>(n.real) : n.integer);
    case Type::kInt32:
      return static_cast<int32_t>(n.floating ? SaturatingCast<int32_t>(n.real) : n.integer);
    case Type::kInt64:
      return n.floating ? SaturatingCast<int64_t>(n.real) : n.integer;
    case Type::kFloat32:
      return n.floating ? static_cast<float>(n.real) : static_cast<float>(n.integer);
    case Type::kFloat64:
      return n.floating ? n.real : static_cast<double>(n.integer);
    case Type::kBoolean:
      return n.floating ? SaturatingCast<int64_t>(n.real) != 0 : n.integer != 0;
    default:
      throw unexpected();
  }
}

template <typename Side>
SchemaPtr Cast<Side>::CastSchema(const Schema& schema, Type target) const {
  SchemaBuilder builder = SchemaBuilder::type(target);
  if (schema.optional()) builder.optional();
  if (schema.default_value() != nullptr) {
    builder.default_value(CastValue("default value", &schema, *schema.default_value(), target));
  }
  return builder.build();
}

template <typename Side>
std::optional<ConnectRecord> Cast<Side>::apply(ConnectRecord record) {
  const std::string smt = SmtName<Side>();
  const Value& value = Side::value(record);
  if (value.is_null()) return record;
  const SchemaPtr& schema = Side::schema(record);
  if (whole_) {
    SchemaPtr cast_schema = schema != nullptr ? CastSchema(*schema, *whole_) : nullptr;
    Value cast = CastValue(std::string(Side::kName), schema.get(), value, *whole_);
    Side::Set(record, std::move(cast_schema), std::move(cast));
    return record;
  }
  if (schema == nullptr) {
    const Value::Map& map = transforms_internal::RequireMap(smt, value, "cast types");
    Value::Map updated = map;
    for (const auto& [field, target] : fields_) {
      const Value* original = MapGet(map, field);
      MapPut(updated, field,
             CastValue(StrCat("field \"", field, "\""), nullptr,
                       original != nullptr ? *original : Value(), target));
    }
    Side::Set(record, nullptr, std::move(updated));
    return record;
  }
  const Struct& original = transforms_internal::RequireStruct(smt, value, "cast types");
  SchemaBuilder builder = transforms_internal::CopyStructBasics(*schema);
  for (const Field& field : schema->fields()) {
    const auto it = fields_.find(field.name);
    builder.field(field.name,
                  it == fields_.end() ? field.schema : CastSchema(*field.schema, it->second));
  }
  SchemaPtr updated_schema = builder.build();
  Struct updated(updated_schema);
  for (const Field& field : schema->fields()) {
    const Value& field_value =
        transforms_internal::FieldValue(original, field, replace_null_with_default_);
    const auto it = fields_.find(field.name);
    updated.put(field.name, it == fields_.end()
                                ? field_value
                                : CastValue(StrCat("field \"", field.name, "\""),
                                            field.schema.get(), field_value, it->second));
  }
  Side::Set(record, std::move(updated_schema), std::move(updated));
  return record;
}

template class Cast<KeySide>;
template class Cast<ValueSide>;

}  // namespace ck::runtime
