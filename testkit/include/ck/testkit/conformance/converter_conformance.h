/// @file
/// The converter conformance suite: a typed GoogleTest suite that drives a converter through the
/// plugin ABI (FakeHost, no runtime, no Kafka) and checks Kafka Connect's Converter contract: every
/// schema type round-trips, null and tombstones are null both ways, malformed bytes and values
/// that do not match their schema fail with a DataError that says why, and conversion is
/// deterministic.
///
/// @code
/// #include "ck/testkit/conformance/converter_conformance.h"
///
/// struct MyConverter {
///   static const ck_plugin* Plugin() { return ck_plugin_entry_v1(); }
///   static std::string ClassName() { return "io.example.MyConverter"; }
///   static ck::ConfigMap Config() { return {}; }
///   static std::vector<std::string> MalformedInputs() { return {"{", "\xff"}; }
/// };
/// INSTANTIATE_TYPED_TEST_SUITE_P(Mine, ConverterConformanceTest, ::testing::Types<MyConverter>);
/// @endcode
///
/// The adapter's members:
/// - `static const ck_plugin* Plugin()`: the plugin descriptor holding the converter (its
///   `ck_plugin_entry_v1()`, linked into the test).
/// - `static std::string ClassName()`: the converter's class name.
/// - `static ConfigMap Config()`: its settings (the suite configures it as a value converter, and
///   as a key converter for the key test).
/// - `static std::vector<std::string> MalformedInputs()`: bytes it must refuse (at least one).
/// - optional `static constexpr bool kPreservesSchemas`: true (the default) when what comes back
///   equals what went in, schema included (e.g. JsonConverter with `schemas.enable=true`). When
///   false (schemaless formats), the suite checks that what it reads back is a fixed point: written
///   and read again, it comes back unchanged.
///
/// The samples cover every schema type: the nine primitives (extremes included), optional nulls,
/// arrays, maps with string and non-string keys, nested structs with optional fields, arrays of
/// structs, the logical types Decimal, Date, Time and Timestamp, and schema names, versions, docs
/// and parameters. Include this header in one source file per test binary.

#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "ck/abi/ck_abi.h"
#include "ck/host/host_support.h"
#include "ck/schema.h"
#include "ck/testkit/fake_host.h"
#include "ck/testkit/matchers.h"
#include "ck/value.h"

namespace ck::testkit {

/// A named sample of the converter suite: a schema and a value of it.
struct ConverterSample {
  std::string name;     ///< What the sample is, for failure messages.
  SchemaAndValue data;  ///< The schema and value.
};

/// The primitive samples: every primitive type, with extremes, and an optional null.
std::vector<ConverterSample> PrimitiveConverterSamples();
/// The container samples: arrays, maps (string and non-string keys), nested structs with optional
/// fields, arrays of structs, named and versioned schemas with docs and parameters.
std::vector<ConverterSample> ContainerConverterSamples();
/// The logical type samples: Decimal, Date, Time, Timestamp, alone and inside a struct.
std::vector<ConverterSample> LogicalConverterSamples();

/// The fixture of the converter conformance suite; `Adapter` as described in the file comment.
template <typename Adapter>
class ConverterConformanceTest : public ::testing::Test {
 protected:
  /// Whether a round trip gives back the schema and value as they were.
  static constexpr bool PreservesSchemas() {
    if constexpr (requires { Adapter::kPreservesSchemas; }) {
      return Adapter::kPreservesSchemas;
    } else {
      return true;
    }
  }

  /// Loads the adapter's plugin into the fake host.
  void SetUp() override { host_.Load(Adapter::Plugin()); }

  /// A new converter instance configured with the adapter's settings.
  ConverterDriver Make(bool is_key = false) {
    ConverterDriver converter = host_.CreateConverter(Adapter::ClassName());
    converter.Configure(Adapter::Config(), is_key);
    return converter;
  }

  /// Checks that `samples` come back as they went in (or, for a schemaless converter, that what
  /// comes back is a fixed point).
  void ExpectRoundTrips(const std::vector<ConverterSample>& samples, bool is_key = false) {
    ConverterDriver converter = Make(is_key);
    for (const ConverterSample& sample : samples) {
      SCOPED_TRACE(sample.name + ": " + DebugString(sample.data.schema) + " " +
                   DebugString(sample.data.value));
      std::optional<Bytes> bytes;
      try {
        bytes = converter.FromConnect("conformance", sample.data);
      } catch (const std::exception& e) {
        ADD_FAILURE() << "from_connect failed: " << e.what();
        continue;
      }
      ASSERT_TRUE(bytes.has_value()) << "a non-null value became a null (tombstone)";
      SchemaAndValue back;
      try {
        back = converter.ToConnect("conformance", bytes);
      } catch (const std::exception& e) {
        ADD_FAILURE() << "to_connect of its own output failed: " << e.what()
                      << "; bytes: " << std::string(bytes->begin(), bytes->end());
        continue;
      }
      if (PreservesSchemas()) {
        EXPECT_TRUE(SchemaEquals(back.schema, sample.data.schema))
            << "schema came back as " << DebugString(back.schema);
        EXPECT_EQ(back.value, sample.data.value)
            << "value came back as " << DebugString(back.value);
      } else {
        // Schemaless: what was read is a fixed point; writing and reading it again changes nothing.
        const SchemaAndValue again =
            converter.ToConnect("conformance", converter.FromConnect("conformance", back));
        EXPECT_TRUE(SchemaEquals(again.schema, back.schema))
            << DebugString(back.schema) << " came back as " << DebugString(again.schema);
        EXPECT_EQ(again.value, back.value)
            << DebugString(back.value) << " came back as " << DebugString(again.value);
      }
    }
  }

