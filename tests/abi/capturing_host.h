// A host table for the ABI tests: runtime/plugins' minimal host, with the log slot replaced by one
// that records each message, so tests can observe what plugins did (init calls, releases, which
// host slots they found).
#ifndef CK_TESTS_ABI_CAPTURING_HOST_H_
#define CK_TESTS_ABI_CAPTURING_HOST_H_

#include <string>
#include <vector>

#include "ck/abi/ck_abi.h"

namespace ck::abi_test {

/// MinimalHostTable() whose log slot records messages (thread-safe) instead of printing them.
ck_host CapturingHostTable();

/// A process-wide CapturingHostTable(), for plugins that keep their host until exit.
const ck_host* CapturingHost();

/// The messages logged so far, in order.
std::vector<std::string> LoggedLines();

/// How many times exactly `line` was logged.
int LoggedCount(const std::string& line);

/// Forgets the messages logged so far.
void ClearLog();

}  // namespace ck::abi_test

#endif  // CK_TESTS_ABI_CAPTURING_HOST_H_
