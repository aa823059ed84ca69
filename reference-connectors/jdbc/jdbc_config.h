// The JDBC sink's configuration: the keys of Confluent's kafka-connect-jdbc sink and of Debezium's
// JDBC sink (where they name the same setting both are accepted, and must agree when both are
// set), parsed into one JdbcSinkConfig; and the JDBC connection URLs it understands, parsed into
// the settings of the native client that serves them (libpq, MariaDB Connector/C, SQLite).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "ck/config_def.h"

namespace ck::jdbc {

/// The database behind a connection URL.
enum class DbKind {
  kPostgres,  ///< jdbc:postgresql:// (libpq).
  kMariaDb,   ///< jdbc:mariadb:// or jdbc:mysql:// (MariaDB Connector/C).
  kSqlite,    ///< jdbc:sqlite:<path> (SQLite).
};

/// The name of `kind` for messages: "PostgreSQL", "MariaDB" or "SQLite".
const char* DbKindName(DbKind kind);

/// Where and how to connect, from `connection.url` and the credential keys.
struct ConnectionSettings {
  DbKind kind = DbKind::kSqlite;   ///< Which database.
  std::vector<std::string> hosts;  ///< kPostgres/kMariaDb: hosts, in order (libpq tries each).
  std::vector<int> ports;          ///< The port of each host (5432 or 3306 when not given).
  std::string database;            ///< kPostgres/kMariaDb: the database (may be empty).
  std::string path;                ///< kSqlite: the database file, or ":memory:".
  std::string user;                ///< The user (may be empty).
  std::string password;            ///< The password (may be empty). Never log it.
  int connect_timeout_s = 30;      ///< How long one connection attempt may take.
  /// libpq keywords (kPostgres) taken from URL properties, e.g. sslmode, application_name.
  std::map<std::string, std::string> client_options;
  /// URL properties this sink does not use; logged once at start, by name.
  std::vector<std::string> ignored_properties;
  /// The URL without its password, for messages.
  std::string display_url;
};

/// Parses a JDBC URL: `jdbc:postgresql://host[:port][,host[:port]...]/database[?k=v&...]`
/// (also `jdbc:postgresql:database`), `jdbc:mysql://` and `jdbc:mariadb://` with
/// `[user[:password]@]host[:port]/database[?k=v&...]`, and `jdbc:sqlite:<path>`. URL properties
/// `user` and `password` are credentials; PostgreSQL's sslmode, ssl, sslrootcert, sslcert,
/// sslkey, connectTimeout, ApplicationName, currentSchema and options, and MariaDB's
/// connectTimeout (ms) are honoured; others are listed in ignored_properties. Throws ConfigError
/// naming `connection.url`, the URL (password hidden) and the accepted forms.
ConnectionSettings ParseConnectionUrl(const std::string& url);

/// insert.mode.
enum class InsertMode {
  kInsert,  ///< INSERT; a duplicate key is an error.
  kUpsert,  ///< INSERT or UPDATE by primary key (idempotent).
  kUpdate,  ///< UPDATE by primary key; rows that do not exist are not written.
};

/// pk.mode / primary.key.mode.
enum class PkMode {
  kNone,         ///< No primary key.
  kKafka,        ///< __connect_topic, __connect_partition, __connect_offset.
  kRecordKey,    ///< The record key (a primitive, or fields of a struct).
  kRecordValue,  ///< Fields of the record value.
};

/// quote.sql.identifiers.
enum class Quoting {
  kAlways,  ///< Every table and column name is quoted (exact case, any character).
  kNever,   ///< Names are written bare; only plain names ([A-Za-z_][A-Za-z0-9_$]*) are allowed.
};

/// The parsed configuration of a JDBC sink task.
struct JdbcSinkConfig {
  ConnectionSettings connection;                 ///< connection.url and credentials.
  int connection_attempts = 3;                   ///< connection.attempts.
  int64_t connection_backoff_ms = 10000;         ///< connection.backoff.ms.
  InsertMode insert_mode = InsertMode::kInsert;  ///< insert.mode.
  PkMode pk_mode = PkMode::kNone;                ///< pk.mode / primary.key.mode.
  std::vector<std::string> pk_fields;            ///< pk.fields / primary.key.fields.
  bool delete_enabled = false;                   ///< delete.enabled.
  bool truncate_enabled = false;                 ///< truncate.enabled.
  std::string table_name_format = "${topic}";    ///< table.name.format / collection.name.format.
  std::vector<std::string> fields_include;       ///< fields.whitelist / field.include.list.
  std::vector<std::string> fields_exclude;       ///< field.exclude.list.
  bool auto_create = false;                      ///< auto.create (or schema.evolution=basic).
  bool auto_evolve = false;                      ///< auto.evolve (or schema.evolution=basic).
  int batch_size = 3000;                         ///< batch.size: rows per statement, at most.
  int max_retries = 10;                          ///< max.retries / flush.max.retries.
  int64_t retry_backoff_ms = 3000;               ///< retry.backoff.ms / flush.retry.delay.ms.
  Quoting quoting = Quoting::kAlways;            ///< quote.sql.identifiers / quote.identifiers.
};

/// Every key the sink accepts, with Kafka Connect's types, defaults, validators and groups.
ConfigDef JdbcSinkConfigDef();

/// Parses and checks `props` (single keys and the rules that span keys: upsert and update need a
/// primary key, delete.enabled needs pk.mode=record_key, aliases must agree, ...). Throws
/// ConfigError naming the key, the value and what is accepted.
JdbcSinkConfig ParseJdbcSinkConfig(const ConfigMap& props);

/// Validation for the REST API: JdbcSinkConfigDef().Validate(props), plus the rules that span
/// keys, each reported on the key it concerns.
std::vector<ConfigValue> ValidateJdbcSinkConfig(const ConfigMap& props);

}  // namespace ck::jdbc
