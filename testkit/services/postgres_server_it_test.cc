// Integration test of PostgresServer against a real PostgreSQL 15 (Debian's postgresql-15): the
// local server is set up for logical replication (wal_level, a pgoutput slot, a replication
// connection), keeps committed rows across a clean restart and across SIGKILL + crash recovery,
// reports a server that cannot start with its command line and log, and yields to an external
// server named by CK_TEST_POSTGRES_URL.
//
// These tests exercise the backends themselves, so they clear CK_TEST_POSTGRES_URL first. They
// never skip: without PostgreSQL, PostgresServer::Start throws and the test fails saying why.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <postgresql/libpq-fe.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "ck/testkit/postgres_server.h"

namespace ck::testkit {
namespace {

using ::testing::HasSubstr;

constexpr char kUrlEnv[] = "CK_TEST_POSTGRES_URL";

long Ms(std::chrono::steady_clock::duration d) {
  return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(d).count());
}

class PostgresServerTest : public ::testing::Test {
 protected:
  // Each test here chooses its backend: no shared server (CK_TEST_SERVICES) either.
  void SetUp() override {
    ::unsetenv(kUrlEnv);
    ::unsetenv("CK_TEST_SERVICES");
  }
  void TearDown() override { ::unsetenv(kUrlEnv); }
};

TEST_F(PostgresServerTest, LocalServerReplicatesLogicallyAndKeepsDataAcrossRestartAndCrash) {
  auto t0 = std::chrono::steady_clock::now();
  std::unique_ptr<PostgresServer> pg = PostgresServer::Start();
  std::printf("[ timing ] local PostgreSQL start (initdb + launch + ready): %ld ms\n",
              Ms(std::chrono::steady_clock::now() - t0));
  ASSERT_EQ(pg->backend(), ServiceBackend::kLocal);
  ASSERT_TRUE(pg->running());
  EXPECT_EQ(pg->host(), "127.0.0.1");
  EXPECT_GT(pg->port(), 0);
  EXPECT_THAT(pg->conninfo(), HasSubstr("port=" + std::to_string(pg->port())));
  EXPECT_FALSE(pg->socket_dir().empty());
  const int port = pg->port();

  EXPECT_EQ(pg->Execute("SHOW wal_level").Scalar(), "logical");
  EXPECT_EQ(pg->Execute("SELECT current_user").Scalar(), "connectkit");
  EXPECT_EQ(pg->Execute("SELECT current_database()").Scalar(), "connectkit");
  EXPECT_EQ(pg->Execute("SELECT rolsuper AND rolreplication FROM pg_roles "
                        "WHERE rolname = current_user")
                .Scalar(),
            "t");
  SqlResult slot = pg->Execute(
      "SELECT slot_name, lsn IS NOT NULL FROM "
      "pg_create_logical_replication_slot('ck_slot', 'pgoutput')");
  ASSERT_EQ(slot.rows.size(), 1u);
  EXPECT_EQ(slot.columns, (std::vector<std::string>{"slot_name", "?column?"}));
  EXPECT_EQ(slot.rows[0][0], "ck_slot");

  // A walsender connection, as a CDC source opens it.
  PGconn* replication = PQconnectdb((pg->conninfo() + " replication=database").c_str());
  ASSERT_EQ(PQstatus(replication), CONNECTION_OK) << PQerrorMessage(replication);
  PGresult* system = PQexec(replication, "IDENTIFY_SYSTEM");
  EXPECT_EQ(PQresultStatus(system), PGRES_TUPLES_OK) << PQresultErrorMessage(system);
  EXPECT_EQ(PQntuples(system), 1);
  PQclear(system);
  PQfinish(replication);

  pg->Execute("CREATE TABLE orders (id int PRIMARY KEY, item text)");
  EXPECT_EQ(
      pg->Execute("INSERT INTO orders VALUES (1, 'apple'), (2, NULL), (3, 'pear')").affected_rows,
      3);
  SqlResult rows = pg->Execute("SELECT id, item FROM orders ORDER BY id");
  ASSERT_EQ(rows.rows.size(), 3u);
  EXPECT_EQ(rows.rows[1][1], std::nullopt);
  EXPECT_EQ(rows.rows[2][1], "pear");

  auto t1 = std::chrono::steady_clock::now();
  pg->Restart();
  std::printf("[ timing ] local PostgreSQL restart: %ld ms\n",
              Ms(std::chrono::steady_clock::now() - t1));
  EXPECT_EQ(pg->port(), port);
  EXPECT_EQ(pg->Execute("SELECT count(*) FROM orders").Scalar(), "3");
  EXPECT_EQ(
      pg->Execute("SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'ck_slot'").Scalar(),
      "1");

  // Committed before the crash, so present after crash recovery.
  pg->Execute("INSERT INTO orders VALUES (4, 'plum')");
  pg->Kill();
  EXPECT_FALSE(pg->running());
  EXPECT_THROW(pg->Execute("SELECT 1"), std::runtime_error);
  auto t2 = std::chrono::steady_clock::now();
  pg->Restart();
  std::printf("[ timing ] local PostgreSQL start after SIGKILL (crash recovery): %ld ms\n",
              Ms(std::chrono::steady_clock::now() - t2));
  EXPECT_TRUE(pg->running());
  EXPECT_EQ(pg->Execute("SELECT count(*) FROM orders").Scalar(), "4");

  pg->Stop();
  EXPECT_FALSE(pg->running());
  pg->Stop();  // no-op
}

TEST_F(PostgresServerTest, SqlErrorsNameTheStatementAndTheServersMessage) {
  std::unique_ptr<PostgresServer> pg = PostgresServer::Start({.user = "author", .database = "db"});
  EXPECT_EQ(pg->Execute("SELECT current_user || '@' || current_database()").Scalar(), "author@db");
  try {
    pg->Execute("SELECT * FROM no_such_table");
    FAIL() << "a query of a missing table succeeded";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("SELECT * FROM no_such_table"));
    EXPECT_THAT(e.what(), HasSubstr("does not exist"));
  }
  EXPECT_EQ(pg->Execute("SELECT 1").Scalar(), "1");  // the connection survives an error
}

