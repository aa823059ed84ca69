// JSON to Connect data with simdjson On-Demand (see json_deserializer.h).
//
// On-Demand reads forward only, so the envelope is handled as follows: when "schema" comes first
// (as every JsonConverter writes it) the schema is resolved from the cache by its raw JSON text and
// the payload is read in place; when "payload" comes first its raw text is kept and read after the
// schema. Schema JSON (cold: cached by text) is parsed with a second parser, one object at a time:
// each object's members are collected first, then its nested schemas and its default are parsed,
// so that parser is never needed by two documents at once. All texts are views into one padded
// copy of the input, as simdjson requires SIMDJSON_PADDING readable bytes past each document.
//
// Values follow Kafka's convertToConnect: integers narrow as Java's intValue()/longValue() do (low
// bits of the truncated value), floats are read from the number's text, Decimal accepts a number
// or base64 text, Date/Time need an int, Timestamp an integral number. Where Kafka silently reads
// a JSON value of the wrong kind as 0, false or null, this throws DataError naming the field.
#include "runtime/converters/json_deserializer.h"

#include <simdjson.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/converters/base64.h"
#include "runtime/converters/connect_types.h"
#include "runtime/converters/java_text.h"
#include "runtime/converters/lru_cache.h"
#include "runtime/converters/value_path.h"

namespace ck::runtime::converters_internal {
namespace {

namespace od = simdjson::ondemand;
using errors_internal::StrCat;

constexpr std::string_view kEnvelopeError =
    "JsonConverter with schemas.enable requires \"schema\" and \"payload\" fields and may not "
    "contain additional fields. If you are trying to deserialize plain JSON data, set "
    "schemas.enable=false in your converter configuration.";

constexpr std::string_view kSerializationError =
    "Converting byte[] to Kafka Connect data failed due to serialization error: ";

// Jackson's JsonNodeType names, which Kafka's messages print.
std::string_view NodeType(od::json_type type) {
  switch (type) {
    case od::json_type::array:
      return "ARRAY";
    case od::json_type::object:
      return "OBJECT";
    case od::json_type::number:
      return "NUMBER";
    case od::json_type::string:
      return "STRING";
    case od::json_type::boolean:
      return "BOOLEAN";
    case od::json_type::null:
      return "NULL";
  }
  return "MISSING";
}

std::string_view TrimRight(std::string_view s) {
  while (!s.empty() && static_cast<unsigned char>(s.back()) <= ' ') s.remove_suffix(1);
  return s;
}

bool IsIntegralToken(std::string_view token) {
  return token.find_first_of(".eE") == std::string_view::npos;
}

// Java's longValue() of the JSON number `token`: the low 64 bits of its value truncated toward
// zero (BigInteger/BigDecimal narrowing), computed without overflow for any length.
int64_t JavaLongValue(std::string_view token) {
  size_t i = 0;
  const bool negative = !token.empty() && token[0] == '-';
  if (negative) ++i;
  std::string_view integer, fraction;
  const size_t integer_start = i;
  while (i < token.size() && token[i] >= '0' && token[i] <= '9') ++i;
  integer = token.substr(integer_start, i - integer_start);
  if (i < token.size() && token[i] == '.') {
    const size_t fraction_start = ++i;
    while (i < token.size() && token[i] >= '0' && token[i] <= '9') ++i;
    fraction = token.substr(fraction_start, i - fraction_start);
  }
  int64_t exponent = 0;
  if (i < token.size() && (token[i] == 'e' || token[i] == 'E')) {
    ++i;
    const bool exponent_negative = i < token.size() && token[i] == '-';
    if (i < token.size() && (token[i] == '-' || token[i] == '+')) ++i;
    for (; i < token.size() && token[i] >= '0' && token[i] <= '9'; ++i) {
      exponent = std::min<int64_t>(exponent * 10 + (token[i] - '0'), 1'000'000'000);
    }
    if (exponent_negative) exponent = -exponent;
  }
  // value = integer.fraction * 10^exponent; keep the integer digits of that, modulo 2^64.
  uint64_t result = 0;
  int64_t integer_digits = static_cast<int64_t>(integer.size()) + exponent;
  const auto push = [&result](char digit) {
    result = result * 10 + static_cast<unsigned>(digit - '0');
  };
  for (char c : integer) {
    if (integer_digits-- <= 0) break;
    push(c);
  }
  for (char c : fraction) {
    if (integer_digits-- <= 0) break;
    push(c);
  }
  // Trailing zeros of a large exponent: 10^64 is a multiple of 2^64, so 64 of them clear it.
  for (int64_t zeros = std::min<int64_t>(integer_digits, 64); zeros > 0; --zeros) push('0');
  return static_cast<int64_t>(negative ? 0 - result : result);
}

// A JSON number's text as a float or double, rounded once from the decimal (as Java's
// BigDecimal.doubleValue()/floatValue() with Jackson's USE_BIG_DECIMAL_FOR_FLOATS).
template <typename F>
F ParseFloating(std::string_view token) {
  F value = 0;
  const auto [end, error] = std::from_chars(token.data(), token.data() + token.size(), value);
  if (error == std::errc::result_out_of_range) {
    const size_t e = token.find_first_of("eE");
    const bool tiny = e != std::string_view::npos && token.substr(e + 1).starts_with('-');
    const F magnitude = tiny ? F{0} : std::numeric_limits<F>::infinity();
    return token.starts_with('-') ? -magnitude : magnitude;
  }
  if (error != std::errc() || end != token.data() + token.size()) {
    throw DataError(StrCat("Invalid JSON number: ", token));
  }
  return value;
}

// The members of one schema object (asConnectSchema's reads), collected in one pass. Nested
// schemas and the default stay raw JSON until the object has been read.
struct SchemaMembers {
  std::optional<std::string> type;  // only when the member is a string
  bool optional = false;            // only true when the member is true
  std::optional<std::string> name, doc, field;
  std::optional<int32_t> version;
  std::vector<std::pair<std::string, std::string>> parameters;
  std::optional<std::string_view> items, keys, values, fields, default_json;
  bool is_object = false;
};

struct TextHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
};

}  // namespace

class JsonDeserializer::Impl {
 public:
  explicit Impl(const JsonConverterSettings& settings)
      : settings_(settings), schemas_(settings.schemas_cache_size) {}

