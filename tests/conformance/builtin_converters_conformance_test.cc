// The converter conformance suite on the built-in JsonConverter, with schemas (everything comes
// back as it went in) and without (the bytes are stable), loaded through the ABI from the
// runtime's built-in bundle exactly as the runtime registers it.
#include <string>
#include <vector>

#include "ck/testkit/conformance/converter_conformance.h"
#include "runtime/converters/builtin_converters.h"

namespace {

constexpr char kJsonConverter[] = "org.apache.kafka.connect.json.JsonConverter";

struct JsonWithSchemas {
  static const ck_plugin* Plugin() { return ck_builtin_converters(); }
  static std::string ClassName() { return kJsonConverter; }
  static ck::ConfigMap Config() { return {{"schemas.enable", "true"}}; }
  static std::vector<std::string> MalformedInputs() {
    return {"{",
            "not json",
            "{\"schema\":{\"type\":\"int32\"},\"payload\":\"x\"}",
            "{\"payload\":1}",
            "{\"schema\":{\"type\":\"nope\"},\"payload\":1}",
            "\xff\xfe"};
  }
};

struct JsonWithoutSchemas {
  static const ck_plugin* Plugin() { return ck_builtin_converters(); }
  static std::string ClassName() { return kJsonConverter; }
  static ck::ConfigMap Config() { return {{"schemas.enable", "false"}}; }
  static std::vector<std::string> MalformedInputs() { return {"{", "not json", "{} {}", "[1,"}; }
  static constexpr bool kPreservesSchemas = false;
};

using JsonConverters = ::testing::Types<JsonWithSchemas, JsonWithoutSchemas>;

}  // namespace

namespace ck::testkit {
INSTANTIATE_TYPED_TEST_SUITE_P(JsonConverter, ConverterConformanceTest, JsonConverters);
}  // namespace ck::testkit
