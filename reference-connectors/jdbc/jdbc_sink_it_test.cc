// Integration tests of the JDBC sink against real PostgreSQL 15 and MariaDB 10.11 servers from the
// testkit (local backend; each started once for the suite), driven through FakeHost exactly as
// the runtime drives the plugin. Every test runs against both databases: insert, upsert, update
// and delete; auto.create with each database's column types and auto.evolve; pk modes; Debezium
// envelopes; names that look like SQL injection; values the database refuses going to the errant
// record reporter; permission denied and a refused login failing without retries; and a server
// SIGKILLed and restarted in the middle of a stream, after which no row is lost or doubled.
//
// The restart test needs the local backend (an external server cannot be killed).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "ck/abi/ck_abi.h"
#include "ck/host/host_support.h"
#include "ck/schema.h"
#include "ck/testkit/fake_host.h"
#include "ck/testkit/mariadb_server.h"
#include "ck/testkit/postgres_server.h"
#include "ck/value.h"
#include "reference-connectors/jdbc/jdbc_sink.h"

namespace ck::jdbc {
namespace {

using ::testing::HasSubstr;
using ::testing::SizeIs;
using Rows = std::vector<std::vector<std::string>>;

// One of the two servers, behind what the tests need of it.
class Server {
 public:
  virtual ~Server() = default;
  virtual std::string name() const = 0;
  virtual std::string url() const = 0;
  virtual std::string user() const = 0;
  virtual std::string password() const = 0;
  virtual testkit::SqlResult Execute(const std::string& sql) = 0;
  virtual void Kill() = 0;
  virtual void Restart() = 0;
  virtual bool postgres() const = 0;

  // Rows of `sql`, NULL as "NULL".
  Rows Select(const std::string& sql) {
    Rows rows;
    for (const auto& row : Execute(sql).rows) {
      std::vector<std::string> out;
      out.reserve(row.size());
      for (const auto& v : row) out.push_back(v.value_or("NULL"));
      rows.push_back(std::move(out));
    }
    return rows;
  }
  // `name` quoted for this server.
  std::string Q(const std::string& name) const {
    const char q = postgres() ? '"' : '`';
    std::string out(1, q);
    for (char c : name) {
      if (c == q) out.push_back(q);
      out.push_back(c);
    }
    return out + q;
  }
  // Column names and types of `table`, as the server reports them.
  Rows Columns(const std::string& table) {
    if (postgres()) {
      return Select(
          "SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE "
          "table_schema = current_schema() AND table_name = '" +
          table + "' ORDER BY ordinal_position");
    }
    return Select(
        "SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE FROM information_schema.COLUMNS WHERE "
        "TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '" +
        table + "' ORDER BY ORDINAL_POSITION");
  }
};

class Postgres final : public Server {
 public:
  explicit Postgres(std::unique_ptr<testkit::PostgresServer> pg) : pg_(std::move(pg)) {}
  std::string name() const override { return "PostgreSQL"; }
  std::string url() const override {
    return "jdbc:postgresql://" + pg_->host() + ":" + std::to_string(pg_->port()) + "/" +
           pg_->database();
  }
  std::string user() const override { return pg_->user(); }
  std::string password() const override { return pg_->password(); }
  testkit::SqlResult Execute(const std::string& sql) override { return pg_->Execute(sql); }
  void Kill() override { pg_->Kill(); }
  void Restart() override { pg_->Restart(); }
  bool postgres() const override { return true; }

 private:
  std::unique_ptr<testkit::PostgresServer> pg_;
};

class MariaDb final : public Server {
 public:
  explicit MariaDb(std::unique_ptr<testkit::MariaDbServer> db) : db_(std::move(db)) {}
  std::string name() const override { return "MariaDB"; }
  std::string url() const override {
    return "jdbc:mariadb://" + db_->host() + ":" + std::to_string(db_->port()) + "/" +
           db_->database();
  }
  std::string user() const override { return db_->user(); }
  std::string password() const override { return db_->password(); }
  testkit::SqlResult Execute(const std::string& sql) override { return db_->Execute(sql); }
  void Kill() override { db_->Kill(); }
  void Restart() override { db_->Restart(); }
  bool postgres() const override { return false; }

