// The transformation conformance suite on built-in SMTs (Kafka's class names), loaded through the
// ABI from the runtime's built-in bundle exactly as the runtime registers it. The tombstone
// policies are Kafka's: InsertField and MaskField pass a null value through, HoistField wraps it.
#include <string>
#include <vector>

#include "ck/testkit/conformance/transformation_conformance.h"
#include "runtime/transforms/builtin_transforms.h"

namespace {

using ck::ConnectRecord;
using ck::Schema;
using ck::SchemaBuilder;
using ck::SchemaPtr;
using ck::Struct;
using ck::Value;
using ck::testkit::TombstonePolicy;

SchemaPtr Customer() {
  return SchemaBuilder::struct_()
      .name("io.example.Customer")
      .field("id", Schema::Int64())
      .field("name", Schema::String())
      .field("ssn", Schema::OptionalString())
      .build();
}

ConnectRecord Record(int64_t id, bool with_schema) {
  ConnectRecord r;
  r.topic = "customers";
  r.kafka_partition = 0;
  r.timestamp = 1700000000000 + id;
  r.key_schema = Schema::Int64();
  r.key = id;
  if (with_schema) {
    Struct s(Customer());
    s.put("id", id)
        .put("name", "c" + std::to_string(id))
        .put("ssn", "123-45-" + std::to_string(id));
    r.value_schema = Customer();
    r.value = std::move(s);
  } else {
    r.value = Value::Map{{"id", id}, {"name", "c" + std::to_string(id)}, {"ssn", "x"}};
  }
  r.headers.add_string("trace", "t" + std::to_string(id));
  return r;
}

std::vector<ConnectRecord> MixedRecords() {
  return {Record(1, true), Record(2, true), Record(3, false), Record(4, true), Record(5, false)};
}

std::string Smt(const std::string& name) { return "org.apache.kafka.connect.transforms." + name; }

struct InsertFieldValue {
  static const ck_plugin* Plugin() { return ck_builtin_transforms(); }
  static std::string ClassName() { return Smt("InsertField$Value"); }
  static ck::ConfigMap Config() {
    return {{"static.field", "source"},
            {"static.value", "crm"},
            {"topic.field", "topic"},
            {"timestamp.field", "ts"}};
  }
  static std::vector<ConnectRecord> Records() { return MixedRecords(); }
  static constexpr TombstonePolicy kTombstones = TombstonePolicy::kPassThrough;
};

struct MaskFieldValue {
  static const ck_plugin* Plugin() { return ck_builtin_transforms(); }
  static std::string ClassName() { return Smt("MaskField$Value"); }
  static ck::ConfigMap Config() { return {{"fields", "ssn,name"}}; }
  static std::vector<ConnectRecord> Records() { return MixedRecords(); }
  static constexpr TombstonePolicy kTombstones = TombstonePolicy::kPassThrough;
};

struct HoistFieldValue {
  static const ck_plugin* Plugin() { return ck_builtin_transforms(); }
  static std::string ClassName() { return Smt("HoistField$Value"); }
  static ck::ConfigMap Config() { return {{"field", "wrapped"}}; }
  static std::vector<ConnectRecord> Records() { return MixedRecords(); }
  static constexpr TombstonePolicy kTombstones = TombstonePolicy::kTransform;
};

using BuiltinSmts = ::testing::Types<InsertFieldValue, MaskFieldValue, HoistFieldValue>;

}  // namespace

namespace ck::testkit {
INSTANTIATE_TYPED_TEST_SUITE_P(Builtin, TransformationConformanceTest, BuiltinSmts);
}  // namespace ck::testkit
