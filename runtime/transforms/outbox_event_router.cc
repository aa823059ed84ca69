// Debezium's outbox EventRouter (see outbox_event_router.h), following EventRouterDelegate.apply:
// tombstones dropped, non-envelopes unchanged, deletes skipped, updates per
// table.op.invalid.behavior, then the event's timestamp, id header, payload (expanded when asked),
// additional fields, key, and the topic through the regex router.
#include "runtime/transforms/outbox_event_router.h"

#include <algorithm>
#include <cctype>
#include <limits>
#include <nlohmann/json.hpp>
#include <utility>

namespace ck::runtime {
namespace {

using errors_internal::StrCat;
using transforms_internal::Lower;
using transforms_internal::OneOf;
using Json = nlohmann::ordered_json;

constexpr std::string_view kSmt = "EventRouter";

// Java's String.trim().isEmpty(): only characters up to U+0020.
bool BlankString(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) <= ' '; });
}

// ---- table.expand.json.payload: Debezium's JsonSchemaData ----

// The schema inferred for `node`, or nullptr when it has none (null, empty array): such object
// fields are left out.
SchemaPtr InferSchema(const std::optional<std::string>& name, const Json& node,
                      bool nulls_as_bytes);

// The schema of a number as Jackson reads it: int, long, or (anything else) double.
SchemaPtr NumberSchema(const Json& node) {
  if (node.is_number_float()) return Schema::OptionalFloat64();
  if (node.is_number_unsigned()) {
    const uint64_t n = node.get<uint64_t>();
    if (n <= static_cast<uint64_t>(std::numeric_limits<int32_t>::max())) {
      return Schema::OptionalInt32();
    }
    if (n <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return Schema::OptionalInt64();
    }
    return Schema::OptionalFloat64();  // a BigInteger: its value will not fit (as in Debezium)
  }
  const int64_t n = node.get<int64_t>();
  if (n >= std::numeric_limits<int32_t>::min() && n <= std::numeric_limits<int32_t>::max()) {
    return Schema::OptionalInt32();
  }
  return Schema::OptionalInt64();
}

// Fields of both, `right`'s replacing `left`'s only where left's is bytes (a null) and right's is
// not (JsonSchemaData.mergeSchema).
SchemaPtr MergeSchemas(const SchemaPtr& left, const SchemaPtr& right) {
  if (left == nullptr) return right;
  std::vector<std::pair<std::string, SchemaPtr>> fields;
  for (const Field& f : left->fields()) fields.emplace_back(f.name, f.schema);
  for (const Field& f : right->fields()) {
    auto it = std::find_if(fields.begin(), fields.end(),
                           [&](const auto& entry) { return entry.first == f.name; });
    if (it == fields.end()) {
      fields.emplace_back(f.name, f.schema);
    } else if (!SchemaEquals(it->second, f.schema) && it->second->type() == Type::kBytes &&
               f.schema->type() != Type::kBytes) {
      it->second = f.schema;
    }
  }
  SchemaBuilder builder = transforms_internal::CopyStructBasics(*left);
  if (left->optional()) builder.optional();
  for (auto& [field, schema] : fields) builder.field(field, schema);
  return builder.build();
}

