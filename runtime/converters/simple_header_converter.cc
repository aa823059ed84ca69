// SimpleHeaderConverter (see simple_header_converter.h): a thin layer over connect_values.
#include "runtime/converters/simple_header_converter.h"

#include <string>

#include "runtime/converters/connect_values.h"
#include "runtime/converters/utf8.h"

namespace ck::runtime {

std::optional<Bytes> SimpleHeaderConverter::from_connect_header(std::string_view, std::string_view,
                                                                const SchemaPtr& schema,
                                                                const Value& value) {
  if (value.is_null()) return std::nullopt;
  const std::string text = converters_internal::ConvertToString(schema.get(), value);
  return Bytes(text.begin(), text.end());
}

SchemaAndValue SimpleHeaderConverter::to_connect_header(
    std::string_view, std::string_view, std::optional<std::span<const uint8_t>> data) {
  if (!data) return {};
  if (!converters_internal::IsValidUtf8(*data)) {
    return {Schema::Bytes(), Bytes(data->begin(), data->end())};
  }
  return converters_internal::ParseString(
      std::string_view(reinterpret_cast<const char*>(data->data()), data->size()));
}

}  // namespace ck::runtime
