/// @file
/// The source connector conformance suites: typed GoogleTest suites that run a source connector in
/// a real ConnectKit worker (ConnectCluster) against a real Kafka, and check the contract and the
/// at-least-once guarantees under faults, with a sequence-number oracle. Three suites share one
/// adapter:
/// - SourceConformanceTest: the contract, restarts and crashes of the worker; every source.
/// - SourceKafkaFaultConformanceTest: the broker stopped and the network to Kafka cut; every
///   source (it runs on FaultableConformanceKafka(), a local broker, even when the binary's
///   shared Kafka is external).
/// - SourceSystemConformanceTest: faults of the source system (restart, network cut, schema
///   change, SIGKILL mid-snapshot); only for a connector that reads from a system the adapter
///   runs, and whose adapter has the members listed below for it.
///
/// An author instantiates them with an adapter, a small struct that knows the connector and its
/// source system (see SourceConformanceContext for what the adapter gets, and the checks below):
///
/// @code
/// #include "ck/testkit/conformance/source_conformance.h"
///
/// struct MyFileSource {
///   static std::vector<std::string> Plugins() { return {"my/plugin/my_plugin.tar.gz"}; }
///   explicit MyFileSource(const ck::testkit::SourceConformanceContext& context)
///       : path_(context.dir + "/in.txt"), topic_(context.topic) {}
///   // The connector configuration (without "name") for `records` records per stream.
///   nlohmann::json Config(int64_t records) const {
///     return {{"connector.class", "MyFileSource"}, {"file", path_}, {"topic", topic_}};
///   }
///   std::vector<std::string> RequiredKeys() const { return {"topic"}; }
///   std::vector<std::string> Streams() const { return {""}; }
///   void Write(int64_t from, int64_t to) { /* append lines from..to-1 to path_ */ }
///   std::optional<ck::testkit::RecordId> Identity(const ck::testkit::ConsumedRecord& r) const {
///     return ck::testkit::RecordId{"", std::stoll(*r.value)};
///   }
///   std::optional<ck::testkit::RecordId> Resume(const nlohmann::json& partition,
///                                               const nlohmann::json& offset) const {
///     return ck::testkit::RecordId{"", offset["line"].get<int64_t>()};
///   }
///   nlohmann::json Reconfigure(nlohmann::json config) const {
///     config["batch.size"] = "7";
///     return config;
///   }
///  private:
///   std::string path_, topic_;
/// };
///
/// INSTANTIATE_TYPED_TEST_SUITE_P(MyFileSource, SourceConformanceTest,
///                                ::testing::Types<MyFileSource>);
/// INSTANTIATE_TYPED_TEST_SUITE_P(MyFileSource, SourceKafkaFaultConformanceTest,
///                                ::testing::Types<MyFileSource>);
/// @endcode
///
/// The adapter's members:
/// - `static std::vector<std::string> Plugins()`: plugin tarballs or directories for
///   `plugin.path` (Bazel: the ck_plugin() tarball in the test's `data`).
/// - `explicit Adapter(const SourceConformanceContext&)`: one adapter per test.
/// - `nlohmann::json Config(int64_t records) const`: the connector's configuration, writing to
///   `context.topic`, such that each stream ends up with records numbered 0 .. records-1 once
///   Write() made them available (a source that generates its records, like datagen, stops at
///   `records`, and should take a second or more to get there so that faults land mid-stream).
/// - `std::vector<std::string> RequiredKeys() const`: keys whose absence validation must report.
/// - `std::vector<std::string> Streams() const`: the streams that Config() produces.
/// - `void Write(int64_t from, int64_t to)`: makes records [from, to) of every stream available in
///   the source system (a no-op for a source that generates its records).
/// - `std::optional<RecordId> Identity(const ConsumedRecord&) const`: the stream and sequence
///   number of a record read from the topic (std::nullopt: not one of the connector's).
/// - `std::optional<RecordId> Resume(const nlohmann::json& partition, const nlohmann::json&
///   offset) const`: from a committed source offset, the stream and the sequence number of the
///   next record the connector will produce for it (an offset that makes the connector start
///   over, such as one taken in the middle of a snapshot, resumes at 0).
/// - `nlohmann::json Reconfigure(nlohmann::json config) const`: a different configuration that
///   produces the same records (for PUT /connectors/{name}/config).
/// - optional `static constexpr int64_t kRecords`: records per stream in each test (default 1000).
///
/// The adapter members SourceSystemConformanceTest needs in addition:
/// - `void RestartSourceSystem()`: restarts the source system (e.g. PostgresServer::Restart())
///   and returns once it serves again.
/// - `FaultProxy& SourceProxy()`: a FaultProxy between the connector and the source system (the
///   adapter starts it and points Config() at it), through which every connection of the
///   connector to the source system goes; Write() goes to the source system directly.
/// - optional `void ChangeSchema()` with `bool HasChangedSchema(const ConsumedRecord&) const`:
///   changes the schema of the source (e.g. ALTER TABLE ... ADD COLUMN) so that every record
///   written afterwards differs in a way HasChangedSchema() recognises in what reached Kafka.
///   Without them SchemaChangeMidStreamKeepsEveryRecord passes, saying it does not apply.
/// - optional `static constexpr int64_t kSnapshotRecords`: the connector reads the records that
///   exist when it starts in a snapshot phase, and this many of them (per stream) take it long
///   enough (a second or more) for a SIGKILL to land in the middle. Without it
///   SnapshotToStreamHandoffHasNoGapNorDuplicate and SigkillMidSnapshotLosesNothing pass, saying
///   they do not apply.
///
/// The checks of SourceConformanceTest (each a test; the names say what they prove):
/// - ValidationAcceptsTheConfigAndReportsEachMissingRequiredKey: the validate endpoint answers
///   with no error for Config(), and with an error on each required key left out.
/// - TaskConfigsRespectTasksMax: at most `tasks.max` task configurations, all of them RUNNING.
/// - DeliversEveryRecordOnceWithMonotonicJsonOffsets: every record exactly once without faults;
///   the offsets (GET /connectors/{name}/offsets), sampled while records flow, are JSON objects
///   and never go backwards, and end where the records end.
/// - StopConnectorIsPromptAndResumeContinuesWithoutDuplicates: PUT .../stop takes effect within
///   10 s, commits everything sent, and resume continues with nothing lost or repeated.
/// - GracefulRestartResumesExactlyAtTheCommittedOffset: a worker stopped with SIGTERM exits 0
///   within 30 s having committed exactly what it sent; after the restart each stream continues
///   at the committed offset (no duplicates, no gap).
/// - SigkillMidStreamLosesNothing: after SIGKILL, what the offsets file says was committed is in
///   Kafka; the restarted worker resumes exactly at the committed offset, so the only duplicates
///   are records sent after the last commit (the uncommitted window); nothing is lost.
/// - ReconfigurationKeepsEveryRecord: PUT .../config with Reconfigure(); the new configuration is
///   in force, the tasks run, nothing is lost or repeated.
/// - RepeatedStartStopCyclesLeakNothing: stop/resume and delete/create cycles leave the worker's
///   open file descriptors and threads where they were.
///
/// The checks of SourceKafkaFaultConformanceTest:
/// - BrokerOutageAndReturnLosesNothing: the broker stops while records are written and comes back;
///   the tasks keep RUNNING and every record arrives.
/// - NetworkCutToKafkaLosesNothing: the network between the worker and Kafka is cut mid-stream
///   (KafkaCluster::proxy()) for 5 s: meanwhile nothing reaches the topic and no offset is
///   committed past what Kafka holds; after it comes back every record arrives, the tasks run,
///   the committed offsets reach the last record, and no record committed before the cut is sent
///   again.
///
/// The checks of SourceSystemConformanceTest (after each fault: every record arrives, the tasks
/// keep or regain RUNNING, and a record is sent twice only if the offsets committed when the
/// fault struck did not cover it):
/// - SourceSystemRestartLosesNothing: RestartSourceSystem() mid-stream, with records written and
///   not yet read.
/// - NetworkCutToTheSourceSystemLosesNothing: SourceProxy() resets every connection mid-stream
///   (the connector reconnects), then cuts the network for 3 s, during which no record written
///   meanwhile may arrive (proof that the connector only goes through the proxy), and restores it.
/// - SchemaChangeMidStreamKeepsEveryRecord: ChangeSchema() between two writes while the connector
///   streams; the records written before it do not carry the change (even when read after it),
///   every record written after it does, none is lost or repeated.
/// - SnapshotToStreamHandoffHasNoGapNorDuplicate: kSnapshotRecords records exist when the
///   connector starts, and more are written while the snapshot is being sent (the check fails if
///   the snapshot had already ended): every record arrives exactly once, across the hand-off from
///   the snapshot to the stream.
/// - SigkillMidSnapshotLosesNothing: kSnapshotRecords records exist when the connector starts; the
///   worker gets SIGKILL once the snapshot sent its first record (the check fails if the snapshot
///   had already ended); records are written while the worker is down and right after its
///   restart; all arrive (a snapshot started over repeats records, which is tolerated; a gap at
///   the hand-off from snapshot to stream is not).
///
/// Kafka is shared by the whole binary (ConformanceKafka(), FaultableConformanceKafka()); each
/// test gets its own topic (one partition), worker and directory. Include this header in one
/// source file per test binary. No check is ever skipped.

