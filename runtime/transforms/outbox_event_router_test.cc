// Debezium's outbox EventRouter through the ABI (FakeHost), on hand-built change events of an
// outbox table (id uuid, aggregatetype, aggregateid, type, payload jsonb, created_at, shard) as
// Debezium's PostgreSQL connector emits them, with the outputs Debezium's outbox-event-router
// documentation describes: topic outbox.event.<aggregatetype>, key aggregateid, value the payload,
// header id; plus the routing, placement, timestamp, JSON expansion and operation options, with and
// without schemas.
#include <string>
#include <vector>

#include "runtime/transforms/transform_test_util.h"

namespace ck::transforms_test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const std::string kType = "io.debezium.transforms.outbox.EventRouter";
const std::string kEventId = "406c07f3-26f0-4eea-a50c-109940064b8f";
const std::string kPayload =
    R"({"id": 1, "lineItems": [{"id": 1, "item": "Debezium in Action", "status": "ENTERED", )"
    R"("quantity": 2, "totalPrice": 39.98}, {"id": 2, "item": "Debezium for Dummies", )"
    R"("status": "ENTERED", "quantity": 1, "totalPrice": 29.99}], "orderDate": )"
    R"("2019-01-31T12:13:01", "customerId": 123})";

SchemaPtr RowSchema() {
  return SchemaBuilder::struct_()
      .name("dbserver1.public.outboxevent.Value")
      .optional()
      .field("id", SchemaBuilder::string().name("io.debezium.data.Uuid").version(1).build())
      .field("aggregatetype", Schema::String())
      .field("aggregateid", Schema::String())
      .field("type", Schema::String())
      .field("payload",
             SchemaBuilder::string().optional().name("io.debezium.data.Json").version(1).build())
      .field("created_at", SchemaBuilder::int64()
                               .optional()
                               .name("io.debezium.time.MicroTimestamp")
                               .version(1)
                               .build())
      .field("shard", Schema::OptionalInt32())
      .build();
}

SchemaPtr EnvelopeSchema() {
  return SchemaBuilder::struct_()
      .name("dbserver1.public.outboxevent.Envelope")
      .version(2)
      .field("before", RowSchema())
      .field("after", RowSchema())
      .field("source", SchemaBuilder::struct_()
                           .name("io.debezium.connector.postgresql.Source")
                           .field("connector", Schema::String())
                           .field("table", Schema::String())
                           .build())
      .field("op", Schema::String())
      .field("ts_ms", Schema::OptionalInt64())
      .build();
}

Struct Row(const std::string& type, Value payload, Value aggregate_type = "Order") {
  Struct row(RowSchema());
  row.put("id", kEventId).put("aggregatetype", std::move(aggregate_type)).put("aggregateid", "1");
  row.put("type", type).put("payload", std::move(payload));
  row.put("created_at", int64_t{1548936781000123}).put("shard", int32_t{3});
  return row;
}

ConnectRecord Event(const std::string& op, Value payload = kPayload,
                    Value aggregate_type = "Order") {
  Struct envelope(EnvelopeSchema());
  Struct source(EnvelopeSchema()->field("source")->schema);
  source.put("connector", "postgresql").put("table", "outboxevent");
  const Struct row = Row("OrderCreated", std::move(payload), std::move(aggregate_type));
  envelope.put(op == "d" ? "before" : "after", row);
  if (op == "u") envelope.put("before", row);
  envelope.put("source", source).put("op", op).put("ts_ms", int64_t{1548936781500});
  Struct key(SchemaBuilder::struct_()
                 .name("dbserver1.public.outboxevent.Key")
                 .field("id", RowSchema()->field("id")->schema)
                 .build());
  key.put("id", kEventId);
  ConnectRecord record = MakeRecord(key.schema(), key, EnvelopeSchema(), envelope);
  record.topic = "dbserver1.public.outboxevent";
  record.kafka_partition = 5;
  return record;
}

class OutboxEventRouterTest : public TransformTest {
 protected:
  std::vector<ConnectRecord> Run(const ConfigMap& config,
                                 const std::vector<ConnectRecord>& records) {
    testkit::TransformationDriver smt = host_.CreateTransformation(kType);
    smt.Configure(config);
    return smt.Apply(records);
  }
};

