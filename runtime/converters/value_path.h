// ValuePath: where a value sits inside a record, for error messages that name the field, e.g.
// `(field "address.lines[1]")`. Converters recurse through nested values; each level puts one
// ValuePath on the stack pointing at its parent, so tracking costs nothing until an error is
// rendered.
#ifndef CK_RUNTIME_CONVERTERS_VALUE_PATH_H_
#define CK_RUNTIME_CONVERTERS_VALUE_PATH_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace ck::runtime::converters_internal {

struct ValuePath {
  std::string_view field;             ///< A field name or map key; empty for an index step.
  int64_t index = -1;                 ///< An array index or map entry number; -1 for a field step.
  const ValuePath* parent = nullptr;  ///< The enclosing value; null at the top.

  /// The path from the top, e.g. "address.lines[1]".
  std::string ToString() const {
    std::string out = parent != nullptr ? parent->ToString() : std::string();
    if (index >= 0) {
      out.append("[").append(std::to_string(index)).append("]");
    } else {
      if (!out.empty()) out.push_back('.');
      out.append(field);
    }
    return out;
  }
};

/// `message`, followed by ` (field "<path>")` when `path` is not the top level.
inline std::string AtPath(std::string message, const ValuePath* path) {
  if (path == nullptr) return message;
  return message.append(" (field \"").append(path->ToString()).append("\")");
}

}  // namespace ck::runtime::converters_internal

#endif  // CK_RUNTIME_CONVERTERS_VALUE_PATH_H_
