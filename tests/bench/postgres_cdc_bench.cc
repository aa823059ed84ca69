// `./ck bench postgres-cdc [rows]`: drains a backlog of changes of a 9-column table (rows inserted
// in one transaction while nothing reads the slots, like the Debezium/Conduit backlog-drain
// benchmarks in docs) through the PostgreSQL CDC task (FakeHost as the runtime, no Kafka), and,
// as the baseline in the same run, through a bare libpq reader of a second slot made at the same
// position that only counts pgoutput Insert messages (what pg_recvlogical costs: the server's
// decoding and the wire, no event building). Reports events/s, client CPU-seconds per million
// events (this process: the task or the reader; the server's decoding is not included), and peak
// RSS. Ends with one `BENCH postgres-cdc key=value ...` line.
#include <postgresql/libpq-fe.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "ck/abi/ck_abi.h"
#include "ck/testkit/fake_host.h"
#include "ck/testkit/postgres_server.h"

namespace {

using Clock = std::chrono::steady_clock;

double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

long PeakRssKb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

struct Result {
  double seconds = 0;
  double cpu = 0;
};

// Reads `slot` with START_REPLICATION and counts Insert messages until `rows` arrived.
Result RawSlotRead(const ck::testkit::PostgresServer& pg, const std::string& slot, long rows) {
  const std::string conninfo = pg.conninfo() + " replication=database";
  PGconn* conn = PQconnectdb(conninfo.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::fprintf(stderr, "baseline connect: %s", PQerrorMessage(conn));
    std::exit(1);
  }
  const double cpu0 = CpuSeconds();
  const auto t0 = Clock::now();
  const std::string start = "START_REPLICATION SLOT " + slot +
                            " LOGICAL 0/0 (proto_version '1', publication_names 'bench_pub')";
  PGresult* r = PQexec(conn, start.c_str());
  if (PQresultStatus(r) != PGRES_COPY_BOTH) {
    std::fprintf(stderr, "baseline start: %s", PQerrorMessage(conn));
    std::exit(1);
  }
  PQclear(r);
  long inserts = 0;
  while (inserts < rows) {
    char* buf = nullptr;
    const int n = PQgetCopyData(conn, &buf, 0);
    if (n < 0) {
      std::fprintf(stderr, "baseline stream ended: %s", PQerrorMessage(conn));
      std::exit(1);
    }
    if (n > 25 && buf[0] == 'w' && buf[25] == 'I') ++inserts;
    PQfreemem(buf);
  }
  Result out{std::chrono::duration<double>(Clock::now() - t0).count(), CpuSeconds() - cpu0};
  PQfinish(conn);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  const long rows = argc > 1 ? std::atol(argv[1]) : 200000;
  auto pg = ck::testkit::PostgresServer::Start();
  pg->Execute(
      "CREATE TABLE bench (id bigint PRIMARY KEY, name varchar(50), email text, amount "
      "numeric(12,2), qty int, active bool, created timestamptz, updated timestamp, note text)");
  const ck::ConfigMap config = {
      {"database.hostname", pg->host()},   {"database.port", std::to_string(pg->port())},
      {"database.user", pg->user()},       {"database.password", pg->password()},
      {"database.dbname", pg->database()}, {"topic.prefix", "bench"},
      {"slot.name", "bench_task"},         {"publication.name", "bench_pub"},
      {"snapshot.mode", "no_data"},        {"max.batch.size", "4096"},
      {"poll.interval.ms", "100"}};
  constexpr char kTask[] = "io.connectkit.postgresql.PostgresConnectorTask";
  ck::testkit::FakeHost host;
  host.Load(ck_plugin_entry_v1());
  {
    // Creates the publication and the task's slot, then goes away: the backlog builds up.
    auto task = host.CreateSourceTask(kTask);
    task.Start(config);
  }
  pg->Execute("SELECT pg_create_logical_replication_slot('bench_raw', 'pgoutput')");
  const auto t_insert = Clock::now();
  pg->Execute(
      "INSERT INTO bench SELECT g, 'name ' || g, 'user' || g || '@example.com', g * 1.25, "
      "g % 1000, g % 2 = 0, now(), localtimestamp, repeat('x', 40) FROM "
      "generate_series(1, " +
      std::to_string(rows) + ") g");
  std::printf("inserted %ld rows in one transaction in %.1f s\n", rows,
              std::chrono::duration<double>(Clock::now() - t_insert).count());

  const Result raw = RawSlotRead(*pg, "bench_raw", rows);

  auto task = host.CreateSourceTask(kTask);
  const double cpu0 = CpuSeconds();
  const auto t0 = Clock::now();
  task.Start(config);
  long events = 0;
  while (events < rows) {
    const auto batch = task.Poll();
    events += static_cast<long>(batch.size());
    if (!batch.empty()) {
      host.SetOffset(batch.back().source_partition, batch.back().source_offset);
      task.Commit();
    }
  }
  const Result cdc{std::chrono::duration<double>(Clock::now() - t0).count(), CpuSeconds() - cpu0};
  task.Stop();

  const double raw_rate = static_cast<double>(rows) / raw.seconds;
  const double cdc_rate = static_cast<double>(rows) / cdc.seconds;
  const double raw_cpu_m = raw.cpu / static_cast<double>(rows) * 1e6;
  const double cdc_cpu_m = cdc.cpu / static_cast<double>(rows) * 1e6;
  std::printf("baseline (libpq slot read, count only): %.0f events/s, %.2f CPU-s per million\n",
              raw_rate, raw_cpu_m);
  std::printf("connectkit postgres task (Debezium events): %.0f events/s, %.2f CPU-s per million\n",
              cdc_rate, cdc_cpu_m);
  std::printf("task / baseline throughput: %.2f\n", cdc_rate / raw_rate);
  std::printf(
      "BENCH postgres-cdc rows=%ld columns=9 events_per_s=%.0f cpu_s_per_million=%.2f "
      "baseline_events_per_s=%.0f baseline_cpu_s_per_million=%.2f ratio=%.2f peak_rss_mb=%.1f\n",
      rows, cdc_rate, cdc_cpu_m, raw_rate, raw_cpu_m, cdc_rate / raw_rate,
      static_cast<double>(PeakRssKb()) / 1024.0);
  return 0;
}
