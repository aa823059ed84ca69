/// @file
/// Connectors (Kafka Connect's Connector, SourceConnector and SinkConnector): they validate a
/// configuration and split the work into task configurations; the tasks move the data.

#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ck/config_def.h"
#include "ck/context.h"
#include "ck/record.h"

namespace ck {

/// Base of source and sink connectors. The runtime creates one instance per connector, calls
/// start() once, task_configs() whenever it needs the task set (again after
/// ConnectorContext::request_task_reconfiguration()), and stop() once. Calls never overlap.
class Connector {
 public:
  virtual ~Connector() = default;

  /// The connector's version, shown by the REST API.
  virtual std::string version() const = 0;

  /// The configuration the connector accepts; drives validation and the plugin manifest.
  virtual ConfigDef config() const = 0;

  /// Validates a configuration. The default checks it against config(); override to add checks
  /// that span several keys, appending messages to the affected ConfigValue.
  virtual std::vector<ConfigValue> validate(const ConfigMap& props) const {
    return config().Validate(props);
  }

  /// Starts the connector with its (validated) configuration.
  virtual void start(const ConfigMap& props) = 0;

  /// Configurations for at most `max_tasks` tasks.
  virtual std::vector<ConfigMap> task_configs(int max_tasks) = 0;

  /// Stops the connector; called once.
  virtual void stop() = 0;

  /// The runtime, for task reconfiguration requests and errors raised in the background.
  const ConnectorContext& context() const { return *context_; }

 private:
  friend struct abi_internal::ContextAccess;
  const ConnectorContext* context_ = nullptr;
};

/// Whether a source connector can deliver exactly once (KIP-618).
enum class ExactlyOnceSupport {
  kUnsupported,  ///< Not supported (the default).
  kSupported,    ///< Supported for the given configuration.
};

/// A connector that imports data into Kafka.
class SourceConnector : public Connector {
 public:
  /// Whether exactly-once delivery is possible with `props`. Declared now, honoured when the
  /// runtime supports exactly-once sources.
  virtual ExactlyOnceSupport exactly_once_support(const ConfigMap& props) const {
    (void)props;
    return ExactlyOnceSupport::kUnsupported;
  }

  /// Applies offsets changed through the REST API (KIP-875): pairs of source partition and new
  /// offset (std::nullopt = reset). Return true if the connector handled them, false to let the
  /// runtime store them as they are. Throw ConnectError to refuse. May be called before start().
  virtual bool alter_offsets(
      const ConfigMap& props,
      const std::vector<std::pair<nlohmann::json, std::optional<nlohmann::json>>>& offsets) {
    (void)props;
    (void)offsets;
    return false;
  }
};

/// A connector that exports data from Kafka.
class SinkConnector : public Connector {
 public:
  /// Applies consumer offsets changed through the REST API (std::nullopt = reset). Same contract
  /// as SourceConnector::alter_offsets.
  virtual bool alter_offsets(const ConfigMap& props,
                             const std::map<TopicPartition, std::optional<int64_t>>& offsets) {
    (void)props;
    (void)offsets;
    return false;
  }
};

}  // namespace ck
