// __CLASS__SinkConnector and __CLASS__SinkTask: an example sink that appends one line per record,
// "<line.prefix><topic>-<partition>@<offset>: <value>", to a file. put() only buffers; flush()
// writes and syncs the buffer, so the offsets the runtime commits after flush() are exactly those
// of records that are durable in the file (at-least-once). Replace the file with your system.
#pragma once

#include <string>
#include <vector>

#include "ck/config_def.h"
#include "ck/connector.h"
#include "ck/record.h"
#include "ck/sink_task.h"
#include "version.h"

namespace __NAMESPACE__ {

/// Class names under which connector configs name these components.
inline constexpr char kConnectorClass[] = "__PACKAGE__.__CLASS__SinkConnector";
inline constexpr char kTaskClass[] = "__PACKAGE__.__CLASS__SinkTask";

/// Configuration keys.
inline constexpr char kOutputPathConfig[] = "output.path";
inline constexpr char kLinePrefixConfig[] = "line.prefix";

/// The connector's configuration definition (also in the plugin's manifest).
ck::ConfigDef SinkConfigDef();

/// The text of a record's line (without the newline).
std::string LineOf(const ck::SinkRecord& record, const std::string& prefix);

/// Validates the configuration; every task gets the connector's configuration.
class __CLASS__SinkConnector : public ck::SinkConnector {
 public:
  std::string version() const override { return kVersion; }
  ck::ConfigDef config() const override { return SinkConfigDef(); }
  /// Throws ck::ConfigError naming the first bad key.
  void start(const ck::ConfigMap& props) override;
  /// `max_tasks` copies of the connector's configuration (tasks append to the same file).
  std::vector<ck::ConfigMap> task_configs(int max_tasks) override;
  void stop() override {}

 private:
  ck::ConfigMap props_;
};

/// Buffers lines in put() and makes them durable in flush().
class __CLASS__SinkTask : public ck::SinkTask {
 public:
  std::string version() const override { return kVersion; }
  /// Parses the configuration; the file is created on the first flush.
  void start(const ck::ConfigMap& props) override;
  /// Buffers one line per record.
  void put(std::vector<ck::SinkRecord> records) override;
  /// Appends the buffered lines and syncs the file. Throws ck::RetriableError when the file
  /// cannot be written (the runtime retries the same records).
  void flush(const ck::OffsetMap& offsets) override;
  /// Drops what was not flushed (the runtime redelivers it after a restart).
  void stop() override;

 private:
  std::string path_;
  std::string prefix_;
  std::string buffer_;
};

}  // namespace __NAMESPACE__
