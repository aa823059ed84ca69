// The standalone worker: runs connectors and their tasks in this process, with offsets in a
// local file, as Kafka Connect's standalone mode does, and the operations of Kafka Connect's REST
// API (create, reconfigure, pause, resume, stop, restart, delete, offsets, validation).
//
// Unlike Kafka's standalone mode, connector configurations and target states are kept in a file
// (`config.storage.file.filename`, default: the offsets file's name + ".connectors.json"), so
// connectors created over REST survive a restart of the worker.
//
// A connector's configuration is validated (by the connector's own ConfigDef and by the
// worker's rules), the connector is started and asked for its task configurations, and each task
// gets its converters, transformation chain and Kafka client, then runs on its own thread.
// Without `bootstrap.servers` the worker starts an embedded Kafka (librdkafka's mock cluster) and
// says so in one log line.
#ifndef CK_RUNTIME_WORKER_WORKER_H_
#define CK_RUNTIME_WORKER_WORKER_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "runtime/plugins/registry.h"
#include "runtime/worker/connector_config.h"
#include "runtime/worker/kafka_clients.h"
#include "runtime/worker/offset_store.h"
#include "runtime/worker/task_state.h"

namespace ck::runtime {

/// What the user asked a connector to be (Kafka Connect's TargetState).
enum class TargetState { kStarted, kPaused, kStopped };

/// Kafka Connect's name of `state` ("STARTED", "PAUSED", "STOPPED").
const char* TargetStateName(TargetState state);

/// A request the worker refuses; the kind decides the REST status code.
class WorkerError : public std::runtime_error {
 public:
  /// What went wrong.
  enum class Kind {
    kBadRequest,   ///< 400: the request cannot be done as asked.
    kNotFound,     ///< 404: no such connector or task.
    kConflict,     ///< 409: the connector already exists.
    kUnavailable,  ///< 503: the worker is shutting down.
  };
  /// An error of `kind` with `message`.
  WorkerError(Kind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  /// Its kind.
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

/// A connector's state and its tasks' states, as GET /connectors/{name}/status shows them.
struct ConnectorStatus {
  std::string name;               ///< Connector name.
  std::string type;               ///< "source" or "sink".
  TaskStatus connector;           ///< The connector itself.
  std::vector<TaskStatus> tasks;  ///< Its tasks, by task number.
};

/// Record counts of a connector's tasks, summed.
struct ConnectorProgress {
  int64_t produced = 0;   ///< Source: records acknowledged by Kafka.
  int64_t committed = 0;  ///< Source: records whose offsets are committed; sink: commits.
  int64_t consumed = 0;   ///< Sink: records read from Kafka.
  int64_t delivered = 0;  ///< Sink: records handed to put().
  int64_t dropped = 0;    ///< Records dropped by transformations or error tolerance.
};

/// The counters of one task at one moment, for metrics.
struct TaskSnapshot {
  int task = 0;                 ///< Task number.
  TaskStatus status;            ///< Its state.
  int64_t records_in = 0;       ///< Source: polled; sink: read from Kafka.
  int64_t records_out = 0;      ///< Source: acknowledged by Kafka; sink: handed to put().
  int64_t dropped = 0;          ///< Dropped by transformations or error tolerance.
  int64_t committed = 0;        ///< Source: records committed; sink: unused.
  int64_t commits = 0;          ///< Offset commits done.
  int64_t commits_skipped = 0;  ///< Offset commits with nothing to commit.
  int64_t batches = 0;          ///< Source: poll() calls with records; sink: put() calls.
  int64_t batch_time_us = 0;    ///< Time in those calls, summed.
  int64_t record_errors = 0;    ///< total-record-errors.
  int64_t record_failures = 0;  ///< total-record-failures.
  int64_t records_skipped = 0;  ///< total-records-skipped.
  int64_t retries = 0;          ///< total-retries.
  int64_t errors_logged = 0;    ///< total-errors-logged.
  int64_t dlq_requests = 0;     ///< deadletterqueue-produce-requests.
  int64_t dlq_failures = 0;     ///< deadletterqueue-produce-failures.
  int64_t last_error_ms = -1;   ///< last-error-timestamp.
};

/// A connector and its tasks at one moment, for metrics.
struct ConnectorSnapshot {
  std::string name;                 ///< Connector name.
  std::string type;                 ///< "source" or "sink".
  std::string class_name;           ///< connector.class as resolved (or as given).
  std::string version;              ///< Its plugin's version.
  TaskStatus status;                ///< The connector's state.
  std::vector<TaskSnapshot> tasks;  ///< Its tasks.
};

/// GET /connectors/{name}: the configuration as given, and the tasks.
struct ConnectorInfo {
  std::string name;   ///< Connector name.
  Properties config;  ///< The raw configuration (placeholders unresolved).
  int tasks = 0;      ///< How many tasks it has.
  std::string type;   ///< "source", "sink" or "unknown".
};

/// The standalone worker. Every method is thread-safe; lifecycle changes are serialised.
class Worker {
 public:
  /// A worker with `config` (worker.properties), resolving plugins in `registry`. Throws
  /// ConfigFileError naming the key when the worker configuration is invalid. Connectors saved by
  /// an earlier run (config.storage.file.filename) are started again in their target state.
  Worker(Properties config, const PluginRegistry& registry);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  /// The bootstrap servers in use (the embedded Kafka's when none were configured).
  const std::string& bootstrap_servers() const { return bootstrap_; }
  /// The worker configuration (with the embedded Kafka's bootstrap.servers when it runs one).
  const Properties& config() const { return config_; }

  /// Creates connector `config` (or, when one of that name exists, replaces its configuration)
  /// and starts it. Throws ConfigFileError with every problem found (unknown class, invalid
  /// values, missing keys) when the configuration is invalid.
  void StartConnector(const Properties& config);

  /// Stops every connector, each task within task.shutdown.graceful.timeout.ms, and refuses
  /// further changes (WorkerError kUnavailable).
  void StopAll();

  /// Creates connector `name` with `config` in `initial` state. Throws WorkerError kConflict when
  /// it exists, ConfigFileError (the validation errors, one per line) when it is invalid.
  ConnectorInfo CreateConnector(const std::string& name, Properties config, TargetState initial);
  /// Replaces the configuration of `name`, creating it when it does not exist (`created` says
  /// which), and restarts it in its target state.
  ConnectorInfo PutConnectorConfig(const std::string& name, Properties config, bool& created);
  /// Applies `patch` to the configuration of `name` (a null value removes the key).
  ConnectorInfo PatchConnectorConfig(
      const std::string& name, const std::map<std::string, std::optional<std::string>>& patch);
  /// Stops and removes connector `name`.
  void DeleteConnector(const std::string& name);

  /// The connector names, sorted.
  std::vector<std::string> Connectors() const;
  /// Connector `name`'s configuration and tasks.
  ConnectorInfo Info(const std::string& name) const;
  /// The task configurations of `name`.
  std::vector<Properties> TaskConfigs(const std::string& name) const;
  /// The status of connector `name`.
  ConnectorStatus StatusOf(const std::string& name) const;
  /// The status of every connector.
  std::vector<ConnectorStatus> Status() const;
  /// Counters of connector `name`.
  ConnectorProgress Progress(const std::string& name) const;
  /// Every connector and task with its counters.
  std::vector<ConnectorSnapshot> Snapshot() const;

  /// Pauses connector `name` and its tasks (target state PAUSED).
  void Pause(const std::string& name);
  /// Resumes a PAUSED or STOPPED connector (target state STARTED).
  void Resume(const std::string& name);
  /// Stops the connector and removes its tasks, keeping its configuration (target STOPPED).
  void Stop(const std::string& name);
  /// Restarts the connector (unless `only_failed` and it is not FAILED) and, with
  /// `include_tasks`, its tasks (all, or the FAILED ones with `only_failed`). Returns the status
  /// before the restart with every restarted instance shown as RESTARTING.
  ConnectorStatus Restart(const std::string& name, bool include_tasks, bool only_failed);
  /// Restarts task `task` of `name`.
  void RestartTask(const std::string& name, int task);

  /// The topics connector `name` has used since it started or its topics were reset.
  std::vector<std::string> ActiveTopics(const std::string& name) const;
  /// Forgets the active topics of `name`.
  void ResetActiveTopics(const std::string& name);

  /// GET /connectors/{name}/offsets: {"offsets":[{"partition":..,"offset":..}]}.
  nlohmann::json Offsets(const std::string& name) const;
  /// PATCH (`offsets` given) or DELETE (nullopt) /connectors/{name}/offsets; the connector must
  /// be STOPPED. Returns the message Kafka Connect answers with.
  std::string AlterOffsets(const std::string& name, const std::optional<nlohmann::json>& offsets);

  /// PUT /connector-plugins/{plugin}/config/validate: Kafka Connect's ConfigInfos of `config`
  /// for connector class `plugin`. Throws WorkerError kNotFound for an unknown class.
  nlohmann::json Validate(const std::string& plugin, const Properties& config) const;

 private:
  struct Running;

  Running& Find(const std::string& name) const;  // under mu_; throws kNotFound
  void CheckOpen() const;                        // throws kUnavailable when stopping
  Properties ValidatedConfig(const std::string& name, Properties config) const;
  void StartRunning(Running& running);
  void StopRunning(Running& running);
  std::vector<Properties> ComputeTaskConfigs(Running& running);
  std::unique_ptr<TaskRunner> MakeTask(Running& running, int task, Properties task_config);
  void StartTasks(Running& running, std::vector<Properties> task_configs);
  void StopTasks(Running& running);
  void RestartTaskLocked(const std::string& name, int task);  // with ops_mu_ held
  void Save() const;  // writes every connector's config and target state
  // Applies requestTaskReconfiguration(): new task configurations restart the tasks.
  void MonitorConnectors();

  Properties config_;
  const PluginRegistry& registry_;
  std::string bootstrap_;
  KafkaHandle embedded_;  // owns the mock cluster when no bootstrap.servers was given
  std::unique_ptr<FileOffsetStore> offsets_;
  std::string config_file_;
  std::chrono::milliseconds flush_interval_;
  std::chrono::milliseconds flush_timeout_;
  std::chrono::milliseconds graceful_;
  std::mutex ops_mu_;      // serialises lifecycle changes (held while tasks start and stop)
  mutable std::mutex mu_;  // guards the map and what readers see of each connector
  std::map<std::string, std::unique_ptr<Running>> connectors_;
  std::atomic<bool> closing_{false};
  std::condition_variable monitor_cv_;
  bool monitor_stop_ = false;
  std::thread monitor_;  // last: starts once everything above is ready
};

}  // namespace ck::runtime

#endif  // CK_RUNTIME_WORKER_WORKER_H_
