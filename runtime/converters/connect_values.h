// Kafka's org.apache.kafka.connect.data.Values, the part SimpleHeaderConverter needs: the string
// form of any Connect value (convertToString) and the inference of a schema and value from such a
// string (parseString).
//
// Writing is byte-compatible with Kafka: numbers as Java prints them, strings raw at the top and
// quoted (only '\' and '"' escaped) inside arrays, maps and structs, bytes as base64, arrays as
// [a,b], maps as {k:v}, structs as {"field":value}, Decimal as BigDecimal.toString(), and
// Date/Time/Timestamp through Values.dateFormatFor (chosen by the instant, as Kafka does, so a
// Timestamp at midnight prints as a date) in UTC.
//
// Parsing follows Values.parseString (Kafka 3.9) for: null, booleans, integers (narrowest of
// INT8/16/32/64), decimals (FLOAT32, then FLOAT64, then Decimal, as Kafka tries them), ISO dates,
// times and timestamps in the three formats above, quoted strings, and arrays and maps of these
// with Kafka's common-schema rules (numbers widen; a null element, or one that cannot take the
// common schema, makes the whole text a STRING). Anything else is a STRING of the whole text.
// Differences, all deliberate:
// - Kafka ignores what follows a parsed top-level value ("1,2" is INT8 1); here the whole text is
//   then a STRING.
// - Inside quotes, \" and \\ are unescaped (Kafka keeps the backslashes), so that what
//   convertToString writes parses back to the same string.
// - Arrays and maps without a common schema (all null, or mixed types), which Kafka gives its
//   internal "array of null" / "map of null" schemas, are returned schema-less (null schema).
// - Dates are read strictly (Kafka's SimpleDateFormat is lenient) and always in UTC (Kafka uses
//   the JVM's zone, usually UTC); dates before 1582-10-15 are proleptic Gregorian (Java switches
//   to the Julian calendar).
#ifndef CK_RUNTIME_CONVERTERS_CONNECT_VALUES_H_
#define CK_RUNTIME_CONVERTERS_CONNECT_VALUES_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "ck/schema.h"
#include "ck/value.h"

namespace ck::runtime::converters_internal {

/// Values.convertToString(schema, value) for a non-null value; `schema` may be null. Throws
/// DataError when a value does not match its schema.
std::string ConvertToString(const Schema* schema, const Value& value);

/// Values.parseString(text) (with the differences listed above); never throws. "null" gives a
/// null schema and value; "" gives an empty STRING.
SchemaAndValue ParseString(std::string_view text);

/// Values.dateFormatFor(millis) applied to `millis` since the epoch, in UTC: "HH:mm:ss.SSSZ"
/// below one day, "yyyy-MM-dd" at midnights, else "yyyy-MM-ddTHH:mm:ss.SSSZ".
std::string FormatInstant(int64_t millis);

}  // namespace ck::runtime::converters_internal

#endif  // CK_RUNTIME_CONVERTERS_CONNECT_VALUES_H_
