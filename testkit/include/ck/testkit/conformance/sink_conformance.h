/// @file
/// The sink connector conformance suite: a typed GoogleTest suite that runs a sink connector in a
/// real ConnectKit worker (ConnectCluster) against a real Kafka, feeds it sequence-numbered
/// records, and checks what the sink system ends up holding, under faults.
///
/// The suite produces each record with a null key and the value `{"seq":N}` (JSON text, N = 0, 1,
/// 2, ...) into a topic of one partition, so a record's Kafka offset is its sequence number (the
/// poison record of the dead-letter queue test excepted). Unless the adapter's configuration names
/// a `value.converter`, the suite adds JsonConverter without schemas, so the connector receives a
/// map {seq=N}.
///
/// A sink that needs a value schema (a table's columns come from it) gives the optional member
/// `Value(seq)`, which says what the bytes of record N are, and names the converter that reads
/// them. JsonSeqValueWithSchema() makes JsonConverter's envelope of a struct with one required
/// INT64 field `seq`, for `value.converter.schemas.enable=true`:
///
/// @code
/// std::string Value(int64_t seq) const { return ck::testkit::JsonSeqValueWithSchema(seq); }
/// nlohmann::json Config() const {
///   return {{"connector.class", "MyTableSink"},
///           {"value.converter", "org.apache.kafka.connect.json.JsonConverter"},
///           {"value.converter.schemas.enable", "true"}};
/// }
/// @endcode
///
/// Whatever the encoding, the poison record of the dead-letter queue test is the bytes `not json`,
/// which the value converter must reject.
///
/// @code
/// #include "ck/testkit/conformance/sink_conformance.h"
///
/// struct MyFileSink {
///   static std::vector<std::string> Plugins() { return {"my/plugin/my_plugin.tar.gz"}; }
///   explicit MyFileSink(const ck::testkit::SinkConformanceContext& context)
///       : path_(context.dir + "/out.txt") {}
///   // The configuration without "name" and "topics" (the suite adds them).
///   nlohmann::json Config() const { return {{"connector.class", "MyFileSink"}, {"file", path_}}; }
///   std::vector<std::string> RequiredKeys() const { return {"file"}; }
///   // The sequence numbers the sink system holds, one per copy held.
///   std::vector<int64_t> ReadBack() const { /* parse path_ */ }
///   nlohmann::json Reconfigure(nlohmann::json config) const {
///     config["tasks.max"] = "2";
///     return config;
///   }
///  private:
///   std::string path_;
/// };
///
/// INSTANTIATE_TYPED_TEST_SUITE_P(MyFileSink, SinkConformanceTest, ::testing::Types<MyFileSink>);
/// @endcode
///
/// The adapter's members:
/// - `static std::vector<std::string> Plugins()`: plugin tarballs or directories for
///   `plugin.path`.
/// - `explicit Adapter(const SinkConformanceContext&)`: one adapter per test.
/// - `nlohmann::json Config() const`: the connector's configuration, without `name` and `topics`.
/// - `std::vector<std::string> RequiredKeys() const`: keys whose absence validation must report
///   (the suite checks `topics` itself).
/// - `std::vector<int64_t> ReadBack() const`: the sequence numbers of the records the sink system
///   holds now, repeated when it holds a record more than once.
/// - `nlohmann::json Reconfigure(nlohmann::json config) const`: a different configuration under
///   which the same records end up in the same place.
/// - optional `static constexpr bool kIdempotent`: true when writing a record again leaves one
///   copy (an upsert by key): then even a crash may not leave a duplicate (default false).
/// - optional `static constexpr int64_t kRecords`: records per test (default 1000).
/// - optional `std::string Value(int64_t seq) const`: the bytes of record `seq`'s value (default
///   `{"seq":N}`); the adapter's configuration then names the `value.converter` that reads them.
///
/// The checks:
/// - ValidationAcceptsTheConfigAndReportsEachMissingRequiredKey (`topics` included).
/// - TaskConfigsRespectTasksMax.
/// - WritesEveryRecordOnceAndCommitsWhatItWrote: without faults, each record once; the consumer
///   group's committed offset reaches the end, and the offsets API shows it.
/// - CommittedOffsetsNeverPassWhatTheSinkHolds: sampled while records flow in ten bursts, each
///   until it is committed, every record below the committed offset is already in the sink system
///   (offsets only after flush).
/// - SigkillMidFlushLosesNothing: after SIGKILL, everything below the committed offset is in the
///   sink; after the restart every record arrives, and only records at or above the committed
///   offset may come twice (none at all for an idempotent sink).
/// - RestartedTaskLosesNothing: a task restarted over REST mid-stream flushes and commits first:
///   nothing is lost or repeated.
/// - PoisonRecordGoesToTheDeadLetterQueue: with `errors.tolerance=all` and a dead-letter queue, a
///   record the converter rejects goes there with its original bytes and Kafka Connect's context
///   headers, every good record reaches the sink, and the committed offset moves past the poison.
/// - StopConnectorIsPromptAndResumeContinuesWithoutDuplicates.
/// - BrokerOutageAndReturnLosesNothing: the broker stops, the tasks stay RUNNING, it comes back,
///   and every record reaches the sink (on FaultableConformanceKafka(): a shared cluster is never
///   stopped).
/// - ReconfigurationKeepsEveryRecord.
/// - RepeatedStartStopCyclesLeakNothing.
///
/// Include this header in one source file per test binary.

