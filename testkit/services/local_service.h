// What every testkit service that runs as a local child process needs (Apache Kafka today;
// PostgreSQL, MariaDB and Artemis next): ports the kernel says are free, a scratch directory, and
// a child process that cannot outlive the test.
//
// Tests must be hermetic, and a broker left behind by a crashed test poisons the next run, so
// ChildProcess asks the kernel to SIGKILL the child when the spawning thread dies
// (PR_SET_PDEATHSIG): a test killed by a signal, an abort or a Bazel timeout takes its services
// with it. An orderly end (a failed assertion included) runs the destructor, which stops the child
// with SIGTERM, a grace period, then SIGKILL. Internal to the testkit; not installed.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace ck::testkit::services_internal {

/// A TCP port on 127.0.0.1 that was free a moment ago: the kernel's pick when binding port 0.
int PickFreePort();

/// A fresh directory `<prefix>XXXXXX` under $TEST_TMPDIR (Bazel's per-test directory), else
/// $TMPDIR, else /tmp; removed with its contents by the destructor.
class ScratchDir {
 public:
  /// Creates the directory; throws std::runtime_error naming it on failure.
  explicit ScratchDir(const std::string& prefix);
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  /// The directory's absolute path.
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

/// The absolute path of `name` found on $PATH (or `name` itself when it contains a '/' and is
/// executable); empty when there is none.
std::string FindExecutable(const std::string& name);

/// The last `max_bytes` of the file at `path` (all of it when shorter); empty when unreadable.
std::string FileTail(const std::string& path, std::size_t max_bytes);

/// A child process whose stdout and stderr go to a log file, and which dies with the test.
/// Move-only; the destructor stops a running child.
class ChildProcess {
 public:
  ChildProcess() = default;
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess();

  /// Starts `argv` (argv[0] an absolute path) with stdin from /dev/null and stdout and stderr
  /// appended to `log_path`. The child gets SIGKILL when the calling thread exits. Throws
  /// std::runtime_error naming the program when it cannot be started.
  static ChildProcess Spawn(const std::vector<std::string>& argv, const std::string& log_path);

  /// True while the child runs (reaps it once it has exited).
  bool Running();

  /// Waits up to `timeout` for the child to exit; true when it has.
  bool WaitExit(std::chrono::milliseconds timeout);

  /// SIGTERM, up to `grace` for the child to exit, then SIGKILL; reaps it. No-op when not running.
  void Stop(std::chrono::milliseconds grace);

  /// SIGKILL at once (a crash, as far as the child can tell); reaps it. No-op when not running.
  void Kill();

  /// How the child ended: "exited with status N", "killed by signal N" or "running".
  std::string DescribeExit() const;

  /// The exit status when the child exited normally, else -1.
  int exit_status() const;

  /// The child's process id (-1 when none).
  pid_t pid() const { return pid_; }

 private:
  explicit ChildProcess(pid_t pid) : pid_(pid) {}

  pid_t pid_ = -1;       // -1 when there is no child
  int wait_status_ = 0;  // from waitpid, once reaped
  bool reaped_ = false;
};

}  // namespace ck::testkit::services_internal