  FakeHost host_;  ///< The host the converter runs in.
};

#ifndef CK_DOXYGEN  // the tests themselves: GoogleTest macros, not API

TYPED_TEST_SUITE_P(ConverterConformanceTest);

TYPED_TEST_P(ConverterConformanceTest, RoundTripsEveryPrimitiveType) {
  this->ExpectRoundTrips(PrimitiveConverterSamples());
}

TYPED_TEST_P(ConverterConformanceTest, RoundTripsContainersAndStructs) {
  this->ExpectRoundTrips(ContainerConverterSamples());
}

TYPED_TEST_P(ConverterConformanceTest, RoundTripsLogicalTypes) {
  this->ExpectRoundTrips(LogicalConverterSamples());
}

TYPED_TEST_P(ConverterConformanceTest, RoundTripsAsAKeyConverter) {
  std::vector<ConverterSample> samples = PrimitiveConverterSamples();
  const std::vector<ConverterSample> containers = ContainerConverterSamples();
  samples.insert(samples.end(), containers.begin(), containers.end());
  this->ExpectRoundTrips(samples, /*is_key=*/true);
}

TYPED_TEST_P(ConverterConformanceTest, NullIsATombstoneBothWays) {
  ConverterDriver converter = this->Make();
  EXPECT_EQ(converter.FromConnect("conformance", SchemaAndValue{}), std::nullopt)
      << "a null value without a schema must be written as null (a tombstone)";
  const SchemaAndValue back = converter.ToConnect("conformance", std::nullopt);
  EXPECT_TRUE(back.value.is_null()) << "null bytes read as " << DebugString(back.value);
}

TYPED_TEST_P(ConverterConformanceTest, MalformedBytesFailWithADataErrorThatSaysWhy) {
  const std::vector<std::string> inputs = TypeParam::MalformedInputs();
  ASSERT_FALSE(inputs.empty()) << "the adapter must name at least one malformed input";
  ConverterDriver converter = this->Make();
  for (const std::string& input : inputs) {
    SCOPED_TRACE("input: " + input);
    try {
      const SchemaAndValue read =
          converter.ToConnect("conformance", Bytes(input.begin(), input.end()));
      ADD_FAILURE() << "accepted, read as " << DebugString(read.schema) << " "
                    << DebugString(read.value);
    } catch (const host::AbiError& e) {
      EXPECT_EQ(e.code(), CK_ERROR_DATA) << "not a DataError: " << e.what();
      EXPECT_GE(std::string(e.what()).size(), 10u) << "an unhelpful message: " << e.what();
      EXPECT_THAT(e.what(), ::testing::Not(::testing::HasSubstr("failed with status")))
          << "the converter gave no message";
    }
  }
  // The converter is still usable after refusing input.
  EXPECT_NO_THROW(converter.FromConnect("conformance", {Schema::Int32(), int32_t{1}}));
}

TYPED_TEST_P(ConverterConformanceTest, ValuesThatDoNotMatchTheirSchemaFailWithADataError) {
  ConverterDriver converter = this->Make();
  const std::vector<ConverterSample> wrong = {
      {"null for a required int32", {Schema::Int32(), Value()}},
      {"a struct missing a required field",
       {SchemaBuilder::struct_().name("Row").field("id", Schema::Int64()).build(),
        Struct(SchemaBuilder::struct_().name("Row").field("id", Schema::Int64()).build())}},
  };
  for (const ConverterSample& sample : wrong) {
    SCOPED_TRACE(sample.name);
    try {
      const std::optional<Bytes> bytes = converter.FromConnect("conformance", sample.data);
      ADD_FAILURE() << "accepted, wrote "
                    << (bytes ? std::string(bytes->begin(), bytes->end()) : "null");
    } catch (const host::AbiError& e) {
      EXPECT_EQ(e.code(), CK_ERROR_DATA) << e.what();
      EXPECT_FALSE(std::string(e.what()).empty());
    }
  }
}

TYPED_TEST_P(ConverterConformanceTest, ConversionIsDeterministic) {
  ConverterDriver first = this->Make();
  ConverterDriver second = this->Make();
  std::vector<ConverterSample> samples = ContainerConverterSamples();
  const std::vector<ConverterSample> logical = LogicalConverterSamples();
  samples.insert(samples.end(), logical.begin(), logical.end());
  for (const ConverterSample& sample : samples) {
    SCOPED_TRACE(sample.name);
    const std::optional<Bytes> a = first.FromConnect("conformance", sample.data);
    EXPECT_EQ(first.FromConnect("conformance", sample.data), a) << "the same instance differs";
    EXPECT_EQ(second.FromConnect("conformance", sample.data), a) << "another instance differs";
  }
}

REGISTER_TYPED_TEST_SUITE_P(ConverterConformanceTest, RoundTripsEveryPrimitiveType,
                            RoundTripsContainersAndStructs, RoundTripsLogicalTypes,
                            RoundTripsAsAKeyConverter, NullIsATombstoneBothWays,
                            MalformedBytesFailWithADataErrorThatSaysWhy,
                            ValuesThatDoNotMatchTheirSchemaFailWithADataError,
                            ConversionIsDeterministic);

#endif  // CK_DOXYGEN

}  // namespace ck::testkit
