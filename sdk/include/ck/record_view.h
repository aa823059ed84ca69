/// @file
/// Records where they lie: read-only views of the records, schemas and values of a batch as they
/// cross the plugin ABI (RecordView, SchemaView, ValueView), and RecordEditor, which builds a
/// transformation's output record by changing only what the transformation touches.
///
/// Views copy nothing: a RecordView reads the batch the runtime handed over, and a value or schema
/// the transformation leaves alone goes to the output by pointer. This is what makes a
/// ViewTransformation (transformation.h) cost tens of nanoseconds per record where converting a
/// record to a ConnectRecord and back costs microseconds. Views are valid while the call that
/// received them runs; keep a copy (ToValue(), ToSchema(), ToRecord()) to hold on to data.
///
/// Output schemas usually depend only on the input schema: derive them once per input schema with
/// SchemaMemo, and hand them to the output as long-lived schemas from RecordEditor::schema().

#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "ck/abi/ck_abi.h"
#include "ck/errors.h"
#include "ck/internal/arena.h"
#include "ck/internal/marshal.h"
#include "ck/internal/schema_store.h"
#include "ck/record.h"
#include "ck/schema.h"
#include "ck/value.h"

namespace ck {

class RecordEditor;
template <typename T>
class SchemaMemo;

namespace abi_internal {
struct ViewBatch;
struct EditorAccess;
}  // namespace abi_internal

/// A schema as it crosses the plugin ABI, or no schema (schemaless data). Cheap to copy.
class SchemaView {
 public:
  /// No schema.
  SchemaView() = default;
  /// A view of `schema` (nullptr for no schema), which must outlive the view.
  explicit SchemaView(const ck_schema* schema) : abi_(schema) {}

  /// True when there is a schema.
  explicit operator bool() const { return abi_ != nullptr; }
  /// The ABI struct, or nullptr for no schema.
  const ck_schema* abi() const { return abi_; }

  /// The physical type. Requires a schema.
  Type type() const { return static_cast<Type>(abi_->type - 1); }
  /// Whether null is a valid value. Requires a schema.
  bool optional() const { return (abi_->flags & CK_SCHEMA_OPTIONAL) != 0; }
  /// The schema name; empty when unnamed. Requires a schema.
  std::string_view name() const { return abi_internal::View(abi_->name); }
  /// The documentation; empty when none. Requires a schema.
  std::string_view doc() const { return abi_internal::View(abi_->doc); }
  /// The version, if any. Requires a schema.
  std::optional<int32_t> version() const {
    if ((abi_->flags & CK_SCHEMA_HAS_VERSION) == 0) return std::nullopt;
    return abi_->version;
  }
  /// The parameter `key`, if set. Requires a schema.
  std::optional<std::string_view> parameter(std::string_view key) const {
    for (uint32_t i = 0; i < abi_->parameter_count; ++i) {
      if (abi_internal::View(abi_->parameters[i].key) == key) {
        return abi_internal::View(abi_->parameters[i].value);
      }
    }
    return std::nullopt;
  }

  /// Number of fields (structs); 0 for other types. Requires a schema.
  size_t field_count() const { return abi_->field_count; }
  /// The name of field `index` (below field_count()).
  std::string_view field_name(size_t index) const {
    return abi_internal::View(abi_->fields[index].name);
  }
  /// The schema of field `index` (below field_count()).
  SchemaView field_schema(size_t index) const { return SchemaView(abi_->fields[index].schema); }
  /// The position of the field called `name`, or std::nullopt. Compares names one by one: look
  /// fields up once per schema (SchemaMemo), not once per record.
  std::optional<size_t> field_index(std::string_view name) const {
    for (uint32_t i = 0; i < abi_->field_count; ++i) {
      if (abi_internal::View(abi_->fields[i].name) == name) return i;
    }
    return std::nullopt;
  }
  /// The key schema of a map schema; no schema otherwise.
  SchemaView key_schema() const { return SchemaView(abi_->key_schema); }
  /// The element schema of an array or the value schema of a map; no schema otherwise.
  SchemaView value_schema() const { return SchemaView(abi_->value_schema); }

