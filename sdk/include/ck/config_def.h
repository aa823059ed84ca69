/// @file
/// Configuration definitions (a port of Kafka's ConfigDef): typed keys with defaults, validators,
/// recommenders and documentation. ConfigDef parses string properties into typed values with
/// Kafka's rules and messages (Parse), collects every per-key error for the REST validate endpoint
/// (Validate), and describes its keys as JSON for plugin metadata and
/// GET /connector-plugins/{plugin}/config (ToJson).
///
/// @code
/// ConfigDef def;
/// def.define(ConfigDef::Key("topic", ConfigType::kString)
///                .importance(Importance::kHigh)
///                .doc("Topic to write to.")
///                .validator(NonEmptyString()))
///    .define(ConfigDef::Key("batch.size", ConfigType::kInt)
///                .default_value(100)
///                .validator(Range::Between(1, 10000))
///                .doc("Records per batch."));
/// ParsedConfig config = def.Parse(props);  // throws ConfigError
/// int32_t batch = std::get<int32_t>(config.at("batch.size"));
/// @endcode

#pragma once

#include <regex.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "ck/errors.h"

namespace ck {

/// A configuration as Kafka Connect passes it around: key to string value.
using ConfigMap = std::map<std::string, std::string>;

/// The type of a configuration value (Kafka's ConfigDef.Type).
enum class ConfigType {
  kBoolean,   ///< "true" or "false", case-insensitive; parsed as bool.
  kString,    ///< A string, trimmed; parsed as std::string.
  kInt,       ///< A 32-bit integer; parsed as int32_t.
  kShort,     ///< A 16-bit integer; parsed as int16_t.
  kLong,      ///< A 64-bit integer; parsed as int64_t.
  kDouble,    ///< A double; parsed as double.
  kList,      ///< A comma-separated list; parsed as std::vector<std::string>.
  kClass,     ///< A class (plugin) name; parsed as std::string.
  kPassword,  ///< A secret; parsed as Password, shown as "[hidden]".
};

/// Kafka's name of `type`: "BOOLEAN", "STRING", "INT", "SHORT", "LONG", "DOUBLE", "LIST", "CLASS"
/// or "PASSWORD".
constexpr std::string_view ConfigTypeName(ConfigType type) {
  constexpr std::string_view kNames[] = {"BOOLEAN", "STRING", "INT",   "SHORT",   "LONG",
                                         "DOUBLE",  "LIST",   "CLASS", "PASSWORD"};
  return kNames[static_cast<size_t>(type)];
}

/// How much a user is likely to need to set a key (Kafka's ConfigDef.Importance).
enum class Importance {
  kHigh,    ///< "HIGH"
  kMedium,  ///< "MEDIUM"
  kLow,     ///< "LOW"
};

/// Kafka's name of `importance`: "HIGH", "MEDIUM" or "LOW".
constexpr std::string_view ImportanceName(Importance importance) {
  constexpr std::string_view kNames[] = {"HIGH", "MEDIUM", "LOW"};
  return kNames[static_cast<size_t>(importance)];
}

/// The display width of a value in UIs (Kafka's ConfigDef.Width).
enum class Width {
  kNone,    ///< "NONE"
  kShort,   ///< "SHORT"
  kMedium,  ///< "MEDIUM"
  kLong,    ///< "LONG"
};

/// Kafka's name of `width`: "NONE", "SHORT", "MEDIUM" or "LONG".
constexpr std::string_view WidthName(Width width) {
  constexpr std::string_view kNames[] = {"NONE", "SHORT", "MEDIUM", "LONG"};
  return kNames[static_cast<size_t>(width)];
}

/// A secret configuration value (Kafka's Password). Every string form of it, including streaming
/// it, is "[hidden]"; only value() reveals the secret.
class Password {
 public:
  /// What a password shows instead of its value.
  static constexpr std::string_view kHidden = "[hidden]";

  /// Wraps the secret `value`.
  explicit Password(std::string value) : value_(std::move(value)) {}

  /// The secret itself. Never log it.
  const std::string& value() const { return value_; }
  /// "[hidden]".
  std::string ToString() const { return std::string(kHidden); }

  /// Equal when the secrets are equal.
  friend bool operator==(const Password& a, const Password& b) = default;
  /// Writes "[hidden]".
  friend std::ostream& operator<<(std::ostream& os, const Password&) { return os << kHidden; }