TEST_F(PostgresServerTest, ServerThatCannotStartFailsWithCommandLineAndLog) {
  try {
    PostgresServer::Start(
        {.start_timeout = std::chrono::seconds(30), .settings = {{"wal_level", "sideways"}}});
    FAIL() << "Start succeeded with wal_level=sideways";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("PostgresServer (local)"));
    EXPECT_THAT(e.what(), HasSubstr("-c wal_level=sideways"));        // the command line
    EXPECT_THAT(e.what(), HasSubstr("invalid value for parameter"));  // the log
  }
}

TEST_F(PostgresServerTest, MissingProgramsFailNamingPackageAndSetup) {
  try {
    PostgresServer::Start({.bin_dir = "/nonexistent/pg"});
    FAIL() << "Start succeeded without PostgreSQL";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("postgresql-15"));
    EXPECT_THAT(e.what(), HasSubstr("./ck setup"));
    EXPECT_THAT(e.what(), HasSubstr("/nonexistent/pg/initdb"));
  }
}

TEST_F(PostgresServerTest, ExternalServerWinsWhenUrlIsSet) {
  std::unique_ptr<PostgresServer> local = PostgresServer::Start();
  local->Execute("CREATE TABLE shared (v text); INSERT INTO shared VALUES ('x')");
  std::string url =
      "postgresql://connectkit:connectkit@127.0.0.1:" + std::to_string(local->port()) +
      "/connectkit?sslmode=disable";
  ::setenv(kUrlEnv, url.c_str(), 1);

  std::unique_ptr<PostgresServer> pg = PostgresServer::Start();
  EXPECT_EQ(pg->backend(), ServiceBackend::kExternal);
  EXPECT_EQ(pg->host(), "127.0.0.1");
  EXPECT_EQ(pg->port(), local->port());
  EXPECT_EQ(pg->user(), "connectkit");
  // A database of its own, created on the shared server and dropped at the end.
  const std::string own = pg->database();
  EXPECT_THAT(own, testing::StartsWith("ck_"));
  const std::string exists = "SELECT count(*) FROM pg_database WHERE datname = '" + own + "'";
  EXPECT_EQ(local->Execute(exists).Scalar(), "1");
  EXPECT_THAT(pg->conninfo(), HasSubstr("sslmode='disable'"));
  EXPECT_THAT(pg->conninfo(), HasSubstr("dbname='" + own + "'"));
  EXPECT_TRUE(pg->log_path().empty());
  EXPECT_THROW(pg->Execute("SELECT v FROM shared"), std::runtime_error);
  pg->Execute("CREATE TABLE mine (v int)");
  {
    std::unique_ptr<PostgresServer> other = PostgresServer::Start();
    EXPECT_NE(other->database(), own);
    EXPECT_THROW(other->Execute("SELECT v FROM mine"), std::runtime_error);
  }
  EXPECT_THROW(pg->Stop(), std::logic_error);
  EXPECT_THROW(pg->Kill(), std::logic_error);
  EXPECT_THROW(pg->Restart(), std::logic_error);
  pg.reset();
  EXPECT_EQ(local->Execute(exists).Scalar(), "0");

  ::setenv(kUrlEnv, "postgresql://[broken", 1);
  EXPECT_THROW(PostgresServer::Start(), std::invalid_argument);
  ::unsetenv(kUrlEnv);
  EXPECT_THROW(PostgresServer::Start({.backend = ServiceBackend::kExternal}),
               std::invalid_argument);
}

}  // namespace
}  // namespace ck::testkit
