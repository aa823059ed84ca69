// FileStreamSourceConnector and FileStreamSourceTask: ConnectKit's equivalents of Kafka's
// org.apache.kafka.connect.file source, with the same configuration keys, source partition
// ({"filename": <path>}) and offset ({"position": <byte offset after the line>}), so configs and
// stored offsets written for Kafka Connect keep working.
//
// The task reads lines terminated by "\n", "\r\n" or "\r" and emits each once its terminator is
// there (a partial last line waits for the writer). Unlike Kafka it counts offsets in bytes (Kafka
// counts UTF-16 characters but seeks in bytes, which breaks on non-ASCII input), replaces invalid
// UTF-8 with U+FFFD as Kafka's decoder does, and notices a file that shrank or was replaced, which
// it then reads again from the start rather than stalling past its end.
#pragma once

#include <atomic>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ck/config_def.h"
#include "ck/connector.h"
#include "ck/record.h"
#include "ck/source_task.h"
#include "reference-connectors/file/version.h"

namespace ck::file {

/// Kafka's class names, under which configs name these components.
inline constexpr char kSourceConnectorClass[] =
    "org.apache.kafka.connect.file.FileStreamSourceConnector";
inline constexpr char kSourceTaskClass[] = "org.apache.kafka.connect.file.FileStreamSourceTask";

/// Reads one file (or standard input) line by line into one topic; always one task.
class FileStreamSourceConnector : public SourceConnector {
 public:
  std::string version() const override { return kFileConnectorVersion; }
  /// `file` (optional; standard input when empty), `topic` (required), `batch.size` (2000).
  ConfigDef config() const override;
  void start(const ConfigMap& props) override;
  /// One task, whatever `max_tasks` says: a file has one reader.
  std::vector<ConfigMap> task_configs(int max_tasks) override;
  void stop() override {}
  /// Supported when reading a file (offsets are tracked), not for standard input.
  ExactlyOnceSupport exactly_once_support(const ConfigMap& props) const override;
  /// Accepts offsets of the shape the task writes ({"filename": ...} -> {"position": n >= 0}, or a
  /// reset); throws ConnectError naming what is wrong otherwise, or when reading standard input.
  bool alter_offsets(const ConfigMap& props,
                     const std::vector<std::pair<nlohmann::json, std::optional<nlohmann::json>>>&
                         offsets) override;

 private:
  ConfigMap props_;
};

/// Tails one file (or reads standard input) and emits each complete line as a record.
class FileStreamSourceTask : public SourceTask {
 public:
  FileStreamSourceTask();
  ~FileStreamSourceTask() override;
  FileStreamSourceTask(const FileStreamSourceTask&) = delete;
  FileStreamSourceTask& operator=(const FileStreamSourceTask&) = delete;

  std::string version() const override { return kFileConnectorVersion; }
  /// Parses the configuration and reads the committed offset of the file, if any.
  void start(const ConfigMap& props) override;
  /// Up to `batch.size` complete lines. With none available it waits up to a second (or until
  /// stop()) for the file to appear or grow, then returns what it has, possibly nothing.
  std::vector<SourceRecord> poll() override;
  /// Wakes a waiting poll(); callable from any thread.
  void stop() override;

 private:
  bool OpenFile();
  bool ReadMore();
  bool CheckTruncatedOrReplaced();
  void ExtractLines(std::vector<SourceRecord>& records, int64_t now_ms);
  void WaitForInput();

  std::string filename_;  // empty: standard input
  std::string topic_;
  int32_t batch_size_ = 0;
  nlohmann::json partition_ = nlohmann::json::object();
  std::optional<int64_t> resume_position_;  // committed offset, applied at the first open

  int fd_ = -1;
  int wake_fd_ = -1;  // eventfd that stop() signals
  bool stdin_eof_ = false;
  bool missing_logged_ = false;
  int64_t position_ = 0;  // byte offset just after the last emitted line
  std::string buffer_;    // bytes read from position_ on, not yet a complete line
  size_t scanned_ = 0;    // bytes of buffer_ known to hold no line terminator
  std::atomic<bool> stopping_{false};
};

}  // namespace ck::file
