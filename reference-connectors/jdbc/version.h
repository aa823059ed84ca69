// The version and class names of the JDBC sink, reported by every component of the plugin.
#pragma once

namespace ck::jdbc {

/// Version of the JDBC sink.
inline constexpr char kJdbcConnectorVersion[] = "0.1.0";

/// Class names under which configs name the connector and its task.
inline constexpr char kSinkConnectorClass[] = "io.connectkit.jdbc.JdbcSinkConnector";
inline constexpr char kSinkTaskClass[] = "io.connectkit.jdbc.JdbcSinkTask";

/// The Java class names this connector stands in for, so their configs run unchanged.
inline constexpr char kConfluentConnectorClass[] = "io.confluent.connect.jdbc.JdbcSinkConnector";
inline constexpr char kDebeziumConnectorClass[] = "io.debezium.connector.jdbc.JdbcSinkConnector";

}  // namespace ck::jdbc
