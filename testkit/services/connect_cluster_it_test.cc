// ConnectCluster against a real Apache Kafka broker, with the connectkit binary and the file
// plugin: every REST helper, the waiting assertions (and what their failures say), a SIGKILL and a
// restart that brings the saved connector back, process resources, and a second worker.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <string>

#include "ck/testkit/connect_cluster.h"
#include "ck/testkit/kafka_cluster.h"
#include "ck/testkit/matchers.h"

namespace {

using ck::testkit::ConnectCluster;
using ck::testkit::ConnectRestError;
using ck::testkit::ConnectWorker;
using ck::testkit::KafkaCluster;
using ck::testkit::StatusIs;
using ck::testkit::TopicHasRecords;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using json = nlohmann::json;
using namespace std::chrono_literals;

class ConnectClusterTest : public ::testing::Test {
 protected:
  // Fixed topic and connector names: a cluster of its own, never a shared one.
  static void SetUpTestSuite() { kafka_ = KafkaCluster::Start({.exclusive = true}).release(); }
  static void TearDownTestSuite() {
    delete kafka_;
    kafka_ = nullptr;
  }

  void SetUp() override {
    connect_ = ConnectCluster::Start({
        .bootstrap_servers = kafka_->bootstrap_servers(),
        .plugins = {"reference-connectors/file/file.tar.gz"},
        .worker_properties = {{"value.converter",
                               "org.apache.kafka.connect.storage.StringConverter"}},
    });
  }

  json FileSource(const std::string& topic, const std::string& file) {
    return {{"connector.class", "FileStreamSource"}, {"topic", topic}, {"file", file}};
  }

  std::string Input(const std::string& name, const std::string& text) {
    std::string path = connect_->worker().dir() + "/" + name;
    std::ofstream(path) << text;
    return path;
  }

  static KafkaCluster* kafka_;
  std::unique_ptr<ConnectCluster> connect_;
};

KafkaCluster* ConnectClusterTest::kafka_ = nullptr;

TEST_F(ConnectClusterTest, RestHelpersDriveAConnectorThroughItsLifecycle) {
  ConnectWorker& worker = connect_->worker();
  EXPECT_GT(worker.port(), 0);
  EXPECT_TRUE(worker.Connectors().empty());
  const std::string input = Input("in.txt", "alpha\nbeta\ngamma\n");
  kafka_->CreateTopic("cc-lines", 1);

  const json created = worker.CreateConnector("lines", FileSource("cc-lines", input));
  EXPECT_EQ(created["name"], "lines");
  ASSERT_TRUE(worker.ConnectorAndTasksRunning("lines", 1));
  ASSERT_TRUE(TopicHasRecords(*kafka_, "cc-lines", 3));
  EXPECT_THAT(worker.Connectors(), ElementsAre("lines"));
  EXPECT_EQ(worker.ConnectorConfig("lines")["file"], input);
  EXPECT_THAT(worker.Status("lines"), StatusIs("RUNNING"));
  const std::vector<json> tasks = worker.TaskConfigs("lines");
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks[0]["topic"], "cc-lines");

  // Creating it twice is a 409, reported with Kafka Connect's message.
  try {
    worker.CreateConnector("lines", FileSource("cc-lines", input));
    ADD_FAILURE() << "no error for a duplicate connector";
  } catch (const ConnectRestError& e) {
    EXPECT_EQ(e.status(), 409);
    EXPECT_THAT(e.what(), HasSubstr("already exists"));
  }

  worker.PauseConnector("lines");
  ASSERT_TRUE(worker.ConnectorAndTasksPaused("lines", 1));
  worker.ResumeConnector("lines");
  ASSERT_TRUE(worker.ConnectorAndTasksRunning("lines", 1));
  EXPECT_EQ(worker.RestartConnector("lines")["connector"], nullptr);  // 204: no body
  const json restarted = worker.RestartConnector("lines", /*include_tasks=*/true);
  EXPECT_EQ(restarted["tasks"][0]["state"], "RESTARTING");
  worker.RestartTask("lines", 0);
  ASSERT_TRUE(worker.ConnectorAndTasksRunning("lines", 1));

  // Offsets: read, altered and reset while STOPPED.
  worker.StopConnector("lines");
  ASSERT_TRUE(worker.ConnectorStopped("lines"));
  ASSERT_TRUE(ck::testkit::Eventually(
      "committed offsets", [&] { return !worker.Offsets("lines").empty(); }, 30s, &worker));
  EXPECT_EQ(worker.Offsets("lines")[0]["offset"]["position"], 17);
  worker.AlterOffsets(
      "lines",
      json::array({{{"partition", {{"filename", input}}}, {"offset", {{"position", 6}}}}}));
  EXPECT_EQ(worker.Offsets("lines")[0]["offset"]["position"], 6);
  worker.ResumeConnector("lines");
  ASSERT_TRUE(TopicHasRecords(*kafka_, "cc-lines", 5));  // beta and gamma again
  worker.StopConnector("lines");
  ASSERT_TRUE(worker.ConnectorStopped("lines"));
  worker.ResetOffsets("lines");
  EXPECT_TRUE(worker.Offsets("lines").empty());

  // Validation: Kafka Connect's ConfigInfos.
  const json infos = worker.Validate("FileStreamSource", {{"file", input}});
  EXPECT_GE(infos["error_count"].get<int>(), 1);  // no topic
  EXPECT_THAT(infos.dump(), HasSubstr("\"name\":\"topic\""));

