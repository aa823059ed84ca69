// SQL text per database (see dialect.h). Type choices follow Confluent's dialects where they
// exist (PostgreSqlDatabaseDialect, MySqlDatabaseDialect, SqliteDatabaseDialect), with Debezium's
// logical types added: microsecond times and timestamps, zoned timestamps, JSON and UUIDs.
#include "reference-connectors/jdbc/dialect.h"

#include <charconv>
#include <cmath>
#include <stdexcept>

#include "ck/errors.h"
#include "ck/value.h"

namespace ck::jdbc {
namespace {

bool IsPlainIdentifier(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    const bool digit = c >= '0' && c <= '9';
    if (!(letter || (i > 0 && (digit || c == '$')))) return false;
  }
  return true;
}

size_t Utf8Length(std::string_view text) {
  size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n;
}

// The precision Debezium puts on decimals ("connect.decimal.precision"), if any.
std::optional<int> DecimalPrecision(const Schema& schema) {
  const auto it = schema.parameters().find("connect.decimal.precision");
  if (it == schema.parameters().end()) return std::nullopt;
  int precision = 0;
  const auto [end, error] =
      std::from_chars(it->second.data(), it->second.data() + it->second.size(), precision);
  if (error != std::errc() || end != it->second.data() + it->second.size() || precision <= 0) {
    return std::nullopt;
  }
  return precision;
}

}  // namespace

std::string Dialect::Quote(std::string_view identifier) const {
  const auto fail = [&](const std::string& why) {
    throw DataError("Invalid identifier \"" + std::string(identifier) + "\": " + why);
  };
  if (identifier.empty()) fail("it is empty");
  if (identifier.find('\0') != std::string_view::npos) fail("it contains a NUL character");
  if (kind_ == DbKind::kPostgres && identifier.size() > 63) {
    fail("PostgreSQL names are at most 63 bytes (longer ones would be truncated)");
  }
  if (kind_ == DbKind::kMariaDb && Utf8Length(identifier) > 64) {
    fail("MariaDB names are at most 64 characters");
  }
  if (quoting_ == Quoting::kNever) {
    if (!IsPlainIdentifier(identifier)) {
      fail("with quote.sql.identifiers=never names must match [A-Za-z_][A-Za-z0-9_$]*");
    }
    return std::string(identifier);
  }
  const char quote = kind_ == DbKind::kMariaDb ? '`' : '"';
  std::string out;
  out.reserve(identifier.size() + 2);
  out.push_back(quote);
  for (char c : identifier) {
    if (c == quote) out.push_back(quote);
    out.push_back(c);
  }
  out.push_back(quote);
  return out;
}

std::string Dialect::Table(const TableId& table) const {
  return table.schema.empty() ? Quote(table.name) : Quote(table.schema) + "." + Quote(table.name);
}

