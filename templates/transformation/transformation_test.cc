// Unit tests of the example transformation through the testkit's FakeHost: string values, a struct
// field, tombstones, and the errors for values it cannot change.
#include "transformation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ck/abi/ck_abi.h"
#include "ck/host/host_support.h"
#include "ck/schema.h"
#include "ck/testkit/fake_host.h"
#include "ck/value.h"

namespace __NAMESPACE__ {
namespace {

using ::testing::HasSubstr;

ck::ConnectRecord Record(ck::SchemaPtr schema, ck::Value value) {
  ck::ConnectRecord r;
  r.topic = "events";
  r.value_schema = std::move(schema);
  r.value = std::move(value);
  return r;
}

class __CLASS__Test : public ::testing::Test {
 protected:
  void SetUp() override { host_.Load(ck_plugin_entry_v1()); }
  ck::testkit::FakeHost host_;
};

TEST_F(__CLASS__Test, UpperCasesStringValuesAndKeepsTombstones) {
  ck::testkit::TransformationDriver smt = host_.CreateTransformation(kTransformationClass);
  smt.Configure({});
  const std::vector<ck::ConnectRecord> out =
      smt.Apply({Record(ck::Schema::String(), "hello, world 1"),
                 Record(ck::Schema::OptionalString(), nullptr)});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].value.as_string(), "HELLO, WORLD 1");
  EXPECT_EQ(out[0].topic, "events");
  EXPECT_TRUE(out[1].value.is_null());
}

TEST_F(__CLASS__Test, UpperCasesOneFieldOfAStruct) {
  const ck::SchemaPtr schema = ck::SchemaBuilder::struct_()
                                   .name("com.example.User")
                                   .field("name", ck::Schema::String())
                                   .field("city", ck::Schema::String())
                                   .build();
  ck::Struct user(schema);
  user.put("name", "ada").put("city", "london");
  ck::testkit::TransformationDriver smt = host_.CreateTransformation(kTransformationClass);
  smt.Configure({{kFieldConfig, "city"}});
  const std::vector<ck::ConnectRecord> out = smt.Apply({Record(schema, user)});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].value.as_struct().get_string("city"), "LONDON");
  EXPECT_EQ(out[0].value.as_struct().get_string("name"), "ada");
}

TEST_F(__CLASS__Test, ValuesItCannotChangeAreDataErrors) {
  ck::testkit::TransformationDriver smt = host_.CreateTransformation(kTransformationClass);
  smt.Configure({});
  try {
    smt.Apply({Record(ck::Schema::Int32(), int32_t{7})});
    FAIL() << "expected a DataError";
  } catch (const ck::host::AbiError& e) {
    EXPECT_THAT(e.what(), HasSubstr("int32"));
  }
}

}  // namespace
}  // namespace __NAMESPACE__
