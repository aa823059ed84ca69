// __CLASS__SourceConnector and __CLASS__SourceTask: an example source that writes numbered
// messages ("<message.prefix> <n>") to a topic. Each task owns the source partition {"task": N}
// and the offset {"position": next}, the number of the next message, so a restarted task resumes
// exactly after the last committed message. Replace the generation with reads from your system.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ck/config_def.h"
#include "ck/connector.h"
#include "ck/record.h"
#include "ck/source_task.h"
#include "version.h"

namespace __NAMESPACE__ {

/// Class names under which connector configs name these components.
inline constexpr char kConnectorClass[] = "__PACKAGE__.__CLASS__SourceConnector";
inline constexpr char kTaskClass[] = "__PACKAGE__.__CLASS__SourceTask";

/// Configuration keys.
inline constexpr char kTopicConfig[] = "topic";
inline constexpr char kMessagesConfig[] = "messages";
inline constexpr char kBatchSizeConfig[] = "batch.size";
inline constexpr char kPrefixConfig[] = "message.prefix";
inline constexpr char kPollIntervalConfig[] = "poll.interval.ms";
/// Set by the connector in each task's configuration: the task's number.
inline constexpr char kTaskIdConfig[] = "task.id";

/// The connector's configuration definition (also in the plugin's manifest).
ck::ConfigDef SourceConfigDef();

/// Validates the configuration and splits the work over `tasks.max` tasks.
class __CLASS__SourceConnector : public ck::SourceConnector {
 public:
  std::string version() const override { return kVersion; }
  ck::ConfigDef config() const override { return SourceConfigDef(); }
  /// Throws ck::ConfigError naming the first bad key.
  void start(const ck::ConfigMap& props) override;
  /// One configuration per task: the connector's, plus `task.id` = 0 .. max_tasks-1.
  std::vector<ck::ConfigMap> task_configs(int max_tasks) override;
  void stop() override {}

 private:
  ck::ConfigMap props_;
};

/// Writes up to `messages` numbered messages, `batch.size` per poll, resuming from its offset.
class __CLASS__SourceTask : public ck::SourceTask {
 public:
  std::string version() const override { return kVersion; }
  /// Parses the configuration and reads the committed offset of {"task": task.id}.
  void start(const ck::ConfigMap& props) override;
  /// The next batch, after waiting `poll.interval.ms`; once every message is written, waits up to
  /// a second and returns an empty batch. Every wait ends at once when stop() is called.
  std::vector<ck::SourceRecord> poll() override;
  /// Wakes a waiting poll(); callable from any thread.
  void stop() override;

 private:
  std::string topic_;
  std::string prefix_;
  int64_t messages_ = 0;  // -1 = unlimited
  int32_t batch_size_ = 0;
  int64_t poll_interval_ms_ = 0;
  nlohmann::json partition_;
  int64_t next_ = 0;

  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mu_
};

}  // namespace __NAMESPACE__
