// The standalone worker (see the header).
#include "runtime/worker/worker.h"

#include <librdkafka/rdkafka_mock.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "ck/host/host_support.h"
#include "runtime/worker/connector_validation.h"
#include "runtime/worker/log.h"
#include "runtime/worker/runtime_host.h"
#include "runtime/worker/sink_task_runner.h"
#include "runtime/worker/source_task_runner.h"

namespace ck::runtime {
namespace {

std::string_view View(ck_str s) { return {s.ptr == nullptr ? "" : s.ptr, s.len}; }

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

std::string StateText(TargetState state) { return TargetStateName(state); }

TargetState ParseTargetState(const std::string& text) {
  if (text == "PAUSED") return TargetState::kPaused;
  if (text == "STOPPED") return TargetState::kStopped;
  return TargetState::kStarted;
}

}  // namespace

const char* TargetStateName(TargetState state) {
  switch (state) {
    case TargetState::kStarted:
      return "STARTED";
    case TargetState::kPaused:
      return "PAUSED";
    case TargetState::kStopped:
      return "STOPPED";
  }
  return "STARTED";
}

// One connector: its configuration, target state, and while it runs the connector instance and
// its tasks. Lifecycle fields change under ops_mu_; `tasks` and `status` are also read under mu_.
struct Worker::Running {
  std::string name;
  Properties raw;  // as the user gave it
  TargetState target = TargetState::kStarted;
  bool source = true;      // known once validated
  std::string class_name;  // as given, until resolved
  std::string version;
  // While started:
  Properties config;  // resolved
  const ComponentEntry* entry = nullptr;
  int64_t tasks_max = 1;
  ErrorPolicy errors;
  std::vector<std::string> topics;
  std::string topics_regex;
  std::optional<TopicCreation> topic_creation;
  std::vector<Properties> task_configs;  // as last returned by the connector
  ComponentContext context;
  ConnectorControl control;
  std::unique_ptr<host::Instance<ck_connector_vtable>> connector;
  std::vector<std::unique_ptr<TaskRunner>> tasks;
  StatusCell status;
  std::shared_ptr<TopicTracker> topics_in_use = std::make_shared<TopicTracker>();

