// Dialect: the SQL text the JDBC sink sends, per database: identifier quoting, the column type of
// each Connect schema, and the statements (CREATE TABLE, ALTER TABLE ADD COLUMN, INSERT, upsert,
// UPDATE, DELETE). Pure functions of their arguments, so they are tested as text.
//
// Values never appear in these statements: they are parameters ($n for PostgreSQL, ? otherwise),
// bound by the clients. The only literals are column defaults in DDL, escaped here. Identifiers
// are quoted (always) or checked to be plain names (never), so no table or field name can change
// a statement's meaning.
#pragma once

#include <compare>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ck/schema.h"
#include "reference-connectors/jdbc/jdbc_config.h"
#include "reference-connectors/jdbc/sql_value.h"
#include "reference-connectors/jdbc/value_mapping.h"

namespace ck::jdbc {

/// A table, optionally qualified by a schema (PostgreSQL) or database (MariaDB, SQLite).
struct TableId {
  std::string schema;  ///< Qualifier; empty for the connection's default.
  std::string name;    ///< Table name.

  /// "schema.name" or "name", unquoted, for messages.
  std::string ToString() const { return schema.empty() ? name : schema + "." + name; }

  /// Orders by schema, then name.
  friend auto operator<=>(const TableId&, const TableId&) = default;
};

/// A column the sink writes: its name and the Connect schema of its values.
struct Column {
  std::string name;                            ///< Column name.
  SchemaPtr schema;                            ///< Schema of the values (never null).
  ColumnKind kind = ColumnKind::kUnsupported;  ///< Classify(*schema).
  std::string field;  ///< Where the values come from, for messages, e.g. "after.name".
};

/// The columns of the rows of one batch: the primary key columns, then the others.
struct Shape {
  std::vector<Column> keys;    ///< Primary key columns (may be empty).
  std::vector<Column> values;  ///< Non-key columns.

  /// keys.size() + values.size().
  size_t size() const { return keys.size() + values.size(); }
  /// Column `i` of keys followed by values.
  const Column& at(size_t i) const { return i < keys.size() ? keys[i] : values[i - keys.size()]; }
};

/// A column to create or add.
struct ColumnDef {
  std::string name;  ///< Column name.
  SchemaPtr schema;  ///< Connect schema, which decides type, NOT NULL and DEFAULT.
  bool key = false;  ///< Part of the primary key (NOT NULL; some types differ for keys).
};

/// SQL text for one database.
class Dialect {
 public:
  /// A dialect of `kind` quoting identifiers as `quoting` says.
  Dialect(DbKind kind, Quoting quoting) : kind_(kind), quoting_(quoting) {}

  /// The database.
  DbKind kind() const { return kind_; }

  /// `identifier` as it goes into SQL: quoted ("a""b" or `a``b`), or bare under Quoting::kNever.
  /// Throws DataError naming the identifier when it is empty, holds a NUL character, is longer
  /// than the database allows (PostgreSQL 63 bytes, MariaDB 64 characters), or, bare, is not a
  /// plain name.
  std::string Quote(std::string_view identifier) const;
  /// The quoted table name, qualified when `table.schema` is set.
  std::string Table(const TableId& table) const;

  /// The column type for values of `schema` ("BIGINT", "TEXT", "DECIMAL(65,2)", ...), or
  /// std::nullopt when the type cannot be stored (structs, arrays, maps). Key columns may get a
  /// different type (MariaDB: VARCHAR(256) instead of TEXT).
  std::optional<std::string> ColumnType(const Schema& schema, bool key) const;

  /// A SQL literal for a column default, or std::nullopt when the schema's default is not a
  /// plain number, boolean or string (logical types get no default).
  std::optional<std::string> DefaultLiteral(const Schema& schema) const;

  /// CREATE TABLE IF NOT EXISTS with `columns` and a PRIMARY KEY over the key columns. Throws
  /// DataError naming the column whose type cannot be stored.
  std::string CreateTable(const TableId& table, const std::vector<ColumnDef>& columns) const;
  /// ALTER TABLE statements adding `columns` (one for PostgreSQL and MariaDB, one per column for
  /// SQLite). Added columns are NULL unless their schema is required with a default.
  std::vector<std::string> AddColumns(const TableId& table,
                                      const std::vector<ColumnDef>& columns) const;

  /// INSERT of `rows` rows of `shape`'s columns (keys then values, row after row as parameters).
  /// `upsert` adds ON CONFLICT (keys) DO UPDATE (PostgreSQL, SQLite) or ON DUPLICATE KEY UPDATE
  /// (MariaDB); with no non-key column the conflict does nothing.
  std::string Insert(const TableId& table, const Shape& shape, size_t rows, bool upsert) const;
  /// UPDATE of the value columns WHERE the key columns match; parameters are the values, then
  /// the keys.
  std::string Update(const TableId& table, const Shape& shape) const;
  /// DELETE of `rows` rows by key (keys only, row after row as parameters).
  std::string Delete(const TableId& table, const Shape& shape, size_t rows) const;
  /// Deletes every row: TRUNCATE TABLE (PostgreSQL) or DELETE FROM (transactional elsewhere).
  std::string Truncate(const TableId& table) const;

  /// Most parameters one statement may have (PostgreSQL and MariaDB 65535, SQLite 32766).
  size_t max_parameters() const { return kind_ == DbKind::kSqlite ? 32766 : 65535; }

 private:
  void AppendPlaceholder(size_t number, std::string& out) const;
  std::string ColumnDefinition(const ColumnDef& column, bool for_alter) const;

  DbKind kind_;
  Quoting quoting_;
};

}  // namespace ck::jdbc
