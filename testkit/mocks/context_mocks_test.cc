// The context mocks: a task's context calls arrive at the mock (offsets, logs, sink controls,
// the errant record reporter, connector requests), errors thrown by an action come back as
// ConnectError, and a FakeHost loaded before the mocks keeps receiving its own components' calls.
#include "ck/testkit/context_mocks.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ck/errors.h"
#include "ck/plugin.h"
#include "ck/testkit/fake_host.h"
#include "ck/testkit/matchers.h"

namespace {

using ck::testkit::MockConnectorContext;
using ck::testkit::MockOffsetStorageReader;
using ck::testkit::MockSinkTaskContext;
using ck::testkit::MockSourceTaskContext;
using ck::testkit::RecordEq;
using ::testing::_;
using ::testing::HasSubstr;
using ::testing::Return;
using ::testing::StrictMock;
using ::testing::Throw;

// Resumes after the committed offset of {"file": "a"} and logs where it starts.
class ResumingSourceTask : public ck::SourceTask {
 public:
  std::string version() const override { return "1"; }
  void start(const ck::ConfigMap&) override {
    const auto offset = context().offset_storage_reader().offset({{"file", "a"}});
    position_ = offset ? offset->at("position").get<int64_t>() : 0;
    context().log(ck::LogLevel::kInfo, "starting at " + std::to_string(position_));
  }
  std::vector<ck::SourceRecord> poll() override { return {}; }
  void stop() override {}
  int64_t position() const { return position_; }

 private:
  int64_t position_ = -1;
};

// Reports tombstones as errant, pauses a partition, asks for a commit.
class PickySinkTask : public ck::SinkTask {
 public:
  std::string version() const override { return "1"; }
  void start(const ck::ConfigMap&) override {}
  void put(std::vector<ck::SinkRecord> records) override {
    for (const ck::SinkRecord& r : records) {
      if (r.value.is_null()) reported_ += context().report_errant_record(r, "tombstone") ? 1 : 0;
    }
    context().timeout(250);
    context().pause({{"orders", 1}});
    context().resume({{"orders", 1}});
    context().offset(ck::OffsetMap{{{"orders", 0}, 7}});
    context().request_commit();
  }
  void stop() override {}
  int reported() const { return reported_; }

