// Facts about Connect schemas that every converter needs: which logical type (if any) a schema
// carries, and Kafka's names of the types as its error messages and JSON schemas print them.
#ifndef CK_RUNTIME_CONVERTERS_CONNECT_TYPES_H_
#define CK_RUNTIME_CONVERTERS_CONNECT_TYPES_H_

#include <cstddef>
#include <string_view>

#include "ck/schema.h"

namespace ck::runtime::converters_internal {

/// The logical types of Kafka Connect's data package.
enum class LogicalType { kNone, kDecimal, kDate, kTime, kTimestamp };

/// The logical type `schema` denotes: its name must be the logical name and its type the logical
/// type's physical type (Decimal: bytes; Date, Time: int32; Timestamp: int64).
inline LogicalType LogicalOf(const Schema& schema) {
  const std::string& name = schema.name();
  if (name.size() < 34) return LogicalType::kNone;  // shortest logical name
  switch (schema.type()) {
    case Type::kBytes:
      return name == Decimal::kLogicalName ? LogicalType::kDecimal : LogicalType::kNone;
    case Type::kInt32:
      if (name == Date::kLogicalName) return LogicalType::kDate;
      return name == Time::kLogicalName ? LogicalType::kTime : LogicalType::kNone;
    case Type::kInt64:
      return name == Timestamp::kLogicalName ? LogicalType::kTimestamp : LogicalType::kNone;
    default:
      return LogicalType::kNone;
  }
}

/// Java's Schema.Type names as Kafka's messages print them: "INT8", ..., "FLOAT64", "STRUCT".
constexpr std::string_view KafkaTypeName(Type type) {
  constexpr std::string_view kNames[] = {"INT8",    "INT16",   "INT32",   "INT64",
                                         "FLOAT32", "FLOAT64", "BOOLEAN", "STRING",
                                         "BYTES",   "ARRAY",   "MAP",     "STRUCT"};
  return kNames[static_cast<size_t>(type)];
}

/// JsonConverter's schema type names: "int8", ..., "float", "double", "boolean", ..., "struct".
constexpr std::string_view JsonTypeName(Type type) {
  constexpr std::string_view kNames[] = {"int8",    "int16",  "int32", "int64", "float", "double",
                                         "boolean", "string", "bytes", "array", "map",   "struct"};
  return kNames[static_cast<size_t>(type)];
}

}  // namespace ck::runtime::converters_internal

#endif  // CK_RUNTIME_CONVERTERS_CONNECT_TYPES_H_
