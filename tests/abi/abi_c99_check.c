/* Compiles ck_abi.h as strict ISO C99 (-std=c99 -pedantic, warnings as errors; see BUILD.bazel), so
 * the header stays valid C for plugins written in C and for other languages' binding generators.
 * A few uses of its macros make sure they expand to valid C too. */
#include "ck/abi/ck_abi.h"

/* The one declaration this file needs besides the header (-Wmissing-prototypes stays quiet). */
int ck_abi_c99_check(const ck_host* host);

int ck_abi_c99_check(const ck_host* host) {
  static const char kName[] = CK_NOTE_NAME;
  ck_str name;
  name.ptr = kName;
  name.len = sizeof(kName) - 1;
  if (!CK_HAS_SLOT(host, ck_host, log)) return CK_STATUS_UNSUPPORTED;
  host->log(NULL, CK_LOG_INFO, name);
  return CK_STATUS_OK;
}
