// Tests of the JDBC sink through FakeHost (the plugin ABI, as the runtime drives it) against
// SQLite files: insert, upsert, update and delete; every pk mode; Debezium envelopes and
// ExtractNewRecordState output; auto.create and auto.evolve with the type mapping; names that
// look like SQL injection; records that cannot be written going to the errant record reporter,
// or failing the put without one; the retry policy against a database that refuses connections;
// and the connector's validation.
#include "reference-connectors/jdbc/jdbc_sink.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "ck/abi/ck_abi.h"
#include "ck/host/host_support.h"
#include "ck/schema.h"
#include "ck/testkit/fake_host.h"
#include "ck/value.h"

namespace ck::jdbc {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using Rows = std::vector<std::vector<std::string>>;

std::filesystem::path MakeTempDir() {
  const char* base = std::getenv("TEST_TMPDIR");
  std::string pattern = std::string(base != nullptr ? base : "/tmp") + "/jdbc_sink_XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

// Runs `sql` on the SQLite file at `path`; every value as text ("NULL" for NULL).
Rows Query(const std::filesystem::path& path, const std::string& sql) {
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) throw std::runtime_error("cannot open");
  Rows rows;
  char* error = nullptr;
  sqlite3_exec(
      db, sql.c_str(),
      [](void* out, int n, char** values, char**) {
        std::vector<std::string> row;
        row.reserve(static_cast<size_t>(n));
        for (int i = 0; i < n; ++i) row.emplace_back(values[i] != nullptr ? values[i] : "NULL");
        static_cast<Rows*>(out)->push_back(std::move(row));
        return 0;
      },
      &rows, &error);
  std::string message = error != nullptr ? error : "";
  sqlite3_free(error);
  sqlite3_close(db);
  if (!message.empty()) throw std::runtime_error(message + " in " + sql);
  return rows;
}

SchemaPtr OrderSchema() {
  static const SchemaPtr schema = SchemaBuilder::struct_()
                                      .name("shop.Order")
                                      .field("id", Schema::Int64())
                                      .field("item", Schema::String())
                                      .field("qty", Schema::OptionalInt32())
                                      .build();
  return schema;
}

SchemaPtr OrderKeySchema() {
  static const SchemaPtr schema =
      SchemaBuilder::struct_().name("shop.OrderKey").field("id", Schema::Int64()).build();
  return schema;
}

Value Order(int64_t id, const std::string& item, std::optional<int32_t> qty) {
  Struct s(OrderSchema());
  s.put("id", id).put("item", item);
  if (qty) s.put("qty", *qty);
  return s;
}

Value OrderKey(int64_t id) {
  Struct s(OrderKeySchema());
  s.put("id", id);
  return s;
}

SinkRecord Record(const std::string& topic, SchemaPtr key_schema, Value key, SchemaPtr schema,
                  Value value, int64_t offset = 0) {
  SinkRecord r;
  r.topic = r.original_topic = topic;
  r.kafka_partition = 0;
  r.original_partition = 0;
  r.kafka_offset = r.original_offset = offset;
  r.key_schema = std::move(key_schema);
  r.key = std::move(key);
  r.value_schema = std::move(schema);
  r.value = std::move(value);
  return r;
}

SinkRecord OrderRecord(int64_t id, const std::string& item, std::optional<int32_t> qty,
                       int64_t offset = 0) {
  return Record("orders", OrderKeySchema(), OrderKey(id), OrderSchema(), Order(id, item, qty),
                offset);
}

SinkRecord Tombstone(int64_t id, int64_t offset = 0) {
  return Record("orders", OrderKeySchema(), OrderKey(id), nullptr, Value(), offset);
}

// A Debezium change event for a row of `row_schema`.
SinkRecord ChangeEvent(const std::string& op, std::optional<Value> before,
                       std::optional<Value> after, int64_t id, int64_t offset = 0) {
  const SchemaPtr row = SchemaBuilder::struct_()
                            .name("dbserver1.inventory.customers.Value")
                            .optional()
                            .field("id", Schema::Int64())
                            .field("email", Schema::String())
                            .build();
  const SchemaPtr source = SchemaBuilder::struct_()
                               .name("io.debezium.connector.postgresql.Source")
                               .field("db", Schema::String())
                               .build();
  const SchemaPtr envelope = SchemaBuilder::struct_()
                                 .name("dbserver1.inventory.customers.Envelope")
                                 .field("before", row)
                                 .field("after", row)
                                 .field("source", source)
                                 .field("op", Schema::String())
                                 .field("ts_ms", Schema::OptionalInt64())
                                 .build();
  const SchemaPtr key = SchemaBuilder::struct_()
                            .name("dbserver1.inventory.customers.Key")
                            .field("id", Schema::Int64())
                            .build();
  const auto make_row = [&](const Value& v) {
    Struct s(row);
    s.put("id", v.as_struct().get("id")).put("email", v.as_struct().get("email"));
    return s;
  };
  Struct value(envelope);
  if (before) value.put("before", make_row(*before));
  if (after) value.put("after", make_row(*after));
  Struct src(source);
  src.put("db", "inventory");
  value.put("source", src).put("op", op).put("ts_ms", int64_t{1700000000000});
  Struct k(key);
  k.put("id", id);
  return Record("dbserver1.inventory.customers", key, std::move(k), envelope, std::move(value),
                offset);
}

Value Customer(int64_t id, const std::string& email) {
  static const SchemaPtr schema = SchemaBuilder::struct_()
                                      .field("id", Schema::Int64())
                                      .field("email", Schema::String())
                                      .build();
  Struct s(schema);
  s.put("id", id).put("email", email);
  return s;
}

class JdbcSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    host_.Load(ck_plugin_entry_v1());
    dir_ = MakeTempDir();
    db_ = dir_ / "sink.db";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  ConfigMap Config(const ConfigMap& extra) const {
    ConfigMap config = {{"connection.url", "jdbc:sqlite:" + db_.string()}, {"topics", "orders"}};
    for (const auto& [k, v] : extra) config[k] = v;
    return config;
  }

