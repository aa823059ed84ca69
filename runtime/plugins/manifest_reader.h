// Reads a plugin's manifest note (ck_abi.h, "Metadata note") from its ELF file without loading it.
//
// Listing plugins and checking their ABI versions must never run plugin code (not even static
// constructors), so the runtime does not dlopen a file to learn what it is: it parses the ELF
// program headers itself, finds the PT_NOTE segments (which the dynamic loader also relies on, so
// they survive stripping), and picks the note owned by "ConnectKit" with type
// CK_NOTE_TYPE_MANIFEST. Input is untrusted: every offset and size is bounds-checked, and every
// failure is a PluginError naming the file and what is wrong with it.
#ifndef CK_RUNTIME_PLUGINS_MANIFEST_READER_H_
#define CK_RUNTIME_PLUGINS_MANIFEST_READER_H_

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>

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

/// Reads the manifest note of the 64-bit little-endian ELF shared object at `path`, without
/// loading it. Throws PluginError when the file cannot be read, is not such an ELF file, is
/// truncated or malformed, or carries no ConnectKit manifest note.
ManifestNote ReadManifestNote(const std::string& path);

/// As ReadManifestNote, for an ELF image already in memory; `name` is used in error messages.
ManifestNote ParseManifestNote(std::span<const unsigned char> image, const std::string& name);

}  // namespace ck::runtime

#endif  // CK_RUNTIME_PLUGINS_MANIFEST_READER_H_
