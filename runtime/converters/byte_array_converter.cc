// ByteArrayConverter (see byte_array_converter.h), with Kafka's messages.
#include "runtime/converters/byte_array_converter.h"

#include "runtime/converters/connect_types.h"
#include "runtime/converters/converter_config.h"

namespace ck::runtime {
namespace {

using errors_internal::StrCat;

std::optional<Bytes> PassThrough(const SchemaPtr& schema, const Value& value) {
  if (schema != nullptr && schema->type() != Type::kBytes) {
    throw DataError(StrCat("Invalid schema type for ByteArrayConverter: ",
                           converters_internal::KafkaTypeName(schema->type())));
  }
  if (value.is_null()) return std::nullopt;
  if (value.type() != Type::kBytes) {
    throw DataError(
        StrCat("ByteArrayConverter is not compatible with objects of type ", value.type_name()));
  }
  return value.as_bytes();
}

SchemaAndValue Wrap(std::optional<std::span<const uint8_t>> data) {
  if (!data) return {Schema::OptionalBytes(), Value()};
  return {Schema::OptionalBytes(), Bytes(data->begin(), data->end())};
}

}  // namespace

ConfigDef ByteArrayConverter::config() const {
  return converters_internal::NewConverterConfigDef();
}

void ByteArrayConverter::configure(const ConfigMap& props, bool is_key) {
  converters_internal::NewConverterConfigDef().Parse(
      converters_internal::WithConverterType(props, is_key));
}

std::optional<Bytes> ByteArrayConverter::from_connect(std::string_view, const SchemaPtr& schema,
                                                      const Value& value) {
  return PassThrough(schema, value);
}

SchemaAndValue ByteArrayConverter::to_connect(std::string_view,
                                              std::optional<std::span<const uint8_t>> data) {
  return Wrap(data);
}

ConfigDef ByteArrayHeaderConverter::config() const {
  return converters_internal::NewConverterConfigDef();
}

void ByteArrayHeaderConverter::configure(const ConfigMap& props) {
  converters_internal::NewConverterConfigDef().Parse(
      converters_internal::WithHeaderConverterType(props));
}

std::optional<Bytes> ByteArrayHeaderConverter::from_connect_header(std::string_view,
                                                                   std::string_view,
                                                                   const SchemaPtr& schema,
                                                                   const Value& value) {
  return PassThrough(schema, value);
}

SchemaAndValue ByteArrayHeaderConverter::to_connect_header(
    std::string_view, std::string_view, std::optional<std::span<const uint8_t>> data) {
  return Wrap(data);
}

}  // namespace ck::runtime
