// The standalone worker (see the header).
#include "runtime/worker/worker.h"

#include <librdkafka/rdkafka_mock.h>

#include <charconv>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "ck/host/host_support.h"
#include "runtime/worker/log.h"
#include "runtime/worker/runtime_host.h"
#include "runtime/worker/sink_task_runner.h"
#include "runtime/worker/source_task_runner.h"

namespace ck::runtime {
namespace {

std::string_view View(ck_str s) { return {s.ptr == nullptr ? "" : s.ptr, s.len}; }

std::string Get(const Properties& p, const std::string& key, const std::string& fallback = "") {
  auto it = p.find(key);
  return it == p.end() ? fallback : it->second;
}

int64_t GetLong(const Properties& p, const std::string& key, int64_t fallback, int64_t min,
                const std::string& what) {
  auto it = p.find(key);
  if (it == p.end()) return fallback;
  int64_t value = 0;
  const std::string& text = it->second;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min) {
    throw ConfigFileError("Invalid value " + text + " for configuration " + key + " of " + what +
                          ": must be an integer of at least " + std::to_string(min));
  }
  return value;
}

std::vector<std::string> SplitList(const std::string& text) {
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

// The settings under `prefix` (e.g. "value.converter."), prefix removed.
Properties WithPrefix(const Properties& p, const std::string& prefix) {
  Properties out;
  for (const auto& [key, value] : p) {
    if (key.size() > prefix.size() && key.compare(0, prefix.size(), prefix) == 0) {
      out[key.substr(prefix.size())] = value;
    }
  }
  return out;
}

// Keys the runtime itself reads from a connector configuration (ConnectorConfig and friends).
bool IsRuntimeKey(const std::string& key) {
  static const std::set<std::string> kExact = {"name",
                                               "connector.class",
                                               "tasks.max",
                                               "tasks.max.enforce",
                                               "key.converter",
                                               "value.converter",
                                               "header.converter",
                                               "transforms",
                                               "predicates",
                                               "topics",
                                               "topics.regex",
                                               "config.action.reload",
                                               "connector.plugin.version",
                                               "exactly.once.support",
                                               "transaction.boundary",
                                               "transaction.boundary.interval.ms",
                                               "offsets.storage.topic"};
  static const std::vector<std::string> kPrefixes = {
      "key.converter.",     "value.converter.", "header.converter.", "transforms.",
      "predicates.",        "errors.",          "topic.creation.",   "producer.override.",
      "consumer.override.", "admin.override."};
  if (kExact.count(key) != 0) return true;
  for (const std::string& prefix : kPrefixes) {
    if (key.compare(0, prefix.size(), prefix) == 0) return true;
  }
  return false;
}

}  // namespace

// One running connector: the connector instance and its tasks.
struct Worker::Running {
  std::string name;
  bool source = true;
  Properties raw;
  Properties config;  // resolved
  const ComponentEntry* entry = nullptr;
  int64_t tasks_max = 1;
  bool tolerate = false;
  std::vector<std::string> topics;
  std::string topics_regex;
  std::optional<TopicCreation> topic_creation;
  std::vector<Properties> task_configs;  // as last returned by the connector
  ComponentContext context;
  ConnectorControl control;
  std::unique_ptr<host::Instance<ck_connector_vtable>> connector;
  std::vector<std::unique_ptr<SourceTaskRunner>> source_tasks;
  std::vector<std::unique_ptr<SinkTaskRunner>> sink_tasks;
  StatusCell status;