#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "ck/testkit/conformance/conformance_support.h"
#include "ck/testkit/connect_cluster.h"
#include "ck/testkit/kafka_cluster.h"

namespace ck::testkit {

/// JsonConverter's envelope (`value.converter.schemas.enable=true`) of record `seq`: a struct
/// with one required INT64 field `seq`, i.e.
/// `{"schema":{"type":"struct","fields":[{"field":"seq","type":"int64","optional":false}],`
/// `"optional":false},"payload":{"seq":N}}`. For an adapter's `Value()`.
inline std::string JsonSeqValueWithSchema(int64_t seq) {
  return R"({"schema":{"type":"struct","fields":[{"field":"seq","type":"int64","optional":false}],)"
         R"("optional":false},"payload":{"seq":)" +
         std::to_string(seq) + "}}";
}

/// What a sink adapter gets for one test.
struct SinkConformanceContext {
  std::string dir;      ///< A scratch directory for the adapter's files, removed after the test.
  std::string topic;    ///< The topic the connector consumes (the suite adds `topics`).
  std::string name;     ///< The connector's name.
  KafkaCluster* kafka;  ///< The Kafka cluster of the test.
};

/// The fixture of the sink conformance suite; `Adapter` as described in the file comment.
template <typename Adapter>
class SinkConformanceTest : public ::testing::Test {
 protected:
  /// Records per test.
  static constexpr int64_t Records() {
    if constexpr (requires { Adapter::kRecords; }) {
      return Adapter::kRecords;
    } else {
      return 1000;
    }
  }
  /// Whether the sink keeps one copy of a record written twice.
  static constexpr bool Idempotent() {
    if constexpr (requires { Adapter::kIdempotent; }) {
      return Adapter::kIdempotent;
    } else {
      return false;
    }
  }

  /// Creates the test's topic, scratch directory, adapter and worker.
  void SetUp() override {
    scratch_ = std::filesystem::path(testing::TempDir()) / UniqueTestName("sink");
    std::filesystem::create_directories(scratch_);
    topic_ = UniqueTestName("sink");
    name_ = UniqueTestName("snk");
    StartOn(ConformanceKafka());
  }

  /// For a test that stops the broker: moves the test (topic, adapter, worker) to
  /// FaultableConformanceKafka() unless it is there already. Call it first.
  void UseFaultableKafka() {
    KafkaCluster& faultable = FaultableConformanceKafka();
    if (&faultable == kafka_) return;
    connect_.reset();
    adapter_.reset();
    StartOn(faultable);
  }

  /// Creates the topic on `kafka`, then the adapter and the worker.
  void StartOn(KafkaCluster& kafka) {
    kafka_ = &kafka;
    kafka_->CreateTopic(topic_, 1);
    context_ = SinkConformanceContext{scratch_.string(), topic_, name_, kafka_};
    adapter_ = std::make_unique<Adapter>(context_);
    // A restarted worker's consumer joins while the killed one's membership lingers until its
    // session times out: the broker's minimum (6 s) rather than librdkafka's 45 s. Offsets are
    // committed every second, so that a SIGKILL lands between writes and their commit (a sink
    // that writes fast would otherwise have committed everything it holds).
    connect_ = ConnectCluster::Start({.bootstrap_servers = kafka_->bootstrap_servers(),
                                      .plugins = Adapter::Plugins(),
                                      .worker_properties = {
                                          {"offset.flush.interval.ms", "1000"},
                                          {"consumer.session.timeout.ms", "6000"},
                                          {"consumer.heartbeat.interval.ms", "1000"},
                                      }});
  }

