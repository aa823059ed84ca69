// The MariaDB (and MySQL) client of the JDBC sink, on MariaDB Connector/C. Every write is one
// single-row prepared statement (INSERT ... [ON DUPLICATE KEY UPDATE c=VALUES(c)], UPDATE, DELETE)
// executed for a whole array of rows at once: Connector/C's column-wise array binding, which
// MariaDB servers run as one COM_STMT_BULK_EXECUTE round trip. Servers without bulk execution
// (MySQL) get the same statement executed row by row. Prepared statements are kept per SQL text,
// so a table's statements are prepared once per connection. Values are bound as strings (bytes
// as BLOB) and converted by the server under its strict SQL mode, which refuses what does not fit.
// Sessions run in UTC (time_zone='+00:00') with utf8mb4.
#include <mariadb/mysql.h>

#include <algorithm>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "reference-connectors/jdbc/database.h"

namespace ck::jdbc {
namespace {

constexpr size_t kMaxBulkBytes = 4 << 20;  // well under the server's 16 MiB max_allowed_packet
constexpr size_t kMaxBulkRows = 10000;
constexpr size_t kMaxStatements = 64;

SqlErrorKind Classify(unsigned int code, std::string_view state) {
  switch (code) {
    case 2002:  // CR_CONNECTION_ERROR
    case 2003:  // CR_CONN_HOST_ERROR
    case 2005:  // CR_UNKNOWN_HOST
    case 2006:  // CR_SERVER_GONE_ERROR
    case 2013:  // CR_SERVER_LOST
    case 2055:  // CR_SERVER_LOST_EXTENDED
    case 1040:  // ER_CON_COUNT_ERROR
    case 1053:  // ER_SERVER_SHUTDOWN
    case 1927:  // ER_CONNECTION_KILLED
    case 4031:  // ER_CLIENT_INTERACTION_TIMEOUT
      return SqlErrorKind::kConnection;
    case 1205:  // ER_LOCK_WAIT_TIMEOUT
    case 1213:  // ER_LOCK_DEADLOCK
      return SqlErrorKind::kTransient;
    case 1044:  // ER_DBACCESS_DENIED_ERROR
    case 1045:  // ER_ACCESS_DENIED_ERROR
    case 1049:  // ER_BAD_DB_ERROR
    case 1698:  // ER_ACCESS_DENIED_NO_PASSWORD_ERROR
      return SqlErrorKind::kAuthentication;
    case 1142:  // ER_TABLEACCESS_DENIED_ERROR
    case 1143:  // ER_COLUMNACCESS_DENIED_ERROR
    case 1227:  // ER_SPECIFIC_ACCESS_DENIED_ERROR
    case 1370:  // ER_PROCACCESS_DENIED_ERROR
      return SqlErrorKind::kPermission;
    case 1146:  // ER_NO_SUCH_TABLE
    case 1054:  // ER_BAD_FIELD_ERROR
      return SqlErrorKind::kUndefined;
    case 1048:  // ER_BAD_NULL_ERROR
    case 1062:  // ER_DUP_ENTRY
    case 1264:  // ER_WARN_DATA_OUT_OF_RANGE
    case 1265:  // WARN_DATA_TRUNCATED
    case 1292:  // ER_TRUNCATED_WRONG_VALUE
    case 1366:  // ER_TRUNCATED_WRONG_VALUE_FOR_FIELD
    case 1364:  // ER_NO_DEFAULT_FOR_FIELD
    case 1406:  // ER_DATA_TOO_LONG
    case 1451:  // ER_ROW_IS_REFERENCED_2
    case 1452:  // ER_NO_REFERENCED_ROW_2
    case 4025:  // ER_CONSTRAINT_FAILED
      return SqlErrorKind::kData;
    default:
      break;
  }
  if (state.starts_with("22") || state.starts_with("23")) return SqlErrorKind::kData;
  if (state.starts_with("08")) return SqlErrorKind::kConnection;
  if (state.starts_with("40")) return SqlErrorKind::kTransient;
  return SqlErrorKind::kOther;
}

// The column a MariaDB data error names ("... for column `x` at row 1", "Column 'x' cannot be
// null"), if any.
std::string ColumnOf(const std::string& message) {
  for (const std::string& marker :
       {std::string("column `"), std::string("Column '"), std::string("column '")}) {
    const size_t at = message.find(marker);
    if (at == std::string::npos) continue;
    const size_t start = at + marker.size();
    const size_t end = message.find(marker.back(), start);
    if (end != std::string::npos) return message.substr(start, end - start);
  }
  return {};
}

// The parameters of one statement execution, as Connector/C binds them column-wise: for each
// parameter, arrays of value pointers, lengths and NULL indicators, one entry per row.
class BulkParams {
 public:
  void Reset(size_t params, size_t rows) {
    params_ = params;
    rows_ = rows;
    text_.clear();
    offsets_.assign(params * rows, 0);
    lengths_.assign(params * rows, 0);
    indicators_.assign(params * rows, STMT_INDICATOR_NONE);
    blob_.assign(params, false);
  }

