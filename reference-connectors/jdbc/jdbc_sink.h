// JdbcSinkConnector and JdbcSinkTask: ConnectKit's JDBC sink, standing in for Confluent's
// io.confluent.connect.jdbc.JdbcSinkConnector and Debezium's
// io.debezium.connector.jdbc.JdbcSinkConnector. The task writes each put() in one transaction
// (JdbcWriter), so whatever put() returned from is committed in the database: pre_commit hands
// back the offsets it is given, and a crash can only repeat records after the last commit, which
// upserts make harmless (at-least-once, idempotent by primary key).
//
// Failures: an unreachable database or a transient condition makes put() throw RetriableError
// after context().timeout(retry.backoff.ms), so the runtime redelivers the same records, up to
// max.retries times in a row; then, and for refused logins, missing privileges or missing tables
// without auto.create, put() throws ConnectError, which fails the task with the reason. A record
// that cannot be written goes to the errant record reporter (dead-letter queue or task failure, as
// errors.tolerance says).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ck/config_def.h"
#include "ck/connector.h"
#include "ck/record.h"
#include "ck/sink_task.h"
#include "reference-connectors/jdbc/jdbc_config.h"
#include "reference-connectors/jdbc/jdbc_writer.h"
#include "reference-connectors/jdbc/version.h"

namespace ck::jdbc {

/// The JDBC sink connector: validates the configuration and gives each task a copy of it.
class JdbcSinkConnector : public SinkConnector {
 public:
  std::string version() const override { return kJdbcConnectorVersion; }
  /// Confluent's and Debezium's keys (see jdbc_config.h).
  ConfigDef config() const override { return JdbcSinkConfigDef(); }
  /// Single keys, then the rules that span keys.
  std::vector<ConfigValue> validate(const ConfigMap& props) const override {
    return ValidateJdbcSinkConfig(props);
  }
  /// Checks the configuration; throws ConfigError.
  void start(const ConfigMap& props) override;
  /// `max_tasks` copies of the configuration: tasks split the topic partitions.
  std::vector<ConfigMap> task_configs(int max_tasks) override;
  void stop() override {}
  /// Always true: the connector keeps no offsets of its own.
  bool alter_offsets(const ConfigMap& props,
                     const std::map<TopicPartition, std::optional<int64_t>>& offsets) override;

 private:
  ConfigMap props_;
};

/// Writes records to tables, one transaction per put().
class JdbcSinkTask : public SinkTask, private WriterHost {
 public:
  std::string version() const override { return kJdbcConnectorVersion; }
  /// Parses the configuration; connects on the first put().
  void start(const ConfigMap& props) override;
  /// Writes and commits `records` (see the file comment for failures).
  void put(std::vector<SinkRecord> records) override;
  /// Nothing is buffered between puts; returns `offsets`, all of them committed.
  OffsetMap pre_commit(const OffsetMap& offsets) override { return offsets; }
  /// Closes the connection.
  void stop() override;

 private:
  bool ReportErrant(const SinkRecord& record, const std::string& reason) override;
  void Log(LogLevel level, const std::string& message) override;

  JdbcSinkConfig config_;
  std::unique_ptr<JdbcWriter> writer_;
  int remaining_retries_ = 0;
};

}  // namespace ck::jdbc
