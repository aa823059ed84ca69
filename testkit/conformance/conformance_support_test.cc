// The sequence ledger (the oracle of the conformance suites), range formatting, names per test and
// the readers of validation answers.
#include "ck/testkit/conformance/conformance_support.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace {

using ck::testkit::FormatRanges;
using ck::testkit::SequenceLedger;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(SequenceLedgerTest, FindsGapsAndDuplicatesPerStream) {
  SequenceLedger ledger;
  for (int64_t i = 0; i < 10; ++i) ledger.Add({"a", i});
  ledger.AddAll({{"a", 7}, {"a", 8}, {"b", 0}, {"b", 2}, {"b", 3}, {"b", 5}});
  EXPECT_THAT(ledger.streams(), ElementsAre("a", "b"));
  EXPECT_EQ(ledger.Distinct("a"), 10);
  EXPECT_EQ(ledger.Duplicates("a"), 2);
  EXPECT_THAT(ledger.Duplicated("a"), ElementsAre(7, 8));
  EXPECT_THAT(ledger.Missing("b", 7), ElementsAre(1, 4, 6));
  EXPECT_EQ(ledger.Min("b"), 0);
  EXPECT_EQ(ledger.Max("b"), 5);
  EXPECT_EQ(ledger.Min("c"), std::nullopt);
  EXPECT_TRUE(ledger.Contains("b", 3));
  EXPECT_FALSE(ledger.Contains("b", 4));

  EXPECT_TRUE(ledger.Complete({"a"}, 10));
  const testing::AssertionResult complete = ledger.Complete({"a", "b"}, 7);
  EXPECT_FALSE(complete);
  EXPECT_THAT(complete.message(), HasSubstr("stream 'b' misses 3 of 7: 1, 4, 6"));
  const testing::AssertionResult unique = ledger.NoDuplicates();
  EXPECT_FALSE(unique);
  EXPECT_THAT(unique.message(), HasSubstr("stream 'a' repeats 2 number(s): 7-8"));
  EXPECT_EQ(ledger.Summary(),
            "stream 'a': 10 distinct in 0..9, 2 duplicate(s); stream 'b': 4 distinct in 0..5, 0 "
            "duplicate(s)");
}

TEST(SequenceLedgerTest, FormatsRanges) {
  EXPECT_EQ(FormatRanges({}), "");
  EXPECT_EQ(FormatRanges({0, 1, 2, 5, 7, 8}), "0-2, 5, 7-8");
  EXPECT_EQ(FormatRanges({1, 3, 5, 7}, 2), "1, 3, ... (2 more)");
}

TEST(ConformanceSupportTest, UniqueNamesCarryTheTestName) {
  const std::string a = ck::testkit::UniqueTestName("src");
  const std::string b = ck::testkit::UniqueTestName("src");
  EXPECT_THAT(a, StartsWith("src-uniquenamescarrythetestname-"));
  EXPECT_NE(a, b);
}

TEST(ConformanceSupportTest, ValidationErrorsByKey) {
  const nlohmann::json infos = nlohmann::json::parse(R"({
    "error_count": 1,
    "configs": [
      {"definition": {"name": "topic"}, "value": {"name": "topic", "errors": ["Missing required configuration \"topic\""]}},
      {"definition": {"name": "file"}, "value": {"name": "file", "errors": []}}
    ]})");
  const auto errors = ck::testkit::ValidationErrors(infos);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_THAT(errors.at("topic"), ElementsAre(HasSubstr("Missing required")));
}

}  // namespace