  testkit::SinkTaskDriver StartTask(const ConfigMap& extra) {
    testkit::SinkTaskDriver task = host_.CreateSinkTask(kSinkTaskClass);
    task.Start(Config(extra));
    task.Open({{"orders", 0}});
    return task;
  }

  Rows Select(const std::string& sql) const { return Query(db_, sql); }

  // The message of the error put() fails with.
  static std::string PutError(const testkit::SinkTaskDriver& task,
                              const std::vector<SinkRecord>& records, bool* retriable = nullptr) {
    try {
      task.Put(records);
    } catch (const host::AbiError& e) {
      if (retriable != nullptr) *retriable = e.retriable();
      return e.what();
    }
    ADD_FAILURE() << "put() succeeded";
    return "";
  }

  testkit::FakeHost host_;
  std::filesystem::path dir_;
  std::filesystem::path db_;
};

TEST_F(JdbcSinkTest, InsertCreatesTheTableAndWritesEveryRecord) {
  auto task = StartTask({{"auto.create", "true"}});
  task.Put({OrderRecord(1, "apple", 3), OrderRecord(2, "pear", std::nullopt)});
  EXPECT_EQ(Select("SELECT id, item, qty FROM orders ORDER BY id"),
            (Rows{{"1", "apple", "3"}, {"2", "pear", "NULL"}}));
  // pk.mode=none: no primary key; NOT NULL follows the field schemas.
  EXPECT_EQ(
      Select("SELECT name, type, \"notnull\", pk FROM pragma_table_info('orders')"),
      (Rows{
          {"id", "INTEGER", "1", "0"}, {"item", "TEXT", "1", "0"}, {"qty", "INTEGER", "0", "0"}}));
  const OffsetMap offsets = {{{"orders", 0}, 2}};
  EXPECT_EQ(task.PreCommit(offsets), offsets);
  task.Stop();
}