TEST_F(OutboxEventRouterTest, DocumentedDefaultRouting) {
  const std::vector<ConnectRecord> out = Run({}, {Event("c"), Event("r", kPayload, "Customer")});
  ASSERT_EQ(out.size(), 2u);
  const ConnectRecord& event = out[0];
  EXPECT_EQ(event.topic, "outbox.event.Order");  // Debezium does not lowercase
  EXPECT_EQ(event.key, Value("1"));
  EXPECT_TRUE(SchemaEquals(event.key_schema, Schema::String()));
  EXPECT_EQ(event.value, Value(kPayload));
  EXPECT_TRUE(SchemaEquals(event.value_schema, RowSchema()->field("payload")->schema));
  ASSERT_EQ(event.headers.size(), 1u);
  EXPECT_EQ(event.headers.last_with_name("id")->value, Value(kEventId));
  EXPECT_TRUE(
      SchemaEquals(event.headers.last_with_name("id")->schema, RowSchema()->field("id")->schema));
  EXPECT_EQ(event.timestamp, 1548936781500);       // the envelope's ts_ms
  EXPECT_EQ(event.kafka_partition, std::nullopt);  // Debezium's new record has no partition
  EXPECT_EQ(out[1].topic, "outbox.event.Customer");
}

TEST_F(OutboxEventRouterTest, SkipsDeletesTombstonesAndUpdatesAndPassesOtherRecords) {
  ConnectRecord tombstone = Event("c");
  tombstone.value_schema = nullptr;
  tombstone.value = Value();
  const SchemaPtr heartbeat = SchemaBuilder::struct_()
                                  .name("io.debezium.connector.common.Heartbeat")
                                  .field("ts_ms", Schema::Int64())
                                  .build();
  Struct beat(heartbeat);
  beat.put("ts_ms", int64_t{1});
  const std::vector<ConnectRecord> out =
      Run({}, {Event("d"), tombstone, Event("u"), MakeRecord(nullptr, Value(), heartbeat, beat)});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].value, Value(beat));
  // table.op.invalid.behavior=fatal turns the update into an error naming the topic.
  EXPECT_THAT(Error(kType, {{"table.op.invalid.behavior", "fatal"}}, Event("u"), CK_ERROR_DATA),
              HasSubstr("EventRouter: Unexpected update message received on topic "
                        "dbserver1.public.outboxevent"));
  EXPECT_TRUE(Run({{"table.op.invalid.behavior", "error"}}, {Event("u")}).empty());
}

TEST_F(OutboxEventRouterTest, RoutingOptions) {
  std::vector<ConnectRecord> out =
      Run({{"route.topic.replacement", "events.${routedByValue}.v1"}}, {Event("c")});
  EXPECT_EQ(out.at(0).topic, "events.Order.v1");
  // A regex that does not match leaves the routing value itself as the topic (RegexRouter).
  out = Run({{"route.topic.regex", "customer(.*)"}, {"route.topic.replacement", "x$1"}},
            {Event("c")});
  EXPECT_EQ(out.at(0).topic, "Order");
  out = Run({{"route.by.field", "type"},
             {"route.topic.regex", "(?<kind>[A-Z][a-z]+)(?<what>.*)"},
             {"route.topic.replacement", "${kind}.${what}"}},
            {Event("c")});
  EXPECT_EQ(out.at(0).topic, "Order.Created");
  // Another key column.
  out = Run({{"table.field.event.key", "type"}}, {Event("c")});
  EXPECT_EQ(out.at(0).key, Value("OrderCreated"));
}

TEST_F(OutboxEventRouterTest, EventTimestampColumn) {
  // created_at is an io.debezium.time.MicroTimestamp: milliseconds are its value / 1000.
  const std::vector<ConnectRecord> out =
      Run({{"table.field.event.timestamp", "created_at"}}, {Event("c")});
  EXPECT_EQ(out.at(0).timestamp, 1548936781000);
  EXPECT_THAT(Error(kType, {{"table.field.event.timestamp", "shard"}}, Event("c"), CK_ERROR_DATA),
              HasSubstr("EventRouter: the timestamp column shard is int32, not an int64"));
}