  SchemaAndValue Deserialize(std::span<const uint8_t> data) {
    const std::string_view text = Pad(data);
    if (TrimRight(text).empty()) {  // Jackson reads no content as a missing node
      if (settings_.schemas_enable) throw DataError(std::string(kEnvelopeError));
      return {};
    }
    try {
      return settings_.schemas_enable ? ReadEnvelope(text) : ReadBare(text);
    } catch (const simdjson::simdjson_error& e) {
      throw DataError(StrCat(kSerializationError, e.what()));
    }
  }

 private:
  // Copies `data` into the padded buffer and returns a view of it.
  std::string_view Pad(std::span<const uint8_t> data) {
    if (buffer_.size() < data.size() + simdjson::SIMDJSON_PADDING) {
      buffer_.resize(data.size() + simdjson::SIMDJSON_PADDING);
    }
    if (!data.empty()) std::memcpy(buffer_.data(), data.data(), data.size());
    std::memset(buffer_.data() + data.size(), 0, simdjson::SIMDJSON_PADDING);
    return std::string_view(buffer_.data(), data.size());
  }

  // simdjson needs padding past a document; every text is a view into buffer_, which has it.
  od::document Iterate(od::parser& parser, std::string_view text) {
    const size_t capacity = buffer_.size() - static_cast<size_t>(text.data() - buffer_.data());
    return parser.iterate(text.data(), text.size(), capacity);
  }

  static void ExpectEnd(od::document& doc) {
    if (doc.current_location().error() != simdjson::OUT_OF_BOUNDS) {
      throw DataError(StrCat(kSerializationError, "unexpected content after the JSON value"));
    }
  }

  SchemaAndValue ReadBare(std::string_view text) {
    od::document doc = Iterate(parser_, text);
    const od::json_type root = doc.type();
    Value value = Read(kNoSchema, doc, nullptr);
    if (root == od::json_type::object || root == od::json_type::array) {
      ExpectEnd(doc);
    } else {
      ExpectScalarEnd(text);
    }
    return {nullptr, std::move(value)};
  }

