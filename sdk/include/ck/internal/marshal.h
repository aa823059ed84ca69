/// @file
/// Conversion between the C++ data model (Schema, Value, records) and the frozen ABI structs.
///
/// Writer copies C++ objects into an Arena in one pass: each distinct schema is written once per
/// batch, strings are copied with memcpy, and no per-field allocation happens. Reader builds C++
/// objects from ABI structs; it trusts the producer's type tags but checks them against the schema,
/// so a malformed batch from the other side becomes a DataError rather than undefined behaviour.

#pragma once

#include <charconv>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "ck/abi/ck_abi.h"
#include "ck/errors.h"
#include "ck/internal/arena.h"
#include "ck/internal/host.h"
#include "ck/record.h"
#include "ck/schema.h"
#include "ck/value.h"

namespace ck::abi_internal {

/// Unchecked access to a Struct's field values by index, for the marshalling code only.
struct StructAccess {
  static const std::vector<Value>& Values(const Struct& s) { return s.values_; }
  static Struct Make(SchemaPtr schema, std::vector<Value> values) {
    Struct s(std::move(schema));
    s.values_ = std::move(values);
    return s;
  }
};

/// A borrowed ABI view of a topic partition.
inline ck_topic_partition Abi(const TopicPartition& tp) {
  return ck_topic_partition{Str(tp.topic), tp.partition, 0};
}

constexpr uint32_t ToAbi(Type type) { return static_cast<uint32_t>(type) + 1; }

/// Writes C++ objects as ABI structs into an arena.
class Writer {
 public:
  explicit Writer(Arena& arena) : arena_(arena) {}

  /// The ABI copy of `schema` (nullptr for a null schema), written once per Writer.
  const ck_schema* Schema(const SchemaPtr& schema) {
    if (schema == nullptr) return nullptr;
    // Records of a batch share schemas, and a record asks for its key's and its value's in turn.
    if (schema.get() == last_schema_) return last_abi_schema_;
    if (schema.get() == other_schema_) {
      std::swap(last_schema_, other_schema_);
      std::swap(last_abi_schema_, other_abi_schema_);
      return last_abi_schema_;
    }
    auto [it, inserted] = schemas_.try_emplace(schema.get(), nullptr);
    other_schema_ = last_schema_;
    other_abi_schema_ = last_abi_schema_;
    last_schema_ = schema.get();
    if (!inserted) return last_abi_schema_ = it->second;
    // Keys are addresses: keep each schema alive as long as the Writer, so that a schema freed by
    // the caller cannot be replaced by a different one at the same address.
    retained_.push_back(schema);
    ck_schema* out = arena_.Allocate<ck_schema>(1);
    *out = ck_schema{};
    it->second = out;  // before recursing: a schema never contains itself, but keep it cheap
    out->type = ToAbi(schema->type());
    out->flags = (schema->optional() ? CK_SCHEMA_OPTIONAL : 0u) |
                 (schema->version() ? CK_SCHEMA_HAS_VERSION : 0u);
    out->version = schema->version().value_or(0);
    out->name = arena_.CopyString(schema->name());
    out->doc = arena_.CopyString(schema->doc());
    const auto& params = schema->parameters();
    out->parameter_count = static_cast<uint32_t>(params.size());
    auto* p = arena_.Allocate<ck_schema_parameter>(params.size());
    for (const std::string& key : schema->parameter_order()) {  // keeps Kafka's order
      *p++ = ck_schema_parameter{arena_.CopyString(key), arena_.CopyString(params.at(key))};
    }
    out->parameters = p - params.size();
    switch (schema->type()) {
      case Type::kStruct: {
        const auto& fields = schema->fields();
        auto* f = arena_.Allocate<ck_schema_field>(fields.size());
        for (size_t i = 0; i < fields.size(); ++i) {
          f[i] = ck_schema_field{arena_.CopyString(fields[i].name), Schema(fields[i].schema)};
        }
        out->fields = f;
        out->field_count = static_cast<uint32_t>(fields.size());
        break;
      }
      case Type::kMap:
        out->key_schema = Schema(schema->key_schema());
        [[fallthrough]];
      case Type::kArray:
        out->value_schema = Schema(schema->value_schema());
        break;
      default:
        break;
    }
    if (const ck::Value* def = schema->default_value()) {
      ck_value* v = arena_.Allocate<ck_value>(1);
      Value(*def, v);
      out->default_value = v;
    }
    other_schema_ = nullptr;  // the recursion above may have moved both
    other_abi_schema_ = nullptr;
    last_schema_ = schema.get();
    return last_abi_schema_ = out;
  }

