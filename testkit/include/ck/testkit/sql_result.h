/// @file
/// SqlResult: what PostgresServer::Execute and MariaDbServer::Execute return, every value as the
/// text the server sent.

#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace ck::testkit {

/// The outcome of the last statement of an Execute() call: its rows in text form (what `psql` or
/// `mariadb` would print), or, for a statement without rows, how many rows it changed.
struct SqlResult {
  /// One row: a value per column, std::nullopt for SQL NULL.
  using Row = std::vector<std::optional<std::string>>;

  /// Column names, in order; empty for a statement that returns no rows.
  std::vector<std::string> columns;
  /// The rows, in the order the server sent them.
  std::vector<Row> rows;
  /// Rows inserted, updated or deleted by a statement without a result set; 0 otherwise.
  int64_t affected_rows = 0;

  /// The only value of a result with exactly one row and one column, such as that of
  /// `SELECT count(*) ...`. Throws std::runtime_error saying the shape otherwise, and
  /// std::runtime_error when that value is NULL.
  std::string Scalar() const {
    if (rows.size() != 1 || rows[0].size() != 1) {
      throw std::runtime_error("SqlResult::Scalar: expected 1 row of 1 column, got " +
                               std::to_string(rows.size()) + " row(s) of " +
                               std::to_string(columns.size()) + " column(s)");
    }
    if (!rows[0][0].has_value()) throw std::runtime_error("SqlResult::Scalar: the value is NULL");
    return *rows[0][0];
  }
};

}  // namespace ck::testkit
