// FaultProxy: one thread, one poll() loop, non-blocking sockets.
//
// Every socket and every piece of proxy state belongs to the loop thread. The public operations
// hand the loop a command through a queue, wake it with an eventfd, and wait until the loop has
// run the command, so that a fault is in force when the operation returns and nothing needs a
// lock but the queue. After running commands the loop rebuilds its poll set instead of reading
// the previous poll's results, which may name sockets a command just closed.
//
// Bytes read from one side become chunks queued for the other side, each stamped with the time
// it may be written (now + latency, never earlier than the chunk before, so order holds). A side
// is not read while more than kMaxQueued bytes wait for the other, so a slow reader slows the
// writer down as TCP would. End of stream is forwarded as shutdown(SHUT_WR) once the queue is
// drained; a connection closes when both directions have ended, or at once with RST both ways
// when either side fails or a fault resets it.
#include "ck/testkit/fault_proxy.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

namespace ck::testkit {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kReadSize = 64 * 1024;
constexpr std::size_t kMaxQueued = 4 * 1024 * 1024;

std::runtime_error SystemError(const std::string& what, int error = errno) {
  return std::runtime_error("FaultProxy: " + what + ": " + std::strerror(error));
}

sockaddr_in Ipv4(const std::string& host, int port) {
  if (port < 0 || port > 65535) {
    throw std::invalid_argument("FaultProxy: port " + std::to_string(port) +
                                " is outside 0..65535");
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  std::string numeric = host == "localhost" ? "127.0.0.1" : host;
  if (::inet_pton(AF_INET, numeric.c_str(), &addr.sin_addr) != 1) {
    throw std::invalid_argument("FaultProxy: '" + host +
                                "' is not a numeric IPv4 address nor \"localhost\"");
  }
  return addr;
}

// Closes `fd` so that the peer sees a connection reset (RST) rather than an orderly end.
void CloseWithReset(int fd) {
  if (fd < 0) return;
  linger abort{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort, sizeof(abort));
  ::close(fd);
}

// Bytes on their way from one side of a connection to the other.
struct Direction {
  struct Chunk {
    std::string bytes;
    std::size_t offset = 0;  // how much of `bytes` is written
    Clock::time_point release;
  };
  std::deque<Chunk> queue;
  std::size_t queued = 0;          // unwritten bytes in `queue`
  Clock::time_point last_release;  // of the newest chunk
  bool source_ended = false;       // the source side sent FIN
  bool shut = false;               // FIN forwarded to the destination

  bool Full() const { return queued >= kMaxQueued; }
  bool Releasable(Clock::time_point now) const {
    return !queue.empty() && queue.front().release <= now;
  }
  bool Done() const { return shut; }
};

// A client connection and its connection to the target.
struct Connection {
  int client = -1;
  int target = -1;
  bool connecting = true;  // the connection to the target is not established yet
  bool closed = false;
  Direction to_target;
  Direction to_client;
};

}  // namespace

class FaultProxy::Impl {
 public:
  Impl(const std::string& target_host, int target_port, int listen_port)
      : target_(Ipv4(target_host, target_port)) {
    if (target_port == 0) throw std::invalid_argument("FaultProxy: the target port must not be 0");
    Ipv4("127.0.0.1", listen_port);  // validates the port
    wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (wake_fd_ < 0) throw SystemError("eventfd");
    try {
      port_ = OpenListener(listen_port);
    } catch (...) {
      ::close(wake_fd_);
      throw;
    }
    thread_ = std::thread([this] { Loop(); });
  }

  ~Impl() {
    RunOnLoop([this] { stopping_ = true; });
    thread_.join();
    for (auto& conn : connections_) Close(*conn, /*reset=*/true);
    if (listen_fd_ >= 0) ::close(listen_fd_);
    ::close(wake_fd_);
  }

  const std::string& host() const { return host_; }
  int port() const { return port_; }

  void AddLatency(std::chrono::milliseconds latency) {
    RunOnLoop([this, latency] { latency_ += latency; });
  }