  /// A C++ copy of the schema (null for no schema), built on each call.
  SchemaPtr ToSchema() const { return abi_internal::Reader().Schema(abi_); }

  /// Deep equality (ConnectSchema.equals); two absent schemas are equal.
  friend bool operator==(SchemaView a, SchemaView b) {
    return abi_internal::AbiSchemaEquals(a.abi_, b.abi_);
  }

 private:
  const ck_schema* abi_ = nullptr;
};

/// A value as it crosses the plugin ABI, with its schema (none when schemaless). Cheap to copy.
/// The typed accessors throw DataError naming the expected and the actual type, as Value's do.
class ValueView {
 public:
  /// Null, without a schema.
  ValueView() : value_(&kNull) {}
  /// A view of `value` (must not be nullptr) described by `schema`; both must outlive the view.
  ValueView(const ck_value* value, SchemaView schema) : value_(value), schema_(schema) {}

  /// The ABI struct.
  const ck_value& abi() const { return *value_; }
  /// The schema; absent for schemaless data.
  SchemaView schema() const { return schema_; }
  /// True for null.
  bool is_null() const { return value_->type == CK_TYPE_NULL; }
  /// The Connect type of the value, or std::nullopt for null.
  std::optional<Type> type() const {
    if (is_null()) return std::nullopt;
    return static_cast<Type>(value_->type - 1);
  }
  /// TypeName() of the value's type, or "null".
  std::string_view type_name() const { return is_null() ? "null" : TypeName(*type()); }

  /// The boolean.
  bool as_boolean() const { return Check(Type::kBoolean).u.i64 != 0; }
  /// The int8.
  int8_t as_int8() const { return static_cast<int8_t>(Check(Type::kInt8).u.i64); }
  /// The int16.
  int16_t as_int16() const { return static_cast<int16_t>(Check(Type::kInt16).u.i64); }
  /// The int32.
  int32_t as_int32() const { return static_cast<int32_t>(Check(Type::kInt32).u.i64); }
  /// The int64.
  int64_t as_int64() const { return Check(Type::kInt64).u.i64; }
  /// The float32.
  float as_float32() const { return static_cast<float>(Check(Type::kFloat32).u.f64); }
  /// The float64.
  double as_float64() const { return Check(Type::kFloat64).u.f64; }
  /// The string.
  std::string_view as_string() const { return abi_internal::View(Check(Type::kString).u.bytes); }
  /// The bytes.
  std::span<const uint8_t> as_bytes() const {
    const ck_str bytes = Check(Type::kBytes).u.bytes;
    return {reinterpret_cast<const uint8_t*>(bytes.ptr), bytes.len};
  }

  /// Elements of an array, entries of a map, fields of a struct; 0 for anything else.
  size_t size() const { return IsComposite() ? value_->count : 0; }
  /// Element `index` of an array (below size()).
  ValueView element(size_t index) const {
    return ValueView(&Check(Type::kArray).u.items[index],
                     schema_ ? schema_.value_schema() : SchemaView());
  }
  /// The key of map entry `index` (below size()).
  ValueView map_key(size_t index) const {
    return ValueView(&Check(Type::kMap).u.items[2 * index],
                     schema_ ? schema_.key_schema() : SchemaView());
  }
  /// The value of map entry `index` (below size()).
  ValueView map_value(size_t index) const {
    return ValueView(&Check(Type::kMap).u.items[2 * index + 1],
                     schema_ ? schema_.value_schema() : SchemaView());
  }
  /// Field `index` of a struct (below size()), or the field schema's default when the field is
  /// null and has one (Kafka's Struct.get).
  ValueView field(size_t index) const {
    const ValueView raw = field_without_default(index);
    const ck_value* fallback = raw.schema_.abi()->default_value;
    return raw.is_null() && fallback != nullptr ? ValueView(fallback, raw.schema_) : raw;
  }
  /// Field `index` of a struct as stored: null stays null.
  ValueView field_without_default(size_t index) const {
    const ck_value& value = Check(Type::kStruct);
    if (!schema_) throw DataError("A struct value has no schema");
    return ValueView(&value.u.items[index], schema_.field_schema(index));
  }
  /// The field `name` of a struct (with its default, as field()) or the entry with the string key
  /// `name` of a map; std::nullopt when there is none, or when this is neither.
  std::optional<ValueView> find(std::string_view name) const {
    if (value_->type == CK_TYPE_STRUCT && schema_) {
      const std::optional<size_t> index = schema_.field_index(name);
      if (!index) return std::nullopt;
      return field(*index);
    }
    if (value_->type == CK_TYPE_MAP) {
      for (uint32_t i = 0; i < value_->count; ++i) {
        const ck_value& key = value_->u.items[2 * i];
        if (key.type == CK_TYPE_STRING && abi_internal::View(key.u.bytes) == name) {
          return map_value(i);
        }
      }
    }
    return std::nullopt;
  }

