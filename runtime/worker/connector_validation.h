// Validation of a connector configuration as PUT /connector-plugins/{plugin}/config/validate
// answers it: the runtime's own keys (Kafka Connect's ConnectorConfig groups Common,
// Transforms, Predicates, Error Handling, and the sink's or source's extra keys) validated by the
// runtime, followed by the connector's keys validated by the connector, in Kafka Connect's
// ConfigInfos shape. PASSWORD values show as "[hidden]". Keys that neither the runtime nor the
// connector defines are listed too, in the group "Unknown", with a note that they are ignored.
#ifndef CK_RUNTIME_WORKER_CONNECTOR_VALIDATION_H_
#define CK_RUNTIME_WORKER_CONNECTOR_VALIDATION_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "runtime/worker/connector_config.h"

namespace ck::runtime {

/// The runtime's definitions of the keys every connector has, as ConfigKeyInfo JSON objects
/// (GET /connector-plugins/{plugin}/config lists only the connector's own keys).
nlohmann::json RuntimeConfigDefinitions(bool sink);

/// Validates the runtime's keys of `config`: their types and allowed values, `connector.class`
/// given, for sinks exactly one of `topics` and `topics.regex` and a dead-letter queue topic that
/// is not consumed. `resolves(kind_key, class)` says why a converter, transformation or predicate
/// class cannot be used ("" when it can). Returns ConfigValueInfo JSON objects, one per key of
/// RuntimeConfigDefinitions(sink).
nlohmann::json ValidateRuntimeKeys(
    const Properties& config, bool sink,
    const std::function<std::string(const std::string& key, const std::string& cls)>& resolves);

/// Assembles Kafka Connect's ConfigInfos: {"name": connector class, "error_count", "groups",
/// "configs": [{"definition": .., "value": ..}]}, from the runtime's and the connector's
/// definitions and values, plus an entry per key of `config` nobody defines.
nlohmann::json ConfigInfos(const std::string& connector_class, const nlohmann::json& definitions,
                           const nlohmann::json& values, const Properties& config);

/// The error messages of a ConfigInfos, one per line, in key order.
std::vector<std::string> ConfigInfosErrors(const nlohmann::json& infos);

}  // namespace ck::runtime

#endif  // CK_RUNTIME_WORKER_CONNECTOR_VALIDATION_H_