  explicit Running(const std::string& connector_name) : name(connector_name), context(name, -1) {}
};

Worker::Worker(Properties config, const PluginRegistry& registry)
    : config_(std::move(config)), registry_(registry) {
  bootstrap_ = Get(config_, "bootstrap.servers");
  if (bootstrap_.empty()) {
    rd_kafka_conf_t* conf = MakeKafkaConf({{"test.mock.num.brokers", "1"}}, "embedded Kafka");
    char error[512];
    rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error);
    if (rk == nullptr)
      throw ConfigFileError(std::string("cannot start the embedded Kafka: ") + error);
    embedded_.reset(rk);
    bootstrap_ = rd_kafka_mock_cluster_bootstraps(rd_kafka_handle_mock_cluster(rk));
    config_["bootstrap.servers"] = bootstrap_;
    Log(Level::kInfo, "",
        "No bootstrap.servers configured: running on the embedded Kafka (librdkafka mock "
        "cluster) at " +
            bootstrap_);
  }
  const std::string offsets_file = Get(config_, "offset.storage.file.filename");
  if (offsets_file.empty()) {
    throw ConfigFileError(
        "Missing required configuration \"offset.storage.file.filename\" which has no default "
        "value: standalone mode keeps source offsets in this file");
  }
  offsets_ = std::make_unique<FileOffsetStore>(offsets_file);
  flush_interval_ = std::chrono::milliseconds(
      GetLong(config_, "offset.flush.interval.ms", 60000, 1, "the worker"));
  flush_timeout_ =
      std::chrono::milliseconds(GetLong(config_, "offset.flush.timeout.ms", 5000, 1, "the worker"));
  graceful_ = std::chrono::milliseconds(
      GetLong(config_, "task.shutdown.graceful.timeout.ms", 5000, 0, "the worker"));
  monitor_ = std::thread([this] { MonitorConnectors(); });
}

Worker::~Worker() {
  {
    std::lock_guard lock(mu_);
    monitor_stop_ = true;
    monitor_cv_.notify_all();
  }
  if (monitor_.joinable()) monitor_.join();
  StopAll();
}

void Worker::StartConnector(const Properties& raw) {
  const std::string name = Get(raw, "name");
  if (name.empty()) throw ConfigFileError("connector config has no 'name'");
  {
    std::lock_guard lock(mu_);
    if (connectors_.count(name) != 0)
      throw ConfigFileError("connector " + name + " already exists");
  }
  const std::string what = "connector " + name;
  const Properties config = ResolveConfigProviders(raw);
  const std::string class_name = Get(config, "connector.class");
  if (class_name.empty()) {
    throw ConfigFileError(what +
                          ": Missing required configuration \"connector.class\" which has "
                          "no default value");
  }
  std::optional<std::string> version;
  if (auto v = Get(config, "connector.plugin.version"); !v.empty()) version = v;
  const ComponentEntry* entry = nullptr;
  try {
    entry =
        &registry_.Resolve(class_name, {CK_KIND_SOURCE_CONNECTOR, CK_KIND_SINK_CONNECTOR}, version);
  } catch (const PluginLookupError& e) {
    throw ConfigFileError(what + ": connector.class: " + e.what());
  }
  const int64_t tasks_max = GetLong(config, "tasks.max", 1, 1, what);
  const bool source = entry->kind == CK_KIND_SOURCE_CONNECTOR;
  const bool tolerate = Get(config, "errors.tolerance", "none") == "all";
  if (auto t = Get(config, "errors.tolerance", "none"); t != "none" && t != "all") {
    throw ConfigFileError("Invalid value " + t + " for configuration errors.tolerance of " + what +
                          ": String must be one of: none, all");
  }

  // Unknown keys: neither the runtime's nor the connector's.
  std::set<std::string> known;
  for (const auto& key : entry->config) known.insert(key.value("name", ""));
  for (const auto& [key, value] : raw) {
    if (!IsRuntimeKey(key) && known.count(key) == 0) {
      Log(Level::kWarn, name,
          "Unknown configuration '" + key + "' for " + std::string(KindName(entry->kind)) +
              " connector " + entry->class_name + " is ignored");
    }
  }

  auto running = std::make_unique<Running>(name);
  running->source = source;
  running->raw = raw;
  running->context.control = &running->control;
  running->context.offsets = offsets_.get();
  running->connector = std::make_unique<host::Instance<ck_connector_vtable>>(
      *entry->component, running->context.get());
  host::ConfigView view(config);
  {
    host::Owned<ck_buffer> result;
    running->connector->Call("validate", &ck_connector_vtable::validate, view.get(), result.out());
    std::string problems;
    for (const auto& value : nlohmann::json::parse(View(result->data))) {
      for (const auto& error : value.value("errors", nlohmann::json::array())) {
        problems += "\n  " + value.value("name", std::string()) + ": " + error.get<std::string>();
      }
    }
    if (!problems.empty())
      throw ConfigFileError(what + " has an invalid configuration:" + problems);
  }
  std::vector<std::string> topics = SplitList(Get(config, "topics"));
  const std::string topics_regex = Get(config, "topics.regex");
  if (!source && topics.empty() == topics_regex.empty()) {
    throw ConfigFileError(what +
                          ": a sink connector needs exactly one of 'topics' and "
                          "'topics.regex'");
  }

  const std::optional<TopicCreation> topic_creation =
      source ? TopicCreation::FromConfig(config_, config) : std::nullopt;
  running->connector->Call("start", &ck_connector_vtable::start, view.get());
  running->config = config;
  running->entry = entry;
  running->tasks_max = tasks_max;
  running->tolerate = tolerate;
  running->topics = std::move(topics);
  running->topics_regex = topics_regex;
  running->topic_creation = topic_creation;
  try {
    StartTasks(*running, TaskConfigs(*running));
  } catch (...) {
    StopTasks(*running);
    try {
      running->connector->Call("stop", &ck_connector_vtable::stop);
    } catch (const std::exception& e) {
      Log(Level::kWarn, name, std::string("connector stop() failed: ") + e.what());
    }
    throw;
  }
  running->status.Set(TaskState::kRunning);
  Log(Level::kInfo, name,
      "Connector " + entry->class_name + " " + entry->version + " started with " +
          std::to_string(running->task_configs.size()) + " task(s)");
  std::lock_guard lock(mu_);
  connectors_[name] = std::move(running);
}

