/// @file
/// The transformation conformance suite: a typed GoogleTest suite that drives a single message
/// transformation through the plugin ABI (FakeHost, no runtime) and checks what every SMT must do
/// whatever it transforms: leave its input alone, keep no state from one record or call to the
/// next, treat a batch as the records one by one, produce values valid against their schemas,
/// handle tombstones as it declares, and survive null keys and null values.
///
/// @code
/// #include "ck/testkit/conformance/transformation_conformance.h"
///
/// struct MaskSsn {
///   static const ck_plugin* Plugin() { return ck_plugin_entry_v1(); }
///   static std::string ClassName() { return "io.example.MaskSsn"; }
///   static ck::ConfigMap Config() { return {{"field", "ssn"}}; }
///   // Records it transforms: with schemas and without, as the transformation supports.
///   static std::vector<ck::ConnectRecord> Records();
///   static constexpr ck::testkit::TombstonePolicy kTombstones =
///       ck::testkit::TombstonePolicy::kPassThrough;
/// };
/// INSTANTIATE_TYPED_TEST_SUITE_P(MaskSsn, TransformationConformanceTest,
///                                ::testing::Types<MaskSsn>);
/// @endcode
///
/// The adapter's members:
/// - `static const ck_plugin* Plugin()`: the plugin descriptor holding the transformation.
/// - `static std::string ClassName()`: its class name.
/// - `static ConfigMap Config()`: its settings.
/// - `static std::vector<ConnectRecord> Records()`: records it transforms (at least two), with
///   the key or value it operates on set.
/// - `static constexpr TombstonePolicy kTombstones`: what it does with a record whose value is null
///   and schemaless.
///
/// Include this header in one source file per test binary.

#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ck/abi/ck_abi.h"
#include "ck/host/host_support.h"
#include "ck/record.h"
#include "ck/testkit/fake_host.h"
#include "ck/testkit/matchers.h"
#include "ck/value.h"

namespace ck::testkit {

/// What a transformation does with a tombstone (a record whose value is null).
enum class TombstonePolicy {
  kPassThrough,  ///< Returns it unchanged (most of Kafka's value transformations).
  kDrop,         ///< Drops it.
  kTransform,    ///< Returns a record of its own making (e.g. HoistField wraps the null).
  kReject,       ///< Fails with a DataError that says why.
};

/// The fixture of the transformation conformance suite; `Adapter` as described in the file
/// comment.
template <typename Adapter>
class TransformationConformanceTest : public ::testing::Test {
 protected:
  /// Loads the adapter's plugin into the fake host.
  void SetUp() override { host_.Load(Adapter::Plugin()); }

  /// A new transformation instance configured with the adapter's settings.
  TransformationDriver Make() {
    TransformationDriver transformation = host_.CreateTransformation(Adapter::ClassName());
    transformation.Configure(Adapter::Config());
    return transformation;
  }

  /// Applies a new instance to `records`; fails the test (and returns nothing) on an error.
  std::vector<ConnectRecord> ApplyFresh(const std::vector<ConnectRecord>& records) {
    try {
      return Make().Apply(records);
    } catch (const std::exception& e) {
      ADD_FAILURE() << "apply failed: " << e.what();
      return {};
    }
  }

  /// The adapter's records, checked to be enough for the suite.
  std::vector<ConnectRecord> Inputs() {
    std::vector<ConnectRecord> records = Adapter::Records();
    EXPECT_GE(records.size(), 2u) << "the adapter must give at least two records";
    return records;
  }

  FakeHost host_;  ///< The host the transformation runs in.
};

#ifndef CK_DOXYGEN  // the tests themselves: GoogleTest macros, not API

TYPED_TEST_SUITE_P(TransformationConformanceTest);

TYPED_TEST_P(TransformationConformanceTest, TransformsEveryRecordAndLeavesItsInputAlone) {
  const std::vector<ConnectRecord> inputs = this->Inputs();
  // The point is a copy: what the inputs must still equal afterwards.
  // NOLINTNEXTLINE(performance-unnecessary-copy-initialization)
  const std::vector<ConnectRecord> copies = inputs;
  const std::vector<ConnectRecord> outputs = this->ApplyFresh(inputs);
  ASSERT_EQ(inputs.size(), copies.size());
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    EXPECT_THAT(inputs[i], RecordEq(copies[i])) << "input " << i << " was changed";
  }
  EXPECT_FALSE(outputs.empty()) << "every record of the adapter was dropped";
}

TYPED_TEST_P(TransformationConformanceTest, KeepsNoStateBetweenRecordsOrCalls) {
  const std::vector<ConnectRecord> inputs = this->Inputs();
  TransformationDriver transformation = this->Make();
  const std::vector<ConnectRecord> first = transformation.Apply(inputs);
  const std::vector<ConnectRecord> second = transformation.Apply(inputs);
  const std::vector<ConnectRecord> fresh = this->ApplyFresh(inputs);
  ASSERT_EQ(first.size(), second.size());
  ASSERT_EQ(first.size(), fresh.size());
  for (std::size_t i = 0; i < first.size(); ++i) {
    EXPECT_THAT(second[i], RecordEq(first[i])) << "a second call differs at output " << i;
    EXPECT_THAT(fresh[i], RecordEq(first[i])) << "another instance differs at output " << i;
  }
}

