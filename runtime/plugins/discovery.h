// Plugin discovery: what is on plugin.path, read from the files alone (docs/plugins.md).
//
// plugin.path is a comma-separated list of directories. Each entry inside one is a plugin:
//   - a directory holding manifest.json and the plugin's .so (the one carrying a ConnectKit
//     manifest note), plus any shared libraries it bundles;
//   - a single .so file;
//   - a .tar.gz (or .tgz) made by ck_plugin(), unpacked into the plugin cache (plugin_tarball.h).
// Hidden entries and other files are ignored. Discovery parses ELF files and JSON and never loads
// a plugin, so no plugin code runs, not even a static constructor: every check that metadata can
// answer is made here (ABI version, manifest, exported entry point, bundled libraries), and a
// plugin that fails one is refused with one error naming its file and the reason, while
// discovery goes on with the others.
#ifndef CK_RUNTIME_PLUGINS_DISCOVERY_H_
#define CK_RUNTIME_PLUGINS_DISCOVERY_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ck/abi/ck_abi.h"
#include "runtime/plugins/loader.h"
#include "runtime/plugins/manifest_reader.h"

namespace ck::runtime {

/// Kafka Connect's type name of a kind: "source", "sink", "converter", "header_converter",
/// "transformation", "predicate", "source_task", "sink_task".
const char* KindName(ck_component_kind kind);

/// The kind named `name` (as KindName spells it), or nullopt.
std::optional<ck_component_kind> KindFromName(std::string_view name);

/// A plugin found on plugin.path, not loaded.
struct DiscoveredPlugin {
  std::string location;                 ///< Its plugin.path entry: a directory, .so or .tar.gz.
  std::string file;                     ///< Canonical path of its .so (in the cache for tarballs).
  std::string root;                     ///< Canonical directory its bundled libraries live under.
  ManifestNote note;                    ///< Its manifest note.
  nlohmann::json manifest;              ///< The note's manifest, parsed and validated.
  std::vector<BundledLibrary> bundled;  ///< The shared libraries it bundles.
};

/// What discovery found.
struct DiscoveryResult {
  /// Plugins in plugin.path order, and by name within a directory; each file once.
  std::vector<DiscoveredPlugin> plugins;
  /// One message per refused entry, naming its file and the reason.
  std::vector<std::string> errors;
};

/// The directories of a plugin.path value: comma-separated, blanks trimmed, empty entries dropped.
std::vector<std::string> SplitPluginPath(std::string_view value);

/// Discovers every plugin in the directories of `plugin_path`, unpacking tarballs under
/// `cache_dir`. Never throws for a bad entry (or a missing directory): it is reported in `errors`.
DiscoveryResult DiscoverPlugins(const std::vector<std::string>& plugin_path,
                                const std::string& cache_dir);

/// Parses and validates manifest JSON: an object with string "name" and "version" and an array
/// "components", each with a known "kind", a non-empty "class" and a string "version" (optional
/// "aliases", "description", "task_class", "config" of the right types). Throws PluginError
/// naming `plugin` and the problem; a manifest with "error" (a definition that threw when the
/// plugin was built, see ck/plugin.h) is refused with that error.
nlohmann::json ParseManifest(const std::string& json, const std::string& plugin);

}  // namespace ck::runtime

#endif  // CK_RUNTIME_PLUGINS_DISCOVERY_H_
