// test_services: one shared set of the testkit's services (Apache Kafka, PostgreSQL, MariaDB,
// ActiveMQ Artemis, all local) for a whole test run, as `./ck test` starts it.
//
//   test_services --env-file FILE --users-lock LOCK
//
// Writes its pid to FILE.pid at once, starts the services one after the other (printing each
// one's address and start-up time), then writes FILE: one CK_TEST_*=value line per service, the
// settings the testkit's Start() reads when CK_TEST_SERVICES names FILE. If a service fails to
// start, FILE.failed gets the reason instead and the program exits 1; if no process holds LOCK
// any more between two starts, it stops there (FILE.pid removed). Once ready it stays up
// while any process holds a shared flock(2) on LOCK (each `./ck test` using the set holds one),
// checking every second, and until SIGTERM, SIGINT or SIGHUP; then it removes FILE and FILE.pid
// and stops the services.
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <exception>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "ck/testkit/artemis_broker.h"
#include "ck/testkit/kafka_cluster.h"
#include "ck/testkit/mariadb_server.h"
#include "ck/testkit/postgres_server.h"

namespace {

using ck::testkit::ArtemisBroker;
using ck::testkit::KafkaCluster;
using ck::testkit::MariaDbServer;
using ck::testkit::PostgresServer;

std::atomic<bool> g_stop{false};

void OnSignal(int /*signal*/) { g_stop = true; }

// Writes `text` to `path` through a temporary file and a rename, so readers see all or nothing.
void WriteAtomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << text;
    if (!out.flush()) throw std::runtime_error("cannot write " + tmp);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    throw std::runtime_error("cannot rename " + tmp + " to " + path + ": " + std::strerror(errno));
  }
}

// Runs `start`, prints how long it took, and returns its result.
template <typename Start>
auto Timed(const char* name, Start start) {
  const auto begin = std::chrono::steady_clock::now();
  auto service = start();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  std::printf("%-10s started in %5.1f s\n", name, seconds);
  std::fflush(stdout);
  return service;
}

// An exclusive lock on `lock` when no other process holds one (the descriptor to close when
// done), else -1.
int LockWhenUnused(const std::string& lock) {
  const int fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return -1;
  if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return fd;
  ::close(fd);
  return -1;
}

int Usage() {
  std::fprintf(stderr, "usage: test_services --env-file FILE --users-lock LOCK\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string env_file;
  std::string users_lock;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--env-file") {
      env_file = argv[i + 1];
    } else if (flag == "--users-lock") {
      users_lock = argv[i + 1];
    } else {
      return Usage();
    }
  }
  if (env_file.empty() || users_lock.empty() || argc != 5) return Usage();

  struct sigaction action {};
  action.sa_handler = OnSignal;
  for (int signal : {SIGTERM, SIGINT, SIGHUP}) ::sigaction(signal, &action, nullptr);
  // This process starts the services: never reuse a shared set, its own or another's.
  for (const char* variable :
       {"CK_TEST_SERVICES", "CK_TEST_KAFKA_BOOTSTRAP", "CK_TEST_POSTGRES_URL",
        "CK_TEST_MARIADB_URL", "CK_TEST_ARTEMIS_URL"}) {
    ::unsetenv(variable);
  }
  WriteAtomically(env_file + ".pid", std::to_string(::getpid()) + "\n");

  std::unique_ptr<KafkaCluster> kafka;
  std::unique_ptr<PostgresServer> postgres;
  std::unique_ptr<MariaDbServer> mariadb;
  std::unique_ptr<ArtemisBroker> artemis;
  // A run whose tests were all cached is over before the set is up: stop starting then.
  const auto abandoned = [&] {
    const int locked = LockWhenUnused(users_lock);
    if (locked < 0 && !g_stop) return false;
    std::remove((env_file + ".pid").c_str());
    if (locked >= 0) ::close(locked);
    std::printf("no run uses the set any more; stopping\n");
    return true;
  };
  try {
    const auto begin = std::chrono::steady_clock::now();
    kafka = Timed("Kafka", [] { return KafkaCluster::Start(); });
    if (abandoned()) return 0;
    // Every test run's CDC connectors at once: more slots and senders than one test needs.
    postgres = Timed("PostgreSQL", [] {
      return PostgresServer::Start({.settings = {{"max_replication_slots", "64"},
                                                 {"max_wal_senders", "64"},
                                                 {"max_connections", "300"}}});
    });
    if (abandoned()) return 0;
    mariadb = Timed("MariaDB", [] { return MariaDbServer::Start(); });
    if (abandoned()) return 0;
    artemis = Timed("Artemis", [] { return ArtemisBroker::Start(); });
    std::printf("all started in %.1f s\n",
                std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count());
    const std::string at = std::to_string(postgres->port());
    WriteAtomically(
        env_file, "CK_TEST_KAFKA_BOOTSTRAP=" + kafka->bootstrap_servers() + "\n" +
                      "CK_TEST_POSTGRES_URL=postgresql://" + postgres->user() + ":" +
                      postgres->password() + "@127.0.0.1:" + at + "/" + postgres->database() +
                      "\n" + "CK_TEST_MARIADB_URL=mariadb://" + mariadb->user() + ":" +
                      mariadb->password() + "@127.0.0.1:" + std::to_string(mariadb->port()) + "/" +
                      mariadb->database() + "\n" + "CK_TEST_ARTEMIS_URL=" + artemis->url() + "\n");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "test_services: %s\n", e.what());
    WriteAtomically(env_file + ".failed", std::string(e.what()) + "\n");
    std::remove((env_file + ".pid").c_str());
    return 1;
  }
  std::printf("ready: %s\n", env_file.c_str());
  std::fflush(stdout);

  int locked = -1;
  while (!g_stop && (locked = LockWhenUnused(users_lock)) < 0) {
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  // Gone before the lock is released: a run that comes now starts a new set.
  std::remove(env_file.c_str());
  std::remove((env_file + ".pid").c_str());
  if (locked >= 0) ::close(locked);
  std::printf("stopping\n");
  return 0;  // the destructors stop the services
}
