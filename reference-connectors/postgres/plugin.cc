// The postgres plugin's entry point: registers the PostgreSQL CDC source connector and its task.
#include "ck/plugin.h"

#include "reference-connectors/postgres/postgres_source.h"
#include "reference-connectors/postgres/version.h"

CK_PLUGIN(plugin) {
  using namespace ck::postgres;
  plugin.name("postgres").version(kPostgresVersion);
  plugin.add<PostgresConnector>(kConnectorClass)
      .alias(kDebeziumConnectorClass)
      .alias("PostgresConnector")
      .description(
          "Debezium-compatible change data capture from PostgreSQL through logical replication "
          "(pgoutput)")
      .task(kTaskClass);
  plugin.add<PostgresSourceTask>(kTaskClass);
}
