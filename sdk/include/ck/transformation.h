/// @file
/// Single message transformations and predicates (Kafka Connect's Transformation and Predicate).
/// They see the fields every record has (ConnectRecord); the runtime keeps each record's source
/// offsets or Kafka coordinates attached through the chain.

#pragma once

#include <optional>

#include "ck/config_def.h"
#include "ck/record.h"

namespace ck {

/// A transformation. One instance serves one task; calls come from its thread.
class Transformation {
 public:
  virtual ~Transformation() = default;

  /// The settings the transformation accepts.
  virtual ConfigDef config() const = 0;

  /// Configures it.
  virtual void configure(const ConfigMap& props) = 0;

  /// The transformed record, or std::nullopt to drop it. Throw DataError (naming the field and
  /// the value) for a record it cannot handle.
  virtual std::optional<ConnectRecord> apply(ConnectRecord record) = 0;
};

/// A predicate, deciding whether a transformation applies to a record.
class Predicate {
 public:
  virtual ~Predicate() = default;

  /// The settings the predicate accepts.
  virtual ConfigDef config() const = 0;

  /// Configures it.
  virtual void configure(const ConfigMap& props) = 0;

  /// Whether `record` matches.
  virtual bool test(const ConnectRecord& record) = 0;
};

}  // namespace ck
