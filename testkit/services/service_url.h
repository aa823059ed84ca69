// The CK_TEST_* settings that point the testkit's services at servers someone else runs: where
// they come from (the environment, or the file of a shared service set that CK_TEST_SERVICES
// names), and parsing of the URLs among them (MariaDB and Artemis; PostgreSQL hands its URL to
// libpq, which parses it). Internal to the testkit; not installed.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

namespace ck::testkit::services_internal {

/// The parts of `scheme://[user[:password]@]host[:port][/path]`.
struct ServiceUrl {
  std::string scheme;    ///< As written, e.g. "mariadb".
  std::string user;      ///< Percent-decoded; empty when absent.
  std::string password;  ///< Percent-decoded; empty when absent.
  std::string host;      ///< Host name or address; brackets of an IPv6 literal removed.
  int port = 0;          ///< The port given, else the default passed to ParseServiceUrl.
  std::string path;      ///< Percent-decoded, without the leading '/'; empty when absent.
};

/// The variable naming the file of a shared service set (what `./ck test` hands to the tests).
inline constexpr char kServicesFileEnv[] = "CK_TEST_SERVICES";

/// The value of the setting `variable` (e.g. "CK_TEST_KAFKA_BOOTSTRAP"): the environment's when
/// set and non-empty there; else, when CK_TEST_SERVICES names a file (lines `VARIABLE=value`, as
/// //testkit:test_services writes it once its services are ready), the file's, waiting up to 5
/// minutes for the file while the process in `<file>.pid` lives; else empty. Throws
/// std::runtime_error with the reason when the set failed to start (`<file>.failed`), is gone, or
/// is not ready in time.
std::string ExternalServiceSetting(const std::string& variable);

/// A database name no other instance uses on a shared server: "ck_<pid>_<n>", n counting the
/// calls of this process. The external backends of PostgresServer and MariaDbServer create one
/// per instance, so tests sharing a server never see each other's tables.
std::string UniqueDatabaseName();

/// Parses `url`, the value of the environment variable `variable`. Throws std::invalid_argument
/// naming the variable, the value (password masked) and the accepted form when the scheme is not
/// one of `schemes`, the host is missing, or the port is not a number in 1..65535.
ServiceUrl ParseServiceUrl(const std::string& variable, const std::string& url,
                           std::initializer_list<std::string_view> schemes, int default_port);

}  // namespace ck::testkit::services_internal