  worker.PutConnectorConfig("lines", FileSource("cc-lines-2", input));
  EXPECT_EQ(worker.ConnectorConfig("lines")["topic"], "cc-lines-2");
  worker.DeleteConnector("lines");
  EXPECT_TRUE(worker.ConnectorAbsent("lines"));
}

TEST_F(ConnectClusterTest, FailedAssertionsSayWhatTheySawAndShowTheLog) {
  ConnectWorker& worker = connect_->worker();
  kafka_->CreateTopic("cc-poison", 1);
  kafka_->ProduceAll("cc-poison", {"not json"});
  worker.CreateConnector("strict",
                         {{"connector.class", "FileStreamSink"},
                          {"topics", "cc-poison"},
                          {"file", worker.dir() + "/out.txt"},
                          {"value.converter", "org.apache.kafka.connect.json.JsonConverter"},
                          {"value.converter.schemas.enable", "false"}});
  ASSERT_TRUE(worker.TaskFailed("strict", 0, "Tolerance exceeded in error handler"));
  EXPECT_THAT(worker.Status("strict").tasks[0], StatusIs("FAILED", HasSubstr("VALUE_CONVERTER")));

  const testing::AssertionResult running = worker.ConnectorAndTasksRunning("strict", 1, 500ms);
  ASSERT_FALSE(running);
  EXPECT_THAT(running.message(), HasSubstr("timed out after 500 ms waiting for strict RUNNING"));
  EXPECT_THAT(running.message(), HasSubstr("task 0 FAILED"));
  EXPECT_THAT(running.message(), HasSubstr("worker log:"));
  EXPECT_THAT(running.message(), HasSubstr("REST server listening on port"));

  const testing::AssertionResult records = TopicHasRecords(*kafka_, "cc-poison", 2, 300ms);
  ASSERT_FALSE(records);
  EXPECT_THAT(records.message(), HasSubstr("(it holds 1)"));

  // A dead worker fails the assertion at once, with how it ended.
  worker.Kill();
  const auto start = std::chrono::steady_clock::now();
  const testing::AssertionResult dead = worker.ConnectorAndTasksRunning("strict", 1, 30s);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  EXPECT_THAT(dead.message(), HasSubstr("killed by signal 9"));
}

TEST_F(ConnectClusterTest, KillAndStartBringSavedConnectorsBack) {
  ConnectWorker& worker = connect_->worker();
  const std::string input = Input("in.txt", "one\ntwo\n");
  kafka_->CreateTopic("cc-crash", 1);
  worker.CreateConnector("kept", FileSource("cc-crash", input));
  worker.CreateConnector("paused", FileSource("cc-crash-paused", input), "PAUSED");
  ASSERT_TRUE(worker.ConnectorAndTasksRunning("kept", 1));
  ASSERT_TRUE(TopicHasRecords(*kafka_, "cc-crash", 2));
  ASSERT_TRUE(ck::testkit::Eventually(
      "a committed offset on disk", [&] { return !worker.StoredSourceOffsets("kept").empty(); },
      30s, &worker));

  const ck::testkit::ProcessResources resources = worker.Resources();
  EXPECT_GT(resources.open_fds, 3);
  EXPECT_GT(resources.threads, 1);
  EXPECT_GT(resources.rss_kb, 0);

  const int old_port = worker.port();
  worker.Kill();
  EXPECT_FALSE(worker.running());
  const auto stored = worker.StoredSourceOffsets("kept");
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].partition, (json{{"filename", input}}));
  EXPECT_EQ(stored[0].offset, (json{{"position", 8}}));
  EXPECT_THROW(worker.Status("kept"), std::runtime_error);

  worker.Start();
  EXPECT_TRUE(worker.running());
  EXPECT_NE(worker.port(), 0);
  (void)old_port;
  EXPECT_THAT(worker.Connectors(), ElementsAre("kept", "paused"));
  ASSERT_TRUE(worker.ConnectorAndTasksRunning("kept", 1));
  ASSERT_TRUE(worker.ConnectorAndTasksPaused("paused", 1));
  // Resumed at its committed offset: nothing was sent twice.
  EXPECT_EQ(kafka_->EndOffsets("cc-crash").at(0), 2);

  EXPECT_TRUE(worker.Stop(30s));  // graceful: exit status 0
  EXPECT_FALSE(worker.running());
}

TEST_F(ConnectClusterTest, WorkersAreIndependentRuntimes) {
  ConnectWorker& second = connect_->AddWorker({{"offset.flush.interval.ms", "1000"}});
  EXPECT_EQ(connect_->size(), 2);
  EXPECT_EQ(second.index(), 1);
  EXPECT_NE(second.port(), connect_->worker(0).port());
  EXPECT_EQ(second.properties().at("offset.flush.interval.ms"), "1000");
  second.CreateConnector("only-here", FileSource("cc-second", Input("second.txt", "x\n")));
  ASSERT_TRUE(second.ConnectorAndTasksRunning("only-here", 1));
  EXPECT_TRUE(connect_->worker(0).Connectors().empty());
  EXPECT_THROW(connect_->worker(2), std::out_of_range);
}

TEST(ConnectClusterOptionsTest, AMissingBinaryOrPluginIsNamed) {
  try {
    ConnectCluster::Start({.connectkit = "/no/such/connectkit"});
    ADD_FAILURE() << "no error";
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("/no/such/connectkit"));
  }
  try {
    ConnectCluster::Start({.plugins = {"no/such/plugin.tar.gz"}});
    ADD_FAILURE() << "no error";
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("no/such/plugin.tar.gz"));
  }
}

}  // namespace
