// StringConverter (see string_converter.h): Java's toString() of Connect values and the
// converter.encoding check.
#include "runtime/converters/string_converter.h"

#include <utility>

#include "runtime/converters/connect_types.h"
#include "runtime/converters/converter_config.h"
#include "runtime/converters/java_text.h"
#include "runtime/converters/utf8.h"

namespace ck::runtime {
namespace {

using converters_internal::LogicalOf;
using converters_internal::LogicalType;

constexpr char kEncodingConfig[] = "converter.encoding";
constexpr int64_t kMillisPerDay = 86'400'000;

void AppendJava(std::string& out, const Schema* schema, const Value& value) {
  if (value.is_null()) {
    out.append("null");
    return;
  }
  if (schema != nullptr && *value.type() == schema->type()) {
    switch (LogicalOf(*schema)) {
      case LogicalType::kDecimal:
        return converters_internal::AppendBigDecimal(out, value.as_bytes(),
                                                     Decimal::scale(*schema));
      case LogicalType::kDate:
        out.append(
            converters_internal::JavaDateToString(int64_t{value.as_int32()} * kMillisPerDay));
        return;
      case LogicalType::kTime:
        out.append(converters_internal::JavaDateToString(value.as_int32()));
        return;
      case LogicalType::kTimestamp:
        out.append(converters_internal::JavaDateToString(value.as_int64()));
        return;
      case LogicalType::kNone:
        break;
    }
  }
  if (converters_internal::AppendJavaNumberOrBoolean(out, value)) return;
  switch (*value.type()) {
    default:  // numbers and booleans: appended above
      return;
    case Type::kString:
      out.append(value.as_string());
      return;
    case Type::kBytes:
      throw DataError(
          "StringConverter cannot write a BYTES value: Java's toString() of a byte array is its "
          "identity (e.g. [B@1b6d3586), not its content; use ByteArrayConverter for bytes");
    case Type::kArray: {  // AbstractCollection.toString
      const Schema* element = schema != nullptr && schema->type() == Type::kArray
                                  ? schema->value_schema().get()
                                  : nullptr;
      out.push_back('[');
      bool first = true;
      for (const Value& item : value.as_array()) {
        if (!first) out.append(", ");
        first = false;
        AppendJava(out, element, item);
      }
      out.push_back(']');
      return;
    }
    case Type::kMap: {  // AbstractMap.toString
      const bool typed = schema != nullptr && schema->type() == Type::kMap;
      const Schema* key_schema = typed ? schema->key_schema().get() : nullptr;
      const Schema* value_schema = typed ? schema->value_schema().get() : nullptr;
      out.push_back('{');
      bool first = true;
      for (const auto& [key, item] : value.as_map()) {
        if (!first) out.append(", ");
        first = false;
        AppendJava(out, key_schema, key);
        out.push_back('=');
        AppendJava(out, value_schema, item);
      }
      out.push_back('}');
      return;
    }
    case Type::kStruct: {  // Struct.toString: the fields that are set, without defaults
      const Struct& s = value.as_struct();
      out.append("Struct{");
      bool first = true;
      for (const Field& field : s.schema()->fields()) {
        const Value& item = s.get_without_default(field.name);
        if (item.is_null()) continue;
        if (!first) out.push_back(',');
        first = false;
        out.append(field.name).push_back('=');
        AppendJava(out, field.schema.get(), item);
      }
      out.push_back('}');
      return;
    }
  }
}

// Parses the configuration; only UTF-8 (Java's names "UTF-8" and "UTF8", any case) is accepted.
void CheckConfig(const ConfigMap& props) {
  const ParsedConfig parsed = StringConverterConfigDef().Parse(props);
  const std::string& encoding = std::get<std::string>(parsed.at(kEncodingConfig));
  const std::string upper = config_internal::ToUpper(encoding);
  if (upper != "UTF-8" && upper != "UTF8") {
    throw ConfigError(kEncodingConfig, encoding,
                      "ConnectKit's StringConverter supports only the UTF-8 encoding (UTF-8 or "
                      "UTF8, in any case)");
  }
}

std::optional<Bytes> Serialize(const SchemaPtr& schema, const Value& value) {
  if (value.is_null()) return std::nullopt;
  if (value.type() == Type::kString) {
    const std::string& s = value.as_string();
    return Bytes(s.begin(), s.end());
  }
  std::string text;
  AppendJava(text, schema.get(), value);
  return Bytes(text.begin(), text.end());
}

SchemaAndValue Deserialize(std::optional<std::span<const uint8_t>> data) {
  if (!data) return {Schema::OptionalString(), Value()};
  if (converters_internal::IsValidUtf8(*data)) {
    return {Schema::OptionalString(),
            std::string(reinterpret_cast<const char*>(data->data()), data->size())};
  }
  return {Schema::OptionalString(), converters_internal::DecodeUtf8LikeJava(*data)};
}

}  // namespace

ConfigDef StringConverterConfigDef() {
  ConfigDef def = converters_internal::NewConverterConfigDef();
  def.define(
      ConfigDef::Key(kEncodingConfig, ConfigType::kString)
          .default_value("UTF-8")
          .importance(Importance::kHigh)
          .doc("The name of the Java character set to use for encoding strings as byte arrays.")
          .group("Converter")
          .order_in_group(0)
          .width(Width::kMedium)
          .display_name("Encoding"));
  return def;
}

std::string JavaToString(const Schema* schema, const Value& value) {
  std::string out;
  AppendJava(out, schema, value);
  return out;
}

void StringConverter::configure(const ConfigMap& props, bool is_key) {
  CheckConfig(converters_internal::WithConverterType(props, is_key));
}

std::optional<Bytes> StringConverter::from_connect(std::string_view, const SchemaPtr& schema,
                                                   const Value& value) {
  return Serialize(schema, value);
}

SchemaAndValue StringConverter::to_connect(std::string_view,
                                           std::optional<std::span<const uint8_t>> data) {
  return Deserialize(data);
}

void StringHeaderConverter::configure(const ConfigMap& props) {
  CheckConfig(converters_internal::WithHeaderConverterType(props));
}

std::optional<Bytes> StringHeaderConverter::from_connect_header(std::string_view, std::string_view,
                                                                const SchemaPtr& schema,
                                                                const Value& value) {
  return Serialize(schema, value);
}

SchemaAndValue StringHeaderConverter::to_connect_header(
    std::string_view, std::string_view, std::optional<std::span<const uint8_t>> data) {
  return Deserialize(data);
}

}  // namespace ck::runtime