  explicit Running(const std::string& connector_name) : name(connector_name), context(name, -1) {
    context.control = &control;
  }
};

Worker::Worker(Properties config, const PluginRegistry& registry)
    : config_(std::move(config)), registry_(registry) {
  bootstrap_ = GetOr(config_, "bootstrap.servers");
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
  const std::string offsets_file = GetOr(config_, "offset.storage.file.filename");
  if (offsets_file.empty()) {
    throw ConfigFileError(
        "Missing required configuration \"offset.storage.file.filename\" which has no default "
        "value: standalone mode keeps source offsets in this file");
  }
  offsets_ = std::make_unique<FileOffsetStore>(offsets_file);
  config_file_ = GetOr(config_, "config.storage.file.filename", offsets_file + ".connectors.json");
  flush_interval_ = std::chrono::milliseconds(
      GetLong(config_, "offset.flush.interval.ms", 60000, 1, "the worker"));
  flush_timeout_ =
      std::chrono::milliseconds(GetLong(config_, "offset.flush.timeout.ms", 5000, 1, "the worker"));
  graceful_ = std::chrono::milliseconds(
      GetLong(config_, "task.shutdown.graceful.timeout.ms", 5000, 0, "the worker"));
  // Connectors of an earlier run, in their target states.
  if (std::filesystem::exists(config_file_)) {
    std::ifstream in(config_file_);
    const nlohmann::json saved = nlohmann::json::parse(in, nullptr, false);
    if (!saved.is_object() || !saved.contains("connectors")) {
      throw ConfigFileError("cannot read connector configurations from " + config_file_ +
                            ": not a JSON object with \"connectors\"");
    }
    std::lock_guard ops(ops_mu_);
    for (const auto& [name, entry] : saved["connectors"].items()) {
      auto running = std::make_unique<Running>(name);
      running->raw = entry.value("config", nlohmann::json::object()).get<Properties>();
      running->target = ParseTargetState(entry.value("target_state", "STARTED"));
      running->class_name = GetOr(running->raw, "connector.class");
      Running& r = *running;
      {
        std::lock_guard lock(mu_);
        connectors_[name] = std::move(running);
      }
      Log(Level::kInfo, name, "Restoring connector saved in " + config_file_);
      StartRunning(r);
    }
  }
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

void Worker::CheckOpen() const {
  if (closing_) {
    throw WorkerError(WorkerError::Kind::kUnavailable,
                      "The worker is shutting down and accepts no changes");
  }
}

Worker::Running& Worker::Find(const std::string& name) const {
  auto it = connectors_.find(name);
  if (it == connectors_.end()) {
    throw WorkerError(WorkerError::Kind::kNotFound, "Connector " + name + " not found");
  }
  return *it->second;
}

nlohmann::json Worker::Validate(const std::string& plugin, const Properties& config) const {
  const ComponentEntry* entry = nullptr;
  try {
    entry = &registry_.Resolve(plugin, {CK_KIND_SOURCE_CONNECTOR, CK_KIND_SINK_CONNECTOR});
  } catch (const PluginLookupError& e) {
    throw WorkerError(WorkerError::Kind::kNotFound, e.what());
  }
  const bool sink = entry->kind == CK_KIND_SINK_CONNECTOR;
  Properties resolved = config;
  std::string resolve_error;
  try {
    resolved = ResolveConfigProviders(config);
  } catch (const ConfigFileError& e) {
    resolve_error = e.what();
  }
  nlohmann::json values =
      ValidateRuntimeKeys(resolved, sink, [&](const std::string& key, const std::string& cls) {
        std::vector<ck_component_kind> kinds = {CK_KIND_CONVERTER};
        if (key == "header.converter") kinds = {CK_KIND_HEADER_CONVERTER};
        if (key == "transforms") kinds = {CK_KIND_TRANSFORMATION};
        if (key == "predicates") kinds = {CK_KIND_PREDICATE};
        try {
          registry_.Find(cls, kinds);
          return std::string();
        } catch (const PluginLookupError& e) {
          return std::string(e.what());
        }
      });
  if (!resolve_error.empty()) {
    for (auto& v : values) {
      if (v["name"] == "name") v["errors"].push_back(resolve_error);
    }
  }
  // The connector's own keys, validated by a fresh instance of it.
  ComponentContext context(GetOr(config, "name", "validation"), -1);
  host::Instance<ck_connector_vtable> connector(*entry->component, context.get());
  host::ConfigView view(resolved);
  host::Owned<ck_buffer> result;
  connector.Call("validate", &ck_connector_vtable::validate, view.get(), result.out());
  for (const auto& v : nlohmann::json::parse(View(result->data))) values.push_back(v);
  nlohmann::json definitions = RuntimeConfigDefinitions(sink);
  for (const auto& d : entry->config) definitions.push_back(d);
  return ConfigInfos(entry->class_name, definitions, values, config);
}

Properties Worker::ValidatedConfig(const std::string& name, Properties config) const {
  try {
    (void)nlohmann::json(name).dump();  // throws unless valid UTF-8
  } catch (const nlohmann::json::exception&) {
    throw ConfigFileError("Connector name is not valid UTF-8");
  }
  for (const char c : name) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      throw ConfigFileError("Connector name " + nlohmann::json(name).dump() +
                            " is invalid: it must not contain control characters");
    }
  }
  config["name"] = name;
  const std::string cls = GetOr(config, "connector.class");
  const std::string what = "connector " + name;
  if (cls.empty()) {
    throw ConfigFileError(what +
                          ": Missing required configuration \"connector.class\" which has "
                          "no default value");
  }
  nlohmann::json infos;
  try {
    infos = Validate(cls, config);
  } catch (const WorkerError& e) {
    throw ConfigFileError(what + ": connector.class: " + e.what());
  }
  if (infos["error_count"].get<int>() > 0) {
    std::string problems;
    int count = 0;
    for (const auto& c : infos["configs"]) {
      for (const auto& error : c["value"]["errors"]) {
        problems +=
            "\n  " + c["value"]["name"].get<std::string>() + ": " + error.get<std::string>();
        ++count;
      }
    }
    throw ConfigFileError(what + " has an invalid configuration with " + std::to_string(count) +
                          " error(s):" + problems);
  }
  for (const auto& c : infos["configs"]) {
    if (c["definition"]["group"] == "Unknown") {
      Log(Level::kWarn, name,
          "Unknown configuration '" + c["definition"]["name"].get<std::string>() + "' for " +
              infos["name"].get<std::string>() + " is ignored");
    }
  }
  return config;
}

void Worker::StartConnector(const Properties& raw) {
  const std::string name = GetOr(raw, "name");
  if (name.empty()) throw ConfigFileError("connector config has no 'name'");
  bool created = false;
  PutConnectorConfig(name, raw, created);
  std::lock_guard lock(mu_);
  const TaskStatus status = Find(name).status.Get();
  if (status.state == TaskState::kFailed) {
    throw ConfigFileError("connector " + name + " failed to start: " + status.trace);
  }
}