  // A scalar document is not consumed by reading its raw token; check its end lexically.
  static void ExpectScalarEnd(std::string_view text) {
    size_t i = 0;
    while (i < text.size() && static_cast<unsigned char>(text[i]) <= ' ') ++i;
    if (i < text.size() && text[i] == '"') {
      for (++i; i < text.size() && text[i] != '"'; ++i) {
        if (text[i] == '\\') ++i;
      }
      ++i;
    } else {
      while (i < text.size() && static_cast<unsigned char>(text[i]) > ' ' &&
             std::string_view("[]{},:").find(text[i]) == std::string_view::npos) {
        ++i;
      }
    }
    if (!TrimRight(text.substr(std::min(i, text.size()))).empty()) {
      throw DataError(StrCat(kSerializationError, "unexpected content after the JSON value"));
    }
  }

  SchemaAndValue ReadEnvelope(std::string_view text) {
    od::document doc = Iterate(parser_, text);
    if (doc.type() != od::json_type::object) throw DataError(std::string(kEnvelopeError));
    std::optional<std::string_view> schema_json, payload_json;
    SchemaPtr schema;
    Value payload;
    bool payload_read = false;
    for (auto member : doc.get_object()) {
      const std::string_view key = member.unescaped_key();
      od::value value = member.value();
      if (key == "schema" && !schema_json) {
        schema_json = RawJson(value);
      } else if (key == "payload" && !payload_json && !payload_read) {
        if (schema_json) {  // the usual order: read the payload in place
          schema = ResolveSchema(*schema_json);
          payload = Read(schema, value, nullptr);
          payload_read = true;
        } else {
          payload_json = RawJson(value);
        }
      } else {
        throw DataError(std::string(kEnvelopeError));  // another member, or a repeated one
      }
    }
    if (!schema_json || (!payload_json && !payload_read)) {
      throw DataError(std::string(kEnvelopeError));
    }
    ExpectEnd(doc);
    if (!payload_read) {
      schema = ResolveSchema(*schema_json);
      od::document payload_doc = Iterate(parser_, *payload_json);
      payload = Read(schema, payload_doc, nullptr);
    }
    return {std::move(schema), std::move(payload)};
  }

  // The raw JSON text of `value`, which is consumed.
  static std::string_view RawJson(od::value& value) {
    switch (value.type()) {
      case od::json_type::object: {
        od::object object = value.get_object();
        return object.raw_json();
      }
      case od::json_type::array: {
        od::array array = value.get_array();
        return array.raw_json();
      }
      default:
        return TrimRight(value.raw_json_token());
    }
  }

  // ---- Schemas --------------------------------------------------------------------------------

  // The schema of the envelope's "schema" member (null for JSON null), cached by its text.
  SchemaPtr ResolveSchema(std::string_view json) {
    if (json == "null") return nullptr;
    if (last_schema_ != nullptr && json == last_schema_json_) return last_schema_;
    SchemaPtr schema;
    if (const SchemaPtr* cached = schemas_.Find(json)) {
      schema = *cached;
    } else {
      schema = BuildSchema(json, nullptr);
      schemas_.Insert(std::string(json), schema);
    }
    last_schema_json_.assign(json);
    last_schema_ = schema;
    return schema;
  }

