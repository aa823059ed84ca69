// A replica kept by change data capture, end to end: PostgreSQL CDC source -> Kafka ->
// ExtractNewRecordState -> JDBC sink into MariaDB. One connectkit worker (ConnectCluster) with the
// postgres and jdbc plugins, a real Apache Kafka broker, a real PostgreSQL 15 and a real MariaDB
// (all from the testkit), both connectors configured as a Debezium user would: the source with
// Debezium's PostgresConnector keys, the sink with Debezium's JDBC sink keys, upserting by the
// record key, creating the table, and unwrapping the change events with deletes kept as
// tombstones (`delete.handling.mode=none`, `drop.tombstones=false`) so that `delete.enabled`
// deletes the row.
//
// The source table has a column of each common type. After the snapshot, inserts, updates (of
// several columns at once, to and from NULL, the key kept; and one of the key) and deletes, the
// MariaDB table must equal the PostgreSQL table row by row and column by column, each database
// rendering its values as the same text.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "ck/testkit/connect_cluster.h"
#include "ck/testkit/kafka_cluster.h"
#include "ck/testkit/mariadb_server.h"
#include "ck/testkit/postgres_server.h"
#include "ck/testkit/sql_result.h"

namespace {

using ck::testkit::ConnectCluster;
using ck::testkit::Eventually;
using ck::testkit::KafkaCluster;
using ck::testkit::MariaDbServer;
using ck::testkit::PostgresServer;
using ck::testkit::SqlResult;
using json = nlohmann::json;

constexpr char kTopic[] = "shop.public.orders";

// Every column of the source table, as text both databases render alike: booleans as 0/1,
// timestamps in UTC with microseconds, bytes in lower-case hex.
constexpr char kPostgresRows[] =
    "SELECT id::text, item, code, qty::text, total::text, price::text, ratio::text, "
    "active::int::text, born::text, to_char(seen, 'YYYY-MM-DD HH24:MI:SS.US'), "
    "to_char(changed AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'), encode(payload, 'hex'), "
    "ref::text FROM orders ORDER BY orders.id";
constexpr char kMariaDbRows[] =
    "SELECT id, item, code, qty, total, price, ratio, active, born, "
    "DATE_FORMAT(seen, '%Y-%m-%d %H:%i:%s.%f'), DATE_FORMAT(changed, '%Y-%m-%d %H:%i:%s.%f'), "
    "LOWER(HEX(payload)), ref FROM orders_replica ORDER BY id";

std::string Format(const SqlResult& result) {
  std::string out;
  for (const SqlResult::Row& row : result.rows) {
    for (const auto& value : row) out += (value ? *value : "NULL") + " | ";
    out += "\n";
  }
  return out;
}

class CdcReplicaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Fixed topic and slot names: servers of its own, never shared ones.
    kafka_ = KafkaCluster::Start({.exclusive = true});
    pg_ = PostgresServer::Start({.exclusive = true});
    mariadb_ = MariaDbServer::Start({.exclusive = true});
    connect_ = ConnectCluster::Start(
        {.bootstrap_servers = kafka_->bootstrap_servers(),
         .plugins = {"reference-connectors/postgres/postgres.tar.gz",
                     "reference-connectors/jdbc/jdbc.tar.gz"},
         .worker_properties = {{"key.converter", "org.apache.kafka.connect.json.JsonConverter"},
                               {"key.converter.schemas.enable", "true"},
                               {"value.converter", "org.apache.kafka.connect.json.JsonConverter"},
                               {"value.converter.schemas.enable", "true"}}});
  }

  json SourceConfig() const {
    return {{"connector.class", "io.debezium.connector.postgresql.PostgresConnector"},
            {"database.hostname", pg_->host()},
            {"database.port", std::to_string(pg_->port())},
            {"database.user", pg_->user()},
            {"database.password", pg_->password()},
            {"database.dbname", pg_->database()},
            {"topic.prefix", "shop"},
            {"plugin.name", "pgoutput"},
            {"table.include.list", "public.orders"},
            {"poll.interval.ms", "100"}};
  }

  json SinkConfig() const {
    return {{"connector.class", "io.debezium.connector.jdbc.JdbcSinkConnector"},
            {"topics", kTopic},
            {"connection.url", "jdbc:mariadb://" + mariadb_->host() + ":" +
                                   std::to_string(mariadb_->port()) + "/" + mariadb_->database()},
            {"connection.username", mariadb_->user()},
            {"connection.password", mariadb_->password()},
            {"insert.mode", "upsert"},
            {"primary.key.mode", "record_key"},
            {"delete.enabled", "true"},
            {"auto.create", "true"},
            {"table.name.format", "orders_replica"},
            {"transforms", "unwrap"},
            {"transforms.unwrap.type", "io.debezium.transforms.ExtractNewRecordState"},
            {"transforms.unwrap.delete.handling.mode", "none"},
            {"transforms.unwrap.drop.tombstones", "false"}};
  }

  // Success once the replica holds exactly the source's rows; else what each holds.
  testing::AssertionResult ReplicaEqualsSource(const std::string& phase) {
    std::string source, replica;
    const testing::AssertionResult equal = Eventually(
        "the MariaDB replica to equal the PostgreSQL table after " + phase,
        [&] {
          source = Format(pg_->Execute(kPostgresRows));
          try {
            replica = Format(mariadb_->Execute(kMariaDbRows));
          } catch (const std::runtime_error& e) {  // the sink has not created the table yet
            replica = e.what();
          }
          return source == replica;
        },
        std::chrono::seconds(120), &connect_->worker());
    if (equal) return equal;
    return testing::AssertionFailure() << equal.message() << "\nPostgreSQL:\n"
                                       << source << "MariaDB:\n"
                                       << replica;
  }

  std::unique_ptr<KafkaCluster> kafka_;
  std::unique_ptr<PostgresServer> pg_;
  std::unique_ptr<MariaDbServer> mariadb_;
  std::unique_ptr<ConnectCluster> connect_;
};

