// Database: one connection to the sink's database through its native client (libpq, MariaDB
// Connector/C or SQLite), with what the writer needs: table metadata, DDL, transactions and
// batched writes of rows. Each client writes a batch its fastest safe way: PostgreSQL as multi-row
// INSERT/DELETE statements with bound parameters, MariaDB as one prepared statement executed for
// an array of rows (COM_STMT_BULK_EXECUTE), SQLite as one prepared statement stepped per row.
//
// Failures are SqlError, classified so the writer can decide: retry later (the connection or a
// transient condition), fail the task (permissions, authentication), or hand the record to the
// errant record reporter (bad data).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "reference-connectors/jdbc/dialect.h"
#include "reference-connectors/jdbc/jdbc_config.h"
#include "reference-connectors/jdbc/sql_value.h"

namespace ck::jdbc {

/// What kind of failure a SqlError is.
enum class SqlErrorKind {
  kConnection,      ///< No connection, or it broke: reconnect and retry.
  kTransient,       ///< Deadlock, serialization failure, lock timeout, busy: retry.
  kAuthentication,  ///< Login or open refused (password, user, database, file): fail.
  kPermission,      ///< The user lacks a privilege: fail.
  kData,            ///< A row's values were refused (type, range, constraint): the record's fault.
  kUndefined,       ///< A table or column is not there (any more): forget metadata and retry.
  kOther,           ///< Anything else: fail.
};

/// A database failure: its kind, the database's code (SQLSTATE or error number), its message,
/// and the column it concerns when the database says.
class SqlError : public std::runtime_error {
 public:
  /// An error of `kind` with the database's `code` and `message`.
  SqlError(SqlErrorKind kind, std::string code, const std::string& message, std::string column = {})
      : std::runtime_error(message),
        kind_(kind),
        code_(std::move(code)),
        column_(std::move(column)) {}

  /// The kind.
  SqlErrorKind kind() const { return kind_; }
  /// SQLSTATE (PostgreSQL), error number (MariaDB), result code name (SQLite); may be empty.
  const std::string& code() const { return code_; }
  /// The column concerned, when known.
  const std::string& column() const { return column_; }

 private:
  SqlErrorKind kind_;
  std::string code_;
  std::string column_;
};

/// One column of an existing table.
struct ColumnInfo {
  std::string name;          ///< Column name, exactly as stored.
  std::string type;          ///< The database's type name, for messages.
  bool nullable = true;      ///< Accepts NULL.
  bool has_default = false;  ///< Has a default value.
};

/// The columns of an existing table.
struct TableInfo {
  std::vector<ColumnInfo> columns;  ///< In table order.

  /// The column called `name`, else the only one whose name equals it ignoring ASCII case, else
  /// nullptr.
  const ColumnInfo* Find(std::string_view name) const;
};

/// One row to write: values of a Shape's columns, keys first.
using RowValues = std::vector<SqlValue>;

/// A connection to the sink's database. Not thread-safe; one per task.
class Database {
 public:
  virtual ~Database() = default;

  /// The SQL dialect of this database.
  const Dialect& dialect() const { return dialect_; }

  /// The columns of `table`, or std::nullopt when it does not exist.
  virtual std::optional<TableInfo> DescribeTable(const TableId& table) = 0;
  /// Runs `sql` without parameters (DDL, transaction control).
  virtual void Execute(const std::string& sql) = 0;

  /// Starts a transaction.
  virtual void Begin() = 0;
  /// Commits the transaction.
  virtual void Commit() = 0;
  /// Rolls the transaction back; never throws (a broken connection has rolled it back already).
  virtual void Rollback() noexcept = 0;
  /// Marks a savepoint inside the transaction.
  void Savepoint() { Execute("SAVEPOINT ck_row"); }
  /// Rolls back to the savepoint.
  void RollbackToSavepoint() { Execute("ROLLBACK TO SAVEPOINT ck_row"); }
  /// Forgets the savepoint.
  void ReleaseSavepoint() { Execute("RELEASE SAVEPOINT ck_row"); }

  /// INSERTs `rows` of `shape` into `table` (`upsert`: or updates them by key). Rows must have
  /// distinct keys when upserting.
  virtual void Insert(const TableId& table, const Shape& shape,
                      std::span<const RowValues* const> rows, bool upsert) = 0;
  /// UPDATEs the value columns of `rows` by key.
  virtual void Update(const TableId& table, const Shape& shape,
                      std::span<const RowValues* const> rows) = 0;
  /// DELETEs `rows` by key (only the key values of each row are used).
  virtual void Delete(const TableId& table, const Shape& shape,
                      std::span<const RowValues* const> rows) = 0;

 protected:
  /// A database speaking `dialect`.
  explicit Database(Dialect dialect) : dialect_(dialect) {}

 private:
  Dialect dialect_;
};

/// Opens one connection (a single attempt; the caller retries). Throws SqlError of kind
/// kConnection (unreachable, refused, timed out) or kAuthentication (refused login, unknown
/// database).
std::unique_ptr<Database> OpenDatabase(const ConnectionSettings& settings, Quoting quoting);

/// The clients, one per database (defined in postgres_database.cc, mariadb_database.cc and
/// sqlite_database.cc).
std::unique_ptr<Database> OpenPostgres(const ConnectionSettings& settings, Quoting quoting);
/// See OpenPostgres.
std::unique_ptr<Database> OpenMariaDb(const ConnectionSettings& settings, Quoting quoting);
/// See OpenPostgres.
std::unique_ptr<Database> OpenSqlite(const ConnectionSettings& settings, Quoting quoting);

}  // namespace ck::jdbc
