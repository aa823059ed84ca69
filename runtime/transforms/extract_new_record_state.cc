// Debezium's ExtractNewRecordState (see extract_new_record_state.h). The order of operations is
// Debezium's: tombstones first, then records that are not change events pass unchanged, then the
// add.headers headers go on the input record, then the row is extracted (`after`, or `before` for a
// rewritten delete), __deleted is inserted (rewrite modes), add.fields appended, and the topic set
// from route.by.field.
#include "runtime/transforms/extract_new_record_state.h"

#include <algorithm>
#include <cctype>
#include <utility>

namespace ck::runtime {
namespace {

using errors_internal::StrCat;
using transforms_internal::Lower;
using transforms_internal::MapGet;
using transforms_internal::MapPut;
using transforms_internal::OneOf;

constexpr std::string_view kSmt = "ExtractNewRecordState";
constexpr std::string_view kDeletedField = "__deleted";

// Which struct of the envelope holds a field named without one (Debezium's
// FieldReference.determineStruct): op and the ts_* fields are top-level, the transaction's id,
// total_order and data_collection_order are in `transaction`, the rest in `source`.
std::string ParentOf(const std::string& field) {
  if (field == "id" || field == "total_order" || field == "data_collection_order") {
    return "transaction";
  }
  if (field == "op" || field == "ts_ms" || field == "ts_us" || field == "ts_ns") return "";
  if (field == "updateDescription") return field;
  return "source";
}

bool IsEnvelopeName(std::string_view name) { return name.ends_with(".Envelope"); }

// A schemaless envelope: a map with a string "op" and a "before" or "after" entry.
bool IsSchemalessEnvelope(const Value& value) {
  if (value.type() != Type::kMap) return false;
  const Value* op = MapGet(value.as_map(), "op");
  return op != nullptr && op->type() == Type::kString &&
         (MapGet(value.as_map(), "after") != nullptr ||
          MapGet(value.as_map(), "before") != nullptr);
}

}  // namespace

ConfigDef ExtractNewRecordState::config() const {
  ConfigDef def;
  def.define(
         ConfigDef::Key("delete.tombstone.handling.mode", ConfigType::kString)
             .default_value(nullptr)
             .validator(OneOf(
                 {"drop", "tombstone", "rewrite", "rewrite-with-tombstone", "delete-to-tombstone"}))
             .importance(Importance::kMedium)
             .doc(
                 "How to handle delete records and tombstones. drop: remove the delete event "
                 "and tombstone from the stream; tombstone (the default): for each delete event, "
                 "leave only a tombstone in the stream; rewrite: remove tombstones and add a "
                 "`__deleted` field with the value `true` to deletes (`false` to other events); "
                 "rewrite-with-tombstone: as rewrite, but keep tombstones; delete-to-tombstone: "
                 "turn delete events into tombstones (null value and schema) and drop tombstones."))
      .define(ConfigDef::Key("drop.tombstones", ConfigType::kBoolean)
                  .default_value(true)
                  .importance(Importance::kLow)
                  .doc("Deprecated (Debezium 3.2 removed it): whether to drop tombstones; read "
                       "only when delete.tombstone.handling.mode is not set."))
      .define(
          ConfigDef::Key("delete.handling.mode", ConfigType::kString)
              .default_value("drop")
              .validator(OneOf({"drop", "rewrite", "none"}))
              .importance(Importance::kMedium)
              .doc("Deprecated (Debezium 3.2 removed it): none, drop or rewrite delete records; "
                   "read only when delete.tombstone.handling.mode is not set."))
      .define(ConfigDef::Key("route.by.field", ConfigType::kString)
                  .default_value("")
                  .importance(Importance::kLow)
                  .doc("The column which determines how the events will be routed, the value will "
                       "replace the topic name."))
      .define(ConfigDef::Key("add.fields.prefix", ConfigType::kString)
                  .default_value("__")
                  .importance(Importance::kLow)
                  .doc("Adds this prefix to each field listed."))
      .define(ConfigDef::Key("add.fields", ConfigType::kList)
                  .default_value("")
                  .importance(Importance::kLow)
                  .doc("Adds each field listed, prefixed with __ (or __<struct>_ if the struct is "
                       "specified). Example: 'version,connector,source.ts_ms' would add "
                       "__version, __connector and __source_ts_ms fields. Optionally one can also "
                       "map new field name like version:VERSION,connector:CONNECTOR,source.ts_ms:"
                       "EVENT_TIMESTAMP."))
      .define(ConfigDef::Key("add.headers.prefix", ConfigType::kString)
                  .default_value("__")
                  .importance(Importance::kLow)
                  .doc("Adds this prefix listed to each header."))
      .define(ConfigDef::Key("add.headers", ConfigType::kList)
                  .default_value("")
                  .importance(Importance::kLow)
                  .doc("Adds each field listed to the header, __ (or __<struct>_ if the struct is "
                       "specified), with the same syntax as add.fields."))
      .define(ConfigDef::Key("drop.fields.header.name", ConfigType::kString)
                  .default_value(nullptr)
                  .importance(Importance::kLow)
                  .doc("Not supported by ConnectKit (setting it is a configuration error)."))
      .define(ConfigDef::Key("drop.fields.from.key", ConfigType::kBoolean)
                  .default_value(false)
                  .importance(Importance::kLow)
                  .doc("Only meaningful with drop.fields.header.name, which is not supported."))
      .define(ConfigDef::Key("drop.fields.keep.schema.compatible", ConfigType::kBoolean)
                  .default_value(true)
                  .importance(Importance::kLow)
                  .doc("Only meaningful with drop.fields.header.name, which is not supported."))
      .define(ConfigDef::Key("replace.null.with.default", ConfigType::kBoolean)
                  .default_value(true)
                  .importance(Importance::kLow)
                  .doc("When this option is enabled, null field values are replaced by "
                       "source-defined defaults when rewriting the record."));
  return def;
}

std::vector<ExtractNewRecordState::FieldReference> ExtractNewRecordState::ParseReferences(
    const std::string& prefix, const std::vector<std::string>& list) {
  std::vector<FieldReference> out;
  for (std::string entry : list) {
    const size_t first = entry.find_first_not_of(" \t");
    if (first == std::string::npos) continue;
    entry = entry.substr(first, entry.find_last_not_of(" \t") - first + 1);
    const size_t colon = entry.find(':');
    if (colon != std::string::npos && entry.find(':', colon + 1) != std::string::npos) {
      throw ConfigError(StrCat(kSmt, ": Unexpected field name: ", entry,
                               " (expected field, struct.field, or either with :alias)"));
    }
    const std::string path = entry.substr(0, colon);
    const size_t dot = path.find('.');
    FieldReference ref;
    if (dot == std::string::npos) {
      ref.field = path;
      ref.parent = ParentOf(path);
    } else {
      ref.parent = path.substr(0, dot);
      const size_t second = path.find('.', dot + 1);
      ref.field =
          path.substr(dot + 1, second == std::string::npos ? std::string::npos : second - dot - 1);
    }
    if (colon != std::string::npos) {
      ref.output = prefix + entry.substr(colon + 1);
    } else {
      ref.output = prefix + (dot == std::string::npos ? ref.field : ref.parent + "_" + ref.field);
    }
    out.push_back(std::move(ref));
  }
  return out;
}

void ExtractNewRecordState::configure(const ConfigMap& props) {
  const ParsedConfig config = this->config().Parse(props);
  if (const auto* header =
          transforms_internal::ConfigGet<std::string>(config, "drop.fields.header.name");
      header != nullptr && !header->empty()) {
    throw ConfigError("drop.fields.header.name", *header,
                      "ExtractNewRecordState's drop-fields-by-header feature is not supported by "
                      "ConnectKit; drop the fields with ReplaceField instead");
  }
  const auto* mode =
      transforms_internal::ConfigGet<std::string>(config, "delete.tombstone.handling.mode");
  const bool legacy = mode == nullptr &&
                      (props.contains("drop.tombstones") || props.contains("delete.handling.mode"));
  rewrite_ = false;
  if (legacy) {
    // Debezium <= 3.1, when delete.tombstone.handling.mode is not set.
    keep_tombstones_ = !std::get<bool>(config.at("drop.tombstones"));
    const std::string deletes = Lower(std::get<std::string>(config.at("delete.handling.mode")));
    delete_ = deletes == "drop"   ? Delete::kDrop
              : deletes == "none" ? Delete::kNullValue
                                  : Delete::kRewrite;
    rewrite_ = delete_ == Delete::kRewrite;
  } else {
    const std::string m = mode != nullptr ? Lower(*mode) : "tombstone";
    keep_tombstones_ = m == "rewrite-with-tombstone";
    delete_ = m == "drop"                  ? Delete::kDrop
              : m == "tombstone"           ? Delete::kNullValue
              : m == "delete-to-tombstone" ? Delete::kNullValueNoSchema
                                           : Delete::kRewrite;
    rewrite_ = delete_ == Delete::kRewrite;
  }
  add_fields_ = ParseReferences(std::get<std::string>(config.at("add.fields.prefix")),
                                std::get<std::vector<std::string>>(config.at("add.fields")));
  add_headers_ = ParseReferences(std::get<std::string>(config.at("add.headers.prefix")),
                                 std::get<std::vector<std::string>>(config.at("add.headers")));
  route_by_field_ = std::get<std::string>(config.at("route.by.field"));
  replace_null_with_default_ = std::get<bool>(config.at("replace.null.with.default"));
  memo_ = {};
}

auto ExtractNewRecordState::Resolve(const FieldReference& ref, SchemaView envelope,
                                    RecordEditor& out) const -> Resolved {
  Resolved r;
  SchemaView parent = envelope;
  if (!ref.parent.empty()) {
    const std::optional<size_t> at = envelope.field_index(ref.parent);
    if (!at || envelope.field_schema(*at).type() != Type::kStruct) return r;  // not in this event
    r.parent = static_cast<int>(*at);
    parent = envelope.field_schema(*at);
  }
  std::optional<size_t> index = parent.field_index(ref.field);
  SchemaView field_schema;
  if (index) {
    field_schema = parent.field_schema(*index);
  } else {
    // Debezium: a field another SMT added to the envelope itself.
    index = envelope.field_index(ref.field);
    if (!index) return r;
    r.parent = -1;
    field_schema = envelope.field_schema(*index);
  }
  r.present = true;
  r.index = static_cast<int>(*index);
  // Debezium: SchemaUtil.copySchemaBasics(field schema).optional(); no default value.
  const SchemaPtr original = field_schema.ToSchema();
  SchemaBuilder copy = original->type() == Type::kArray
                           ? SchemaBuilder::array(original->value_schema())
                       : original->type() == Type::kMap
                           ? SchemaBuilder::map(original->key_schema(), original->value_schema())
                           : SchemaBuilder::type(original->type());
  if (!original->name().empty()) copy.name(original->name());
  if (original->version()) copy.version(*original->version());
  if (!original->doc().empty()) copy.doc(original->doc());
  for (const std::string& key : original->parameter_order()) {
    copy.parameter(key, original->parameters().at(key));
  }
  if (original->type() == Type::kStruct) {
    for (const Field& f : original->fields()) copy.field(f.name, f.schema);
  }
  r.schema = out.schema(copy.optional().build());
  return r;
}

SchemaView ExtractNewRecordState::OutputSchema(SchemaView row, const Plan& plan,
                                               RecordEditor& out) const {
  if (!rewrite_ && add_fields_.empty()) return SchemaView();  // the row as it is
  if (row.type() != Type::kStruct) {
    throw DataError(StrCat(kSmt, ": the row schema of ", row.name(), " is ", TypeName(row.type()),
                           ", not a struct: cannot add fields to it"));
  }
  // InsertField's and Debezium's copySchemaBasics: name, version, doc, parameters; required.
  SchemaBuilder builder = transforms_internal::CopyStructBasics(*row.ToSchema());
  for (size_t i = 0; i < row.field_count(); ++i) {
    builder.field(std::string(row.field_name(i)), row.field_schema(i).ToSchema());
  }
  try {
    if (rewrite_) builder.field(std::string(kDeletedField), Schema::OptionalString());
    for (size_t i = 0; i < add_fields_.size(); ++i) {
      if (plan.fields[i].present) {
        builder.field(add_fields_[i].output, plan.fields[i].schema.ToSchema());
      }
    }
  } catch (const SchemaBuilderError& e) {
    throw DataError(StrCat(kSmt, ": cannot add fields to ", row.name(), ": ", e.what()));
  }
  return out.schema(builder.build());
}

auto ExtractNewRecordState::MakePlan(SchemaView envelope, RecordEditor& out) const -> Plan {
  Plan plan;
  if (envelope.type() != Type::kStruct || !IsEnvelopeName(envelope.name())) return plan;
  const std::optional<size_t> before = envelope.field_index("before");
  const std::optional<size_t> after = envelope.field_index("after");
  if (!before || !after) {
    throw DataError(StrCat(kSmt, ": the change event schema ", envelope.name(), " has no \"",
                           before ? "after" : "before",
                           "\" field; expected Debezium's envelope (before, after, source, op, "
                           "ts_ms)"));
  }
  plan.envelope = true;
  plan.before = static_cast<int>(*before);
  plan.after = static_cast<int>(*after);
  for (const FieldReference& ref : add_fields_) plan.fields.push_back(Resolve(ref, envelope, out));
  for (const FieldReference& ref : add_headers_) {
    plan.headers.push_back(Resolve(ref, envelope, out));
  }
  const SchemaView after_row = envelope.field_schema(*after);
  const SchemaView before_row = envelope.field_schema(*before);
  plan.upsert_schema = OutputSchema(after_row, plan, out);
  if (delete_ == Delete::kRewrite) plan.delete_schema = OutputSchema(before_row, plan, out);
  if (rewrite_ && replace_null_with_default_) {
    if (after_row.type() == Type::kStruct) {
      plan.after_defaults = transforms_internal::FieldsWithDefaults(after_row);
    }
    if (before_row.type() == Type::kStruct) {
      plan.before_defaults = transforms_internal::FieldsWithDefaults(before_row);
    }
  }
  if (!route_by_field_.empty()) {
    if (after_row.type() == Type::kStruct)
      plan.route_after = after_row.field_index(route_by_field_);
    if (before_row.type() == Type::kStruct) {
      plan.route_before = before_row.field_index(route_by_field_);
    }
  }
  return plan;
}

ValueView ExtractNewRecordState::ReferencedValue(const Resolved& resolved, ValueView envelope,
                                                 RecordEditor& out) const {
  ValueView holder = envelope;
  if (resolved.parent >= 0) {
    holder = envelope.field_without_default(static_cast<size_t>(resolved.parent));
    // e.g. `transaction`, null while snapshotting
    if (holder.is_null()) return out.make(resolved.schema, Value());
  }
  const ValueView value = holder.field_without_default(static_cast<size_t>(resolved.index));
  return ValueView(&value.abi(), resolved.schema);
}

void ExtractNewRecordState::Route(RecordEditor& out, ValueView row, std::optional<size_t> index,
                                  const char* row_name, std::string_view topic) const {
  if (route_by_field_.empty()) return;
  if (!index) {
    throw DataError(StrCat(kSmt, ": route.by.field \"", route_by_field_,
                           "\" is not a field of the ", row_name,
                           " row of the change event on topic ", topic));
  }
  const ValueView value = row.field_without_default(*index);
  if (value.is_null()) return;  // Debezium keeps the topic
  if (value.type() != Type::kString) {
    throw DataError(StrCat(kSmt, ": route.by.field \"", route_by_field_,
                           "\" must be a string to "
                           "name a topic, but it is ",
                           value.type_name(),
                           " in the change event on "
                           "topic ",
                           topic));
  }
  out.set_topic(value.as_string());
}

bool ExtractNewRecordState::transform(const RecordView& in, RecordEditor& out) {
  const ValueView value = in.value();
  if (value.is_null()) {
    // A tombstone: kept only by rewrite-with-tombstone (or legacy drop.tombstones=false), with an
    // op header of "d" when add.headers asks for op.
    if (!keep_tombstones_) return false;
    for (const FieldReference& ref : add_headers_) {
      if (ref.parent.empty() && ref.field == "op") {
        out.add_header(ref.output, out.make_string(out.schema(Schema::String()), "d"));
      }
    }
    return true;
  }
  if (!value.schema()) return TransformSchemaless(in, out);
  if (value.type() != Type::kStruct) return true;
  return TransformStruct(in, out);
}

bool ExtractNewRecordState::TransformStruct(const RecordView& in, RecordEditor& out) {
  const ValueView envelope = in.value();
  const Plan& plan =
      memo_.get(out, envelope.schema(), [&](SchemaView schema) { return MakePlan(schema, out); });
  if (!plan.envelope) return true;  // heartbeats, schema changes, ...: unchanged
  for (size_t i = 0; i < add_headers_.size(); ++i) {
    if (plan.headers[i].present) {
      out.add_header(add_headers_[i].output, ReferencedValue(plan.headers[i], envelope, out));
    }
  }
  const ValueView after = envelope.field(static_cast<size_t>(plan.after));
  const ValueView before = envelope.field(static_cast<size_t>(plan.before));
  const bool deleted = after.is_null();
  if (deleted && before.is_null()) return false;  // a truncate (or an empty event): dropped
  const ValueView row = deleted ? before : after;
  Route(out, row, deleted ? plan.route_before : plan.route_after, deleted ? "before" : "after",
        in.topic());
  if (deleted) {
    switch (delete_) {
      case Delete::kDrop:
        return false;
      case Delete::kNullValue:
        out.set_value(after);  // null, with the row schema (ExtractField of `after`)
        return true;
      case Delete::kNullValueNoSchema:
        out.set_value(ValueView());
        return true;
      case Delete::kRewrite:
        break;
    }
  }
  const SchemaView schema = deleted ? plan.delete_schema : plan.upsert_schema;
  if (!schema) {
    out.set_value(row);  // the row itself, by pointer
    return true;
  }
  transforms_internal::RequireStruct(kSmt, row, "source field insertion");
  StructBuilder flat = out.make_struct(schema);
  flat.set_first_fields(row);
  for (const uint32_t i : deleted ? plan.before_defaults : plan.after_defaults) {
    if (row.field_without_default(i).is_null()) flat.set(i, row.field(i));
  }
  size_t next = row.size();
  if (rewrite_) {
    flat.set(next, out.make_string(schema.field_schema(next), deleted ? "true" : "false"));
    ++next;
  }
  for (const Resolved& field : plan.fields) {
    if (field.present) flat.set(next++, ReferencedValue(field, envelope, out));
  }
  out.set_value(flat.value());
  return true;
}

bool ExtractNewRecordState::TransformSchemaless(const RecordView& in, RecordEditor& out) {
  const Value envelope = in.value().ToValue();
  if (!IsSchemalessEnvelope(envelope)) return true;
  const Value::Map& map = envelope.as_map();
  const auto lookup = [&](const FieldReference& ref) -> const Value* {
    const Value* holder = &envelope;
    if (!ref.parent.empty()) {
      const Value* parent = MapGet(map, ref.parent);
      if (parent != nullptr && parent->type() == Type::kMap) holder = parent;
      if (parent != nullptr && parent->is_null()) return nullptr;
    }
    const Value* found = MapGet(holder->as_map(), ref.field);
    if (found == nullptr && holder != &envelope) found = MapGet(map, ref.field);
    return found;
  };
  for (const FieldReference& ref : add_headers_) {
    if (const Value* found = lookup(ref)) out.add_header(ref.output, nullptr, *found);
  }
  const Value* after = MapGet(map, "after");
  const Value* before = MapGet(map, "before");
  const bool deleted = after == nullptr || after->is_null();
  if (deleted && (before == nullptr || before->is_null())) return false;
  const Value& row = deleted ? *before : *after;
  if (!route_by_field_.empty()) {
    if (row.type() != Type::kMap) {
      throw DataError(StrCat(kSmt, ": the ", deleted ? "before" : "after",
                             " row of the change "
                             "event on topic ",
                             in.topic(), " is ", row.type_name(),
                             ", not a map: cannot read route.by.field \"", route_by_field_, "\""));
    }
    const Value* topic = MapGet(row.as_map(), route_by_field_);
    if (topic == nullptr) {
      throw DataError(StrCat(kSmt, ": route.by.field \"", route_by_field_,
                             "\" is not a field of "
                             "the ",
                             deleted ? "before" : "after",
                             " row of the change event on "
                             "topic ",
                             in.topic()));
    }
    if (topic->type() == Type::kString) {
      out.set_topic(topic->as_string());
    } else if (!topic->is_null()) {
      throw DataError(StrCat(kSmt, ": route.by.field \"", route_by_field_,
                             "\" must be a string to "
                             "name a topic, but it is ",
                             topic->type_name(),
                             " in the change "
                             "event on topic ",
                             in.topic()));
    }
  }
  if (deleted && delete_ != Delete::kRewrite) {
    if (delete_ == Delete::kDrop) return false;
    out.set_value(ValueView());
    return true;
  }
  if (!rewrite_ && add_fields_.empty()) {
    out.set_value(nullptr, row);
    return true;
  }
  if (row.type() != Type::kMap) {
    throw DataError(StrCat(kSmt,
                           ": Only Map objects supported in absence of schema for [source "
                           "field insertion], found: ",
                           row.type_name(), " (the ", deleted ? "before" : "after",
                           " row of the change event on topic ", in.topic(), ")"));
  }
  Value::Map flat = row.as_map();
  if (rewrite_) MapPut(flat, kDeletedField, deleted ? "true" : "false");
  for (const FieldReference& ref : add_fields_) {
    if (const Value* found = lookup(ref)) MapPut(flat, ref.output, *found);
  }
  out.set_value(nullptr, Value(std::move(flat)));
  return true;
}

}  // namespace ck::runtime
