// The testkit's source conformance suite on this connector: the packaged plugin in real workers
// ($CK_CONNECTKIT) against a real Kafka, with the connector contract and the at-least-once checks
// under faults (SIGKILL mid-stream, graceful restart, broker outage, reconfiguration, leaks). The
// adapter tells the suite how to configure the connector and how to read a record's sequence
// number (its key) and where a committed offset resumes ({"position": next}).
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "ck/testkit/conformance/source_conformance.h"
#include "source_connector.h"

namespace {

using ck::testkit::ConsumedRecord;
using ck::testkit::RecordId;
using ck::testkit::SourceConformanceContext;

class __CLASS__SourceAdapter {
 public:
  static std::vector<std::string> Plugins() { return {"__NAME__.tar.gz"}; }

  explicit __CLASS__SourceAdapter(const SourceConformanceContext& context)
      : topic_(context.topic) {}

  // One task writing `records` messages at about 400 a second, so faults land mid-stream.
  nlohmann::json Config(int64_t records) const {
    return {{"connector.class", __NAMESPACE__::kConnectorClass},
            {"topic", topic_},
            {"tasks.max", "1"},
            {"messages", std::to_string(records)},
            {"batch.size", "20"},
            {"poll.interval.ms", "50"},
            {"key.converter", "org.apache.kafka.connect.storage.StringConverter"},
            {"value.converter", "org.apache.kafka.connect.storage.StringConverter"}};
  }
  std::vector<std::string> RequiredKeys() const { return {"topic"}; }
  std::vector<std::string> Streams() const { return {"0"}; }
  void Write(int64_t /*from*/, int64_t /*to*/) {}  // the connector generates its records

  std::optional<RecordId> Identity(const ConsumedRecord& record) const {
    if (!record.key || record.key->empty()) return std::nullopt;
    return RecordId{"0", std::stoll(*record.key)};
  }

  std::optional<RecordId> Resume(const nlohmann::json& partition,
                                 const nlohmann::json& offset) const {
    if (!partition.contains("task") || !offset.contains("position")) return std::nullopt;
    return RecordId{std::to_string(partition["task"].get<int>()),
                    offset["position"].get<int64_t>()};
  }

  nlohmann::json Reconfigure(nlohmann::json config) const {
    config["batch.size"] = "7";
    return config;
  }

 private:
  std::string topic_;
};

}  // namespace

namespace ck::testkit {
INSTANTIATE_TYPED_TEST_SUITE_P(__CLASS__Source, SourceConformanceTest,
                               ::testing::Types<__CLASS__SourceAdapter>);
}  // namespace ck::testkit
