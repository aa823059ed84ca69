// Retries, tolerance, error logging and the dead-letter queue (see the header).
#include "runtime/worker/error_handler.h"

#include <algorithm>
#include <thread>

#include "ck/abi/ck_abi.h"
#include "ck/host/host_support.h"
#include "runtime/worker/log.h"

namespace ck::runtime {
namespace {

constexpr int64_t kRetryDelayMinMs = 300;

bool ParseBool(const Properties& p, const std::string& key, const std::string& what) {
  const std::string value = GetOr(p, key, "false");
  if (value == "true") return true;
  if (value == "false") return false;
  throw ConfigFileError("Invalid value " + value + " for configuration " + key + " of " + what +
                        ": Expected value to be either true or false");
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string Describe(const rd_kafka_message_t& m) {
  rd_kafka_timestamp_type_t type;
  const int64_t timestamp = rd_kafka_message_timestamp(&m, &type);
  return "{topic='" + std::string(rd_kafka_topic_name(m.rkt)) +
         "', partition=" + std::to_string(m.partition) + ", offset=" + std::to_string(m.offset) +
         ", timestamp=" + std::to_string(timestamp) + ", timestampType=" +
         (type == RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME ? "LogAppendTime"
          : type == RD_KAFKA_TIMESTAMP_CREATE_TIME   ? "CreateTime"
                                                     : "NoTimestampType") +
         "}";
}

}  // namespace

const char* StageName(Stage stage) {
  switch (stage) {
    case Stage::kTaskPoll:
      return "TASK_POLL";
    case Stage::kTaskPut:
      return "TASK_PUT";
    case Stage::kTransformation:
      return "TRANSFORMATION";
    case Stage::kKeyConverter:
      return "KEY_CONVERTER";
    case Stage::kValueConverter:
      return "VALUE_CONVERTER";
    case Stage::kHeaderConverter:
      return "HEADER_CONVERTER";
    case Stage::kKafkaProduce:
      return "KAFKA_PRODUCE";
    case Stage::kKafkaConsume:
      return "KAFKA_CONSUME";
  }
  return "TASK_POLL";
}

std::string ExceptionClassFor(int32_t code, bool retriable) {
  if (retriable) return "org.apache.kafka.connect.errors.RetriableException";
  switch (code) {
    case CK_ERROR_DATA:
      return "org.apache.kafka.connect.errors.DataException";
    case CK_ERROR_CONFIG:
      return "org.apache.kafka.common.config.ConfigException";
    case CK_ERROR_UNSUPPORTED:
      return "java.lang.UnsupportedOperationException";
    default:
      return "org.apache.kafka.connect.errors.ConnectException";
  }
}

Failure FailureOf(Stage stage, const std::string& class_name, const std::exception& e) {
  const auto* abi = dynamic_cast<const host::AbiError*>(&e);
  return Failure{stage, class_name,
                 abi != nullptr ? ExceptionClassFor(abi->code(), abi->retriable())
                                : "org.apache.kafka.connect.errors.ConnectException",
                 e.what()};
}

void TransformWithErrorHandling(
    const std::vector<TransformationStage>& stages, RecordSet& set, ErrorHandler& errors,
    const std::function<const rd_kafka_message_t*(uint32_t origin)>& original) {
  if (stages.empty()) return;
  try {
    ApplyTransformations(stages, set);
    return;
  } catch (const std::exception&) {
    // Isolate the records the chain cannot handle below.
  }
  RecordSet kept;
  for (size_t i = 0; i < set.records.size(); ++i) {
    RecordSet one;
    const bool ok = errors.Execute(
        [&] {
          one = RecordSet{{set.records[i]}, {set.origins[i]}, {}};
          ApplyTransformations(stages, one);
        },
        [](const std::exception& e) {
          return FailureOf(Stage::kTransformation,
                           "org.apache.kafka.connect.runtime.TransformationChain", e);
        },
        original(set.origins[i]));
    if (!ok) continue;
    for (size_t k = 0; k < one.records.size(); ++k) {
      kept.records.push_back(one.records[k]);
      kept.origins.push_back(one.origins[k]);
    }
    for (auto& b : one.batches) kept.batches.push_back(std::move(b));
  }
  for (auto& b : set.batches) kept.batches.push_back(std::move(b));  // inputs stay alive
  set = std::move(kept);
}

ErrorPolicy ErrorPolicy::FromConfig(const Properties& config, bool sink, const std::string& what) {
  ErrorPolicy policy;
  policy.retry_timeout =
      std::chrono::milliseconds(GetLong(config, "errors.retry.timeout", 0, -1, what));
  policy.retry_delay_max =
      std::chrono::milliseconds(GetLong(config, "errors.retry.delay.max.ms", 60000, 1, what));
  const std::string tolerance = GetOr(config, "errors.tolerance", "none");
  if (tolerance != "none" && tolerance != "all") {
    throw ConfigFileError("Invalid value " + tolerance + " for configuration errors.tolerance of " +
                          what + ": String must be one of: none, all");
  }
  policy.tolerate_all = tolerance == "all";
  policy.log_enable = ParseBool(config, "errors.log.enable", what);
  policy.log_include_messages = ParseBool(config, "errors.log.include.messages", what);
  policy.dlq_topic = GetOr(config, "errors.deadletterqueue.topic.name", "");
  const size_t b = policy.dlq_topic.find_first_not_of(" \t");
  policy.dlq_topic =
      b == std::string::npos
          ? ""
          : policy.dlq_topic.substr(b, policy.dlq_topic.find_last_not_of(" \t") - b + 1);
  policy.dlq_replication_factor = static_cast<int>(
      GetLong(config, "errors.deadletterqueue.topic.replication.factor", 3, -1, what));
  if (policy.dlq_replication_factor == 0) {
    throw ConfigFileError(
        "Invalid value 0 for configuration errors.deadletterqueue.topic.replication.factor of " +
        what + ": must be -1 (the broker's default) or at least 1");
  }
  policy.dlq_context_headers =
      ParseBool(config, "errors.deadletterqueue.context.headers.enable", what);
  if (!sink && !policy.dlq_topic.empty()) {
    throw ConfigFileError(what +
                          ": errors.deadletterqueue.topic.name applies to sink connectors only; "
                          "a source connector's failed records have no original bytes to keep");
  }
  if (!policy.dlq_topic.empty()) {
    std::string topics = "," + GetOr(config, "topics", "") + ",";
    topics.erase(std::remove(topics.begin(), topics.end(), ' '), topics.end());
    if (topics.find("," + policy.dlq_topic + ",") != std::string::npos) {
      throw ConfigFileError("Invalid value " + policy.dlq_topic +
                            " for configuration errors.deadletterqueue.topic.name of " + what +
                            ": the dead-letter queue topic cannot be one of 'topics', or the "
                            "connector would consume its own failures");
    }
  }
  return policy;
}

ErrorHandler::ErrorHandler(ErrorPolicy policy, std::string connector, int task,
                           Properties producer_settings)
    : policy_(std::move(policy)),
      connector_(std::move(connector)),
      task_(task),
      log_context_(LogContext(connector_, task)),
      producer_settings_(std::move(producer_settings)) {}

ErrorHandler::~ErrorHandler() {
  if (dlq_producer_) rd_kafka_flush(dlq_producer_.get(), 5000);
}

bool ErrorHandler::Execute(const std::function<void()>& op,
                           const std::function<Failure(const std::exception&)>& failure_of,
                           const rd_kafka_message_t* original, const std::atomic<bool>* stopping) {
  const auto start = std::chrono::steady_clock::now();
  for (int attempt = 0;; ++attempt) {
    try {
      op();
      return true;
    } catch (const std::exception& e) {
      const auto* abi = dynamic_cast<const host::AbiError*>(&e);
      const bool retriable = abi != nullptr && abi->retriable();
      const auto elapsed = std::chrono::steady_clock::now() - start;
      const bool forever = policy_.retry_timeout.count() < 0;
      if (retriable && (forever || elapsed < policy_.retry_timeout) &&
          (stopping == nullptr || !*stopping)) {
        ++counters_.record_failures;
        ++counters_.retries;
        int64_t delay = std::min<int64_t>(kRetryDelayMinMs << std::min(attempt, 20),
                                          policy_.retry_delay_max.count());
        if (!forever) {
          const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
              policy_.retry_timeout - elapsed);
          delay = std::min<int64_t>(delay, std::max<int64_t>(left.count(), 0));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(delay));
        continue;
      }
      Report(failure_of(e), original);
      return false;
    }
  }
}

void ErrorHandler::Report(const Failure& failure, const rd_kafka_message_t* original) {
  ++counters_.record_failures;
  ++counters_.record_errors;
  counters_.last_error_timestamp = NowMs();
  if (policy_.log_enable) {
    ++counters_.errors_logged;
    std::string message = "Error encountered in task " + connector_ + "-" + std::to_string(task_) +
                          ". Executing stage '" + StageName(failure.stage) + "' with class '" +
                          failure.class_name + "'";
    if (original != nullptr && policy_.log_include_messages) {
      message += ", where consumed record is " + Describe(*original);
    }
    Log(Level::kError, log_context_, message + ". " + failure.message);
  }
  if (original != nullptr && !policy_.dlq_topic.empty()) {
    SendToDeadLetterQueue(failure, *original);
  }
  if (!policy_.tolerate_all) {
    throw ToleranceExceeded(
        "Tolerance exceeded in error handler: stage " + std::string(StageName(failure.stage)) +
        ", class " + failure.class_name + ": " + failure.exception_class + ": " + failure.message);
  }
  ++counters_.records_skipped;
}

void ErrorHandler::OnDelivery(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque) {
  auto* self = static_cast<ErrorHandler*>(opaque);
  if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    ++self->counters_.dlq_produce_failures;
    ++self->dlq_failed_since_flush_;
    Log(Level::kError, self->log_context_,
        "Could not produce message to dead letter queue. topic=" + self->policy_.dlq_topic + ": " +
            rd_kafka_err2str(message->err));
  }
}

