// Connect data to JSON, following Kafka's JsonConverter field for field (see json_serializer.h).
// Kafka builds a Jackson tree and serialises it; this writes the same bytes in one pass. Schema
// objects list their members in the order asJsonSchema puts them into its ObjectNode: type, then
// items | keys,values | fields, then optional, name, version, doc, parameters (in the order they
// were set), default; a struct field's schema gets "field" last.
#include "runtime/converters/json_serializer.h"

#include <functional>
#include <string_view>

#include "runtime/converters/connect_types.h"

namespace ck::runtime::converters_internal {
namespace {

using errors_internal::StrCat;

void Mix(size_t& seed, size_t value) {
  seed ^= value + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2);
}

size_t HashSchema(const Schema& schema) {
  const std::hash<std::string_view> text;
  size_t h = static_cast<size_t>(schema.type()) * 2 + (schema.optional() ? 1 : 0);
  Mix(h, text(schema.name()));
  Mix(h, schema.version() ? static_cast<size_t>(*schema.version()) : 0x5151);
  Mix(h, text(schema.doc()));
  for (const auto& [key, value] : schema.parameters()) {
    Mix(h, text(key));
    Mix(h, text(value));
  }
  Mix(h, schema.default_value() != nullptr ? 1 : 0);
  switch (schema.type()) {
    case Type::kStruct:
      for (const Field& field : schema.fields()) {
        Mix(h, text(field.name));
        Mix(h, HashSchema(*field.schema));
      }
      break;
    case Type::kMap:
      Mix(h, HashSchema(*schema.key_schema()));
      [[fallthrough]];
    case Type::kArray:
      Mix(h, HashSchema(*schema.value_schema()));
      break;
    default:
      break;
  }
  return h;
}

// "Invalid type for INT32: string", Kafka's message for a value of the wrong Java class.
DataError InvalidType(const Schema& schema, std::string_view value_type, const ValuePath* path) {
  return DataError(
      AtPath(StrCat("Invalid type for ", KafkaTypeName(schema.type()), ": ", value_type), path));
}

}  // namespace

size_t SchemaStructureHash::operator()(const SchemaPtr& schema) const {
  return schema == nullptr ? 0 : HashSchema(*schema);
}

JsonSerializer::JsonSerializer(const JsonConverterSettings& settings)
    : settings_(settings), by_structure_(settings.schemas_cache_size) {}

std::optional<Bytes> JsonSerializer::Serialize(const SchemaPtr& schema, const Value& value) {
  if (schema == nullptr && value.is_null()) return std::nullopt;
  const std::string_view json = Write(schema, CppValueView(value));
  return Bytes(json.begin(), json.end());
}

std::optional<std::string_view> JsonSerializer::SerializeView(const SchemaPtr& schema,
                                                              const ck_value& value) {
  if (schema == nullptr && value.type == CK_TYPE_NULL) return std::nullopt;
  return Write(schema, AbiValueView(value));
}

template <typename V>
std::string_view JsonSerializer::Write(const SchemaPtr& schema, const V& value) {
  out_.Clear();
  if (settings_.schemas_enable) {
    out_.Raw(R"({"schema":)");
    if (schema != nullptr) {
      out_.Raw(SchemaJson(schema));
    } else {
      out_.Null();
    }
    out_.Raw(R"(,"payload":)");
    WriteValue(out_, schema.get(), value, nullptr);
    out_.Char('}');
  } else {
    WriteValue(out_, schema.get(), value, nullptr);
  }
  return out_.view();
}

const std::string& JsonSerializer::SchemaJson(const SchemaPtr& schema) {
  if (settings_.schemas_cache_size <= 0) {  // Kafka's LRUCache(0) keeps nothing
    schema_out_.Clear();
    WriteSchema(schema_out_, *schema, nullptr);
    return schema_out_.buffer();
  }
  if (const auto it = by_address_.find(schema.get()); it != by_address_.end()) {
    return *it->second.json;
  }
  Json json;
  if (const Json* cached = by_structure_.Find(schema)) {
    json = *cached;
  } else {
    schema_out_.Clear();
    WriteSchema(schema_out_, *schema, nullptr);
    json = std::make_shared<const std::string>(schema_out_.view());
    by_structure_.Insert(schema, json);
  }
  // Addresses of schemas from finished batches are never asked for again: start over rather than
  // track their use.
  if (by_address_.size() >= static_cast<size_t>(settings_.schemas_cache_size) + 64) {
    by_address_.clear();
  }
  by_address_.emplace(schema.get(), Pinned{schema, json});
  return *json;
}

