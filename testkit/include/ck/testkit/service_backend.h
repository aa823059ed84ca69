/// @file
/// ServiceBackend: where a testkit service (PostgresServer, MariaDbServer, ArtemisBroker) comes
/// from, a process the test starts or one someone else runs.
///
/// Each service picks its backend the same way: when its `CK_TEST_*_URL` environment variable is
/// set, the service is external whatever the options say, so a whole suite can be pointed at
/// shared servers without code changes; otherwise the backend in its options (local by default).

#pragma once

#include <string_view>

namespace ck::testkit {

/// Where a testkit service runs.
enum class ServiceBackend {
  /// A server the testkit starts as a child process of the test, on free loopback ports, with its
  /// files in a scratch directory; it dies with the test.
  kLocal,
  /// A running server named by the service's `CK_TEST_*_URL` environment variable. The testkit
  /// never stops or restarts it.
  kExternal,
};

/// The name of a backend: "local" or "external".
constexpr std::string_view ToString(ServiceBackend backend) {
  return backend == ServiceBackend::kLocal ? "local" : "external";
}

}  // namespace ck::testkit