  SchemaMembers ReadSchemaMembers(std::string_view json) {
    SchemaMembers m;
    od::document doc = Iterate(schema_parser_, json);
    if (doc.type() != od::json_type::object) return m;
    m.is_object = true;
    for (auto member : doc.get_object()) {
      const std::string_view key = member.unescaped_key();
      od::value value = member.value();
      const od::json_type type = value.type();
      if (key == "type") {
        m.type.reset();
        if (type == od::json_type::string) m.type = std::string(value.get_string().value());
      } else if (key == "optional") {
        m.optional = type == od::json_type::boolean && value.get_bool();
      } else if (key == "name") {
        m.name.reset();
        if (type == od::json_type::string) m.name = std::string(value.get_string().value());
      } else if (key == "doc") {
        m.doc.reset();
        if (type == od::json_type::string) m.doc = std::string(value.get_string().value());
      } else if (key == "field") {
        m.field.reset();
        if (type == od::json_type::string) m.field = std::string(value.get_string().value());
      } else if (key == "version") {
        m.version.reset();
        if (type == od::json_type::number && IsIntegralToken(value.raw_json_token())) {
          m.version = static_cast<int32_t>(JavaLongValue(TrimRight(value.raw_json_token())));
        }
      } else if (key == "parameters") {
        m.parameters.clear();
        if (type != od::json_type::object) continue;
        for (auto parameter : value.get_object()) {
          std::string name(parameter.unescaped_key().value());
          od::value parameter_value = parameter.value();
          if (parameter_value.type() != od::json_type::string) {
            throw DataError("Schema parameters must have string values.");
          }
          m.parameters.emplace_back(std::move(name),
                                    std::string(parameter_value.get_string().value()));
        }
      } else if (key == "items") {
        m.items = RawJson(value);
      } else if (key == "keys") {
        m.keys = RawJson(value);
      } else if (key == "values") {
        m.values = RawJson(value);
      } else if (key == "fields") {
        m.fields = type == od::json_type::array ? std::optional(RawJson(value)) : std::nullopt;
      } else if (key == "default") {
        m.default_json = RawJson(value);
      }
    }
    ExpectEnd(doc);
    return m;
  }

  // Kafka's asConnectSchema for the schema JSON `json`. `members` may hold its members already.
  SchemaPtr BuildSchema(std::string_view json, SchemaMembers* members) {
    SchemaMembers own;
    if (members == nullptr) {
      if (TrimRight(json) == "null") return nullptr;
      own = ReadSchemaMembers(json);
      members = &own;
    }
    SchemaMembers& m = *members;
    if (!m.type) throw DataError("Schema must contain 'type' field");
    const std::string& type = *m.type;
    std::optional<SchemaBuilder> builder;
    if (type == "boolean") {
      builder = SchemaBuilder::boolean();
    } else if (type == "int8") {
      builder = SchemaBuilder::int8();
    } else if (type == "int16") {
      builder = SchemaBuilder::int16();
    } else if (type == "int32") {
      builder = SchemaBuilder::int32();
    } else if (type == "int64") {
      builder = SchemaBuilder::int64();
    } else if (type == "float") {
      builder = SchemaBuilder::float32();
    } else if (type == "double") {
      builder = SchemaBuilder::float64();
    } else if (type == "bytes") {
      builder = SchemaBuilder::bytes();
    } else if (type == "string") {
      builder = SchemaBuilder::string();
    } else if (type == "array") {
      if (!m.items || TrimRight(*m.items) == "null") {
        throw DataError("Array schema did not specify the element type");
      }
      builder = SchemaBuilder::array(BuildSchema(*m.items, nullptr));
    } else if (type == "map") {
      if (!m.keys) throw DataError("Map schema did not specify the key type");
      if (!m.values) throw DataError("Map schema did not specify the value type");
      SchemaPtr key_schema = BuildSchema(*m.keys, nullptr);
      builder = SchemaBuilder::map(std::move(key_schema), BuildSchema(*m.values, nullptr));
    } else if (type == "struct") {
      if (!m.fields) throw DataError("Struct schema's \"fields\" argument is not an array.");
      builder = SchemaBuilder::struct_();
      // Each field's text first (the parser is then free), then each field's schema.
      std::vector<std::string_view> field_jsons;
      {
        od::document doc = Iterate(schema_parser_, *m.fields);
        for (auto element : doc.get_array()) {
          od::value value = element.value();
          field_jsons.push_back(RawJson(value));
        }
      }
      for (std::string_view field_json : field_jsons) {
        SchemaMembers field = ReadSchemaMembers(field_json);
        if (!field.field) throw DataError("Struct schema's field name not specified properly");
        std::string field_name = *field.field;
        builder->field(std::move(field_name), BuildSchema(field_json, &field));
      }
    } else {
      throw DataError("Unknown schema type: " + type);
    }
    if (m.optional) builder->optional();
    if (m.name) builder->name(*m.name);
    if (m.version) builder->version(*m.version);
    if (m.doc) builder->doc(*m.doc);
    for (auto& [key, value] : m.parameters) builder->parameter(key, value);
    if (m.default_json) {
      // Kafka converts the default with the schema being built (no default yet).
      const SchemaPtr without_default = builder->build();
      od::document doc = Iterate(schema_parser_, *m.default_json);
      builder->default_value(Read(without_default, doc, nullptr));
    }
    return builder->build();
  }

