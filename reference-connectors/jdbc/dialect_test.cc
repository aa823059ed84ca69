// Tests of the SQL the JDBC sink sends, as text: quoting (and refusing) identifiers, column types
// per database, CREATE/ALTER with defaults, and the batched INSERT, upsert, UPDATE and DELETE of
// each dialect. Plus the text forms of values.
#include "reference-connectors/jdbc/dialect.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ck/errors.h"
#include "ck/value.h"

namespace ck::jdbc {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

Shape OrderShape() {
  Shape shape;
  shape.keys.push_back(Column{"id", Schema::Int64(), ColumnKind::kInt64, "key.id"});
  shape.values.push_back(Column{"item", Schema::String(), ColumnKind::kString, "value.item"});
  shape.values.push_back(Column{"qty", Schema::Int32(), ColumnKind::kInt32, "value.qty"});
  return shape;
}

std::string Text(const SqlValue& v, TextStyle style = TextStyle::kPostgres) {
  std::string out;
  AppendSqlText(v, style, out);
  return out;
}

TEST(DialectTest, QuotesIdentifiersSoNoNameChangesTheStatement) {
  const Dialect pg(DbKind::kPostgres, Quoting::kAlways);
  const Dialect maria(DbKind::kMariaDb, Quoting::kAlways);
  EXPECT_EQ(pg.Quote("a\"; DROP TABLE t; --"), "\"a\"\"; DROP TABLE t; --\"");
  EXPECT_EQ(maria.Quote("a`; DROP TABLE t; --"), "`a``; DROP TABLE t; --`");
  EXPECT_EQ(maria.Quote("it's \"x\""), "`it's \"x\"`");
  EXPECT_EQ(pg.Table({"sales", "Orders"}), "\"sales\".\"Orders\"");
  EXPECT_THROW(pg.Quote(""), DataError);
  EXPECT_THROW(pg.Quote(std::string("a\0b", 3)), DataError);
  EXPECT_THAT([&] { pg.Quote(std::string(64, 'x')); },
              ::testing::ThrowsMessage<DataError>(HasSubstr("at most 63 bytes")));
  EXPECT_EQ(pg.Quote(std::string(63, 'x')).size(), 65u);

  const Dialect bare(DbKind::kPostgres, Quoting::kNever);
  EXPECT_EQ(bare.Quote("order_items$2"), "order_items$2");
  EXPECT_THAT([&] { bare.Quote("a b"); },
              ::testing::ThrowsMessage<DataError>(
                  HasSubstr("Invalid identifier \"a b\": with quote.sql.identifiers=never")));
  EXPECT_THROW(bare.Quote("1abc"), DataError);
}

TEST(DialectTest, ColumnTypesPerDatabase) {
  const Dialect pg(DbKind::kPostgres, Quoting::kAlways);
  const Dialect maria(DbKind::kMariaDb, Quoting::kAlways);
  const Dialect lite(DbKind::kSqlite, Quoting::kAlways);
  const SchemaPtr debezium_decimal =
      Decimal::builder(2).parameter("connect.decimal.precision", "10").build();
  const SchemaPtr micro_ts = SchemaBuilder::int64().name("io.debezium.time.MicroTimestamp").build();
  const SchemaPtr zoned = SchemaBuilder::string().name("io.debezium.time.ZonedTimestamp").build();
  const SchemaPtr json = SchemaBuilder::string().name("io.debezium.data.Json").build();
  struct Case {
    SchemaPtr schema;
    bool key;
    const char* pg;
    const char* maria;
    const char* lite;
  };
  const std::vector<Case> cases = {
      {Schema::Int8(), false, "SMALLINT", "TINYINT", "INTEGER"},
      {Schema::Int16(), false, "SMALLINT", "SMALLINT", "INTEGER"},
      {Schema::Int32(), false, "INTEGER", "INT", "INTEGER"},
      {Schema::Int64(), false, "BIGINT", "BIGINT", "INTEGER"},
      {Schema::Float32(), false, "REAL", "FLOAT", "REAL"},
      {Schema::Float64(), false, "DOUBLE PRECISION", "DOUBLE", "REAL"},
      {Schema::Boolean(), false, "BOOLEAN", "TINYINT", "INTEGER"},
      {Schema::String(), false, "TEXT", "TEXT", "TEXT"},
      {Schema::String(), true, "TEXT", "VARCHAR(256)", "TEXT"},
      {Schema::Bytes(), false, "BYTEA", "BLOB", "BLOB"},
      {Schema::Bytes(), true, "BYTEA", "VARBINARY(1024)", "BLOB"},
      {Decimal::schema(3), false, "NUMERIC", "DECIMAL(65,3)", "NUMERIC"},
      {debezium_decimal, false, "NUMERIC(10,2)", "DECIMAL(10,2)", "NUMERIC"},
      {Date::schema(), false, "DATE", "DATE", "TEXT"},
      {Time::schema(), false, "TIME", "TIME(3)", "TEXT"},
      {Timestamp::schema(), false, "TIMESTAMP", "DATETIME(3)", "TEXT"},
      {micro_ts, false, "TIMESTAMP", "DATETIME(6)", "TEXT"},
      {zoned, false, "TIMESTAMPTZ", "DATETIME(6)", "TEXT"},
      {json, false, "JSONB", "JSON", "TEXT"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(TypeName(c.schema->type())) + " " + c.schema->name());
    EXPECT_EQ(pg.ColumnType(*c.schema, c.key), c.pg);
    EXPECT_EQ(maria.ColumnType(*c.schema, c.key), c.maria);
    EXPECT_EQ(lite.ColumnType(*c.schema, c.key), c.lite);
  }
  EXPECT_EQ(pg.ColumnType(*SchemaBuilder::array(Schema::Int32()).build(), false), std::nullopt);
}

TEST(DialectTest, CreateAndAlterTable) {
  const Dialect pg(DbKind::kPostgres, Quoting::kAlways);
  const std::vector<ColumnDef> columns = {
      {"id", Schema::Int64(), true},
      {"name", SchemaBuilder::string().default_value("it's \\ new").build(), false},
      {"qty", Schema::OptionalInt32(), false},
      {"ok", SchemaBuilder::boolean().default_value(true).build(), false},
  };
  EXPECT_EQ(pg.CreateTable({"", "t"}, columns),
            "CREATE TABLE IF NOT EXISTS \"t\" (\"id\" BIGINT NOT NULL, \"name\" TEXT DEFAULT "
            "E'it''s \\\\ new' NOT NULL, \"qty\" INTEGER NULL, \"ok\" BOOLEAN DEFAULT TRUE NOT "
            "NULL, PRIMARY KEY(\"id\"))");
  EXPECT_THAT(pg.AddColumns({"", "t"}, {columns[2], {"n", Schema::Int32(), false}}),
              ElementsAre("ALTER TABLE \"t\" ADD COLUMN IF NOT EXISTS \"qty\" INTEGER NULL, ADD "
                          "COLUMN IF NOT EXISTS \"n\" INTEGER NULL"));
  const Dialect maria(DbKind::kMariaDb, Quoting::kAlways);
  EXPECT_EQ(maria.CreateTable({"", "t"}, {columns[0], {"k2", Schema::String(), true}}),
            "CREATE TABLE IF NOT EXISTS `t` (`id` BIGINT NOT NULL, `k2` VARCHAR(256) NOT NULL, "
            "PRIMARY KEY(`id`,`k2`))");
  const Dialect lite(DbKind::kSqlite, Quoting::kAlways);
  EXPECT_THAT(lite.AddColumns({"", "t"}, {columns[1], columns[2]}),
              ElementsAre("ALTER TABLE \"t\" ADD COLUMN \"name\" TEXT DEFAULT 'it''s \\ new' NOT "
                          "NULL",
                          "ALTER TABLE \"t\" ADD COLUMN \"qty\" INTEGER NULL"));
}

TEST(DialectTest, BatchedWritesPerDatabase) {
  const Shape shape = OrderShape();
  const Dialect pg(DbKind::kPostgres, Quoting::kAlways);
  EXPECT_EQ(pg.Insert({"", "o"}, shape, 2, true),
            "INSERT INTO \"o\" (\"id\",\"item\",\"qty\") VALUES ($1,$2,$3),($4,$5,$6) ON CONFLICT "
            "(\"id\") DO UPDATE SET \"item\"=EXCLUDED.\"item\",\"qty\"=EXCLUDED.\"qty\"");
  EXPECT_EQ(pg.Insert({"", "o"}, shape, 1, false),
            "INSERT INTO \"o\" (\"id\",\"item\",\"qty\") VALUES ($1,$2,$3)");
  EXPECT_EQ(pg.Update({"", "o"}, shape), "UPDATE \"o\" SET \"item\"=$1,\"qty\"=$2 WHERE \"id\"=$3");
  EXPECT_EQ(pg.Delete({"", "o"}, shape, 3), "DELETE FROM \"o\" WHERE \"id\" IN ($1,$2,$3)");
  EXPECT_EQ(pg.Truncate({"", "o"}), "TRUNCATE TABLE \"o\"");
  Shape two_keys = shape;
  two_keys.keys.push_back(Column{"tenant", Schema::String(), ColumnKind::kString, "key.tenant"});
  EXPECT_EQ(pg.Delete({"", "o"}, two_keys, 2),
            "DELETE FROM \"o\" WHERE (\"id\"=$1 AND \"tenant\"=$2) OR (\"id\"=$3 AND "
            "\"tenant\"=$4)");
  Shape key_only;
  key_only.keys = shape.keys;
  EXPECT_EQ(pg.Insert({"", "o"}, key_only, 1, true),
            "INSERT INTO \"o\" (\"id\") VALUES ($1) ON CONFLICT (\"id\") DO NOTHING");

  const Dialect maria(DbKind::kMariaDb, Quoting::kAlways);
  EXPECT_EQ(maria.Insert({"", "o"}, shape, 1, true),
            "INSERT INTO `o` (`id`,`item`,`qty`) VALUES (?,?,?) ON DUPLICATE KEY UPDATE "
            "`item`=VALUES(`item`),`qty`=VALUES(`qty`)");
  EXPECT_EQ(maria.Insert({"", "o"}, key_only, 1, true),
            "INSERT INTO `o` (`id`) VALUES (?) ON DUPLICATE KEY UPDATE `id`=VALUES(`id`)");
  EXPECT_EQ(maria.Truncate({"", "o"}), "DELETE FROM `o`");

  const Dialect lite(DbKind::kSqlite, Quoting::kAlways);
  EXPECT_EQ(lite.Insert({"", "o"}, shape, 1, true),
            "INSERT INTO \"o\" (\"id\",\"item\",\"qty\") VALUES (?,?,?) ON CONFLICT (\"id\") DO "
            "UPDATE SET \"item\"=excluded.\"item\",\"qty\"=excluded.\"qty\"");
}

TEST(SqlValueTest, TextForms) {
  using K = SqlValue::Kind;
  EXPECT_EQ(Text(SqlValue::Int(K::kInt, -42)), "-42");
  EXPECT_EQ(Text(SqlValue::Int(K::kBool, 1)), "t");
  EXPECT_EQ(Text(SqlValue::Int(K::kBool, 1), TextStyle::kMariaDb), "1");
  EXPECT_EQ(Text(SqlValue::Float(K::kFloat64, 0.1)), "0.1");
  EXPECT_EQ(Text(SqlValue::Float(K::kFloat32, 0.1f)), "0.1");
  EXPECT_EQ(Text(SqlValue::Float(K::kFloat64, -1.0 / 0.0)), "-Infinity");
  EXPECT_EQ(Text(SqlValue::Int(K::kDate, 19000)), "2022-01-08");
  EXPECT_EQ(Text(SqlValue::Int(K::kDate, -719163)), "0001-12-31 BC");
  EXPECT_EQ(Text(SqlValue::Int(K::kDate, -719162)), "0001-01-01");
  EXPECT_EQ(Text(SqlValue::Int(K::kTime, 3723004000)), "01:02:03.004000");
  EXPECT_EQ(Text(SqlValue::Int(K::kTime, 0)), "00:00:00");
  EXPECT_EQ(Text(SqlValue::Int(K::kTimestamp, 1700000000123000)), "2023-11-14 22:13:20.123000");
  EXPECT_EQ(Text(SqlValue::Int(K::kTimestamp, -1)), "1969-12-31 23:59:59.999999");
  EXPECT_EQ(Text(SqlValue::Str(K::kZonedTimestamp, "2018-06-20T13:37:03.5Z"), TextStyle::kMariaDb),
            "2018-06-20 13:37:03.5");
  EXPECT_EQ(Text(SqlValue::Str(K::kZonedTimestamp, "2018-06-20T13:37:03Z")),
            "2018-06-20T13:37:03Z");
  EXPECT_EQ(DescribeSqlValue(SqlValue::Str(K::kText, std::string(150, 'a'))),
            "\"" + std::string(100, 'a') + "...\"");
  EXPECT_EQ(DescribeSqlValue(SqlValue()), "null");
}

}  // namespace
}  // namespace ck::jdbc
