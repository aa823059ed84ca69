// The runtime's connector keys and the ConfigInfos of a validation (see the header).
#include "runtime/worker/connector_validation.h"

#include <set>

#include "ck/config_def.h"
#include "ck/internal/adapters.h"

namespace ck::runtime {
namespace {

using Key = ConfigDef::Key;

ConfigDef RuntimeDef(bool sink) {
  ConfigDef def;
  int order = 0;
  auto common = [&](Key key) { def.define(key.group("Common").order_in_group(++order)); };
  common(Key("name", ConfigType::kString)
             .validator(NonEmptyStringWithoutControlChars())
             .importance(Importance::kHigh)
             .doc("Globally unique name to use for this connector.")
             .display_name("Connector name"));
  common(Key("connector.class", ConfigType::kString)
             .importance(Importance::kHigh)
             .doc("Name or alias of the class for this connector.")
             .display_name("Connector class"));
  common(Key("tasks.max", ConfigType::kInt)
             .default_value(int32_t{1})
             .validator(Range::AtLeast(1))
             .importance(Importance::kHigh)
             .doc("Maximum number of tasks to use for this connector.")
             .display_name("Tasks max"));
  common(Key("tasks.max.enforce", ConfigType::kBoolean)
             .default_value(true)
             .importance(Importance::kLow)
             .doc("(Deprecated) Whether to enforce that the tasks.max property is respected.")
             .display_name("Enforce tasks max"));
  for (const char* converter : {"key.converter", "value.converter", "header.converter"}) {
    common(Key(converter, ConfigType::kString)
               .default_value(nullptr)
               .importance(Importance::kLow)
               .doc(std::string("Converter class overriding the worker's ") + converter + ".")
               .display_name(converter));
  }
  common(Key("config.action.reload", ConfigType::kString)
             .default_value(std::string("restart"))
             .validator(CaseInsensitiveValidString::In({"none", "restart"}))
             .importance(Importance::kLow)
             .doc("What to do when a config provider reports a changed value.")
             .display_name("Reload action"));
  common(Key("connector.plugin.version", ConfigType::kString)
             .default_value(nullptr)
             .importance(Importance::kLow)
             .doc("Version or version range of the connector plugin to use (default: latest).")
             .display_name("Connector plugin version"));
  order = 0;
  def.define(Key("transforms", ConfigType::kList)
                 .default_value(std::string(""))
                 .importance(Importance::kLow)
                 .doc("Aliases for the transformations to be applied to records.")
                 .group("Transforms")
                 .order_in_group(++order)
                 .display_name("Transforms"));
  order = 0;
  def.define(Key("predicates", ConfigType::kList)
                 .default_value(std::string(""))
                 .importance(Importance::kLow)
                 .doc("Aliases for the predicates used by transformations.")
                 .group("Predicates")
                 .order_in_group(++order)
                 .display_name("Predicates"));
  order = 0;
  auto errors = [&](Key key) { def.define(key.group("Error Handling").order_in_group(++order)); };
  errors(Key("errors.retry.timeout", ConfigType::kLong)
             .default_value(int64_t{0})
             .validator(Range::AtLeast(-1))
             .importance(Importance::kMedium)
             .doc("Maximum duration in milliseconds that a failed operation is retried; -1 for "
                  "infinite retries.")
             .display_name("Retry Timeout for Errors"));
  errors(Key("errors.retry.delay.max.ms", ConfigType::kLong)
             .default_value(int64_t{60000})
             .validator(Range::AtLeast(1))
             .importance(Importance::kMedium)
             .doc("Maximum duration in milliseconds between consecutive retry attempts.")
             .display_name("Maximum Delay Between Retries for Errors"));
  errors(Key("errors.tolerance", ConfigType::kString)
             .default_value(std::string("none"))
             .validator(ValidString::In({"none", "all"}))
             .importance(Importance::kMedium)
             .doc("Behavior for tolerating errors: 'none' fails the task on the first error, "
                  "'all' skips problematic records.")
             .display_name("Error Tolerance"));
  errors(Key("errors.log.enable", ConfigType::kBoolean)
             .default_value(false)
             .importance(Importance::kMedium)
             .doc("Log each error and the details of the failed operation.")
             .display_name("Log Errors"));
  errors(Key("errors.log.include.messages", ConfigType::kBoolean)
             .default_value(false)
             .importance(Importance::kMedium)
             .doc("Include the record that caused a failure in the log.")
             .display_name("Log Error Details"));
  if (sink) {
    errors(Key("errors.deadletterqueue.topic.name", ConfigType::kString)
               .default_value(std::string(""))
               .importance(Importance::kMedium)
               .doc("Topic to which records that failed processing are sent; empty disables the "
                    "dead letter queue.")
               .display_name("Dead Letter Queue Topic Name"));
    errors(Key("errors.deadletterqueue.topic.replication.factor", ConfigType::kShort)
               .default_value(int16_t{3})
               .importance(Importance::kMedium)
               .doc("Replication factor of the dead letter queue topic when it is created.")
               .display_name("Dead Letter Queue Topic Replication Factor"));
    errors(Key("errors.deadletterqueue.context.headers.enable", ConfigType::kBoolean)
               .default_value(false)
               .importance(Importance::kMedium)
               .doc("Add __connect.errors.* headers describing the failure to dead letter queue "
                    "records.")
               .display_name("Enable Error Context Headers"));
    order = 0;
    def.define(Key("topics", ConfigType::kList)
                   .default_value(std::string(""))
                   .importance(Importance::kHigh)
                   .doc("List of topics to consume; use either this or topics.regex.")
                   .group("Common")
                   .order_in_group(100)
                   .display_name("Topics"));
    def.define(Key("topics.regex", ConfigType::kString)
                   .default_value(std::string(""))
                   .importance(Importance::kHigh)
                   .doc("Regular expression of the topics to consume; use either this or topics.")
                   .group("Common")
                   .order_in_group(101)
                   .display_name("Topics regex"));
  } else {
    order = 0;
    auto creation = [&](Key key) {
      def.define(key.group("Topic Creation").order_in_group(++order));
    };
    creation(Key("topic.creation.groups", ConfigType::kList)
                 .default_value(std::string(""))
                 .importance(Importance::kLow)
                 .doc("Groups of configurations for topics created by source connectors.")
                 .display_name("Topic Creation Groups"));
    order = 0;
    auto eos = [&](Key key) {
      def.define(key.group("Exactly Once Support").order_in_group(++order));
    };
    eos(Key("exactly.once.support", ConfigType::kString)
            .default_value(std::string("requested"))
            .validator(CaseInsensitiveValidString::In({"requested", "required"}))
            .importance(Importance::kMedium)
            .doc("Whether exactly-once delivery is required for this connector.")
            .display_name("Exactly once support"));
    eos(Key("transaction.boundary", ConfigType::kString)
            .default_value(std::string("poll"))
            .validator(CaseInsensitiveValidString::In({"poll", "interval", "connector"}))
            .importance(Importance::kMedium)
            .doc("Permitted transaction boundaries for this connector.")
            .display_name("Transaction Boundary"));
    eos(Key("offsets.storage.topic", ConfigType::kString)
            .default_value(nullptr)
            .importance(Importance::kLow)
            .doc("Separate offsets topic for this connector (distributed mode only).")
            .display_name("Offsets topic"));
  }
  return def;
}

void AddError(nlohmann::json& values, const std::string& name, const std::string& error) {
  for (auto& value : values) {
    if (value["name"] == name) value["errors"].push_back(error);
  }
}

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    std::string item = text.substr(start, end - start);
    const size_t b = item.find_first_not_of(" \t");
    if (b != std::string::npos) out.push_back(item.substr(b, item.find_last_not_of(" \t") - b + 1));
    start = end + 1;
  }
  return out;
}

