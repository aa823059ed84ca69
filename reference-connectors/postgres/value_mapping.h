// How PostgreSQL column values become Connect values, as Debezium's PostgreSQL connector maps them
// in each of its handling modes (decimal.handling.mode, time.precision.mode, binary.handling.mode,
// interval.handling.mode, hstore.handling.mode, money.fraction.digits; MappingOptions): a
// ColumnConverter is chosen once per column from its type OID and modifier (the Relation
// message's, or pg_attribute's for the snapshot) and then turns each value's text form into a
// Connect value. Both the streaming and the snapshot read values as text, in the session settings
// the connector sets (DateStyle=ISO, TimeZone=UTC, IntervalStyle=iso_8601, bytea_output=hex,
// extra_float_digits=3, lc_monetary=C), which is what the parsers here expect. Types are resolved
// through a lookup callback so that tests need no server.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ck/schema.h"
#include "ck/value.h"

namespace ck::postgres {

/// Debezium's placeholder for an unchanged TOASTed value that the server did not send.
inline constexpr char kUnavailableValuePlaceholder[] = "__debezium_unavailable_value";

/// What the catalog (pg_type, pg_enum) says about a type that is not built in.
struct PgTypeInfo {
  std::string name;                      ///< typname.
  char typtype = 'b';                    ///< 'b' base, 'e' enum, 'd' domain, 'c' composite, ...
  char category = 'U';                   ///< typcategory; 'A' for arrays.
  uint32_t elem_oid = 0;                 ///< typelem for arrays.
  uint32_t base_oid = 0;                 ///< typbasetype for domains.
  std::vector<std::string> enum_labels;  ///< Enum labels in enumsortorder.
};

/// Looks a type OID up in the catalog; std::nullopt when there is no such type.
using TypeLookup = std::function<std::optional<PgTypeInfo>(uint32_t oid)>;

/// Debezium's value handling modes (its config keys in brackets); the defaults are Debezium's.
struct MappingOptions {
  /// [decimal.handling.mode] numeric and money as Decimal/VariableScaleDecimal, FLOAT64 or STRING.
  enum class DecimalMode { kPrecise, kDouble, kString };
  /// [time.precision.mode] adaptive: time/timestamp(p<=3) in ms, else µs;
  /// adaptive_time_microseconds: every time in µs; connect: Kafka's Date/Time/Timestamp (ms).
  enum class TimeMode { kAdaptive, kAdaptiveTimeMicroseconds, kConnect };
  /// [binary.handling.mode] bytea as BYTES or as a base64, base64-url-safe or hex STRING.
  enum class BinaryMode { kBytes, kBase64, kBase64UrlSafe, kHex };
  /// [interval.handling.mode] MicroDuration (INT64 µs) or io.debezium.time.Interval (ISO string).
  enum class IntervalMode { kNumeric, kString };
  /// [hstore.handling.mode] a JSON object string (io.debezium.data.Json) or MAP<STRING,STRING>.
  enum class HstoreMode { kJson, kMap };

  DecimalMode decimal = DecimalMode::kPrecise;
  TimeMode time = TimeMode::kAdaptive;
  BinaryMode binary = BinaryMode::kBytes;
  IntervalMode interval = IntervalMode::kNumeric;
  HstoreMode hstore = HstoreMode::kJson;
  int32_t money_fraction_digits = 2;  ///< [money.fraction.digits] scale of money values.
};

/// Converts the text form of one column's values.
class ColumnConverter {
 public:
  /// The Connect representation chosen for a column.
  enum class Kind {
    kBoolean,
    kInt16,
    kInt32,
    kInt64,
    kFloat32,
    kFloat64,
    kDecimal,          ///< org.apache.kafka.connect.data.Decimal (numeric(p,s)).
    kVariableDecimal,  ///< io.debezium.data.VariableScaleDecimal (numeric without scale).
    kString,
    kJson,  ///< io.debezium.data.Json
    kXml,   ///< io.debezium.data.Xml
    kUuid,  ///< io.debezium.data.Uuid
    kEnum,  ///< io.debezium.data.Enum
    kBytes,
    kDate,            ///< io.debezium.time.Date
    kTime,            ///< io.debezium.time.Time (ms, precision <= 3)
    kMicroTime,       ///< io.debezium.time.MicroTime
    kTimestamp,       ///< io.debezium.time.Timestamp (ms, precision <= 3)
    kMicroTimestamp,  ///< io.debezium.time.MicroTimestamp
    kZonedTimestamp,  ///< io.debezium.time.ZonedTimestamp (string, UTC)
    kMicroDuration,   ///< io.debezium.time.MicroDuration
    kArray,
    kDecimalDouble,     ///< numeric as FLOAT64 (decimal.handling.mode=double)
    kDecimalString,     ///< numeric as STRING (decimal.handling.mode=string)
    kMoney,             ///< money, per decimal.handling.mode with money.fraction.digits
    kBinaryString,      ///< bytea as base64, base64-url-safe or hex STRING
    kConnectDate,       ///< org.apache.kafka.connect.data.Date (time.precision.mode=connect)
    kConnectTime,       ///< org.apache.kafka.connect.data.Time
    kConnectTimestamp,  ///< org.apache.kafka.connect.data.Timestamp
    kInterval,          ///< io.debezium.time.Interval (interval.handling.mode=string)
    kZonedTime,         ///< io.debezium.time.ZonedTime (timetz, UTC)
    kBit,               ///< bit(1), varbit(1) as BOOLEAN
    kBits,              ///< io.debezium.data.Bits (bit(n>1), varbit)
    kPoint,             ///< io.debezium.data.geometry.Point
    kLtree,             ///< io.debezium.data.Ltree
    kTsvector,          ///< io.debezium.data.Tsvector
    kHstoreJson,        ///< hstore as io.debezium.data.Json
    kHstoreMap,         ///< hstore as MAP<STRING, optional STRING>
  };

