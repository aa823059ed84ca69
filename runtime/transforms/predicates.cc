// Kafka's built-in predicates (see predicates.h).
#include "runtime/transforms/predicates.h"

#include <string>

namespace ck::runtime {

ConfigDef TopicNameMatches::config() const {
  ConfigDef def;
  def.define(ConfigDef::Key("pattern", ConfigType::kString)
                 .validator(NonEmptyString())
                 .importance(Importance::kMedium)
                 .doc("A regular expression (POSIX extended syntax) for matching the name of the "
                      "topic of the record."));
  return def;
}

void TopicNameMatches::configure(const ConfigMap& props) {
  const ParsedConfig config = this->config().Parse(props);
  pattern_ = std::make_unique<transforms_internal::PosixRegex>(
      "pattern", std::get<std::string>(config.at("pattern")));
}

bool TopicNameMatches::test(const ConnectRecord& record) {
  return pattern_->FullMatch(record.topic, nullptr);
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

bool HasHeaderKey::test(const ConnectRecord& record) {
  return record.headers.last_with_name(name_) != nullptr;
}

}  // namespace ck::runtime
