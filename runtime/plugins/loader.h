// Loads plugins into the host process, at isolation tier 0 or 1 (ARCHITECTURE.md §4,
// docs/plugins.md).
//
// Loading is ordered so that an incompatible plugin never runs: the manifest note and the dynamic
// section are read from the file (manifest_reader.h), the ABI versions checked and the entry
// symbol looked up in the file's dynamic symbol table first; only then is the file loaded, its
// descriptor re-checked against the note, and its init() called.
//
// Tier 0 is dlopen(RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE): symbols resolved up front, nothing
// exported to other plugins, never unloaded. It isolates plugins that carry their dependencies
// statically and hidden, as ck_plugin() builds them. It cannot isolate bundled *shared* libraries:
// the dynamic loader reuses any library already loaded under the same SONAME. So before a tier-0
// load the loader resolves the plugin's DT_NEEDED entries through its RUNPATH, and when one it
// bundles has the SONAME of a library already loaded in the runtime's namespace (found with
// dl_iterate_phdr) from another file, it refuses the plugin, naming both sides, or promotes it to
// tier 1 when allowed. Tier 1 is dlmopen(LM_ID_NEWLM): a link-map namespace of its own with its own
// copy of every library, of which glibc has 15 besides the runtime's.
//
// Plugins are registered process-wide by canonical path, because the dynamic loader itself shares
// one handle per file: loading a file again returns the same LoadedPlugin and never calls init()
// twice.
#ifndef CK_RUNTIME_PLUGINS_LOADER_H_
#define CK_RUNTIME_PLUGINS_LOADER_H_

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "ck/abi/ck_abi.h"
#include "runtime/plugins/manifest_reader.h"

namespace ck::runtime {

/// How a plugin is isolated from the runtime and from other plugins.
enum class IsolationTier {
  kTier0,  ///< dlopen(RTLD_LOCAL) into the runtime's namespace; dependencies bundled statically.
  kTier1,  ///< dlmopen(LM_ID_NEWLM): a namespace of its own, with its own copy of every library.
};

/// "tier-0" or "tier-1".
const char* TierName(IsolationTier tier);

/// The most tier-1 namespaces a process may create: glibc's DL_NNS (16) less the runtime's own.
inline constexpr int kMaxTier1Namespaces = 15;

/// A shared library a plugin bundles.
struct BundledLibrary {
  std::string name;  ///< The DT_NEEDED name it is loaded by (normally its SONAME).
  std::string path;  ///< Canonical path of the file.
};

/// How LoadPlugin loads a plugin.
struct LoadOptions {
  IsolationTier tier = IsolationTier::kTier0;  ///< The tier to load at.
  /// At tier 0, load a plugin whose bundled libraries collide at tier 1 instead of refusing it.
  bool promote = false;
  /// The plugin's directory, under which its bundled libraries live; default: the file's directory.
  std::string root;
};

/// A plugin loaded and initialised. Lives until the process exits.
struct LoadedPlugin {
  std::string path;                            ///< Canonical path of the plugin file.
  ManifestNote note;                           ///< Its manifest note, read before loading.
  const ck_plugin* descriptor = nullptr;       ///< Its descriptor (plugin-owned, static).
  IsolationTier tier = IsolationTier::kTier0;  ///< The tier it was loaded at.
  std::vector<BundledLibrary> bundled;         ///< The shared libraries it bundles.
};

/// Throws PluginError, naming `plugin` and both versions, unless a plugin built for ABI
/// `abi_major` that requires host minor `abi_minor_required` can run on this host
/// (CK_ABI_MAJOR.CK_ABI_MINOR): the majors must be equal and the required minor at most the
/// host's.
void CheckAbiCompatibility(const std::string& plugin, uint16_t abi_major,
                           uint16_t abi_minor_required);

/// The shared libraries that the plugin at `file` (with dynamic section `dynamic`) bundles: those
/// of its DT_NEEDED entries, and recursively of theirs, that resolve as the dynamic loader
/// resolves them (DT_RUNPATH, else DT_RPATH, with $ORIGIN expanded; the first directory holding
/// the name wins) to files under `root`. Anything else is a system library. Reads files only;
/// throws PluginError when a bundled library cannot be read.
std::vector<BundledLibrary> FindBundledLibraries(const std::string& file,
                                                 const DynamicInfo& dynamic,
                                                 const std::string& root);

/// Why loading `plugin`, which bundles `bundled`, at tier 0 now would make it share a library: the
/// message names the plugin, the library, and who already loaded it from which file (another
/// plugin, or the runtime). nullopt when nothing collides.
std::optional<std::string> FindTier0Collision(const std::string& plugin,
                                              const std::vector<BundledLibrary>& bundled);

/// The libraries loaded in the runtime's link-map namespace, each under its SONAME and its file
/// name, mapped to its canonical path. Reads their files, never runs code.
std::map<std::string, std::string> LoadedLibraries();

/// Loads the plugin at `path` and calls its init() with `host`, which must outlive the process's
/// use of the plugin. Thread-safe. Loading a file already loaded (by any path that resolves to it)
/// returns the same LoadedPlugin and ignores `host` and `options`. Throws PluginError when the file
/// is unreadable, carries no valid manifest note, requires an incompatible ABI, does not export
/// the entry point, bundles a shared library that collides at tier 0 (without `promote`), or needs
/// a tier-1 namespace that is unavailable (then no plugin code has run); or when it cannot be
/// loaded, has an inconsistent descriptor, or its init() fails. Failures after the file was loaded
/// are remembered: later calls for the same file throw the same error without running plugin code
/// again.
const LoadedPlugin& LoadPlugin(const std::string& path, const ck_host* host,
                               const LoadOptions& options = {});

/// How many tier-1 namespaces this process has created.
int Tier1NamespacesInUse();

/// Whether this build can load plugins at tier 1. Sanitizer builds cannot: every namespace would
/// need its own copy of the sanitizer runtime, which is not supported.
bool Tier1Available();

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