SchemaPtr ArrayElementSchema(const std::optional<std::string>& name, const Json& array,
                             bool nulls_as_bytes) {
  const Json* sample = nullptr;
  SchemaPtr number_schema;
  for (const Json& element : array) {
    if (element.is_null()) continue;
    if (sample == nullptr) sample = &element;
    if (element.type() != sample->type() && !(element.is_number() && sample->is_number())) {
      throw DataError(StrCat("Field is not a homogenous array (", sample->dump(), " x ",
                             element.type_name(), ")"));
    }
    if (element.is_number()) {
      if (!sample->is_number()) throw DataError("Field is not a homogenous array");
      if (number_schema == nullptr) number_schema = NumberSchema(*sample);
      if (NumberSchema(element) != number_schema) {
        throw DataError(StrCat("Field is not a homogenous array (", sample->dump(), " x ",
                               element.dump(), "), different number types"));
      }
    }
  }
  if (sample != nullptr && sample->is_object()) {
    SchemaPtr merged;
    for (const Json& element : array) {
      if (element.is_object())
        merged = MergeSchemas(merged, InferSchema(name, element, nulls_as_bytes));
    }
    return merged;
  }
  SchemaPtr schema = sample != nullptr ? InferSchema(std::nullopt, *sample, nulls_as_bytes)
                                       : InferSchema(std::nullopt, Json(nullptr), nulls_as_bytes);
  if (schema == nullptr)
    throw DataError(StrCat("Array '", array.dump(), "' has unrecognized member schema."));
  return schema;
}

SchemaPtr InferSchema(const std::optional<std::string>& name, const Json& node,
                      bool nulls_as_bytes) {
  switch (node.type()) {
    case Json::value_t::string:
      return Schema::OptionalString();
    case Json::value_t::boolean:
      return Schema::OptionalBoolean();
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float:
      return NumberSchema(node);
    case Json::value_t::array:
      if (node.empty()) return nullptr;
      return SchemaBuilder::array(ArrayElementSchema(name, node, nulls_as_bytes))
          .optional()
          .build();
    case Json::value_t::object: {
      SchemaBuilder builder = SchemaBuilder::struct_().optional();
      if (name) builder.name(*name);
      std::vector<std::string> seen;
      for (const auto& [key, value] : node.items()) {
        SchemaPtr field =
            InferSchema(name ? *name + "." + key : "null." + key, value, nulls_as_bytes);
        if (field == nullptr || std::find(seen.begin(), seen.end(), key) != seen.end()) continue;
        seen.push_back(key);
        builder.field(key, std::move(field));
      }
      return builder.build();
    }
    case Json::value_t::null:
      return nulls_as_bytes ? Schema::OptionalBytes() : nullptr;
    default:
      return nullptr;
  }
}

// JsonSchemaData.toConnectData's getStructFieldValue: the value of `node` for `schema`; Struct::put
// then checks it against the field schema, as Kafka's does.
Value JsonValue(const Json& node, const SchemaPtr& schema) {
  switch (node.type()) {
    case Json::value_t::string:
      return node.get<std::string>();
    case Json::value_t::boolean:
      return node.get<bool>();
    case Json::value_t::number_float:
      return node.get<double>();
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned: {
      const SchemaPtr number = NumberSchema(node);
      if (number->type() == Type::kInt32) return static_cast<int32_t>(node.get<int64_t>());
      if (number->type() == Type::kInt64) return node.get<int64_t>();
      throw DataError(StrCat("number ", node.dump(), " does not fit in an int64"));
    }
    case Json::value_t::array: {
      Value::Array items;
      for (const Json& element : node) items.push_back(JsonValue(element, schema->value_schema()));
      return items;
    }
    case Json::value_t::object: {
      Struct value(schema);
      for (const Field& field : schema->fields()) {
        const auto it = node.find(field.name);
        if (it != node.end()) value.put(field, JsonValue(*it, field.schema));
      }
      return value;
    }
    default:
      return Value();
  }
}

// A struct as a schemaless map (for schemaless outbox events), recursively.
Value WithoutSchema(const Value& value) {
  if (value.type() == Type::kStruct) {
    const Struct& s = value.as_struct();
    Value::Map map;
    for (const Field& field : s.schema()->fields()) {
      const Value& v = s.get_without_default(field.name);
      if (!v.is_null()) map.emplace_back(Value(field.name), WithoutSchema(v));
    }
    return map;
  }
  if (value.type() == Type::kArray) {
    Value::Array items;
    for (const Value& v : value.as_array()) items.push_back(WithoutSchema(v));
    return items;
  }
  return value;
}

}  // namespace