 private:
  std::string value_;
};

/// A parsed configuration value: std::monostate for null (a key whose default is null), else the
/// alternative matching the key's ConfigType (STRING and CLASS are both std::string).
using ConfigValueT = std::variant<std::monostate, bool, int32_t, int16_t, int64_t, double,
                                  std::string, std::vector<std::string>, Password>;

/// Parsed configuration: every defined key to its value.
using ParsedConfig = std::map<std::string, ConfigValueT>;

/// The string form of a parsed value, as Kafka's ConfigDef.convertToString: std::nullopt for null,
/// "[hidden]" for any value of a PASSWORD key (whatever alternative holds it), LIST joined with ","
/// and no spaces, doubles as Java prints them ("1.0", "1.0E10"). This is the masking helper: use it
/// whenever a value leaves the process (REST, logs).
std::optional<std::string> ConvertToString(const ConfigValueT& value, ConfigType type);

/// Checks a single configuration value (Kafka's ConfigDef.Validator).
class Validator {
 public:
  virtual ~Validator() = default;
  /// Throws ConfigError ("Invalid value <value> for configuration <name>: <reason>") unless
  /// `value` is acceptable for the key called `name`. `value` is null (std::monostate) for a
  /// missing key; Kafka's validators treat null as documented for each.
  virtual void EnsureValid(const std::string& name, const ConfigValueT& value) const = 0;
  /// A human description of the accepted values, e.g. "[1,...]" or "[a, b]", shown in docs.
  virtual std::string ToString() const = 0;
};

/// Shared, immutable validator handle.
using ValidatorPtr = std::shared_ptr<const Validator>;

/// A validator from a function that throws ConfigError for a bad value, and its `description`
/// (Kafka's LambdaValidator.with).
ValidatorPtr LambdaValidator(
    std::function<void(const std::string& name, const ConfigValueT& value)> check,
    std::string description);

/// Numeric range validators (Kafka's Range), for INT, SHORT, LONG and DOUBLE keys. Null fails
/// ("Value must be non-null").
struct Range final {
  Range() = delete;

  /// Accepts values >= `min`; described as "[min,...]".
  template <typename Min>
  static ValidatorPtr AtLeast(Min min) {
    return Make(MakeBound(min), std::nullopt);
  }
  /// Accepts values in [`min`, `max`]; described as "[min,...,max]".
  template <typename Min, typename Max>
  static ValidatorPtr Between(Min min, Max max) {
    return Make(MakeBound(min), MakeBound(max));
  }

