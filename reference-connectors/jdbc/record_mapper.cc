// Records -> row operations (see record_mapper.h).
#include "reference-connectors/jdbc/record_mapper.h"

#include <algorithm>

#include "reference-connectors/jdbc/value_mapping.h"

namespace ck::jdbc {
namespace {

constexpr size_t kMaxPlans = 256;

const char* InsertKind(InsertMode mode) {
  switch (mode) {
    case InsertMode::kInsert:
      return "insert";
    case InsertMode::kUpsert:
      return "upsert";
    case InsertMode::kUpdate:
      return "update";
  }
  return "?";
}

OpKind WriteKind(InsertMode mode) {
  switch (mode) {
    case InsertMode::kUpsert:
      return OpKind::kUpsert;
    case InsertMode::kUpdate:
      return OpKind::kUpdate;
    case InsertMode::kInsert:
      break;
  }
  return OpKind::kInsert;
}

bool SameSchema(const SchemaPtr& a, const SchemaPtr& b) {
  return a.get() == b.get() || SchemaEquals(a, b);
}

}  // namespace

RecordMapper::RecordMapper(const JdbcSinkConfig& config)
    : config_(config), dialect_(config.connection.kind, config.quoting) {}

const RecordMapper::TableEntry& RecordMapper::Entry(const std::string& topic) {
  if (auto it = tables_.find(topic); it != tables_.end()) return it->second;
  std::string safe_topic = topic;
  std::replace(safe_topic.begin(), safe_topic.end(), '.', '_');
  const std::string& format = config_.table_name_format;
  // The format's last dot outside ${topic} separates schema and table; dots of the topic do not.
  std::string schema;
  std::string name;
  const size_t last_dot = format.rfind('.');
  for (size_t i = 0; i < format.size(); ++i) {
    if (format.compare(i, 8, "${topic}") == 0) {
      name += safe_topic;
      i += 7;
    } else if (i == last_dot && !name.empty()) {
      schema = std::move(name);
      name.clear();
    } else {
      name += format[i];
    }
  }
  TableEntry entry{TableId{std::move(schema), std::move(name)}, {}};
  try {
    dialect_.Table(entry.table);
  } catch (const DataError& e) {
    entry.error = e.what();
  }
  return tables_.emplace(topic, std::move(entry)).first->second;
}

bool RecordMapper::IsEnvelope(const SchemaPtr& schema) {
  if (schema.get() == last_envelope_schema_) return last_envelope_;
  bool envelope = false;
  if (schema->type() == Type::kStruct) {
    const Field* op = schema->field("op");
    const Field* after = schema->field("after");
    const Field* before = schema->field("before");
    envelope = op != nullptr && op->schema->type() == Type::kString && after != nullptr &&
               after->schema->type() == Type::kStruct && before != nullptr &&
               before->schema->type() == Type::kStruct;
  }
  last_envelope_schema_ = schema.get();
  last_envelope_ = envelope;
  return envelope;
}

bool RecordMapper::Keeps(const std::string& topic, const std::string& field) const {
  const auto matches = [&](const std::vector<std::string>& list) {
    for (const std::string& entry : list) {
      if (entry == field) return true;
      if (entry.size() == topic.size() + 1 + field.size() && entry.starts_with(topic) &&
          entry[topic.size()] == ':' && entry.ends_with(field)) {
        return true;
      }
    }
    return false;
  };
  if (!config_.fields_include.empty()) return matches(config_.fields_include);
  if (!config_.fields_exclude.empty()) return !matches(config_.fields_exclude);
  return true;
}

RecordMapper::Plan RecordMapper::BuildPlan(const SinkRecord& record, const SchemaPtr& row_schema,
                                           const Value* row, bool for_delete) const {
  Plan plan;
  plan.topic = record.topic;
  plan.for_delete = for_delete;
  plan.key_schema = record.key_schema;
  plan.row_schema = row_schema;
  auto shape = std::make_shared<Shape>();
  const bool envelope = row != &record.value;
  const std::string row_prefix = envelope ? "after." : "value.";

  const auto add = [&](std::vector<Column>& columns, std::string name, SchemaPtr schema,
                       std::string field, Extract extract, const Value* value) {
    try {
      dialect_.Quote(name);
    } catch (const DataError& e) {
      throw MappingError(field, value != nullptr ? DescribeValue(*value) : "?", e.what());
    }
    const ColumnKind kind = Classify(*schema);
    if (kind == ColumnKind::kUnsupported) {
      throw MappingError(field, value != nullptr ? DescribeValue(*value) : "?",
                         "its type " + std::string(TypeName(schema->type())) +
                             (schema->name().empty() ? "" : " (" + schema->name() + ")") +
                             " has no column type; drop or flatten it (e.g. with "
                             "ReplaceField or Flatten)");
    }
    columns.push_back(Column{std::move(name), std::move(schema), kind, std::move(field)});
    plan.extracts.push_back(extract);
  };

  std::vector<std::string> key_names;
  switch (config_.pk_mode) {
    case PkMode::kNone:
      break;
    case PkMode::kKafka: {
      static const std::vector<std::string> kDefaults = {"__connect_topic", "__connect_partition",
                                                         "__connect_offset"};
      const auto& names = config_.pk_fields.empty() ? kDefaults : config_.pk_fields;
      add(shape->keys, names[0], Schema::String(), "topic", {Source::kTopic}, nullptr);
      add(shape->keys, names[1], Schema::Int32(), "partition", {Source::kPartition}, nullptr);
      add(shape->keys, names[2], Schema::Int64(), "offset", {Source::kOffset}, nullptr);
      break;
    }
    case PkMode::kRecordKey: {
      const SchemaPtr& key_schema = record.key_schema;
      if (key_schema == nullptr) {
        throw MappingError("key", DescribeValue(record.key),
                           "pk.mode=record_key needs a record key with a schema");
      }
      if (key_schema->type() != Type::kStruct) {
        if (config_.pk_fields.size() > 1) {
          throw MappingError("key", DescribeValue(record.key),
                             "a primitive key makes one column, but pk.fields names " +
                                 std::to_string(config_.pk_fields.size()));
        }
        const std::string name = config_.pk_fields.empty() ? "__connect_key" : config_.pk_fields[0];
        add(shape->keys, name, key_schema, "key", {Source::kKey}, &record.key);
        key_names.push_back(name);
        break;
      }
      const auto add_key_field = [&](const Field& f) {
        const Value* v = record.key.is_null() ? nullptr : &record.key.as_struct().get(f);
        add(shape->keys, f.name, f.schema, "key." + f.name, {Source::kKeyField, f.index}, v);
        key_names.push_back(f.name);
      };
      if (config_.pk_fields.empty()) {
        for (const Field& f : key_schema->fields()) add_key_field(f);
      } else {
        for (const std::string& name : config_.pk_fields) {
          const Field* f = key_schema->field(name);
          if (f == nullptr) {
            throw MappingError("key." + name, "missing",
                               "pk.fields names it, but the record key has no such field");
          }
          add_key_field(*f);
        }
      }
      break;
    }
    case PkMode::kRecordValue: {
      const auto add_value_field = [&](const Field& f) {
        add(shape->keys, f.name, f.schema, row_prefix + f.name, {Source::kRowField, f.index},
            row != nullptr ? &row->as_struct().get(f) : nullptr);
        key_names.push_back(f.name);
      };
      if (row_schema == nullptr) break;
      if (config_.pk_fields.empty()) {
        for (const Field& f : row_schema->fields()) add_value_field(f);
      } else {
        for (const std::string& name : config_.pk_fields) {
          const Field* f = row_schema->field(name);
          if (f == nullptr) {
            throw MappingError(row_prefix + name, "missing",
                               "pk.fields names it, but the record value has no such field");
          }
          add_value_field(*f);
        }
      }
      break;
    }
  }
  if (!for_delete && row_schema != nullptr) {
    for (const Field& f : row_schema->fields()) {
      if (std::find(key_names.begin(), key_names.end(), f.name) != key_names.end()) continue;
      if (!Keeps(record.topic, f.name)) continue;
      add(shape->values, f.name, f.schema, row_prefix + f.name, {Source::kRowField, f.index},
          row != nullptr ? &row->as_struct().get(f) : nullptr);
    }
  }
  plan.shape = std::move(shape);
  return plan;
}

const RecordMapper::Plan& RecordMapper::PlanFor(const SinkRecord& record,
                                                const SchemaPtr& row_schema, const Value* row,
                                                bool for_delete) {
  const auto fits = [&](const Plan& p) {
    return p.for_delete == for_delete && p.topic == record.topic &&
           SameSchema(p.key_schema, record.key_schema) &&
           (for_delete || SameSchema(p.row_schema, row_schema));
  };
  if (last_plan_ < plans_.size() && fits(plans_[last_plan_])) return plans_[last_plan_];
  for (size_t i = 0; i < plans_.size(); ++i) {
    if (fits(plans_[i])) {
      last_plan_ = i;
      return plans_[i];
    }
  }
  Plan plan = BuildPlan(record, row_schema, row, for_delete);
  if (plans_.size() >= kMaxPlans) plans_.clear();
  plans_.push_back(std::move(plan));
  last_plan_ = plans_.size() - 1;
  return plans_.back();
}

RowOp RecordMapper::Fill(const Plan& plan, const SinkRecord& record, const Value* row, size_t index,
                         OpKind kind, const TableId& table) const {
  RowOp op;
  op.record = index;
  op.kind = kind;
  op.table = &table;
  op.shape = plan.shape;
  const Shape& shape = *plan.shape;
  op.values.reserve(shape.size());
  for (size_t i = 0; i < plan.extracts.size(); ++i) {
    const Extract& e = plan.extracts[i];
    const Column& column = shape.at(i);
    const Value* value = nullptr;
    switch (e.source) {
      case Source::kTopic:
        op.values.push_back(SqlValue::Str(SqlValue::Kind::kText, record.topic));
        continue;
      case Source::kPartition:
        op.values.push_back(
            SqlValue::Int(SqlValue::Kind::kInt, record.kafka_partition.value_or(-1)));
        continue;
      case Source::kOffset:
        op.values.push_back(SqlValue::Int(SqlValue::Kind::kInt, record.kafka_offset));
        continue;
      case Source::kKey:
        value = &record.key;
        break;
      case Source::kKeyField:
        if (record.key.is_null()) {
          throw MappingError("key", "null", "pk.mode=record_key needs a non-null record key");
        }
        {
          const Struct& key = record.key.as_struct();
          value = &key.get(key.schema()->fields()[e.index]);
          break;
        }
      case Source::kRowField: {
        const Struct& s = row->as_struct();
        value = &s.get(s.schema()->fields()[e.index]);
        break;
      }
    }
    if (i < shape.keys.size() && value->is_null()) {
      throw MappingError(column.field, "null", "primary key columns cannot be null");
    }
    try {
      op.values.push_back(ToSqlValue(column.kind, *column.schema, *value));
    } catch (const MappingError&) {
      throw;
    } catch (const DataError& e) {
      throw MappingError(column.field, DescribeValue(*value), e.what());
    }
  }
  return op;
}

std::optional<RowOp> RecordMapper::Map(const SinkRecord& record, size_t index,
                                       std::string* skip_reason) {
  const TableEntry& entry = Entry(record.topic);
  if (!entry.error.empty()) {
    throw MappingError("topic", "\"" + record.topic + "\"", "table name: " + entry.error);
  }
  const TableId& table = entry.table;
  if (record.value.is_null()) {
    if (!config_.delete_enabled) {
      *skip_reason = "a tombstone (null value) and delete.enabled=false";
      return std::nullopt;
    }
    const Plan& plan = PlanFor(record, nullptr, nullptr, true);
    return Fill(plan, record, nullptr, index, OpKind::kDelete, table);
  }
  if (record.value_schema == nullptr) {
    throw MappingError("value", DescribeValue(record.value),
                       "records need a value schema; use a converter that gives one, e.g. "
                       "JsonConverter with schemas.enable=true");
  }
  if (record.value_schema->type() != Type::kStruct) {
    throw MappingError(
        "value", DescribeValue(record.value),
        "record values must be structs, not " + std::string(TypeName(record.value_schema->type())));
  }
  if (IsEnvelope(record.value_schema)) {
    const Struct& envelope = record.value.as_struct();
    const Value& op_value = envelope.get("op");
    const std::string op = op_value.is_null() ? "" : op_value.as_string();
    if (op == "d") {
      if (!config_.delete_enabled) {
        *skip_reason = "a delete event and delete.enabled=false";
        return std::nullopt;
      }
      const Plan& plan = PlanFor(record, nullptr, nullptr, true);
      return Fill(plan, record, nullptr, index, OpKind::kDelete, table);
    }
    if (op == "t") {
      if (!config_.truncate_enabled) {
        *skip_reason = "a truncate event and truncate.enabled=false";
        return std::nullopt;
      }
      RowOp truncate;
      truncate.record = index;
      truncate.kind = OpKind::kTruncate;
      truncate.table = &table;
      return truncate;
    }
    if (op != "c" && op != "r" && op != "u") {
      *skip_reason = "a change event with op \"" + op + "\", which writes no row";
      return std::nullopt;
    }
    const Value& after = envelope.get("after");
    if (after.is_null()) {
      throw MappingError("after", "null", "a change event with op " + op + " needs an after row");
    }
    const SchemaPtr& row_schema = record.value_schema->field("after")->schema;
    const Plan& plan = PlanFor(record, row_schema, &after, false);
    return Fill(plan, record, &after, index, WriteKind(config_.insert_mode), table);
  }
  const Plan& plan = PlanFor(record, record.value_schema, &record.value, false);
  if (plan.shape->values.empty() && config_.insert_mode == InsertMode::kUpdate) {
    *skip_reason = std::string("a record with no column besides the key, in insert.mode=") +
                   InsertKind(config_.insert_mode);
    return std::nullopt;
  }
  return Fill(plan, record, &record.value, index, WriteKind(config_.insert_mode), table);
}

}  // namespace ck::jdbc
