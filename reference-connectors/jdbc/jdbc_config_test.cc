// Tests of the JDBC sink's configuration: JDBC URLs of every supported form, Confluent's and
// Debezium's names for one setting, defaults, and the rules that span keys.
#include "reference-connectors/jdbc/jdbc_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ck/errors.h"

namespace ck::jdbc {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string ConfigErrorOf(const ConfigMap& props) {
  try {
    ParseJdbcSinkConfig(props);
  } catch (const ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no ConfigError";
  return "";
}

TEST(ConnectionUrlTest, PostgresUrls) {
  ConnectionSettings s = ParseConnectionUrl(
      "jdbc:postgresql://db.example:5433/shop?user=alice&password=s%40cret&sslmode=require"
      "&ApplicationName=sink&currentSchema=sales&loggerLevel=DEBUG");
  EXPECT_EQ(s.kind, DbKind::kPostgres);
  EXPECT_THAT(s.hosts, ElementsAre("db.example"));
  EXPECT_THAT(s.ports, ElementsAre(5433));
  EXPECT_EQ(s.database, "shop");
  EXPECT_EQ(s.user, "alice");
  EXPECT_EQ(s.password, "s@cret");
  EXPECT_EQ(s.client_options.at("sslmode"), "require");
  EXPECT_EQ(s.client_options.at("application_name"), "sink");
  EXPECT_EQ(s.client_options.at("options"), "-c search_path=sales");
  EXPECT_THAT(s.ignored_properties, ElementsAre("loggerLevel"));
  EXPECT_EQ(s.display_url,
            "jdbc:postgresql://db.example:5433/shop?user=alice&password=[hidden]&sslmode=require"
            "&ApplicationName=sink&currentSchema=sales&loggerLevel=DEBUG");

  s = ParseConnectionUrl("jdbc:postgresql://a,[::1]:6000,b:7000/db");
  EXPECT_THAT(s.hosts, ElementsAre("a", "::1", "b"));
  EXPECT_THAT(s.ports, ElementsAre(5432, 6000, 7000));

  s = ParseConnectionUrl("jdbc:postgresql:shop");
  EXPECT_THAT(s.hosts, ElementsAre("localhost"));
  EXPECT_EQ(s.database, "shop");
}

TEST(ConnectionUrlTest, MariaDbAndMySqlUrls) {
  ConnectionSettings s =
      ParseConnectionUrl("jdbc:mysql://bob:pw@10.0.0.5/inventory?connectTimeout=2500&useSSL=false");
  EXPECT_EQ(s.kind, DbKind::kMariaDb);
  EXPECT_THAT(s.hosts, ElementsAre("10.0.0.5"));
  EXPECT_THAT(s.ports, ElementsAre(3306));
  EXPECT_EQ(s.user, "bob");
  EXPECT_EQ(s.password, "pw");
  EXPECT_EQ(s.connect_timeout_s, 3);
  EXPECT_THAT(s.ignored_properties, ElementsAre("useSSL"));
  EXPECT_EQ(s.display_url,
            "jdbc:mysql://bob:[hidden]@10.0.0.5/inventory?connectTimeout=2500"
            "&useSSL=false");
  s = ParseConnectionUrl("jdbc:mariadb://localhost:3307/db");
  EXPECT_EQ(s.kind, DbKind::kMariaDb);
  EXPECT_THAT(s.ports, ElementsAre(3307));
}

TEST(ConnectionUrlTest, SqliteUrls) {
  EXPECT_EQ(ParseConnectionUrl("jdbc:sqlite:/tmp/x.db").path, "/tmp/x.db");
  EXPECT_EQ(ParseConnectionUrl("jdbc:sqlite::memory:").path, ":memory:");
}

TEST(ConnectionUrlTest, BadUrlsNameTheKeyAndTheAcceptedForms) {
  for (const std::string url :
       {"jdbc:oracle:thin:@h:1521:db", "postgresql://h/db",
        "jdbc:sqlite:", "jdbc:postgresql://h:99999/db", "jdbc:mysql://a,b/db", "jdbc:mysql:db"}) {
    try {
      ParseConnectionUrl(url);
      ADD_FAILURE() << url;
    } catch (const ConfigError& e) {
      EXPECT_THAT(e.what(),
                  HasSubstr("Invalid value " + url + " for configuration connection.url"));
      EXPECT_THAT(e.what(), HasSubstr("jdbc:sqlite:<path>"));
    }
  }
}

TEST(JdbcSinkConfigTest, DefaultsAreConfluents) {
  const JdbcSinkConfig c = ParseJdbcSinkConfig({{"connection.url", "jdbc:sqlite:x.db"}});
  EXPECT_EQ(c.insert_mode, InsertMode::kInsert);
  EXPECT_EQ(c.pk_mode, PkMode::kNone);
  EXPECT_EQ(c.table_name_format, "${topic}");
  EXPECT_EQ(c.batch_size, 3000);
  EXPECT_EQ(c.max_retries, 10);
  EXPECT_EQ(c.retry_backoff_ms, 3000);
  EXPECT_EQ(c.connection_attempts, 3);
  EXPECT_EQ(c.connection_backoff_ms, 10000);
  EXPECT_EQ(c.quoting, Quoting::kAlways);
  EXPECT_FALSE(c.auto_create);
  EXPECT_FALSE(c.delete_enabled);
}

TEST(JdbcSinkConfigTest, DebeziumNamesWork) {
  const JdbcSinkConfig c = ParseJdbcSinkConfig({{"connection.url", "jdbc:postgresql://h/db"},
                                                {"connection.username", "dbz"},
                                                {"connection.password", "pw"},
                                                {"insert.mode", "UPSERT"},
                                                {"primary.key.mode", "record_key"},
                                                {"primary.key.fields", "id, tenant"},
                                                {"delete.enabled", "true"},
                                                {"schema.evolution", "basic"},
                                                {"collection.name.format", "cdc_${topic}"},
                                                {"quote.identifiers", "false"},
                                                {"field.include.list", "a,t:b"},
                                                {"flush.max.retries", "4"},
                                                {"flush.retry.delay.ms", "100"}});
  EXPECT_EQ(c.connection.user, "dbz");
  EXPECT_EQ(c.connection.password, "pw");
  EXPECT_EQ(c.insert_mode, InsertMode::kUpsert);
  EXPECT_EQ(c.pk_mode, PkMode::kRecordKey);
  EXPECT_THAT(c.pk_fields, ElementsAre("id", "tenant"));
  EXPECT_TRUE(c.delete_enabled);
  EXPECT_TRUE(c.auto_create);
  EXPECT_TRUE(c.auto_evolve);
  EXPECT_EQ(c.table_name_format, "cdc_${topic}");
  EXPECT_EQ(c.quoting, Quoting::kNever);
  EXPECT_THAT(c.fields_include, ElementsAre("a", "t:b"));
  EXPECT_EQ(c.max_retries, 4);
  EXPECT_EQ(c.retry_backoff_ms, 100);
}

TEST(JdbcSinkConfigTest, RulesAcrossKeys) {
  const ConfigMap base = {{"connection.url", "jdbc:sqlite:x.db"}};
  auto with = [&](ConfigMap extra) {
    ConfigMap props = base;
    props.insert(extra.begin(), extra.end());
    return props;
  };
  EXPECT_THAT(ConfigErrorOf(with({{"insert.mode", "upsert"}})),
              HasSubstr("Invalid value none for configuration pk.mode: insert.mode=upsert needs a "
                        "primary key"));
  EXPECT_THAT(ConfigErrorOf(with({{"delete.enabled", "true"}, {"pk.mode", "kafka"}})),
              HasSubstr("delete.enabled=true needs pk.mode=record_key"));
  EXPECT_THAT(ConfigErrorOf(with({{"pk.mode", "record_key"}, {"primary.key.mode", "kafka"}})),
              HasSubstr("primary.key.mode and pk.mode name the same setting"));
  EXPECT_THAT(ConfigErrorOf(with({{"pk.mode", "kafka"}, {"pk.fields", "a,b"}})),
              HasSubstr("names exactly 3 columns"));
  EXPECT_THAT(ConfigErrorOf(with({{"table.name.format", "${source.table}"}})),
              HasSubstr("uses a placeholder other than ${topic}"));
  EXPECT_THAT(ConfigErrorOf(with({{"db.timezone", "Europe/Lisbon"}})),
              HasSubstr("temporal values are written in UTC"));
  EXPECT_THAT(ConfigErrorOf(with({{"primary.key.mode", "record_header"}})),
              HasSubstr("must be one of [none, kafka, record_key, record_value]"));
  EXPECT_THAT(ConfigErrorOf(with({{"dialect.name", "PostgreSqlDatabaseDialect"}})),
              HasSubstr("does not match connection.url"));
  EXPECT_THAT(ConfigErrorOf({}), HasSubstr("Missing required configuration \"connection.url\""));
}

TEST(JdbcSinkConfigTest, ValidationReportsEachProblemOnItsKey) {
  const std::vector<ConfigValue> values =
      ValidateJdbcSinkConfig({{"connection.url", "jdbc:sqlite:x.db"},
                              {"insert.mode", "update"},
                              {"delete.enabled", "true"}});
  for (const ConfigValue& v : values) {
    if (v.name == "pk.mode") {
      EXPECT_THAT(v.errors, ElementsAre(HasSubstr("insert.mode=update needs a primary key")));
    } else if (v.name == "delete.enabled") {
      EXPECT_THAT(v.errors, ElementsAre(HasSubstr("needs pk.mode=record_key")));
    } else {
      EXPECT_TRUE(v.errors.empty()) << v.name;
    }
  }
}

}  // namespace
}  // namespace ck::jdbc