ConfigDef OutboxEventRouter::config() const {
  ConfigDef def;
  const auto string_key = [](const char* name, const char* default_value, Importance importance,
                             const char* doc) {
    ConfigDef::Key key(name, ConfigType::kString);
    if (default_value != nullptr) {
      key.default_value(default_value);
    } else {
      key.default_value(nullptr);
    }
    key.importance(importance).doc(doc);
    return key;
  };
  def.define(string_key("table.field.event.id", "id", Importance::kLow,
                        "The column which contains the event ID within the outbox table"))
      .define(string_key("table.field.event.key", "aggregateid", Importance::kLow,
                         "The column which contains the event key within the outbox table"))
      .define(string_key("table.field.event.type", "type", Importance::kLow,
                         "The column which contains the event type within the outbox table"))
      .define(string_key("table.field.event.payload", "payload", Importance::kLow,
                         "The column which contains the event payload within the outbox table"))
      .define(string_key("table.field.event.timestamp", nullptr, Importance::kMedium,
                         "Optionally you can override the Kafka message timestamp with a value "
                         "from a chosen column, otherwise it'll be the Debezium event processed "
                         "timestamp."))
      .define(ConfigDef::Key("table.fields.additional.placement", ConfigType::kList)
                  .default_value(nullptr)
                  .validator(LambdaValidator(
                      [](const std::string& name, const ConfigValueT& value) {
                        const auto* list = std::get_if<std::vector<std::string>>(&value);
                        if (list == nullptr) return;
                        for (const std::string& entry : *list) {
                          const size_t colons =
                              static_cast<size_t>(std::count(entry.begin(), entry.end(), ':'));
                          const size_t colon = entry.find(':');
                          const std::string placement =
                              colon == std::string::npos
                                  ? ""
                                  : Lower(entry.substr(colon + 1,
                                                       entry.find(':', colon + 1) - colon - 1));
                          if (colons < 1 || colons > 2 || colon == 0 ||
                              (placement != "header" && placement != "envelope" &&
                               placement != "partition")) {
                            throw ConfigError(
                                name, entry,
                                "expected column:placement or column:placement:alias, with "
                                "placement header, envelope or partition");
                          }
                        }
                      },
                      "column:placement[:alias], placement header|envelope|partition"))
                  .importance(Importance::kHigh)
                  .doc("Extra fields can be added as part of the event envelope or a message "
                       "header, format is a list of colon-delimited pairs or trios when you desire "
                       "to have aliases, e.g. id:header,field_name:envelope:alias,"
                       "field_name:partition"))
      .define(ConfigDef::Key("table.fields.additional.error.on.missing", ConfigType::kBoolean)
                  .default_value(true)
                  .importance(Importance::kMedium)
                  .doc("When transforming the 'table.fields.additional.placement' fields, should "
                       "the transform throw an exception if one of the fields is missing in the "
                       "change data"))
      .define(string_key("table.field.event.schema.version", nullptr, Importance::kLow,
                         "The column which contains the event schema version within the outbox "
                         "table"))
      .define(string_key("route.by.field", "aggregatetype", Importance::kHigh,
                         "The column which determines how the events will be routed, the value "
                         "will become part of the topic name"))
      .define(string_key("route.topic.regex", "(?<routedByValue>.*)", Importance::kLow,
                         "The default regex to use within the RegexRouter, the default capture "
                         "will allow to replace the routed field into a new topic name defined in "
                         "'route.topic.replacement'"))
      .define(string_key("route.topic.replacement", "outbox.event.${routedByValue}",
                         Importance::kHigh,
                         "The name of the topic in which the events will be routed, a replacement "
                         "'${routedByValue}' is available which is the value of the column "
                         "configured via 'route.by.field'"))
      .define(ConfigDef::Key("route.tombstone.on.empty.payload", ConfigType::kBoolean)
                  .default_value(false)
                  .importance(Importance::kHigh)
                  .doc("Whether or not an empty payload should cause a tombstone event."))
      .define(ConfigDef::Key("table.op.invalid.behavior", ConfigType::kString)
                  .default_value("warn")
                  .validator(OneOf({"warn", "error", "fatal"}))
                  .importance(Importance::kMedium)
                  .doc("While Debezium is capturing changes from the outbox table, it is "
                       "expecting only to process 'create' or 'delete' row events; in case "
                       "something else is processed this transform can log it as warning, error "
                       "or stop the process."))
      .define(ConfigDef::Key("table.expand.json.payload", ConfigType::kBoolean)
                  .default_value(false)
                  .importance(Importance::kMedium)
                  .doc("Whether or not to try unescaping a JSON string and make it real JSON. It "
                       "will infer schema information from payload and update the record schema "
                       "accordingly. If content is not JSON, it just produces a warning and emits "
                       "the record unchanged"))
      .define(ConfigDef::Key("table.json.payload.null.behavior", ConfigType::kString)
                  .default_value("ignore")
                  .validator(OneOf({"ignore", "optional_bytes"}))
                  .importance(Importance::kMedium)
                  .doc("Behavior when json payload including null value, the default will ignore "
                       "null, optional_bytes will keep the null value, and treat null as optional "
                       "bytes of connect."));
  return def;
}

