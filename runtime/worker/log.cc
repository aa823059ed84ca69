// Log lines in Kafka Connect's layout (see the header).
#include "runtime/worker/log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>

namespace ck::runtime {
namespace {

std::atomic<int32_t> g_threshold{static_cast<int32_t>(Level::kInfo)};

const char* Name(Level level) {
  switch (level) {
    case Level::kTrace:
      return "TRACE";
    case Level::kDebug:
      return "DEBUG";
    case Level::kInfo:
      return "INFO";
    case Level::kWarn:
      return "WARN";
    case Level::kError:
      return "ERROR";
  }
  return "INFO";
}

}  // namespace

void SetLogLevel(Level level) { g_threshold = static_cast<int32_t>(level); }

std::string LogContext(std::string_view connector, int task) {
  std::string out(connector);
  if (task >= 0) out += "|task-" + std::to_string(task);
  return out;
}

void Log(Level level, std::string_view context, std::string_view message) {
  if (static_cast<int32_t>(level) < g_threshold.load(std::memory_order_relaxed)) return;
  const auto now = std::chrono::system_clock::now();
  const std::time_t secs = std::chrono::system_clock::to_time_t(now);
  const int millis = static_cast<int>(
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000);
  std::tm tm{};
  localtime_r(&secs, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &tm);
  std::string line = std::string("[") + stamp + "," +
                     (millis < 100 ? (millis < 10 ? "00" : "0") : "") + std::to_string(millis) +
                     "] " + Name(level) + " ";
  if (!context.empty()) line.append("[").append(context).append("] ");
  line.append(message).push_back('\n');
  std::fwrite(line.data(), 1, line.size(), stderr);  // one write per line
}

}  // namespace ck::runtime
