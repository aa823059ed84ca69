// Worker log lines in Kafka Connect's layout:
//   [2026-11-22 17:20:01,234] INFO [my-connector|task-0] message
// Every line a connector or task causes carries its `[connector|task-N]` context. Lines are
// written whole, so concurrent tasks never interleave within a line.
#ifndef CK_RUNTIME_WORKER_LOG_H_
#define CK_RUNTIME_WORKER_LOG_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace ck::runtime {

/// Log levels, numbered as the ABI's ck_log_level.
enum class Level : int32_t { kTrace = 0, kDebug = 1, kInfo = 2, kWarn = 3, kError = 4 };

/// Writes one line to stderr if `level` is at or above the threshold; `context` may be empty.
void Log(Level level, std::string_view context, std::string_view message);

/// Sets the threshold (default INFO).
void SetLogLevel(Level level);

/// The bracketed context of a connector ("name") or one of its tasks ("name|task-N").
std::string LogContext(std::string_view connector, int task);

}  // namespace ck::runtime

#endif  // CK_RUNTIME_WORKER_LOG_H_
