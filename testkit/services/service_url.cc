// Where the CK_TEST_* settings come from (the environment, or the file of a shared service set),
// database names unique on a shared server, and a deliberately small URL parser: the CK_TEST_*_URL
// variables carry credentials and an address, nothing that needs a general URI library. Query
// strings and fragments are refused rather than silently dropped.
#include "testkit/services/service_url.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <thread>

namespace ck::testkit::services_internal {
namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// `text` with %XX escapes decoded; a malformed escape is kept as written.
std::string PercentDecode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && HexDigit(text[i + 1]) >= 0 &&
        HexDigit(text[i + 2]) >= 0) {
      out += static_cast<char>(HexDigit(text[i + 1]) * 16 + HexDigit(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace

ServiceUrl ParseServiceUrl(const std::string& variable, const std::string& url,
                           std::initializer_list<std::string_view> schemes, int default_port) {
  std::string accepted;
  for (std::string_view s : schemes) {
    accepted += (accepted.empty() ? "" : "|") + std::string(s);
  }
  std::string form = accepted.empty() ? "" : (schemes.size() > 1 ? "(" + accepted + ")" : accepted);
  form += "://[user[:password]@]host[:port][/path]";
  // The value for messages, without its password.
  std::string shown = url;
  std::size_t scheme_end = url.find("://");
  std::size_t at = url.rfind('@');
  if (scheme_end != std::string::npos && at != std::string::npos && at > scheme_end) {
    std::size_t colon = url.find(':', scheme_end + 3);
    if (colon != std::string::npos && colon < at)
      shown = url.substr(0, colon + 1) + "***" + url.substr(at);
  }
  auto fail = [&](const std::string& why) {
    return std::invalid_argument(variable + "='" + shown + "': " + why + "; expected " + form);
  };
  if (scheme_end == std::string::npos) throw fail("no scheme");
  ServiceUrl parsed;
  parsed.scheme = url.substr(0, scheme_end);
  bool known = false;
  for (std::string_view s : schemes) known = known || parsed.scheme == s;
  if (!known) throw fail("unsupported scheme '" + parsed.scheme + "'");
  std::string_view rest = std::string_view(url).substr(scheme_end + 3);
  if (rest.find_first_of("?#") != std::string_view::npos)
    throw fail("query strings are not supported");
  std::size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) parsed.path = PercentDecode(rest.substr(slash + 1));
  std::size_t userinfo_end = authority.rfind('@');
  if (userinfo_end != std::string_view::npos) {
    std::string_view userinfo = authority.substr(0, userinfo_end);
    std::size_t colon = userinfo.find(':');
    parsed.user = PercentDecode(userinfo.substr(0, colon));
    if (colon != std::string_view::npos)
      parsed.password = PercentDecode(userinfo.substr(colon + 1));
    authority = authority.substr(userinfo_end + 1);
  }
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    std::size_t close = authority.find(']');
    if (close == std::string_view::npos) throw fail("unclosed '[' in the host");
    parsed.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') throw fail("unexpected text after the host");
      port = after.substr(1);
    }
  } else {
    std::size_t colon = authority.rfind(':');
    parsed.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (parsed.host.empty()) throw fail("no host");
  parsed.port = default_port;
  if (!port.empty()) {
    int value = 0;
    for (char c : port) {
      if (!std::isdigit(static_cast<unsigned char>(c)) || value > 65535) {
        throw fail("bad port '" + std::string(port) + "'");
      }
      value = value * 10 + (c - '0');
    }
    if (value < 1 || value > 65535) throw fail("bad port '" + std::string(port) + "'");
    parsed.port = value;
  }
  return parsed;
}

std::string UniqueDatabaseName() {
  static std::atomic<int> counter{0};
  return "ck_" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
}

std::string ExternalServiceSetting(const std::string& variable) {
  if (const char* value = std::getenv(variable.c_str()); value != nullptr && *value != '\0') {
    return value;
  }
  const char* env = std::getenv(kServicesFileEnv);
  if (env == nullptr || *env == '\0') return "";
  const std::string file = env;
  const std::string what = std::string(kServicesFileEnv) + "=" + file;
  // The set may still be starting (`./ck test` starts it alongside the build): wait for the file,
  // while the process that writes it (its pid in <file>.pid) lives.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
  for (;;) {
    if (std::ifstream in(file); in) {
      const std::string prefix = variable + "=";
      for (std::string line; std::getline(in, line);) {
        if (line.rfind(prefix, 0) == 0) return line.substr(prefix.size());
      }
      return "";
    }
    if (std::ifstream failed(file + ".failed"); failed) {
      const std::string why{std::istreambuf_iterator<char>(failed),
                            std::istreambuf_iterator<char>()};
      throw std::runtime_error("the shared test services of " + what + " failed to start: " + why);
    }
    std::ifstream pid_file(file + ".pid");
    pid_t pid = 0;
    if (!(pid_file >> pid) || pid <= 0 || ::kill(pid, 0) != 0) {
      throw std::runtime_error(what + ": no shared test services are running for it (no " + file +
                               ", and no live process in " + file +
                               ".pid); run the tests through `./ck test`, or unset " +
                               kServicesFileEnv + " to start services per test");
    }
    if (std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error(what + ": the shared test services (pid " + std::to_string(pid) +
                               ") were not ready within 5 minutes");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

}  // namespace ck::testkit::services_internal