#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <concepts>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "ck/testkit/conformance/conformance_support.h"
#include "ck/testkit/connect_cluster.h"
#include "ck/testkit/fault_proxy.h"
#include "ck/testkit/kafka_cluster.h"

namespace ck::testkit {

/// What a source adapter gets for one test.
struct SourceConformanceContext {
  std::string dir;      ///< A scratch directory for the adapter's files, removed after the test.
  std::string topic;    ///< The topic the connector must write to (exists, one partition).
  KafkaCluster* kafka;  ///< The Kafka cluster of the test.
};

/// The fixture of the source conformance suite; `Adapter` as described in the file comment.
template <typename Adapter>
class SourceConformanceTest : public ::testing::Test {
 protected:
  /// `faultable_kafka`: the test runs on FaultableConformanceKafka() and the worker reaches it
  /// through the broker's proxied listener (the Kafka fault suite); else on ConformanceKafka().
  explicit SourceConformanceTest(bool faultable_kafka = false)
      : faultable_kafka_(faultable_kafka) {}

  /// Records per stream in each test.
  static constexpr int64_t Records() {
    if constexpr (requires { Adapter::kRecords; }) {
      return Adapter::kRecords;
    } else {
      return 1000;
    }
  }

  /// Creates the test's topic, scratch directory, adapter and worker.
  void SetUp() override {
    kafka_ = faultable_kafka_ ? &FaultableConformanceKafka() : &ConformanceKafka();
    scratch_ = std::filesystem::path(testing::TempDir()) / UniqueTestName("source");
    std::filesystem::create_directories(scratch_);
    topic_ = UniqueTestName("source");
    name_ = UniqueTestName("src");
    kafka_->CreateTopic(topic_, 1);
    context_ = SourceConformanceContext{scratch_.string(), topic_, kafka_};
    adapter_ = std::make_unique<Adapter>(context_);
    connect_ = ConnectCluster::Start({.bootstrap_servers = faultable_kafka_
                                                               ? kafka_->proxied_bootstrap_servers()
                                                               : kafka_->bootstrap_servers(),
                                      .plugins = Adapter::Plugins()});
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

  /// Every record of the topic with its identity, in topic order.
  struct Read {
    std::vector<ConsumedRecord> records;  ///< As consumed.
    std::vector<RecordId> ids;            ///< Their identities, same order.
  };
  /// Reads the whole topic; fails the test for a record without an identity.
  Read ReadAll() {
    Read read;
    read.records = ReadTopic(*kafka_, topic_);
    for (const ConsumedRecord& r : read.records) {
      std::optional<RecordId> id = adapter_->Identity(r);
      if (!id) {
        ADD_FAILURE() << "a record in " << topic_
                      << " has no identity the adapter can read: " << r.value.value_or("<null>");
        continue;
      }
      read.ids.push_back(*id);
    }
    return read;
  }

  /// A ledger of every record of the topic.
  SequenceLedger Ledger() {
    SequenceLedger ledger;
    ledger.AddAll(ReadAll().ids);
    return ledger;
  }

  /// Waits until every stream holds [0, count), reading the topic only once it is large enough.
  testing::AssertionResult WaitForAll(
      int64_t count, std::chrono::milliseconds timeout = std::chrono::seconds(120)) {
    const std::vector<std::string> streams = adapter_->Streams();
    const int64_t needed = count * static_cast<int64_t>(streams.size());
    SequenceLedger last;
    testing::AssertionResult result = Eventually(
        "every stream to hold records 0.." + std::to_string(count - 1),
        [&] {
          if (!worker().running()) return true;  // reported below
          if (TopicSize(*kafka_, topic_) < needed) return false;
          last = Ledger();
          return static_cast<bool>(last.Complete(streams, count));
        },
        timeout, &worker());
    if (!worker().running()) {
      return testing::AssertionFailure() << "the worker died: " << worker().LogTail();
    }
    if (!result) result << "\n" << last.Complete(streams, count).message();
    return result;
  }

  /// Waits until each stream holds at least `count` distinct records.
  testing::AssertionResult WaitForEach(int64_t count) {
    const std::vector<std::string> streams = adapter_->Streams();
    return Eventually(
        "each stream to hold " + std::to_string(count) + " records",
        [&] {
          if (TopicSize(*kafka_, topic_) < count * static_cast<int64_t>(streams.size())) {
            return false;
          }
          const SequenceLedger ledger = Ledger();
          for (const std::string& s : streams) {
            if (ledger.Distinct(s) < count) return false;
          }
          return true;
        },
        std::chrono::seconds(120), &worker());
  }

  /// Per stream, the next sequence number the committed offsets `offsets` say it resumes at.
  std::map<std::string, int64_t> Committed(const std::vector<StoredSourceOffset>& offsets) {
    std::map<std::string, int64_t> out;
    for (const std::string& s : adapter_->Streams()) out[s] = 0;
    for (const StoredSourceOffset& o : offsets) {
      if (o.offset.is_null()) continue;
      std::optional<RecordId> next = adapter_->Resume(o.partition, o.offset);
      EXPECT_TRUE(next.has_value()) << "the adapter cannot read the committed offset "
                                    << o.offset.dump() << " of " << o.partition.dump();
      if (next) out[next->stream] = next->seq;
    }
    return out;
  }

  /// Per stream, the next sequence number of the offsets committed on disk now.
  std::map<std::string, int64_t> CommittedNow() {
    return Committed(worker().StoredSourceOffsets(name_));
  }

  /// After a fault, with every stream complete: a record repeated must be one the committed
  /// offsets `at_fault` (taken when the fault struck) had not yet covered; what was committed is
  /// never sent again. Prints what the fault cost.
  void ExpectDuplicatesOnlyAfter(const std::map<std::string, int64_t>& at_fault,
                                 const std::string& fault) {
    const SequenceLedger ledger = Ledger();
    for (const auto& [stream, next] : at_fault) {
      for (int64_t seq : ledger.Duplicated(stream)) {
        EXPECT_GE(seq, next) << "stream '" << stream << "': record " << seq << " was committed "
                             << "before the " << fault << " and still sent again";
      }
    }
    std::printf("after the %s: %s\n", fault.c_str(), ledger.Summary().c_str());
  }

  /// The end offsets of the topic once they stopped moving (records in flight at a kill may land
  /// a moment later).
  std::map<int32_t, int64_t> SettledEndOffsets() {
    std::map<int32_t, int64_t> last = kafka_->EndOffsets(topic_);
    for (int i = 0; i < 50; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      std::map<int32_t, int64_t> now = kafka_->EndOffsets(topic_);
      if (now == last) break;
      last = std::move(now);
    }
    return last;
  }

  /// Splits the topic's records at `boundary` (end offsets per partition): before and after.
  std::pair<SequenceLedger, SequenceLedger> SplitAt(const std::map<int32_t, int64_t>& boundary) {
    SequenceLedger before;
    SequenceLedger after;
    const Read read = ReadAll();
    for (std::size_t i = 0; i < read.records.size() && i < read.ids.size(); ++i) {
      const auto it = boundary.find(read.records[i].partition);
      const bool early = it != boundary.end() && read.records[i].offset < it->second;
      (early ? before : after).Add(read.ids[i]);
    }
    return {before, after};
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

  /// After a restart: waits until each stream not yet complete sent a record past `boundary`,
  /// then checks that each resumed exactly at its `committed` offset (ResumedAt()).
  testing::AssertionResult ResumesAtCommitted(const std::map<int32_t, int64_t>& boundary,
                                              const std::map<std::string, int64_t>& committed) {
    SequenceLedger after;
    const auto resumed = [&] {
      after = SplitAt(boundary).second;
      for (const auto& [stream, next] : committed) {
        if (next < Records() && !after.Min(stream)) return false;
      }
      return true;
    };
    (void)Eventually("every stream to send records after the restart", resumed,
                     std::chrono::seconds(120), &worker());
    std::string problems;
    for (const auto& [stream, next] : committed) {
      if (next >= Records()) continue;
      const testing::AssertionResult one = ResumedAt(stream, next, after.Min(stream));
      if (!one) problems += (problems.empty() ? "" : "\n") + std::string(one.message());
    }
    if (problems.empty()) return testing::AssertionSuccess();
    return testing::AssertionFailure() << problems;
  }

  bool faultable_kafka_ = false;             ///< On FaultableConformanceKafka(), via its proxy.
  KafkaCluster* kafka_ = nullptr;            ///< The binary's Kafka.
  std::filesystem::path scratch_;            ///< The adapter's directory.
  std::string topic_;                        ///< The test's topic.
  std::string name_;                         ///< The connector's name.
  SourceConformanceContext context_{};       ///< What the adapter got.
  std::unique_ptr<Adapter> adapter_;         ///< The adapter.
  std::unique_ptr<ConnectCluster> connect_;  ///< The worker.
};

/// The fixture of the Kafka fault suite: SourceConformanceTest on FaultableConformanceKafka(),
/// with the worker bootstrapped at the broker's proxied listener, so that the test can stop the
/// broker or cut the network between the worker and Kafka. Any adapter of the source suite.
template <typename Adapter>
class SourceKafkaFaultConformanceTest : public SourceConformanceTest<Adapter> {
 protected:
  /// On the faultable Kafka.
  SourceKafkaFaultConformanceTest() : SourceConformanceTest<Adapter>(/*faultable_kafka=*/true) {}
};

/// The fixture of the source-system suite: SourceConformanceTest for an adapter that also runs
/// the connector's source system and can fault it (RestartSourceSystem(), SourceProxy(), and
/// optionally ChangeSchema() and kSnapshotRecords; see the file comment).
template <typename Adapter>
class SourceSystemConformanceTest : public SourceConformanceTest<Adapter> {
 protected:
  /// Writes records [0, snapshot) before the connector exists, creates it for `total` records
  /// per stream, and waits until the snapshot has sent its first record.
  void StartSnapshot(int64_t snapshot, int64_t total) {
    this->adapter_->Write(0, snapshot);
    this->CreateRunning(this->adapter_->Config(total));
    ASSERT_TRUE(Eventually(
        "the snapshot to have sent a first record",
        [&] { return TopicSize(*this->kafka_, this->topic_) > 0; }, std::chrono::seconds(120),
        &this->worker()));
  }
};

#ifndef CK_DOXYGEN  // the tests themselves: GoogleTest macros, not API

TYPED_TEST_SUITE_P(SourceConformanceTest);

TYPED_TEST_P(SourceConformanceTest, ValidationAcceptsTheConfigAndReportsEachMissingRequiredKey) {
  const nlohmann::json config = this->adapter_->Config(this->Records());
  const std::string connector_class = config.at("connector.class").template get<std::string>();
  nlohmann::json named = config;
  named["name"] = this->name_;
  const nlohmann::json infos = this->worker().Validate(connector_class, named);
  EXPECT_EQ(infos.value("error_count", -1), 0)
      << "the adapter's configuration does not validate: " << infos.dump();
  for (const std::string& key : this->adapter_->RequiredKeys()) {
    nlohmann::json without = named;
    without.erase(key);
    const nlohmann::json answer = this->worker().Validate(connector_class, without);
    EXPECT_GE(answer.value("error_count", 0), 1) << "no error without " << key;
    const auto errors = ValidationErrors(answer);
    EXPECT_TRUE(errors.count(key) > 0 && !errors.at(key).empty())
        << "validation does not report the missing required key " << key << ": " << answer.dump();
  }
}

TYPED_TEST_P(SourceConformanceTest, TaskConfigsRespectTasksMax) {
  this->adapter_->Write(0, 10);
  CheckTaskConfigsRespectTasksMax(this->worker(), this->name_,
                                  this->adapter_->Config(this->Records()));
}

TYPED_TEST_P(SourceConformanceTest, DeliversEveryRecordOnceWithMonotonicJsonOffsets) {
  const int64_t n = this->Records();
  this->adapter_->Write(0, n / 2);
  this->CreateRunning(this->adapter_->Config(n));
  this->adapter_->Write(n / 2, n);
  // Sample the committed offsets while the records flow: JSON objects, never going backwards.
  std::map<std::string, int64_t> high;
  int samples = 0;
  const auto sample = [&] {
    const nlohmann::json offsets = this->worker().Offsets(this->name_);
    EXPECT_TRUE(offsets.is_array()) << offsets.dump();
    for (const nlohmann::json& entry : offsets) {
      ++samples;
      EXPECT_TRUE(entry.contains("partition") && entry["partition"].is_object()) << entry.dump();
      EXPECT_TRUE(entry.contains("offset") && entry["offset"].is_object()) << entry.dump();
      const std::optional<RecordId> next = this->adapter_->Resume(
          entry.value("partition", nlohmann::json()), entry.value("offset", nlohmann::json()));
      if (!next) {
        ADD_FAILURE() << "the adapter cannot read the offset " << entry.dump();
        continue;
      }
      auto [it, fresh] = high.try_emplace(next->stream, next->seq);
      EXPECT_GE(next->seq, it->second)
          << "the offset of stream '" << next->stream << "' went backwards: " << entry.dump();
      it->second = std::max(it->second, next->seq);
    }
  };
  const std::vector<std::string> streams = this->adapter_->Streams();
  ASSERT_TRUE(Eventually(
      "the committed offsets to reach the last record",
      [&] {
        sample();
        if (high.size() < streams.size()) return false;
        for (const auto& [stream, next] : high) {
          if (next < n) return false;
        }
        return true;
      },
      std::chrono::seconds(120), &this->worker()));
  EXPECT_GT(samples, 0);
  for (const auto& [stream, next] : high) {
    EXPECT_EQ(next, n) << "stream '" << stream << "' committed past its last record";
  }
  ASSERT_TRUE(this->WaitForAll(n));
  const SequenceLedger ledger = this->Ledger();
  EXPECT_TRUE(ledger.NoDuplicates());
  EXPECT_EQ(TopicSize(*this->kafka_, this->topic_), n * static_cast<int64_t>(streams.size()));
}

TYPED_TEST_P(SourceConformanceTest, StopConnectorIsPromptAndResumeContinuesWithoutDuplicates) {
  const int64_t n = this->Records();
  this->adapter_->Write(0, n / 2);
  this->CreateRunning(this->adapter_->Config(n));
  ASSERT_TRUE(this->WaitForEach(n / 4));
  const auto start = std::chrono::steady_clock::now();
  this->worker().StopConnector(this->name_);
  ASSERT_TRUE(this->worker().ConnectorStopped(this->name_, std::chrono::seconds(10)))
      << "stop was not honoured within 10 s";
  std::printf("stop took %lld ms\n",
              static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                         std::chrono::steady_clock::now() - start)
                                         .count()));
  // Stopped: everything sent is committed, and the offsets API shows it.
  std::vector<StoredSourceOffset> offsets;
  for (const nlohmann::json& entry : this->worker().Offsets(this->name_)) {
    offsets.push_back({entry.at("partition"), entry.at("offset")});
  }
  const std::map<std::string, int64_t> committed = this->Committed(offsets);
  const SequenceLedger stopped = this->Ledger();
  for (const auto& [stream, next] : committed) {
    EXPECT_EQ(stopped.Distinct(stream), next)
        << "stream '" << stream << "': the committed offset does not match what was sent";
  }
  this->adapter_->Write(n / 2, n);
  this->worker().ResumeConnector(this->name_);
  ASSERT_TRUE(this->WaitForAll(n));
  EXPECT_TRUE(this->Ledger().NoDuplicates());
}

TYPED_TEST_P(SourceConformanceTest, GracefulRestartResumesExactlyAtTheCommittedOffset) {
  const int64_t n = this->Records();
  this->adapter_->Write(0, n / 2);
  this->CreateRunning(this->adapter_->Config(n));
  ASSERT_TRUE(this->WaitForEach(n / 4));
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(this->worker().Stop(std::chrono::seconds(30)))
      << "the worker did not exit cleanly within 30 s of SIGTERM\n"
      << this->worker().LogTail();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30));
  const std::map<std::string, int64_t> committed =
      this->Committed(this->worker().StoredSourceOffsets(this->name_));
  const std::map<int32_t, int64_t> boundary = this->SettledEndOffsets();
  {
    const SequenceLedger sent = this->Ledger();
    for (const auto& [stream, next] : committed) {
      // A clean stop commits exactly what was sent: [0, next) and nothing beyond.
      EXPECT_TRUE(sent.Complete({stream}, next)) << "committed past what was sent";
      EXPECT_EQ(sent.Distinct(stream), next)
          << "stream '" << stream << "': sent records beyond the committed offset " << next;
    }
  }
  this->adapter_->Write(n / 2, n);
  this->worker().Start();
  ASSERT_TRUE(this->ResumesAtCommitted(boundary, committed));
  ASSERT_TRUE(this->WaitForAll(n));
  EXPECT_TRUE(this->Ledger().NoDuplicates());
}

