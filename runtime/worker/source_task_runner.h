// Runs one source task on its own thread, as Kafka Connect's WorkerSourceTask does:
// poll -> transformation chain -> header/key/value converters -> asynchronous produce.
//
// Offsets: every polled record is tracked per source partition in poll order. A record counts as
// done when the broker acknowledged it or when it was dropped (by a transformation, or an
// unconvertible record under errors.tolerance=all). Every offset.flush.interval.ms the offsets of
// the done prefix of each partition are written to the offset store, then the task's commit() is
// called; nothing after the first record still in flight is ever committed, so a crash can only
// repeat records, never lose them. commit_record() fires on the task thread for each done record.
#ifndef CK_RUNTIME_WORKER_SOURCE_TASK_RUNNER_H_
#define CK_RUNTIME_WORKER_SOURCE_TASK_RUNNER_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "ck/abi/ck_abi.h"
#include "ck/host/host_support.h"
#include "runtime/worker/connector_config.h"
#include "runtime/worker/error_handler.h"
#include "runtime/worker/kafka_clients.h"
#include "runtime/worker/offset_store.h"
#include "runtime/worker/runtime_host.h"
#include "runtime/worker/task_state.h"
#include "runtime/worker/topic_creation.h"
#include "runtime/worker/transformation_chain.h"

namespace ck::runtime {

/// Everything a source task needs; built by the worker from the connector's configuration.
struct SourceTaskSetup {
  std::string connector;                             ///< Connector name.
  int task_id = 0;                                   ///< Task number.
  const ck_component* task = nullptr;                ///< The task component.
  Properties config;                                 ///< Task configuration (resolved).
  std::vector<TransformationStage> transformations;  ///< The chain, configured.
  std::unique_ptr<host::Instance<ck_converter_vtable>> key_converter;            ///< Configured.
  std::unique_ptr<host::Instance<ck_converter_vtable>> value_converter;          ///< Configured.
  std::unique_ptr<host::Instance<ck_header_converter_vtable>> header_converter;  ///< Configured.
  Properties producer_settings;                            ///< librdkafka producer settings.
  FileOffsetStore* offsets = nullptr;                      ///< Where offsets are committed.
  std::chrono::milliseconds offset_flush_interval{60000};  ///< offset.flush.interval.ms.
  std::chrono::milliseconds offset_flush_timeout{5000};    ///< offset.flush.timeout.ms.
  ErrorPolicy errors;                                      ///< errors.*.
  std::optional<TopicCreation> topic_creation;             ///< topic.creation.*, when on.
  std::string key_converter_class;                         ///< For error reports.
  std::string value_converter_class;                       ///< For error reports.
  std::string header_converter_class;                      ///< For error reports.
  std::shared_ptr<TopicTracker> topics_in_use;  ///< Where the topics written to are recorded.
};

/// Counters of a running source task.
struct SourceTaskMetrics {
  std::atomic<int64_t> polled{0};           ///< Records returned by poll.
  std::atomic<int64_t> written{0};          ///< Records acknowledged by the broker.
  std::atomic<int64_t> dropped{0};          ///< Records dropped by transformations or tolerance.
  std::atomic<int64_t> committed{0};        ///< Records whose offsets are committed.
  std::atomic<int64_t> commits{0};          ///< Offset commits that wrote offsets.
  std::atomic<int64_t> commits_skipped{0};  ///< Offset commits with nothing new.
  std::atomic<int64_t> poll_batches{0};     ///< poll() calls that returned records.
  std::atomic<int64_t> poll_time_us{0};     ///< Time in those poll() calls, summed.
};

/// One source task and its thread.
class SourceTaskRunner final : public TaskRunner {
 public:
  /// Prepares the task; nothing runs until Start().
  explicit SourceTaskRunner(SourceTaskSetup setup);
  ~SourceTaskRunner() override;
  SourceTaskRunner(const SourceTaskRunner&) = delete;
  SourceTaskRunner& operator=(const SourceTaskRunner&) = delete;

  /// Starts the task thread.
  void Start() override;
  /// Pauses or resumes polling (the PAUSED target state).
  void SetPaused(bool paused) override;
  /// Stops the task: asks it to stop, waits up to `graceful` for the final flush and offset
  /// commit, and returns. A task that does not stop in time is abandoned (its thread detached).
  void Stop(std::chrono::milliseconds graceful) override;

  /// Current state and, when FAILED, the reason.
  TaskStatus status() const override { return status_.Get(); }
  /// Live counters.
  const SourceTaskMetrics& metrics() const { return metrics_; }
  /// Live error counters.
  const ErrorCounters& error_counters() const { return errors_.counters(); }

 private:
  struct Batch;
  struct Partition;
  // One polled record until it and every record polled before it from its source partition are
  // done. Lives in its partition's queue (a deque: addresses stay stable while the queue grows and
  // shrinks at its ends), so the producer's delivery callback can point at it.
  struct Submitted {
    Batch* batch;          // the polled batch, until the record is done
    uint32_t index;        // the record's index in it
    Partition* partition;  // whose queue holds it
    bool done = false;     // acknowledged or dropped
    // The record's source offset (JSON): in the batch, or in `kept` once the record is done while
    // records ahead of it are not (its batch may then be freed before it is taken off the queue).
    std::string_view offset;
    std::string kept;
  };
  // A source partition's records in poll order: those not done yet or behind one that is not
  // (`queue`), and the offset of the done prefix already taken off it, not committed yet.
  struct Partition {
    std::deque<Submitted> queue;
    std::string done_offset;   // empty: none since the last commit
    int64_t done_records = 0;  // records taken off the queue since the last commit
  };
  // A polled batch, freed as soon as all its records are done.
  struct Batch {
    host::Owned<ck_batch> polled;
    size_t not_done = 0;
  };

  void Run();
  void RunLoop(host::Instance<ck_source_task_vtable>& task,
               std::chrono::steady_clock::time_point next_flush);
  void PollAndSend(host::Instance<ck_source_task_vtable>& task);
  void Send(const RecordSet& set, const std::vector<Submitted*>& submitted);
  void Done(Submitted& s, const ck_record_metadata* metadata);
  void PrepareTopic(const std::string& topic);
  void CommitOffsets(host::Instance<ck_source_task_vtable>& task);
  static void OnDelivery(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque);

  SourceTaskSetup setup_;
  ComponentContext context_;
  KafkaHandle producer_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  bool paused_ = false;
  std::atomic<bool> finished_{false};
  StatusCell status_;
  SourceTaskMetrics metrics_;
  ErrorHandler errors_;
  TopicCache topic_cache_;

  // Task-thread state.
  host::Instance<ck_source_task_vtable>* task_ = nullptr;
  // Takes the done prefix off `partition`'s queue, keeping only the last offset: memory stays
  // bounded by the records in flight, whatever offset.flush.interval.ms is.
  static void TakeDonePrefix(Partition& partition);

  std::map<std::string, Partition, std::less<>> pending_;  // by source partition (JSON)
  Partition* last_partition_ = nullptr;  // the partition of the last polled record
  std::string_view last_partition_key_;  // its key in pending_
  std::map<Batch*, std::unique_ptr<Batch>> batches_;
  std::vector<Submitted*> submitted_;   // PollAndSend's, for the polled batch
  RecordSet polled_set_;                // likewise
  std::set<std::string> known_topics_;  // topics created (if configured) and looked up
  std::optional<std::string> delivery_error_;
};

}  // namespace ck::runtime

#endif  // CK_RUNTIME_WORKER_SOURCE_TASK_RUNNER_H_
