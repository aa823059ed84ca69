// ByteArrayConverter: Kafka's org.apache.kafka.connect.converters.ByteArrayConverter, which passes
// bytes through unchanged in both directions. Writing requires a null or BYTES schema and a bytes
// value; reading always gives the optional bytes schema. Kafka's class is also a header converter,
// and so is ByteArrayHeaderConverter here.
#ifndef CK_RUNTIME_CONVERTERS_BYTE_ARRAY_CONVERTER_H_
#define CK_RUNTIME_CONVERTERS_BYTE_ARRAY_CONVERTER_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "ck/config_def.h"
#include "ck/converter.h"

namespace ck::runtime {

/// org.apache.kafka.connect.converters.ByteArrayConverter as a key/value converter. Its only key
/// is converter.type, as in Kafka.
class ByteArrayConverter final : public Converter {
 public:
  ConfigDef config() const override;
  void configure(const ConfigMap& props, bool is_key) override;
  /// The bytes themselves. Throws DataError for a schema other than BYTES or a non-bytes value.
  std::optional<Bytes> from_connect(std::string_view topic, const SchemaPtr& schema,
                                    const Value& value) override;
  SchemaAndValue to_connect(std::string_view topic,
                            std::optional<std::span<const uint8_t>> data) override;
};

/// org.apache.kafka.connect.converters.ByteArrayConverter as a header converter.
class ByteArrayHeaderConverter final : public HeaderConverter {
 public:
  ConfigDef config() const override;
  void configure(const ConfigMap& props) override;
  std::optional<Bytes> from_connect_header(std::string_view topic, std::string_view key,
                                           const SchemaPtr& schema, const Value& value) override;
  SchemaAndValue to_connect_header(std::string_view topic, std::string_view key,
                                   std::optional<std::span<const uint8_t>> data) override;
};

}  // namespace ck::runtime

#endif  // CK_RUNTIME_CONVERTERS_BYTE_ARRAY_CONVERTER_H_