TYPED_TEST_P(SourceConformanceTest, SigkillMidStreamLosesNothing) {
  const int64_t n = this->Records();
  this->adapter_->Write(0, n / 2);
  this->CreateRunning(this->adapter_->Config(n));
  ASSERT_TRUE(this->WaitForEach(n / 4));
  // Kill mid-stream: after a first commit, with more records on their way than are committed.
  ASSERT_TRUE(Eventually(
      "a first committed offset of every stream on disk",
      [&] {
        const std::map<std::string, int64_t> c =
            this->Committed(this->worker().StoredSourceOffsets(this->name_));
        return std::all_of(c.begin(), c.end(), [](const auto& e) { return e.second > 0; });
      },
      std::chrono::seconds(60), &this->worker()));
  this->adapter_->Write(n / 2, 3 * n / 4);
  (void)Eventually(
      "records beyond the committed offsets (best effort: a commit may catch up first)",
      [&] {
        int64_t committed_total = 0;
        for (const auto& [stream, next] :
             this->Committed(this->worker().StoredSourceOffsets(this->name_))) {
          committed_total += next;
        }
        return TopicSize(*this->kafka_, this->topic_) > committed_total;
      },
      std::chrono::seconds(2));
  this->worker().Kill();
  const std::map<int32_t, int64_t> boundary = this->SettledEndOffsets();
  const std::map<std::string, int64_t> committed =
      this->Committed(this->worker().StoredSourceOffsets(this->name_));
  this->adapter_->Write(3 * n / 4, n);
  this->worker().Start();
  // The restarted task resumes exactly at the committed offset...
  ASSERT_TRUE(this->ResumesAtCommitted(boundary, committed));
  ASSERT_TRUE(this->WaitForAll(n));
  const auto [before, after] = this->SplitAt(boundary);
  for (const auto& [stream, next] : committed) {
    // Committed means in Kafka: the offsets never ran ahead of acknowledged records.
    EXPECT_TRUE(before.Complete({stream}, next))
        << "the committed offset " << next << " ran ahead of what Kafka held";
    // ... so the only duplicates are records sent after the last commit.
    for (int64_t seq : this->Ledger().Duplicated(stream)) {
      EXPECT_GE(seq, next) << "stream '" << stream << "': record " << seq
                           << " was committed before the kill and still sent again";
    }
    EXPECT_TRUE(after.NoDuplicates());
    std::printf("stream '%s': %lld committed at the kill, %lld sent, %lld duplicate(s)\n",
                stream.c_str(), static_cast<long long>(next),
                static_cast<long long>(before.Distinct(stream)),
                static_cast<long long>(this->Ledger().Duplicates(stream)));
  }
}

