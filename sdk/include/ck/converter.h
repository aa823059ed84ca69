/// @file
/// Converters (Kafka Connect's Converter and HeaderConverter): they turn Connect data into the
/// bytes stored in Kafka and back.

#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "ck/config_def.h"
#include "ck/schema.h"
#include "ck/value.h"

namespace ck {

/// A key or value converter. One instance serves one task; calls come from its thread.
class Converter {
 public:
  virtual ~Converter() = default;

  /// The settings the converter accepts.
  virtual ConfigDef config() const { return ConfigDef(); }

  /// Configures it; `is_key` says whether it converts keys or values.
  virtual void configure(const ConfigMap& props, bool is_key) = 0;

  /// Serialises `value` (with `schema`, null when schemaless) for `topic`; std::nullopt writes a
  /// null. Throw DataError for data it cannot serialise.
  virtual std::optional<Bytes> from_connect(std::string_view topic, const SchemaPtr& schema,
                                            const Value& value) = 0;

  /// Deserialises `data` (std::nullopt for a null) read from `topic`. Throw DataError for bytes
  /// it cannot parse.
  virtual SchemaAndValue to_connect(std::string_view topic,
                                    std::optional<std::span<const uint8_t>> data) = 0;
};

/// A header converter. One instance serves one task; calls come from its thread.
class HeaderConverter {
 public:
  virtual ~HeaderConverter() = default;

  /// The settings the converter accepts.
  virtual ConfigDef config() const { return ConfigDef(); }

  /// Configures it.
  virtual void configure(const ConfigMap& props) = 0;

  /// Serialises the value of header `key`; std::nullopt writes a null.
  virtual std::optional<Bytes> from_connect_header(std::string_view topic, std::string_view key,
                                                   const SchemaPtr& schema, const Value& value) = 0;

  /// Deserialises the value of header `key` (std::nullopt for a null).
  virtual SchemaAndValue to_connect_header(std::string_view topic, std::string_view key,
                                           std::optional<std::span<const uint8_t>> data) = 0;
};

}  // namespace ck