TEST_F(JdbcSinkTest, UpsertByRecordKeyConvergesWhateverIsRedelivered) {
  auto task =
      StartTask({{"auto.create", "true"}, {"insert.mode", "upsert"}, {"pk.mode", "record_key"}});
  const std::vector<SinkRecord> batch = {OrderRecord(1, "apple", 1), OrderRecord(2, "pear", 2),
                                         OrderRecord(1, "apple", 5)};  // same key twice
  task.Put(batch);
  task.Put(batch);  // a redelivery after a crash
  task.Put({OrderRecord(2, "plum", std::nullopt)});
  EXPECT_EQ(Select("SELECT id, item, qty FROM orders ORDER BY id"),
            (Rows{{"1", "apple", "5"}, {"2", "plum", "NULL"}}));
  EXPECT_EQ(Select("SELECT name, pk FROM pragma_table_info('orders') WHERE pk > 0"),
            (Rows{{"id", "1"}}));
}

TEST_F(JdbcSinkTest, InsertOfAnExistingKeyGoesToTheErrantRecordReporter) {
  auto task = StartTask({{"auto.create", "true"}, {"pk.mode", "record_key"}});
  task.Put({OrderRecord(1, "apple", 1)});
  task.Put(
      {OrderRecord(2, "pear", 2, 7), OrderRecord(1, "again", 1, 8), OrderRecord(3, "fig", 3, 9)});
  EXPECT_EQ(Select("SELECT id, item FROM orders ORDER BY id"),
            (Rows{{"1", "apple"}, {"2", "pear"}, {"3", "fig"}}));
  const auto errant = host_.errant_reports();
  ASSERT_THAT(errant, SizeIs(1));
  EXPECT_EQ(errant[0].offset, 8);
  EXPECT_THAT(errant[0].reason, HasSubstr("Cannot write record orders-0@8 to table orders"));
  EXPECT_THAT(errant[0].reason, HasSubstr("UNIQUE constraint failed: orders.id"));
}

TEST_F(JdbcSinkTest, UpdateModeChangesOnlyExistingRows) {
  Query(db_, "CREATE TABLE orders (id INTEGER PRIMARY KEY, item TEXT, qty INTEGER)");
  Query(db_, "INSERT INTO orders VALUES (1, 'apple', 1)");
  auto task =
      StartTask({{"insert.mode", "update"}, {"pk.mode", "record_value"}, {"pk.fields", "id"}});
  task.Put({OrderRecord(1, "apple", 9), OrderRecord(2, "pear", 2)});
  EXPECT_EQ(Select("SELECT id, item, qty FROM orders"), (Rows{{"1", "apple", "9"}}));
}

TEST_F(JdbcSinkTest, TombstonesDeleteByKeyWhenDeletesAreEnabled) {
  auto task = StartTask({{"auto.create", "true"},
                         {"insert.mode", "upsert"},
                         {"pk.mode", "record_key"},
                         {"delete.enabled", "true"}});
  task.Put({OrderRecord(1, "apple", 1), OrderRecord(2, "pear", 2), OrderRecord(3, "fig", 3)});
  // Order matters within a batch: 3 is deleted then written again, 2 written then deleted.
  task.Put({Tombstone(1), Tombstone(3), OrderRecord(3, "fig", 4), OrderRecord(2, "pear", 5),
            Tombstone(2), Tombstone(99)});
  EXPECT_EQ(Select("SELECT id, item, qty FROM orders ORDER BY id"), (Rows{{"3", "fig", "4"}}));
}

TEST_F(JdbcSinkTest, TombstonesAreSkippedWhenDeletesAreDisabled) {
  auto task =
      StartTask({{"auto.create", "true"}, {"insert.mode", "upsert"}, {"pk.mode", "record_key"}});
  task.Put({OrderRecord(1, "apple", 1), Tombstone(1)});
  EXPECT_EQ(Select("SELECT id FROM orders"), (Rows{{"1"}}));
  EXPECT_THAT(host_.errant_reports(), IsEmpty());
}