TYPED_TEST_P(SourceConformanceTest, ReconfigurationKeepsEveryRecord) {
  const int64_t n = this->Records();
  this->adapter_->Write(0, n / 2);
  const nlohmann::json config = this->adapter_->Config(n);
  this->CreateRunning(config);
  ASSERT_TRUE(this->WaitForEach(n / 4));
  ASSERT_NO_FATAL_FAILURE(
      CheckReconfigured(this->worker(), this->name_, config, this->adapter_->Reconfigure(config)));
  this->adapter_->Write(n / 2, n);
  ASSERT_TRUE(this->WaitForAll(n));
  EXPECT_TRUE(this->Ledger().NoDuplicates());
}

TYPED_TEST_P(SourceConformanceTest, RepeatedStartStopCyclesLeakNothing) {
  const int64_t n = this->Records();
  this->adapter_->Write(0, n);
  const nlohmann::json config = this->adapter_->Config(n);
  const int tasks = this->CreateRunning(config);
  CheckStartStopCyclesLeakNothing(this->worker(), this->name_, tasks,
                                  [&] { return this->CreateRunning(config); });
  ASSERT_TRUE(this->WaitForAll(n));
}

REGISTER_TYPED_TEST_SUITE_P(SourceConformanceTest,
                            ValidationAcceptsTheConfigAndReportsEachMissingRequiredKey,
                            TaskConfigsRespectTasksMax,
                            DeliversEveryRecordOnceWithMonotonicJsonOffsets,
                            StopConnectorIsPromptAndResumeContinuesWithoutDuplicates,
                            GracefulRestartResumesExactlyAtTheCommittedOffset,
                            SigkillMidStreamLosesNothing, ReconfigurationKeepsEveryRecord,
                            RepeatedStartStopCyclesLeakNothing);

