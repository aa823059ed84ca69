// Debezium's ExtractNewRecordState through the ABI (FakeHost), on hand-built change events shaped
// as Debezium's PostgreSQL connector emits them (key struct, envelope {before, after, source, op,
// ts_ms, ts_us, ts_ns, transaction}, its tombstones and truncates), with the outputs Debezium's
// event-flattening documentation describes for each delete.tombstone.handling.mode, the legacy
// keys, add.fields, add.headers and route.by.field; with and without schemas.
#include <string>
#include <vector>

#include "runtime/transforms/transform_test_util.h"

namespace ck::transforms_test {
namespace {

using ::testing::HasSubstr;

const std::string kType = "io.debezium.transforms.ExtractNewRecordState";
const std::string kTopic = "dbserver1.inventory.customers";

SchemaPtr KeySchema() {
  return SchemaBuilder::struct_()
      .name("dbserver1.inventory.customers.Key")
      .field("id", Schema::Int32())
      .build();
}

SchemaPtr RowSchema() {
  return SchemaBuilder::struct_()
      .name("dbserver1.inventory.customers.Value")
      .optional()
      .field("id", Schema::Int32())
      .field("first_name", Schema::String())
      .field("last_name", Schema::String())
      .field("email", Schema::String())
      .field("tier", SchemaBuilder::string().optional().default_value("basic").build())
      .build();
}

SchemaPtr SourceSchema() {
  return SchemaBuilder::struct_()
      .name("io.debezium.connector.postgresql.Source")
      .field("version", Schema::String())
      .field("connector", Schema::String())
      .field("name", Schema::String())
      .field("ts_ms", Schema::Int64())
      .field("snapshot", SchemaBuilder::string()
                             .optional()
                             .name("io.debezium.data.Enum")
                             .version(1)
                             .parameter("allowed", "true,last,false,incremental")
                             .default_value("false")
                             .build())
      .field("db", Schema::String())
      .field("schema", Schema::String())
      .field("table", Schema::String())
      .field("txId", Schema::OptionalInt64())
      .field("lsn", Schema::OptionalInt64())
      .build();
}

SchemaPtr TransactionSchema() {
  return SchemaBuilder::struct_()
      .name("event.block")
      .version(1)
      .optional()
      .field("id", Schema::String())
      .field("total_order", Schema::Int64())
      .field("data_collection_order", Schema::Int64())
      .build();
}

SchemaPtr EnvelopeSchema() {
  return SchemaBuilder::struct_()
      .name("dbserver1.inventory.customers.Envelope")
      .version(2)
      .field("before", RowSchema())
      .field("after", RowSchema())
      .field("source", SourceSchema())
      .field("op", Schema::String())
      .field("ts_ms", Schema::OptionalInt64())
      .field("ts_us", Schema::OptionalInt64())
      .field("ts_ns", Schema::OptionalInt64())
      .field("transaction", TransactionSchema())
      .build();
}

Struct Row(int32_t id, std::string first, std::string last, std::string email, Value tier = {}) {
  Struct row(RowSchema());
  row.put("id", id).put("first_name", std::move(first)).put("last_name", std::move(last));
  row.put("email", std::move(email)).put("tier", std::move(tier));
  return row;
}

Struct Source() {
  Struct source(SourceSchema());
  source.put("version", "2.7.0.Final").put("connector", "postgresql");
  source.put("name", "dbserver1").put("ts_ms", int64_t{1559033904863});
  source.put("db", "postgres").put("schema", "inventory").put("table", "customers");
  source.put("txId", int64_t{555}).put("lsn", int64_t{24023128});
  return source;
}

// A change event as the connector emits it: key {id}, envelope value.
ConnectRecord Change(const std::string& op, std::optional<Struct> before,
                     std::optional<Struct> after, bool with_transaction = false) {
  Struct envelope(EnvelopeSchema());
  if (before) envelope.put("before", *before);
  if (after) envelope.put("after", *after);
  envelope.put("source", Source()).put("op", op).put("ts_ms", int64_t{1559033904900});
  envelope.put("ts_us", int64_t{1559033904900123}).put("ts_ns", int64_t{1559033904900123456});
  if (with_transaction) {
    Struct tx(TransactionSchema());
    tx.put("id", "571:53195829")
        .put("total_order", int64_t{1})
        .put("data_collection_order", int64_t{1});
    envelope.put("transaction", tx);
  }
  const Struct& row = after ? *after : *before;
  Struct key(KeySchema());
  key.put("id", row.get_int32("id"));
  ConnectRecord record = MakeRecord(KeySchema(), key, EnvelopeSchema(), envelope);
  record.topic = kTopic;
  return record;
}

ConnectRecord Create() {
  return Change("c", std::nullopt, Row(1004, "Anne", "Kretchmar", "a@x.org"));
}
ConnectRecord Update() {
  return Change("u", Row(1004, "Anne", "Kretchmar", "a@x.org"),
                Row(1004, "Anne Marie", "Kretchmar", "a@x.org", "gold"));
}
ConnectRecord Delete() {
  return Change("d", Row(1004, "Anne Marie", "Kretchmar", "a@x.org"), std::nullopt);
}
ConnectRecord Tombstone() {
  Struct key(KeySchema());
  key.put("id", int32_t{1004});
  ConnectRecord record = MakeRecord(KeySchema(), key, nullptr, Value());
  record.topic = kTopic;
  return record;
}
ConnectRecord Truncate() {
  Struct envelope(EnvelopeSchema());
  envelope.put("source", Source()).put("op", "t").put("ts_ms", int64_t{1559033904900});
  ConnectRecord record = MakeRecord(nullptr, Value(), EnvelopeSchema(), envelope);
  record.topic = kTopic;
  return record;
}

// The rewritten row schema: the row's name, required, its fields, then `extra`.
SchemaPtr Flattened(const std::vector<std::pair<std::string, SchemaPtr>>& extra) {
  SchemaBuilder builder = SchemaBuilder::struct_().name("dbserver1.inventory.customers.Value");
  const SchemaPtr row = RowSchema();
  for (const Field& f : row->fields()) builder.field(f.name, f.schema);
  for (const auto& [name, schema] : extra) builder.field(name, schema);
  return builder.build();
}

class ExtractNewRecordStateTest : public TransformTest {
 protected:
  // Applies one configured instance to `records` in one batch.
  std::vector<ConnectRecord> Run(const ConfigMap& config,
                                 const std::vector<ConnectRecord>& records) {
    testkit::TransformationDriver smt = host_.CreateTransformation(kType);
    smt.Configure(config);
    return smt.Apply(records);
  }
};

TEST_F(ExtractNewRecordStateTest, DefaultFlattensToAfterAndDeletesToNullValues) {
  const std::vector<ConnectRecord> out =
      Run({}, {Create(), Update(), Delete(), Tombstone(), Truncate()});
  ASSERT_EQ(out.size(), 3u);  // the tombstone and the truncate are dropped
  EXPECT_TRUE(SchemaEquals(out[0].value_schema, RowSchema()));
  EXPECT_EQ(out[0].value, Value(Row(1004, "Anne", "Kretchmar", "a@x.org")));
  EXPECT_EQ(out[0].key, Create().key);
  EXPECT_TRUE(SchemaEquals(out[0].key_schema, KeySchema()));
  EXPECT_EQ(out[0].topic, kTopic);
  EXPECT_EQ(out[1].value, Value(Row(1004, "Anne Marie", "Kretchmar", "a@x.org", "gold")));
  // "tombstone" (the default): the delete keeps its key, a null value and the row schema.
  EXPECT_EQ(out[2].value, Value());
  EXPECT_TRUE(SchemaEquals(out[2].value_schema, RowSchema()));
  EXPECT_EQ(out[2].key, Delete().key);
}

TEST_F(ExtractNewRecordStateTest, OtherRecordsPassUnchanged) {
  const SchemaPtr heartbeat = SchemaBuilder::struct_()
                                  .name("io.debezium.connector.common.Heartbeat")
                                  .field("ts_ms", Schema::Int64())
                                  .build();
  Struct beat(heartbeat);
  beat.put("ts_ms", int64_t{1});
  ConnectRecord record = MakeRecord(nullptr, Value(), heartbeat, beat);
  record.topic = "__debezium-heartbeat.dbserver1";
  const std::vector<ConnectRecord> out =
      Run({{"add.headers", "op"}}, {record, MakeRecord(nullptr, Value(), Schema::String(), "x")});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].value, Value(beat));
  EXPECT_TRUE(out[0].headers.empty());
  EXPECT_EQ(out[1].value, Value("x"));
}

