// Kafka's built-in predicates (see predicates.h).
#include "runtime/transforms/predicates.h"

#include <string>

namespace ck::runtime {

ConfigDef TopicNameMatches::config() const {
  ConfigDef def;
  def.define(ConfigDef::Key("pattern", ConfigType::kString)
                 .validator(NonEmptyString())
                 .importance(Importance::kMedium)
                 .doc("A Java regular expression for matching the name of the topic of the "
                      "record."));
  return def;
}

void TopicNameMatches::configure(const ConfigMap& props) {
  const ParsedConfig config = this->config().Parse(props);
  pattern_ = std::make_unique<transforms_internal::JavaRegex>(
      "pattern", std::get<std::string>(config.at("pattern")));
  matched_.Clear();
}

bool TopicNameMatches::matches(const RecordView& record) {
  return matched_.Get(record.topic(),
                      [&](std::string_view topic) { return pattern_->FullMatch(topic); });
}

ConfigDef HasHeaderKey::config() const {
  ConfigDef def;
  def.define(ConfigDef::Key("name", ConfigType::kString)
                 .validator(NonEmptyString())
                 .importance(Importance::kMedium)
                 .doc("The header name."));
  return def;
}

void HasHeaderKey::configure(const ConfigMap& props) {
  name_ = std::get<std::string>(config().Parse(props).at("name"));
}

bool HasHeaderKey::matches(const RecordView& record) {
  return record.last_header(name_).has_value();
}

}  // namespace ck::runtime