  void Cut() {
    RunOnLoop([this] {
      if (listen_fd_ >= 0) ::close(listen_fd_);
      listen_fd_ = -1;
      ResetAll();
    });
  }

  void Reset() {
    RunOnLoop([this] { ResetAll(); });
  }

  void Blackhole() {
    RunOnLoop([this] { blackhole_ = true; });
  }

  void Restore() {
    RunOnLoop([this] {
      latency_ = std::chrono::milliseconds(0);
      blackhole_ = false;
      if (listen_fd_ < 0) OpenListener(port_);  // the same port: clients keep their address
    });
  }

  uint64_t connections_accepted() const { return accepted_.load(); }
  uint64_t active_connections() const { return active_.load(); }
  uint64_t bytes_to_target() const { return bytes_to_target_.load(); }
  uint64_t bytes_to_client() const { return bytes_to_client_.load(); }

 private:
  struct Command {
    std::function<void()> run;
    std::exception_ptr error;
    bool done = false;
  };

  // Runs `run` on the loop thread and waits for it; rethrows what it threw.
  void RunOnLoop(std::function<void()> run) {
    Command command{std::move(run), nullptr, false};
    std::unique_lock<std::mutex> lock(mutex_);
    commands_.push_back(&command);
    uint64_t one = 1;
    ssize_t ignored = ::write(wake_fd_, &one, sizeof(one));
    (void)ignored;
    done_.wait(lock, [&] { return command.done; });
    if (command.error) std::rethrow_exception(command.error);
  }

  // Runs the queued commands; true when there were any.
  bool RunCommands() {
    uint64_t count = 0;
    ssize_t ignored = ::read(wake_fd_, &count, sizeof(count));
    (void)ignored;
    std::deque<Command*> commands;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      commands.swap(commands_);
    }
    for (Command* command : commands) {
      try {
        command->run();
      } catch (...) {
        command->error = std::current_exception();
      }
    }
    EraseClosed();  // before the callers return: counters include what the commands did
    if (!commands.empty()) {
      std::lock_guard<std::mutex> lock(mutex_);
      for (Command* command : commands) command->done = true;
      done_.notify_all();
    }
    return !commands.empty();
  }

