// The testkit's transformation conformance suite on this transformation, through FakeHost: the
// input is left alone, no state carries between records or calls, a batch equals the records one
// by one, outputs are valid against their schemas, tombstones pass through, null keys and values
// never crash it.
#include "ck/testkit/conformance/transformation_conformance.h"

#include <string>
#include <vector>

#include "ck/abi/ck_abi.h"
#include "ck/schema.h"
#include "transformation.h"

namespace {

struct __CLASS__Adapter {
  static const ck_plugin* Plugin() { return ck_plugin_entry_v1(); }
  static std::string ClassName() { return __NAMESPACE__::kTransformationClass; }
  static ck::ConfigMap Config() { return {}; }
  static std::vector<ck::ConnectRecord> Records() {
    std::vector<ck::ConnectRecord> records;
    for (const char* text : {"first record", "Second Record", ""}) {
      ck::ConnectRecord& record = records.emplace_back();
      record.topic = "events";
      record.value_schema = ck::Schema::String();
      record.value = text;
    }
    records.back().value_schema = nullptr;  // schemaless too
    return records;
  }
  static constexpr ck::testkit::TombstonePolicy kTombstones =
      ck::testkit::TombstonePolicy::kPassThrough;
};

}  // namespace

namespace ck::testkit {
INSTANTIATE_TYPED_TEST_SUITE_P(__CLASS__, TransformationConformanceTest,
                               ::testing::Types<__CLASS__Adapter>);
}  // namespace ck::testkit
