// Helpers of the isolation tests: a host table whose log slot records every message (the test
// plugins log "<name>: init" and "<name> sees <library>"), and temporary plugin directories.
#ifndef CK_TESTS_ISOLATION_PROBE_HOST_H_
#define CK_TESTS_ISOLATION_PROBE_HOST_H_

#include <string>
#include <vector>

#include "ck/abi/ck_abi.h"

// Defined in sanitizer builds, which cannot load plugins at tier 1 (dlmopen would need a second
// copy of the sanitizer runtime in each namespace; see runtime/plugins/loader.cc). Tests run their
// tier-1 checks without it and check the loader's refusal with it: nothing is silently skipped.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define CK_TEST_SANITIZER_BUILD 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
    __has_feature(memory_sanitizer)
#define CK_TEST_SANITIZER_BUILD 1
#endif
#endif

namespace ck::isolation_test {

/// A process-wide MinimalHostTable() whose log slot records messages (thread-safe).
const ck_host* ProbeHost();

/// How many times exactly `line` was logged.
int LoggedCount(const std::string& line);

/// The messages logged so far, in order.
std::vector<std::string> LoggedLines();

/// A fresh, empty directory $TEST_TMPDIR/<name>.
std::string TempDir(const std::string& name);

/// Copies the file `from` to `to`, creating `to`'s parent directories.
void CopyFile(const std::string& from, const std::string& to);

}  // namespace ck::isolation_test

#endif  // CK_TESTS_ISOLATION_PROBE_HOST_H_
