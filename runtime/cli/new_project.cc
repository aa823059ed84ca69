// `connectkit new` (see new_project.h). Substitution is plain text replacement of a few
// placeholders, longest first, so that a template stays a buildable-looking project:
//   __NAME__ plugin name, __IDENT__ name as an identifier (Bazel workspace name),
//   __CLASS__ CamelCase name (C++ and component class names), __PACKAGE__ Java-like package,
//   __NAMESPACE__ C++ namespace (package :: ident), __CONNECTKIT__ the ConnectKit workspace,
//   __CONNECTKIT_BIN__ the connectkit binary.
// The defaults for the last two come from where the running binary is: an installed binary
// (<prefix>/bin/connectkit) uses <prefix>/share/connectkit; a binary in a checkout's bazel-bin
// needs --connectkit (./ck new passes the checkout).
#include "runtime/cli/new_project.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <utility>

#include "runtime/cli/template_files.h"

namespace ck::runtime {
namespace {

namespace fs = std::filesystem;

bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

void CheckName(const std::string& name) {
  bool ok = !name.empty() && name.size() <= 64 && IsLower(name.front()) && name.back() != '-';
  for (char c : name) ok = ok && (IsLower(c) || IsDigit(c) || c == '-');
  if (!ok) {
    throw std::invalid_argument("invalid plugin name '" + name +
                                "': use 1-64 lowercase letters, digits and '-', starting with a "
                                "letter, e.g. orders-source");
  }
}

void CheckPackage(const std::string& package) {
  bool ok = !package.empty();
  bool segment_start = true;
  for (char c : package) {
    if (c == '.') {
      ok = ok && !segment_start;
      segment_start = true;
      continue;
    }
    ok = ok && (IsLower(c) || c == '_' || (!segment_start && IsDigit(c)));
    segment_start = false;
  }
  if (!ok || segment_start) {
    throw std::invalid_argument("invalid package '" + package +
                                "': use dot-separated lowercase identifiers, e.g. com.example");
  }
}

std::string CamelCase(const std::string& name) {
  std::string out;
  bool upper = true;
  for (char c : name) {
    if (c == '-') {
      upper = true;
    } else {
      out += upper && IsLower(c) ? static_cast<char>(c - 'a' + 'A') : c;
      upper = false;
    }
  }
  return out;
}

std::string ReplaceAll(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

// The path of a template file in the generated project.
std::string OutputPath(std::string path) {
  if (path.ends_with(".tmpl")) path.resize(path.size() - 5);
  const fs::path p(path);
  if (p.filename() == "bazelrc" || p.filename() == "gitignore") {
    return (p.parent_path() / ("." + p.filename().string())).string();
  }
  return path;
}

std::string SelfPath() {
  std::error_code error;
  const fs::path self = fs::read_symlink("/proc/self/exe", error);
  return error ? std::string() : self.string();
}

int NewUsage(FILE* out) {
  std::fputs(
      "usage: connectkit new <kind> <name> [--dir DIR] [--package NS] [--connectkit DIR]\n"
      "                      [--connectkit-bin PATH]\n"
      "  kind             source-connector, sink-connector, transformation or converter\n"
      "  name             plugin name: lowercase letters, digits and '-' (e.g. orders-source)\n"
      "  --dir DIR        where to write the project (default ./<name>; must be empty)\n"
      "  --package NS     package of the component class names (default com.example)\n"
      "  --connectkit DIR the ConnectKit checkout or <prefix>/share/connectkit the project\n"
      "                   builds against (default: next to an installed connectkit)\n"
      "  --connectkit-bin PATH  the connectkit its integration test runs (default: this one)\n",
      out);
  return out == stderr ? 2 : 0;
}

}  // namespace

std::vector<std::string> TemplateKinds() {
  return {"source-connector", "sink-connector", "transformation", "converter"};
}

std::string CreateProject(const NewProjectOptions& options) {
  const std::vector<std::string> kinds = TemplateKinds();
  if (std::find(kinds.begin(), kinds.end(), options.kind) == kinds.end()) {
    throw std::invalid_argument("unknown template kind '" + options.kind +
                                "': use source-connector, sink-connector, transformation or "
                                "converter");
  }
  CheckName(options.name);
  CheckPackage(options.package);
  if (options.connectkit.empty() || !fs::exists(fs::path(options.connectkit) / "WORKSPACE")) {
    throw std::invalid_argument("no ConnectKit workspace at '" + options.connectkit +
                                "': pass --connectkit with a ConnectKit checkout or an installed "
                                "prefix's share/connectkit (it holds a WORKSPACE)");
  }
  const std::string ident = ReplaceAll(options.name, "-", "_");
  const std::vector<std::pair<std::string, std::string>> substitutions = {
      {"__CONNECTKIT_BIN__", options.connectkit_bin},
      {"__CONNECTKIT__", fs::absolute(options.connectkit).lexically_normal().string()},
      {"__NAMESPACE__", ReplaceAll(options.package, ".", "::") + "::" + ident},
      {"__PACKAGE__", options.package},
      {"__CLASS__", CamelCase(options.name)},
      {"__IDENT__", ident},
      {"__NAME__", options.name},
  };

  const fs::path dir = fs::absolute(options.dir.empty() ? options.name : options.dir);
  if (fs::exists(dir) && !fs::is_empty(dir)) {
    throw std::runtime_error("directory " + dir.string() +
                             " exists and is not empty: choose another with --dir");
  }
  fs::create_directories(dir);
  for (size_t i = 0; i < kTemplateFileCount; ++i) {
    const TemplateFile& file = kTemplateFiles[i];
    if (std::string(file.directory) != "common" && file.directory != options.kind) continue;
    std::string text(file.data, file.size);
    for (const auto& [from, to] : substitutions) text = ReplaceAll(std::move(text), from, to);
    const fs::path out = dir / OutputPath(file.path);
    fs::create_directories(out.parent_path());
    std::ofstream stream(out, std::ios::binary);
    stream << text;
    if (!stream.flush()) throw std::runtime_error("cannot write " + out.string());
  }
  return dir.string();
}

int RunNewCommand(const std::vector<std::string>& args) {
  if (!args.empty() && (args[0] == "-h" || args[0] == "--help")) return NewUsage(stdout);
  NewProjectOptions options;
  std::vector<std::string> positional;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= args.size()) throw std::invalid_argument(arg + " needs a value");
      return args[++i];
    };
    if (arg == "--dir") {
      options.dir = value();
    } else if (arg == "--package") {
      options.package = value();
    } else if (arg == "--connectkit") {
      options.connectkit = value();
    } else if (arg == "--connectkit-bin") {
      options.connectkit_bin = value();
    } else if (arg.starts_with("-")) {
      std::fprintf(stderr, "connectkit new: unknown option '%s'\n", arg.c_str());
      return NewUsage(stderr);
    } else {
      positional.push_back(arg);
    }
  }
  if (positional.size() != 2) return NewUsage(stderr);
  options.kind = positional[0];
  options.name = positional[1];
  const std::string self = SelfPath();
  if (options.connectkit_bin.empty()) options.connectkit_bin = self;
  if (options.connectkit.empty() && !self.empty()) {
    // An installed binary: <prefix>/bin/connectkit next to <prefix>/share/connectkit.
    const fs::path installed = fs::path(self).parent_path().parent_path() / "share" / "connectkit";
    if (fs::exists(installed / "WORKSPACE")) options.connectkit = installed.string();
  }
  const std::string dir = CreateProject(options);
  std::printf(
      "Created %s %s in %s (builds against %s)\n"
      "  cd %s\n"
      "  bazel test //...                  # unit tests and the integration test\n"
      "  bazel build //:%s.tar.gz   # the plugin package for plugin.path\n",
      options.kind.c_str(), options.name.c_str(), dir.c_str(), options.connectkit.c_str(),
      dir.c_str(), options.name.c_str());
  return 0;
}

}  // namespace ck::runtime