  void Set(size_t param, size_t row, const SqlValue& value) {
    const size_t at = param * rows_ + row;
    if (value.is_null()) {
      indicators_[at] = STMT_INDICATOR_NULL;
      return;
    }
    if (value.kind == SqlValue::Kind::kBytes) blob_[param] = true;
    offsets_[at] = text_.size();
    AppendSqlText(value, TextStyle::kMariaDb, text_);
    lengths_[at] = text_.size() - offsets_[at];
  }

  size_t bytes() const { return text_.size(); }

  // Binds for execution; valid until the next Reset or Set.
  MYSQL_BIND* Binds() {
    pointers_.resize(offsets_.size());
    for (size_t i = 0; i < offsets_.size(); ++i) pointers_[i] = text_.data() + offsets_[i];
    binds_.assign(params_, MYSQL_BIND{});
    for (size_t p = 0; p < params_; ++p) {
      MYSQL_BIND& b = binds_[p];
      b.buffer_type = blob_[p] ? MYSQL_TYPE_BLOB : MYSQL_TYPE_STRING;
      b.buffer = pointers_.data() + p * rows_;
      b.length = lengths_.data() + p * rows_;
      b.u.indicator = indicators_.data() + p * rows_;
    }
    return binds_.data();
  }

  // Binds of row `row` alone, for servers without bulk execution.
  MYSQL_BIND* RowBinds(size_t row) {
    binds_.assign(params_, MYSQL_BIND{});
    nulls_.assign(params_, 0);
    for (size_t p = 0; p < params_; ++p) {
      const size_t at = p * rows_ + row;
      MYSQL_BIND& b = binds_[p];
      b.buffer_type = blob_[p] ? MYSQL_TYPE_BLOB : MYSQL_TYPE_STRING;
      b.buffer = text_.data() + offsets_[at];
      b.buffer_length = lengths_[at];
      b.length = &lengths_[at];
      nulls_[p] = indicators_[at] == STMT_INDICATOR_NULL;
      b.is_null = &nulls_[p];
    }
    return binds_.data();
  }

 private:
  size_t params_ = 0;
  size_t rows_ = 0;
  std::string text_;
  std::vector<size_t> offsets_;
  std::vector<unsigned long> lengths_;  // NOLINT(google-runtime-int): Connector/C's type
  std::vector<char> indicators_;
  std::vector<bool> blob_;
  std::vector<char*> pointers_;
  std::vector<MYSQL_BIND> binds_;
  std::vector<my_bool> nulls_;
};

class MariaDbDatabase final : public Database {
 public:
  MariaDbDatabase(MYSQL* conn, Quoting quoting, bool bulk)
      : Database(Dialect(DbKind::kMariaDb, quoting)), conn_(conn), bulk_(bulk) {}
  ~MariaDbDatabase() override {
    for (auto& [sql, stmt] : statements_) mysql_stmt_close(stmt);
    mysql_close(conn_);
  }
  MariaDbDatabase(const MariaDbDatabase&) = delete;
  MariaDbDatabase& operator=(const MariaDbDatabase&) = delete;

