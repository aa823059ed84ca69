/* A plugin whose init fails, for the loader's unit tests: it logs "failing: init" (so tests can
 * count calls) and refuses with CK_ERROR_CONFIG and a message. */
#include "ck/abi/ck_abi.h"

#define LITERAL(s) \
  { s, sizeof(s) - 1 }

static const char kManifest[] = "{\"name\":\"failing\",\"version\":\"1.0\",\"components\":[]}";

static ck_status Init(const ck_host* host, ck_error* err) {
  static const ck_str kLog = LITERAL("failing: init");
  static const ck_str kMessage = LITERAL("refusing to start on purpose");
  host->log(NULL, CK_LOG_INFO, kLog);
  host->error_set(err, CK_ERROR_CONFIG, 0, kMessage);
  return CK_STATUS_ERROR;
}

static const ck_plugin kPlugin = {
    .struct_size = sizeof(ck_plugin),
    .abi_major = CK_ABI_MAJOR,
    .abi_minor = CK_ABI_MINOR,
    .name = LITERAL("failing"),
    .version = LITERAL("1.0"),
    .init = Init,
    .manifest_json = LITERAL(kManifest),
};

const ck_plugin* ck_plugin_entry_v1(void) { return &kPlugin; }
