// The registry every connectkit command starts from (see the header).
#include "runtime/cli/builtins.h"

#include "runtime/converters/builtin_converters.h"
#include "runtime/transforms/builtin_transforms.h"
#include "runtime/worker/runtime_host.h"

namespace ck::runtime {

const std::vector<BuiltinEntry>& BuiltinBundles() {
  static const std::vector<BuiltinEntry> bundles = {&ck_builtin_converters, &ck_builtin_transforms};
  return bundles;
}

PluginRegistry LoadRegistry(const std::string& plugin_path, const std::string& isolation) {
  PluginRegistry registry(RuntimeHostTable(), ParseIsolationPolicy(isolation));
  RegisterBuiltins(registry, BuiltinBundles());
  registry.Discover(SplitPluginPath(plugin_path));
  return registry;
}

}  // namespace ck::runtime
