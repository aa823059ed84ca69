// One put() -> one transaction (see jdbc_writer.h).
#include "reference-connectors/jdbc/jdbc_writer.h"

#include <chrono>
#include <thread>
#include <unordered_map>

namespace ck::jdbc {
namespace {

std::string Coordinates(const SinkRecord& record) {
  const std::string& topic = record.original_topic.empty() ? record.topic : record.original_topic;
  const int32_t partition = record.original_partition >= 0 ? record.original_partition
                                                           : record.kafka_partition.value_or(-1);
  const int64_t offset = record.original_offset >= 0 ? record.original_offset : record.kafka_offset;
  return topic + "-" + std::to_string(partition) + "@" + std::to_string(offset);
}

std::string ColumnList(const TableInfo& info) {
  std::string out;
  for (const ColumnInfo& c : info.columns) out += (out.empty() ? "" : ", ") + c.name;
  return out;
}

// Keeps the last row per key, in the order of those last rows: what a sequence of upserts (or
// deletes) of one shape leaves behind, written without repeating a key in one statement.
std::vector<const RowValues*> ReduceByKey(std::vector<const RowValues*> rows, size_t nkeys) {
  if (rows.size() < 2 || nkeys == 0) return rows;
  std::unordered_map<std::string, size_t> last;
  last.reserve(rows.size());
  std::vector<std::string> keys(rows.size());
  for (size_t r = 0; r < rows.size(); ++r) {
    for (size_t i = 0; i < nkeys; ++i) AppendKeyBytes((*rows[r])[i], keys[r]);
    last[keys[r]] = r;
  }
  if (last.size() == rows.size()) return rows;
  std::vector<const RowValues*> out;
  out.reserve(last.size());
  for (size_t r = 0; r < rows.size(); ++r) {
    if (last[keys[r]] == r) out.push_back(rows[r]);
  }
  return out;
}

}  // namespace

JdbcWriter::JdbcWriter(const JdbcSinkConfig& config, WriterHost& host)
    : config_(config), host_(host), mapper_(config) {}

void JdbcWriter::Connect() {
  const int attempts = std::max(config_.connection_attempts, 1);
  for (int attempt = 1;; ++attempt) {
    try {
      db_ = OpenDatabase(config_.connection, config_.quoting);
      if (attempt > 1) {
        host_.Log(LogLevel::kInfo, "Connected to " + config_.connection.display_url +
                                       " at attempt " + std::to_string(attempt));
      }
      return;
    } catch (const SqlError& e) {
      if (e.kind() != SqlErrorKind::kConnection || attempt >= attempts) throw;
      host_.Log(LogLevel::kWarn, std::string(e.what()) + " (attempt " + std::to_string(attempt) +
                                     " of " + std::to_string(attempts) + "; next in " +
                                     std::to_string(config_.connection_backoff_ms) + " ms)");
      std::this_thread::sleep_for(std::chrono::milliseconds(config_.connection_backoff_ms));
    }
  }
}

std::string JdbcWriter::Prefix(const SinkRecord& record, const TableId* table) const {
  return "Cannot write record " + Coordinates(record) +
         (table != nullptr ? " to table " + table->ToString() : std::string()) + ": ";
}

void JdbcWriter::Errant(const SinkRecord& record, const std::string& reason) {
  if (host_.ReportErrant(record, reason)) {
    host_.Log(LogLevel::kWarn, reason + " (sent to the errant record reporter)");
    return;
  }
  throw DataError(reason);
}

std::vector<RowOp> JdbcWriter::MapRecords(const std::vector<SinkRecord>& records) {
  std::vector<RowOp> ops;
  ops.reserve(records.size());
  std::string skip;
  for (size_t i = 0; i < records.size(); ++i) {
    try {
      std::optional<RowOp> op = mapper_.Map(records[i], i, &skip);
      if (op.has_value()) {
        ops.push_back(std::move(*op));
      } else {
        host_.Log(LogLevel::kDebug, "Skipping record " + Coordinates(records[i]) + ": " + skip);
      }
    } catch (const DataError& e) {
      Errant(records[i], Prefix(records[i], &mapper_.TableFor(records[i].topic)) + e.what());
    }
  }
  return ops;
}

const TableInfo* JdbcWriter::Describe(const TableId& table) {
  if (auto it = tables_.find(table); it != tables_.end() && it->second) return &*it->second;
  std::optional<TableInfo> info = db_->DescribeTable(table);
  if (!info) {
    tables_.erase(table);
    return nullptr;
  }
  return &*(tables_[table] = std::move(info));
}

std::shared_ptr<const Shape> JdbcWriter::ResolveShape(const TableId& table,
                                                      const std::shared_ptr<const Shape>& shape,
                                                      const SinkRecord& record, const RowOp& op,
                                                      std::string* error) {
  const auto key = std::make_pair(table, shape.get());
  if (auto it = resolved_.find(key); it != resolved_.end()) return it->second.second;
  const TableInfo* info = Describe(table);
  if (info == nullptr) {
    *error = Prefix(record, &table) + "the table does not exist";
    return nullptr;
  }
  std::vector<size_t> missing;
  for (size_t i = 0; i < shape->size(); ++i) {
    if (info->Find(shape->at(i).name) == nullptr) missing.push_back(i);
  }
  if (!missing.empty() && config_.auto_evolve && op.kind != OpKind::kDelete) {
    std::vector<ColumnDef> add;
    for (size_t i : missing) {
      if (i < shape->keys.size()) continue;  // key columns are never added
      add.push_back(ColumnDef{shape->at(i).name, shape->at(i).schema, false});
    }
    if (!add.empty()) {
      std::string names;
      for (const ColumnDef& c : add) names += (names.empty() ? "" : ", ") + c.name;
      host_.Log(LogLevel::kInfo,
                "Adding column(s) " + names + " to table " + table.ToString() + " (auto.evolve)");
      try {
        for (const std::string& sql : db_->dialect().AddColumns(table, add)) db_->Execute(sql);
      } catch (const SqlError& e) {
        // Another task may have added them first (SQLite has no ADD COLUMN IF NOT EXISTS): fine
        // if they are there now.
        tables_.erase(table);
        const TableInfo* now = Describe(table);
        for (const ColumnDef& c : add) {
          if (now == nullptr || now->Find(c.name) == nullptr) throw;
        }
      }
      tables_.erase(table);
      info = Describe(table);
      if (info == nullptr) {
        *error = Prefix(record, &table) + "the table disappeared while adding columns";
        return nullptr;
      }
      missing.clear();
      for (size_t i = 0; i < shape->size(); ++i) {
        if (info->Find(shape->at(i).name) == nullptr) missing.push_back(i);
      }
    }
  }
  if (!missing.empty()) {
    const size_t i = missing.front();
    const Column& column = shape->at(i);
    const bool is_key = i < shape->keys.size();
    *error = Prefix(record, &table) + "field \"" + column.field + "\" (value " +
             DescribeSqlValue(op.values[i]) + ") has no column \"" + column.name + "\" in table " +
             table.ToString() + " (columns: " + ColumnList(*info) + "); " +
             (is_key ? "key columns are never added, create it or change pk.fields"
                     : "set auto.evolve=true to add it, or filter the field out");
    return nullptr;
  }
  std::shared_ptr<const Shape> result = shape;
  bool renamed = false;
  Shape copy = *shape;
  for (size_t i = 0; i < copy.size(); ++i) {
    Column& c = i < copy.keys.size() ? copy.keys[i] : copy.values[i - copy.keys.size()];
    const std::string& actual = info->Find(c.name)->name;
    if (actual != c.name) {
      c.name = actual;
      renamed = true;
    }
  }
  if (renamed) result = std::make_shared<const Shape>(std::move(copy));
  resolved_[key] = {shape, result};
  return result;
}

void JdbcWriter::PrepareTables(std::vector<RowOp>& ops, const std::vector<SinkRecord>& records) {
  // Tables first: create the missing ones written to, from the first row written to each.
  std::map<TableId, const RowOp*> first_write;
  std::map<TableId, bool> checked;
  for (const RowOp& op : ops) {
    checked[*op.table] = true;
    if (op.kind != OpKind::kDelete && op.kind != OpKind::kTruncate) {
      first_write.try_emplace(*op.table, &op);
    }
  }
  std::map<TableId, bool> exists;
  for (const auto& [table, unused] : checked) {
    if (Describe(table) != nullptr) {
      exists[table] = true;
      continue;
    }
    auto write = first_write.find(table);
    if (write == first_write.end()) {
      exists[table] = false;  // only deletes or truncates: nothing to remove
      continue;
    }
    if (!config_.auto_create) {
      throw ConnectError("Table " + table.ToString() + " does not exist in " +
                         config_.connection.display_url +
                         " and auto.create is false; create the table or set auto.create=true");
    }
    const Shape& shape = *write->second->shape;
    std::vector<ColumnDef> columns;
    for (const Column& c : shape.keys) columns.push_back(ColumnDef{c.name, c.schema, true});
    for (const Column& c : shape.values) columns.push_back(ColumnDef{c.name, c.schema, false});
    host_.Log(LogLevel::kInfo, "Creating table " + table.ToString() + " (auto.create)");
    try {
      db_->Execute(db_->dialect().CreateTable(table, columns));
    } catch (const SqlError& e) {
      // Tasks racing to create one table: PostgreSQL's CREATE TABLE IF NOT EXISTS can still fail
      // on its catalog's unique index when another session creates the table at the same time.
      if (Describe(table) == nullptr) throw;
      host_.Log(LogLevel::kInfo, "Table " + table.ToString() +
                                     " was created by someone else meanwhile (" + e.what() + ")");
    }
    if (Describe(table) == nullptr) {
      throw ConnectError("Table " + table.ToString() + " is still missing after CREATE TABLE");
    }
    exists[table] = true;
  }
  // Then columns, per shape; records whose fields cannot be written are reported.
  std::vector<RowOp> kept;
  kept.reserve(ops.size());
  for (RowOp& op : ops) {
    if (!exists[*op.table]) {
      host_.Log(LogLevel::kDebug, "Skipping record " + Coordinates(records[op.record]) +
                                      ": its table " + op.table->ToString() + " does not exist");
      continue;
    }
    if (op.kind == OpKind::kTruncate) {
      kept.push_back(std::move(op));
      continue;
    }
    std::string error;
    std::shared_ptr<const Shape> shape =
        ResolveShape(*op.table, op.shape, records[op.record], op, &error);
    if (shape == nullptr) {
      Errant(records[op.record], error);
      continue;
    }
    op.shape = std::move(shape);
    kept.push_back(std::move(op));
  }
  ops = std::move(kept);
}

void JdbcWriter::WriteGroup(const TableId& table, OpKind kind, const Shape& shape,
                            std::vector<const RowValues*> rows) {
  if (kind == OpKind::kUpsert || kind == OpKind::kDelete) {
    rows = ReduceByKey(std::move(rows), shape.keys.size());
  }
  const size_t batch = static_cast<size_t>(std::max(config_.batch_size, 1));
  for (size_t start = 0; start < rows.size(); start += batch) {
    const std::span<const RowValues* const> chunk(rows.data() + start,
                                                  std::min(batch, rows.size() - start));
    switch (kind) {
      case OpKind::kInsert:
      case OpKind::kUpsert:
        db_->Insert(table, shape, chunk, kind == OpKind::kUpsert);
        break;
      case OpKind::kUpdate:
        db_->Update(table, shape, chunk);
        break;
      case OpKind::kDelete:
        db_->Delete(table, shape, chunk);
        break;
      case OpKind::kTruncate:
        break;
    }
  }
}

void JdbcWriter::Execute(const std::vector<RowOp>& ops, const std::vector<SinkRecord>& records,
                         bool isolate) {
  db_->Begin();
  if (isolate) {
    for (const RowOp& op : ops) {
      db_->Savepoint();
      try {
        if (op.kind == OpKind::kTruncate) {
          db_->Execute(db_->dialect().Truncate(*op.table));
        } else {
          WriteGroup(*op.table, op.kind, *op.shape, {&op.values});
        }
        db_->ReleaseSavepoint();
      } catch (const SqlError& e) {
        if (e.kind() != SqlErrorKind::kData) throw;
        db_->RollbackToSavepoint();
        std::string reason = Prefix(records[op.record], op.table) + e.what();
        bool named = false;
        for (size_t i = 0; op.shape != nullptr && i < op.shape->size(); ++i) {
          if (op.shape->at(i).name != e.column()) continue;
          reason += "; field \"" + op.shape->at(i).field + "\" has value " +
                    DescribeSqlValue(op.values[i]);
          named = true;
          break;
        }
        if (!named && op.shape != nullptr) {  // the database did not say which: show them all
          reason += "; the row's fields:";
          for (size_t i = 0; i < op.shape->size(); ++i) {
            reason +=
                (i > 0 ? ", " : " ") + op.shape->at(i).field + "=" + DescribeSqlValue(op.values[i]);
          }
        }
        Errant(records[op.record], reason);
      }
    }
    db_->Commit();
    return;
  }
  // Consecutive operations of one table with the same kind and shape form a group; a group is
  // written when the next operation on its table differs, and at the end.
  struct Group {
    const TableId* table = nullptr;
    OpKind kind = OpKind::kInsert;
    const Shape* shape = nullptr;
    std::vector<const RowValues*> rows;
  };
  std::vector<Group> groups;
  std::map<const TableId*, size_t> open;
  const auto flush = [&](Group& g) {
    if (!g.rows.empty()) WriteGroup(*g.table, g.kind, *g.shape, std::move(g.rows));
    g.rows.clear();
  };
  for (const RowOp& op : ops) {
    auto [it, inserted] = open.try_emplace(op.table, groups.size());
    if (inserted) groups.push_back(Group{op.table, op.kind, nullptr, {}});
    Group& g = groups[it->second];
    if (op.kind == OpKind::kTruncate) {
      flush(g);
      db_->Execute(db_->dialect().Truncate(*op.table));
      continue;
    }
    if (!g.rows.empty() && (g.kind != op.kind || g.shape != op.shape.get())) flush(g);
    g.kind = op.kind;
    g.shape = op.shape.get();
    g.rows.push_back(&op.values);
  }
  for (Group& g : groups) flush(g);
  db_->Commit();
}

void JdbcWriter::Write(const std::vector<SinkRecord>& records) {
  if (records.empty()) return;
  if (db_ == nullptr) Connect();
  try {
    std::vector<RowOp> ops = MapRecords(records);
    PrepareTables(ops, records);
    if (ops.empty()) return;
    try {
      Execute(ops, records, false);
    } catch (const SqlError& e) {
      if (e.kind() != SqlErrorKind::kData) throw;
      db_->Rollback();
      host_.Log(LogLevel::kInfo, std::string("The database refused a row (") + e.what() +
                                     "); writing the batch row by row to find it");
      Execute(ops, records, true);
    }
  } catch (const SqlError& e) {
    if (db_ != nullptr) db_->Rollback();
    if (e.kind() == SqlErrorKind::kConnection) db_.reset();
    if (e.kind() == SqlErrorKind::kUndefined) {
      tables_.clear();
      resolved_.clear();
    }
    throw;
  } catch (...) {
    if (db_ != nullptr) db_->Rollback();
    throw;
  }
}

}  // namespace ck::jdbc