// ---- the Kafka fault suite ------------------------------------------------------------------

TYPED_TEST_SUITE_P(SourceKafkaFaultConformanceTest);

TYPED_TEST_P(SourceKafkaFaultConformanceTest, BrokerOutageAndReturnLosesNothing) {
  const int64_t n = this->Records();
  this->adapter_->Write(0, n / 2);
  const int tasks = this->CreateRunning(this->adapter_->Config(n));
  ASSERT_TRUE(this->WaitForEach(n / 4));
  this->kafka_->Stop();
  this->adapter_->Write(n / 2, n);
  // The tasks keep polling while the broker is away; they neither fail nor stop.
  const double expected_polls = static_cast<double>(n * this->adapter_->Streams().size());
  EXPECT_TRUE(Eventually(
      "the tasks to poll every record while the broker is down",
      [&] {
        return ConnectorMetric(this->worker(),
                               "kafka_connect_source_task_metrics_source_record_poll_total",
                               this->name_) >= expected_polls;
      },
      std::chrono::seconds(60), &this->worker()));
  EXPECT_TRUE(this->worker().ConnectorAndTasksRunning(this->name_, tasks));
  this->kafka_->Restart();
  ASSERT_TRUE(this->WaitForAll(n, std::chrono::seconds(180)));
  EXPECT_TRUE(this->worker().ConnectorAndTasksRunning(this->name_, tasks));
  std::printf("after the outage: %s\n", this->Ledger().Summary().c_str());
}

