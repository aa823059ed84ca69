// The worker's plugin registry: the runtime's built-in bundles plus every plugin on plugin.path.
#ifndef CK_RUNTIME_CLI_BUILTINS_H_
#define CK_RUNTIME_CLI_BUILTINS_H_

#include <string>
#include <vector>

#include "runtime/plugins/registry.h"

namespace ck::runtime {

/// The built-in bundles compiled into the runtime (converters, transformations and predicates),
/// registered like plugins.
const std::vector<BuiltinEntry>& BuiltinBundles();

/// A registry of the built-in bundles and the plugins found on `plugin_path` (comma-separated
/// directories; may be empty), isolated as `isolation` says (plugin.isolation: tier0, auto,
/// tier1). Plugins that are refused are logged and left out; the worker keeps running.
PluginRegistry LoadRegistry(const std::string& plugin_path, const std::string& isolation = "tier0");

}  // namespace ck::runtime

#endif  // CK_RUNTIME_CLI_BUILTINS_H_
