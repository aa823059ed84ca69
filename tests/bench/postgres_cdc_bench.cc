// `./ck bench postgres-cdc [rows] [latency_seconds]`: the PostgreSQL CDC connector in the
// `connectkit standalone` binary (a child process: its CPU and peak RSS are read from /proc),
// streaming into a real Apache Kafka broker (the testkit's local KRaft broker), in three parts:
//
// 1. Backlog drain: `rows` rows (default 1,000,000) of a 9-column table are inserted in one
//    transaction while nothing reads the slots (the Debezium/Conduit/Outboxx backlog-drain
//    benchmarks), then the worker starts with a Debezium configuration and the JsonConverter as a
//    Debezium user has it (schemas.enable=true, the default), and drains them into Kafka. Timed
//    from the first record in the topic to the last (end offsets polled every 20 ms); CPU-seconds
//    over the same window. Then a second worker drains a second slot with schemas.enable=false.
// 2. Baseline, in the same run: a bare libpq reader of a third slot at the same position that
//    only counts pgoutput Insert messages (what pg_recvlogical costs: the server's decoding and
//    the wire, no events, no Kafka).
// 3. Latency: with the first worker still streaming, individual committed single-row
//    transactions at a steady 5,000/s for `latency_seconds` (default 10) from two client
//    connections. The broker stamps records with LogAppendTime; latency = that timestamp minus
//    the wall-clock time at which the client's COMMIT returned (one host, one clock; the broker's
//    timestamp has millisecond resolution).
// Ends with one `BENCH postgres-cdc key=value ...` line.
#include <librdkafka/rdkafka.h>
#include <postgresql/libpq-fe.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "ck/testkit/kafka_cluster.h"
#include "ck/testkit/postgres_server.h"
#include "testkit/services/local_service.h"
#include "tests/bench/process_stats.h"

namespace {

using ck::testkit::KafkaCluster;
using ck::testkit::PostgresServer;
using ck::testkit::services_internal::ChildProcess;
using ck::testkit::services_internal::FileTail;
using ck::testkit::services_internal::ScratchDir;
using Clock = std::chrono::steady_clock;

constexpr char kTable[] =
    "CREATE TABLE bench (id bigint PRIMARY KEY, name varchar(50), email text, amount "
    "numeric(12,2), qty int, active bool, created timestamptz, updated timestamp, note text)";
constexpr int kLatencyRate = 5000;  // committed transactions per second
constexpr int kWriters = 2;         // client connections sharing that rate

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "postgres-cdc bench: %s\n", what.c_str());
  std::exit(1);
}

std::string Executable(const std::string& relative) {
  // bazel-bin/tests/bench/postgres-cdc_bench -> bazel-bin/<relative>
  std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe");
  return (self.parent_path().parent_path().parent_path() / relative).string();
}

