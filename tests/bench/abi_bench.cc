// `./ck bench abi`: the cost of the plugin boundary. A batch of 1,000 records, each with a
// ten-field struct value, goes from a source task to a sink task twice: once as plain C++ (the
// records are moved from one to the other), once across the C ABI (the source task's batch is
// marshalled into an arena, handed to the host, and handed to a sink task, which reads it back into
// C++ records). Both sides do the same work otherwise; the difference per record is the ABI's
// overhead. Ends with one `BENCH abi ...` line.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "ck/plugin.h"
#include "ck/testkit/fake_host.h"

namespace {

constexpr int kBatch = 1000;

ck::SchemaPtr RowSchema() {
  static const ck::SchemaPtr schema = [] {
    ck::SchemaBuilder b = ck::SchemaBuilder::struct_().name("bench.Row");
    b.field("id", ck::Schema::Int64()).field("account", ck::Schema::Int32());
    b.field("amount", ck::Schema::Float64()).field("active", ck::Schema::Boolean());
    b.field("name", ck::Schema::String()).field("email", ck::Schema::String());
    b.field("city", ck::Schema::OptionalString()).field("created", ck::Timestamp::schema());
    b.field("score", ck::Schema::Int16()).field("note", ck::Schema::OptionalString());
    return b.build();
  }();
  return schema;
}

std::vector<ck::SourceRecord> MakeBatch() {
  std::vector<ck::SourceRecord> records(kBatch);
  for (int i = 0; i < kBatch; ++i) {
    ck::Struct row(RowSchema());
    row.put("id", int64_t{i}).put("account", int32_t{i % 97}).put("amount", i * 1.25);
    row.put("active", i % 2 == 0).put("name", "customer-" + std::to_string(i));
    row.put("email", "user" + std::to_string(i) + "@example.com").put("city", "Lisbon");
    row.put("created", int64_t{1700000000000} + i).put("score", int16_t(i % 1000));
    ck::SourceRecord& r = records[i];
    r.topic = "bench";
    r.key_schema = ck::Schema::Int64();
    r.key = int64_t{i};
    r.value_schema = RowSchema();
    r.value = std::move(row);
    r.source_partition = {{"table", "rows"}};
    r.source_offset = {{"lsn", i}};
  }
  return records;
}

const std::vector<ck::SourceRecord>& Prototype() {
  static const std::vector<ck::SourceRecord> records = MakeBatch();
  return records;
}

// The same source and sink, used directly (baseline) and through the ABI.
class BenchSource : public ck::SourceTask {
 public:
  std::string version() const override { return "1"; }
  void start(const ck::ConfigMap&) override {}
  std::vector<ck::SourceRecord> poll() override { return Prototype(); }
  void stop() override {}
};

class BenchSink : public ck::SinkTask {
 public:
  std::string version() const override { return "1"; }
  void start(const ck::ConfigMap&) override {}
  void put(std::vector<ck::SinkRecord> records) override {
    for (const auto& r : records) checksum_ += r.value.as_struct().get_int64("id");
    benchmark::DoNotOptimize(checksum_);
  }
  void stop() override {}

 private:
  int64_t checksum_ = 0;
};

}  // namespace

CK_PLUGIN(plugin) {
  plugin.name("bench").version("1");
  plugin.add<BenchSource>("bench.Source");
  plugin.add<BenchSink>("bench.Sink");
}

namespace {

void PlainCpp(benchmark::State& state) {
  BenchSource source;
  BenchSink sink;
  for (auto _ : state) {
    std::vector<ck::SourceRecord> polled = source.poll();
    std::vector<ck::SinkRecord> delivered(polled.size());
    for (size_t i = 0; i < polled.size(); ++i) {
      static_cast<ck::ConnectRecord&>(delivered[i]) = std::move(polled[i]);
    }
    sink.put(std::move(delivered));
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}

void AcrossAbi(benchmark::State& state) {
  ck::testkit::FakeHost host;
  host.Load(ck_plugin_entry_v1());
  auto source = host.CreateSourceTask("bench.Source");
  auto sink = host.CreateSinkTask("bench.Sink");
  for (auto _ : state) {
    ck::host::Owned<ck_batch> batch = source.PollBatch();
    sink.PutBatch(*batch);
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}

// Collects the per-record time of each benchmark while printing the usual table.
class Collector : public benchmark::ConsoleReporter {
 public:
  Collector() : ConsoleReporter(OO_Tabular) {}
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      ns_per_record[run.benchmark_name().substr(0, run.benchmark_name().find('/'))] =
          run.GetAdjustedCPUTime() * 1e9 / benchmark::GetTimeUnitMultiplier(run.time_unit) / kBatch;
    }
    ConsoleReporter::ReportRuns(runs);
  }
  std::map<std::string, double> ns_per_record;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::RegisterBenchmark("plain_cpp", PlainCpp)->MinTime(1.0);
  benchmark::RegisterBenchmark("across_abi", AcrossAbi)->MinTime(1.0);
  benchmark::Initialize(&argc, argv);
  Collector collector;
  benchmark::RunSpecifiedBenchmarks(&collector);
  const double plain = collector.ns_per_record["plain_cpp"];
  const double abi = collector.ns_per_record["across_abi"];
  std::printf(
      "\nper record: plain C++ %.1f ns, across the ABI %.1f ns, overhead %.1f ns (goal < 50)\n",
      plain, abi, abi - plain);
  std::printf(
      "BENCH abi records_per_batch=%d fields=10 plain_ns_per_record=%.1f abi_ns_per_record=%.1f "
      "overhead_ns_per_record=%.1f ratio=%.2f\n",
      kBatch, plain, abi, abi - plain, plain > 0 ? abi / plain : 0.0);
  return 0;
}
