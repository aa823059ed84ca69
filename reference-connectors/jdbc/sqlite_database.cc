// The SQLite client of the JDBC sink: the embedded, zero-setup database. SQLite runs in process,
// so there is no round trip to save: every write is one single-row prepared statement (kept per
// SQL text) stepped once per row, inside the caller's transaction. Integers, floats, text and
// blobs bind natively; decimals, dates, times and timestamps as text (ISO-8601, UTC), which
// SQLite's date functions read. Transactions start with BEGIN IMMEDIATE, and a busy database is
// waited for up to 10 s, then reported as transient.
#include <sqlite3.h>

#include <algorithm>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "reference-connectors/jdbc/database.h"

namespace ck::jdbc {
namespace {

constexpr int kBusyTimeoutMs = 10000;
constexpr size_t kMaxStatements = 64;

SqlErrorKind Classify(int code, std::string_view message) {
  switch (code & 0xFF) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return SqlErrorKind::kTransient;
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
    case SQLITE_TOOBIG:
      return SqlErrorKind::kData;
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      return SqlErrorKind::kPermission;
    default:
      break;
  }
  if (message.starts_with("no such table") ||
      message.find("has no column named") != std::string_view::npos) {
    return SqlErrorKind::kUndefined;
  }
  return SqlErrorKind::kOther;
}

// The column of "NOT NULL constraint failed: table.column" and the like.
std::string ColumnOf(const std::string& message) {
  const size_t colon = message.find("constraint failed: ");
  if (colon == std::string::npos) return {};
  const std::string rest = message.substr(colon + 19);
  const size_t dot = rest.rfind('.');
  return dot == std::string::npos ? rest : rest.substr(dot + 1);
}

class SqliteDatabase final : public Database {
 public:
  SqliteDatabase(sqlite3* db, Quoting quoting)
      : Database(Dialect(DbKind::kSqlite, quoting)), db_(db) {}
  ~SqliteDatabase() override {
    for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
    sqlite3_close(db_);
  }
  SqliteDatabase(const SqliteDatabase&) = delete;
  SqliteDatabase& operator=(const SqliteDatabase&) = delete;

  std::optional<TableInfo> DescribeTable(const TableId& table) override {
    const std::string sql = table.schema.empty()
                                ? "SELECT name, type, \"notnull\", dflt_value IS NOT NULL "
                                  "FROM pragma_table_info(?1)"
                                : "SELECT name, type, \"notnull\", dflt_value IS NOT NULL "
                                  "FROM pragma_table_info(?1, ?2)";
    sqlite3_stmt* stmt = Prepare(sql);
    sqlite3_bind_text(stmt, 1, table.name.data(), static_cast<int>(table.name.size()),
                      SQLITE_TRANSIENT);
    if (!table.schema.empty()) {
      sqlite3_bind_text(stmt, 2, table.schema.data(), static_cast<int>(table.schema.size()),
                        SQLITE_TRANSIENT);
    }
    TableInfo info;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      const auto text = [&](int i) {
        const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
        return std::string(p != nullptr ? p : "");
      };
      info.columns.push_back(ColumnInfo{text(0), text(1), sqlite3_column_int(stmt, 2) == 0,
                                        sqlite3_column_int(stmt, 3) != 0});
    }
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    if (rc != SQLITE_DONE) Fail(rc, sql);
    if (info.columns.empty()) return std::nullopt;
    return info;
  }