TEST_F(ExtractNewRecordStateTest, DropMode) {
  const std::vector<ConnectRecord> out =
      Run({{"delete.tombstone.handling.mode", "drop"}}, {Create(), Delete(), Tombstone()});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].value, Value(Row(1004, "Anne", "Kretchmar", "a@x.org")));
}

TEST_F(ExtractNewRecordStateTest, RewriteAddsDeletedMarker) {
  const std::vector<ConnectRecord> out =
      Run({{"delete.tombstone.handling.mode", "Rewrite "}}, {Create(), Delete(), Tombstone()});
  ASSERT_EQ(out.size(), 2u);
  const SchemaPtr schema = Flattened({{"__deleted", Schema::OptionalString()}});
  ASSERT_TRUE(SchemaEquals(out[0].value_schema, schema));
  Struct created(schema);
  created.put("id", int32_t{1004}).put("first_name", "Anne").put("last_name", "Kretchmar");
  // replace.null.with.default (true): the null tier becomes its default, as InsertField does.
  created.put("email", "a@x.org").put("tier", "basic").put("__deleted", "false");
  EXPECT_EQ(out[0].value, Value(created));
  // Debezium's documented delete: {"id": ..., ..., "__deleted": "true"} from `before`.
  ASSERT_TRUE(SchemaEquals(out[1].value_schema, schema));
  Struct deleted(schema);
  deleted.put("id", int32_t{1004}).put("first_name", "Anne Marie").put("last_name", "Kretchmar");
  deleted.put("email", "a@x.org").put("tier", "basic").put("__deleted", "true");
  EXPECT_EQ(out[1].value, Value(deleted));
  EXPECT_EQ(out[1].key, Delete().key);
  // Without defaults, the null stays null.
  const std::vector<ConnectRecord> raw =
      Run({{"delete.tombstone.handling.mode", "rewrite"}, {"replace.null.with.default", "false"}},
          {Create()});
  EXPECT_EQ(raw.at(0).value.as_struct().get_without_default("tier"), Value());
}

