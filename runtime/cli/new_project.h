// `connectkit new <kind> <name>`: instantiates one of the project templates embedded in the binary
// (templates/, see template_files.h) into a directory, with the names substituted, so that the
// generated Bazel workspace builds, tests and packages a plugin with no edits.
#pragma once

#include <string>
#include <vector>

namespace ck::runtime {

/// What a new project is made from.
struct NewProjectOptions {
  std::string kind;  // source-connector, sink-connector, transformation, converter
  std::string name;  // plugin name: lowercase letters, digits and '-', e.g. "orders-source"
  std::string package = "com.example";  // Java-like package of the component class names
  std::string dir;                      // target directory; empty = ./<name>
  std::string connectkit;      // ConnectKit workspace (checkout or <prefix>/share/connectkit)
  std::string connectkit_bin;  // connectkit binary the integration test runs
};

/// The template kinds, in the order `connectkit new --help` lists them.
std::vector<std::string> TemplateKinds();

/// Writes the project; returns the directory written. Throws std::invalid_argument for a bad
/// kind, name or package (naming what would be accepted) and std::runtime_error when the
/// directory exists and is not empty or cannot be written.
std::string CreateProject(const NewProjectOptions& options);

/// The `connectkit new` command: parses `args` (after "new"), fills the defaults (the ConnectKit
/// workspace next to an installed binary, the running binary itself) and calls CreateProject.
/// Returns the exit code.
int RunNewCommand(const std::vector<std::string>& args);

}  // namespace ck::runtime
