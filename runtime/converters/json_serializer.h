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
#include <string>
#include <unordered_map>

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

class JsonSerializer {
 public:
  explicit JsonSerializer(const JsonConverterSettings& settings);

  /// JsonConverter.fromConnectData: std::nullopt for a null schema with a null value, else the
  /// envelope (schemas.enable) or the bare payload.
  std::optional<Bytes> Serialize(const SchemaPtr& schema, const Value& value);

  /// The schema JSON (Kafka's asJsonSchema, serialised), from the cache when possible; valid
  /// until the next call.
  const std::string& SchemaJson(const SchemaPtr& schema);

 private:
  using Json = std::shared_ptr<const std::string>;

  void WriteSchema(JsonWriter& w, const Schema& schema, const std::string* field_name);
  void WriteValue(JsonWriter& w, const Schema* schema, const Value& value, const ValuePath* path);
  void WriteLogical(JsonWriter& w, const Schema& schema, const Value& value, const ValuePath* path);
  void WriteMap(JsonWriter& w, const Schema* schema, const Value::Map& map, const ValuePath* path);
  void WriteStruct(JsonWriter& w, const Schema* schema, const Value& value, const ValuePath* path);
  // A map key as the text of a JSON object member name (Jackson's asText() of the key's node).
  void WriteObjectKey(JsonWriter& w, const Schema* key_schema, const Value& key,
                      const ValuePath* path);

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
