// FaultProxy against a real TCP echo server on loopback: bytes go both ways and are counted,
// latency delays round trips, Cut/Reset/Blackhole break connections the way they say, and
// Restore brings the proxy back on the same port.
#include "ck/testkit/fault_proxy.h"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "testkit/services/local_service.h"

namespace ck::testkit {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Echoes every byte back on each connection, a thread per connection; ends its side when the
// client ends its.
class EchoServer {
 public:
  EchoServer() {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
        ::listen(listen_fd_, 16) != 0 ||
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      throw std::runtime_error("EchoServer: cannot listen");
    }
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this] { AcceptLoop(); });
  }

  ~EchoServer() {
    ::shutdown(listen_fd_, SHUT_RDWR);  // wakes accept()
    acceptor_.join();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (int fd : connections_) ::shutdown(fd, SHUT_RDWR);  // wakes recv()
    }
    for (std::thread& t : echoers_) t.join();
    for (int fd : connections_) ::close(fd);
    ::close(listen_fd_);
  }

  int port() const { return port_; }

 private:
  void AcceptLoop() {
    for (;;) {
      int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) return;
      std::lock_guard<std::mutex> lock(mutex_);
      connections_.push_back(fd);
      echoers_.emplace_back([fd] {
        char buffer[16384];
        for (;;) {
          ssize_t n = ::recv(fd, buffer, sizeof(buffer), 0);
          if (n == 0) ::shutdown(fd, SHUT_WR);  // the client is done: so are we
          if (n <= 0) return;
          for (ssize_t sent = 0; sent < n;) {
            ssize_t w = ::send(fd, buffer + sent, static_cast<std::size_t>(n - sent), MSG_NOSIGNAL);
            if (w <= 0) return;
            sent += w;
          }
        }
      });
    }
  }

  int listen_fd_ = -1;
  int port_ = 0;
  std::thread acceptor_;
  std::mutex mutex_;
  std::vector<int> connections_;
  std::vector<std::thread> echoers_;
};

// A client socket connected to 127.0.0.1:`port` with a receive timeout; -1 (errno set) when the
// connection fails.
int ConnectTo(int port, std::chrono::milliseconds receive_timeout = 5s) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  timeval tv{static_cast<time_t>(receive_timeout.count() / 1000),
             static_cast<suseconds_t>((receive_timeout.count() % 1000) * 1000)};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    int error = errno;
    ::close(fd);
    errno = error;
    return -1;
  }
  return fd;
}

