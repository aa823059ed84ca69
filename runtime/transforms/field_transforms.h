// Kafka's built-in transformations of the fields of a record key or value, each in a $Key and a
// $Value variant (the Side policy of transform_support.h): InsertField, ReplaceField, MaskField,
// ExtractField, HoistField, SetSchemaMetadata and Flatten; and ValueToKey, which builds the key
// from value fields. With a schema they work on Structs and derive the new schema; without one, on
// maps with string keys.
#ifndef CK_RUNTIME_TRANSFORMS_FIELD_TRANSFORMS_H_
#define CK_RUNTIME_TRANSFORMS_FIELD_TRANSFORMS_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ck/transformation.h"
#include "runtime/transforms/transform_support.h"

namespace ck::runtime {

/// InsertField$Key / InsertField$Value: adds the topic, partition, Kafka offset (sink records
/// only), timestamp and a static string as fields (`<name>!` required, `<name>?` or `<name>`
/// optional). Works on records where they lie: the input fields are copied by pointer.
template <typename Side>
class InsertField : public ViewTransformation {
 public:
  ConfigDef config() const override;
  void configure(const ConfigMap& props) override;
  bool transform(const RecordView& in, RecordEditor& out) override;

 private:
  struct Spec {
    std::string name;
    bool optional = true;
  };
  static std::optional<Spec> ParseSpec(const ParsedConfig& config, const std::string& key);

  SchemaPtr BuildSchema(const Schema& schema) const;

  std::optional<Spec> topic_, partition_, offset_, timestamp_, static_;
  std::optional<std::string> static_value_;
  bool replace_null_with_default_ = true;
  // What is derived from one input schema.
  struct Plan {
    SchemaView schema;                // the output schema
    std::vector<uint32_t> defaulted;  // input fields with a default (replace.null.with.default)
  };
  SchemaMemo<Plan> memo_;
};

/// ReplaceField$Key / ReplaceField$Value: keeps the `include`d fields (all when empty), drops the
/// `exclude`d ones and renames per `renames` (old:new,...). `whitelist`/`blacklist` are read as
/// deprecated aliases of include/exclude. Works on records where they lie: when only names change,
/// the value itself is passed on by pointer with the renamed schema.
template <typename Side>
class ReplaceField : public ViewTransformation {
 public:
  ConfigDef config() const override;
  void configure(const ConfigMap& props) override;
  bool transform(const RecordView& in, RecordEditor& out) override;

 private:
  // What is derived from one input schema.
  struct Plan {
    SchemaView schema;                // the output schema
    std::vector<uint32_t> sources;    // output field -> input field
    bool same_layout = false;         // sources is 0..n-1: the input's fields serve as they are
    std::vector<uint32_t> defaulted;  // input fields with a default (replace.null.with.default)
  };

  bool Keep(const std::string& name) const;
  std::string Renamed(const std::string& name) const;
  SchemaPtr BuildSchema(const Schema& schema) const;

  std::vector<std::string> include_, exclude_;
  std::map<std::string, std::string> renames_, reverse_renames_;
  bool replace_null_with_default_ = true;
  SchemaMemo<Plan> memo_;
};

/// MaskField$Key / MaskField$Value: replaces `fields` by their type's empty value, or by
/// `replacement` converted to the field's type.
template <typename Side>
class MaskField : public Transformation {
 public:
  ConfigDef config() const override;
  void configure(const ConfigMap& props) override;
  std::optional<ConnectRecord> apply(ConnectRecord record) override;

 private:
  Value Masked(const std::string& field, const Schema* schema, const Value& value) const;

  std::vector<std::string> fields_;
  std::optional<std::string> replacement_;
  bool replace_null_with_default_ = true;
};

/// ValueToKey: replaces the key with a struct (or map) of the listed value `fields`.
class ValueToKey : public Transformation {
 public:
  ConfigDef config() const override;
  void configure(const ConfigMap& props) override;
  std::optional<ConnectRecord> apply(ConnectRecord record) override;

 private:
  std::vector<std::string> fields_;
  bool replace_null_with_default_ = true;
};

/// ExtractField$Key / ExtractField$Value: replaces the key or value by one of its fields; with
/// field.syntax.version=V2, `field` is a dotted path into nested structs or maps (backquotes
/// protect dots in names). Works on records where they lie: the field is passed on by pointer.
template <typename Side>
class ExtractField : public ViewTransformation {
 public:
  ConfigDef config() const override;
  void configure(const ConfigMap& props) override;
  bool transform(const RecordView& in, RecordEditor& out) override;

 private:
  // The path resolved in one schema: field positions, and the schema of the last one.
  struct Plan {
    std::vector<size_t> indexes;
    SchemaView schema;
  };

  std::string field_;
  std::vector<std::string> path_;
  bool replace_null_with_default_ = true;
  SchemaMemo<Plan> memo_;
};

/// HoistField$Key / HoistField$Value: wraps the key or value in a struct (or map) with one field.
template <typename Side>
class HoistField : public Transformation {
 public:
  ConfigDef config() const override;
  void configure(const ConfigMap& props) override;
  std::optional<ConnectRecord> apply(ConnectRecord record) override;

 private:
  std::string field_;
};

/// SetSchemaMetadata$Key / SetSchemaMetadata$Value: sets the schema name and/or version.
template <typename Side>
class SetSchemaMetadata : public Transformation {
 public:
  ConfigDef config() const override;
  void configure(const ConfigMap& props) override;
  std::optional<ConnectRecord> apply(ConnectRecord record) override;

 private:
  std::optional<std::string> name_;
  std::optional<int32_t> version_;
  bool replace_null_with_default_ = true;
};

/// Flatten$Key / Flatten$Value: lifts nested struct fields (with a schema) or map entries
/// (without) to the top level, joining names with `delimiter`; arrays are left as they are.
template <typename Side>
class Flatten : public Transformation {
 public:
  ConfigDef config() const override;
  void configure(const ConfigMap& props) override;
  std::optional<ConnectRecord> apply(ConnectRecord record) override;

 private:
  std::string Name(const std::string& prefix, const std::string& name) const;
  void FlattenMap(const Value::Map& map, const std::string& prefix, Value::Map& out) const;
  void FlattenSchema(const Schema& schema, const std::string& prefix, SchemaBuilder& out,
                     bool optional, const Struct* parent_default) const;
  void FlattenStruct(const Struct* value, const std::string& prefix, Struct& out) const;

  std::string delimiter_;
};

}  // namespace ck::runtime

#endif  // CK_RUNTIME_TRANSFORMS_FIELD_TRANSFORMS_H_