void OutboxEventRouter::configure(const ConfigMap& props) {
  const ParsedConfig config = this->config().Parse(props);
  const auto text = [&](const char* key) { return std::get<std::string>(config.at(key)); };
  const auto optional_text = [&](const char* key) -> std::optional<std::string> {
    const auto* value = transforms_internal::ConfigGet<std::string>(config, key);
    if (value == nullptr || value->empty()) return std::nullopt;
    return *value;
  };
  id_column_ = text("table.field.event.id");
  key_column_ = text("table.field.event.key");
  payload_column_ = text("table.field.event.payload");
  route_column_ = text("route.by.field");
  timestamp_column_ = optional_text("table.field.event.timestamp");
  version_column_ = optional_text("table.field.event.schema.version");
  additional_.clear();
  if (const auto* list = transforms_internal::ConfigGet<std::vector<std::string>>(
          config, "table.fields.additional.placement")) {
    for (const std::string& entry : *list) {
      const size_t colon = entry.find(':');
      const size_t second = entry.find(':', colon + 1);
      AdditionalField field;
      field.column = entry.substr(0, colon);
      const std::string placement = Lower(entry.substr(
          colon + 1, second == std::string::npos ? std::string::npos : second - colon - 1));
      field.placement = placement == "header"     ? Placement::kHeader
                        : placement == "envelope" ? Placement::kEnvelope
                                                  : Placement::kPartition;
      field.alias = second == std::string::npos ? field.column : entry.substr(second + 1);
      additional_.push_back(std::move(field));
    }
  }
  has_envelope_fields_ = std::any_of(additional_.begin(), additional_.end(), [](const auto& f) {
    return f.placement == Placement::kEnvelope;
  });
  error_on_missing_ = std::get<bool>(config.at("table.fields.additional.error.on.missing"));
  tombstone_on_empty_ = std::get<bool>(config.at("route.tombstone.on.empty.payload"));
  const std::string invalid = Lower(text("table.op.invalid.behavior"));
  invalid_op_ = invalid == "fatal"   ? InvalidOp::kFatal
                : invalid == "error" ? InvalidOp::kError
                                     : InvalidOp::kWarn;
  expand_json_ = std::get<bool>(config.at("table.expand.json.payload"));
  nulls_as_optional_bytes_ = Lower(text("table.json.payload.null.behavior")) == "optional_bytes";
  regex_ = std::make_unique<transforms_internal::JavaRegex>("route.topic.regex",
                                                            text("route.topic.regex"));
  replacement_ = text("route.topic.replacement");
  regex_->CheckReplacement("route.topic.replacement", replacement_);
  routes_.Clear();
  value_schemas_ = {};
}

