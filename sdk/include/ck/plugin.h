/// @file
/// Exporting a plugin: CK_PLUGIN defines the plugin's one exported function and lists its
/// components. The SDK generates each component's ABI vtable, with an exception firewall on every
/// slot, and the manifest (name, versions, components, aliases, config definitions) that the
/// build embeds in the plugin file.
///
/// @code
/// CK_PLUGIN(plugin) {
///   plugin.name("datagen").version("1.0.0");
///   plugin.add<DatagenConnector>("io.connectkit.datagen.DatagenSourceConnector")
///       .alias("Datagen")
///       .description("Generates records")
///       .task("io.connectkit.datagen.DatagenSourceTask");
///   plugin.add<DatagenTask>("io.connectkit.datagen.DatagenSourceTask");
/// }
/// @endcode

#pragma once

#include <deque>
#include <nlohmann/json.hpp>
#include <string>
#include <type_traits>
#include <vector>

#include "ck/abi/ck_abi.h"
#include "ck/config_def.h"
#include "ck/connector.h"
#include "ck/converter.h"
#include "ck/internal/adapters.h"
#include "ck/sink_task.h"
#include "ck/source_task.h"
#include "ck/transformation.h"

namespace ck {

/// One component of a plugin, as registered with PluginDefinition::add. Setters chain.
class ComponentDefinition {
 public:
  /// Adds an alias by which configs may name the component (besides the computed ones).
  ComponentDefinition& alias(std::string alias) {
    aliases_.push_back(std::move(alias));
    return *this;
  }
  /// Sets a one-line description, shown by `connectkit plugins list`.
  ComponentDefinition& description(std::string description) {
    description_ = std::move(description);
    return *this;
  }
  /// Connectors: the class name of their task component (registered in the same plugin).
  ComponentDefinition& task(std::string task_class) {
    task_class_ = std::move(task_class);
    return *this;
  }
  /// Overrides the component's version (default: its version(), else the plugin's version).
  ComponentDefinition& version(std::string version) {
    version_ = std::move(version);
    return *this;
  }

 private:
  friend class PluginDefinition;
  friend struct abi_internal::PluginState;

  ck_component_kind kind_{};
  std::string class_name_;
  std::string version_;
  std::string description_;
  std::string task_class_;
  std::vector<std::string> aliases_;
  const void* vtable_ = nullptr;
  nlohmann::json config_;
};

/// The plugin being defined inside CK_PLUGIN.
class PluginDefinition {
 public:
  /// Sets the plugin's name.
  PluginDefinition& name(std::string name) {
    name_ = std::move(name);
    return *this;
  }
  /// Sets the plugin's version.
  PluginDefinition& version(std::string version) {
    version_ = std::move(version);
    return *this;
  }

  /// Registers component type `T` under `class_name`. `T` derives from exactly one of
  /// SourceConnector, SinkConnector, SourceTask, SinkTask, Converter, HeaderConverter,
  /// Transformation or Predicate and is default-constructible; one instance is created here to
  /// read its version and config definition.
  template <typename T>
  ComponentDefinition& add(std::string class_name) {
    using Adapter = abi_internal::AdapterFor<T>;
    ComponentDefinition& c = components_.emplace_back();
    c.kind_ = Adapter::kKind;
    c.class_name_ = std::move(class_name);
    c.vtable_ = &Adapter::kVTable;
    T probe;
    if constexpr (requires { probe.version(); }) c.version_ = probe.version();
    if constexpr (requires { probe.config(); }) c.config_ = probe.config().ToJson();
    return c;
  }

 private:
  friend struct abi_internal::PluginState;

  std::string name_;
  std::string version_;
  std::deque<ComponentDefinition> components_;  // deque: references stay valid while adding
};

namespace abi_internal {

inline const char* KindName(ck_component_kind kind) {
  switch (kind) {
    case CK_KIND_SOURCE_CONNECTOR:
      return "source";
    case CK_KIND_SINK_CONNECTOR:
      return "sink";
    case CK_KIND_SOURCE_TASK:
      return "source_task";
    case CK_KIND_SINK_TASK:
      return "sink_task";
    case CK_KIND_CONVERTER:
      return "converter";
    case CK_KIND_HEADER_CONVERTER:
      return "header_converter";
    case CK_KIND_TRANSFORMATION:
      return "transformation";
    case CK_KIND_PREDICATE:
      return "predicate";
  }
  return "unknown";
}

inline ck_status Init(const ck_host* host, ck_error* err) noexcept {
  if (host == nullptr) return CK_STATUS_ERROR;
  if (!CK_HAS_SLOT(host, ck_host, sink_report_errant) || host->abi_major != CK_ABI_MAJOR) {
    if (CK_HAS_SLOT(host, ck_host, error_set)) {
      host->error_set(err, CK_ERROR_UNSUPPORTED, 0,
                      Str("the host's services table is older than this plugin's ABI"));
    }
    return CK_STATUS_ERROR;
  }
  HostSlot() = host;
  return CK_STATUS_OK;
}

/// Everything behind the descriptor: built once, on the first call of the entry point.
struct PluginState {
  PluginDefinition definition;
  std::vector<ck_component> components;
  std::string manifest;
  ck_plugin plugin{};