ConnectorInfo Worker::CreateConnector(const std::string& name, Properties config,
                                      TargetState initial) {
  std::lock_guard ops(ops_mu_);
  CheckOpen();
  {
    std::lock_guard lock(mu_);
    if (connectors_.count(name) != 0) {
      throw WorkerError(WorkerError::Kind::kConflict, "Connector " + name + " already exists");
    }
  }
  config = ValidatedConfig(name, std::move(config));
  auto running = std::make_unique<Running>(name);
  running->raw = std::move(config);
  running->target = initial;
  running->class_name = GetOr(running->raw, "connector.class");
  Running& r = *running;
  {
    std::lock_guard lock(mu_);
    connectors_[name] = std::move(running);
  }
  Save();
  StartRunning(r);
  return Info(name);
}

ConnectorInfo Worker::PutConnectorConfig(const std::string& name, Properties config,
                                         bool& created) {
  std::unique_lock ops(ops_mu_);
  CheckOpen();
  if (auto it = config.find("name"); it != config.end() && it->second != name) {
    throw WorkerError(WorkerError::Kind::kBadRequest,
                      "Connector name configuration (" + it->second +
                          ") doesn't match connector name in the URL (" + name + ")");
  }
  config = ValidatedConfig(name, std::move(config));
  Running* existing = nullptr;
  {
    std::lock_guard lock(mu_);
    auto it = connectors_.find(name);
    if (it != connectors_.end()) existing = it->second.get();
  }
  created = existing == nullptr;
  if (!created && existing->raw == config && existing->status.Get().state != TaskState::kFailed) {
    return Info(name);  // unchanged, e.g. a saved connector also named on the command line
  }
  if (created) {
    ops.unlock();
    return CreateConnector(name, std::move(config), TargetState::kStarted);
  }
  StopRunning(*existing);
  existing->raw = std::move(config);
  existing->class_name = GetOr(existing->raw, "connector.class");
  Save();
  StartRunning(*existing);
  Log(Level::kInfo, name, "Connector configuration updated");
  return Info(name);
}

ConnectorInfo Worker::PatchConnectorConfig(
    const std::string& name, const std::map<std::string, std::optional<std::string>>& patch) {
  Properties config;
  {
    std::lock_guard lock(mu_);
    config = Find(name).raw;
  }
  for (const auto& [key, value] : patch) {
    if (value) {
      config[key] = *value;
    } else {
      config.erase(key);
    }
  }
  bool created = false;
  return PutConnectorConfig(name, std::move(config), created);
}

void Worker::DeleteConnector(const std::string& name) {
  std::lock_guard ops(ops_mu_);
  CheckOpen();
  Running* running = nullptr;
  {
    std::lock_guard lock(mu_);
    running = &Find(name);
  }
  StopRunning(*running);
  std::unique_ptr<Running> removed;
  {
    std::lock_guard lock(mu_);
    auto it = connectors_.find(name);
    removed = std::move(it->second);
    connectors_.erase(it);
  }
  Save();
  Log(Level::kInfo, name, "Connector deleted");
}

void Worker::StartRunning(Running& running) {
  const std::string& name = running.name;
  if (running.target == TargetState::kStopped) {
    running.status.Set(TaskState::kStopped);
    return;
  }
  const std::string what = "connector " + name;
  try {
    const Properties config = ResolveConfigProviders(running.raw);
    std::optional<std::string> version;
    if (auto v = GetOr(config, "connector.plugin.version"); !v.empty()) version = v;
    const ComponentEntry* entry = nullptr;
    try {
      entry = &registry_.Resolve(GetOr(config, "connector.class"),
                                 {CK_KIND_SOURCE_CONNECTOR, CK_KIND_SINK_CONNECTOR}, version);
    } catch (const PluginLookupError& e) {
      throw ConfigFileError(what + ": connector.class: " + e.what());
    }
    running.entry = entry;
    running.source = entry->kind == CK_KIND_SOURCE_CONNECTOR;
    running.class_name = entry->class_name;
    running.version = entry->version;
    running.tasks_max = GetLong(config, "tasks.max", 1, 1, what);
    running.errors = ErrorPolicy::FromConfig(config, !running.source, what);
    running.topics = SplitList(GetOr(config, "topics"));
    running.topics_regex = GetOr(config, "topics.regex");
    running.topic_creation =
        running.source ? TopicCreation::FromConfig(config_, config) : std::nullopt;
    running.config = config;
    running.context.offsets = offsets_.get();
    running.connector = std::make_unique<host::Instance<ck_connector_vtable>>(
        *entry->component, running.context.get());
    host::ConfigView view(config);
    running.connector->Call("start", &ck_connector_vtable::start, view.get());
    StartTasks(running, ComputeTaskConfigs(running));
    running.status.Set(running.target == TargetState::kPaused ? TaskState::kPaused
                                                              : TaskState::kRunning);
    Log(Level::kInfo, name,
        "Connector " + entry->class_name + " " + entry->version + " started with " +
            std::to_string(running.task_configs.size()) + " task(s)" +
            (running.target == TargetState::kPaused ? ", paused" : ""));
  } catch (const std::exception& e) {
    StopRunning(running);
    running.status.Set(TaskState::kFailed, e.what());
    Log(Level::kError, name, std::string("Connector failed to start: ") + e.what());
  }
}