TEST_F(JdbcSinkTest, KafkaCoordinatesMakeTheKey) {
  auto task = StartTask({{"auto.create", "true"}, {"insert.mode", "upsert"}, {"pk.mode", "kafka"}});
  task.Put({OrderRecord(1, "apple", 1, 10), OrderRecord(1, "apple", 2, 11)});
  task.Put({OrderRecord(1, "apple", 2, 11)});  // redelivered: same coordinates, same row
  EXPECT_EQ(Select("SELECT __connect_topic, __connect_partition, __connect_offset, id, qty FROM "
                   "orders ORDER BY __connect_offset"),
            (Rows{{"orders", "0", "10", "1", "1"}, {"orders", "0", "11", "1", "2"}}));
  EXPECT_EQ(Select("SELECT count(*) FROM pragma_table_info('orders') WHERE pk > 0"), (Rows{{"3"}}));
}

TEST_F(JdbcSinkTest, PrimitiveKeysAndValueFieldKeys) {
  auto task = StartTask({{"auto.create", "true"},
                         {"insert.mode", "upsert"},
                         {"pk.mode", "record_key"},
                         {"table.name.format", "by_key"}});
  task.Put({Record("orders", Schema::String(), "k1", OrderSchema(), Order(1, "apple", 1))});
  EXPECT_EQ(Select("SELECT __connect_key, id, item FROM by_key"), (Rows{{"k1", "1", "apple"}}));

  auto by_value = StartTask({{"auto.create", "true"},
                             {"insert.mode", "upsert"},
                             {"pk.mode", "record_value"},
                             {"pk.fields", "item"},
                             {"table.name.format", "by_item"}});
  by_value.Put({OrderRecord(1, "apple", 1), OrderRecord(2, "apple", 2)});
  EXPECT_EQ(Select("SELECT item, id, qty FROM by_item"), (Rows{{"apple", "2", "2"}}));
  EXPECT_EQ(Select("SELECT name FROM pragma_table_info('by_item') WHERE pk > 0"), (Rows{{"item"}}));
}

TEST_F(JdbcSinkTest, DebeziumEnvelopesWriteAfterAndDeleteByKey) {
  auto task = StartTask({{"auto.create", "true"},
                         {"insert.mode", "upsert"},
                         {"primary.key.mode", "record_key"},
                         {"delete.enabled", "true"},
                         {"truncate.enabled", "true"},
                         {"table.name.format", "customers"}});
  task.Put({ChangeEvent("r", std::nullopt, Customer(1, "a@x"), 1),
            ChangeEvent("c", std::nullopt, Customer(2, "b@x"), 2),
            ChangeEvent("c", std::nullopt, Customer(3, "c@x"), 3),
            ChangeEvent("u", Customer(2, "b@x"), Customer(2, "b2@x"), 2),
            ChangeEvent("d", Customer(3, "c@x"), std::nullopt, 3)});
  EXPECT_EQ(Select("SELECT id, email FROM customers ORDER BY id"),
            (Rows{{"1", "a@x"}, {"2", "b2@x"}}));
  EXPECT_EQ(Select("SELECT name FROM pragma_table_info('customers')"),
            (Rows{{"id"}, {"email"}}));  // the row's columns, not the envelope's
  task.Put({ChangeEvent("t", std::nullopt, std::nullopt, 0),
            ChangeEvent("c", std::nullopt, Customer(4, "d@x"), 4)});
  EXPECT_EQ(Select("SELECT id, email FROM customers"), (Rows{{"4", "d@x"}}));
}

TEST_F(JdbcSinkTest, TopicNamesBecomeTableNamesWithUnderscores) {
  auto task =
      StartTask({{"auto.create", "true"}, {"insert.mode", "upsert"}, {"pk.mode", "record_key"}});
  task.Put({ChangeEvent("c", std::nullopt, Customer(1, "a@x"), 1)});
  EXPECT_EQ(Select("SELECT id, email FROM dbserver1_inventory_customers"), (Rows{{"1", "a@x"}}));
  // A dot written in the format qualifies: SQLite's "main" database.
  auto qualified =
      StartTask({{"auto.create", "true"}, {"table.name.format", "main.copy_${topic}"}});
  qualified.Put({OrderRecord(5, "kiwi", 1)});
  EXPECT_EQ(Select("SELECT id FROM copy_orders"), (Rows{{"5"}}));
}

