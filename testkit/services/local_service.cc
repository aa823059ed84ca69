// Free ports, scratch directories and child processes for the testkit's local services. The child
// side of fork() only makes async-signal-safe calls (the test may run librdkafka threads), so
// everything it needs (argv, the log file, the user to become) is prepared before the fork.
#include "testkit/services/local_service.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <utility>

namespace ck::testkit::services_internal {
namespace {

// `what` and the text of `error` (an errno value).
std::runtime_error SystemError(const std::string& what, int error = errno) {
  return std::runtime_error(what + ": " + std::strerror(error));
}

}  // namespace

int PickFreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw SystemError("PickFreePort: socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    int error = errno;
    ::close(fd);
    throw SystemError("PickFreePort: bind 127.0.0.1:0", error);
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

std::optional<SystemUser> UnprivilegedUserIfRoot(const std::string& name,
                                                 const std::string& package) {
  if (::geteuid() != 0) return std::nullopt;
  std::vector<char> buffer(16384);
  passwd entry{};
  passwd* found = nullptr;
  int error = ::getpwnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found);
  if (error != 0 || found == nullptr) {
    throw std::runtime_error("running as root, so the server must run as the system user '" + name +
                             "', which does not exist" +
                             (error != 0 ? std::string(" (") + std::strerror(error) + ")" : "") +
                             "; Debian's " + package + " package creates it: run `./ck setup`");
  }
  return SystemUser{name, found->pw_uid, found->pw_gid};
}

std::string ScratchDir::DefaultBase() {
  for (const char* var : {"TEST_TMPDIR", "TMPDIR"}) {
    const char* value = std::getenv(var);
    if (value != nullptr && *value != '\0') return value;
  }
  return "/tmp";
}

ScratchDir::ScratchDir(const std::string& prefix, const std::string& base) {
  path_ = (base.empty() ? DefaultBase() : base) + "/" + prefix + "XXXXXX";
  if (::mkdtemp(path_.data()) == nullptr) throw SystemError("cannot create a directory " + path_);
}

void ScratchDir::GiveTo(const SystemUser& user) const {
  auto give = [&](const std::filesystem::path& p) {
    if (::lchown(p.c_str(), user.uid, user.gid) != 0) {
      throw SystemError("cannot give " + p.string() + " to user " + user.name);
    }
  };
  give(path_);
  for (const auto& entry : std::filesystem::recursive_directory_iterator(path_)) give(entry.path());
}

ScratchDir::~ScratchDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string FindExecutable(const std::string& name) {
  if (name.find('/') != std::string::npos) return ::access(name.c_str(), X_OK) == 0 ? name : "";
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    struct stat st {};
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        ::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
  }
  return "";
}

std::string FindJava(const std::string& service) {
  const char* home = std::getenv("JAVA_HOME");
  if (home != nullptr && *home != '\0') {
    std::string java = FindExecutable(std::string(home) + "/bin/java");
    if (!java.empty()) return java;
  }
  std::string java = FindExecutable("java");
  if (java.empty()) {
    const char* path = std::getenv("PATH");
    throw std::runtime_error(service + ": no `java` on PATH (" + (path != nullptr ? path : "") +
                             ") nor in $JAVA_HOME/bin; it needs Java 17 or newer (Debian: "
                             "openjdk-17-jre-headless). Run `./ck setup`.");
  }
  return java;
}

std::string JarCacheDir() {
  const char* cache = std::getenv("CK_CACHE_DIR");
  if (cache != nullptr && *cache != '\0') return std::string(cache) + "/jars";
  std::vector<char> buffer(16384);
  passwd entry{};
  passwd* found = nullptr;
  std::string home;
  if (::getpwuid_r(::getuid(), &entry, buffer.data(), buffer.size(), &found) == 0 &&
      found != nullptr && found->pw_dir != nullptr) {
    home = found->pw_dir;
  } else if (const char* env = std::getenv("HOME"); env != nullptr) {
    home = env;
  }
  return home + "/.cache/connectkit/jars";
}

