// ProbeHost(): the minimal host with a recording log slot; see probe_host.h.
#include "tests/isolation/probe_host.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <mutex>

#include "runtime/plugins/host_table.h"

namespace ck::isolation_test {
namespace {

namespace fs = std::filesystem;

std::mutex log_mu;
std::vector<std::string>* log_lines = new std::vector<std::string>();  // never destroyed

}  // namespace

const ck_host* ProbeHost() {
  static const ck_host host = [] {
    ck_host table = runtime::MinimalHostTable();
    table.log = [](ck_context*, int32_t, ck_str message) noexcept {
      try {
        std::lock_guard<std::mutex> lock(log_mu);
        log_lines->emplace_back(message.ptr, message.len);
      } catch (...) {
      }
    };
    return table;
  }();
  return &host;
}

int LoggedCount(const std::string& line) {
  std::lock_guard<std::mutex> lock(log_mu);
  return static_cast<int>(std::count(log_lines->begin(), log_lines->end(), line));
}

std::vector<std::string> LoggedLines() {
  std::lock_guard<std::mutex> lock(log_mu);
  return *log_lines;
}

std::string TempDir(const std::string& name) {
  const fs::path dir = fs::path(std::getenv("TEST_TMPDIR")) / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

void CopyFile(const std::string& from, const std::string& to) {
  fs::create_directories(fs::path(to).parent_path());
  fs::copy_file(from, to, fs::copy_options::overwrite_existing);
}

}  // namespace ck::isolation_test