  /// Writes `value` into `out`.
  void Value(const ck::Value& value, ck_value* out) {
    out->count = 0;
    out->u.i64 = 0;
    if (value.is_null()) {
      out->type = CK_TYPE_NULL;
      return;
    }
    const Type type = *value.type();
    out->type = ToAbi(type);
    switch (type) {
      case Type::kInt8:
        out->u.i64 = value.as_int8();
        break;
      case Type::kInt16:
        out->u.i64 = value.as_int16();
        break;
      case Type::kInt32:
        out->u.i64 = value.as_int32();
        break;
      case Type::kInt64:
        out->u.i64 = value.as_int64();
        break;
      case Type::kFloat32:
        out->u.f64 = value.as_float32();
        break;
      case Type::kFloat64:
        out->u.f64 = value.as_float64();
        break;
      case Type::kBoolean:
        out->u.i64 = value.as_boolean() ? 1 : 0;
        break;
      case Type::kString:
        out->u.bytes = arena_.CopyString(value.as_string());
        break;
      case Type::kBytes: {
        const Bytes& b = value.as_bytes();
        out->u.bytes = arena_.CopyString({reinterpret_cast<const char*>(b.data()), b.size()});
        break;
      }
      case Type::kArray:
        out->u.items = Values(value.as_array(), &out->count);
        break;
      case Type::kStruct:
        out->u.items = Values(StructAccess::Values(value.as_struct()), &out->count);
        break;
      case Type::kMap: {
        const auto& map = value.as_map();
        ck_value* items = arena_.Allocate<ck_value>(map.size() * 2);
        for (size_t i = 0; i < map.size(); ++i) {
          Value(map[i].first, &items[2 * i]);
          Value(map[i].second, &items[2 * i + 1]);
        }
        out->u.items = items;
        out->count = static_cast<uint32_t>(map.size());
        break;
      }
    }
  }

  /// Writes the fields every record has; the kind-specific fields are set to "unset".
  void Record(const ConnectRecord& record, ck_record* out) {
    *out = ck_record{};
    out->topic = arena_.CopyString(record.topic);
    out->partition = record.kafka_partition.value_or(-1);
    out->timestamp = record.timestamp.value_or(CK_NO_TIMESTAMP);
    out->timestamp_type = record.timestamp ? CK_TIMESTAMP_CREATE : CK_TIMESTAMP_NONE;
    out->key_schema = Schema(record.key_schema);
    out->value_schema = Schema(record.value_schema);
    Value(record.key, &out->key);
    Value(record.value, &out->value);
    out->header_count = static_cast<uint32_t>(record.headers.size());
    ck_header* headers = arena_.Allocate<ck_header>(record.headers.size());
    size_t i = 0;
    for (const Header& h : record.headers) {
      headers[i].key = arena_.CopyString(h.key);
      headers[i].schema = Schema(h.schema);
      Value(h.value, &headers[i].value);
      ++i;
    }
    out->headers = headers;
    out->kafka_offset = -1;
    out->original_partition = -1;
    out->original_offset = -1;
  }