std::string FileTail(const std::string& path, std::size_t max_bytes) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return "";
  std::streamoff size = in.tellg();
  std::streamoff start = size > static_cast<std::streamoff>(max_bytes)
                             ? size - static_cast<std::streamoff>(max_bytes)
                             : 0;
  in.seekg(start);
  std::string tail(static_cast<std::size_t>(size - start), '\0');
  in.read(tail.data(), static_cast<std::streamsize>(tail.size()));
  return tail;
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      wait_status_(other.wait_status_),
      reaped_(std::exchange(other.reaped_, false)),
      own_group_(other.own_group_),
      stop_signal_(other.stop_signal_) {}

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
  if (this != &other) {
    Stop(std::chrono::seconds(10));
    pid_ = std::exchange(other.pid_, -1);
    wait_status_ = other.wait_status_;
    reaped_ = std::exchange(other.reaped_, false);
    own_group_ = other.own_group_;
    stop_signal_ = other.stop_signal_;
  }
  return *this;
}

ChildProcess::~ChildProcess() { Stop(std::chrono::seconds(10)); }

ChildProcess ChildProcess::Spawn(const std::vector<std::string>& argv, const std::string& log_path,
                                 const SpawnOptions& options) {
  if (argv.empty() || argv[0].empty() || argv[0][0] != '/') {
    throw std::invalid_argument("ChildProcess::Spawn: argv[0] must be an absolute path, got '" +
                                (argv.empty() ? std::string() : argv[0]) + "'");
  }
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  int log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) throw SystemError("cannot open log file " + log_path);
  int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (null_fd < 0) {
    int error = errno;
    ::close(log_fd);
    throw SystemError("cannot open /dev/null", error);
  }
  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid == 0) {
    // Child: async-signal-safe calls only.
    if (options.own_process_group && ::setpgid(0, 0) != 0) ::_exit(127);
    if (options.run_as.has_value() &&
        (::setgroups(0, nullptr) != 0 || ::setgid(options.run_as->gid) != 0 ||
         ::setuid(options.run_as->uid) != 0)) {
      static const char kSetuidFailed[] = "ChildProcess: cannot switch to the service's user\n";
      ssize_t ignored = ::write(log_fd, kSetuidFailed, sizeof(kSetuidFailed) - 1);
      (void)ignored;
      ::_exit(127);
    }
    // Die with the thread that spawned us, even by SIGKILL. After the change of user: that clears
    // the setting.
    if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || ::getppid() != parent) ::_exit(127);
    sigset_t none;
    ::sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    if (::dup2(null_fd, STDIN_FILENO) < 0 || ::dup2(log_fd, STDOUT_FILENO) < 0 ||
        ::dup2(log_fd, STDERR_FILENO) < 0) {
      ::_exit(127);
    }
    ::execv(args[0], args.data());
    static const char kExecFailed[] = "ChildProcess: execv failed\n";
    ssize_t ignored = ::write(STDERR_FILENO, kExecFailed, sizeof(kExecFailed) - 1);
    (void)ignored;
    ::_exit(127);
  }
  int fork_error = errno;
  ::close(log_fd);
  ::close(null_fd);
  if (pid < 0) throw SystemError("cannot start " + argv[0], fork_error);
  return ChildProcess(pid, options);
}

void ChildProcess::RunToCompletion(const std::string& what, const std::vector<std::string>& argv,
                                   const std::string& log_path, std::chrono::milliseconds timeout,
                                   const SpawnOptions& options) {
  ChildProcess child = Spawn(argv, log_path, options);
  bool exited = child.WaitExit(timeout);
  if (!exited) child.Kill();
  if (exited && child.exit_status() == 0) return;
  throw std::runtime_error(
      what + ": `" + CommandLine(argv) + "` " +
      (exited ? child.DescribeExit()
              : "did not finish within " + std::to_string(timeout.count()) + " ms") +
      "; last lines of " + log_path + ":\n" + FileTail(log_path, 4000));
}

