/// @file
/// Sink tasks (Kafka Connect's SinkTask): they receive records consumed from Kafka and write them
/// to an external system; the runtime commits consumer offsets only after flush/pre_commit.

#pragma once

#include <string>
#include <vector>

#include "ck/config_def.h"
#include "ck/context.h"
#include "ck/record.h"

namespace ck {

/// A sink task. Every method runs on the task's own thread; stop() is called only after put()
/// has returned and the final flush and commit are done.
class SinkTask {
 public:
  virtual ~SinkTask() = default;

  /// The task's version.
  virtual std::string version() const = 0;

  /// Starts the task with the configuration its connector produced.
  virtual void start(const ConfigMap& props) = 0;

  /// Delivers records. Throw RetriableError to have the same records delivered again after
  /// context().timeout(); any other error fails the task.
  virtual void put(std::vector<SinkRecord> records) = 0;

  /// Makes everything put so far durable; `offsets` are about to be committed.
  virtual void flush(const OffsetMap& offsets) { (void)offsets; }

  /// The offsets that are safe to commit. The default flushes and returns `offsets`; return an
  /// empty map to skip this commit. Offsets are those of the records as consumed (before any
  /// transformation).
  virtual OffsetMap pre_commit(const OffsetMap& offsets) {
    flush(offsets);
    return offsets;
  }

  /// Partitions were assigned to this task; called before their records arrive.
  virtual void open(const std::vector<TopicPartition>& partitions) { (void)partitions; }

  /// Partitions are being taken away; called after their last records were put.
  virtual void close(const std::vector<TopicPartition>& partitions) { (void)partitions; }

  /// Stops the task.
  virtual void stop() = 0;

  /// The runtime: offsets, pause/resume, commit requests, the errant record reporter.
  const SinkTaskContext& context() const { return *context_; }

 private:
  friend struct abi_internal::ContextAccess;
  const SinkTaskContext* context_ = nullptr;
};

}  // namespace ck
