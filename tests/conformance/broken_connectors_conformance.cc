// The source and sink conformance suites on connectors broken on purpose
// (testkit/fixtures/broken-connectors): each fixture has one fault, and the check that matches it
// must fail. Not a test by itself: broken_connectors_conformance_it_test runs chosen checks of
// this binary and asserts that the matching ones fail, saying what went wrong.
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "ck/testkit/conformance/sink_conformance.h"
#include "ck/testkit/conformance/source_conformance.h"

namespace {

using ck::testkit::ConsumedRecord;
using ck::testkit::RecordId;
using ck::testkit::SinkConformanceContext;
using ck::testkit::SourceConformanceContext;

// The fixtures' sequence source: one stream, values "0", "1", ..., offsets {"next": N}; 200
// records per second, so that 1000 records take five seconds and faults land mid-stream.
template <typename Fixture>
class SequenceSourceAdapter {
 public:
  static std::vector<std::string> Plugins() { return {Fixture::kPlugin}; }

  explicit SequenceSourceAdapter(const SourceConformanceContext& context) : topic_(context.topic) {}

  nlohmann::json Config(int64_t records) const {
    return {{"connector.class", Fixture::kClass},
            {"topic", topic_},
            {"count", std::to_string(records)},
            {"rate", "200"},
            {"batch.size", "50"},
            {"value.converter", "org.apache.kafka.connect.storage.StringConverter"}};
  }
  std::vector<std::string> RequiredKeys() const { return {"topic"}; }
  std::vector<std::string> Streams() const { return {""}; }
  void Write(int64_t /*from*/, int64_t /*to*/) {}  // the source generates its records

  std::optional<RecordId> Identity(const ConsumedRecord& record) const {
    if (!record.value || record.value->empty()) return std::nullopt;
    return RecordId{"", std::stoll(*record.value)};
  }
  std::optional<RecordId> Resume(const nlohmann::json& /*partition*/,
                                 const nlohmann::json& offset) const {
    if (!offset.contains("next")) return std::nullopt;
    return RecordId{"", offset["next"].get<int64_t>()};
  }
  nlohmann::json Reconfigure(nlohmann::json config) const {
    config["batch.size"] = "20";
    return config;
  }

 private:
  std::string topic_;
};

struct SkipOnRestart {
  static constexpr char kPlugin[] =
      "testkit/fixtures/broken-connectors/skip-on-restart-source.tar.gz";
  static constexpr char kClass[] = "SkipOnRestartSource";
};
struct ThreadLeak {
  static constexpr char kPlugin[] = "testkit/fixtures/broken-connectors/thread-leak-source.tar.gz";
  static constexpr char kClass[] = "ThreadLeakSource";
};

// The write-behind sink: one line per record value, read back as JSON {"seq":N}.
class EarlyCommitSinkAdapter {
 public:
  static std::vector<std::string> Plugins() {
    return {"testkit/fixtures/broken-connectors/early-commit-sink.tar.gz"};
  }

  explicit EarlyCommitSinkAdapter(const SinkConformanceContext& context)
      : path_(context.dir + "/output.txt") {}

  nlohmann::json Config() const {
    return {{"connector.class", "EarlyCommitSink"},
            {"file", path_},
            {"value.converter", "org.apache.kafka.connect.storage.StringConverter"}};
  }
  std::vector<std::string> RequiredKeys() const { return {"file"}; }

  std::vector<int64_t> ReadBack() const {
    std::vector<int64_t> seqs;
    std::ifstream in(path_);
    for (std::string line; std::getline(in, line);) {
      const nlohmann::json value = nlohmann::json::parse(line, nullptr, false);
      if (value.is_object() && value.contains("seq")) seqs.push_back(value["seq"].get<int64_t>());
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
INSTANTIATE_TYPED_TEST_SUITE_P(SkipOnRestartSource, SourceConformanceTest,
                               ::testing::Types<SequenceSourceAdapter<SkipOnRestart>>);
INSTANTIATE_TYPED_TEST_SUITE_P(ThreadLeakSource, SourceConformanceTest,
                               ::testing::Types<SequenceSourceAdapter<ThreadLeak>>);
INSTANTIATE_TYPED_TEST_SUITE_P(EarlyCommitSink, SinkConformanceTest,
                               ::testing::Types<EarlyCommitSinkAdapter>);
}  // namespace ck::testkit