 private:
  struct Bound {
    double value;
    std::string text;  // as Java prints the bound
  };
  template <typename N>
  static Bound MakeBound(N n);
  static ValidatorPtr Make(Bound min, std::optional<Bound> max);
};

/// Validators of a STRING key against a fixed set (Kafka's ValidString).
struct ValidString final {
  ValidString() = delete;
  /// Accepts exactly one of `valid` (null fails); described as "[a, b]".
  static ValidatorPtr In(std::vector<std::string> valid);
};

/// Validators of a STRING key against a fixed set, ignoring ASCII case (Kafka's
/// CaseInsensitiveValidString).
struct CaseInsensitiveValidString final {
  CaseInsensitiveValidString() = delete;
  /// Accepts one of `valid` in any case (null fails); described as "(case insensitive) [A, B]".
  static ValidatorPtr In(std::vector<std::string> valid);
};

/// Validators of a LIST key's elements against a fixed set (Kafka's ValidList).
struct ValidList final {
  ValidList() = delete;
  /// Accepts lists whose every element is one of `valid` (null passes); described as "[a, b]".
  static ValidatorPtr In(std::vector<std::string> valid);
};

/// Rejects the empty string; null passes. Described as "non-empty string".
ValidatorPtr NonEmptyString();

/// Rejects the empty string and strings with ISO control characters (U+0000-U+001F,
/// U+007F-U+009F); null passes. Described as "non-empty string without ISO control characters".
ValidatorPtr NonEmptyStringWithoutControlChars();

/// Accepts strings that match `pattern` as a whole, in POSIX extended syntax (e.g.
/// `[a-z]+(-[a-z]+)*`); null passes. Described as "string matching the regular expression
/// <pattern>".
/// Throws ConfigError if `pattern` is invalid.
ValidatorPtr RegexValidator(std::string pattern);

/// Runs each of `validators` in order (Kafka's CompositeValidator.of); described by joining their
/// descriptions with ", ".
ValidatorPtr CompositeValidator(std::vector<ValidatorPtr> validators);

/// Suggests values and visibility of a key from the other keys' values (Kafka's
/// ConfigDef.Recommender); consulted by ConfigDef::Validate.
class Recommender {
 public:
  virtual ~Recommender() = default;
  /// The values to offer for the key called `name` given the `parsed` configuration. May throw
  /// ConfigError, which Validate records as an error of that key.
  virtual std::vector<ConfigValueT> valid_values(const std::string& name,
                                                 const ParsedConfig& parsed) const = 0;
  /// Whether the key called `name` applies given the `parsed` configuration.
  virtual bool visible(const std::string& name, const ParsedConfig& parsed) const = 0;
};

/// Shared, immutable recommender handle.
using RecommenderPtr = std::shared_ptr<const Recommender>;

/// The definition of one configuration key (Kafka's ConfigDef.ConfigKey). Build it with
/// ConfigDef::Key.
struct ConfigKey {
  std::string name;                             ///< The key.
  ConfigType type = ConfigType::kString;        ///< The value type.
  std::optional<ConfigValueT> default_value;    ///< Parsed default; std::nullopt = required.
  ValidatorPtr validator;                       ///< May be null.
  Importance importance = Importance::kMedium;  ///< How likely users need to set it.
  std::string documentation;                    ///< What the key does.
  std::string group;                            ///< UI group; empty = none.
  int32_t order_in_group = -1;                  ///< Position within the group; -1 = unordered.
  Width width = Width::kNone;                   ///< UI display width.
  std::string display_name;                     ///< UI label; the name unless set.
  std::vector<std::string> dependents;          ///< Keys whose recommendations depend on this one.
  RecommenderPtr recommender;                   ///< May be null.
};

/// The validation result of one key (Kafka's ConfigValue), as returned by ConfigDef::Validate.
struct ConfigValue {
  std::string name;  ///< The key.
  /// The parsed value, or null when it is missing or did not parse. PASSWORD keys hold a Password
  /// (or null): pass the value through ConvertToString before showing it.
  ConfigValueT value;
  std::vector<ConfigValueT> recommended_values;  ///< From the key's recommender, if any.
  std::vector<std::string> errors;               ///< Every problem found; empty = valid.
  bool visible = true;                           ///< From the key's recommender, if any.
};

/// A set of configuration key definitions (Kafka's ConfigDef), in definition order.
class ConfigDef {
 public:
  /// Fluent definition of one key, passed to define(). Unset attributes are as in Kafka's short
  /// define() overloads: required (no default value), no validator, no group, order -1, width
  /// NONE, display name = the key name, no dependents, no recommender; importance is MEDIUM.
  class Key {
   public:
    /// A key called `name` of `type`.
    Key(std::string name, ConfigType type) {
      key_.name = std::move(name);
      key_.type = type;
    }
    /// Makes the key optional with this default: a value of the key's type, or a string parsed
    /// as the key's type (like a property value). Integers of any width are accepted for INT,
    /// SHORT and LONG when in range, and any number for DOUBLE.
    Key& default_value(ConfigValueT value) {
      key_.default_value = std::move(value);
      return *this;
    }
    /// Makes the key optional with a null default (Kafka's `null` default), e.g.
    /// `.default_value(nullptr)`.
    template <std::same_as<std::nullptr_t> Null>
    Key& default_value(Null) {
      key_.default_value = ConfigValueT();
      return *this;
    }
    /// Sets the validator, which also checks the default value at define().
    Key& validator(ValidatorPtr validator) {
      key_.validator = std::move(validator);
      return *this;
    }
    /// Sets the importance.
    Key& importance(Importance importance) {
      key_.importance = importance;
      return *this;
    }
    /// Sets the documentation.
    Key& doc(std::string documentation) {
      key_.documentation = std::move(documentation);
      return *this;
    }
    /// Sets the UI group.
    Key& group(std::string group) {
      key_.group = std::move(group);
      return *this;
    }
    /// Sets the position within the group.
    Key& order_in_group(int32_t order) {
      key_.order_in_group = order;
      return *this;
    }
    /// Sets the UI width.
    Key& width(Width width) {
      key_.width = width;
      return *this;
    }
    /// Sets the UI label.
    Key& display_name(std::string display_name) {
      key_.display_name = std::move(display_name);
      return *this;
    }
    /// Sets the keys whose recommendations depend on this one.
    Key& dependents(std::vector<std::string> dependents) {
      key_.dependents = std::move(dependents);
      return *this;
    }
    /// Sets the recommender.
    Key& recommender(RecommenderPtr recommender) {
      key_.recommender = std::move(recommender);
      return *this;
    }

   private:
    friend class ConfigDef;
    ConfigKey key_;
  };

  /// Adds a key. Throws ConfigError if the name is already defined ("Configuration <name> is
  /// defined twice."), or the default value does not parse as the key's type or fails the
  /// validator.
  ConfigDef& define(Key key);

  /// The keys, in definition order.
  const std::vector<ConfigKey>& keys() const { return keys_; }
  /// The key names, in definition order.
  std::vector<std::string> names() const;
  /// The key called `name`, or nullptr. The pointer is valid until the next define().
  const ConfigKey* find(std::string_view name) const;

  /// Parses `props` (Kafka's ConfigDef.parse): every defined key to its parsed value or default.
  /// Keys of `props` that are not defined are ignored (see UnknownKeys). Throws ConfigError for
  /// the first bad value ("Invalid value <v> for configuration <name>: <reason>"), missing
  /// required key ("Missing required configuration \"<name>\" which has no default value.") or
  /// undefined dependent.
  ParsedConfig Parse(const std::map<std::string, std::string>& props) const;

