// A deliberately small URL parser: the CK_TEST_*_URL variables carry credentials and an address,
// nothing that needs a general URI library. Query strings and fragments are refused rather than
// silently dropped.
#include "testkit/services/service_url.h"

#include <cctype>
#include <stdexcept>

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

}  // namespace ck::testkit::services_internal
