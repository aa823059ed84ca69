// Client settings for source producers and sink consumers (see the header).
#include "runtime/worker/kafka_clients.h"

#include <stdexcept>

namespace ck::runtime {

Properties ClientSettings(const Properties& worker, const Properties& connector,
                          const std::string& prefix, const Properties& defaults) {
  Properties settings = defaults;
  if (auto it = worker.find("bootstrap.servers"); it != worker.end()) {
    settings["bootstrap.servers"] = it->second;
  }
  const std::string worker_prefix = prefix + ".";
  for (const auto& [key, value] : worker) {
    if (key.rfind(worker_prefix, 0) == 0) settings[key.substr(worker_prefix.size())] = value;
  }
  const std::string override_prefix = prefix + ".override.";
  for (const auto& [key, value] : connector) {
    if (key.rfind(override_prefix, 0) == 0) settings[key.substr(override_prefix.size())] = value;
  }
  return settings;
}

rd_kafka_conf_t* MakeKafkaConf(const Properties& settings, const std::string& what) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char error[512];
  for (const auto& [key, value] : settings) {
    if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), error, sizeof error) !=
        RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      throw std::runtime_error(what + ": client setting " + key + "=" + value +
                               " is not accepted: " + error);
    }
  }
  return conf;
}

}  // namespace ck::runtime