  /// Writes a source record, with its source partition and offset as JSON text. Consecutive
  /// records of one source partition share its text.
  void Record(const SourceRecord& record, ck_record* out) {
    Record(static_cast<const ConnectRecord&>(record), out);
    if (!record.source_partition_json.empty()) {
      if (View(last_partition_text_) != record.source_partition_json) {
        last_partition_ = nullptr;  // known by its text only
        last_partition_text_ = arena_.CopyString(record.source_partition_json);
      }
    } else {
      const nlohmann::json& partition =
          record.source_partition.is_null() ? kEmptyObject : record.source_partition;
      if (last_partition_.is_null() || partition != last_partition_) {
        last_partition_ = partition;
        last_partition_text_ = Json(partition);
      }
    }
    out->source_partition = last_partition_text_;
    out->source_offset = record.source_offset_json.empty()
                             ? Json(record.source_offset)
                             : arena_.CopyString(record.source_offset_json);
  }

  /// Writes a sink record, with its Kafka coordinates.
  void Record(const SinkRecord& record, ck_record* out) {
    Record(static_cast<const ConnectRecord&>(record), out);
    out->timestamp_type = static_cast<int32_t>(record.timestamp_type);
    out->kafka_offset = record.kafka_offset;
    out->original_topic = arena_.CopyString(record.original_topic);
    out->original_partition = record.original_partition;
    out->original_offset = record.original_offset;
  }

 private:
  // Serialises JSON as nlohmann's dump() does, straight into the arena (dump() costs a string
  // allocation and a slower writer per record; offsets are written for every source record).
  // Null, a record's default, is an empty object.
  ck_str Json(const nlohmann::json& json) {
    if (json.is_null()) return arena_.CopyString("{}");
    json_.clear();
    AppendJson(json);
    return arena_.CopyString(json_);
  }

  void AppendJson(const nlohmann::json& json) {
    char digits[24];
    switch (json.type()) {
      case nlohmann::json::value_t::object: {
        json_.push_back('{');
        bool first = true;
        for (const auto& [key, value] : json.get_ref<const nlohmann::json::object_t&>()) {
          if (!first) json_.push_back(',');
          first = false;
          AppendJsonString(key);
          json_.push_back(':');
          AppendJson(value);
        }
        json_.push_back('}');
        break;
      }
      case nlohmann::json::value_t::array: {
        json_.push_back('[');
        for (size_t i = 0; i < json.size(); ++i) {
          if (i != 0) json_.push_back(',');
          AppendJson(json[i]);
        }
        json_.push_back(']');
        break;
      }
      case nlohmann::json::value_t::string:
        AppendJsonString(json.get_ref<const std::string&>());
        break;
      case nlohmann::json::value_t::number_integer: {
        auto end = std::to_chars(digits, digits + sizeof digits, json.get<int64_t>()).ptr;
        json_.append(digits, end);
        break;
      }
      case nlohmann::json::value_t::number_unsigned: {
        auto end = std::to_chars(digits, digits + sizeof digits, json.get<uint64_t>()).ptr;
        json_.append(digits, end);
        break;
      }
      default:  // null, booleans, floats, binary: rare in offsets; nlohmann formats them
        json_.append(json.dump());
        break;
    }
  }

  void AppendJsonString(const std::string& text) {
    static constexpr char kHex[] = "0123456789abcdef";
    json_.push_back('"');
    for (const char c : text) {
      switch (c) {
        case '"':
          json_.append("\\\"");
          break;
        case '\\':
          json_.append("\\\\");
          break;
        case '\b':
          json_.append("\\b");
          break;
        case '\f':
          json_.append("\\f");
          break;
        case '\n':
          json_.append("\\n");
          break;
        case '\r':
          json_.append("\\r");
          break;
        case '\t':
          json_.append("\\t");
          break;
        default:
          if (static_cast<unsigned char>(c) < 0x20) {
            json_.append("\\u00");
            json_.push_back(kHex[(c >> 4) & 0xf]);
            json_.push_back(kHex[c & 0xf]);
          } else {
            json_.push_back(c);
          }
      }
    }
    json_.push_back('"');
  }

  const ck_value* Values(const std::vector<ck::Value>& values, uint32_t* count) {
    ck_value* items = arena_.Allocate<ck_value>(values.size());
    for (size_t i = 0; i < values.size(); ++i) Value(values[i], &items[i]);
    *count = static_cast<uint32_t>(values.size());
    return items;
  }

