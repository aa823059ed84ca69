// Tests of the datagen connector through FakeHost (the plugin's real ABI entry point):
// deterministic content, contiguous sequence numbers across polls, resuming from committed
// offsets, the task split, `count`/`iterations`, pacing (`rate`, `max.interval`), stop() from
// another thread, validation messages and offset checks.
#include "reference-connectors/datagen/datagen_source.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ck/abi/ck_abi.h"
#include "ck/host/host_support.h"
#include "ck/testkit/fake_host.h"
#include "reference-connectors/datagen/order.h"

namespace ck::datagen {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using Clock = std::chrono::steady_clock;

std::vector<int64_t> Keys(const std::vector<SourceRecord>& records) {
  std::vector<int64_t> out;
  out.reserve(records.size());
  for (const SourceRecord& r : records) out.push_back(r.key.as_int64());
  return out;
}

std::vector<int64_t> Range(int64_t from, int64_t to) {
  std::vector<int64_t> out;
  for (int64_t i = from; i < to; ++i) out.push_back(i);
  return out;
}

class DatagenTest : public ::testing::Test {
 protected:
  void SetUp() override { host_.Load(ck_plugin_entry_v1()); }

  testkit::SourceTaskDriver StartTask(const ConfigMap& extra = {}) {
    ConfigMap config = {{"kafka.topic", "orders"}, {"seed", "42"}};
    for (auto& [key, value] : extra) config.insert_or_assign(key, value);
    testkit::SourceTaskDriver task = host_.CreateSourceTask(kTaskClass);
    task.Start(config);
    return task;
  }

