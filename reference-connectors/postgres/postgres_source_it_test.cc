// Integration tests of the PostgreSQL CDC task against a real PostgreSQL 15 (testkit's
// PostgresServer, wal_level=logical), through the plugin's ABI entry point with FakeHost standing
// in for the runtime: FakeHost keeps the committed offsets, and each test commits what it polled
// (SetOffset + Commit) the way the runtime does once Kafka acknowledged the records.
//
// One server for the whole suite; each test uses its own tables, publication and slot.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "ck/abi/ck_abi.h"
#include "ck/schema.h"
#include "ck/testkit/fake_host.h"
#include "ck/testkit/postgres_server.h"
#include "reference-connectors/postgres/postgres_source.h"

namespace ck::postgres {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Clock = std::chrono::steady_clock;

class PostgresSourceTest : public ::testing::Test {
 protected:
  // The last test crashes the server: one of its own, never a shared one.
  static void SetUpTestSuite() {
    pg_ = testkit::PostgresServer::Start({.exclusive = true}).release();
  }
  static void TearDownTestSuite() {
    delete pg_;
    pg_ = nullptr;
  }
  void SetUp() override { host_.Load(ck_plugin_entry_v1()); }

  // A configuration capturing `tables` (a table.include.list) with its own slot and publication.
  ConfigMap Config(const std::string& name, const std::string& tables,
                   const std::string& snapshot_mode) const {
    return {{"database.hostname", pg_->host()},
            {"database.port", std::to_string(pg_->port())},
            {"database.user", pg_->user()},
            {"database.password", pg_->password()},
            {"database.dbname", pg_->database()},
            {"topic.prefix", "it"},
            {"slot.name", name + "_slot"},
            {"publication.name", name + "_pub"},
            {"publication.autocreate.mode", "filtered"},
            {"table.include.list", tables},
            {"snapshot.mode", snapshot_mode},
            {"poll.interval.ms", "100"},
            {"status.update.interval.ms", "200"}};
  }

  std::unique_ptr<testkit::SourceTaskDriver> StartTask(const ConfigMap& config) {
    auto task = std::make_unique<testkit::SourceTaskDriver>(host_.CreateSourceTask(kTaskClass));
    task->Start(config);
    return task;
  }

  // Polls until `n` records arrived (failing after 20 s), committing after each poll.
  std::vector<SourceRecord> PollN(testkit::SourceTaskDriver& task, size_t n, bool commit = true) {
    std::vector<SourceRecord> out;
    const auto deadline = Clock::now() + std::chrono::seconds(20);
    while (out.size() < n && Clock::now() < deadline) {
      std::vector<SourceRecord> batch = task.Poll();
      for (auto& r : batch) out.push_back(std::move(r));
      if (commit && !batch.empty()) {
        host_.SetOffset(out.back().source_partition, out.back().source_offset);
        task.Commit();
      }
    }
    EXPECT_EQ(out.size(), n);
    return out;
  }

  static std::string SlotFlushLsn(const std::string& slot) {
    return pg_
        ->Execute(
            "SELECT confirmed_flush_lsn - '0/0' FROM pg_replication_slots WHERE "
            "slot_name = '" +
            slot + "'")
        .Scalar();
  }

  // The walsender of `slot` has had a standby status update whose write position is at least
  // `lsn`: the task read the stream that far.
  static bool SlotClientWroteUpTo(const std::string& slot, uint64_t lsn) {
    return pg_->Execute("SELECT r.write_lsn - '0/0' >= " + std::to_string(lsn) +
                        " FROM pg_stat_replication r JOIN pg_replication_slots s ON s.active_pid = "
                        "r.pid WHERE s.slot_name = '" +
                        slot + "'")
               .Scalar() == "t";
  }

  static uint64_t CurrentWalLsn() {
    return std::stoull(pg_->Execute("SELECT pg_current_wal_lsn() - '0/0'").Scalar());
  }

  static testkit::PostgresServer* pg_;
  testkit::FakeHost host_;
};

// Polls a task on a thread of its own, as the runtime does, and commits every batch at once (the
// runtime's offset commit with every record acknowledged); so the task is polled while the test
// thread stops or restarts the server.
class BackgroundPoller {
 public:
  BackgroundPoller(testkit::SourceTaskDriver& task, testkit::FakeHost& host)
      : thread_([this, &task, &host] {
          while (!done_.load()) {
            std::vector<SourceRecord> batch = task.Poll();
            if (batch.empty()) continue;
            host.SetOffset(batch.back().source_partition, batch.back().source_offset);
            task.Commit();
            const std::lock_guard<std::mutex> lock(mutex_);
            for (auto& r : batch) records_.push_back(std::move(r));
          }
        }) {}
  ~BackgroundPoller() { Join(); }
  BackgroundPoller(const BackgroundPoller&) = delete;
  BackgroundPoller& operator=(const BackgroundPoller&) = delete;

