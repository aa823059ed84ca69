// JsonSerializer: Connect data to JsonConverter's JSON bytes (Kafka's JsonConverter.asJsonSchema
// and convertToJson followed by Jackson's serialisation), written straight into one reusable
// buffer by JsonWriter.
//
// Schema JSON is the costly part of a record with a wide struct, so it is rendered once and
// cached: first by the schema object's address (records of one batch share schema objects), then
// by structure (a new batch brings new but equal schema objects), bounded by schemas.cache.size.
#ifndef CK_RUNTIME_CONVERTERS_JSON_SERIALIZER_H_
#define CK_RUNTIME_CONVERTERS_JSON_SERIALIZER_H_

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include "ck/abi/ck_abi.h"
#include "ck/errors.h"
#include "ck/schema.h"
#include "ck/value.h"
#include "runtime/converters/json_converter.h"
#include "runtime/converters/json_writer.h"
#include "runtime/converters/lru_cache.h"
#include "runtime/converters/value_path.h"

namespace ck::runtime::converters_internal {

/// Structural hash of a schema, consistent with Schema's operator==.
struct SchemaStructureHash {
  size_t operator()(const SchemaPtr& schema) const;
};

/// Deep equality of schema handles.
struct SchemaStructureEqual {
  bool operator()(const SchemaPtr& a, const SchemaPtr& b) const { return SchemaEquals(a, b); }
};

/// Read access to a C++ Value for the serializer's templates.
class CppValueView {
 public:
  explicit CppValueView(const Value& value) : value_(value) {}
  bool is_null() const { return value_.is_null(); }
  /// The type of a non-null value.
  Type type() const { return *value_.type(); }
  std::string_view type_name() const { return value_.type_name(); }
  int64_t integer() const {
    switch (type()) {
      case Type::kInt8:
        return value_.as_int8();
      case Type::kInt16:
        return value_.as_int16();
      case Type::kInt32:
        return value_.as_int32();
      default:
        return value_.as_int64();
    }
  }
  float float32() const { return value_.as_float32(); }
  double float64() const { return value_.as_float64(); }
  bool boolean() const { return value_.as_boolean(); }
  std::string_view string() const { return value_.as_string(); }
  std::span<const uint8_t> bytes() const { return value_.as_bytes(); }
  /// Elements of an array, entries of a map.
  size_t size() const {
    return type() == Type::kArray ? value_.as_array().size() : value_.as_map().size();
  }
  CppValueView item(size_t i) const { return CppValueView(value_.as_array()[i]); }
  CppValueView key(size_t i) const { return CppValueView(value_.as_map()[i].first); }
  CppValueView value(size_t i) const { return CppValueView(value_.as_map()[i].second); }
  /// Whether this struct's schema is `schema`.
  bool StructMatches(const Schema& schema) const {
    const Struct& s = value_.as_struct();
    return s.schema().get() == &schema || *s.schema() == schema;
  }
  /// The value of the struct's field `field` (of a schema StructMatches accepted), with or without
  /// the field's default.
  CppValueView field(const Field& field, bool with_default) const {
    const Struct& s = value_.as_struct();
    const Field& own = s.schema()->fields()[field.index];
    return CppValueView(with_default ? s.get(own) : s.get_without_default(own.name));
  }

 private:
  const Value& value_;
};

/// Read access to an ABI value, as marshalled by the plugin that produced it, for the
/// serializer's templates: records go from the ABI batch to JSON without C++ Values in between.
class AbiValueView {
 public:
  explicit AbiValueView(const ck_value& value) : value_(value) {
    if (value.type > CK_TYPE_STRUCT) {
      throw DataError("Invalid value type tag " + std::to_string(value.type) +
                      " in a batch from across the plugin boundary");
    }
  }
  bool is_null() const { return value_.type == CK_TYPE_NULL; }
  Type type() const { return static_cast<Type>(value_.type - 1); }
  std::string_view type_name() const { return is_null() ? "null" : TypeName(type()); }
  int64_t integer() const { return value_.u.i64; }
  float float32() const { return static_cast<float>(value_.u.f64); }
  double float64() const { return value_.u.f64; }
  bool boolean() const { return value_.u.i64 != 0; }
  std::string_view string() const {
    return value_.u.bytes.len == 0 ? std::string_view()
                                   : std::string_view(value_.u.bytes.ptr, value_.u.bytes.len);
  }
  std::span<const uint8_t> bytes() const {
    return {reinterpret_cast<const uint8_t*>(value_.u.bytes.ptr), value_.u.bytes.len};
  }
  size_t size() const { return value_.count; }
  AbiValueView item(size_t i) const { return AbiValueView(value_.u.items[i]); }
  AbiValueView key(size_t i) const { return AbiValueView(value_.u.items[2 * i]); }
  AbiValueView value(size_t i) const { return AbiValueView(value_.u.items[2 * i + 1]); }
  /// ABI structs carry their values in the order of their schema's fields.
  bool StructMatches(const Schema& schema) const { return value_.count == schema.fields().size(); }
  AbiValueView field(const Field& field, bool) const {
    return AbiValueView(value_.u.items[field.index]);
  }

 private:
  const ck_value& value_;
};

class JsonSerializer {
 public:
  explicit JsonSerializer(const JsonConverterSettings& settings);

  /// JsonConverter.fromConnectData: std::nullopt for a null schema with a null value, else the
  /// envelope (schemas.enable) or the bare payload.
  std::optional<Bytes> Serialize(const SchemaPtr& schema, const Value& value);

  /// Serialize for a value as an ABI batch carries it (`schema` is its schema read from the
  /// batch); the JSON stays valid until the next call.
  std::optional<std::string_view> SerializeView(const SchemaPtr& schema, const ck_value& value);

  /// The schema JSON (Kafka's asJsonSchema, serialised), from the cache when possible; valid
  /// until the next call.
  const std::string& SchemaJson(const SchemaPtr& schema);

 private:
  using Json = std::shared_ptr<const std::string>;

  // The value writers take a CppValueView or an AbiValueView.
  template <typename V>
  std::string_view Write(const SchemaPtr& schema, const V& value);
  void WriteSchema(JsonWriter& w, const Schema& schema, const std::string* field_name);
  template <typename V>
  void WriteValue(JsonWriter& w, const Schema* schema, const V& value, const ValuePath* path);
  template <typename V>
  void WriteLogical(JsonWriter& w, const Schema& schema, const V& value, const ValuePath* path);
  template <typename V>
  void WriteMap(JsonWriter& w, const Schema* schema, const V& map, const ValuePath* path);
  template <typename V>
  void WriteStruct(JsonWriter& w, const Schema* schema, const V& value, const ValuePath* path);
  // A map key as the text of a JSON object member name (Jackson's asText() of the key's node).
  template <typename V>
  void WriteObjectKey(JsonWriter& w, const Schema* key_schema, const V& key, const ValuePath* path);

  JsonConverterSettings settings_;
  JsonWriter out_;
  JsonWriter schema_out_;
  LruCache<SchemaPtr, Json, SchemaStructureHash, SchemaStructureEqual> by_structure_;
  // Address -> JSON, each entry pinning its schema so that the address cannot be reused.
  struct Pinned {
    SchemaPtr schema;
    Json json;
  };
  std::unordered_map<const Schema*, Pinned> by_address_;
};

}  // namespace ck::runtime::converters_internal

#endif  // CK_RUNTIME_CONVERTERS_JSON_SERIALIZER_H_