  /// A C++ copy of the value, built on each call (a struct gets a copy of its schema).
  Value ToValue() const { return ToSchemaAndValue().value; }
  /// A C++ copy of the schema (null when schemaless) and the value.
  SchemaAndValue ToSchemaAndValue() const {
    abi_internal::Reader reader;
    SchemaPtr schema = reader.Schema(schema_.abi());
    Value value = reader.Value(*value_, schema);
    return {std::move(schema), std::move(value)};
  }

 private:
  bool IsComposite() const {
    return value_->type == CK_TYPE_ARRAY || value_->type == CK_TYPE_MAP ||
           value_->type == CK_TYPE_STRUCT;
  }
  const ck_value& Check(Type type) const {
    if (value_->type != static_cast<uint32_t>(type) + 1) [[unlikely]] {
      WrongType(type);
    }
    return *value_;
  }
  [[noreturn, gnu::cold, gnu::noinline]] void WrongType(Type type) const {
    throw DataError(errors_internal::StrCat("Expected value of type ", TypeName(type), " but got ",
                                            type_name()));
  }

  static constexpr ck_value kNull{};
  const ck_value* value_;
  SchemaView schema_;
};

/// One header of a record, as it crosses the plugin ABI.
class HeaderView {
 public:
  /// A view of `header`, which must outlive the view.
  explicit HeaderView(const ck_header& header) : header_(&header) {}
  /// The header key.
  std::string_view key() const { return abi_internal::View(header_->key); }
  /// The header value, with its schema (absent when schemaless).
  ValueView value() const { return ValueView(&header_->value, SchemaView(header_->schema)); }

 private:
  const ck_header* header_;
};

/// A record as it crosses the plugin ABI: what a ViewTransformation or ViewPredicate reads.
class RecordView {
 public:
  /// A view of `record`, which must outlive the view.
  explicit RecordView(const ck_record& record) : record_(&record) {}

  /// The ABI struct.
  const ck_record& abi() const { return *record_; }
  /// The topic.
  std::string_view topic() const { return abi_internal::View(record_->topic); }
  /// The partition, or std::nullopt to let the producer choose.
  std::optional<int32_t> kafka_partition() const {
    if (record_->partition < 0) return std::nullopt;
    return record_->partition;
  }
  /// The timestamp in ms since the epoch, if any.
  std::optional<int64_t> timestamp() const {
    if (record_->timestamp == CK_NO_TIMESTAMP) return std::nullopt;
    return record_->timestamp;
  }
  /// Sink records: the Kafka offset; std::nullopt for source records.
  std::optional<int64_t> kafka_offset() const {
    if (record_->kafka_offset < 0) return std::nullopt;
    return record_->kafka_offset;
  }
  /// The key schema; absent when schemaless.
  SchemaView key_schema() const { return SchemaView(record_->key_schema); }
  /// The key, with its schema.
  ValueView key() const { return ValueView(&record_->key, key_schema()); }
  /// The value schema; absent when schemaless.
  SchemaView value_schema() const { return SchemaView(record_->value_schema); }
  /// The value, with its schema; null for a tombstone.
  ValueView value() const { return ValueView(&record_->value, value_schema()); }
  /// Number of headers, counting repeated keys.
  size_t header_count() const { return record_->header_count; }
  /// Header `index` (below header_count()), in order.
  HeaderView header(size_t index) const { return HeaderView(record_->headers[index]); }
  /// The last header with `key`, if any.
  std::optional<HeaderView> last_header(std::string_view key) const {
    for (uint32_t i = record_->header_count; i-- > 0;) {
      if (abi_internal::View(record_->headers[i].key) == key) return header(i);
    }
    return std::nullopt;
  }