TEST_F(ExtractNewRecordStateTest, RewriteWithTombstoneKeepsTombstones) {
  const std::vector<ConnectRecord> out =
      Run({{"delete.tombstone.handling.mode", "rewrite-with-tombstone"}, {"add.headers", "op"}},
          {Delete(), Tombstone()});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].value.as_struct().get("__deleted"), Value("true"));
  EXPECT_EQ(out[0].headers.last_with_name("__op")->value, Value("d"));
  // The tombstone stays, with the op header Debezium gives tombstones.
  EXPECT_EQ(out[1].value, Value());
  EXPECT_EQ(out[1].value_schema, nullptr);
  EXPECT_EQ(out[1].key, Tombstone().key);
  ASSERT_NE(out[1].headers.last_with_name("__op"), nullptr);
  EXPECT_EQ(out[1].headers.last_with_name("__op")->value, Value("d"));
}

TEST_F(ExtractNewRecordStateTest, DeleteToTombstone) {
  const std::vector<ConnectRecord> out =
      Run({{"delete.tombstone.handling.mode", "delete-to-tombstone"}},
          {Create(), Delete(), Tombstone()});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].value, Value());
  EXPECT_EQ(out[1].value_schema, nullptr);  // a real tombstone: no schema either
  EXPECT_EQ(out[1].key, Delete().key);
}

TEST_F(ExtractNewRecordStateTest, LegacyKeys) {
  // drop.tombstones=false + delete.handling.mode=rewrite = rewrite-with-tombstone.
  std::vector<ConnectRecord> out =
      Run({{"drop.tombstones", "false"}, {"delete.handling.mode", "rewrite"}},
          {Create(), Delete(), Tombstone()});
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].value.as_struct().get("__deleted"), Value("false"));
  EXPECT_EQ(out[1].value.as_struct().get("__deleted"), Value("true"));
  EXPECT_EQ(out[2].value, Value());
  // delete.handling.mode=none: deletes become null values with the row schema.
  out = Run({{"delete.handling.mode", "none"}}, {Delete(), Tombstone()});
  ASSERT_EQ(out.size(), 1u);  // drop.tombstones defaults to true
  EXPECT_EQ(out[0].value, Value());
  EXPECT_TRUE(SchemaEquals(out[0].value_schema, RowSchema()));
  // Only drop.tombstones set: deletes follow delete.handling.mode's default, drop.
  out = Run({{"drop.tombstones", "false"}}, {Delete(), Tombstone()});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].value_schema, nullptr);
  // delete.tombstone.handling.mode wins over the legacy keys.
  out = Run({{"delete.tombstone.handling.mode", "drop"}, {"drop.tombstones", "false"}},
            {Tombstone()});
  EXPECT_TRUE(out.empty());
}

