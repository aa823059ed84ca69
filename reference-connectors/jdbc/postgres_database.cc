// The PostgreSQL client of the JDBC sink, on libpq. Rows are written as multi-row statements
// (INSERT ... VALUES (...),(...) [ON CONFLICT ... DO UPDATE], DELETE ... WHERE k IN (...)) with
// every value a parameter: text format (NUL-terminated, as libpq reads it), except bytes, which
// go in binary and so need no escaping. Parameter types are left to the server, which takes them
// from the target columns. A statement text seen a second time is prepared, once per connection
// (a batch's statement is the same batch after batch: same table, shape and row count), so the
// server parses and plans it once. One statement carries at most 65535 parameters, PostgreSQL's
// limit. Sessions run in UTC, so timestamps without a zone are written and read back unchanged.
//
// Errors are classified by SQLSTATE (class 08 connection, 40 and 53 transient, 28 authentication,
// 42501 permission, 22 and 23 data, 42P01/42703 undefined); a connection that went bad is always
// a connection error, whatever the statement's result says.
#include <postgresql/libpq-fe.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "reference-connectors/jdbc/database.h"

namespace ck::jdbc {
namespace {

SqlErrorKind ClassifySqlState(std::string_view state) {
  if (state.starts_with("08") || state == "57P01" || state == "57P02" || state == "57P03") {
    return SqlErrorKind::kConnection;
  }
  if (state.starts_with("40") || state.starts_with("53") || state == "55P03" || state == "55006") {
    return SqlErrorKind::kTransient;
  }
  if (state.starts_with("28") || state == "3D000") return SqlErrorKind::kAuthentication;
  if (state == "42501") return SqlErrorKind::kPermission;
  if (state.starts_with("22") || state.starts_with("23") || state == "42804") {
    return SqlErrorKind::kData;
  }
  if (state == "42P01" || state == "42703") return SqlErrorKind::kUndefined;
  return SqlErrorKind::kOther;
}

std::string TrimMessage(const char* text) {
  std::string out = text != nullptr ? text : "";
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

// Statement parameters in libpq's form: pointers into one buffer holding every text value.
class Params {
 public:
  void Clear() {
    text_.clear();
    offsets_.clear();
    lengths_.clear();
    formats_.clear();
  }

  void Add(const SqlValue& value) {
    if (value.is_null()) {
      offsets_.push_back(kNull);
      lengths_.push_back(0);
      formats_.push_back(0);
      return;
    }
    const size_t start = text_.size();
    const bool binary = value.kind == SqlValue::Kind::kBytes;
    AppendSqlText(value, TextStyle::kPostgres, text_);
    // libpq reads text parameters up to their NUL, whatever their length says.
    if (!binary && text_.find('\0', start) != std::string::npos) {
      throw SqlError(
          SqlErrorKind::kData, "22021",
          "PostgreSQL text cannot contain NUL characters; value " + DescribeSqlValue(value));
    }
    text_.push_back('\0');
    offsets_.push_back(start);
    lengths_.push_back(static_cast<int>(text_.size() - 1 - start));
    formats_.push_back(binary ? 1 : 0);
  }

  int size() const { return static_cast<int>(offsets_.size()); }
  const int* lengths() const { return lengths_.data(); }
  const int* formats() const { return formats_.data(); }
  // Valid until the next Add or Clear.
  const char* const* values() {
    pointers_.resize(offsets_.size());
    for (size_t i = 0; i < offsets_.size(); ++i) {
      pointers_[i] = offsets_[i] == kNull ? nullptr : text_.data() + offsets_[i];
    }
    return pointers_.data();
  }

 private:
  static constexpr size_t kNull = static_cast<size_t>(-1);
  std::string text_;
  std::vector<size_t> offsets_;
  std::vector<int> lengths_;
  std::vector<int> formats_;
  std::vector<const char*> pointers_;
};

struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

class PostgresDatabase final : public Database {
 public:
  PostgresDatabase(PGconn* conn, Quoting quoting)
      : Database(Dialect(DbKind::kPostgres, quoting)), conn_(conn) {}
  ~PostgresDatabase() override { PQfinish(conn_); }
  PostgresDatabase(const PostgresDatabase&) = delete;
  PostgresDatabase& operator=(const PostgresDatabase&) = delete;

  std::optional<TableInfo> DescribeTable(const TableId& table) override {
    params_.Clear();
    params_.Add(SqlValue::Str(SqlValue::Kind::kText, dialect().Table(table)));
    Result oid = Run("SELECT to_regclass($1)::oid", "looking up table " + table.ToString());
    if (PQntuples(oid.get()) != 1 || PQgetisnull(oid.get(), 0, 0)) return std::nullopt;
    params_.Clear();
    params_.Add(SqlValue::Str(SqlValue::Kind::kText, PQgetvalue(oid.get(), 0, 0)));
    Result columns = Run(
        "SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), NOT a.attnotnull, "
        "a.atthasdef FROM pg_catalog.pg_attribute a WHERE a.attrelid = $1::oid AND a.attnum > 0 "
        "AND NOT a.attisdropped ORDER BY a.attnum",
        "describing table " + table.ToString());
    TableInfo info;
    for (int r = 0; r < PQntuples(columns.get()); ++r) {
      info.columns.push_back(ColumnInfo{
          PQgetvalue(columns.get(), r, 0), PQgetvalue(columns.get(), r, 1),
          PQgetvalue(columns.get(), r, 2)[0] == 't', PQgetvalue(columns.get(), r, 3)[0] == 't'});
    }
    return info;
  }

  void Execute(const std::string& sql) override {
    Result result(PQexec(conn_, sql.c_str()));
    Check(result, sql);
  }

  void Begin() override { Execute("BEGIN"); }
  void Commit() override { Execute("COMMIT"); }
  void Rollback() noexcept override {
    if (PQstatus(conn_) != CONNECTION_OK) return;
    PQclear(PQexec(conn_, "ROLLBACK"));
  }

  void Insert(const TableId& table, const Shape& shape, std::span<const RowValues* const> rows,
              bool upsert) override {
    const size_t per_statement = std::max<size_t>(1, dialect().max_parameters() / shape.size());
    for (size_t start = 0; start < rows.size(); start += per_statement) {
      const size_t n = std::min(per_statement, rows.size() - start);
      params_.Clear();
      for (size_t r = start; r < start + n; ++r) {
        for (const SqlValue& v : *rows[r]) params_.Add(v);
      }
      RunPrepared(dialect().Insert(table, shape, n, upsert));
    }
  }

  void Update(const TableId& table, const Shape& shape,
              std::span<const RowValues* const> rows) override {
    const std::string sql = dialect().Update(table, shape);
    const size_t nkeys = shape.keys.size();
    for (const RowValues* row : rows) {
      params_.Clear();
      for (size_t i = nkeys; i < row->size(); ++i) params_.Add((*row)[i]);
      for (size_t i = 0; i < nkeys; ++i) params_.Add((*row)[i]);
      RunPrepared(sql);
    }
  }

  void Delete(const TableId& table, const Shape& shape,
              std::span<const RowValues* const> rows) override {
    const size_t nkeys = shape.keys.size();
    const size_t per_statement = std::max<size_t>(1, dialect().max_parameters() / nkeys);
    for (size_t start = 0; start < rows.size(); start += per_statement) {
      const size_t n = std::min(per_statement, rows.size() - start);
      params_.Clear();
      for (size_t r = start; r < start + n; ++r) {
        for (size_t i = 0; i < nkeys; ++i) params_.Add((*rows[r])[i]);
      }
      RunPrepared(dialect().Delete(table, shape, n));
    }
  }

 private:
  // Runs `sql` with params_, throwing SqlError (naming `what`) unless it succeeded.
  Result Run(const std::string& sql, const std::string& what) {
    Result result(PQexecParams(conn_, sql.c_str(), params_.size(), nullptr, params_.values(),
                               params_.lengths(), params_.formats(), 0));
    Check(result, what);
    return result;
  }

  // Runs `sql` with params_, as a prepared statement from its second use on. A batch's statement
  // has the same text batch after batch, so the server parses and plans it once; a statement
  // seen once (a batch of an unusual row count) is not worth a round trip to prepare.
  void RunPrepared(const std::string& sql) {
    auto it = prepared_.find(sql);
    if (it == prepared_.end()) {
      if (seen_.size() >= kMaxSeen) seen_.clear();
      if (seen_.insert(sql).second) {
        Run(sql, sql);
        return;
      }
      if (prepared_.size() >= kMaxPrepared) {
        Execute("DEALLOCATE ALL");
        prepared_.clear();
      }
      const std::string name = "ck_" + std::to_string(++statements_);
      Result prepared(PQprepare(conn_, name.c_str(), sql.c_str(), params_.size(), nullptr));
      Check(prepared, sql);
      it = prepared_.emplace(sql, name).first;
    }
    Result result(PQexecPrepared(conn_, it->second.c_str(), params_.size(), params_.values(),
                                 params_.lengths(), params_.formats(), 0));
    Check(result, sql);
  }

  void Check(const Result& result, const std::string& what) {
    const ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return;
    const std::string statement = what.size() > 300 ? what.substr(0, 300) + "..." : what;
    if (PQstatus(conn_) != CONNECTION_OK || !result) {
      throw SqlError(SqlErrorKind::kConnection, "08006",
                     "connection to PostgreSQL lost: " + TrimMessage(PQerrorMessage(conn_)));
    }
    const char* state = PQresultErrorField(result.get(), PG_DIAG_SQLSTATE);
    const char* primary = PQresultErrorField(result.get(), PG_DIAG_MESSAGE_PRIMARY);
    const char* detail = PQresultErrorField(result.get(), PG_DIAG_MESSAGE_DETAIL);
    const char* column = PQresultErrorField(result.get(), PG_DIAG_COLUMN_NAME);
    std::string message =
        primary != nullptr ? primary : TrimMessage(PQresultErrorMessage(result.get()));
    if (detail != nullptr) message += " (" + std::string(detail) + ")";
    const std::string code = state != nullptr ? state : "";
    throw SqlError(ClassifySqlState(code), code,
                   "PostgreSQL error " + code + ": " + message + "; statement: " + statement,
                   column != nullptr ? column : "");
  }

  static constexpr size_t kMaxPrepared = 32;
  static constexpr size_t kMaxSeen = 256;

  PGconn* conn_;
  Params params_;
  std::unordered_map<std::string, std::string> prepared_;  // SQL text -> statement name
  std::unordered_set<std::string> seen_;                   // SQL texts run once, unprepared
  uint64_t statements_ = 0;
};

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

}  // namespace

std::unique_ptr<Database> OpenPostgres(const ConnectionSettings& settings, Quoting quoting) {
  std::vector<std::string> ports;
  for (int port : settings.ports) ports.push_back(std::to_string(port));
  std::map<std::string, std::string> options = settings.client_options;
  options["host"] = Join(settings.hosts);
  options["port"] = Join(ports);
  if (!settings.database.empty()) options["dbname"] = settings.database;
  if (!settings.user.empty()) options["user"] = settings.user;
  if (!settings.password.empty()) options["password"] = settings.password;
  options["connect_timeout"] = std::to_string(std::max(settings.connect_timeout_s, 1));
  options["client_encoding"] = "UTF8";
  options["options"] =
      "-c TimeZone=UTC" + (options.contains("options") && !options["options"].empty()
                               ? " " + options["options"]
                               : std::string());
  if (!options.contains("application_name")) options["application_name"] = "connectkit-jdbc-sink";
  std::vector<const char*> keys;
  std::vector<const char*> values;
  for (const auto& [key, value] : options) {
    keys.push_back(key.c_str());
    values.push_back(value.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  PGconn* conn = PQconnectdbParams(keys.data(), values.data(), 0);
  if (conn == nullptr) {
    throw SqlError(SqlErrorKind::kConnection, "08001", "libpq could not allocate a connection");
  }
  if (PQstatus(conn) != CONNECTION_OK) {
    const std::string message = TrimMessage(PQerrorMessage(conn));
    PQfinish(conn);
    const bool refused_login = message.find("authentication failed") != std::string::npos ||
                               message.find("no pg_hba.conf entry") != std::string::npos ||
                               (message.find("does not exist") != std::string::npos &&
                                (message.find("role") != std::string::npos ||
                                 message.find("database") != std::string::npos)) ||
                               message.find("permission denied") != std::string::npos;
    throw SqlError(refused_login ? SqlErrorKind::kAuthentication : SqlErrorKind::kConnection,
                   refused_login ? "28000" : "08001",
                   "cannot connect to PostgreSQL at " + settings.display_url + ": " + message);
  }
  return std::make_unique<PostgresDatabase>(conn, quoting);
}

}  // namespace ck::jdbc
