// Build-time tool of ck_plugin() (sdk/plugin.bzl). Linked with a plugin's code, it asks the
// plugin's descriptor for its manifest and writes it out, so the build can embed the very same
// bytes in the plugin's ELF note (sdk/tools/gen_manifest_note.py) and package them beside the .so.
//
// Usage: manifest_tool MANIFEST_OUT. Writes ck_plugin::manifest_json to MANIFEST_OUT and prints
// "<abi_major> <abi_minor_required>" on stdout. It calls ck_plugin_entry_v1() only, never init().
// It reads the descriptor as the plugin was compiled, so it works for plugins built against older
// headers too (CK_HAS_SLOT).
#include <cstdio>

#include "ck/abi/ck_abi.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s MANIFEST_OUT\n", argv[0]);
    return 2;
  }
  const ck_plugin* plugin = ck_plugin_entry_v1();
  if (plugin == nullptr || !CK_HAS_SLOT(plugin, ck_plugin, manifest_json) ||
      plugin->manifest_json.ptr == nullptr || plugin->manifest_json.len == 0) {
    std::fprintf(stderr,
                 "%s: ck_plugin_entry_v1() returned no manifest_json; a plugin must describe "
                 "itself with a non-empty JSON manifest\n",
                 argv[0]);
    return 1;
  }
  std::FILE* out = std::fopen(argv[1], "wb");
  if (out == nullptr) {
    std::perror(argv[1]);
    return 1;
  }
  const ck_str& json = plugin->manifest_json;
  const bool written = std::fwrite(json.ptr, 1, json.len, out) == json.len;
  if (std::fclose(out) != 0 || !written) {
    std::perror(argv[1]);
    return 1;
  }
  std::printf("%u %u\n", static_cast<unsigned>(plugin->abi_major),
              static_cast<unsigned>(plugin->abi_minor));
  return 0;
}
