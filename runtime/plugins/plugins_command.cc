// `connectkit plugins list`; see plugins_command.h. The table is sorted by kind (connectors first),
// then class, then version, newest first; columns are as wide as their widest cell.
#include "runtime/plugins/plugins_command.h"

#include <algorithm>
#include <array>
#include <exception>
#include <optional>

#include "runtime/worker/connector_config.h"

namespace ck::runtime {
namespace {

constexpr char kUsage[] =
    "usage: connectkit plugins list [--plugin-path DIR[,DIR...]] [--worker-config FILE] [--json]\n"
    "  Lists every component on plugin.path and built into the runtime, without running plugin\n"
    "  code. --plugin-path overrides the worker configuration's plugin.path.\n";

int KindRank(ck_component_kind kind) {
  constexpr std::array<ck_component_kind, 8> kOrder = {
      CK_KIND_SOURCE_CONNECTOR, CK_KIND_SINK_CONNECTOR, CK_KIND_CONVERTER,
      CK_KIND_HEADER_CONVERTER, CK_KIND_TRANSFORMATION, CK_KIND_PREDICATE,
      CK_KIND_SOURCE_TASK,      CK_KIND_SINK_TASK};
  return static_cast<int>(std::find(kOrder.begin(), kOrder.end(), kind) - kOrder.begin());
}

void PrintTable(std::vector<ComponentEntry> components, std::ostream& out) {
  std::sort(components.begin(), components.end(), [](const auto& a, const auto& b) {
    if (KindRank(a.kind) != KindRank(b.kind)) return KindRank(a.kind) < KindRank(b.kind);
    if (a.class_name != b.class_name) return a.class_name < b.class_name;
    return CompareVersions(a.version, b.version) > 0;
  });
  std::vector<std::array<std::string, 6>> rows = {
      {"KIND", "CLASS", "ALIASES", "VERSION", "TIER", "LOCATION"}};
  for (const ComponentEntry& c : components) {
    std::string aliases;
    for (const std::string& a : c.aliases) aliases += (aliases.empty() ? "" : ", ") + a;
    rows.push_back({KindName(c.kind), c.class_name, aliases.empty() ? "-" : aliases, c.version,
                    c.isolation, c.location});
  }
  std::array<size_t, 6> width{};
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  }
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(width[i] - row[i].size() + 2, ' ');
    }
    out << line << "\n";
  }
}

}  // namespace

int RunPluginsCommand(const std::vector<std::string>& args,
                      const std::vector<BuiltinEntry>& builtins, std::ostream& out,
                      std::ostream& err) {
  if (args.empty() || args[0] != "list") {
    const bool help = !args.empty() && (args[0] == "-h" || args[0] == "--help");
    (help ? out : err) << kUsage;
    return help ? 0 : 2;
  }
  std::optional<std::string> plugin_path;
  std::string worker_config;
  bool json = false;
  for (size_t i = 1; i < args.size(); ++i) {
    const bool has_value = i + 1 < args.size();
    if (args[i] == "--json") {
      json = true;
    } else if (args[i] == "--plugin-path" && has_value) {
      plugin_path = args[++i];
    } else if (args[i] == "--worker-config" && has_value) {
      worker_config = args[++i];
    } else {
      err << "connectkit plugins list: unexpected argument '" << args[i] << "'\n" << kUsage;
      return 2;
    }
  }
  try {
    Properties config;
    if (!worker_config.empty()) config = ReadPropertiesFile(worker_config);
    const auto isolation = config.find("plugin.isolation");
    PluginRegistry registry(nullptr,
                            isolation == config.end() ? IsolationPolicy::kTier0
                                                      : ParseIsolationPolicy(isolation->second),
                            [&err](Level level, const std::string& message) {
                              err << (level >= Level::kError ? "ERROR " : "WARN ") << message
                                  << "\n";
                            });
    RegisterBuiltins(registry, builtins);
    const std::vector<std::string> refused =
        registry.Discover(SplitPluginPath(plugin_path.value_or(config["plugin.path"])));
    if (json) {
      out << ComponentsJson(registry.List()).dump(2) << "\n";
    } else {
      PrintTable(registry.List(), out);
    }
    if (!refused.empty()) {
      err << "connectkit plugins list: " << refused.size()
          << (refused.size() == 1 ? " plugin was" : " plugins were") << " refused (see above)\n";
    }
    return refused.empty() ? 0 : 1;
  } catch (const std::exception& e) {
    err << "connectkit plugins list: " << e.what() << "\n";
    return 2;
  }
}

}  // namespace ck::runtime