std::string Get(const Properties& p, const std::string& key) {
  auto it = p.find(key);
  return it == p.end() ? "" : it->second;
}

}  // namespace

nlohmann::json RuntimeConfigDefinitions(bool sink) { return RuntimeDef(sink).ToJson(); }

nlohmann::json ValidateRuntimeKeys(
    const Properties& config, bool sink,
    const std::function<std::string(const std::string& key, const std::string& cls)>& resolves) {
  const ConfigDef def = RuntimeDef(sink);
  nlohmann::json values = abi_internal::ValidationJson(def, def.Validate(config));
  for (const char* converter : {"key.converter", "value.converter", "header.converter"}) {
    if (const std::string cls = Get(config, converter); !cls.empty()) {
      if (std::string why = resolves(converter, cls); !why.empty())
        AddError(values, converter, why);
    }
  }
  for (const char* list : {"transforms", "predicates"}) {
    for (const std::string& alias : SplitList(Get(config, list))) {
      const std::string key = std::string(list) + "." + alias + ".type";
      const std::string cls = Get(config, key);
      const std::string why =
          cls.empty() ? "Missing required configuration \"" + key + "\" which has no default value."
                      : resolves(list, cls);
      if (!why.empty()) AddError(values, list, "Invalid value for " + key + ": " + why);
    }
  }
  if (sink) {
    const std::vector<std::string> topics = SplitList(Get(config, "topics"));
    const std::string regex = Get(config, "topics.regex");
    if (topics.empty() == regex.empty()) {
      const std::string error =
          topics.empty() ? "Must configure one of topics or topics.regex"
                         : "topics and topics.regex are mutually exclusive options, but both are "
                           "set.";
      AddError(values, "topics", error);
      AddError(values, "topics.regex", error);
    }
    const std::string dlq = Get(config, "errors.deadletterqueue.topic.name");
    for (const std::string& topic : topics) {
      if (!dlq.empty() && topic == dlq) {
        AddError(values, "errors.deadletterqueue.topic.name",
                 "The DLQ topic '" + dlq + "' may not be included in the list of topics ('topics=" +
                     Get(config, "topics") + "') consumed by the connector");
      }
    }
  }
  return values;
}

