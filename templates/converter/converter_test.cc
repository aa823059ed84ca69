// Unit tests of the example converter through the testkit's FakeHost: text with the prefix both
// ways, nulls, and the error for values it cannot write.
#include "converter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ck/abi/ck_abi.h"
#include "ck/host/host_support.h"
#include "ck/schema.h"
#include "ck/testkit/fake_host.h"

namespace __NAMESPACE__ {
namespace {

using ::testing::HasSubstr;

ck::Bytes BytesOf(const std::string& text) { return ck::Bytes(text.begin(), text.end()); }

class __CLASS__ConverterTest : public ::testing::Test {
 protected:
  void SetUp() override { host_.Load(ck_plugin_entry_v1()); }
  ck::testkit::FakeHost host_;
};

TEST_F(__CLASS__ConverterTest, WritesPrefixedTextAndReadsItBack) {
  ck::testkit::ConverterDriver converter = host_.CreateConverter(kConverterClass);
  converter.Configure({{kPrefixConfig, "v1:"}}, /*is_key=*/false);
  EXPECT_EQ(converter.FromConnect("t", {ck::Schema::String(), "hello"}), BytesOf("v1:hello"));
  EXPECT_EQ(converter.FromConnect("t", {ck::Schema::Int64(), int64_t{-42}}), BytesOf("v1:-42"));
  EXPECT_EQ(converter.FromConnect("t", {ck::Schema::Boolean(), true}), BytesOf("v1:true"));
  const ck::SchemaAndValue back = converter.ToConnect("t", BytesOf("v1:hello"));
  EXPECT_EQ(back.value.as_string(), "hello");
  EXPECT_EQ(back.schema->type(), ck::Type::kString);
  EXPECT_EQ(converter.ToConnect("t", BytesOf("plain")).value.as_string(), "plain");
}

TEST_F(__CLASS__ConverterTest, NullStaysNull) {
  ck::testkit::ConverterDriver converter = host_.CreateConverter(kConverterClass);
  converter.Configure({}, /*is_key=*/true);
  EXPECT_EQ(converter.FromConnect("t", {ck::Schema::OptionalString(), nullptr}), std::nullopt);
  EXPECT_TRUE(converter.ToConnect("t", std::nullopt).value.is_null());
}

TEST_F(__CLASS__ConverterTest, OtherTypesAreDataErrors) {
  ck::testkit::ConverterDriver converter = host_.CreateConverter(kConverterClass);
  converter.Configure({}, /*is_key=*/false);
  try {
    converter.FromConnect("t", {ck::Schema::Float64(), 1.5});
    FAIL() << "expected a DataError";
  } catch (const ck::host::AbiError& e) {
    EXPECT_THAT(e.what(), HasSubstr("float64"));
  }
}

}  // namespace
}  // namespace __NAMESPACE__
