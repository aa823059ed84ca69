// Integration test: the packaged plugin (__NAME__.tar.gz) on the plugin.path of a real
// `connectkit standalone` worker against the testkit's Kafka (a local Apache Kafka broker, or the
// cluster named by CK_TEST_KAFKA_BOOTSTRAP). Records produced to a topic reach the file, once
// each and in order, through a connector created over the REST API whose task reports RUNNING.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "ck/testkit/kafka_cluster.h"
#include "sink_connector.h"
#include "tests/connect_worker.h"

namespace __NAMESPACE__ {
namespace {

TEST(__CLASS__SinkIntegrationTest, WritesEveryRecordThroughTheRuntime) {
  auto kafka = ck::testkit::KafkaCluster::Start();
  kafka->CreateTopic("events", 1);
  std::vector<std::string> values;
  values.reserve(20);
  for (int i = 0; i < 20; ++i) values.push_back("event " + std::to_string(i));
  kafka->ProduceAll("events", values);

  connect_worker::ConnectWorker worker(
      kafka->bootstrap_servers(), {"__NAME__.tar.gz"},
      "key.converter=org.apache.kafka.connect.storage.StringConverter\n"
      "value.converter=org.apache.kafka.connect.storage.StringConverter");
  connect_worker::ScratchDir out;
  const std::string path = out.path() + "/events.txt";
  ASSERT_EQ(worker.PutConnector("events-sink", {{"connector.class", kConnectorClass},
                                                {"tasks.max", "1"},
                                                {"topics", "events"},
                                                {"output.path", path}}),
            201)
      << worker.LogTail();
  ASSERT_TRUE(worker.ConnectorAndTasksRunning("events-sink", 1)) << worker.LogTail();

  std::string expected;
  for (int i = 0; i < 20; ++i) {
    expected += "events-0@" + std::to_string(i) + ": event " + std::to_string(i) + "\n";
  }
  EXPECT_TRUE(connect_worker::WaitFor([&] { return connect_worker::ReadFile(path) == expected; }))
      << "file:\n"
      << connect_worker::ReadFile(path) << "\nworker log:\n"
      << worker.LogTail();
}

}  // namespace
}  // namespace __NAMESPACE__
