// Reads what the runtime needs to know about a plugin from its ELF file, without loading it: the
// manifest note (ck_abi.h, "Metadata note") and the dynamic section (the libraries it needs, where
// it looks for them, the symbols it exports).
//
// Listing plugins and checking their ABI versions must never run plugin code (not even static
// constructors), so the runtime does not dlopen a file to learn what it is: it parses the ELF
// program headers itself, finds the PT_NOTE segments (which the dynamic loader also relies on, so
// they survive stripping), and picks the note owned by "ConnectKit" with type
// CK_NOTE_TYPE_MANIFEST. The dynamic section is read through PT_DYNAMIC and the PT_LOAD mapping,
// as the dynamic loader reads it, so section headers are never needed. Input is untrusted: every
// offset and size is bounds-checked, and every failure is a PluginError naming the file and what
// is wrong with it.
#ifndef CK_RUNTIME_PLUGINS_MANIFEST_READER_H_
#define CK_RUNTIME_PLUGINS_MANIFEST_READER_H_

#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace ck::runtime {

/// A plugin file or plugin could not be read, checked or loaded. what() names the file and the
/// problem.
class PluginError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The content of a plugin's manifest note.
struct ManifestNote {
  uint16_t abi_major = 0;           ///< CK_ABI_MAJOR the plugin was built with.
  uint16_t abi_minor_required = 0;  ///< The minimum host CK_ABI_MINOR it requires.
  std::string manifest_json;        ///< The manifest, as the plugin's descriptor holds it.
};

/// What the dynamic section of an ELF shared object says, as the dynamic loader reads it.
struct DynamicInfo {
  std::string soname;                 ///< DT_SONAME, or empty.
  std::vector<std::string> needed;    ///< DT_NEEDED entries, in order.
  std::vector<std::string> runpath;   ///< DT_RUNPATH directories, unexpanded ($ORIGIN stays).
  std::vector<std::string> rpath;     ///< DT_RPATH directories (used only without DT_RUNPATH).
  std::vector<std::string> exported;  ///< Defined global and weak dynamic symbols.
};

/// A plugin file's manifest note and dynamic section, read in one pass.
struct PluginFileInfo {
  ManifestNote note;    ///< The manifest note.
  DynamicInfo dynamic;  ///< The dynamic section.
};

/// Reads the manifest note of the 64-bit little-endian ELF shared object at `path`, without
/// loading it. Throws PluginError when the file cannot be read, is not such an ELF file, is
/// truncated or malformed, or carries no ConnectKit manifest note.
ManifestNote ReadManifestNote(const std::string& path);

/// As ReadManifestNote, for an ELF image already in memory; `name` is used in error messages.
ManifestNote ParseManifestNote(std::span<const unsigned char> image, const std::string& name);

/// Reads the dynamic section of the ELF shared object at `path` (empty when it has none), without
/// loading it. Throws PluginError as ReadManifestNote does, or when the dynamic section is
/// malformed.
DynamicInfo ReadDynamicInfo(const std::string& path);

/// As ReadDynamicInfo, for an ELF image already in memory; `name` is used in error messages.
DynamicInfo ParseDynamicInfo(std::span<const unsigned char> image, const std::string& name);

/// Reads the manifest note and the dynamic section of the plugin at `path`, opening it once.
/// Throws PluginError as ReadManifestNote and ReadDynamicInfo do.
PluginFileInfo ReadPluginFile(const std::string& path);

/// As ReadPluginFile, but returns nullopt for a well-formed ELF shared object that carries no
/// manifest note (a library rather than a plugin).
std::optional<PluginFileInfo> ReadPluginFileIfAny(const std::string& path);

}  // namespace ck::runtime

#endif  // CK_RUNTIME_PLUGINS_MANIFEST_READER_H_
