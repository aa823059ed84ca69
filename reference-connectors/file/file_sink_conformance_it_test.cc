// FileStreamSink through the testkit's sink conformance suite: the file plugin in a real worker
// against a real Kafka. The suite's values {"seq":N} arrive through JsonConverter as maps, which
// the sink writes as Java prints them, "{seq=N}", one per line; reading back collects every N.
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ck/testkit/conformance/sink_conformance.h"

namespace {

using ck::testkit::SinkConformanceContext;

class FileStreamSinkAdapter {
 public:
  static std::vector<std::string> Plugins() { return {"reference-connectors/file/file.tar.gz"}; }

  explicit FileStreamSinkAdapter(const SinkConformanceContext& context)
      : path_(context.dir + "/output.txt") {}

  nlohmann::json Config() const { return {{"connector.class", "FileStreamSink"}, {"file", path_}}; }
  std::vector<std::string> RequiredKeys() const { return {}; }  // `file` defaults to stdout

  std::vector<int64_t> ReadBack() const {
    std::ifstream in(path_);
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    std::vector<int64_t> seqs;
    constexpr std::string_view kField = "{seq=";
    for (size_t at = text.find(kField); at != std::string::npos; at = text.find(kField, at + 1)) {
      size_t end = at + kField.size();
      int64_t seq = 0;
      bool digits = false;
      while (end < text.size() && text[end] >= '0' && text[end] <= '9') {
        seq = seq * 10 + (text[end++] - '0');
        digits = true;
      }
      if (digits && end < text.size() && text[end] == '}') seqs.push_back(seq);
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
INSTANTIATE_TYPED_TEST_SUITE_P(FileStreamSink, SinkConformanceTest,
                               ::testing::Types<FileStreamSinkAdapter>);
}  // namespace ck::testkit
