// The JDBC sink through the testkit's sink conformance suite, once per dialect: the jdbc plugin in
// a real worker against a real Kafka, writing into a real PostgreSQL 15, a real MariaDB (both
// local testkit servers, started once per test binary when first needed) and a SQLite file.
//
// The suite's records carry a schema (JsonConverter's envelope of {seq: INT64}); the sink upserts
// them by the value's `seq` (pk.mode=record_value) into a table it creates, a new one per test.
// An upsert writes a record again over its own row, so the adapter declares kIdempotent: not even
// a SIGKILL may leave a duplicate, and reading back the table gives each sequence number once.
//
// Each dialect is its own test target running this binary with a --gtest_filter on its
// instantiation (BUILD.bazel), so only that dialect's server starts.
#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "ck/testkit/conformance/sink_conformance.h"
#include "ck/testkit/mariadb_server.h"
#include "ck/testkit/postgres_server.h"
#include "ck/testkit/sql_result.h"

namespace {

using ck::testkit::SinkConformanceContext;
using ck::testkit::SqlResult;

// The sequence numbers in the first column of `result`.
std::vector<int64_t> Seqs(const SqlResult& result) {
  std::vector<int64_t> seqs;
  seqs.reserve(result.rows.size());
  for (const SqlResult::Row& row : result.rows) seqs.push_back(std::stoll(row.at(0).value()));
  return seqs;
}

// PostgreSQL: one server for the binary.
struct PostgresTarget {
  static ck::testkit::PostgresServer& Server() {
    static const std::unique_ptr<ck::testkit::PostgresServer> server =
        ck::testkit::PostgresServer::Start();
    return *server;
  }
  static nlohmann::json Connection(const SinkConformanceContext& /*context*/) {
    ck::testkit::PostgresServer& pg = Server();
    return {{"connection.url", "jdbc:postgresql://" + pg.host() + ":" + std::to_string(pg.port()) +
                                   "/" + pg.database()},
            {"connection.user", pg.user()},
            {"connection.password", pg.password()}};
  }
  static std::vector<int64_t> ReadBack(const SinkConformanceContext& /*context*/,
                                       const std::string& table) {
    ck::testkit::PostgresServer& pg = Server();
    const std::string exists =
        pg.Execute("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND " +
                   ("tablename = '" + table + "'"))
            .Scalar();
    if (exists == "0") return {};
    return Seqs(pg.Execute("SELECT seq FROM \"" + table + "\""));
  }
};

// MariaDB: one server for the binary.
struct MariaDbTarget {
  static ck::testkit::MariaDbServer& Server() {
    static const std::unique_ptr<ck::testkit::MariaDbServer> server =
        ck::testkit::MariaDbServer::Start();
    return *server;
  }
  static nlohmann::json Connection(const SinkConformanceContext& /*context*/) {
    ck::testkit::MariaDbServer& db = Server();
    return {{"connection.url",
             "jdbc:mariadb://" + db.host() + ":" + std::to_string(db.port()) + "/" + db.database()},
            {"connection.user", db.user()},
            {"connection.password", db.password()}};
  }
  static std::vector<int64_t> ReadBack(const SinkConformanceContext& /*context*/,
                                       const std::string& table) {
    ck::testkit::MariaDbServer& db = Server();
    const std::string exists = db.Execute(
                                     "SELECT COUNT(*) FROM information_schema.TABLES WHERE "
                                     "TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '" +
                                     table + "'")
                                   .Scalar();
    if (exists == "0") return {};
    return Seqs(db.Execute("SELECT seq FROM `" + table + "`"));
  }
};

// SQLite: a database file in the test's directory.
struct SqliteTarget {
  static std::string Path(const SinkConformanceContext& context) {
    return context.dir + "/sink.db";
  }
  static nlohmann::json Connection(const SinkConformanceContext& context) {
    return {{"connection.url", "jdbc:sqlite:" + Path(context)}};
  }
  static std::vector<int64_t> ReadBack(const SinkConformanceContext& context,
                                       const std::string& table) {
    sqlite3* db = nullptr;
    const std::string path = Path(context);
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
      sqlite3_close(db);
      return {};  // the sink has not created the file yet
    }
    const std::unique_ptr<sqlite3, int (*)(sqlite3*)> closer(db, sqlite3_close);
    sqlite3_busy_timeout(db, 30000);  // the sink's write transactions lock the file briefly
    sqlite3_stmt* raw = nullptr;
    const std::string sql = "SELECT seq FROM \"" + table + "\"";
    const int prepared = sqlite3_prepare_v2(db, sql.c_str(), -1, &raw, nullptr);
    const std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> statement(raw, sqlite3_finalize);
    if (prepared != SQLITE_OK) {
      if (std::string(sqlite3_errmsg(db)).starts_with("no such table")) return {};
      throw std::runtime_error(path + ": " + sql + ": " + sqlite3_errmsg(db));
    }
    std::vector<int64_t> seqs;
    int step = SQLITE_ROW;
    while ((step = sqlite3_step(raw)) == SQLITE_ROW) seqs.push_back(sqlite3_column_int64(raw, 0));
    if (step != SQLITE_DONE)
      throw std::runtime_error(path + ": " + sql + ": " + sqlite3_errmsg(db));
    return seqs;
  }
};

// The suite's adapter for the JDBC sink into `Target`.
template <typename Target>
class JdbcSinkAdapter {
 public:
  static constexpr bool kIdempotent = true;  // upserts by the primary key `seq`
  static constexpr int64_t kRecords = 500;

  static std::vector<std::string> Plugins() { return {"reference-connectors/jdbc/jdbc.tar.gz"}; }

  explicit JdbcSinkAdapter(const SinkConformanceContext& context)
      : context_(context), table_("conformance_" + std::to_string(++tables_)) {}

  std::string Value(int64_t seq) const { return ck::testkit::JsonSeqValueWithSchema(seq); }

  nlohmann::json Config() const {
    nlohmann::json config = Target::Connection(context_);
    config.update({{"connector.class", "io.confluent.connect.jdbc.JdbcSinkConnector"},
                   {"value.converter", "org.apache.kafka.connect.json.JsonConverter"},
                   {"value.converter.schemas.enable", "true"},
                   {"table.name.format", table_},
                   {"insert.mode", "upsert"},
                   {"pk.mode", "record_value"},
                   {"pk.fields", "seq"},
                   {"auto.create", "true"},
                   {"retry.backoff.ms", "500"}});
    return config;
  }

  std::vector<std::string> RequiredKeys() const { return {"connection.url"}; }

  std::vector<int64_t> ReadBack() const { return Target::ReadBack(context_, table_); }

  nlohmann::json Reconfigure(nlohmann::json config) const {
    config["tasks.max"] = "2";
    config["batch.size"] = "37";
    return config;
  }

 private:
  static inline int tables_ = 0;  // tests of a binary run one after another
  SinkConformanceContext context_;
  std::string table_;
};

}  // namespace

namespace ck::testkit {
INSTANTIATE_TYPED_TEST_SUITE_P(PostgreSQL, SinkConformanceTest,
                               ::testing::Types<JdbcSinkAdapter<PostgresTarget>>);
INSTANTIATE_TYPED_TEST_SUITE_P(MariaDB, SinkConformanceTest,
                               ::testing::Types<JdbcSinkAdapter<MariaDbTarget>>);
INSTANTIATE_TYPED_TEST_SUITE_P(SQLite, SinkConformanceTest,
                               ::testing::Types<JdbcSinkAdapter<SqliteTarget>>);
}  // namespace ck::testkit
