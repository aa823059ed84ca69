// The component registry: every component of every plugin the worker knows (external ones from
// plugin.path, and the runtime's built-in bundles, which register through the same descriptor),
// found by class name or alias as Kafka Connect finds plugins (docs/plugins.md).
//
// External plugins are registered from their manifests at discovery, without running them, and
// loaded (dlopen or dlmopen, then init) only when one of their components is first resolved or
// when loading is explicitly requested. Listing therefore never runs plugin code.
//
// A name resolves, in order, to: components with that exact class name; else components listing
// it as an alias in their manifest (the well-known Java class names live there); else components
// whose simple name (the class name after its last '.' or '$') or simple name without its kind
// suffix (Connector, Converter, Transformation, Transform, Predicate) is that name. Several
// versions of one class coexist; the newest wins unless a version or a range is asked for
// (connector.plugin.version, KIP-891). A name that matches different classes is refused with the
// list of candidates.
#ifndef CK_RUNTIME_PLUGINS_REGISTRY_H_
#define CK_RUNTIME_PLUGINS_REGISTRY_H_

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "ck/abi/ck_abi.h"
#include "runtime/plugins/discovery.h"
#include "runtime/plugins/loader.h"
#include "runtime/plugins/plugin_tarball.h"
#include "runtime/worker/log.h"

namespace ck::runtime {

/// A name that resolves to no component, or to several, or whose plugin cannot be loaded; the
/// message says which and lists the candidates, the known components of that kind, or the reason.
class PluginLookupError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// How the worker isolates external plugins: the worker key `plugin.isolation`.
enum class IsolationPolicy {
  kTier0,  ///< "tier0" (default): tier 0; a plugin whose bundled shared library collides is
           ///< refused.
  kAuto,   ///< "auto": tier 0, and tier 1 for plugins whose bundled shared libraries collide.
  kTier1,  ///< "tier1": every external plugin in a namespace of its own (at most 15).
};

/// Parses a `plugin.isolation` value; throws std::invalid_argument naming it and the accepted ones.
IsolationPolicy ParseIsolationPolicy(std::string_view value);

/// A built-in bundle's entry point, as CK_BUILTIN_PLUGIN defines it.
using BuiltinEntry = const ck_plugin* (*)();

/// One registered component.
struct ComponentEntry {
  /// Its descriptor (plugin-owned, static) once its plugin is loaded, else NULL. Resolve() and
  /// Load() return entries whose plugin is loaded.
  const ck_component* component = nullptr;
  ck_component_kind kind{};                         ///< Its kind.
  std::string class_name;                           ///< Its class name.
  std::string version;                              ///< Its version.
  std::vector<std::string> aliases;                 ///< Manifest aliases, then computed ones.
  std::string description;                          ///< One line from the manifest.
  std::string plugin;                               ///< The plugin's name.
  std::string location;                             ///< Its plugin.path entry, or "built-in".
  std::string file;                                 ///< The plugin's .so; empty for built-ins.
  std::string isolation;                            ///< "tier-0", "tier-1" or "built-in".
  nlohmann::json config = nlohmann::json::array();  ///< Config definitions from the manifest.
  int plugin_index = -1;  ///< Registry-internal: its discovered plugin, -1 when registered loaded.
};

/// Receives the registry's problems: refused plugins, failed loads, warnings.
using PluginLogSink = std::function<void(Level level, const std::string& message)>;

/// All components known to the worker. Thread-safe; movable.
class PluginRegistry {
 public:
  /// A registry that hands plugins `host` (default: MinimalHostTable()) and isolates them by
  /// `policy`; problems go to `log` (default: the worker log).
  explicit PluginRegistry(const ck_host* host = nullptr,
                          IsolationPolicy policy = IsolationPolicy::kTier0,
                          PluginLogSink log = nullptr);
  ~PluginRegistry();
  PluginRegistry(PluginRegistry&&) noexcept;
  PluginRegistry& operator=(PluginRegistry&&) noexcept;

  /// Registers every component of the loaded (or built-in) `plugin`; its manifest gives aliases,
  /// descriptions and config definitions. Throws PluginLookupError, registering nothing, when a
  /// class of the same kind and version is already registered, naming both locations.
  void Add(const ck_plugin& plugin, const std::string& location, const std::string& isolation);

  /// Registers a built-in bundle: calls `entry`, checks the descriptor, calls its init with the
  /// registry's host and Add()s it as "built-in". Throws PluginError or PluginLookupError.
  void AddBuiltin(BuiltinEntry entry);

  /// Discovers the plugins in the directories of `plugin_path` (discovery.h) and registers their
  /// components without loading them, each at the tier the policy plans for it. Every plugin that
  /// is refused (unreadable, incompatible, malformed, a duplicate class and version, a library
  /// collision that cannot be avoided) is logged once and returned; the others are registered.
  std::vector<std::string> Discover(const std::vector<std::string>& plugin_path,
                                    const std::string& cache_dir = DefaultPluginCacheDir());

  /// The component `name` of one of `kinds`, its plugin loaded (on first use); `version` pins a
  /// version or a range (connector.plugin.version: "1.2", "[1.0,2.0)", "latest"). Throws
  /// PluginLookupError when nothing or several classes match, or when the plugin cannot be
  /// loaded (logged once; the same error is thrown again without retrying).
  const ComponentEntry& Resolve(std::string_view name, const std::vector<ck_component_kind>& kinds,
                                const std::optional<std::string>& version = std::nullopt) const;

  /// As Resolve, without loading: `component` may be NULL.
  const ComponentEntry& Find(std::string_view name, const std::vector<ck_component_kind>& kinds,
                             const std::optional<std::string>& version = std::nullopt) const;

  /// Loads the plugin of `entry` (one returned by this registry) and returns it, as Resolve does.
  const ComponentEntry& Load(const ComponentEntry& entry) const;

  /// Loads every discovered plugin not loaded yet; returns the errors (each also logged).
  std::vector<std::string> LoadAll() const;

  /// Every component, in registration order (a copy, consistent at the time of the call).
  std::vector<ComponentEntry> List() const;

  /// Every problem reported so far, in order.
  std::vector<std::string> problems() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

/// Registers each of `entries` (e.g. ck_builtin_converters) with registry.AddBuiltin.
void RegisterBuiltins(PluginRegistry& registry, const std::vector<BuiltinEntry>& entries);

/// Components as JSON, one object each: "class", "type" (KindName), "version" (as Kafka Connect's
/// GET /connector-plugins), and "aliases", "plugin", "location", "isolation", "description".
nlohmann::json ComponentsJson(const std::vector<ComponentEntry>& components);

/// Compares dotted versions numerically where both parts are numbers ("1.10" > "1.9").
int CompareVersions(std::string_view a, std::string_view b);

/// Whether `version` satisfies `spec`: empty or "latest" (any), a version (exactly it), or Maven
/// ranges as KIP-891 uses them: "[1.0,2.0)", "(,1.5]", "[2.0]", "[1.0,)", several comma-separated.
/// Throws PluginLookupError when `spec` is malformed.
bool VersionMatches(std::string_view version, std::string_view spec);

}  // namespace ck::runtime

#endif  // CK_RUNTIME_PLUGINS_REGISTRY_H_
