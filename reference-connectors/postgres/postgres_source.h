// PostgresConnector and PostgresSourceTask: a Debezium-compatible change-data-capture source for
// PostgreSQL through logical replication with the built-in pgoutput plugin. The connector
// validates Debezium's configuration keys and hands the one task its configuration; the task
// creates the publication and the replication slot, snapshots the captured tables in the slot's
// exported snapshot, then streams changes, emitting events with Debezium's topics, schemas,
// envelope, source block and offsets. The slot's confirmed flush position only advances to an LSN
// whose events the runtime has committed (commit()), so a crash never skips a change.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "ck/config_def.h"
#include "ck/connector.h"
#include "ck/record.h"
#include "ck/source_task.h"
#include "reference-connectors/postgres/version.h"

namespace ck::postgres {

/// Class names under which configs name these components.
inline constexpr char kConnectorClass[] = "io.connectkit.postgresql.PostgresConnector";
inline constexpr char kDebeziumConnectorClass[] =
    "io.debezium.connector.postgresql.PostgresConnector";
inline constexpr char kTaskClass[] = "io.connectkit.postgresql.PostgresConnectorTask";

/// The connector's configuration definition (Debezium's key names and defaults).
ConfigDef PostgresConfigDef();

/// Validates `props`: config()'s per-key checks plus Debezium keys and values this connector does
/// not support, each reported on its own key by name.
std::vector<ConfigValue> ValidatePostgresConfig(const ConfigMap& props);

/// Validates the configuration and hands one task the whole of it.
class PostgresConnector : public SourceConnector {
 public:
  std::string version() const override { return kPostgresVersion; }
  ConfigDef config() const override { return PostgresConfigDef(); }
  std::vector<ConfigValue> validate(const ConfigMap& props) const override {
    return ValidatePostgresConfig(props);
  }
  /// Throws ConfigError with the first problem validate() would report.
  void start(const ConfigMap& props) override;
  /// One task configuration whatever `max_tasks` is (a slot has one reader).
  std::vector<ConfigMap> task_configs(int max_tasks) override;
  void stop() override {}

 private:
  ConfigMap props_;
};

class PostgresTaskImpl;

/// Snapshots, then streams the changes of the captured tables.
class PostgresSourceTask : public SourceTask {
 public:
  PostgresSourceTask();
  ~PostgresSourceTask() override;
  std::string version() const override { return kPostgresVersion; }
  /// Connects, creates the publication and slot as configured, and decides from the committed
  /// offset of {"server": topic.prefix} whether to snapshot and where to resume streaming.
  void start(const ConfigMap& props) override;
  /// Up to max.batch.size change events; waits at most poll.interval.ms for the first.
  std::vector<SourceRecord> poll() override;
  /// poll() into the runtime's reused vector.
  void poll_into(std::vector<SourceRecord>& out) override;
  /// Reads the committed offset and lets the slot's confirmed flush position advance to it.
  void commit() override;
  /// Makes a waiting poll() return; callable from any thread.
  void stop() override;

 private:
  std::unique_ptr<PostgresTaskImpl> impl_;
  std::atomic<bool> stopping_{false};
};

}  // namespace ck::postgres