TEST_F(OutboxEventRouterTest, AdditionalPlacements) {
  const std::vector<ConnectRecord> out =
      Run({{"table.fields.additional.placement",
            "type:header:eventType,type:envelope:eventType,aggregateid:envelope,shard:partition,"
            "aggregatetype:header"}},
          {Event("c")});
  ASSERT_EQ(out.size(), 1u);
  const ConnectRecord& event = out[0];
  std::vector<std::string> keys;
  for (const Header& h : event.headers) keys.push_back(h.key);
  EXPECT_THAT(keys, ElementsAre("id", "eventType", "aggregatetype"));
  EXPECT_EQ(event.headers.last_with_name("eventType")->value, Value("OrderCreated"));
  EXPECT_EQ(event.kafka_partition, 3);
  // With envelope placements the value is {payload, <fields>}, named after the row schema with the
  // routing value inserted.
  const SchemaPtr schema = SchemaBuilder::struct_()
                               .name("dbserver1.public.outboxevent.Order.Value")
                               .field("payload", RowSchema()->field("payload")->schema)
                               .field("eventType", Schema::String())
                               .field("aggregateid", Schema::String())
                               .build();
  ASSERT_TRUE(SchemaEquals(event.value_schema, schema));
  Struct expected(schema);
  expected.put("payload", kPayload).put("eventType", "OrderCreated").put("aggregateid", "1");
  EXPECT_EQ(event.value, Value(expected));
  // A missing column fails, unless table.fields.additional.error.on.missing=false.
  EXPECT_THAT(Error(kType, {{"table.fields.additional.placement", "nope:header"}}, Event("c"),
                    CK_ERROR_DATA),
              HasSubstr("EventRouter: table.fields.additional.placement column nope is not in the "
                        "event on topic dbserver1.public.outboxevent"));
  EXPECT_EQ(Run({{"table.fields.additional.placement", "nope:header"},
                 {"table.fields.additional.error.on.missing", "false"}},
                {Event("c")})
                .at(0)
                .headers.size(),
            1u);
}

TEST_F(OutboxEventRouterTest, TombstoneOnEmptyPayload) {
  std::vector<ConnectRecord> out =
      Run({{"route.tombstone.on.empty.payload", "true"}}, {Event("c", Value()), Event("c", "  ")});
  ASSERT_EQ(out.size(), 2u);
  for (const ConnectRecord& event : out) {
    EXPECT_EQ(event.value, Value());
    EXPECT_EQ(event.value_schema, nullptr);
    EXPECT_EQ(event.key, Value("1"));
    EXPECT_EQ(event.topic, "outbox.event.Order");
  }
  // Without it, an empty payload is passed on as it is.
  out = Run({}, {Event("c", Value())});
  EXPECT_EQ(out.at(0).value, Value());
  EXPECT_NE(out.at(0).value_schema, nullptr);
}

TEST_F(OutboxEventRouterTest, ExpandJsonPayload) {
  const std::vector<ConnectRecord> out = Run(
      {{"table.expand.json.payload", "true"}},
      {Event("c"), Event("c", "not json"), Event("c", R"({"a": null, "b": [], "c": 5000000000})")});
  ASSERT_EQ(out.size(), 3u);
  const SchemaPtr item = SchemaBuilder::struct_()
                             .name("payload.lineItems")
                             .optional()
                             .field("id", Schema::OptionalInt32())
                             .field("item", Schema::OptionalString())
                             .field("status", Schema::OptionalString())
                             .field("quantity", Schema::OptionalInt32())
                             .field("totalPrice", Schema::OptionalFloat64())
                             .build();
  const SchemaPtr schema = SchemaBuilder::struct_()
                               .name("payload")
                               .optional()
                               .field("id", Schema::OptionalInt32())
                               .field("lineItems", SchemaBuilder::array(item).optional().build())
                               .field("orderDate", Schema::OptionalString())
                               .field("customerId", Schema::OptionalInt32())
                               .build();
  ASSERT_TRUE(SchemaEquals(out[0].value_schema, schema));
  Struct first(item), second(item);
  first.put("id", int32_t{1}).put("item", "Debezium in Action").put("status", "ENTERED");
  first.put("quantity", int32_t{2}).put("totalPrice", 39.98);
  second.put("id", int32_t{2}).put("item", "Debezium for Dummies").put("status", "ENTERED");
  second.put("quantity", int32_t{1}).put("totalPrice", 29.99);
  Struct expected(schema);
  expected.put("id", int32_t{1}).put("lineItems", Value::Array{first, second});
  expected.put("orderDate", "2019-01-31T12:13:01").put("customerId", int32_t{123});
  EXPECT_EQ(out[0].value, Value(expected));
  // Not JSON: the payload stays a string (Debezium logs a warning).
  EXPECT_EQ(out[1].value, Value("not json"));
  // Nulls and empty arrays have no schema and are left out; big numbers are int64.
  const SchemaPtr small = SchemaBuilder::struct_()
                              .name("payload")
                              .optional()
                              .field("c", Schema::OptionalInt64())
                              .build();
  ASSERT_TRUE(SchemaEquals(out[2].value_schema, small));
  // table.json.payload.null.behavior=optional_bytes keeps nulls as optional bytes.
  const std::vector<ConnectRecord> bytes =
      Run({{"table.expand.json.payload", "true"},
           {"table.json.payload.null.behavior", "optional_bytes"}},
          {Event("c", R"({"a": null})")});
  EXPECT_TRUE(SchemaEquals(bytes.at(0).value_schema, SchemaBuilder::struct_()
                                                         .name("payload")
                                                         .optional()
                                                         .field("a", Schema::OptionalBytes())
                                                         .build()));
}