TEST_F(JdbcSinkTest, AutoEvolveAddsColumnsForNewFields) {
  auto task = StartTask({{"auto.create", "true"},
                         {"auto.evolve", "true"},
                         {"insert.mode", "upsert"},
                         {"pk.mode", "record_key"}});
  task.Put({OrderRecord(1, "apple", 1)});
  const SchemaPtr v2 = SchemaBuilder::struct_()
                           .field("id", Schema::Int64())
                           .field("item", Schema::String())
                           .field("qty", Schema::OptionalInt32())
                           .field("price", Decimal::builder(2).optional().build())
                           .field("note", SchemaBuilder::string().default_value("none").build())
                           .build();
  Struct row(v2);
  row.put("id", int64_t{2}).put("item", "pear").put("price", Decimal::FromString("1.50", 2));
  task.Put({Record("orders", OrderKeySchema(), OrderKey(2), v2, row)});
  EXPECT_EQ(Select("SELECT id, item, price, note FROM orders ORDER BY id"),
            (Rows{{"1", "apple", "NULL", "none"}, {"2", "pear", "1.5", "none"}}));
  EXPECT_EQ(Select("SELECT name, type, \"notnull\", dflt_value FROM pragma_table_info('orders') "
                   "WHERE cid >= 3"),
            (Rows{{"price", "NUMERIC", "0", "NULL"}, {"note", "TEXT", "1", "'none'"}}));
}

TEST_F(JdbcSinkTest, AColumnAnotherTaskAddedFirstIsUsed) {
  const ConfigMap config = {{"auto.create", "true"},
                            {"auto.evolve", "true"},
                            {"insert.mode", "upsert"},
                            {"pk.mode", "record_key"}};
  auto first = StartTask(config);
  auto second = StartTask(config);
  first.Put({OrderRecord(1, "apple", 1)});
  second.Put({OrderRecord(2, "pear", 2)});  // both now know the table without "note"
  const SchemaPtr v2 = SchemaBuilder::struct_()
                           .field("id", Schema::Int64())
                           .field("item", Schema::String())
                           .field("qty", Schema::OptionalInt32())
                           .field("note", Schema::OptionalString())
                           .build();
  const auto record = [&](int64_t id, const char* note) {
    Struct row(v2);
    row.put("id", id).put("item", "x").put("note", note);
    Struct key(OrderKeySchema());
    key.put("id", id);
    return Record("orders", OrderKeySchema(), std::move(key), v2, std::move(row));
  };
  first.Put({record(3, "by first")});    // adds the column
  second.Put({record(4, "by second")});  // its ADD COLUMN fails: the column is there already
  EXPECT_EQ(Select("SELECT id, note FROM orders ORDER BY id"),
            (Rows{{"1", "NULL"}, {"2", "NULL"}, {"3", "by first"}, {"4", "by second"}}));
  EXPECT_THAT(host_.errant_reports(), IsEmpty());
}

TEST_F(JdbcSinkTest, AFieldTheTableLacksIsReportedWithFieldTableAndValue) {
  Query(db_, "CREATE TABLE orders (id INTEGER PRIMARY KEY, item TEXT)");
  auto task = StartTask({{"insert.mode", "upsert"}, {"pk.mode", "record_key"}});
  task.Put({OrderRecord(1, "apple", std::nullopt, 0), OrderRecord(2, "pear", 42, 1)});
  // qty is null in the first record but still a column the table lacks: both are reported.
  const auto errant = host_.errant_reports();
  ASSERT_THAT(errant, SizeIs(2));
  EXPECT_EQ(errant[1].reason,
            "Cannot write record orders-0@1 to table orders: field \"value.qty\" (value 42) has "
            "no column \"qty\" in table orders (columns: id, item); set auto.evolve=true to add "
            "it, or filter the field out");
  EXPECT_THAT(Select("SELECT count(*) FROM orders"), ElementsAre(ElementsAre("0")));

  // Without a reporter, the put fails with the same message.
  host_.set_errant_reporter_enabled(false);
  EXPECT_THAT(PutError(task, {OrderRecord(3, "fig", 7, 2)}),
              HasSubstr("field \"value.qty\" (value 7) has no column \"qty\" in table orders"));
}

