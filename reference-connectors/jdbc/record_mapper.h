// RecordMapper: turns sink records into row operations on tables. It reads flat struct values
// (what ExtractNewRecordState produces) and Debezium's change-event envelopes (before, after, op)
// as Debezium's JDBC sink does: op c, r and u write `after`, d deletes by the record key, t
// truncates; tombstones delete. Which columns a row has follows Confluent's rules: the primary
// key from pk.mode and pk.fields, then the other value fields, filtered by the include/exclude
// lists.
//
// The columns of a record depend only on its topic and its key and value schemas, so they are
// worked out once per distinct schema (a Shape, shared by every row that has it) together with a
// plan of where each column's value comes from; mapping a record is then a walk over that plan.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ck/errors.h"
#include "ck/record.h"
#include "reference-connectors/jdbc/database.h"
#include "reference-connectors/jdbc/dialect.h"
#include "reference-connectors/jdbc/jdbc_config.h"

namespace ck::jdbc {

/// What a row operation does.
enum class OpKind {
  kInsert,    ///< INSERT the row.
  kUpsert,    ///< INSERT or UPDATE the row by key.
  kUpdate,    ///< UPDATE the row by key.
  kDelete,    ///< DELETE the row by key (values hold only the key).
  kTruncate,  ///< Delete every row of the table (no shape, no values).
};

/// One record's effect on one table.
struct RowOp {
  size_t record = 0;                   ///< Position of the record in the put() batch.
  OpKind kind = OpKind::kInsert;       ///< What to do.
  const TableId* table = nullptr;      ///< The table; owned by the mapper, stable.
  std::shared_ptr<const Shape> shape;  ///< The columns; null for kTruncate.
  RowValues values;                    ///< One per shape column, keys first.
};

/// A record that cannot become a row: names the field, its value and why.
class MappingError : public DataError {
 public:
  /// The error for `field` holding `value` (described), for `reason`.
  MappingError(std::string field, std::string value, const std::string& reason)
      : DataError("field \"" + field + "\" (value " + value + "): " + reason),
        field_(std::move(field)),
        value_(std::move(value)) {}
  /// The field, e.g. "after.price" or "key.id".
  const std::string& field() const { return field_; }
  /// Its value, described.
  const std::string& value() const { return value_; }

 private:
  std::string field_;
  std::string value_;
};

/// Maps records to row operations; keeps per-topic table names and per-schema plans.
class RecordMapper {
 public:
  /// A mapper for `config` (pk mode and fields, insert mode, deletes, table names, filters).
  explicit RecordMapper(const JdbcSinkConfig& config);

  /// The operation for `record` (at `index` in its batch), or std::nullopt when the record
  /// writes nothing (a tombstone with delete.enabled=false, a Debezium truncate without
  /// truncate.enabled, a logical message), with the reason in `*skip_reason`. Throws
  /// MappingError for a record that cannot be written.
  std::optional<RowOp> Map(const SinkRecord& record, size_t index, std::string* skip_reason);

  /// The table records of `topic` go to: table.name.format with ${topic} replaced by the topic
  /// (dots in it replaced by underscores); a dot in the format itself separates schema and table.
  const TableId& TableFor(const std::string& topic) { return Entry(topic).table; }

 private:
  struct TableEntry {
    TableId table;
    std::string error;  // why the name cannot be used, if it cannot
  };

  enum class Source : uint8_t { kTopic, kPartition, kOffset, kKey, kKeyField, kRowField };
  struct Extract {
    Source source;
    size_t index = 0;  // field index for kKeyField / kRowField
  };
  struct Plan {
    std::string topic;
    bool for_delete = false;
    SchemaPtr key_schema;
    SchemaPtr row_schema;
    std::shared_ptr<const Shape> shape;
    std::vector<Extract> extracts;
  };

  const TableEntry& Entry(const std::string& topic);
  const Plan& PlanFor(const SinkRecord& record, const SchemaPtr& row_schema, const Value* row,
                      bool for_delete);
  Plan BuildPlan(const SinkRecord& record, const SchemaPtr& row_schema, const Value* row,
                 bool for_delete) const;
  bool Keeps(const std::string& topic, const std::string& field) const;
  RowOp Fill(const Plan& plan, const SinkRecord& record, const Value* row, size_t index,
             OpKind kind, const TableId& table) const;
  bool IsEnvelope(const SchemaPtr& schema);

  JdbcSinkConfig config_;
  Dialect dialect_;  // to check names as they would be written
  std::map<std::string, TableEntry, std::less<>> tables_;
  std::vector<Plan> plans_;
  size_t last_plan_ = 0;
  const Schema* last_envelope_schema_ = nullptr;
  bool last_envelope_ = false;
};

}  // namespace ck::jdbc
