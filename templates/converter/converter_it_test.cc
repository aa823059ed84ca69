// Integration test: the packaged plugin (__NAME__.tar.gz) next to ConnectKit's file connectors on
// the plugin.path of a real `connectkit standalone` worker against the testkit's Kafka. A
// FileStreamSource created over the REST API writes its lines with this converter as its
// value.converter (configured with value.converter.prefix); the task reports RUNNING and the topic
// holds the converter's bytes.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <string>
#include <vector>

#include "ck/testkit/kafka_cluster.h"
#include "converter.h"
#include "tests/connect_worker.h"

namespace __NAMESPACE__ {
namespace {

TEST(__CLASS__ConverterIntegrationTest, ConvertsRecordsInTheRuntime) {
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
                                                 {"value.converter", kConverterClass},
                                                 {"value.converter.prefix", "tagged:"}}),
            201)
      << worker.LogTail();
  ASSERT_TRUE(worker.ConnectorAndTasksRunning("lines-source", 1)) << worker.LogTail();

  const std::vector<ck::testkit::ConsumedRecord> records =
      kafka->ConsumeAll("lines", 2, std::chrono::seconds(60));
  ASSERT_EQ(records.size(), 2u) << worker.LogTail();
  EXPECT_EQ(records[0].value.value_or(""), "tagged:first line");
  EXPECT_EQ(records[1].value.value_or(""), "tagged:second line");
}

}  // namespace
}  // namespace __NAMESPACE__