void WriteFile(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

// Lines added to every worker's properties, from $CK_BENCH_WORKER_PROPERTIES ('\n' or ';'
// separated), to try settings without rebuilding.
std::string ExtraProperties() {
  const char* extra = std::getenv("CK_BENCH_WORKER_PROPERTIES");
  std::string text = extra == nullptr ? "" : extra;
  std::replace(text.begin(), text.end(), ';', '\n');
  return text + "\n";
}

double SelfCpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

double LoadAverage() {
  double load[1] = {0};
  return getloadavg(load, 1) == 1 ? load[0] : -1;
}

int64_t EndOffset(KafkaCluster& kafka, const std::string& topic) {
  int64_t total = 0;
  for (const auto& [partition, offset] : kafka.EndOffsets(topic)) total += offset;
  return total;
}

PGconn* Connect(const PostgresServer& pg, bool replication) {
  const std::string conninfo = pg.conninfo() + (replication ? " replication=database" : "");
  PGconn* conn = PQconnectdb(conninfo.c_str());
  if (PQstatus(conn) != CONNECTION_OK) Fail(std::string("connect: ") + PQerrorMessage(conn));
  return conn;
}

struct Drain {
  double seconds = 0;
  double cpu = 0;
  int64_t events = 0;
  double rss_mb = 0;
  double load = 0;
  double rate() const { return static_cast<double>(events) / seconds; }
  double cpu_per_million() const { return cpu / static_cast<double>(events) * 1e6; }
};

// Reads `slot` with START_REPLICATION and counts Insert messages until `rows` arrived.
Drain RawSlotRead(const PostgresServer& pg, const std::string& slot, int64_t rows) {
  PGconn* conn = Connect(pg, true);
  const double cpu0 = SelfCpuSeconds();
  const auto t0 = Clock::now();
  const std::string start = "START_REPLICATION SLOT " + slot +
                            " LOGICAL 0/0 (proto_version '1', publication_names 'bench_pub')";
  PGresult* r = PQexec(conn, start.c_str());
  if (PQresultStatus(r) != PGRES_COPY_BOTH) Fail(std::string("start: ") + PQerrorMessage(conn));
  PQclear(r);
  int64_t inserts = 0;
  while (inserts < rows) {
    char* buf = nullptr;
    const int n = PQgetCopyData(conn, &buf, 0);
    if (n < 0) Fail(std::string("baseline stream ended: ") + PQerrorMessage(conn));
    if (n > 25 && buf[0] == 'w' && buf[25] == 'I') ++inserts;
    PQfreemem(buf);
  }
  Drain out;
  out.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  out.cpu = SelfCpuSeconds() - cpu0;
  out.events = rows;
  PQfinish(conn);
  return out;
}

// A `connectkit standalone` worker running the Debezium-configured connector.
class Worker {
 public:
  Worker(const std::string& dir, const std::string& name, const KafkaCluster& kafka,
         const PostgresServer& pg, const std::string& slot, bool schemas)
      : log_(dir + "/" + name + ".log") {
    const std::string plugins = dir + "/plugins";
    const std::string schemas_enable = schemas ? "true" : "false";
    WriteFile(dir + "/" + name + "-worker.properties",
              "bootstrap.servers=" + kafka.bootstrap_servers() + "\noffset.storage.file.filename=" +
                  dir + "/" + name + ".offsets\nplugin.path=" + plugins +
                  "\nkey.converter=org.apache.kafka.connect.json.JsonConverter\n" +
                  "value.converter=org.apache.kafka.connect.json.JsonConverter\n" +
                  "key.converter.schemas.enable=" + schemas_enable +
                  "\nvalue.converter.schemas.enable=" + schemas_enable + "\n" + ExtraProperties());
    WriteFile(dir + "/" + name + ".properties",
              "name=" + name +
                  "\nconnector.class=io.debezium.connector.postgresql.PostgresConnector\n"
                  "tasks.max=1\nplugin.name=pgoutput\ndatabase.hostname=" +
                  pg.host() + "\ndatabase.port=" + std::to_string(pg.port()) +
                  "\ndatabase.user=" + pg.user() + "\ndatabase.password=" + pg.password() +
                  "\ndatabase.dbname=" + pg.database() + "\ntopic.prefix=" + name +
                  "\nslot.name=" + slot +
                  "\npublication.name=bench_pub\nsnapshot.mode=no_data\n"
                  "table.include.list=public.bench\n");
    process_ = ChildProcess::Spawn(
        {Executable("runtime/cli/connectkit"), "standalone",
         dir + "/" + name + "-worker.properties", dir + "/" + name + ".properties"},
        log_);
  }

  // Waits until `topic` holds `count` records; fails when the worker dies or after 10 minutes.
  // Measures from the moment the first records are seen.
  Drain WaitFor(KafkaCluster& kafka, const std::string& topic, int64_t count) {
    Drain out;
    const auto called = Clock::now();
    const double cpu_called = ck::bench::CpuAndPeakRss(process_.pid()).first;
    Clock::time_point first{};
    double cpu_first = 0;
    int64_t at_first = 0;
    const auto deadline = Clock::now() + std::chrono::minutes(10);
    int64_t written = 0;
    while ((written = EndOffset(kafka, topic)) < count) {
      if (written > 0 && first == Clock::time_point{}) {
        first = Clock::now();
        cpu_first = ck::bench::CpuAndPeakRss(process_.pid()).first;
        at_first = written;
      }
      Check(Clock::now() < deadline, "did not write " + std::to_string(count) + " records to " +
                                         topic + " within 10 minutes (" + std::to_string(written) +
                                         " written)");
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    const auto end = Clock::now();
    const auto [cpu, rss_kib] = ck::bench::CpuAndPeakRss(process_.pid());
    if (first == Clock::time_point{}) {  // all there at the first look: time from the call
      first = called;
      cpu_first = cpu_called;
    }
    out.seconds = std::chrono::duration<double>(end - first).count();
    out.cpu = cpu - cpu_first;
    out.events = count - at_first;
    out.rss_mb = static_cast<double>(rss_kib) / 1024.0;
    out.load = LoadAverage();
    return out;
  }

  void Check(bool ok, const std::string& what) {
    if (!ok || !process_.Running()) {
      Fail("the worker " + what + " (" + process_.DescribeExit() + "):\n" + FileTail(log_, 4000));
    }
  }

  pid_t pid() const { return process_.pid(); }

  void Stop() { process_.Stop(std::chrono::seconds(30)); }

 private:
  std::string log_;
  ChildProcess process_;
};

// Commits single-row inserts with ids first_id + k * kWriters (k = 0, 1, ...) at kLatencyRate /
// kWriters per second until `end`; stores each COMMIT's return time (µs since the epoch) at
// commit_us[id - base].
void PacedWriter(const PostgresServer& pg, int64_t base, int64_t first_id, Clock::time_point start,
                 Clock::time_point end, std::vector<int64_t>& commit_us) {
  PGconn* conn = Connect(pg, false);
  const auto interval = std::chrono::nanoseconds(1000000000LL * kWriters / kLatencyRate);
  char sql[512];
  for (int64_t k = 0;; ++k) {
    const auto due = start + k * interval;
    if (due >= end) break;
    std::this_thread::sleep_until(due);
    const int64_t id = first_id + k * kWriters;
    std::snprintf(sql, sizeof sql,
                  "INSERT INTO bench VALUES (%lld, 'name %lld', 'user%lld@example.com', %lld.25, "
                  "%lld, true, now(), localtimestamp, repeat('x', 40))",
                  static_cast<long long>(id), static_cast<long long>(id),
                  static_cast<long long>(id), static_cast<long long>(id % 100000),
                  static_cast<long long>(id % 1000));
    PGresult* r = PQexec(conn, sql);  // autocommit: returns once the COMMIT is done
    const int64_t now = std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    if (PQresultStatus(r) != PGRES_COMMAND_OK) Fail(std::string("insert: ") + PQerrorMessage(conn));
    PQclear(r);
    commit_us[static_cast<size_t>(id - base)] = now;
  }
  PQfinish(conn);
}

// Reads `topic` partition 0 from `from` until `count` records came; for each, the id in its JSON
// key and its (LogAppendTime) timestamp in ms.
std::vector<std::pair<int64_t, int64_t>> ReadIdsAndTimestamps(const KafkaCluster& kafka,
                                                              const std::string& topic,
                                                              int64_t from, int64_t count) {
  char error[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  for (const auto& [k, v] : std::vector<std::pair<std::string, std::string>>{
           {"bootstrap.servers", kafka.bootstrap_servers()},
           {"group.id", "bench-latency"},
           {"enable.auto.commit", "false"}}) {
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), error, sizeof error) != RD_KAFKA_CONF_OK)
      Fail(error);
  }
  rd_kafka_t* consumer = rd_kafka_new(RD_KAFKA_CONSUMER, conf, error, sizeof error);
  if (consumer == nullptr) Fail(error);
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(list, topic.c_str(), 0)->offset = from;
  rd_kafka_assign(consumer, list);
  rd_kafka_topic_partition_list_destroy(list);
  std::vector<std::pair<int64_t, int64_t>> out;
  const auto deadline = Clock::now() + std::chrono::minutes(2);
  static constexpr char kId[] = "\"id\":";
  while (static_cast<int64_t>(out.size()) < count && Clock::now() < deadline) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer, 500);
    if (m == nullptr) continue;
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR && m->key != nullptr) {
      const std::string key(static_cast<const char*>(m->key), m->key_len);
      const size_t at = key.rfind(kId);  // the payload's, after any schema
      rd_kafka_timestamp_type_t type;
      const int64_t ts = rd_kafka_message_timestamp(m, &type);
      if (at == std::string::npos || type != RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME) {
        Fail("unexpected record in " + topic + ": key " + key + ", timestamp type " +
             std::to_string(type));
      }
      out.emplace_back(std::atoll(key.c_str() + at + sizeof kId - 1), ts);
    }
    rd_kafka_message_destroy(m);
  }
  rd_kafka_consumer_close(consumer);
  rd_kafka_destroy(consumer);
  if (static_cast<int64_t>(out.size()) < count) Fail("the latency records were not all read");
  return out;
}