  /// Stops the worker and removes the scratch directory.
  void TearDown() override {
    connect_.reset();
    adapter_.reset();
    std::error_code ec;
    std::filesystem::remove_all(scratch_, ec);
  }

  /// The worker.
  ConnectWorker& worker() { return connect_->worker(); }

  /// The adapter's configuration with `topics` and, unless it names one, JsonConverter without
  /// schemas as the value converter.
  nlohmann::json Config() const {
    nlohmann::json config = adapter_->Config();
    config["topics"] = topic_;
    if (!config.contains("value.converter")) {
      config["value.converter"] = "org.apache.kafka.connect.json.JsonConverter";
      config["value.converter.schemas.enable"] = "false";
    }
    return config;
  }

  /// The bytes of record `seq`'s value: the adapter's `Value(seq)`, else `{"seq":N}`.
  std::string Value(int64_t seq) const {
    if constexpr (requires(const Adapter& a) { a.Value(seq); }) {
      return adapter_->Value(seq);
    } else {
      return "{\"seq\":" + std::to_string(seq) + "}";
    }
  }

  /// Produces the records numbered [from, to).
  void Produce(int64_t from, int64_t to) {
    std::vector<std::string> values;
    for (int64_t seq = from; seq < to; ++seq) values.push_back(Value(seq));
    kafka_->ProduceAll(topic_, values);
  }

  /// What the sink holds now.
  SequenceLedger Held() const {
    SequenceLedger ledger;
    for (int64_t seq : adapter_->ReadBack()) ledger.Add({"", seq});
    return ledger;
  }

  /// Waits until the sink holds every record in [0, count).
  testing::AssertionResult WaitForAll(
      int64_t count, std::chrono::milliseconds timeout = std::chrono::seconds(120)) {
    SequenceLedger last;
    testing::AssertionResult result = Eventually(
        "the sink to hold records 0.." + std::to_string(count - 1),
        [&] {
          if (!worker().running()) return true;
          last = Held();
          return static_cast<bool>(last.Complete({""}, count));
        },
        timeout, &worker());
    if (!worker().running()) {
      return testing::AssertionFailure() << "the worker died: " << worker().LogTail();
    }
    if (!result) result << "\n" << last.Complete({""}, count).message();
    return result;
  }

  /// Waits until the sink holds at least `count` distinct records.
  testing::AssertionResult WaitForHeld(int64_t count) {
    return Eventually(
        "the sink to hold " + std::to_string(count) + " records",
        [&] { return Held().Distinct("") >= count; }, std::chrono::seconds(120), &worker());
  }

  /// The offset the connector's consumer group committed (0 when none).
  int64_t CommittedOffset() {
    const std::map<int32_t, int64_t> offsets = kafka_->GroupOffsets("connect-" + name_, topic_);
    const auto it = offsets.find(0);
    return it == offsets.end() ? 0 : it->second;
  }

  /// Success when every record below `committed` is in `held`.
  static testing::AssertionResult HoldsBelow(const SequenceLedger& held, int64_t committed) {
    const std::vector<int64_t> missing = held.Missing("", committed);
    if (missing.empty()) return testing::AssertionSuccess();
    return testing::AssertionFailure()
           << "offset " << committed << " was committed, but the sink does not hold records "
           << FormatRanges(missing) << " below it (it holds " << held.Summary()
           << "): the offsets of records were committed before they were written";
  }

  /// Creates the connector with `config` and waits until it and its tasks run; returns the
  /// number of tasks.
  int CreateRunning(const nlohmann::json& config) {
    worker().CreateConnector(name_, config);
    std::size_t tasks = 0;
    EXPECT_TRUE(Eventually(
        name_ + " to have task configurations",
        [&] { return (tasks = worker().TaskConfigs(name_).size()) > 0; }, std::chrono::seconds(60),
        &worker()));
    EXPECT_TRUE(worker().ConnectorAndTasksRunning(name_, static_cast<int>(tasks)));
    return static_cast<int>(tasks);
  }

