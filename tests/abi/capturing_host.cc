// CapturingHostTable() and its log; see capturing_host.h.
#include "tests/abi/capturing_host.h"

#include <algorithm>
#include <mutex>

#include "runtime/plugins/host_table.h"

namespace ck::abi_test {
namespace {

struct Log {
  std::mutex mu;
  std::vector<std::string> lines;
};

Log& GetLog() {
  static Log* log = new Log();
  return *log;
}

void Record(ck_context*, int32_t, ck_str message) noexcept {
  Log& log = GetLog();
  std::lock_guard<std::mutex> lock(log.mu);
  log.lines.push_back(message.len == 0 ? std::string() : std::string(message.ptr, message.len));
}

}  // namespace

ck_host CapturingHostTable() {
  ck_host host = runtime::MinimalHostTable();
  host.log = &Record;
  return host;
}

const ck_host* CapturingHost() {
  static const ck_host host = CapturingHostTable();
  return &host;
}

std::vector<std::string> LoggedLines() {
  Log& log = GetLog();
  std::lock_guard<std::mutex> lock(log.mu);
  return log.lines;
}

int LoggedCount(const std::string& line) {
  const std::vector<std::string> lines = LoggedLines();
  return static_cast<int>(std::count(lines.begin(), lines.end(), line));
}

void ClearLog() {
  Log& log = GetLog();
  std::lock_guard<std::mutex> lock(log.mu);
  log.lines.clear();
}

}  // namespace ck::abi_test
