// How Connect schemas map to column kinds, and Connect values to SqlValues. A column's kind is
// decided once per schema (logical types by name: Kafka Connect's Decimal, Date, Time and
// Timestamp, and Debezium's time types, VariableScaleDecimal, Json and Uuid), so converting a
// value is a switch on a small enum rather than string comparisons per value.
#pragma once

#include <cstdint>
#include <string>

#include "ck/schema.h"
#include "ck/value.h"
#include "reference-connectors/jdbc/sql_value.h"

namespace ck::jdbc {

/// What a column holds, as decided from its Connect schema.
enum class ColumnKind : uint8_t {
  kInt8,             ///< INT8.
  kInt16,            ///< INT16.
  kInt32,            ///< INT32 (also io.debezium.time.Year).
  kInt64,            ///< INT64.
  kFloat32,          ///< FLOAT32.
  kFloat64,          ///< FLOAT64.
  kBoolean,          ///< BOOLEAN.
  kString,           ///< STRING.
  kBytes,            ///< BYTES.
  kDecimal,          ///< Kafka Connect's Decimal (BYTES, parameter scale).
  kVariableDecimal,  ///< io.debezium.data.VariableScaleDecimal (STRUCT {scale, value}).
  kDate,             ///< Kafka Connect's Date, io.debezium.time.Date: INT32 days.
  kTimeMillis,       ///< Kafka Connect's Time, io.debezium.time.Time: INT32 ms.
  kTimeMicros,       ///< io.debezium.time.MicroTime: INT64 µs.
  kTimeNanos,        ///< io.debezium.time.NanoTime: INT64 ns.
  kTimestampMillis,  ///< Kafka Connect's Timestamp, io.debezium.time.Timestamp: INT64 ms.
  kTimestampMicros,  ///< io.debezium.time.MicroTimestamp: INT64 µs.
  kTimestampNanos,   ///< io.debezium.time.NanoTimestamp: INT64 ns.
  kZonedTimestamp,   ///< io.debezium.time.ZonedTimestamp: ISO-8601 STRING.
  kJson,             ///< io.debezium.data.Json: STRING.
  kUuid,             ///< io.debezium.data.Uuid: STRING.
  kUnsupported,      ///< ARRAY, MAP, other STRUCTs: no column type.
};

/// The kind of columns holding values of `schema`.
ColumnKind Classify(const Schema& schema);

/// The parameter form of `value` (of `schema`, classified as `kind`); null stays null. Throws
/// DataError when the value cannot be written (an unsupported kind, a malformed decimal).
SqlValue ToSqlValue(ColumnKind kind, const Schema& schema, const Value& value);

/// A short description of a Connect value for error messages (at most about 100 characters).
std::string DescribeValue(const Value& value);

}  // namespace ck::jdbc
