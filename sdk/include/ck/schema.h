/// @file
/// Connect schemas: the type system of record keys, values and headers. Mirrors Kafka Connect's
/// org.apache.kafka.connect.data package: Schema (ConnectSchema), SchemaBuilder, Field and the
/// logical types Decimal, Date, Time and Timestamp.
///
/// A Schema is immutable and shared through SchemaPtr; build one with SchemaBuilder or take a
/// predefined one such as Schema::Int32(). Optional names, docs and versions are represented as
/// empty strings and std::nullopt respectively.
///
/// schema.h and value.h depend on each other (a Schema carries a default Value, a Struct carries a
/// Schema). Including either one makes both available; the members of Schema and SchemaBuilder that
/// need a complete Value are defined in value.h.

#pragma once

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ck/errors.h"

namespace ck {

class Schema;
class Value;

/// Shared, immutable schema handle. May be null where the API says so (e.g. schemaless data).
using SchemaPtr = std::shared_ptr<const Schema>;

/// Raw bytes: the value of a BYTES schema and the encoding of a Decimal.
using Bytes = std::vector<uint8_t>;

/// The physical type of a schema (Kafka's Schema.Type). The first nine are primitive.
enum class Type {
  kInt8,     ///< 8-bit signed integer (int8_t).
  kInt16,    ///< 16-bit signed integer (int16_t).
  kInt32,    ///< 32-bit signed integer (int32_t).
  kInt64,    ///< 64-bit signed integer (int64_t).
  kFloat32,  ///< IEEE 754 single precision (float).
  kFloat64,  ///< IEEE 754 double precision (double).
  kBoolean,  ///< Boolean (bool).
  kString,   ///< UTF-8 string (std::string).
  kBytes,    ///< Byte sequence (Bytes).
  kArray,    ///< Ordered sequence of values of one value schema.
  kMap,      ///< Key/value pairs with one key schema and one value schema.
  kStruct,   ///< Named fields, each with its own schema.
};

/// Kafka's lowercase name of `type`: "int8", "int16", ..., "boolean", "string", "bytes", "array",
/// "map", "struct".
constexpr std::string_view TypeName(Type type) {
  constexpr std::string_view kNames[] = {"int8",    "int16",   "int32",   "int64",
                                         "float32", "float64", "boolean", "string",
                                         "bytes",   "array",   "map",     "struct"};
  return kNames[static_cast<size_t>(type)];
}

/// True for the nine primitive types (everything but array, map and struct).
constexpr bool IsPrimitive(Type type) { return type < Type::kArray; }

/// Deep equality of two possibly-null schema handles: both null, or both non-null and equal.
bool SchemaEquals(const SchemaPtr& a, const SchemaPtr& b);

/// A field of a struct schema: its name, its position in the struct and its schema.
struct Field {
  std::string name;  ///< Field name, unique within its struct.
  size_t index = 0;  ///< Position of the field within the struct, from 0.
  SchemaPtr schema;  ///< Schema of the field's values; never null in a built schema.

  /// Equal when names, indexes and (deeply) schemas are equal.
  friend bool operator==(const Field& a, const Field& b) {
    return a.name == b.name && a.index == b.index && SchemaEquals(a.schema, b.schema);
  }
};

class SchemaBuilder;

/// An immutable schema (Kafka's ConnectSchema). Obtain one from SchemaBuilder::build() or from the
/// predefined accessors below; share it as SchemaPtr.
class Schema {
 public:
  /// The physical type.
  Type type() const { return type_; }
  /// Whether null is a valid value.
  bool optional() const { return optional_; }
  /// The default value, or nullptr when there is none. Owned by (and as long-lived as) the schema.
  const Value* default_value() const { return default_.get(); }
  /// The schema name (e.g. a logical type name or a record name); empty when unnamed.
  const std::string& name() const { return name_; }
  /// The schema version, if any.
  const std::optional<int32_t>& version() const { return version_; }
  /// Human-readable documentation; empty when none.
  const std::string& doc() const { return doc_; }
  /// Schema parameters (e.g. Decimal's "scale"), ordered by key.
  const std::map<std::string, std::string>& parameters() const { return parameters_; }
  /// The parameter keys in the order they were first set, as Kafka's SchemaBuilder keeps them (a
  /// LinkedHashMap); JsonConverter writes parameters in this order. Equality ignores it.
  const std::vector<std::string>& parameter_order() const { return parameter_order_; }

