// `./ck bench jdbc-sink`: the JDBC sink writing 1M records (seven columns: a BIGINT key, two
// strings, a double, an int, a boolean and a timestamp) into PostgreSQL 15 and into MariaDB 10.11
// in upsert mode, through the plugin's ABI exactly as the runtime calls it (FakeHost), in batches
// of 500 (the runtime's max.poll.records). Servers are the testkit's local ones.
//
// The baseline, in the same run, is what a naive sink does with the same client library: one
// single-row upsert per record through a prepared statement (a round trip each), one transaction
// per batch of 500.
//
// Reported per database: rows/s over the time spent in put() (records are generated outside it),
// the sink's CPU-seconds per million rows (thread CPU time inside put(): marshalling, mapping,
// SQL and the client library), and the server's CPU-seconds per million rows (CPU of the server
// processes, which are children of this one). Goal: >= 50k rows/s into PostgreSQL.
//
// Options: --records N (default 1000000), --baseline-records N (default 50000), --batch N
// (default 500), --db postgres|mariadb|all (default all). Ends with one `BENCH jdbc-sink ...` line.
#include <dirent.h>
#include <mariadb/mysql.h>
#include <postgresql/libpq-fe.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "ck/abi/ck_abi.h"
#include "ck/schema.h"
#include "ck/testkit/fake_host.h"
#include "ck/testkit/mariadb_server.h"
#include "ck/testkit/postgres_server.h"
#include "ck/value.h"

