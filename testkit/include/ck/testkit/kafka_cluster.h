/// @file
/// KafkaCluster: a Kafka cluster for tests, with client helpers to create topics, produce,
/// consume and read offsets, and to stop and restart the brokers.
///
/// Three backends:
/// - **embedded**: librdkafka's in-process mock cluster. Starts in milliseconds and needs nothing,
///   but implements only part of the protocol; for unit tests and quick checks.
/// - **local**: a real Apache Kafka broker (KRaft, one combined broker + controller node) run as
///   a child process of the test from the jars `./ck setup` fetches from Maven Central into
///   `~/.cache/connectkit/jars/kafka-<version>/`. Needs Java 17. Free ports, a scratch directory,
///   and the broker dies with the test, even when the test is killed.
/// - **external**: a cluster someone else runs, named by the environment variable
///   `CK_TEST_KAFKA_BOOTSTRAP` (host:port[,host:port...]). When that variable is set, Start()
///   uses it whatever backend was asked for, so a suite can be pointed at a shared cluster.
///
/// The local broker can also advertise a second, **proxied listener** through a FaultProxy the
/// cluster owns (KafkaClusterOptions::proxied_listener): clients bootstrapped at
/// proxied_bootstrap_servers() reach the broker only through proxy(), so a test can cut the
/// network between the client under test (a worker) and Kafka while its own helpers, on
/// bootstrap_servers(), keep working.
///
/// @code
/// auto kafka = ck::testkit::KafkaCluster::Start({.backend = ck::testkit::KafkaBackend::kLocal});
/// kafka->CreateTopic("orders", 3);
/// kafka->ProduceAll("orders", {"a", "b", "c"});
/// std::vector<ck::testkit::ConsumedRecord> records =
///     kafka->ConsumeAll("orders", 3, std::chrono::seconds(30));
/// @endcode
///
/// Errors are thrown as std::runtime_error (std::invalid_argument for bad options, std::logic_error
/// for an operation the backend cannot do); messages name the topic, the backend and, for the
/// local broker, the tail of its log. A KafkaCluster is not thread-safe: use it from one thread.

#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ck::testkit {

class FaultProxy;

/// Where a KafkaCluster's brokers come from.
enum class KafkaBackend {
  kEmbedded,  ///< librdkafka's in-process mock cluster.
  kLocal,     ///< An Apache Kafka KRaft broker run as a child process from the cached jars.
  kExternal,  ///< A running cluster named by the environment variable CK_TEST_KAFKA_BOOTSTRAP.
};

/// The name of a backend: "embedded", "local" or "external".
std::string_view ToString(KafkaBackend backend);

/// How to start a KafkaCluster.
struct KafkaClusterOptions {
  /// The backend to start when CK_TEST_KAFKA_BOOTSTRAP is not set (when it is, the cluster is
  /// external). kExternal without the variable is an error.
  KafkaBackend backend = KafkaBackend::kLocal;
  /// Number of brokers: any number >= 1 for kEmbedded; only 1 for kLocal. Ignored for kExternal.
  int brokers = 1;
  /// Longest wait for the cluster to answer a metadata request, at Start() and Restart().
  std::chrono::milliseconds start_timeout = std::chrono::seconds(90);
  /// Longest wait of one client operation (CreateTopic, Produce flush, offsets queries).
  std::chrono::milliseconds operation_timeout = std::chrono::seconds(30);
  /// kLocal: settings added to (or overriding) the broker's server.properties.
  std::map<std::string, std::string> broker_properties = {};
  /// kLocal: the directory of the Kafka jars. Empty: `$CK_KAFKA_JARS`, else
  /// `$CK_CACHE_DIR/jars/kafka-<version>`, else `~/.cache/connectkit/jars/kafka-<version>`.
  std::string jar_dir = {};
  /// kLocal: give the broker a second listener, advertised at the port of a FaultProxy that the
  /// cluster starts in front of it (see proxy()). Only a broker the testkit runs can advertise a
  /// proxy, so this option always starts the local backend, even when CK_TEST_KAFKA_BOOTSTRAP is
  /// set; asking for it with kEmbedded is an error.
  bool proxied_listener = false;
  /// True when the test stops, kills or restarts the cluster, or otherwise disturbs it for others:
  /// Start() then always starts one of its own with `backend`, never the shared cluster that
  /// CK_TEST_KAFKA_BOOTSTRAP (or the file of CK_TEST_SERVICES) names.
  bool exclusive = false;
};

/// A record read back by KafkaCluster::ConsumeAll.
struct ConsumedRecord {
  int32_t partition = 0;             ///< Partition it was read from.
  int64_t offset = 0;                ///< Its offset in that partition.
  std::optional<std::string> key;    ///< Its key; nullopt for a null key.
  std::optional<std::string> value;  ///< Its value; nullopt for a null value (a tombstone).
  std::vector<std::pair<std::string, std::string>> headers;  ///< Its headers, in order.
};