  /// The schema of map keys. Throws DataError unless this is a map schema.
  const SchemaPtr& key_schema() const {
    if (type_ != Type::kMap) throw DataError("Cannot look up key schema on non-map type");
    return key_schema_;
  }
  /// The schema of array elements or map values. Throws DataError unless this is an array or map.
  const SchemaPtr& value_schema() const {
    if (type_ != Type::kMap && type_ != Type::kArray) {
      throw DataError("Cannot look up value schema on non-array and non-map type");
    }
    return value_schema_;
  }
  /// The fields, in declaration order (Field::index is the position). Throws DataError unless this
  /// is a struct schema.
  const std::vector<Field>& fields() const {
    if (type_ != Type::kStruct) throw DataError("Cannot list fields on non-struct type");
    return fields_;
  }
  /// The field called `field_name`, or nullptr if there is none. The pointer lives as long as the
  /// schema. Throws DataError unless this is a struct schema.
  const Field* field(std::string_view field_name) const {
    if (type_ != Type::kStruct) throw DataError("Cannot look up fields on non-struct type");
    auto it = field_index_.find(field_name);
    return it == field_index_.end() ? nullptr : &fields_[it->second];
  }

  /// Deep equality, as ConnectSchema.equals: type, optionality, default value, name, version, doc,
  /// parameters, fields and key/value schemas all equal.
  friend bool operator==(const Schema& a, const Schema& b);

  /// Required int8 (Kafka's INT8_SCHEMA).
  static const SchemaPtr& Int8() { return Predefined<Type::kInt8, false>(); }
  /// Required int16.
  static const SchemaPtr& Int16() { return Predefined<Type::kInt16, false>(); }
  /// Required int32.
  static const SchemaPtr& Int32() { return Predefined<Type::kInt32, false>(); }
  /// Required int64.
  static const SchemaPtr& Int64() { return Predefined<Type::kInt64, false>(); }
  /// Required float32.
  static const SchemaPtr& Float32() { return Predefined<Type::kFloat32, false>(); }
  /// Required float64.
  static const SchemaPtr& Float64() { return Predefined<Type::kFloat64, false>(); }
  /// Required boolean.
  static const SchemaPtr& Boolean() { return Predefined<Type::kBoolean, false>(); }
  /// Required string.
  static const SchemaPtr& String() { return Predefined<Type::kString, false>(); }
  /// Required bytes.
  static const SchemaPtr& Bytes() { return Predefined<Type::kBytes, false>(); }
  /// Optional int8 (Kafka's OPTIONAL_INT8_SCHEMA).
  static const SchemaPtr& OptionalInt8() { return Predefined<Type::kInt8, true>(); }
  /// Optional int16.
  static const SchemaPtr& OptionalInt16() { return Predefined<Type::kInt16, true>(); }
  /// Optional int32.
  static const SchemaPtr& OptionalInt32() { return Predefined<Type::kInt32, true>(); }
  /// Optional int64.
  static const SchemaPtr& OptionalInt64() { return Predefined<Type::kInt64, true>(); }
  /// Optional float32.
  static const SchemaPtr& OptionalFloat32() { return Predefined<Type::kFloat32, true>(); }
  /// Optional float64.
  static const SchemaPtr& OptionalFloat64() { return Predefined<Type::kFloat64, true>(); }
  /// Optional boolean.
  static const SchemaPtr& OptionalBoolean() { return Predefined<Type::kBoolean, true>(); }
  /// Optional string.
  static const SchemaPtr& OptionalString() { return Predefined<Type::kString, true>(); }
  /// Optional bytes.
  static const SchemaPtr& OptionalBytes() { return Predefined<Type::kBytes, true>(); }

 private:
  friend class SchemaBuilder;

  Schema(Type type, bool optional) : type_(type), optional_(optional) {}

  template <Type kType, bool kOptional>
  static const SchemaPtr& Predefined() {
    static const SchemaPtr schema = std::make_shared<const Schema>(Schema(kType, kOptional));
    return schema;
  }