void JsonSerializer::WriteSchema(JsonWriter& w, const Schema& schema,
                                 const std::string* field_name) {
  w.Raw(R"({"type":)");
  w.String(JsonTypeName(schema.type()));
  switch (schema.type()) {
    case Type::kArray:
      w.Raw(R"(,"items":)");
      WriteSchema(w, *schema.value_schema(), nullptr);
      break;
    case Type::kMap:
      w.Raw(R"(,"keys":)");
      WriteSchema(w, *schema.key_schema(), nullptr);
      w.Raw(R"(,"values":)");
      WriteSchema(w, *schema.value_schema(), nullptr);
      break;
    case Type::kStruct: {
      w.Raw(R"(,"fields":[)");
      bool first = true;
      for (const Field& field : schema.fields()) {
        if (!first) w.Char(',');
        first = false;
        WriteSchema(w, *field.schema, &field.name);
      }
      w.Char(']');
      break;
    }
    default:
      break;
  }
  w.Raw(schema.optional() ? R"(,"optional":true)" : R"(,"optional":false)");
  if (!schema.name().empty()) {
    w.Raw(R"(,"name":)");
    w.String(schema.name());
  }
  if (schema.version()) {
    w.Raw(R"(,"version":)");
    w.Int(*schema.version());
  }
  if (!schema.doc().empty()) {
    w.Raw(R"(,"doc":)");
    w.String(schema.doc());
  }
  if (!schema.parameters().empty()) {
    w.Raw(R"(,"parameters":{)");
    bool first = true;
    for (const std::string& key : schema.parameter_order()) {  // Kafka's LinkedHashMap order
      if (!first) w.Char(',');
      first = false;
      w.String(key);
      w.Char(':');
      w.String(schema.parameters().at(key));
    }
    w.Char('}');
  }
  if (const Value* default_value = schema.default_value()) {
    w.Raw(R"(,"default":)");
    WriteValue(w, &schema, CppValueView(*default_value), nullptr);
  }
  if (field_name != nullptr) {
    w.Raw(R"(,"field":)");
    w.String(*field_name);
  }
  w.Char('}');
}

template <typename V>
void JsonSerializer::WriteValue(JsonWriter& w, const Schema* schema, const V& value,
                                const ValuePath* path) {
  if (value.is_null()) {
    if (schema == nullptr) {  // schema-less: any value may be null
      w.Null();
    } else if (schema->default_value() != nullptr && settings_.replace_null_with_default) {
      WriteValue(w, schema, CppValueView(*schema->default_value()), path);
    } else if (schema->optional()) {
      w.Null();
    } else {
      throw DataError(
          AtPath("Conversion error: null value for field that is required and has no default value",
                 path));
    }
    return;
  }
  if (schema != nullptr) {
    if (LogicalOf(*schema) != LogicalType::kNone) return WriteLogical(w, *schema, value, path);
    if (value.type() != schema->type()) throw InvalidType(*schema, value.type_name(), path);
  }
  switch (value.type()) {
    case Type::kInt8:
    case Type::kInt16:
    case Type::kInt32:
    case Type::kInt64:
      return w.Int(value.integer());
    case Type::kFloat32:
      return w.Float(value.float32());
    case Type::kFloat64:
      return w.Double(value.float64());
    case Type::kBoolean:
      return w.Bool(value.boolean());
    case Type::kString:
      return w.String(value.string());
    case Type::kBytes:
      return w.Binary(value.bytes());
    case Type::kArray: {
      const Schema* element = schema != nullptr ? schema->value_schema().get() : nullptr;
      w.Char('[');
      for (size_t i = 0; i < value.size(); ++i) {
        if (i != 0) w.Char(',');
        const ValuePath at{{}, static_cast<int64_t>(i), path};
        WriteValue(w, element, value.item(i), &at);
      }
      w.Char(']');
      return;
    }
    case Type::kMap:
      return WriteMap(w, schema, value, path);
    case Type::kStruct:
      return WriteStruct(w, schema, value, path);
  }
}