 private:
  std::unique_ptr<testkit::MariaDbServer> db_;
};

SchemaPtr OrderSchema() {
  static const SchemaPtr schema = SchemaBuilder::struct_()
                                      .name("shop.Order")
                                      .field("id", Schema::Int64())
                                      .field("item", Schema::String())
                                      .field("qty", Schema::OptionalInt32())
                                      .build();
  return schema;
}

SchemaPtr KeySchema() {
  static const SchemaPtr schema =
      SchemaBuilder::struct_().name("shop.OrderKey").field("id", Schema::Int64()).build();
  return schema;
}

SinkRecord Record(const std::string& topic, SchemaPtr key_schema, Value key, SchemaPtr schema,
                  Value value, int64_t offset) {
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

SinkRecord Order(const std::string& topic, int64_t id, const std::string& item,
                 std::optional<int32_t> qty, int64_t offset = 0) {
  Struct key(KeySchema());
  key.put("id", id);
  Struct value(OrderSchema());
  value.put("id", id).put("item", item);
  if (qty) value.put("qty", *qty);
  return Record(topic, KeySchema(), std::move(key), OrderSchema(), std::move(value), offset);
}

SinkRecord Tombstone(const std::string& topic, int64_t id, int64_t offset = 0) {
  Struct key(KeySchema());
  key.put("id", id);
  return Record(topic, KeySchema(), std::move(key), nullptr, Value(), offset);
}

SinkRecord ChangeEvent(const std::string& topic, const std::string& op,
                       std::optional<std::pair<int64_t, std::string>> after, int64_t id,
                       int64_t offset = 0) {
  static const SchemaPtr row =
      SchemaBuilder::struct_()
          .name("server.inventory.customers.Value")
          .optional()
          .field("id", Schema::Int64())
          .field("email", Schema::String())
          .field("updated",
                 SchemaBuilder::string().name("io.debezium.time.ZonedTimestamp").optional().build())
          .build();
  static const SchemaPtr envelope = SchemaBuilder::struct_()
                                        .name("server.inventory.customers.Envelope")
                                        .field("before", row)
                                        .field("after", row)
                                        .field("op", Schema::String())
                                        .field("ts_ms", Schema::OptionalInt64())
                                        .build();
  static const SchemaPtr key_schema = SchemaBuilder::struct_()
                                          .name("server.inventory.customers.Key")
                                          .field("id", Schema::Int64())
                                          .build();
  Struct value(envelope);
  if (after) {
    Struct a(row);
    a.put("id", after->first).put("email", after->second).put("updated", "2024-03-01T10:20:30Z");
    value.put("after", std::move(a));
  }
  value.put("op", op);
  Struct key(key_schema);
  key.put("id", id);
  return Record(topic, key_schema, std::move(key), envelope, std::move(value), offset);
}

class JdbcSinkItTest : public ::testing::TestWithParam<std::string> {
 protected:
  static void SetUpTestSuite() {
    // A test kills and restarts each server: servers of its own, never shared ones.
    postgres_ = new Postgres(testkit::PostgresServer::Start({.exclusive = true}));
    mariadb_ = new MariaDb(testkit::MariaDbServer::Start({.exclusive = true}));
  }
  static void TearDownTestSuite() {
    delete postgres_;
    delete mariadb_;
  }

  void SetUp() override {
    host_.Load(ck_plugin_entry_v1());
    server_ = GetParam() == "postgres" ? postgres_ : mariadb_;
    // A table name of this test's own.
    table_ = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    table_ = "t_" + table_.substr(0, table_.find('/'));
    for (char& c : table_) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    server_->Execute("DROP TABLE IF EXISTS " + server_->Q(table_));
  }

  // On failure, shows what the task reported and logged.
  void TearDown() override {
    if (!HasFailure()) return;
    for (const auto& e : host_.errant_reports()) std::printf("errant: %s\n", e.reason.c_str());
    for (const auto& l : host_.logs()) std::printf("log: %s\n", l.message.c_str());
  }

  ConfigMap Config(const ConfigMap& extra) const {
    ConfigMap config = {{"connection.url", server_->url()},
                        {"connection.user", server_->user()},
                        {"connection.password", server_->password()},
                        {"table.name.format", table_}};
    for (const auto& [k, v] : extra) config[k] = v;
    return config;
  }

  testkit::SinkTaskDriver StartTask(const ConfigMap& extra) {
    testkit::SinkTaskDriver task = host_.CreateSinkTask(kSinkTaskClass);
    task.Start(Config(extra));
    return task;
  }

  std::string PutError(const testkit::SinkTaskDriver& task, const std::vector<SinkRecord>& records,
                       bool* retriable) {
    try {
      task.Put(records);
    } catch (const host::AbiError& e) {
      *retriable = e.retriable();
      return e.what();
    }
    ADD_FAILURE() << "put() succeeded";
    return "";
  }

  Rows Select(const std::string& columns, const std::string& order = "id") {
    return server_->Select("SELECT " + columns + " FROM " + server_->Q(table_) + " ORDER BY " +
                           order);
  }

  static Server* postgres_;
  static Server* mariadb_;
  Server* server_ = nullptr;
  std::string table_;
  testkit::FakeHost host_;
};

Server* JdbcSinkItTest::postgres_ = nullptr;
Server* JdbcSinkItTest::mariadb_ = nullptr;

TEST_P(JdbcSinkItTest, InsertUpsertUpdateAndDelete) {
  auto upsert = StartTask({{"auto.create", "true"},
                           {"insert.mode", "upsert"},
                           {"pk.mode", "record_key"},
                           {"delete.enabled", "true"}});
  const std::vector<SinkRecord> batch = {Order("o", 1, "apple", 1), Order("o", 2, "pear", 2),
                                         Order("o", 1, "apple", 7), Order("o", 3, "fig", 3)};
  upsert.Put(batch);
  upsert.Put(batch);  // redelivered: the same rows
  EXPECT_EQ(Select("id, item, qty"),
            (Rows{{"1", "apple", "7"}, {"2", "pear", "2"}, {"3", "fig", "3"}}));
  upsert.Put({Tombstone("o", 2), Order("o", 3, "fig", std::nullopt), Tombstone("o", 42)});
  EXPECT_EQ(Select("id, item, qty"), (Rows{{"1", "apple", "7"}, {"3", "fig", "NULL"}}));

  auto update = StartTask({{"insert.mode", "update"}, {"pk.mode", "record_key"}});
  update.Put({Order("o", 1, "apple", 100), Order("o", 5, "ghost", 5)});
  EXPECT_EQ(Select("id, item, qty"), (Rows{{"1", "apple", "100"}, {"3", "fig", "NULL"}}));

  auto insert = StartTask({{"pk.mode", "record_key"}});
  insert.Put({Order("o", 4, "kiwi", 4, 10), Order("o", 1, "dup", 1, 11)});
  EXPECT_EQ(Select("id, item"), (Rows{{"1", "apple"}, {"3", "fig"}, {"4", "kiwi"}}));
  ASSERT_THAT(host_.errant_reports(), SizeIs(1));
  EXPECT_EQ(host_.errant_reports()[0].offset, 11);
  EXPECT_THAT(host_.errant_reports()[0].reason,
              HasSubstr(server_->postgres() ? "duplicate key value violates unique constraint"
                                            : "Duplicate entry '1' for key 'PRIMARY'"));
}

TEST_P(JdbcSinkItTest, AutoCreateMapsEveryTypeAndAutoEvolveAddsColumns) {
  const SchemaPtr schema = SchemaBuilder::struct_()
                               .field("id", Schema::Int32())
                               .field("small", Schema::Int16())
                               .field("big", Schema::Int64())
                               .field("ratio", Schema::Float64())
                               .field("ok", Schema::Boolean())
                               .field("name", Schema::OptionalString())
                               .field("blob", Schema::OptionalBytes())
                               .field("price", Decimal::schema(2))
                               .field("day", Date::schema())
                               .field("at", Time::schema())
                               .field("ts", Timestamp::schema())
                               .build();
  Struct row(schema);
  row.put("id", int32_t{1}).put("small", int16_t{-3}).put("big", int64_t{1} << 40);
  row.put("ratio", 0.25).put("ok", true).put("name", "héllo 'x'");
  row.put("blob", Bytes{0, 1, 0xFE}).put("price", Decimal::FromString("-1234.50", 2));
  row.put("day", int32_t{19000}).put("at", int32_t{3723004}).put("ts", int64_t{1700000000123});
  auto task = StartTask({{"auto.create", "true"},
                         {"auto.evolve", "true"},
                         {"insert.mode", "upsert"},
                         {"pk.mode", "record_value"},
                         {"pk.fields", "id"}});
  task.Put({Record("o", nullptr, Value(), schema, row, 0)});
  if (server_->postgres()) {
    EXPECT_EQ(server_->Columns(table_), (Rows{{"id", "integer", "NO"},
                                              {"small", "smallint", "NO"},
                                              {"big", "bigint", "NO"},
                                              {"ratio", "double precision", "NO"},
                                              {"ok", "boolean", "NO"},
                                              {"name", "text", "YES"},
                                              {"blob", "bytea", "YES"},
                                              {"price", "numeric", "NO"},
                                              {"day", "date", "NO"},
                                              {"at", "time without time zone", "NO"},
                                              {"ts", "timestamp without time zone", "NO"}}));
    EXPECT_EQ(Select("id, small, big, ratio, ok, name, encode(blob, 'hex'), price, day, at, ts"),
              (Rows{{"1", "-3", "1099511627776", "0.25", "t", "héllo 'x'", "0001fe", "-1234.50",
                     "2022-01-08", "01:02:03.004", "2023-11-14 22:13:20.123"}}));
  } else {
    EXPECT_EQ(server_->Columns(table_), (Rows{{"id", "int(11)", "NO"},
                                              {"small", "smallint(6)", "NO"},
                                              {"big", "bigint(20)", "NO"},
                                              {"ratio", "double", "NO"},
                                              {"ok", "tinyint(4)", "NO"},
                                              {"name", "text", "YES"},
                                              {"blob", "blob", "YES"},
                                              {"price", "decimal(65,2)", "NO"},
                                              {"day", "date", "NO"},
                                              {"at", "time(3)", "NO"},
                                              {"ts", "datetime(3)", "NO"}}));
    EXPECT_EQ(Select("id, small, big, ratio, ok, name, hex(`blob`), price, day, at, ts"),
              (Rows{{"1", "-3", "1099511627776", "0.25", "1", "héllo 'x'", "0001FE", "-1234.50",
                     "2022-01-08", "01:02:03.004", "2023-11-14 22:13:20.123"}}));
  }
  EXPECT_THAT(host_.errant_reports(), SizeIs(0));
}

TEST_P(JdbcSinkItTest, AutoEvolveAddsColumnsForNewFields) {
  const SchemaPtr v1 = SchemaBuilder::struct_()
                           .field("id", Schema::Int32())
                           .field("name", Schema::OptionalString())
                           .build();
  // v2 drops the optional name and adds an optional field and a field with a default.
  const SchemaPtr v2 = SchemaBuilder::struct_()
                           .field("id", Schema::Int32())
                           .field("note", Schema::OptionalString())
                           .field("level", SchemaBuilder::int32().default_value(int32_t{5}).build())
                           .build();
  Struct row1(v1);
  row1.put("id", int32_t{1}).put("name", "first");
  Struct row2(v2);
  row2.put("id", int32_t{2}).put("note", "new").put("level", int32_t{9});
  auto task = StartTask({{"auto.create", "true"},
                         {"auto.evolve", "true"},
                         {"insert.mode", "upsert"},
                         {"pk.mode", "record_value"},
                         {"pk.fields", "id"}});
  task.Put({Record("o", nullptr, Value(), v1, row1, 0)});
  task.Put({Record("o", nullptr, Value(), v2, row2, 1)});
  EXPECT_EQ(Select("id, name, note, level"),
            (Rows{{"1", "first", "NULL", "5"}, {"2", "NULL", "new", "9"}}));
  const Rows columns = server_->Columns(table_);
  ASSERT_THAT(columns, SizeIs(4));
  EXPECT_EQ(columns[3][2], "NO");  // level: NOT NULL with its default
  EXPECT_THAT(host_.errant_reports(), SizeIs(0));
}

TEST_P(JdbcSinkItTest, ATableCreatedConcurrentlyIsUsed) {
  // Another session creates the table in a transaction it has not committed yet: the task's
  // CREATE TABLE IF NOT EXISTS waits for it, and on PostgreSQL then fails on the catalog's
  // unique index. The task must use the table the other session made.
  server_->Execute("BEGIN; CREATE TABLE " + server_->Q(table_) +
                   " (id BIGINT PRIMARY KEY, item TEXT, qty INT)");
  auto task =
      StartTask({{"auto.create", "true"}, {"insert.mode", "upsert"}, {"pk.mode", "record_key"}});
  std::string error;
  std::thread put([&] {
    try {
      task.Put({Order("o", 1, "apple", 1)});
    } catch (const std::exception& e) {
      error = e.what();
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  server_->Execute("COMMIT");
  put.join();
  EXPECT_EQ(error, "");
  EXPECT_EQ(Select("id, item, qty"), (Rows{{"1", "apple", "1"}}));
}

TEST_P(JdbcSinkItTest, KafkaAndRecordValueKeys) {
  auto task = StartTask({{"auto.create", "true"}, {"insert.mode", "upsert"}, {"pk.mode", "kafka"}});
  task.Put({Order("o", 1, "apple", 1, 100), Order("o", 1, "apple", 2, 101)});
  task.Put({Order("o", 1, "apple", 2, 101)});
  EXPECT_EQ(Select("__connect_topic, __connect_partition, __connect_offset, qty", "3"),
            (Rows{{"o", "0", "100", "1"}, {"o", "0", "101", "2"}}));
}

TEST_P(JdbcSinkItTest, DebeziumEnvelopes) {
  auto task = StartTask({{"schema.evolution", "basic"},
                         {"insert.mode", "upsert"},
                         {"primary.key.mode", "record_key"},
                         {"delete.enabled", "true"}});
  task.Put({ChangeEvent("server.inventory.customers", "r", std::pair{int64_t{1}, "a@x"}, 1),
            ChangeEvent("server.inventory.customers", "c", std::pair{int64_t{2}, "b@x"}, 2),
            ChangeEvent("server.inventory.customers", "u", std::pair{int64_t{1}, "a2@x"}, 1),
            ChangeEvent("server.inventory.customers", "d", std::nullopt, 2),
            ChangeEvent("server.inventory.customers", "c", std::pair{int64_t{3}, "c@x"}, 3)});
  EXPECT_EQ(
      Select(server_->postgres() ? "id, email, updated::text" : "id, email, updated"),
      (Rows{{"1", "a2@x",
             server_->postgres() ? "2024-03-01 10:20:30+00" : "2024-03-01 10:20:30.000000"},
            {"3", "c@x",
             server_->postgres() ? "2024-03-01 10:20:30+00" : "2024-03-01 10:20:30.000000"}}));
}

TEST_P(JdbcSinkItTest, NamesThatLookLikeSqlAreJustNames) {
  server_->Execute("CREATE TABLE IF NOT EXISTS victims (id INT)");
  const std::string evil_table = table_ + "\"`; DROP TABLE victims; --";
  const std::string evil_field = "x\"`) ; DROP TABLE victims; --";
  server_->Execute("DROP TABLE IF EXISTS " + server_->Q(evil_table));
  const SchemaPtr schema = SchemaBuilder::struct_()
                               .field("id", Schema::Int64())
                               .field(evil_field, Schema::String())
                               .build();
  Struct row(schema);
  row.put("id", int64_t{1}).put(evil_field, "'); DROP TABLE victims; -- \\");
  auto task = StartTask({{"auto.create", "true"},
                         {"insert.mode", "upsert"},
                         {"pk.mode", "record_value"},
                         {"pk.fields", "id"},
                         {"table.name.format", evil_table}});
  task.Put({Record("o", nullptr, Value(), schema, row, 0)});
  task.Put({Record("o", nullptr, Value(), schema, row, 1)});
  EXPECT_EQ(
      server_->Select("SELECT id, " + server_->Q(evil_field) + " FROM " + server_->Q(evil_table)),
      (Rows{{"1", "'); DROP TABLE victims; -- \\"}}));
  EXPECT_EQ(server_->Select("SELECT count(*) FROM victims"), (Rows{{"0"}}));
  server_->Execute("DROP TABLE " + server_->Q(evil_table));
}

TEST_P(JdbcSinkItTest, RefusedValuesGoToTheErrantRecordReporter) {
  server_->Execute("CREATE TABLE " + server_->Q(table_) +
                   " (id BIGINT PRIMARY KEY, item VARCHAR(5) NOT NULL, qty INT NOT NULL)");
  auto task = StartTask({{"insert.mode", "upsert"}, {"pk.mode", "record_key"}});
  task.Put({Order("o", 1, "apple", 1, 0), Order("o", 2, "pear", std::nullopt, 1),
            Order("o", 3, "watermelon", 3, 2), Order("o", 4, "fig", 4, 3)});
  EXPECT_EQ(Select("id, item, qty"), (Rows{{"1", "apple", "1"}, {"4", "fig", "4"}}));
  const auto errant = host_.errant_reports();
  ASSERT_THAT(errant, SizeIs(2));
  EXPECT_EQ(errant[0].offset, 1);
  EXPECT_THAT(errant[0].reason, HasSubstr("Cannot write record o-0@1 to table " + table_));
  EXPECT_THAT(errant[0].reason, HasSubstr("field \"value.qty\" has value null"));
  EXPECT_EQ(errant[1].offset, 2);
  EXPECT_THAT(errant[1].reason,
              HasSubstr(server_->postgres() ? "value too long" : "Data too long for column"));
  EXPECT_THAT(errant[1].reason, HasSubstr("value.item"));
  EXPECT_THAT(errant[1].reason, HasSubstr("\"watermelon\""));

  // A record whose fields the table lacks names the field, its value and the table.
  const SchemaPtr extra = SchemaBuilder::struct_()
                              .field("id", Schema::Int64())
                              .field("item", Schema::String())
                              .field("qty", Schema::Int32())
                              .field("colour", Schema::String())
                              .build();
  Struct row(extra);
  row.put("id", int64_t{5}).put("item", "lime").put("qty", int32_t{1}).put("colour", "green");
  Struct key(KeySchema());
  key.put("id", int64_t{5});
  task.Put({Record("o", KeySchema(), std::move(key), extra, std::move(row), 4)});
  ASSERT_THAT(host_.errant_reports(), SizeIs(3));
  EXPECT_THAT(host_.errant_reports()[2].reason,
              HasSubstr("field \"value.colour\" (value \"green\") has no column \"colour\" in "
                        "table " +
                        table_));
}

TEST_P(JdbcSinkItTest, PermissionDeniedAndRefusedLoginsFailWithoutRetries) {
  server_->Execute("CREATE TABLE " + server_->Q(table_) +
                   " (id BIGINT PRIMARY KEY, item TEXT, qty INT)");
  if (server_->postgres()) {
    server_->Execute(
        "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'reader') THEN "
        "CREATE ROLE reader LOGIN PASSWORD 'reader'; END IF; END $$");
    server_->Execute("GRANT SELECT ON " + table_ + " TO reader");
  } else {
    server_->Execute("CREATE USER IF NOT EXISTS 'reader'@'%' IDENTIFIED BY 'reader'");
    server_->Execute("GRANT SELECT ON " + table_ + " TO 'reader'@'%'");
  }
  auto task = StartTask({{"connection.user", "reader"},
                         {"connection.password", "reader"},
                         {"insert.mode", "upsert"},
                         {"pk.mode", "record_key"}});
  bool retriable = true;
  std::string error = PutError(task, {Order("o", 1, "apple", 1)}, &retriable);
  EXPECT_FALSE(retriable);
  EXPECT_THAT(error, HasSubstr("Permission denied writing to the database (" + server_->name()));
  EXPECT_THAT(error, HasSubstr(server_->postgres() ? "permission denied for table"
                                                   : "command denied to user 'reader'"));

  auto wrong = StartTask({{"connection.password", "wrong"}, {"connection.attempts", "3"}});
  retriable = true;
  error = PutError(wrong, {Order("o", 1, "apple", 1)}, &retriable);
  EXPECT_FALSE(retriable);
  EXPECT_THAT(error, HasSubstr("The database refused the connection"));
  EXPECT_THAT(error, HasSubstr(server_->postgres() ? "password authentication failed"
                                                   : "Access denied for user"));
}

TEST_P(JdbcSinkItTest, ARestartMidStreamLosesAndDoublesNothing) {
  constexpr int kRecords = 20000;
  constexpr int kBatch = 500;
  auto task = StartTask({{"auto.create", "true"},
                         {"insert.mode", "upsert"},
                         {"pk.mode", "record_key"},
                         {"connection.attempts", "2"},
                         {"connection.backoff.ms", "100"},
                         {"retry.backoff.ms", "100"},
                         {"max.retries", "100"}});
  std::atomic<int> batches{0};
  std::atomic<int> retries{0};
  std::string failure;
  // The runtime's loop: put each batch until it is accepted, backing off on retriable errors.
  std::thread writer([&] {
    for (int start = 0; start < kRecords && failure.empty(); start += kBatch) {
      std::vector<SinkRecord> batch;
      for (int i = start; i < start + kBatch; ++i) {
        batch.push_back(Order("o", i, "item-" + std::to_string(i), i, i));
      }
      while (true) {
        try {
          task.Put(batch);
          break;
        } catch (const host::AbiError& e) {
          if (!e.retriable()) {
            failure = e.what();
            break;
          }
          ++retries;
          std::this_thread::sleep_for(std::chrono::milliseconds(*host_.sink_timeout()));
        }
      }
      ++batches;
    }
  });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (batches < 8 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  server_->Kill();
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  server_->Restart();
  writer.join();
  ASSERT_EQ(failure, "");
  EXPECT_GT(retries.load(), 0) << "the kill should have failed at least one put";
  EXPECT_EQ(
      server_->Select("SELECT count(*), count(DISTINCT id), min(id), max(id), sum(qty) FROM " +
                      server_->Q(table_)),
      (Rows{{std::to_string(kRecords), std::to_string(kRecords), "0", std::to_string(kRecords - 1),
             std::to_string(int64_t{kRecords} * (kRecords - 1) / 2)}}));
}

INSTANTIATE_TEST_SUITE_P(Databases, JdbcSinkItTest, ::testing::Values("postgres", "mariadb"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

}  // namespace
}  // namespace ck::jdbc
