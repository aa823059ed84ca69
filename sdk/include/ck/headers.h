/// @file
/// Record headers (Kafka Connect's Header and ConnectHeaders): an ordered list of key, schema and
/// value triples in which a key may repeat. Every add checks the value against its schema.

#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "ck/schema.h"
#include "ck/value.h"

namespace ck {

/// One record header (Kafka's Header).
struct Header {
  std::string key;   ///< The header key; may repeat within Headers.
  SchemaPtr schema;  ///< The value's schema; null when unknown (schemaless).
  Value value;       ///< The header value.

  /// A copy with the same key and a new schema and value (Kafka's Header.with).
  Header with(SchemaPtr new_schema, Value new_value) const {
    return Header{key, std::move(new_schema), std::move(new_value)};
  }
  /// A copy with a new key (Kafka's Header.rename).
  Header rename(std::string new_key) const { return Header{std::move(new_key), schema, value}; }

  /// Equal when keys, schemas (deeply) and values are equal.
  friend bool operator==(const Header& a, const Header& b) {
    return a.key == b.key && SchemaEquals(a.schema, b.schema) && a.value == b.value;
  }
};

/// The headers of a record (Kafka's ConnectHeaders): ordered, multi-valued by key. Mutators return
/// *this for chaining. Pointers returned by lookups stay valid until the next mutation.
class Headers {
 public:
  /// Iterator over the headers in insertion order.
  using const_iterator = std::vector<Header>::const_iterator;

  /// Number of headers, counting repeated keys.
  size_t size() const { return headers_.size(); }
  /// True when there are no headers.
  bool empty() const { return headers_.empty(); }
  /// First header, in insertion order.
  const_iterator begin() const { return headers_.begin(); }
  /// Past the last header.
  const_iterator end() const { return headers_.end(); }

  /// The headers with `key`, in insertion order.
  std::vector<const Header*> all_with_name(std::string_view key) const {
    std::vector<const Header*> out;
    for (const Header& header : headers_) {
      if (header.key == key) out.push_back(&header);
    }
    return out;
  }
  /// The last header added with `key`, or nullptr if there is none.
  const Header* last_with_name(std::string_view key) const {
    for (auto it = headers_.rbegin(); it != headers_.rend(); ++it) {
      if (it->key == key) return &*it;
    }
    return nullptr;
  }

