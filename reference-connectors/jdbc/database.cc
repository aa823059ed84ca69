// What the three clients share: table metadata lookup and the choice of client by URL.
#include "reference-connectors/jdbc/database.h"

#include <cctype>

namespace ck::jdbc {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace

const ColumnInfo* TableInfo::Find(std::string_view name) const {
  const ColumnInfo* folded = nullptr;
  int folded_count = 0;
  for (const ColumnInfo& column : columns) {
    if (column.name == name) return &column;
    if (EqualsIgnoreCase(column.name, name)) {
      folded = &column;
      ++folded_count;
    }
  }
  return folded_count == 1 ? folded : nullptr;
}

std::unique_ptr<Database> OpenDatabase(const ConnectionSettings& settings, Quoting quoting) {
  switch (settings.kind) {
    case DbKind::kPostgres:
      return OpenPostgres(settings, quoting);
    case DbKind::kMariaDb:
      return OpenMariaDb(settings, quoting);
    case DbKind::kSqlite:
      return OpenSqlite(settings, quoting);
  }
  return nullptr;
}

}  // namespace ck::jdbc
