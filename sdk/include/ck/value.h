/// @file
/// Connect values: the data that schemas describe. Mirrors Kafka Connect's Java value model (boxed
/// primitives, byte[], List, Map and Struct) as one C++ type, Value, plus Struct, SchemaAndValue
/// and ValidateValue (Kafka's ConnectSchema.validateValue).
///
/// Logical types are carried in their physical encoding: a Decimal is Bytes, a Date or Time an
/// int32, a Timestamp an int64 (see the helpers in schema.h).

#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "ck/errors.h"
#include "ck/schema.h"

namespace ck {

namespace abi_internal {
struct StructAccess;
}  // namespace abi_internal

/// A struct value (Kafka's Struct): one Value per field of its struct schema. Values are checked
/// against their field schema when put, so a Struct only ever holds valid values; required fields
/// may still be unset until validate() is called.
class Struct {
 public:
  /// An empty struct of `schema`. Throws DataError if `schema` is null or not a struct schema.
  explicit Struct(SchemaPtr schema);

  /// The struct schema.
  const SchemaPtr& schema() const { return schema_; }

  /// Sets the field called `field_name`. Throws DataError if there is no such field ("<name> is
  /// not a valid field name") or the value does not match the field schema (the message names the
  /// field, the expected type and the value's type). Null unsets an optional field or a field with
  /// a default.
  Struct& put(std::string_view field_name, Value value);
  /// Sets `field`, which must be one of this struct's fields (as from schema()->field()); faster
  /// than put by name. Throws DataError as put by name.
  Struct& put(const Field& field, Value value);

  /// The value of the field called `field_name`, or its schema's default when unset and it has
  /// one, else null. Throws DataError if there is no such field.
  const Value& get(std::string_view field_name) const;
  /// The value of `field`, or its default as get() by name.
  const Value& get(const Field& field) const;
  /// The value of the field called `field_name` as put: null when unset, ignoring defaults.
  const Value& get_without_default(std::string_view field_name) const;

  /// get() as int8. Throws DataError if the field is not int8 or the value is null.
  int8_t get_int8(std::string_view field_name) const;
  /// get() as int16. Throws DataError if the field is not int16 or the value is null.
  int16_t get_int16(std::string_view field_name) const;
  /// get() as int32. Throws DataError if the field is not int32 or the value is null.
  int32_t get_int32(std::string_view field_name) const;
  /// get() as int64. Throws DataError if the field is not int64 or the value is null.
  int64_t get_int64(std::string_view field_name) const;
  /// get() as float32. Throws DataError if the field is not float32 or the value is null.
  float get_float32(std::string_view field_name) const;
  /// get() as float64. Throws DataError if the field is not float64 or the value is null.
  double get_float64(std::string_view field_name) const;
  /// get() as boolean. Throws DataError if the field is not boolean or the value is null.
  bool get_boolean(std::string_view field_name) const;
  /// get() as string. Throws DataError if the field is not string or the value is null.
  const std::string& get_string(std::string_view field_name) const;
  /// get() as bytes. Throws DataError if the field is not bytes or the value is null.
  const Bytes& get_bytes(std::string_view field_name) const;
  /// get() as array. Throws DataError if the field is not an array or the value is null.
  const std::vector<Value>& get_array(std::string_view field_name) const;
  /// get() as map. Throws DataError if the field is not a map or the value is null.
  const std::vector<std::pair<Value, Value>>& get_map(std::string_view field_name) const;
  /// get() as struct. Throws DataError if the field is not a struct or the value is null.
  const Struct& get_struct(std::string_view field_name) const;

  /// Throws DataError unless every required field without a default is set; the message names
  /// the first missing field.
  void validate() const;

  /// Equal when the schemas are (deeply) equal and every field value is equal.
  friend bool operator==(const Struct& a, const Struct& b);

 private:
  friend struct abi_internal::StructAccess;  // unchecked marshalling across the plugin ABI

  const Field& LookupField(std::string_view field_name) const;
  const Field& CheckField(const Field& field) const;
  const Value& GetTyped(std::string_view field_name, Type type) const;

