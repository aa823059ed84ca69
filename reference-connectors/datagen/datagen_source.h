// DatagenSourceConnector and DatagenSourceTask: a source that generates deterministic orders (see
// order.h) at a configurable pace, for demos, benchmarks and the delivery-guarantee tests. Each
// task owns the source partition {"task": N} and numbers its records 0, 1, 2, ... (the record
// key); the offset {"seq": next} is the next number to generate, so a restarted task resumes
// exactly after the last committed record: a gap or a repeat in a task's sequence numbers is
// loss or duplication by the pipeline, never by the generator.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ck/config_def.h"
#include "ck/connector.h"
#include "ck/record.h"
#include "ck/source_task.h"
#include "reference-connectors/datagen/version.h"

namespace ck::datagen {

/// Class names under which configs name these components.
inline constexpr char kConnectorClass[] = "io.connectkit.datagen.DatagenSourceConnector";
inline constexpr char kTaskClass[] = "io.connectkit.datagen.DatagenSourceTask";

/// The task configuration key carrying the task's number, set by the connector.
inline constexpr char kTaskIdConfig[] = "task.id";

/// Splits generation over `tasks.max` tasks, each with its own task number and sequence.
class DatagenSourceConnector : public SourceConnector {
 public:
  std::string version() const override { return kDatagenVersion; }
  /// `kafka.topic` (required), `max.interval` (0 ms), `iterations`/`count` (-1 = unlimited),
  /// `rate` (0 = as fast as possible), `batch.size` (1000), `seed` (0).
  ConfigDef config() const override;
  /// The per-key checks of config(), plus: `iterations` and `count` must agree when both are
  /// set, and Confluent datagen's schema keys (`quickstart`, `schema.*`), which would change what
  /// is generated, are reported as unsupported rather than ignored.
  std::vector<ConfigValue> validate(const ConfigMap& props) const override;
  /// Throws ConfigError with the first problem validate() would report.
  void start(const ConfigMap& props) override;
  /// `max_tasks` configurations: the connector's, plus `task.id` = 0 .. max_tasks-1.
  std::vector<ConfigMap> task_configs(int max_tasks) override;
  void stop() override {}
  /// Accepts offsets of the shape the tasks write ({"task": n} -> {"seq": n}, n >= 0, or a
  /// reset); throws ConnectError naming what is wrong otherwise.
  bool alter_offsets(const ConfigMap& props,
                     const std::vector<std::pair<nlohmann::json, std::optional<nlohmann::json>>>&
                         offsets) override;

 private:
  ConfigMap props_;
};

/// Generates the orders of one task number.
class DatagenSourceTask : public SourceTask {
 public:
  std::string version() const override { return kDatagenVersion; }
  /// Parses the configuration and resumes from the committed offset of {"task": task.id}.
  void start(const ConfigMap& props) override;
  /// Up to `batch.size` records with consecutive sequence numbers, as `rate`, `max.interval` and
  /// `iterations` allow. Waits at most about a second, and returns at once when stopped.
  std::vector<SourceRecord> poll() override;
  /// Wakes a waiting poll(); callable from any thread.
  void stop() override;

 private:
  using Clock = std::chrono::steady_clock;

  bool WaitUntil(Clock::time_point deadline);
  void Refill(Clock::time_point now);

  std::string topic_;
  int32_t task_id_ = 0;
  int64_t seed_ = 0;
  int64_t count_ = -1;  // records per task; -1 = unlimited
  int32_t batch_size_ = 0;
  Clock::duration max_interval_{};
  double rate_ = 0;  // records per second; 0 = unlimited
  nlohmann::json partition_;

  int64_t next_seq_ = 0;
  Clock::time_point next_poll_{};
  double tokens_ = 0;  // records the rate allows now
  Clock::time_point last_refill_{};
  bool finished_logged_ = false;

  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mu_
};

}  // namespace ck::datagen