  Type type_;
  bool optional_;
  std::shared_ptr<const Value> default_;
  std::string name_;
  std::optional<int32_t> version_;
  std::string doc_;
  std::map<std::string, std::string> parameters_;
  std::vector<std::string> parameter_order_;  // keys of parameters_, first set first
  std::vector<Field> fields_;
  std::map<std::string, size_t, std::less<>> field_index_;  // name -> position in fields_
  SchemaPtr key_schema_;
  SchemaPtr value_schema_;
};

/// Builds a Schema (Kafka's SchemaBuilder). Start from a static constructor, chain setters, then
/// call build():
/// @code
/// SchemaPtr person = SchemaBuilder::struct_().name("com.example.Person")
///                        .field("name", Schema::String())
///                        .field("age", Schema::OptionalInt32())
///                        .build();
/// @endcode
/// Setters overwrite earlier calls; build() may be called more than once.
class SchemaBuilder {
 public:
  /// A builder of a primitive or struct schema of `type`. Throws SchemaBuilderError for kArray and
  /// kMap, which need element schemas: use array() and map().
  static SchemaBuilder type(Type type) {
    if (type == Type::kArray || type == Type::kMap) {
      throw SchemaBuilderError(errors_internal::StrCat("Use SchemaBuilder::", TypeName(type),
                                                       "() for ", TypeName(type), " schemas"));
    }
    return SchemaBuilder(type);
  }
  /// An int8 builder.
  static SchemaBuilder int8() { return SchemaBuilder(Type::kInt8); }
  /// An int16 builder.
  static SchemaBuilder int16() { return SchemaBuilder(Type::kInt16); }
  /// An int32 builder.
  static SchemaBuilder int32() { return SchemaBuilder(Type::kInt32); }
  /// An int64 builder.
  static SchemaBuilder int64() { return SchemaBuilder(Type::kInt64); }
  /// A float32 builder.
  static SchemaBuilder float32() { return SchemaBuilder(Type::kFloat32); }
  /// A float64 builder.
  static SchemaBuilder float64() { return SchemaBuilder(Type::kFloat64); }
  /// A boolean builder (Kafka's bool()).
  static SchemaBuilder boolean() { return SchemaBuilder(Type::kBoolean); }
  /// A string builder.
  static SchemaBuilder string() { return SchemaBuilder(Type::kString); }
  /// A bytes builder.
  static SchemaBuilder bytes() { return SchemaBuilder(Type::kBytes); }
  /// A struct builder (Kafka's struct(); the underscore avoids the keyword). Add fields with
  /// field().
  static SchemaBuilder struct_() { return SchemaBuilder(Type::kStruct); }
  /// An array builder whose elements follow `value_schema`. Throws SchemaBuilderError if it is
  /// null.
  static SchemaBuilder array(SchemaPtr value_schema) {
    SchemaBuilder builder(Type::kArray);
    builder.schema_.value_schema_ = Required(std::move(value_schema), "array value schema");
    return builder;
  }
  /// A map builder with keys following `key_schema` and values following `value_schema`. Throws
  /// SchemaBuilderError if either is null.
  static SchemaBuilder map(SchemaPtr key_schema, SchemaPtr value_schema) {
    SchemaBuilder builder(Type::kMap);
    builder.schema_.key_schema_ = Required(std::move(key_schema), "map key schema");
    builder.schema_.value_schema_ = Required(std::move(value_schema), "map value schema");
    return builder;
  }