  /// Appends `header`. Throws DataError if it has a schema and its value does not match it
  /// (ValidateValue).
  Headers& add(Header header) {
    if (header.schema != nullptr) ValidateValue(*header.schema, header.value);
    headers_.push_back(std::move(header));
    return *this;
  }
  /// Appends a header; `schema` may be null. Throws DataError as add(Header).
  Headers& add(std::string key, Value value, SchemaPtr schema) {
    return add(Header{std::move(key), std::move(schema), std::move(value)});
  }
  /// Appends a header from a schema and value; the schema may be null. Throws DataError as
  /// add(Header).
  Headers& add(std::string key, SchemaAndValue schema_and_value) {
    return add(std::move(key), std::move(schema_and_value.value),
               std::move(schema_and_value.schema));
  }
  /// Appends a string with Schema::String().
  Headers& add_string(std::string key, std::string value) {
    return add(std::move(key), std::move(value), Schema::String());
  }
  /// Appends bytes with Schema::Bytes().
  Headers& add_bytes(std::string key, Bytes value) {
    return add(std::move(key), std::move(value), Schema::Bytes());
  }
  /// Appends a boolean with Schema::Boolean().
  Headers& add_boolean(std::string key, bool value) {
    return add(std::move(key), value, Schema::Boolean());
  }
  /// Appends an int8 with Schema::Int8().
  Headers& add_int8(std::string key, int8_t value) {
    return add(std::move(key), value, Schema::Int8());
  }
  /// Appends an int16 with Schema::Int16().
  Headers& add_int16(std::string key, int16_t value) {
    return add(std::move(key), value, Schema::Int16());
  }
  /// Appends an int32 with Schema::Int32().
  Headers& add_int32(std::string key, int32_t value) {
    return add(std::move(key), value, Schema::Int32());
  }
  /// Appends an int64 with Schema::Int64().
  Headers& add_int64(std::string key, int64_t value) {
    return add(std::move(key), value, Schema::Int64());
  }
  /// Appends a float32 with Schema::Float32().
  Headers& add_float32(std::string key, float value) {
    return add(std::move(key), value, Schema::Float32());
  }
  /// Appends a float64 with Schema::Float64().
  Headers& add_float64(std::string key, double value) {
    return add(std::move(key), value, Schema::Float64());
  }
  /// Appends an array with its array `schema`. Throws DataError if they do not match.
  Headers& add_list(std::string key, Value::Array value, SchemaPtr schema) {
    return add(std::move(key), std::move(value), std::move(schema));
  }
  /// Appends a map with its map `schema`. Throws DataError if they do not match.
  Headers& add_map(std::string key, Value::Map value, SchemaPtr schema) {
    return add(std::move(key), std::move(value), std::move(schema));
  }
  /// Appends a struct with its own schema. Throws DataError if a required field is unset.
  Headers& add_struct(std::string key, Struct value) {
    SchemaPtr schema = value.schema();
    return add(std::move(key), std::move(value), std::move(schema));
  }
  /// Appends a Decimal (unscaled two's-complement bytes) with Decimal::schema(scale).
  Headers& add_decimal(std::string key, Bytes unscaled, int32_t scale) {
    return add(std::move(key), std::move(unscaled), Decimal::schema(scale));
  }
  /// Appends a Date with Date::schema().
  Headers& add_date(std::string key, std::chrono::sys_days day) {
    return add(std::move(key), Date::FromLogical(day), Date::schema());
  }
  /// Appends a Time with Time::schema(). Throws DataError outside 0..86400000 ms.
  Headers& add_time(std::string key, std::chrono::milliseconds since_midnight) {
    return add(std::move(key), Time::FromLogical(since_midnight), Time::schema());
  }
  /// Appends a Timestamp with Timestamp::schema().
  Headers& add_timestamp(std::string key,
                         std::chrono::sys_time<std::chrono::milliseconds> instant) {
    return add(std::move(key), Timestamp::FromLogical(instant), Timestamp::schema());
  }

  /// Removes every header with `key`.
  Headers& remove(std::string_view key) {
    std::erase_if(headers_, [key](const Header& header) { return header.key == key; });
    return *this;
  }
  /// Removes all but the last header with `key`; other keys are untouched.
  Headers& retain_latest(std::string_view key) {
    bool seen = false;
    RetainFromBack([key, &seen](const Header& header) {
      return header.key != key || !std::exchange(seen, true);
    });
    return *this;
  }
  /// Keeps only the last header of every key, preserving the order of those kept.
  Headers& retain_latest() {
    std::unordered_set<std::string_view> seen;
    RetainFromBack([&seen](const Header& header) { return seen.insert(header.key).second; });
    return *this;
  }
  /// Removes every header.
  Headers& clear() {
    headers_.clear();
    return *this;
  }

  /// Equal when both hold equal headers in the same order.
  friend bool operator==(const Headers& a, const Headers& b) = default;

 private:
  // Asks `keep` about each header from the last to the first, then drops the rejected ones.
  template <typename Keep>
  void RetainFromBack(Keep keep) {
    std::vector<bool> kept(headers_.size());
    for (size_t i = headers_.size(); i-- > 0;) kept[i] = keep(headers_[i]);
    size_t out = 0;
    for (size_t i = 0; i < headers_.size(); ++i) {
      if (!kept[i]) continue;
      if (out != i) headers_[out] = std::move(headers_[i]);
      ++out;
    }
    headers_.erase(headers_.begin() + static_cast<std::ptrdiff_t>(out), headers_.end());
  }

  std::vector<Header> headers_;
};

}  // namespace ck