TEST_F(JdbcSinkTest, FieldsWhitelistKeepsTheKeyAndTheListedFields) {
  auto task = StartTask({{"auto.create", "true"},
                         {"insert.mode", "upsert"},
                         {"pk.mode", "record_key"},
                         {"fields.whitelist", "orders:qty"}});
  task.Put({OrderRecord(1, "apple", 3)});
  EXPECT_EQ(Select("SELECT * FROM orders"), (Rows{{"1", "3"}}));
}

TEST_F(JdbcSinkTest, AMissingTableWithoutAutoCreateFailsThePut) {
  auto task = StartTask({});
  EXPECT_THAT(PutError(task, {OrderRecord(1, "apple", 1)}),
              HasSubstr("Table orders does not exist in jdbc:sqlite:" + db_.string() +
                        " and auto.create is false"));
}

TEST_F(JdbcSinkTest, LogicalTypesGetTheirColumnTypesAndValues) {
  const SchemaPtr schema = SchemaBuilder::struct_()
                               .field("id", Schema::Int32())
                               .field("price", Decimal::schema(2))
                               .field("day", Date::schema())
                               .field("at", Time::schema())
                               .field("ts", Timestamp::schema())
                               .field("ratio", Schema::Float64())
                               .field("ok", Schema::Boolean())
                               .field("blob", Schema::Bytes())
                               .field("small", Schema::Int8())
                               .build();
  Struct row(schema);
  row.put("id", int32_t{1}).put("price", Decimal::FromString("-12.50", 2));
  row.put("day", int32_t{19000}).put("at", int32_t{3723004});
  row.put("ts", int64_t{1700000000123}).put("ratio", 0.1).put("ok", true);
  row.put("blob", Bytes{0, 'a', 0xFF}).put("small", int8_t{-8});
  auto task = StartTask({{"auto.create", "true"}});
  task.Put({Record("orders", nullptr, Value(), schema, row)});
  EXPECT_EQ(Select("SELECT id, price, day, at, ts, ratio, ok, hex(blob), small FROM orders"),
            (Rows{{"1", "-12.5", "2022-01-08", "01:02:03.004000", "2023-11-14 22:13:20.123000",
                   "0.1", "1", "0061FF", "-8"}}));
  EXPECT_EQ(Select("SELECT type FROM pragma_table_info('orders')"), (Rows{{"INTEGER"},
                                                                          {"NUMERIC"},
                                                                          {"TEXT"},
                                                                          {"TEXT"},
                                                                          {"TEXT"},
                                                                          {"REAL"},
                                                                          {"INTEGER"},
                                                                          {"BLOB"},
                                                                          {"INTEGER"}}));
}