TYPED_TEST_P(SourceKafkaFaultConformanceTest, NetworkCutToKafkaLosesNothing) {
  const int64_t n = this->Records();
  FaultProxy& proxy = *this->kafka_->proxy();
  const uint64_t proxied_bytes = proxy.bytes_to_target();
  this->adapter_->Write(0, n / 2);
  const int tasks = this->CreateRunning(this->adapter_->Config(n));
  ASSERT_TRUE(this->WaitForEach(n / 4));
  ASSERT_GT(proxy.bytes_to_target(), proxied_bytes)
      << "the worker does not reach Kafka through the broker's proxied listener";
  // The worker loses Kafka (its producer's connections reset, new ones refused) mid-stream.
  proxy.Cut();
  const std::map<int32_t, int64_t> at_cut = this->SettledEndOffsets();
  const SequenceLedger in_kafka = this->Ledger();
  const std::map<std::string, int64_t> committed = this->CommittedNow();
  this->adapter_->Write(n / 2, n);
  // While it is away: nothing reaches the topic, and nothing is committed that Kafka lacks.
  std::string last;
  EXPECT_TRUE(Consistently(
      "no record reaching Kafka and no offset committed past what it holds while cut",
      [&] {
        if (this->kafka_->EndOffsets(this->topic_) != at_cut) {
          last = "the topic grew past the cut";
          return false;
        }
        for (const auto& [stream, next] : this->CommittedNow()) {
          if (!in_kafka.Complete({stream}, next)) {
            last = "stream '" + stream + "' committed " + std::to_string(next) +
                   " but Kafka holds " + in_kafka.Summary();
            return false;
          }
        }
        return true;
      },
      std::chrono::seconds(5)))
      << last;
  EXPECT_TRUE(this->worker().running()) << this->worker().LogTail();
  std::printf("cut with %s in Kafka; restoring\n", in_kafka.Summary().c_str());
  proxy.Restore();
  ASSERT_TRUE(this->WaitForAll(n, std::chrono::seconds(180)));
  EXPECT_TRUE(this->worker().ConnectorAndTasksRunning(this->name_, tasks));
  // The offsets catch up with everything sent, and nothing committed before the cut came again.
  EXPECT_TRUE(Eventually(
      "the committed offsets to reach the last record after the cut",
      [&] {
        const std::map<std::string, int64_t> now = this->CommittedNow();
        return std::all_of(now.begin(), now.end(), [&](const auto& e) { return e.second == n; });
      },
      std::chrono::seconds(60), &this->worker()));
  this->ExpectDuplicatesOnlyAfter(committed, "network cut to Kafka");
}