  explicit PluginState(void (*define)(PluginDefinition&)) {
    define(definition);
    nlohmann::json json = {{"name", definition.name_},
                           {"version", definition.version_},
                           {"abi", {{"major", CK_ABI_MAJOR}, {"minor", CK_ABI_MINOR}}},
                           {"components", nlohmann::json::array()}};
    for (ComponentDefinition& c : definition.components_) {
      if (c.version_.empty()) c.version_ = definition.version_;
      CheckTaskClass(c);
      json["components"].push_back(
          {{"kind", KindName(c.kind_)},
           {"class", c.class_name_},
           {"aliases", c.aliases_},
           {"version", c.version_},
           {"description", c.description_},
           {"task_class", c.task_class_},
           {"config", c.config_.is_null() ? nlohmann::json::array() : c.config_}});
      components.push_back(ck_component{sizeof(ck_component), static_cast<uint32_t>(c.kind_),
                                        Str(c.class_name_), Str(c.version_), Str(c.task_class_),
                                        c.vtable_});
    }
    manifest = json.dump();
    plugin = ck_plugin{sizeof(ck_plugin),
                       CK_ABI_MAJOR,
                       CK_ABI_MINOR,
                       Str(definition.name_),
                       Str(definition.version_),
                       components.data(),
                       static_cast<uint32_t>(components.size()),
                       0,
                       &Init,
                       Str(manifest)};
  }

  void CheckTaskClass(const ComponentDefinition& c) const {
    const bool source = c.kind_ == CK_KIND_SOURCE_CONNECTOR;
    if (!source && c.kind_ != CK_KIND_SINK_CONNECTOR) return;
    const ck_component_kind wanted = source ? CK_KIND_SOURCE_TASK : CK_KIND_SINK_TASK;
    for (const ComponentDefinition& t : definition.components_) {
      if (t.class_name_ == c.task_class_ && t.kind_ == wanted) return;
    }
    throw ConnectError("connector " + c.class_name_ + " names task class '" + c.task_class_ +
                       "', but the plugin registers no " + KindName(wanted) +
                       " of that name; call .task(\"<class>\") with a registered task");
  }
};

/// The entry point's body, one instantiation (and one descriptor) per plugin definition. A
/// definition that throws yields a descriptor with no components whose manifest carries the
/// error, so the host refuses the plugin with the reason.
template <void (*define)(PluginDefinition&)>
const ck_plugin* Entry() noexcept {
  static const ck_plugin* const plugin = []() noexcept -> const ck_plugin* {
    static std::string error_manifest;
    static ck_plugin error_plugin{};
    try {
      static PluginState state(define);
      return &state.plugin;
    } catch (const std::exception& e) {
      error_manifest = nlohmann::json({{"error", e.what()}}).dump();
    } catch (...) {
      error_manifest = R"({"error":"unknown exception while defining the plugin"})";
    }
    error_plugin =
        ck_plugin{sizeof(ck_plugin),  CK_ABI_MAJOR, CK_ABI_MINOR, {}, {}, nullptr, 0, 0, &Init,
                  Str(error_manifest)};
    return &error_plugin;
  }();
  return plugin;
}

}  // namespace abi_internal
}  // namespace ck

/// Defines the plugin's entry point, ck_plugin_entry_v1(). Follow it with a block that receives a
/// ck::PluginDefinition named `definition` and registers the plugin's name, version and
/// components. Use once per plugin.
#define CK_PLUGIN(definition)                                      \
  static void CkDefinePlugin(::ck::PluginDefinition& definition);  \
  extern "C" CK_EXPORT const ck_plugin* ck_plugin_entry_v1(void) { \
    return ::ck::abi_internal::Entry<&CkDefinePlugin>();           \
  }                                                                \
  static void CkDefinePlugin(::ck::PluginDefinition& definition)

/// Like CK_PLUGIN, for a bundle of components compiled into the runtime itself (its built-in
/// converters and transformations): defines `const ck_plugin* entry(void)`, not exported, which
/// the runtime registers exactly as it registers an external plugin's entry point.
#define CK_BUILTIN_PLUGIN(entry, definition)                        \
  static void CkDefine_##entry(::ck::PluginDefinition& definition); \
  extern "C" const ck_plugin* entry(void) {                         \
    return ::ck::abi_internal::Entry<&CkDefine_##entry>();          \
  }                                                                 \
  static void CkDefine_##entry(::ck::PluginDefinition& definition)
