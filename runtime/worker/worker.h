// The standalone worker: runs connectors and their tasks in this process, with offsets in a
// local file, as Kafka Connect's standalone mode does.
//
// A connector's configuration is validated (by the connector's own ConfigDef and by the
// worker's rules), the connector is started and asked for its task configurations, and each task
// gets its converters, transformation chain and Kafka client, then runs on its own thread.
// Without `bootstrap.servers` the worker starts an embedded Kafka (librdkafka's mock cluster) and
// says so in one log line.
#ifndef CK_RUNTIME_WORKER_WORKER_H_
#define CK_RUNTIME_WORKER_WORKER_H_

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "runtime/plugins/registry.h"
#include "runtime/worker/connector_config.h"
#include "runtime/worker/kafka_clients.h"
#include "runtime/worker/offset_store.h"
#include "runtime/worker/task_state.h"

namespace ck::runtime {

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

/// The standalone worker.
class Worker {
 public:
  /// A worker with `config` (worker.properties), resolving plugins in `registry`. Throws
  /// ConfigFileError naming the key when the worker configuration is invalid.
  Worker(Properties config, const PluginRegistry& registry);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  /// The bootstrap servers in use (the embedded Kafka's when none were configured).
  const std::string& bootstrap_servers() const { return bootstrap_; }

  /// Validates and starts connector `config` and its tasks. Throws ConfigFileError with every
  /// problem found (unknown class, invalid values, missing keys) when it cannot start.
  void StartConnector(const Properties& config);

  /// Stops connector `name` and its tasks, committing their offsets.
  void StopConnector(const std::string& name);

  /// Stops every connector, each task within task.shutdown.graceful.timeout.ms.
  void StopAll();

  /// The status of every connector.
  std::vector<ConnectorStatus> Status() const;

  /// Counters of connector `name`.
  ConnectorProgress Progress(const std::string& name) const;

 private:
  struct Running;

  std::vector<Properties> TaskConfigs(Running& running);
  void StartTasks(Running& running, std::vector<Properties> task_configs);
  void StopTasks(Running& running);
  // Applies requestTaskReconfiguration(): new task configurations restart the tasks.
  void MonitorConnectors();

  Properties config_;
  const PluginRegistry& registry_;
  std::string bootstrap_;
  KafkaHandle embedded_;  // owns the mock cluster when no bootstrap.servers was given
  std::unique_ptr<FileOffsetStore> offsets_;
  std::chrono::milliseconds flush_interval_;
  std::chrono::milliseconds flush_timeout_;
  std::chrono::milliseconds graceful_;
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<Running>> connectors_;
  std::condition_variable monitor_cv_;
  bool monitor_stop_ = false;
  std::thread monitor_;  // last: starts once everything above is ready
};

}  // namespace ck::runtime

#endif  // CK_RUNTIME_WORKER_WORKER_H_
