// Datagen through the testkit's source conformance suite: the datagen plugin in a real worker
// against a real Kafka. Datagen numbers each task's orders 0, 1, 2, ... (the record's `seq`, with
// its `task`), stops at `count`, and commits {"seq": next} for the partition {"task": N}: the
// stream of a record is its task. Two tasks at 400 records per second each, so that the faults of
// the suite land while records are being generated.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "ck/testkit/conformance/source_conformance.h"

namespace {

using ck::testkit::ConsumedRecord;
using ck::testkit::RecordId;
using ck::testkit::SourceConformanceContext;

class DatagenAdapter {
 public:
  static std::vector<std::string> Plugins() {
    return {"reference-connectors/datagen/datagen.tar.gz"};
  }

  explicit DatagenAdapter(const SourceConformanceContext& context) : topic_(context.topic) {}

  nlohmann::json Config(int64_t records) const {
    return {{"connector.class", "Datagen"},
            {"kafka.topic", topic_},
            {"tasks.max", "2"},
            {"count", std::to_string(records)},
            {"rate", "400"},
            {"batch.size", "50"},
            {"value.converter", "org.apache.kafka.connect.json.JsonConverter"},
            {"value.converter.schemas.enable", "false"}};
  }
  std::vector<std::string> RequiredKeys() const { return {"kafka.topic"}; }
  std::vector<std::string> Streams() const { return {"0", "1"}; }
  void Write(int64_t /*from*/, int64_t /*to*/) {}  // datagen generates its records

  std::optional<RecordId> Identity(const ConsumedRecord& record) const {
    if (!record.value) return std::nullopt;
    const nlohmann::json order = nlohmann::json::parse(*record.value, nullptr, false);
    if (!order.is_object() || !order.contains("task") || !order.contains("seq")) {
      return std::nullopt;
    }
    return RecordId{std::to_string(order["task"].get<int>()), order["seq"].get<int64_t>()};
  }

  std::optional<RecordId> Resume(const nlohmann::json& partition,
                                 const nlohmann::json& offset) const {
    if (!partition.contains("task") || !offset.contains("seq")) return std::nullopt;
    return RecordId{std::to_string(partition["task"].get<int>()), offset["seq"].get<int64_t>()};
  }

  nlohmann::json Reconfigure(nlohmann::json config) const {
    config["batch.size"] = "20";
    return config;
  }

 private:
  std::string topic_;
};

}  // namespace

namespace ck::testkit {
INSTANTIATE_TYPED_TEST_SUITE_P(Datagen, SourceConformanceTest, ::testing::Types<DatagenAdapter>);
// Datagen generates its records and reads from no system: the source-system suite does not apply.
INSTANTIATE_TYPED_TEST_SUITE_P(Datagen, SourceKafkaFaultConformanceTest,
                               ::testing::Types<DatagenAdapter>);
}  // namespace ck::testkit