TEST_F(JdbcSinkTest, NamesThatLookLikeSqlAreJustNames) {
  Query(db_, "CREATE TABLE victims (id INTEGER)");
  const std::string evil_topic = "x\"; DROP TABLE victims; --";
  const std::string evil_field = "a\" TEXT); DROP TABLE victims; --";
  const SchemaPtr schema = SchemaBuilder::struct_()
                               .field("id", Schema::Int64())
                               .field(evil_field, Schema::String())
                               .field("it's", Schema::String())
                               .build();
  Struct row(schema);
  row.put("id", int64_t{1}).put(evil_field, "'); DROP TABLE victims; --").put("it's", "`x`");
  auto task = StartTask({{"auto.create", "true"},
                         {"auto.evolve", "true"},
                         {"insert.mode", "upsert"},
                         {"pk.mode", "record_value"},
                         {"pk.fields", "id"}});
  task.Put({Record(evil_topic, nullptr, Value(), schema, row)});
  task.Put({Record(evil_topic, nullptr, Value(), schema, row)});
  EXPECT_EQ(Select("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"),
            (Rows{{"victims"}, {"x\"; DROP TABLE victims; --"}}));
  EXPECT_EQ(Select("SELECT * FROM \"x\"\"; DROP TABLE victims; --\""),
            (Rows{{"1", "'); DROP TABLE victims; --", "`x`"}}));

  // quote.sql.identifiers=never refuses such names rather than writing them bare.
  auto bare = StartTask({{"auto.create", "true"}, {"quote.sql.identifiers", "never"}});
  bare.Put({Record(evil_topic, nullptr, Value(), schema, row, 5)});
  const auto errant = host_.errant_reports();
  ASSERT_THAT(errant, SizeIs(1));
  EXPECT_THAT(errant[0].reason,
              HasSubstr("Invalid identifier \"x\"; DROP TABLE victims; --\": with "
                        "quote.sql.identifiers=never names must match"));
  EXPECT_EQ(Select("SELECT count(*) FROM victims"), (Rows{{"0"}}));
}

TEST_F(JdbcSinkTest, ValuesTheDatabaseRefusesAreIsolatedAndTheRestCommits) {
  Query(db_,
        "CREATE TABLE orders (id INTEGER PRIMARY KEY, item TEXT, qty INTEGER NOT NULL "
        "CHECK (qty > 0))");
  auto task = StartTask({{"insert.mode", "upsert"}, {"pk.mode", "record_key"}});
  task.Put({OrderRecord(1, "apple", 1, 0), OrderRecord(2, "pear", std::nullopt, 1),
            OrderRecord(3, "fig", -5, 2), OrderRecord(4, "kiwi", 4, 3)});
  EXPECT_EQ(Select("SELECT id FROM orders ORDER BY id"), (Rows{{"1"}, {"4"}}));
  const auto errant = host_.errant_reports();
  ASSERT_THAT(errant, SizeIs(2));
  EXPECT_EQ(errant[0].offset, 1);
  EXPECT_THAT(errant[0].reason, HasSubstr("NOT NULL constraint failed: orders.qty"));
  EXPECT_THAT(errant[0].reason, HasSubstr("field \"value.qty\" has value null"));
  EXPECT_EQ(errant[1].offset, 2);
  EXPECT_THAT(errant[1].reason, HasSubstr("CHECK constraint failed"));

  host_.set_errant_reporter_enabled(false);
  EXPECT_THAT(PutError(task, {OrderRecord(5, "plum", 5, 4), OrderRecord(6, "lime", -1, 5)}),
              HasSubstr("Cannot write record orders-0@5 to table orders"));
  EXPECT_EQ(Select("SELECT id FROM orders ORDER BY id"), (Rows{{"1"}, {"4"}}));  // rolled back
}

TEST_F(JdbcSinkTest, FieldsWithoutAColumnTypeAreReported) {
  const SchemaPtr schema = SchemaBuilder::struct_()
                               .field("id", Schema::Int64())
                               .field("tags", SchemaBuilder::array(Schema::String()).build())
                               .build();
  Struct row(schema);
  row.put("id", int64_t{1}).put("tags", Value::Array{"a", "b"});
  auto task = StartTask({{"auto.create", "true"}});
  task.Put({Record("orders", nullptr, Value(), schema, row, 3), OrderRecord(1, "apple", 1, 4)});
  const auto errant = host_.errant_reports();
  ASSERT_THAT(errant, SizeIs(1));
  EXPECT_EQ(errant[0].reason,
            "Cannot write record orders-0@3 to table orders: field \"value.tags\" (value an array "
            "of 2 elements): its type array has no column type; drop or flatten it (e.g. with "
            "ReplaceField or Flatten)");
  EXPECT_EQ(Select("SELECT id, item FROM orders"), (Rows{{"1", "apple"}}));
}

