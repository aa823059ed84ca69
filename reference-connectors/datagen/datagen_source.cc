// The datagen connector and task (see datagen_source.h). Pacing uses a token bucket (`rate`)
// holding at most a second's worth of records, and a minimum gap between non-empty polls
// (`max.interval`); every wait is on a condition variable that stop() notifies and is bounded so
// that poll() returns within about a second. The sequence number only advances by the records a
// poll returns, which keeps each task's sequence contiguous across polls and restarts.
#include "reference-connectors/datagen/datagen_source.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <string_view>

#include "ck/errors.h"
#include "ck/schema.h"
#include "reference-connectors/datagen/order.h"

namespace ck::datagen {
namespace {

constexpr char kTopicConfig[] = "kafka.topic";
constexpr char kMaxIntervalConfig[] = "max.interval";
constexpr char kIterationsConfig[] = "iterations";
constexpr char kCountConfig[] = "count";
constexpr char kRateConfig[] = "rate";
constexpr char kBatchSizeConfig[] = "batch.size";
constexpr char kSeedConfig[] = "seed";

constexpr char kTaskField[] = "task";
constexpr char kSeqField[] = "seq";

// Kafka's legal topic names: at most 249 of [a-zA-Z0-9._-].
constexpr char kTopicPattern[] = "[a-zA-Z0-9._-]{1,249}";

// Confluent datagen keys that choose what is generated; this connector has one fixed schema.
constexpr const char* kUnsupportedKeys[] = {"quickstart", "schema.filename", "schema.string",
                                            "schema.keyfield", "schema.string.format"};

constexpr auto kMaxPollWait = std::chrono::seconds(1);

ConfigDef DatagenConfigDef() {
  ConfigDef def;
  def.define(ConfigDef::Key(kTopicConfig, ConfigType::kString)
                 .validator(RegexValidator(kTopicPattern))
                 .importance(Importance::kHigh)
                 .doc("The topic to write the generated records to."));
  def.define(ConfigDef::Key(kMaxIntervalConfig, ConfigType::kLong)
                 .default_value(int64_t{0})
                 .validator(Range::AtLeast(0))
                 .importance(Importance::kMedium)
                 .doc("Milliseconds each task waits after a poll that returned records before it "
                      "generates more. 0 = no wait."));
  def.define(ConfigDef::Key(kIterationsConfig, ConfigType::kLong)
                 .default_value(int64_t{-1})
                 .validator(Range::AtLeast(-1))
                 .importance(Importance::kMedium)
                 .doc("Records each task generates in total (sequence numbers 0 to iterations-1), "
                      "then it idles. -1 = unlimited."));
  def.define(ConfigDef::Key(kCountConfig, ConfigType::kLong)
                 .default_value(int64_t{-1})
                 .validator(Range::AtLeast(-1))
                 .importance(Importance::kLow)
                 .doc("Another name for iterations."));
  def.define(ConfigDef::Key(kRateConfig, ConfigType::kDouble)
                 .default_value(0.0)
                 .validator(Range::AtLeast(0))
                 .importance(Importance::kMedium)
                 .doc("Records per second each task generates at most (fractions allowed). "
                      "0 = as fast as possible."));
  def.define(ConfigDef::Key(kBatchSizeConfig, ConfigType::kInt)
                 .default_value(1000)
                 .validator(Range::AtLeast(1))
                 .importance(Importance::kLow)
                 .doc("Records returned by one poll at most."));
  def.define(ConfigDef::Key(kSeedConfig, ConfigType::kLong)
                 .default_value(int64_t{0})
                 .importance(Importance::kLow)
                 .doc("Seed of the generated content: the same seed, task and sequence number "
                      "always give the same record."));
  return def;
}

std::optional<int64_t> ParseLong(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// Problems no single key's validator sees, as (key, message) pairs.
std::vector<std::pair<std::string, std::string>> CrossKeyProblems(const ConfigMap& props) {
  std::vector<std::pair<std::string, std::string>> problems;
  const auto iterations = props.find(kIterationsConfig);
  const auto count = props.find(kCountConfig);
  if (iterations != props.end() && count != props.end()) {
    const auto a = ParseLong(iterations->second), b = ParseLong(count->second);
    if (a && b && *a != *b) {
      problems.emplace_back(
          kCountConfig,
          ConfigError(kCountConfig, count->second,
                      "count is another name for iterations, which is set to " +
                          iterations->second + "; set only one of them, or both to one value")
              .what());
    }
  }
  for (const char* key : kUnsupportedKeys) {
    if (const auto it = props.find(key); it != props.end()) {
      problems.emplace_back(
          key, ConfigError(key, it->second,
                           std::string("Confluent datagen's ") + key +
                               " is not supported: " + kConnectorClass + " always generates " +
                               kOrderSchemaName + " records; remove the key")
                   .what());
    }
  }
  return problems;
}

struct Settings {
  std::string topic;
  int64_t max_interval_ms = 0;
  int64_t count = -1;
  double rate = 0;
  int32_t batch_size = 0;
  int64_t seed = 0;
};

Settings ParseSettings(const ConfigMap& props) {
  const ParsedConfig parsed = DatagenConfigDef().Parse(props);
  if (const auto problems = CrossKeyProblems(props); !problems.empty()) {
    throw ConfigError(problems.front().second);
  }
  Settings s;
  s.topic = std::get<std::string>(parsed.at(kTopicConfig));
  s.max_interval_ms = std::get<int64_t>(parsed.at(kMaxIntervalConfig));
  s.count = props.count(kCountConfig) != 0 ? std::get<int64_t>(parsed.at(kCountConfig))
                                           : std::get<int64_t>(parsed.at(kIterationsConfig));
  s.rate = std::get<double>(parsed.at(kRateConfig));
  s.batch_size = std::get<int32_t>(parsed.at(kBatchSizeConfig));
  s.seed = std::get<int64_t>(parsed.at(kSeedConfig));
  return s;
}

bool IsNonNegativeInteger(const nlohmann::json& j) {
  return j.is_number_unsigned() || (j.is_number_integer() && j.get<int64_t>() >= 0);
}

int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

// ---- DatagenSourceConnector -----------------------------------------------------------------

ConfigDef DatagenSourceConnector::config() const { return DatagenConfigDef(); }

std::vector<ConfigValue> DatagenSourceConnector::validate(const ConfigMap& props) const {
  std::vector<ConfigValue> results = config().Validate(props);
  for (auto& [key, message] : CrossKeyProblems(props)) {
    auto it = std::find_if(results.begin(), results.end(),
                           [&key = key](const ConfigValue& v) { return v.name == key; });
    if (it == results.end()) {
      it = results.insert(results.end(), ConfigValue{key, props.at(key), {}, {}, true});
    }
    it->errors.push_back(std::move(message));
  }
  return results;
}

void DatagenSourceConnector::start(const ConfigMap& props) {
  const Settings settings = ParseSettings(props);
  props_ = props;
  context().log(LogLevel::kInfo, "Starting datagen connector writing " +
                                     std::string(kOrderSchemaName) + " records to " +
                                     settings.topic);
}

std::vector<ConfigMap> DatagenSourceConnector::task_configs(int max_tasks) {
  std::vector<ConfigMap> configs;
  for (int i = 0; i < max_tasks; ++i) {
    ConfigMap& config = configs.emplace_back(props_);
    config.insert_or_assign(kTaskIdConfig, std::to_string(i));
  }
  return configs;
}

bool DatagenSourceConnector::alter_offsets(
    const ConfigMap& props,
    const std::vector<std::pair<nlohmann::json, std::optional<nlohmann::json>>>& offsets) {
  (void)props;
  for (const auto& [partition, offset] : offsets) {
    if (!partition.is_object() || !partition.contains(kTaskField) ||
        !IsNonNegativeInteger(partition.at(kTaskField))) {
      throw ConnectError("Partition objects should be {\"task\": <non-negative integer>}; got " +
                         partition.dump());
    }
    if (offset && (!offset->is_object() || !offset->contains(kSeqField) ||
                   !IsNonNegativeInteger(offset->at(kSeqField)))) {
      throw ConnectError(
          "Offset objects should either be null or {\"seq\": <non-negative integer>}; got " +
          offset->dump() + " for " + partition.dump());
    }
  }
  return true;  // the task reads the new sequence number when it starts
}

// ---- DatagenSourceTask ----------------------------------------------------------------------

void DatagenSourceTask::start(const ConfigMap& props) {
  const Settings settings = ParseSettings(props);
  topic_ = settings.topic;
  seed_ = settings.seed;
  count_ = settings.count;
  batch_size_ = settings.batch_size;
  max_interval_ = std::chrono::milliseconds(settings.max_interval_ms);
  rate_ = settings.rate;
  if (const auto it = props.find(kTaskIdConfig); it != props.end()) {
    const std::optional<int64_t> id = ParseLong(it->second);
    if (!id || *id < 0 || *id > std::numeric_limits<int32_t>::max()) {
      throw ConfigError(kTaskIdConfig, it->second,
                        "Value must be a task number from 0 to 2147483647 (the connector sets it)");
    }
    task_id_ = static_cast<int32_t>(*id);
  }
  partition_ = {{kTaskField, task_id_}};
  if (const auto offset = context().offset_storage_reader().offset(partition_)) {
    if (!offset->is_object() || !offset->contains(kSeqField) ||
        !IsNonNegativeInteger(offset->at(kSeqField))) {
      throw ConnectError("The committed offset of " + partition_.dump() + " is " + offset->dump() +
                         "; expected {\"seq\": <non-negative integer>}");
    }
    next_seq_ = offset->at(kSeqField).get<int64_t>();
  }
  const Clock::time_point now = Clock::now();
  next_poll_ = now;
  last_refill_ = now;
  tokens_ = 1.0;  // the first record goes out at once
  context().log(LogLevel::kInfo, "Datagen task " + std::to_string(task_id_) + " writing to " +
                                     topic_ + " from seq " + std::to_string(next_seq_) +
                                     (count_ >= 0 ? " up to " + std::to_string(count_) : ""));
}

void DatagenSourceTask::stop() {
  std::lock_guard lock(mu_);
  stopping_ = true;
  wake_.notify_all();
}

bool DatagenSourceTask::WaitUntil(Clock::time_point deadline) {
  std::unique_lock lock(mu_);
  wake_.wait_until(lock, deadline, [this] { return stopping_; });
  return !stopping_;
}

void DatagenSourceTask::Refill(Clock::time_point now) {
  const double elapsed = std::chrono::duration<double>(now - last_refill_).count();
  tokens_ = std::min(std::max(1.0, rate_), tokens_ + rate_ * elapsed);
  last_refill_ = now;
}

std::vector<SourceRecord> DatagenSourceTask::poll() {
  std::vector<SourceRecord> records;
  const Clock::time_point now = Clock::now();
  const Clock::time_point give_up = now + kMaxPollWait;
  {
    std::lock_guard lock(mu_);
    if (stopping_) return records;
  }
  if (count_ >= 0 && next_seq_ >= count_) {
    if (!finished_logged_) {
      context().log(LogLevel::kInfo, "Datagen task " + std::to_string(task_id_) +
                                         " generated all its records (seq 0 to " +
                                         std::to_string(count_ - 1) + "); idling");
      finished_logged_ = true;
    }
    WaitUntil(give_up);
    return records;
  }
  if (now < next_poll_ &&
      (!WaitUntil(std::min(next_poll_, give_up)) || Clock::now() < next_poll_)) {
    return records;
  }
  int64_t n = batch_size_;
  if (count_ >= 0) n = std::min(n, count_ - next_seq_);
  if (rate_ > 0) {
    Refill(Clock::now());
    if (tokens_ < 1) {
      const auto until_next = std::chrono::duration_cast<Clock::duration>(
          std::chrono::duration<double>((1 - tokens_) / rate_));
      if (!WaitUntil(std::min(Clock::now() + until_next, give_up))) return records;
      Refill(Clock::now());
      if (tokens_ < 1) return records;
    }
    n = std::min(n, static_cast<int64_t>(std::floor(tokens_)));
    tokens_ -= static_cast<double>(n);
  }
  records.resize(static_cast<size_t>(n));
  const int64_t timestamp = NowMillis();
  for (SourceRecord& r : records) {
    const int64_t seq = next_seq_++;
    r.topic = topic_;
    r.key_schema = Schema::Int64();
    r.key = seq;
    r.value_schema = OrderSchema();
    r.value = MakeOrder(seed_, task_id_, seq);
    r.timestamp = timestamp;
    r.source_partition = partition_;
    r.source_offset = {{kSeqField, seq + 1}};
  }
  next_poll_ = Clock::now() + max_interval_;
  return records;
}

}  // namespace ck::datagen