  KafkaCluster* kafka_ = nullptr;            ///< The binary's Kafka.
  std::filesystem::path scratch_;            ///< The adapter's directory.
  std::string topic_;                        ///< The test's topic.
  std::string name_;                         ///< The connector's name.
  SinkConformanceContext context_{};         ///< What the adapter got.
  std::unique_ptr<Adapter> adapter_;         ///< The adapter.
  std::unique_ptr<ConnectCluster> connect_;  ///< The worker.
};

#ifndef CK_DOXYGEN  // the tests themselves: GoogleTest macros, not API

TYPED_TEST_SUITE_P(SinkConformanceTest);

TYPED_TEST_P(SinkConformanceTest, ValidationAcceptsTheConfigAndReportsEachMissingRequiredKey) {
  nlohmann::json config = this->Config();
  config["name"] = this->name_;
  const std::string connector_class = config.at("connector.class").template get<std::string>();
  const nlohmann::json infos = this->worker().Validate(connector_class, config);
  EXPECT_EQ(infos.value("error_count", -1), 0)
      << "the adapter's configuration does not validate: " << infos.dump();
  for (const std::string& key : this->adapter_->RequiredKeys()) {
    nlohmann::json without = config;
    without.erase(key);
    const nlohmann::json answer = this->worker().Validate(connector_class, without);
    EXPECT_GE(answer.value("error_count", 0), 1) << "no error without " << key;
    const auto errors = ValidationErrors(answer);
    EXPECT_TRUE(errors.count(key) > 0 && !errors.at(key).empty())
        << "validation does not report the missing required key " << key << ": " << answer.dump();
  }
  nlohmann::json no_topics = config;
  no_topics.erase("topics");
  const nlohmann::json answer = this->worker().Validate(connector_class, no_topics);
  EXPECT_GE(answer.value("error_count", 0), 1) << "no error without topics: " << answer.dump();
  EXPECT_NE(answer.dump().find("topics"), std::string::npos) << answer.dump();
}

TYPED_TEST_P(SinkConformanceTest, TaskConfigsRespectTasksMax) {
  CheckTaskConfigsRespectTasksMax(this->worker(), this->name_, this->Config());
}

TYPED_TEST_P(SinkConformanceTest, WritesEveryRecordOnceAndCommitsWhatItWrote) {
  const int64_t n = this->Records();
  this->Produce(0, n);
  this->CreateRunning(this->Config());
  ASSERT_TRUE(this->WaitForAll(n));
  EXPECT_TRUE(this->Held().NoDuplicates());
  EXPECT_TRUE(Eventually(
      "the committed offset to reach " + std::to_string(n),
      [&] { return this->CommittedOffset() == n; }, std::chrono::seconds(60), &this->worker()));
  const nlohmann::json offsets = this->worker().Offsets(this->name_);
  ASSERT_EQ(offsets.size(), 1u) << offsets.dump();
  EXPECT_EQ(offsets[0]["partition"],
            (nlohmann::json{{"kafka_topic", this->topic_}, {"kafka_partition", 0}}));
  EXPECT_EQ(offsets[0]["offset"], (nlohmann::json{{"kafka_offset", n}}));
}

TYPED_TEST_P(SinkConformanceTest, CommittedOffsetsNeverPassWhatTheSinkHolds) {
  const int64_t n = this->Records();
  this->CreateRunning(this->Config());
  int samples = 0;
  std::set<int64_t> seen;
  // Records arrive in ten bursts; after each, samples are taken until the burst is committed:
  // the committed offset is read first, then what the sink holds: everything below the offset
  // must be there.
  for (int burst = 0; burst < 10; ++burst) {
    const int64_t end = (burst + 1) * n / 10;
    this->Produce(burst * n / 10, end);
    testing::AssertionResult holds = testing::AssertionSuccess();
    ASSERT_TRUE(Eventually(
        "the committed offset to reach " + std::to_string(end),
        [&] {
          const int64_t committed = this->CommittedOffset();
          holds = this->HoldsBelow(this->Held(), committed);
          ++samples;
          seen.insert(committed);
          return !holds || committed >= end;
        },
        std::chrono::seconds(60), &this->worker()));
    ASSERT_TRUE(holds);
  }
  EXPECT_EQ(this->CommittedOffset(), n);
  std::printf("%d samples, %zu distinct committed offsets\n", samples, seen.size());
}

TYPED_TEST_P(SinkConformanceTest, SigkillMidFlushLosesNothing) {
  const int64_t n = this->Records();
  this->Produce(0, n / 2);
  this->CreateRunning(this->Config());
  ASSERT_TRUE(this->WaitForHeld(n / 4));
  ASSERT_TRUE(Eventually(
      "a first commit", [&] { return this->CommittedOffset() > 0; }, std::chrono::seconds(60),
      &this->worker()));
  this->Produce(n / 2, 3 * n / 4);
  // The committed offset first: read after what the sink holds, it would often have caught up
  // while it was being fetched.
  (void)Eventually(
      "records beyond the committed offset in the sink (best effort)",
      [&] {
        const int64_t committed = this->CommittedOffset();
        return this->Held().Distinct("") > committed;
      },
      std::chrono::seconds(2));
  this->worker().Kill();
  const int64_t committed = this->CommittedOffset();
  const SequenceLedger at_kill = this->Held();
  EXPECT_TRUE(this->HoldsBelow(at_kill, committed));
  this->Produce(3 * n / 4, n);
  this->worker().Start();
  ASSERT_TRUE(this->WaitForAll(n));
  const SequenceLedger held = this->Held();
  if (this->Idempotent()) {
    EXPECT_TRUE(held.NoDuplicates()) << "an idempotent sink holds a record twice after a crash";
  }
  for (int64_t seq : held.Duplicated("")) {
    EXPECT_GE(seq, committed) << "record " << seq << " was committed before the kill (offset "
                              << committed << ") and still delivered again";
  }
  std::printf("committed offset at the kill: %lld, held then: %lld, duplicates now: %lld\n",
              static_cast<long long>(committed), static_cast<long long>(at_kill.Distinct("")),
              static_cast<long long>(held.Duplicates("")));
}

TYPED_TEST_P(SinkConformanceTest, RestartedTaskLosesNothing) {
  const int64_t n = this->Records();
  this->Produce(0, n / 2);
  const int tasks = this->CreateRunning(this->Config());
  ASSERT_TRUE(this->WaitForHeld(n / 4));
  this->worker().RestartTask(this->name_, 0);
  ASSERT_TRUE(this->worker().ConnectorAndTasksRunning(this->name_, tasks));
  this->Produce(n / 2, n);
  ASSERT_TRUE(this->WaitForAll(n));
  EXPECT_TRUE(this->Held().NoDuplicates());
}

TYPED_TEST_P(SinkConformanceTest, PoisonRecordGoesToTheDeadLetterQueue) {
  const int64_t n = this->Records();
  const std::string dlq = this->topic_ + "-dlq";
  nlohmann::json config = this->Config();
  config["errors.tolerance"] = "all";
  config["errors.deadletterqueue.topic.name"] = dlq;
  config["errors.deadletterqueue.topic.replication.factor"] = "1";
  config["errors.deadletterqueue.context.headers.enable"] = "true";
  this->Produce(0, n / 2);
  this->kafka_->ProduceAll(this->topic_, {"not json"});  // offset n / 2
  const std::string poison_offset = std::to_string(n / 2);
  this->Produce(n / 2, n);  // the rest keep their numbers; their offsets are one higher
  this->CreateRunning(config);
  ASSERT_TRUE(this->WaitForAll(n));
  EXPECT_TRUE(this->Held().NoDuplicates());
  const std::vector<ConsumedRecord> dead =
      this->kafka_->ConsumeAll(dlq, 1, std::chrono::seconds(60));
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].value, std::optional<std::string>("not json"));
  std::map<std::string, std::string> headers(dead[0].headers.begin(), dead[0].headers.end());
  EXPECT_EQ(headers["__connect.errors.topic"], this->topic_);
  EXPECT_EQ(headers["__connect.errors.partition"], "0");
  EXPECT_EQ(headers["__connect.errors.offset"], poison_offset);
  EXPECT_EQ(headers["__connect.errors.connector.name"], this->name_);
  EXPECT_FALSE(headers["__connect.errors.exception.message"].empty());
  EXPECT_TRUE(Eventually(
      "the committed offset to pass the poison record",
      [&] { return this->CommittedOffset() == n + 1; }, std::chrono::seconds(60), &this->worker()));
  EXPECT_EQ(TopicSize(*this->kafka_, dlq), 1);
}

