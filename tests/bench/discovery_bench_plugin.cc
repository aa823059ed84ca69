// The plugin that discovery_bench copies 200 times: a C++ plugin built by ck_plugin() with a source
// connector and its task, a converter and a transformation, each with settings, so that its
// manifest has the size of a real connector's. Its names carry the placeholder "ckbench000", which
// the benchmark rewrites in each copy (every occurrence, same length: note and code alike) so the
// copies are 200 distinct plugins. An ELF constructor creates $CK_BENCH_MARKER when set, so the
// benchmark can check that discovery ran none of them.
#include <cstdio>
#include <cstdlib>

#include "ck/plugin.h"

namespace {

__attribute__((constructor)) void WriteMarker() {
  if (const char* path = std::getenv("CK_BENCH_MARKER")) {
    if (std::FILE* marker = std::fopen(path, "w")) std::fclose(marker);
  }
}

ck::ConfigDef Settings(const char* prefix) {
  using ck::ConfigDef;
  using ck::ConfigType;
  using ck::Importance;
  const std::string p = prefix;
  ConfigDef def;
  def.define(ConfigDef::Key(p + "topic", ConfigType::kString)
                 .importance(Importance::kHigh)
                 .doc("The Kafka topic records are written to.")
                 .group("Target"))
      .define(ConfigDef::Key(p + "batch.size", ConfigType::kInt)
                  .default_value(500)
                  .doc("Largest number of records returned by one poll.")
                  .group("Tuning"))
      .define(ConfigDef::Key(p + "poll.interval.ms", ConfigType::kLong)
                  .default_value(int64_t{1000})
                  .doc("How long to wait between polls of an idle source, in milliseconds.")
                  .group("Tuning"))
      .define(ConfigDef::Key(p + "connection.url", ConfigType::kString)
                  .importance(Importance::kHigh)
                  .doc("Where the source system listens, e.g. https://db.example.com:5432/sales.")
                  .group("Connection"))
      .define(ConfigDef::Key(p + "connection.password", ConfigType::kPassword)
                  .default_value(nullptr)
                  .doc("The password of the connection user; shown as [hidden].")
                  .group("Connection"))
      .define(ConfigDef::Key(p + "schemas.enable", ConfigType::kBoolean)
                  .default_value(true)
                  .importance(Importance::kLow)
                  .doc("Whether records carry their schemas."));
  return def;
}

class BenchTask : public ck::SourceTask {
 public:
  std::string version() const override { return "1.4.2"; }
  void start(const ck::ConfigMap&) override {}
  std::vector<ck::SourceRecord> poll() override { return {}; }
  void stop() override {}
};

class BenchConnector : public ck::SourceConnector {
 public:
  std::string version() const override { return "1.4.2"; }
  ck::ConfigDef config() const override { return Settings(""); }
  void start(const ck::ConfigMap&) override {}
  std::vector<ck::ConfigMap> task_configs(int) override { return {}; }
  void stop() override {}
};

class BenchConverter : public ck::Converter {
 public:
  ck::ConfigDef config() const override { return Settings("converter."); }
  void configure(const ck::ConfigMap&, bool) override {}
  std::optional<ck::Bytes> from_connect(std::string_view, const ck::SchemaPtr&,
                                        const ck::Value&) override {
    return std::nullopt;
  }
  ck::SchemaAndValue to_connect(std::string_view,
                                std::optional<std::span<const uint8_t>>) override {
    return {};
  }
};

class BenchTransformation : public ck::Transformation {
 public:
  ck::ConfigDef config() const override { return Settings("transform."); }
  void configure(const ck::ConfigMap&) override {}
  std::optional<ck::ConnectRecord> apply(ck::ConnectRecord record) override { return record; }
};

}  // namespace

CK_PLUGIN(plugin) {
  plugin.name("bench-ckbench000").version("1.4.2");
  plugin.add<BenchConnector>("io.connectkit.bench.ckbench000.BenchSourceConnector")
      .alias("com.example.ckbench000.LegacySourceConnector")
      .description("A source connector of realistic manifest size")
      .task("io.connectkit.bench.ckbench000.BenchSourceTask");
  plugin.add<BenchTask>("io.connectkit.bench.ckbench000.BenchSourceTask");
  plugin.add<BenchConverter>("io.connectkit.bench.ckbench000.BenchConverter");
  plugin.add<BenchTransformation>("io.connectkit.bench.ckbench000.BenchTransformation");
}