void Worker::StopRunning(Running& running) {
  StopTasks(running);
  if (running.connector) {
    try {
      running.connector->Call("stop", &ck_connector_vtable::stop);
    } catch (const std::exception& e) {
      Log(Level::kWarn, running.name, std::string("connector stop() failed: ") + e.what());
    }
    running.connector.reset();
    Log(Level::kInfo, running.name, "Connector stopped");
  }
  {
    std::lock_guard control(running.control.mu);
    running.control.raised_error.reset();
  }
  running.task_configs.clear();
  running.status.Set(TaskState::kUnassigned);
}

std::vector<Properties> Worker::ComputeTaskConfigs(Running& running) {
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

std::unique_ptr<TaskRunner> Worker::MakeTask(Running& running, int t, Properties task_config) {
  const Properties& config = running.config;
  const std::string& name = running.name;
  // Converters and transformations, one set per task: instances are not shared across threads.
  auto converter_class = [&](const std::string& key, const char* fallback) {
    return GetOr(config, key, GetOr(config_, key, fallback));
  };
  auto converter = [&](const std::string& key, const std::string& cls, bool is_key) {
    const ComponentEntry& c = registry_.Resolve(cls, {CK_KIND_CONVERTER});
    Properties settings = WithPrefix(config_, key + ".");
    for (auto& [k, v] : WithPrefix(config, key + ".")) settings[k] = v;
    auto instance = std::make_unique<host::Instance<ck_converter_vtable>>(*c.component, nullptr);
    host::ConfigView settings_view(settings);
    instance->Call("configure", &ck_converter_vtable::configure, settings_view.get(),
                   is_key ? 1 : 0);
    return instance;
  };
  auto header_converter = [&](const std::string& cls) {
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
    for (const std::string& alias : SplitList(GetOr(config, "predicates"))) {
      const std::string prefix = "predicates." + alias + ".";
      const ComponentEntry& c =
          registry_.Resolve(GetOr(config, prefix + "type"), {CK_KIND_PREDICATE});
      auto instance = std::make_shared<host::Instance<ck_predicate_vtable>>(*c.component, nullptr);
      Properties settings = WithPrefix(config, prefix);
      settings.erase("type");
      host::ConfigView settings_view(settings);
      instance->Call("configure", &ck_predicate_vtable::configure, settings_view.get());
      predicates[alias] = std::move(instance);
    }
    for (const std::string& alias : SplitList(GetOr(config, "transforms"))) {
      const std::string prefix = "transforms." + alias + ".";
      const std::string type = GetOr(config, prefix + "type");
      if (type.empty()) {
        throw ConfigFileError("connector " + name + ": Missing required configuration \"" + prefix +
                              "type\" which has no default value");
      }
      const ComponentEntry& c = registry_.Resolve(type, {CK_KIND_TRANSFORMATION});
      Properties settings = WithPrefix(config, prefix);
      const std::string predicate = GetOr(settings, "predicate");
      const bool negate = GetOr(settings, "negate", "false") == "true";
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
  const std::string key_class =
      converter_class("key.converter", "org.apache.kafka.connect.json.JsonConverter");
  const std::string value_class =
      converter_class("value.converter", "org.apache.kafka.connect.json.JsonConverter");
  const std::string header_class =
      converter_class("header.converter", "org.apache.kafka.connect.storage.SimpleHeaderConverter");
  if (running.source) {
    SourceTaskSetup setup;
    setup.connector = name;
    setup.task_id = t;
    setup.task = task_entry.component;
    setup.config = std::move(task_config);
    setup.transformations = transformations();
    setup.key_converter = converter("key.converter", key_class, true);
    setup.value_converter = converter("value.converter", value_class, false);
    setup.header_converter = header_converter(header_class);
    setup.key_converter_class = key_class;
    setup.value_converter_class = value_class;
    setup.header_converter_class = header_class;
    setup.producer_settings = ClientSettings(config_, config, "producer",
                                             {{"acks", "all"},
                                              {"max.in.flight.requests.per.connection", "1"},
                                              {"enable.idempotence", "false"},
                                              {"queue.buffering.max.messages", "20000"},
                                              {"queue.buffering.max.kbytes", "16384"}});
    setup.offsets = offsets_.get();
    setup.offset_flush_interval = flush_interval_;
    setup.offset_flush_timeout = flush_timeout_;
    setup.errors = running.errors;
    setup.topic_creation = running.topic_creation;
    setup.topics_in_use = running.topics_in_use;
    return std::make_unique<SourceTaskRunner>(std::move(setup));
  }
  SinkTaskSetup setup;
  setup.connector = name;
  setup.task_id = t;
  setup.task = task_entry.component;
  setup.task_class = task_entry.class_name;
  task_config.emplace("topics", GetOr(config, "topics"));
  if (!running.topics_regex.empty()) task_config.emplace("topics.regex", running.topics_regex);
  setup.config = std::move(task_config);
  setup.transformations = transformations();
  setup.key_converter = converter("key.converter", key_class, true);
  setup.value_converter = converter("value.converter", value_class, false);
  setup.header_converter = header_converter(header_class);
  setup.key_converter_class = key_class;
  setup.value_converter_class = value_class;
  setup.header_converter_class = header_class;
  setup.consumer_settings = ClientSettings(config_, config, "consumer",
                                           {{"group.id", "connect-" + name},
                                            {"enable.auto.commit", "false"},
                                            {"auto.offset.reset", "earliest"}});
  setup.topics = running.topics;
  setup.topics_regex = running.topics_regex;
  setup.offset_flush_interval = flush_interval_;
  setup.errors = running.errors;
  setup.dlq_producer_settings = ClientSettings(config_, config, "producer", {{"acks", "all"}});
  setup.topics_in_use = running.topics_in_use;
  return std::make_unique<SinkTaskRunner>(std::move(setup));
}

void Worker::StartTasks(Running& running, std::vector<Properties> task_configs) {
  std::vector<std::unique_ptr<TaskRunner>> tasks;
  for (size_t t = 0; t < task_configs.size(); ++t) {
    tasks.push_back(MakeTask(running, static_cast<int>(t), task_configs[t]));
  }
  running.task_configs = std::move(task_configs);
  for (auto& task : tasks) {
    if (running.target == TargetState::kPaused) task->SetPaused(true);
    task->Start();
  }
  std::lock_guard lock(mu_);
  running.tasks = std::move(tasks);
}

void Worker::StopTasks(Running& running) {
  std::vector<std::unique_ptr<TaskRunner>> tasks;
  {
    std::lock_guard lock(mu_);
    tasks.swap(running.tasks);
  }
  for (auto& task : tasks) task->Stop(graceful_);
}

void Worker::Save() const {
  nlohmann::json connectors = nlohmann::json::object();
  {
    std::lock_guard lock(mu_);
    for (const auto& [name, running] : connectors_) {
      connectors[name] = {{"config", running->raw}, {"target_state", StateText(running->target)}};
    }
  }
  const std::string temp = config_file_ + ".tmp";
  {
    std::ofstream out(temp, std::ios::trunc);
    out << nlohmann::json{{"connectors", connectors}}.dump(2) << "\n";
    if (!out.flush()) {
      throw std::runtime_error("cannot write connector configurations to " + temp);
    }
  }
  std::filesystem::rename(temp, config_file_);
}

void Worker::MonitorConnectors() {
  std::unique_lock lock(mu_);
  while (!monitor_stop_) {
    monitor_cv_.wait_for(lock, std::chrono::milliseconds(250));
    std::vector<Running*> requested;
    for (auto& [name, running] : connectors_) {
      if (running->control.reconfiguration_requested.exchange(false)) {
        requested.push_back(running.get());
      }
    }
    if (requested.empty()) continue;
    lock.unlock();
    {
      std::lock_guard ops(ops_mu_);
      for (Running* running : requested) {
        std::unique_lock map_lock(mu_);
        const bool present = connectors_.count(running->name) != 0;
        map_lock.unlock();
        if (!present || !running->connector) continue;
        try {
          std::vector<Properties> configs = ComputeTaskConfigs(*running);
          if (configs == running->task_configs) continue;
          Log(Level::kInfo, running->name,
              "Task configurations changed: restarting " + std::to_string(configs.size()) +
                  " task(s)");
          StopTasks(*running);
          StartTasks(*running, std::move(configs));
        } catch (const std::exception& e) {
          running->status.Set(TaskState::kFailed, e.what());
          Log(Level::kError, running->name,
              std::string("task reconfiguration failed: ") + e.what());
        }
      }
    }
    lock.lock();
  }
}

void Worker::StopAll() {
  std::lock_guard ops(ops_mu_);
  closing_ = true;
  std::vector<Running*> all;
  {
    std::lock_guard lock(mu_);
    for (const auto& [name, running] : connectors_) all.push_back(running.get());
  }
  for (Running* running : all) StopRunning(*running);
}

void Worker::Pause(const std::string& name) {
  std::lock_guard ops(ops_mu_);
  CheckOpen();
  Running* running;
  {
    std::lock_guard lock(mu_);
    running = &Find(name);
    running->target = TargetState::kPaused;
    for (auto& task : running->tasks) task->SetPaused(true);
  }
  Save();
  if (!running->connector) {
    StartRunning(*running);  // a stopped connector comes back paused
  } else if (running->status.Get().state != TaskState::kFailed) {
    running->status.Set(TaskState::kPaused);
  }
  Log(Level::kInfo, name, "Connector paused");
}

void Worker::Resume(const std::string& name) {
  std::lock_guard ops(ops_mu_);
  CheckOpen();
  Running* running;
  {
    std::lock_guard lock(mu_);
    running = &Find(name);
    running->target = TargetState::kStarted;
    for (auto& task : running->tasks) task->SetPaused(false);
  }
  Save();
  if (!running->connector) {
    StartRunning(*running);
  } else if (running->status.Get().state != TaskState::kFailed) {
    running->status.Set(TaskState::kRunning);
  }
  Log(Level::kInfo, name, "Connector resumed");
}

void Worker::Stop(const std::string& name) {
  std::lock_guard ops(ops_mu_);
  CheckOpen();
  Running* running;
  {
    std::lock_guard lock(mu_);
    running = &Find(name);
  }
  running->target = TargetState::kStopped;
  Save();
  StopRunning(*running);
  running->status.Set(TaskState::kStopped);
}

ConnectorStatus Worker::Restart(const std::string& name, bool include_tasks, bool only_failed) {
  std::lock_guard ops(ops_mu_);
  CheckOpen();
  ConnectorStatus plan = StatusOf(name);
  Running* running;
  {
    std::lock_guard lock(mu_);
    running = &Find(name);
  }
  if (running->target == TargetState::kStopped) return plan;  // nothing runs
  const bool connector = !only_failed || plan.connector.state == TaskState::kFailed;
  std::vector<bool> tasks(plan.tasks.size(), false);
  for (size_t t = 0; t < plan.tasks.size(); ++t) {
    tasks[t] = include_tasks && (!only_failed || plan.tasks[t].state == TaskState::kFailed);
  }
  if (connector) plan.connector = {TaskState::kRestarting, ""};
  for (size_t t = 0; t < tasks.size(); ++t) {
    if (tasks[t]) plan.tasks[t] = {TaskState::kRestarting, ""};
  }
  if (connector && (!running->connector || include_tasks)) {
    // Restart the whole connector: instance and tasks.
    StopRunning(*running);
    StartRunning(*running);
    return plan;
  }
  if (connector) {
    // The connector instance alone; its tasks restart only if their configurations change.
    try {
      running->connector->Call("stop", &ck_connector_vtable::stop);
      host::ConfigView view(running->config);
      running->connector->Call("start", &ck_connector_vtable::start, view.get());
      std::vector<Properties> configs = ComputeTaskConfigs(*running);
      if (configs != running->task_configs) {
        StopTasks(*running);
        StartTasks(*running, std::move(configs));
      }
      running->status.Set(running->target == TargetState::kPaused ? TaskState::kPaused
                                                                  : TaskState::kRunning);
    } catch (const std::exception& e) {
      running->status.Set(TaskState::kFailed, e.what());
    }
  }
  for (size_t t = 0; t < tasks.size(); ++t) {
    if (tasks[t]) RestartTaskLocked(name, static_cast<int>(t));
  }
  return plan;
}

void Worker::RestartTask(const std::string& name, int task) {
  std::lock_guard ops(ops_mu_);
  CheckOpen();
  RestartTaskLocked(name, task);
}

void Worker::RestartTaskLocked(const std::string& name, int task) {
  Running* running;
  std::unique_ptr<TaskRunner> old;
  {
    std::lock_guard lock(mu_);
    running = &Find(name);
    if (task < 0 || static_cast<size_t>(task) >= running->tasks.size()) {
      throw WorkerError(WorkerError::Kind::kNotFound,
                        "Task " + name + "-" + std::to_string(task) + " not found");
    }
  }
  auto fresh = MakeTask(*running, task, running->task_configs[task]);
  {
    std::lock_guard lock(mu_);
    old = std::move(running->tasks[task]);
  }
  old->Stop(graceful_);
  if (running->target == TargetState::kPaused) fresh->SetPaused(true);
  fresh->Start();
  std::lock_guard lock(mu_);
  running->tasks[task] = std::move(fresh);
  Log(Level::kInfo, LogContext(name, task), "Task restarted");
}

std::vector<std::string> Worker::Connectors() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  for (const auto& [name, running] : connectors_) out.push_back(name);
  return out;
}

ConnectorInfo Worker::Info(const std::string& name) const {
  std::lock_guard lock(mu_);
  const Running& running = Find(name);
  return {name, running.raw, static_cast<int>(running.tasks.size()),
          running.entry == nullptr ? "unknown" : (running.source ? "source" : "sink")};
}

std::vector<Properties> Worker::TaskConfigs(const std::string& name) const {
  std::lock_guard lock(mu_);
  return Find(name).task_configs;
}

ConnectorStatus Worker::StatusOf(const std::string& name) const {
  std::lock_guard lock(mu_);
  const Running& running = Find(name);
  ConnectorStatus status{
      name,
      running.entry == nullptr ? "unknown" : (running.source ? "source" : "sink"),
      running.status.Get(),
      {}};
  {
    std::lock_guard control(running.control.mu);
    if (running.control.raised_error) {
      status.connector = {TaskState::kFailed, *running.control.raised_error};
    }
  }
  if (status.connector.state == TaskState::kUnassigned && running.target == TargetState::kStopped) {
    status.connector = {TaskState::kStopped, ""};
  }
  for (const auto& task : running.tasks) status.tasks.push_back(task->status());
  return status;
}

std::vector<ConnectorStatus> Worker::Status() const {
  std::vector<ConnectorStatus> out;
  for (const std::string& name : Connectors()) {
    try {
      out.push_back(StatusOf(name));
    } catch (const WorkerError&) {
      // deleted meanwhile
    }
  }
  return out;
}

std::vector<ConnectorSnapshot> Worker::Snapshot() const {
  std::lock_guard lock(mu_);
  std::vector<ConnectorSnapshot> out;
  for (const auto& [name, running] : connectors_) {
    ConnectorSnapshot c{
        name,
        running->entry == nullptr ? "unknown" : (running->source ? "source" : "sink"),
        running->class_name,
        running->version,
        running->status.Get(),
        {}};
    for (size_t t = 0; t < running->tasks.size(); ++t) {
      TaskSnapshot s;
      s.task = static_cast<int>(t);
      s.status = running->tasks[t]->status();
      const ErrorCounters* errors = nullptr;
      if (const auto* source = dynamic_cast<const SourceTaskRunner*>(running->tasks[t].get())) {
        const SourceTaskMetrics& m = source->metrics();
        s.records_in = m.polled;
        s.records_out = m.written;
        s.dropped = m.dropped;
        s.committed = m.committed;
        s.commits = m.commits;
        s.commits_skipped = m.commits_skipped;
        s.batches = m.poll_batches;
        s.batch_time_us = m.poll_time_us;
        errors = &source->error_counters();
      } else if (const auto* sink = dynamic_cast<const SinkTaskRunner*>(running->tasks[t].get())) {
        const SinkTaskMetrics& m = sink->metrics();
        s.records_in = m.consumed;
        s.records_out = m.put;
        s.dropped = m.dropped;
        s.commits = m.committed;
        s.commits_skipped = m.commits_skipped;
        s.batches = m.put_batches;
        s.batch_time_us = m.put_time_us;
        errors = &sink->error_counters();
      }
      if (errors != nullptr) {
        s.record_errors = errors->record_errors;
        s.record_failures = errors->record_failures;
        s.records_skipped = errors->records_skipped;
        s.retries = errors->retries;
        s.errors_logged = errors->errors_logged;
        s.dlq_requests = errors->dlq_produce_requests;
        s.dlq_failures = errors->dlq_produce_failures;
        s.last_error_ms = errors->last_error_timestamp;
      }
      c.tasks.push_back(s);
    }
    out.push_back(std::move(c));
  }
  return out;
}

ConnectorProgress Worker::Progress(const std::string& name) const {
  ConnectorProgress p;
  for (const ConnectorSnapshot& c : Snapshot()) {
    if (c.name != name) continue;
    for (const TaskSnapshot& t : c.tasks) {
      if (c.type == "source") {
        p.produced += t.records_out;
        p.committed += t.committed;
      } else {
        p.consumed += t.records_in;
        p.delivered += t.records_out;
        p.committed += t.commits;
      }
      p.dropped += t.dropped;
    }
  }
  return p;
}

std::vector<std::string> Worker::ActiveTopics(const std::string& name) const {
  std::lock_guard lock(mu_);
  return Find(name).topics_in_use->List();
}

void Worker::ResetActiveTopics(const std::string& name) {
  std::lock_guard lock(mu_);
  Find(name).topics_in_use->Reset();
}

nlohmann::json Worker::Offsets(const std::string& name) const {
  bool source = true;
  {
    std::lock_guard lock(mu_);
    const Running& running = Find(name);
    source = running.entry == nullptr || running.source;
  }
  nlohmann::json offsets = nlohmann::json::array();
  if (source) {
    for (const auto& [partition, offset] : offsets_->List(name)) {
      offsets.push_back({{"partition", nlohmann::json::parse(partition)},
                         {"offset", nlohmann::json::parse(offset)}});
    }
  } else {
    for (const auto& [tp, offset] : SinkGroupOffsets(config_, "connect-" + name)) {
      offsets.push_back({{"partition", {{"kafka_topic", tp.first}, {"kafka_partition", tp.second}}},
                         {"offset", {{"kafka_offset", offset}}}});
    }
  }
  return {{"offsets", offsets}};
}

std::string Worker::AlterOffsets(const std::string& name,
                                 const std::optional<nlohmann::json>& offsets) {
  std::lock_guard ops(ops_mu_);
  CheckOpen();
  bool source = true;
  {
    std::lock_guard lock(mu_);
    Running& running = Find(name);
    if (running.target != TargetState::kStopped || running.connector) {
      throw WorkerError(WorkerError::Kind::kBadRequest,
                        "Connectors must be in the STOPPED state before their offsets can be "
                        "modified. This can be done for the specified connector by issuing a "
                        "'PUT' request to the '/connectors/" +
                            name + "/stop' endpoint");
    }
    source = running.entry == nullptr ? true : running.source;
    if (running.entry == nullptr) {
      // Never started in this run: its kind comes from its class.
      try {
        source = registry_
                     .Find(GetOr(running.raw, "connector.class"),
                           {CK_KIND_SOURCE_CONNECTOR, CK_KIND_SINK_CONNECTOR})
                     .kind == CK_KIND_SOURCE_CONNECTOR;
      } catch (const PluginLookupError& e) {
        throw WorkerError(WorkerError::Kind::kBadRequest, e.what());
      }
    }
  }
  if (offsets && (!offsets->is_object() || !offsets->contains("offsets") ||
                  !(*offsets)["offsets"].is_array() || (*offsets)["offsets"].empty())) {
    throw WorkerError(WorkerError::Kind::kBadRequest,
                      "The offsets to modify must be a non-empty \"offsets\" array of "
                      "{\"partition\": {...}, \"offset\": {...} or null}");
  }
  if (source) {
    std::vector<OffsetUpdate> updates;
    if (offsets) {
      for (const auto& entry : (*offsets)["offsets"]) {
        if (!entry.is_object() || !entry.contains("partition") || !entry["partition"].is_object()) {
          throw WorkerError(WorkerError::Kind::kBadRequest,
                            "Source partitions must be JSON objects; got " + entry.dump());
        }
        const nlohmann::json offset = entry.value("offset", nlohmann::json());
        if (!offset.is_null() && !offset.is_object()) {
          throw WorkerError(WorkerError::Kind::kBadRequest,
                            "Source offsets must be JSON objects or null; got " + offset.dump());
        }
        updates.push_back({name, entry["partition"].dump(), offset.is_null() ? "" : offset.dump()});
      }
    } else {
      for (const auto& [partition, offset] : offsets_->List(name)) {
        updates.push_back({name, partition, ""});
      }
    }
    offsets_->Commit(updates);
  } else {
    std::map<Partition, std::optional<int64_t>> changes;
    if (offsets) {
      for (const auto& entry : (*offsets)["offsets"]) {
        const nlohmann::json p = entry.value("partition", nlohmann::json());
        if (!p.is_object() || !p.contains("kafka_topic") || !p["kafka_topic"].is_string() ||
            !p.contains("kafka_partition") || !p["kafka_partition"].is_number_integer()) {
          throw WorkerError(WorkerError::Kind::kBadRequest,
                            "Sink connector partitions must have a string \"kafka_topic\" and an "
                            "integer \"kafka_partition\"; got " +
                                p.dump());
        }
        const nlohmann::json o = entry.value("offset", nlohmann::json());
        if (!o.is_null() && !(o.is_object() && o.contains("kafka_offset") &&
                              o["kafka_offset"].is_number_integer() && o["kafka_offset"] >= 0)) {
          throw WorkerError(WorkerError::Kind::kBadRequest,
                            "Sink connector offsets must be null or have a non-negative integer "
                            "\"kafka_offset\"; got " +
                                o.dump());
        }
        changes[{p["kafka_topic"].get<std::string>(), p["kafka_partition"].get<int32_t>()}] =
            o.is_null() ? std::nullopt : std::optional<int64_t>(o["kafka_offset"].get<int64_t>());
      }
    } else {
      for (const auto& [tp, offset] : SinkGroupOffsets(config_, "connect-" + name)) {
        changes[tp] = std::nullopt;
      }
    }
    AlterSinkGroupOffsets(config_, "connect-" + name, changes);
  }
  return offsets ? "The Connect framework-managed offsets for this connector have been altered "
                   "successfully. However, if this connector manages offsets externally, they "
                   "will need to be manually altered in the system that the connector uses."
                 : "The Connect framework-managed offsets for this connector have been reset "
                   "successfully. However, if this connector manages offsets externally, they "
                   "will need to be manually reset in the system that the connector uses.";
}

}  // namespace ck::runtime
