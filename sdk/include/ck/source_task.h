/// @file
/// Source tasks (Kafka Connect's SourceTask): they poll an external system and return records,
/// each with the source partition and offset the runtime commits once Kafka has acknowledged it.

#pragma once

#include <string>
#include <vector>

#include "ck/config_def.h"
#include "ck/context.h"
#include "ck/record.h"

namespace ck {

/// A source task. start(), poll(), commit() and commit_record() run on the task's own thread;
/// stop() may be called from another thread while poll() blocks.
class SourceTask {
 public:
  virtual ~SourceTask() = default;

  /// The task's version.
  virtual std::string version() const = 0;

  /// Starts the task with the configuration its connector produced. Read committed offsets
  /// through context().offset_storage_reader() to resume.
  virtual void start(const ConfigMap& props) = 0;

  /// The next records, possibly none. May block, but should return within about a second so the
  /// task can be paused or stopped. Throw RetriableError to be polled again.
  virtual std::vector<SourceRecord> poll() = 0;

  /// poll() into `out`, which the runtime passes in empty and reuses from one poll to the next;
  /// what the runtime calls. The default moves poll()'s records into `out`. A task that returns
  /// large batches may override this instead (and implement poll() by calling it): the batch's
  /// vector is then not allocated and freed on every poll.
  virtual void poll_into(std::vector<SourceRecord>& out) { out = poll(); }

  /// Called after the runtime committed offsets; offsets may lag behind the latest poll.
  virtual void commit() {}

  /// Called when Kafka acknowledged `record` (`metadata` says where it was written), or when it
  /// was dropped by a transformation or by error tolerance (`metadata` is null).
  virtual void commit_record(const SourceRecord& record, const RecordMetadata* metadata) {
    (void)record;
    (void)metadata;
  }

  /// Asks the task to stop; may be called from another thread and must make poll() return soon.
  virtual void stop() = 0;

  /// The runtime: offsets and logging.
  const SourceTaskContext& context() const { return *context_; }

 private:
  friend struct abi_internal::ContextAccess;
  const SourceTaskContext* context_ = nullptr;
};

}  // namespace ck
