// Test fixture shared by the transformation tests: loads ck_builtin_transforms into a FakeHost and
// runs components through the ABI, plus matchers for the errors they report.
#ifndef CK_RUNTIME_TRANSFORMS_TRANSFORM_TEST_UTIL_H_
#define CK_RUNTIME_TRANSFORMS_TRANSFORM_TEST_UTIL_H_

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "ck/host/host_support.h"
#include "ck/record.h"
#include "ck/testkit/fake_host.h"
#include "runtime/transforms/builtin_transforms.h"

namespace ck::transforms_test {

/// Kafka's package for transformations.
inline std::string Smt(const std::string& name) {
  return "org.apache.kafka.connect.transforms." + name;
}

/// A record on topic "t", partition 0, timestamp 1700000000000 with the given key and value.
inline ConnectRecord MakeRecord(SchemaPtr key_schema, Value key, SchemaPtr value_schema,
                                Value value) {
  ConnectRecord record;
  record.topic = "t";
  record.kafka_partition = 0;
  record.key_schema = std::move(key_schema);
  record.key = std::move(key);
  record.value_schema = std::move(value_schema);
  record.value = std::move(value);
  record.timestamp = 1700000000000;
  return record;
}

/// A schemaless map from string keys.
inline Value::Map StrMap(std::vector<std::pair<std::string, Value>> entries) {
  Value::Map map;
  for (auto& [key, value] : entries) map.emplace_back(Value(key), std::move(value));
  return map;
}

class TransformTest : public ::testing::Test {
 protected:
  void SetUp() override { host_.Load(ck_builtin_transforms()); }

  /// Configures `class_name` with `config` and applies it to `record`; std::nullopt = dropped.
  std::optional<ConnectRecord> Apply(const std::string& class_name, const ConfigMap& config,
                                     const ConnectRecord& record) {
    testkit::TransformationDriver smt = host_.CreateTransformation(class_name);
    smt.Configure(config);
    std::vector<ConnectRecord> out = smt.Apply({record});
    if (out.empty()) return std::nullopt;
    return out.front();
  }

  /// The message of the error `class_name` reports for `config` (and `record`, when given);
  /// fails the test unless its code is `code`.
  std::string Error(const std::string& class_name, const ConfigMap& config,
                    const std::optional<ConnectRecord>& record, int code) {
    try {
      testkit::TransformationDriver smt = host_.CreateTransformation(class_name);
      smt.Configure(config);
      if (record) smt.Apply({*record});
    } catch (const host::AbiError& e) {
      EXPECT_EQ(e.code(), code) << e.what();
      return e.what();
    }
    ADD_FAILURE() << "expected an error from " << class_name;
    return "";
  }

  testkit::FakeHost host_;
};

}  // namespace ck::transforms_test

#endif  // CK_RUNTIME_TRANSFORMS_TRANSFORM_TEST_UTIL_H_