template <typename V>
void JsonSerializer::WriteLogical(JsonWriter& w, const Schema& schema, const V& value,
                                  const ValuePath* path) {
  switch (LogicalOf(schema)) {
    case LogicalType::kDecimal: {
      if (value.type() != Type::kBytes) {
        throw DataError(AtPath(StrCat("Invalid type for Decimal, expected bytes (the unscaled "
                                      "value) but was ",
                                      value.type_name()),
                               path));
      }
      const std::span<const uint8_t> unscaled = value.bytes();
      if (unscaled.empty()) throw DataError(AtPath("Invalid Decimal value: no bytes", path));
      const int32_t scale = Decimal::scale(schema);
      if (settings_.decimal_format == JsonDecimalFormat::kNumeric) {
        AppendBigDecimal(w.buffer(), unscaled, scale);
      } else {
        w.Binary(MinimalTwosComplement(unscaled));  // BigInteger.toByteArray(), as Kafka writes
      }
      return;
    }
    case LogicalType::kDate:
    case LogicalType::kTime:
      if (value.type() != Type::kInt32) throw InvalidType(schema, value.type_name(), path);
      return w.Int(value.integer());
    case LogicalType::kTimestamp:
      if (value.type() != Type::kInt64) throw InvalidType(schema, value.type_name(), path);
      return w.Int(value.integer());
    case LogicalType::kNone:
      break;
  }
}

template <typename V>
void JsonSerializer::WriteMap(JsonWriter& w, const Schema* schema, const V& map,
                              const ValuePath* path) {
  const Schema* key_schema = schema != nullptr ? schema->key_schema().get() : nullptr;
  const Schema* value_schema = schema != nullptr ? schema->value_schema().get() : nullptr;
  // Kafka: a JSON object when keys are strings (by schema, or schema-less when every key is a
  // string), else an array of [key, value] pairs.
  bool object_mode = true;
  if (key_schema != nullptr) {
    object_mode = key_schema->type() == Type::kString;
  } else {
    for (size_t i = 0; i < map.size(); ++i) {
      const V key = map.key(i);
      if (key.is_null() || key.type() != Type::kString) {
        object_mode = false;
        break;
      }
    }
  }
  w.Char(object_mode ? '{' : '[');
  for (size_t i = 0; i < map.size(); ++i) {
    if (i != 0) w.Char(',');
    const V key = map.key(i);
    const V item = map.value(i);
    const ValuePath at{{}, static_cast<int64_t>(i), path};
    if (object_mode) {
      WriteObjectKey(w, key_schema, key, &at);
      w.Char(':');
      const ValuePath member{
          !key.is_null() && key.type() == Type::kString ? key.string() : std::string_view("null"),
          -1, path};
      WriteValue(w, value_schema, item, &member);
    } else {
      w.Char('[');
      WriteValue(w, key_schema, key, &at);
      w.Char(',');
      WriteValue(w, value_schema, item, &at);
      w.Char(']');
    }
  }
  w.Char(object_mode ? '}' : ']');
}

template <typename V>
void JsonSerializer::WriteObjectKey(JsonWriter& w, const Schema* key_schema, const V& key,
                                    const ValuePath* path) {
  if (!key.is_null()) {
    if (key.type() != Type::kString) throw InvalidType(*key_schema, key.type_name(), path);
    return w.String(key.string());
  }
  // A null key goes through the null rules of its schema; Jackson's asText() of the resulting
  // null node is "null".
  if (key_schema->default_value() != nullptr && settings_.replace_null_with_default) {
    return WriteObjectKey(w, key_schema, CppValueView(*key_schema->default_value()), path);
  }
  if (!key_schema->optional()) {
    throw DataError(AtPath(
        "Conversion error: null value for field that is required and has no default value", path));
  }
  w.String("null");
}

template <typename V>
void JsonSerializer::WriteStruct(JsonWriter& w, const Schema* schema, const V& value,
                                 const ValuePath* path) {
  if (schema == nullptr || !value.StructMatches(*schema)) {
    throw DataError(AtPath("Mismatching schema.", path));
  }
  w.Char('{');
  const std::vector<Field>& fields = schema->fields();
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i != 0) w.Char(',');
    const Field& field = fields[i];
    w.String(field.name);
    w.Char(':');
    const ValuePath at{field.name, -1, path};
    // Kafka reads the field without its default, then applies the null rules (so that
    // replace.null.with.default=false writes null). With replacement on, get() is the same.
    WriteValue(w, field.schema.get(), value.field(field, settings_.replace_null_with_default), &at);
  }
  w.Char('}');
}

}  // namespace ck::runtime::converters_internal
