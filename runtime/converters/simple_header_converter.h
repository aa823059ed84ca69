// SimpleHeaderConverter: Kafka's org.apache.kafka.connect.storage.SimpleHeaderConverter, the
// worker's default header converter. It writes a header value as the UTF-8 bytes of
// Values.convertToString and reads one back by inferring its schema with Values.parseString (see
// connect_values.h for the subset and its documented differences). Bytes that are not UTF-8 are
// returned as they are with the BYTES schema (Kafka would decode them with replacement characters
// and then infer).
#ifndef CK_RUNTIME_CONVERTERS_SIMPLE_HEADER_CONVERTER_H_
#define CK_RUNTIME_CONVERTERS_SIMPLE_HEADER_CONVERTER_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "ck/config_def.h"
#include "ck/converter.h"

namespace ck::runtime {

/// org.apache.kafka.connect.storage.SimpleHeaderConverter. No configuration keys.
class SimpleHeaderConverter final : public HeaderConverter {
 public:
  ConfigDef config() const override { return ConfigDef(); }
  void configure(const ConfigMap&) override {}
  /// std::nullopt for null, else Values.convertToString as UTF-8.
  std::optional<Bytes> from_connect_header(std::string_view topic, std::string_view key,
                                           const SchemaPtr& schema, const Value& value) override;
  /// Null for null; an empty STRING for no bytes; else the inferred schema and value.
  SchemaAndValue to_connect_header(std::string_view topic, std::string_view key,
                                   std::optional<std::span<const uint8_t>> data) override;
};

}  // namespace ck::runtime

#endif  // CK_RUNTIME_CONVERTERS_SIMPLE_HEADER_CONVERTER_H_
