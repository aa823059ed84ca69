// The JDBC sink end to end: the connectkit binary with the jdbc plugin on its plugin.path, a real
// Apache Kafka broker (KRaft, from the testkit) and a real PostgreSQL, driven over the REST API
// with a connector config written for Confluent's sink (its class name and keys). JSON records
// with schemas are upserted by key and deleted by tombstones across two partitions and two tasks;
// PostgreSQL is SIGKILLed and restarted in the middle of the stream; the table must end exactly
// at the last value of every key, with deleted keys gone, and the consumer group's offsets at the
// end of the topic. A record that cannot become a row goes to the dead-letter queue.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

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

constexpr int kKeys = 500;

std::string Runfile(const std::string& path) { return std::filesystem::absolute(path).string(); }

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string KeyJson(int id) {
  return json{{"schema",
               {{"type", "struct"},
                {"name", "shop.OrderKey"},
                {"optional", false},
                {"fields", {{{"field", "id"}, {"type", "int64"}, {"optional", false}}}}}},
              {"payload", {{"id", id}}}}
      .dump();
}

std::string ValueJson(int id, int qty) {
  return json{{"schema",
               {{"type", "struct"},
                {"name", "shop.Order"},
                {"optional", false},
                {"fields",
                 {{{"field", "id"}, {"type", "int64"}, {"optional", false}},
                  {{"field", "item"}, {"type", "string"}, {"optional", false}},
                  {{"field", "qty"}, {"type", "int32"}, {"optional", true}}}}}},
              {"payload", {{"id", id}, {"item", "item-" + std::to_string(id)}, {"qty", qty}}}}
      .dump();
}

class JdbcSinkEndToEndTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Fixed topic names, and a test kills PostgreSQL: servers of its own, never shared ones.
    kafka_ = KafkaCluster::Start({.exclusive = true});
    pg_ = PostgresServer::Start({.exclusive = true});
    plugins_ = dir_.path() + "/plugins";
    std::filesystem::create_directories(plugins_);
    std::filesystem::copy(Runfile("reference-connectors/jdbc/jdbc.tar.gz"), plugins_);
  }

  void StartWorker() {
    const std::string properties = dir_.path() + "/worker.properties";
    std::ofstream(properties) << "bootstrap.servers=" << kafka_->bootstrap_servers()
                              << "\noffset.storage.file.filename=" << dir_.path()
                              << "/connect.offsets\noffset.flush.interval.ms=200\nplugin.path="
                              << plugins_ << "\nlisteners=http://127.0.0.1:0\n"
                              << "key.converter=org.apache.kafka.connect.json.JsonConverter\n"
                              << "value.converter=org.apache.kafka.connect.json.JsonConverter\n";
    log_ = dir_.path() + "/worker.log";
    worker_ =
        ChildProcess::Spawn({Runfile("runtime/cli/connectkit"), "standalone", properties}, log_);
    const std::string listening = "REST server listening on port ";
    WaitFor([&] { return ReadFile(log_).find(listening) != std::string::npos; }, "the REST port");
    const std::string text = ReadFile(log_);
    port_ = std::stoi(text.substr(text.find(listening) + listening.size()));
  }

  json Call(const std::string& method, const std::string& path, const json& body = nullptr) {
    httplib::Client client("127.0.0.1", port_);
    client.set_read_timeout(60, 0);
    httplib::Result result =
        method == "POST" ? client.Post(path, body.dump(), "application/json") : client.Get(path);
    if (!result) {
      ADD_FAILURE() << method << " " << path << ": no response";
      return nullptr;
    }
    last_status_ = result->status;
    return json::parse(result->body, nullptr, false);
  }

  template <typename Done>
  void WaitFor(Done done, const std::string& what) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
    while (!done()) {
      ASSERT_TRUE(worker_.Running()) << "the worker died: " << FileTail(log_, 4000);
      ASSERT_LT(std::chrono::steady_clock::now(), deadline)
          << "timed out waiting for " << what << "\n"
          << FileTail(log_, 4000);
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }

  // Count, distinct ids and sum of qty of the sink's table ("" while it does not exist).
  std::string TableSummary() {
    try {
      return pg_
          ->Execute(
              "SELECT count(*) || '/' || count(DISTINCT id) || '/' || sum(qty) FROM "
              "orders")
          .Scalar();
    } catch (const std::exception&) {
      return "";
    }
  }

  ScratchDir dir_{"ck-jdbc-e2e"};
  std::unique_ptr<KafkaCluster> kafka_;
  std::unique_ptr<PostgresServer> pg_;
  std::string plugins_;
  std::string log_;
  ChildProcess worker_;
  int port_ = 0;
  int last_status_ = 0;
};

