// StringConverter: Kafka's org.apache.kafka.connect.storage.StringConverter, as a key/value
// converter and as a header converter. It writes value.toString() as UTF-8 and reads any bytes
// back as an optional string.
//
// Java's toString() is reproduced for what it prints meaningfully: strings, numbers (Java's number
// forms), booleans, Decimal (BigDecimal.toString()), Date/Time/Timestamp (java.util.Date.toString()
// in UTC, e.g. "Mon Jan 15 12:34:56 UTC 2024"), arrays ("[a, b]"), maps ("{k=v, k2=v2}") and
// structs ("Struct{a=1,b=x}"). Raw bytes are refused with a DataError: Java would print the
// array's identity ("[B@1b6d3586"), which is never what a user wants.
//
// converter.encoding accepts UTF-8 only (under Java's names UTF-8 and UTF8, in any case); any other
// charset is a ConfigError naming the value. Reading replaces ill-formed UTF-8 with U+FFFD, as
// Java's decoder does.
#ifndef CK_RUNTIME_CONVERTERS_STRING_CONVERTER_H_
#define CK_RUNTIME_CONVERTERS_STRING_CONVERTER_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "ck/config_def.h"
#include "ck/converter.h"

namespace ck::runtime {

/// StringConverter's configuration keys, as Kafka's StringConverterConfig: converter.type
/// (required) and converter.encoding (default "UTF-8").
ConfigDef StringConverterConfigDef();

/// Java's value.toString() of `value` (non-null) with `schema` (may be null), as described above.
/// Throws DataError for raw bytes.
std::string JavaToString(const Schema* schema, const Value& value);

/// org.apache.kafka.connect.storage.StringConverter as a key/value converter.
class StringConverter final : public Converter {
 public:
  ConfigDef config() const override { return StringConverterConfigDef(); }
  void configure(const ConfigMap& props, bool is_key) override;
  std::optional<Bytes> from_connect(std::string_view topic, const SchemaPtr& schema,
                                    const Value& value) override;
  /// Always the optional string schema; null bytes give a null value.
  SchemaAndValue to_connect(std::string_view topic,
                            std::optional<std::span<const uint8_t>> data) override;
};

/// org.apache.kafka.connect.storage.StringConverter as a header converter.
class StringHeaderConverter final : public HeaderConverter {
 public:
  ConfigDef config() const override { return StringConverterConfigDef(); }
  void configure(const ConfigMap& props) override;
  std::optional<Bytes> from_connect_header(std::string_view topic, std::string_view key,
                                           const SchemaPtr& schema, const Value& value) override;
  SchemaAndValue to_connect_header(std::string_view topic, std::string_view key,
                                   std::optional<std::span<const uint8_t>> data) override;
};

}  // namespace ck::runtime

#endif  // CK_RUNTIME_CONVERTERS_STRING_CONVERTER_H_
