// PostgresServer: a local PostgreSQL cluster run the way pg_ctl would, minus pg_ctl, or an
// external one from CK_TEST_POSTGRES_URL; SQL through libpq.
//
// The local backend runs `initdb` once into a scratch directory under /tmp (short enough for the
// Unix socket's path, and reachable by the `postgres` user when the test runs as root, which
// Bazel's $TEST_TMPDIR under root's home is not), then `postgres -D <data> -c ...` as a child
// process in a process group of its own: Stop() sends SIGINT (fast shutdown), Kill() SIGKILLs the
// group and every child of the postmaster (PostgreSQL puts its backends in sessions of their own,
// out of the group's reach), as a crash would, and Restart() relaunches on the same port and data
// once no process of the previous run holds its shared memory (a new postmaster refuses to start
// while one does). Every setting is on the command line, so the command line quoted in an error
// says exactly how the server was run. Readiness is libpq's PQping (what pg_isready does)
// answering PQPING_OK, polled with a deadline, failing fast with the log tail when the server
// exits.
#include "ck/testkit/postgres_server.h"

#include <postgresql/libpq-fe.h>
#include <signal.h>
#include <sys/shm.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
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

constexpr char kUrlEnv[] = "CK_TEST_POSTGRES_URL";
constexpr char kDefaultBinDir[] = "/usr/lib/postgresql/15/bin";
constexpr std::chrono::seconds kStopGrace(20);

