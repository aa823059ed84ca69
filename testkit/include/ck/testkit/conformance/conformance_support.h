/// @file
/// What the conformance suites share, and what a connector's own integration tests may use too:
/// the sequence-number oracle (SequenceLedger), reading a whole topic, the Kafka cluster of a
/// test binary, unique names per test, and the validation and metrics answers of a worker.
///
/// The oracle follows Kafka's system tests (`test_bounce`): every record carries an identity, a
/// stream (a task, a table, a file) and a sequence number within it, numbered 0, 1, 2, ... by the
/// system the records come from. Delivery is complete when every stream holds every number below
/// the expected count; a missing number is a lost record, a repeated one a duplicate.

#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "ck/testkit/connect_cluster.h"
#include "ck/testkit/kafka_cluster.h"

namespace ck::testkit {

/// The identity of one record: the stream it belongs to and its sequence number in that stream.
struct RecordId {
  std::string stream;  ///< E.g. a task number, a table, a file; "" when there is only one.
  int64_t seq = 0;     ///< 0, 1, 2, ... in the order the source system numbered the records.
};

/// Sequence numbers seen, per stream, with how often each was seen.
class SequenceLedger {
 public:
  /// Records one sighting of `id`.
  void Add(const RecordId& id);
  /// Records one sighting of each of `ids`.
  void AddAll(const std::vector<RecordId>& ids);

  /// The streams seen.
  std::vector<std::string> streams() const;
  /// Number of distinct sequence numbers seen in `stream`.
  int64_t Distinct(const std::string& stream) const;
  /// Number of sightings of `stream` beyond the first of each number.
  int64_t Duplicates(const std::string& stream) const;
  /// The numbers of `stream` seen more than once, ascending.
  std::vector<int64_t> Duplicated(const std::string& stream) const;
  /// The numbers in [0, expected) not seen in `stream`, ascending.
  std::vector<int64_t> Missing(const std::string& stream, int64_t expected) const;
  /// The smallest number seen in `stream`; std::nullopt when none.
  std::optional<int64_t> Min(const std::string& stream) const;
  /// The largest number seen in `stream`; std::nullopt when none.
  std::optional<int64_t> Max(const std::string& stream) const;
  /// Whether `seq` was seen in `stream`.
  bool Contains(const std::string& stream, int64_t seq) const;

  /// Success when each of `streams` holds every number in [0, expected); else the missing ones,
  /// per stream, as ranges.
  testing::AssertionResult Complete(const std::vector<std::string>& streams,
                                    int64_t expected) const;
  /// Success when no number was seen twice in any stream; else the duplicated ones.
  testing::AssertionResult NoDuplicates() const;
  /// A summary: per stream, distinct count, range and duplicates.
  std::string Summary() const;

 private:
  std::map<std::string, std::map<int64_t, int>> seen_;
};

/// `numbers` (ascending) as ranges, e.g. "0-99, 150, 200-201"; at most `max_ranges` ranges, then
/// "... (N more)".
std::string FormatRanges(const std::vector<int64_t>& numbers, std::size_t max_ranges = 20);

/// The Kafka cluster the conformance suites of this test binary share: started on first use with
/// KafkaCluster::Start()'s defaults (a local Apache Kafka broker, or the shared cluster named by
/// CK_TEST_KAFKA_BOOTSTRAP or CK_TEST_SERVICES), stopped when the binary exits. The local broker
/// has a proxied listener (KafkaCluster::proxy()), so that it can also serve as
/// FaultableConformanceKafka(). Call it from the test's main thread.
KafkaCluster& ConformanceKafka();

/// A Kafka cluster of this test binary that a test may fault: a local broker with a proxied
/// listener (KafkaCluster::proxy(), proxied_bootstrap_servers()) that the test may also stop and
/// restart. It is ConformanceKafka() when that one is local; when ConformanceKafka() is an
/// external cluster (which cannot be stopped nor put behind a proxy), a local broker of this
/// binary's own, started on first use. Call it from the test's main thread.
KafkaCluster& FaultableConformanceKafka();

/// Every record of `topic` (all partitions, from the beginning, as the end offsets say now).
std::vector<ConsumedRecord> ReadTopic(KafkaCluster& kafka, const std::string& topic,
                                      std::chrono::milliseconds timeout = std::chrono::seconds(60));

/// The sum of `topic`'s end offsets.
int64_t TopicSize(KafkaCluster& kafka, const std::string& topic);

/// A name unique on a machine, also among test binaries sharing a Kafka cluster: `prefix`, the
/// running test's name (lowercase, letters, digits and dashes), the process id and a counter;
/// usable as a topic or connector name.
std::string UniqueTestName(const std::string& prefix);

/// The errors of each key in a ConfigInfos answer (PUT .../config/validate), for keys that have
/// some.
std::map<std::string, std::vector<std::string>> ValidationErrors(const nlohmann::json& infos);

/// Success when `check` holds at every poll (every 100 ms) for `duration`; fails at the first poll
/// where it does not, naming `what`. For "stays RUNNING while the broker is away".
testing::AssertionResult Consistently(const std::string& what, const std::function<bool()>& check,
                                      std::chrono::milliseconds duration);

/// Success when the first record a restarted connector sent for `stream` (`first`, std::nullopt
/// when none) is the one its committed offset `committed` names; else a failure saying which
/// records that lost (resumed past the offset) or repeated (resumed before it).
testing::AssertionResult ResumedAt(const std::string& stream, int64_t committed,
                                   std::optional<int64_t> first);

/// Replaces the configuration `config` of the running connector `name` with `changed` (which must
/// differ), checks that the worker reports `changed` as its configuration, and waits until it has
/// task configurations, all RUNNING.
void CheckReconfigured(ConnectWorker& worker, const std::string& name, const nlohmann::json& config,
                       nlohmann::json changed);

/// For `tasks.max` 1 and 3: creates connector `<name>-max<N>` with `config` and that `tasks.max`,
/// checks that it has at most N task configurations, all RUNNING, then deletes it.
void CheckTaskConfigsRespectTasksMax(ConnectWorker& worker, const std::string& name,
                                     const nlohmann::json& config);

/// Runs connector `name` (running with `tasks` tasks) through stop, resume, delete and `create`
/// (which creates it again and returns its task count once RUNNING): once to warm up, then six
/// times, and checks that the worker's file descriptors and threads return to their level after
/// the warm-up (a little slack: client connections come and go); a failure says how many
/// descriptors or threads each cycle leaked. Prints the figures.
void CheckStartStopCyclesLeakNothing(ConnectWorker& worker, const std::string& name, int tasks,
                                     const std::function<int()>& create);

/// The sum of a Prometheus metric of `connector` over its tasks, from the worker's /metrics
/// (e.g. "kafka_connect_source_task_metrics_source_record_poll_total"); 0 when absent.
double ConnectorMetric(ConnectWorker& worker, const std::string& metric,
                       const std::string& connector);

}  // namespace ck::testkit