  // ---- Values ---------------------------------------------------------------------------------

  template <typename Node>
  Value Read(const SchemaPtr& schema, Node& node, const ValuePath* path) {
    const od::json_type json_type = node.type();
    if (json_type == od::json_type::null) ExpectNull(node);
    if (schema == nullptr) return ReadSchemaless(node, json_type, path);
    if (json_type == od::json_type::null) return NullFor(*schema, path);
    switch (LogicalOf(*schema)) {
      case LogicalType::kDecimal:
        return ReadDecimal(*schema, node, json_type, path);
      case LogicalType::kDate:
        return ReadDateOrTime(*schema, node, json_type, "Date", path);
      case LogicalType::kTime: {
        const int32_t millis = ReadDateOrTime(*schema, node, json_type, "Time", path);
        Time::ToLogical(millis);  // throws outside 0..86400000, as Kafka's Time.toLogical
        return millis;
      }
      case LogicalType::kTimestamp:
        if (json_type != od::json_type::number || !IsIntegralToken(node.raw_json_token())) {
          throw DataError(AtPath(StrCat("Invalid type for Timestamp, underlying representation "
                                        "should be integral but was ",
                                        NodeType(json_type)),
                                 path));
        }
        return ReadLong(node);
      case LogicalType::kNone:
        break;
    }
    switch (schema->type()) {
      case Type::kInt8:
        return static_cast<int8_t>(ReadInteger(*schema, node, json_type, path));
      case Type::kInt16:
        return static_cast<int16_t>(ReadInteger(*schema, node, json_type, path));
      case Type::kInt32:
        return static_cast<int32_t>(ReadInteger(*schema, node, json_type, path));
      case Type::kInt64:
        return ReadInteger(*schema, node, json_type, path);
      case Type::kFloat32:
        return ReadFloating<float>(*schema, node, json_type, path);
      case Type::kFloat64:
        return ReadFloating<double>(*schema, node, json_type, path);
      case Type::kBoolean:
        if (json_type != od::json_type::boolean)
          throw Mismatch(*schema, "boolean", json_type, path);
        return static_cast<bool>(node.get_bool());
      case Type::kString:
        if (json_type != od::json_type::string) throw Mismatch(*schema, "string", json_type, path);
        return std::string(node.get_string().value());
      case Type::kBytes: {
        if (json_type != od::json_type::string) {
          throw Mismatch(*schema, "base64 string", json_type, path);
        }
        std::optional<Bytes> bytes = DecodeBase64(node.get_string().value());
        if (!bytes) throw DataError(AtPath("Invalid bytes field", path));
        return std::move(*bytes);
      }
      case Type::kArray: {
        if (json_type != od::json_type::array) throw Mismatch(*schema, "array", json_type, path);
        const SchemaPtr& element_schema = schema->value_schema();
        Value::Array array;
        int64_t index = 0;
        for (auto element : node.get_array()) {
          od::value value = element.value();
          const ValuePath at{{}, index++, path};
          array.push_back(Read(element_schema, value, &at));
        }
        return array;
      }
      case Type::kMap:
        return ReadMap(schema, node, json_type, path);
      case Type::kStruct:
        return ReadStruct(schema, node, json_type, path);
    }
    return {};
  }

  // The type of a value is read from its first character; a null must be the whole literal.
  template <typename Node>
  static void ExpectNull(Node& node) {
    if (!node.is_null().value()) {
      const std::string_view token = node.raw_json_token();
      throw DataError(StrCat(kSerializationError, "invalid literal: ", TrimRight(token)));
    }
  }