  std::optional<TableInfo> DescribeTable(const TableId& table) override {
    const std::string schema = table.schema.empty() ? "DATABASE()" : Literal(table.schema);
    const std::string sql =
        "SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE = 'YES', COLUMN_DEFAULT IS NOT NULL "
        "FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = " +
        schema + " AND TABLE_NAME = " + Literal(table.name) + " ORDER BY ORDINAL_POSITION";
    Query(sql);
    std::unique_ptr<MYSQL_RES, decltype(&mysql_free_result)> result(mysql_store_result(conn_),
                                                                    &mysql_free_result);
    if (!result) Fail(sql);
    TableInfo info;
    while (MYSQL_ROW row = mysql_fetch_row(result.get())) {
      info.columns.push_back(ColumnInfo{row[0] ? row[0] : "", row[1] ? row[1] : "",
                                        row[2] && row[2][0] == '1', row[3] && row[3][0] == '1'});
    }
    if (info.columns.empty()) return std::nullopt;
    return info;
  }

  void Execute(const std::string& sql) override {
    Query(sql);
    // Drain any result set so the connection is ready for the next statement.
    do {
      if (MYSQL_RES* result = mysql_store_result(conn_)) mysql_free_result(result);
    } while (mysql_next_result(conn_) == 0);
  }

  void Begin() override { Execute("START TRANSACTION"); }
  void Commit() override { Execute("COMMIT"); }
  void Rollback() noexcept override { mysql_real_query(conn_, "ROLLBACK", 8); }

