/// @file
/// ConnectCluster: ConnectKit workers for integration tests, run as child processes the way a user
/// runs them (`connectkit standalone worker.properties`), with helpers for Kafka Connect's REST API
/// and assertions that wait for a state with a deadline (the analogue of Kafka's
/// EmbeddedConnectCluster and ConnectAssertions).
///
/// Each worker gets its own directory with a worker.properties (`listeners=http://127.0.0.1:0`, so
/// the port is free; it is read from the log line "REST server listening on port N"), its offsets
/// file and its saved connectors, and shares the cluster's plugin directory, into which the plugin
/// tarballs or directories given in the options are copied. A worker killed with Kill() and
/// started again with Start() finds the same files, so connectors created over REST and committed
/// offsets come back as they would after a crash.
///
/// Standalone workers do not share connectors: a cluster of several workers is several
/// independent runtimes against the same Kafka (distributed mode is for later).
///
/// @code
/// auto kafka = ck::testkit::KafkaCluster::Start();
/// auto connect = ck::testkit::ConnectCluster::Start({
///     .bootstrap_servers = kafka->bootstrap_servers(),
///     .plugins = {"reference-connectors/file/file.tar.gz"},
/// });
/// ck::testkit::ConnectWorker& worker = connect->worker();
/// worker.CreateConnector("lines", {{"connector.class", "FileStreamSource"},
///                                  {"file", "/tmp/in.txt"}, {"topic", "lines"}});
/// ASSERT_TRUE(worker.ConnectorAndTasksRunning("lines", 1));
/// ASSERT_TRUE(ck::testkit::TopicHasRecords(*kafka, "lines", 3));
/// worker.Kill();   // a crash
/// worker.Start();  // the connector comes back from the saved configuration
/// @endcode
///
/// Errors: REST helpers throw ConnectRestError for an unexpected status code (with the method,
/// the path, Kafka Connect's error message and the tail of the worker's log), and
/// std::runtime_error when the worker does not answer. A ConnectCluster is not thread-safe: use it
/// from one thread, the one that started it (its workers get SIGKILL when that thread exits, so
/// that they die with a killed test).

#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace ck::testkit {

class KafkaCluster;

/// A REST call answered with a status code the helper did not expect.
class ConnectRestError : public std::runtime_error {
 public:
  /// An error for a call answered with `status`; `message` says what was asked and answered.
  ConnectRestError(int status, const std::string& message)
      : std::runtime_error(message), status_(status) {}
  /// The HTTP status code of the answer.
  int status() const { return status_; }

 private:
  int status_;
};

/// How to start a ConnectCluster.
struct ConnectClusterOptions {
  /// Kafka for the workers (`KafkaCluster::bootstrap_servers()`). Empty: each worker runs
  /// librdkafka's embedded mock cluster in-process (no source records reach a test's Kafka then).
  std::string bootstrap_servers = {};
  /// Plugin tarballs (`*.tar.gz` of ck_plugin()) or plugin directories, copied into the shared
  /// plugin directory (`plugin.path`). Relative paths are taken from the current directory, which
  /// in a Bazel test is the runfiles tree: pass the tarballs as `data` of the test.
  std::vector<std::string> plugins = {};
  /// The connectkit binary. Empty: `$CK_CONNECTKIT`, else `runtime/cli/connectkit` relative to the
  /// current directory (a Bazel test with `//runtime/cli:connectkit` in its `data`).
  std::string connectkit = {};
  /// Number of workers started by Start(); more can be added with AddWorker().
  int workers = 1;
  /// Settings added to (or overriding) every worker.properties. The testkit writes
  /// `bootstrap.servers`, `listeners`, `plugin.path`, `offset.storage.file.filename` and
  /// `offset.flush.interval.ms` (200, so offsets are committed often).
  std::map<std::string, std::string> worker_properties = {};
  /// Longest wait for a worker to log its REST port, at Start() and every restart.
  std::chrono::milliseconds start_timeout = std::chrono::seconds(60);
  /// Longest wait for one REST call to be answered.
  std::chrono::milliseconds request_timeout = std::chrono::seconds(60);
  /// Default deadline of the waiting assertions (ConnectorAndTasksRunning, ...).
  std::chrono::milliseconds assertion_timeout = std::chrono::seconds(60);
};

