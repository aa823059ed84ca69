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

namespace {

// An admin client (a producer handle) on the worker's bootstrap servers.
KafkaHandle AdminClient(const Properties& worker) {
  Properties settings = ClientSettings(worker, {}, "admin", {});
  rd_kafka_conf_t* conf = MakeKafkaConf(settings, "the worker's admin client");
  char error[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error);
  if (rk == nullptr)
    throw std::runtime_error(std::string("cannot create an admin client: ") + error);
  return KafkaHandle(rk);
}

// Runs one admin request on `rk` and returns its result event (owned by the caller).
template <typename Request>
rd_kafka_event_t* RunAdmin(rd_kafka_t* rk, Request request, const char* what) {
  rd_kafka_queue_t* queue = rd_kafka_queue_new(rk);
  request(queue);
  rd_kafka_event_t* event = rd_kafka_queue_poll(queue, 30000);
  rd_kafka_queue_destroy(queue);
  if (event == nullptr) throw std::runtime_error(std::string(what) + " timed out after 30 s");
  if (rd_kafka_event_error(event) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    const std::string reason = rd_kafka_event_error_string(event);
    rd_kafka_event_destroy(event);
    throw std::runtime_error(std::string(what) + " failed: " + reason);
  }
  return event;
}

// Throws when a group result or any of its partitions carries an error.
void CheckGroupResult(const rd_kafka_group_result_t* group, const char* what) {
  if (const rd_kafka_error_t* e = rd_kafka_group_result_error(group)) {
    throw std::runtime_error(std::string(what) + " failed: " + rd_kafka_error_string(e));
  }
  const rd_kafka_topic_partition_list_t* partitions = rd_kafka_group_result_partitions(group);
  for (int i = 0; partitions != nullptr && i < partitions->cnt; ++i) {
    if (partitions->elems[i].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      throw std::runtime_error(std::string(what) + " failed for " + partitions->elems[i].topic +
                               "-" + std::to_string(partitions->elems[i].partition) + ": " +
                               rd_kafka_err2str(partitions->elems[i].err));
    }
  }
}

}  // namespace

PartitionOffsets SinkGroupOffsets(const Properties& worker, const std::string& group) {
  KafkaHandle admin = AdminClient(worker);
  rd_kafka_ListConsumerGroupOffsets_t* request =
      rd_kafka_ListConsumerGroupOffsets_new(group.c_str(), nullptr);
  rd_kafka_event_t* event = RunAdmin(
      admin.get(),
      [&](rd_kafka_queue_t* q) {
        rd_kafka_ListConsumerGroupOffsets(admin.get(), &request, 1, nullptr, q);
      },
      "listing the offsets of consumer group");
  rd_kafka_ListConsumerGroupOffsets_destroy(request);
  PartitionOffsets out;
  size_t count = 0;
  const rd_kafka_group_result_t** groups = rd_kafka_ListConsumerGroupOffsets_result_groups(
      rd_kafka_event_ListConsumerGroupOffsets_result(event), &count);
  try {
    for (size_t g = 0; g < count; ++g) {
      CheckGroupResult(groups[g], "listing consumer group offsets");
      const rd_kafka_topic_partition_list_t* list = rd_kafka_group_result_partitions(groups[g]);
      for (int i = 0; list != nullptr && i < list->cnt; ++i) {
        if (list->elems[i].offset >= 0) {
          out[{list->elems[i].topic, list->elems[i].partition}] = list->elems[i].offset;
        }
      }
    }
  } catch (...) {
    rd_kafka_event_destroy(event);
    throw;
  }
  rd_kafka_event_destroy(event);
  return out;
}

void AlterSinkGroupOffsets(
    const Properties& worker, const std::string& group,
    const std::map<std::pair<std::string, int32_t>, std::optional<int64_t>>& changes) {
  KafkaHandle admin = AdminClient(worker);
  rd_kafka_topic_partition_list_t* set = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_t* remove = rd_kafka_topic_partition_list_new(1);
  for (const auto& [tp, offset] : changes) {
    if (offset) {
      rd_kafka_topic_partition_list_add(set, tp.first.c_str(), tp.second)->offset = *offset;
    } else {
      rd_kafka_topic_partition_list_add(remove, tp.first.c_str(), tp.second);
    }
  }
  auto cleanup = [&] {
    rd_kafka_topic_partition_list_destroy(set);
    rd_kafka_topic_partition_list_destroy(remove);
  };
  try {
    if (set->cnt > 0) {
      rd_kafka_AlterConsumerGroupOffsets_t* request =
          rd_kafka_AlterConsumerGroupOffsets_new(group.c_str(), set);
      rd_kafka_event_t* event = RunAdmin(
          admin.get(),
          [&](rd_kafka_queue_t* q) {
            rd_kafka_AlterConsumerGroupOffsets(admin.get(), &request, 1, nullptr, q);
          },
          "altering consumer group offsets");
      rd_kafka_AlterConsumerGroupOffsets_destroy(request);
      size_t count = 0;
      const rd_kafka_group_result_t** groups = rd_kafka_AlterConsumerGroupOffsets_result_groups(
          rd_kafka_event_AlterConsumerGroupOffsets_result(event), &count);
      try {
        for (size_t g = 0; g < count; ++g) CheckGroupResult(groups[g], "altering offsets");
      } catch (...) {
        rd_kafka_event_destroy(event);
        throw;
      }
      rd_kafka_event_destroy(event);
    }
    if (remove->cnt > 0) {
      rd_kafka_DeleteConsumerGroupOffsets_t* request =
          rd_kafka_DeleteConsumerGroupOffsets_new(group.c_str(), remove);
      rd_kafka_event_t* event = RunAdmin(
          admin.get(),
          [&](rd_kafka_queue_t* q) {
            rd_kafka_DeleteConsumerGroupOffsets(admin.get(), &request, 1, nullptr, q);
          },
          "deleting consumer group offsets");
      rd_kafka_DeleteConsumerGroupOffsets_destroy(request);
      size_t count = 0;
      const rd_kafka_group_result_t** groups = rd_kafka_DeleteConsumerGroupOffsets_result_groups(
          rd_kafka_event_DeleteConsumerGroupOffsets_result(event), &count);
      try {
        for (size_t g = 0; g < count; ++g) CheckGroupResult(groups[g], "deleting offsets");
      } catch (...) {
        rd_kafka_event_destroy(event);
        throw;
      }
      rd_kafka_event_destroy(event);
    }
  } catch (...) {
    cleanup();
    throw;
  }
  cleanup();
}

}  // namespace ck::runtime