TEST_F(CdcReplicaTest, MariaDbReplicaFollowsInsertsUpdatesAndDeletes) {
  pg_->Execute(
      "CREATE TABLE orders (id integer PRIMARY KEY, item text NOT NULL, code varchar(16), "
      "qty smallint, total bigint, price numeric(10,2), ratio double precision, active boolean, "
      "born date, seen timestamp(6), changed timestamptz, payload bytea, ref uuid)");
  pg_->Execute(
      "INSERT INTO orders VALUES "
      "(1, 'apple', 'A-1', 3, 9000000000, 12.50, 0.25, true, '2024-02-29', "
      "'2024-03-01 10:11:12.123456', '2024-03-01 10:11:12.5+02', '\\x00ff10', "
      "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'), "
      "(2, 'pear', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)");
  kafka_->CreateTopic(kTopic, 1);
  connect_->worker().CreateConnector("pg-source", SourceConfig());
  ASSERT_TRUE(connect_->worker().ConnectorAndTasksRunning("pg-source", 1));
  connect_->worker().CreateConnector("mariadb-replica", SinkConfig());
  ASSERT_TRUE(connect_->worker().ConnectorAndTasksRunning("mariadb-replica", 1));
  ASSERT_TRUE(ReplicaEqualsSource("the snapshot"));

  pg_->Execute(
      "INSERT INTO orders SELECT g, 'item ' || g, 'C-' || g, g % 100, g::bigint * 1000000007, "
      "g * 1.25, g / 4.0, g % 2 = 0, date '2020-01-01' + g, "
      "timestamp '2021-06-01 00:00:00' + g * interval '1.000001 second', "
      "timestamptz '2022-01-01 00:00:00+00' + g * interval '1 minute', "
      "decode(lpad(to_hex(g), 4, '0'), 'hex'), md5(g::text)::uuid "
      "FROM generate_series(3, 200) g");
  pg_->Execute("INSERT INTO orders (id, item) VALUES (201, 'quote '' and ; -- not SQL')");
  ASSERT_TRUE(ReplicaEqualsSource("the inserts"));

  // Several columns at once with the key kept, to and from NULL; rows touched more than once.
  pg_->Execute(
      "UPDATE orders SET item = 'apple (green)', qty = 4, price = 13.75, active = false, "
      "changed = '2024-03-02 00:00:00+00', payload = NULL WHERE id = 1");
  pg_->Execute(
      "UPDATE orders SET code = 'P-2', qty = 1, total = -1, ratio = -2.5, active = true, "
      "born = '1999-12-31', seen = '2000-01-01 00:00:00', ref = "
      "'b0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12' WHERE id = 2");
  pg_->Execute("UPDATE orders SET qty = qty + 1, price = price * 2 WHERE id % 3 = 0");
  pg_->Execute("UPDATE orders SET code = NULL, seen = NULL WHERE id % 7 = 0");
  pg_->Execute("UPDATE orders SET qty = qty + 1 WHERE id % 6 = 0");
  // A new key: Debezium's delete of the old key (and its tombstone), then a create.
  pg_->Execute("UPDATE orders SET id = 1000, item = 'renumbered' WHERE id = 3");
  ASSERT_TRUE(ReplicaEqualsSource("the updates"));

  pg_->Execute("DELETE FROM orders WHERE id % 5 = 0 OR id = 1");
  pg_->Execute("INSERT INTO orders (id, item) VALUES (10, 'back again')");
  pg_->Execute("DELETE FROM orders WHERE id = 201");
  ASSERT_TRUE(ReplicaEqualsSource("the deletes"));
  EXPECT_EQ(mariadb_->Execute("SELECT COUNT(*) FROM orders_replica").Scalar(),
            pg_->Execute("SELECT count(*) FROM orders").Scalar());

  EXPECT_TRUE(connect_->worker().ConnectorAndTasksRunning("pg-source", 1));
  EXPECT_TRUE(connect_->worker().ConnectorAndTasksRunning("mariadb-replica", 1));
}

}  // namespace
