// `./ck bench runtime`: the standalone worker producing into a real Apache Kafka broker (the
// testkit's local KRaft broker), beside raw librdkafka producing the same bytes, in one run.
//
// 1. ConnectKit: `connectkit standalone` with the datagen source (one task, N records, JSON
//    values) on plugin.path, as a child process; timed from the first to the last acknowledged
//    record (read from the topic's end offsets); CPU and peak RSS from /proc.
// 2. Baseline: the records ConnectKit wrote are read back and produced again, byte for byte, by a
//    bare librdkafka producer with the worker's settings (acks=all, one request in flight), in
//    this process.
// 3. Start-up: `connectkit standalone` on the embedded Kafka, from exec to the log line of the
//    first acknowledged record.
// Ends with one `BENCH runtime ...` line.
#include <librdkafka/rdkafka.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "ck/testkit/kafka_cluster.h"
#include "testkit/services/local_service.h"
#include "tests/bench/process_stats.h"

namespace {

using ck::testkit::KafkaCluster;
using ck::testkit::services_internal::ChildProcess;
using ck::testkit::services_internal::ScratchDir;
using Clock = std::chrono::steady_clock;

constexpr int64_t kRecords = 1000000;

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "runtime bench: %s\n", what.c_str());
  std::exit(1);
}

std::string Executable(const std::string& relative) {
  // bazel-bin/tests/bench/runtime_bench -> bazel-bin/<relative>
  std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe");
  return (self.parent_path().parent_path().parent_path() / relative).string();
}

void WriteFile(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

int64_t EndOffset(KafkaCluster& kafka, const std::string& topic) {
  int64_t total = 0;
  for (const auto& [partition, offset] : kafka.EndOffsets(topic)) total += offset;
  return total;
}

std::string Plugins(const std::string& dir) {
  std::string plugins = dir + "/plugins";
  std::filesystem::create_directories(plugins);
  std::filesystem::copy(Executable("reference-connectors/datagen/datagen.tar.gz"), plugins);
  return plugins;
}

double ProcessCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

}  // namespace

