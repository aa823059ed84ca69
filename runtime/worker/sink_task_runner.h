// Runs one sink task on its own thread, as Kafka Connect's WorkerSinkTask does: consume ->
// key/value/header converters -> transformation chain -> put, in consumer group
// `connect-<connector>`.
//
// Offsets: the runtime tracks, per assigned partition, the offset after the last record it
// consumed. Every offset.flush.interval.ms (or when the task requests a commit) it asks the task's
// pre_commit which offsets are safe — by default the task flushes and accepts them all — and
// commits exactly those, so a record is committed only after the task made it durable. A put that
// fails with a retriable error pauses every partition, waits for the task's timeout while the
// consumer keeps its group membership, and delivers the same batch again.
#ifndef CK_RUNTIME_WORKER_SINK_TASK_RUNNER_H_
#define CK_RUNTIME_WORKER_SINK_TASK_RUNNER_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "ck/abi/ck_abi.h"
#include "ck/host/host_support.h"
#include "runtime/worker/connector_config.h"
#include "runtime/worker/error_handler.h"
#include "runtime/worker/kafka_clients.h"
#include "runtime/worker/runtime_host.h"
#include "runtime/worker/task_state.h"
#include "runtime/worker/transformation_chain.h"

namespace ck::runtime {

/// Everything a sink task needs; built by the worker from the connector's configuration.
struct SinkTaskSetup {
  std::string connector;                             ///< Connector name.
  int task_id = 0;                                   ///< Task number.
  const ck_component* task = nullptr;                ///< The task component.
  Properties config;                                 ///< Task configuration (resolved).
  std::vector<TransformationStage> transformations;  ///< The chain, configured.
  std::unique_ptr<host::Instance<ck_converter_vtable>> key_converter;            ///< Configured.
  std::unique_ptr<host::Instance<ck_converter_vtable>> value_converter;          ///< Configured.
  std::unique_ptr<host::Instance<ck_header_converter_vtable>> header_converter;  ///< Configured.
  Properties consumer_settings;                            ///< librdkafka consumer settings.
  std::vector<std::string> topics;                         ///< `topics`, or
  std::string topics_regex;                                ///< `topics.regex`.
  std::chrono::milliseconds offset_flush_interval{60000};  ///< offset.flush.interval.ms.
  int max_poll_records = 500;                              ///< Records per put at most.
  ErrorPolicy errors;                                      ///< errors.*.
  Properties dlq_producer_settings;    ///< librdkafka settings of the dead-letter queue producer.
  std::string key_converter_class;     ///< For error reports.
  std::string value_converter_class;   ///< For error reports.
  std::string header_converter_class;  ///< For error reports.
  std::string task_class;              ///< For error reports.
  std::shared_ptr<TopicTracker> topics_in_use;  ///< Where the topics read from are recorded.
};

/// Counters of a running sink task.
struct SinkTaskMetrics {
  std::atomic<int64_t> consumed{0};         ///< Records read from Kafka.
  std::atomic<int64_t> put{0};              ///< Records handed to put().
  std::atomic<int64_t> dropped{0};          ///< Records dropped by transformations or tolerance.
  std::atomic<int64_t> committed{0};        ///< Offset commits done.
  std::atomic<int64_t> commits_skipped{0};  ///< Commits with nothing new (offset-commit-skip).
  std::atomic<int64_t> put_batches{0};      ///< put() calls that returned.
  std::atomic<int64_t> put_time_us{0};      ///< Time in put(), summed.
};

/// One sink task and its thread.
class SinkTaskRunner final : public TaskRunner {
 public:
  /// Prepares the task and its consumer; nothing runs until Start().
  explicit SinkTaskRunner(SinkTaskSetup setup);
  ~SinkTaskRunner() override;
  SinkTaskRunner(const SinkTaskRunner&) = delete;
  SinkTaskRunner& operator=(const SinkTaskRunner&) = delete;

  /// Starts the task thread.
  void Start() override;
  /// Pauses or resumes consumption (the PAUSED target state).
  void SetPaused(bool paused) override;
  /// Stops the task after its current put, commits, closes its partitions and waits up to
  /// `graceful` for that (then keeps waiting, with an error logged).
  void Stop(std::chrono::milliseconds graceful) override;

  /// Current state and, when FAILED, the reason.
  TaskStatus status() const override { return status_.Get(); }
  /// Live counters.
  const SinkTaskMetrics& metrics() const { return metrics_; }
  /// Live error counters.
  const ErrorCounters& error_counters() const { return errors_.counters(); }

 private:
  using Offsets = std::map<Partition, int64_t>;

  void Run();
  void Deliver(host::Instance<ck_sink_task_vtable>& task,
               std::vector<rd_kafka_message_t*>& messages);
  ck_status ReportErrant(const ck_record& record, std::string_view message, ck_error* err);
  void Commit(host::Instance<ck_sink_task_vtable>& task, bool final_commit);
  void ApplyContextRequests();
  void Rebalance(rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* partitions);
  static void OnRebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                          rd_kafka_topic_partition_list_t* partitions, void* opaque);

  SinkTaskSetup setup_;
  ComponentContext context_;
  SinkControl control_;
  KafkaHandle consumer_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  bool paused_ = false;
  bool finished_ = false;
  StatusCell status_;
  SinkTaskMetrics metrics_;
  ErrorHandler errors_;

  // Task-thread state.
  host::Instance<ck_sink_task_vtable>* task_ = nullptr;
  Offsets consumed_;   // next offset per assigned partition
  Offsets committed_;  // last committed per partition
  std::string rebalance_error_;
  const std::vector<rd_kafka_message_t*>* in_put_ = nullptr;  // the batch put() is handling
  std::optional<std::string> errant_failure_;  // an errant record the policy did not tolerate
  TopicCache topic_cache_;
};

}  // namespace ck::runtime

#endif  // CK_RUNTIME_WORKER_SINK_TASK_RUNNER_H_