std::optional<std::string> Dialect::ColumnType(const Schema& schema, bool key) const {
  const ColumnKind kind = Classify(schema);
  const std::optional<int> precision = DecimalPrecision(schema);
  switch (kind_) {
    case DbKind::kPostgres:
      switch (kind) {
        case ColumnKind::kInt8:
        case ColumnKind::kInt16:
          return "SMALLINT";
        case ColumnKind::kInt32:
          return "INTEGER";
        case ColumnKind::kInt64:
          return "BIGINT";
        case ColumnKind::kFloat32:
          return "REAL";
        case ColumnKind::kFloat64:
          return "DOUBLE PRECISION";
        case ColumnKind::kBoolean:
          return "BOOLEAN";
        case ColumnKind::kString:
          return "TEXT";
        case ColumnKind::kBytes:
          return "BYTEA";
        case ColumnKind::kDecimal: {
          const int32_t scale = Decimal::scale(schema);
          if (precision && *precision <= 1000 && scale >= 0 && scale <= *precision) {
            return "NUMERIC(" + std::to_string(*precision) + "," + std::to_string(scale) + ")";
          }
          return "NUMERIC";
        }
        case ColumnKind::kVariableDecimal:
          return "NUMERIC";
        case ColumnKind::kDate:
          return "DATE";
        case ColumnKind::kTimeMillis:
        case ColumnKind::kTimeMicros:
        case ColumnKind::kTimeNanos:
          return "TIME";
        case ColumnKind::kTimestampMillis:
        case ColumnKind::kTimestampMicros:
        case ColumnKind::kTimestampNanos:
          return "TIMESTAMP";
        case ColumnKind::kZonedTimestamp:
          return "TIMESTAMPTZ";
        case ColumnKind::kJson:
          return "JSONB";
        case ColumnKind::kUuid:
          return "UUID";
        case ColumnKind::kUnsupported:
          return std::nullopt;
      }
      break;
    case DbKind::kMariaDb:
      switch (kind) {
        case ColumnKind::kInt8:
          return "TINYINT";
        case ColumnKind::kInt16:
          return "SMALLINT";
        case ColumnKind::kInt32:
          return "INT";
        case ColumnKind::kInt64:
          return "BIGINT";
        case ColumnKind::kFloat32:
          return "FLOAT";
        case ColumnKind::kFloat64:
          return "DOUBLE";
        case ColumnKind::kBoolean:
          return "TINYINT";
        case ColumnKind::kString:
          return key ? "VARCHAR(256)" : "TEXT";
        case ColumnKind::kBytes:
          return key ? "VARBINARY(1024)" : "BLOB";
        case ColumnKind::kDecimal: {
          const int32_t scale = Decimal::scale(schema);
          if (scale < 0 || scale > 38) return std::nullopt;
          const int p = precision && *precision <= 65 && *precision >= scale ? *precision : 65;
          return "DECIMAL(" + std::to_string(p) + "," + std::to_string(scale) + ")";
        }
        case ColumnKind::kVariableDecimal:
          return "DECIMAL(65,30)";
        case ColumnKind::kDate:
          return "DATE";
        case ColumnKind::kTimeMillis:
          return "TIME(3)";
        case ColumnKind::kTimeMicros:
        case ColumnKind::kTimeNanos:
          return "TIME(6)";
        case ColumnKind::kTimestampMillis:
          return "DATETIME(3)";
        case ColumnKind::kTimestampMicros:
        case ColumnKind::kTimestampNanos:
        case ColumnKind::kZonedTimestamp:
          return "DATETIME(6)";
        case ColumnKind::kJson:
          return "JSON";
        case ColumnKind::kUuid:
          return "CHAR(36)";
        case ColumnKind::kUnsupported:
          return std::nullopt;
      }
      break;
    case DbKind::kSqlite:
      switch (kind) {
        case ColumnKind::kInt8:
        case ColumnKind::kInt16:
        case ColumnKind::kInt32:
        case ColumnKind::kInt64:
        case ColumnKind::kBoolean:
          return "INTEGER";
        case ColumnKind::kFloat32:
        case ColumnKind::kFloat64:
          return "REAL";
        case ColumnKind::kBytes:
          return "BLOB";
        case ColumnKind::kDecimal:
        case ColumnKind::kVariableDecimal:
          return "NUMERIC";
        case ColumnKind::kUnsupported:
          return std::nullopt;
        default:
          return "TEXT";
      }
  }
  return std::nullopt;
}

