// The project templates embedded in the connectkit binary (generated from templates/ by
// templates/embed_templates.py), read by `connectkit new`.
#pragma once

#include <cstddef>

namespace ck::runtime {

/// One file of a template.
struct TemplateFile {
  const char* directory;  // "common" (every project) or a kind, e.g. "source-connector"
  const char* path;       // path inside it; ".tmpl" and the bazelrc/gitignore names are renamed
  const char* data;       // the bytes
  std::size_t size;       // their number
};

extern const TemplateFile kTemplateFiles[];
extern const std::size_t kTemplateFileCount;

}  // namespace ck::runtime
