// CPU time and peak RSS of another process, read from /proc, for the benchmarks that run the
// `connectkit` binary as a child process and account for its resources.
#ifndef CK_TESTS_BENCH_PROCESS_STATS_H_
#define CK_TESTS_BENCH_PROCESS_STATS_H_

#include <sys/types.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <utility>

namespace ck::bench {

/// utime + stime of `pid` (all its threads) in seconds, and its peak RSS (VmHWM) in KiB.
inline std::pair<double, long> CpuAndPeakRss(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  std::istringstream fields(text.substr(text.rfind(')') + 2));
  std::string field;
  long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14) utime = std::stol(field);
    if (i == 15) stime = std::stol(field);
  }
  long hwm = 0;
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) hwm = std::stol(line.substr(6));
  }
  return {static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK)), hwm};
}

}  // namespace ck::bench

#endif  // CK_TESTS_BENCH_PROCESS_STATS_H_