ValueView OutboxEventRouter::Column(ValueView row, const std::string& column, const char* what,
                                    std::string_view topic) const {
  std::optional<ValueView> value = row.find(column);
  if (!value) {
    throw DataError(StrCat(kSmt, ": Unable to find ", what, " field ", column,
                           " in event (the outbox table's change event on topic ", topic,
                           " has no such column)"));
  }
  return *value;
}

std::optional<int64_t> OutboxEventRouter::EventTimestamp(ValueView envelope, ValueView row,
                                                         std::string_view topic) const {
  const auto envelope_ts = [&]() -> std::optional<int64_t> {
    const std::optional<ValueView> ts = envelope.find("ts_ms");
    if (!ts || ts->is_null() || ts->type() != Type::kInt64) return std::nullopt;
    return ts->as_int64();
  };
  if (!timestamp_column_) return envelope_ts();
  const ValueView value = Column(row, *timestamp_column_, "timestamp", topic);
  if (value.is_null()) return envelope_ts();
  if (value.type() != Type::kInt64) {
    throw DataError(StrCat(kSmt, ": the timestamp column ", *timestamp_column_, " is ",
                           value.type_name(),
                           ", not an int64 (io.debezium.time.Timestamp, "
                           "MicroTimestamp or NanoTimestamp), in the event on topic ",
                           topic));
  }
  const int64_t ts = value.as_int64();
  if (!value.schema()) return ts;  // schemaless: milliseconds
  const std::string_view name = value.schema().name();
  if (name == "io.debezium.time.Timestamp") return ts;
  if (name == "io.debezium.time.MicroTimestamp") return ts / 1'000;
  if (name == "io.debezium.time.NanoTimestamp") return ts / 1'000'000;
  if (name.empty()) {
    throw DataError(StrCat(kSmt,
                           ": Unsupported field type INT64 (without logical schema name) "
                           "for event timestamp column ",
                           *timestamp_column_));
  }
  throw DataError(StrCat(kSmt, ": Unsupported field type ", name, " for event timestamp column ",
                         *timestamp_column_,
                         " (expected io.debezium.time.Timestamp, "
                         "MicroTimestamp or NanoTimestamp)"));
}

OutboxEventRouter::Payload OutboxEventRouter::ExpandPayload(ValueView payload,
                                                            const RecordView& in) const {
  Payload out{payload, std::nullopt};
  if (!expand_json_) return out;
  if (payload.type() != Type::kString) {
    transforms_internal::Log(CK_LOG_WARN,
                             StrCat(kSmt,
                                    ": Expand JSON payload is turned on but payload is not a "
                                    "string in the event on topic ",
                                    in.topic()));
    return out;
  }
  const std::string_view text = payload.as_string();
  try {
    if (text.empty() || (text.front() != '{' && text.front() != '[')) {
      throw DataError(StrCat("Unable to parse payload starting with '",
                             text.empty() ? "" : text.substr(0, 1), "'"));
    }
    const Json json = Json::parse(text);
    if (!json.is_object()) throw DataError("the payload is a JSON array, not an object");
    SchemaPtr schema = InferSchema(payload_column_, json, nulls_as_optional_bytes_);
    Value value = JsonValue(json, schema);
    out.expanded = SchemaAndValue{std::move(schema), std::move(value)};
  } catch (const std::exception& e) {
    transforms_internal::Log(CK_LOG_WARN, StrCat(kSmt,
                                                 ": JSON expansion failed for the event on "
                                                 "topic ",
                                                 in.topic(), ": ", e.what()));
  }
  return out;
}