bool ChildProcess::Running() {
  if (pid_ < 0 || reaped_) return false;
  pid_t r = ::waitpid(pid_, &wait_status_, WNOHANG);
  if (r == pid_ || (r < 0 && errno == ECHILD)) {
    reaped_ = true;
    return false;
  }
  return true;
}

bool ChildProcess::WaitExit(std::chrono::milliseconds timeout) {
  // Polls waitpid: a SIGCHLD handler would be process-global state a test library must not own.
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (Running()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

std::vector<ProcessStat> ListProcesses() {
  std::vector<ProcessStat> out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(entry.path() / "stat");
    const std::string stat{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    // pid (comm) state ppid pgrp ...: comm may hold spaces, so read after its closing parenthesis.
    const std::size_t close = stat.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream fields(stat.substr(close + 1));
    ProcessStat p{.pid = static_cast<pid_t>(std::stol(name))};
    if (fields >> p.state >> p.parent >> p.group) out.push_back(p);
  }
  return out;
}

namespace {

// True while a process of group `pgid` is alive (zombies have released their memory and count as
// gone).
bool GroupHasLiveProcess(pid_t pgid) {
  for (const ProcessStat& p : ListProcesses()) {
    if (p.group == pgid && p.state != 'Z' && p.state != 'X') return true;
  }
  return false;
}

}  // namespace

void ChildProcess::SendKill() const {
  if (own_group_) {
    ::kill(-pid_, SIGKILL);
  } else {
    ::kill(pid_, SIGKILL);
  }
}

void ChildProcess::Stop(std::chrono::milliseconds grace) {
  if (!Running()) return;
  ::kill(pid_, stop_signal_);
  if (WaitExit(grace)) return;
  SendKill();
  WaitExit(std::chrono::seconds(30));
}

void ChildProcess::Kill() {
  if (!Running()) return;
  SendKill();
  WaitExit(std::chrono::seconds(30));
  // The leader is gone; its helpers (PostgreSQL's backends) may still be exiting, holding what a
  // restart needs (PostgreSQL refuses to start while its old shared memory is attached).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (own_group_ && GroupHasLiveProcess(pid_) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

std::string ChildProcess::DescribeExit() const {
  if (pid_ < 0 && !reaped_) return "not started";
  if (!reaped_) return "running";
  if (WIFEXITED(wait_status_)) return "exited with status " + std::to_string(exit_status());
  if (WIFSIGNALED(wait_status_))
    return "killed by signal " + std::to_string(WTERMSIG(wait_status_));
  return "ended (wait status " + std::to_string(wait_status_) + ")";
}

int ChildProcess::exit_status() const {
  return reaped_ && WIFEXITED(wait_status_) ? WEXITSTATUS(wait_status_) : -1;
}

std::string CommandLine(const std::vector<std::string>& argv) {
  std::string line;
  for (const std::string& arg : argv) {
    if (!line.empty()) line += ' ';
    line += arg.find_first_of(" \t'\"") == std::string::npos ? arg : "'" + arg + "'";
  }
  return line;
}

bool CanConnect(const std::string& host, int port, std::chrono::milliseconds timeout) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (::inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) {
    addrinfo hints{};
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (::getaddrinfo(host.c_str(), nullptr, &hints, &found) != 0 || found == nullptr) return false;
    addr.sin_addr = reinterpret_cast<const sockaddr_in*>(found->ai_addr)->sin_addr;
    ::freeaddrinfo(found);
  }
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return false;
  bool connected = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  if (!connected && errno == EINPROGRESS) {
    pollfd pfd{fd, POLLOUT, 0};
    int error = 0;
    socklen_t len = sizeof(error);
    connected = ::poll(&pfd, 1, static_cast<int>(timeout.count())) == 1 &&
                ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) == 0 && error == 0;
  }
  ::close(fd);
  return connected;
}

}  // namespace ck::testkit::services_internal