TYPED_TEST_P(TransformationConformanceTest, ABatchIsTheRecordsOneByOne) {
  const std::vector<ConnectRecord> inputs = this->Inputs();
  TransformationDriver transformation = this->Make();
  const std::vector<ConnectRecord> batch = transformation.Apply(inputs);
  std::vector<ConnectRecord> one_by_one;
  for (const ConnectRecord& record : inputs) {
    for (ConnectRecord& out : transformation.Apply({record})) one_by_one.push_back(std::move(out));
  }
  ASSERT_EQ(batch.size(), one_by_one.size());
  for (std::size_t i = 0; i < batch.size(); ++i) {
    EXPECT_THAT(batch[i], RecordEq(one_by_one[i])) << "output " << i << " differs";
  }
}

TYPED_TEST_P(TransformationConformanceTest, OutputsAreValidAgainstTheirSchemas) {
  for (const ConnectRecord& out : this->ApplyFresh(this->Inputs())) {
    SCOPED_TRACE(DebugString(out));
    if (out.key_schema != nullptr) {
      EXPECT_NO_THROW(ValidateValue(*out.key_schema, out.key))
          << "the key does not match its schema " << DebugString(out.key_schema);
    }
    if (out.value_schema != nullptr) {
      EXPECT_NO_THROW(ValidateValue(*out.value_schema, out.value))
          << "the value does not match its schema " << DebugString(out.value_schema);
    }
    for (const Header& header : out.headers) {
      if (header.schema != nullptr) {
        EXPECT_NO_THROW(ValidateValue(*header.schema, header.value)) << "header " << header.key;
      }
    }
  }
}

TYPED_TEST_P(TransformationConformanceTest, HandlesTombstonesAsDeclared) {
  ConnectRecord tombstone = this->Inputs().front();
  tombstone.value_schema = nullptr;
  tombstone.value = Value();
  TransformationDriver transformation = this->Make();
  try {
    const std::vector<ConnectRecord> out = transformation.Apply({tombstone});
    switch (TypeParam::kTombstones) {
      case TombstonePolicy::kPassThrough:
        ASSERT_EQ(out.size(), 1u) << "the tombstone was dropped";
        EXPECT_THAT(out[0], RecordEq(tombstone)) << "the tombstone was changed";
        break;
      case TombstonePolicy::kDrop:
        EXPECT_TRUE(out.empty()) << "the tombstone was kept: " << DebugString(out[0]);
        break;
      case TombstonePolicy::kTransform:
        EXPECT_EQ(out.size(), 1u);
        break;
      case TombstonePolicy::kReject:
        ADD_FAILURE() << "the tombstone was accepted";
        break;
    }
  } catch (const host::AbiError& e) {
    EXPECT_EQ(TypeParam::kTombstones, TombstonePolicy::kReject)
        << "the tombstone was rejected: " << e.what();
    EXPECT_EQ(e.code(), CK_ERROR_DATA) << e.what();
    EXPECT_FALSE(std::string(e.what()).empty());
  }
  // The transformation still works after the tombstone.
  EXPECT_NO_THROW(transformation.Apply(this->Inputs()));
}

TYPED_TEST_P(TransformationConformanceTest, NullKeysAndNullValuesNeverCrashIt) {
  std::vector<ConnectRecord> odd;
  for (const ConnectRecord& record : this->Inputs()) {
    ConnectRecord no_key = record;
    no_key.key_schema = nullptr;
    no_key.key = Value();
    odd.push_back(std::move(no_key));
    ConnectRecord nothing = record;
    nothing.key_schema = nullptr;
    nothing.key = Value();
    nothing.value_schema = nullptr;
    nothing.value = Value();
    odd.push_back(std::move(nothing));
  }
  TransformationDriver transformation = this->Make();
  for (const ConnectRecord& record : odd) {
    SCOPED_TRACE(DebugString(record));
    try {
      transformation.Apply({record});
    } catch (const host::AbiError& e) {
      // Refusing is fine; it has to be a DataError with a reason, not a crash or a bug.
      EXPECT_EQ(e.code(), CK_ERROR_DATA) << e.what();
      EXPECT_FALSE(std::string(e.what()).empty());
    }
  }
}

REGISTER_TYPED_TEST_SUITE_P(TransformationConformanceTest,
                            TransformsEveryRecordAndLeavesItsInputAlone,
                            KeepsNoStateBetweenRecordsOrCalls, ABatchIsTheRecordsOneByOne,
                            OutputsAreValidAgainstTheirSchemas, HandlesTombstonesAsDeclared,
                            NullKeysAndNullValuesNeverCrashIt);

#endif  // CK_DOXYGEN

}  // namespace ck::testkit