SchemaPtr OutboxEventRouter::EnvelopeSchema(SchemaView row, SchemaPtr payload_schema,
                                            const std::string& routed,
                                            std::optional<int32_t> version) const {
  // EventRouterDelegate.getSchemaName: the row schema's name with the routing value inserted
  // before its last part ("x.outbox.Value" -> "x.outbox.Order.Value").
  std::string name = std::string(row.name());
  const size_t dot = name.rfind('.');
  if (name.empty()) {
    name = routed;
  } else if (dot == std::string::npos) {
    name = routed + "." + name;
  } else {
    name = name.substr(0, dot + 1) + routed + "." + name.substr(dot + 1);
  }
  SchemaBuilder builder = SchemaBuilder::struct_().name(name);
  if (version) builder.version(*version);
  builder.field("payload", std::move(payload_schema));
  for (const AdditionalField& field : additional_) {
    if (field.placement != Placement::kEnvelope) continue;
    const std::optional<size_t> index = row.field_index(field.column);
    if (!index) continue;
    try {
      builder.field(field.alias, row.field_schema(*index).ToSchema());
    } catch (const SchemaBuilderError& e) {
      throw DataError(StrCat(kSmt, ": table.fields.additional.placement: ", e.what()));
    }
  }
  return builder.build();
}

