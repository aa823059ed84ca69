// Integration test of MariaDbServer against a real MariaDB 10.11 (Debian's mariadb-server): the
// local server writes a row-based binary log with GTIDs (what a CDC source reads), the test user
// may replicate, committed rows survive a clean restart and SIGKILL + crash recovery, a server
// that cannot start is reported with its command line and log, and an external server named by
// CK_TEST_MARIADB_URL wins.
//
// These tests exercise the backends themselves, so they clear CK_TEST_MARIADB_URL first. They
// never skip: without MariaDB, MariaDbServer::Start throws and the test fails saying why.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "ck/testkit/mariadb_server.h"

namespace ck::testkit {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

constexpr char kUrlEnv[] = "CK_TEST_MARIADB_URL";

long Ms(std::chrono::steady_clock::duration d) {
  return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(d).count());
}

class MariaDbServerTest : public ::testing::Test {
 protected:
  // Each test here chooses its backend: no shared server (CK_TEST_SERVICES) either.
  void SetUp() override {
    ::unsetenv(kUrlEnv);
    ::unsetenv("CK_TEST_SERVICES");
  }
  void TearDown() override { ::unsetenv(kUrlEnv); }
};

TEST_F(MariaDbServerTest, LocalServerLogsRowsWithGtidsAndKeepsDataAcrossRestartAndCrash) {
  auto t0 = std::chrono::steady_clock::now();
  std::unique_ptr<MariaDbServer> db = MariaDbServer::Start();
  std::printf("[ timing ] local MariaDB start (install-db + launch + ready): %ld ms\n",
              Ms(std::chrono::steady_clock::now() - t0));
  ASSERT_EQ(db->backend(), ServiceBackend::kLocal);
  ASSERT_TRUE(db->running());
  EXPECT_EQ(db->host(), "127.0.0.1");
  EXPECT_GT(db->port(), 0);
  EXPECT_FALSE(db->socket_path().empty());
  const int port = db->port();

  SqlResult settings = db->Execute(
      "SELECT @@binlog_format, @@binlog_row_image, @@log_bin, @@gtid_strict_mode, @@server_id");
  ASSERT_EQ(settings.rows.size(), 1u);
  EXPECT_EQ(settings.rows[0], (SqlResult::Row{"ROW", "FULL", "1", "1", "1"}));
  EXPECT_EQ(db->Execute("SELECT DATABASE()").Scalar(), "connectkit");
  EXPECT_EQ(db->Execute("SELECT CURRENT_USER()").Scalar(), "connectkit@%");
  SqlResult grants = db->Execute("SHOW GRANTS");
  ASSERT_FALSE(grants.rows.empty());
  EXPECT_THAT(grants.rows[0][0].value_or(""), HasSubstr("GRANT ALL PRIVILEGES ON *.*"));
  EXPECT_FALSE(db->Execute("SHOW BINARY LOGS").rows.empty());

  // The testkit's own setup (user, grants, database) is in the binary log too.
  std::string gtid = db->Execute("SELECT @@gtid_binlog_pos").Scalar();
  ASSERT_THAT(gtid, MatchesRegex("0-1-[0-9]+"));
  const long setup_transactions = std::stol(gtid.substr(4));
  const std::string after_two = "0-1-" + std::to_string(setup_transactions + 2);

  db->Execute("CREATE TABLE orders (id INT PRIMARY KEY, item TEXT)");
  EXPECT_EQ(
      db->Execute("INSERT INTO orders VALUES (1, 'apple'), (2, NULL), (3, 'pear')").affected_rows,
      3);
  SqlResult rows = db->Execute("SELECT id, item FROM orders ORDER BY id");
  ASSERT_EQ(rows.rows.size(), 3u);
  EXPECT_EQ(rows.rows[1][1], std::nullopt);
  EXPECT_EQ(rows.rows[2][1], "pear");
  // Two more transactions (CREATE, INSERT), each with a GTID in domain 0 of server 1.
  EXPECT_EQ(db->Execute("SELECT @@gtid_binlog_pos").Scalar(), after_two);
  // Several statements: the last one's result comes back.
  EXPECT_EQ(db->Execute("SET @x = 41; SELECT @x + 1").Scalar(), "42");

  auto t1 = std::chrono::steady_clock::now();
  db->Restart();
  std::printf("[ timing ] local MariaDB restart: %ld ms\n",
              Ms(std::chrono::steady_clock::now() - t1));
  EXPECT_EQ(db->port(), port);
  EXPECT_EQ(db->Execute("SELECT COUNT(*) FROM orders").Scalar(), "3");
  EXPECT_EQ(db->Execute("SELECT @@gtid_binlog_pos").Scalar(), after_two);

  // Committed before the crash, so present after crash recovery, binary log included.
  db->Execute("INSERT INTO orders VALUES (4, 'plum')");
  db->Kill();
  EXPECT_FALSE(db->running());
  EXPECT_THROW(db->Execute("SELECT 1"), std::runtime_error);
  auto t2 = std::chrono::steady_clock::now();
  db->Restart();
  std::printf("[ timing ] local MariaDB start after SIGKILL (crash recovery): %ld ms\n",
              Ms(std::chrono::steady_clock::now() - t2));
  EXPECT_TRUE(db->running());
  EXPECT_EQ(db->Execute("SELECT COUNT(*) FROM orders").Scalar(), "4");
  EXPECT_EQ(db->Execute("SELECT @@gtid_binlog_pos").Scalar(),
            "0-1-" + std::to_string(setup_transactions + 3));

  db->Stop();
  EXPECT_FALSE(db->running());
  db->Stop();  // no-op
}

