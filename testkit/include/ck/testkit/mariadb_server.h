/// @file
/// MariaDbServer: a MariaDB 10.11 server for tests, with the row-based binary log and GTIDs a
/// change-data-capture source reads, a helper to run SQL through MariaDB Connector/C, and
/// operations to stop, crash and restart it.
///
/// Two backends (see ServiceBackend):
/// - **local**: Debian's MariaDB (`mariadb-server`, installed by `./ck setup`), run as a child
///   process of the test. `mariadb-install-db` creates the system tables in a scratch directory
///   under /tmp; `mariadbd` listens on 127.0.0.1 on a free port with its Unix socket in that
///   directory, and runs with `log_bin`, `binlog_format=ROW`, `binlog_row_image=FULL`,
///   `server_id=1` and `gtid_strict_mode=ON`. The configured user is created for TCP connections
///   from anywhere, with every privilege (REPLICATION SLAVE and REPLICATION CLIENT included), and
///   the configured database is created. When the test runs as root, the server runs as the
///   `mysql` system user the package creates. The server dies with the test, even when the test
///   is killed.
/// - **external**: a server someone else runs, named by the environment variable
///   `CK_TEST_MARIADB_URL` as `mariadb://user:password@host:port/database` (`mysql://` is
///   accepted too; the port defaults to 3306; percent-escapes are decoded). When the variable is
///   set, Start() uses it whatever backend was asked for. The database must exist; CDC tests need
///   the server's binary log in ROW format and a user allowed to replicate.
///
/// @code
/// auto db = ck::testkit::MariaDbServer::Start();
/// db->Execute("CREATE TABLE orders (id INT PRIMARY KEY, item TEXT)");
/// db->Execute("INSERT INTO orders VALUES (1, 'apple')");
/// EXPECT_EQ(db->Execute("SELECT COUNT(*) FROM orders").Scalar(), "1");
/// db->Kill();     // SIGKILL: a crash, as far as MariaDB can tell
/// db->Restart();  // InnoDB crash recovery; same port, same data
/// @endcode
///
/// Errors are thrown as std::runtime_error (std::invalid_argument for bad options or a bad URL,
/// std::logic_error for an operation the external backend cannot do); messages name the server,
/// and for the local backend the command line and the tail of its log. A MariaDbServer is not
/// thread-safe: use it from one thread.

#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "ck/testkit/service_backend.h"
#include "ck/testkit/sql_result.h"

namespace ck::testkit {

/// How to start a MariaDbServer.
struct MariaDbServerOptions {
  /// The backend to start when CK_TEST_MARIADB_URL is not set (when it is, the server is
  /// external). kExternal without the variable is an error.
  ServiceBackend backend = ServiceBackend::kLocal;
  /// Longest wait for the server to accept connections, at Start() and Restart()
  /// (mariadb-install-db included at Start()).
  std::chrono::milliseconds start_timeout = std::chrono::seconds(60);
  /// kLocal: the user to create, with all privileges (REPLICATION SLAVE and CLIENT included).
  std::string user = "connectkit";
  /// kLocal: its password.
  std::string password = "connectkit";
  /// kLocal: the database to create for the tests.
  std::string database = "connectkit";
  /// kLocal: server options added to or overriding the testkit's, as `--name=value` on the
  /// command line (`--name` alone for an empty value), e.g. `{"binlog_row_image", "MINIMAL"}`.
  /// Dashes and underscores in names are the same option.
  std::map<std::string, std::string> settings = {};
  /// kLocal: the directory of `mariadbd`. Empty: `$CK_MARIADB_SBIN_DIR`, else `/usr/sbin`
  /// (Debian's mariadb-server); `mariadb-install-db` is looked up on $PATH, then in /usr/bin.
  std::string sbin_dir = {};
  /// True when the test stops, kills or restarts the server, or otherwise disturbs it for others:
  /// Start() then always starts one of its own with `backend`, never the shared server that
  /// CK_TEST_MARIADB_URL (or the file of CK_TEST_SERVICES) names.
  bool exclusive = false;
};

/// A MariaDB server for one test or one test suite; see the file comment for the backends. The
/// destructor stops what Start() started (never an external server) and removes its files.
class MariaDbServer {
 public:
  /// Starts a server and returns once the configured database accepts connections. Uses the
  /// external server when CK_TEST_MARIADB_URL is set (in the environment or the file
  /// CK_TEST_SERVICES names) and `options.exclusive` is not, with a database of this instance's
  /// own created there and dropped by the destructor; else `options.backend`. Throws
  /// std::runtime_error when the server is not ready within `options.start_timeout`; for kLocal,
  /// when the MariaDB programs are missing, the message names the package and `./ck setup`.
  /// kLocal: the server gets SIGKILL when the thread that called Start() exits; call it from a
  /// thread that outlives the server, such as the test's own or SetUpTestSuite's.
  static std::unique_ptr<MariaDbServer> Start(const MariaDbServerOptions& options = {});

  ~MariaDbServer();
  MariaDbServer(const MariaDbServer&) = delete;
  MariaDbServer& operator=(const MariaDbServer&) = delete;

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

  /// kLocal: the path of the server's Unix socket; empty for kExternal.
  std::string socket_path() const;

  /// kLocal: the server's error log (kept until the destructor); empty for kExternal.
  std::string log_path() const;

  /// Runs `sql` (one statement, or several separated by semicolons) in the configured database
  /// as the configured user, with autocommit on, and returns the result of the last statement.
  /// Reuses one connection, reopened after Restart(). Throws std::runtime_error with the server's
  /// error, naming the statement, when any statement fails.
  SqlResult Execute(const std::string& sql);

  /// Shuts the server down cleanly (SIGTERM), then SIGKILL after a grace period; its data stays.
  /// No-op when already stopped. Throws std::logic_error for kExternal.
  void Stop();

  /// SIGKILL to the server: a crash, as far as MariaDB can tell. The next Restart() runs InnoDB's
  /// crash recovery. No-op when already stopped. Throws std::logic_error for kExternal.
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
  explicit MariaDbServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ck::testkit