  /// Makes null a valid value.
  SchemaBuilder& optional() {
    schema_.optional_ = true;
    return *this;
  }
  /// Makes null invalid (the initial state).
  SchemaBuilder& required() {
    schema_.optional_ = false;
    return *this;
  }
  /// Sets the default value, which build() validates against the schema. A null default on an
  /// optional schema means "no default"; on a required one it is invalid.
  SchemaBuilder& default_value(Value value);
  /// Sets the schema name.
  SchemaBuilder& name(std::string name) {
    schema_.name_ = std::move(name);
    return *this;
  }
  /// Sets the schema version.
  SchemaBuilder& version(int32_t version) {
    schema_.version_ = version;
    return *this;
  }
  /// Sets the documentation.
  SchemaBuilder& doc(std::string doc) {
    schema_.doc_ = std::move(doc);
    return *this;
  }
  /// Sets one parameter, replacing any earlier value for `key` (which keeps its place in
  /// parameter_order()).
  SchemaBuilder& parameter(std::string key, std::string value) {
    const auto [it, inserted] =
        schema_.parameters_.insert_or_assign(std::move(key), std::move(value));
    if (inserted) schema_.parameter_order_.push_back(it->first);
    return *this;
  }
  /// Sets every entry of `params`; other parameters are kept (additive, as in Kafka).
  SchemaBuilder& parameters(const std::map<std::string, std::string>& params) {
    for (const auto& [key, value] : params) parameter(key, value);
    return *this;
  }
  /// Appends a field to a struct schema. Throws SchemaBuilderError if this is not a struct
  /// builder, the name is empty or already used, or `field_schema` is null; the message names the
  /// field.
  SchemaBuilder& field(std::string field_name, SchemaPtr field_schema) {
    using errors_internal::StrCat;
    if (schema_.type_ != Type::kStruct) {
      throw SchemaBuilderError(
          StrCat("Cannot create field \"", field_name, "\" on type ", TypeName(schema_.type_)));
    }
    if (field_name.empty()) throw SchemaBuilderError("Field name cannot be empty");
    if (field_schema == nullptr) {
      throw SchemaBuilderError(StrCat("Schema for field \"", field_name, "\" cannot be null"));
    }
    const size_t index = schema_.fields_.size();
    if (!schema_.field_index_.emplace(field_name, index).second) {
      throw SchemaBuilderError(
          StrCat("Cannot create field because of field name duplication \"", field_name, "\""));
    }
    schema_.fields_.push_back(Field{std::move(field_name), index, std::move(field_schema)});
    return *this;
  }
  /// Builds the immutable schema. Throws SchemaBuilderError("Invalid default value: ...") if the
  /// default value does not match the schema.
  SchemaPtr build() const;

 private:
  explicit SchemaBuilder(Type type) : schema_(type, false) {}

  static SchemaPtr Required(SchemaPtr schema, std::string_view what) {
    if (schema == nullptr) {
      throw SchemaBuilderError(errors_internal::StrCat(what, " cannot be null"));
    }
    return schema;
  }

  Schema schema_;  // the schema under construction
};

inline bool SchemaEquals(const SchemaPtr& a, const SchemaPtr& b) {
  return a == b || (a != nullptr && b != nullptr && *a == *b);
}

/// Logical type for arbitrary-precision decimals: BYTES holding the unscaled value as a
/// two's-complement big-endian integer (Java's BigInteger.toByteArray()), with the scale in the
/// schema parameter "scale". The value is unscaled * 10^-scale.
struct Decimal final {
  Decimal() = delete;

  /// The schema name identifying the logical type.
  static constexpr std::string_view kLogicalName = "org.apache.kafka.connect.data.Decimal";
  /// The schema parameter holding the scale.
  static constexpr std::string_view kScaleField = "scale";

  /// A builder for a Decimal schema with `scale` (version 1), to make optional or add a default.
  static SchemaBuilder builder(int32_t scale) {
    return SchemaBuilder::bytes()
        .name(std::string(kLogicalName))
        .parameter(std::string(kScaleField), std::to_string(scale))
        .version(1);
  }
  /// A required Decimal schema with `scale`.
  static SchemaPtr schema(int32_t scale) { return builder(scale).build(); }

  /// The scale of a Decimal schema. Throws DataError if the parameter is missing or not an int32.
  static int32_t scale(const Schema& schema);

  /// Encodes the decimal `text` ([+-]digits[.digits], no exponent) as the unscaled value at
  /// `scale`, e.g. FromString("12.34", 2) == Bytes{0x04, 0xD2} and FromString("-1", 0) ==
  /// Bytes{0xFF}. Missing fractional digits are taken as zeros; digits the scale cannot hold must
  /// be zeros (no rounding). Any magnitude is supported. Throws DataError otherwise.
  static Bytes FromString(std::string_view text, int32_t scale);

  /// Decodes an unscaled two's-complement big-endian value into plain decimal notation at `scale`
  /// (Java's BigDecimal.toPlainString()), e.g. ToString({0x04, 0xD2}, 2) == "12.34". Throws
  /// DataError if `unscaled` is empty.
  static std::string ToString(const Bytes& unscaled, int32_t scale);
};

/// Logical type for calendar dates: INT32 days since the Unix epoch.
struct Date final {
  Date() = delete;

  /// The schema name identifying the logical type.
  static constexpr std::string_view kLogicalName = "org.apache.kafka.connect.data.Date";

