// Shared helpers of the built-in transformations (see transform_support.h).
#include "runtime/transforms/transform_support.h"

#include <algorithm>
#include <optional>
#include <utility>

namespace ck::runtime::transforms_internal {
namespace {

using errors_internal::StrCat;

std::string_view FoundType(const Value& value) { return value.type_name(); }

// Java's Matcher.appendReplacement over `replacement` with `groups` groups: appends the expansion
// to `out` (when not null) and returns an error message, or std::nullopt when it is well-formed.
std::optional<std::string> ExpandInto(std::string_view replacement, size_t groups,
                                      const std::vector<std::string>* captures, std::string* out) {
  for (size_t i = 0; i < replacement.size(); ++i) {
    const char c = replacement[i];
    if (c == '\\') {
      if (++i == replacement.size()) return "character to be escaped is missing";
      if (out != nullptr) out->push_back(replacement[i]);
    } else if (c == '$') {
      if (++i == replacement.size()) return "Illegal group reference: group index is missing";
      if (replacement[i] == '{') return "named groups (${name}) are not supported";
      if (replacement[i] < '0' || replacement[i] > '9') return "Illegal group reference";
      size_t group = static_cast<size_t>(replacement[i] - '0');
      if (group > groups) return StrCat("No group ", std::to_string(group));
      while (i + 1 < replacement.size() && replacement[i + 1] >= '0' && replacement[i + 1] <= '9') {
        const size_t longer = group * 10 + static_cast<size_t>(replacement[i + 1] - '0');
        if (longer > groups) break;
        group = longer;
        ++i;
      }
      if (out != nullptr && captures != nullptr) out->append((*captures)[group]);
    } else if (out != nullptr) {
      out->push_back(c);
    }
  }
  return std::nullopt;
}

}  // namespace

const Value::Map& RequireMap(std::string_view smt, const Value& value, std::string_view purpose) {
  if (value.type() != Type::kMap) {
    throw DataError(StrCat(smt, ": Only Map objects supported in absence of schema for [", purpose,
                           "], found: ", FoundType(value)));
  }
  return value.as_map();
}

const Struct& RequireStruct(std::string_view smt, const Value& value, std::string_view purpose) {
  if (value.type() != Type::kStruct) {
    throw DataError(StrCat(smt, ": Only Struct objects supported for [", purpose,
                           "], found: ", FoundType(value)));
  }
  return value.as_struct();
}

void NotAStruct(std::string_view smt, ValueView value, std::string_view purpose) {
  throw DataError(StrCat(smt, ": Only Struct objects supported for [", purpose,
                         "], found: ", value.type_name()));
}

std::vector<uint32_t> FieldsWithDefaults(SchemaView schema) {
  std::vector<uint32_t> out;
  for (size_t i = 0; i < schema.field_count(); ++i) {
    if (schema.field_schema(i).abi()->default_value != nullptr) {
      out.push_back(static_cast<uint32_t>(i));
    }
  }
  return out;
}

const Value* MapGet(const Value::Map& map, std::string_view name) {
  for (const auto& [key, value] : map) {
    if (key.type() == Type::kString && key.as_string() == name) return &value;
  }
  return nullptr;
}

void MapPut(Value::Map& map, std::string_view name, Value value) {
  for (auto& [key, existing] : map) {
    if (key.type() == Type::kString && key.as_string() == name) {
      existing = std::move(value);
      return;
    }
  }
  map.emplace_back(Value(name), std::move(value));
}

namespace {

void CopyBasics(const Schema& schema, SchemaBuilder& builder) {
  if (!schema.name().empty()) builder.name(schema.name());
  if (schema.version()) builder.version(*schema.version());
  if (!schema.doc().empty()) builder.doc(schema.doc());
  for (const std::string& key : schema.parameter_order()) {
    builder.parameter(key, schema.parameters().at(key));
  }
}

}  // namespace

SchemaBuilder CopyStructBasics(const Schema& schema) {
  SchemaBuilder builder = SchemaBuilder::struct_();
  CopyBasics(schema, builder);
  return builder;
}

SchemaBuilder CopySchema(const Schema& schema) {
  SchemaBuilder builder =
      schema.type() == Type::kArray ? SchemaBuilder::array(schema.value_schema())
      : schema.type() == Type::kMap ? SchemaBuilder::map(schema.key_schema(), schema.value_schema())
                                    : SchemaBuilder::type(schema.type());
  CopyBasics(schema, builder);
  if (schema.optional()) builder.optional();
  if (schema.default_value() != nullptr) builder.default_value(*schema.default_value());
  if (schema.type() == Type::kStruct) {
    for (const Field& field : schema.fields()) builder.field(field.name, field.schema);
  }
  return builder;
}

const Value& FieldValue(const Struct& s, const Field& field, bool replace_null_with_default) {
  return replace_null_with_default ? s.get(field) : s.get_without_default(field.name);
}

ValidatorPtr NonEmptyList() {
  return LambdaValidator(
      [](const std::string& name, const ConfigValueT& value) {
        const auto* list = std::get_if<std::vector<std::string>>(&value);
        if (list == nullptr || list->empty()) throw ConfigError(name, "[]", "Empty list");
      },
      "non-empty list");
}

// GCC 12 at -O1 with sanitizers reports a -Wmaybe-uninitialized false positive in the inlined
// std::variant move of ConfigDef::Key::default_value when the key is built in a helper that
// returns it; the value is fully constructed.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
ConfigDef::Key ReplaceNullWithDefaultKey() {
  ConfigDef::Key key("replace.null.with.default", ConfigType::kBoolean);
  key.default_value(ConfigValueT(true))
      .importance(Importance::kMedium)
      .doc(
          "Whether to replace fields that have a default value and that are null to the default "
          "value. When set to true, the default value is used, otherwise null is used.");
  return key;
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

PosixRegex::PosixRegex(const std::string& key, const std::string& pattern) {
  // Anchored and wrapped in one extra group so that regexec reports whole-string matches only;
  // group numbers seen by users are shifted back by one.
  const std::string anchored = "^(" + pattern + ")$";
  const int rc = regcomp(&compiled_, anchored.c_str(), REG_EXTENDED);
  if (rc != 0) {
    char message[256];
    regerror(rc, &compiled_, message, sizeof(message));
    regfree(&compiled_);
    throw ConfigError(key, pattern,
                      StrCat("Invalid regex (POSIX extended syntax expected): ", message));
  }
}

PosixRegex::~PosixRegex() { regfree(&compiled_); }

bool PosixRegex::FullMatch(const std::string& text, std::vector<std::string>* captures) const {
  std::vector<regmatch_t> matches(compiled_.re_nsub + 1);
  if (text.find('\0') != std::string::npos) return false;
  if (regexec(&compiled_, text.c_str(), matches.size(), matches.data(), 0) != 0) return false;
  if (matches[0].rm_so != 0 || static_cast<size_t>(matches[0].rm_eo) != text.size()) return false;
  if (captures != nullptr) {
    captures->clear();
    // matches[1] is the wrapping group (the whole text); user group n is matches[n + 1].
    for (size_t i = 1; i < matches.size(); ++i) {
      const regmatch_t& m = matches[i];
      captures->push_back(m.rm_so < 0 ? std::string()
                                      : text.substr(static_cast<size_t>(m.rm_so),
                                                    static_cast<size_t>(m.rm_eo - m.rm_so)));
    }
  }
  return true;
}

void PosixRegex::CheckReplacement(const std::string& key, const std::string& replacement) const {
  if (auto error = ExpandInto(replacement, groups(), nullptr, nullptr)) {
    throw ConfigError(key, replacement, *error);
  }
}

std::string PosixRegex::Expand(std::string_view replacement,
                               const std::vector<std::string>& captures) {
  std::string out;
  if (auto error = ExpandInto(replacement, captures.size() - 1, &captures, &out)) {
    throw DataError(StrCat("Invalid replacement ", replacement, ": ", *error));
  }
  return out;
}

}  // namespace ck::runtime::transforms_internal
