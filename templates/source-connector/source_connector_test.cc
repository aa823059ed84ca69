// Unit tests of the example source through the testkit's FakeHost, which drives the plugin's
// components through the same C ABI the runtime uses: validation, the task split, numbered
// batches with offsets, resuming from a committed offset, and a prompt stop.
#include "source_connector.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "ck/abi/ck_abi.h"
#include "ck/host/host_support.h"
#include "ck/testkit/fake_host.h"

namespace __NAMESPACE__ {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class __CLASS__SourceTest : public ::testing::Test {
 protected:
  void SetUp() override { host_.Load(ck_plugin_entry_v1()); }
  ck::testkit::FakeHost host_;
};

// The error of `key` in a validate() answer (the ABI's JSON array), or "" when it has none.
std::string ErrorOf(const nlohmann::json& results, const std::string& key) {
  for (const auto& result : results) {
    if (result.value("name", "") == key && !result["errors"].empty()) {
      return result["errors"][0].get<std::string>();
    }
  }
  return "";
}

TEST_F(__CLASS__SourceTest, ValidationNamesMissingAndBadKeys) {
  ck::testkit::ConnectorDriver connector = host_.CreateConnector(kConnectorClass);
  const nlohmann::json results = connector.Validate({{"batch.size", "0"}});
  EXPECT_THAT(ErrorOf(results, kTopicConfig), HasSubstr("topic"));
  EXPECT_THAT(ErrorOf(results, kBatchSizeConfig), HasSubstr("batch.size"));
  EXPECT_EQ(ErrorOf(connector.Validate({{"topic", "t"}}), kTopicConfig), "");
  EXPECT_THROW(connector.Start({{"messages", "10"}}), ck::host::AbiError);
}

TEST_F(__CLASS__SourceTest, EachTaskGetsItsNumber) {
  ck::testkit::ConnectorDriver connector = host_.CreateConnector(kConnectorClass);
  connector.Start({{"topic", "t"}});
  const std::vector<ck::ConfigMap> configs = connector.TaskConfigs(3);
  ASSERT_EQ(configs.size(), 3u);
  for (size_t i = 0; i < configs.size(); ++i) {
    EXPECT_EQ(configs[i].at("topic"), "t");
    EXPECT_EQ(configs[i].at(kTaskIdConfig), std::to_string(i));
  }
}

TEST_F(__CLASS__SourceTest, WritesNumberedBatchesWithOffsets) {
  ck::testkit::SourceTaskDriver task = host_.CreateSourceTask(kTaskClass);
  task.Start({{"topic", "numbers"},
              {"messages", "5"},
              {"batch.size", "3"},
              {"message.prefix", "hello"},
              {kTaskIdConfig, "2"}});
  std::vector<ck::SourceRecord> first = task.Poll();
  ASSERT_EQ(first.size(), 3u);
  EXPECT_EQ(first[0].topic, "numbers");
  EXPECT_EQ(first[0].value.as_string(), "hello 0");
  EXPECT_EQ(first[2].key.as_int64(), 2);
  EXPECT_EQ(first[2].source_partition, nlohmann::json({{"task", 2}}));
  EXPECT_EQ(first[2].source_offset, nlohmann::json({{"position", 3}}));
  std::vector<ck::SourceRecord> second = task.Poll();
  ASSERT_EQ(second.size(), 2u);
  EXPECT_EQ(second[1].value.as_string(), "hello 4");
  task.Stop();
  EXPECT_THAT(task.Poll(), IsEmpty());  // all written, and stopped: returns at once
}

TEST_F(__CLASS__SourceTest, ResumesAfterTheCommittedOffset) {
  host_.SetOffset({{"task", 0}}, {{"position", 7}});
  ck::testkit::SourceTaskDriver task = host_.CreateSourceTask(kTaskClass);
  task.Start({{"topic", "numbers"}, {"messages", "9"}, {kTaskIdConfig, "0"}});
  std::vector<std::string> values;
  for (const ck::SourceRecord& record : task.Poll()) values.push_back(record.value.as_string());
  EXPECT_THAT(values, ElementsAre("message 7", "message 8"));
  task.Stop();
}

TEST_F(__CLASS__SourceTest, StopWakesAnIdlePoll) {
  ck::testkit::SourceTaskDriver task = host_.CreateSourceTask(kTaskClass);
  task.Start({{"topic", "numbers"}, {"messages", "0"}});
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    task.Stop();
  });
  const auto start = std::chrono::steady_clock::now();
  EXPECT_THAT(task.Poll(), IsEmpty());
  stopper.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(900));
}

}  // namespace
}  // namespace __NAMESPACE__