std::vector<Properties> Worker::TaskConfigs(Running& running) {
  host::Owned<ck_config_list> task_configs;
  running.connector->Call("task_configs", &ck_connector_vtable::task_configs,
                          static_cast<uint32_t>(running.tasks_max), task_configs.out());
  if (task_configs->count > running.tasks_max) {
    throw ConfigFileError(
        "connector " + running.name + " generated " + std::to_string(task_configs->count) +
        " task configurations, more than tasks.max=" + std::to_string(running.tasks_max));
  }
  std::vector<Properties> out(task_configs->count);
  for (uint32_t t = 0; t < task_configs->count; ++t) {
    for (uint32_t i = 0; i < task_configs->configs[t].count; ++i) {
      const ck_config_entry& e = task_configs->configs[t].entries[i];
      out[t][std::string(View(e.key))] = std::string(View(e.value));
    }
  }
  return out;
}

void Worker::StartTasks(Running& running, std::vector<Properties> task_configs) {
  const Properties& config = running.config;
  const std::string& name = running.name;
  // Converters and transformations, one set per task: instances are not shared across threads.
  auto converter = [&](const std::string& key, const char* fallback, bool is_key) {
    const std::string cls = Get(config, key, Get(config_, key, fallback));
    const ComponentEntry& c = registry_.Resolve(cls, {CK_KIND_CONVERTER});
    Properties settings = WithPrefix(config_, key + ".");
    for (auto& [k, v] : WithPrefix(config, key + ".")) settings[k] = v;
    auto instance = std::make_unique<host::Instance<ck_converter_vtable>>(*c.component, nullptr);
    host::ConfigView settings_view(settings);
    instance->Call("configure", &ck_converter_vtable::configure, settings_view.get(),
                   is_key ? 1 : 0);
    return instance;
  };
  auto header_converter = [&] {
    const std::string cls = Get(
        config, "header.converter",
        Get(config_, "header.converter", "org.apache.kafka.connect.storage.SimpleHeaderConverter"));
    const ComponentEntry& c = registry_.Resolve(cls, {CK_KIND_HEADER_CONVERTER});
    Properties settings = WithPrefix(config_, "header.converter.");
    for (auto& [k, v] : WithPrefix(config, "header.converter.")) settings[k] = v;
    auto instance =
        std::make_unique<host::Instance<ck_header_converter_vtable>>(*c.component, nullptr);
    host::ConfigView settings_view(settings);
    instance->Call("configure", &ck_header_converter_vtable::configure, settings_view.get());
    return instance;
  };
  auto transformations = [&] {
    std::vector<TransformationStage> stages;
    std::map<std::string, std::shared_ptr<host::Instance<ck_predicate_vtable>>> predicates;
    for (const std::string& alias : SplitList(Get(config, "predicates"))) {
      const std::string prefix = "predicates." + alias + ".";
      const ComponentEntry& c =
          registry_.Resolve(Get(config, prefix + "type"), {CK_KIND_PREDICATE});
      auto instance = std::make_shared<host::Instance<ck_predicate_vtable>>(*c.component, nullptr);
      Properties settings = WithPrefix(config, prefix);
      settings.erase("type");
      host::ConfigView settings_view(settings);
      instance->Call("configure", &ck_predicate_vtable::configure, settings_view.get());
      predicates[alias] = std::move(instance);
    }
    for (const std::string& alias : SplitList(Get(config, "transforms"))) {
      const std::string prefix = "transforms." + alias + ".";
      const std::string type = Get(config, prefix + "type");
      if (type.empty()) {
        throw ConfigFileError("connector " + name + ": Missing required configuration \"" + prefix +
                              "type\" which has no default value");
      }
      const ComponentEntry& c = registry_.Resolve(type, {CK_KIND_TRANSFORMATION});
      Properties settings = WithPrefix(config, prefix);
      const std::string predicate = Get(settings, "predicate");
      const bool negate = Get(settings, "negate", "false") == "true";
      for (const char* k : {"type", "predicate", "negate"}) settings.erase(k);
      TransformationStage stage{
          alias, host::Instance<ck_transformation_vtable>(*c.component, nullptr), nullptr, negate};
      host::ConfigView settings_view(settings);
      stage.transformation.Call("configure", &ck_transformation_vtable::configure,
                                settings_view.get());
      if (!predicate.empty()) {
        auto it = predicates.find(predicate);
        if (it == predicates.end()) {
          throw ConfigFileError("connector " + name + ": transforms." + alias +
                                ".predicate names '" + predicate +
                                "', which is not listed in 'predicates'");
        }
        stage.predicate = it->second;
      }
      stages.push_back(std::move(stage));
    }
    return stages;
  };

  const ComponentEntry& task_entry =
      registry_.Resolve(View(running.entry->component->task_class),
                        {running.source ? CK_KIND_SOURCE_TASK : CK_KIND_SINK_TASK});
  running.task_configs = task_configs;
  for (size_t t = 0; t < task_configs.size(); ++t) {
    Properties task_config = std::move(task_configs[t]);
    if (running.source) {
      SourceTaskSetup setup;
      setup.connector = name;
      setup.task_id = static_cast<int>(t);
      setup.task = task_entry.component;
      setup.config = std::move(task_config);
      setup.transformations = transformations();
      setup.key_converter =
          converter("key.converter", "org.apache.kafka.connect.json.JsonConverter", true);
      setup.value_converter =
          converter("value.converter", "org.apache.kafka.connect.json.JsonConverter", false);
      setup.header_converter = header_converter();
      setup.producer_settings = ClientSettings(config_, config, "producer",
                                               {{"acks", "all"},
                                                {"enable.idempotence", "true"},
                                                {"queue.buffering.max.messages", "20000"},
                                                {"queue.buffering.max.kbytes", "16384"}});
      setup.offsets = offsets_.get();
      setup.offset_flush_interval = flush_interval_;
      setup.offset_flush_timeout = flush_timeout_;
      setup.tolerate_errors = running.tolerate;
      setup.topic_creation = running.topic_creation;
      running.source_tasks.push_back(std::make_unique<SourceTaskRunner>(std::move(setup)));
    } else {
      SinkTaskSetup setup;
      setup.connector = name;
      setup.task_id = static_cast<int>(t);
      setup.task = task_entry.component;
      task_config.emplace("topics", Get(config, "topics"));
      if (!running.topics_regex.empty()) {
        task_config.emplace("topics.regex", running.topics_regex);
      }
      setup.config = std::move(task_config);
      setup.transformations = transformations();
      setup.key_converter =
          converter("key.converter", "org.apache.kafka.connect.json.JsonConverter", true);
      setup.value_converter =
          converter("value.converter", "org.apache.kafka.connect.json.JsonConverter", false);
      setup.header_converter = header_converter();
      setup.consumer_settings = ClientSettings(config_, config, "consumer",
                                               {{"group.id", "connect-" + name},
                                                {"enable.auto.commit", "false"},
                                                {"auto.offset.reset", "earliest"}});
      setup.topics = running.topics;
      setup.topics_regex = running.topics_regex;
      setup.offset_flush_interval = flush_interval_;
      setup.tolerate_errors = running.tolerate;
      running.sink_tasks.push_back(std::make_unique<SinkTaskRunner>(std::move(setup)));
    }
  }
  for (auto& task : running.source_tasks) task->Start();
  for (auto& task : running.sink_tasks) task->Start();
}

