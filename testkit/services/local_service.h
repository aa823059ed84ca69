// What every testkit service that runs as a local child process needs (Apache Kafka, PostgreSQL,
// MariaDB, ActiveMQ Artemis): ports the kernel says are free, a scratch directory, and a child
// process that cannot outlive the test.
//
// Tests must be hermetic, and a broker left behind by a crashed test poisons the next run, so
// ChildProcess asks the kernel to SIGKILL the child when the spawning thread dies
// (PR_SET_PDEATHSIG): a test killed by a signal, an abort or a Bazel timeout takes its services
// with it. An orderly end (a failed assertion included) runs the destructor, which stops the child
// with SIGTERM (or the signal the service wants), a grace period, then SIGKILL.
//
// Database servers refuse to run as root, and Bazel runs tests as whoever invoked it, often root
// on CI machines: SpawnOptions::run_as starts the child as an unprivileged system user (the one
// the Debian package creates), and ScratchDir::GiveTo hands it the files. A process group of its
// own lets Kill() take a server's helper processes (PostgreSQL's backends) down with it, as a
// machine crash would. Internal to the testkit; not installed.
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace ck::testkit::services_internal {

/// A TCP port on 127.0.0.1 that was free a moment ago: the kernel's pick when binding port 0.
int PickFreePort();

/// A system user a child process can run as.
struct SystemUser {
  std::string name;  ///< Login name, e.g. "postgres".
  uid_t uid = 0;     ///< Its user id.
  gid_t gid = 0;     ///< Its primary group id.
};

/// The user to run a server as when this process is root: `name` from the password database.
/// nullopt when this process is not root (the server then runs as the current user). Throws
/// std::runtime_error naming `name` and `package` (the Debian package that creates the user) when
/// this process is root and the user does not exist.
std::optional<SystemUser> UnprivilegedUserIfRoot(const std::string& name,
                                                 const std::string& package);

/// A fresh directory `<prefix>XXXXXX` removed with its contents by the destructor.
class ScratchDir {
 public:
  /// Where ScratchDir puts its directory by default: under $TEST_TMPDIR (Bazel's per-test
  /// directory), else $TMPDIR, else /tmp.
  static std::string DefaultBase();

  /// Creates the directory under `base` (DefaultBase() when empty); throws std::runtime_error
  /// naming it on failure. Pass a short `base` such as "/tmp" for a directory that holds Unix
  /// sockets (their paths must fit in 107 bytes) or that another user must reach ($TEST_TMPDIR
  /// may lie under root's 0700 home).
  explicit ScratchDir(const std::string& prefix, const std::string& base = "");
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  /// The directory's absolute path.
  const std::string& path() const { return path_; }

  /// Makes `user` the owner of the directory and of everything already in it. Throws
  /// std::runtime_error naming the path on failure.
  void GiveTo(const SystemUser& user) const;

 private:
  std::string path_;
};

/// The absolute path of `name` found on $PATH (or `name` itself when it contains a '/' and is
/// executable); empty when there is none.
std::string FindExecutable(const std::string& name);

/// The `java` to run Java services with: $JAVA_HOME/bin/java, else `java` on $PATH. Throws
/// std::runtime_error naming `service` (e.g. "ArtemisBroker (local)"), Java 17 and its Debian
/// package and `./ck setup` when there is none.
std::string FindJava(const std::string& service);

/// Where `./ck setup` caches jars: $CK_CACHE_DIR/jars, else ~/.cache/connectkit/jars, the home
/// directory taken from the password database (Bazel points $HOME into the sandbox).
std::string JarCacheDir();

/// The last `max_bytes` of the file at `path` (all of it when shorter); empty when unreadable.
std::string FileTail(const std::string& path, std::size_t max_bytes);

/// How ChildProcess::Spawn starts a child, beyond its command line and log file.
struct SpawnOptions {
  /// Run the child as this user (its uid, primary gid, no supplementary groups); nullopt: as the
  /// current user. Changing user needs root.
  std::optional<SystemUser> run_as = std::nullopt;
  /// Put the child in a process group of its own, so that Kill() reaches the processes it starts.
  bool own_process_group = false;
  /// Signal that Stop() (and the destructor) sends first: SIGTERM, or what the program takes as
  /// "shut down cleanly and quickly" (PostgreSQL: SIGINT).
  int stop_signal = SIGTERM;
};

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
  static ChildProcess Spawn(const std::vector<std::string>& argv, const std::string& log_path,
                            const SpawnOptions& options = {});

  /// Runs `argv` as Spawn() does and waits up to `timeout` for it to exit. Throws
  /// std::runtime_error naming `what`, the command line, how it ended and the tail of `log_path`
  /// when it does not exit with status 0 in time (it is killed then).
  static void RunToCompletion(const std::string& what, const std::vector<std::string>& argv,
                              const std::string& log_path, std::chrono::milliseconds timeout,
                              const SpawnOptions& options = {});

  /// True while the child runs (reaps it once it has exited).
  bool Running();

  /// Waits up to `timeout` for the child to exit; true when it has.
  bool WaitExit(std::chrono::milliseconds timeout);

  /// SpawnOptions::stop_signal (SIGTERM by default), up to `grace` for the child to exit, then
  /// SIGKILL (to its process group when it has one); reaps it. No-op when not running.
  void Stop(std::chrono::milliseconds grace);

  /// SIGKILL at once (a crash, as far as the child can tell), to its whole process group when it
  /// has one; reaps it. No-op when not running.
  void Kill();

  /// How the child ended: "exited with status N", "killed by signal N" or "running".
  std::string DescribeExit() const;

  /// The exit status when the child exited normally, else -1.
  int exit_status() const;

  /// The child's process id (-1 when none).
  pid_t pid() const { return pid_; }

 private:
  ChildProcess(pid_t pid, const SpawnOptions& options)
      : pid_(pid), own_group_(options.own_process_group), stop_signal_(options.stop_signal) {}

  // SIGKILL to the child, or to its process group when it leads one.
  void SendKill() const;

  pid_t pid_ = -1;       // -1 when there is no child
  int wait_status_ = 0;  // from waitpid, once reaped
  bool reaped_ = false;
  bool own_group_ = false;
  int stop_signal_ = SIGTERM;
};

/// Joins `argv` into one line for error messages, quoting arguments that contain spaces.
std::string CommandLine(const std::vector<std::string>& argv);

/// A running process as /proc/<pid>/stat describes it.
struct ProcessStat {
  pid_t pid = 0;     ///< Its id.
  char state = 0;    ///< R, S, D, Z (zombie), X (dead), ...
  pid_t parent = 0;  ///< Its parent's id.
  pid_t group = 0;   ///< Its process group.
};

/// Every process of the machine, from /proc.
std::vector<ProcessStat> ListProcesses();

/// True when a TCP connection to `host`:`port` (an IPv4 address or a name that resolves to one)
/// succeeds within `timeout`.
bool CanConnect(const std::string& host, int port, std::chrono::milliseconds timeout);

}  // namespace ck::testkit::services_internal