  /// Validates `props` without throwing for bad values (Kafka's ConfigDef.validate): one
  /// ConfigValue per defined key, in definition order, carrying every parse, missing-key,
  /// validator and recommender error of that key, then one per undefined dependent.
  std::vector<ConfigValue> Validate(const std::map<std::string, std::string>& props) const;

  /// The keys of `props` that are not defined, in `props` order.
  std::vector<std::string> UnknownKeys(const std::map<std::string, std::string>& props) const;

  /// Every key as a JSON array in definition order. Each element has exactly the fields of
  /// Kafka's ConfigKeyInfo (GET /connector-plugins/{plugin}/config): "name", "type" ("STRING"...),
  /// "required", "default_value" (ConvertToString of the default, or null), "importance"
  /// ("HIGH"...), "documentation", "group" (null when none), "order", "width" ("NONE"...),
  /// "display_name", "dependents"; plus "validator" (its ToString(), or null), which Kafka's REST
  /// response does not have and the REST layer drops.
  nlohmann::json ToJson() const;

  /// Parses one value as `type` for the key called `name`, as Kafka's ConfigDef.parseType: a
  /// string is trimmed and parsed (BOOLEAN true/false ignoring case, INT/SHORT/LONG/DOUBLE as Java
  /// parses them and range-checked, LIST split on commas with surrounding whitespace removed and
  /// "" giving an empty list, PASSWORD wrapped); a typed value is checked and converted (see
  /// Key::default_value); null stays null. Throws ConfigError naming the key and the value.
  static ConfigValueT ParseType(const std::string& name, const ConfigValueT& value,
                                ConfigType type);

 private:
  static ConfigValueT ParseString(const std::string& name, const std::string& text,
                                  ConfigType type);
  ConfigValueT Resolve(const ConfigKey& key, const std::map<std::string, std::string>& props) const;
  std::vector<std::string> UndefinedDependents() const;

