#include "testkit/services/service_url.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace ck::testkit::services_internal