  /// A C++ copy of the fields every record has.
  ConnectRecord ToRecord() const {
    ConnectRecord record;
    abi_internal::Reader().Record(*record_, &record);
    return record;
  }

 private:
  const ck_record* record_;
};

namespace abi_internal {

/// What the records of one output batch share: its arena, a Writer into it, and the
/// transformation's long-lived schemas.
struct ViewBatch {
  ViewBatch(Arena& batch_arena, SchemaStore& schema_store)
      : arena(batch_arena), writer(batch_arena), store(schema_store) {}
  Arena& arena;
  Writer writer;
  SchemaStore& store;
  uint64_t generation = NextBatchGeneration();
};

}  // namespace abi_internal

/// A struct value under construction in the output batch: every field starts null. Obtained from
/// RecordEditor::make_struct().
class StructBuilder {
 public:
  /// The struct schema.
  SchemaView schema() const { return schema_; }
  /// Sets field `index` (below schema().field_count()) to `value`, which is copied by pointer.
  /// Throws DataError naming the field when the value's type differs from the field's.
  StructBuilder& set(size_t index, ValueView value) {
    const ck_value& v = value.abi();
    if (v.type != CK_TYPE_NULL && v.type != schema_.abi()->fields[index].schema->type)
        [[unlikely]] {
      WrongType(index, value);
    }
    items_[index] = v;
    return *this;
  }
  /// Sets fields 0 to source.size() - 1 to the fields of the struct `source` as stored (nulls stay
  /// null), in one copy. For output schemas that extend the source's schema: the caller guarantees
  /// that those fields have the source's field schemas. Throws DataError if `source` is not a
  /// struct or has more fields than this one.
  StructBuilder& set_first_fields(ValueView source) {
    const ck_value& v = source.abi();
    if (v.type != CK_TYPE_STRUCT || v.count > schema_.field_count()) {
      throw DataError(errors_internal::StrCat("Cannot copy the fields of a ", source.type_name(),
                                              " with ", std::to_string(source.size()),
                                              " fields into a struct of ",
                                              std::to_string(schema_.field_count())));
    }
    if (v.count != 0)
      std::memcpy(static_cast<void*>(items_), v.u.items, v.count * sizeof(ck_value));
    return *this;
  }
  /// The struct. Throws DataError naming the first required field (without a default) that is
  /// still null, as Struct::validate.
  ValueView value() const {
    for (size_t i = 0; i < schema_.field_count(); ++i) {
      if (items_[i].type == CK_TYPE_NULL) [[unlikely]] {
        const ck_schema* field = schema_.abi()->fields[i].schema;
        if ((field->flags & CK_SCHEMA_OPTIONAL) == 0 && field->default_value == nullptr) {
          MissingRequired(i);
        }
      }
    }
    return ValueView(value_, schema_);
  }

 private:
  [[noreturn, gnu::cold, gnu::noinline]] void WrongType(size_t index, ValueView value) const {
    throw DataError(errors_internal::StrCat(
        "Invalid value for field \"", schema_.field_name(index), "\": expected ",
        TypeName(schema_.field_schema(index).type()), ", got ", value.type_name()));
  }
  [[noreturn, gnu::cold, gnu::noinline]] void MissingRequired(size_t index) const {
    throw DataError(errors_internal::StrCat(
        "Invalid value: null used for required field \"", schema_.field_name(index),
        "\", schema type: ", TypeName(schema_.field_schema(index).type())));
  }

  friend class RecordEditor;
  StructBuilder(SchemaView schema, ck_value* value, ck_value* items)
      : schema_(schema), value_(value), items_(items) {}

