// Debezium's ExtractNewRecordState (io.debezium.transforms.ExtractNewRecordState), the "event
// flattening" SMT: a change event's envelope {before, after, source, op, ts_ms, transaction}
// becomes its `after` row, with deletes, tombstones and truncates handled per
// delete.tombstone.handling.mode (or the legacy drop.tombstones and delete.handling.mode), envelope
// fields added to the row (add.fields) or as headers (add.headers), and the topic taken from a row
// column (route.by.field).
//
// It works on records where they lie: flattening an insert or update without add.fields or rewrite
// hands the `after` struct on by pointer, schema and all. Everything derived from an envelope
// schema (field positions, output schemas) is computed once per schema.
//
// Differences from Debezium, on purpose: schemaless envelopes (a map with "op" and "before" or
// "after", as JsonConverter reads them with schemas.enable=false) are flattened too, where Debezium
// passes them through unchanged; drop.fields.header.name is refused at configure time. See
// docs/transforms.md.
#ifndef CK_RUNTIME_TRANSFORMS_EXTRACT_NEW_RECORD_STATE_H_
#define CK_RUNTIME_TRANSFORMS_EXTRACT_NEW_RECORD_STATE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ck/transformation.h"
#include "runtime/transforms/transform_support.h"

namespace ck::runtime {

/// io.debezium.transforms.ExtractNewRecordState.
class ExtractNewRecordState : public ViewTransformation {
 public:
  ConfigDef config() const override;
  void configure(const ConfigMap& props) override;
  bool transform(const RecordView& in, RecordEditor& out) override;

 private:
  // What becomes of a delete event (op d: `after` null, `before` set).
  enum class Delete {
    kDrop,              // dropped
    kNullValue,         // value null, value schema kept (Debezium's "tombstone" mode)
    kRewrite,           // `before` with __deleted = "true"
    kNullValueNoSchema  // value and value schema null ("delete-to-tombstone")
  };

  // An envelope field to copy, as add.fields / add.headers name it: `field`, `struct.field`, with
  // an optional `:alias`.
  struct FieldReference {
    std::string parent;  // "source", "transaction", ... or empty for a top-level field
    std::string field;
    std::string output;  // prefix + (alias, or field, or parent_field)
  };

  // A FieldReference found in one envelope schema.
  struct Resolved {
    bool present = false;
    int parent = -1;    // position of the parent struct in the envelope, or -1 for top level
    int index = -1;     // position of the field in its parent (or in the envelope)
    SchemaView schema;  // the field's schema, made optional (long-lived)
  };

  // What is derived from one envelope schema.
  struct Plan {
    bool envelope = false;  // named *.Envelope, with `before` and `after`
    int before = -1, after = -1;
    std::vector<Resolved> fields, headers;
    SchemaView upsert_schema, delete_schema;  // output schemas; absent when the row passes as is
    std::vector<uint32_t> after_defaults, before_defaults;  // row fields with defaults
    std::optional<size_t> route_after, route_before;        // route.by.field in the rows
  };

  static std::vector<FieldReference> ParseReferences(const std::string& prefix,
                                                     const std::vector<std::string>& list);
  Plan MakePlan(SchemaView envelope, RecordEditor& out) const;
  Resolved Resolve(const FieldReference& ref, SchemaView envelope, RecordEditor& out) const;
  SchemaView OutputSchema(SchemaView row, const Plan& plan, RecordEditor& out) const;
  ValueView ReferencedValue(const Resolved& resolved, ValueView envelope, RecordEditor& out) const;
  bool TransformStruct(const RecordView& in, RecordEditor& out);
  bool TransformSchemaless(const RecordView& in, RecordEditor& out);
  void Route(RecordEditor& out, ValueView row, std::optional<size_t> index, const char* row_name,
             std::string_view topic) const;

  bool keep_tombstones_ = false;
  Delete delete_ = Delete::kNullValue;
  bool rewrite_ = false;  // __deleted on every flattened row
  std::vector<FieldReference> add_fields_, add_headers_;
  std::string route_by_field_;
  bool replace_null_with_default_ = true;
  SchemaMemo<Plan> memo_;
};

}  // namespace ck::runtime

#endif  // CK_RUNTIME_TRANSFORMS_EXTRACT_NEW_RECORD_STATE_H_