void ErrorHandler::SendToDeadLetterQueue(const Failure& failure,
                                         const rd_kafka_message_t& original) {
  if (!dlq_producer_) {
    Properties settings = producer_settings_;
    settings.emplace("client.id",
                     "connector-dlq-producer-" + connector_ + "-" + std::to_string(task_));
    rd_kafka_conf_t* conf = MakeKafkaConf(settings, "the dead-letter queue of " + connector_);
    rd_kafka_conf_set_dr_msg_cb(conf, &ErrorHandler::OnDelivery);
    rd_kafka_conf_set_opaque(conf, this);
    char error[512];
    rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error);
    if (rk == nullptr) {
      throw std::runtime_error("cannot create the dead-letter queue producer: " +
                               std::string(error));
    }
    dlq_producer_.reset(rk);
    // The topic, with one partition, as Kafka Connect creates it; an existing one is kept.
    rd_kafka_NewTopic_t* topic = rd_kafka_NewTopic_new(
        policy_.dlq_topic.c_str(), 1, policy_.dlq_replication_factor, error, sizeof error);
    rd_kafka_queue_t* queue = rd_kafka_queue_new(rk);
    rd_kafka_CreateTopics(rk, &topic, 1, nullptr, queue);
    rd_kafka_event_t* event = rd_kafka_queue_poll(queue, 30000);
    if (event != nullptr) {
      size_t count = 0;
      const rd_kafka_topic_result_t** results =
          rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event), &count);
      for (size_t i = 0; i < count; ++i) {
        const rd_kafka_resp_err_t err = rd_kafka_topic_result_error(results[i]);
        if (err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
          Log(Level::kError, log_context_,
              "Could not create the dead letter queue topic " + policy_.dlq_topic + ": " +
                  rd_kafka_err2str(err));
        }
      }
      rd_kafka_event_destroy(event);
    }
    rd_kafka_queue_destroy(queue);
    rd_kafka_NewTopic_destroy(topic);
  }
  rd_kafka_headers_t* headers = nullptr;
  rd_kafka_headers_t* original_headers = nullptr;
  if (rd_kafka_message_headers(&original, &original_headers) == RD_KAFKA_RESP_ERR_NO_ERROR &&
      original_headers != nullptr) {
    headers = rd_kafka_headers_copy(original_headers);
  } else {
    headers = rd_kafka_headers_new(policy_.dlq_context_headers ? 10 : 0);
  }
  if (policy_.dlq_context_headers) {
    auto add = [&](const char* name, const std::string& value) {
      rd_kafka_header_add(headers, name, -1, value.data(), static_cast<ssize_t>(value.size()));
    };
    add("__connect.errors.topic", rd_kafka_topic_name(original.rkt));
    add("__connect.errors.partition", std::to_string(original.partition));
    add("__connect.errors.offset", std::to_string(original.offset));
    add("__connect.errors.connector.name", connector_);
    add("__connect.errors.task.id", std::to_string(task_));
    add("__connect.errors.stage", StageName(failure.stage));
    add("__connect.errors.class.name", failure.class_name);
    add("__connect.errors.exception.class.name", failure.exception_class);
    add("__connect.errors.exception.message", failure.message);
    add("__connect.errors.exception.stacktrace", failure.exception_class + ": " + failure.message +
                                                     "\n\tat " + StageName(failure.stage) + " (" +
                                                     failure.class_name + ")");
  }
  rd_kafka_timestamp_type_t type;
  const int64_t timestamp = rd_kafka_message_timestamp(&original, &type);
  ++counters_.dlq_produce_requests;
  const rd_kafka_resp_err_t err = rd_kafka_producev(
      dlq_producer_.get(), RD_KAFKA_V_TOPIC(policy_.dlq_topic.c_str()),
      RD_KAFKA_V_KEY(original.key, original.key_len),
      RD_KAFKA_V_VALUE(original.payload, original.len), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
      RD_KAFKA_V_TIMESTAMP(type == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE ? 0 : timestamp),
      RD_KAFKA_V_HEADERS(headers), RD_KAFKA_V_END);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    rd_kafka_headers_destroy(headers);
    ++counters_.dlq_produce_failures;
    ++dlq_failed_since_flush_;
    Log(Level::kError, log_context_,
        "Could not produce message to dead letter queue. topic=" + policy_.dlq_topic + ": " +
            rd_kafka_err2str(err));
  }
  rd_kafka_poll(dlq_producer_.get(), 0);
}

bool ErrorHandler::Flush(std::chrono::milliseconds timeout) {
  if (!dlq_producer_) return true;
  const rd_kafka_resp_err_t err =
      rd_kafka_flush(dlq_producer_.get(), static_cast<int>(timeout.count()));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    Log(Level::kWarn, log_context_,
        "dead letter queue records still in flight after " + std::to_string(timeout.count()) +
            " ms; offsets are not committed past them");
    return false;
  }
  return dlq_failed_since_flush_.exchange(0) == 0;
}

}  // namespace ck::runtime