 private:
  int reported_ = 0;
};

class ReconfiguringConnector : public ck::SourceConnector {
 public:
  std::string version() const override { return "1"; }
  ck::ConfigDef config() const override { return {}; }
  void start(const ck::ConfigMap&) override {
    context().request_task_reconfiguration();
    context().raise_error("lost the table list");
  }
  std::vector<ck::ConfigMap> task_configs(int) override { return {{}}; }
  void stop() override {}
};

TEST(ContextMocksTest, SourceTaskReadsItsOffsetFromTheMock) {
  StrictMock<MockSourceTaskContext> context;
  ResumingSourceTask task;
  context.Attach(task);
  EXPECT_CALL(context, Offset(nlohmann::json{{"file", "a"}}))
      .WillOnce(Return(nlohmann::json{{"position", 42}}));
  task.start({});
  EXPECT_EQ(task.position(), 42);
}

TEST(ContextMocksTest, LogsCanBeExpectedOrIgnored) {
  StrictMock<MockSourceTaskContext> context;
  ResumingSourceTask task;
  context.Attach(task);
  EXPECT_CALL(context, Offset(_)).WillRepeatedly(Return(std::nullopt));
  task.start({});  // logs: accepted without an expectation
  EXPECT_CALL(context, Log(ck::LogLevel::kInfo, HasSubstr("starting at 0")));
  task.start({});
  EXPECT_EQ(task.position(), 0);
}

TEST(ContextMocksTest, AnOffsetReadErrorReachesTheTaskAsConnectError) {
  StrictMock<MockSourceTaskContext> context;
  ResumingSourceTask task;
  context.Attach(task);
  EXPECT_CALL(context, Offset(_)).WillOnce(Throw(ck::ConnectError("offsets file unreadable")));
  try {
    task.start({});
    FAIL() << "start() did not throw";
  } catch (const ck::ConnectError& e) {
    EXPECT_THAT(e.what(), HasSubstr("offsets file unreadable"));
  }
}

TEST(ContextMocksTest, SinkTaskControlsAndErrantRecordsArriveAtTheMock) {
  StrictMock<MockSinkTaskContext> context;
  PickySinkTask task;
  context.Attach(task);
  ck::SinkRecord tombstone;
  tombstone.topic = "orders";
  tombstone.key = "k1";
  tombstone.kafka_offset = 5;
  tombstone.original_topic = "orders";
  tombstone.original_partition = 0;
  tombstone.original_offset = 5;
  ck::SinkRecord good = tombstone;
  good.value = int64_t{1};
  {
    ::testing::InSequence in_order;
    EXPECT_CALL(context, ReportErrantRecord(RecordEq(tombstone), "tombstone"))
        .WillOnce(Return(true));
    EXPECT_CALL(context, Timeout(250));
    EXPECT_CALL(context, Pause(ck::TopicPartition{"orders", 1}, true));
    EXPECT_CALL(context, Pause(ck::TopicPartition{"orders", 1}, false));
    EXPECT_CALL(context, Seek(ck::TopicPartition{"orders", 0}, 7));
    EXPECT_CALL(context, RequestCommit());
  }
  task.put({good, tombstone});
  EXPECT_EQ(task.reported(), 1);
}

TEST(ContextMocksTest, NoErrantReporterIsReportedAsFalse) {
  ::testing::NiceMock<MockSinkTaskContext> context;
  PickySinkTask task;
  context.Attach(task);
  EXPECT_CALL(context, ReportErrantRecord(_, _)).WillOnce(Return(false));
  ck::SinkRecord tombstone;
  tombstone.topic = "orders";
  task.put({tombstone});
  EXPECT_EQ(task.reported(), 0);
}

TEST(ContextMocksTest, ConnectorRequestsArriveAtTheMock) {
  StrictMock<MockConnectorContext> context;
  ReconfiguringConnector connector;
  context.Attach(connector);
  EXPECT_CALL(context, RequestTaskReconfiguration());
  EXPECT_CALL(context, RaiseError("lost the table list"));
  connector.start({});
}

TEST(ContextMocksTest, ConfigsAreWhatTheTestSets) {
  MockSourceTaskContext context;
  context.SetConfigs({{"topic", "t"}});
  EXPECT_EQ(context.context().configs().at("topic"), "t");
}

TEST(ContextMocksTest, StandaloneOffsetStorageReader) {
  StrictMock<MockOffsetStorageReader> offsets;
  EXPECT_CALL(offsets, Offset(nlohmann::json{{"task", 0}}))
      .WillOnce(Return(nlohmann::json{{"seq", 9}}));
  EXPECT_CALL(offsets, Offset(nlohmann::json{{"task", 1}})).WillOnce(Return(std::nullopt));
  EXPECT_EQ(offsets.reader().offset({{"task", 0}}), (nlohmann::json{{"seq", 9}}));
  EXPECT_EQ(offsets.reader().offset({{"task", 1}}), std::nullopt);
}

}  // namespace

// A plugin in this binary, for the FakeHost coexistence test.
CK_PLUGIN(plugin) {
  plugin.name("mocks-test").version("1");
  plugin.add<ResumingSourceTask>("test.ResumingSourceTask");
}

namespace {

TEST(ContextMocksTest, AFakeHostLoadedBeforeTheMocksKeepsItsOwnCalls) {
  ck::testkit::FakeHost host;
  host.Load(ck_plugin_entry_v1());
  host.SetOffset({{"file", "a"}}, {{"position", 3}});
  ck::testkit::SourceTaskDriver driven = host.CreateSourceTask("test.ResumingSourceTask");
  StrictMock<MockSourceTaskContext> context;
  ResumingSourceTask direct;
  context.Attach(direct);
  EXPECT_CALL(context, Offset(_)).WillOnce(Return(nlohmann::json{{"position", 8}}));
  direct.start({});
  driven.Start({});  // through the FakeHost: its offset and its log
  EXPECT_EQ(direct.position(), 8);
  const auto logs = host.logs();
  ASSERT_EQ(logs.size(), 1u);
  EXPECT_EQ(logs[0].message, "starting at 3");
}

}  // namespace
