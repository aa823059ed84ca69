// __CLASS__Converter: an example converter between Connect data and bytes. It writes primitive
// values as UTF-8 text after a configurable `prefix`, and reads bytes back as an optional string
// (without the prefix). Null stays null both ways. Replace it with your format (for example a
// schema registry's wire format). A converter is configured once per task, for keys or values.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "ck/config_def.h"
#include "ck/converter.h"
#include "ck/value.h"
#include "version.h"

namespace __NAMESPACE__ {

/// The class name under which worker and connector configs name this converter
/// (`key.converter`, `value.converter`).
inline constexpr char kConverterClass[] = "__PACKAGE__.__CLASS__Converter";

/// Configuration key (`value.converter.prefix` in a connector config): text before each value.
inline constexpr char kPrefixConfig[] = "prefix";

/// The converter's configuration definition (also in the plugin's manifest).
ck::ConfigDef ConverterConfigDef();

/// Primitive values <-> prefixed UTF-8 text.
class __CLASS__Converter : public ck::Converter {
 public:
  ck::ConfigDef config() const override { return ConverterConfigDef(); }
  /// Throws ck::ConfigError naming a bad key.
  void configure(const ck::ConfigMap& props, bool is_key) override;
  /// The prefixed text of a string, boolean or integer value; std::nullopt for null. Throws
  /// ck::DataError for other types.
  std::optional<ck::Bytes> from_connect(std::string_view topic, const ck::SchemaPtr& schema,
                                        const ck::Value& value) override;
  /// An optional string without the prefix; null for null bytes.
  ck::SchemaAndValue to_connect(std::string_view topic,
                                std::optional<std::span<const uint8_t>> data) override;

 private:
  std::string prefix_;
};

}  // namespace __NAMESPACE__
