// Connect schema -> ColumnKind, and Connect value -> SqlValue (see value_mapping.h).
#include "reference-connectors/jdbc/value_mapping.h"

#include <string_view>

#include "ck/errors.h"

namespace ck::jdbc {
namespace {

constexpr std::string_view kDebeziumDate = "io.debezium.time.Date";
constexpr std::string_view kDebeziumTime = "io.debezium.time.Time";
constexpr std::string_view kDebeziumMicroTime = "io.debezium.time.MicroTime";
constexpr std::string_view kDebeziumNanoTime = "io.debezium.time.NanoTime";
constexpr std::string_view kDebeziumTimestamp = "io.debezium.time.Timestamp";
constexpr std::string_view kDebeziumMicroTimestamp = "io.debezium.time.MicroTimestamp";
constexpr std::string_view kDebeziumNanoTimestamp = "io.debezium.time.NanoTimestamp";
constexpr std::string_view kDebeziumZonedTimestamp = "io.debezium.time.ZonedTimestamp";
constexpr std::string_view kDebeziumVariableDecimal = "io.debezium.data.VariableScaleDecimal";
constexpr std::string_view kDebeziumJson = "io.debezium.data.Json";
constexpr std::string_view kDebeziumUuid = "io.debezium.data.Uuid";

int64_t FloorDiv(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

ColumnKind Physical(Type type) {
  switch (type) {
    case Type::kInt8:
      return ColumnKind::kInt8;
    case Type::kInt16:
      return ColumnKind::kInt16;
    case Type::kInt32:
      return ColumnKind::kInt32;
    case Type::kInt64:
      return ColumnKind::kInt64;
    case Type::kFloat32:
      return ColumnKind::kFloat32;
    case Type::kFloat64:
      return ColumnKind::kFloat64;
    case Type::kBoolean:
      return ColumnKind::kBoolean;
    case Type::kString:
      return ColumnKind::kString;
    case Type::kBytes:
      return ColumnKind::kBytes;
    default:
      return ColumnKind::kUnsupported;
  }
}

}  // namespace

ColumnKind Classify(const Schema& schema) {
  const std::string& name = schema.name();
  const Type type = schema.type();
  if (!name.empty()) {
    if (type == Type::kBytes && name == Decimal::kLogicalName) return ColumnKind::kDecimal;
    if (type == Type::kInt32 && (name == Date::kLogicalName || name == kDebeziumDate)) {
      return ColumnKind::kDate;
    }
    if (type == Type::kInt32 && (name == Time::kLogicalName || name == kDebeziumTime)) {
      return ColumnKind::kTimeMillis;
    }
    if (type == Type::kInt64 && (name == Timestamp::kLogicalName || name == kDebeziumTimestamp)) {
      return ColumnKind::kTimestampMillis;
    }
    if (type == Type::kInt64 && name == kDebeziumMicroTime) return ColumnKind::kTimeMicros;
    if (type == Type::kInt64 && name == kDebeziumNanoTime) return ColumnKind::kTimeNanos;
    if (type == Type::kInt64 && name == kDebeziumMicroTimestamp) {
      return ColumnKind::kTimestampMicros;
    }
    if (type == Type::kInt64 && name == kDebeziumNanoTimestamp) {
      return ColumnKind::kTimestampNanos;
    }
    if (type == Type::kString && name == kDebeziumZonedTimestamp) {
      return ColumnKind::kZonedTimestamp;
    }
    if (type == Type::kString && name == kDebeziumJson) return ColumnKind::kJson;
    if (type == Type::kString && name == kDebeziumUuid) return ColumnKind::kUuid;
    if (type == Type::kStruct && name == kDebeziumVariableDecimal) {
      const Field* scale = schema.field("scale");
      const Field* value = schema.field("value");
      if (scale != nullptr && value != nullptr && scale->schema->type() == Type::kInt32 &&
          value->schema->type() == Type::kBytes) {
        return ColumnKind::kVariableDecimal;
      }
    }
  }
  return Physical(type);
}

SqlValue ToSqlValue(ColumnKind kind, const Schema& schema, const Value& value) {
  using K = SqlValue::Kind;
  if (value.is_null()) return SqlValue::Null();
  switch (kind) {
    case ColumnKind::kInt8:
      return SqlValue::Int(K::kInt, value.as_int8());
    case ColumnKind::kInt16:
      return SqlValue::Int(K::kInt, value.as_int16());
    case ColumnKind::kInt32:
      return SqlValue::Int(K::kInt, value.as_int32());
    case ColumnKind::kInt64:
      return SqlValue::Int(K::kInt, value.as_int64());
    case ColumnKind::kFloat32:
      return SqlValue::Float(K::kFloat32, value.as_float32());
    case ColumnKind::kFloat64:
      return SqlValue::Float(K::kFloat64, value.as_float64());
    case ColumnKind::kBoolean:
      return SqlValue::Int(K::kBool, value.as_boolean() ? 1 : 0);
    case ColumnKind::kString:
    case ColumnKind::kJson:
    case ColumnKind::kUuid:
      return SqlValue::Str(K::kText, value.as_string());
    case ColumnKind::kBytes: {
      const Bytes& bytes = value.as_bytes();
      return SqlValue::Str(K::kBytes, std::string(bytes.begin(), bytes.end()));
    }
    case ColumnKind::kDecimal:
      return SqlValue::Str(K::kDecimal,
                           Decimal::ToString(value.as_bytes(), Decimal::scale(schema)));
    case ColumnKind::kVariableDecimal: {
      const Struct& s = value.as_struct();
      const Value& scale = s.get("scale");
      const Value& unscaled = s.get("value");
      if (scale.is_null() || unscaled.is_null()) {
        throw DataError("VariableScaleDecimal value without scale or value");
      }
      return SqlValue::Str(K::kDecimal, Decimal::ToString(unscaled.as_bytes(), scale.as_int32()));
    }
    case ColumnKind::kDate:
      return SqlValue::Int(K::kDate, value.as_int32());
    case ColumnKind::kTimeMillis:
      return SqlValue::Int(K::kTime, int64_t{value.as_int32()} * 1000);
    case ColumnKind::kTimeMicros:
      return SqlValue::Int(K::kTime, value.as_int64());
    case ColumnKind::kTimeNanos:
      return SqlValue::Int(K::kTime, value.as_int64() / 1000);
    case ColumnKind::kTimestampMillis:
      return SqlValue::Int(K::kTimestamp, value.as_int64() * 1000);
    case ColumnKind::kTimestampMicros:
      return SqlValue::Int(K::kTimestamp, value.as_int64());
    case ColumnKind::kTimestampNanos:
      return SqlValue::Int(K::kTimestamp, FloorDiv(value.as_int64(), 1000));
    case ColumnKind::kZonedTimestamp:
      return SqlValue::Str(K::kZonedTimestamp, value.as_string());
    case ColumnKind::kUnsupported:
      break;
  }
  throw DataError(std::string("values of type ") + std::string(TypeName(schema.type())) +
                  (schema.name().empty() ? "" : " (" + schema.name() + ")") +
                  " cannot be written to a column");
}

std::string DescribeValue(const Value& value) {
  constexpr size_t kMax = 100;
  std::string out;
  if (!value.type().has_value()) return "null";
  switch (*value.type()) {
    case Type::kString:
      out = "\"" + value.as_string().substr(0, kMax) +
            (value.as_string().size() > kMax ? "...\"" : "\"");
      return out;
    case Type::kBytes:
      return std::to_string(value.as_bytes().size()) + " bytes";
    case Type::kInt8:
      return std::to_string(value.as_int8());
    case Type::kInt16:
      return std::to_string(value.as_int16());
    case Type::kInt32:
      return std::to_string(value.as_int32());
    case Type::kInt64:
      return std::to_string(value.as_int64());
    case Type::kFloat32:
    case Type::kFloat64: {
      SqlValue v = SqlValue::Float(SqlValue::Kind::kFloat64, *value.type() == Type::kFloat32
                                                                 ? value.as_float32()
                                                                 : value.as_float64());
      return DescribeSqlValue(v);
    }
    case Type::kBoolean:
      return value.as_boolean() ? "true" : "false";
    case Type::kArray:
      return "an array of " + std::to_string(value.as_array().size()) + " elements";
    case Type::kMap:
      return "a map of " + std::to_string(value.as_map().size()) + " entries";
    case Type::kStruct: {
      out = "Struct{";
      bool first = true;
      for (const Field& field : value.as_struct().schema()->fields()) {
        const Value& v = value.as_struct().get(field);
        if (v.is_null()) continue;
        if (!first) out += ",";
        first = false;
        out += field.name + "=" + DescribeValue(v);
        if (out.size() > kMax) return out.substr(0, kMax) + "...}";
      }
      return out + "}";
    }
  }
  return out;
}

}  // namespace ck::jdbc