  // Waits (at most 60 s) until `n` records arrived; returns those there are.
  std::vector<SourceRecord> WaitFor(size_t n) {
    const auto deadline = Clock::now() + std::chrono::seconds(60);
    while (Clock::now() < deadline) {
      {
        const std::lock_guard<std::mutex> lock(mutex_);
        if (records_.size() >= n) break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    const std::lock_guard<std::mutex> lock(mutex_);
    return records_;
  }

  void Join() {
    done_.store(true);
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::atomic<bool> done_{false};
  std::mutex mutex_;
  std::vector<SourceRecord> records_;
  std::thread thread_;  // last: it uses the members above
};

// How many times PostgreSQL logged the end of a clean shutdown (a SIGKILL leaves no such line).
size_t CleanShutdowns(const testkit::PostgresServer& pg) {
  std::ifstream log(pg.log_path());
  size_t n = 0;
  for (std::string line; std::getline(log, line);)
    n += line.find("database system is shut down") != std::string::npos ? 1 : 0;
  return n;
}

testkit::PostgresServer* PostgresSourceTest::pg_ = nullptr;

const Struct& Env(const SourceRecord& r) { return r.value.as_struct(); }
const Struct& After(const SourceRecord& r) { return Env(r).get("after").as_struct(); }
const Struct& Before(const SourceRecord& r) { return Env(r).get("before").as_struct(); }
const Struct& Src(const SourceRecord& r) { return Env(r).get("source").as_struct(); }
std::string Op(const SourceRecord& r) { return Env(r).get_string("op"); }
std::string FieldSchemaName(const Struct& s, const std::string& field) {
  return s.schema()->field(field)->schema->name();
}
int32_t Days(std::chrono::year_month_day d) {
  return static_cast<int32_t>(std::chrono::sys_days(d).time_since_epoch().count());
}

TEST_F(PostgresSourceTest, InsertUpdateDeleteMatchDebeziumEventsFieldByField) {
  pg_->Execute("CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')");
  pg_->Execute(
      "CREATE TABLE golden (id int PRIMARY KEY, b bool, i2 int2, i8 int8 NOT NULL, f4 float4, "
      "f8 float8, n numeric(10,2), nv numeric, t text, vc varchar(20), c char(3), by bytea, "
      "d date, tm time, tm3 time(3), ts timestamp, ts3 timestamp(3), tz timestamptz, "
      "iv interval, u uuid, j json, jb jsonb, m mood, arr int[], tarr text[])");
  auto task = StartTask(Config("golden", "public\\.golden", "no_data"));
  pg_->Execute(
      "INSERT INTO golden VALUES (1, true, 12, 1234567890123, 1.5, 2.25, 12345.67, 3.14159, "
      "'hello', 'world', 'ab', '\\x01ff', '2024-02-29', '13:45:30.123456', '13:45:30.123', "
      "'2024-02-29 13:45:30.123456', '2024-02-29 13:45:30.123', '2024-02-29 13:45:30.5+02', "
      "'1 year 2 mons 3 days 04:05:06.5', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{\"a\":1}', "
      "'{\"b\": 2}', 'happy', '{1,2,NULL}', '{\"x y\",z}')");
  pg_->Execute("UPDATE golden SET t = 'changed' WHERE id = 1");
  pg_->Execute("DELETE FROM golden WHERE id = 1");
  const std::vector<SourceRecord> records = PollN(*task, 4);
  ASSERT_EQ(records.size(), 4u);

  // Insert.
  const SourceRecord& c = records[0];
  EXPECT_EQ(c.topic, "it.public.golden");
  EXPECT_EQ(c.key_schema->name(), "it.public.golden.Key");
  EXPECT_EQ(c.key.as_struct().get_int32("id"), 1);
  EXPECT_EQ(c.value_schema->name(), "it.public.golden.Envelope");
  EXPECT_EQ(c.value_schema->version(), 2);
  std::vector<std::string> envelope_fields;
  for (const Field& f : c.value_schema->fields()) envelope_fields.push_back(f.name);
  EXPECT_THAT(envelope_fields, ElementsAre("before", "after", "source", "op", "ts_ms", "ts_us",
                                           "ts_ns", "transaction"));
  EXPECT_EQ(Op(c), "c");
  EXPECT_TRUE(Env(c).get("before").is_null());
  EXPECT_TRUE(Env(c).get("transaction").is_null());  // provide.transaction.metadata=false
  const Struct& a = After(c);
  EXPECT_EQ(a.schema()->name(), "it.public.golden.Value");
  EXPECT_TRUE(a.schema()->optional());
  EXPECT_EQ(a.get_int32("id"), 1);
  EXPECT_FALSE(a.schema()->field("id")->schema->optional());
  EXPECT_TRUE(a.schema()->field("b")->schema->optional());
  EXPECT_FALSE(a.schema()->field("i8")->schema->optional());
  EXPECT_EQ(a.get_boolean("b"), true);
  EXPECT_EQ(a.get_int16("i2"), 12);
  EXPECT_EQ(a.get_int64("i8"), 1234567890123);
  EXPECT_EQ(a.get_float32("f4"), 1.5f);
  EXPECT_EQ(a.get_float64("f8"), 2.25);
  EXPECT_EQ(FieldSchemaName(a, "n"), "org.apache.kafka.connect.data.Decimal");
  EXPECT_EQ(a.schema()->field("n")->schema->parameters().at("scale"), "2");
  EXPECT_EQ(a.schema()->field("n")->schema->parameters().at("connect.decimal.precision"), "10");
  EXPECT_EQ(Decimal::ToString(a.get_bytes("n"), 2), "12345.67");
  EXPECT_EQ(FieldSchemaName(a, "nv"), "io.debezium.data.VariableScaleDecimal");
  EXPECT_EQ(a.get_struct("nv").get_int32("scale"), 5);
  EXPECT_EQ(Decimal::ToString(a.get_struct("nv").get_bytes("value"), 5), "3.14159");
  EXPECT_EQ(a.get_string("t"), "hello");
  EXPECT_EQ(a.get_string("vc"), "world");
  EXPECT_EQ(a.get_string("c"), "ab ");
  EXPECT_EQ(a.get_bytes("by"), (Bytes{0x01, 0xff}));
  EXPECT_EQ(FieldSchemaName(a, "d"), "io.debezium.time.Date");
  using std::chrono::February;
  const int32_t day = Days(std::chrono::year(2024) / February / 29);
  EXPECT_EQ(a.get_int32("d"), day);
  EXPECT_EQ(FieldSchemaName(a, "tm"), "io.debezium.time.MicroTime");
  EXPECT_EQ(a.get_int64("tm"), 49530123456);
  EXPECT_EQ(FieldSchemaName(a, "tm3"), "io.debezium.time.Time");
  EXPECT_EQ(a.get_int32("tm3"), 49530123);
  EXPECT_EQ(FieldSchemaName(a, "ts"), "io.debezium.time.MicroTimestamp");
  EXPECT_EQ(a.get_int64("ts"), day * 86400000000LL + 49530123456);
  EXPECT_EQ(FieldSchemaName(a, "ts3"), "io.debezium.time.Timestamp");
  EXPECT_EQ(a.get_int64("ts3"), day * 86400000LL + 49530123);
  EXPECT_EQ(FieldSchemaName(a, "tz"), "io.debezium.time.ZonedTimestamp");
  EXPECT_EQ(a.get_string("tz"), "2024-02-29T11:45:30.500000Z");
  EXPECT_EQ(FieldSchemaName(a, "iv"), "io.debezium.time.MicroDuration");
  EXPECT_EQ(a.get_int64("iv"), 37091106500000);  // (14 * 30.4375 + 3) days + 4:05:06.5
  EXPECT_EQ(FieldSchemaName(a, "u"), "io.debezium.data.Uuid");
  EXPECT_EQ(a.get_string("u"), "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
  EXPECT_EQ(FieldSchemaName(a, "j"), "io.debezium.data.Json");
  EXPECT_EQ(a.get_string("j"), "{\"a\":1}");
  EXPECT_EQ(FieldSchemaName(a, "jb"), "io.debezium.data.Json");
  EXPECT_EQ(a.get_string("jb"), "{\"b\": 2}");
  EXPECT_EQ(FieldSchemaName(a, "m"), "io.debezium.data.Enum");
  EXPECT_EQ(a.schema()->field("m")->schema->parameters().at("allowed"), "sad,ok,happy");
  EXPECT_EQ(a.get_string("m"), "happy");
  EXPECT_EQ(a.get_array("arr"), (Value::Array{int32_t{1}, int32_t{2}, Value()}));
  EXPECT_EQ(a.get_array("tarr"), (Value::Array{"x y", "z"}));

  const Struct& src = Src(c);
  EXPECT_EQ(src.schema()->name(), "io.debezium.connector.postgresql.Source");
  EXPECT_EQ(src.get_string("version"), kPostgresVersion);
  EXPECT_EQ(src.get_string("connector"), "postgresql");
  EXPECT_EQ(src.get_string("name"), "it");
  EXPECT_EQ(src.get_string("snapshot"), "false");  // unset; the schema's default
  EXPECT_EQ(FieldSchemaName(src, "snapshot"), "io.debezium.data.Enum");
  EXPECT_EQ(src.get_string("db"), "connectkit");
  EXPECT_EQ(src.get_string("schema"), "public");
  EXPECT_EQ(src.get_string("table"), "golden");
  EXPECT_GT(src.get_int64("txId"), 0);
  EXPECT_GT(src.get_int64("lsn"), 0);
  EXPECT_TRUE(src.get("xmin").is_null());
  const nlohmann::json sequence = nlohmann::json::parse(src.get_string("sequence"));
  ASSERT_EQ(sequence.size(), 2u);
  EXPECT_EQ(sequence[1], std::to_string(src.get_int64("lsn")));
  EXPECT_NEAR(static_cast<double>(src.get_int64("ts_ms")),
              static_cast<double>(Env(c).get_int64("ts_ms")), 60000.0);
  EXPECT_EQ(c.source_partition, (nlohmann::json{{"server", "it"}}));
  EXPECT_EQ(c.source_offset.at("lsn"), src.get_int64("lsn"));
  EXPECT_EQ(c.source_offset.at("txId"), src.get_int64("txId"));
  for (const char* k : {"lsn_proc", "lsn_commit", "ts_usec"}) {
    EXPECT_TRUE(c.source_offset.contains(k)) << k;
  }

  // Update (REPLICA IDENTITY DEFAULT, key unchanged: no before image).
  EXPECT_EQ(Op(records[1]), "u");
  EXPECT_TRUE(Env(records[1]).get("before").is_null());
  EXPECT_EQ(After(records[1]).get_string("t"), "changed");
  EXPECT_GT(Src(records[1]).get_int64("txId"), src.get_int64("txId"));

  // Delete: the old key in before, then a tombstone.
  EXPECT_EQ(Op(records[2]), "d");
  EXPECT_EQ(Before(records[2]).get_int32("id"), 1);
  EXPECT_TRUE(Env(records[2]).get("after").is_null());
  EXPECT_EQ(records[2].key.as_struct().get_int32("id"), 1);
  EXPECT_EQ(records[3].topic, "it.public.golden");
  EXPECT_EQ(records[3].key.as_struct().get_int32("id"), 1);
  EXPECT_TRUE(records[3].value.is_null());
  EXPECT_EQ(records[3].value_schema, nullptr);

  // Everything emitted is committed and the task is idle: the slot confirms the WAL it received,
  // past the delete's transaction.
  const auto deadline = Clock::now() + std::chrono::seconds(30);
  const uint64_t delete_lsn = records[3].source_offset.at("lsn").get<uint64_t>();
  while (std::stoull(SlotFlushLsn("golden_slot")) <= delete_lsn && Clock::now() < deadline)
    task->Poll();
  EXPECT_GT(std::stoull(SlotFlushLsn("golden_slot")), delete_lsn);
  task->Stop();
}

TEST_F(PostgresSourceTest, SnapshotThenStreaming) {
  pg_->Execute("CREATE TABLE snap_a (id int PRIMARY KEY, v text)");
  pg_->Execute("CREATE TABLE snap_b (v text)");  // no primary key: null keys
  pg_->Execute("INSERT INTO snap_a VALUES (1, 'a1'), (2, 'a2'), (3, 'a3')");
  pg_->Execute("INSERT INTO snap_b VALUES ('b1'), ('b2')");
  auto task = StartTask(Config("snap", "public\\.snap_.*", "initial"));
  const std::vector<SourceRecord> snap = PollN(*task, 5);
  ASSERT_EQ(snap.size(), 5u);
  std::vector<std::string> markers, ops;
  for (const auto& r : snap) {
    markers.push_back(Src(r).get_string("snapshot"));
    ops.push_back(Op(r));
    EXPECT_EQ(r.source_offset.at("snapshot"), "INITIAL");
  }
  EXPECT_THAT(ops, ElementsAre("r", "r", "r", "r", "r"));
  EXPECT_THAT(markers, ElementsAre("first", "true", "last_in_data_collection",
                                   "first_in_data_collection", "last"));
  EXPECT_EQ(snap[0].topic, "it.public.snap_a");
  EXPECT_EQ(snap[4].topic, "it.public.snap_b");
  EXPECT_EQ(snap[4].key_schema, nullptr);
  EXPECT_TRUE(snap[4].key.is_null());
  EXPECT_EQ(snap[3].source_offset.at("last_snapshot_record"), false);
  EXPECT_EQ(snap[4].source_offset.at("last_snapshot_record"), true);
  EXPECT_EQ(snap[4].source_offset.at("snapshot_completed"), true);

  pg_->Execute("INSERT INTO snap_a VALUES (4, 'a4')");
  const std::vector<SourceRecord> streamed = PollN(*task, 1);
  ASSERT_EQ(streamed.size(), 1u);
  EXPECT_EQ(Op(streamed[0]), "c");
  EXPECT_EQ(After(streamed[0]).get_int32("id"), 4);
  EXPECT_FALSE(streamed[0].source_offset.contains("snapshot"));
  task->Stop();
  task.reset();

  // A restart after the completed snapshot streams on without snapshotting again.
  pg_->Execute("INSERT INTO snap_a VALUES (5, 'a5')");
  task = StartTask(Config("snap", "public\\.snap_.*", "initial"));
  const std::vector<SourceRecord> after_restart = PollN(*task, 1);
  ASSERT_EQ(after_restart.size(), 1u);
  EXPECT_EQ(Op(after_restart[0]), "c");
  EXPECT_EQ(After(after_restart[0]).get_int32("id"), 5);
  task->Stop();
}

TEST_F(PostgresSourceTest, RestartFromCommittedOffsetsLosesNothing) {
  pg_->Execute("CREATE TABLE resume (id int PRIMARY KEY)");
  auto task = StartTask(Config("resume", "public\\.resume", "no_data"));
  // Three transactions: 1-10 one row each, 11-40 in one multi-row insert, 41-50 one each.
  for (int i = 1; i <= 10; ++i)
    pg_->Execute("INSERT INTO resume VALUES (" + std::to_string(i) + ")");
  pg_->Execute("INSERT INTO resume SELECT generate_series(11, 40)");
  for (int i = 41; i <= 50; ++i)
    pg_->Execute("INSERT INTO resume VALUES (" + std::to_string(i) + ")");
  // Poll everything, but "Kafka acknowledged" only the first 25 (mid-transaction).
  std::vector<SourceRecord> first = PollN(*task, 50, /*commit=*/false);
  ASSERT_EQ(first.size(), 50u);
  host_.SetOffset(first[24].source_partition, first[24].source_offset);
  task->Commit();
  task.reset();  // the task dies without a stop

  auto again = StartTask(Config("resume", "public\\.resume", "no_data"));
  std::vector<SourceRecord> rest = PollN(*again, 25);
  std::vector<int32_t> ids;
  ids.reserve(rest.size());
  for (const auto& r : rest) ids.push_back(After(r).get_int32("id"));
  std::vector<int32_t> expected;
  for (int i = 26; i <= 50; ++i) expected.push_back(i);
  EXPECT_EQ(ids, expected);
  // Nothing more arrives: no duplicates.
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(again->Poll().empty());
  again->Stop();
}

TEST_F(PostgresSourceTest, FullReplicaIdentityTruncateAndAlterTableMidStream) {
  pg_->Execute("CREATE TABLE full_ri (id int PRIMARY KEY, v text)");
  pg_->Execute("ALTER TABLE full_ri REPLICA IDENTITY FULL");
  ConfigMap config = Config("fullri", "public\\.full_ri", "no_data");
  config["skipped.operations"] = "none";
  config["tombstones.on.delete"] = "false";
  auto task = StartTask(config);
  pg_->Execute("INSERT INTO full_ri VALUES (1, 'one')");
  pg_->Execute("UPDATE full_ri SET v = 'uno' WHERE id = 1");
  pg_->Execute("ALTER TABLE full_ri ADD COLUMN extra int");
  pg_->Execute("INSERT INTO full_ri VALUES (2, 'two', 22)");
  pg_->Execute("DELETE FROM full_ri WHERE id = 2");
  pg_->Execute("TRUNCATE full_ri");
  pg_->Execute("INSERT INTO full_ri VALUES (3, 'three', 33)");
  pg_->Execute("UPDATE full_ri SET id = 4 WHERE id = 3");
  const std::vector<SourceRecord> r = PollN(*task, 8);
  ASSERT_EQ(r.size(), 8u);
  EXPECT_EQ(Op(r[1]), "u");
  EXPECT_EQ(Before(r[1]).get_string("v"), "one");  // the full old row
  EXPECT_EQ(After(r[1]).get_string("v"), "uno");
  EXPECT_EQ(r[1].value_schema->field("after")->schema->field("extra"), nullptr);
  EXPECT_EQ(Op(r[2]), "c");  // after ALTER TABLE: a new Relation message, a new schema
  EXPECT_EQ(After(r[2]).get_int32("extra"), 22);
  EXPECT_EQ(Op(r[3]), "d");  // no tombstone with tombstones.on.delete=false
  EXPECT_EQ(Before(r[3]).get_int32("extra"), 22);
  EXPECT_EQ(Op(r[4]), "t");
  EXPECT_EQ(r[4].topic, "it.public.full_ri");
  EXPECT_TRUE(r[4].key.is_null());
  EXPECT_TRUE(Env(r[4]).get("before").is_null());
  EXPECT_TRUE(Env(r[4]).get("after").is_null());
  // A primary key change: delete of the old key (no tombstone here), create of the new one.
  EXPECT_EQ(Op(r[6]), "d");
  EXPECT_EQ(r[6].key.as_struct().get_int32("id"), 3);
  ASSERT_EQ(r[6].headers.size(), 1u);
  EXPECT_EQ(r[6].headers.begin()->key, "__debezium.newkey");
  EXPECT_EQ(r[6].headers.begin()->value.as_struct().get_int32("id"), 4);
  EXPECT_EQ(Op(r[7]), "c");
  EXPECT_EQ(After(r[7]).get_int32("id"), 4);
  ASSERT_EQ(r[7].headers.size(), 1u);
  EXPECT_EQ(r[7].headers.begin()->key, "__debezium.oldkey");
  EXPECT_EQ(r[7].headers.begin()->value.as_struct().get_int32("id"), 3);
  task->Stop();
}

TEST_F(PostgresSourceTest, HeartbeatsCarryTheOffsetPastChangesOfUncapturedTables) {
  pg_->Execute("CREATE TABLE hb_captured (id int PRIMARY KEY)");
  pg_->Execute("CREATE TABLE hb_other (id int PRIMARY KEY)");
  ConfigMap config = Config("hb", "public\\.hb_captured", "no_data");
  config["publication.autocreate.mode"] = "all_tables";
  config["heartbeat.interval.ms"] = "100";
  auto task = StartTask(config);
  pg_->Execute("INSERT INTO hb_other VALUES (1)");
  const uint64_t after_insert =
      std::stoull(pg_->Execute("SELECT pg_current_wal_lsn() - '0/0'").Scalar());
  // Heartbeats until one carries a commit position past the uncaptured insert.
  std::optional<SourceRecord> heartbeat;
  const auto deadline = Clock::now() + std::chrono::seconds(20);
  while (!heartbeat && Clock::now() < deadline) {
    for (auto& r : task->Poll()) {
      ASSERT_EQ(r.topic, "__debezium-heartbeat.it");
      if (r.source_offset.at("lsn_commit").get<uint64_t>() >= after_insert) heartbeat = r;
    }
  }
  ASSERT_TRUE(heartbeat.has_value());
  EXPECT_EQ(heartbeat->key_schema->name(), "io.debezium.connector.common.ServerNameKey");
  EXPECT_EQ(heartbeat->key.as_struct().get_string("serverName"), "it");
  EXPECT_EQ(heartbeat->value_schema->name(), "io.debezium.connector.common.Heartbeat");
  EXPECT_GT(heartbeat->value.as_struct().get_int64("ts_ms"), 0);
  host_.SetOffset(heartbeat->source_partition, heartbeat->source_offset);
  task->Commit();
  const std::string expected =
      std::to_string(heartbeat->source_offset.at("lsn_commit").get<uint64_t>());
  const auto flushed_by = Clock::now() + std::chrono::seconds(10);
  while (SlotFlushLsn("hb_slot") != expected && Clock::now() < flushed_by) task->Poll();
  EXPECT_EQ(SlotFlushLsn("hb_slot"), expected);
  task->Stop();
}

TEST_F(PostgresSourceTest, LogicalDecodingMessagesBecomeMessageEvents) {
  pg_->Execute("CREATE TABLE msg_t (id int PRIMARY KEY)");
  auto task = StartTask(Config("msg", "public\\.msg_t", "no_data"));
  pg_->Execute("SELECT pg_logical_emit_message(false, 'audit', 'outside')");
  pg_->Execute(
      "BEGIN; INSERT INTO msg_t VALUES (1); SELECT pg_logical_emit_message(true, 'audit', "
      "'inside'); COMMIT");
  const std::vector<SourceRecord> r = PollN(*task, 3);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].topic, "it.message");
  EXPECT_EQ(r[0].key_schema->name(), "io.debezium.connector.postgresql.MessageKey");
  EXPECT_EQ(r[0].key.as_struct().get_string("prefix"), "audit");
  EXPECT_EQ(r[0].value_schema->name(), "io.debezium.connector.postgresql.MessageValue");
  EXPECT_EQ(Env(r[0]).get_string("op"), "m");
  const std::string outside = "outside";
  EXPECT_EQ(Env(r[0]).get_struct("message").get_bytes("content"),
            Bytes(outside.begin(), outside.end()));
  EXPECT_TRUE(Src(r[0]).get("txId").is_null());
  EXPECT_EQ(Src(r[0]).get_string("table"), "");
  EXPECT_EQ(Op(r[1]), "c");
  EXPECT_EQ(r[2].topic, "it.message");
  EXPECT_EQ(Src(r[2]).get_int64("txId"), Src(r[1]).get_int64("txId"));
  task->Stop();
}

TEST_F(PostgresSourceTest, InterruptedSnapshotIsRedoneAndAMissingSlotIsNeverSilentlySkipped) {
  pg_->Execute("CREATE TABLE redo (id int PRIMARY KEY)");
  pg_->Execute("INSERT INTO redo SELECT generate_series(1, 5)");
  ConfigMap config = Config("redo", "public\\.redo", "initial");
  config["max.batch.size"] = "2";
  auto task = StartTask(config);
  ASSERT_EQ(PollN(*task, 2).size(), 2u);  // committed, then the task dies mid-snapshot
  task.reset();
  pg_->Execute("INSERT INTO redo VALUES (6)");

  task = StartTask(config);
  std::vector<SourceRecord> snap = PollN(*task, 6);
  ASSERT_EQ(snap.size(), 6u);
  EXPECT_EQ(Src(snap[0]).get_string("snapshot"), "first");
  EXPECT_EQ(Src(snap[5]).get_string("snapshot"), "last");
  for (const auto& r : snap) EXPECT_EQ(Op(r), "r");
  pg_->Execute("INSERT INTO redo VALUES (7)");
  ASSERT_EQ(PollN(*task, 1).size(), 1u);
  task->Stop();
  task.reset();

  // The slot disappears while the connector is down: initial refuses to guess ...
  const auto inactive_by = Clock::now() + std::chrono::seconds(10);
  while (pg_->Execute("SELECT active FROM pg_replication_slots WHERE slot_name = 'redo_slot'")
                 .Scalar() == "t" &&
         Clock::now() < inactive_by) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  pg_->Execute("SELECT pg_drop_replication_slot('redo_slot')");
  auto refused = host_.CreateSourceTask(kTaskClass);
  try {
    refused.Start(config);
    ADD_FAILURE() << "a committed offset without its slot was accepted";
  } catch (const std::exception& e) {
    EXPECT_THAT(e.what(), HasSubstr("redo_slot does not exist"));
    EXPECT_THAT(e.what(), HasSubstr("when_needed"));
  }
  // ... and when_needed takes a new snapshot.
  config["snapshot.mode"] = "when_needed";
  task = StartTask(config);
  EXPECT_EQ(PollN(*task, 7).size(), 7u);
  task->Stop();
}

TEST_F(PostgresSourceTest, ValidationNamesUnsupportedKeysAndValues) {
  testkit::ConnectorDriver connector = host_.CreateConnector(kConnectorClass);
  ConfigMap config = Config("v", "public\\.x", "initial");
  config["plugin.name"] = "decoderbufs";
  config["column.include.list"] = "public.x.a";
  config["decimal.handling.mode"] = "float";
  config["binary.handling.mode"] = "base32";
  const std::string result = connector.Validate(config).dump();
  EXPECT_THAT(result, HasSubstr("only pgoutput"));
  EXPECT_THAT(result, HasSubstr("column.include.list is not supported"));
  EXPECT_THAT(result, HasSubstr("Invalid value float for configuration decimal.handling.mode: "
                                "String must be one of: precise, double, string"));
  EXPECT_THAT(result, HasSubstr("Invalid value base32 for configuration binary.handling.mode: "
                                "String must be one of: bytes, base64, base64-url-safe, hex"));
  config.erase("column.include.list");
  config.erase("decimal.handling.mode");
  config.erase("binary.handling.mode");
  EXPECT_THROW(connector.Start(config), std::exception);
}

TEST_F(PostgresSourceTest, ClearErrorsForAUserWithoutReplicationAndForWalLevelReplica) {
  pg_->Execute("CREATE ROLE plain LOGIN PASSWORD 'plain'");
  ConfigMap config = Config("plain", "public\\.nothing", "no_data");
  config["database.user"] = "plain";
  config["database.password"] = "plain";
  auto task = host_.CreateSourceTask(kTaskClass);
  try {
    task.Start(config);
    ADD_FAILURE() << "a user without REPLICATION was accepted";
  } catch (const std::exception& e) {
    EXPECT_THAT(e.what(), HasSubstr("may not replicate"));
    EXPECT_THAT(e.what(), HasSubstr("ALTER ROLE plain REPLICATION"));
  }

  testkit::PostgresServerOptions options;
  options.settings = {{"wal_level", "replica"}};
  options.exclusive = true;  // its own settings
  auto replica = testkit::PostgresServer::Start(options);
  config = Config("replica", "public\\.nothing", "no_data");
  config["database.port"] = std::to_string(replica->port());
  config["database.hostname"] = replica->host();
  auto other = host_.CreateSourceTask(kTaskClass);
  try {
    other.Start(config);
    ADD_FAILURE() << "wal_level=replica was accepted";
  } catch (const std::exception& e) {
    EXPECT_THAT(e.what(), HasSubstr("wal_level is replica"));
    EXPECT_THAT(e.what(), HasSubstr("wal_level=logical"));
  }
}

// ---- transaction metadata ----------------------------------------------------------------------

const Struct& TxBlock(const SourceRecord& r) { return Env(r).get("transaction").as_struct(); }

// Asserts `r` is the BEGIN or END event of transaction `id` on it.transaction.
void ExpectTransactionEvent(const SourceRecord& r, const std::string& status,
                            const std::string& id) {
  EXPECT_EQ(r.topic, "it.transaction");
  ASSERT_NE(r.key_schema, nullptr);
  EXPECT_EQ(r.key_schema->name(), "io.debezium.connector.common.TransactionMetadataKey");
  EXPECT_EQ(r.key.as_struct().get_string("id"), id);
  ASSERT_NE(r.value_schema, nullptr);
  EXPECT_EQ(r.value_schema->name(), "io.debezium.connector.common.TransactionMetadataValue");
  std::vector<std::string> fields;
  for (const Field& f : r.value_schema->fields()) fields.push_back(f.name);
  EXPECT_THAT(fields, ElementsAre("status", "id", "event_count", "data_collections", "ts_ms"));
  EXPECT_EQ(r.value.as_struct().get_string("status"), status);
  EXPECT_EQ(r.value.as_struct().get_string("id"), id);
}

// The END event's data_collections as (name, count) pairs.
std::vector<std::pair<std::string, int64_t>> Collections(const SourceRecord& end) {
  std::vector<std::pair<std::string, int64_t>> out;
  for (const Value& c : end.value.as_struct().get_array("data_collections")) {
    out.emplace_back(c.as_struct().get_string("data_collection"),
                     c.as_struct().get_int64("event_count"));
  }
  return out;
}

TEST_F(PostgresSourceTest, TransactionMetadataBeginEndAndTransactionBlocks) {
  pg_->Execute("CREATE TABLE tx_a (id int PRIMARY KEY, v text)");
  pg_->Execute("CREATE TABLE tx_b (id int PRIMARY KEY)");
  ConfigMap config = Config("txmeta", "public\\.tx_.*", "no_data");
  config["provide.transaction.metadata"] = "true";
  config["slot.drop.on.stop"] = "true";  // the shared server has 10 slots
  auto task = StartTask(config);
  pg_->Execute(
      "BEGIN; INSERT INTO tx_a VALUES (1, 'x'); INSERT INTO tx_b VALUES (1); UPDATE tx_a SET v = "
      "'y' WHERE id = 1; DELETE FROM tx_b WHERE id = 1; COMMIT");
  pg_->Execute("INSERT INTO tx_b VALUES (2)");
  // BEGIN, c, c, u, d, tombstone, END; BEGIN, c, END.
  const std::vector<SourceRecord> r = PollN(*task, 10);
  ASSERT_EQ(r.size(), 10u);
  const std::string id = std::to_string(Src(r[1]).get_int64("txId"));
  ExpectTransactionEvent(r[0], "BEGIN", id);
  const Struct& begin = r[0].value.as_struct();
  EXPECT_TRUE(begin.get("event_count").is_null());
  EXPECT_TRUE(begin.get("data_collections").is_null());
  EXPECT_EQ(begin.get_int64("ts_ms"), Src(r[1]).get_int64("ts_ms"));  // the commit time
  EXPECT_LE(r[0].source_offset.at("lsn").get<uint64_t>(), Src(r[1]).get_int64("lsn"));

  const SchemaPtr& block_schema = r[1].value_schema->field("transaction")->schema;
  EXPECT_EQ(block_schema->name(), "event.block");
  EXPECT_EQ(block_schema->version(), 1);
  EXPECT_TRUE(block_schema->optional());
  const std::vector<std::tuple<size_t, std::string, int64_t, int64_t>> blocks = {
      {1, "c", 1, 1}, {2, "c", 2, 1}, {3, "u", 3, 2}, {4, "d", 4, 2}};
  for (const auto& [i, op, total, per_table] : blocks) {
    EXPECT_EQ(Op(r[i]), op) << i;
    EXPECT_EQ(TxBlock(r[i]).get_string("id"), id) << i;
    EXPECT_EQ(TxBlock(r[i]).get_int64("total_order"), total) << i;
    EXPECT_EQ(TxBlock(r[i]).get_int64("data_collection_order"), per_table) << i;
    EXPECT_EQ(r[i].source_offset.at("transaction_id"), id) << i;
  }
  EXPECT_TRUE(r[5].value.is_null());  // the tombstone is not an event of the transaction
  EXPECT_EQ(r[5].source_offset.at("transaction_data_collection_order_public.tx_b"), 2);
  EXPECT_EQ(r[5].source_offset.at("transaction_data_collection_order_public.tx_a"), 2);

  ExpectTransactionEvent(r[6], "END", id);
  EXPECT_EQ(r[6].value.as_struct().get_int64("event_count"), 4);
  EXPECT_EQ(r[6].value.as_struct().get_int64("ts_ms"), Src(r[1]).get_int64("ts_ms"));
  using Pairs = std::vector<std::pair<std::string, int64_t>>;
  EXPECT_EQ(Collections(r[6]), (Pairs{{"public.tx_a", 2}, {"public.tx_b", 2}}));
  EXPECT_FALSE(r[6].source_offset.contains("transaction_id"));
  EXPECT_EQ(r[6].source_offset.at("lsn_commit"), r[6].source_offset.at("lsn"));

  const std::string second = std::to_string(Src(r[8]).get_int64("txId"));
  EXPECT_NE(second, id);
  ExpectTransactionEvent(r[7], "BEGIN", second);
  EXPECT_EQ(TxBlock(r[8]).get_int64("total_order"), 1);
  ExpectTransactionEvent(r[9], "END", second);
  EXPECT_EQ(Collections(r[9]), (Pairs{{"public.tx_b", 1}}));
  task->Stop();
}

TEST_F(PostgresSourceTest, TransactionMetadataSurvivesRestartsWithoutRepeatsOrMiscounts) {
  pg_->Execute("CREATE TABLE txr (id int PRIMARY KEY)");
  ConfigMap config = Config("txr", "public\\.txr", "no_data");
  config["provide.transaction.metadata"] = "true";
  auto task = StartTask(config);
  std::string statements = "BEGIN;";
  for (int i = 1; i <= 6; ++i) statements += " INSERT INTO txr VALUES (" + std::to_string(i) + ");";
  pg_->Execute(statements + " COMMIT");
  const auto ids_and_orders = [](const std::vector<SourceRecord>& records) {
    std::vector<std::pair<int32_t, int64_t>> out;
    for (const auto& r : records) {
      if (r.topic == "it.public.txr") {
        out.emplace_back(After(r).get_int32("id"), TxBlock(r).get_int64("total_order"));
      }
    }
    return out;
  };
  using Pairs = std::vector<std::pair<int32_t, int64_t>>;

  // The BEGIN is committed, nothing else: the events come again, the BEGIN does not.
  std::vector<SourceRecord> first = PollN(*task, 8, /*commit=*/false);
  ASSERT_EQ(first.size(), 8u);
  const std::string id = first[0].key.as_struct().get_string("id");
  host_.SetOffset(first[0].source_partition, first[0].source_offset);
  task->Commit();
  task.reset();
  task = StartTask(config);
  std::vector<SourceRecord> second = PollN(*task, 7, /*commit=*/false);
  ASSERT_EQ(second.size(), 7u);
  EXPECT_EQ(ids_and_orders(second), (Pairs{{1, 1}, {2, 2}, {3, 3}, {4, 4}, {5, 5}, {6, 6}}));
  ExpectTransactionEvent(second[6], "END", id);
  EXPECT_EQ(second[6].value.as_struct().get_int64("event_count"), 6);

  // Committed up to the third insert: the rest, numbered on, and END counting all six.
  host_.SetOffset(second[2].source_partition, second[2].source_offset);
  task->Commit();
  task.reset();
  task = StartTask(config);
  std::vector<SourceRecord> third = PollN(*task, 4, /*commit=*/false);
  ASSERT_EQ(third.size(), 4u);
  EXPECT_EQ(ids_and_orders(third), (Pairs{{4, 4}, {5, 5}, {6, 6}}));
  ExpectTransactionEvent(third[3], "END", id);
  EXPECT_EQ(third[3].value.as_struct().get_int64("event_count"), 6);
  EXPECT_EQ(Collections(third[3]),
            (std::vector<std::pair<std::string, int64_t>>{{"public.txr", 6}}));

  // Committed through END: nothing of the transaction again; the next one as usual.
  host_.SetOffset(third[3].source_partition, third[3].source_offset);
  task->Commit();
  task.reset();
  config["slot.drop.on.stop"] = "true";  // the shared server has 10 slots
  task = StartTask(config);
  pg_->Execute("INSERT INTO txr VALUES (7)");
  std::vector<SourceRecord> fourth = PollN(*task, 3);
  ASSERT_EQ(fourth.size(), 3u);
  EXPECT_EQ(fourth[0].value.as_struct().get_string("status"), "BEGIN");
  EXPECT_NE(fourth[0].key.as_struct().get_string("id"), id);
  EXPECT_EQ(ids_and_orders(fourth), (Pairs{{7, 1}}));
  EXPECT_EQ(fourth[2].value.as_struct().get_string("status"), "END");
  task->Stop();
}

// ---- types beyond the common ones, and the handling modes
// ----------------------------------------

Bytes PointWkb(double x, double y) {
  Bytes wkb{1, 1, 0, 0, 0};
  for (const double d : {x, y}) {
    uint64_t bits = 0;
    std::memcpy(&bits, &d, sizeof d);
    for (int i = 0; i < 8; ++i) wkb.push_back(static_cast<uint8_t>(bits >> (8 * i)));
  }
  return wkb;
}

TEST_F(PostgresSourceTest, MoneyBitsPointTimetzLtreeHstoreTsvectorMatchDebezium) {
  pg_->Execute("CREATE EXTENSION IF NOT EXISTS hstore");
  pg_->Execute("CREATE EXTENSION IF NOT EXISTS ltree");
  pg_->Execute(
      "CREATE TABLE more_types (id int PRIMARY KEY, m money, b1 bit(1), b10 bit(10), vb "
      "varbit(16), vbu varbit, p point, tt timetz, lt ltree, hs hstore, tv tsvector, ip inet, "
      "cn cidr, mac macaddr, ltarr ltree[], iarr interval[])");
  pg_->Execute("ALTER TABLE more_types REPLICA IDENTITY FULL");
  const std::string row1 =
      "(1, 1234.56, B'1', B'1000000001', B'101', B'1', '(1.5,-2)', '13:45:30.5+02', "
      "'Top.Science', '\"b\"=>\"1\", \"k\"=>\"2\", \"p\"=>\"3\", \"z\"=>NULL', "
      "'a fat cat', "
      "'192.168.1.5/24', '10.0.0.0/8', '08:00:2b:01:02:03', '{a.b,c}', '{1 day}')";
  pg_->Execute("INSERT INTO more_types VALUES " + row1);
  ConfigMap config = Config("more", "public\\.more_types", "initial");
  config["slot.drop.on.stop"] = "true";  // the shared server has 10 slots
  auto task = StartTask(config);
  const std::vector<SourceRecord> snap = PollN(*task, 1);
  ASSERT_EQ(snap.size(), 1u);
  pg_->Execute(
      "INSERT INTO more_types VALUES (2, -0.5, B'0', B'0000000000', B'', B'0000000001', "
      "'(0,0.25)', '00:30:00-01', 'a', '', '', '::1', '::/0', 'ff:ff:ff:ff:ff:ff', '{}', NULL)");
  pg_->Execute("UPDATE more_types SET m = 99.99 WHERE id = 2");
  pg_->Execute("DELETE FROM more_types WHERE id = 2");
  const std::vector<SourceRecord> r = PollN(*task, 4);
  ASSERT_EQ(r.size(), 4u);

  // The same row from the snapshot (pg_attribute's modifiers, SELECT's text) and the stream.
  for (const SourceRecord* rec : {&snap[0], &r[0]}) {
    const Struct& a = After(*rec);
    const bool first = rec == &snap[0];
    SCOPED_TRACE(first ? "snapshot" : "stream");
    const SchemaPtr& m = a.schema()->field("m")->schema;
    EXPECT_EQ(m->name(), "org.apache.kafka.connect.data.Decimal");
    EXPECT_EQ(m->parameters(), (std::map<std::string, std::string>{{"scale", "2"}}));
    EXPECT_EQ(Decimal::ToString(a.get_bytes("m"), 2), first ? "1234.56" : "-0.50");
    EXPECT_EQ(a.schema()->field("b1")->schema->type(), Type::kBoolean);
    EXPECT_EQ(a.get_boolean("b1"), first);
    const SchemaPtr& b10 = a.schema()->field("b10")->schema;
    EXPECT_EQ(b10->name(), "io.debezium.data.Bits");
    EXPECT_EQ(b10->parameters().at("length"), "10");
    EXPECT_EQ(a.get_bytes("b10"), first ? (Bytes{0x01, 0x02}) : Bytes{});
    EXPECT_EQ(a.schema()->field("vb")->schema->parameters().at("length"), "16");
    EXPECT_EQ(a.get_bytes("vb"), first ? Bytes{0x05} : Bytes{});
    EXPECT_EQ(a.schema()->field("vbu")->schema->parameters().at("length"), "2147483647");
    EXPECT_EQ(a.get_bytes("vbu"), Bytes{0x01});
    const Struct& p = a.get_struct("p");
    EXPECT_EQ(p.schema()->name(), "io.debezium.data.geometry.Point");
    EXPECT_EQ(p.schema()->doc(), "Geometry (POINT)");
    EXPECT_EQ(p.get_float64("x"), first ? 1.5 : 0.0);
    EXPECT_EQ(p.get_float64("y"), first ? -2.0 : 0.25);
    EXPECT_EQ(p.get_bytes("wkb"), first ? PointWkb(1.5, -2) : PointWkb(0, 0.25));
    EXPECT_TRUE(p.get("srid").is_null());
    EXPECT_EQ(FieldSchemaName(a, "tt"), "io.debezium.time.ZonedTime");
    EXPECT_EQ(a.get_string("tt"), first ? "11:45:30.5Z" : "01:30:00Z");
    EXPECT_EQ(FieldSchemaName(a, "lt"), "io.debezium.data.Ltree");
    EXPECT_EQ(a.get_string("lt"), first ? "Top.Science" : "a");
    EXPECT_EQ(FieldSchemaName(a, "hs"), "io.debezium.data.Json");
    // java.util.HashMap's order, as Debezium's JSON has it.
    EXPECT_EQ(a.get_string("hs"),
              first ? "{\"p\":\"3\",\"b\":\"1\",\"z\":null,\"k\":\"2\"}" : "{}");
    EXPECT_EQ(FieldSchemaName(a, "tv"), "io.debezium.data.Tsvector");
    EXPECT_EQ(a.get_string("tv"), first ? "'a' 'cat' 'fat'" : "");
    EXPECT_EQ(a.schema()->field("ip")->schema->type(), Type::kString);
    EXPECT_EQ(a.get_string("ip"), first ? "192.168.1.5/24" : "::1");
    EXPECT_EQ(a.get_string("cn"), first ? "10.0.0.0/8" : "::/0");
    EXPECT_EQ(a.get_string("mac"), first ? "08:00:2b:01:02:03" : "ff:ff:ff:ff:ff:ff");
    EXPECT_EQ(a.schema()->field("ltarr")->schema->value_schema()->name(), "io.debezium.data.Ltree");
    EXPECT_EQ(a.get_array("ltarr"), first ? (Value::Array{"a.b", "c"}) : Value::Array{});
    EXPECT_EQ(a.schema()->field("iarr"), nullptr);  // Debezium leaves interval[] out
  }
  EXPECT_EQ(Op(snap[0]), "r");
  EXPECT_EQ(Op(r[0]), "c");
  EXPECT_EQ(Op(r[1]), "u");
  EXPECT_EQ(Decimal::ToString(Before(r[1]).get_bytes("m"), 2), "-0.50");
  EXPECT_EQ(Decimal::ToString(After(r[1]).get_bytes("m"), 2), "99.99");
  EXPECT_EQ(Before(r[1]).get_struct("p").get_float64("y"), 0.25);
  EXPECT_EQ(Op(r[2]), "d");
  EXPECT_EQ(Before(r[2]).get_string("tt"), "01:30:00Z");
  EXPECT_EQ(Before(r[2]).get_bytes("vbu"), Bytes{0x01});
  EXPECT_TRUE(r[3].value.is_null());
  task->Stop();
  task.reset();  // slot.drop.on.stop: gone once the task is, even if its walsender lingers
  EXPECT_EQ(pg_->Execute("SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'more_slot'")
                .Scalar(),
            "0");
}

TEST_F(PostgresSourceTest, HandlingModesMatchDebeziumSchemasAndValues) {
  pg_->Execute("CREATE EXTENSION IF NOT EXISTS hstore");
  pg_->Execute(
      "CREATE TABLE modes (id int PRIMARY KEY, n numeric(10,2), nv numeric, m money, by bytea, "
      "d date, t time, t3 time(3), ts timestamp, iv interval, hs hstore, narr numeric(6,1)[])");
  ConfigMap text_modes = Config("modes_a", "public\\.modes", "no_data");
  text_modes["decimal.handling.mode"] = "string";
  text_modes["time.precision.mode"] = "connect";
  text_modes["binary.handling.mode"] = "base64";
  text_modes["interval.handling.mode"] = "string";
  text_modes["hstore.handling.mode"] = "map";
  ConfigMap double_modes = Config("modes_b", "public\\.modes", "no_data");
  double_modes["decimal.handling.mode"] = "double";
  double_modes["time.precision.mode"] = "adaptive_time_microseconds";
  double_modes["binary.handling.mode"] = "hex";
  ConfigMap precise = Config("modes_c", "public\\.modes", "no_data");
  precise["binary.handling.mode"] = "base64-url-safe";
  precise["money.fraction.digits"] = "3";
  // One task at a time (the shared server has 10 slots), each streaming its own insert.
  int id = 0;
  const auto insert_and_capture = [&](ConfigMap config) {
    config["slot.drop.on.stop"] = "true";
    config["topic.prefix"] = "modes" + std::to_string(++id);  // an offset of its own
    auto task = StartTask(config);
    pg_->Execute("INSERT INTO modes VALUES (" + std::to_string(id) +
                 ", 12345.67, 0.00000010, 7.5, '\\xfbff01', '2024-02-29', '13:45:30.123456', "
                 "'13:45:30.123', '2024-02-29 13:45:30.123456', '1 year 2 mons 3 days "
                 "04:05:06.5', '\"k\"=>\"v\"', '{1.5,NULL}')");
    std::vector<SourceRecord> records = PollN(*task, 1);
    task->Stop();
    if (records.size() != 1) throw std::runtime_error("no change event");
    return std::move(records[0]);
  };
  using std::chrono::February;
  const int32_t day = Days(std::chrono::year(2024) / February / 29);

  const SourceRecord a_record = insert_and_capture(text_modes);
  const Struct& a = After(a_record);
  for (const char* f : {"n", "nv", "m", "by", "iv"}) {
    EXPECT_EQ(a.schema()->field(f)->schema->type(), Type::kString) << f;
  }
  EXPECT_EQ(a.get_string("n"), "12345.67");
  EXPECT_EQ(a.get_string("nv"), "1.0E-7");  // Java's BigDecimal.toString()
  EXPECT_EQ(a.get_string("m"), "7.50");
  EXPECT_EQ(a.get_string("by"), "+/8B");
  EXPECT_EQ(FieldSchemaName(a, "d"), "org.apache.kafka.connect.data.Date");
  EXPECT_EQ(a.get_int32("d"), day);
  EXPECT_EQ(FieldSchemaName(a, "t"), "org.apache.kafka.connect.data.Time");
  EXPECT_EQ(a.get_int32("t"), 49530123);
  EXPECT_EQ(a.get_int32("t3"), 49530123);
  EXPECT_EQ(FieldSchemaName(a, "ts"), "org.apache.kafka.connect.data.Timestamp");
  EXPECT_EQ(a.get_int64("ts"), day * 86400000LL + 49530123);
  EXPECT_EQ(FieldSchemaName(a, "iv"), "io.debezium.time.Interval");
  EXPECT_EQ(a.get_string("iv"), "P1Y2M3DT4H5M6.5S");
  EXPECT_EQ(a.schema()->field("hs")->schema->type(), Type::kMap);
  EXPECT_EQ(a.get("hs"), Value(Value::Map{{Value("k"), Value("v")}}));
  EXPECT_EQ(a.get_array("narr"), (Value::Array{"1.5", Value()}));

  const SourceRecord b_record = insert_and_capture(double_modes);
  const Struct& b = After(b_record);
  EXPECT_EQ(b.schema()->field("n")->schema->type(), Type::kFloat64);
  EXPECT_EQ(b.schema()->field("n")->schema->name(), "");
  EXPECT_EQ(b.get_float64("n"), 12345.67);
  EXPECT_EQ(b.get_float64("nv"), 1e-7);
  EXPECT_EQ(b.get_float64("m"), 7.5);
  EXPECT_EQ(b.get_string("by"), "fbff01");
  EXPECT_EQ(FieldSchemaName(b, "d"), "io.debezium.time.Date");
  EXPECT_EQ(FieldSchemaName(b, "t3"), "io.debezium.time.MicroTime");
  EXPECT_EQ(b.get_int64("t3"), 49530123000);
  EXPECT_EQ(FieldSchemaName(b, "ts"), "io.debezium.time.MicroTimestamp");
  EXPECT_EQ(b.get_int64("iv"), 37091106500000);
  EXPECT_EQ(b.get_string("hs"), "{\"k\":\"v\"}");
  EXPECT_EQ(b.get_array("narr"), (Value::Array{1.5, Value()}));

  const SourceRecord c_record = insert_and_capture(precise);
  const Struct& c = After(c_record);
  EXPECT_EQ(c.schema()->field("m")->schema->parameters().at("scale"), "3");
  EXPECT_EQ(Decimal::ToString(c.get_bytes("m"), 3), "7.500");
  EXPECT_EQ(c.get_string("by"), "-_8B");
  EXPECT_EQ(c.get_struct("nv").get_int32("scale"), 7);  // trailing zeros stripped
  EXPECT_EQ(FieldSchemaName(c, "t3"), "io.debezium.time.Time");
}

// The slot's confirmed position never passes a change the runtime has not committed (it may reach
// the change's LSN: a slot confirmed at a transaction's first change still sends the whole
// transaction, as its commit comes after), even while the task reads WAL past it; once the change
// is committed and nothing else is owed, the task confirms everything it received, uncaptured
// tables' transactions included.
TEST_F(PostgresSourceTest, ConfirmedFlushNeverPassesAnUncommittedChange) {
  pg_->Execute("CREATE TABLE owed (id int PRIMARY KEY); CREATE TABLE owed_other (id int)");
  auto task = StartTask(Config("owed", "public\\.owed", "no_data"));
  pg_->Execute("INSERT INTO owed VALUES (1)");
  ASSERT_EQ(PollN(*task, 1).size(), 1u);  // emitted and committed

  pg_->Execute("INSERT INTO owed VALUES (2)");
  const std::vector<SourceRecord> owed = PollN(*task, 1, /*commit=*/false);
  ASSERT_EQ(owed.size(), 1u);
  const uint64_t owed_lsn = owed[0].source_offset.at("lsn").get<uint64_t>();
  for (int i = 0; i < 5; ++i)
    pg_->Execute("INSERT INTO owed_other VALUES (" + std::to_string(i) + ")");
  const uint64_t after_other = CurrentWalLsn();
  // Poll (committing nothing) until the task has read past the other table's transactions.
  const auto deadline = Clock::now() + std::chrono::seconds(60);
  while (!SlotClientWroteUpTo("owed_slot", after_other) && Clock::now() < deadline) {
    EXPECT_TRUE(task->Poll().empty());
    EXPECT_LE(std::stoull(SlotFlushLsn("owed_slot")), owed_lsn);
  }
  ASSERT_TRUE(SlotClientWroteUpTo("owed_slot", after_other));
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(task->Poll().empty());
  EXPECT_LE(std::stoull(SlotFlushLsn("owed_slot")), owed_lsn);

  // Committed: nothing is owed any more, and the slot moves past the other table's WAL.
  host_.SetOffset(owed[0].source_partition, owed[0].source_offset);
  task->Commit();
  const auto confirmed_by = Clock::now() + std::chrono::seconds(60);
  while (std::stoull(SlotFlushLsn("owed_slot")) < after_other && Clock::now() < confirmed_by)
    EXPECT_TRUE(task->Poll().empty());
  EXPECT_GE(std::stoull(SlotFlushLsn("owed_slot")), after_other);

  // A restart from the committed offset, behind the slot's position, repeats and loses nothing.
  task.reset();
  pg_->Execute("INSERT INTO owed VALUES (3)");
  auto again = StartTask(Config("owed", "public\\.owed", "no_data"));
  const std::vector<SourceRecord> rest = PollN(*again, 1);
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(After(rest[0]).get_int32("id"), 3);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(again->Poll().empty());
  again->Stop();
}

// A clean (fast) shutdown finishes while a task streams from the server: PostgreSQL's walsender
// exits only once its client confirmed all it was sent, which the task does when the runtime has
// committed everything it emitted. The task reconnects and goes on without loss or repeats.
TEST_F(PostgresSourceTest, CleanShutdownFinishesWhileStreamingAndStreamingGoesOn) {
  pg_->Execute("CREATE TABLE calm (id int PRIMARY KEY); CREATE TABLE calm_other (id int)");
  auto task = StartTask(Config("calm", "public\\.calm", "no_data"));
  BackgroundPoller poller(*task, host_);
  for (int i = 1; i <= 5; ++i) pg_->Execute("INSERT INTO calm VALUES (" + std::to_string(i) + ")");
  pg_->Execute("INSERT INTO calm_other VALUES (1)");
  ASSERT_EQ(poller.WaitFor(5).size(), 5u);

  const size_t clean_before = CleanShutdowns(*pg_);
  pg_->Restart();  // fast shutdown; SIGKILL after the testkit's grace period
  EXPECT_EQ(CleanShutdowns(*pg_), clean_before + 1)
      << "the server did not shut down cleanly within the grace period and was killed";

  for (int i = 6; i <= 10; ++i) pg_->Execute("INSERT INTO calm VALUES (" + std::to_string(i) + ")");
  const std::vector<SourceRecord> all = poller.WaitFor(10);
  poller.Join();
  std::vector<int32_t> ids;
  ids.reserve(all.size());
  for (const auto& r : all) ids.push_back(After(r).get_int32("id"));
  EXPECT_EQ(ids, (std::vector<int32_t>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(task->Poll().empty());
  task->Stop();
}

// Last: it crashes the shared server.
TEST_F(PostgresSourceTest, ReconnectsAfterAServerCrashWithoutLoss) {
  pg_->Execute("CREATE TABLE recon (id int PRIMARY KEY)");
  auto task = StartTask(Config("recon", "public\\.recon", "no_data"));
  pg_->Execute("INSERT INTO recon SELECT generate_series(1, 5)");
  ASSERT_EQ(PollN(*task, 5).size(), 5u);
  pg_->Kill();
  pg_->Restart();
  pg_->Execute("INSERT INTO recon SELECT generate_series(6, 10)");
  const std::vector<SourceRecord> after = PollN(*task, 5);
  std::vector<int32_t> ids;
  ids.reserve(after.size());
  for (const auto& r : after) ids.push_back(After(r).get_int32("id"));
  EXPECT_EQ(ids, (std::vector<int32_t>{6, 7, 8, 9, 10}));
  bool logged = false;
  for (const auto& line : host_.logs())
    logged |= line.message.find("Reconnected") != std::string::npos;
  EXPECT_TRUE(logged);
  task->Stop();
}

}  // namespace
}  // namespace ck::postgres
