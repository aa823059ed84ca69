// JdbcWriter: writes the records of one put() to the database in one transaction.
//
// 1. Map every record to a row operation (RecordMapper). A record that cannot become a row goes
//    to the errant record reporter.
// 2. Make sure each table is there and has the columns: CREATE TABLE (auto.create) and ALTER
//    TABLE ADD COLUMN (auto.evolve) run before the transaction, in their own statements, since
//    MariaDB commits implicitly around DDL. A record with a field the table lacks (and may not
//    get) goes to the errant record reporter, naming the field, its value and the table.
// 3. BEGIN; write the operations in record order, each table's consecutive operations of one
//    kind and shape as one batch (upserts and deletes reduced to the last change per key, which
//    leaves the same rows); COMMIT.
// 4. If the database refused a row (a data error), roll back and write the same operations again
//    one by one, each inside a savepoint: the refused rows go to the errant record reporter and
//    the rest commit.
//
// Without a reporter (FakeHost can simulate that), the first bad record fails the write with a
// DataError. Database failures (SqlError) go to the caller, which retries or fails the task; a
// broken connection is dropped and reopened on the next write, connection.attempts times with
// connection.backoff.ms in between.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "ck/context.h"
#include "ck/record.h"
#include "reference-connectors/jdbc/database.h"
#include "reference-connectors/jdbc/jdbc_config.h"
#include "reference-connectors/jdbc/record_mapper.h"

namespace ck::jdbc {

/// What the writer needs from its task: the errant record reporter and the log.
class WriterHost {
 public:
  virtual ~WriterHost() = default;
  /// Reports `record` as errant for `reason`; false when no reporter is configured. May throw
  /// (the runtime refuses when errors.tolerance=none).
  virtual bool ReportErrant(const SinkRecord& record, const std::string& reason) = 0;
  /// Logs `message`.
  virtual void Log(LogLevel level, const std::string& message) = 0;
};

/// Writes batches of records to one database connection.
class JdbcWriter {
 public:
  /// A writer for `config`, reporting to `host` (which must outlive it). Connects lazily.
  JdbcWriter(const JdbcSinkConfig& config, WriterHost& host);

  /// Writes `records` in one transaction (see the file comment). Throws SqlError for database
  /// failures, DataError for a record that cannot be written when there is no errant record
  /// reporter, ConnectError when a table is missing and auto.create is off.
  void Write(const std::vector<SinkRecord>& records);

  /// Closes the connection.
  void Close() { db_.reset(); }

 private:
  void Connect();
  std::vector<RowOp> MapRecords(const std::vector<SinkRecord>& records);
  void PrepareTables(std::vector<RowOp>& ops, const std::vector<SinkRecord>& records);
  std::shared_ptr<const Shape> ResolveShape(const TableId& table,
                                            const std::shared_ptr<const Shape>& shape,
                                            const SinkRecord& record, const RowOp& op,
                                            std::string* error);
  const TableInfo* Describe(const TableId& table);
  void Execute(const std::vector<RowOp>& ops, const std::vector<SinkRecord>& records, bool isolate);
  void WriteGroup(const TableId& table, OpKind kind, const Shape& shape,
                  std::vector<const RowValues*> rows);
  void Errant(const SinkRecord& record, const std::string& reason);
  std::string Prefix(const SinkRecord& record, const TableId* table) const;

  JdbcSinkConfig config_;
  WriterHost& host_;
  RecordMapper mapper_;
  std::unique_ptr<Database> db_;
  std::map<TableId, std::optional<TableInfo>> tables_;
  // (table, shape as mapped) -> shape with the table's own column names.
  std::map<std::pair<TableId, const Shape*>,
           std::pair<std::shared_ptr<const Shape>, std::shared_ptr<const Shape>>>
      resolved_;
};

}  // namespace ck::jdbc