  Arena& arena_;
  std::unordered_map<const ck::Schema*, const ck_schema*> schemas_;
  std::vector<SchemaPtr> retained_;  // the schemas keyed in schemas_
  const ck::Schema* last_schema_ = nullptr;
  const ck_schema* last_abi_schema_ = nullptr;
  const ck::Schema* other_schema_ = nullptr;  // the one asked for before last_schema_
  const ck_schema* other_abi_schema_ = nullptr;
  std::string json_;
  inline static const nlohmann::json kEmptyObject = nlohmann::json::object();
  // The last record's source partition: its JSON value (null when it came as text) and its text.
  nlohmann::json last_partition_;
  ck_str last_partition_text_{nullptr, 0};
};

/// Reads ABI structs into C++ objects. Schemas are converted once per Reader.
class Reader {
 public:
  /// The C++ schema for `schema` (null for nullptr).
  const SchemaPtr& Schema(const ck_schema* schema) {
    if (schema == nullptr) return kNoSchema;
    if (schema == last_abi_schema_) return *last_schema_;  // records of a batch share schemas
    auto it = schemas_.find(schema);
    if (it == schemas_.end()) it = schemas_.emplace(schema, Build(schema)).first;
    last_abi_schema_ = schema;
    last_schema_ = &it->second;
    return it->second;
  }

  /// The C++ value of `value`, whose schema is `schema` (null when schemaless).
  ck::Value Value(const ck_value& value, const SchemaPtr& schema) {
    if (schema != nullptr && value.type != CK_TYPE_NULL && value.type != ToAbi(schema->type())) {
      throw DataError("Value of type tag " + std::to_string(value.type) +
                      " does not match its schema of type " +
                      std::string(TypeName(schema->type())));
    }
    switch (value.type) {
      case CK_TYPE_NULL:
        return {};
      case CK_TYPE_INT8:
        return static_cast<int8_t>(value.u.i64);
      case CK_TYPE_INT16:
        return static_cast<int16_t>(value.u.i64);
      case CK_TYPE_INT32:
        return static_cast<int32_t>(value.u.i64);
      case CK_TYPE_INT64:
        return value.u.i64;
      case CK_TYPE_FLOAT32:
        return static_cast<float>(value.u.f64);
      case CK_TYPE_FLOAT64:
        return value.u.f64;
      case CK_TYPE_BOOLEAN:
        return value.u.i64 != 0;
      case CK_TYPE_STRING:
        return std::string(View(value.u.bytes));
      case CK_TYPE_BYTES: {
        const auto* p = reinterpret_cast<const uint8_t*>(value.u.bytes.ptr);
        return Bytes(p, p + value.u.bytes.len);
      }
      case CK_TYPE_ARRAY: {
        const SchemaPtr& element = schema ? schema->value_schema() : kNoSchema;
        ck::Value::Array array;
        array.reserve(value.count);
        for (uint32_t i = 0; i < value.count; ++i)
          array.push_back(Value(value.u.items[i], element));
        return array;
      }
      case CK_TYPE_MAP: {
        const SchemaPtr& key = schema ? schema->key_schema() : kNoSchema;
        const SchemaPtr& val = schema ? schema->value_schema() : kNoSchema;
        ck::Value::Map map;
        map.reserve(value.count);
        for (uint32_t i = 0; i < value.count; ++i) {
          map.emplace_back(Value(value.u.items[2 * i], key), Value(value.u.items[2 * i + 1], val));
        }
        return map;
      }
      case CK_TYPE_STRUCT: {
        if (schema == nullptr)
          throw DataError("A struct value crossed the boundary without a schema");
        const auto& fields = schema->fields();
        if (fields.size() != value.count) {
          throw DataError("Struct value has " + std::to_string(value.count) +
                          " fields but its schema has " + std::to_string(fields.size()));
        }
        std::vector<ck::Value> values;
        values.reserve(fields.size());
        for (uint32_t i = 0; i < value.count; ++i) {
          values.push_back(Value(value.u.items[i], fields[i].schema));
        }
        return StructAccess::Make(schema, std::move(values));
      }
      default:
        throw DataError("Invalid value type tag " + std::to_string(value.type) +
                        " in a batch from across the plugin boundary");
    }
  }