  /// A builder for a Date schema (version 1), to make optional or add a default.
  static SchemaBuilder builder() {
    return SchemaBuilder::int32().name(std::string(kLogicalName)).version(1);
  }
  /// The required Date schema (Kafka's Date.SCHEMA).
  static const SchemaPtr& schema() {
    static const SchemaPtr schema = builder().build();
    return schema;
  }
  /// The encoding of `day`. Throws DataError if it is outside the int32 range.
  static int32_t FromLogical(std::chrono::sys_days day) {
    const auto days = day.time_since_epoch().count();
    if (days < std::numeric_limits<int32_t>::min() || days > std::numeric_limits<int32_t>::max()) {
      throw DataError("Date value is out of the int32 range of days since the epoch");
    }
    return static_cast<int32_t>(days);
  }
  /// The day encoded by `days_since_epoch`.
  static std::chrono::sys_days ToLogical(int32_t days_since_epoch) {
    return std::chrono::sys_days(std::chrono::days(days_since_epoch));
  }
};

/// Logical type for times of day: INT32 milliseconds since midnight, 0..86400000 inclusive.
struct Time final {
  Time() = delete;

  /// The schema name identifying the logical type.
  static constexpr std::string_view kLogicalName = "org.apache.kafka.connect.data.Time";
  /// Milliseconds in a day: the largest valid value.
  static constexpr int32_t kMillisPerDay = 24 * 60 * 60 * 1000;

  /// A builder for a Time schema (version 1), to make optional or add a default.
  static SchemaBuilder builder() {
    return SchemaBuilder::int32().name(std::string(kLogicalName)).version(1);
  }
  /// The required Time schema (Kafka's Time.SCHEMA).
  static const SchemaPtr& schema() {
    static const SchemaPtr schema = builder().build();
    return schema;
  }
  /// The encoding of `since_midnight`. Throws DataError outside 0..86400000 ms.
  static int32_t FromLogical(std::chrono::milliseconds since_midnight) {
    const auto millis = since_midnight.count();
    if (millis < 0 || millis > kMillisPerDay) throw OutOfRange();
    return static_cast<int32_t>(millis);
  }
  /// The time of day encoded by `millis_since_midnight`. Throws DataError outside 0..86400000.
  static std::chrono::milliseconds ToLogical(int32_t millis_since_midnight) {
    if (millis_since_midnight < 0 || millis_since_midnight > kMillisPerDay) throw OutOfRange();
    return std::chrono::milliseconds(millis_since_midnight);
  }

 private:
  static DataError OutOfRange() {
    return DataError(
        "Time values must use number of milliseconds greater than 0 and less than 86400000");
  }
};

/// Logical type for instants: INT64 milliseconds since the Unix epoch.
struct Timestamp final {
  Timestamp() = delete;

  /// The schema name identifying the logical type.
  static constexpr std::string_view kLogicalName = "org.apache.kafka.connect.data.Timestamp";

  /// A builder for a Timestamp schema (version 1), to make optional or add a default.
  static SchemaBuilder builder() {
    return SchemaBuilder::int64().name(std::string(kLogicalName)).version(1);
  }
  /// The required Timestamp schema (Kafka's Timestamp.SCHEMA).
  static const SchemaPtr& schema() {
    static const SchemaPtr schema = builder().build();
    return schema;
  }
  /// The encoding of `instant`.
  static int64_t FromLogical(std::chrono::sys_time<std::chrono::milliseconds> instant) {
    return instant.time_since_epoch().count();
  }
  /// The instant encoded by `millis_since_epoch`.
  static std::chrono::sys_time<std::chrono::milliseconds> ToLogical(int64_t millis_since_epoch) {
    return std::chrono::sys_time<std::chrono::milliseconds>(
        std::chrono::milliseconds(millis_since_epoch));
  }
};

/// Implementation details of schema.h; not part of the API.
namespace schema_internal {

/// Multiplies the little-endian magnitude `le` by 10 and adds `digit`.
inline void MulAdd10(Bytes& le, unsigned digit) {
  unsigned carry = digit;
  for (uint8_t& byte : le) {
    const unsigned v = byte * 10u + carry;
    byte = static_cast<uint8_t>(v);
    carry = v >> 8;
  }
  if (carry != 0) le.push_back(static_cast<uint8_t>(carry));
}

/// Replaces the little-endian two's-complement number `le` by its negation.
inline void Negate(Bytes& le) {
  unsigned carry = 1;
  for (uint8_t& byte : le) {
    const unsigned v = static_cast<uint8_t>(~byte) + carry;
    byte = static_cast<uint8_t>(v);
    carry = v >> 8;
  }
}

}  // namespace schema_internal

inline int32_t Decimal::scale(const Schema& schema) {
  const auto it = schema.parameters().find(std::string(kScaleField));
  if (it == schema.parameters().end()) {
    throw DataError("Invalid Decimal schema: scale parameter not found.");
  }
  const std::string& text = it->second;
  int32_t scale = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), scale);
  if (error != std::errc() || end != text.data() + text.size()) {
    throw DataError("Invalid scale parameter found in Decimal schema: " + text);
  }
  return scale;
}

