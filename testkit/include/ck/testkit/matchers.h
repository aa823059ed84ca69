/// @file
/// GoogleMock matchers for records and statuses, and readable forms of values for failure
/// messages.
///
/// @code
/// using ck::testkit::HasHeader;
/// using ck::testkit::RecordEq;
/// using ck::testkit::StatusIs;
/// EXPECT_THAT(task.Poll(), ElementsAre(RecordEq(expected0), RecordEq(expected1)));
/// EXPECT_THAT(record, HasHeader("op", ck::Value("c")));
/// EXPECT_THAT(dlq_records[0], HasHeader("__connect.errors.topic", "orders"));  // ConsumedRecord
/// EXPECT_THAT(worker.Status("orders"), StatusIs("FAILED", HasSubstr("Tolerance exceeded")));
/// @endcode
///
/// A mismatch explains itself field by field ("value: expected Struct{id=7} but was
/// Struct{id=8}").

#pragma once

#include <gmock/gmock.h>

#include <optional>
#include <ostream>
#include <string>
#include <utility>

#include "ck/headers.h"
#include "ck/record.h"
#include "ck/schema.h"
#include "ck/testkit/connect_cluster.h"
#include "ck/testkit/kafka_cluster.h"
#include "ck/value.h"

namespace ck::testkit {

/// A one-line readable form of `value`: null, 42, 1.5, "text", bytes as hex (0x00ff),
/// [a, b], {k: v}, Struct{name=value, ...}. For failure messages; not a serialisation format.
std::string DebugString(const Value& value);
/// The readable form of a schema: its type, name, optional flag and, for containers, the inner
/// schemas ("struct io.x.Order{id: int64, tags: array<string>}"); "schemaless" for null.
std::string DebugString(const SchemaPtr& schema);
/// The readable form of headers: [key=value, ...].
std::string DebugString(const Headers& headers);
/// The readable form of a record's common fields: topic, partition, key, value, timestamp,
/// headers.
std::string DebugString(const ConnectRecord& record);

/// Matches a ConnectRecord equal to `expected`: topic, partition, key and value schemas (deeply)
/// and values, timestamp and headers.
testing::Matcher<const ConnectRecord&> RecordEq(const ConnectRecord& expected);
/// Matches a SourceRecord equal to `expected`: the ConnectRecord fields plus source partition and
/// source offset.
testing::Matcher<const SourceRecord&> RecordEq(const SourceRecord& expected);
/// Matches a SinkRecord equal to `expected`: the ConnectRecord fields plus Kafka offset,
/// timestamp type and the original topic, partition and offset.
testing::Matcher<const SinkRecord&> RecordEq(const SinkRecord& expected);

/// Internals of the matchers; not part of the API.
namespace matchers_internal {

/// HasHeader's implementation: works on any record (ConnectRecord and its subclasses), on
/// Headers and on KafkaCluster's ConsumedRecord (whose header values are strings).
template <typename ValueMatcher>
class HasHeaderMatcher {
 public:
  HasHeaderMatcher(std::string key, std::optional<ValueMatcher> value)
      : key_(std::move(key)), value_(std::move(value)) {}

  bool MatchAndExplain(const Headers& headers, testing::MatchResultListener* listener) const {
    bool found = false;
    for (const Header& header : headers) {
      if (header.key != key_) continue;
      found = true;
      if (!value_) return true;
      if (testing::SafeMatcherCast<const Value&>(*value_).Matches(header.value)) return true;
    }
    *listener << (found ? "its headers " + DebugString(headers) + " have no matching value"
                        : "it has no header " + key_ + " among " + DebugString(headers));
    return false;
  }
  bool MatchAndExplain(const ConnectRecord& record, testing::MatchResultListener* listener) const {
    return MatchAndExplain(record.headers, listener);
  }
  bool MatchAndExplain(const ConsumedRecord& record, testing::MatchResultListener* listener) const {
    std::string all;
    bool found = false;
    for (const auto& [key, value] : record.headers) {
      all += (all.empty() ? "" : ", ") + key + "=" + value;
      if (key != key_) continue;
      found = true;
      if (!value_) return true;
      if (testing::SafeMatcherCast<const std::string&>(*value_).Matches(value)) return true;
    }
    *listener << (found ? "its headers [" + all + "] have no matching value"
                        : "it has no header " + key_ + " among [" + all + "]");
    return false;
  }
  void DescribeTo(std::ostream* os) const {
    *os << "has a header " << key_ << (value_ ? " with a matching value" : "");
  }
  void DescribeNegationTo(std::ostream* os) const {
    *os << "has no header " << key_ << (value_ ? " with such a value" : "");
  }