  void Execute(const std::string& sql) override {
    char* error = nullptr;
    const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error);
    if (error != nullptr) sqlite3_free(error);
    if (rc != SQLITE_OK) Fail(rc, sql);
  }

  void Begin() override { Execute("BEGIN IMMEDIATE"); }
  void Commit() override { Execute("COMMIT"); }
  void Rollback() noexcept override {
    if (!sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }

  void Insert(const TableId& table, const Shape& shape, std::span<const RowValues* const> rows,
              bool upsert) override {
    const std::string sql = dialect().Insert(table, shape, 1, upsert);
    for (const RowValues* row : rows) {
      sqlite3_stmt* stmt = Prepare(sql);
      for (size_t i = 0; i < row->size(); ++i) Bind(stmt, static_cast<int>(i + 1), (*row)[i]);
      Step(stmt, sql);
    }
  }

  void Update(const TableId& table, const Shape& shape,
              std::span<const RowValues* const> rows) override {
    const std::string sql = dialect().Update(table, shape);
    const size_t nkeys = shape.keys.size();
    for (const RowValues* row : rows) {
      sqlite3_stmt* stmt = Prepare(sql);
      int n = 0;
      for (size_t i = nkeys; i < row->size(); ++i) Bind(stmt, ++n, (*row)[i]);
      for (size_t i = 0; i < nkeys; ++i) Bind(stmt, ++n, (*row)[i]);
      Step(stmt, sql);
    }
  }

  void Delete(const TableId& table, const Shape& shape,
              std::span<const RowValues* const> rows) override {
    const std::string sql = dialect().Delete(table, shape, 1);
    for (const RowValues* row : rows) {
      sqlite3_stmt* stmt = Prepare(sql);
      for (size_t i = 0; i < shape.keys.size(); ++i) {
        Bind(stmt, static_cast<int>(i + 1), (*row)[i]);
      }
      Step(stmt, sql);
    }
  }

 private:
  sqlite3_stmt* Prepare(const std::string& sql) {
    if (auto it = statements_.find(sql); it != statements_.end()) return it->second;
    if (statements_.size() >= kMaxStatements) {
      for (auto& [text, stmt] : statements_) sqlite3_finalize(stmt);
      statements_.clear();
    }
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) Fail(rc, sql);
    statements_.emplace(sql, stmt);
    return stmt;
  }

  void Bind(sqlite3_stmt* stmt, int index, const SqlValue& value) {
    using K = SqlValue::Kind;
    switch (value.kind) {
      case K::kNull:
        sqlite3_bind_null(stmt, index);
        return;
      case K::kInt:
      case K::kBool:
        sqlite3_bind_int64(stmt, index, value.i);
        return;
      case K::kFloat32:
      case K::kFloat64:
        sqlite3_bind_double(stmt, index, value.f);
        return;
      case K::kBytes:
        sqlite3_bind_blob64(stmt, index, value.s.data(), value.s.size(), SQLITE_STATIC);
        return;
      case K::kText:
      case K::kDecimal:
      case K::kZonedTimestamp:
        sqlite3_bind_text64(stmt, index, value.s.data(), value.s.size(), SQLITE_STATIC,
                            SQLITE_UTF8);
        return;
      case K::kDate:
      case K::kTime:
      case K::kTimestamp: {
        std::string text;
        AppendSqlText(value, TextStyle::kSqlite, text);
        sqlite3_bind_text64(stmt, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
        return;
      }
    }
  }

  void Step(sqlite3_stmt* stmt, const std::string& sql) {
    const int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);  // the bound text and blobs are borrowed
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) Fail(sqlite3_extended_errcode(db_), sql);
  }

  [[noreturn]] void Fail(int code, const std::string& sql) {
    const std::string message = sqlite3_errmsg(db_);
    const std::string statement = sql.size() > 300 ? sql.substr(0, 300) + "..." : sql;
    throw SqlError(Classify(code, message), sqlite3_errstr(code),
                   "SQLite error " + std::string(sqlite3_errstr(code)) + ": " + message +
                       "; statement: " + statement,
                   ColumnOf(message));
  }

  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*> statements_;
};

}  // namespace

std::unique_ptr<Database> OpenSqlite(const ConnectionSettings& settings, Quoting quoting) {
  sqlite3* db = nullptr;
  const int rc =
      sqlite3_open_v2(settings.path.c_str(), &db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI, nullptr);
  if (rc != SQLITE_OK) {
    const std::string message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    throw SqlError(SqlErrorKind::kAuthentication, sqlite3_errstr(rc),
                   "cannot open SQLite database " + settings.path + ": " + message);
  }
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  sqlite3_extended_result_codes(db, 1);
  return std::make_unique<SqliteDatabase>(db, quoting);
}

}  // namespace ck::jdbc