inline Bytes Decimal::FromString(std::string_view text, int32_t scale) {
  using errors_internal::StrCat;
  const auto malformed = [&] { return DataError(StrCat("Invalid decimal value: ", text)); };
  std::string_view rest = text;
  const bool negative = !rest.empty() && rest.front() == '-';
  if (!rest.empty() && (rest.front() == '-' || rest.front() == '+')) rest.remove_prefix(1);
  // value = digits * 10^-fraction_digits; unscaled = digits * 10^(scale - fraction_digits).
  std::string digits;
  int64_t fraction_digits = -1;  // -1 until the decimal point is seen
  for (char c : rest) {
    if (c == '.' && fraction_digits < 0) {
      fraction_digits = 0;
    } else if (c >= '0' && c <= '9') {
      digits.push_back(c);
      if (fraction_digits >= 0) ++fraction_digits;
    } else {
      throw malformed();
    }
  }
  if (digits.empty()) throw malformed();
  const int64_t shift = int64_t{scale} - std::max<int64_t>(fraction_digits, 0);
  if (shift >= 0) {
    digits.append(static_cast<size_t>(shift), '0');
  } else {
    const size_t keep = digits.size() - std::min(digits.size(), static_cast<size_t>(-shift));
    if (digits.find_first_not_of('0', keep) != std::string::npos) {
      throw DataError(StrCat("Decimal value ", text, " cannot be represented at scale ",
                             std::to_string(scale), " without rounding"));
    }
    digits.resize(keep);
  }
  Bytes le;  // little-endian magnitude, then two's complement
  for (char c : digits) schema_internal::MulAdd10(le, static_cast<unsigned>(c - '0'));
  le.push_back(0);  // room for the sign bit
  if (negative) schema_internal::Negate(le);
  // Drop redundant sign bytes, as BigInteger.toByteArray() does: keep the minimal encoding.
  while (le.size() > 1 && ((le.back() == 0x00 && (le[le.size() - 2] & 0x80) == 0) ||
                           (le.back() == 0xFF && (le[le.size() - 2] & 0x80) != 0))) {
    le.pop_back();
  }
  return Bytes(le.rbegin(), le.rend());
}

inline std::string Decimal::ToString(const Bytes& unscaled, int32_t scale) {
  if (unscaled.empty()) throw DataError("Invalid Decimal value: no bytes");
  const bool negative = (unscaled.front() & 0x80) != 0;
  Bytes be = unscaled;  // big-endian magnitude
  if (negative) {
    Bytes le(be.rbegin(), be.rend());
    schema_internal::Negate(le);
    be.assign(le.rbegin(), le.rend());
  }
  std::string digits;  // least significant first
  size_t first = 0;    // skip leading zero bytes as the quotient shrinks
  while (first < be.size()) {
    unsigned remainder = 0;
    for (size_t i = first; i < be.size(); ++i) {
      const unsigned v = (remainder << 8) | be[i];
      be[i] = static_cast<uint8_t>(v / 10);
      remainder = v % 10;
    }
    digits.push_back(static_cast<char>('0' + remainder));
    while (first < be.size() && be[first] == 0) ++first;
  }
  if (digits.empty()) digits = "0";
  std::string out(digits.rbegin(), digits.rend());
  if (scale < 0) {
    if (out != "0") out.append(static_cast<size_t>(-int64_t{scale}), '0');
  } else if (scale > 0) {
    const size_t s = static_cast<size_t>(scale);
    if (out.size() <= s) out.insert(0, s + 1 - out.size(), '0');
    out.insert(out.size() - s, 1, '.');
  }
  return negative ? "-" + out : out;
}

}  // namespace ck

// Value's definition completes this header (see the file comment).
#include "ck/value.h"  // IWYU pragma: export
