// ErrorHandler: retries of retriable failures within errors.retry.timeout, tolerance, counters,
// and the errors.* settings it refuses.
#include "runtime/worker/error_handler.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ck/host/host_support.h"

namespace ck::runtime {
namespace {

using ::testing::HasSubstr;

Failure Describe(const std::exception& e) {
  return FailureOf(Stage::kValueConverter, "test.Converter", e);
}

ErrorHandler Handler(const Properties& config) {
  return ErrorHandler(ErrorPolicy::FromConfig(config, true, "connector t"), "t", 0, {});
}

TEST(ErrorHandlerTest, RetriesRetriableFailuresWithinTheTimeout) {
  ErrorHandler handler =
      Handler({{"errors.retry.timeout", "5000"}, {"errors.retry.delay.max.ms", "5"}});
  int calls = 0;
  EXPECT_TRUE(handler.Execute(
      [&] {
        if (++calls < 3) throw host::AbiError(CK_ERROR_CONNECT, CK_ERROR_FLAG_RETRIABLE, "busy");
      },
      Describe, nullptr));
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(handler.counters().retries, 2);
  EXPECT_EQ(handler.counters().record_errors, 0);
}

TEST(ErrorHandlerTest, WithoutToleranceTheFirstFailureFailsTheTaskNamingStageAndClass) {
  ErrorHandler handler = Handler({});
  int calls = 0;
  try {
    handler.Execute(
        [&] {
          ++calls;
          throw host::AbiError(CK_ERROR_DATA, 0, "bad byte at 3");
        },
        Describe, nullptr);
    FAIL();
  } catch (const ToleranceExceeded& e) {
    EXPECT_THAT(e.what(), HasSubstr("Tolerance exceeded in error handler"));
    EXPECT_THAT(e.what(), HasSubstr("VALUE_CONVERTER"));
    EXPECT_THAT(e.what(), HasSubstr("test.Converter"));
    EXPECT_THAT(e.what(), HasSubstr("org.apache.kafka.connect.errors.DataException"));
    EXPECT_THAT(e.what(), HasSubstr("bad byte at 3"));
  }
  EXPECT_EQ(calls, 1);  // errors.retry.timeout=0: no retry
  EXPECT_EQ(handler.counters().record_errors, 1);
}

TEST(ErrorHandlerTest, ToleratedFailuresAreSkippedAndCounted) {
  ErrorHandler handler = Handler({{"errors.tolerance", "all"}, {"errors.log.enable", "true"}});
  for (int i = 0; i < 3; ++i) {
    EXPECT_FALSE(handler.Execute([] { throw std::runtime_error("nope"); }, Describe, nullptr));
  }
  EXPECT_EQ(handler.counters().records_skipped, 3);
  EXPECT_EQ(handler.counters().errors_logged, 3);
  EXPECT_GT(handler.counters().last_error_timestamp, 0);
  EXPECT_TRUE(handler.Flush(std::chrono::milliseconds(10)));  // no dead-letter queue: nothing
}

TEST(ErrorHandlerTest, RefusesBadSettingsNamingKeyAndValue) {
  auto error_of = [](const Properties& config, bool sink) {
    try {
      ErrorPolicy::FromConfig(config, sink, "connector t");
    } catch (const ConfigFileError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_THAT(error_of({{"errors.tolerance", "some"}}, true),
              HasSubstr("Invalid value some for configuration errors.tolerance"));
  EXPECT_THAT(error_of({{"errors.retry.timeout", "-2"}}, true), HasSubstr("errors.retry.timeout"));
  EXPECT_THAT(error_of({{"errors.log.enable", "yes"}}, true),
              HasSubstr("Expected value to be either true or false"));
  EXPECT_THAT(error_of({{"errors.deadletterqueue.topic.name", "dlq"}}, false),
              HasSubstr("sink connectors only"));
  EXPECT_THAT(error_of({{"topics", "a, dlq"}, {"errors.deadletterqueue.topic.name", "dlq"}}, true),
              HasSubstr("cannot be one of 'topics'"));
  EXPECT_EQ(error_of({{"errors.retry.timeout", "-1"}, {"errors.tolerance", "all"}}, true), "");
}

}  // namespace
}  // namespace ck::runtime