TEST_F(JdbcSinkTest, SchemalessValuesAreReported) {
  auto task = StartTask({{"auto.create", "true"}});
  task.Put({Record("orders", nullptr, Value(), nullptr, Value::Map{{"id", int64_t{1}}}, 6)});
  const auto errant = host_.errant_reports();
  ASSERT_THAT(errant, SizeIs(1));
  EXPECT_THAT(errant[0].reason, HasSubstr("records need a value schema"));
}

TEST_F(JdbcSinkTest, UnreachableDatabasesAreRetriedThenFailTheTask) {
  for (const std::string url :
       {"jdbc:postgresql://127.0.0.1:1/db", "jdbc:mariadb://127.0.0.1:1/db"}) {
    SCOPED_TRACE(url);
    auto task = host_.CreateSinkTask(kSinkTaskClass);
    task.Start({{"connection.url", url},
                {"connection.attempts", "2"},
                {"connection.backoff.ms", "10"},
                {"max.retries", "2"},
                {"retry.backoff.ms", "250"}});
    for (int retry = 1; retry <= 2; ++retry) {
      bool retriable = false;
      EXPECT_THAT(PutError(task, {OrderRecord(1, "apple", 1)}, &retriable),
                  HasSubstr("retry " + std::to_string(retry) + " of 2 in 250 ms"));
      EXPECT_TRUE(retriable);
      EXPECT_EQ(host_.sink_timeout(), 250);
    }
    bool retriable = true;
    const std::string error = PutError(task, {OrderRecord(1, "apple", 1)}, &retriable);
    EXPECT_FALSE(retriable);
    EXPECT_THAT(error, HasSubstr("max.retries=2 retries are used up"));
    EXPECT_THAT(error, HasSubstr("cannot connect to"));
    EXPECT_THAT(error, HasSubstr("127.0.0.1:1"));
  }
}

TEST_F(JdbcSinkTest, AnUnopenableDatabaseFailsWithoutRetries) {
  auto task = host_.CreateSinkTask(kSinkTaskClass);
  task.Start({{"connection.url", "jdbc:sqlite:" + (dir_ / "no" / "such" / "dir.db").string()}});
  bool retriable = true;
  EXPECT_THAT(PutError(task, {OrderRecord(1, "apple", 1)}, &retriable),
              HasSubstr("The database refused the connection"));
  EXPECT_FALSE(retriable);
}

TEST_F(JdbcSinkTest, ConnectorValidatesRulesAcrossKeys) {
  auto connector = host_.CreateConnector(kSinkConnectorClass);
  const auto errors_of = [](const nlohmann::json& result, const std::string& key) {
    for (const auto& value : result) {
      if (value["name"] == key) return value["errors"];
    }
    return nlohmann::json();
  };
  nlohmann::json result = connector.Validate(Config({{"insert.mode", "upsert"}}));
  EXPECT_THAT(errors_of(result, "pk.mode").dump(),
              HasSubstr("insert.mode=upsert needs a primary key"));
  result = connector.Validate(Config({{"delete.enabled", "true"}, {"pk.mode", "record_value"}}));
  EXPECT_THAT(errors_of(result, "delete.enabled").dump(), HasSubstr("needs pk.mode=record_key"));
  result = connector.Validate({{"connection.url", "jdbc:oracle:thin:@host:1521:db"}});
  EXPECT_THAT(errors_of(result, "connection.url").dump(), HasSubstr("unsupported database"));
  result = connector.Validate(Config({{"insert.mode", "upsert"}, {"pk.mode", "record_key"}}));
  for (const auto& value : result) EXPECT_THAT(value["errors"], IsEmpty()) << value.dump();

  const ConfigMap config = Config({});
  connector.Start(config);
  EXPECT_THAT(connector.TaskConfigs(2), ElementsAre(config, config));
  connector.Stop();
}

}  // namespace
}  // namespace ck::jdbc