TEST_F(ExtractNewRecordStateTest, AddFields) {
  const std::vector<ConnectRecord> out =
      Run({{"add.fields",
            "op, table,lsn,source.ts_ms,ts_ms,ts_us,id,transaction.total_order:"
            "TX_ORDER,nosuchfield"}},
          {Change("u", Row(1, "a", "b", "c"), Row(1, "a", "b", "d"), /*with_transaction=*/true),
           Create()});
  ASSERT_EQ(out.size(), 2u);
  const SchemaPtr schema = Flattened({{"__op", Schema::OptionalString()},
                                      {"__table", Schema::OptionalString()},
                                      {"__lsn", Schema::OptionalInt64()},
                                      {"__source_ts_ms", Schema::OptionalInt64()},
                                      {"__ts_ms", Schema::OptionalInt64()},
                                      {"__ts_us", Schema::OptionalInt64()},
                                      {"__id", Schema::OptionalString()},
                                      {"__TX_ORDER", Schema::OptionalInt64()}});
  ASSERT_TRUE(SchemaEquals(out[0].value_schema, schema)) << "the missing field is left out";
  Struct expected(schema);
  expected.put("id", int32_t{1}).put("first_name", "a").put("last_name", "b").put("email", "d");
  expected.put("__op", "u").put("__table", "customers").put("__lsn", int64_t{24023128});
  expected.put("__source_ts_ms", int64_t{1559033904863}).put("__ts_ms", int64_t{1559033904900});
  expected.put("__ts_us", int64_t{1559033904900123}).put("__id", "571:53195829");
  expected.put("__TX_ORDER", int64_t{1});
  EXPECT_EQ(out[0].value, Value(expected));
  // Without a transaction block (snapshots), its fields are null; tier stays null (no defaults
  // outside rewrite, as Debezium copies with getWithoutDefault).
  EXPECT_EQ(out[1].value.as_struct().get_without_default("__id"), Value());
  EXPECT_EQ(out[1].value.as_struct().get_without_default("tier"), Value());
  EXPECT_EQ(out[1].value.as_struct().get("__op"), Value("c"));
}

TEST_F(ExtractNewRecordStateTest, AddFieldsWithPrefixAndRewriteOrder) {
  const std::vector<ConnectRecord> out = Run({{"delete.tombstone.handling.mode", "rewrite"},
                                              {"add.fields", "op,source.lsn:LSN"},
                                              {"add.fields.prefix", "cdc_"}},
                                             {Delete()});
  ASSERT_EQ(out.size(), 1u);
  const SchemaPtr schema = Flattened({{"__deleted", Schema::OptionalString()},
                                      {"cdc_op", Schema::OptionalString()},
                                      {"cdc_LSN", Schema::OptionalInt64()}});
  ASSERT_TRUE(SchemaEquals(out[0].value_schema, schema));
  EXPECT_EQ(out[0].value.as_struct().get("__deleted"), Value("true"));
  EXPECT_EQ(out[0].value.as_struct().get("cdc_op"), Value("d"));
  EXPECT_EQ(out[0].value.as_struct().get("cdc_LSN"), Value(int64_t{24023128}));
}

TEST_F(ExtractNewRecordStateTest, AddHeaders) {
  const std::vector<ConnectRecord> out =
      Run({{"add.headers", "op,db,source.ts_ms:event_ts,transaction.id"},
           {"add.headers.prefix", "dbz."}},
          {Create()});
  ASSERT_EQ(out.size(), 1u);
  std::vector<std::string> keys;
  for (const Header& h : out[0].headers) keys.push_back(h.key);
  EXPECT_THAT(keys,
              ::testing::ElementsAre("dbz.op", "dbz.db", "dbz.event_ts", "dbz.transaction_id"));
  const Header* op = out[0].headers.last_with_name("dbz.op");
  EXPECT_EQ(op->value, Value("c"));
  EXPECT_TRUE(SchemaEquals(op->schema, Schema::OptionalString()));
  EXPECT_EQ(out[0].headers.last_with_name("dbz.db")->value, Value("postgres"));
  EXPECT_EQ(out[0].headers.last_with_name("dbz.event_ts")->value, Value(int64_t{1559033904863}));
  EXPECT_TRUE(
      SchemaEquals(out[0].headers.last_with_name("dbz.event_ts")->schema, Schema::OptionalInt64()));
  // No transaction block: the header is there, null.
  EXPECT_EQ(out[0].headers.last_with_name("dbz.transaction_id")->value, Value());
  // The value itself is untouched by add.headers.
  EXPECT_TRUE(SchemaEquals(out[0].value_schema, RowSchema()));
}

