// FileStreamSource through the testkit's source conformance suite: the file plugin in a real
// worker against a real Kafka. Each record is one line holding its sequence number in 8 digits,
// so a line is 9 bytes and the committed offset {"position": p} resumes at line p / 9.
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "ck/testkit/conformance/source_conformance.h"

namespace {

using ck::testkit::ConsumedRecord;
using ck::testkit::RecordId;
using ck::testkit::SourceConformanceContext;

constexpr int kLineBytes = 9;  // "%08lld\n"

class FileStreamSourceAdapter {
 public:
  static std::vector<std::string> Plugins() { return {"reference-connectors/file/file.tar.gz"}; }

  explicit FileStreamSourceAdapter(const SourceConformanceContext& context)
      : path_(context.dir + "/input.txt"), topic_(context.topic) {}

  nlohmann::json Config(int64_t /*records*/) const {
    return {{"connector.class", "FileStreamSource"},
            {"file", path_},
            {"topic", topic_},
            {"batch.size", "50"},
            {"value.converter", "org.apache.kafka.connect.storage.StringConverter"}};
  }
  std::vector<std::string> RequiredKeys() const { return {"topic"}; }
  std::vector<std::string> Streams() const { return {""}; }

  void Write(int64_t from, int64_t to) {
    std::ofstream out(path_, std::ios::app);
    char line[32];
    for (int64_t seq = from; seq < to; ++seq) {
      std::snprintf(line, sizeof line, "%08lld\n", static_cast<long long>(seq));
      out << line;
    }
  }

  std::optional<RecordId> Identity(const ConsumedRecord& record) const {
    if (!record.value || record.value->size() != kLineBytes - 1) return std::nullopt;
    return RecordId{"", std::stoll(*record.value)};
  }

  std::optional<RecordId> Resume(const nlohmann::json& partition,
                                 const nlohmann::json& offset) const {
    if (partition.value("filename", "") != path_ || !offset.contains("position")) {
      return std::nullopt;
    }
    return RecordId{"", offset["position"].get<int64_t>() / kLineBytes};
  }

  nlohmann::json Reconfigure(nlohmann::json config) const {
    config["batch.size"] = "7";
    return config;
  }

 private:
  std::string path_;
  std::string topic_;
};

}  // namespace

namespace ck::testkit {
INSTANTIATE_TYPED_TEST_SUITE_P(FileStreamSource, SourceConformanceTest,
                               ::testing::Types<FileStreamSourceAdapter>);
// A file has no system to restart or cut off: the source-system suite does not apply.
INSTANTIATE_TYPED_TEST_SUITE_P(FileStreamSource, SourceKafkaFaultConformanceTest,
                               ::testing::Types<FileStreamSourceAdapter>);
}  // namespace ck::testkit