  // Listens on `port` (a free one when 0) and returns the port.
  int OpenListener(int port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) throw SystemError("socket");
    int on = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
    sockaddr_in addr = Ipv4(host_, port);
    socklen_t len = sizeof(addr);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
        ::listen(fd, 128) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      int error = errno;
      ::close(fd);
      throw SystemError("cannot listen on " + host_ + ":" + std::to_string(port), error);
    }
    listen_fd_ = fd;
    return ntohs(addr.sin_port);
  }

  void Accept() {
    for (;;) {
      int client = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
      if (client < 0) return;  // EAGAIN, or an aborted connection: nothing to do
      ++accepted_;
      auto conn = std::make_unique<Connection>();
      conn->client = client;
      conn->target = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
      if (conn->target < 0 || (::connect(conn->target, reinterpret_cast<const sockaddr*>(&target_),
                                         sizeof(target_)) != 0 &&
                               errno != EINPROGRESS)) {
        Close(*conn, /*reset=*/true);
        continue;
      }
      connections_.push_back(std::move(conn));
    }
  }

  void Close(Connection& conn, bool reset) {
    if (conn.closed) return;
    if (reset) {
      CloseWithReset(conn.client);
      CloseWithReset(conn.target);
    } else {
      ::close(conn.client);
      if (conn.target >= 0) ::close(conn.target);
    }
    conn.client = conn.target = -1;
    conn.closed = true;
  }

  void ResetAll() {
    for (auto& conn : connections_) Close(*conn, /*reset=*/true);
  }

  void EraseClosed() {
    std::erase_if(connections_, [](const auto& conn) { return conn->closed; });
    active_ = connections_.size();
  }

  // Reads what `from` has into `dir`; false when the connection must be reset.
  bool ReadInto(int from, Direction& dir) {
    char buffer[kReadSize];
    ssize_t n = ::recv(from, buffer, sizeof(buffer), 0);
    if (n > 0) {
      Clock::time_point release = std::max(Clock::now() + latency_, dir.last_release);
      dir.last_release = release;
      dir.queue.push_back({std::string(buffer, static_cast<std::size_t>(n)), 0, release});
      dir.queued += static_cast<std::size_t>(n);
      return true;
    }
    if (n == 0) {
      dir.source_ended = true;
      return true;
    }
    return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
  }

  // Writes the released chunks of `dir` to `to`; false when the connection must be reset.
  bool WriteFrom(Direction& dir, int to, std::atomic<uint64_t>& counter) {
    Clock::time_point now = Clock::now();
    while (dir.Releasable(now)) {
      Direction::Chunk& chunk = dir.queue.front();
      ssize_t n = ::send(to, chunk.bytes.data() + chunk.offset, chunk.bytes.size() - chunk.offset,
                         MSG_NOSIGNAL);
      if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
      chunk.offset += static_cast<std::size_t>(n);
      dir.queued -= static_cast<std::size_t>(n);
      counter += static_cast<uint64_t>(n);
      if (chunk.offset < chunk.bytes.size()) return true;
      dir.queue.pop_front();
    }
    return true;
  }

  // Forwards an end of stream once everything before it is written.
  static void ForwardEnd(Direction& dir, int to) {
    if (dir.source_ended && dir.queue.empty() && !dir.shut) {
      ::shutdown(to, SHUT_WR);
      dir.shut = true;
    }
  }

  void Loop() {
    std::vector<pollfd> fds;
    std::vector<Connection*> owners;  // owners[i]: the connection of fds[i], or nullptr
    while (!stopping_) {
      fds.clear();
      owners.clear();
      fds.push_back({wake_fd_, POLLIN, 0});
      owners.push_back(nullptr);
      if (listen_fd_ >= 0) {
        fds.push_back({listen_fd_, POLLIN, 0});
        owners.push_back(nullptr);
      }
      Clock::time_point now = Clock::now();
      std::optional<Clock::time_point> wake_at;
      // What to wait for on socket `fd`, whose bytes go into `out` and which `in` writes to. A
      // socket with nothing to wait for is left out (fd -1): poll would report its hang-up over
      // and over. In a black hole every connection socket is left out.
      auto plan = [&](int fd, const Direction& out, const Direction& in) {
        short events = 0;
        if (blackhole_) return pollfd{-1, 0, 0};
        if (!out.source_ended && !out.Full()) events |= POLLIN;
        if (in.Releasable(now)) {
          events |= POLLOUT;
        } else if (!in.queue.empty()) {
          wake_at = std::min(wake_at.value_or(in.queue.front().release), in.queue.front().release);
        }
        return pollfd{events != 0 ? fd : -1, events, 0};
      };
      for (auto& conn : connections_) {
        Connection* c = conn.get();
        fds.push_back(plan(c->client, c->to_target, c->to_client));
        owners.push_back(c);
        fds.push_back(c->connecting ? pollfd{c->target, POLLOUT, 0}
                                    : plan(c->target, c->to_client, c->to_target));
        owners.push_back(c);
      }
      int timeout = -1;
      if (wake_at.has_value()) {
        auto wait = std::chrono::ceil<std::chrono::milliseconds>(*wake_at - Clock::now());
        timeout = static_cast<int>(std::max<int64_t>(0, wait.count()));
      }
      if (::poll(fds.data(), fds.size(), timeout) < 0) continue;  // EINTR; revents unset
      if (fds[0].revents != 0 && RunCommands()) continue;         // the poll set may be stale
      if (listen_fd_ >= 0 && fds.size() > 1 && fds[1].fd == listen_fd_ && fds[1].revents != 0) {
        Accept();
      }
      for (std::size_t i = 0; i < fds.size(); ++i) {
        Connection* c = owners[i];
        if (c == nullptr || c->closed || fds[i].revents == 0) continue;
        bool is_client = fds[i].fd == c->client;  // revents != 0: not a left-out socket
        short revents = fds[i].revents;
        if (!is_client && c->connecting) {
          int error = 0;
          socklen_t len = sizeof(error);
          ::getsockopt(c->target, SOL_SOCKET, SO_ERROR, &error, &len);
          if (error != 0) {
            Close(*c, /*reset=*/true);
          } else {
            c->connecting = false;
          }
          continue;
        }
        int self = is_client ? c->client : c->target;
        int other = is_client ? c->target : c->client;
        Direction& out = is_client ? c->to_target : c->to_client;
        Direction& in = is_client ? c->to_client : c->to_target;
        bool ok = true;
        if ((revents & (POLLIN | POLLHUP | POLLERR)) != 0 && !out.source_ended) {
          ok = ReadInto(self, out);
        }
        if (ok && (revents & POLLOUT) != 0) {
          ok = WriteFrom(in, self, is_client ? bytes_to_client_ : bytes_to_target_);
        }
        if (!ok) {
          Close(*c, /*reset=*/true);
          continue;
        }
        // Data queued for a connected peer goes out at once when it can (no extra poll round).
        if (!c->connecting && !blackhole_) {
          if (!WriteFrom(out, other, is_client ? bytes_to_target_ : bytes_to_client_)) {
            Close(*c, /*reset=*/true);
          }
        }
      }
      for (auto& conn : connections_) {
        if (conn->closed || conn->connecting || blackhole_) continue;
        ForwardEnd(conn->to_target, conn->target);
        ForwardEnd(conn->to_client, conn->client);
        if (conn->to_target.Done() && conn->to_client.Done()) Close(*conn, /*reset=*/false);
      }
      EraseClosed();
    }
  }

  const std::string host_ = "127.0.0.1";
  sockaddr_in target_;
  int port_ = 0;
  int listen_fd_ = -1;
  int wake_fd_ = -1;

  // Loop thread only.
  std::vector<std::unique_ptr<Connection>> connections_;
  std::chrono::milliseconds latency_{0};
  bool blackhole_ = false;
  bool stopping_ = false;

  std::mutex mutex_;
  std::condition_variable done_;
  std::deque<Command*> commands_;  // guarded by mutex_

  std::atomic<uint64_t> accepted_{0};
  std::atomic<uint64_t> active_{0};
  std::atomic<uint64_t> bytes_to_target_{0};
  std::atomic<uint64_t> bytes_to_client_{0};

  std::thread thread_;  // last: started when everything above exists
};