std::optional<std::string> Dialect::DefaultLiteral(const Schema& schema) const {
  const Value* value = schema.default_value();
  if (value == nullptr || value->is_null() || !schema.name().empty()) return std::nullopt;
  std::string out;
  switch (schema.type()) {
    case Type::kInt8:
    case Type::kInt16:
    case Type::kInt32:
    case Type::kInt64:
    case Type::kFloat32:
    case Type::kFloat64: {
      const SqlValue v = ToSqlValue(Classify(schema), schema, *value);
      if ((v.kind == SqlValue::Kind::kFloat32 || v.kind == SqlValue::Kind::kFloat64) &&
          !std::isfinite(v.f)) {
        return std::nullopt;
      }
      AppendSqlText(v, TextStyle::kSqlite, out);
      return out;
    }
    case Type::kBoolean:
      if (kind_ == DbKind::kPostgres) return value->as_boolean() ? "TRUE" : "FALSE";
      return value->as_boolean() ? "1" : "0";
    case Type::kString: {
      const std::string& text = value->as_string();
      if (text.find('\0') != std::string::npos) return std::nullopt;
      // PostgreSQL's E'' strings and MariaDB's default mode both read backslash escapes; doubling
      // quotes (and, there, backslashes) keeps the literal one literal whatever the settings.
      const bool backslashes = kind_ != DbKind::kSqlite;
      out = kind_ == DbKind::kPostgres ? "E'" : "'";
      for (char c : text) {
        if (c == '\'') out.push_back('\'');
        if (c == '\\' && backslashes) out.push_back('\\');
        out.push_back(c);
      }
      out.push_back('\'');
      return out;
    }
    default:
      return std::nullopt;
  }
}

std::string Dialect::ColumnDefinition(const ColumnDef& column, bool for_alter) const {
  const std::optional<std::string> type = ColumnType(*column.schema, column.key);
  if (!type) {
    throw DataError("Column \"" + column.name + "\" of type " +
                    std::string(TypeName(column.schema->type())) +
                    (column.schema->name().empty() ? "" : " (" + column.schema->name() + ")") +
                    " has no " + DbKindName(kind_) + " column type");
  }
  std::string out = Quote(column.name) + " " + *type;
  const std::optional<std::string> def = DefaultLiteral(*column.schema);
  // MariaDB refuses literal defaults on BLOB and TEXT columns in some modes; leave them out.
  const bool lob = kind_ == DbKind::kMariaDb && (*type == "TEXT" || *type == "BLOB");
  if (def && !lob) out += " DEFAULT " + *def;
  const bool required = column.key || !column.schema->optional();
  if (required && (!for_alter || (def && !lob))) {
    out += " NOT NULL";
  } else {
    out += " NULL";
  }
  return out;
}

std::string Dialect::CreateTable(const TableId& table,
                                 const std::vector<ColumnDef>& columns) const {
  std::string sql = "CREATE TABLE IF NOT EXISTS " + Table(table) + " (";
  std::string keys;
  for (size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) sql += ", ";
    sql += ColumnDefinition(columns[i], false);
    if (columns[i].key) keys += (keys.empty() ? "" : ",") + Quote(columns[i].name);
  }
  if (!keys.empty()) sql += ", PRIMARY KEY(" + keys + ")";
  sql += ")";
  return sql;
}

std::vector<std::string> Dialect::AddColumns(const TableId& table,
                                             const std::vector<ColumnDef>& columns) const {
  std::vector<std::string> out;
  if (columns.empty()) return out;
  if (kind_ == DbKind::kSqlite) {
    for (const ColumnDef& c : columns) {
      out.push_back("ALTER TABLE " + Table(table) + " ADD COLUMN " + ColumnDefinition(c, true));
    }
    return out;
  }
  std::string sql = "ALTER TABLE " + Table(table);
  for (size_t i = 0; i < columns.size(); ++i) {
    sql += (i > 0 ? ", " : " ") + std::string("ADD COLUMN IF NOT EXISTS ") +
           ColumnDefinition(columns[i], true);
  }
  out.push_back(std::move(sql));
  return out;
}

void Dialect::AppendPlaceholder(size_t number, std::string& out) const {
  if (kind_ == DbKind::kPostgres) {
    out.push_back('$');
    char buf[24];
    out.append(buf, std::to_chars(buf, buf + sizeof buf, number).ptr);
  } else {
    out.push_back('?');
  }
}