  template <typename Node>
  Value ReadSchemaless(Node& node, od::json_type json_type, const ValuePath* path) {
    switch (json_type) {
      case od::json_type::null:
        return {};
      case od::json_type::boolean:
        return static_cast<bool>(node.get_bool());
      case od::json_type::string:
        return std::string(node.get_string().value());
      case od::json_type::number: {
        const std::string_view token = TrimRight(node.raw_json_token());
        if (IsIntegralToken(token)) return ReadLong(node);
        return ParseFloating<double>(token);
      }
      case od::json_type::array: {
        Value::Array array;
        int64_t index = 0;
        for (auto element : node.get_array()) {
          od::value value = element.value();
          const ValuePath at{{}, index++, path};
          array.push_back(Read(kNoSchema, value, &at));
        }
        return array;
      }
      case od::json_type::object: {
        Value::Map map;
        for (auto member : node.get_object()) {
          std::string key(member.unescaped_key().value());
          od::value value = member.value();
          const ValuePath at{key, -1, path};
          Value item = Read(kNoSchema, value, &at);
          map.emplace_back(std::move(key), std::move(item));
        }
        return map;
      }
    }
    return {};
  }

  // Kafka's handling of a null (or missing) JSON value for `schema`.
  Value NullFor(const Schema& schema, const ValuePath* path) const {
    if (schema.default_value() != nullptr && settings_.replace_null_with_default) {
      return *schema.default_value();
    }
    if (schema.optional()) return {};
    throw DataError(AtPath(
        StrCat("Invalid null value for required ", KafkaTypeName(schema.type()), " field"), path));
  }

  static DataError Mismatch(const Schema& schema, std::string_view expected,
                            od::json_type json_type, const ValuePath* path) {
    return DataError(
        AtPath(StrCat("Expected a JSON ", expected, " for a ", KafkaTypeName(schema.type()),
                      " value but found ", NodeType(json_type)),
               path));
  }

  // longValue() of an integral JSON number.
  template <typename Node>
  static int64_t ReadLong(Node& node) {
    if (node.get_number_type() == od::number_type::signed_integer) return node.get_int64();
    return JavaLongValue(TrimRight(node.raw_json_token()));
  }

  // Kafka's (byte)/(short)/intValue()/longValue() of any JSON number.
  template <typename Node>
  static int64_t ReadInteger(const Schema& schema, Node& node, od::json_type json_type,
                             const ValuePath* path) {
    if (json_type != od::json_type::number) throw Mismatch(schema, "number", json_type, path);
    if (node.get_number_type() == od::number_type::signed_integer) return node.get_int64();
    return JavaLongValue(TrimRight(node.raw_json_token()));
  }

  template <typename F, typename Node>
  static F ReadFloating(const Schema& schema, Node& node, od::json_type json_type,
                        const ValuePath* path) {
    if (json_type == od::json_type::number) {
      return ParseFloating<F>(TrimRight(node.raw_json_token()));
    }
    if (json_type == od::json_type::string) {  // what Jackson writes for non-finite numbers
      const std::string_view text = node.get_string();
      if (text == "NaN") return std::numeric_limits<F>::quiet_NaN();
      if (text == "Infinity") return std::numeric_limits<F>::infinity();
      if (text == "-Infinity") return -std::numeric_limits<F>::infinity();
    }
    throw Mismatch(schema, "number", json_type, path);
  }

  template <typename Node>
  static Value ReadDecimal(const Schema& schema, Node& node, od::json_type json_type,
                           const ValuePath* path) {
    const int32_t scale = Decimal::scale(schema);
    if (json_type == od::json_type::number) {
      try {
        return DecimalFromJsonNumber(TrimRight(node.raw_json_token()), scale);
      } catch (const DataError& e) {
        throw DataError(AtPath(e.what(), path));
      }
    }
    if (json_type == od::json_type::string) {
      std::optional<Bytes> bytes = DecodeBase64(node.get_string().value());
      if (!bytes || bytes->empty())
        throw DataError(AtPath("Invalid bytes for Decimal field", path));
      return std::move(*bytes);
    }
    throw DataError(AtPath(StrCat("Invalid type for Decimal, underlying representation should be "
                                  "numeric or bytes but was ",
                                  NodeType(json_type)),
                           path));
  }

  // Jackson's isInt(): an integral number within the int range.
  template <typename Node>
  static int32_t ReadDateOrTime(const Schema&, Node& node, od::json_type json_type,
                                std::string_view logical, const ValuePath* path) {
    if (json_type == od::json_type::number &&
        node.get_number_type() == od::number_type::signed_integer) {
      const int64_t v = node.get_int64();
      if (v >= std::numeric_limits<int32_t>::min() && v <= std::numeric_limits<int32_t>::max()) {
        return static_cast<int32_t>(v);
      }
    }
    throw DataError(AtPath(
        StrCat("Invalid type for ", logical,
               ", underlying representation should be integer but was ", NodeType(json_type)),
        path));
  }

