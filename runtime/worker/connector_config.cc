// Properties and JSON connector files, and config provider placeholders (see the header).
#include "runtime/worker/connector_config.h"

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace ck::runtime {
namespace {

std::string ReadFile(const std::string& path, std::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw ConfigFileError(std::string(what) + " '" + path + "' cannot be read: it does not exist " +
                          "or is not readable");
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Joins continuation lines: a line ending in an odd number of backslashes continues on the next
// one, whose leading whitespace is dropped.
std::vector<std::string> LogicalLines(std::string_view text) {
  std::vector<std::string> lines;
  std::string current;
  bool continuing = false;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find_first_of("\r\n", pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    if (end < text.size() && text[end] == '\r' && pos < text.size() && text[pos] == '\n') ++pos;
    if (continuing) {
      size_t first = line.find_first_not_of(" \t\f");
      line = first == std::string_view::npos ? std::string_view() : line.substr(first);
    } else {
      size_t first = line.find_first_not_of(" \t\f");
      if (first == std::string_view::npos) continue;
      line = line.substr(first);
      if (line[0] == '#' || line[0] == '!') continue;
    }
    size_t backslashes = 0;
    while (backslashes < line.size() && line[line.size() - 1 - backslashes] == '\\') ++backslashes;
    continuing = backslashes % 2 == 1;
    current.append(line.substr(0, continuing ? line.size() - 1 : line.size()));
    if (!continuing) {
      lines.push_back(std::move(current));
      current.clear();
    }
    if (end == text.size()) break;
  }
  if (!current.empty()) lines.push_back(std::move(current));
  return lines;
}

void AppendUtf8(std::string& out, unsigned code) {
  if (code < 0x80) {
    out.push_back(static_cast<char>(code));
  } else if (code < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (code >> 6)));
    out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xE0 | (code >> 12)));
    out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
  }
}

// Unescapes `s` up to (not including) the first unescaped character in `stops`; returns the
// position after it, or s.size().
size_t Unescape(std::string_view s, std::string_view stops, std::string& out,
                std::string_view source) {
  size_t i = 0;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c != '\\') {
      if (stops.find(c) != std::string_view::npos) return i;
      out.push_back(c);
      continue;
    }
    if (++i == s.size()) break;
    switch (char e = s[i]) {
      case 't':
        out.push_back('\t');
        break;
      case 'n':
        out.push_back('\n');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 'f':
        out.push_back('\f');
        break;
      case 'u': {
        if (i + 4 >= s.size()) {
          throw ConfigFileError(std::string(source) + ": malformed \\uXXXX escape in '" +
                                std::string(s) + "'");
        }
        unsigned code = 0;
        for (int k = 1; k <= 4; ++k) {
          char h = s[i + k];
          code <<= 4;
          if (h >= '0' && h <= '9')
            code |= h - '0';
          else if (h >= 'a' && h <= 'f')
            code |= h - 'a' + 10;
          else if (h >= 'A' && h <= 'F')
            code |= h - 'A' + 10;
          else
            throw ConfigFileError(std::string(source) + ": malformed \\uXXXX escape in '" +
                                  std::string(s) + "'");
        }
        AppendUtf8(out, code);
        i += 4;
        break;
      }
      default:
        out.push_back(e);
        break;
    }
  }
  return s.size();
}

std::string JsonValueText(const nlohmann::json& value, const std::string& key,
                          const std::string& path) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number() || value.is_boolean()) return value.dump();
  if (value.is_null()) return "";
  throw ConfigFileError("connector config '" + path + "': value of '" + key +
                        "' must be a string, number or boolean, not " + value.dump());
}

}  // namespace

Properties ParseProperties(std::string_view text, std::string_view source) {
  Properties props;
  for (const std::string& line : LogicalLines(text)) {
    std::string key;
    std::string_view rest = line;
    size_t sep = Unescape(rest, "=: \t\f", key, source);
    rest = sep < rest.size() ? rest.substr(sep) : std::string_view();
    // Skip whitespace, then one '=' or ':', then whitespace.
    size_t v = rest.find_first_not_of(" \t\f");
    if (v != std::string_view::npos && (rest[v] == '=' || rest[v] == ':')) ++v;
    rest = v == std::string_view::npos ? std::string_view() : rest.substr(v);
    v = rest.find_first_not_of(" \t\f");
    rest = v == std::string_view::npos ? std::string_view() : rest.substr(v);
    std::string value;
    Unescape(rest, "", value, source);
    props[std::move(key)] = std::move(value);
  }
  return props;
}

