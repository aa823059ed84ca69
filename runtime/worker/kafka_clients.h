// librdkafka handles configured the way Kafka Connect configures its clients.
//
// Settings come from the worker (`bootstrap.servers`, `producer.*`, `consumer.*`) and the
// connector (`producer.override.*`, `consumer.override.*`), over Kafka Connect's defaults for
// source producers and sink consumers. Keys librdkafka does not know are refused with their name.
#ifndef CK_RUNTIME_WORKER_KAFKA_CLIENTS_H_
#define CK_RUNTIME_WORKER_KAFKA_CLIENTS_H_

#include <librdkafka/rdkafka.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "runtime/worker/connector_config.h"

namespace ck::runtime {

/// Destroys a librdkafka handle.
struct KafkaDeleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};

/// An owned librdkafka handle.
using KafkaHandle = std::unique_ptr<rd_kafka_t, KafkaDeleter>;

/// The client settings for a connector: `defaults`, then the worker's `<prefix>.*` settings, then
/// the connector's `<prefix>.override.*` settings (prefix "producer" or "consumer"), with the
/// worker's bootstrap.servers.
Properties ClientSettings(const Properties& worker, const Properties& connector,
                          const std::string& prefix, const Properties& defaults);

/// Makes a librdkafka conf from `settings`. Throws std::runtime_error naming the key, the value
/// and librdkafka's reason when a setting is refused.
rd_kafka_conf_t* MakeKafkaConf(const Properties& settings, const std::string& what);

/// A topic partition and an offset in it.
using PartitionOffsets = std::map<std::pair<std::string, int32_t>, int64_t>;

/// The committed offsets of consumer group `group` (a sink connector's `connect-<name>`), through
/// the admin API of a client made from the worker's settings. Throws std::runtime_error with
/// librdkafka's reason.
PartitionOffsets SinkGroupOffsets(const Properties& worker, const std::string& group);

/// Sets (a value) or deletes (nullopt) committed offsets of consumer group `group`, which must
/// have no active members. Throws std::runtime_error with the broker's reason.
void AlterSinkGroupOffsets(
    const Properties& worker, const std::string& group,
    const std::map<std::pair<std::string, int32_t>, std::optional<int64_t>>& changes);

}  // namespace ck::runtime

#endif  // CK_RUNTIME_WORKER_KAFKA_CLIENTS_H_