void Worker::StopTasks(Running& running) {
  for (auto& task : running.source_tasks) task->Stop(graceful_);
  for (auto& task : running.sink_tasks) task->Stop(graceful_);
  running.source_tasks.clear();
  running.sink_tasks.clear();
}

void Worker::MonitorConnectors() {
  std::unique_lock lock(mu_);
  while (!monitor_stop_) {
    monitor_cv_.wait_for(lock, std::chrono::milliseconds(250));
    for (auto& [name, running] : connectors_) {
      if (!running->control.reconfiguration_requested.exchange(false)) continue;
      try {
        std::vector<Properties> configs = TaskConfigs(*running);
        if (configs == running->task_configs) continue;
        Log(Level::kInfo, name,
            "Task configurations changed: restarting " + std::to_string(configs.size()) +
                " task(s)");
        StopTasks(*running);
        StartTasks(*running, std::move(configs));
      } catch (const std::exception& e) {
        running->status.Set(TaskState::kFailed, e.what());
        Log(Level::kError, name, std::string("task reconfiguration failed: ") + e.what());
      }
    }
  }
}

void Worker::StopConnector(const std::string& name) {
  std::unique_ptr<Running> running;
  {
    std::lock_guard lock(mu_);
    auto it = connectors_.find(name);
    if (it == connectors_.end()) return;
    running = std::move(it->second);
    connectors_.erase(it);
  }
  StopTasks(*running);
  try {
    running->connector->Call("stop", &ck_connector_vtable::stop);
  } catch (const std::exception& e) {
    Log(Level::kWarn, name, std::string("connector stop() failed: ") + e.what());
  }
  Log(Level::kInfo, name, "Connector stopped");
}

