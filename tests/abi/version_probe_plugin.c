/* A plugin in plain C whose required ABI is set at compile time, for abi_version_test.
 *
 * REQUIRED_ABI_MAJOR and REQUIRED_ABI_MINOR (copts) go into the descriptor, and from there
 * ck_plugin() puts them into the manifest note. A constructor writes a marker file at
 * $CK_TEST_CONSTRUCTOR_MARKER when the plugin is loaded, so the test can tell whether any of the
 * plugin's code ran (without the variable, e.g. at build time, it does nothing). */
#include <stdio.h>
#include <stdlib.h>

#include "ck/abi/ck_abi.h"

static const char kManifest[] =
    "{\"name\":\"version-probe\",\"version\":\"1.0\",\"components\":[]}";

__attribute__((constructor)) static void WriteMarker(void) {
  const char* path = getenv("CK_TEST_CONSTRUCTOR_MARKER");
  FILE* marker = path == NULL ? NULL : fopen(path, "w");
  if (marker == NULL) return;
  fputs("constructor ran\n", marker);
  fclose(marker);
}

static const ck_plugin kPlugin = {
    .struct_size = sizeof(ck_plugin),
    .abi_major = REQUIRED_ABI_MAJOR,
    .abi_minor = REQUIRED_ABI_MINOR,
    .name = {"version-probe", 13},
    .version = {"1.0", 3},
    .manifest_json = {kManifest, sizeof(kManifest) - 1},
};

const ck_plugin* ck_plugin_entry_v1(void) { return &kPlugin; }
