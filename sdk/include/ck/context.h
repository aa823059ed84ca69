/// @file
/// Contexts through which components reach the runtime (Kafka Connect's ConnectorContext,
/// SourceTaskContext, SinkTaskContext, OffsetStorageReader and ErrantRecordReporter), plus
/// logging with the component's `[connector|task-N]` context. Each call goes through the host
/// services table; none of them throws across the plugin boundary.

#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ck/abi/ck_abi.h"
#include "ck/config_def.h"
#include "ck/errors.h"
#include "ck/internal/host.h"
#include "ck/internal/marshal.h"
#include "ck/record.h"

namespace ck {

/// Log levels.
enum class LogLevel {
  kTrace = CK_LOG_TRACE,  ///< Trace.
  kDebug = CK_LOG_DEBUG,  ///< Debug.
  kInfo = CK_LOG_INFO,    ///< Info.
  kWarn = CK_LOG_WARN,    ///< Warning.
  kError = CK_LOG_ERROR,  ///< Error.
};

/// What every context offers: logging in the component's context. Valid from the component's
/// construction by the runtime until it is destroyed.
class ComponentContext {
 public:
  /// Writes `message` to the worker's log, prefixed with the component's context.
  void log(LogLevel level, std::string_view message) const {
    abi_internal::Host().log(ctx_, static_cast<int32_t>(level), abi_internal::Str(message));
  }

  /// The configuration the component was started with (empty before start).
  const ConfigMap& configs() const { return configs_; }

 protected:
  /// Binds the context to the host's handle.
  explicit ComponentContext(ck_context* ctx) : ctx_(ctx) {}

  /// The host's handle for this component.
  ck_context* handle() const { return ctx_; }

 private:
  friend struct abi_internal::ContextAccess;
  ck_context* ctx_;
  ConfigMap configs_;
};

/// Reads committed source offsets (Kafka's OffsetStorageReader).
class OffsetStorageReader {
 public:
  /// Binds the reader to a component's host handle.
  explicit OffsetStorageReader(ck_context* ctx) : ctx_(ctx) {}

  /// The last committed offset of `partition` (a JSON object), or std::nullopt when none is
  /// stored. Throws ConnectError when the offsets cannot be read.
  std::optional<nlohmann::json> offset(const nlohmann::json& partition) const {
    const std::string text = partition.dump();
    ck_buffer out{};
    abi_internal::HostError error;
    if (abi_internal::Host().offset_read(ctx_, abi_internal::Str(text), &out, error.get()) !=
        CK_STATUS_OK) {
      error.Throw();
    }
    abi_internal::BufferGuard guard(&out);
    if (out.data.len == 0) return std::nullopt;
    return nlohmann::json::parse(abi_internal::View(out.data));
  }

 private:
  ck_context* ctx_;
};

/// The connector's view of the runtime (Kafka's ConnectorContext / SourceConnectorContext).
class ConnectorContext : public ComponentContext {
 public:
  /// Binds the context to the host's handle (done by the SDK).
  explicit ConnectorContext(ck_context* ctx) : ComponentContext(ctx) {}

  /// Asks the runtime to call Connector::task_configs again, e.g. when the set of tables changed.
  void request_task_reconfiguration() const {
    abi_internal::Host().request_task_reconfiguration(handle());
  }

  /// Fails the connector with `message`; for errors found on a background thread.
  void raise_error(std::string_view message) const {
    abi_internal::Host().raise_error(handle(), abi_internal::Str(message));
  }

  /// Reads committed offsets (source connectors).
  OffsetStorageReader offset_storage_reader() const { return OffsetStorageReader(handle()); }
};

/// The source task's view of the runtime (Kafka's SourceTaskContext).
class SourceTaskContext : public ComponentContext {
 public:
  /// Binds the context to the host's handle (done by the SDK).
  explicit SourceTaskContext(ck_context* ctx) : ComponentContext(ctx) {}

  /// Reads committed offsets, typically in SourceTask::start to resume where the task stopped.
  OffsetStorageReader offset_storage_reader() const { return OffsetStorageReader(handle()); }
};

/// The sink task's view of the runtime (Kafka's SinkTaskContext and ErrantRecordReporter).
class SinkTaskContext : public ComponentContext {
 public:
  /// Binds the context to the host's handle (done by the SDK).
  explicit SinkTaskContext(ck_context* ctx) : ComponentContext(ctx) {}

  /// Resets the consumer position of `partition` to `offset` (the next offset to deliver).
  void offset(const TopicPartition& partition, int64_t offset) const {
    abi_internal::Host().sink_seek(handle(), abi_internal::Abi(partition), offset);
  }

  /// Resets the consumer positions of several partitions.
  void offset(const OffsetMap& offsets) const {
    for (const auto& [partition, position] : offsets) offset(partition, position);
  }

  /// Sets how long the runtime waits before redelivering a batch that failed with RetriableError.
  void timeout(int64_t timeout_ms) const {
    abi_internal::Host().sink_timeout(handle(), timeout_ms);
  }

  /// Stops fetching from `partitions` until resume() is called.
  void pause(const std::vector<TopicPartition>& partitions) const { SetPaused(partitions, 1); }

  /// Resumes fetching from `partitions`.
  void resume(const std::vector<TopicPartition>& partitions) const { SetPaused(partitions, 0); }

  /// Asks the runtime to commit offsets soon (it calls SinkTask::pre_commit first).
  void request_commit() const { abi_internal::Host().sink_request_commit(handle()); }

  /// Reports a record this task cannot process (KIP-610). The runtime sends it to the dead-letter
  /// queue or fails the task, as `errors.tolerance` says. Returns false when the runtime has no
  /// reporter configured for this connector; throws ConnectError if reporting itself failed.
  bool report_errant_record(const SinkRecord& record, std::string_view reason) const;

 private:
  void SetPaused(const std::vector<TopicPartition>& partitions, int32_t paused) const {
    for (const auto& p : partitions) {
      abi_internal::Host().sink_pause(handle(), abi_internal::Abi(p), paused);
    }
  }
};

inline bool SinkTaskContext::report_errant_record(const SinkRecord& record,
                                                  std::string_view reason) const {
  abi_internal::Arena arena;
  ck_record abi_record;
  abi_internal::Writer(arena).Record(record, &abi_record);
  abi_internal::HostError error;
  const ck_status status = abi_internal::Host().sink_report_errant(
      handle(), &abi_record, abi_internal::Str(reason), error.get());
  if (status == CK_STATUS_UNSUPPORTED) return false;
  if (status != CK_STATUS_OK) error.Throw();
  return true;
}

}  // namespace ck