void Worker::StopAll() {
  std::vector<std::string> names;
  {
    std::lock_guard lock(mu_);
    for (const auto& [name, running] : connectors_) names.push_back(name);
  }
  for (const std::string& name : names) StopConnector(name);
}

std::vector<ConnectorStatus> Worker::Status() const {
  std::lock_guard lock(mu_);
  std::vector<ConnectorStatus> out;
  for (const auto& [name, running] : connectors_) {
    ConnectorStatus status{name, running->source ? "source" : "sink", running->status.Get(), {}};
    {
      std::lock_guard control(running->control.mu);
      if (running->control.raised_error) {
        status.connector = {TaskState::kFailed, *running->control.raised_error};
      }
    }
    for (const auto& task : running->source_tasks) status.tasks.push_back(task->status());
    for (const auto& task : running->sink_tasks) status.tasks.push_back(task->status());
    out.push_back(std::move(status));
  }
  return out;
}

ConnectorProgress Worker::Progress(const std::string& name) const {
  std::lock_guard lock(mu_);
  ConnectorProgress p;
  auto it = connectors_.find(name);
  if (it == connectors_.end()) return p;
  for (const auto& task : it->second->source_tasks) {
    p.produced += task->metrics().written;
    p.committed += task->metrics().committed;
    p.dropped += task->metrics().dropped;
  }
  for (const auto& task : it->second->sink_tasks) {
    p.consumed += task->metrics().consumed;
    p.delivered += task->metrics().put;
    p.committed += task->metrics().committed;
    p.dropped += task->metrics().dropped;
  }
  return p;
}

}  // namespace ck::runtime