  SchemaView schema_;
  ck_value* value_;
  ck_value* items_;
};

/// The output record of a ViewTransformation. It starts as the input record; everything the
/// transformation does not set passes through by pointer. Values and strings it makes live in the
/// output batch; schemas from schema() live as long as the transformation's schema store.
class RecordEditor {
 public:
  /// The output as edited so far.
  RecordView record() const { return RecordView(*out_); }

  /// Sets the topic (copied).
  void set_topic(std::string_view topic) { out_->topic = batch_->arena.CopyString(topic); }
  /// Sets the partition; std::nullopt lets the producer choose.
  void set_kafka_partition(std::optional<int32_t> partition) {
    out_->partition = partition.value_or(-1);
  }
  /// Sets the timestamp; its type becomes create time (or none for std::nullopt).
  void set_timestamp(std::optional<int64_t> timestamp) {
    out_->timestamp = timestamp.value_or(CK_NO_TIMESTAMP);
    out_->timestamp_type = timestamp ? CK_TIMESTAMP_CREATE : CK_TIMESTAMP_NONE;
  }
  /// Sets the key and key schema to `key` and its schema (by pointer: it must be a view of the
  /// input, of this editor's output or of a long-lived schema).
  void set_key(ValueView key) {
    out_->key_schema = key.schema().abi();
    out_->key = key.abi();
  }
  /// Sets the value and value schema to `value` and its schema, by pointer as set_key().
  void set_value(ValueView value) {
    out_->value_schema = value.schema().abi();
    out_->value = value.abi();
  }
  /// Sets the key from C++ objects, copied into the output batch.
  void set_key(const SchemaPtr& schema, const Value& key) { set_key(make(schema, key)); }
  /// Sets the value from C++ objects, copied into the output batch.
  void set_value(const SchemaPtr& schema, const Value& value) { set_value(make(schema, value)); }

  /// Appends a header; `value` is taken by pointer as in set_value().
  void add_header(std::string_view key, ValueView value) {
    ck_header* headers = batch_->arena.Allocate<ck_header>(out_->header_count + 1);
    if (out_->header_count != 0) {
      std::memcpy(headers, out_->headers, out_->header_count * sizeof(ck_header));
    }
    headers[out_->header_count] =
        ck_header{batch_->arena.CopyString(key), value.schema().abi(), value.abi()};
    out_->headers = headers;
    ++out_->header_count;
  }
  /// Appends a header from C++ objects, copied into the output batch.
  void add_header(std::string_view key, const SchemaPtr& schema, const Value& value) {
    add_header(key, make(schema, value));
  }
  /// Removes every header with `key`.
  void remove_headers(std::string_view key) {
    uint32_t kept = 0;
    for (uint32_t i = 0; i < out_->header_count; ++i) {
      kept += abi_internal::View(out_->headers[i].key) != key ? 1 : 0;
    }
    if (kept == out_->header_count) return;
    ck_header* headers = batch_->arena.Allocate<ck_header>(kept);
    uint32_t n = 0;
    for (uint32_t i = 0; i < out_->header_count; ++i) {
      if (abi_internal::View(out_->headers[i].key) != key) headers[n++] = out_->headers[i];
    }
    out_->headers = headers;
    out_->header_count = kept;
  }

  /// The long-lived ABI form of `schema` (absent for null): written once per Schema object and
  /// kept with the transformation, so records of many batches share it.
  SchemaView schema(const SchemaPtr& schema) { return SchemaView(batch_->store.Write(schema)); }

