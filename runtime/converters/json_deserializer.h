// JsonDeserializer: JsonConverter's JSON bytes to Connect data (Kafka's
// JsonConverter.toConnectData: asConnectSchema and convertToConnect), parsed with simdjson's
// On-Demand API so that the payload is read once, directly into Values, guided by its schema.
// simdjson stays inside the .cc file.
#ifndef CK_RUNTIME_CONVERTERS_JSON_DESERIALIZER_H_
#define CK_RUNTIME_CONVERTERS_JSON_DESERIALIZER_H_

#include <cstdint>
#include <memory>
#include <span>

#include "ck/schema.h"
#include "ck/value.h"
#include "runtime/converters/json_converter.h"

namespace ck::runtime::converters_internal {

class JsonDeserializer {
 public:
  explicit JsonDeserializer(const JsonConverterSettings& settings);
  ~JsonDeserializer();
  JsonDeserializer(const JsonDeserializer&) = delete;
  JsonDeserializer& operator=(const JsonDeserializer&) = delete;

  /// JsonConverter.toConnectData for non-null `data`. Throws DataError.
  SchemaAndValue Deserialize(std::span<const uint8_t> data);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ck::runtime::converters_internal

#endif  // CK_RUNTIME_CONVERTERS_JSON_DESERIALIZER_H_