namespace {

using Clock = std::chrono::steady_clock;

constexpr char kTaskClass[] = "io.connectkit.jdbc.JdbcSinkTask";

[[noreturn]] void Fail(const std::string& message) {
  std::fprintf(stderr, "jdbc-sink bench: %s\n", message.c_str());
  std::exit(1);
}

double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// CPU seconds (user + system) of every live descendant of this process: the database servers.
double ServerCpuSeconds() {
  std::map<int, int> parent;
  std::map<int, double> cpu;
  const double tick = static_cast<double>(sysconf(_SC_CLK_TCK));
  struct Closer {
    void operator()(DIR* dir) const { closedir(dir); }
  };
  std::unique_ptr<DIR, Closer> proc(opendir("/proc"));
  while (dirent* entry = readdir(proc.get())) {
    const int pid = std::atoi(entry->d_name);
    if (pid <= 0) continue;
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const size_t close = text.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream fields(text.substr(close + 2));
    std::string state;
    int ppid = 0;
    fields >> state >> ppid;
    std::string skip;
    for (int i = 0; i < 9; ++i) fields >> skip;  // pgrp .. cmajflt
    double utime = 0, stime = 0;
    fields >> utime >> stime;
    parent[pid] = ppid;
    cpu[pid] = (utime + stime) / tick;
  }
  const int self = getpid();
  double total = 0;
  for (const auto& [pid, seconds] : cpu) {
    for (int p = parent[pid]; p > 1; p = parent.count(p) ? parent[p] : 0) {
      if (p == self) {
        total += seconds;
        break;
      }
    }
  }
  return total;
}

ck::SchemaPtr KeySchema() {
  static const ck::SchemaPtr schema =
      ck::SchemaBuilder::struct_().name("bench.Key").field("id", ck::Schema::Int64()).build();
  return schema;
}

ck::SchemaPtr RowSchema() {
  static const ck::SchemaPtr schema = ck::SchemaBuilder::struct_()
                                          .name("bench.Customer")
                                          .field("id", ck::Schema::Int64())
                                          .field("name", ck::Schema::String())
                                          .field("email", ck::Schema::OptionalString())
                                          .field("balance", ck::Schema::Float64())
                                          .field("orders", ck::Schema::Int32())
                                          .field("active", ck::Schema::Boolean())
                                          .field("updated", ck::Timestamp::schema())
                                          .build();
  return schema;
}

std::vector<ck::SinkRecord> MakeBatch(int64_t start, int count) {
  std::vector<ck::SinkRecord> batch(static_cast<size_t>(count));
  for (int i = 0; i < count; ++i) {
    const int64_t id = start + i;
    ck::SinkRecord& r = batch[static_cast<size_t>(i)];
    r.topic = r.original_topic = "customers";
    r.kafka_partition = 0;
    r.original_partition = 0;
    r.kafka_offset = r.original_offset = id;
    ck::Struct key(KeySchema());
    key.put("id", id);
    ck::Struct row(RowSchema());
    row.put("id", id).put("name", "customer-" + std::to_string(id));
    row.put("email", "user" + std::to_string(id) + "@example.com");
    row.put("balance", static_cast<double>(id) * 1.25).put("orders", static_cast<int32_t>(id % 97));
    row.put("active", id % 3 != 0).put("updated", int64_t{1700000000000} + id);
    r.key_schema = KeySchema();
    r.key = std::move(key);
    r.value_schema = RowSchema();
    r.value = std::move(row);
  }
  return batch;
}

struct Result {
  int64_t rows = 0;
  double seconds = 0;
  double sink_cpu = 0;
  double server_cpu = 0;
  double rows_per_s() const { return static_cast<double>(rows) / seconds; }
  double sink_cpu_per_m() const { return sink_cpu / static_cast<double>(rows) * 1e6; }
  double server_cpu_per_m() const { return server_cpu / static_cast<double>(rows) * 1e6; }
};

// The sink through its ABI, as the runtime drives it.
Result RunSink(const std::string& url, const std::string& user, const std::string& password,
               int64_t records, int batch) {
  ck::testkit::FakeHost host;
  host.Load(ck_plugin_entry_v1());
  ck::testkit::SinkTaskDriver task = host.CreateSinkTask(kTaskClass);
  task.Start({{"connection.url", url},
              {"connection.user", user},
              {"connection.password", password},
              {"table.name.format", "customers_sink"},
              {"insert.mode", "upsert"},
              {"pk.mode", "record_key"},
              {"auto.create", "true"}});
  task.Open({{"customers", 0}});
  task.Put(MakeBatch(0, 1));  // connect and create the table outside the measurement
  Result result;
  const double server_before = ServerCpuSeconds();
  for (int64_t start = 0; start < records; start += batch) {
    const int n = static_cast<int>(std::min<int64_t>(batch, records - start));
    std::vector<ck::SinkRecord> records_batch = MakeBatch(start, n);
    const double cpu = ThreadCpuSeconds();
    const auto t0 = Clock::now();
    task.Put(records_batch);
    result.seconds += std::chrono::duration<double>(Clock::now() - t0).count();
    result.sink_cpu += ThreadCpuSeconds() - cpu;
    result.rows += n;
  }
  result.server_cpu = ServerCpuSeconds() - server_before;
  task.PreCommit({{{"customers", 0}, records}});
  task.Stop();
  return result;
}

// Text of the seven values of record `id`, as a naive sink would bind them.
std::vector<std::string> RowText(int64_t id, bool postgres) {
  const int64_t ms = int64_t{1700000000000} + id;
  const time_t seconds = static_cast<time_t>(ms / 1000);
  tm utc{};
  gmtime_r(&seconds, &utc);
  char ts[64];
  std::snprintf(ts, sizeof ts, "%04d-%02d-%02d %02d:%02d:%02d.%03d", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(ms % 1000));
  const bool active = id % 3 != 0;
  return {std::to_string(id),
          "customer-" + std::to_string(id),
          "user" + std::to_string(id) + "@example.com",
          std::to_string(static_cast<double>(id) * 1.25),
          std::to_string(id % 97),
          postgres ? (active ? "t" : "f") : (active ? "1" : "0"),
          ts};
}

constexpr char kColumns[] = "(id, name, email, balance, orders, active, updated)";

Result RunPostgresBaseline(const std::string& conninfo, int64_t records, int batch) {
  PGconn* conn = PQconnectdb(conninfo.c_str());
  if (PQstatus(conn) != CONNECTION_OK) Fail(PQerrorMessage(conn));
  const auto exec = [&](const char* sql) {
    PGresult* r = PQexec(conn, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) Fail(std::string(sql) + ": " + PQerrorMessage(conn));
    PQclear(r);
  };
  exec("SET TimeZone = 'UTC'");
  exec(
      "CREATE TABLE customers_naive (id BIGINT PRIMARY KEY, name TEXT NOT NULL, email TEXT, "
      "balance DOUBLE PRECISION NOT NULL, orders INTEGER NOT NULL, active BOOLEAN NOT NULL, "
      "updated TIMESTAMP NOT NULL)");
  const std::string sql = std::string("INSERT INTO customers_naive ") + kColumns +
                          " VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT (id) DO UPDATE SET "
                          "name=EXCLUDED.name, email=EXCLUDED.email, balance=EXCLUDED.balance, "
                          "orders=EXCLUDED.orders, active=EXCLUDED.active, "
                          "updated=EXCLUDED.updated";
  PGresult* prepared = PQprepare(conn, "upsert", sql.c_str(), 7, nullptr);
  if (PQresultStatus(prepared) != PGRES_COMMAND_OK) Fail(PQerrorMessage(conn));
  PQclear(prepared);
  Result result;
  const double server_before = ServerCpuSeconds();
  const double cpu = ThreadCpuSeconds();
  const auto t0 = Clock::now();
  for (int64_t start = 0; start < records; start += batch) {
    exec("BEGIN");
    for (int64_t id = start; id < std::min<int64_t>(start + batch, records); ++id) {
      const std::vector<std::string> text = RowText(id, true);
      const char* values[7];
      for (int i = 0; i < 7; ++i) values[i] = text[static_cast<size_t>(i)].c_str();
      PGresult* r = PQexecPrepared(conn, "upsert", 7, values, nullptr, nullptr, 0);
      if (PQresultStatus(r) != PGRES_COMMAND_OK) Fail(PQerrorMessage(conn));
      PQclear(r);
      ++result.rows;
    }
    exec("COMMIT");
  }
  result.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  result.sink_cpu = ThreadCpuSeconds() - cpu;
  result.server_cpu = ServerCpuSeconds() - server_before;
  PQfinish(conn);
  return result;
}

Result RunMariaDbBaseline(const ck::testkit::MariaDbServer& db, int64_t records, int batch) {
  MYSQL* conn = mysql_init(nullptr);
  if (mysql_real_connect(conn, db.host().c_str(), db.user().c_str(), db.password().c_str(),
                         db.database().c_str(), static_cast<unsigned>(db.port()), nullptr,
                         0) == nullptr) {
    Fail(mysql_error(conn));
  }
  const auto exec = [&](const std::string& sql) {
    if (mysql_real_query(conn, sql.data(), sql.size()) != 0) Fail(sql + ": " + mysql_error(conn));
  };
  exec("SET time_zone = '+00:00'");
  exec(
      "CREATE TABLE customers_naive (id BIGINT PRIMARY KEY, name TEXT NOT NULL, email TEXT, "
      "balance DOUBLE NOT NULL, orders INT NOT NULL, active TINYINT NOT NULL, "
      "updated DATETIME(3) NOT NULL)");
  const std::string sql = std::string("INSERT INTO customers_naive ") + kColumns +
                          " VALUES (?,?,?,?,?,?,?) ON DUPLICATE KEY UPDATE name=VALUES(name), "
                          "email=VALUES(email), balance=VALUES(balance), orders=VALUES(orders), "
                          "active=VALUES(active), updated=VALUES(updated)";
  MYSQL_STMT* stmt = mysql_stmt_init(conn);
  if (mysql_stmt_prepare(stmt, sql.data(), sql.size()) != 0) Fail(mysql_stmt_error(stmt));
  Result result;
  const double server_before = ServerCpuSeconds();
  const double cpu = ThreadCpuSeconds();
  const auto t0 = Clock::now();
  for (int64_t start = 0; start < records; start += batch) {
    exec("START TRANSACTION");
    for (int64_t id = start; id < std::min<int64_t>(start + batch, records); ++id) {
      std::vector<std::string> text = RowText(id, false);
      MYSQL_BIND binds[7];
      unsigned long lengths[7];  // NOLINT(google-runtime-int): Connector/C's type
      std::memset(binds, 0, sizeof binds);
      for (int i = 0; i < 7; ++i) {
        lengths[i] = text[static_cast<size_t>(i)].size();
        binds[i].buffer_type = MYSQL_TYPE_STRING;
        binds[i].buffer = text[static_cast<size_t>(i)].data();
        binds[i].buffer_length = lengths[i];
        binds[i].length = &lengths[i];
      }
      if (mysql_stmt_bind_param(stmt, binds) != 0 || mysql_stmt_execute(stmt) != 0) {
        Fail(mysql_stmt_error(stmt));
      }
      ++result.rows;
    }
    exec("COMMIT");
  }
  result.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  result.sink_cpu = ThreadCpuSeconds() - cpu;
  result.server_cpu = ServerCpuSeconds() - server_before;
  mysql_stmt_close(stmt);
  mysql_close(conn);
  return result;
}

void Print(const char* what, const Result& r) {
  std::printf(
      "  %-44s %8lld rows in %6.2f s = %9.0f rows/s; sink CPU %5.2f s/M rows; "
      "server CPU %5.2f s/M rows\n",
      what, static_cast<long long>(r.rows), r.seconds, r.rows_per_s(), r.sink_cpu_per_m(),
      r.server_cpu_per_m());
}

std::string Fixed(double value, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, value);
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  int64_t records = 1000000;
  int64_t baseline_records = 50000;
  int batch = 500;
  std::string which = "all";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto next = [&]() -> std::string {
      if (i + 1 >= argc) Fail(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--records") {
      records = std::atoll(next().c_str());
    } else if (arg == "--baseline-records") {
      baseline_records = std::atoll(next().c_str());
    } else if (arg == "--batch") {
      batch = std::atoi(next().c_str());
    } else if (arg == "--db") {
      which = next();
    } else {
      Fail("unknown option " + arg +
           "; options: --records N --baseline-records N --batch N --db postgres|mariadb|all");
    }
  }
  if (records <= 0 || baseline_records <= 0 || batch <= 0) Fail("counts must be positive");
  std::string bench_line =
      "BENCH jdbc-sink records=" + std::to_string(records) + " batch=" + std::to_string(batch);