REGISTER_TYPED_TEST_SUITE_P(SourceKafkaFaultConformanceTest, BrokerOutageAndReturnLosesNothing,
                            NetworkCutToKafkaLosesNothing);
// Connectors without a source system (a generator) do not instantiate the next suite, and an
// older test binary may not instantiate this one yet: neither is an error of the binary.
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(SourceKafkaFaultConformanceTest);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(SourceSystemConformanceTest);

// ---- the source-system suite ----------------------------------------------------------------

TYPED_TEST_SUITE_P(SourceSystemConformanceTest);

TYPED_TEST_P(SourceSystemConformanceTest, SourceSystemRestartLosesNothing) {
  const int64_t n = this->Records();
  const int tasks = this->CreateRunning(this->adapter_->Config(n));
  this->adapter_->Write(0, n / 4);
  ASSERT_TRUE(this->WaitForEach(n / 8));
  // Restart the source system mid-stream, with records written and not all of them read yet.
  this->adapter_->Write(n / 4, n / 2);
  const std::map<std::string, int64_t> committed = this->CommittedNow();
  this->adapter_->RestartSourceSystem();
  this->adapter_->Write(n / 2, n);
  ASSERT_TRUE(this->WaitForAll(n, std::chrono::seconds(180)));
  EXPECT_TRUE(this->worker().ConnectorAndTasksRunning(this->name_, tasks));
  this->ExpectDuplicatesOnlyAfter(committed, "source system restart");
}

TYPED_TEST_P(SourceSystemConformanceTest, NetworkCutToTheSourceSystemLosesNothing) {
  const int64_t n = this->Records();
  FaultProxy& proxy = this->adapter_->SourceProxy();
  const int tasks = this->CreateRunning(this->adapter_->Config(n));
  this->adapter_->Write(0, n / 4);
  ASSERT_TRUE(this->WaitForEach(n / 4));
  // Every connection to the source system reset mid-stream; the connector reconnects.
  const uint64_t connections = proxy.connections_accepted();
  std::map<std::string, int64_t> committed = this->CommittedNow();
  proxy.Reset();
  this->adapter_->Write(n / 4, n / 2);
  ASSERT_TRUE(this->WaitForEach(n / 2));
  EXPECT_GT(proxy.connections_accepted(), connections) << "the connector never reconnected";
  this->ExpectDuplicatesOnlyAfter(committed, "connection reset");
  // Then the network goes away for a while: what is written meanwhile cannot arrive.
  committed = this->CommittedNow();
  proxy.Cut();
  this->adapter_->Write(n / 2, 3 * n / 4);
  EXPECT_TRUE(Consistently(
      "no record written during the cut reaching Kafka",
      [&] {
        const SequenceLedger ledger = this->Ledger();
        for (const std::string& stream : this->adapter_->Streams()) {
          if (ledger.Max(stream).value_or(-1) >= n / 2) return false;
        }
        return true;
      },
      std::chrono::seconds(3)))
      << "the connector reaches the source system some other way than through SourceProxy()";
  EXPECT_TRUE(this->worker().running()) << this->worker().LogTail();
  proxy.Restore();
  this->adapter_->Write(3 * n / 4, n);
  ASSERT_TRUE(this->WaitForAll(n, std::chrono::seconds(180)));
  EXPECT_TRUE(this->worker().ConnectorAndTasksRunning(this->name_, tasks));
  this->ExpectDuplicatesOnlyAfter(committed, "network cut");
}