TYPED_TEST_P(SinkConformanceTest, StopConnectorIsPromptAndResumeContinuesWithoutDuplicates) {
  const int64_t n = this->Records();
  this->Produce(0, n / 2);
  this->CreateRunning(this->Config());
  ASSERT_TRUE(this->WaitForHeld(n / 4));
  const auto start = std::chrono::steady_clock::now();
  this->worker().StopConnector(this->name_);
  ASSERT_TRUE(this->worker().ConnectorStopped(this->name_, std::chrono::seconds(10)))
      << "stop was not honoured within 10 s";
  std::printf("stop took %lld ms\n",
              static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                         std::chrono::steady_clock::now() - start)
                                         .count()));
  // Stopped: what was delivered is committed, and the sink holds it.
  const int64_t committed = this->CommittedOffset();
  const SequenceLedger held = this->Held();
  EXPECT_TRUE(this->HoldsBelow(held, committed));
  EXPECT_EQ(held.Distinct(""), committed) << "delivered records were left uncommitted at stop";
  this->Produce(n / 2, n);
  this->worker().ResumeConnector(this->name_);
  ASSERT_TRUE(this->WaitForAll(n));
  EXPECT_TRUE(this->Held().NoDuplicates());
}

TYPED_TEST_P(SinkConformanceTest, BrokerOutageAndReturnLosesNothing) {
  this->UseFaultableKafka();
  const int64_t n = this->Records();
  this->Produce(0, n / 2);
  const int tasks = this->CreateRunning(this->Config());
  ASSERT_TRUE(this->WaitForAll(n / 2));
  this->kafka_->Stop();
  EXPECT_TRUE(Consistently(
      "the connector and its tasks RUNNING while the broker is down",
      [&] {
        const ConnectorStatus status = this->worker().Status(this->name_);
        if (status.connector.state != "RUNNING") return false;
        for (const InstanceStatus& t : status.tasks) {
          if (t.state != "RUNNING") return false;
        }
        return static_cast<int>(status.tasks.size()) == tasks;
      },
      std::chrono::seconds(3)));
  this->kafka_->Restart();
  this->Produce(n / 2, n);
  ASSERT_TRUE(this->WaitForAll(n, std::chrono::seconds(180)));
  EXPECT_TRUE(this->worker().ConnectorAndTasksRunning(this->name_, tasks));
  std::printf("after the outage: %s\n", this->Held().Summary().c_str());
}

