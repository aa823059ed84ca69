// What every built-in transformation shares: the $Key/$Value operand (Kafka's abstract
// operatingSchema/operatingValue/newRecord trio as a policy type), Kafka's Requirements checks with
// their messages, SchemaUtil.copySchemaBasics, schemaless-map helpers, list validators, and a memo
// of results per topic. (Regular expressions are in java_regex.h.)
#ifndef CK_RUNTIME_TRANSFORMS_TRANSFORM_SUPPORT_H_
#define CK_RUNTIME_TRANSFORMS_TRANSFORM_SUPPORT_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "ck/config_def.h"
#include "ck/record.h"
#include "ck/record_view.h"
#include "ck/schema.h"
#include "ck/value.h"

namespace ck::runtime::transforms_internal {

/// The record key as the operand of a $Key transformation.
struct KeySide {
  static constexpr std::string_view kName = "key";
  static const SchemaPtr& schema(const ConnectRecord& r) { return r.key_schema; }
  static const Value& value(const ConnectRecord& r) { return r.key; }
  static void Set(ConnectRecord& r, SchemaPtr schema, Value value) {
    r.key_schema = std::move(schema);
    r.key = std::move(value);
  }
  static ValueView value(const RecordView& r) { return r.key(); }
  static void Set(RecordEditor& out, ValueView value) { out.set_key(value); }
  static void Set(RecordEditor& out, const SchemaPtr& schema, const Value& value) {
    out.set_key(schema, value);
  }
};

/// The record value as the operand of a $Value transformation.
struct ValueSide {
  static constexpr std::string_view kName = "value";
  static const SchemaPtr& schema(const ConnectRecord& r) { return r.value_schema; }
  static const Value& value(const ConnectRecord& r) { return r.value; }
  static void Set(ConnectRecord& r, SchemaPtr schema, Value value) {
    r.value_schema = std::move(schema);
    r.value = std::move(value);
  }
  static ValueView value(const RecordView& r) { return r.value(); }
  static void Set(RecordEditor& out, ValueView value) { out.set_value(value); }
  static void Set(RecordEditor& out, const SchemaPtr& schema, const Value& value) {
    out.set_value(schema, value);
  }
};

/// Kafka's Requirements.requireMap: the schemaless map, or DataError "<smt>: Only Map objects
/// supported in absence of schema for [<purpose>], found: <type>".
const Value::Map& RequireMap(std::string_view smt, const Value& value, std::string_view purpose);

/// Throws RequireStruct's DataError for `value`.
[[noreturn]] void NotAStruct(std::string_view smt, ValueView value, std::string_view purpose);

/// Kafka's Requirements.requireStruct: the struct, or DataError "<smt>: Only Struct objects
/// supported for [<purpose>], found: <type>".
const Struct& RequireStruct(std::string_view smt, const Value& value, std::string_view purpose);

/// RequireStruct for a value where it lies (which must then have a schema).
inline void RequireStruct(std::string_view smt, ValueView value, std::string_view purpose) {
  if (value.type() != Type::kStruct || !value.schema()) [[unlikely]] {
    NotAStruct(smt, value, purpose);
  }
}

/// The positions of the fields of struct schema `schema` that have a default value: where
/// replace.null.with.default turns a null into that default.
std::vector<uint32_t> FieldsWithDefaults(SchemaView schema);

/// The entry of a schemaless map whose key is the string `name`, or nullptr.
const Value* MapGet(const Value::Map& map, std::string_view name);

/// Sets the entry `name` of a schemaless map (replacing an existing one in place, else appending),
/// as Java's HashMap.put.
void MapPut(Value::Map& map, std::string_view name, Value value);

/// Kafka's SchemaUtil.copySchemaBasics onto a new struct builder: name, version, doc and
/// parameters (not optionality, not fields).
SchemaBuilder CopyStructBasics(const Schema& schema);

/// A builder that reproduces `schema` entirely (type, element schemas, fields, optionality,
/// default, name, version, doc, parameters), for changing some of it.
SchemaBuilder CopySchema(const Schema& schema);

/// A struct field's value: with its schema default (Struct::get) when `replace_null_with_default`,
/// else as stored (Kafka's replace.null.with.default, KIP-1040).
const Value& FieldValue(const Struct& s, const Field& field, bool replace_null_with_default);

/// Remembers the output schema derived from the last input schema (Kafka's per-transformation
/// schema cache, reduced to one entry: a task's records mostly share a schema). Not thread-safe;
/// one per transformation instance.
class SchemaCache {
 public:
  /// The schema `build()` derives from `input`, built only when `input` differs from last time.
  template <typename Build>
  const SchemaPtr& Get(const SchemaPtr& input, Build build) {
    if (input_ == nullptr || !(input_ == input || *input_ == *input)) {
      output_ = build();
      input_ = input;
    }
    return output_;
  }

 private:
  SchemaPtr input_;
  SchemaPtr output_;
};

/// Results of a function of the topic name, remembered per topic (the last one found by address
/// of its text is checked first): topics repeat from record to record, and routing by regular
/// expression is the same answer for the same topic. Bounded: forgets everything past kMaxTopics.
template <typename Result>
class TopicMemo {
 public:
  /// Topics remembered at most.
  static constexpr size_t kMaxTopics = 4096;

  /// `compute(topic)`, computed once per distinct topic.
  template <typename Compute>
  const Result& Get(std::string_view topic, Compute compute) {
    if (last_ != nullptr && last_->first == topic) return last_->second;
    auto it = entries_.find(Key(topic));
    if (it == entries_.end()) {
      if (entries_.size() >= kMaxTopics) entries_.clear();
      it = entries_.emplace(std::string(topic), compute(topic)).first;
    }
    last_ = &*it;
    return it->second;
  }

  /// Forgets every topic.
  void Clear() {
    entries_.clear();
    last_ = nullptr;
  }

 private:
  static const std::string& Key(std::string_view topic) {
    thread_local std::string key;
    key.assign(topic);
    return key;
  }

  std::unordered_map<std::string, Result> entries_;
  const std::pair<const std::string, Result>* last_ = nullptr;
};

/// Writes `message` to the worker's log at `level` (a ck_log_level), as the plugin: transformations
/// have no component context. Does nothing before the plugin is initialised.
void Log(int32_t level, std::string_view message);

/// Validator of a LIST key that must not be empty (Kafka's NonEmptyListValidator).
ValidatorPtr NonEmptyList();

/// The key `replace.null.with.default` (BOOLEAN, default true), shared by most field SMTs.
ConfigDef::Key ReplaceNullWithDefaultKey();

/// Reads a typed value from a ParsedConfig (null = std::monostate).
template <typename T>
const T* ConfigGet(const ParsedConfig& config, const std::string& name) {
  return std::get_if<T>(&config.at(name));
}

/// `text` trimmed of spaces and tabs and lower-cased, as Debezium reads its enumerated settings.
std::string Lower(std::string text);

/// A STRING key whose value, when set, is one of `valid` once trimmed and lower-cased (Debezium's
/// enumerated fields); null passes.
ValidatorPtr OneOf(const std::vector<std::string>& valid);

}  // namespace ck::runtime::transforms_internal

#endif  // CK_RUNTIME_TRANSFORMS_TRANSFORM_SUPPORT_H_
