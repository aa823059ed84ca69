// Shared helpers of the built-in transformations (see transform_support.h).
#include "runtime/transforms/transform_support.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <utility>

#include "ck/internal/host.h"

namespace ck::runtime::transforms_internal {
namespace {

using errors_internal::StrCat;

std::string_view FoundType(const Value& value) { return value.type_name(); }

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

void Log(int32_t level, std::string_view message) {
  if (abi_internal::HostSlot() == nullptr) return;
  abi_internal::Host().log(nullptr, level, abi_internal::Str(message));
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

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const size_t first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

ValidatorPtr OneOf(const std::vector<std::string>& valid) {
  std::string joined;
  for (const std::string& v : valid) joined += (joined.empty() ? "" : ", ") + v;
  return LambdaValidator(
      [valid, joined](const std::string& name, const ConfigValueT& value) {
        const auto* text = std::get_if<std::string>(&value);
        if (text == nullptr) return;
        if (std::find(valid.begin(), valid.end(), Lower(*text)) == valid.end()) {
          throw ConfigError(name, *text, "Value must be one of " + joined);
        }
      },
      "one of " + joined);
}

}  // namespace ck::runtime::transforms_internal