double Percentile(std::vector<double>& sorted, double p) {
  const size_t at = static_cast<size_t>(p * static_cast<double>(sorted.size() - 1));
  return sorted[at];
}

}  // namespace

int main(int argc, char** argv) {
  const int64_t rows = argc > 1 ? std::atoll(argv[1]) : 1000000;
  const int latency_seconds = argc > 2 ? std::atoi(argv[2]) : 10;
  if (rows <= 0 || latency_seconds <= 0) {
    Fail("usage: postgres-cdc_bench [rows > 0, default 1000000] [latency_seconds > 0, default 10]");
  }
  ScratchDir dir("ck-bench-pgcdc");
  std::filesystem::create_directories(dir.path() + "/plugins");
  std::filesystem::copy(Executable("reference-connectors/postgres/postgres.tar.gz"),
                        dir.path() + "/plugins");
  std::printf("starting Apache Kafka (KRaft, local, LogAppendTime) and PostgreSQL 15...\n");
  ck::testkit::KafkaClusterOptions kafka_options;
  kafka_options.broker_properties = {{"log.message.timestamp.type", "LogAppendTime"}};
  std::unique_ptr<KafkaCluster> kafka = KafkaCluster::Start(kafka_options);
  std::unique_ptr<PostgresServer> pg = PostgresServer::Start();
  pg->Execute(kTable);
  pg->Execute("CREATE PUBLICATION bench_pub FOR ALL TABLES");
  for (const char* slot : {"bench_schemas", "bench_plain", "bench_raw"}) {
    pg->Execute(std::string("SELECT pg_create_logical_replication_slot('") + slot +
                "', 'pgoutput')");
  }
  kafka->CreateTopic("schemas.public.bench", 1);
  kafka->CreateTopic("plain.public.bench", 1);

  const auto t_insert = Clock::now();
  pg->Execute(
      "INSERT INTO bench SELECT g, 'name ' || g, 'user' || g || '@example.com', g * 1.25, "
      "g % 1000, g % 2 = 0, now(), localtimestamp, repeat('x', 40) FROM "
      "generate_series(1, " +
      std::to_string(rows) + ") g");
  std::printf("inserted %lld rows in one transaction in %.1f s\n", static_cast<long long>(rows),
              std::chrono::duration<double>(Clock::now() - t_insert).count());

  std::printf("baseline: bare libpq slot read...\n");
  const Drain raw = RawSlotRead(*pg, "bench_raw", rows);

  std::printf("connectkit standalone, JsonConverter schemas.enable=false...\n");
  Drain plain;
  {
    Worker worker(dir.path(), "plain", *kafka, *pg, "bench_plain", false);
    plain = worker.WaitFor(*kafka, "plain.public.bench", rows);
    worker.Stop();
  }

  std::printf("connectkit standalone, JsonConverter schemas.enable=true (default)...\n");
  Worker worker(dir.path(), "schemas", *kafka, *pg, "bench_schemas", true);
  const Drain drain = worker.WaitFor(*kafka, "schemas.public.bench", rows);

  std::printf("latency: %d single-row transactions/s for %d s...\n", kLatencyRate, latency_seconds);
  const int64_t changes = static_cast<int64_t>(kLatencyRate) * latency_seconds;
  const int64_t base = rows + 1;
  std::vector<int64_t> commit_us(static_cast<size_t>(changes), 0);
  const double cpu_before = ck::bench::CpuAndPeakRss(worker.pid()).first;
  const auto start = Clock::now() + std::chrono::milliseconds(100);
  const auto end = start + std::chrono::seconds(latency_seconds);
  {
    std::vector<std::thread> writers;
    writers.reserve(kWriters);
    for (int w = 0; w < kWriters; ++w) {
      writers.emplace_back(PacedWriter, std::cref(*pg), base, base + w, start, end,
                           std::ref(commit_us));
    }
    for (auto& t : writers) t.join();
  }
  const double written_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  int64_t committed = 0;
  for (int64_t t : commit_us) committed += t != 0 ? 1 : 0;
  worker.WaitFor(*kafka, "schemas.public.bench", rows + committed);
  const auto [cpu_after, rss_kib] = ck::bench::CpuAndPeakRss(worker.pid());
  const double latency_load = LoadAverage();
  worker.Check(true, "stopped during the latency run");
  worker.Stop();
  std::vector<double> latencies;
  for (const auto& [id, ts_ms] :
       ReadIdsAndTimestamps(*kafka, "schemas.public.bench", rows, committed)) {
    const int64_t at = commit_us[static_cast<size_t>(id - base)];
    if (at != 0) latencies.push_back(static_cast<double>(ts_ms) - static_cast<double>(at) / 1e3);
  }
  std::sort(latencies.begin(), latencies.end());
  if (latencies.empty()) Fail("no latency samples");
  const double p50 = Percentile(latencies, 0.50);
  const double p99 = Percentile(latencies, 0.99);
  const double max = latencies.back();

  std::printf(
      "\nrows=%lld, 9 columns; Debezium config (pgoutput, snapshot.mode=no_data, defaults "
      "otherwise: max.batch.size=2048, poll.interval.ms=500); worker defaults "
      "(acks=all, one request in flight, linger.ms=5)\n",
      static_cast<long long>(rows));
  std::printf("%-46s %11s %16s %9s %6s\n", "", "events/s", "CPU-s/M events", "peak RSS", "load");
  std::printf("%-46s %11.0f %16.2f %6.1f MB %6.1f\n",
              "connectkit -> Kafka, JsonConverter schemas on", drain.rate(),
              drain.cpu_per_million(), drain.rss_mb, drain.load);
  std::printf("%-46s %11.0f %16.2f %6.1f MB %6.1f\n",
              "connectkit -> Kafka, JsonConverter schemas off", plain.rate(),
              plain.cpu_per_million(), plain.rss_mb, plain.load);
  std::printf("%-46s %11.0f %16.2f %9s\n", "baseline: bare libpq slot read, count only", raw.rate(),
              raw.cpu_per_million(), "-");
  std::printf(
      "per core (events per CPU-second): schemas on %.0f, schemas off %.0f (goal >= "
      "150000)\n",
      1e6 / drain.cpu_per_million(), 1e6 / plain.cpu_per_million());
  std::printf("connectkit / baseline throughput: schemas on %.2f, schemas off %.2f\n",
              drain.rate() / raw.rate(), plain.rate() / raw.rate());
  std::printf(
      "latency commit -> Kafka (LogAppendTime), %lld transactions in %.1f s (%.0f/s): "
      "p50 %.1f ms, p99 %.1f ms, max %.1f ms; worker CPU %.2f s; load %.1f\n",
      static_cast<long long>(committed), written_seconds,
      static_cast<double>(committed) / written_seconds, p50, p99, max, cpu_after - cpu_before,
      latency_load);
  std::printf(
      "BENCH postgres-cdc rows=%lld columns=9 converter=json schemas_enable=true "
      "events_per_s=%.0f cpu_s_per_million=%.2f events_per_cpu_s=%.0f peak_rss_mb=%.1f "
      "plain_events_per_s=%.0f plain_cpu_s_per_million=%.2f baseline_events_per_s=%.0f "
      "baseline_cpu_s_per_million=%.2f ratio=%.2f plain_ratio=%.2f latency_rate=%.0f "
      "latency_p50_ms=%.1f latency_p99_ms=%.1f latency_max_ms=%.1f load=%.1f\n",
      static_cast<long long>(rows), drain.rate(), drain.cpu_per_million(),
      1e6 / drain.cpu_per_million(), static_cast<double>(rss_kib) / 1024.0, plain.rate(),
      plain.cpu_per_million(), raw.rate(), raw.cpu_per_million(), drain.rate() / raw.rate(),
      plain.rate() / raw.rate(), static_cast<double>(committed) / written_seconds, p50, p99, max,
      drain.load);
  return 0;
}
