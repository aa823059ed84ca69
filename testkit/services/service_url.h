// Parsing of the URLs in the CK_TEST_*_URL variables that point the testkit's services at servers
// someone else runs (MariaDB and Artemis; PostgreSQL hands its URL to libpq, which parses it).
// Internal to the testkit; not installed.
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

/// Parses `url`, the value of the environment variable `variable`. Throws std::invalid_argument
/// naming the variable, the value (password masked) and the accepted form when the scheme is not
/// one of `schemes`, the host is missing, or the port is not a number in 1..65535.
ServiceUrl ParseServiceUrl(const std::string& variable, const std::string& url,
                           std::initializer_list<std::string_view> schemes, int default_port);

}  // namespace ck::testkit::services_internal