/// A REST answer: status code, body as text and, when it is JSON, parsed.
struct RestResponse {
  int status = 0;        ///< HTTP status code.
  std::string text;      ///< The body as received.
  nlohmann::json body;   ///< The body parsed as JSON; discarded (`is_discarded()`) when not JSON.
  std::string location;  ///< The Location header, when present.
};

/// The state of a connector or of one of its tasks, as GET /connectors/{name}/status shows it.
struct InstanceStatus {
  int id = -1;            ///< Task number; -1 for the connector itself.
  std::string state;      ///< "RUNNING", "PAUSED", "FAILED", "STOPPED", "UNASSIGNED", "RESTARTING".
  std::string worker_id;  ///< The worker running it ("host:port").
  std::string trace;      ///< Why it failed; empty unless FAILED.
};

/// GET /connectors/{name}/status.
struct ConnectorStatus {
  std::string name;                   ///< Connector name.
  std::string type;                   ///< "source", "sink" or "unknown".
  InstanceStatus connector;           ///< The connector.
  std::vector<InstanceStatus> tasks;  ///< Its tasks, in the order the worker lists them.
};

/// Resource use of a worker process, read from /proc, for leak checks.
struct ProcessResources {
  int open_fds = 0;    ///< Entries of /proc/PID/fd.
  int threads = 0;     ///< Threads (/proc/PID/status).
  int64_t rss_kb = 0;  ///< Resident set size in KiB (/proc/PID/status VmRSS).
};

/// One source offset as the worker stores it: the source partition and its offset.
struct StoredSourceOffset {
  nlohmann::json partition;  ///< The source partition (a JSON object).
  nlohmann::json offset;     ///< The committed offset (a JSON object).
};

/// One worker of a ConnectCluster: its process, its REST API and assertions on its connectors.
/// Owned by the cluster; references stay valid until the cluster is destroyed.
class ConnectWorker {
 public:
  ~ConnectWorker();
  ConnectWorker(const ConnectWorker&) = delete;
  ConnectWorker& operator=(const ConnectWorker&) = delete;

  // ---- Process ---------------------------------------------------------------------------------

  /// Starts the worker process (again, after Kill() or Stop()) with the same files, and returns
  /// once it logged its REST port. No-op when it is running. Throws std::runtime_error with the
  /// command line and the log tail when it exits or stays silent past the start timeout.
  void Start();
  /// A crash: SIGKILL, no shutdown of any kind. No-op when not running.
  void Kill();
  /// A graceful stop: SIGTERM, up to `grace` for the worker to stop its tasks, commit offsets and
  /// exit, then SIGKILL. Returns true when it exited by itself with status 0 within `grace`.
  bool Stop(std::chrono::milliseconds grace = std::chrono::seconds(30));
  /// Stop() then Start(); the REST port changes.
  void Restart();
  /// True while the process runs.
  bool running();
  /// The process id; -1 when not running.
  pid_t pid() const;
  /// The REST port of the current run (0 before the first Start()).
  int port() const { return port_; }
  /// "http://127.0.0.1:PORT".
  std::string url() const;
  /// Index of the worker in its cluster.
  int index() const { return index_; }
  /// The worker's directory (worker.properties, offsets, saved connectors, log).
  const std::string& dir() const { return dir_; }
  /// The log file: every run appends to it.
  std::string log_path() const;
  /// The last `max_bytes` of the log.
  std::string LogTail(std::size_t max_bytes = 6000) const;
  /// Its worker.properties as written.
  const std::map<std::string, std::string>& properties() const { return properties_; }
  /// Open file descriptors, threads and memory of the running process. Throws std::logic_error
  /// when it is not running.
  ProcessResources Resources() const;
  /// The source offsets of `connector` in the worker's offsets file, as committed last (readable
  /// while the worker is down, e.g. right after Kill()).
  std::vector<StoredSourceOffset> StoredSourceOffsets(const std::string& connector) const;

