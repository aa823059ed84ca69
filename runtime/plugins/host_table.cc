// MinimalHostTable(): the services an early runtime and the ABI tests need; see host_table.h.
// Host functions are called by plugin code through C function pointers, so none may let an
// exception escape: logging catches everything and drops the line rather than terminate.
#include "runtime/plugins/host_table.h"

#include <chrono>
#include <cstdio>
#include <string>

namespace ck::runtime {
namespace {

void LogToStderr(ck_context* /*ctx*/, int32_t level, ck_str message) noexcept {
  static constexpr const char* kLevels[] = {"TRACE", "DEBUG", "INFO", "WARN", "ERROR"};
  const char* name = level >= CK_LOG_TRACE && level <= CK_LOG_ERROR ? kLevels[level] : "LOG";
  try {
    std::string line = std::string(name) + " [plugin] ";
    if (message.len != 0) line.append(message.ptr, message.len);
    line.push_back('\n');
    std::fputs(line.c_str(), stderr);
  } catch (...) {
  }
}

int64_t ClockNowMs() noexcept {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

ck_status OffsetReadUnsupported(ck_context*, ck_str, ck_buffer* out, ck_error*) noexcept {
  if (out != nullptr) *out = ck_buffer{};
  return CK_STATUS_UNSUPPORTED;
}

ck_status ReportErrantUnsupported(ck_context*, const ck_record*, ck_str, ck_error*) noexcept {
  return CK_STATUS_UNSUPPORTED;
}

}  // namespace

ck_host MinimalHostTable() {
  ck_host host{};
  host.struct_size = sizeof(ck_host);
  host.abi_major = CK_ABI_MAJOR;
  host.abi_minor = CK_ABI_MINOR;
  host.error_set = &host::ErrorSet;
  host.error_create = &host::ErrorCreate;
  host.error_destroy = &host::ErrorDestroy;
  host.error_get = &host::ErrorGet;
  host.log = &LogToStderr;
  host.clock_now_ms = &ClockNowMs;
  host.offset_read = &OffsetReadUnsupported;
  host.request_task_reconfiguration = [](ck_context*) noexcept {};
  host.raise_error = [](ck_context* ctx, ck_str message) noexcept {
    LogToStderr(ctx, CK_LOG_ERROR, message);
  };
  host.sink_seek = [](ck_context*, ck_topic_partition, int64_t) noexcept {};
  host.sink_timeout = [](ck_context*, int64_t) noexcept {};
  host.sink_pause = [](ck_context*, ck_topic_partition, int32_t) noexcept {};
  host.sink_request_commit = [](ck_context*) noexcept {};
  host.sink_report_errant = &ReportErrantUnsupported;
  return host;
}

}  // namespace ck::runtime