Properties ReadPropertiesFile(const std::string& path) {
  return ParseProperties(ReadFile(path, "properties file"), path);
}

ConnectorFile ReadConnectorFile(const std::string& path) {
  ConnectorFile file;
  if (EndsWith(path, ".json")) {
    nlohmann::json json;
    try {
      json = nlohmann::json::parse(ReadFile(path, "connector config"));
    } catch (const nlohmann::json::parse_error& e) {
      throw ConfigFileError("connector config '" + path + "' is not valid JSON: " + e.what());
    }
    if (!json.is_object()) {
      throw ConfigFileError("connector config '" + path +
                            "' must be a JSON object: {\"name\": ..., \"config\": {...}} or a "
                            "flat object of settings");
    }
    const bool wrapped = json.contains("config") && json["config"].is_object();
    const nlohmann::json& settings = wrapped ? json["config"] : json;
    for (const auto& [key, value] : settings.items()) {
      file.config[key] = JsonValueText(value, key, path);
    }
    if (wrapped && json.contains("name"))
      file.config["name"] = JsonValueText(json["name"], "name", path);
  } else {
    file.config = ReadPropertiesFile(path);
  }
  auto name = file.config.find("name");
  if (name == file.config.end() || name->second.empty()) {
    throw ConfigFileError("connector config '" + path +
                          "' has no 'name': every connector needs a non-empty name");
  }
  file.name = name->second;
  return file;
}

namespace {

// Resolves one placeholder ${provider:[path:]key} (`inner` is the text between the braces),
// appending its value to `out`; returns false when `inner` is not a placeholder.
bool ResolvePlaceholder(std::string_view inner, const std::string& key, std::string& out) {
  const size_t colon = inner.find(':');
  if (colon == std::string_view::npos) return false;
  const std::string provider(inner.substr(0, colon));
  const std::string_view rest = inner.substr(colon + 1);
  const size_t second = rest.find(':');
  const bool has_path = second != std::string_view::npos;
  const std::string path(has_path ? rest.substr(0, second) : std::string_view());
  const std::string item(has_path ? rest.substr(second + 1) : rest);
  const std::string where = "config '" + key + "' placeholder ${" + std::string(inner) + "}";
  if (provider == "env" && !has_path) {
    const char* env = std::getenv(item.c_str());
    if (env == nullptr)
      throw ConfigFileError(where + ": environment variable '" + item + "' is not set");
    out.append(env);
  } else if (provider == "file" && has_path) {
    const Properties file = ReadPropertiesFile(path);
    auto found = file.find(item);
    if (found == file.end()) {
      throw ConfigFileError(where + ": file '" + path + "' has no key '" + item + "'");
    }
    out.append(found->second);
  } else if (provider == "directory" && has_path) {
    out.append(ReadFile(path + "/" + item, where + ": file"));
  } else {
    out.append("${").append(inner).append("}");  // unknown provider: left as written, like Kafka
  }
  return true;
}

}  // namespace

Properties ResolveConfigProviders(const Properties& config) {
  Properties resolved;
  for (const auto& [key, value] : config) {
    std::string out;
    size_t pos = 0;
    while (true) {
      const size_t open = value.find("${", pos);
      const size_t close = open == std::string::npos ? open : value.find('}', open + 2);
      if (close == std::string::npos) break;
      out.append(value, pos, open - pos);
      if (!ResolvePlaceholder(std::string_view(value).substr(open + 2, close - open - 2), key,
                              out)) {
        out.append(value, open, close + 1 - open);
      }
      pos = close + 1;
    }
    out.append(value, pos, std::string::npos);
    resolved[key] = std::move(out);
  }
  return resolved;
}

std::string GetOr(const Properties& p, const std::string& key, const std::string& fallback) {
  auto it = p.find(key);
  return it == p.end() ? fallback : it->second;
}

int64_t GetLong(const Properties& p, const std::string& key, int64_t fallback, int64_t min,
                const std::string& what) {
  auto it = p.find(key);
  if (it == p.end()) return fallback;
  int64_t value = 0;
  const std::string& text = it->second;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min) {
    throw ConfigFileError("Invalid value " + text + " for configuration " + key + " of " + what +
                          ": must be an integer of at least " + std::to_string(min));
  }
  return value;
}

}  // namespace ck::runtime