  std::vector<ConfigKey> keys_;
  std::map<std::string, size_t, std::less<>> index_;  // name -> position in keys_
};

/// Implementation details of config_def.h; not part of the API.
namespace config_internal {

/// `s` without the leading and trailing characters for which `strip` is true.
template <typename Strip>
std::string_view TrimIf(std::string_view s, Strip strip) {
  while (!s.empty() && strip(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && strip(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

/// Java's String.trim(): strips characters <= ' '.
inline std::string_view JavaTrim(std::string_view s) {
  return TrimIf(s, [](unsigned char c) { return c <= ' '; });
}

/// `parts` joined with `separator`.
inline std::string Join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out.append(separator);
    out.append(parts[i]);
  }
  return out;
}

/// Java's Double.toString(): "1.0", "0.001", "1.0E7", "1.0E-4", "NaN", "Infinity".
inline std::string FormatDouble(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  if (d == 0) return std::signbit(d) ? "-0.0" : "0.0";
  const double magnitude = std::fabs(d);
  // The shortest round-trip digits and the decimal exponent, read from e.g. "1.25e+05".
  char buf[32];
  const char* end =
      std::to_chars(buf, buf + sizeof buf, magnitude, std::chars_format::scientific).ptr;
  const std::string_view sci(buf, static_cast<size_t>(end - buf));
  const size_t e = sci.find('e');
  std::string digits(1, sci[0]);
  if (e > 1) digits.append(sci.substr(2, e - 2));
  int exponent = 0;
  std::from_chars(sci.data() + e + 2, end, exponent);
  if (sci[e + 1] == '-') exponent = -exponent;
  const std::string sign = d < 0 ? "-" : "";
  if (magnitude < 1e-3 || magnitude >= 1e7) {
    return sign + digits[0] + "." + (digits.size() > 1 ? digits.substr(1) : "0") + "E" +
           std::to_string(exponent);
  }
  if (exponent < 0) {
    return sign + "0." + std::string(static_cast<size_t>(-exponent - 1), '0') + digits;
  }
  const size_t int_digits = static_cast<size_t>(exponent) + 1;
  digits.resize(std::max(digits.size(), int_digits + 1), '0');  // at least one fraction digit
  return sign + digits.substr(0, int_digits) + "." + digits.substr(int_digits);
}

/// A number as Java prints it: integers plainly, floating point as FormatDouble.
template <typename N>
std::string FormatNumber(N n) {
  if constexpr (std::is_floating_point_v<N>) {
    return FormatDouble(static_cast<double>(n));
  } else {
    return std::to_string(n);
  }
}

/// A value as Java's toString() prints it, for messages: "null", "true", "42", "1.5", "[a, b]",
/// "[hidden]".
inline std::string ToDisplayString(const ConfigValueT& value) {
  return std::visit(
      [](const auto& v) -> std::string {
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, std::monostate>) {
          return "null";
        } else if constexpr (std::is_same_v<V, bool>) {
          return v ? "true" : "false";
        } else if constexpr (std::is_same_v<V, std::string>) {
          return v;
        } else if constexpr (std::is_same_v<V, std::vector<std::string>>) {
          return "[" + Join(v, ", ") + "]";
        } else if constexpr (std::is_same_v<V, Password>) {
          return v.ToString();
        } else {
          return FormatNumber(v);
        }
      },
      value);
}

/// The integer held by `value` (any integer alternative), if any.
inline std::optional<int64_t> AsInteger(const ConfigValueT& value) {
  if (const auto* v = std::get_if<int16_t>(&value)) return *v;
  if (const auto* v = std::get_if<int32_t>(&value)) return *v;
  if (const auto* v = std::get_if<int64_t>(&value)) return *v;
  return std::nullopt;
}

/// The number held by `value` (any numeric alternative), if any.
inline std::optional<double> AsNumber(const ConfigValueT& value) {
  if (const auto* v = std::get_if<double>(&value)) return *v;
  if (const auto integer = AsInteger(value)) return static_cast<double>(*integer);
  return std::nullopt;
}

/// Java's Integer/Short/Long.parseInt: optional sign, decimal digits, in range; else nullopt.
template <typename Int>
std::optional<Int> ParseInteger(std::string_view s) {
  if (s.size() > 1 && s[0] == '+' && s[1] != '-') s.remove_prefix(1);
  Int value{};
  const auto [end, error] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (error != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return value;
}

/// Java's Double.parseDouble on a trimmed string: optional sign, decimal digits with optional
/// fraction and exponent and an optional f/F/d/D suffix, or "NaN" / "Infinity"; else nullopt.
inline std::optional<double> ParseDouble(std::string_view s) {
  const bool negative = !s.empty() && s[0] == '-';
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  if (s == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (s == "Infinity") return negative ? -HUGE_VAL : HUGE_VAL;
  if (!s.empty() && std::strchr("fFdD", s.back()) != nullptr) s.remove_suffix(1);
  if (s.empty() || !(std::isdigit(static_cast<unsigned char>(s[0])) || s[0] == '.')) {
    return std::nullopt;
  }
  double value = 0;
  const auto [end, error] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (error != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return negative ? -value : value;
}

/// Kafka's LIST parsing of a trimmed string: split on `\s*,\s*`, keeping empty elements; "" gives
/// an empty list.
inline std::vector<std::string> SplitList(std::string_view s) {
  std::vector<std::string> out;
  if (s.empty()) return out;
  const auto is_space = [](unsigned char c) { return std::strchr(" \t\n\v\f\r", c) != nullptr; };
  while (true) {
    const size_t comma = s.find(',');
    out.emplace_back(TrimIf(s.substr(0, comma), is_space));
    if (comma == std::string_view::npos) return out;
    s.remove_prefix(comma + 1);
  }
}

/// `s` in ASCII upper case.
inline std::string ToUpper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

/// The string a string validator checks: nullptr for null, the text of a string or Password.
/// Throws ConfigError for any other type.
inline const std::string* StringOrNull(const std::string& name, const ConfigValueT& value) {
  if (std::holds_alternative<std::monostate>(value)) return nullptr;
  if (const auto* s = std::get_if<std::string>(&value)) return s;
  if (const auto* p = std::get_if<Password>(&value)) return &p->value();
  throw ConfigError(name, ToDisplayString(value), "Value must be a string");
}

/// The validator behind LambdaValidator and every built-in validator.
class FunctionValidator final : public Validator {
 public:
  /// A validator running `check`, described by `description`.
  FunctionValidator(std::function<void(const std::string&, const ConfigValueT&)> check,
                    std::string description)
      : check_(std::move(check)), description_(std::move(description)) {}
  /// Runs the check function.
  void EnsureValid(const std::string& name, const ConfigValueT& value) const override {
    check_(name, value);
  }
  /// The description.
  std::string ToString() const override { return description_; }

 private:
  std::function<void(const std::string&, const ConfigValueT&)> check_;
  std::string description_;
};

}  // namespace config_internal

inline std::optional<std::string> ConvertToString(const ConfigValueT& value, ConfigType type) {
  if (std::holds_alternative<std::monostate>(value)) return std::nullopt;
  if (type == ConfigType::kPassword) return std::string(Password::kHidden);
  if (const auto* list = std::get_if<std::vector<std::string>>(&value)) {
    return config_internal::Join(*list, ",");
  }
  return config_internal::ToDisplayString(value);
}

// ---- Validators ----

inline ValidatorPtr LambdaValidator(
    std::function<void(const std::string& name, const ConfigValueT& value)> check,
    std::string description) {
  return std::make_shared<config_internal::FunctionValidator>(std::move(check),
                                                              std::move(description));
}

template <typename N>
Range::Bound Range::MakeBound(N n) {
  static_assert(std::is_arithmetic_v<N> && !std::is_same_v<N, bool>, "Range bounds are numbers");
  return Bound{static_cast<double>(n), config_internal::FormatNumber(n)};
}

inline ValidatorPtr Range::Make(Bound min, std::optional<Bound> max) {
  std::string description =
      max ? "[" + min.text + ",...," + max->text + "]" : "[" + min.text + ",...]";
  return LambdaValidator(
      [min = std::move(min), max = std::move(max)](const std::string& name,
                                                   const ConfigValueT& value) {
        const std::string shown = config_internal::ToDisplayString(value);
        if (std::holds_alternative<std::monostate>(value)) {
          throw ConfigError(name, shown, "Value must be non-null");
        }
        const std::optional<double> number = config_internal::AsNumber(value);
        if (!number) throw ConfigError(name, shown, "Value must be a number");
        if (*number < min.value) {
          throw ConfigError(name, shown, "Value must be at least " + min.text);
        }
        if (max && *number > max->value) {
          throw ConfigError(name, shown, "Value must be no more than " + max->text);
        }
      },
      std::move(description));
}

inline ValidatorPtr ValidString::In(std::vector<std::string> valid) {
  const std::string joined = config_internal::Join(valid, ", ");
  return LambdaValidator(
      [valid = std::move(valid), joined](const std::string& name, const ConfigValueT& value) {
        const auto* s = std::get_if<std::string>(&value);
        if (s == nullptr || std::find(valid.begin(), valid.end(), *s) == valid.end()) {
          throw ConfigError(name, config_internal::ToDisplayString(value),
                            "String must be one of: " + joined);
        }
      },
      "[" + joined + "]");
}

inline ValidatorPtr CaseInsensitiveValidString::In(std::vector<std::string> valid) {
  for (std::string& s : valid) s = config_internal::ToUpper(std::move(s));
  const std::string joined = config_internal::Join(valid, ", ");
  return LambdaValidator(
      [valid = std::move(valid), joined](const std::string& name, const ConfigValueT& value) {
        const auto* s = std::get_if<std::string>(&value);
        if (s == nullptr ||
            std::find(valid.begin(), valid.end(), config_internal::ToUpper(*s)) == valid.end()) {
          throw ConfigError(name, config_internal::ToDisplayString(value),
                            "String must be one of (case insensitive): " + joined);
        }
      },
      "(case insensitive) [" + joined + "]");
}

inline ValidatorPtr ValidList::In(std::vector<std::string> valid) {
  ValidatorPtr element = ValidString::In(std::move(valid));
  std::string description = element->ToString();
  return LambdaValidator(
      [element](const std::string& name, const ConfigValueT& value) {
        if (const auto* list = std::get_if<std::vector<std::string>>(&value)) {
          for (const std::string& s : *list) element->EnsureValid(name, s);
        }
      },
      std::move(description));
}

inline ValidatorPtr NonEmptyString() {
  return LambdaValidator(
      [](const std::string& name, const ConfigValueT& value) {
        const std::string* s = config_internal::StringOrNull(name, value);
        if (s != nullptr && s->empty()) {
          throw ConfigError(name, config_internal::ToDisplayString(value),
                            "String must be non-empty");
        }
      },
      "non-empty string");
}

inline ValidatorPtr NonEmptyStringWithoutControlChars() {
  return LambdaValidator(
      [](const std::string& name, const ConfigValueT& value) {
        const std::string* s = config_internal::StringOrNull(name, value);
        if (s == nullptr) return;
        const std::string shown = config_internal::ToDisplayString(value);
        if (s->empty()) throw ConfigError(name, shown, "String may not be empty");
        std::vector<std::string> found;  // code points, in decimal as Kafka lists them
        for (size_t i = 0; i < s->size(); ++i) {
          const auto c = static_cast<unsigned char>((*s)[i]);
          const auto next = i + 1 < s->size() ? static_cast<unsigned char>((*s)[i + 1]) : 0;
          if (c < 0x20 || c == 0x7F) {
            found.push_back(std::to_string(c));
          } else if (c == 0xC2 && next >= 0x80 && next <= 0x9F) {  // UTF-8 for U+0080-U+009F
            found.push_back(std::to_string(next));
            ++i;
          }
        }
        if (!found.empty()) {
          throw ConfigError(name, shown,
                            "String may not contain control sequences but had the following "
                            "ASCII chars: " +
                                config_internal::Join(found, ", "));
        }
      },
      "non-empty string without ISO control characters");
}

inline ValidatorPtr RegexValidator(std::string pattern) {
  // POSIX regex rather than std::regex, whose libstdc++ 12 implementation trips
  // -Wmaybe-uninitialized under -O1 with sanitizers in every plugin that would use it.
  auto compiled = std::make_unique<regex_t>();
  const std::string anchored = "^(" + pattern + ")$";
  if (const int error = regcomp(compiled.get(), anchored.c_str(), REG_EXTENDED | REG_NOSUB)) {
    char reason[256];
    regerror(error, compiled.get(), reason, sizeof reason);
    throw ConfigError("Invalid regular expression " + pattern + ": " + reason);
  }
  std::shared_ptr<const regex_t> regex(compiled.release(), [](regex_t* r) {
    regfree(r);
    delete r;
  });
  std::string description = "string matching the regular expression " + pattern;
  return LambdaValidator(
      [regex = std::move(regex), pattern = std::move(pattern)](const std::string& name,
                                                               const ConfigValueT& value) {
        const std::string* s = config_internal::StringOrNull(name, value);
        if (s != nullptr && regexec(regex.get(), s->c_str(), 0, nullptr, 0) != 0) {
          throw ConfigError(name, config_internal::ToDisplayString(value),
                            "String must match the regular expression " + pattern);
        }
      },
      std::move(description));
}

inline ValidatorPtr CompositeValidator(std::vector<ValidatorPtr> validators) {
  std::vector<std::string> descriptions;
  descriptions.reserve(validators.size());
  for (const ValidatorPtr& v : validators) descriptions.push_back(v->ToString());
  return LambdaValidator(
      [validators = std::move(validators)](const std::string& name, const ConfigValueT& value) {
        for (const ValidatorPtr& v : validators) v->EnsureValid(name, value);
      },
      config_internal::Join(descriptions, ", "));
}

// ---- ConfigDef ----

inline ConfigValueT ConfigDef::ParseString(const std::string& name, const std::string& text,
                                           ConfigType type) {
  const std::string_view trimmed = config_internal::JavaTrim(text);
  const auto not_a_number = [&] {
    return ConfigError(name, text,
                       errors_internal::StrCat("Not a number of type ", ConfigTypeName(type)));
  };
  switch (type) {
    case ConfigType::kBoolean: {
      const std::string upper = config_internal::ToUpper(std::string(trimmed));
      if (upper == "TRUE") return true;
      if (upper == "FALSE") return false;
      throw ConfigError(name, text, "Expected value to be either true or false");
    }
    case ConfigType::kPassword:
      return Password(std::string(trimmed));
    case ConfigType::kString:
    case ConfigType::kClass:
      return std::string(trimmed);
    case ConfigType::kInt:
      if (auto v = config_internal::ParseInteger<int32_t>(trimmed)) return *v;
      throw not_a_number();
    case ConfigType::kShort:
      if (auto v = config_internal::ParseInteger<int16_t>(trimmed)) return *v;
      throw not_a_number();
    case ConfigType::kLong:
      if (auto v = config_internal::ParseInteger<int64_t>(trimmed)) return *v;
      throw not_a_number();
    case ConfigType::kDouble:
      if (auto v = config_internal::ParseDouble(trimmed)) return *v;
      throw not_a_number();
    case ConfigType::kList:
      return config_internal::SplitList(trimmed);
  }
  throw ConfigError(name, text, "Unknown type");
}

inline ConfigValueT ConfigDef::ParseType(const std::string& name, const ConfigValueT& value,
                                         ConfigType type) {
  if (std::holds_alternative<std::monostate>(value)) return value;
  if (const auto* text = std::get_if<std::string>(&value)) return ParseString(name, *text, type);
  const auto in_range = [](int64_t v, auto limit) {
    return v >= std::numeric_limits<decltype(limit)>::min() &&
           v <= std::numeric_limits<decltype(limit)>::max();
  };
  const std::optional<int64_t> integer = config_internal::AsInteger(value);
  switch (type) {
    case ConfigType::kBoolean:
      if (std::holds_alternative<bool>(value)) return value;
      break;
    case ConfigType::kPassword:
      if (std::holds_alternative<Password>(value)) return value;
      break;
    case ConfigType::kList:
      if (std::holds_alternative<std::vector<std::string>>(value)) return value;
      break;
    case ConfigType::kInt:
      if (integer && in_range(*integer, int32_t{})) return static_cast<int32_t>(*integer);
      break;
    case ConfigType::kShort:
      if (integer && in_range(*integer, int16_t{})) return static_cast<int16_t>(*integer);
      break;
    case ConfigType::kLong:
      if (integer) return *integer;
      break;
    case ConfigType::kDouble:
      if (const auto number = config_internal::AsNumber(value)) return *number;
      break;
    case ConfigType::kString:
    case ConfigType::kClass:
      break;
  }
  throw ConfigError(name, config_internal::ToDisplayString(value),
                    errors_internal::StrCat("Expected value of type ", ConfigTypeName(type)));
}

inline ConfigDef& ConfigDef::define(Key key) {
  ConfigKey& k = key.key_;
  if (index_.count(k.name) != 0) {
    throw ConfigError("Configuration " + k.name + " is defined twice.");
  }
  if (k.display_name.empty()) k.display_name = k.name;
  if (k.default_value) {
    k.default_value = ParseType(k.name, *k.default_value, k.type);
    if (k.validator) k.validator->EnsureValid(k.name, *k.default_value);
  }
  index_.emplace(k.name, keys_.size());
  keys_.push_back(std::move(k));
  return *this;
}

inline std::vector<std::string> ConfigDef::names() const {
  std::vector<std::string> out;
  out.reserve(keys_.size());
  for (const ConfigKey& key : keys_) out.push_back(key.name);
  return out;
}

inline const ConfigKey* ConfigDef::find(std::string_view name) const {
  const auto it = index_.find(name);
  return it == index_.end() ? nullptr : &keys_[it->second];
}

inline ConfigValueT ConfigDef::Resolve(const ConfigKey& key,
                                       const std::map<std::string, std::string>& props) const {
  if (const auto it = props.find(key.name); it != props.end()) {
    return ParseString(key.name, it->second, key.type);
  }
  if (!key.default_value) {
    throw ConfigError("Missing required configuration \"" + key.name +
                      "\" which has no default value.");
  }
  return *key.default_value;
}

inline std::vector<std::string> ConfigDef::UndefinedDependents() const {
  std::vector<std::string> out;
  for (const ConfigKey& key : keys_) {
    for (const std::string& dependent : key.dependents) {
      if (index_.count(dependent) == 0 &&
          std::find(out.begin(), out.end(), dependent) == out.end()) {
        out.push_back(dependent);
      }
    }
  }
  return out;
}

inline ParsedConfig ConfigDef::Parse(const std::map<std::string, std::string>& props) const {
  if (const auto undefined = UndefinedDependents(); !undefined.empty()) {
    throw ConfigError("Some configurations are referred in the dependents, but not defined: " +
                      config_internal::Join(undefined, ","));
  }
  ParsedConfig parsed;
  for (const ConfigKey& key : keys_) {
    ConfigValueT value = Resolve(key, props);
    if (key.validator) key.validator->EnsureValid(key.name, value);
    parsed.emplace(key.name, std::move(value));
  }
  return parsed;
}

inline std::vector<ConfigValue> ConfigDef::Validate(
    const std::map<std::string, std::string>& props) const {
  // As Kafka: parse every key (a failed or missing one is null and still goes through its
  // validator), then consult recommenders with the whole parsed configuration.
  std::vector<ConfigValue> results;
  results.reserve(keys_.size());
  ParsedConfig parsed;
  for (const ConfigKey& key : keys_) {
    ConfigValue& result = results.emplace_back();
    result.name = key.name;
    try {
      result.value = Resolve(key, props);
    } catch (const ConfigError& e) {
      result.errors.emplace_back(e.what());
    }
    if (key.validator) {
      try {
        key.validator->EnsureValid(key.name, result.value);
      } catch (const ConfigError& e) {
        result.errors.emplace_back(e.what());
      }
    }
    parsed.emplace(key.name, result.value);
  }
  for (size_t i = 0; i < keys_.size(); ++i) {
    if (const RecommenderPtr& recommender = keys_[i].recommender) {
      try {
        results[i].recommended_values = recommender->valid_values(keys_[i].name, parsed);
        results[i].visible = recommender->visible(keys_[i].name, parsed);
      } catch (const ConfigError& e) {
        results[i].errors.emplace_back(e.what());
      }
    }
  }
  for (std::string& name : UndefinedDependents()) {
    std::string error = name + " is referred in the dependents, but not defined.";
    results.push_back(ConfigValue{std::move(name), {}, {}, {std::move(error)}, false});
  }
  return results;
}

inline std::vector<std::string> ConfigDef::UnknownKeys(
    const std::map<std::string, std::string>& props) const {
  std::vector<std::string> out;
  for (const auto& [name, value] : props) {
    if (index_.count(name) == 0) out.push_back(name);
  }
  return out;
}

inline nlohmann::json ConfigDef::ToJson() const {
  using nlohmann::json;
  const auto string_or_null = [](const std::optional<std::string>& s) {
    return s ? json(*s) : json(nullptr);
  };
  json out = json::array();
  for (const ConfigKey& key : keys_) {
    out.push_back({
        {"name", key.name},
        {"type", std::string(ConfigTypeName(key.type))},
        {"required", !key.default_value.has_value()},
        {"default_value",
         string_or_null(key.default_value ? ConvertToString(*key.default_value, key.type)
                                          : std::nullopt)},
        {"importance", std::string(ImportanceName(key.importance))},
        {"documentation", key.documentation},
        {"group",
         string_or_null(key.group.empty() ? std::nullopt : std::optional<std::string>(key.group))},
        {"order", key.order_in_group},
        {"width", std::string(WidthName(key.width))},
        {"display_name", key.display_name},
        {"dependents", key.dependents},
        {"validator",
         string_or_null(key.validator ? std::optional<std::string>(key.validator->ToString())
                                      : std::nullopt)},
    });
  }
  return out;
}

}  // namespace ck
