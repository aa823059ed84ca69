// RecordEq, HasHeader and StatusIs: what they accept, what they reject and how they explain a
// mismatch; DebugString of every kind of value.
#include "ck/testkit/matchers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using ck::testkit::DebugString;
using ck::testkit::HasHeader;
using ck::testkit::RecordEq;
using ck::testkit::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

ck::SchemaPtr OrderSchema() {
  return ck::SchemaBuilder::struct_()
      .name("io.example.Order")
      .field("id", ck::Schema::Int64())
      .field("tags", ck::SchemaBuilder::array(ck::Schema::String()).build())
      .build();
}

ck::SourceRecord Order(int64_t id) {
  ck::SourceRecord r;
  r.topic = "orders";
  r.key_schema = ck::Schema::Int64();
  r.key = id;
  r.value_schema = OrderSchema();
  ck::Struct s(r.value_schema);
  s.put("id", id).put("tags", ck::Value::Array{"a", "b"});
  r.value = std::move(s);
  r.timestamp = 1000;
  r.headers.add_string("op", "c");
  r.source_partition = {{"table", "orders"}};
  r.source_offset = {{"lsn", id}};
  return r;
}

template <typename M, typename T>
std::string Explain(const M& matcher, const T& value) {
  testing::StringMatchResultListener listener;
  testing::ExplainMatchResult(matcher, value, &listener);
  return listener.str();
}

TEST(MatchersTest, RecordEqMatchesEqualRecordsAndNamesEachDifference) {
  EXPECT_THAT(Order(7), RecordEq(Order(7)));
  std::vector<ck::SourceRecord> polled = {Order(1), Order(2)};
  EXPECT_THAT(polled, ElementsAre(RecordEq(Order(1)), RecordEq(Order(2))));

  ck::SourceRecord other = Order(7);
  other.source_offset = {{"lsn", 8}};
  other.headers.add_string("extra", "x");
  EXPECT_THAT(other, Not(RecordEq(Order(7))));
  const std::string why = Explain(RecordEq(Order(7)), other);
  EXPECT_THAT(why, HasSubstr("source offset: expected {\"lsn\":7} but was {\"lsn\":8}"));
  EXPECT_THAT(why, HasSubstr("headers: expected [op=\"c\"] but was [op=\"c\", extra=\"x\"]"));
  EXPECT_THAT(Explain(RecordEq(Order(7)), Order(8)),
              HasSubstr("value: expected Struct{id=7,tags=[\"a\", \"b\"]} but was "
                        "Struct{id=8,tags=[\"a\", \"b\"]}"));
}

TEST(MatchersTest, RecordEqComparesSinkCoordinates) {
  ck::SinkRecord a;
  a.topic = "t";
  a.kafka_offset = 5;
  a.original_topic = "t";
  a.original_offset = 5;
  ck::SinkRecord b = a;
  EXPECT_THAT(b, RecordEq(a));
  b.original_offset = 6;
  EXPECT_THAT(Explain(RecordEq(a), b), HasSubstr("original offset: expected 5 but was 6"));
  // A ConnectRecord matcher ignores the subclass's fields.
  EXPECT_THAT(static_cast<const ck::ConnectRecord&>(b),
              RecordEq(static_cast<const ck::ConnectRecord&>(a)));
}

TEST(MatchersTest, HasHeaderOnRecordsHeadersAndConsumedRecords) {
  const ck::SourceRecord r = Order(1);
  EXPECT_THAT(r, HasHeader("op"));
  EXPECT_THAT(r, HasHeader("op", ck::Value("c")));
  EXPECT_THAT(r, Not(HasHeader("op", ck::Value("d"))));
  EXPECT_THAT(r.headers, HasHeader("op"));
  EXPECT_THAT(r, Not(HasHeader("before")));
  EXPECT_THAT(Explain(HasHeader("before"), r), HasSubstr("no header before among [op=\"c\"]"));

  ck::testkit::ConsumedRecord consumed;
  consumed.headers = {{"__connect.errors.topic", "orders"}, {"__connect.errors.offset", "3"}};
  EXPECT_THAT(consumed, HasHeader("__connect.errors.topic", "orders"));
  EXPECT_THAT(consumed, HasHeader("__connect.errors.offset", HasSubstr("3")));
  EXPECT_THAT(consumed, Not(HasHeader("__connect.errors.topic", "payments")));
}

TEST(MatchersTest, StatusIsOnConnectorsAndTasks) {
  ck::testkit::ConnectorStatus status;
  status.connector.state = "RUNNING";
  status.tasks.push_back({0, "FAILED", "127.0.0.1:8083", "Tolerance exceeded in error handler"});
  EXPECT_THAT(status, StatusIs("RUNNING"));
  EXPECT_THAT(status, Not(StatusIs("PAUSED")));
  EXPECT_THAT(status.tasks[0], StatusIs("FAILED", HasSubstr("Tolerance exceeded")));
  EXPECT_THAT(status.tasks[0], Not(StatusIs("FAILED", HasSubstr("timeout"))));
  EXPECT_THAT(status.tasks, ElementsAre(StatusIs("FAILED")));
}

TEST(MatchersTest, DebugStringOfEveryKind) {
  EXPECT_EQ(DebugString(ck::Value()), "null");
  EXPECT_EQ(DebugString(ck::Value(int8_t{-3})), "-3");
  EXPECT_EQ(DebugString(ck::Value(1.5)), "1.5");
  EXPECT_EQ(DebugString(ck::Value(1.5f)), "1.5f");
  EXPECT_EQ(DebugString(ck::Value(true)), "true");
  EXPECT_EQ(DebugString(ck::Value("a\"b")), "\"a\\\"b\"");
  EXPECT_EQ(DebugString(ck::Value(ck::Bytes{0x00, 0xff})), "0x00ff");
  EXPECT_EQ(DebugString(ck::Value(ck::Value::Map{{"k", int32_t{1}}})), "{\"k\": 1}");
  EXPECT_EQ(DebugString(OrderSchema()), "struct io.example.Order{id: int64, tags: array<string>}");
  EXPECT_EQ(DebugString(ck::SchemaPtr()), "schemaless");
  EXPECT_EQ(DebugString(ck::Decimal::schema(2)),
            "bytes org.apache.kafka.connect.data.Decimal(scale=2) v1");
}

}  // namespace