TEST_F(JdbcSinkEndToEndTest, UpsertsAndDeletesSurviveADatabaseCrash) {
  kafka_->CreateTopic("orders", 2);
  StartWorker();
  const json plugins = Call("GET", "/connector-plugins");
  EXPECT_THAT(plugins.dump(), HasSubstr("io.connectkit.jdbc.JdbcSinkConnector"));

  const json config = {{"connector.class", "io.confluent.connect.jdbc.JdbcSinkConnector"},
                       {"tasks.max", "2"},
                       {"topics", "orders"},
                       {"connection.url", "jdbc:postgresql://127.0.0.1:" +
                                              std::to_string(pg_->port()) + "/" + pg_->database()},
                       {"connection.user", pg_->user()},
                       {"connection.password", pg_->password()},
                       {"insert.mode", "upsert"},
                       {"pk.mode", "record_key"},
                       {"delete.enabled", "true"},
                       {"auto.create", "true"},
                       {"connection.attempts", "1"},
                       {"retry.backoff.ms", "200"},
                       {"max.retries", "200"},
                       {"errors.tolerance", "all"},
                       {"errors.deadletterqueue.topic.name", "orders-dlq"},
                       {"errors.deadletterqueue.topic.replication.factor", "1"}};
  Call("POST", "/connectors", {{"name", "pg-sink"}, {"config", config}});
  ASSERT_EQ(last_status_, 201);

  // Two writes per key: qty = round * kKeys + id, so the last round wins.
  for (int round = 0; round < 2; ++round) {
    for (int id = 0; id < kKeys; ++id) {
      kafka_->Produce("orders", KeyJson(id), ValueJson(id, round * kKeys + id));
    }
  }
  WaitFor([&] { return !TableSummary().empty() && TableSummary().starts_with("500/"); },
          "the first rounds in PostgreSQL");

  // Crash the database, keep producing while it is down, bring it back.
  pg_->Kill();
  for (int round = 2; round < 4; ++round) {
    for (int id = 0; id < kKeys; ++id) {
      kafka_->Produce("orders", KeyJson(id), ValueJson(id, round * kKeys + id));
    }
  }
  for (int id = 0; id < kKeys; id += 10) kafka_->Produce("orders", KeyJson(id), std::nullopt);
  // A record whose schema cannot become a row: an array field.
  kafka_->Produce("orders", KeyJson(kKeys),
                  json{{"schema",
                        {{"type", "struct"},
                         {"optional", false},
                         {"fields",
                          {{{"field", "id"}, {"type", "int64"}, {"optional", false}},
                           {{"field", "tags"},
                            {"type", "array"},
                            {"items", {{"type", "string"}, {"optional", false}}},
                            {"optional", false}}}}}},
                       {"payload", {{"id", kKeys}, {"tags", {"a", "b"}}}}}
                      .dump());
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  pg_->Restart();

  // Ids not divisible by 10 remain, each at its last round's qty (3 * kKeys + id).
  int64_t expected_sum = 0;
  int expected_rows = 0;
  for (int id = 0; id < kKeys; ++id) {
    if (id % 10 == 0) continue;
    expected_sum += 3 * kKeys + id;
    ++expected_rows;
  }
  const std::string expected = std::to_string(expected_rows) + "/" + std::to_string(expected_rows) +
                               "/" + std::to_string(expected_sum);
  WaitFor([&] { return TableSummary() == expected; }, "the final rows: " + expected);
  EXPECT_EQ(pg_->Execute("SELECT count(*) FROM orders WHERE id % 10 = 0").Scalar(), "0");
  EXPECT_EQ(pg_->Execute("SELECT item FROM orders WHERE id = 7").Scalar(), "item-7");

  // The poison record is in the dead-letter queue, and every offset is committed.
  const auto dlq = kafka_->ConsumeAll("orders-dlq", 1, std::chrono::seconds(60));
  ASSERT_EQ(dlq.size(), 1u);
  EXPECT_THAT(*dlq[0].value, HasSubstr("\"tags\""));
  WaitFor(
      [&] {
        return kafka_->GroupOffsets("connect-pg-sink", "orders") == kafka_->EndOffsets("orders");
      },
      "the consumer group's offsets at the end of the topic");
  const json status = Call("GET", "/connectors/pg-sink/status");
  EXPECT_EQ(status["connector"]["state"], "RUNNING");
  ASSERT_EQ(status["tasks"].size(), 2u);
  for (const json& task : status["tasks"]) EXPECT_EQ(task["state"], "RUNNING") << status.dump();
  EXPECT_THAT(ReadFile(log_), HasSubstr("put() failed with a retriable error"));
  worker_.Stop(std::chrono::seconds(20));
}

}  // namespace
