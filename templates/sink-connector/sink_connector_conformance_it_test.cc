// The testkit's sink conformance suite on this connector: the packaged plugin in real workers
// ($CK_CONNECTKIT) against a real Kafka, fed sequence-numbered records ({"seq":N} through
// JsonConverter, so the task sees the map {seq=N}); the adapter reads the numbers back from the
// output file. Checks the contract and at-least-once delivery under faults (SIGKILL mid-flush, task
// restart, poison record to the dead-letter queue, broker outage, reconfiguration, leaks).
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ck/testkit/conformance/sink_conformance.h"
#include "sink_connector.h"

namespace {

class __CLASS__SinkAdapter {
 public:
  static std::vector<std::string> Plugins() { return {"__NAME__.tar.gz"}; }

  explicit __CLASS__SinkAdapter(const ck::testkit::SinkConformanceContext& context)
      : path_(context.dir + "/out.txt") {}

  nlohmann::json Config() const {
    return {{"connector.class", __NAMESPACE__::kConnectorClass}, {"output.path", path_}};
  }
  std::vector<std::string> RequiredKeys() const { return {"output.path"}; }

  // Lines "<topic>-<partition>@<offset>: {seq=N}".
  std::vector<int64_t> ReadBack() const {
    std::vector<int64_t> seqs;
    std::ifstream in(path_);
    std::string line;
    while (std::getline(in, line)) {
      const size_t at = line.find("{seq=");
      if (at != std::string::npos) seqs.push_back(std::stoll(line.substr(at + 5)));
    }
    return seqs;
  }

  nlohmann::json Reconfigure(nlohmann::json config) const {
    config["tasks.max"] = "2";
    return config;
  }

 private:
  std::string path_;
};

}  // namespace

namespace ck::testkit {
INSTANTIATE_TYPED_TEST_SUITE_P(__CLASS__Sink, SinkConformanceTest,
                               ::testing::Types<__CLASS__SinkAdapter>);
}  // namespace ck::testkit
