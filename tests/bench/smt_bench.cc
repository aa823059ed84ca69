// `./ck bench smt`: the cost per record of a chain of three built-in transformations
// (InsertField$Value, ReplaceField$Value, RegexRouter) applied by the worker's transformation
// chain to batches of 1,000 records with ten-field struct values, through the plugin ABI exactly
// as tasks run them. The baseline is the same batch handed through an empty chain. Goal: under
// 100 ns per record for the three. Ends with one `BENCH smt ...` line.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "ck/internal/arena.h"
#include "ck/internal/marshal.h"
#include "ck/schema.h"
#include "ck/value.h"
#include "runtime/plugins/registry.h"
#include "runtime/transforms/builtin_transforms.h"
#include "runtime/worker/runtime_host.h"
#include "runtime/worker/transformation_chain.h"

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

// A batch of records written into one arena, as a source task's poll would hand it over.
struct Batch {
  ck::abi_internal::Arena arena;
  ck_batch batch{};
  Batch() {
    ck::abi_internal::Writer writer(arena);
    ck_record* records = arena.Allocate<ck_record>(kBatch);
    for (int i = 0; i < kBatch; ++i) {
      ck::Struct row(RowSchema());
      row.put("id", int64_t{i}).put("account", int32_t{i % 97}).put("amount", i * 1.25);
      row.put("active", i % 2 == 0).put("name", "customer-" + std::to_string(i));
      row.put("email", "user" + std::to_string(i) + "@example.com").put("city", "Lisbon");
      row.put("created", int64_t{1700000000000} + i).put("score", int16_t(i % 1000));
      ck::SourceRecord r;
      r.topic = "bench-orders";
      r.value_schema = RowSchema();
      r.value = std::move(row);
      r.source_partition = {{"table", "rows"}};
      r.source_offset = {{"lsn", i}};
      writer.Record(r, &records[i]);
    }
    batch = ck_batch{kBatch, 0, records, nullptr, nullptr};
  }
};

std::vector<ck::runtime::TransformationStage> Chain(ck::runtime::PluginRegistry& registry) {
  const std::vector<std::pair<std::string, std::map<std::string, std::string>>> specs = {
      {"org.apache.kafka.connect.transforms.InsertField$Value",
       {{"static.field", "origin"}, {"static.value", "bench"}}},
      {"org.apache.kafka.connect.transforms.ReplaceField$Value", {{"renames", "name:customer"}}},
      {"org.apache.kafka.connect.transforms.RegexRouter",
       {{"regex", "bench-(.*)"}, {"replacement", "routed-$1"}}},
  };
  std::vector<ck::runtime::TransformationStage> stages;
  for (const auto& [type, config] : specs) {
    const ck::runtime::ComponentEntry& c = registry.Resolve(type, {CK_KIND_TRANSFORMATION});
    ck::runtime::TransformationStage stage{
        type, ck::host::Instance<ck_transformation_vtable>(*c.component, nullptr), nullptr, false};
    ck::host::ConfigView view(config);
    stage.transformation.Call("configure", &ck_transformation_vtable::configure, view.get());
    stages.push_back(std::move(stage));
  }
  return stages;
}

void RunChain(benchmark::State& state, bool with_chain) {
  ck::runtime::PluginRegistry registry(ck::runtime::RuntimeHostTable());
  ck::runtime::RegisterBuiltins(registry, {&ck_builtin_transforms});
  const std::vector<ck::runtime::TransformationStage> stages =
      with_chain ? Chain(registry) : std::vector<ck::runtime::TransformationStage>{};
  Batch batch;
  for (auto _ : state) {
    ck::runtime::RecordSet set = ck::runtime::RecordSet::Of(batch.batch);
    ck::runtime::ApplyTransformations(stages, set);
    if (set.records.size() != kBatch) state.SkipWithError("records lost in the chain");
    benchmark::DoNotOptimize(set.records.data());
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}

class Collector : public benchmark::ConsoleReporter {
 public:
  Collector() : ConsoleReporter(OO_Tabular) {}
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      const std::string name = run.benchmark_name().substr(0, run.benchmark_name().find('/'));
      ns_per_record[name] =
          run.GetAdjustedCPUTime() * 1e9 / benchmark::GetTimeUnitMultiplier(run.time_unit) / kBatch;
    }
    ConsoleReporter::ReportRuns(runs);
  }
  std::map<std::string, double> ns_per_record;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::RegisterBenchmark("empty_chain", [](benchmark::State& s) {
    RunChain(s, false);
  })->MinTime(1.0);
  benchmark::RegisterBenchmark("three_smts", [](benchmark::State& s) {
    RunChain(s, true);
  })->MinTime(1.0);
  benchmark::Initialize(&argc, argv);
  Collector collector;
  benchmark::RunSpecifiedBenchmarks(&collector);
  const double base = collector.ns_per_record["empty_chain"];
  const double chain = collector.ns_per_record["three_smts"];
  std::printf("\nper record: three SMTs %.1f ns (empty chain %.1f ns); goal < 100 ns\n", chain,
              base);
  std::printf(
      "BENCH smt records_per_batch=%d smts=3 chain_ns_per_record=%.1f "
      "empty_chain_ns_per_record=%.1f\n",
      kBatch, chain, base);
  return 0;
}