  template <typename Node>
  Value ReadMap(const SchemaPtr& schema, Node& node, od::json_type json_type,
                const ValuePath* path) {
    const SchemaPtr& key_schema = schema->key_schema();
    const SchemaPtr& value_schema = schema->value_schema();
    Value::Map map;
    if (key_schema->type() == Type::kString) {
      if (json_type != od::json_type::object) {
        throw DataError(
            AtPath(StrCat("Maps with string fields should be encoded as JSON objects, but found ",
                          NodeType(json_type)),
                   path));
      }
      for (auto member : node.get_object()) {
        std::string key(member.unescaped_key().value());
        od::value value = member.value();
        const ValuePath at{key, -1, path};
        Value item = Read(value_schema, value, &at);
        map.emplace_back(std::move(key), std::move(item));
      }
      return map;
    }
    if (json_type != od::json_type::array) {
      throw DataError(AtPath(StrCat("Maps with non-string fields should be encoded as JSON array "
                                    "of tuples, but found ",
                                    NodeType(json_type)),
                             path));
    }
    int64_t index = 0;
    for (auto element : node.get_array()) {
      od::value entry = element.value();
      const ValuePath at{{}, index++, path};
      const od::json_type entry_type = entry.type();
      if (entry_type != od::json_type::array) {
        throw DataError(AtPath(
            StrCat("Found invalid map entry instead of array tuple: ", NodeType(entry_type)), &at));
      }
      Value key, item;
      int64_t size = 0;
      for (auto part : entry.get_array()) {
        od::value v = part.value();
        if (size == 0) {
          key = Read(key_schema, v, &at);
        } else if (size == 1) {
          item = Read(value_schema, v, &at);
        }
        ++size;
      }
      if (size != 2) {
        throw DataError(AtPath(
            StrCat("Found invalid map entry, expected length 2 but found :", std::to_string(size)),
            &at));
      }
      map.emplace_back(std::move(key), std::move(item));
    }
    return map;
  }

  template <typename Node>
  Value ReadStruct(const SchemaPtr& schema, Node& node, od::json_type json_type,
                   const ValuePath* path) {
    if (json_type != od::json_type::object) {
      throw DataError(AtPath(
          StrCat("Structs should be encoded as JSON objects, but found ", NodeType(json_type)),
          path));
    }
    const std::vector<Field>& fields = schema->fields();
    std::vector<Value> values(fields.size());
    std::vector<bool> seen(fields.size());
    for (auto member : node.get_object()) {
      const std::string_view key = member.unescaped_key();
      const Field* field = schema->field(key);
      if (field == nullptr) continue;  // members the schema does not have are ignored
      od::value value = member.value();
      const ValuePath at{field->name, -1, path};
      values[field->index] = Read(field->schema, value, &at);
      seen[field->index] = true;
    }
    Struct result(schema);
    for (const Field& field : fields) {
      const ValuePath at{field.name, -1, path};
      if (!seen[field.index]) values[field.index] = NullFor(*field.schema, &at);
      result.put(field, std::move(values[field.index]));
    }
    return result;
  }

  inline static const SchemaPtr kNoSchema = nullptr;

  JsonConverterSettings settings_;
  std::vector<char> buffer_;  // the input, then SIMDJSON_PADDING zero bytes
  od::parser parser_;         // the record
  od::parser schema_parser_;  // schema JSON on a cache miss
  LruCache<std::string, SchemaPtr, TextHash> schemas_;
  std::string last_schema_json_;
  SchemaPtr last_schema_;
};

JsonDeserializer::JsonDeserializer(const JsonConverterSettings& settings)
    : impl_(std::make_unique<Impl>(settings)) {}

JsonDeserializer::~JsonDeserializer() = default;

SchemaAndValue JsonDeserializer::Deserialize(std::span<const uint8_t> data) {
  return impl_->Deserialize(data);
}

}  // namespace ck::runtime::converters_internal
