/// @file
/// ArtemisBroker: an ActiveMQ Artemis message broker for tests, speaking AMQP 1.0 (the wire
/// protocol of JMS brokers that JMS sinks use), with helpers to send and receive messages and
/// operations to stop, crash and restart it.
///
/// Two backends (see ServiceBackend):
/// - **local**: ActiveMQ Artemis run as a child process of the test from the jars `./ck setup`
///   fetches from Maven Central into `~/.cache/connectkit/jars/artemis-<version>/`, with Java 17.
///   The testkit writes a broker instance into a scratch directory (`etc/broker.xml`,
///   `etc/bootstrap.xml`, `etc/management.xml`, logging) and runs Artemis's own command line,
///   `org.apache.activemq.artemis.cli.Artemis run`, on it: one acceptor on 127.0.0.1 on a free
///   port for AMQP 1.0 (and Artemis's CORE protocol), persistence on (the journal in the scratch
///   directory, so durable messages survive Restart() and Kill()), security off (any user and
///   password, or none, is accepted), queues and addresses created on first use. The broker dies
///   with the test, even when the test is killed.
/// - **external**: a broker someone else runs, named by the environment variable
///   `CK_TEST_ARTEMIS_URL` as `amqp://[user:password@]host:port` (the port defaults to 5672).
///   When the variable is set, Start() uses it whatever backend was asked for.
///
/// @code
/// auto broker = ck::testkit::ArtemisBroker::Start();
/// // ... a JMS sink configured with broker->url() writes to the queue "orders" ...
/// EXPECT_EQ(broker->ReceiveMessages("orders", 10, std::chrono::seconds(5)), 10);
/// broker->Kill();     // SIGKILL: a crash, as far as Artemis can tell
/// broker->Restart();  // same port; durable messages are still queued
/// @endcode
///
/// Errors are thrown as std::runtime_error (std::invalid_argument for a bad URL, std::logic_error
/// for an operation the external backend cannot do); messages name the broker, and for the local
/// backend the command line and the tail of its log. An ArtemisBroker is not thread-safe: use it
/// from one thread.

#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "ck/testkit/service_backend.h"

namespace ck::testkit {

/// How to start an ArtemisBroker.
struct ArtemisBrokerOptions {
  /// The backend to start when CK_TEST_ARTEMIS_URL is not set (when it is, the broker is
  /// external). kExternal without the variable is an error.
  ServiceBackend backend = ServiceBackend::kLocal;
  /// Longest wait for the broker to accept connections, at Start() and Restart().
  std::chrono::milliseconds start_timeout = std::chrono::seconds(60);
  /// The directory of the Artemis jars (also used by SendMessages and ReceiveMessages for either
  /// backend). Empty: `$CK_ARTEMIS_JARS`, else `$CK_CACHE_DIR/jars/artemis-<version>`, else
  /// `~/.cache/connectkit/jars/artemis-<version>`.
  std::string jar_dir = {};
  /// True when the test stops, kills or restarts the broker, or otherwise disturbs it for others:
  /// Start() then always starts one of its own with `backend`, never the shared broker that
  /// CK_TEST_ARTEMIS_URL (or the file of CK_TEST_SERVICES) names.
  bool exclusive = false;
};

/// An ActiveMQ Artemis broker for one test or one test suite; see the file comment for the
/// backends. The destructor stops what Start() started (never an external broker) and removes its
/// files.
class ArtemisBroker {
 public:
  /// Starts a broker and returns once it accepts TCP connections on its AMQP port and (kLocal)
  /// has logged that it is active. Uses the external broker when CK_TEST_ARTEMIS_URL is set (in
  /// the environment or the file CK_TEST_SERVICES names) and `options.exclusive` is not, else
  /// `options.backend`. Throws std::runtime_error when the broker is not ready within
  /// `options.start_timeout`; for kLocal, when Java or the jars are missing, the message says so
  /// and to run `./ck setup`, naming the jar directory. kLocal: the broker gets SIGKILL when the
  /// thread that called Start() exits; call it from a thread that outlives the broker.
  static std::unique_ptr<ArtemisBroker> Start(const ArtemisBrokerOptions& options = {});

  ~ArtemisBroker();
  ArtemisBroker(const ArtemisBroker&) = delete;
  ArtemisBroker& operator=(const ArtemisBroker&) = delete;

  /// The backend actually running.
  ServiceBackend backend() const;

  /// The host clients connect to ("127.0.0.1" for kLocal).
  const std::string& host() const;
  /// The AMQP 1.0 port. Stable across Restart().
  int port() const;
  /// `amqp://host:port`, without credentials (see user() and password()).
  std::string url() const;
  /// The user to connect as; empty when none is needed (kLocal: security is off).
  const std::string& user() const;
  /// That user's password; empty when none is needed.
  const std::string& password() const;

  /// kLocal: the broker's log file (kept until the destructor); empty for kExternal.
  std::string log_path() const;

  /// Sends `count` durable JMS text messages with body `text` to the queue `queue` (created on
  /// first use) and returns once the broker has accepted them all. Runs Artemis's `producer`
  /// command over AMQP in a child JVM (about a second): for setting up and checking tests, not
  /// for load. Throws std::runtime_error with the command's output when it fails.
  void SendMessages(const std::string& queue, int count, const std::string& text = "message");

  /// Receives (and so removes) up to `max_count` messages from the queue `queue`, waiting up to
  /// `wait` for each next one, and returns how many arrived. Runs Artemis's `consumer` command
  /// over AMQP in a child JVM, as SendMessages does. Throws std::runtime_error with the command's
  /// output when it fails.
  int ReceiveMessages(const std::string& queue, int max_count, std::chrono::milliseconds wait);

  /// Shuts the broker down cleanly (SIGTERM), then SIGKILL after a grace period; its journal
  /// stays. No-op when already stopped. Throws std::logic_error for kExternal.
  void Stop();

  /// SIGKILL to the broker: a crash, as far as Artemis can tell. No-op when already stopped.
  /// Throws std::logic_error for kExternal.
  void Kill();

  /// Starts the broker again with the same port and journal (stopping it first when it runs),
  /// after a Stop(), a Kill() or while running, and returns once it is ready. Throws
  /// std::logic_error for kExternal and std::runtime_error when it is not ready within the start
  /// timeout.
  void Restart();

  /// True between Start() or Restart() and Stop() or Kill(); always true for kExternal.
  bool running() const;

  class Impl;  ///< The implementation (internal).

 private:
  explicit ArtemisBroker(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ck::testkit