  // ---- REST ------------------------------------------------------------------------------------

  /// Sends `method` `path` (with a query string, if any) with a JSON `body` (none when empty) and
  /// returns the answer whatever its status. Throws std::runtime_error when the worker does not
  /// answer within the request timeout.
  RestResponse Request(const std::string& method, const std::string& path,
                       const std::string& body = "");

  /// POST /connectors: creates `name` with `config` (`name` is added to it), in `initial_state`
  /// ("RUNNING", "PAUSED" or "STOPPED"; empty: the default). Returns the connector info. Throws
  /// ConnectRestError unless 201.
  nlohmann::json CreateConnector(const std::string& name, const nlohmann::json& config,
                                 const std::string& initial_state = "");
  /// PUT /connectors/{name}/config: creates or replaces the configuration. Returns the connector
  /// info. Throws ConnectRestError unless 200 or 201.
  nlohmann::json PutConnectorConfig(const std::string& name, const nlohmann::json& config);
  /// GET /connectors/{name}/config.
  nlohmann::json ConnectorConfig(const std::string& name);
  /// DELETE /connectors/{name}. Throws ConnectRestError unless 204.
  void DeleteConnector(const std::string& name);
  /// GET /connectors: the names.
  std::vector<std::string> Connectors();
  /// PUT /connectors/{name}/pause. Throws ConnectRestError unless 202.
  void PauseConnector(const std::string& name);
  /// PUT /connectors/{name}/resume. Throws ConnectRestError unless 202.
  void ResumeConnector(const std::string& name);
  /// PUT /connectors/{name}/stop. Throws ConnectRestError unless 204.
  void StopConnector(const std::string& name);
  /// POST /connectors/{name}/restart?includeTasks=..&onlyFailed=..; returns the answer's body
  /// (null for 204). Throws ConnectRestError unless 202 or 204.
  nlohmann::json RestartConnector(const std::string& name, bool include_tasks = false,
                                  bool only_failed = false);
  /// POST /connectors/{name}/tasks/{task}/restart. Throws ConnectRestError unless 204.
  void RestartTask(const std::string& name, int task);
  /// GET /connectors/{name}/status. Throws ConnectRestError unless 200.
  ConnectorStatus Status(const std::string& name);
  /// GET /connectors/{name}/tasks: each task's configuration, by task number.
  std::vector<nlohmann::json> TaskConfigs(const std::string& name);
  /// GET /connectors/{name}/offsets: the `offsets` array of {"partition", "offset"}.
  nlohmann::json Offsets(const std::string& name);
  /// PATCH /connectors/{name}/offsets with `offsets` (an array of {"partition", "offset"}; a null
  /// offset removes one). The connector must be STOPPED. Throws ConnectRestError unless 200.
  void AlterOffsets(const std::string& name, const nlohmann::json& offsets);
  /// DELETE /connectors/{name}/offsets. The connector must be STOPPED. Throws ConnectRestError
  /// unless 200.
  void ResetOffsets(const std::string& name);
  /// PUT /connector-plugins/{class}/config/validate with `config`: Kafka Connect's ConfigInfos
  /// (`error_count`, `configs[]`). `connector.class` is added from `connector_class` when absent.
  /// Throws ConnectRestError unless 200.
  nlohmann::json Validate(const std::string& connector_class, const nlohmann::json& config);

  // ---- Assertions (each waits up to `timeout`, default: the cluster's assertion timeout) --------

