// Topic creation rules and the admin call that applies them (see the header).
#include "runtime/worker/topic_creation.h"

#include <charconv>
#include <sstream>

namespace ck::runtime {
namespace {

std::vector<std::string> Split(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    const size_t b = item.find_first_not_of(" \t");
    const size_t e = item.find_last_not_of(" \t");
    if (b != std::string::npos) out.push_back(item.substr(b, e - b + 1));
  }
  return out;
}

int ParseCount(const Properties& config, const std::string& key) {
  auto it = config.find(key);
  if (it == config.end()) return -1;
  int value = 0;
  const std::string& text = it->second;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value == 0 || value < -1) {
    throw ConfigFileError("Invalid value " + text + " for configuration " + key +
                          ": must be a positive integer, or -1 for the broker's default");
  }
  return value;
}

}  // namespace

TopicCreation::Pattern::Pattern(const std::string& text) {
  const std::string anchored = "^(" + text + ")$";  // Java's Pattern.matches: the whole name
  if (regcomp(&regex, anchored.c_str(), REG_EXTENDED | REG_NOSUB) != 0) {
    throw ConfigFileError("Invalid regular expression '" + text + "' in topic.creation settings");
  }
}

bool TopicCreation::Pattern::Matches(const std::string& topic) const {
  return regexec(&regex, topic.c_str(), 0, nullptr, 0) == 0;
}

std::optional<TopicCreation> TopicCreation::FromConfig(const Properties& worker,
                                                       const Properties& connector) {
  auto enabled = worker.find("topic.creation.enable");
  if (enabled != worker.end() && enabled->second == "false") return std::nullopt;
  if (!connector.count("topic.creation.default.replication.factor") ||
      !connector.count("topic.creation.default.partitions")) {
    return std::nullopt;
  }
  TopicCreation creation;
  std::vector<std::string> names;
  if (auto it = connector.find("topic.creation.groups"); it != connector.end())
    names = Split(it->second);
  names.push_back("default");
  for (const std::string& name : names) {
    const std::string prefix = "topic.creation." + name + ".";
    Group group;
    group.name = name;
    for (const auto& [key, value] : connector) {
      if (key.compare(0, prefix.size(), prefix) != 0) continue;
      const std::string setting = key.substr(prefix.size());
      if (setting == "include" || setting == "exclude") {
        for (const std::string& regex : Split(value)) {
          (setting == "include" ? group.include : group.exclude)
              .push_back(std::make_shared<Pattern>(regex));
        }
      } else if (setting == "partitions") {
        group.partitions = ParseCount(connector, key);
      } else if (setting == "replication.factor") {
        group.replication_factor = ParseCount(connector, key);
      } else {
        group.configs[setting] = value;
      }
    }
    if (name != "default" && group.include.empty()) {
      throw ConfigFileError("topic.creation group '" + name + "' needs topic.creation." + name +
                            ".include: the topics it creates");
    }
    creation.groups_.push_back(std::move(group));
  }
  return creation;
}

const TopicCreation::Group& TopicCreation::Claim(const std::string& topic) const {
  for (const Group& g : groups_) {
    if (g.name == "default") return g;
    bool included = false;
    for (const auto& p : g.include) included = included || p->Matches(topic);
    bool excluded = false;
    for (const auto& p : g.exclude) excluded = excluded || p->Matches(topic);
    if (included && !excluded) return g;
  }
  return groups_.back();
}

const std::string& TopicCreation::GroupFor(const std::string& topic) const {
  return Claim(topic).name;
}

std::string TopicCreation::Create(rd_kafka_t* client, const std::string& topic) const {
  const Group& g = Claim(topic);
  char error[512];
  rd_kafka_NewTopic_t* request =
      rd_kafka_NewTopic_new(topic.c_str(), g.partitions, g.replication_factor, error, sizeof error);
  if (request == nullptr) return error;
  for (const auto& [key, value] : g.configs) {
    rd_kafka_NewTopic_set_config(request, key.c_str(), value.c_str());
  }
  rd_kafka_queue_t* queue = rd_kafka_queue_new(client);
  rd_kafka_CreateTopics(client, &request, 1, nullptr, queue);
  std::string result = "no answer from the broker within 30 s";
  if (rd_kafka_event_t* event = rd_kafka_queue_poll(queue, 30000)) {
    size_t count = 0;
    const rd_kafka_topic_result_t** results =
        rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event), &count);
    if (rd_kafka_event_error(event) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      result = rd_kafka_event_error_string(event);
    } else if (count == 1 &&
               rd_kafka_topic_result_error(results[0]) != RD_KAFKA_RESP_ERR_NO_ERROR &&
               rd_kafka_topic_result_error(results[0]) != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
      result = rd_kafka_topic_result_error_string(results[0]);
    } else {
      result.clear();
    }
    rd_kafka_event_destroy(event);
  }
  rd_kafka_queue_destroy(queue);
  rd_kafka_NewTopic_destroy(request);
  return result;
}

}  // namespace ck::runtime
