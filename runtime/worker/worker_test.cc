// The standalone worker end to end on the embedded Kafka, with components defined here: a source
// of sequence numbers, a sink collecting them, a converter and a transformation. Checks that every
// record arrives exactly once and in order per partition, that offsets are committed only for
// acknowledged records and resumed after a restart, that the chain drops and rewrites records,
// that a retriable put is redelivered, and that a failing task reports FAILED with its reason.
#include "runtime/worker/worker.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include "ck/plugin.h"
#include "runtime/worker/runtime_host.h"

namespace {

// What the sink saw, per connector name.
struct Collected {
  std::mutex mu;
  std::map<std::string, std::vector<int64_t>> values;
  std::map<std::string, int> retriable_failures_left;
};
Collected g_collected;

class SeqConnector : public ck::SourceConnector {
 public:
  std::string version() const override { return "1.0"; }
  ck::ConfigDef config() const override {
    ck::ConfigDef def;
    def.define(ck::ConfigDef::Key("topic", ck::ConfigType::kString).doc("Topic"));
    def.define(ck::ConfigDef::Key("count", ck::ConfigType::kLong).doc("Records per task"));
    def.define(ck::ConfigDef::Key("fail.at", ck::ConfigType::kLong)
                   .default_value(int64_t{-1})
                   .doc("Fail"));
    return def;
  }
  void start(const ck::ConfigMap& props) override { props_ = props; }
  std::vector<ck::ConfigMap> task_configs(int max_tasks) override {
    std::vector<ck::ConfigMap> out;
    for (int i = 0; i < max_tasks; ++i) {
      out.push_back(props_);
      out.back()["task"] = std::to_string(i);
    }
    return out;
  }
  void stop() override {}

 private:
  ck::ConfigMap props_;
};

// Asks for a reconfiguration once it has started, then returns one more task than before.
class GrowingConnector : public SeqConnector {
 public:
  ~GrowingConnector() override {
    if (thread_.joinable()) thread_.join();
  }
  void start(const ck::ConfigMap& props) override {
    SeqConnector::start(props);
    thread_ = std::thread([this] {
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      context().request_task_reconfiguration();
    });
  }
  std::vector<ck::ConfigMap> task_configs(int max_tasks) override {
    return SeqConnector::task_configs(std::min(max_tasks, ++calls_));
  }

 private:
  std::thread thread_;
  int calls_ = 0;
};

class SeqTask : public ck::SourceTask {
 public:
  std::string version() const override { return "1.0"; }
  void start(const ck::ConfigMap& props) override {
    topic_ = props.at("topic");
    count_ = std::stoll(props.at("count"));
    task_ = std::stoi(props.at("task"));
    fail_at_ = props.count("fail.at") ? std::stoll(props.at("fail.at")) : -1;
    auto offset = context().offset_storage_reader().offset({{"task", task_}});
    next_ = offset ? offset->at("next").get<int64_t>() : 0;
  }
  std::vector<ck::SourceRecord> poll() override {
    std::vector<ck::SourceRecord> out;
    if (next_ >= count_) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      return out;
    }
    if (fail_at_ >= 0 && next_ >= fail_at_)
      throw ck::ConnectError("sequence source broke at " + std::to_string(next_));
    for (int i = 0; i < 100 && next_ < count_; ++i, ++next_) {
      ck::SourceRecord r;
      r.topic = topic_;
      r.kafka_partition = task_;
      r.value_schema = ck::Schema::Int64();
      r.value = next_ * 10 + task_;  // task in the last digit
      r.source_partition = {{"task", task_}};
      r.source_offset = {{"next", next_ + 1}};
      out.push_back(std::move(r));
    }
    return out;
  }
  void stop() override {}

 private:
  std::string topic_;
  int64_t count_ = 0;
  int64_t next_ = 0;
  int64_t fail_at_ = -1;
  int task_ = 0;
};

class CollectConnector : public ck::SinkConnector {
 public:
  std::string version() const override { return "1.0"; }
  ck::ConfigDef config() const override { return {}; }
  void start(const ck::ConfigMap& props) override { props_ = props; }
  std::vector<ck::ConfigMap> task_configs(int) override { return {props_}; }
  void stop() override {}

 private:
  ck::ConfigMap props_;
};

