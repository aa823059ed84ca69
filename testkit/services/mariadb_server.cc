// MariaDbServer: a local MariaDB run as mariadbd directly (no mysqld_safe, no service scripts),
// or an external one from CK_TEST_MARIADB_URL; SQL through MariaDB Connector/C.
//
// The local backend runs `mariadb-install-db --no-defaults` once into a scratch directory under
// /tmp (short enough for the socket's path, and reachable by the `mysql` user when the test runs
// as root), then `mariadbd --no-defaults ...` as a child process: nothing from /etc/mysql leaks
// in, and every option is on the command line quoted in errors. The server logs to stderr, which
// goes to mariadb.log. On the first start the testkit connects as root through the socket
// (install-db leaves root@localhost without a password) to create the test user and database;
// after that, readiness is "the test user can connect over TCP", polled with a deadline and
// failing fast with the log tail when the server exits.
#include "ck/testkit/mariadb_server.h"

#include <mariadb/mysql.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include "testkit/services/local_service.h"
#include "testkit/services/service_url.h"

namespace ck::testkit {
namespace {

using Clock = std::chrono::steady_clock;
using services_internal::ChildProcess;

constexpr char kUrlEnv[] = "CK_TEST_MARIADB_URL";
constexpr std::chrono::seconds kStopGrace(30);
// InnoDB's redo log, written in full when created: 8 MiB instead of the default 96 MiB makes
// install-db quicker and the data directory 26 MiB instead of 114 MiB.
constexpr char kRedoLogSize[] = "8M";
// Connector/C's codes for a connection the server closed or that broke.
constexpr unsigned kServerGone = 2006;
constexpr unsigned kServerLost = 2013;

std::string Getenv(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

std::string Abbreviate(const std::string& sql, std::size_t max = 200) {
  return sql.size() <= max ? sql : sql.substr(0, max) + "...";
}

// `text` as a single-quoted SQL string literal.
std::string Quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

// `name` as a backquoted SQL identifier.
std::string QuoteName(const std::string& name) {
  std::string out = "`";
  for (char c : name) {
    if (c == '`') out += '`';
    out += c;
  }
  return out + "`";
}

struct MysqlDeleter {
  void operator()(MYSQL* mysql) const { mysql_close(mysql); }
};
using Connection = std::unique_ptr<MYSQL, MysqlDeleter>;

struct ResultDeleter {
  void operator()(MYSQL_RES* result) const { mysql_free_result(result); }
};
using Result = std::unique_ptr<MYSQL_RES, ResultDeleter>;

// Where and as whom to connect.
struct Endpoint {
  std::string host;    // ignored when socket is set
  int port = 0;        // ignored when socket is set
  std::string socket;  // a Unix socket path, or empty for TCP
  std::string user;
  std::string password;
  std::string database;  // may be empty
};

// A connection to `endpoint`, or the error text in the second member.
std::pair<Connection, std::string> Connect(const Endpoint& endpoint) {
  static std::once_flag library_initialized;
  std::call_once(library_initialized, [] { mysql_library_init(0, nullptr, nullptr); });
  Connection conn(mysql_init(nullptr));
  if (conn == nullptr) return {nullptr, "mysql_init: out of memory"};
  unsigned int timeout = 2;
  mysql_options(conn.get(), MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
  bool socket = !endpoint.socket.empty();
  unsigned int protocol = socket ? MYSQL_PROTOCOL_SOCKET : MYSQL_PROTOCOL_TCP;
  mysql_options(conn.get(), MYSQL_OPT_PROTOCOL, &protocol);
  if (mysql_real_connect(conn.get(), socket ? "localhost" : endpoint.host.c_str(),
                         endpoint.user.c_str(), endpoint.password.c_str(),
                         endpoint.database.empty() ? nullptr : endpoint.database.c_str(),
                         socket ? 0 : static_cast<unsigned>(endpoint.port),
                         socket ? endpoint.socket.c_str() : nullptr,
                         CLIENT_MULTI_STATEMENTS | CLIENT_MULTI_RESULTS) == nullptr) {
    return {nullptr, mysql_error(conn.get())};
  }
  return {std::move(conn), ""};
}

// Runs `sql` on `conn` and returns the last result; the error text (and code) on failure, after
// draining every pending result so that the connection stays usable.
std::pair<SqlResult, std::string> Run(MYSQL* conn, const std::string& sql, unsigned* error_code) {
  SqlResult last;
  std::string error;
  *error_code = 0;
  if (mysql_real_query(conn, sql.data(), static_cast<unsigned long>(sql.size())) != 0) {
    *error_code = mysql_errno(conn);
    return {last, mysql_error(conn)};
  }
  for (;;) {
    Result result(mysql_store_result(conn));
    if (result != nullptr) {
      SqlResult out;
      unsigned columns = mysql_num_fields(result.get());
      MYSQL_FIELD* fields = mysql_fetch_fields(result.get());
      for (unsigned c = 0; c < columns; ++c) out.columns.emplace_back(fields[c].name);
      while (MYSQL_ROW row = mysql_fetch_row(result.get())) {
        unsigned long* lengths = mysql_fetch_lengths(result.get());
        SqlResult::Row values;
        values.reserve(columns);
        for (unsigned c = 0; c < columns; ++c) {
          if (row[c] == nullptr) {
            values.emplace_back(std::nullopt);
          } else {
            values.emplace_back(std::string(row[c], lengths[c]));
          }
        }
        out.rows.push_back(std::move(values));
      }
      last = std::move(out);
    } else if (mysql_field_count(conn) == 0) {
      last = SqlResult();
      last.affected_rows = static_cast<int64_t>(mysql_affected_rows(conn));
    } else {
      *error_code = mysql_errno(conn);
      return {last, mysql_error(conn)};
    }
    int more = mysql_next_result(conn);
    if (more < 0) break;
    if (more > 0) {
      *error_code = mysql_errno(conn);
      return {last, mysql_error(conn)};
    }
  }
  return {last, ""};
}

// One MariaDB data directory in a scratch directory, and mariadbd as a child process.
class LocalMariaDb {
 public:
  explicit LocalMariaDb(const MariaDbServerOptions& options)
      : options_(options),
        mariadbd_(SbinDir(options) + "/mariadbd"),
        install_db_(FindInstallDb()),
        run_as_(services_internal::UnprivilegedUserIfRoot("mysql", "mariadb-server")),
        scratch_("ck-mariadb-", "/tmp"),
        dir_(scratch_.path()) {
    for (const std::string& program : {mariadbd_, install_db_}) {
      if (program.empty() || ::access(program.c_str(), X_OK) != 0) {
        throw std::runtime_error(
            "MariaDbServer (local): no executable " +
            (program.empty() ? std::string("mariadb-install-db on $PATH nor in /usr/bin")
                             : program) +
            "; the local backend needs MariaDB (Debian: mariadb-server). Run `./ck setup`, or "
            "set MariaDbServerOptions::sbin_dir or $CK_MARIADB_SBIN_DIR.");
      }
    }
    port_ = services_internal::PickFreePort();
    if (run_as_.has_value()) scratch_.GiveTo(*run_as_);
    InstallDb();
  }

  int port() const { return port_; }
  std::string socket_path() const { return dir_ + "/mysqld.sock"; }
  std::string log_path() const { return dir_ + "/mariadb.log"; }
  bool Running() { return process_.Running(); }

  void Launch() { process_ = ChildProcess::Spawn(Command(), log_path(), Spawning()); }
  void Stop() { process_.Stop(kStopGrace); }
  void Kill() { process_.Kill(); }

  // Why the server is not up, for error messages: the command, its state and the log tail.
  std::string Diagnosis() const {
    return "`" + services_internal::CommandLine(Command()) + "` " + process_.DescribeExit() +
           "; last lines of " + log_path() + ":\n" + services_internal::FileTail(log_path(), 4000);
  }

 private:
  static std::string SbinDir(const MariaDbServerOptions& options) {
    if (!options.sbin_dir.empty()) return options.sbin_dir;
    if (std::string dir = Getenv("CK_MARIADB_SBIN_DIR"); !dir.empty()) return dir;
    return "/usr/sbin";
  }

  static std::string FindInstallDb() {
    std::string found = services_internal::FindExecutable("mariadb-install-db");
    if (found.empty()) found = services_internal::FindExecutable("/usr/bin/mariadb-install-db");
    return found;
  }

  services_internal::SpawnOptions Spawning() const {
    return {.run_as = run_as_, .own_process_group = true, .stop_signal = SIGTERM};
  }

  void InstallDb() {
    std::vector<std::string> argv = {install_db_, "--no-defaults", "--datadir=" + dir_ + "/data",
                                     "--auth-root-authentication-method=normal", "--skip-test-db",
                                     "--skip-name-resolve",
                                     "--innodb-log-file-size=" + std::string(kRedoLogSize),
                                     // Its temporary tables in the scratch directory: in a /tmp
                                     // shared with other servers' they were seen to vanish.
                                     "--tmpdir=" + dir_};
    ChildProcess::RunToCompletion("MariaDbServer (local): mariadb-install-db", argv,
                                  dir_ + "/install-db.log", options_.start_timeout, Spawning());
  }

  static std::string OptionName(std::string name) {
    std::replace(name.begin(), name.end(), '-', '_');
    return name;
  }

  std::vector<std::string> Command() const {
    std::map<std::string, std::string> settings = {
        {"datadir", dir_ + "/data"},
        {"socket", socket_path()},
        {"pid_file", dir_ + "/mariadbd.pid"},
        {"tmpdir", dir_},
        {"bind_address", "127.0.0.1"},
        {"port", std::to_string(port_)},
        {"skip_name_resolve", ""},
        // What a CDC source needs: a row-based binary log with full row images and GTIDs.
        {"log_bin", dir_ + "/data/binlog"},
        {"server_id", "1"},
        {"binlog_format", "ROW"},
        {"binlog_row_image", "FULL"},
        {"gtid_strict_mode", "ON"},
        // Small and quick; a killed server still loses nothing committed (the log reaches the
        // OS at every commit), only a machine crash could.
        {"innodb_buffer_pool_size", "64M"},
        {"innodb_log_file_size", kRedoLogSize},
        {"innodb_flush_log_at_trx_commit", "2"},
        {"sync_binlog", "0"},
        {"innodb_doublewrite", "0"},
        {"max_connections", "100"},
    };
    for (const auto& [key, value] : options_.settings) settings[OptionName(key)] = value;
    std::vector<std::string> argv = {mariadbd_, "--no-defaults"};
    for (const auto& [key, value] : settings) {
      std::string option = "--" + key;
      std::replace(option.begin(), option.end(), '_', '-');
      argv.push_back(value.empty() ? option : option + "=" + value);
    }
    return argv;
  }

  MariaDbServerOptions options_;
  std::string mariadbd_;
  std::string install_db_;
  std::optional<services_internal::SystemUser> run_as_;
  services_internal::ScratchDir scratch_;  // removed after process_ stops (declared before it)
  std::string dir_;
  int port_ = 0;
  ChildProcess process_;
};

}  // namespace

class MariaDbServer::Impl {
 public:
  explicit Impl(const MariaDbServerOptions& options) : options_(options) {
    std::string url = options.exclusive ? "" : services_internal::ExternalServiceSetting(kUrlEnv);
    backend_ = url.empty() ? options.backend : ServiceBackend::kExternal;
    if (backend_ == ServiceBackend::kExternal) {
      if (url.empty()) {
        throw std::invalid_argument(std::string("MariaDbServer: the external backend needs ") +
                                    kUrlEnv +
                                    " (mariadb://user:password@host:port/database); it is unset");
      }
      services_internal::ServiceUrl parsed =
          services_internal::ParseServiceUrl(kUrlEnv, url, {"mariadb", "mysql"}, 3306);
      endpoint_ = {parsed.host, parsed.port, "", parsed.user, parsed.password, parsed.path};
      WaitReady(endpoint_);
      // A database of this instance's own on the shared server, dropped by the destructor.
      const std::string fresh = services_internal::UniqueDatabaseName();
      Execute("CREATE DATABASE " + QuoteName(fresh));
      conn_.reset();
      endpoint_.database = fresh;
      return;
    }
    local_ = std::make_unique<LocalMariaDb>(options);
    endpoint_ = {"127.0.0.1", local_->port(), "", options.user, options.password, options.database};
    local_->Launch();
    // Only root exists yet, reachable through the socket: create the test user and database.
    Endpoint root = {"", 0, local_->socket_path(), "root", "", ""};
    WaitReady(root);
    auto [conn, error] = Connect(root);
    if (conn == nullptr) throw Failure("cannot connect as root through the socket", error);
    std::string account = Quote(options.user) + "@'%'";
    std::string setup = "CREATE USER " + account + " IDENTIFIED BY " + Quote(options.password) +
                        "; GRANT ALL PRIVILEGES ON *.* TO " + account +
                        " WITH GRANT OPTION; CREATE DATABASE IF NOT EXISTS " +
                        QuoteName(options.database);
    unsigned code = 0;
    if (std::string failed = Run(conn.get(), setup, &code).second; !failed.empty()) {
      throw Failure("creating user " + options.user + " and database " + options.database, failed);
    }
  }

  ~Impl() {
    conn_.reset();  // before the server goes away
    if (backend_ == ServiceBackend::kExternal) {
      try {
        Execute("DROP DATABASE IF EXISTS " + QuoteName(endpoint_.database));
      } catch (const std::exception&) {  // the shared server's owner removes what is left
      }
      conn_.reset();
    }
  }

  ServiceBackend backend() const { return backend_; }
  const std::string& host() const { return endpoint_.host; }
  int port() const { return endpoint_.port; }
  const std::string& user() const { return endpoint_.user; }
  const std::string& password() const { return endpoint_.password; }
  const std::string& database() const { return endpoint_.database; }
  std::string socket_path() const { return local_ != nullptr ? local_->socket_path() : ""; }
  std::string log_path() const { return local_ != nullptr ? local_->log_path() : ""; }
  bool running() const { return running_; }

  SqlResult Execute(const std::string& sql) {
    if (conn_ == nullptr) {
      auto [conn, error] = Connect(endpoint_);
      if (conn == nullptr) throw Failure("cannot connect to run `" + Abbreviate(sql) + "`", error);
      conn_ = std::move(conn);
    }
    unsigned code = 0;
    auto [result, error] = Run(conn_.get(), sql, &code);
    if (!error.empty()) {
      if (code == kServerGone || code == kServerLost) conn_.reset();  // reconnect next time
      throw std::runtime_error("MariaDbServer: `" + Abbreviate(sql) + "` failed on " + Where() +
                               ": " + error + " (error " + std::to_string(code) + ")");
    }
    return result;
  }

  void Stop() {
    RequireLocal("Stop");
    conn_.reset();
    local_->Stop();
    running_ = false;
  }

  void Kill() {
    RequireLocal("Kill");
    conn_.reset();
    local_->Kill();
    running_ = false;
  }

  void Restart() {
    RequireLocal("Restart");
    Stop();
    local_->Launch();
    WaitReady(endpoint_);
  }

 private:
  std::string Where() const {
    return endpoint_.host + ":" + std::to_string(endpoint_.port) + "/" + endpoint_.database;
  }

  // Returns once a connection to `endpoint` succeeds; fails early when the local server exits.
  void WaitReady(const Endpoint& endpoint) {
    Clock::time_point deadline = Clock::now() + options_.start_timeout;
    std::string last = "no answer yet";
    for (;;) {
      if (local_ != nullptr && !local_->Running()) {
        throw std::runtime_error("MariaDbServer (local): the server stopped while starting: " +
                                 local_->Diagnosis());
      }
      Clock::time_point attempt = Clock::now();
      auto [conn, error] = Connect(endpoint);
      if (conn != nullptr) break;
      last = error;
      if (Clock::now() >= deadline) {
        throw std::runtime_error("MariaDbServer (" + std::string(ToString(backend_)) +
                                 "): " + (endpoint.socket.empty() ? Where() : endpoint.socket) +
                                 " did not accept a connection as " + endpoint.user + " within " +
                                 std::to_string(options_.start_timeout.count()) +
                                 " ms (last: " + last + ")" +
                                 (local_ != nullptr ? "; " + local_->Diagnosis() : ""));
      }
      std::this_thread::sleep_until(attempt + std::chrono::milliseconds(50));
    }
    running_ = true;
  }

  std::runtime_error Failure(const std::string& what, const std::string& error) const {
    return std::runtime_error("MariaDbServer (" + std::string(ToString(backend_)) + "): " + what +
                              ": " + error + (local_ != nullptr ? "; " + local_->Diagnosis() : ""));
  }

  void RequireLocal(const char* operation) const {
    if (local_ == nullptr) {
      throw std::logic_error(std::string("MariaDbServer::") + operation +
                             " is not possible on the external server " + Where() + " (" + kUrlEnv +
                             ")");
    }
  }

  MariaDbServerOptions options_;
  ServiceBackend backend_ = ServiceBackend::kLocal;
  Endpoint endpoint_;
  bool running_ = false;
  std::unique_ptr<LocalMariaDb> local_;  // kLocal
  Connection conn_;                      // Execute()'s connection; closed before the server
};

std::unique_ptr<MariaDbServer> MariaDbServer::Start(const MariaDbServerOptions& options) {
  return std::unique_ptr<MariaDbServer>(new MariaDbServer(std::make_unique<Impl>(options)));
}

MariaDbServer::MariaDbServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
MariaDbServer::~MariaDbServer() = default;

ServiceBackend MariaDbServer::backend() const { return impl_->backend(); }
const std::string& MariaDbServer::host() const { return impl_->host(); }
int MariaDbServer::port() const { return impl_->port(); }
const std::string& MariaDbServer::user() const { return impl_->user(); }
const std::string& MariaDbServer::password() const { return impl_->password(); }
const std::string& MariaDbServer::database() const { return impl_->database(); }
std::string MariaDbServer::socket_path() const { return impl_->socket_path(); }
std::string MariaDbServer::log_path() const { return impl_->log_path(); }
bool MariaDbServer::running() const { return impl_->running(); }
SqlResult MariaDbServer::Execute(const std::string& sql) { return impl_->Execute(sql); }
void MariaDbServer::Stop() { impl_->Stop(); }
void MariaDbServer::Kill() { impl_->Kill(); }
void MariaDbServer::Restart() { impl_->Restart(); }

}  // namespace ck::testkit
