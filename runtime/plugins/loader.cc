// LoadPlugin(), the ABI version rule and tier-0 collision detection; see loader.h for the order of
// checks and why.
//
// The registry is a process-wide, never-destroyed map from canonical path to the loaded plugin (or
// to the error that refused it once plugin code had run). It is never destroyed because plugins are
// never unloaded (RTLD_NODELETE) and may be used until exit, including from static destructors.
// It also remembers which plugin brought each bundled library into the runtime's namespace, so a
// collision names both plugins, and how many tier-1 namespaces exist.
#include "runtime/plugins/loader.h"

#include <dlfcn.h>
#include <link.h>

#include <filesystem>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <variant>

#include "ck/host/host_support.h"

// A dlmopen namespace loads its own copy of every library, including the sanitizer runtime that an
// instrumented plugin needs, and a second copy of the sanitizer runtime kills the process (ASan:
// "ASan runtime does not come first in initial library list"). Sanitizer builds therefore refuse
// tier 1 with a clear error instead.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define CK_SANITIZER_BUILD 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
    __has_feature(memory_sanitizer)
#define CK_SANITIZER_BUILD 1
#endif
#endif

namespace ck::runtime {
namespace {

namespace fs = std::filesystem;

std::string Version(unsigned major, unsigned minor) {
  return std::to_string(major) + "." + std::to_string(minor);
}

std::string View(ck_str s) { return s.len == 0 ? std::string() : std::string(s.ptr, s.len); }

// A plugin loaded, or the reason it was refused after its code had run.
using Entry = std::variant<std::unique_ptr<LoadedPlugin>, std::string>;

struct Registry {
  std::mutex mu;
  std::map<std::string, Entry> entries;       // By canonical path.
  std::map<std::string, std::string> owners;  // Bundled library path -> the tier-0 plugin's path.
  int tier1_namespaces = 0;
  std::mutex sonames_mu;                       // Guards `sonames` (LoadedLibraries is public).
  std::map<std::string, std::string> sonames;  // Library path -> its SONAME ("" when none).
};

Registry& GetRegistry() {
  static Registry* registry = new Registry();
  return *registry;
}

std::string DlError() {
  const char* error = ::dlerror();
  return error == nullptr ? "unknown error" : error;
}

// A descriptor whose definition threw carries {"error": ...} as its manifest (ck/plugin.h).
std::optional<std::string> DefinitionError(const ck_plugin* plugin) {
  if (plugin->component_count != 0) return std::nullopt;
  const auto json = nlohmann::json::parse(View(plugin->manifest_json), nullptr, false);
  if (!json.is_object() || !json.contains("error")) return std::nullopt;
  return json["error"].is_string() ? json["error"].get<std::string>() : json["error"].dump();
}

// Checks the descriptor against the note read from the file before loading it.
void CheckDescriptor(const std::string& path, const ck_plugin* plugin, const ManifestNote& note) {
  const std::string where = "plugin " + path + ": ";
  if (plugin == nullptr) throw PluginError(where + CK_PLUGIN_ENTRY_SYMBOL "() returned NULL");
  constexpr size_t kMinSize = offsetof(ck_plugin, manifest_json) + sizeof(ck_str);
  if (!CK_HAS_SLOT(plugin, ck_plugin, manifest_json)) {
    throw PluginError(where + "descriptor struct_size " + std::to_string(plugin->struct_size) +
                      " is smaller than an ABI 0.1 descriptor (" + std::to_string(kMinSize) +
                      " bytes)");
  }
  if (plugin->abi_major != note.abi_major || plugin->abi_minor != note.abi_minor_required) {
    throw PluginError(where + "descriptor declares ABI " +
                      Version(plugin->abi_major, plugin->abi_minor) + " but the manifest note " +
                      Version(note.abi_major, note.abi_minor_required) +
                      "; the file was not built by ck_plugin() or was altered");
  }
  if (View(plugin->manifest_json) != note.manifest_json) {
    if (auto error = DefinitionError(plugin)) {
      throw PluginError(where +
                        CK_PLUGIN_ENTRY_SYMBOL "() reports that the plugin failed: " + *error);
    }
    throw PluginError(where + "descriptor manifest_json differs from the manifest note; the file " +
                      "was not built by ck_plugin() or was altered");
  }
}

// Finds the descriptor of a freshly loaded plugin, checks it and initialises the plugin.
std::unique_ptr<LoadedPlugin> Initialize(const std::string& path, void* handle, ManifestNote note,
                                         const ck_host* host) {
  auto* entry =
      reinterpret_cast<const ck_plugin* (*)(void)>(::dlsym(handle, CK_PLUGIN_ENTRY_SYMBOL));
  if (entry == nullptr) {
    throw PluginError("plugin " + path + ": no " CK_PLUGIN_ENTRY_SYMBOL " symbol: " + DlError());
  }
  const ck_plugin* descriptor = entry();
  CheckDescriptor(path, descriptor, note);
  if (descriptor->init != nullptr) {
    ck_error err;
    if (const ck_status status = descriptor->init(host, &err); status != CK_STATUS_OK) {
      throw PluginError("plugin " + path + ": init failed with status " + std::to_string(status) +
                        " (error code " + std::to_string(err.code) +
                        "): " + (err.message.empty() ? "no message" : err.message));
    }
  }
  auto loaded = std::make_unique<LoadedPlugin>();
  loaded->path = path;
  loaded->note = std::move(note);
  loaded->descriptor = descriptor;
  return loaded;
}

// `dir` of a DT_RUNPATH/DT_RPATH entry with $ORIGIN expanded; empty for other dynamic string
// tokens ($LIB, $PLATFORM), which plugins have no reason to use.
std::string ExpandOrigin(std::string dir, const std::string& origin) {
  for (const char* token : {"${ORIGIN}", "$ORIGIN"}) {
    for (size_t at; (at = dir.find(token)) != std::string::npos;) {
      dir.replace(at, std::strlen(token), origin);
    }
  }
  return dir.find('$') == std::string::npos ? dir : std::string();
}

bool Within(const std::string& path, const std::string& root) {
  return path.size() > root.size() && path.compare(0, root.size(), root) == 0 &&
         path[root.size()] == '/';
}

// A library of the runtime's namespace with the SONAME (or file name) of one that `plugin`
// bundles, loaded from another file: the plugin would silently share it at tier 0. The caller
// holds registry.mu.
std::optional<std::string> FindCollision(const Registry& registry, const std::string& plugin,
                                         const std::vector<BundledLibrary>& bundled) {
  if (bundled.empty()) return std::nullopt;
  const std::map<std::string, std::string> loaded = LoadedLibraries();
  for (const BundledLibrary& library : bundled) {
    const auto it = loaded.find(library.name);
    if (it == loaded.end() || it->second == library.path) continue;
    const auto owner = registry.owners.find(it->second);
    const std::string holder =
        owner == registry.owners.end() ? "the runtime" : "plugin " + owner->second;
    return "plugin " + plugin + " bundles " + library.name + " (" + library.path + "), but " +
           holder + " already loaded " + library.name + " from " + it->second +
           " into the runtime's namespace; at isolation tier 0 (dlopen) the dynamic loader would "
           "make this plugin share that copy. Set plugin.isolation=auto (or tier1) to load it in "
           "a namespace of its own, or link the library statically into the plugin";
  }
  return std::nullopt;
}

// dlmopen()s `path` into a new namespace, within the namespace budget.
void* OpenTier1(Registry& registry, const std::string& path) {
#ifdef CK_SANITIZER_BUILD
  (void)registry;
  throw PluginError("plugin " + path +
                    ": isolation tier 1 (dlmopen) is unavailable in sanitizer builds, because "
                    "each namespace would need its own copy of the sanitizer runtime; use tier 0 "
                    "or a regular build");
#else
  const std::string budget =
      "glibc allows at most " + std::to_string(kMaxTier1Namespaces) +
      " namespaces besides the runtime's, and static TLS for only about 11 unless the worker "
      "starts with GLIBC_TUNABLES=glibc.rtld.nns=16; load fewer plugins at tier 1 "
      "(plugin.isolation=auto moves only plugins whose bundled libraries collide there)";
  if (registry.tier1_namespaces >= kMaxTier1Namespaces) {
    throw PluginError("plugin " + path + ": no tier-1 namespace left: " +
                      std::to_string(registry.tier1_namespaces) + " are in use; " + budget);
  }
  void* handle = ::dlmopen(LM_ID_NEWLM, path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
  if (handle == nullptr) {
    const std::string error = DlError();
    const bool exhausted = error.find("namespace") != std::string::npos ||
                           error.find("static TLS") != std::string::npos;
    throw PluginError("plugin " + path + ": " +
                      (exhausted ? "no tier-1 namespace left with " +
                                       std::to_string(registry.tier1_namespaces) + " in use (" +
                                       error + "); " + budget
                                 : "dlmopen failed: " + error));
  }
  ++registry.tier1_namespaces;
  return handle;
#endif
}

}  // namespace

const char* TierName(IsolationTier tier) {
  return tier == IsolationTier::kTier1 ? "tier-1" : "tier-0";
}

void CheckAbiCompatibility(const std::string& plugin, uint16_t abi_major,
                           uint16_t abi_minor_required) {
  const std::string host = Version(CK_ABI_MAJOR, CK_ABI_MINOR);
  const std::string wanted = Version(abi_major, abi_minor_required);
  if (abi_major != CK_ABI_MAJOR) {
    throw PluginError("plugin " + plugin + " is built for ConnectKit ABI " + wanted +
                      " but this runtime implements ABI " + host +
                      ": ABI majors must be equal (rebuild the plugin against ABI " +
                      std::to_string(CK_ABI_MAJOR) + ".x headers)");
  }
  if (abi_minor_required > CK_ABI_MINOR) {
    throw PluginError("plugin " + plugin + " requires ConnectKit ABI " + wanted +
                      " or newer but this runtime implements ABI " + host +
                      ": use a newer runtime (or build the plugin to require minor <= " +
                      std::to_string(CK_ABI_MINOR) + ")");
  }
}

std::vector<BundledLibrary> FindBundledLibraries(const std::string& file,
                                                 const DynamicInfo& dynamic,
                                                 const std::string& root) {
  std::error_code ec;
  const std::string base = fs::weakly_canonical(root, ec).string();
  std::vector<BundledLibrary> bundled;
  std::set<std::string> seen{file};
  // Depth-first over the bundled libraries; each file is visited once, so cycles end.
  const auto visit = [&](const auto& self, const std::string& object,
                         const DynamicInfo& info) -> void {
    const std::string origin = fs::path(object).parent_path().string();
    const std::vector<std::string>& dirs = info.runpath.empty() ? info.rpath : info.runpath;
    for (const std::string& name : info.needed) {
      if (name.find('/') != std::string::npos) continue;
      for (const std::string& dir : dirs) {
        const std::string expanded = ExpandOrigin(dir, origin);
        if (expanded.empty() || !fs::is_regular_file(fs::path(expanded) / name, ec)) continue;
        const std::string path = fs::canonical(fs::path(expanded) / name, ec).string();
        if (!ec && Within(path, base) && seen.insert(path).second) {
          bundled.push_back({name, path});
          self(self, path, ReadDynamicInfo(path));
        }
        break;  // The dynamic loader takes the first directory that holds the name.
      }
    }
  };
  visit(visit, file, dynamic);
  return bundled;
}

std::optional<std::string> FindTier0Collision(const std::string& plugin,
                                              const std::vector<BundledLibrary>& bundled) {
  Registry& registry = GetRegistry();
  std::lock_guard<std::mutex> lock(registry.mu);
  return FindCollision(registry, plugin, bundled);
}

std::map<std::string, std::string> LoadedLibraries() {
  std::vector<std::string> names;
  ::dl_iterate_phdr(
      [](dl_phdr_info* info, size_t, void* out) {
        if (info->dlpi_name != nullptr && info->dlpi_name[0] == '/') {
          static_cast<std::vector<std::string>*>(out)->push_back(info->dlpi_name);
        }
        return 0;
      },
      &names);
  Registry& registry = GetRegistry();
  std::lock_guard<std::mutex> lock(registry.sonames_mu);
  std::map<std::string, std::string> loaded;
  for (const std::string& name : names) {
    std::error_code ec;
    const std::string path = fs::canonical(name, ec).string();
    if (ec) continue;
    auto it = registry.sonames.find(path);
    if (it == registry.sonames.end()) {
      std::string soname;
      try {
        soname = ReadDynamicInfo(path).soname;
      } catch (const PluginError&) {  // not an ELF64 shared object: it has no SONAME to match
      }
      it = registry.sonames.emplace(path, soname).first;
    }
    if (!it->second.empty()) loaded.emplace(it->second, path);
    loaded.emplace(fs::path(path).filename().string(), path);
  }
  return loaded;
}

const LoadedPlugin& LoadPlugin(const std::string& path, const ck_host* host,
                               const LoadOptions& options) {
  std::error_code ec;
  const std::string canonical = fs::canonical(path, ec).string();
  if (ec) throw PluginError("plugin " + path + ": cannot resolve the path: " + ec.message());

  Registry& registry = GetRegistry();
  std::lock_guard<std::mutex> lock(registry.mu);
  if (auto it = registry.entries.find(canonical); it != registry.entries.end()) {
    if (auto* error = std::get_if<std::string>(&it->second)) throw PluginError(*error);
    return *std::get<std::unique_ptr<LoadedPlugin>>(it->second);
  }
  // Until the file is loaded no plugin code has run and nothing stays loaded: a refusal leaves no
  // trace, so a fixed file can be retried.
  PluginFileInfo file = ReadPluginFile(canonical);
  CheckAbiCompatibility(canonical, file.note.abi_major, file.note.abi_minor_required);
  const std::vector<std::string>& exported = file.dynamic.exported;
  if (std::find(exported.begin(), exported.end(), CK_PLUGIN_ENTRY_SYMBOL) == exported.end()) {
    throw PluginError("plugin " + canonical +
                      ": does not export " CK_PLUGIN_ENTRY_SYMBOL
                      "(); a plugin defines it with CK_PLUGIN and is built with ck_plugin()");
  }
  const std::string root =
      options.root.empty() ? fs::path(canonical).parent_path().string() : options.root;
  std::vector<BundledLibrary> bundled = FindBundledLibraries(canonical, file.dynamic, root);
  IsolationTier tier = options.tier;
  if (tier == IsolationTier::kTier0) {
    if (auto collision = FindCollision(registry, canonical, bundled)) {
      if (!options.promote) throw PluginError(*collision);
      tier = IsolationTier::kTier1;
    }
  }
  void* handle = tier == IsolationTier::kTier1
                     ? OpenTier1(registry, canonical)
                     : ::dlopen(canonical.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
  if (handle == nullptr) throw PluginError("plugin " + canonical + ": dlopen failed: " + DlError());
  if (tier == IsolationTier::kTier0) {
    for (const BundledLibrary& library : bundled) registry.owners.emplace(library.path, canonical);
  }
  // From here on the plugin's constructors have run and it stays loaded: the outcome is final.
  try {
    std::unique_ptr<LoadedPlugin> loaded =
        Initialize(canonical, handle, std::move(file.note), host);
    loaded->tier = tier;
    loaded->bundled = std::move(bundled);
    auto& stored = registry.entries.emplace(canonical, std::move(loaded)).first->second;
    return *std::get<std::unique_ptr<LoadedPlugin>>(stored);
  } catch (const PluginError& e) {
    registry.entries.emplace(canonical, e.what());
    throw;
  }
}

int Tier1NamespacesInUse() {
  Registry& registry = GetRegistry();
  std::lock_guard<std::mutex> lock(registry.mu);
  return registry.tier1_namespaces;
}

bool Tier1Available() {
#ifdef CK_SANITIZER_BUILD
  return false;
#else
  return true;
#endif
}

}  // namespace ck::runtime
