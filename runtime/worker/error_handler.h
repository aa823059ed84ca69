// Error handling of a task, as Kafka Connect's RetryWithToleranceOperator and its reporters do:
// `errors.retry.timeout` and `errors.retry.delay.max.ms` bound the retries of retriable failures,
// `errors.tolerance` decides whether a record that still fails is skipped (all) or fails the task
// (none), `errors.log.enable` / `errors.log.include.messages` log each failure, and sink connectors
// may send the original record (its raw key and value bytes, headers and timestamp) to a
// dead-letter queue topic, with `__connect.errors.*` context headers when
// `errors.deadletterqueue.context.headers.enable` is set.
#ifndef CK_RUNTIME_WORKER_ERROR_HANDLER_H_
#define CK_RUNTIME_WORKER_ERROR_HANDLER_H_

#include <librdkafka/rdkafka.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>

#include "runtime/worker/connector_config.h"
#include "runtime/worker/kafka_clients.h"
#include "runtime/worker/transformation_chain.h"

namespace ck::runtime {

/// Where in a task's pipeline a failure happened (Kafka Connect's errors.Stage).
enum class Stage {
  kTaskPoll,
  kTaskPut,
  kTransformation,
  kKeyConverter,
  kValueConverter,
  kHeaderConverter,
  kKafkaProduce,
  kKafkaConsume,
};

/// Kafka Connect's name of `stage` ("VALUE_CONVERTER", ...).
const char* StageName(Stage stage);

/// A connector's `errors.*` settings.
struct ErrorPolicy {
  std::chrono::milliseconds retry_timeout{0};        ///< errors.retry.timeout; -1 = forever.
  std::chrono::milliseconds retry_delay_max{60000};  ///< errors.retry.delay.max.ms.
  bool tolerate_all = false;                         ///< errors.tolerance=all.
  bool log_enable = false;                           ///< errors.log.enable.
  bool log_include_messages = false;                 ///< errors.log.include.messages.
  std::string dlq_topic;                             ///< errors.deadletterqueue.topic.name.
  int dlq_replication_factor = 3;    ///< errors.deadletterqueue.topic.replication.factor.
  bool dlq_context_headers = false;  ///< errors.deadletterqueue.context.headers.enable.

  /// The policy of connector `config`. Throws ConfigFileError naming the key, the value and what
  /// is accepted. The dead-letter queue keys are refused for source connectors (`sink` false) and
  /// a DLQ topic the connector consumes from is refused too.
  static ErrorPolicy FromConfig(const Properties& config, bool sink, const std::string& what);
};

/// Error counters of one task (Kafka Connect's task-error-metrics group).
struct ErrorCounters {
  std::atomic<int64_t> record_errors{0};          ///< total-record-errors.
  std::atomic<int64_t> record_failures{0};        ///< total-record-failures (incl. retries).
  std::atomic<int64_t> records_skipped{0};        ///< total-records-skipped.
  std::atomic<int64_t> retries{0};                ///< total-retries.
  std::atomic<int64_t> errors_logged{0};          ///< total-errors-logged.
  std::atomic<int64_t> dlq_produce_requests{0};   ///< deadletterqueue-produce-requests.
  std::atomic<int64_t> dlq_produce_failures{0};   ///< deadletterqueue-produce-failures.
  std::atomic<int64_t> last_error_timestamp{-1};  ///< last-error-timestamp (ms), -1 = none.
};

/// A failure the policy does not tolerate: the task fails with this message.
class ToleranceExceeded : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// What failed: the stage, the component class and the error.
struct Failure {
  Stage stage;                  ///< Where.
  std::string class_name;       ///< The converter, transformation or task class.
  std::string exception_class;  ///< Kafka's exception class for the error code.
  std::string message;          ///< The error message.
};

/// Kafka's exception class for an ABI error code (DataException for CK_ERROR_DATA, ...).
std::string ExceptionClassFor(int32_t code, bool retriable);

/// The Failure of exception `e` (a host::AbiError or any other) at `stage` in `class_name`.
Failure FailureOf(Stage stage, const std::string& class_name, const std::exception& e);

/// The error handling of one task. Thread-compatible: used from the task thread (and, for the
/// errant record reporter, from plugin calls made on it).
class ErrorHandler {
 public:
  /// A handler for task `task` of `connector` with `policy`; `producer_settings` configure the
  /// dead-letter queue's producer (created on first use).
  ErrorHandler(ErrorPolicy policy, std::string connector, int task, Properties producer_settings);
  ~ErrorHandler();
  ErrorHandler(const ErrorHandler&) = delete;
  ErrorHandler& operator=(const ErrorHandler&) = delete;

  /// Runs `op`, retrying while it throws a retriable host::AbiError and errors.retry.timeout
  /// allows, with exponential backoff from 300 ms up to errors.retry.delay.max.ms. Returns true
  /// when it succeeded, false when it failed and the failure was tolerated (and reported).
  /// Throws ToleranceExceeded when it is not tolerated. `failure_of` describes a caught error.
  /// `original` is the consumed message (sink tasks), for the log and the dead-letter queue.
  /// `stopping` ends the retries early.
  bool Execute(const std::function<void()>& op,
               const std::function<Failure(const std::exception&)>& failure_of,
               const rd_kafka_message_t* original, const std::atomic<bool>* stopping = nullptr);

  /// Reports a failure that already happened: counts it, logs it, sends `original` to the
  /// dead-letter queue if configured. Returns normally when tolerated; throws ToleranceExceeded
  /// otherwise.
  void Report(const Failure& failure, const rd_kafka_message_t* original);

  /// Waits up to `timeout` for the dead-letter queue's produce requests; returns false, with
  /// the reason logged, when some failed or are still pending (so offsets must not advance).
  bool Flush(std::chrono::milliseconds timeout);

  /// Whether failures are tolerated (errors.tolerance=all).
  bool tolerates() const { return policy_.tolerate_all; }
  /// The live counters.
  const ErrorCounters& counters() const { return counters_; }

 private:
  void SendToDeadLetterQueue(const Failure& failure, const rd_kafka_message_t& original);
  static void OnDelivery(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque);

  ErrorPolicy policy_;
  std::string connector_;
  int task_;
  std::string log_context_;
  Properties producer_settings_;
  KafkaHandle dlq_producer_;
  std::atomic<int64_t> dlq_failed_since_flush_{0};
  ErrorCounters counters_;
};

/// Applies `stages` to `set`. When the chain fails on the batch, applies it record by record
/// through `errors`, so a record that fails is retried, reported and skipped (or fails the task)
/// while the others go on; `original(origin)` gives a record's consumed message (sink) or NULL.
void TransformWithErrorHandling(
    const std::vector<TransformationStage>& stages, RecordSet& set, ErrorHandler& errors,
    const std::function<const rd_kafka_message_t*(uint32_t origin)>& original);

}  // namespace ck::runtime

#endif  // CK_RUNTIME_WORKER_ERROR_HANDLER_H_