  testkit::FakeHost host_;
};

TEST_F(DatagenTest, RecordsAreTheDeterministicOrdersOfTheirTaskAndSeq) {
  auto task = StartTask({{"task.id", "1"}, {"batch.size", "10"}});
  const auto records = task.Poll();
  ASSERT_EQ(records.size(), 10u);
  for (size_t i = 0; i < records.size(); ++i) {
    const SourceRecord& r = records[i];
    const auto seq = static_cast<int64_t>(i);
    EXPECT_EQ(r.topic, "orders");
    EXPECT_TRUE(SchemaEquals(r.key_schema, Schema::Int64()));
    EXPECT_EQ(r.key, Value(seq));
    EXPECT_TRUE(SchemaEquals(r.value_schema, OrderSchema()));
    EXPECT_EQ(r.value, Value(MakeOrder(42, 1, seq)));
    EXPECT_EQ(r.source_partition, nlohmann::json({{"task", 1}}));
    EXPECT_EQ(r.source_offset, nlohmann::json({{"seq", seq + 1}}));
    EXPECT_TRUE(r.timestamp.has_value());
  }
  // Content pinned end to end (the generator's golden record), after the trip across the ABI.
  const Struct& order = records[2].value.as_struct();
  EXPECT_EQ(order.get_string("customer"), "customer-4514");
  EXPECT_EQ(Decimal::ToString(order.get_bytes("price"), 2), "116.25");
  EXPECT_EQ(order.get_array("tags"), (Value::Array{"return", "fragile", "subscription"}));

  // Another task instance with the same configuration generates the same records.
  auto again = StartTask({{"task.id", "1"}, {"batch.size", "10"}});
  const auto repeated = again.Poll();
  ASSERT_EQ(repeated.size(), records.size());
  for (size_t i = 0; i < records.size(); ++i) EXPECT_EQ(repeated[i].value, records[i].value);
}

TEST_F(DatagenTest, SequenceNumbersAreContiguousAcrossPolls) {
  auto task = StartTask({{"batch.size", "100"}});
  std::vector<int64_t> keys;
  for (int i = 0; i < 5; ++i) {
    const auto records = task.Poll();
    EXPECT_EQ(records.size(), 100u);
    for (const SourceRecord& r : records) {
      EXPECT_EQ(r.source_offset.at("seq"), r.key.as_int64() + 1);
      keys.push_back(r.key.as_int64());
    }
  }
  EXPECT_EQ(keys, Range(0, 500));
}

TEST_F(DatagenTest, BatchSizeDefaultsToAThousand) {
  auto task = StartTask();
  EXPECT_EQ(task.Poll().size(), 1000u);
}

TEST_F(DatagenTest, ResumesAfterTheCommittedSequenceNumberOfItsOwnTask) {
  host_.SetOffset({{"task", 2}}, {{"seq", 1234}});
  auto resumed = StartTask({{"task.id", "2"}, {"batch.size", "3"}});
  const auto records = resumed.Poll();
  EXPECT_THAT(Keys(records), ElementsAre(1234, 1235, 1236));
  EXPECT_EQ(records[0].value, Value(MakeOrder(42, 2, 1234)));
  auto other = StartTask({{"task.id", "0"}, {"batch.size", "3"}});
  EXPECT_THAT(Keys(other.Poll()), ElementsAre(0, 1, 2));
}

TEST_F(DatagenTest, RefusesACommittedOffsetOfTheWrongShape) {
  host_.SetOffset({{"task", 0}}, {{"seq", -3}});
  auto task = host_.CreateSourceTask(kTaskClass);
  try {
    task.Start({{"kafka.topic", "orders"}});
    FAIL() << "expected the start to fail";
  } catch (const host::AbiError& e) {
    EXPECT_THAT(e.what(), HasSubstr("The committed offset of {\"task\":0} is {\"seq\":-3}"));
  }
}

TEST_F(DatagenTest, ConnectorSplitsTheWorkIntoNumberedTasks) {
  auto connector = host_.CreateConnector(kConnectorClass);
  connector.Start({{"kafka.topic", "orders"}, {"rate", "5"}, {"name", "gen"}});
  const auto configs = connector.TaskConfigs(3);
  ASSERT_EQ(configs.size(), 3u);
  for (size_t i = 0; i < configs.size(); ++i) {
    EXPECT_EQ(configs[i].at("task.id"), std::to_string(i));
    EXPECT_EQ(configs[i].at("kafka.topic"), "orders");
    EXPECT_EQ(configs[i].at("rate"), "5");
    EXPECT_EQ(configs[i].at("name"), "gen");
  }
  // Each task writes its own partition, from its own sequence.
  for (size_t i = 0; i < configs.size(); ++i) {
    auto task = host_.CreateSourceTask(kTaskClass);
    task.Start(configs[i]);
    const auto records = task.Poll();
    ASSERT_FALSE(records.empty());
    EXPECT_EQ(records[0].source_partition, nlohmann::json({{"task", i}}));
    EXPECT_EQ(records[0].key, Value(int64_t{0}));
    EXPECT_EQ(records[0].value.as_struct().get_int32("task"), static_cast<int32_t>(i));
  }
  connector.Stop();
}

TEST_F(DatagenTest, CountBoundsTheRecordsOfEachTask) {
  auto task = StartTask({{"count", "25"}, {"batch.size", "10"}});
  EXPECT_EQ(Keys(task.Poll()), Range(0, 10));
  EXPECT_EQ(Keys(task.Poll()), Range(10, 20));
  EXPECT_EQ(Keys(task.Poll()), Range(20, 25));
  task.Stop();  // a finished task idles; stopped, it returns at once
  EXPECT_THAT(task.Poll(), IsEmpty());
}

TEST_F(DatagenTest, IterationsBoundsAResumedTaskToWhatIsLeft) {
  host_.SetOffset({{"task", 0}}, {{"seq", 20}});
  auto task = StartTask({{"iterations", "25"}});
  EXPECT_EQ(Keys(task.Poll()), Range(20, 25));
  const auto started = Clock::now();
  EXPECT_THAT(task.Poll(), IsEmpty());  // finished: idles about a second, not forever
  EXPECT_LT(Clock::now() - started, std::chrono::milliseconds(1500));
}

TEST_F(DatagenTest, ATaskPastItsCountGeneratesNothing) {
  host_.SetOffset({{"task", 0}}, {{"seq", 30}});
  auto task = StartTask({{"count", "25"}});
  task.Stop();
  EXPECT_THAT(task.Poll(), IsEmpty());
}

TEST_F(DatagenTest, RateLimitsRecordsPerSecond) {
  auto task = StartTask({{"rate", "200"}});
  const auto started = Clock::now();
  std::vector<int64_t> keys;
  while (keys.size() < 41) {
    for (const SourceRecord& r : task.Poll()) keys.push_back(r.key.as_int64());
  }
  // The first record goes out at once, each further one 5 ms later: 40 of them take >= 200 ms.
  EXPECT_GE(Clock::now() - started, std::chrono::milliseconds(195));
  EXPECT_EQ(keys, Range(0, static_cast<int64_t>(keys.size())));
}

TEST_F(DatagenTest, MaxIntervalSpacesPollsButEachReturnsWithinASecond) {
  auto task = StartTask({{"max.interval", "300"}, {"batch.size", "5"}});
  const auto started = Clock::now();
  EXPECT_THAT(Keys(task.Poll()), ElementsAre(0, 1, 2, 3, 4));
  EXPECT_THAT(Keys(task.Poll()), ElementsAre(5, 6, 7, 8, 9));
  EXPECT_GE(Clock::now() - started, std::chrono::milliseconds(295));

  auto slow = StartTask({{"max.interval", "60000"}, {"batch.size", "5"}});
  EXPECT_EQ(slow.Poll().size(), 5u);
  const auto waited = Clock::now();
  EXPECT_THAT(slow.Poll(), IsEmpty());
  EXPECT_LT(Clock::now() - waited, std::chrono::milliseconds(1500));
}

TEST_F(DatagenTest, StopFromAnotherThreadEndsAWaitingPoll) {
  auto task = StartTask({{"max.interval", "60000"}, {"batch.size", "5"}});
  ASSERT_EQ(task.Poll().size(), 5u);
  // The next poll waits for max.interval; stop() must end that wait whether it comes before or
  // during it.
  auto poll = std::async(std::launch::async, [&task] { return task.Poll(); });
  const auto stopped = Clock::now();
  task.Stop();
  ASSERT_EQ(poll.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  EXPECT_LT(Clock::now() - stopped, std::chrono::milliseconds(500));
  EXPECT_THAT(poll.get(), IsEmpty());
}

// ---- Validation ------------------------------------------------------------------------------

std::vector<std::string> ErrorsOf(const nlohmann::json& validation, const std::string& key) {
  for (const auto& entry : validation) {
    if (entry["name"] == key) return entry["errors"].get<std::vector<std::string>>();
  }
  return {"no such key: " + key};
}

TEST_F(DatagenTest, ValidationNamesTheKeyTheValueAndWhatIsAccepted) {
  auto connector = host_.CreateConnector(kConnectorClass);
  auto result = connector.Validate({{"kafka.topic", "orders"}});
  for (const auto& entry : result) EXPECT_THAT(entry["errors"], IsEmpty()) << entry["name"];

  result = connector.Validate(
      {{"rate", "-5"}, {"batch.size", "0"}, {"max.interval", "soon"}, {"iterations", "-2"}});
  EXPECT_THAT(ErrorsOf(result, "kafka.topic"),
              ElementsAre("Missing required configuration \"kafka.topic\" which has no default "
                          "value."));
  EXPECT_THAT(ErrorsOf(result, "rate"),
              ElementsAre("Invalid value -5.0 for configuration rate: Value must be at least 0"));
  EXPECT_THAT(
      ErrorsOf(result, "batch.size"),
      ElementsAre("Invalid value 0 for configuration batch.size: Value must be at least 1"));
  // As Kafka's ConfigDef.validate: the parse error, then the validator's view of the null left.
  EXPECT_THAT(ErrorsOf(result, "max.interval"),
              ElementsAre("Invalid value soon for configuration max.interval: Not a number of type "
                          "LONG",
                          "Invalid value null for configuration max.interval: Value must be "
                          "non-null"));
  EXPECT_THAT(ErrorsOf(result, "iterations"),
              ElementsAre("Invalid value -2 for configuration iterations: Value must be at least "
                          "-1"));
}

TEST_F(DatagenTest, ValidationReportsConflictingAliasesAndUnsupportedKeys) {
  auto connector = host_.CreateConnector(kConnectorClass);
  const ConfigMap config = {
      {"kafka.topic", "orders"}, {"iterations", "10"}, {"count", "20"}, {"quickstart", "users"}};
  const auto result = connector.Validate(config);
  EXPECT_THAT(ErrorsOf(result, "count"),
              ElementsAre("Invalid value 20 for configuration count: count is another name for "
                          "iterations, which is set to 10; set only one of them, or both to one "
                          "value"));
  EXPECT_THAT(ErrorsOf(result, "quickstart"),
              ElementsAre(HasSubstr("Invalid value users for configuration quickstart: Confluent "
                                    "datagen's quickstart is not supported")));
  try {
    connector.Start(config);
    FAIL() << "expected the start to fail";
  } catch (const host::AbiError& e) {
    EXPECT_THAT(e.what(), HasSubstr("count is another name for iterations"));
  }
}

TEST_F(DatagenTest, TaskRefusesABadTaskId) {
  auto task = host_.CreateSourceTask(kTaskClass);
  try {
    task.Start({{"kafka.topic", "orders"}, {"task.id", "-1"}});
    FAIL() << "expected the start to fail";
  } catch (const host::AbiError& e) {
    EXPECT_THAT(e.what(), HasSubstr("Invalid value -1 for configuration task.id"));
  }
}

TEST(DatagenConnectorTest, AlterOffsetsAcceptsOnlyTheShapeTheTasksWrite) {
  DatagenSourceConnector connector;
  using Offsets = std::vector<std::pair<nlohmann::json, std::optional<nlohmann::json>>>;
  const ConfigMap config = {{"kafka.topic", "orders"}};
  EXPECT_TRUE(connector.alter_offsets(
      config, Offsets{{{{"task", 0}}, nlohmann::json{{"seq", 9}}}, {{{"task", 1}}, std::nullopt}}));
  const auto refusal = [&](const Offsets& offsets) {
    try {
      connector.alter_offsets(config, offsets);
    } catch (const ConnectError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_THAT(refusal({{{{"task", 0}}, nlohmann::json{{"seq", -1}}}}),
              HasSubstr("{\"seq\": <non-negative integer>}; got {\"seq\":-1}"));
  EXPECT_THAT(refusal({{{{"task", "a"}}, nlohmann::json{{"seq", 1}}}}),
              HasSubstr("{\"task\": <non-negative integer>}; got {\"task\":\"a\"}"));
}

TEST(DatagenPluginTest, ManifestNamesTheClassesAndAliases) {
  const ck_str text = ck_plugin_entry_v1()->manifest_json;
  const nlohmann::json manifest = nlohmann::json::parse(std::string(text.ptr, text.len));
  EXPECT_EQ(manifest["name"], "datagen");
  ASSERT_EQ(manifest["components"].size(), 2u);
  const auto& connector = manifest["components"][0];
  EXPECT_EQ(connector["class"], kConnectorClass);
  EXPECT_EQ(connector["kind"], "source");
  EXPECT_EQ(connector["aliases"], nlohmann::json::array({"Datagen", "DatagenSource"}));
  EXPECT_EQ(connector["task_class"], kTaskClass);
  EXPECT_EQ(manifest["components"][1]["class"], kTaskClass);
}

}  // namespace
}  // namespace ck::datagen