  SchemaPtr schema_;
  std::vector<Value> values_;  // by Field::index; null = unset
};

/// A Connect value: null, a primitive, bytes, an array, a map or a Struct. Cheap to move (moves
/// never throw); copies are deep.
///
/// Constructors are implicit for exactly the C++ types that map to a Connect type (bool, int8_t,
/// int16_t, int32_t, int64_t, float, double, strings, Bytes, Array, Map, Struct). Any other
/// argument type (char, unsigned, long long, pointers, ...) is rejected at compile time rather
/// than silently converted: write e.g. `Value(int64_t{n})`.
class Value {
 public:
  /// Array elements (a Java List).
  using Array = std::vector<Value>;
  /// Map entries as key/value pairs, in insertion order. Keys may be any value (not just
  /// strings); the map is expected not to repeat a key.
  using Map = std::vector<std::pair<Value, Value>>;

 private:
  // Defined before the accessors that deduce their return type from it. Alternative i + 1 of
  // data_ holds Type i; alternative 0 is null.
  template <Type kType, typename Self>
  static auto& Get(Self& self) {
    constexpr size_t kIndex = static_cast<size_t>(kType) + 1;
    if (self.data_.index() != kIndex) {
      throw DataError(errors_internal::StrCat("Expected value of type ", TypeName(kType),
                                              " but got ", self.type_name()));
    }
    return *std::get_if<kIndex>(&self.data_);
  }

 public:
  /// Null.
  Value() = default;
  /// Null.
  Value(std::nullptr_t) {}  // NOLINT(google-explicit-constructor)
  /// A boolean.
  Value(bool v) : data_(v) {}  // NOLINT(google-explicit-constructor)
  /// An int8.
  Value(int8_t v) : data_(v) {}  // NOLINT(google-explicit-constructor)
  /// An int16.
  Value(int16_t v) : data_(v) {}  // NOLINT(google-explicit-constructor)
  /// An int32.
  Value(int32_t v) : data_(v) {}  // NOLINT(google-explicit-constructor)
  /// An int64.
  Value(int64_t v) : data_(v) {}  // NOLINT(google-explicit-constructor)
  /// A float32.
  Value(float v) : data_(v) {}  // NOLINT(google-explicit-constructor)
  /// A float64.
  Value(double v) : data_(v) {}  // NOLINT(google-explicit-constructor)
  /// A string.
  Value(std::string v) : data_(std::move(v)) {}  // NOLINT(google-explicit-constructor)
  /// A string.
  Value(std::string_view v) : data_(std::string(v)) {}  // NOLINT(google-explicit-constructor)
  /// A string; `v` must not be null.
  Value(const char* v) : data_(std::string(v)) {}  // NOLINT(google-explicit-constructor)
  /// Bytes.
  Value(Bytes v) : data_(std::move(v)) {}  // NOLINT(google-explicit-constructor)
  /// An array.
  Value(Array v) : data_(std::move(v)) {}  // NOLINT(google-explicit-constructor)
  /// A map.
  Value(Map v) : data_(std::move(v)) {}  // NOLINT(google-explicit-constructor)
  /// A struct.
  Value(Struct v) : data_(std::move(v)) {}  // NOLINT(google-explicit-constructor)
  /// Any other type is rejected: there is no implicit conversion to a Connect type.
  template <typename T>
  Value(T) = delete;

  /// True for null.
  bool is_null() const { return data_.index() == 0; }
  /// The Connect type of the value, or std::nullopt for null.
  std::optional<Type> type() const {
    if (is_null()) return std::nullopt;
    return static_cast<Type>(data_.index() - 1);
  }
  /// TypeName() of the value's type, or "null"; for messages.
  std::string_view type_name() const { return is_null() ? "null" : TypeName(*type()); }