class CollectTask : public ck::SinkTask {
 public:
  std::string version() const override { return "1.0"; }
  void start(const ck::ConfigMap& props) override {
    name_ = props.at("name");
    if (props.count("errant.modulus")) errant_modulus_ = std::stoll(props.at("errant.modulus"));
  }
  void put(std::vector<ck::SinkRecord> records) override {
    std::lock_guard lock(g_collected.mu);
    if (g_collected.retriable_failures_left[name_] > 0) {
      --g_collected.retriable_failures_left[name_];
      context().timeout(10);
      throw ck::RetriableError("database busy");
    }
    for (const auto& r : records) {
      if (errant_modulus_ > 0 && (r.value.as_int64() / 10) % errant_modulus_ == 0) {
        context().report_errant_record(
            r, "value " + std::to_string(r.value.as_int64()) + " refused by the table");
        continue;
      }
      g_collected.values[name_].push_back(r.value.as_int64());
    }
  }
  void stop() override {}

 private:
  std::string name_;
  int64_t errant_modulus_ = 0;
};

// Serialises int64 values as decimal text.
class DecimalTextConverter : public ck::Converter {
 public:
  void configure(const ck::ConfigMap&, bool) override {}
  std::optional<ck::Bytes> from_connect(std::string_view, const ck::SchemaPtr&,
                                        const ck::Value& value) override {
    if (value.is_null()) return std::nullopt;
    const std::string text = std::to_string(value.as_int64());
    return ck::Bytes(text.begin(), text.end());
  }
  ck::SchemaAndValue to_connect(std::string_view,
                                std::optional<std::span<const uint8_t>> data) override {
    if (!data) return {};
    return {ck::Schema::Int64(), int64_t{std::stoll(std::string(data->begin(), data->end()))}};
  }
};

class NoHeaders : public ck::HeaderConverter {
 public:
  void configure(const ck::ConfigMap&) override {}
  std::optional<ck::Bytes> from_connect_header(std::string_view, std::string_view,
                                               const ck::SchemaPtr&, const ck::Value&) override {
    return std::nullopt;
  }
  ck::SchemaAndValue to_connect_header(std::string_view, std::string_view,
                                       std::optional<std::span<const uint8_t>>) override {
    return {};
  }
};

// Drops multiples of `modulus` (by value / 10) and multiplies the rest by -1.
class DropAndNegate : public ck::Transformation {
 public:
  ck::ConfigDef config() const override { return {}; }
  void configure(const ck::ConfigMap& props) override {
    modulus_ = std::stoll(props.at("modulus"));
  }
  std::optional<ck::ConnectRecord> apply(ck::ConnectRecord record) override {
    const int64_t v = record.value.as_int64();
    if ((v / 10) % modulus_ == 0) return std::nullopt;
    record.value = -v;
    return record;
  }

 private:
  int64_t modulus_ = 1;
};

}  // namespace

CK_BUILTIN_PLUGIN(worker_test_components, plugin) {
  plugin.name("worker-test").version("1.0");
  plugin.add<SeqConnector>("test.SeqSourceConnector").task("test.SeqTask");
  plugin.add<SeqTask>("test.SeqTask");
  plugin.add<GrowingConnector>("test.GrowingSourceConnector").task("test.SeqTask");
  plugin.add<CollectConnector>("test.CollectSinkConnector").task("test.CollectTask");
  plugin.add<CollectTask>("test.CollectTask");
  plugin.add<DecimalTextConverter>("test.DecimalTextConverter");
  plugin.add<NoHeaders>("test.NoHeaders");
  plugin.add<DropAndNegate>("test.DropAndNegate");
}

namespace ck::runtime {
namespace {

using ::testing::HasSubstr;

class WorkerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ck-worker-XXXXXX";
    dir_ = mkdtemp(tmpl);
    const ck_plugin* plugin = worker_test_components();
    ck_error err;
    ASSERT_EQ(plugin->init(RuntimeHostTable(), &err), CK_STATUS_OK);
    registry_.Add(*plugin, "built-in", "built-in");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  Properties WorkerConfig() const {
    return {{"offset.storage.file.filename", dir_ + "/connect.offsets"},
            {"offset.flush.interval.ms", "100"},
            {"key.converter", "test.DecimalTextConverter"},
            {"value.converter", "DecimalText"},
            {"header.converter", "test.NoHeaders"},
            {"task.shutdown.graceful.timeout.ms", "10000"}};
  }

