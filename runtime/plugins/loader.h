// Loads plugins into the host process (isolation tier 0, ARCHITECTURE.md §4).
//
// Loading is ordered so that an incompatible plugin never runs: the manifest note is read from the
// file and its ABI versions checked first (manifest_reader.h); only then is the file dlopen()ed
// (RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE: symbols resolved up front, nothing shared with other
// plugins, never unloaded), its descriptor re-checked against the note, and its init() called.
// Plugins are registered process-wide by canonical path, because the dynamic loader itself shares
// one handle per file: loading a file again returns the same LoadedPlugin and never calls init()
// twice.
#ifndef CK_RUNTIME_PLUGINS_LOADER_H_
#define CK_RUNTIME_PLUGINS_LOADER_H_

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>

#include "ck/abi/ck_abi.h"
#include "runtime/plugins/manifest_reader.h"

namespace ck::runtime {

/// A plugin loaded and initialised. Lives until the process exits.
struct LoadedPlugin {
  std::string path;                       ///< Canonical path of the plugin file.
  ManifestNote note;                      ///< Its manifest note, read before loading.
  const ck_plugin* descriptor = nullptr;  ///< Its descriptor (plugin-owned, static).
};

/// Throws PluginError, naming `plugin` and both versions, unless a plugin built for ABI
/// `abi_major` that requires host minor `abi_minor_required` can run on this host
/// (CK_ABI_MAJOR.CK_ABI_MINOR): the majors must be equal and the required minor at most the
/// host's.
void CheckAbiCompatibility(const std::string& plugin, uint16_t abi_major,
                           uint16_t abi_minor_required);

/// Loads the plugin at `path` and calls its init() with `host`, which must outlive the process's
/// use of the plugin. Thread-safe. Loading a file already loaded (by any path that resolves to it)
/// returns the same LoadedPlugin and ignores `host`. Throws PluginError when the file is
/// unreadable, carries no valid manifest note, requires an incompatible ABI (then no plugin code
/// has run), cannot be loaded, has an inconsistent descriptor, or its init() fails. Failures after
/// the file was loaded are remembered: later calls for the same file throw the same error without
/// running plugin code again.
const LoadedPlugin& LoadPlugin(const std::string& path, const ck_host* host);

/// Copies a plugin's vtable (a table of function pointers after a `struct_size` header, e.g.
/// ck_source_task_vtable) into the host's version of that table, reading only the bytes the
/// plugin's `struct_size` covers. Slots the plugin's table lacks come out NULL, i.e. unsupported;
/// so does every slot of a table too small to hold its own header. `struct_size` of the result is
/// the number of bytes copied.
template <typename Vtable>
Vtable CopyPluginVtable(const void* table) {
  static_assert(std::is_trivially_copyable_v<Vtable> && alignof(Vtable) == sizeof(void*));
  uint32_t size = 0;
  std::memcpy(&size, table, sizeof(size));
  // Whole slots only: a slot cut by `struct_size` is not the plugin's.
  size_t covered = std::min<size_t>(size, sizeof(Vtable)) / sizeof(void*) * sizeof(void*);
  if (covered < 2 * sizeof(uint32_t)) covered = 0;
  Vtable copy{};
  std::memcpy(static_cast<void*>(&copy), table, covered);
  copy.struct_size = static_cast<uint32_t>(covered);
  return copy;
}

}  // namespace ck::runtime

#endif  // CK_RUNTIME_PLUGINS_LOADER_H_