  /// The boolean. Throws DataError naming the expected and actual type if this is not a boolean;
  /// likewise every as_*() accessor.
  bool as_boolean() const { return Get<Type::kBoolean>(*this); }
  /// The int8.
  int8_t as_int8() const { return Get<Type::kInt8>(*this); }
  /// The int16.
  int16_t as_int16() const { return Get<Type::kInt16>(*this); }
  /// The int32.
  int32_t as_int32() const { return Get<Type::kInt32>(*this); }
  /// The int64.
  int64_t as_int64() const { return Get<Type::kInt64>(*this); }
  /// The float32.
  float as_float32() const { return Get<Type::kFloat32>(*this); }
  /// The float64.
  double as_float64() const { return Get<Type::kFloat64>(*this); }
  /// The string.
  const std::string& as_string() const { return Get<Type::kString>(*this); }
  /// The string, modifiable in place.
  std::string& as_string() { return Get<Type::kString>(*this); }
  /// The bytes.
  const Bytes& as_bytes() const { return Get<Type::kBytes>(*this); }
  /// The bytes, modifiable in place.
  Bytes& as_bytes() { return Get<Type::kBytes>(*this); }
  /// The array.
  const Array& as_array() const { return Get<Type::kArray>(*this); }
  /// The array, modifiable in place.
  Array& as_array() { return Get<Type::kArray>(*this); }
  /// The map.
  const Map& as_map() const { return Get<Type::kMap>(*this); }
  /// The map, modifiable in place.
  Map& as_map() { return Get<Type::kMap>(*this); }
  /// The struct.
  const Struct& as_struct() const { return Get<Type::kStruct>(*this); }
  /// The struct, modifiable through its checked put().
  Struct& as_struct() { return Get<Type::kStruct>(*this); }

  /// Deep equality. Types must match exactly (int32 7 != int64 7). Maps compare as Java maps do:
  /// the same entries in any order.
  friend bool operator==(const Value& a, const Value& b);

 private:
  std::variant<std::monostate, int8_t, int16_t, int32_t, int64_t, float, double, bool, std::string,
               Bytes, Array, Map, Struct>
      data_;
};

static_assert(std::is_nothrow_move_constructible_v<Value> &&
              std::is_nothrow_move_assignable_v<Value>);

/// A schema with a value (Kafka's SchemaAndValue), e.g. the result of a converter.
struct SchemaAndValue {
  SchemaPtr schema;  ///< The value's schema; null for schemaless data.
  Value value;       ///< The value.

  /// Equal when the schemas are (deeply) equal and the values are equal.
  friend bool operator==(const SchemaAndValue& a, const SchemaAndValue& b) {
    return SchemaEquals(a.schema, b.schema) && a.value == b.value;
  }
};

/// Checks `value` deeply against `schema`, as Kafka's ConnectSchema.validateValue: null only if
/// the schema is optional or has a default; otherwise the value's type must equal the schema type,
/// array elements and map keys/values must match their schemas, structs must have an equal schema
/// and pass Struct::validate(), a Decimal schema must carry a valid scale and a Time value must lie
/// in 0..86400000. Throws DataError naming where the mismatch is, the expected and actual type.
void ValidateValue(const Schema& schema, const Value& value);

/// Implementation details of value.h; not part of the API.
namespace value_internal {

/// Where a value sits, for error messages: a chain from the innermost position outwards, e.g.
/// "element of array" -> "field" "tags" reads `element of array field "tags"`.
struct Location {
  std::string_view role;             ///< "value", "field", "element of array", "key of map", ...
  std::string_view field_name = {};  ///< The field name when role is "field".
  const Location* outer = nullptr;   ///< The enclosing position, if any.