  /// The converter of a column of type `oid` with modifier `type_mod`, nullable or not, in the
  /// handling modes `options`, or std::nullopt when the type is not supported (Debezium leaves
  /// such columns out of events).
  static std::optional<ColumnConverter> Create(uint32_t oid, int32_t type_mod,
                                               const TypeLookup& lookup, bool optional,
                                               const MappingOptions& options = {});

  Kind kind() const { return kind_; }
  /// The field schema: optional for nullable columns, required otherwise.
  const SchemaPtr& schema() const { return schema_; }
  /// The Connect value of the text form `text`. Throws ck::DataError naming the type and value
  /// when the text cannot be parsed.
  Value FromText(std::string_view text) const;
  /// The value standing for an unchanged TOASTed value: the placeholder for strings, its bytes
  /// for byte arrays, a one-element array of it for string arrays, null otherwise.
  Value Unavailable() const;
  /// The value of a NOT NULL column the server did not send (an old-key tuple's other columns):
  /// Debezium's fallback, the zero of the type ("" for strings, 0, false, epoch, empty array).
  Value Fallback() const;

 private:
  ColumnConverter() = default;
  SchemaBuilder Builder() const;
  static std::optional<ColumnConverter> Resolve(uint32_t oid, int32_t type_mod,
                                                const TypeLookup& lookup,
                                                const MappingOptions& options);
  Value FromTextInMode(std::string_view text) const;

  Kind kind_ = Kind::kString;
  std::string type_name_;
  int32_t scale_ = 0;
  int32_t precision_ = 0;  // numeric precision, or fractional digits of times
  std::vector<std::string> enum_labels_;
  std::shared_ptr<const ColumnConverter> element_;  // always optional
  SchemaPtr schema_;
  MappingOptions options_;
};

/// Parsers of PostgreSQL's text forms, exposed for tests. Each throws ck::DataError on bad input.
namespace text {
/// "2024-02-29" -> days since 1970-01-01.
int32_t ParseDate(std::string_view s);
/// "13:45:30.123456" -> microseconds past midnight.
int64_t ParseTime(std::string_view s);
/// "2024-02-29 13:45:30.123456" -> microseconds since the epoch, the wall clock read as UTC.
int64_t ParseTimestamp(std::string_view s);
/// "2024-02-29 13:45:30.123+02" -> microseconds since the epoch (UTC).
int64_t ParseTimestampTz(std::string_view s);
/// Microseconds since the epoch -> "2024-02-29T11:45:30.123000Z" with `fraction_digits` digits.
std::string FormatZoned(int64_t micros, int32_t fraction_digits);
/// An ISO 8601 interval ("P1Y2M3DT4H5M6.5S") -> microseconds, a month being 365.25/12 days.
int64_t ParseIsoInterval(std::string_view s);
/// "\x01ff" -> bytes.
Bytes ParseByteaHex(std::string_view s);
/// An ISO 8601 interval -> Debezium's io.debezium.time.Interval form, every component present:
/// "P1Y2M3DT4H5M6.5S" -> "P1Y2M3DT4H5M6.5S", "PT0S" -> "P0Y0M0DT0H0M0S".
std::string IsoIntervalString(std::string_view s);
/// A decimal's canonical text as Java's BigDecimal.toString() writes it: plain, or scientific
/// when the adjusted exponent is below -6 ("0.00000010" -> "1.0E-7").
std::string JavaDecimalString(std::string_view s);
/// `bytes` as Java's Base64 encoder (standard or URL-safe alphabet, padded) or lower-case hex.
std::string EncodeBinary(const Bytes& bytes, MappingOptions::BinaryMode mode);
/// A bit string ("1011") -> Debezium's Bits bytes: little-endian, no trailing zero bytes.
Bytes ParseBits(std::string_view s);
/// An hstore literal ("\"a\"=>\"1\", \"b\"=>NULL") -> its pairs, in the iteration order of
/// the Java HashMap Debezium builds from it (std::nullopt = NULL).
std::vector<std::pair<std::string, std::optional<std::string>>> ParseHstore(std::string_view s);
/// A one-dimensional array literal ("{1,NULL,\"a,b\"}") -> its elements (std::nullopt = NULL).
std::vector<std::optional<std::string>> ParseArray(std::string_view s);
}  // namespace text

}  // namespace ck::postgres
