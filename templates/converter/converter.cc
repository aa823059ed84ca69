// The example converter (see converter.h). Integers use Java's decimal text so that values read
// by Kafka tools look the same as with Kafka's StringConverter.
#include "converter.h"

#include <variant>

#include "ck/errors.h"
#include "ck/schema.h"

namespace __NAMESPACE__ {
namespace {

std::optional<std::string> TextOf(const ck::Value& value) {
  switch (*value.type()) {
    case ck::Type::kString:
      return value.as_string();
    case ck::Type::kBoolean:
      return value.as_boolean() ? "true" : "false";
    case ck::Type::kInt8:
      return std::to_string(value.as_int8());
    case ck::Type::kInt16:
      return std::to_string(value.as_int16());
    case ck::Type::kInt32:
      return std::to_string(value.as_int32());
    case ck::Type::kInt64:
      return std::to_string(value.as_int64());
    default:
      return std::nullopt;
  }
}

}  // namespace

ck::ConfigDef ConverterConfigDef() {
  ck::ConfigDef def;
  def.define(ck::ConfigDef::Key(kPrefixConfig, ck::ConfigType::kString)
                 .default_value(std::string(""))
                 .importance(ck::Importance::kMedium)
                 .doc("Text written before every value, and removed when reading."));
  return def;
}

void __CLASS__Converter::configure(const ck::ConfigMap& props, bool is_key) {
  (void)is_key;
  const ck::ParsedConfig config = ConverterConfigDef().Parse(props);
  prefix_ = std::get<std::string>(config.at(kPrefixConfig));
}

std::optional<ck::Bytes> __CLASS__Converter::from_connect(std::string_view topic,
                                                          const ck::SchemaPtr& schema,
                                                          const ck::Value& value) {
  (void)schema;
  if (value.is_null()) return std::nullopt;
  const std::optional<std::string> text = TextOf(value);
  if (!text) {
    throw ck::DataError("__CLASS__Converter writes strings, booleans and integers; a value for " +
                        std::string(topic) + " is a " + std::string(value.type_name()));
  }
  const std::string out = prefix_ + *text;
  return ck::Bytes(out.begin(), out.end());
}

ck::SchemaAndValue __CLASS__Converter::to_connect(std::string_view topic,
                                                  std::optional<std::span<const uint8_t>> data) {
  (void)topic;
  if (!data) return {ck::Schema::OptionalString(), nullptr};
  std::string_view text(reinterpret_cast<const char*>(data->data()), data->size());
  if (text.starts_with(prefix_)) text.remove_prefix(prefix_.size());
  return {ck::Schema::OptionalString(), std::string(text)};
}

}  // namespace __NAMESPACE__