  /// `value` copied into the output batch, described by `schema` (absent for schemaless data).
  /// Throws DataError when a non-null value's type differs from the schema's.
  ValueView make(SchemaView schema, const Value& value) {
    if (schema && !value.is_null() && value.type() != schema.type()) {
      throw DataError(errors_internal::StrCat("Expected value of type ", TypeName(schema.type()),
                                              " but got ", value.type_name()));
    }
    ck_value* out = batch_->arena.Allocate<ck_value>(1);
    batch_->writer.Value(value, out);
    return ValueView(out, schema);
  }
  /// `value` and its `schema` (null when schemaless) copied into the output batch; the schema is
  /// written once per batch.
  ValueView make(const SchemaPtr& schema, const Value& value) {
    return make(SchemaView(batch_->writer.Schema(schema)), value);
  }
  /// A string copied into the output batch, described by `schema` (a string schema, or absent).
  ValueView make_string(SchemaView schema, std::string_view text) {
    ck_value* out = batch_->arena.Allocate<ck_value>(1);
    *out = ck_value{};
    out->type = CK_TYPE_STRING;
    out->u.bytes = text.empty() ? ck_str{"", 0} : batch_->arena.CopyString(text);
    return ValueView(out, schema);
  }
  /// An integer of `schema`'s type (int8 to int64), or a boolean, in the output batch.
  ValueView make_integer(SchemaView schema, int64_t number) {
    ck_value* out = batch_->arena.Allocate<ck_value>(1);
    *out = ck_value{};
    out->type = schema.abi()->type;
    out->u.i64 = number;
    return ValueView(out, schema);
  }
  /// A struct of `schema` in the output batch, all fields null, to fill with StructBuilder::set.
  StructBuilder make_struct(SchemaView schema) {
    const size_t n = schema.field_count();
    ck_value* value = batch_->arena.Allocate<ck_value>(1);
    ck_value* items = batch_->arena.Allocate<ck_value>(n);
    if (n != 0) std::memset(static_cast<void*>(items), 0, n * sizeof(ck_value));
    *value = ck_value{};
    value->type = CK_TYPE_STRUCT;
    value->count = static_cast<uint32_t>(n);
    value->u.items = items;
    return StructBuilder(schema, value, items);
  }

 private:
  friend struct abi_internal::EditorAccess;
  template <typename T>
  friend class SchemaMemo;

  RecordEditor(abi_internal::ViewBatch& batch, ck_record* out) : batch_(&batch), out_(out) {}

  abi_internal::ViewBatch* batch_;
  ck_record* out_;
};

namespace abi_internal {

/// How the SDK's adapters make editors.
struct EditorAccess {
  static RecordEditor Make(ViewBatch& batch, ck_record* out) { return RecordEditor(batch, out); }
};

}  // namespace abi_internal

/// What a transformation derives from an input schema (the output schema, field positions, ...),
/// computed once per distinct input schema and then found by address in a few nanoseconds. Schemas
/// are told apart by structure, so equal schemas from different batches share one entry. One per
/// transformation instance; not thread-safe.
/// @code
/// struct Derived { SchemaView schema; };
/// const Derived& d = memo_.get(out, in.value_schema(), [&](SchemaView input) {
///   return Derived{out.schema(BuildOutputSchema(input.ToSchema()))};
/// });
/// @endcode
template <typename T>
class SchemaMemo {
 public:
  /// The entry for `input` (a present schema), made by `build(canonical_input)` the first time;
  /// `build` receives a long-lived copy of `input`, safe to keep views of in `T`. If `build`
  /// throws, nothing is remembered. The entry may be updated in place (e.g. to cache more per
  /// schema); it stays valid until the memo is destroyed or its transformation's schemas are
  /// started afresh.
  template <typename Build>
  T& get(RecordEditor& out, SchemaView input, Build&& build) {
    abi_internal::ViewBatch& batch = *out.batch_;
    if (input.abi() == last_input_ && batch.generation == last_generation_) return *last_;
    if (batch.store.id() != store_id_) {
      entries_.clear();
      store_id_ = batch.store.id();
    }
    const ck_schema* canonical = batch.store.Canonical(input.abi());
    auto it = entries_.find(canonical);
    if (it == entries_.end()) it = entries_.emplace(canonical, build(SchemaView(canonical))).first;
    last_input_ = input.abi();
    last_generation_ = batch.generation;
    last_ = &it->second;
    return it->second;
  }

 private:
  std::unordered_map<const ck_schema*, T> entries_;  // by canonical input schema
  uint64_t store_id_ = 0;
  const ck_schema* last_input_ = nullptr;
  uint64_t last_generation_ = 0;
  T* last_ = nullptr;
};

}  // namespace ck
