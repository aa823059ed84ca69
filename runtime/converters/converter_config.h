// What every built-in converter's configuration shares, as Kafka's ConverterConfig: the
// converter.type key (key, value or header), which the worker sets and which Converter::configure
// derives from `is_key`, as Kafka's converters do.
#ifndef CK_RUNTIME_CONVERTERS_CONVERTER_CONFIG_H_
#define CK_RUNTIME_CONVERTERS_CONVERTER_CONFIG_H_

#include <string>

#include "ck/config_def.h"

namespace ck::runtime::converters_internal {

/// "converter.type".
inline constexpr char kConverterTypeConfig[] = "converter.type";

/// Kafka's ConverterConfig.newConfigDef(): converter.type, a required STRING in {key, value,
/// header}, importance LOW.
inline ConfigDef NewConverterConfigDef() {
  ConfigDef def;
  def.define(ConfigDef::Key(kConverterTypeConfig, ConfigType::kString)
                 .validator(ValidString::In({"key", "value", "header"}))
                 .importance(Importance::kLow)
                 .doc("How this converter will be used."));
  return def;
}

/// `props` with converter.type set to "key" or "value", as Converter.configure(props, isKey)
/// does in Kafka (it overrides any given value).
inline ConfigMap WithConverterType(ConfigMap props, bool is_key) {
  props[kConverterTypeConfig] = is_key ? "key" : "value";
  return props;
}

/// `props` with converter.type set to "header" unless it is given, as Kafka's worker does for
/// header converters.
inline ConfigMap WithHeaderConverterType(ConfigMap props) {
  props.try_emplace(kConverterTypeConfig, "header");
  return props;
}

}  // namespace ck::runtime::converters_internal

#endif  // CK_RUNTIME_CONVERTERS_CONVERTER_CONFIG_H_
