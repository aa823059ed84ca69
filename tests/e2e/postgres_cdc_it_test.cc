// The PostgreSQL CDC plugin in the connectkit binary, end to end: a real PostgreSQL 15 and a real
// Apache Kafka broker (both from the testkit), the plugin installed from its tarball on
// plugin.path, and the connector created over Kafka Connect's REST API with a Debezium
// configuration (Debezium's class name). Checks the snapshot and streamed events as JsonConverter
// writes them to Kafka, that the slot's confirmed flush position advances once offsets are
// committed, and that a SIGKILL of the worker in the middle of a stream loses no change.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "ck/testkit/kafka_cluster.h"
#include "ck/testkit/postgres_server.h"
#include "testkit/services/local_service.h"

namespace {

using ck::testkit::KafkaCluster;
using ck::testkit::PostgresServer;
using ck::testkit::services_internal::ChildProcess;
using ck::testkit::services_internal::FileTail;
using ck::testkit::services_internal::ScratchDir;
using ::testing::HasSubstr;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class PostgresCdcTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Fixed topic names, and it reads every replication slot: servers of its own, never shared.
    kafka_ = KafkaCluster::Start({.exclusive = true});
    pg_ = PostgresServer::Start({.exclusive = true});
    plugins_ = dir_.path() + "/plugins";
    std::filesystem::create_directories(plugins_);
    std::filesystem::copy(
        std::filesystem::absolute("reference-connectors/postgres/postgres.tar.gz"), plugins_);
    worker_properties_ = dir_.path() + "/worker.properties";
    std::ofstream(worker_properties_)
        << "bootstrap.servers=" << kafka_->bootstrap_servers()
        << "\noffset.storage.file.filename=" << dir_.path()
        << "/connect.offsets\noffset.flush.interval.ms=200\nplugin.path=" << plugins_
        << "\nlisteners=http://127.0.0.1:0\n"
           "key.converter=org.apache.kafka.connect.json.JsonConverter\n"
           "key.converter.schemas.enable=false\n"
           "value.converter=org.apache.kafka.connect.json.JsonConverter\n"
           "value.converter.schemas.enable=true\n";
  }

  void StartWorker() {
    const std::string log = dir_.path() + "/worker.log";
    worker_ = ChildProcess::Spawn({std::filesystem::absolute("runtime/cli/connectkit").string(),
                                   "standalone", worker_properties_},
                                  log);
    const std::string listening = "REST server listening on port ";
    const auto deadline = Clock::now() + std::chrono::seconds(30);
    std::string text;
    size_t at;
    while ((at = (text = ReadFile(log)).rfind(listening)) == std::string::npos ||
           text.size() <= log_offset_ || at < log_offset_) {
      ASSERT_TRUE(worker_.Running()) << "the worker died: " << FileTail(log, 4000);
      ASSERT_LT(Clock::now(), deadline) << FileTail(log, 4000);
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    port_ = std::stoi(text.substr(at + listening.size()));
    log_offset_ = text.size();
  }

  httplib::Result Call(const std::string& method, const std::string& path,
                       const std::string& body = "") {
    httplib::Client client("127.0.0.1", port_);
    client.set_read_timeout(60, 0);
    if (method == "POST") return client.Post(path, body, "application/json");
    if (method == "PUT") return client.Put(path, body, "application/json");
    return client.Get(path);
  }

  json Config() const {
    return {{"connector.class", "io.debezium.connector.postgresql.PostgresConnector"},
            {"database.hostname", pg_->host()},
            {"database.port", std::to_string(pg_->port())},
            {"database.user", pg_->user()},
            {"database.password", pg_->password()},
            {"database.dbname", pg_->database()},
            {"topic.prefix", "e2e"},
            {"plugin.name", "pgoutput"},
            {"table.include.list", "public.orders"},
            {"poll.interval.ms", "100"},
            {"status.update.interval.ms", "200"}};
  }

  void WaitRunning() {
    const auto deadline = Clock::now() + std::chrono::seconds(60);
    while (true) {
      auto r = Call("GET", "/connectors/pg/status");
      if (r && r->status == 200) {
        const json body = json::parse(r->body);
        if (body["connector"]["state"] == "RUNNING" && body["tasks"].size() == 1 &&
            body["tasks"][0]["state"] == "RUNNING") {
          return;
        }
        ASSERT_NE(body["tasks"].size() == 1 ? body["tasks"][0]["state"] : json("RUNNING"), "FAILED")
            << body.dump();
      }
      ASSERT_LT(Clock::now(), deadline) << FileTail(dir_.path() + "/worker.log", 4000);
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }

  std::unique_ptr<KafkaCluster> kafka_;
  std::unique_ptr<PostgresServer> pg_;
  ScratchDir dir_{"ck-pgcdc"};
  std::string plugins_, worker_properties_;
  ChildProcess worker_;
  int port_ = 0;
  size_t log_offset_ = 0;
};

TEST_F(PostgresCdcTest, DebeziumConfigStreamsToKafkaAndSurvivesAWorkerCrash) {
  pg_->Execute("CREATE TABLE orders (id int PRIMARY KEY, item text, qty int)");
  pg_->Execute("INSERT INTO orders VALUES (1, 'apple', 3)");
  StartWorker();

  // Validation refuses other decoding plugins by name.
  json bad = Config();
  bad["plugin.name"] = "decoderbufs";
  auto v = Call("PUT", "/connector-plugins/PostgresConnector/config/validate", bad.dump());
  ASSERT_TRUE(v);
  EXPECT_EQ(v->status, 200) << v->body;
  EXPECT_THAT(v->body, HasSubstr("only pgoutput"));

  auto created = Call("POST", "/connectors", json{{"name", "pg"}, {"config", Config()}}.dump());
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201) << created->body;
  WaitRunning();
  const std::string initial_flush =
      pg_->Execute("SELECT confirmed_flush_lsn - '0/0' FROM pg_replication_slots").Scalar();

  pg_->Execute("INSERT INTO orders VALUES (2, 'pear', 5)");
  pg_->Execute("UPDATE orders SET qty = 4 WHERE id = 2");
  pg_->Execute("DELETE FROM orders WHERE id = 1");
  const auto records = kafka_->ConsumeAll("e2e.public.orders", 5, std::chrono::seconds(60));
  ASSERT_EQ(records.size(), 5u);
  std::vector<std::string> ops;
  for (size_t i = 0; i < 4; ++i) {
    const json value = json::parse(*records[i].value);
    ops.push_back(value["payload"]["op"]);
    EXPECT_EQ(value["schema"]["name"], "e2e.public.orders.Envelope");
    EXPECT_EQ(value["payload"]["source"]["connector"], "postgresql");
    EXPECT_EQ(value["payload"]["source"]["name"], "e2e");
    EXPECT_EQ(value["payload"]["source"]["table"], "orders");
  }
  EXPECT_EQ(ops, (std::vector<std::string>{"r", "c", "u", "d"}));
  EXPECT_EQ(json::parse(*records[0].key), json({{"id", 1}}));
  EXPECT_EQ(json::parse(*records[0].value)["payload"]["source"]["snapshot"], "last");
  EXPECT_EQ(json::parse(*records[1].value)["payload"]["after"],
            json({{"id", 2}, {"item", "pear"}, {"qty", 5}}));
  EXPECT_EQ(json::parse(*records[1].value)["payload"]["source"]["snapshot"], "false");
  EXPECT_EQ(json::parse(*records[3].value)["payload"]["before"]["id"], 1);
  EXPECT_EQ(json::parse(*records[4].key), json({{"id", 1}}));
  EXPECT_FALSE(records[4].value.has_value());  // the tombstone

  // Offsets committed -> the slot's confirmed flush position moves.
  const auto deadline = Clock::now() + std::chrono::seconds(30);
  while (pg_->Execute("SELECT confirmed_flush_lsn - '0/0' FROM pg_replication_slots").Scalar() ==
         initial_flush) {
    ASSERT_LT(Clock::now(), deadline) << "the slot never advanced";
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }

  // A crash mid-stream: changes keep coming while the worker is dead; none is lost.
  pg_->Execute("INSERT INTO orders SELECT g, 'bulk', g FROM generate_series(100, 599) g");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  worker_.Kill();
  pg_->Execute("INSERT INTO orders SELECT g, 'bulk', g FROM generate_series(600, 999) g");
  StartWorker();
  WaitRunning();
  // Everything up to the end of the topic, until every row's create event is there (a restart
  // may repeat uncommitted events: duplicates are allowed, gaps are not).
  std::set<int> ids;
  const auto all_by = Clock::now() + std::chrono::seconds(90);
  while (ids.size() < 900 && Clock::now() < all_by) {
    int64_t end = 0;
    for (const auto& [partition, offset] : kafka_->EndOffsets("e2e.public.orders")) end += offset;
    for (const auto& r : kafka_->ConsumeAll("e2e.public.orders", static_cast<size_t>(end),
                                            std::chrono::seconds(30))) {
      if (!r.value) continue;
      const json p = json::parse(*r.value)["payload"];
      if (p["op"] == "c" && p["after"]["id"].get<int>() >= 100) {
        ids.insert(p["after"]["id"].get<int>());
      }
    }
    if (ids.size() < 900) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  for (int id = 100; id < 1000; ++id) EXPECT_EQ(ids.count(id), 1u) << "lost id " << id;
  worker_.Stop(std::chrono::seconds(10));
}

// The outbox pattern: rows of an outbox table -> CDC events -> Debezium's EventRouter -> records
// on outbox.event.<aggregatetype>, keyed by the aggregate id, with the payload as value.
TEST_F(PostgresCdcTest, OutboxRowsAreRoutedToAggregateTopicsByTheEventRouter) {
  pg_->Execute(
      "CREATE TABLE outbox (id uuid PRIMARY KEY, aggregatetype text NOT NULL, "
      "aggregateid text NOT NULL, type text NOT NULL, payload jsonb)");
  StartWorker();
  json config = Config();
  config["table.include.list"] = "public.outbox";
  config["transforms"] = "outbox";
  config["transforms.outbox.type"] = "io.debezium.transforms.outbox.EventRouter";
  auto created = Call("POST", "/connectors", json{{"name", "pg"}, {"config", config}}.dump());
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201) << created->body;
  WaitRunning();
  pg_->Execute(
      "INSERT INTO outbox VALUES "
      "('11111111-1111-1111-1111-111111111111', 'order', 'o-1', 'OrderCreated', '{\"total\": 5}'),"
      "('22222222-2222-2222-2222-222222222222', 'customer', 'c-7', 'CustomerUpdated', "
      "'{\"name\": \"Ann\"}'),"
      "('33333333-3333-3333-3333-333333333333', 'order', 'o-2', 'OrderCreated', '{\"total\": 9}')");
  const auto orders = kafka_->ConsumeAll("outbox.event.order", 2, std::chrono::seconds(60));
  ASSERT_EQ(orders.size(), 2u) << FileTail(dir_.path() + "/worker.log", 4000);
  EXPECT_EQ(orders[0].key, "\"o-1\"");
  EXPECT_EQ(orders[1].key, "\"o-2\"");
  const json first = json::parse(orders[0].value.value_or("null"));
  ASSERT_TRUE(first.contains("payload")) << first.dump();
  const json payload = first["payload"].is_string()
                           ? json::parse(first["payload"].get<std::string>())
                           : first["payload"];
  EXPECT_EQ(payload["total"], 5) << first.dump();
  bool has_id = false;
  for (const auto& [name, value] : orders[0].headers) {
    if (name == "id")
      has_id = value.find("11111111-1111-1111-1111-111111111111") != std::string::npos;
  }
  EXPECT_TRUE(has_id) << "the event id travels in the id header";
  const auto customers = kafka_->ConsumeAll("outbox.event.customer", 1, std::chrono::seconds(60));
  ASSERT_EQ(customers.size(), 1u);
  EXPECT_EQ(customers[0].key, "\"c-7\"");
}

}  // namespace