bool OutboxEventRouter::transform(const RecordView& in, RecordEditor& out) {
  const ValueView envelope = in.value();
  if (envelope.is_null()) return false;  // tombstones are ignored
  const bool schemaless = !envelope.schema();
  if (schemaless) {
    if (envelope.type() != Type::kMap) return true;
  } else if (envelope.type() != Type::kStruct || !envelope.schema().name().ends_with(".Envelope")) {
    return true;  // heartbeats, schema changes, ...: unchanged
  }
  const std::optional<ValueView> op = envelope.find("op");
  if (!op || op->type() != Type::kString) {
    if (schemaless) return true;  // a map that is not a change event
    throw DataError(
        StrCat(kSmt, ": the change event on topic ", in.topic(), " has no string \"op\" field"));
  }
  const std::string_view operation = op->as_string();
  if (operation == "d") return false;  // deletes are skipped
  if (operation == "u") {
    const std::string message =
        StrCat(kSmt, ": Unexpected update message received on topic ", in.topic(),
               " (the outbox table should only see inserts and deletes)");
    if (invalid_op_ == InvalidOp::kFatal) throw DataError(message + ", fail.");
    transforms_internal::Log(invalid_op_ == InvalidOp::kError ? CK_LOG_ERROR : CK_LOG_WARN,
                             message + " and ignored");
    return false;
  }
  const std::optional<ValueView> after = envelope.find("after");
  if (!after || (after->type() != Type::kStruct && after->type() != Type::kMap)) {
    throw DataError(StrCat(kSmt, ": Only Struct objects supported for [Read Outbox Event], found: ",
                           after ? after->type_name() : "no \"after\" field", " (op ", operation,
                           " on topic ", in.topic(), ")"));
  }
  const ValueView row = *after;
  const ValueView payload_column = Column(row, payload_column_, "payload", in.topic());
  const std::optional<int64_t> timestamp = EventTimestamp(envelope, row, in.topic());
  const ValueView id = Column(row, id_column_, "event-id", in.topic());
  const ValueView routed_value = Column(row, route_column_, "route.by.field", in.topic());
  if (routed_value.type() != Type::kString) {
    throw DataError(StrCat(kSmt, ": route.by.field column ", route_column_,
                           " must be a string, "
                           "but it is ",
                           routed_value.type_name(), " in the event on topic ", in.topic()));
  }
  const std::string routed(routed_value.as_string());
  const ValueView key = Column(row, key_column_, "event key", in.topic());
  std::optional<int32_t> version;
  if (version_column_) {
    const ValueView v = Column(row, *version_column_, "schema version", in.topic());
    if (v.type() != Type::kInt32) {
      throw DataError(StrCat(kSmt, ": the schema version column ", *version_column_,
                             " must be an int32, but it is ", v.type_name()));
    }
    version = v.as_int32();
  }
  out.add_header("id", id);
  Payload payload = ExpandPayload(payload_column, in);
  std::optional<int32_t> partition;
  std::vector<std::pair<size_t, ValueView>> envelope_fields;  // (additional_ index, value)
  for (size_t i = 0; i < additional_.size(); ++i) {
    const AdditionalField& field = additional_[i];
    const std::optional<ValueView> value = row.find(field.column);
    if (!value) {
      if (!error_on_missing_) continue;
      throw DataError(StrCat(kSmt, ": table.fields.additional.placement column ", field.column,
                             " is not in the event on topic ", in.topic(),
                             " (set table.fields.additional.error.on.missing=false to skip it)"));
    }
    switch (field.placement) {
      case Placement::kHeader:
        out.add_header(field.alias, *value);
        break;
      case Placement::kEnvelope:
        envelope_fields.emplace_back(i, *value);
        break;
      case Placement::kPartition:
        if (value->type() != Type::kInt32) {
          throw DataError(StrCat(kSmt, ": the partition column ", field.column,
                                 " must be an int32, but it is ", value->type_name()));
        }
        partition = value->as_int32();
        break;
    }
  }
  const bool empty_payload =
      payload.expanded ? payload.expanded->value.is_null()
                       : payload.view.is_null() || (payload.view.type() == Type::kString &&
                                                    BlankString(payload.view.as_string()));
  if (empty_payload && tombstone_on_empty_) {
    out.set_value(ValueView());
  } else if (!has_envelope_fields_) {
    if (payload.expanded) {
      out.set_value(schemaless ? nullptr : payload.expanded->schema,
                    schemaless ? WithoutSchema(payload.expanded->value) : payload.expanded->value);
    } else {
      out.set_value(payload.view);
    }
  } else if (schemaless) {
    Value::Map map;
    map.emplace_back(Value("payload"), payload.expanded ? WithoutSchema(payload.expanded->value)
                                                        : payload.view.ToValue());
    for (const auto& [i, value] : envelope_fields) {
      map.emplace_back(Value(additional_[i].alias), value.ToValue());
    }
    out.set_value(nullptr, Value(std::move(map)));
  } else if (payload.expanded) {
    const SchemaPtr schema =
        EnvelopeSchema(row.schema(), payload.expanded->schema, routed, version);
    Struct value(schema);
    value.put("payload", payload.expanded->value);
    for (const auto& [i, field_value] : envelope_fields) {
      value.put(additional_[i].alias, field_value.ToValue());
    }
    out.set_value(schema, value);
  } else {
    ValueSchemas& schemas =
        value_schemas_.get(out, row.schema(), [](SchemaView) { return ValueSchemas(); });
    const std::string cache_key = version ? routed + '\0' + std::to_string(*version) : routed;
    auto it = schemas.find(cache_key);
    if (it == schemas.end()) {
      const SchemaPtr payload_schema = payload.view.schema().ToSchema();
      it = schemas
               .emplace(cache_key,
                        out.schema(EnvelopeSchema(row.schema(), payload_schema, routed, version)))
               .first;
    }
    StructBuilder value = out.make_struct(it->second);
    value.set(0, payload.view);
    size_t next = 1;
    for (const auto& [i, field_value] : envelope_fields) value.set(next++, field_value);
    out.set_value(value.value());
  }
  out.set_key(key);
  out.set_kafka_partition(partition);
  out.set_timestamp(timestamp);
  const std::string& topic = routes_.Get(routed, [&](std::string_view value) {
    std::optional<std::string> replaced = regex_->ReplaceIfMatches(value, replacement_);
    return replaced ? *replaced : std::string(value);
  });
  out.set_topic(topic);
  return true;
}

}  // namespace ck::runtime
