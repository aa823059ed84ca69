// Proves that the source and sink conformance suites catch broken connectors: runs chosen checks
// of broken_connectors_conformance (the suites instantiated on the fixtures of
// testkit/fixtures/broken-connectors) once, and asserts from GoogleTest's JSON report that each
// fixture fails the check matching its fault with a message saying what went wrong, while a check
// its fault does not touch passes (so the failure is the fault's, not the fixture's set-up).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace {

using testing::HasSubstr;

constexpr char kBinary[] = "tests/conformance/broken_connectors_conformance";

const std::string kSkip = "SkipOnRestartSource/SourceConformanceTest/0.";
const std::string kLeak = "ThreadLeakSource/SourceConformanceTest/0.";
const std::string kEarly = "EarlyCommitSink/SinkConformanceTest/0.";

const std::string kSkipCheck = kSkip + "GracefulRestartResumesExactlyAtTheCommittedOffset";
const std::string kLeakCheck = kLeak + "RepeatedStartStopCyclesLeakNothing";
const std::string kEarlyCheck = kEarly + "CommittedOffsetsNeverPassWhatTheSinkHolds";
const std::string kSkipControl = kSkip + "DeliversEveryRecordOnceWithMonotonicJsonOffsets";
const std::string kLeakControl = kLeak + "DeliversEveryRecordOnceWithMonotonicJsonOffsets";
const std::string kEarlyControl = kEarly + "WritesEveryRecordOnceAndCommitsWhatItWrote";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class BrokenConnectorsTest : public testing::Test {
 protected:
  // One run of the binary for every test here: it starts Kafka once.
  static void SetUpTestSuite() {
    const std::string dir = testing::TempDir();
    const std::string report = dir + "/broken_connectors.json";
    const std::string log = dir + "/broken_connectors.log";
    const std::string filter = kSkipCheck + ":" + kLeakCheck + ":" + kEarlyCheck + ":" +
                               kSkipControl + ":" + kLeakControl + ":" + kEarlyControl;
    const std::string command = std::string(kBinary) + " --gtest_filter='" + filter +
                                "' --gtest_output=json:" + report + " >" + log + " 2>&1";
    const int status = std::system(command.c_str());
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    output_ = new std::string(ReadFile(log));
    results_ = new std::map<std::string, std::vector<std::string>>();
    const nlohmann::json json = nlohmann::json::parse(ReadFile(report), nullptr, false);
    for (const nlohmann::json& suite : json.value("testsuites", nlohmann::json::array())) {
      for (const nlohmann::json& test : suite.value("testsuite", nlohmann::json::array())) {
        std::vector<std::string>& failures =
            (*results_)[suite.value("name", "") + "." + test.value("name", "")];
        for (const nlohmann::json& f : test.value("failures", nlohmann::json::array())) {
          failures.push_back(f.value("failure", ""));
        }
      }
    }
  }

  static void TearDownTestSuite() {
    delete output_;
    delete results_;
  }

  // All failure messages of `test`, asserting that it ran and failed.
  static std::string FailuresOf(const std::string& test) {
    const auto it = results_->find(test);
    if (it == results_->end()) {
      ADD_FAILURE() << test << " did not run; the binary said:\n" << *output_;
      return "";
    }
    EXPECT_FALSE(it->second.empty()) << test << " passed on a broken connector";
    std::string all;
    for (const std::string& f : it->second) all += f + "\n";
    std::printf("%s failed, as it should:\n%s", test.c_str(), all.c_str());
    return all;
  }

  static void ExpectPassed(const std::string& test) {
    const auto it = results_->find(test);
    ASSERT_NE(it, results_->end()) << test << " did not run; the binary said:\n" << *output_;
    EXPECT_TRUE(it->second.empty()) << test << " failed:\n" << it->second.front();
  }

  static int exit_code_;
  static std::string* output_;
  static std::map<std::string, std::vector<std::string>>* results_;
};

int BrokenConnectorsTest::exit_code_ = 0;
std::string* BrokenConnectorsTest::output_ = nullptr;
std::map<std::string, std::vector<std::string>>* BrokenConnectorsTest::results_ = nullptr;

TEST_F(BrokenConnectorsTest, TheRunFailsAndEveryChosenCheckRan) {
  EXPECT_EQ(exit_code_, 1) << *output_;
  EXPECT_EQ(results_->size(), 6u) << *output_;
}

TEST_F(BrokenConnectorsTest, SourceThatSkipsABatchOnRestartFailsTheRestartCheck) {
  const std::string failures = FailuresOf(kSkipCheck);
  EXPECT_THAT(failures, HasSubstr("of stream '' are missing: the connector resumed at"));
  EXPECT_THAT(failures, HasSubstr("past its committed offset"));
  ExpectPassed(kSkipControl);
}

TEST_F(BrokenConnectorsTest, SourceThatLeaksAThreadPerStartFailsTheLeakCheck) {
  const std::string failures = FailuresOf(kLeakCheck);
  EXPECT_THAT(failures, HasSubstr("more thread(s) than before the cycles"));
  EXPECT_THAT(failures, HasSubstr("threads leak"));
  ExpectPassed(kLeakControl);
}

TEST_F(BrokenConnectorsTest, SinkThatCommitsBeforeWritingFailsTheCommittedOffsetCheck) {
  const std::string failures = FailuresOf(kEarlyCheck);
  EXPECT_THAT(failures, HasSubstr("was committed, but the sink does not hold records"));
  EXPECT_THAT(failures, HasSubstr("before they were written"));
  ExpectPassed(kEarlyControl);
}

}  // namespace