 private:
  std::string key_;
  std::optional<ValueMatcher> value_;
};

/// StatusIs's implementation: works on ConnectorStatus (the connector's state) and
/// InstanceStatus (a task's).
class StatusIsMatcher {
 public:
  StatusIsMatcher(std::string state, testing::Matcher<const std::string&> trace)
      : state_(std::move(state)), trace_(std::move(trace)) {}

  bool MatchAndExplain(const InstanceStatus& status, testing::MatchResultListener* listener) const {
    *listener << "state " << status.state;
    if (!status.trace.empty()) *listener << ", trace \"" << status.trace << "\"";
    return status.state == state_ && trace_.Matches(status.trace);
  }
  bool MatchAndExplain(const ConnectorStatus& status,
                       testing::MatchResultListener* listener) const {
    return MatchAndExplain(status.connector, listener);
  }
  void DescribeTo(std::ostream* os) const {
    *os << "is in state " << state_ << " with a trace that ";
    trace_.DescribeTo(os);
  }
  void DescribeNegationTo(std::ostream* os) const {
    *os << "is not in state " << state_ << " with a trace that ";
    trace_.DescribeTo(os);
  }

 private:
  std::string state_;
  testing::Matcher<const std::string&> trace_;
};

}  // namespace matchers_internal

/// Matches a record (or Headers, or a ConsumedRecord) with at least one header `key`.
inline testing::PolymorphicMatcher<
    matchers_internal::HasHeaderMatcher<testing::Matcher<const Value&>>>
HasHeader(std::string key) {
  return testing::MakePolymorphicMatcher(
      matchers_internal::HasHeaderMatcher<testing::Matcher<const Value&>>(std::move(key),
                                                                          std::nullopt));
}

/// Matches a record (or Headers) with a header `key` whose value matches `value` (a Value or a
/// matcher of `const ck::Value&`); for a ConsumedRecord, a string or a matcher of
/// `const std::string&`.
template <typename ValueMatcher>
testing::PolymorphicMatcher<matchers_internal::HasHeaderMatcher<ValueMatcher>> HasHeader(
    std::string key, ValueMatcher value) {
  return testing::MakePolymorphicMatcher(
      matchers_internal::HasHeaderMatcher<ValueMatcher>(std::move(key), std::move(value)));
}

/// Matches a ConnectorStatus (its connector) or an InstanceStatus (a task) in `state` ("RUNNING",
/// "FAILED", ...) whose trace matches `trace` (anything by default).
inline testing::PolymorphicMatcher<matchers_internal::StatusIsMatcher> StatusIs(
    std::string state, testing::Matcher<const std::string&> trace = testing::_) {
  return testing::MakePolymorphicMatcher(
      matchers_internal::StatusIsMatcher(std::move(state), std::move(trace)));
}

}  // namespace ck::testkit

namespace ck {

/// Prints `value` in failure messages (ck::testkit::DebugString).
inline void PrintTo(const Value& value, std::ostream* os) { *os << testkit::DebugString(value); }
/// Prints `record` in failure messages.
inline void PrintTo(const ConnectRecord& record, std::ostream* os) {
  *os << testkit::DebugString(record);
}
/// Prints `record` in failure messages, with its source partition and offset.
inline void PrintTo(const SourceRecord& record, std::ostream* os) {
  *os << testkit::DebugString(record) << " source " << record.source_partition.dump() << " @ "
      << record.source_offset.dump();
}
/// Prints `record` in failure messages, with its Kafka coordinates.
inline void PrintTo(const SinkRecord& record, std::ostream* os) {
  *os << testkit::DebugString(record) << " @ " << record.kafka_offset << " (originally "
      << record.original_topic << "-" << record.original_partition << "@" << record.original_offset
      << ")";
}

}  // namespace ck
