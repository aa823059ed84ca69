/// @file
/// PostgresServer: a PostgreSQL 15 server for tests, set up for logical replication (what a
/// change-data-capture source needs), with a libpq helper to run SQL and operations to stop,
/// crash and restart it.
///
/// Two backends (see ServiceBackend):
/// - **local**: Debian's PostgreSQL 15 (`postgresql-15`, installed by `./ck setup`), run as a
///   child process of the test. `initdb` creates a cluster in a scratch directory under /tmp;
///   the server listens on 127.0.0.1 on a free port and puts its Unix socket in that directory,
///   with `wal_level=logical` and room for replication slots and WAL senders. The configured
///   user is the cluster's superuser (so it may also replicate), with a password for TCP
///   connections, and the configured database is created for it. When the test runs as root,
///   the server runs as the `postgres` system user the package creates (PostgreSQL refuses to
///   run as root). `fsync` is off: a killed server loses nothing it acknowledged, only a machine
///   crash would. The server dies with the test, even when the test is killed.
/// - **external**: a server someone else runs, named by the environment variable
///   `CK_TEST_POSTGRES_URL` as a libpq connection URI,
///   `postgresql://user:password@host:port/database` (any libpq URI parameter may follow, e.g.
///   `?sslmode=disable`). When the variable is set, Start() uses it whatever backend was asked
///   for. The database must exist, and the user should be allowed to replicate
///   (`wal_level=logical` on the server) for CDC tests.
///
/// @code
/// auto pg = ck::testkit::PostgresServer::Start();
/// pg->Execute("CREATE TABLE orders (id int PRIMARY KEY, item text)");
/// pg->Execute("INSERT INTO orders VALUES (1, 'apple')");
/// EXPECT_EQ(pg->Execute("SELECT count(*) FROM orders").Scalar(), "1");
/// pg->Kill();     // SIGKILL: a crash, as far as PostgreSQL can tell
/// pg->Restart();  // crash recovery; same port, same data
/// @endcode
///
/// Errors are thrown as std::runtime_error (std::invalid_argument for bad options or a bad URL,
/// std::logic_error for an operation the external backend cannot do); messages name the server,
/// and for the local backend the command line and the tail of its log. A PostgresServer is not
/// thread-safe: use it from one thread.

#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "ck/testkit/service_backend.h"
#include "ck/testkit/sql_result.h"

namespace ck::testkit {

/// How to start a PostgresServer.
struct PostgresServerOptions {
  /// The backend to start when CK_TEST_POSTGRES_URL is not set (when it is, the server is
  /// external). kExternal without the variable is an error.
  ServiceBackend backend = ServiceBackend::kLocal;
  /// Longest wait for the server to accept connections, at Start() and Restart() (initdb
  /// included at Start()).
  std::chrono::milliseconds start_timeout = std::chrono::seconds(60);
  /// kLocal: the superuser to create (it may also replicate).
  std::string user = "connectkit";
  /// kLocal: its password, required for TCP connections.
  std::string password = "connectkit";
  /// kLocal: the database to create for the tests, owned by `user`.
  std::string database = "connectkit";
  /// kLocal: server settings added to or overriding the testkit's (`-c name=value` on the
  /// command line), e.g. `{"max_replication_slots", "20"}`.
  std::map<std::string, std::string> settings = {};
  /// kLocal: the directory of `initdb` and `postgres`. Empty: `$CK_POSTGRES_BIN_DIR`, else
  /// `/usr/lib/postgresql/15/bin` (Debian's postgresql-15).
  std::string bin_dir = {};
  /// True when the test stops, kills or restarts the server, or otherwise disturbs it for others:
  /// Start() then always starts one of its own with `backend`, never the shared server that
  /// CK_TEST_POSTGRES_URL (or the file of CK_TEST_SERVICES) names.
  bool exclusive = false;
};

/// A PostgreSQL server for one test or one test suite; see the file comment for the backends.
/// The destructor stops what Start() started (never an external server) and removes its files.
class PostgresServer {
 public:
  /// Starts a server and returns once the configured database accepts connections. Uses the
  /// external server when CK_TEST_POSTGRES_URL is set (in the environment or the file
  /// CK_TEST_SERVICES names) and `options.exclusive` is not, with a database of this instance's
  /// own created there and dropped by the destructor; else `options.backend`. Throws
  /// std::runtime_error when the server is not ready within `options.start_timeout`; for kLocal,
  /// when the PostgreSQL programs are missing, the message names the package and `./ck setup`.
  /// kLocal: the server gets SIGKILL when the thread that called Start() exits; call it from a
  /// thread that outlives the server, such as the test's own or SetUpTestSuite's.
  static std::unique_ptr<PostgresServer> Start(const PostgresServerOptions& options = {});

  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  /// The backend actually running.
  ServiceBackend backend() const;

  /// The host clients connect to ("127.0.0.1" for kLocal).
  const std::string& host() const;
  /// The TCP port clients connect to. Stable across Restart().
  int port() const;
  /// The user Execute() connects as.
  const std::string& user() const;
  /// That user's password (may be empty for kExternal).
  const std::string& password() const;
  /// The database Execute() works in.
  const std::string& database() const;

  /// A libpq connection string in keyword=value form (`host=... port=... user=... password=...
  /// dbname=...`) for the user and database above. Being keyword=value, more settings can be
  /// appended, e.g. `conninfo() + " replication=database"` for a logical replication connection.
  const std::string& conninfo() const;

  /// kLocal: the directory of the server's Unix socket (for `host=<dir>` in libpq); empty for
  /// kExternal.
  std::string socket_dir() const;

  /// kLocal: the server's log file (kept until the destructor); empty for kExternal.
  std::string log_path() const;

  /// Runs `sql` (one statement, or several separated by semicolons, each in its own transaction
  /// unless the text says otherwise) in the configured database as the configured user, and
  /// returns the result of the last statement. Reuses one connection, reopened after Restart().
  /// Throws std::runtime_error with the server's message, naming the statement, when it fails.
  SqlResult Execute(const std::string& sql);

  /// Shuts the server down cleanly (PostgreSQL's fast shutdown: open sessions are ended), then
  /// SIGKILL after a grace period; its data stays. No-op when already stopped. Throws
  /// std::logic_error for kExternal.
  void Stop();

  /// SIGKILL to the server and every process it started: a crash, as far as PostgreSQL can tell.
  /// The next Restart() runs crash recovery. No-op when already stopped. Throws std::logic_error
  /// for kExternal.
  void Kill();

  /// Starts the server again with the same port and data (stopping it first when it runs), after
  /// a Stop(), a Kill() or while running, and returns once it accepts connections. Throws
  /// std::logic_error for kExternal and std::runtime_error when it is not ready within the start
  /// timeout.
  void Restart();

  /// True between Start() or Restart() and Stop() or Kill(); always true for kExternal.
  bool running() const;

  class Impl;  ///< The implementation (internal).

 private:
  explicit PostgresServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ck::testkit