TEST_F(ExtractNewRecordStateTest, RouteByField) {
  const std::vector<ConnectRecord> out =
      Run({{"route.by.field", "last_name"}},
          {Create(), Delete(), Change("c", std::nullopt, Row(7, "x", "Lovelace", "y"))});
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].topic, "Kretchmar");
  EXPECT_EQ(out[1].topic, "Kretchmar");  // from `before`
  EXPECT_EQ(out[2].topic, "Lovelace");
  // A null routing value keeps the topic.
  EXPECT_EQ(Run({{"route.by.field", "tier"}}, {Create()}).at(0).topic, kTopic);
}

TEST_F(ExtractNewRecordStateTest, Schemaless) {
  // JsonConverter with schemas.enable=false reads change events as maps.
  const Value::Map row = StrMap({{"id", int64_t{1004}}, {"first_name", "Anne"}});
  const Value::Map source = StrMap({{"db", "postgres"}, {"table", "customers"}});
  const auto event = [&](const std::string& op, Value before, Value after) {
    ConnectRecord record = MakeRecord(nullptr, StrMap({{"id", int64_t{1004}}}), nullptr,
                                      StrMap({{"before", std::move(before)},
                                              {"after", std::move(after)},
                                              {"source", source},
                                              {"op", op},
                                              {"ts_ms", int64_t{5}}}));
    record.topic = kTopic;
    return record;
  };
  std::vector<ConnectRecord> out = Run({}, {event("c", Value(), row), event("d", row, Value())});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].value, Value(row));
  EXPECT_EQ(out[0].value_schema, nullptr);
  EXPECT_EQ(out[1].value, Value());
  out = Run({{"delete.tombstone.handling.mode", "rewrite"},
             {"add.fields", "op,table"},
             {"add.headers", "db"},
             {"route.by.field", "first_name"}},
            {event("c", Value(), row), event("d", row, Value())});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].value, Value(StrMap({{"id", int64_t{1004}},
                                        {"first_name", "Anne"},
                                        {"__deleted", "false"},
                                        {"__op", "c"},
                                        {"__table", "customers"}})));
  EXPECT_EQ(out[0].topic, "Anne");
  EXPECT_EQ(out[0].headers.last_with_name("__db")->value, Value("postgres"));
  EXPECT_EQ(out[1].value.as_map().size(), 5u);
  EXPECT_EQ(out[1].value, Value(StrMap({{"id", int64_t{1004}},
                                        {"first_name", "Anne"},
                                        {"__deleted", "true"},
                                        {"__op", "d"},
                                        {"__table", "customers"}})));
  // A map that is not a change event passes unchanged.
  const ConnectRecord plain = MakeRecord(nullptr, Value(), nullptr, StrMap({{"a", int64_t{1}}}));
  EXPECT_EQ(Run({}, {plain}).at(0).value, plain.value);
}

TEST_F(ExtractNewRecordStateTest, Errors) {
  EXPECT_THAT(Error(kType, {{"route.by.field", "nope"}}, Create(), CK_ERROR_DATA),
              HasSubstr("ExtractNewRecordState: route.by.field \"nope\" is not a field of the "
                        "after row of the change event on topic dbserver1.inventory.customers"));
  EXPECT_THAT(Error(kType, {{"route.by.field", "id"}}, Create(), CK_ERROR_DATA),
              HasSubstr("route.by.field \"id\" must be a string to name a topic, but it is int32"));
  EXPECT_THAT(
      Error(kType, {{"delete.tombstone.handling.mode", "soft"}}, std::nullopt, CK_ERROR_CONFIG),
      HasSubstr("Invalid value soft for configuration delete.tombstone.handling.mode: "
                "Value must be one of drop, tombstone, rewrite"));
  EXPECT_THAT(Error(kType, {{"drop.fields.header.name", "drop"}}, std::nullopt, CK_ERROR_CONFIG),
              HasSubstr("drop.fields.header.name: ExtractNewRecordState's drop-fields-by-header "
                        "feature is not supported"));
  EXPECT_THAT(Error(kType, {{"add.fields", "a:b:c"}}, std::nullopt, CK_ERROR_CONFIG),
              HasSubstr("Unexpected field name: a:b:c"));
  // An envelope-named schema without before/after is not a change event Debezium could flatten.
  const SchemaPtr broken = SchemaBuilder::struct_()
                               .name("x.Envelope")
                               .field("after", RowSchema())
                               .field("op", Schema::String())
                               .build();
  Struct value(broken);
  value.put("op", "c");
  EXPECT_THAT(Error(kType, {}, MakeRecord(nullptr, Value(), broken, value), CK_ERROR_DATA),
              HasSubstr("ExtractNewRecordState: the change event schema x.Envelope has no "
                        "\"before\" field"));
}

}  // namespace
}  // namespace ck::transforms_test