TEST_F(MariaDbServerTest, ServerThatCannotStartFailsWithCommandLineAndLog) {
  try {
    MariaDbServer::Start(
        {.start_timeout = std::chrono::seconds(30), .settings = {{"binlog-format", "SIDEWAYS"}}});
    FAIL() << "Start succeeded with binlog_format=SIDEWAYS";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("MariaDbServer (local)"));
    EXPECT_THAT(e.what(), HasSubstr("--binlog-format=SIDEWAYS"));  // the command line
    EXPECT_THAT(e.what(), HasSubstr("binlog-format"));             // the log
    EXPECT_THAT(e.what(), HasSubstr("mariadb.log"));
  }
}

TEST_F(MariaDbServerTest, MissingProgramsFailNamingPackageAndSetup) {
  try {
    MariaDbServer::Start({.sbin_dir = "/nonexistent/sbin"});
    FAIL() << "Start succeeded without mariadbd";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("mariadb-server"));
    EXPECT_THAT(e.what(), HasSubstr("./ck setup"));
    EXPECT_THAT(e.what(), HasSubstr("/nonexistent/sbin/mariadbd"));
  }
}

// One local server (with its own user and database) serves two checks, to spare an install-db.
TEST_F(MariaDbServerTest, SqlErrorsNameTheStatementAndExternalServerWinsWhenUrlIsSet) {
  std::unique_ptr<MariaDbServer> local =
      MariaDbServer::Start({.user = "author", .password = "p@ss:word", .database = "shop"});
  EXPECT_EQ(local->Execute("SELECT CONCAT(CURRENT_USER(), ' ', DATABASE())").Scalar(),
            "author@% shop");
  try {
    local->Execute("SELECT * FROM no_such_table");
    FAIL() << "a query of a missing table succeeded";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("SELECT * FROM no_such_table"));
    EXPECT_THAT(e.what(), HasSubstr("doesn't exist"));
  }
  EXPECT_EQ(local->Execute("SELECT 1").Scalar(), "1");  // the connection survives an error

  local->Execute("CREATE TABLE shared (v TEXT); INSERT INTO shared VALUES ('x')");
  std::string url =
      "mariadb://author:p%40ss%3Aword@127.0.0.1:" + std::to_string(local->port()) + "/shop";
  ::setenv(kUrlEnv, url.c_str(), 1);

  std::unique_ptr<MariaDbServer> db = MariaDbServer::Start();
  EXPECT_EQ(db->backend(), ServiceBackend::kExternal);
  EXPECT_EQ(db->host(), "127.0.0.1");
  EXPECT_EQ(db->port(), local->port());
  EXPECT_EQ(db->user(), "author");
  EXPECT_EQ(db->password(), "p@ss:word");
  // A database of its own, created on the shared server and dropped at the end.
  const std::string own = db->database();
  EXPECT_THAT(own, testing::StartsWith("ck_"));
  EXPECT_EQ(local->Execute("SHOW DATABASES LIKE '" + own + "'").Scalar(), own);
  EXPECT_TRUE(db->log_path().empty());
  EXPECT_THROW(db->Execute("SELECT v FROM shared"), std::runtime_error);
  EXPECT_EQ(db->Execute("SELECT v FROM shop.shared").Scalar(), "x");
  db->Execute("CREATE TABLE mine (v INT)");
  {
    std::unique_ptr<MariaDbServer> other = MariaDbServer::Start();
    EXPECT_NE(other->database(), own);
    EXPECT_THROW(other->Execute("SELECT v FROM mine"), std::runtime_error);
  }
  EXPECT_THROW(db->Stop(), std::logic_error);
  EXPECT_THROW(db->Kill(), std::logic_error);
  EXPECT_THROW(db->Restart(), std::logic_error);
  db.reset();
  EXPECT_TRUE(local->Execute("SHOW DATABASES LIKE '" + own + "'").rows.empty());

  ::setenv(kUrlEnv, "127.0.0.1:3306", 1);
  EXPECT_THROW(MariaDbServer::Start(), std::invalid_argument);
  ::unsetenv(kUrlEnv);
  EXPECT_THROW(MariaDbServer::Start({.backend = ServiceBackend::kExternal}), std::invalid_argument);
}

}  // namespace
}  // namespace ck::testkit