TEST_F(OutboxEventRouterTest, Schemaless) {
  const Value::Map row = StrMap({{"id", kEventId},
                                 {"aggregatetype", "Order"},
                                 {"aggregateid", "1"},
                                 {"type", "OrderCreated"},
                                 {"payload", R"({"id": 1})"}});
  ConnectRecord record =
      MakeRecord(nullptr, StrMap({{"id", kEventId}}), nullptr,
                 StrMap({{"before", Value()}, {"after", row}, {"op", "c"}, {"ts_ms", int64_t{7}}}));
  std::vector<ConnectRecord> out = Run({}, {record});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].topic, "outbox.event.Order");
  EXPECT_EQ(out[0].key, Value("1"));
  EXPECT_EQ(out[0].value, Value(R"({"id": 1})"));
  EXPECT_EQ(out[0].value_schema, nullptr);
  EXPECT_EQ(out[0].headers.last_with_name("id")->value, Value(kEventId));
  EXPECT_EQ(out[0].timestamp, 7);
  out = Run({{"table.expand.json.payload", "true"},
             {"table.fields.additional.placement", "type:envelope"}},
            {record});
  EXPECT_EQ(out.at(0).value,
            Value(StrMap({{"payload", StrMap({{"id", int32_t{1}}})}, {"type", "OrderCreated"}})));
}

TEST_F(OutboxEventRouterTest, ConfigErrors) {
  EXPECT_THAT(Error(kType, {{"table.fields.additional.placement", "type:body"}}, std::nullopt,
                    CK_ERROR_CONFIG),
              HasSubstr("Invalid value type:body for configuration "
                        "table.fields.additional.placement: expected column:placement"));
  EXPECT_THAT(Error(kType, {{"route.topic.regex", "(?<x>.*"}}, std::nullopt, CK_ERROR_CONFIG),
              HasSubstr("configuration route.topic.regex: Invalid regular expression: Unclosed "
                        "group"));
  EXPECT_THAT(
      Error(kType, {{"route.topic.replacement", "t.${other}"}}, std::nullopt, CK_ERROR_CONFIG),
      HasSubstr("configuration route.topic.replacement: No group with name {other}"));
  EXPECT_THAT(
      Error(kType, {{"table.op.invalid.behavior", "ignore"}}, std::nullopt, CK_ERROR_CONFIG),
      HasSubstr("Value must be one of warn, error, fatal"));
  EXPECT_THAT(Error(kType, {{"table.field.event.payload", "body"}}, Event("c"), CK_ERROR_DATA),
              HasSubstr("EventRouter: Unable to find payload field body in event"));
  EXPECT_THAT(Error(kType, {{"route.by.field", "shard"}}, Event("c"), CK_ERROR_DATA),
              HasSubstr("route.by.field column shard must be a string, but it is int32"));
}

}  // namespace
}  // namespace ck::transforms_test