std::string Getenv(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

// `value` quoted for a keyword=value conninfo string.
std::string QuoteConninfo(const std::string& value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

// The first `max` characters of `sql`, for error messages.
std::string Abbreviate(const std::string& sql, std::size_t max = 200) {
  return sql.size() <= max ? sql : sql.substr(0, max) + "...";
}

std::string Trim(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

void IgnoreNotice(void*, const char*) {}

struct ConnDeleter {
  void operator()(PGconn* conn) const { PQfinish(conn); }
};
using Connection = std::unique_ptr<PGconn, ConnDeleter>;

struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

// A connection for `conninfo`, or the error text in the second member.
std::pair<Connection, std::string> Connect(const std::string& conninfo) {
  Connection conn(PQconnectdb(conninfo.c_str()));
  if (conn == nullptr) return {nullptr, "out of memory"};
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    return {nullptr, Trim(PQerrorMessage(conn.get()))};
  }
  PQsetNoticeProcessor(conn.get(), IgnoreNotice, nullptr);
  return {std::move(conn), ""};
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
  if (!out.flush()) throw std::runtime_error("PostgresServer: cannot write " + path);
}

// One PostgreSQL cluster in a scratch directory, and its postmaster as a child process.
class LocalPostgres {
 public:
  explicit LocalPostgres(const PostgresServerOptions& options)
      : options_(options),
        bin_dir_(BinDir(options)),
        run_as_(services_internal::UnprivilegedUserIfRoot("postgres", "postgresql-15")),
        scratch_("ck-postgres-", "/tmp"),
        dir_(scratch_.path()) {
    for (const char* program : {"initdb", "postgres"}) {
      if (::access((bin_dir_ + "/" + program).c_str(), X_OK) != 0) {
        throw std::runtime_error(
            std::string("PostgresServer (local): no executable ") + bin_dir_ + "/" + program +
            "; the local backend needs PostgreSQL 15 (Debian: postgresql-15). Run `./ck setup`, "
            "or set PostgresServerOptions::bin_dir or $CK_POSTGRES_BIN_DIR.");
      }
    }
    port_ = services_internal::PickFreePort();
    WriteFile(dir_ + "/pwfile", options.password + "\n");
    if (run_as_.has_value()) scratch_.GiveTo(*run_as_);
    InitDb();
  }

  int port() const { return port_; }
  const std::string& dir() const { return dir_; }
  std::string log_path() const { return dir_ + "/postgres.log"; }
  bool Running() { return process_.Running(); }

  void Launch() {
    WaitForPreviousRun();
    process_ = ChildProcess::Spawn(Command(), log_path(), Spawning());
  }

  void Stop() { process_.Stop(kStopGrace); }

  void Kill() {
    const std::vector<pid_t> children = ChildrenOf(process_.pid());
    process_.Kill();
    for (pid_t child : children) ::kill(child, SIGKILL);
  }

  // Why the server is not up, for error messages: the command, its state and the log tail.
  std::string Diagnosis() const {
    return "`" + services_internal::CommandLine(Command()) + "` " + process_.DescribeExit() +
           "; last lines of " + log_path() + ":\n" + services_internal::FileTail(log_path(), 4000);
  }

 private:
  static std::string BinDir(const PostgresServerOptions& options) {
    if (!options.bin_dir.empty()) return options.bin_dir;
    if (std::string dir = Getenv("CK_POSTGRES_BIN_DIR"); !dir.empty()) return dir;
    return kDefaultBinDir;
  }

  // The processes whose parent is `parent`.
  static std::vector<pid_t> ChildrenOf(pid_t parent) {
    std::vector<pid_t> children;
    if (parent <= 0) return children;
    for (const services_internal::ProcessStat& p : services_internal::ListProcesses()) {
      if (p.parent == parent) children.push_back(p.pid);
    }
    return children;
  }

  // Waits (up to the start timeout) until no process of the previous run is attached to its
  // shared memory, whose id is on line 7 of postmaster.pid ("key id"); a clean shutdown removes
  // the file.
  void WaitForPreviousRun() const {
    std::ifstream pid_file(dir_ + "/data/postmaster.pid");
    std::string line;
    int lines = 0;
    while (lines < 7 && std::getline(pid_file, line)) ++lines;
    long key = 0;
    int shmid = -1;
    if (lines < 7 || !(std::istringstream(line) >> key >> shmid) || shmid < 0) return;
    const Clock::time_point deadline = Clock::now() + options_.start_timeout;
    shmid_ds info{};
    while (::shmctl(shmid, IPC_STAT, &info) == 0 && info.shm_nattch > 0 &&
           Clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

  services_internal::SpawnOptions Spawning() const {
    return {.run_as = run_as_, .own_process_group = true, .stop_signal = SIGINT};
  }

  void InitDb() {
    // Peer-less trust on the socket (only this user can reach the 0700 directory), passwords on
    // TCP; the replication lines of initdb's pg_hba.conf use the same methods.
    std::vector<std::string> argv = {bin_dir_ + "/initdb",
                                     "--pgdata=" + dir_ + "/data",
                                     "--username=" + options_.user,
                                     "--pwfile=" + dir_ + "/pwfile",
                                     "--auth-local=trust",
                                     "--auth-host=scram-sha-256",
                                     "--encoding=UTF8",
                                     "--no-locale",
                                     "--no-sync",
                                     "--no-instructions"};
    services_internal::ChildProcess::RunToCompletion("PostgresServer (local): initdb", argv,
                                                     dir_ + "/initdb.log", options_.start_timeout,
                                                     Spawning());
  }

  std::vector<std::string> Command() const {
    std::map<std::string, std::string> settings = {
        {"listen_addresses", "127.0.0.1"},
        {"port", std::to_string(port_)},
        {"unix_socket_directories", dir_},
        // Logical decoding for CDC sources, with room for several connectors' slots.
        {"wal_level", "logical"},
        {"max_replication_slots", "10"},
        {"max_wal_senders", "10"},
        {"max_connections", "50"},
        {"shared_buffers", "32MB"},
        // A killed process loses nothing written; only an OS crash would, which tests never see.
        {"fsync", "off"},
        {"full_page_writes", "off"},
        {"logging_collector", "off"},
        {"log_line_prefix", "%m [%p] "},
    };
    for (const auto& [key, value] : options_.settings) settings[key] = value;
    std::vector<std::string> argv = {bin_dir_ + "/postgres", "-D", dir_ + "/data"};
    for (const auto& [key, value] : settings) {
      argv.push_back("-c");
      argv.push_back(key + "=" + value);
    }
    return argv;
  }

  PostgresServerOptions options_;
  std::string bin_dir_;
  std::optional<services_internal::SystemUser> run_as_;
  services_internal::ScratchDir scratch_;  // removed after process_ stops (declared before it)
  std::string dir_;
  int port_ = 0;
  ChildProcess process_;
};

}  // namespace

class PostgresServer::Impl {
 public:
  explicit Impl(const PostgresServerOptions& options) : options_(options) {
    std::string url = options.exclusive ? "" : services_internal::ExternalServiceSetting(kUrlEnv);
    backend_ = url.empty() ? options.backend : ServiceBackend::kExternal;
    if (backend_ == ServiceBackend::kExternal) {
      if (url.empty()) {
        throw std::invalid_argument(
            std::string("PostgresServer: the external backend needs ") + kUrlEnv +
            " (postgresql://user:password@host:port/database); it is unset");
      }
      UseUrl(url);
      WaitReady(database_);
      // A database of this instance's own on the shared server, dropped by the destructor.
      const std::string fresh = services_internal::UniqueDatabaseName();
      ExecuteOn(database_, "CREATE DATABASE \"" + fresh + "\"");
      shared_database_ = database_;
      database_ = fresh;
      conninfo_ = ConninfoFor(fresh);
      return;
    }
    local_ = std::make_unique<LocalPostgres>(options);
    host_ = "127.0.0.1";
    port_ = local_->port();
    user_ = options.user;
    password_ = options.password;
    database_ = options.database;
    conninfo_ = "host=" + host_ + " port=" + std::to_string(port_) +
                " user=" + QuoteConninfo(user_) + " password=" + QuoteConninfo(password_) +
                " dbname=" + QuoteConninfo(database_);
    local_->Launch();
    // The new cluster has only the `postgres` database: wait on that one, then create ours.
    WaitReady("postgres");
    if (database_ != "postgres") {
      std::string create = "CREATE DATABASE \"" + database_ + "\"";
      ExecuteOn("postgres", create);
    }
  }

  ~Impl() {
    conn_.reset();  // before the server goes away, or the database
    if (!shared_database_.empty()) {
      try {
        ExecuteOn(shared_database_, "DROP DATABASE IF EXISTS \"" + database_ + "\" WITH (FORCE)");
      } catch (const std::exception&) {  // the shared server's owner removes what is left
      }
    }
  }

  ServiceBackend backend() const { return backend_; }
  const std::string& host() const { return host_; }
  int port() const { return port_; }
  const std::string& user() const { return user_; }
  const std::string& password() const { return password_; }
  const std::string& database() const { return database_; }
  const std::string& conninfo() const { return conninfo_; }
  std::string socket_dir() const { return local_ != nullptr ? local_->dir() : ""; }
  std::string log_path() const { return local_ != nullptr ? local_->log_path() : ""; }
  bool running() const { return running_; }

  SqlResult Execute(const std::string& sql) {
    if (conn_ == nullptr || PQstatus(conn_.get()) != CONNECTION_OK) {
      auto [conn, error] = Connect(conninfo_);
      if (conn == nullptr) {
        throw Failure("cannot connect to run `" + Abbreviate(sql) + "`", error);
      }
      conn_ = std::move(conn);
    }
    Result result(PQexec(conn_.get(), sql.c_str()));
    ExecStatusType status = PQresultStatus(result.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_EMPTY_QUERY) {
      std::string error =
          result != nullptr ? PQresultErrorMessage(result.get()) : PQerrorMessage(conn_.get());
      throw std::runtime_error("PostgresServer: `" + Abbreviate(sql) + "` failed on " + host_ +
                               ":" + std::to_string(port_) + "/" + database_ + ": " + Trim(error));
    }
    SqlResult out;
    if (status == PGRES_TUPLES_OK) {
      int columns = PQnfields(result.get());
      for (int c = 0; c < columns; ++c) out.columns.emplace_back(PQfname(result.get(), c));
      int rows = PQntuples(result.get());
      out.rows.reserve(rows);
      for (int r = 0; r < rows; ++r) {
        SqlResult::Row row;
        row.reserve(columns);
        for (int c = 0; c < columns; ++c) {
          if (PQgetisnull(result.get(), r, c)) {
            row.emplace_back(std::nullopt);
          } else {
            row.emplace_back(
                std::string(PQgetvalue(result.get(), r, c),
                            static_cast<std::size_t>(PQgetlength(result.get(), r, c))));
          }
        }
        out.rows.push_back(std::move(row));
      }
    } else if (const char* tuples = PQcmdTuples(result.get()); tuples != nullptr && *tuples) {
      out.affected_rows = std::strtoll(tuples, nullptr, 10);
    }
    return out;
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
    WaitReady(database_);
  }

 private:
  // Host, port, user, password and database from a libpq URI (or keyword=value string), and a
  // keyword=value conninfo with every setting it gave.
  void UseUrl(const std::string& url) {
    char* error = nullptr;
    PQconninfoOption* parsed = PQconninfoParse(url.c_str(), &error);
    if (parsed == nullptr) {
      std::string why = error != nullptr ? Trim(error) : "out of memory";
      PQfreemem(error);
      throw std::invalid_argument(std::string("PostgresServer: ") + kUrlEnv +
                                  " is not a libpq connection URI: " + why +
                                  "; expected postgresql://user:password@host:port/database");
    }
    std::map<std::string, std::string> values;
    for (PQconninfoOption* o = parsed; o->keyword != nullptr; ++o) {
      if (o->val != nullptr && *o->val != '\0') values[o->keyword] = o->val;
    }
    PQconninfoFree(parsed);
    host_ = values.count("host")       ? values["host"]
            : values.count("hostaddr") ? values["hostaddr"]
                                       : "localhost";
    port_ = values.count("port") ? std::atoi(values["port"].c_str()) : 5432;
    user_ = values["user"];
    password_ = values["password"];
    database_ = values.count("dbname") ? values["dbname"] : user_;
    conninfo_.clear();
    for (const auto& [key, value] : values) {
      conninfo_ += (conninfo_.empty() ? "" : " ") + key + "=" + QuoteConninfo(value);
    }
  }

  // Runs one statement that returns no rows in `database`, on a connection of its own.
  void ExecuteOn(const std::string& database, const std::string& sql) {
    auto [conn, error] = Connect(ConninfoFor(database));
    if (conn == nullptr) throw Failure("cannot connect to " + database + " to run " + sql, error);
    Result result(PQexec(conn.get(), sql.c_str()));
    if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
      throw Failure(sql + " failed", Trim(PQresultErrorMessage(result.get())));
    }
  }

  // conninfo_ with another database.
  std::string ConninfoFor(const std::string& database) const {
    return conninfo_ + " dbname=" + QuoteConninfo(database);
  }

  // Returns once the server answers a ping with "accepting connections" and `database` takes a
  // connection; fails early when the local server exits.
  void WaitReady(const std::string& database) {
    Clock::time_point deadline = Clock::now() + options_.start_timeout;
    std::string probe = ConninfoFor(database) + " connect_timeout=2";
    std::string last = "no answer yet";
    for (;;) {
      if (local_ != nullptr && !local_->Running()) {
        throw std::runtime_error("PostgresServer (local): the server stopped while starting: " +
                                 local_->Diagnosis());
      }
      Clock::time_point attempt = Clock::now();
      if (PQping(probe.c_str()) == PQPING_OK) {
        auto [conn, error] = Connect(probe);
        if (conn != nullptr) break;
        last = error;
      } else {
        last = "the server does not accept connections yet";
      }
      if (Clock::now() >= deadline) {
        throw std::runtime_error(
            "PostgresServer (" + std::string(ToString(backend_)) + "): " + host_ + ":" +
            std::to_string(port_) + "/" + database + " did not accept a connection within " +
            std::to_string(options_.start_timeout.count()) + " ms (last: " + last + ")" +
            (local_ != nullptr ? "; " + local_->Diagnosis() : ""));
      }
      std::this_thread::sleep_until(attempt + std::chrono::milliseconds(50));
    }
    running_ = true;
  }

  std::runtime_error Failure(const std::string& what, const std::string& error) const {
    return std::runtime_error("PostgresServer (" + std::string(ToString(backend_)) + "): " + what +
                              ": " + error + (local_ != nullptr ? "; " + local_->Diagnosis() : ""));
  }

  void RequireLocal(const char* operation) const {
    if (local_ == nullptr) {
      throw std::logic_error(std::string("PostgresServer::") + operation +
                             " is not possible on the external server " + host_ + ":" +
                             std::to_string(port_) + " (" + kUrlEnv + ")");
    }
  }

  PostgresServerOptions options_;
  ServiceBackend backend_ = ServiceBackend::kLocal;
  std::string host_;
  int port_ = 0;
  std::string user_;
  std::string password_;
  std::string database_;
  std::string shared_database_;  // kExternal: the URL's database, where database_ was created
  std::string conninfo_;
  bool running_ = false;
  std::unique_ptr<LocalPostgres> local_;  // kLocal
  Connection conn_;                       // Execute()'s connection; closed before the server
};

std::unique_ptr<PostgresServer> PostgresServer::Start(const PostgresServerOptions& options) {
  return std::unique_ptr<PostgresServer>(new PostgresServer(std::make_unique<Impl>(options)));
}

PostgresServer::PostgresServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PostgresServer::~PostgresServer() = default;

ServiceBackend PostgresServer::backend() const { return impl_->backend(); }
const std::string& PostgresServer::host() const { return impl_->host(); }
int PostgresServer::port() const { return impl_->port(); }
const std::string& PostgresServer::user() const { return impl_->user(); }
const std::string& PostgresServer::password() const { return impl_->password(); }
const std::string& PostgresServer::database() const { return impl_->database(); }
const std::string& PostgresServer::conninfo() const { return impl_->conninfo(); }
std::string PostgresServer::socket_dir() const { return impl_->socket_dir(); }
std::string PostgresServer::log_path() const { return impl_->log_path(); }
bool PostgresServer::running() const { return impl_->running(); }
SqlResult PostgresServer::Execute(const std::string& sql) { return impl_->Execute(sql); }
void PostgresServer::Stop() { impl_->Stop(); }
void PostgresServer::Kill() { impl_->Kill(); }
void PostgresServer::Restart() { impl_->Restart(); }

}  // namespace ck::testkit
