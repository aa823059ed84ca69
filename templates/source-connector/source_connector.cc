// The example source (see source_connector.h). The configuration is parsed by the ConfigDef, which
// also gives the runtime the keys' documentation and the REST validate endpoint its answers.
#include "source_connector.h"

#include <chrono>
#include <variant>

#include "ck/context.h"
#include "ck/errors.h"
#include "ck/schema.h"

namespace __NAMESPACE__ {

ck::ConfigDef SourceConfigDef() {
  ck::ConfigDef def;
  def.define(ck::ConfigDef::Key(kTopicConfig, ck::ConfigType::kString)
                 .importance(ck::Importance::kHigh)
                 .doc("The topic to write the messages to."));
  def.define(ck::ConfigDef::Key(kMessagesConfig, ck::ConfigType::kLong)
                 .default_value(int64_t{-1})
                 .validator(ck::Range::AtLeast(-1))
                 .importance(ck::Importance::kMedium)
                 .doc("Messages each task writes in total, then it idles. -1 = unlimited."));
  def.define(ck::ConfigDef::Key(kBatchSizeConfig, ck::ConfigType::kInt)
                 .default_value(100)
                 .validator(ck::Range::Between(1, 10000))
                 .importance(ck::Importance::kLow)
                 .doc("Messages returned by one poll at most."));
  def.define(ck::ConfigDef::Key(kPollIntervalConfig, ck::ConfigType::kLong)
                 .default_value(int64_t{0})
                 .validator(ck::Range::Between(0, 60000))
                 .importance(ck::Importance::kLow)
                 .doc("Milliseconds each task waits before writing a batch. 0 = no wait."));
  def.define(ck::ConfigDef::Key(kPrefixConfig, ck::ConfigType::kString)
                 .default_value(std::string("message"))
                 .importance(ck::Importance::kLow)
                 .doc("The text before each message's number."));
  return def;
}

void __CLASS__SourceConnector::start(const ck::ConfigMap& props) {
  SourceConfigDef().Parse(props);  // throws ck::ConfigError
  props_ = props;
}

std::vector<ck::ConfigMap> __CLASS__SourceConnector::task_configs(int max_tasks) {
  std::vector<ck::ConfigMap> configs;
  for (int i = 0; i < max_tasks; ++i) {
    configs.push_back(props_);
    configs.back().insert_or_assign(kTaskIdConfig, std::to_string(i));
  }
  return configs;
}

void __CLASS__SourceTask::start(const ck::ConfigMap& props) {
  const ck::ParsedConfig config = SourceConfigDef().Parse(props);
  topic_ = std::get<std::string>(config.at(kTopicConfig));
  prefix_ = std::get<std::string>(config.at(kPrefixConfig));
  messages_ = std::get<int64_t>(config.at(kMessagesConfig));
  batch_size_ = std::get<int32_t>(config.at(kBatchSizeConfig));
  poll_interval_ms_ = std::get<int64_t>(config.at(kPollIntervalConfig));
  const auto task_id = props.find(kTaskIdConfig);
  partition_ = {{"task", task_id == props.end() ? 0 : std::stoi(task_id->second)}};
  // Resume after the last committed message.
  const std::optional<nlohmann::json> offset = context().offset_storage_reader().offset(partition_);
  next_ = offset && offset->contains("position") ? offset->at("position").get<int64_t>() : 0;
}

std::vector<ck::SourceRecord> __CLASS__SourceTask::poll() {
  std::vector<ck::SourceRecord> records;
  const bool more = messages_ < 0 || next_ < messages_;
  if (more && poll_interval_ms_ > 0) {
    std::unique_lock lock(mu_);
    if (wake_.wait_for(lock, std::chrono::milliseconds(poll_interval_ms_),
                       [&] { return stopping_; })) {
      return records;
    }
  }
  while (records.size() < static_cast<size_t>(batch_size_) &&
         (messages_ < 0 || next_ < messages_)) {
    ck::SourceRecord& record = records.emplace_back();
    record.topic = topic_;
    record.key_schema = ck::Schema::Int64();
    record.key = next_;
    record.value_schema = ck::Schema::String();
    record.value = prefix_ + " " + std::to_string(next_);
    record.source_partition = partition_;
    record.source_offset = {{"position", next_ + 1}};
    ++next_;
  }
  if (records.empty()) {
    // Nothing left to write: wait instead of spinning, but return at once when stopped.
    std::unique_lock lock(mu_);
    wake_.wait_for(lock, std::chrono::seconds(1), [&] { return stopping_; });
  }
  return records;
}

void __CLASS__SourceTask::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
}

}  // namespace __NAMESPACE__