std::unique_ptr<FaultProxy> FaultProxy::Start(const std::string& target_host, int target_port,
                                              int listen_port) {
  return std::unique_ptr<FaultProxy>(
      new FaultProxy(std::make_unique<Impl>(target_host, target_port, listen_port)));
}

FaultProxy::FaultProxy(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
FaultProxy::~FaultProxy() = default;

const std::string& FaultProxy::host() const { return impl_->host(); }
int FaultProxy::port() const { return impl_->port(); }
std::string FaultProxy::address() const { return host() + ":" + std::to_string(port()); }
void FaultProxy::AddLatency(std::chrono::milliseconds latency) { impl_->AddLatency(latency); }
void FaultProxy::Cut() { impl_->Cut(); }
void FaultProxy::Reset() { impl_->Reset(); }
void FaultProxy::Blackhole() { impl_->Blackhole(); }
void FaultProxy::Restore() { impl_->Restore(); }
uint64_t FaultProxy::connections_accepted() const { return impl_->connections_accepted(); }
uint64_t FaultProxy::active_connections() const { return impl_->active_connections(); }
uint64_t FaultProxy::bytes_to_target() const { return impl_->bytes_to_target(); }
uint64_t FaultProxy::bytes_to_client() const { return impl_->bytes_to_client(); }

}  // namespace ck::testkit