nlohmann::json ConfigInfos(const std::string& connector_class, const nlohmann::json& definitions,
                           const nlohmann::json& values, const Properties& config) {
  nlohmann::json configs = nlohmann::json::array();
  std::vector<std::string> groups;
  std::set<std::string> defined;
  int error_count = 0;
  for (const auto& definition : definitions) {
    const std::string name = definition.value("name", "");
    if (!defined.insert(name).second) continue;  // the connector redefining a runtime key
    nlohmann::json def = definition;
    def.erase("validator");
    if (def["group"].is_string()) {
      const std::string group = def["group"];
      if (std::find(groups.begin(), groups.end(), group) == groups.end()) groups.push_back(group);
    }
    nlohmann::json value = {{"name", name},
                            {"value", nullptr},
                            {"recommended_values", nlohmann::json::array()},
                            {"errors", nlohmann::json::array()},
                            {"visible", true}};
    for (const auto& v : values) {
      if (v.value("name", "") == name) value = v;
    }
    error_count += static_cast<int>(value["errors"].size());
    configs.push_back({{"definition", std::move(def)}, {"value", std::move(value)}});
  }
  bool unknown = false;
  for (const auto& [key, text] : config) {
    if (defined.count(key) != 0) continue;
    if (key.rfind("transforms.", 0) == 0 || key.rfind("predicates.", 0) == 0 ||
        key.rfind("key.converter.", 0) == 0 || key.rfind("value.converter.", 0) == 0 ||
        key.rfind("header.converter.", 0) == 0 || key.rfind("producer.override.", 0) == 0 ||
        key.rfind("consumer.override.", 0) == 0 || key.rfind("admin.override.", 0) == 0 ||
        key.rfind("topic.creation.", 0) == 0) {
      continue;  // settings of a component or a client, validated when it is configured
    }
    unknown = true;
    configs.push_back({{"definition",
                        {{"name", key},
                         {"type", "STRING"},
                         {"required", false},
                         {"default_value", nullptr},
                         {"importance", "LOW"},
                         {"documentation", "Unknown configuration: neither " + connector_class +
                                               " nor the runtime defines it, so it is ignored."},
                         {"group", "Unknown"},
                         {"order", -1},
                         {"width", "NONE"},
                         {"display_name", key},
                         {"dependents", nlohmann::json::array()}}},
                       {"value",
                        {{"name", key},
                         {"value", text},
                         {"recommended_values", nlohmann::json::array()},
                         {"errors", nlohmann::json::array()},
                         {"visible", true}}}});
  }
  if (unknown) groups.push_back("Unknown");
  return {{"name", connector_class},
          {"error_count", error_count},
          {"groups", groups},
          {"configs", std::move(configs)}};
}

std::vector<std::string> ConfigInfosErrors(const nlohmann::json& infos) {
  std::vector<std::string> out;
  for (const auto& config : infos["configs"]) {
    for (const auto& error : config["value"]["errors"]) out.push_back(error.get<std::string>());
  }
  return out;
}

}  // namespace ck::runtime
