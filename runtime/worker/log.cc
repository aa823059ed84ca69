// Log lines in Kafka Connect's layout (see the header).
#include "runtime/worker/log.h"

#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <stdexcept>
#include <string>

namespace ck::runtime {
namespace {

std::atomic<int32_t> g_threshold{static_cast<int32_t>(Level::kInfo)};

// Levels of named loggers (connector names); `g_named` says whether there are any, so lines are
// not slowed down by the lock until someone sets one.
constexpr int32_t kOff = 5;
std::mutex g_loggers_mu;
std::map<std::string, LoggerLevel> g_loggers = {{"root", {"INFO", -1}}};
std::map<std::string, int32_t, std::less<>> g_named;
std::atomic<bool> g_has_named{false};

int32_t ParseLevel(const std::string& text, std::string& upper) {
  upper.clear();
  for (char c : text)
    upper.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  static const std::map<std::string, int32_t> kLevels = {{"TRACE", 0}, {"DEBUG", 1}, {"INFO", 2},
                                                         {"WARN", 3},  {"ERROR", 4}, {"FATAL", 4},
                                                         {"OFF", kOff}};
  auto it = kLevels.find(upper);
  if (it == kLevels.end()) {
    throw std::invalid_argument("invalid log level '" + text +
                                "': expected one of TRACE, DEBUG, INFO, WARN, ERROR, FATAL, OFF");
  }
  return it->second;
}

int32_t Threshold(std::string_view context) {
  if (g_has_named.load(std::memory_order_relaxed) && !context.empty()) {
    const std::string_view connector = context.substr(0, context.find('|'));
    std::lock_guard lock(g_loggers_mu);
    auto it = g_named.find(connector);
    if (it != g_named.end()) return it->second;
  }
  return g_threshold.load(std::memory_order_relaxed);
}

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

std::map<std::string, LoggerLevel> LoggerLevels() {
  std::lock_guard lock(g_loggers_mu);
  return g_loggers;
}

std::vector<std::string> SetLoggerLevel(const std::string& name, const std::string& level) {
  std::string upper;
  const int32_t threshold = ParseLevel(level, upper);
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  std::lock_guard lock(g_loggers_mu);
  std::vector<std::string> affected;
  if (name == "root") {
    g_threshold = threshold;
    for (auto& [logger, value] : g_loggers) {
      value = {upper, now};
      affected.push_back(logger);
    }
    for (auto& [logger, value] : g_named) value = threshold;
  } else {
    g_loggers[name] = {upper, now};
    g_named[name] = threshold;
    g_has_named = true;
    affected.push_back(name);
  }
  return affected;
}

std::string LogContext(std::string_view connector, int task) {
  std::string out(connector);
  if (task >= 0) out += "|task-" + std::to_string(task);
  return out;
}

void Log(Level level, std::string_view context, std::string_view message) {
  if (static_cast<int32_t>(level) < Threshold(context)) return;
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