  /// The readable form.
  std::string ToString() const {
    std::string out(role);
    if (!field_name.empty()) out.append(" \"").append(field_name).append("\"");
    if (outer != nullptr) out.append(" ").append(outer->ToString());
    return out;
  }
};

/// ValidateValue, reporting errors at `location`.
inline void Validate(const Schema& schema, const Value& value, const Location& location) {
  using errors_internal::StrCat;
  if (value.is_null()) {
    if (schema.optional() || schema.default_value() != nullptr) return;
    throw DataError(StrCat("Invalid value: null used for required ", location.ToString(),
                           ", schema type: ", TypeName(schema.type())));
  }
  if (value.type() != schema.type()) {
    throw DataError(StrCat("Invalid value for schema",
                           schema.name().empty() ? "" : StrCat(" \"", schema.name(), "\""),
                           " with type ", TypeName(schema.type()), ": got ", value.type_name(),
                           " for ", location.ToString()));
  }
  switch (schema.type()) {
    case Type::kStruct: {
      const Struct& s = value.as_struct();
      if (s.schema().get() != &schema && !(*s.schema() == schema)) {
        throw DataError(StrCat("Struct schemas do not match for ", location.ToString()));
      }
      s.validate();
      break;
    }
    case Type::kArray: {
      const Location element{"element of array", {}, &location};
      for (const Value& v : value.as_array()) Validate(*schema.value_schema(), v, element);
      break;
    }
    case Type::kMap: {
      const Location key{"key of map", {}, &location};
      const Location val{"value of map", {}, &location};
      for (const auto& [k, v] : value.as_map()) {
        Validate(*schema.key_schema(), k, key);
        Validate(*schema.value_schema(), v, val);
      }
      break;
    }
    default:
      if (schema.name() == Decimal::kLogicalName) {
        Decimal::scale(schema);
      } else if (schema.name() == Time::kLogicalName) {
        Time::ToLogical(value.as_int32());
      }
  }
}

/// Map equality regardless of entry order (Java's Map.equals).
inline bool MapsEqual(const Value::Map& a, const Value::Map& b) {
  if (a.size() != b.size()) return false;
  if (std::equal(a.begin(), a.end(), b.begin())) return true;
  return std::all_of(a.begin(), a.end(), [&b](const auto& entry) {
    return std::find(b.begin(), b.end(), entry) != b.end();
  });
}

}  // namespace value_internal

inline void ValidateValue(const Schema& schema, const Value& value) {
  value_internal::Validate(schema, value, {"value"});
}

/// Value equality (declared in Value).
inline bool operator==(const Value& a, const Value& b) {
  if (const auto* map = std::get_if<Value::Map>(&a.data_)) {
    const auto* other = std::get_if<Value::Map>(&b.data_);
    return other != nullptr && value_internal::MapsEqual(*map, *other);
  }
  return a.data_ == b.data_;
}

// ---- Struct ----

inline Struct::Struct(SchemaPtr schema) : schema_(std::move(schema)) {
  if (schema_ == nullptr || schema_->type() != Type::kStruct) {
    throw DataError(errors_internal::StrCat("Not a struct schema: ",
                                            schema_ ? TypeName(schema_->type()) : "null"));
  }
  values_.resize(schema_->fields().size());
}

inline const Field& Struct::LookupField(std::string_view field_name) const {
  const Field* field = schema_->field(field_name);
  if (field == nullptr) {
    throw DataError(errors_internal::StrCat(field_name, " is not a valid field name"));
  }
  return *field;
}

inline const Field& Struct::CheckField(const Field& field) const {
  const auto& fields = schema_->fields();
  if (field.index < fields.size() && &fields[field.index] == &field) return field;  // its own
  if (field.index >= fields.size() || fields[field.index].name != field.name ||
      !SchemaEquals(fields[field.index].schema, field.schema)) {
    throw DataError(errors_internal::StrCat(field.name, " is not a field of this struct"));
  }
  return fields[field.index];
}

inline Struct& Struct::put(std::string_view field_name, Value value) {
  return put(LookupField(field_name), std::move(value));
}

inline Struct& Struct::put(const Field& field, Value value) {
  const Field& own = CheckField(field);
  value_internal::Validate(*own.schema, value, {"field", own.name});
  values_[own.index] = std::move(value);
  return *this;
}

inline const Value& Struct::get(std::string_view field_name) const {
  return get(LookupField(field_name));
}

inline const Value& Struct::get(const Field& field) const {
  const Field& own = CheckField(field);
  const Value& value = values_[own.index];
  const Value* default_value = own.schema->default_value();
  return value.is_null() && default_value != nullptr ? *default_value : value;
}

inline const Value& Struct::get_without_default(std::string_view field_name) const {
  return values_[LookupField(field_name).index];
}

inline const Value& Struct::GetTyped(std::string_view field_name, Type type) const {
  using errors_internal::StrCat;
  const Field& field = LookupField(field_name);
  if (field.schema->type() != type) {
    throw DataError(StrCat("Field '", field_name, "' is not of type ", TypeName(type)));
  }
  const Value& value = get(field);
  if (value.is_null()) throw DataError(StrCat("Field '", field_name, "' is null"));
  return value;
}

inline int8_t Struct::get_int8(std::string_view field_name) const {
  return GetTyped(field_name, Type::kInt8).as_int8();
}
inline int16_t Struct::get_int16(std::string_view field_name) const {
  return GetTyped(field_name, Type::kInt16).as_int16();
}
inline int32_t Struct::get_int32(std::string_view field_name) const {
  return GetTyped(field_name, Type::kInt32).as_int32();
}
inline int64_t Struct::get_int64(std::string_view field_name) const {
  return GetTyped(field_name, Type::kInt64).as_int64();
}
inline float Struct::get_float32(std::string_view field_name) const {
  return GetTyped(field_name, Type::kFloat32).as_float32();
}
inline double Struct::get_float64(std::string_view field_name) const {
  return GetTyped(field_name, Type::kFloat64).as_float64();
}
inline bool Struct::get_boolean(std::string_view field_name) const {
  return GetTyped(field_name, Type::kBoolean).as_boolean();
}
inline const std::string& Struct::get_string(std::string_view field_name) const {
  return GetTyped(field_name, Type::kString).as_string();
}
inline const Bytes& Struct::get_bytes(std::string_view field_name) const {
  return GetTyped(field_name, Type::kBytes).as_bytes();
}
inline const std::vector<Value>& Struct::get_array(std::string_view field_name) const {
  return GetTyped(field_name, Type::kArray).as_array();
}
inline const std::vector<std::pair<Value, Value>>& Struct::get_map(
    std::string_view field_name) const {
  return GetTyped(field_name, Type::kMap).as_map();
}
inline const Struct& Struct::get_struct(std::string_view field_name) const {
  return GetTyped(field_name, Type::kStruct).as_struct();
}

inline void Struct::validate() const {
  for (const Field& field : schema_->fields()) {
    value_internal::Validate(*field.schema, values_[field.index], {"field", field.name});
  }
}

/// Struct equality (declared in Struct).
inline bool operator==(const Struct& a, const Struct& b) {
  return SchemaEquals(a.schema_, b.schema_) && a.values_ == b.values_;
}

// ---- Schema members that need a complete Value (declared in schema.h) ----

/// Schema equality (declared in Schema).
inline bool operator==(const Schema& a, const Schema& b) {
  if (&a == &b) return true;
  const bool defaults_equal =
      a.default_ == b.default_ ||
      (a.default_ != nullptr && b.default_ != nullptr && *a.default_ == *b.default_);
  return a.type_ == b.type_ && a.optional_ == b.optional_ && defaults_equal && a.name_ == b.name_ &&
         a.version_ == b.version_ && a.doc_ == b.doc_ && a.parameters_ == b.parameters_ &&
         a.fields_ == b.fields_ && SchemaEquals(a.key_schema_, b.key_schema_) &&
         SchemaEquals(a.value_schema_, b.value_schema_);
}

inline SchemaBuilder& SchemaBuilder::default_value(Value value) {
  schema_.default_ = std::make_shared<const Value>(std::move(value));
  return *this;
}

inline SchemaPtr SchemaBuilder::build() const {
  auto schema = std::make_shared<Schema>(schema_);
  if (std::shared_ptr<const Value> default_value = std::move(schema->default_)) {
    // Checked against the schema without its default, as Kafka does: a null default then needs an
    // optional schema, and a struct default carries the schema it was built from.
    try {
      ValidateValue(*schema, *default_value);
    } catch (const DataError& e) {
      throw SchemaBuilderError(errors_internal::StrCat("Invalid default value: ", e.what()));
    }
    if (!default_value->is_null()) schema->default_ = std::move(default_value);
  }
  return schema;
}

}  // namespace ck
