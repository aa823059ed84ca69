// `connectkit plugins`: what the worker would find on plugin.path, without running plugin code.
//
//   connectkit plugins list [--plugin-path DIR[,DIR...]] [--worker-config FILE] [--json]
//
// Lists every component (the runtime's built-ins and those of every plugin discovered) with its
// kind, class, aliases, version, isolation tier and location, as a table or as JSON (the objects
// of ComponentsJson, which GET /connector-plugins serves too). --plugin-path overrides the worker
// configuration's plugin.path; plugin.isolation comes from the worker configuration. Plugins are
// discovered from their files and never loaded, so listing runs none of their code; each refused
// plugin is reported on the error stream with its file and the reason.
#ifndef CK_RUNTIME_PLUGINS_PLUGINS_COMMAND_H_
#define CK_RUNTIME_PLUGINS_PLUGINS_COMMAND_H_

#include <iostream>
#include <string>
#include <vector>

#include "runtime/plugins/registry.h"

namespace ck::runtime {

/// Runs `connectkit plugins ARGS...` (`args` are the words after "plugins"), listing `builtins`
/// with the discovered plugins. Writes the listing to `out` and problems to `err`. Returns 0 when
/// every plugin was listed, 1 when some were refused, 2 on a usage or configuration error.
int RunPluginsCommand(const std::vector<std::string>& args,
                      const std::vector<BuiltinEntry>& builtins = {}, std::ostream& out = std::cout,
                      std::ostream& err = std::cerr);

}  // namespace ck::runtime

#endif  // CK_RUNTIME_PLUGINS_PLUGINS_COMMAND_H_
