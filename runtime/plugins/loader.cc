// LoadPlugin() and the ABI version rule; see loader.h for the order of checks and why.
//
// The registry is a process-wide, never-destroyed map from canonical path to the loaded plugin (or
// to the error that refused it once plugin code had run). It is never destroyed because plugins are
// never unloaded (RTLD_NODELETE) and may be used until exit, including from static destructors.
#include "runtime/plugins/loader.h"

#include <dlfcn.h>

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <variant>

#include "ck/host/host_support.h"

namespace ck::runtime {
namespace {

std::string Version(unsigned major, unsigned minor) {
  return std::to_string(major) + "." + std::to_string(minor);
}

std::string View(ck_str s) { return s.len == 0 ? std::string() : std::string(s.ptr, s.len); }

// A plugin loaded, or the reason it was refused after its code had run.
using Entry = std::variant<std::unique_ptr<LoadedPlugin>, std::string>;

struct Registry {
  std::mutex mu;
  std::map<std::string, Entry> entries;  // By canonical path.
};

Registry& GetRegistry() {
  static Registry* registry = new Registry();
  return *registry;
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
    throw PluginError(where + "descriptor manifest_json differs from the manifest note; the file " +
                      "was not built by ck_plugin() or was altered");
  }
}

std::string DlError() {
  const char* error = ::dlerror();
  return error == nullptr ? "unknown error" : error;
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
  return std::make_unique<LoadedPlugin>(LoadedPlugin{path, std::move(note), descriptor});
}

}  // namespace

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

const LoadedPlugin& LoadPlugin(const std::string& path, const ck_host* host) {
  std::error_code ec;
  const std::string canonical = std::filesystem::canonical(path, ec).string();
  if (ec) throw PluginError("plugin " + path + ": cannot resolve the path: " + ec.message());

  Registry& registry = GetRegistry();
  std::lock_guard<std::mutex> lock(registry.mu);
  if (auto it = registry.entries.find(canonical); it != registry.entries.end()) {
    if (auto* error = std::get_if<std::string>(&it->second)) throw PluginError(*error);
    return *std::get<std::unique_ptr<LoadedPlugin>>(it->second);
  }
  // Until dlopen succeeds no plugin code has run and nothing stays loaded: a refusal leaves no
  // trace, so a fixed file can be retried.
  ManifestNote note = ReadManifestNote(canonical);
  CheckAbiCompatibility(canonical, note.abi_major, note.abi_minor_required);
  void* handle = ::dlopen(canonical.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
  if (handle == nullptr) throw PluginError("plugin " + canonical + ": dlopen failed: " + DlError());
  // From here on the plugin's constructors have run and it stays loaded: the outcome is final.
  try {
    Entry entry = Initialize(canonical, handle, std::move(note), host);
    auto& stored = registry.entries.emplace(canonical, std::move(entry)).first->second;
    return *std::get<std::unique_ptr<LoadedPlugin>>(stored);
  } catch (const PluginError& e) {
    registry.entries.emplace(canonical, e.what());
    throw;
  }
}

}  // namespace ck::runtime
