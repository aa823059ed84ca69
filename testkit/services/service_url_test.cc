#include "testkit/services/service_url.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

namespace ck::testkit::services_internal {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(ServiceUrlTest, ParsesEveryPartAndDecodesEscapes) {
  ServiceUrl url = ParseServiceUrl("CK_X", "mariadb://us%40er:p%3Ass@db.example:3307/shop%20db",
                                   {"mariadb", "mysql"}, 3306);
  EXPECT_EQ(url.scheme, "mariadb");
  EXPECT_EQ(url.user, "us@er");
  EXPECT_EQ(url.password, "p:ss");
  EXPECT_EQ(url.host, "db.example");
  EXPECT_EQ(url.port, 3307);
  EXPECT_EQ(url.path, "shop db");
}

TEST(ServiceUrlTest, DefaultsPortAndAllowsMissingParts) {
  ServiceUrl url = ParseServiceUrl("CK_X", "amqp://127.0.0.1", {"amqp"}, 5672);
  EXPECT_EQ(url.host, "127.0.0.1");
  EXPECT_EQ(url.port, 5672);
  EXPECT_TRUE(url.user.empty());
  EXPECT_TRUE(url.password.empty());
  EXPECT_TRUE(url.path.empty());
  EXPECT_EQ(ParseServiceUrl("CK_X", "amqp://[::1]:61616", {"amqp"}, 5672).host, "::1");
  EXPECT_EQ(ParseServiceUrl("CK_X", "amqp://u@h", {"amqp"}, 5672).user, "u");
}

TEST(ServiceUrlTest, RefusesBadValuesNamingVariableWithoutThePassword) {
  for (const char* bad :
       {"127.0.0.1:3306", "postgres://u:secret@h/db", "mysql://u:secret@:1/db",
        "mysql://u:secret@h:99999/db", "mysql://u:secret@h:x/db", "mysql://u:secret@h/db?ssl=1"}) {
    try {
      ParseServiceUrl("CK_TEST_MARIADB_URL", bad, {"mariadb", "mysql"}, 3306);
      ADD_FAILURE() << bad << " was accepted";
    } catch (const std::invalid_argument& e) {
      EXPECT_THAT(e.what(), AllOf(HasSubstr("CK_TEST_MARIADB_URL"), Not(HasSubstr("secret")),
                                  HasSubstr("(mariadb|mysql)://[user[:password]@]host[:port]")))
          << bad;
    }
  }
}

// The settings of a shared service set: CK_TEST_SERVICES names a file of VARIABLE=value lines.
class ExternalServiceSettingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    file_ = ::testing::TempDir() + "/services.env";
    ::setenv("CK_TEST_SERVICES", file_.c_str(), 1);
    ::unsetenv("CK_X_URL");
  }
  void TearDown() override {
    ::unsetenv("CK_TEST_SERVICES");
    ::unsetenv("CK_X_URL");
    for (const char* suffix : {"", ".pid", ".failed"}) std::remove((file_ + suffix).c_str());
  }
  void Write(const std::string& suffix, const std::string& text) const {
    std::ofstream(file_ + suffix) << text;
  }
  std::string file_;
};

TEST_F(ExternalServiceSettingTest, ReadsTheFileAndTheEnvironmentWins) {
  Write("", "CK_OTHER=1\nCK_X_URL=mariadb://127.0.0.1:3307/db\n");
  EXPECT_EQ(ExternalServiceSetting("CK_X_URL"), "mariadb://127.0.0.1:3307/db");
  EXPECT_EQ(ExternalServiceSetting("CK_ABSENT"), "");
  ::setenv("CK_X_URL", "mariadb://elsewhere/db", 1);
  EXPECT_EQ(ExternalServiceSetting("CK_X_URL"), "mariadb://elsewhere/db");
  ::unsetenv("CK_TEST_SERVICES");
  ::unsetenv("CK_X_URL");
  EXPECT_EQ(ExternalServiceSetting("CK_X_URL"), "");
}

TEST_F(ExternalServiceSettingTest, ASetThatFailedOrIsGoneFailsWithTheReason) {
  Write(".pid", std::to_string(::getpid()) + "\n");
  Write(".failed", "KafkaCluster (local): no `java` on PATH\n");
  EXPECT_THAT([] { ExternalServiceSetting("CK_X_URL"); },
              ::testing::ThrowsMessage<std::runtime_error>(
                  AllOf(HasSubstr("failed to start"), HasSubstr("no `java` on PATH"))));
  std::remove((file_ + ".failed").c_str());
  std::remove((file_ + ".pid").c_str());
  EXPECT_THAT(
      [] { ExternalServiceSetting("CK_X_URL"); },
      ::testing::ThrowsMessage<std::runtime_error>(AllOf(
          HasSubstr("no shared test services are running"), HasSubstr("unset CK_TEST_SERVICES"))));
}

TEST(UniqueDatabaseNameTest, NamesCarryTheProcessAndNeverRepeat) {
  const std::string prefix = "ck_" + std::to_string(::getpid()) + "_";
  const std::string a = UniqueDatabaseName();
  const std::string b = UniqueDatabaseName();
  EXPECT_THAT(a, ::testing::StartsWith(prefix));
  EXPECT_THAT(b, ::testing::StartsWith(prefix));
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace ck::testkit::services_internal
