// Worker log lines in Kafka Connect's layout:
//   [2026-11-22 17:20:01,234] INFO [my-connector|task-0] message
// Every line a connector or task causes carries its `[connector|task-N]` context. Lines are
// written whole, so concurrent tasks never interleave within a line.
#ifndef CK_RUNTIME_WORKER_LOG_H_
#define CK_RUNTIME_WORKER_LOG_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace ck::runtime {

/// Log levels, numbered as the ABI's ck_log_level.
enum class Level : int32_t { kTrace = 0, kDebug = 1, kInfo = 2, kWarn = 3, kError = 4 };

/// Writes one line to stderr if `level` is at or above the threshold; `context` may be empty.
void Log(Level level, std::string_view context, std::string_view message);

/// Sets the threshold (default INFO).
void SetLogLevel(Level level);

/// A logger's level as GET /admin/loggers shows it.
struct LoggerLevel {
  std::string level;      ///< "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL" or "OFF".
  int64_t last_modified;  ///< When it was set over REST (ms since the epoch), or -1.
};

/// Loggers with their levels: "root" (the threshold) and every logger set with SetLoggerLevel.
/// A logger is named by a connector name and governs the lines of that connector and its tasks;
/// "root" governs every other line.
std::map<std::string, LoggerLevel> LoggerLevels();

/// Sets the level of logger `name` ("root" = the threshold and every logger) to `level` (case
/// insensitive). Returns the loggers affected, sorted; throws std::invalid_argument naming the
/// level and the accepted ones when `level` is not one.
std::vector<std::string> SetLoggerLevel(const std::string& name, const std::string& level);

/// The bracketed context of a connector ("name") or one of its tasks ("name|task-N").
std::string LogContext(std::string_view connector, int task);

}  // namespace ck::runtime

#endif  // CK_RUNTIME_WORKER_LOG_H_
