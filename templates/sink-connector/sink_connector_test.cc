// Unit tests of the example sink through the testkit's FakeHost: validation, the task split, the
// line format, and durability only at flush/pre_commit (what a restart would redeliver otherwise).
#include "sink_connector.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "ck/abi/ck_abi.h"
#include "ck/host/host_support.h"
#include "ck/schema.h"
#include "ck/testkit/fake_host.h"

namespace __NAMESPACE__ {
namespace {

using ::testing::HasSubstr;

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

ck::SinkRecord Record(ck::Value value, int64_t offset) {
  ck::SinkRecord r;
  r.topic = r.original_topic = "events";
  r.kafka_partition = r.original_partition = 0;
  r.kafka_offset = r.original_offset = offset;
  r.value_schema = value.is_null() ? ck::Schema::OptionalString() : ck::Schema::String();
  r.value = std::move(value);
  return r;
}

class __CLASS__SinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    host_.Load(ck_plugin_entry_v1());
    std::string dir = std::string(std::getenv("TEST_TMPDIR")) + "/sink_XXXXXX";
    ASSERT_NE(mkdtemp(dir.data()), nullptr);
    path_ = std::filesystem::path(dir) / "out.txt";
  }
  ck::testkit::FakeHost host_;
  std::filesystem::path path_;
};

TEST_F(__CLASS__SinkTest, ValidationRequiresTheOutputPath) {
  ck::testkit::ConnectorDriver connector = host_.CreateConnector(kConnectorClass);
  const nlohmann::json results = connector.Validate({{"topics", "events"}});
  bool reported = false;
  for (const auto& result : results) {
    if (result.value("name", "") == kOutputPathConfig) reported = !result["errors"].empty();
  }
  EXPECT_TRUE(reported) << results.dump();
  EXPECT_THROW(connector.Start({{"topics", "events"}}), ck::host::AbiError);
}

TEST_F(__CLASS__SinkTest, EveryTaskGetsTheConnectorsConfiguration) {
  ck::testkit::ConnectorDriver connector = host_.CreateConnector(kConnectorClass);
  connector.Start({{"topics", "events"}, {kOutputPathConfig, path_.string()}});
  const std::vector<ck::ConfigMap> configs = connector.TaskConfigs(2);
  ASSERT_EQ(configs.size(), 2u);
  EXPECT_EQ(configs[1].at(kOutputPathConfig), path_.string());
}

TEST_F(__CLASS__SinkTest, LinesBecomeDurableAtPreCommitOnly) {
  ck::testkit::SinkTaskDriver task = host_.CreateSinkTask(kTaskClass);
  task.Start({{"topics", "events"}, {kOutputPathConfig, path_.string()}, {"line.prefix", "#"}});
  task.Open({{"events", 0}});
  task.Put({Record("first", 4), Record(nullptr, 5)});
  EXPECT_EQ(ReadFile(path_), "");  // buffered, not yet durable
  const ck::OffsetMap offsets = {{{"events", 0}, 6}};
  EXPECT_EQ(task.PreCommit(offsets), offsets);
  EXPECT_EQ(ReadFile(path_), "#events-0@4: first\n#events-0@5: null\n");
  task.Put({Record("second", 6)});
  task.Stop();  // not flushed: dropped, the runtime redelivers it
  EXPECT_EQ(ReadFile(path_), "#events-0@4: first\n#events-0@5: null\n");
}

TEST_F(__CLASS__SinkTest, AnUnwritableFileIsARetriableError) {
  ck::testkit::SinkTaskDriver task = host_.CreateSinkTask(kTaskClass);
  task.Start({{"topics", "events"}, {kOutputPathConfig, (path_ / "no" / "such").string()}});
  task.Put({Record("x", 0)});
  try {
    task.PreCommit({{{"events", 0}, 1}});
    FAIL() << "expected an error";
  } catch (const ck::host::AbiError& e) {
    EXPECT_THAT(e.what(), HasSubstr("cannot open"));
    EXPECT_TRUE(e.retriable());
  }
}

}  // namespace
}  // namespace __NAMESPACE__