bool SendAll(int fd, const std::string& data) {
  for (std::size_t sent = 0; sent < data.size();) {
    ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

// Up to `size` bytes, fewer when the connection ends, fails or times out first.
std::string ReceiveUpTo(int fd, std::size_t size) {
  std::string data;
  char buffer[65536];
  while (data.size() < size) {
    ssize_t n = ::recv(fd, buffer, std::min(sizeof(buffer), size - data.size()), 0);
    if (n <= 0) break;
    data.append(buffer, static_cast<std::size_t>(n));
  }
  return data;
}

// Sends `message` and returns what came back within the receive timeout.
std::string RoundTrip(int fd, const std::string& message) {
  if (!SendAll(fd, message)) return "<send failed>";
  return ReceiveUpTo(fd, message.size());
}

// recv()'s outcome on a connection the proxy broke: "closed", "reset", "timeout" or "data".
std::string BrokenState(int fd) {
  char byte;
  ssize_t n = ::recv(fd, &byte, 1, 0);
  if (n == 0) return "closed";
  if (n > 0) return "data";
  if (errno == ECONNRESET) return "reset";
  if (errno == EAGAIN || errno == EWOULDBLOCK) return "timeout";
  return std::string("error: ") + std::strerror(errno);
}

template <typename Condition>
bool WaitFor(Condition condition, std::chrono::milliseconds timeout = 5s) {
  Clock::time_point deadline = Clock::now() + timeout;
  while (!condition()) {
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

long Ms(Clock::duration d) {
  return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(d).count());
}

TEST(FaultProxyTest, ForwardsBothWaysAndCounts) {
  EchoServer echo;
  std::unique_ptr<FaultProxy> proxy = FaultProxy::Start("127.0.0.1", echo.port());
  EXPECT_EQ(proxy->host(), "127.0.0.1");
  EXPECT_NE(proxy->port(), echo.port());
  EXPECT_EQ(proxy->address(), "127.0.0.1:" + std::to_string(proxy->port()));

  int fd = ConnectTo(proxy->port());
  ASSERT_GE(fd, 0) << std::strerror(errno);
  EXPECT_EQ(RoundTrip(fd, "hello"), "hello");
  // Larger than any socket buffer, so that back-pressure and partial writes happen.
  std::string big(3 * 1024 * 1024, '\0');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 7 % 251);
  std::thread sender([&] { SendAll(fd, big); });
  std::string back = ReceiveUpTo(fd, big.size());
  sender.join();
  EXPECT_TRUE(back == big) << "got " << back.size() << " of " << big.size() << " bytes";

  EXPECT_EQ(proxy->connections_accepted(), 1u);
  EXPECT_EQ(proxy->active_connections(), 1u);
  EXPECT_EQ(proxy->bytes_to_target(), 5 + big.size());
  EXPECT_EQ(proxy->bytes_to_client(), 5 + big.size());

  // A client that closes ends the connection on both sides.
  ::close(fd);
  EXPECT_TRUE(WaitFor([&] { return proxy->active_connections() == 0; }));
}

TEST(FaultProxyTest, LatencyDelaysEachDirectionUntilRestore) {
  EchoServer echo;
  std::unique_ptr<FaultProxy> proxy = FaultProxy::Start("localhost", echo.port());
  int fd = ConnectTo(proxy->port());
  ASSERT_GE(fd, 0);
  EXPECT_EQ(RoundTrip(fd, "warm-up"), "warm-up");

  proxy->AddLatency(100ms);
  proxy->AddLatency(50ms);  // adds up: 150 ms each way
  Clock::time_point start = Clock::now();
  EXPECT_EQ(RoundTrip(fd, "slow"), "slow");
  long slow = Ms(Clock::now() - start);
  EXPECT_GE(slow, 300) << "a round trip through 2 x 150 ms of latency took " << slow << " ms";

  proxy->Restore();
  start = Clock::now();
  EXPECT_EQ(RoundTrip(fd, "fast"), "fast");
  long fast = Ms(Clock::now() - start);
  EXPECT_LT(fast, slow) << "latency still in force after Restore: " << fast << " ms";
  ::close(fd);
}

TEST(FaultProxyTest, CutDropsConnectionsAndRefusesNewOnesUntilRestore) {
  EchoServer echo;
  std::unique_ptr<FaultProxy> proxy = FaultProxy::Start("127.0.0.1", echo.port());
  const int port = proxy->port();
  int before = ConnectTo(port);
  ASSERT_GE(before, 0);
  EXPECT_EQ(RoundTrip(before, "ping"), "ping");

  proxy->Cut();
  EXPECT_EQ(BrokenState(before), "reset");
  ::close(before);
  EXPECT_EQ(ConnectTo(port), -1);
  EXPECT_EQ(errno, ECONNREFUSED);
  EXPECT_EQ(proxy->active_connections(), 0u);

  proxy->Restore();
  EXPECT_EQ(proxy->port(), port);
  int after = ConnectTo(port);
  ASSERT_GE(after, 0) << std::strerror(errno);
  EXPECT_EQ(RoundTrip(after, "pong"), "pong");
  EXPECT_EQ(proxy->connections_accepted(), 2u);
  ::close(after);
}

TEST(FaultProxyTest, ResetSendsRstButKeepsAccepting) {
  EchoServer echo;
  std::unique_ptr<FaultProxy> proxy = FaultProxy::Start("127.0.0.1", echo.port());
  int first = ConnectTo(proxy->port());
  ASSERT_GE(first, 0);
  EXPECT_EQ(RoundTrip(first, "one"), "one");

  proxy->Reset();
  EXPECT_EQ(BrokenState(first), "reset");
  ::close(first);
  int second = ConnectTo(proxy->port());
  ASSERT_GE(second, 0);
  EXPECT_EQ(RoundTrip(second, "two"), "two");
  ::close(second);
}

TEST(FaultProxyTest, BlackholeHoldsBytesUntilRestore) {
  EchoServer echo;
  std::unique_ptr<FaultProxy> proxy = FaultProxy::Start("127.0.0.1", echo.port());
  int fd = ConnectTo(proxy->port(), 300ms);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(RoundTrip(fd, "a"), "a");

  proxy->Blackhole();
  ASSERT_TRUE(SendAll(fd, "held"));
  EXPECT_EQ(BrokenState(fd), "timeout");  // nothing comes back, and nothing fails
  uint64_t forwarded = proxy->bytes_to_target();

  proxy->Restore();
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  EXPECT_EQ(ReceiveUpTo(fd, 4), "held");
  EXPECT_EQ(proxy->bytes_to_target(), forwarded + 4);
  ::close(fd);
}

TEST(FaultProxyTest, UnreachableTargetClosesTheClientConnection) {
  int nothing_there = services_internal::PickFreePort();
  std::unique_ptr<FaultProxy> proxy = FaultProxy::Start("127.0.0.1", nothing_there);
  int fd = ConnectTo(proxy->port());
  ASSERT_GE(fd, 0);  // the proxy accepts, then cannot reach the target
  std::string state = BrokenState(fd);
  EXPECT_TRUE(state == "reset" || state == "closed") << state;
  ::close(fd);
  EXPECT_TRUE(WaitFor([&] { return proxy->active_connections() == 0; }));
}

TEST(FaultProxyTest, RefusesBadTargets) {
  EXPECT_THROW(FaultProxy::Start("db.example", 5432), std::invalid_argument);
  EXPECT_THROW(FaultProxy::Start("127.0.0.1", 70000), std::invalid_argument);
  EXPECT_THROW(FaultProxy::Start("127.0.0.1", 0), std::invalid_argument);
}

}  // namespace
}  // namespace ck::testkit