std::string Dialect::Insert(const TableId& table, const Shape& shape, size_t rows,
                            bool upsert) const {
  if (upsert && shape.keys.empty()) {
    throw std::logic_error("an upsert needs primary key columns");
  }
  std::string sql = "INSERT INTO " + Table(table) + " (";
  std::vector<std::string> names;
  names.reserve(shape.size());
  for (size_t i = 0; i < shape.size(); ++i) {
    names.push_back(Quote(shape.at(i).name));
    sql += (i > 0 ? "," : "") + names.back();
  }
  sql += ") VALUES ";
  sql.reserve(sql.size() + rows * shape.size() * 7);
  size_t number = 0;
  for (size_t r = 0; r < rows; ++r) {
    sql += r > 0 ? ",(" : "(";
    for (size_t i = 0; i < shape.size(); ++i) {
      if (i > 0) sql.push_back(',');
      AppendPlaceholder(++number, sql);
    }
    sql.push_back(')');
  }
  if (!upsert) return sql;
  const size_t nkeys = shape.keys.size();
  if (kind_ == DbKind::kMariaDb) {
    sql += " ON DUPLICATE KEY UPDATE ";
    if (shape.values.empty()) return sql + names[0] + "=VALUES(" + names[0] + ")";
    for (size_t i = nkeys; i < names.size(); ++i) {
      sql += (i > nkeys ? "," : "") + names[i] + "=VALUES(" + names[i] + ")";
    }
    return sql;
  }
  sql += " ON CONFLICT (";
  for (size_t i = 0; i < nkeys; ++i) sql += (i > 0 ? "," : "") + names[i];
  if (shape.values.empty()) return sql + ") DO NOTHING";
  sql += ") DO UPDATE SET ";
  const char* excluded = kind_ == DbKind::kPostgres ? "EXCLUDED." : "excluded.";
  for (size_t i = nkeys; i < names.size(); ++i) {
    sql += (i > nkeys ? "," : "") + names[i] + "=" + excluded + names[i];
  }
  return sql;
}

std::string Dialect::Update(const TableId& table, const Shape& shape) const {
  if (shape.keys.empty() || shape.values.empty()) {
    throw std::logic_error("an update needs key and value columns");
  }
  std::string sql = "UPDATE " + Table(table) + " SET ";
  size_t number = 0;
  for (size_t i = 0; i < shape.values.size(); ++i) {
    sql += (i > 0 ? "," : "") + Quote(shape.values[i].name) + "=";
    AppendPlaceholder(++number, sql);
  }
  sql += " WHERE ";
  for (size_t i = 0; i < shape.keys.size(); ++i) {
    sql += (i > 0 ? " AND " : "") + Quote(shape.keys[i].name) + "=";
    AppendPlaceholder(++number, sql);
  }
  return sql;
}

std::string Dialect::Delete(const TableId& table, const Shape& shape, size_t rows) const {
  if (shape.keys.empty()) throw std::logic_error("a delete needs key columns");
  std::string sql = "DELETE FROM " + Table(table) + " WHERE ";
  size_t number = 0;
  if (shape.keys.size() == 1) {
    sql += Quote(shape.keys[0].name) + " IN (";
    for (size_t r = 0; r < rows; ++r) {
      if (r > 0) sql.push_back(',');
      AppendPlaceholder(++number, sql);
    }
    return sql + ")";
  }
  std::vector<std::string> names;
  for (const Column& key : shape.keys) names.push_back(Quote(key.name));
  for (size_t r = 0; r < rows; ++r) {
    sql += r > 0 ? " OR (" : "(";
    for (size_t i = 0; i < names.size(); ++i) {
      sql += (i > 0 ? " AND " : "") + names[i] + "=";
      AppendPlaceholder(++number, sql);
    }
    sql.push_back(')');
  }
  return sql;
}

std::string Dialect::Truncate(const TableId& table) const {
  return (kind_ == DbKind::kPostgres ? "TRUNCATE TABLE " : "DELETE FROM ") + Table(table);
}

}  // namespace ck::jdbc
