// The services table (ck_host) this early runtime hands to plugins, until the worker provides the
// full one.
//
// Errors use the SDK's host-side ck_error (//sdk:host), defined once for every host in a program:
// plugins fill it only through ck_host::error_set, which copies their message into host memory, so
// nothing a plugin allocated is ever freed by the host. Tests copy the table and replace slots
// (e.g. to capture log lines).
#ifndef CK_RUNTIME_PLUGINS_HOST_TABLE_H_
#define CK_RUNTIME_PLUGINS_HOST_TABLE_H_

#include "ck/abi/ck_abi.h"
#include "ck/host/host_support.h"

namespace ck::runtime {

/// A host table of ABI CK_ABI_MAJOR.CK_ABI_MINOR with every slot set: the error slots, log (to
/// stderr, one line per call) and clock_now_ms work; raise_error logs; offset_read and
/// sink_report_errant return CK_STATUS_UNSUPPORTED; the other slots do nothing. No slot throws.
ck_host MinimalHostTable();

}  // namespace ck::runtime

#endif  // CK_RUNTIME_PLUGINS_HOST_TABLE_H_