TYPED_TEST_P(SourceSystemConformanceTest, SchemaChangeMidStreamKeepsEveryRecord) {
  if constexpr (!requires(TypeParam & a, const ConsumedRecord& r) {
                  a.ChangeSchema();
                  { std::as_const(a).HasChangedSchema(r) } -> std::convertible_to<bool>;
                }) {
    std::printf("not applicable: the adapter has no ChangeSchema() (its source has no schema)\n");
  } else {
    const int64_t n = this->Records();
    this->CreateRunning(this->adapter_->Config(n));
    // The schema changes between two records while the stream runs: those written before keep
    // the old schema even when read after the change, those after carry the new one.
    this->adapter_->Write(0, n / 2);
    this->adapter_->ChangeSchema();
    this->adapter_->Write(n / 2, n);
    ASSERT_TRUE(this->WaitForAll(n));
    const auto read = this->ReadAll();
    int64_t changed = 0;
    for (std::size_t i = 0; i < read.records.size() && i < read.ids.size(); ++i) {
      const bool has = this->adapter_->HasChangedSchema(read.records[i]);
      const bool after = read.ids[i].seq >= n / 2;
      changed += has ? 1 : 0;
      EXPECT_EQ(has, after) << "record " << read.ids[i].seq << " of stream '" << read.ids[i].stream
                            << "' " << (after ? "lacks" : "already has")
                            << " the changed schema: " << read.records[i].value.value_or("<null>");
    }
    EXPECT_TRUE(this->Ledger().NoDuplicates());
    std::printf("%lld record(s) with the changed schema\n", static_cast<long long>(changed));
  }
}

TYPED_TEST_P(SourceSystemConformanceTest, SnapshotToStreamHandoffHasNoGapNorDuplicate) {
  if constexpr (!requires { TypeParam::kSnapshotRecords; }) {
    std::printf("not applicable: the adapter declares no kSnapshotRecords (no snapshot phase)\n");
  } else {
    const int64_t snapshot = TypeParam::kSnapshotRecords;
    const int64_t n = snapshot + this->Records();
    ASSERT_NO_FATAL_FAILURE(this->StartSnapshot(snapshot, n));
    // Records written while the snapshot is being sent: the stream's, each exactly once.
    const int64_t at_write = TopicSize(*this->kafka_, this->topic_);
    this->adapter_->Write(snapshot, n);
    ASSERT_LT(at_write, snapshot * static_cast<int64_t>(this->adapter_->Streams().size()))
        << "the snapshot was over before the writes; raise kSnapshotRecords";
    ASSERT_TRUE(this->WaitForAll(n, std::chrono::seconds(240)));
    EXPECT_TRUE(this->Ledger().NoDuplicates());
    std::printf("writes began with %lld of %lld snapshot record(s) in Kafka\n",
                static_cast<long long>(at_write), static_cast<long long>(snapshot));
  }
}

TYPED_TEST_P(SourceSystemConformanceTest, SigkillMidSnapshotLosesNothing) {
  if constexpr (!requires { TypeParam::kSnapshotRecords; }) {
    std::printf("not applicable: the adapter declares no kSnapshotRecords (no snapshot phase)\n");
  } else {
    const int64_t snapshot = TypeParam::kSnapshotRecords;
    const int64_t n = snapshot + this->Records();
    ASSERT_NO_FATAL_FAILURE(this->StartSnapshot(snapshot, n));
    this->worker().Kill();
    const std::map<int32_t, int64_t> boundary = this->SettledEndOffsets();
    int64_t at_kill = 0;
    for (const auto& [partition, end] : boundary) at_kill += end;
    const std::map<std::string, int64_t> committed = this->CommittedNow();
    ASSERT_LT(at_kill, snapshot * static_cast<int64_t>(this->adapter_->Streams().size()))
        << "the snapshot was over before the SIGKILL; raise kSnapshotRecords";
    // Changes while the worker is down and while the restarted task snapshots again (or goes
    // on): all must arrive, across the hand-off from the snapshot to the stream.
    this->adapter_->Write(snapshot, snapshot + this->Records() / 2);
    this->worker().Start();
    this->adapter_->Write(snapshot + this->Records() / 2, n);
    ASSERT_TRUE(this->WaitForAll(n, std::chrono::seconds(240)));
    std::printf("killed with %lld of %lld snapshot record(s) in Kafka\n",
                static_cast<long long>(at_kill), static_cast<long long>(snapshot));
    this->ExpectDuplicatesOnlyAfter(committed, "SIGKILL mid-snapshot");
  }
}

REGISTER_TYPED_TEST_SUITE_P(SourceSystemConformanceTest, SourceSystemRestartLosesNothing,
                            NetworkCutToTheSourceSystemLosesNothing,
                            SchemaChangeMidStreamKeepsEveryRecord,
                            SnapshotToStreamHandoffHasNoGapNorDuplicate,
                            SigkillMidSnapshotLosesNothing);

#endif  // CK_DOXYGEN

}  // namespace ck::testkit