  /// The connector and exactly `tasks` tasks are RUNNING.
  testing::AssertionResult ConnectorAndTasksRunning(
      const std::string& name, int tasks, std::optional<std::chrono::milliseconds> timeout = {});
  /// The connector and exactly `tasks` tasks are PAUSED.
  testing::AssertionResult ConnectorAndTasksPaused(
      const std::string& name, int tasks, std::optional<std::chrono::milliseconds> timeout = {});
  /// The connector is STOPPED and has no tasks.
  testing::AssertionResult ConnectorStopped(const std::string& name,
                                            std::optional<std::chrono::milliseconds> timeout = {});
  /// Task `task` of `name` is FAILED and its trace contains `message`.
  testing::AssertionResult TaskFailed(const std::string& name, int task, const std::string& message,
                                      std::optional<std::chrono::milliseconds> timeout = {});
  /// The connector does not exist (GET answers 404).
  testing::AssertionResult ConnectorAbsent(const std::string& name,
                                           std::optional<std::chrono::milliseconds> timeout = {});

  class Impl;  ///< Internal.

 private:
  friend class ConnectCluster;
  ConnectWorker(int index, std::string dir, std::map<std::string, std::string> properties,
                const ConnectClusterOptions& options);

  // Throws ConnectRestError for `response` to `method` `path`.
  [[noreturn]] void Fail(const RestResponse& response, const std::string& method,
                         const std::string& path) const;
  // Waits until `done` returns true; `last` describes the latest state for the failure message.
  testing::AssertionResult WaitFor(const std::string& what,
                                   const std::function<bool(std::string& last)>& done,
                                   std::optional<std::chrono::milliseconds> timeout);

  int index_;
  std::string dir_;
  std::map<std::string, std::string> properties_;
  const ConnectClusterOptions& options_;
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
};

/// Standalone ConnectKit workers in child processes; see the file comment.
class ConnectCluster {
 public:
  /// Prepares the plugin directory and starts `options.workers` workers, returning once each logged
  /// its REST port. Throws std::invalid_argument for a missing binary or plugin, and
  /// std::runtime_error (with the log tail) when a worker does not come up.
  static std::unique_ptr<ConnectCluster> Start(ConnectClusterOptions options);

  /// Stops every worker (gracefully, briefly) and removes the files.
  ~ConnectCluster();
  ConnectCluster(const ConnectCluster&) = delete;
  ConnectCluster& operator=(const ConnectCluster&) = delete;

  /// Worker `index` (0 .. size()-1). Throws std::out_of_range.
  ConnectWorker& worker(int index = 0);
  /// Number of workers.
  int size() const { return static_cast<int>(workers_.size()); }
  /// Adds and starts a worker with settings `extra` on top of the cluster's; returns it.
  ConnectWorker& AddWorker(const std::map<std::string, std::string>& extra = {});
  /// The shared plugin directory (`plugin.path`).
  std::string plugin_dir() const;
  /// The options the cluster runs with (paths resolved).
  const ConnectClusterOptions& options() const { return options_; }

 private:
  explicit ConnectCluster(ConnectClusterOptions options);

  ConnectClusterOptions options_;
  struct Files;
  std::unique_ptr<Files> files_;
  std::vector<std::unique_ptr<ConnectWorker>> workers_;
};

/// Waits up to `timeout` until `topic` holds at least `count` records (the sum of its partitions'
/// end offsets; a compacted or transactional topic may hold fewer than that sum says).
testing::AssertionResult TopicHasRecords(
    KafkaCluster& kafka, const std::string& topic, int64_t count,
    std::chrono::milliseconds timeout = std::chrono::seconds(60));

/// Waits up to `timeout` until `check` returns true, polling every 100 ms; fails with `what`
/// and, when `worker` is given, the tail of its log. For assertions of the test's own.
testing::AssertionResult Eventually(const std::string& what, const std::function<bool()>& check,
                                    std::chrono::milliseconds timeout,
                                    const ConnectWorker* worker = nullptr);

}  // namespace ck::testkit