  if (which == "all" || which == "postgres") {
    std::printf("starting PostgreSQL 15 (local)...\n");
    auto pg = ck::testkit::PostgresServer::Start();
    const std::string url =
        "jdbc:postgresql://" + pg->host() + ":" + std::to_string(pg->port()) + "/" + pg->database();
    std::printf("PostgreSQL: %lld records, upsert, batches of %d\n",
                static_cast<long long>(records), batch);
    const Result sink = RunSink(url, pg->user(), pg->password(), records, batch);
    if (pg->Execute("SELECT count(*) FROM customers_sink").Scalar() != std::to_string(records)) {
      Fail("PostgreSQL: the table does not hold every record");
    }
    const Result naive = RunPostgresBaseline(pg->conninfo(), baseline_records, batch);
    Print("connectkit jdbc sink (multi-row upserts)", sink);
    Print("baseline: single-row upserts, libpq", naive);
    const double speedup = sink.rows_per_s() / naive.rows_per_s();
    std::printf("  speed-up %.1fx; goal >= 50000 rows/s: %s\n", speedup,
                sink.rows_per_s() >= 50000 ? "met" : "NOT met");
    bench_line += " pg_rows_per_s=" + Fixed(sink.rows_per_s(), 0) +
                  " pg_cpu_s_per_m=" + Fixed(sink.sink_cpu_per_m(), 2) +
                  " pg_server_cpu_s_per_m=" + Fixed(sink.server_cpu_per_m(), 2) +
                  " pg_baseline_rows_per_s=" + Fixed(naive.rows_per_s(), 0) +
                  " pg_baseline_cpu_s_per_m=" + Fixed(naive.sink_cpu_per_m(), 2) +
                  " pg_speedup=" + Fixed(speedup, 1);
  }
  if (which == "all" || which == "mariadb") {
    std::printf("starting MariaDB 10.11 (local)...\n");
    auto db = ck::testkit::MariaDbServer::Start();
    const std::string url =
        "jdbc:mariadb://" + db->host() + ":" + std::to_string(db->port()) + "/" + db->database();
    std::printf("MariaDB: %lld records, upsert, batches of %d\n", static_cast<long long>(records),
                batch);
    const Result sink = RunSink(url, db->user(), db->password(), records, batch);
    if (db->Execute("SELECT COUNT(*) FROM customers_sink").Scalar() != std::to_string(records)) {
      Fail("MariaDB: the table does not hold every record");
    }
    const Result naive = RunMariaDbBaseline(*db, baseline_records, batch);
    Print("connectkit jdbc sink (bulk-executed upserts)", sink);
    Print("baseline: single-row upserts, Connector/C", naive);
    const double speedup = sink.rows_per_s() / naive.rows_per_s();
    std::printf("  speed-up %.1fx\n", speedup);
    bench_line += " maria_rows_per_s=" + Fixed(sink.rows_per_s(), 0) +
                  " maria_cpu_s_per_m=" + Fixed(sink.sink_cpu_per_m(), 2) +
                  " maria_server_cpu_s_per_m=" + Fixed(sink.server_cpu_per_m(), 2) +
                  " maria_baseline_rows_per_s=" + Fixed(naive.rows_per_s(), 0) +
                  " maria_baseline_cpu_s_per_m=" + Fixed(naive.sink_cpu_per_m(), 2) +
                  " maria_speedup=" + Fixed(speedup, 1);
  }
  std::printf("%s\n", bench_line.c_str());
  return 0;
}
