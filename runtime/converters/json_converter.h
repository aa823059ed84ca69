// JsonConverter: Kafka's org.apache.kafka.connect.json.JsonConverter, byte-compatible on the wire
// (reference/kafka-connect.md §5.1). With schemas.enable (the default) every key or value travels
// in the envelope {"schema":...,"payload":...}; without it, the payload alone, and reading infers
// a schema-less value.
//
// Kafka's JsonConverter is one Java class implementing both Converter and HeaderConverter. Here the
// two roles are two components (the ABI gives each component one kind): JsonConverter is the
// key/value converter and JsonHeaderConverter the header converter; both share JsonCodec, so a
// header is written exactly as a value would be. builtin_converters.cc registers them.
//
// The hot path writes with JsonWriter (json_writer.h) and reads with simdjson's On-Demand API; the
// schema JSON is cached both ways (schemas.cache.size), as Kafka caches it.
#ifndef CK_RUNTIME_CONVERTERS_JSON_CONVERTER_H_
#define CK_RUNTIME_CONVERTERS_JSON_CONVERTER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include "ck/abi/ck_abi.h"
#include "ck/config_def.h"
#include "ck/converter.h"
#include "ck/schema.h"
#include "ck/value.h"

namespace ck::runtime {

/// How JsonConverter writes Decimal values (Kafka's DecimalFormat).
enum class JsonDecimalFormat {
  kBase64,   ///< The unscaled two's-complement bytes, base64 (Kafka's default).
  kNumeric,  ///< A JSON number, e.g. 1.56.
};

/// JsonConverter's settings, parsed from its configuration (Kafka's JsonConverterConfig).
struct JsonConverterSettings {
  bool schemas_enable = true;                                     ///< schemas.enable
  int32_t schemas_cache_size = 1000;                              ///< schemas.cache.size
  JsonDecimalFormat decimal_format = JsonDecimalFormat::kBase64;  ///< decimal.format
  bool replace_null_with_default = true;                          ///< replace.null.with.default

  /// Parses `props` with JsonConverterConfigDef(). Throws ConfigError as Kafka does, e.g. for
  /// decimal.format=HEX or a missing converter.type.
  static JsonConverterSettings Parse(const ConfigMap& props);
};

/// JsonConverter's configuration keys, exactly Kafka's: converter.type (required; key, value or
/// header), schemas.enable (true), schemas.cache.size (1000), decimal.format (BASE64 | NUMERIC,
/// case-insensitive), replace.null.with.default (true).
ConfigDef JsonConverterConfigDef();

namespace converters_internal {
class JsonSerializer;
class JsonDeserializer;
}  // namespace converters_internal

/// Both directions of the JSON format for one converter instance: Kafka's JsonConverter minus its
/// Converter/HeaderConverter interfaces. Not thread-safe (one instance serves one task).
class JsonCodec {
 public:
  JsonCodec();
  ~JsonCodec();
  JsonCodec(const JsonCodec&) = delete;
  JsonCodec& operator=(const JsonCodec&) = delete;

  /// Applies `settings`, dropping cached schemas.
  void Configure(const JsonConverterSettings& settings);

  /// Kafka's fromConnectData: std::nullopt when both schema and value are null (a tombstone),
  /// else the JSON bytes. Throws DataError for data that does not match its schema.
  std::optional<Bytes> FromConnect(const SchemaPtr& schema, const Value& value);

  /// FromConnect for a value as an ABI batch carries it, with its schema read from the batch;
  /// the JSON stays valid until the next call.
  std::optional<std::string_view> FromConnect(const SchemaPtr& schema, const ck_value& value);

  /// Kafka's toConnectData: null bytes give a null schema and value. Throws DataError for bytes
  /// that are not JSON, an envelope that is not exactly {"schema","payload"} when schemas are
  /// enabled, or a payload that does not match its schema.
  SchemaAndValue ToConnect(std::optional<std::span<const uint8_t>> data);

 private:
  std::unique_ptr<converters_internal::JsonSerializer> serializer_;
  std::unique_ptr<converters_internal::JsonDeserializer> deserializer_;
};

/// org.apache.kafka.connect.json.JsonConverter as a key/value converter.
class JsonConverter final : public Converter {
 public:
  ConfigDef config() const override { return JsonConverterConfigDef(); }
  /// Sets converter.type from `is_key`, as Kafka does, then parses the settings.
  void configure(const ConfigMap& props, bool is_key) override;
  std::optional<Bytes> from_connect(std::string_view topic, const SchemaPtr& schema,
                                    const Value& value) override;
  /// from_connect straight from the ABI batch (see ck::abi_internal::ConverterAdapter).
  std::optional<std::string_view> from_connect_abi(std::string_view /*topic*/,
                                                   const SchemaPtr& schema, const ck_value& value) {
    return codec_.FromConnect(schema, value);
  }
  SchemaAndValue to_connect(std::string_view topic,
                            std::optional<std::span<const uint8_t>> data) override;

 private:
  JsonCodec codec_;
};

/// org.apache.kafka.connect.json.JsonConverter as a header converter: each header value is
/// written and read exactly as JsonConverter writes and reads a record value.
class JsonHeaderConverter final : public HeaderConverter {
 public:
  ConfigDef config() const override { return JsonConverterConfigDef(); }
  /// Sets converter.type to "header" unless given, then parses the settings.
  void configure(const ConfigMap& props) override;
  std::optional<Bytes> from_connect_header(std::string_view topic, std::string_view key,
                                           const SchemaPtr& schema, const Value& value) override;
  SchemaAndValue to_connect_header(std::string_view topic, std::string_view key,
                                   std::optional<std::span<const uint8_t>> data) override;

 private:
  JsonCodec codec_;
};

}  // namespace ck::runtime

#endif  // CK_RUNTIME_CONVERTERS_JSON_CONVERTER_H_
