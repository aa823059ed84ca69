// Which topic.creation group claims a topic, and the errors for bad settings. Creating topics
// against a real broker is covered by //tests/e2e:standalone_kafka_it_test.
#include "runtime/worker/topic_creation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ck::runtime {
namespace {

using ::testing::HasSubstr;

TEST(TopicCreation, OffUnlessTheDefaultGroupIsComplete) {
  EXPECT_FALSE(TopicCreation::FromConfig({}, {{"topic.creation.default.partitions", "3"}}));
  EXPECT_FALSE(TopicCreation::FromConfig({{"topic.creation.enable", "false"}},
                                         {{"topic.creation.default.partitions", "3"},
                                          {"topic.creation.default.replication.factor", "1"}}));
  EXPECT_TRUE(TopicCreation::FromConfig({}, {{"topic.creation.default.partitions", "3"},
                                             {"topic.creation.default.replication.factor", "-1"}}));
}

TEST(TopicCreation, FirstMatchingGroupClaimsTheTopicElseDefault) {
  auto creation =
      TopicCreation::FromConfig({}, {{"topic.creation.default.partitions", "1"},
                                     {"topic.creation.default.replication.factor", "1"},
                                     {"topic.creation.groups", "inorder, audit"},
                                     {"topic.creation.inorder.include", "orders-.*, payments"},
                                     {"topic.creation.inorder.exclude", "orders-tmp.*"},
                                     {"topic.creation.inorder.partitions", "1"},
                                     {"topic.creation.audit.include", ".*"},
                                     {"topic.creation.audit.cleanup.policy", "compact"}});
  ASSERT_TRUE(creation);
  EXPECT_EQ(creation->GroupFor("orders-eu"), "inorder");
  EXPECT_EQ(creation->GroupFor("payments"), "inorder");
  EXPECT_EQ(creation->GroupFor("payments-2"), "audit");  // the whole name must match
  EXPECT_EQ(creation->GroupFor("orders-tmp1"), "audit");
}

TEST(TopicCreation, BadSettingsNameTheKeyAndValue) {
  try {
    TopicCreation::FromConfig({}, {{"topic.creation.default.partitions", "zero"},
                                   {"topic.creation.default.replication.factor", "1"}});
    FAIL();
  } catch (const ConfigFileError& e) {
    EXPECT_THAT(e.what(), HasSubstr("Invalid value zero for configuration "
                                    "topic.creation.default.partitions"));
  }
  EXPECT_THROW(TopicCreation::FromConfig({}, {{"topic.creation.default.partitions", "1"},
                                              {"topic.creation.default.replication.factor", "1"},
                                              {"topic.creation.groups", "g"}}),
               ConfigFileError);  // a listed group needs an include
}

}  // namespace
}  // namespace ck::runtime
