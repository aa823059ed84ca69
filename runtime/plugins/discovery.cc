// Walks plugin.path and inspects each plugin from its files; see discovery.h for the layout.
//
// Each entry is handled inside its own try block, so one bad plugin costs one error message and
// nothing else. Files are deduplicated by canonical path, which plugin.path listing a directory
// twice, or symlinks, would otherwise turn into duplicate-class errors.
#include "runtime/plugins/discovery.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include "runtime/plugins/plugin_tarball.h"

namespace ck::runtime {
namespace {

namespace fs = std::filesystem;

constexpr ck_component_kind kKinds[] = {
    CK_KIND_SOURCE_CONNECTOR, CK_KIND_SINK_CONNECTOR,   CK_KIND_SOURCE_TASK,    CK_KIND_SINK_TASK,
    CK_KIND_CONVERTER,        CK_KIND_HEADER_CONVERTER, CK_KIND_TRANSFORMATION, CK_KIND_PREDICATE,
};

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool IsSharedObjectName(const std::string& name) {
  return EndsWith(name, ".so") || name.find(".so.") != std::string::npos;
}

bool IsTarballName(const std::string& name) {
  return EndsWith(name, ".tar.gz") || EndsWith(name, ".tgz");
}

std::vector<fs::path> SortedEntries(const fs::path& dir) {
  std::vector<fs::path> entries;
  for (const fs::directory_entry& e : fs::directory_iterator(dir)) {
    if (e.path().filename().string().front() != '.') entries.push_back(e.path());
  }
  std::sort(entries.begin(), entries.end());
  return entries;
}

// Checks one plugin file from its metadata. `name` is how errors name it.
DiscoveredPlugin Inspect(const std::string& name, PluginFileInfo info, const std::string& location,
                         const std::string& root) {
  CheckAbiCompatibility(name, info.note.abi_major, info.note.abi_minor_required);
  DiscoveredPlugin plugin;
  plugin.manifest = ParseManifest(info.note.manifest_json, name);
  const std::vector<std::string>& exported = info.dynamic.exported;
  if (std::find(exported.begin(), exported.end(), CK_PLUGIN_ENTRY_SYMBOL) == exported.end()) {
    throw PluginError("plugin " + name +
                      ": does not export " CK_PLUGIN_ENTRY_SYMBOL
                      "() (its dynamic symbol table has no such definition); a plugin defines it "
                      "with CK_PLUGIN and is built with ck_plugin()");
  }
  plugin.location = location;
  plugin.file = fs::canonical(name).string();
  plugin.root = fs::canonical(root).string();
  plugin.bundled = FindBundledLibraries(plugin.file, info.dynamic, plugin.root);
  plugin.note = std::move(info.note);
  return plugin;
}

// A plugin directory: manifest.json, exactly one .so with a manifest note, bundled libraries.
DiscoveredPlugin InspectDirectory(const fs::path& dir, const std::string& location) {
  const fs::path manifest_path = dir / "manifest.json";
  if (!fs::is_regular_file(manifest_path)) {
    throw PluginError("plugin " + location +
                      ": a plugin directory holds manifest.json and the plugin's .so, but there "
                      "is no manifest.json");
  }
  std::vector<std::pair<std::string, PluginFileInfo>> found;
  for (const fs::path& entry : SortedEntries(dir)) {
    if (!IsSharedObjectName(entry.filename().string()) || !fs::is_regular_file(entry)) continue;
    if (auto info = ReadPluginFileIfAny(entry.string())) found.emplace_back(entry, *info);
  }
  if (found.empty()) {
    throw PluginError("plugin " + location +
                      ": no .so file in it carries a ConnectKit manifest note; plugins are built "
                      "with ck_plugin()");
  }
  if (found.size() > 1) {
    throw PluginError("plugin " + location + ": holds several plugin files (" + found[0].first +
                      ", " + found[1].first + "); give each plugin a directory of its own");
  }
  auto& [file, info] = found.front();
  std::ifstream in(manifest_path);
  const nlohmann::json packaged = nlohmann::json::parse(in, nullptr, false);
  if (packaged.is_discarded() ||
      packaged != nlohmann::json::parse(info.note.manifest_json, nullptr, false)) {
    throw PluginError("plugin " + location + ": manifest.json differs from the manifest note of " +
                      file + "; repackage the plugin (ck_plugin() writes both)");
  }
  return Inspect(file, std::move(info), location, dir.string());
}

void RequireString(const nlohmann::json& object, const char* key, const std::string& where,
                   bool optional = false) {
  const auto it = object.find(key);
  if (it == object.end() ? !optional : !it->is_string()) {
    throw PluginError(where + ": \"" + key + "\" is missing or not a string");
  }
}

}  // namespace

const char* KindName(ck_component_kind kind) {
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

std::optional<ck_component_kind> KindFromName(std::string_view name) {
  for (ck_component_kind kind : kKinds) {
    if (name == KindName(kind)) return kind;
  }
  return std::nullopt;
}

std::vector<std::string> SplitPluginPath(std::string_view value) {
  std::vector<std::string> dirs;
  while (!value.empty()) {
    const size_t comma = std::min(value.find(','), value.size());
    std::string_view dir = value.substr(0, comma);
    const size_t first = dir.find_first_not_of(" \t");
    if (first != std::string_view::npos) {
      dirs.emplace_back(dir.substr(first, dir.find_last_not_of(" \t") - first + 1));
    }
    value.remove_prefix(std::min(comma + 1, value.size()));
  }
  return dirs;
}

nlohmann::json ParseManifest(const std::string& json, const std::string& plugin) {
  const std::string where = "plugin " + plugin + ": malformed manifest";
  nlohmann::json manifest;
  try {
    manifest = nlohmann::json::parse(json);
  } catch (const nlohmann::json::exception& e) {
    throw PluginError(where + ": not valid JSON (" + e.what() + ")");
  }
  if (!manifest.is_object()) throw PluginError(where + ": not a JSON object");
  if (manifest.contains("error")) {
    const nlohmann::json& error = manifest["error"];
    throw PluginError("plugin " + plugin + ": its definition failed when it was built, so it " +
                      "describes no components: " +
                      (error.is_string() ? error.get<std::string>() : error.dump()));
  }
  RequireString(manifest, "name", where);
  RequireString(manifest, "version", where);
  if (!manifest.contains("components") || !manifest["components"].is_array()) {
    throw PluginError(where + ": \"components\" is missing or not an array");
  }
  for (const nlohmann::json& c : manifest["components"]) {
    const std::string at = where + ": component " + (c.is_object() ? c.value("class", "?") : "?");
    if (!c.is_object()) throw PluginError(where + ": a component is not a JSON object");
    RequireString(c, "class", at);
    RequireString(c, "kind", at);
    RequireString(c, "version", at);
    for (const char* key : {"description", "task_class"}) RequireString(c, key, at, true);
    if (c["class"].get<std::string>().empty()) throw PluginError(at + ": empty \"class\"");
    if (!KindFromName(c["kind"].get<std::string>())) {
      throw PluginError(at + ": unknown kind \"" + c["kind"].get<std::string>() + "\"");
    }
    if (c.contains("aliases") &&
        (!c["aliases"].is_array() ||
         !std::all_of(c["aliases"].begin(), c["aliases"].end(),
                      [](const nlohmann::json& a) { return a.is_string(); }))) {
      throw PluginError(at + ": \"aliases\" is not an array of strings");
    }
    if (c.contains("config") && !c["config"].is_array()) {
      throw PluginError(at + ": \"config\" is not an array");
    }
  }
  return manifest;
}

DiscoveryResult DiscoverPlugins(const std::vector<std::string>& plugin_path,
                                const std::string& cache_dir) {
  DiscoveryResult result;
  std::set<std::string> files;
  const auto add = [&](DiscoveredPlugin plugin) {
    if (files.insert(plugin.file).second) result.plugins.push_back(std::move(plugin));
  };
  for (const std::string& dir : plugin_path) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
      result.errors.push_back("plugin.path entry " + dir + " is not a directory" +
                              (fs::exists(dir, ec) ? "" : " (it does not exist)"));
      continue;
    }
    std::vector<fs::path> entries;
    try {
      entries = SortedEntries(dir);
    } catch (const fs::filesystem_error& e) {
      result.errors.push_back("plugin.path entry " + dir + ": " + e.what());
    }
    for (const fs::path& entry : entries) {
      const std::string location = entry.string();
      const std::string name = entry.filename().string();
      try {
        if (fs::is_directory(entry)) {
          add(InspectDirectory(entry, location));
        } else if (IsTarballName(name)) {
          try {
            add(InspectDirectory(UnpackPluginTarball(location, cache_dir), location));
          } catch (const PluginError& e) {
            const std::string message = e.what();
            if (message.find(location) != std::string::npos) throw;
            throw PluginError(message + " (unpacked from " + location + ")");
          }
        } else if (IsSharedObjectName(name)) {
          const std::string file = fs::canonical(entry).string();
          add(Inspect(location, ReadPluginFile(location), location,
                      fs::path(file).parent_path().string()));
        }
      } catch (const PluginError& e) {
        result.errors.push_back(e.what());
      } catch (const fs::filesystem_error& e) {
        result.errors.push_back("plugin " + location + ": " + e.what());
      }
    }
  }
  return result;
}

}  // namespace ck::runtime
