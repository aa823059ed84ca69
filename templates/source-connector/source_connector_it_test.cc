// Integration test: the packaged plugin (__NAME__.tar.gz) on the plugin.path of a real
// `connectkit standalone` worker against the testkit's Kafka (a local Apache Kafka broker, or the
// cluster named by CK_TEST_KAFKA_BOOTSTRAP). The connector is created over the REST API, its
// task reports RUNNING, and every message arrives in the topic, in order.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "ck/testkit/kafka_cluster.h"
#include "source_connector.h"
#include "tests/connect_worker.h"

namespace __NAMESPACE__ {
namespace {

TEST(__CLASS__SourceIntegrationTest, WritesEveryMessageThroughTheRuntime) {
  auto kafka = ck::testkit::KafkaCluster::Start();
  kafka->CreateTopic("numbers", 1);
  connect_worker::ConnectWorker worker(
      kafka->bootstrap_servers(), {"__NAME__.tar.gz"},
      "key.converter=org.apache.kafka.connect.storage.StringConverter\n"
      "value.converter=org.apache.kafka.connect.storage.StringConverter");

  const auto [status, plugins] = worker.Get("/connector-plugins");
  ASSERT_EQ(status, 200);
  EXPECT_NE(plugins.dump().find(kConnectorClass), std::string::npos) << plugins.dump();

  ASSERT_EQ(worker.PutConnector("numbers-source", {{"connector.class", kConnectorClass},
                                                   {"tasks.max", "1"},
                                                   {"topic", "numbers"},
                                                   {"messages", "50"}}),
            201)
      << worker.LogTail();
  ASSERT_TRUE(worker.ConnectorAndTasksRunning("numbers-source", 1)) << worker.LogTail();

  const std::vector<ck::testkit::ConsumedRecord> records =
      kafka->ConsumeAll("numbers", 50, std::chrono::seconds(60));
  ASSERT_EQ(records.size(), 50u) << worker.LogTail();
  for (size_t i = 0; i < records.size(); ++i) {
    EXPECT_EQ(records[i].value.value_or(""), "message " + std::to_string(i));
    EXPECT_EQ(records[i].key.value_or(""), std::to_string(i));
  }
}

}  // namespace
}  // namespace __NAMESPACE__