  /// Reads the fields every record has into `out`.
  void Record(const ck_record& in, ConnectRecord* out) {
    out->topic.assign(View(in.topic));
    out->kafka_partition = in.partition >= 0 ? std::optional<int32_t>(in.partition) : std::nullopt;
    out->timestamp =
        in.timestamp != CK_NO_TIMESTAMP ? std::optional<int64_t>(in.timestamp) : std::nullopt;
    out->key_schema = Schema(in.key_schema);
    out->value_schema = Schema(in.value_schema);
    out->key = Value(in.key, out->key_schema);
    out->value = Value(in.value, out->value_schema);
    out->headers.clear();
    for (uint32_t i = 0; i < in.header_count; ++i) {
      const ck_header& h = in.headers[i];
      SchemaPtr schema = Schema(h.schema);
      ck::Value value = Value(h.value, schema);
      out->headers.add(std::string(View(h.key)), std::move(value), std::move(schema));
    }
  }

  /// Reads a source record, parsing its source partition and offset.
  void Record(const ck_record& in, SourceRecord* out) {
    Record(in, static_cast<ConnectRecord*>(out));
    out->source_partition = ParseJson(in.source_partition);
    out->source_offset = ParseJson(in.source_offset);
  }

  /// Reads a sink record with its Kafka coordinates.
  void Record(const ck_record& in, SinkRecord* out) {
    Record(in, static_cast<ConnectRecord*>(out));
    out->kafka_offset = in.kafka_offset;
    out->timestamp_type = static_cast<TimestampType>(in.timestamp_type);
    out->original_topic.assign(View(in.original_topic));
    out->original_partition = in.original_partition;
    out->original_offset = in.original_offset;
  }

 private:
  SchemaPtr Build(const ck_schema* schema) {
    if (schema->type < CK_TYPE_INT8 || schema->type > CK_TYPE_STRUCT) {
      throw DataError("Invalid schema type tag " + std::to_string(schema->type) +
                      " in a batch from across the plugin boundary");
    }
    const Type type = static_cast<Type>(schema->type - 1);
    SchemaBuilder builder =
        type == Type::kArray ? SchemaBuilder::array(Schema(schema->value_schema))
        : type == Type::kMap
            ? SchemaBuilder::map(Schema(schema->key_schema), Schema(schema->value_schema))
            : SchemaBuilder::type(type);
    if (schema->flags & CK_SCHEMA_OPTIONAL) builder.optional();
    if (schema->flags & CK_SCHEMA_HAS_VERSION) builder.version(schema->version);
    if (schema->name.len != 0) builder.name(std::string(View(schema->name)));
    if (schema->doc.len != 0) builder.doc(std::string(View(schema->doc)));
    for (uint32_t i = 0; i < schema->parameter_count; ++i) {
      builder.parameter(std::string(View(schema->parameters[i].key)),
                        std::string(View(schema->parameters[i].value)));
    }
    for (uint32_t i = 0; i < schema->field_count; ++i) {
      builder.field(std::string(View(schema->fields[i].name)), Schema(schema->fields[i].schema));
    }
    if (schema->default_value != nullptr) {
      builder.default_value(Value(*schema->default_value, builder.build()));
    }
    return builder.build();
  }

  static nlohmann::json ParseJson(ck_str text) {
    if (text.len == 0) return nlohmann::json::object();
    return nlohmann::json::parse(View(text));
  }

  inline static const SchemaPtr kNoSchema = nullptr;
  std::unordered_map<const ck_schema*, SchemaPtr> schemas_;
  const ck_schema* last_abi_schema_ = nullptr;
  const SchemaPtr* last_schema_ = nullptr;
};

}  // namespace ck::abi_internal
