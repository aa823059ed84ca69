// JsonConverter's configuration (Kafka's JsonConverterConfig, with the same keys, defaults,
// groups and documentation) and the two components that share JsonCodec.
#include "runtime/converters/json_converter.h"

#include <utility>

#include "runtime/converters/converter_config.h"
#include "runtime/converters/json_deserializer.h"
#include "runtime/converters/json_serializer.h"

namespace ck::runtime {

using converters_internal::JsonDeserializer;
using converters_internal::JsonSerializer;

ConfigDef JsonConverterConfigDef() {
  ConfigDef def = converters_internal::NewConverterConfigDef();
  def.define(ConfigDef::Key("schemas.enable", ConfigType::kBoolean)
                 .default_value(true)
                 .importance(Importance::kHigh)
                 .doc("Include schemas within each of the serialized values and keys.")
                 .group("Schemas")
                 .order_in_group(0)
                 .width(Width::kMedium)
                 .display_name("Enable Schemas"));
  def.define(ConfigDef::Key("schemas.cache.size", ConfigType::kInt)
                 .default_value(1000)
                 .importance(Importance::kHigh)
                 .doc("The maximum number of schemas that can be cached in this converter "
                      "instance.")
                 .group("Schemas")
                 .order_in_group(1)
                 .width(Width::kMedium)
                 .display_name("Schema Cache Size"));
  def.define(ConfigDef::Key("decimal.format", ConfigType::kString)
                 .default_value("BASE64")
                 .validator(CaseInsensitiveValidString::In({"BASE64", "NUMERIC"}))
                 .importance(Importance::kLow)
                 .doc("Controls which format this converter will serialize decimals in. This value "
                      "is case insensitive and can be either 'BASE64' (default) or 'NUMERIC'")
                 .group("Serialization")
                 .order_in_group(0)
                 .width(Width::kMedium)
                 .display_name("Decimal Format"));
  def.define(ConfigDef::Key("replace.null.with.default", ConfigType::kBoolean)
                 .default_value(true)
                 .importance(Importance::kLow)
                 .doc("Whether to replace fields that have a default value and that are null to "
                      "the default value. When set to true, the default value is used, otherwise "
                      "null is used.")
                 .group("Serialization")
                 .order_in_group(1)
                 .width(Width::kMedium)
                 .display_name("Replace null with default"));
  return def;
}

JsonConverterSettings JsonConverterSettings::Parse(const ConfigMap& props) {
  const ParsedConfig parsed = JsonConverterConfigDef().Parse(props);
  JsonConverterSettings settings;
  settings.schemas_enable = std::get<bool>(parsed.at("schemas.enable"));
  settings.schemas_cache_size = std::get<int32_t>(parsed.at("schemas.cache.size"));
  settings.decimal_format =
      config_internal::ToUpper(std::get<std::string>(parsed.at("decimal.format"))) == "NUMERIC"
          ? JsonDecimalFormat::kNumeric
          : JsonDecimalFormat::kBase64;
  settings.replace_null_with_default = std::get<bool>(parsed.at("replace.null.with.default"));
  return settings;
}

JsonCodec::JsonCodec() { Configure(JsonConverterSettings()); }

JsonCodec::~JsonCodec() = default;

void JsonCodec::Configure(const JsonConverterSettings& settings) {
  serializer_ = std::make_unique<JsonSerializer>(settings);
  deserializer_ = std::make_unique<JsonDeserializer>(settings);
}

std::optional<Bytes> JsonCodec::FromConnect(const SchemaPtr& schema, const Value& value) {
  return serializer_->Serialize(schema, value);
}

std::optional<std::string_view> JsonCodec::FromConnect(const SchemaPtr& schema,
                                                       const ck_value& value) {
  return serializer_->SerializeView(schema, value);
}

SchemaAndValue JsonCodec::ToConnect(std::optional<std::span<const uint8_t>> data) {
  if (!data) return {};  // a tombstone
  return deserializer_->Deserialize(*data);
}

void JsonConverter::configure(const ConfigMap& props, bool is_key) {
  codec_.Configure(
      JsonConverterSettings::Parse(converters_internal::WithConverterType(props, is_key)));
}

std::optional<Bytes> JsonConverter::from_connect(std::string_view, const SchemaPtr& schema,
                                                 const Value& value) {
  return codec_.FromConnect(schema, value);
}

SchemaAndValue JsonConverter::to_connect(std::string_view,
                                         std::optional<std::span<const uint8_t>> data) {
  return codec_.ToConnect(data);
}

void JsonHeaderConverter::configure(const ConfigMap& props) {
  codec_.Configure(
      JsonConverterSettings::Parse(converters_internal::WithHeaderConverterType(props)));
}

std::optional<Bytes> JsonHeaderConverter::from_connect_header(std::string_view, std::string_view,
                                                              const SchemaPtr& schema,
                                                              const Value& value) {
  return codec_.FromConnect(schema, value);
}

SchemaAndValue JsonHeaderConverter::to_connect_header(
    std::string_view, std::string_view, std::optional<std::span<const uint8_t>> data) {
  return codec_.ToConnect(data);
}

}  // namespace ck::runtime
