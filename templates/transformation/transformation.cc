// The example transformation (see transformation.h). ASCII upper-casing keeps the example free of
// locale state; a transformation must not keep per-record state between apply() calls.
#include "transformation.h"

#include <variant>

#include "ck/errors.h"
#include "ck/value.h"

namespace __NAMESPACE__ {
namespace {

std::string Upper(std::string text) {
  for (char& c : text) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return text;
}

}  // namespace

ck::ConfigDef TransformationConfigDef() {
  ck::ConfigDef def;
  def.define(ck::ConfigDef::Key(kFieldConfig, ck::ConfigType::kString)
                 .default_value(std::string(""))
                 .importance(ck::Importance::kMedium)
                 .doc("The string field of a struct value to upper-case. Empty: the value itself, "
                      "which must then be a string."));
  return def;
}

void __CLASS__::configure(const ck::ConfigMap& props) {
  const ck::ParsedConfig config = TransformationConfigDef().Parse(props);
  field_ = std::get<std::string>(config.at(kFieldConfig));
}

std::optional<ck::ConnectRecord> __CLASS__::apply(ck::ConnectRecord record) {
  if (record.value.is_null()) return record;
  if (field_.empty()) {
    if (record.value.type() != ck::Type::kString) {
      throw ck::DataError("__CLASS__ upper-cases string values; the value of a record of topic " +
                          record.topic + " is a " + std::string(record.value.type_name()) +
                          " (set `field` to change a field of a struct value)");
    }
    record.value = Upper(record.value.as_string());
    return record;
  }
  if (record.value.type() != ck::Type::kStruct) {
    throw ck::DataError("__CLASS__ with field=" + field_ + " needs struct values; got a " +
                        std::string(record.value.type_name()));
  }
  ck::Struct& value = record.value.as_struct();
  const ck::Value& current = value.get(field_);  // throws ck::DataError for an unknown field
  if (current.is_null()) return record;
  if (current.type() != ck::Type::kString) {
    throw ck::DataError("__CLASS__: field " + field_ + " is a " + std::string(current.type_name()) +
                        ", not a string");
  }
  value.put(field_, Upper(current.as_string()));
  return record;
}

}  // namespace __NAMESPACE__
