/* The smallest useful plugin, in plain C, for the loader's unit tests: no components; init keeps
 * the host table and logs "hello: init" through it, so tests can count init calls. */
#include "ck/abi/ck_abi.h"

#define LITERAL(s) \
  { s, sizeof(s) - 1 }

static const char kManifest[] = "{\"name\":\"hello\",\"version\":\"1.0\",\"components\":[]}";

static ck_status Init(const ck_host* host, ck_error* err) {
  static const ck_str kMessage = LITERAL("hello: init");
  (void)err;
  host->log(NULL, CK_LOG_INFO, kMessage);
  return CK_STATUS_OK;
}

static const ck_plugin kPlugin = {
    .struct_size = sizeof(ck_plugin),
    .abi_major = CK_ABI_MAJOR,
    .abi_minor = CK_ABI_MINOR,
    .name = LITERAL("hello"),
    .version = LITERAL("1.0"),
    .init = Init,
    .manifest_json = LITERAL(kManifest),
};

const ck_plugin* ck_plugin_entry_v1(void) { return &kPlugin; }