int main() {
  ScratchDir dir("ck-bench-runtime");
  const std::string plugins = Plugins(dir.path());
  const std::string connectkit = Executable("runtime/cli/connectkit");
  std::printf("starting Apache Kafka (KRaft, local)...\n");
  std::unique_ptr<KafkaCluster> kafka = KafkaCluster::Start();
  kafka->CreateTopic("bench-connectkit", 1);
  kafka->CreateTopic("bench-raw", 1);

  // 1. ConnectKit.
  WriteFile(dir.path() + "/worker.properties",
            "bootstrap.servers=" + kafka->bootstrap_servers() +
                "\noffset.storage.file.filename=" + dir.path() +
                "/connect.offsets\noffset.flush.interval.ms=1000\nplugin.path=" + plugins +
                "\nkey.converter=org.apache.kafka.connect.json.JsonConverter\n" +
                "value.converter=org.apache.kafka.connect.json.JsonConverter\n" +
                "key.converter.schemas.enable=false\nvalue.converter.schemas.enable=false\n");
  WriteFile(dir.path() + "/datagen.properties",
            "name=bench\nconnector.class=Datagen\nkafka.topic=bench-connectkit\ntasks.max=1\n"
            "count=" +
                std::to_string(kRecords) + "\nbatch.size=2000\n");
  std::printf("ConnectKit: datagen -> Kafka, %lld records...\n", static_cast<long long>(kRecords));
  ChildProcess worker =
      ChildProcess::Spawn({connectkit, "standalone", dir.path() + "/worker.properties",
                           dir.path() + "/datagen.properties"},
                          dir.path() + "/worker.log");
  Clock::time_point first{};
  const auto deadline = Clock::now() + std::chrono::minutes(5);
  int64_t written = 0;
  while ((written = EndOffset(*kafka, "bench-connectkit")) < kRecords) {
    if (written > 0 && first == Clock::time_point{}) first = Clock::now();
    if (!worker.Running() || Clock::now() > deadline) {
      Fail("the worker did not write every record (" + worker.DescribeExit() + "):\n" +
           ck::testkit::services_internal::FileTail(dir.path() + "/worker.log", 3000));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const double ck_seconds = std::chrono::duration<double>(Clock::now() - first).count();
  const auto [ck_cpu, ck_rss_kib] = ck::bench::CpuAndPeakRss(worker.pid());
  worker.Stop(std::chrono::seconds(30));

  // 2. The same bytes through bare librdkafka.
  std::printf("reading the bytes back for the baseline...\n");
  const std::vector<ck::testkit::ConsumedRecord> records =
      kafka->ConsumeAll("bench-connectkit", kRecords, std::chrono::minutes(5));
  int64_t bytes = 0;
  for (const auto& r : records)
    bytes += (r.key ? r.key->size() : 0) + (r.value ? r.value->size() : 0);
  char error[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  for (const auto& [k, v] : std::vector<std::pair<std::string, std::string>>{
           {"bootstrap.servers", kafka->bootstrap_servers()},
           {"acks", "all"},
           {"max.in.flight.requests.per.connection", "1"},
           {"enable.idempotence", "false"}}) {
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), error, sizeof error) != RD_KAFKA_CONF_OK)
      Fail(error);
  }
  rd_kafka_t* producer = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error);
  if (producer == nullptr) Fail(error);
  std::printf("baseline: raw librdkafka, the same %lld records...\n",
              static_cast<long long>(kRecords));
  const double cpu_before = ProcessCpuSeconds();
  const auto raw_start = Clock::now();
  for (const auto& r : records) {
    const char* key = r.key ? r.key->data() : nullptr;
    const size_t key_len = r.key ? r.key->size() : 0;
    char* value = r.value ? const_cast<char*>(r.value->data()) : nullptr;
    const size_t value_len = r.value ? r.value->size() : 0;
    while (rd_kafka_producev(producer, RD_KAFKA_V_TOPIC("bench-raw"), RD_KAFKA_V_KEY(key, key_len),
                             RD_KAFKA_V_VALUE(value, value_len),
                             RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                             RD_KAFKA_V_END) == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      rd_kafka_poll(producer, 10);
    }
    rd_kafka_poll(producer, 0);
  }
  if (rd_kafka_flush(producer, 120000) != RD_KAFKA_RESP_ERR_NO_ERROR) Fail("raw flush timed out");
  const double raw_seconds = std::chrono::duration<double>(Clock::now() - raw_start).count();
  const double raw_cpu = ProcessCpuSeconds() - cpu_before;
  rd_kafka_destroy(producer);
  if (EndOffset(*kafka, "bench-raw") != kRecords) Fail("the baseline lost records");

  // 3. Start-up to the first acknowledged record, on the embedded Kafka.
  WriteFile(dir.path() + "/embedded.properties", "offset.storage.file.filename=" + dir.path() +
                                                     "/embedded.offsets\nplugin.path=" + plugins +
                                                     "\n");
  const auto spawned = Clock::now();
  ChildProcess embedded =
      ChildProcess::Spawn({connectkit, "standalone", dir.path() + "/embedded.properties",
                           dir.path() + "/datagen.properties"},
                          dir.path() + "/embedded.log");
  double startup_ms = -1;
  while (Clock::now() - spawned < std::chrono::seconds(30) && embedded.Running()) {
    std::ifstream log(dir.path() + "/embedded.log");
    std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
    if (text.find("First record acknowledged") != std::string::npos) {
      startup_ms = std::chrono::duration<double, std::milli>(Clock::now() - spawned).count();
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  embedded.Stop(std::chrono::seconds(10));

  const double ck_rate = kRecords / ck_seconds;
  const double raw_rate = kRecords / raw_seconds;
  std::printf("\n%-28s %12s %10s %16s %12s\n", "", "records/s", "MB/s", "CPU-s/M records",
              "peak RSS");
  std::printf("%-28s %12.0f %10.1f %16.2f %9ld KiB\n", "ConnectKit (datagen->Kafka)", ck_rate,
              bytes / ck_seconds / 1e6, ck_cpu / (kRecords / 1e6), ck_rss_kib);
  std::printf("%-28s %12.0f %10.1f %16.2f %12s\n", "raw librdkafka, same bytes", raw_rate,
              bytes / raw_seconds / 1e6, raw_cpu / (kRecords / 1e6), "-");
  std::printf(
      "ConnectKit reaches %.0f%% of raw librdkafka (goal >= 80%%); RSS %.1f MB (goal < 50); "
      "start-up to first record %.0f ms on the embedded Kafka (goal < 100)\n",
      100.0 * ck_rate / raw_rate, ck_rss_kib / 1024.0, startup_ms);
  std::printf(
      "BENCH runtime records=%lld bytes=%lld ck_records_per_s=%.0f raw_records_per_s=%.0f "
      "ratio=%.2f ck_mb_per_s=%.1f ck_cpu_s_per_m=%.2f raw_cpu_s_per_m=%.2f "
      "ck_peak_rss_mb=%.1f startup_ms=%.0f\n",
      static_cast<long long>(kRecords), static_cast<long long>(bytes), ck_rate, raw_rate,
      ck_rate / raw_rate, bytes / ck_seconds / 1e6, ck_cpu / (kRecords / 1e6),
      raw_cpu / (kRecords / 1e6), ck_rss_kib / 1024.0, startup_ms);
  return 0;
}
