// The component registry: every component of every loaded plugin (external ones from
// plugin.path, and the runtime's built-in bundles, which register through the same descriptor),
// found by class name or alias as Kafka Connect finds plugins.
//
// A name resolves, in order, to: a component with that exact class name; a component listing it
// as an alias in its manifest (the well-known Java class names live here); a component whose
// simple name (the class name after its last '.' or '$') or simple name without its kind suffix
// (Connector, Converter, Transformation, Transform, Predicate) is that name. Several versions of
// one class coexist; the newest wins unless a version is asked for. A name that matches different
// classes is refused with the list of candidates.
#ifndef CK_RUNTIME_PLUGINS_REGISTRY_H_
#define CK_RUNTIME_PLUGINS_REGISTRY_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "ck/abi/ck_abi.h"

namespace ck::runtime {

/// A name that resolves to no component, or to several; the message says which and lists the
/// candidates or the known components of that kind.
class PluginLookupError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// One registered component.
struct ComponentEntry {
  const ck_component* component = nullptr;          ///< Its descriptor (plugin-owned, static).
  ck_component_kind kind{};                         ///< Its kind.
  std::string class_name;                           ///< Its class name.
  std::string version;                              ///< Its version.
  std::vector<std::string> aliases;                 ///< Manifest aliases, then computed ones.
  std::string description;                          ///< One line from the manifest.
  std::string plugin;                               ///< The plugin's name.
  std::string location;                             ///< The plugin file, or "built-in".
  std::string isolation;                            ///< "tier-0", "tier-1" or "built-in".
  nlohmann::json config = nlohmann::json::array();  ///< Config definitions from the manifest.
};

/// Kafka Connect's type name of a kind: "source", "sink", "converter", "header_converter",
/// "transformation", "predicate", "source_task", "sink_task".
const char* KindName(ck_component_kind kind);

/// All components known to the worker. Not thread-safe for registration; lookups are const.
class PluginRegistry {
 public:
  /// Registers every component of `plugin` (its manifest gives aliases, descriptions and config
  /// definitions). Throws PluginLookupError when a class of the same kind and version is already
  /// registered from elsewhere, naming both locations.
  void Add(const ck_plugin& plugin, const std::string& location, const std::string& isolation);

  /// The component `name` of one of `kinds`; `version` pins a version (connector.plugin.version).
  const ComponentEntry& Resolve(std::string_view name, const std::vector<ck_component_kind>& kinds,
                                const std::optional<std::string>& version = std::nullopt) const;

  /// Every component, in registration order.
  const std::vector<ComponentEntry>& entries() const { return entries_; }

 private:
  std::vector<ComponentEntry> entries_;
};

/// Compares dotted versions numerically where both parts are numbers ("1.10" > "1.9").
int CompareVersions(std::string_view a, std::string_view b);

}  // namespace ck::runtime

#endif  // CK_RUNTIME_PLUGINS_REGISTRY_H_