/// A Kafka cluster for one test or one test suite; see the file comment for the backends. The
/// destructor stops what Start() started (never an external cluster) and removes its files.
class KafkaCluster {
 public:
  /// Produce() to the partition the default partitioner picks.
  static constexpr int32_t kAnyPartition = -1;

  /// Starts a cluster and returns once it answers metadata requests. Uses the external cluster
  /// when CK_TEST_KAFKA_BOOTSTRAP is set (in the environment or the file CK_TEST_SERVICES names)
  /// and `options.exclusive` is not, else `options.backend`. Throws std::runtime_error when
  /// the cluster does not come up within `options.start_timeout`; for kLocal, when Java or the
  /// jars are missing, the message says so and to run `./ck setup`, naming the jar directory.
  /// kLocal: the broker gets SIGKILL when the thread that called Start() exits (so that it dies
  /// with a killed test); call it from a thread that outlives the cluster, such as the test's own
  /// or SetUpTestSuite's.
  static std::unique_ptr<KafkaCluster> Start(const KafkaClusterOptions& options = {});

  ~KafkaCluster();
  KafkaCluster(const KafkaCluster&) = delete;
  KafkaCluster& operator=(const KafkaCluster&) = delete;

  /// The backend actually running.
  KafkaBackend backend() const;

  /// The bootstrap servers for clients, "host:port[,host:port...]". Stable across Restart().
  const std::string& bootstrap_servers() const;

  /// With KafkaClusterOptions::proxied_listener: the bootstrap servers of the proxied listener,
  /// "127.0.0.1:<proxy port>" (every connection goes through proxy()); else empty. Stable across
  /// Restart().
  std::string proxied_bootstrap_servers() const;

  /// With KafkaClusterOptions::proxied_listener: the FaultProxy in front of the proxied listener,
  /// to cut, reset or slow the connections of the clients bootstrapped there; else nullptr.
  FaultProxy* proxy() const;

  /// kLocal: the broker's log file (kept until the destructor); empty for the other backends.
  std::string broker_log_path() const;

  /// Creates `topic` with `partitions` partitions and returns once every partition has a leader.
  /// `replication_factor` -1 means the cluster's default (1 for kLocal, every broker for
  /// kEmbedded). Throws std::runtime_error when the topic exists or cannot be created.
  void CreateTopic(const std::string& topic, int partitions = 1, int replication_factor = -1);

  /// Produces one record and waits until the cluster acknowledged it (acks=all). A nullopt key
  /// or value is a null one. Throws std::runtime_error when delivery fails.
  void Produce(const std::string& topic, std::optional<std::string_view> key,
               std::optional<std::string_view> value, int32_t partition = kAnyPartition);

  /// Produces `values` in order with null keys and waits until all are acknowledged. Throws
  /// std::runtime_error naming the count and the first error when any delivery fails.
  void ProduceAll(const std::string& topic, const std::vector<std::string>& values);

  /// Reads `expected_count` records of `topic` and returns exactly that many, in the order they
  /// arrived (which is offset order within each partition).
  ///
  /// With an empty `group`, reads every partition from its beginning and commits nothing. With a
  /// `group`, joins that consumer group, starts from its committed offsets (or the beginning when
  /// it has none), and before returning commits the offset after each returned record, so a
  /// later call with the same group continues where this one stopped. Throws std::runtime_error
  /// when fewer than `expected_count` records arrive within `timeout`, naming how many did.
  std::vector<ConsumedRecord> ConsumeAll(const std::string& topic, std::size_t expected_count,
                                         std::chrono::milliseconds timeout,
                                         const std::string& group = "");

  /// The end offset (high watermark: the offset the next record will get) of each partition of
  /// `topic`, by partition.
  std::map<int32_t, int64_t> EndOffsets(const std::string& topic);

  /// The offsets `group` committed for `topic`, by partition; partitions without a commit are
  /// absent.
  std::map<int32_t, int64_t> GroupOffsets(const std::string& group, const std::string& topic);

  /// Stops the brokers; their data stays. kLocal: SIGTERM (controlled shutdown), then SIGKILL
  /// after a grace period. kEmbedded: the mock brokers go down. Throws std::logic_error for
  /// kExternal. No-op when already stopped.
  void Stop();

  /// Starts the brokers again with the same ports and data (stopping them first when running),
  /// and returns once the cluster answers metadata requests. Throws std::logic_error for
  /// kExternal and std::runtime_error when the brokers do not come back within the start timeout.
  void Restart();

  /// True between Start() or Restart() and Stop(); always true for kExternal.
  bool running() const;

  class Impl;  ///< The implementation (internal).

 private:
  explicit KafkaCluster(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ck::testkit