  // Waits until `done` holds, failing the test after 30 s.
  template <typename Done>
  void WaitFor(Done done, const char* what) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!done()) {
      ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "timed out waiting for " << what;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  std::vector<int64_t> Collected(const std::string& name) {
    std::lock_guard lock(g_collected.mu);
    return g_collected.values[name];
  }

  std::string dir_;
  PluginRegistry registry_;
};

TEST_F(WorkerTest, EveryRecordArrivesOnceInOrderAndOffsetsAreCommitted) {
  {
    Worker worker(WorkerConfig(), registry_);
    worker.StartConnector({{"name", "collect-a"},
                           {"connector.class", "test.CollectSinkConnector"},
                           {"topics", "seq-a"}});
    worker.StartConnector({{"name", "seq-a"},
                           {"connector.class", "SeqSource"},
                           {"topic", "seq-a"},
                           {"count", "2000"},
                           {"tasks.max", "2"}});
    WaitFor([&] { return Collected("collect-a").size() >= 4000; }, "4000 records at the sink");
    WaitFor([&] { return worker.Progress("seq-a").committed >= 4000; }, "offsets committed");
    worker.StopAll();
  }
  const std::vector<int64_t> values = Collected("collect-a");
  ASSERT_EQ(values.size(), 4000u);
  std::map<int64_t, int64_t> next;  // per task: the next expected sequence number
  for (int64_t v : values) {
    const int64_t task = v % 10;
    EXPECT_EQ(v / 10, next[task]) << "task " << task << " out of order or duplicated";
    next[task] = v / 10 + 1;
  }
  EXPECT_EQ(next[0], 2000);
  EXPECT_EQ(next[1], 2000);
  FileOffsetStore offsets(dir_ + "/connect.offsets");
  EXPECT_EQ(offsets.Get("seq-a", R"({"task":0})"), R"({"next":2000})");
  EXPECT_EQ(offsets.Get("seq-a", R"({"task":1})"), R"({"next":2000})");
}

TEST_F(WorkerTest, SourceResumesFromCommittedOffsetsAfterRestart) {
  FileOffsetStore(dir_ + "/connect.offsets")
      .Commit({{"seq-b", R"({"task":0})", R"({"next":1500})"}});
  Worker worker(WorkerConfig(), registry_);
  worker.StartConnector({{"name", "collect-b"},
                         {"connector.class", "test.CollectSinkConnector"},
                         {"topics", "seq-b"}});
  worker.StartConnector({{"name", "seq-b"},
                         {"connector.class", "test.SeqSourceConnector"},
                         {"topic", "seq-b"},
                         {"count", "2000"}});
  WaitFor([&] { return Collected("collect-b").size() >= 500; }, "500 records at the sink");
  worker.StopAll();
  const std::vector<int64_t> values = Collected("collect-b");
  ASSERT_EQ(values.size(), 500u);
  EXPECT_EQ(values.front(), 15000);
  EXPECT_EQ(values.back(), 19990);
}

TEST_F(WorkerTest, TransformationChainDropsAndRewritesAndDroppedOffsetsStillCommit) {
  Worker worker(WorkerConfig(), registry_);
  worker.StartConnector({{"name", "collect-c"},
                         {"connector.class", "test.CollectSinkConnector"},
                         {"topics", "seq-c"}});
  worker.StartConnector({{"name", "seq-c"},
                         {"connector.class", "test.SeqSourceConnector"},
                         {"topic", "seq-c"},
                         {"count", "300"},
                         {"transforms", "drop"},
                         {"transforms.drop.type", "test.DropAndNegate"},
                         {"transforms.drop.modulus", "3"}});
  WaitFor([&] { return Collected("collect-c").size() >= 200; }, "200 records at the sink");
  WaitFor([&] { return worker.Progress("seq-c").committed >= 300; }, "300 offsets committed");
  worker.StopAll();
  const std::vector<int64_t> values = Collected("collect-c");
  ASSERT_EQ(values.size(), 200u);  // 0, 3, 6, ... dropped
  EXPECT_EQ(values[0], -10);
  EXPECT_EQ(values[1], -20);
  EXPECT_EQ(values[2], -40);
  EXPECT_EQ(FileOffsetStore(dir_ + "/connect.offsets").Get("seq-c", R"({"task":0})"),
            R"({"next":300})");
}

TEST_F(WorkerTest, RetriablePutIsRedeliveredWithNothingLost) {
  {
    std::lock_guard lock(g_collected.mu);
    g_collected.retriable_failures_left["collect-d"] = 3;
  }
  Worker worker(WorkerConfig(), registry_);
  worker.StartConnector({{"name", "collect-d"},
                         {"connector.class", "test.CollectSinkConnector"},
                         {"topics", "seq-d"}});
  worker.StartConnector({{"name", "seq-d"},
                         {"connector.class", "test.SeqSourceConnector"},
                         {"topic", "seq-d"},
                         {"count", "1000"}});
  WaitFor([&] { return Collected("collect-d").size() >= 1000; }, "1000 records at the sink");
  worker.StopAll();
  std::vector<int64_t> values = Collected("collect-d");
  ASSERT_EQ(values.size(), 1000u);
  for (size_t i = 0; i < values.size(); ++i) ASSERT_EQ(values[i], static_cast<int64_t>(i) * 10);
}

TEST_F(WorkerTest, FailingTaskReportsFailedWithItsReason) {
  Worker worker(WorkerConfig(), registry_);
  worker.StartConnector({{"name", "seq-e"},
                         {"connector.class", "test.SeqSourceConnector"},
                         {"topic", "seq-e"},
                         {"count", "1000"},
                         {"fail.at", "200"}});
  WaitFor(
      [&] {
        auto status = worker.Status();
        return !status.empty() && status[0].tasks[0].state == TaskState::kFailed;
      },
      "the task to fail");
  EXPECT_THAT(worker.Status()[0].tasks[0].trace, HasSubstr("sequence source broke at 200"));
  worker.StopAll();
  // Everything before the failure was acknowledged and committed on the way down.
  EXPECT_EQ(FileOffsetStore(dir_ + "/connect.offsets").Get("seq-e", R"({"task":0})"),
            R"({"next":200})");
}

TEST_F(WorkerTest, RequestedReconfigurationRestartsTasksWithTheNewConfigurations) {
  Worker worker(WorkerConfig(), registry_);
  worker.StartConnector({{"name", "collect-g"},
                         {"connector.class", "test.CollectSinkConnector"},
                         {"topics", "seq-g"}});
  worker.StartConnector({{"name", "seq-g"},
                         {"connector.class", "test.GrowingSourceConnector"},
                         {"topic", "seq-g"},
                         {"count", "500"},
                         {"tasks.max", "2"}});
  WaitFor(
      [&] {
        for (const ConnectorStatus& s : worker.Status()) {
          if (s.name == "seq-g") return s.tasks.size() == 2;
        }
        return false;
      },
      "a second task after the reconfiguration");
  // Task 1 exists only after the reconfiguration; its records arriving proves it runs.
  WaitFor(
      [&] {
        const auto values = Collected("collect-g");
        return std::count_if(values.begin(), values.end(), [](int64_t v) { return v % 10 == 1; }) ==
               500;
      },
      "all records of the new task");
  worker.StopAll();
}

TEST_F(WorkerTest, InvalidConnectorConfigIsRefusedWithEveryProblem) {
  Worker worker(WorkerConfig(), registry_);
  try {
    worker.StartConnector(
        {{"name", "bad"}, {"connector.class", "test.SeqSourceConnector"}, {"count", "many"}});
    FAIL();
  } catch (const ConfigFileError& e) {
    EXPECT_THAT(e.what(), HasSubstr("topic: Missing required configuration"));
    EXPECT_THAT(e.what(), HasSubstr("count: Invalid value many"));
  }
  try {
    worker.StartConnector({{"name", "bad2"}, {"connector.class", "NoSuchConnector"}});
    FAIL();
  } catch (const ConfigFileError& e) {
    EXPECT_THAT(e.what(), HasSubstr("no source/sink plugin named 'NoSuchConnector'"));
    EXPECT_THAT(e.what(), HasSubstr("test.SeqSourceConnector"));
  }
}

TEST_F(WorkerTest, ErrantRecordsGoToTheDeadLetterQueueWhenToleratedElseFailTheTask) {
  Worker worker(WorkerConfig(), registry_);
  worker.StartConnector({{"name", "collect-h"},
                         {"connector.class", "test.CollectSinkConnector"},
                         {"topics", "seq-h"},
                         {"errant.modulus", "10"},
                         {"errors.tolerance", "all"},
                         {"errors.deadletterqueue.topic.name", "seq-h-dlq"},
                         {"errors.deadletterqueue.topic.replication.factor", "1"}});
  worker.StartConnector({{"name", "seq-h"},
                         {"connector.class", "test.SeqSourceConnector"},
                         {"topic", "seq-h"},
                         {"count", "100"}});
  auto task_of = [&](const std::string& name) {
    for (const ConnectorSnapshot& c : worker.Snapshot()) {
      if (c.name == name && !c.tasks.empty()) return c.tasks[0];
    }
    return TaskSnapshot{};
  };
  WaitFor([&] { return Collected("collect-h").size() == 90; }, "90 records collected");
  WaitFor([&] { return task_of("collect-h").dlq_requests == 10; }, "10 records in the DLQ");
  EXPECT_EQ(task_of("collect-h").records_skipped, 10);
  EXPECT_EQ(task_of("collect-h").record_errors, 10);
  EXPECT_EQ(task_of("collect-h").dlq_failures, 0);
  for (int64_t v : Collected("collect-h")) EXPECT_NE((v / 10) % 10, 0) << v;

  // errors.tolerance=none: the first errant record fails the task.
  worker.StartConnector({{"name", "collect-i"},
                         {"connector.class", "test.CollectSinkConnector"},
                         {"topics", "seq-h"},
                         {"errant.modulus", "10"}});
  WaitFor(
      [&] {
        const ConnectorStatus s = worker.StatusOf("collect-i");
        return !s.tasks.empty() && s.tasks[0].state == TaskState::kFailed;
      },
      "collect-i to fail");
  EXPECT_THAT(worker.StatusOf("collect-i").tasks[0].trace,
              HasSubstr("Tolerance exceeded in error handler: stage TASK_PUT"));
  EXPECT_THAT(worker.StatusOf("collect-i").tasks[0].trace, HasSubstr("refused by the table"));
  worker.StopAll();
}

TEST_F(WorkerTest, LifecycleOperationsAndSavedConfigurations) {
  {
    Worker worker(WorkerConfig(), registry_);
    worker.CreateConnector("seq-j",
                           {{"connector.class", "test.SeqSourceConnector"},
                            {"topic", "seq-j"},
                            {"count", "1000000"},
                            {"tasks.max", "2"}},
                           TargetState::kPaused);
    EXPECT_THROW(worker.CreateConnector("seq-j", {{"connector.class", "test.SeqSourceConnector"}},
                                        TargetState::kStarted),
                 WorkerError);
    EXPECT_EQ(worker.StatusOf("seq-j").connector.state, TaskState::kPaused);
    EXPECT_EQ(worker.Info("seq-j").tasks, 2);
    worker.Resume("seq-j");
    WaitFor([&] { return worker.Progress("seq-j").produced > 0; }, "records after resume");
    worker.Stop("seq-j");
    EXPECT_EQ(worker.StatusOf("seq-j").connector.state, TaskState::kStopped);
    EXPECT_TRUE(worker.StatusOf("seq-j").tasks.empty());
    EXPECT_FALSE(worker.Offsets("seq-j")["offsets"].empty());
    worker.AlterOffsets("seq-j", std::nullopt);
    EXPECT_TRUE(worker.Offsets("seq-j")["offsets"].empty());
    try {
      worker.RestartTask("seq-j", 5);
      FAIL();
    } catch (const WorkerError& e) {
      EXPECT_EQ(e.kind(), WorkerError::Kind::kNotFound);
    }
  }
  // A new worker on the same files finds the connector, still stopped.
  Worker worker(WorkerConfig(), registry_);
  EXPECT_EQ(worker.Connectors(), std::vector<std::string>{"seq-j"});
  EXPECT_EQ(worker.StatusOf("seq-j").connector.state, TaskState::kStopped);
  worker.DeleteConnector("seq-j");
  EXPECT_TRUE(worker.Connectors().empty());
  worker.StopAll();
  try {
    worker.Pause("seq-j");
    FAIL();
  } catch (const WorkerError& e) {
    EXPECT_EQ(e.kind(), WorkerError::Kind::kUnavailable);  // shutting down
  }
}

}  // namespace
}  // namespace ck::runtime
