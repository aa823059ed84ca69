// __CLASS__: an example single message transformation (SMT) that upper-cases the record value, or
// one string field of a struct value (`field`). Records whose value is null (tombstones) pass
// unchanged; a value that is not a string (or a struct without that string field) is a
// ck::DataError, which the runtime handles with errors.tolerance. Replace apply() with your logic.
#pragma once

#include <optional>
#include <string>

#include "ck/config_def.h"
#include "ck/record.h"
#include "ck/transformation.h"
#include "version.h"

namespace __NAMESPACE__ {

/// The class name under which connector configs name this transformation
/// (`transforms.<alias>.type`).
inline constexpr char kTransformationClass[] = "__PACKAGE__.__CLASS__";

/// Configuration key: the struct field to upper-case; empty = the whole (string) value.
inline constexpr char kFieldConfig[] = "field";

/// The transformation's configuration definition (also in the plugin's manifest).
ck::ConfigDef TransformationConfigDef();

/// Upper-cases a string value or one string field of a struct value.
class __CLASS__ : public ck::Transformation {
 public:
  ck::ConfigDef config() const override { return TransformationConfigDef(); }
  /// Throws ck::ConfigError naming a bad key.
  void configure(const ck::ConfigMap& props) override;
  /// The record with its value (or field) upper-cased; never drops a record.
  std::optional<ck::ConnectRecord> apply(ck::ConnectRecord record) override;

 private:
  std::string field_;
};

}  // namespace __NAMESPACE__
