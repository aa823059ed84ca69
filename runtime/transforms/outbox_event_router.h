// Debezium's outbox EventRouter (io.debezium.transforms.outbox.EventRouter): turns the change
// events of an outbox table (id, aggregatetype, aggregateid, type, payload, ...) into the events
// they carry: topic from route.by.field through route.topic.regex/route.topic.replacement, key from
// table.field.event.key, value the payload column (or a struct {payload, ...} when columns are
// placed in the envelope), header `id`, extra columns as headers, envelope fields or the partition,
// and the event timestamp. Deletes are skipped, updates warned about (or fatal), tombstones
// dropped; table.expand.json.payload turns a JSON string payload into a struct with an inferred
// schema, as Debezium's JsonSchemaData does.
//
// Works on records where they lie: key, payload and header values go to the output by pointer.
//
// Differences from Debezium, on purpose: the envelope struct's schema name is derived from each
// event's routing value (Debezium caches the first one per payload schema); schemaless outbox
// events (maps) are routed too, where Debezium passes them through; expanded arrays of objects
// merge their fields in document order. See docs/transforms.md.
#ifndef CK_RUNTIME_TRANSFORMS_OUTBOX_EVENT_ROUTER_H_
#define CK_RUNTIME_TRANSFORMS_OUTBOX_EVENT_ROUTER_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ck/transformation.h"
#include "runtime/transforms/java_regex.h"
#include "runtime/transforms/transform_support.h"

namespace ck::runtime {

/// io.debezium.transforms.outbox.EventRouter.
class OutboxEventRouter : public ViewTransformation {
 public:
  ConfigDef config() const override;
  void configure(const ConfigMap& props) override;
  bool transform(const RecordView& in, RecordEditor& out) override;

 private:
  enum class Placement { kHeader, kEnvelope, kPartition };
  struct AdditionalField {
    std::string column;
    Placement placement = Placement::kHeader;
    std::string alias;
  };
  enum class InvalidOp { kWarn, kError, kFatal };

  // The payload after table.expand.json.payload: the column's own value, or the expansion.
  struct Payload {
    ValueView view;
    std::optional<SchemaAndValue> expanded;
  };

  // Envelope structs' schemas, per row schema and per routing value (and schema version).
  using ValueSchemas = std::map<std::string, SchemaView>;

  ValueView Column(ValueView row, const std::string& column, const char* what,
                   std::string_view topic) const;
  std::optional<int64_t> EventTimestamp(ValueView envelope, ValueView row,
                                        std::string_view topic) const;
  Payload ExpandPayload(ValueView payload, const RecordView& in) const;
  SchemaPtr EnvelopeSchema(SchemaView row, SchemaPtr payload_schema, const std::string& routed,
                           std::optional<int32_t> version) const;

  std::string id_column_, key_column_, payload_column_, route_column_;
  std::optional<std::string> timestamp_column_, version_column_;
  std::vector<AdditionalField> additional_;
  bool has_envelope_fields_ = false;
  bool error_on_missing_ = true;
  bool tombstone_on_empty_ = false;
  InvalidOp invalid_op_ = InvalidOp::kWarn;
  bool expand_json_ = false;
  bool nulls_as_optional_bytes_ = false;
  std::unique_ptr<transforms_internal::JavaRegex> regex_;
  std::string replacement_;
  transforms_internal::TopicMemo<std::string> routes_;  // routing value -> topic
  SchemaMemo<ValueSchemas> value_schemas_;              // by row schema
};

}  // namespace ck::runtime

#endif  // CK_RUNTIME_TRANSFORMS_OUTBOX_EVENT_ROUTER_H_
