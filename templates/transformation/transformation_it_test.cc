// Integration test: the packaged plugin (__NAME__.tar.gz) next to ConnectKit's file connectors on
// the plugin.path of a real `connectkit standalone` worker against the testkit's Kafka. A
// FileStreamSource reads lines through the transformation (transforms.<alias>.type, configured
// over the REST API); the task reports RUNNING and the topic holds the transformed lines.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <string>
#include <vector>

#include "ck/testkit/kafka_cluster.h"
#include "tests/connect_worker.h"
#include "transformation.h"

namespace __NAMESPACE__ {
namespace {

TEST(__CLASS__IntegrationTest, TransformsRecordsInTheRuntime) {
  auto kafka = ck::testkit::KafkaCluster::Start();
  kafka->CreateTopic("lines", 1);
  connect_worker::ConnectWorker worker(
      kafka->bootstrap_servers(),
      {"__NAME__.tar.gz", "external/connectkit/reference-connectors/file/file.tar.gz"},
      "key.converter=org.apache.kafka.connect.storage.StringConverter\n"
      "value.converter=org.apache.kafka.connect.storage.StringConverter");
  connect_worker::ScratchDir in;
  const std::string file = in.path() + "/in.txt";
  std::ofstream(file) << "first line\nsecond line\n";

  ASSERT_EQ(worker.PutConnector("lines-source", {{"connector.class", "FileStreamSource"},
                                                 {"tasks.max", "1"},
                                                 {"file", file},
                                                 {"topic", "lines"},
                                                 {"transforms", "shout"},
                                                 {"transforms.shout.type", kTransformationClass}}),
            201)
      << worker.LogTail();
  ASSERT_TRUE(worker.ConnectorAndTasksRunning("lines-source", 1)) << worker.LogTail();

  const std::vector<ck::testkit::ConsumedRecord> records =
      kafka->ConsumeAll("lines", 2, std::chrono::seconds(60));
  ASSERT_EQ(records.size(), 2u) << worker.LogTail();
  EXPECT_EQ(records[0].value.value_or(""), "FIRST LINE");
  EXPECT_EQ(records[1].value.value_or(""), "SECOND LINE");
}

}  // namespace
}  // namespace __NAMESPACE__