  void Insert(const TableId& table, const Shape& shape, std::span<const RowValues* const> rows,
              bool upsert) override {
    std::vector<size_t> order(shape.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    ExecuteRows(dialect().Insert(table, shape, 1, upsert), rows, order);
  }

  void Update(const TableId& table, const Shape& shape,
              std::span<const RowValues* const> rows) override {
    std::vector<size_t> order;
    for (size_t i = shape.keys.size(); i < shape.size(); ++i) order.push_back(i);
    for (size_t i = 0; i < shape.keys.size(); ++i) order.push_back(i);
    ExecuteRows(dialect().Update(table, shape), rows, order);
  }

  void Delete(const TableId& table, const Shape& shape,
              std::span<const RowValues* const> rows) override {
    std::vector<size_t> order(shape.keys.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    ExecuteRows(dialect().Delete(table, shape, 1), rows, order);
  }

 private:
  std::string Literal(const std::string& text) {
    std::string out(text.size() * 2 + 1, '\0');
    out.resize(mysql_real_escape_string(conn_, out.data(), text.data(), text.size()));
    return "'" + out + "'";
  }

  void Query(const std::string& sql) {
    if (mysql_real_query(conn_, sql.data(), sql.size()) != 0) Fail(sql);
  }

  [[noreturn]] void Fail(const std::string& sql) {
    Throw(mysql_errno(conn_), mysql_sqlstate(conn_), mysql_error(conn_), sql);
  }

  [[noreturn]] static void Throw(unsigned int code, const char* state, const char* error,
                                 const std::string& sql) {
    const std::string message = error != nullptr ? error : "";
    const std::string statement = sql.size() > 300 ? sql.substr(0, 300) + "..." : sql;
    throw SqlError(Classify(code, state != nullptr ? state : ""), std::to_string(code),
                   "MariaDB error " + std::to_string(code) + " (" + (state ? state : "") +
                       "): " + message + "; statement: " + statement,
                   ColumnOf(message));
  }

  MYSQL_STMT* Prepare(const std::string& sql) {
    if (auto it = statements_.find(sql); it != statements_.end()) return it->second;
    if (statements_.size() >= kMaxStatements) {
      for (auto& [text, stmt] : statements_) mysql_stmt_close(stmt);
      statements_.clear();
    }
    MYSQL_STMT* stmt = mysql_stmt_init(conn_);
    if (stmt == nullptr) Fail(sql);
    if (mysql_stmt_prepare(stmt, sql.data(), sql.size()) != 0) {
      const unsigned int code = mysql_stmt_errno(stmt);
      const std::string state = mysql_stmt_sqlstate(stmt);
      const std::string error = mysql_stmt_error(stmt);
      mysql_stmt_close(stmt);
      Throw(code, state.c_str(), error.c_str(), sql);
    }
    statements_.emplace(sql, stmt);
    return stmt;
  }

  void ExecuteRows(const std::string& sql, std::span<const RowValues* const> rows,
                   const std::vector<size_t>& order) {
    MYSQL_STMT* stmt = Prepare(sql);
    size_t start = 0;
    while (start < rows.size()) {
      // A chunk: as many rows as fit the packet budget.
      size_t n = std::min(kMaxBulkRows, rows.size() - start);
      params_.Reset(order.size(), n);
      size_t filled = 0;
      for (; filled < n; ++filled) {
        const RowValues& row = *rows[start + filled];
        for (size_t p = 0; p < order.size(); ++p) params_.Set(p, filled, row[order[p]]);
        if (params_.bytes() > kMaxBulkBytes) {
          ++filled;
          break;
        }
      }
      if (filled < n) {
        n = filled;  // re-pack only the rows that fit, so the arrays match the row count
        params_.Reset(order.size(), n);
        for (size_t r = 0; r < n; ++r) {
          for (size_t p = 0; p < order.size(); ++p) params_.Set(p, r, (*rows[start + r])[order[p]]);
        }
      }
      if (bulk_) {
        unsigned int size = static_cast<unsigned int>(n);
        mysql_stmt_attr_set(stmt, STMT_ATTR_ARRAY_SIZE, &size);
        if (mysql_stmt_bind_param(stmt, params_.Binds()) != 0 || mysql_stmt_execute(stmt) != 0) {
          FailStatement(stmt, sql);
        }
      } else {
        for (size_t r = 0; r < n; ++r) {
          if (mysql_stmt_bind_param(stmt, params_.RowBinds(r)) != 0 ||
              mysql_stmt_execute(stmt) != 0) {
            FailStatement(stmt, sql);
          }
        }
      }
      start += n;
    }
  }

  [[noreturn]] void FailStatement(MYSQL_STMT* stmt, const std::string& sql) {
    const unsigned int code = mysql_stmt_errno(stmt);
    const std::string state = mysql_stmt_sqlstate(stmt);
    const std::string error = mysql_stmt_error(stmt);
    // A statement that failed mid-execution may be unusable; prepare it afresh next time.
    statements_.erase(sql);
    mysql_stmt_close(stmt);
    Throw(code, state.c_str(), error.c_str(), sql);
  }

  MYSQL* conn_;
  bool bulk_;
  std::unordered_map<std::string, MYSQL_STMT*> statements_;
  BulkParams params_;
};

}  // namespace

std::unique_ptr<Database> OpenMariaDb(const ConnectionSettings& settings, Quoting quoting) {
  MYSQL* conn = mysql_init(nullptr);
  if (conn == nullptr) {
    throw SqlError(SqlErrorKind::kConnection, "2008", "Connector/C could not allocate a handle");
  }
  unsigned int timeout = static_cast<unsigned int>(std::max(settings.connect_timeout_s, 1));
  my_bool reconnect = 0;
  mysql_optionsv(conn, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
  mysql_optionsv(conn, MYSQL_OPT_RECONNECT, &reconnect);
  mysql_optionsv(conn, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  mysql_optionsv(conn, MYSQL_INIT_COMMAND, "SET time_zone = '+00:00'");
  const std::string& host = settings.hosts.empty() ? std::string("localhost") : settings.hosts[0];
  const unsigned int port = settings.ports.empty() ? 3306 : settings.ports[0];
  if (mysql_real_connect(conn, host.c_str(), settings.user.c_str(), settings.password.c_str(),
                         settings.database.empty() ? nullptr : settings.database.c_str(), port,
                         nullptr, 0) == nullptr) {
    const unsigned int code = mysql_errno(conn);
    const std::string message = mysql_error(conn);
    mysql_close(conn);
    const SqlErrorKind kind = Classify(code, "");
    throw SqlError(kind == SqlErrorKind::kAuthentication ? kind : SqlErrorKind::kConnection,
                   std::to_string(code),
                   "cannot connect to MariaDB at " + settings.display_url + ": " + message);
  }
  unsigned long caps = 0;      // NOLINT(google-runtime-int): Connector/C's type
  unsigned long ext_caps = 0;  // NOLINT(google-runtime-int)
  mariadb_get_infov(conn, MARIADB_CONNECTION_SERVER_CAPABILITIES, &caps);
  mariadb_get_infov(conn, MARIADB_CONNECTION_EXTENDED_SERVER_CAPABILITIES, &ext_caps);
  const bool bulk =
      (caps & CLIENT_MYSQL) == 0 && (ext_caps & (MARIADB_CLIENT_STMT_BULK_OPERATIONS >> 32)) != 0;
  return std::make_unique<MariaDbDatabase>(conn, quoting, bulk);
}

}  // namespace ck::jdbc
