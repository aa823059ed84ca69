// FileStreamSinkConnector and FileStreamSinkTask: ConnectKit's equivalents of Kafka's
// org.apache.kafka.connect.file sink. The task appends each record value's string form (what
// Java's String.valueOf prints for the Connect value) as one line to a file, or to standard
// output; flush() makes what was written durable (write + fsync), so the runtime commits consumer
// offsets only for lines that are on disk.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ck/config_def.h"
#include "ck/connector.h"
#include "ck/record.h"
#include "ck/sink_task.h"
#include "reference-connectors/file/version.h"

namespace ck::file {

/// Kafka's class names, under which configs name these components.
inline constexpr char kSinkConnectorClass[] =
    "org.apache.kafka.connect.file.FileStreamSinkConnector";
inline constexpr char kSinkTaskClass[] = "org.apache.kafka.connect.file.FileStreamSinkTask";

/// Writes the values of the records of `topics` (or `topics.regex`, both handled by the runtime)
/// to one file, or to standard output.
class FileStreamSinkConnector : public SinkConnector {
 public:
  std::string version() const override { return kFileConnectorVersion; }
  /// `file` (optional; standard output when empty).
  ConfigDef config() const override;
  void start(const ConfigMap& props) override;
  /// `max_tasks` identical configurations, as Kafka: every task appends whole lines to the file.
  std::vector<ConfigMap> task_configs(int max_tasks) override;
  void stop() override {}
  /// Always true: the connector keeps no offsets of its own, so any consumer offsets are fine.
  bool alter_offsets(const ConfigMap& props,
                     const std::map<TopicPartition, std::optional<int64_t>>& offsets) override;

 private:
  ConfigMap props_;
};

/// Appends one line per record value. Lines are buffered and written in whole-line chunks with
/// O_APPEND, so tasks sharing a file never interleave within a line.
class FileStreamSinkTask : public SinkTask {
 public:
  FileStreamSinkTask() = default;
  ~FileStreamSinkTask() override;
  FileStreamSinkTask(const FileStreamSinkTask&) = delete;
  FileStreamSinkTask& operator=(const FileStreamSinkTask&) = delete;

  std::string version() const override { return kFileConnectorVersion; }
  /// Opens (creating if needed) the file for appending. Throws ConnectError naming the file.
  void start(const ConfigMap& props) override;
  /// Buffers one line per record; writes when the buffer is large.
  void put(std::vector<SinkRecord> records) override;
  /// Writes every buffered line and fsyncs the file. Throws ConnectError on I/O errors.
  void flush(const OffsetMap& offsets) override;
  /// Writes what is still buffered and closes the file.
  void stop() override;

 private:
  void WritePending();

  std::string filename_;  // empty: standard output
  int fd_ = -1;
  std::string pending_;  // complete lines not yet written
};

/// The string form of a Connect value as Java's String.valueOf prints it (Kafka's sink writes
/// exactly that): "null", numbers as Java prints them ("1.0", "1.0E10"), Struct{a=1,b=x} without
/// its null fields, [a, b], {k=v}; Decimal in plain notation, Date/Time/Timestamp as
/// java.util.Date in UTC ("Thu Jan 01 00:00:00 UTC 1970"). Bytes, which Java would print as an
/// object address, are written as they are at the top level (what ByteArrayConverter users want)
/// and in base64 inside containers (as JsonConverter encodes them). `schema` may be null.
void AppendValueText(const SchemaPtr& schema, const Value& value, bool top_level, std::string& out);

}  // namespace ck::file
