// The JDBC sink connector and task (see jdbc_sink.h): configuration, the retry policy around the
// writer (Confluent's: max.retries consecutive failed puts, retry.backoff.ms apart), and the
// classification of database failures into retriable and fatal ones.
#include "reference-connectors/jdbc/jdbc_sink.h"

#include <algorithm>

#include "ck/errors.h"

namespace ck::jdbc {
namespace {

void LogIgnoredProperties(const ComponentContext& context, const ConnectionSettings& settings) {
  if (settings.ignored_properties.empty()) return;
  std::string names;
  for (const std::string& p : settings.ignored_properties) names += (names.empty() ? "" : ", ") + p;
  context.log(LogLevel::kWarn, "connection.url properties not used by this sink: " + names);
}

}  // namespace

// ---- JdbcSinkConnector ----------------------------------------------------------------------

void JdbcSinkConnector::start(const ConfigMap& props) {
  const JdbcSinkConfig config = ParseJdbcSinkConfig(props);
  props_ = props;
  LogIgnoredProperties(context(), config.connection);
  context().log(LogLevel::kInfo, std::string("Starting JDBC sink connector writing to ") +
                                     DbKindName(config.connection.kind) + " at " +
                                     config.connection.display_url);
}

std::vector<ConfigMap> JdbcSinkConnector::task_configs(int max_tasks) {
  return std::vector<ConfigMap>(static_cast<size_t>(std::max(max_tasks, 0)), props_);
}

bool JdbcSinkConnector::alter_offsets(
    const ConfigMap& props, const std::map<TopicPartition, std::optional<int64_t>>& offsets) {
  (void)props;
  (void)offsets;
  return true;
}

// ---- JdbcSinkTask ---------------------------------------------------------------------------

void JdbcSinkTask::start(const ConfigMap& props) {
  config_ = ParseJdbcSinkConfig(props);
  writer_ = std::make_unique<JdbcWriter>(config_, static_cast<WriterHost&>(*this));
  remaining_retries_ = std::max(config_.max_retries, 0);
  LogIgnoredProperties(context(), config_.connection);
}

void JdbcSinkTask::put(std::vector<SinkRecord> records) {
  if (records.empty()) return;
  try {
    writer_->Write(records);
    remaining_retries_ = std::max(config_.max_retries, 0);
    return;
  } catch (const SqlError& e) {
    const std::string where = std::string(" (") + DbKindName(config_.connection.kind) + " at " +
                              config_.connection.display_url + ")";
    switch (e.kind()) {
      case SqlErrorKind::kConnection:
      case SqlErrorKind::kTransient:
      case SqlErrorKind::kUndefined:
        break;  // retried below
      case SqlErrorKind::kPermission:
        throw ConnectError("Permission denied writing to the database" + where + ": " + e.what() +
                           ". Grant the connector's user the privileges it needs (SELECT, "
                           "INSERT, UPDATE, DELETE on the tables; CREATE and ALTER for "
                           "auto.create and auto.evolve)");
      case SqlErrorKind::kAuthentication:
        throw ConnectError(std::string("The database refused the connection") + where + ": " +
                           e.what());
      case SqlErrorKind::kData:
      case SqlErrorKind::kOther:
        throw ConnectError(std::string("Writing to the database failed") + where + ": " + e.what());
    }
    const int max = std::max(config_.max_retries, 0);
    if (remaining_retries_ <= 0) {
      throw ConnectError("Writing to the database failed" + where + " and max.retries=" +
                         std::to_string(max) + " retries are used up: " + e.what());
    }
    --remaining_retries_;
    context().timeout(config_.retry_backoff_ms);
    throw RetriableError("Writing to the database failed" + where + "; retry " +
                         std::to_string(max - remaining_retries_) + " of " + std::to_string(max) +
                         " in " + std::to_string(config_.retry_backoff_ms) + " ms: " + e.what());
  }
}

void JdbcSinkTask::stop() {
  if (writer_ != nullptr) writer_->Close();
}

bool JdbcSinkTask::ReportErrant(const SinkRecord& record, const std::string& reason) {
  return context().report_errant_record(record, reason);
}

void JdbcSinkTask::Log(LogLevel level, const std::string& message) {
  context().log(level, message);
}

}  // namespace ck::jdbc
