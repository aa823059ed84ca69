// Integration test of ArtemisBroker against a real ActiveMQ Artemis from the jars `./ck setup`
// fetches: the local broker answers an AMQP 1.0 protocol header with its own, keeps durable
// messages across a clean restart and across SIGKILL, fails naming `./ck setup` without its
// jars, and yields to an external broker named by CK_TEST_ARTEMIS_URL.
//
// These tests exercise the backends themselves, so they clear CK_TEST_ARTEMIS_URL first. They
// never skip: without Java or the jars, ArtemisBroker::Start throws and the test fails saying why.
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "ck/testkit/artemis_broker.h"

namespace ck::testkit {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

constexpr char kUrlEnv[] = "CK_TEST_ARTEMIS_URL";

long Ms(std::chrono::steady_clock::duration d) {
  return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(d).count());
}

// Opens a TCP connection to 127.0.0.1:`port`, sends the AMQP 1.0 protocol header and returns the
// first 8 bytes the broker answers (an AMQP 1.0 broker answers with the same header).
std::string AmqpHeaderExchange(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  std::string answer;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
    static const char kHeader[] = {'A', 'M', 'Q', 'P', 0, 1, 0, 0};
    if (::send(fd, kHeader, sizeof(kHeader), MSG_NOSIGNAL) == sizeof(kHeader)) {
      char buffer[8];
      while (answer.size() < sizeof(buffer)) {
        ssize_t n = ::recv(fd, buffer, sizeof(buffer) - answer.size(), 0);
        if (n <= 0) break;
        answer.append(buffer, static_cast<std::size_t>(n));
      }
    }
  }
  ::close(fd);
  return answer;
}

const std::string kAmqp10Header("AMQP\x00\x01\x00\x00", 8);

class ArtemisBrokerTest : public ::testing::Test {
 protected:
  // Each test here chooses its backend: no shared server (CK_TEST_SERVICES) either.
  void SetUp() override {
    ::unsetenv(kUrlEnv);
    ::unsetenv("CK_TEST_SERVICES");
  }
  void TearDown() override { ::unsetenv(kUrlEnv); }
};

TEST_F(ArtemisBrokerTest, LocalBrokerSpeaksAmqpAndKeepsDurableMessagesAcrossRestartAndCrash) {
  auto t0 = std::chrono::steady_clock::now();
  std::unique_ptr<ArtemisBroker> broker = ArtemisBroker::Start();
  std::printf("[ timing ] local Artemis start (instance + launch + ready): %ld ms\n",
              Ms(std::chrono::steady_clock::now() - t0));
  ASSERT_EQ(broker->backend(), ServiceBackend::kLocal);
  ASSERT_TRUE(broker->running());
  EXPECT_EQ(broker->url(), "amqp://127.0.0.1:" + std::to_string(broker->port()));
  EXPECT_TRUE(broker->user().empty());
  const int port = broker->port();
  EXPECT_EQ(AmqpHeaderExchange(port), kAmqp10Header);

  auto t1 = std::chrono::steady_clock::now();
  broker->SendMessages("orders", 5, "order");
  std::printf("[ timing ] SendMessages (Artemis CLI producer, 5 messages): %ld ms\n",
              Ms(std::chrono::steady_clock::now() - t1));

  auto t2 = std::chrono::steady_clock::now();
  broker->Restart();
  std::printf("[ timing ] local Artemis restart: %ld ms\n",
              Ms(std::chrono::steady_clock::now() - t2));
  EXPECT_EQ(broker->port(), port);
  EXPECT_EQ(AmqpHeaderExchange(port), kAmqp10Header);
  EXPECT_EQ(broker->ReceiveMessages("orders", 2, 5s), 2);

  // The 3 durable messages left are in the journal, so they survive a crash.
  broker->Kill();
  EXPECT_FALSE(broker->running());
  EXPECT_NE(AmqpHeaderExchange(port), kAmqp10Header);
  auto t3 = std::chrono::steady_clock::now();
  broker->Restart();
  std::printf("[ timing ] local Artemis start after SIGKILL: %ld ms\n",
              Ms(std::chrono::steady_clock::now() - t3));
  EXPECT_TRUE(broker->running());
  EXPECT_EQ(broker->ReceiveMessages("orders", 10, 1s), 3);

  broker->Stop();
  EXPECT_FALSE(broker->running());
  broker->Stop();  // no-op
}

TEST_F(ArtemisBrokerTest, LocalBrokerWithoutJarsFailsNamingSetupAndDirectory) {
  try {
    ArtemisBroker::Start({.jar_dir = "/nonexistent/ck-artemis-jars"});
    FAIL() << "Start succeeded without jars";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("./ck setup"));
    EXPECT_THAT(e.what(), HasSubstr("/nonexistent/ck-artemis-jars"));
  }
}

TEST_F(ArtemisBrokerTest, ExternalBrokerWinsWhenUrlIsSet) {
  std::unique_ptr<ArtemisBroker> local = ArtemisBroker::Start();
  std::string url = "amqp://guest:secret@127.0.0.1:" + std::to_string(local->port());
  ::setenv(kUrlEnv, url.c_str(), 1);

  std::unique_ptr<ArtemisBroker> broker = ArtemisBroker::Start();
  EXPECT_EQ(broker->backend(), ServiceBackend::kExternal);
  EXPECT_EQ(broker->host(), "127.0.0.1");
  EXPECT_EQ(broker->port(), local->port());
  EXPECT_EQ(broker->user(), "guest");
  EXPECT_EQ(broker->password(), "secret");
  EXPECT_EQ(broker->url(), "amqp://127.0.0.1:" + std::to_string(local->port()));
  EXPECT_TRUE(broker->log_path().empty());
  EXPECT_EQ(AmqpHeaderExchange(broker->port()), kAmqp10Header);
  EXPECT_THROW(broker->Stop(), std::logic_error);
  EXPECT_THROW(broker->Kill(), std::logic_error);
  EXPECT_THROW(broker->Restart(), std::logic_error);

  ::setenv(kUrlEnv, "tcp://127.0.0.1:61616", 1);
  EXPECT_THROW(ArtemisBroker::Start(), std::invalid_argument);
  ::unsetenv(kUrlEnv);
  EXPECT_THROW(ArtemisBroker::Start({.backend = ServiceBackend::kExternal}), std::invalid_argument);
}

}  // namespace
}  // namespace ck::testkit