TYPED_TEST_P(SinkConformanceTest, ReconfigurationKeepsEveryRecord) {
  const int64_t n = this->Records();
  this->Produce(0, n / 2);
  const nlohmann::json config = this->Config();
  this->CreateRunning(config);
  ASSERT_TRUE(this->WaitForHeld(n / 4));
  ASSERT_NO_FATAL_FAILURE(
      CheckReconfigured(this->worker(), this->name_, config, this->adapter_->Reconfigure(config)));
  this->Produce(n / 2, n);
  ASSERT_TRUE(this->WaitForAll(n));
  EXPECT_TRUE(this->Held().NoDuplicates());
}

TYPED_TEST_P(SinkConformanceTest, RepeatedStartStopCyclesLeakNothing) {
  const int64_t n = this->Records();
  this->Produce(0, n);
  const nlohmann::json config = this->Config();
  const int tasks = this->CreateRunning(config);
  CheckStartStopCyclesLeakNothing(this->worker(), this->name_, tasks,
                                  [&] { return this->CreateRunning(config); });
  ASSERT_TRUE(this->WaitForAll(n));
}

REGISTER_TYPED_TEST_SUITE_P(SinkConformanceTest,
                            ValidationAcceptsTheConfigAndReportsEachMissingRequiredKey,
                            TaskConfigsRespectTasksMax, WritesEveryRecordOnceAndCommitsWhatItWrote,
                            CommittedOffsetsNeverPassWhatTheSinkHolds, SigkillMidFlushLosesNothing,
                            RestartedTaskLosesNothing, PoisonRecordGoesToTheDeadLetterQueue,
                            StopConnectorIsPromptAndResumeContinuesWithoutDuplicates,
                            BrokerOutageAndReturnLosesNothing, ReconfigurationKeepsEveryRecord,
                            RepeatedStartStopCyclesLeakNothing);

#endif  // CK_DOXYGEN

}  // namespace ck::testkit
