// The JDBC sink plugin's entry point: registers the connector and its task under ConnectKit's
// class names, with Confluent's and Debezium's class names as aliases, so their connector configs
// load it unchanged.
#include "ck/plugin.h"

#include "reference-connectors/jdbc/jdbc_sink.h"
#include "reference-connectors/jdbc/version.h"

CK_PLUGIN(plugin) {
  using namespace ck::jdbc;
  plugin.name("jdbc").version(kJdbcConnectorVersion);
  plugin.add<JdbcSinkConnector>(kSinkConnectorClass)
      .alias(kConfluentConnectorClass)
      .alias(kDebeziumConnectorClass)
      .description(
          "Writes records into PostgreSQL, MariaDB/MySQL or SQLite tables (insert, "
          "upsert, update, delete; auto-create and evolve)")
      .task(kSinkTaskClass);
  plugin.add<JdbcSinkTask>(kSinkTaskClass);
}
