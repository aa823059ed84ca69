// Records where they lie (record_view.h): views of ABI records, the editor that builds output
// records by pointer, long-lived schemas (SchemaStore) and the per-schema memo, plus the arena's
// block pool and ViewTransformation's ConnectRecord form.
#include "ck/record_view.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "ck/internal/arena.h"
#include "ck/internal/marshal.h"
#include "ck/internal/schema_store.h"
#include "ck/transformation.h"

namespace ck {
namespace {

using abi_internal::Arena;
using abi_internal::EditorAccess;
using abi_internal::SchemaStore;
using abi_internal::ViewBatch;
using abi_internal::Writer;
using ::testing::HasSubstr;

SchemaPtr PersonSchema(const std::string& doc = "") {
  return SchemaBuilder::struct_()
      .name("com.example.Person")
      .doc(doc)
      .field("id", Schema::Int64())
      .field("name", Schema::OptionalString())
      .field("rank", SchemaBuilder::int32().optional().default_value(int32_t{7}).build())
      .build();
}

Struct Person(int64_t id, Value name) {
  Struct person(PersonSchema());
  person.put("id", id).put("name", std::move(name));
  return person;
}

// An ABI copy of `record` with its own arena, as a batch from across the boundary.
struct AbiRecord {
  explicit AbiRecord(const ConnectRecord& record) {
    Writer writer(arena);
    writer.Record(record, &abi);
  }
  Arena arena;
  ck_record abi{};
};

ConnectRecord PersonRecord(int64_t id, Value name) {
  ConnectRecord record;
  record.topic = "people";
  record.kafka_partition = 2;
  record.timestamp = 1700000000000;
  record.value_schema = PersonSchema();
  record.value = Person(id, std::move(name));
  record.headers.add_string("h", "one").add_int32("n", 1).add_string("h", "two");
  return record;
}

TEST(RecordViewTest, ReadsRecordsWhereTheyLie) {
  AbiRecord abi(PersonRecord(5, "ada"));
  const RecordView view(abi.abi);
  EXPECT_EQ(view.topic(), "people");
  EXPECT_EQ(view.kafka_partition(), 2);
  EXPECT_EQ(view.timestamp(), 1700000000000);
  EXPECT_EQ(view.kafka_offset(), std::nullopt);
  EXPECT_FALSE(view.key_schema());
  EXPECT_TRUE(view.key().is_null());
  const ValueView value = view.value();
  ASSERT_EQ(value.type(), Type::kStruct);
  EXPECT_EQ(value.schema().name(), "com.example.Person");
  EXPECT_EQ(value.schema().field_index("name"), 1u);
  EXPECT_EQ(value.schema().field_index("missing"), std::nullopt);
  EXPECT_EQ(value.size(), 3u);
  EXPECT_EQ(value.field(0).as_int64(), 5);
  EXPECT_EQ(value.field(1).as_string(), "ada");
  // rank is null: field() gives its default (Kafka's Struct.get), field_without_default() null.
  EXPECT_EQ(value.field(2).as_int32(), 7);
  EXPECT_TRUE(value.field_without_default(2).is_null());
  EXPECT_EQ(value.find("name")->as_string(), "ada");
  EXPECT_EQ(value.find("nope"), std::nullopt);
  EXPECT_THAT([&] { (void)value.field(1).as_int64(); },
              ::testing::ThrowsMessage<DataError>(
                  HasSubstr("Expected value of type int64 but got string")));
  ASSERT_EQ(view.header_count(), 3u);
  EXPECT_EQ(view.last_header("h")->value().as_string(), "two");
  EXPECT_EQ(view.last_header("n")->value().as_int32(), 1);
  EXPECT_EQ(view.last_header("x"), std::nullopt);
  // The C++ copies equal the original.
  const ConnectRecord copy = view.ToRecord();
  EXPECT_EQ(copy.value, Value(Person(5, "ada")));
  EXPECT_TRUE(SchemaEquals(copy.value_schema, PersonSchema()));
  EXPECT_EQ(copy.headers, PersonRecord(5, "ada").headers);
}

TEST(RecordViewTest, SchemalessMapsAndArrays) {
  ConnectRecord record;
  record.topic = "t";
  Value::Map map;
  map.emplace_back(Value("a"), Value(int64_t{1}));
  map.emplace_back(Value("list"), Value(Value::Array{Value("x"), Value("y")}));
  record.value = std::move(map);
  AbiRecord abi(record);
  const ValueView value = RecordView(abi.abi).value();
  EXPECT_FALSE(value.schema());
  EXPECT_EQ(value.find("a")->as_int64(), 1);
  const ValueView list = *value.find("list");
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list.element(1).as_string(), "y");
  EXPECT_EQ(value.map_key(0).as_string(), "a");
  EXPECT_EQ(value.ToValue(), record.value);
}

TEST(RecordViewTest, EditorChangesOnlyWhatItTouches) {
  AbiRecord abi(PersonRecord(5, "ada"));
  Arena arena;
  SchemaStore store;
  ViewBatch batch(arena, store);
  ck_record out = abi.abi;
  RecordEditor editor = EditorAccess::Make(batch, &out);
  editor.set_topic("renamed");
  editor.set_kafka_partition(std::nullopt);
  editor.remove_headers("h");
  editor.add_header("added", editor.make_string(SchemaView(), "v"));
  editor.add_header("typed", Schema::Int64(), int64_t{9});
  EXPECT_EQ(out.value.u.items, abi.abi.value.u.items);  // the value is untouched, by pointer
  const ConnectRecord result = editor.record().ToRecord();
  EXPECT_EQ(result.topic, "renamed");
  EXPECT_EQ(result.kafka_partition, std::nullopt);
  EXPECT_EQ(result.timestamp, 1700000000000);
  EXPECT_EQ(result.value, Value(Person(5, "ada")));
  std::vector<std::string> keys;
  for (const Header& h : result.headers) keys.push_back(h.key);
  EXPECT_THAT(keys, ::testing::ElementsAre("n", "added", "typed"));
  EXPECT_EQ(result.headers.last_with_name("added")->value, Value("v"));
  EXPECT_EQ(result.headers.last_with_name("typed")->value, Value(int64_t{9}));
  // The input record is as it was.
  EXPECT_EQ(RecordView(abi.abi).ToRecord().headers.size(), 3u);
}

TEST(RecordViewTest, StructBuilderChecksTypesAndRequiredFields) {
  AbiRecord abi(PersonRecord(5, "ada"));
  Arena arena;
  SchemaStore store;
  ViewBatch batch(arena, store);
  ck_record out = abi.abi;
  RecordEditor editor = EditorAccess::Make(batch, &out);
  const SchemaView wider = editor.schema(SchemaBuilder::struct_()
                                             .field("id", Schema::Int64())
                                             .field("name", Schema::OptionalString())
                                             .field("rank", Schema::OptionalInt32())
                                             .field("origin", Schema::String())
                                             .build());
  StructBuilder builder = editor.make_struct(wider);
  builder.set_first_fields(RecordView(abi.abi).value());
  EXPECT_THAT([&] { builder.value(); },
              ::testing::ThrowsMessage<DataError>(HasSubstr(
                  "Invalid value: null used for required field \"origin\", schema type: string")));
  EXPECT_THAT(
      [&] { builder.set(3, editor.make_integer(SchemaView(editor.schema(Schema::Int64())), 1)); },
      ::testing::ThrowsMessage<DataError>(
          HasSubstr("Invalid value for field \"origin\": expected string, got int64")));
  builder.set(3, editor.make_string(wider.field_schema(3), "db"));
  editor.set_value(builder.value());
  Struct expected(wider.ToSchema());
  expected.put("id", int64_t{5}).put("name", "ada").put("origin", "db");
  EXPECT_EQ(editor.record().ToRecord().value, Value(expected));
}

TEST(SchemaStoreTest, EqualSchemasShareOneLongLivedCopy) {
  SchemaStore store;
  auto first = std::make_unique<AbiRecord>(PersonRecord(1, "a"));
  const ck_schema* canonical = store.Canonical(first->abi.value_schema);
  EXPECT_NE(canonical, first->abi.value_schema);
  EXPECT_TRUE(SchemaView(canonical) == SchemaView(first->abi.value_schema));
  AbiRecord second(PersonRecord(2, "b"));  // equal structure, other memory
  EXPECT_EQ(store.Canonical(second.abi.value_schema), canonical);
  first.reset();       // the canonical copy outlives the batch it came from
  store.BeginBatch();  // (a new batch: addresses of the old one are no longer trusted)
  EXPECT_EQ(SchemaView(canonical).ToSchema()->field("rank")->schema->default_value()->as_int32(),
            7);
  ConnectRecord other = PersonRecord(3, "c");
  other.value_schema = PersonSchema("documented");
  Struct person(other.value_schema);
  person.put("id", int64_t{3});
  other.value = person;
  AbiRecord third(other);
  EXPECT_NE(store.Canonical(third.abi.value_schema), canonical);  // doc differs
}

TEST(SchemaStoreTest, AddressesAreTrustedForOneBatchOnly) {
  SchemaStore store;
  // One ck_schema object whose content changes between batches, as when a freed batch's memory
  // is reused for another schema.
  ck_schema reused{};
  reused.type = CK_TYPE_STRING;
  const ck_schema* as_string = store.Canonical(&reused);
  EXPECT_EQ(store.Canonical(&reused), as_string);
  store.BeginBatch();
  reused.type = CK_TYPE_INT64;
  const ck_schema* as_int = store.Canonical(&reused);
  EXPECT_NE(as_int, as_string);
  EXPECT_EQ(SchemaView(as_int).type(), Type::kInt64);
}

TEST(SchemaMemoTest, BuildsOncePerDistinctSchema) {
  SchemaStore store;
  SchemaMemo<std::string> memo;
  int builds = 0;
  const auto get = [&](RecordEditor& editor, const ck_schema* schema) {
    return memo.get(editor, SchemaView(schema), [&](SchemaView input) {
      ++builds;
      return std::string(TypeName(input.type()));
    });
  };
  ck_schema schema{};
  schema.type = CK_TYPE_STRING;
  for (int round = 0; round < 3; ++round) {  // three batches
    Arena arena;
    store.BeginBatch();
    ViewBatch batch(arena, store);
    ck_record out{};
    RecordEditor editor = EditorAccess::Make(batch, &out);
    EXPECT_EQ(get(editor, &schema), "string");
    EXPECT_EQ(get(editor, &schema), "string");
  }
  EXPECT_EQ(builds, 1);
  // The same address with another schema in a later batch is a new entry.
  schema.type = CK_TYPE_BOOLEAN;
  Arena arena;
  store.BeginBatch();
  ViewBatch batch(arena, store);
  ck_record out{};
  RecordEditor editor = EditorAccess::Make(batch, &out);
  EXPECT_EQ(get(editor, &schema), "boolean");
  EXPECT_EQ(builds, 2);
}

TEST(ArenaTest, BlocksGoBackToThePool) {
  auto pool = std::make_shared<abi_internal::BlockPool>();
  const void* first_block = nullptr;
  {
    Arena arena(64 * 1024, pool);
    first_block = arena.Allocate<char>(100);
  }
  Arena again(64 * 1024, pool);
  EXPECT_EQ(again.Allocate<char>(100), first_block);
  Arena other(64 * 1024, pool);  // the pool is empty now: a fresh block
  EXPECT_NE(other.Allocate<char>(100), first_block);
}

// Renames the topic and uppercases nothing else: the ConnectRecord form runs transform().
class RenameTopic : public ViewTransformation {
 public:
  ConfigDef config() const override { return ConfigDef(); }
  void configure(const ConfigMap&) override {}
  bool transform(const RecordView& in, RecordEditor& out) override {
    if (in.topic() == "drop") return false;
    out.set_topic("new-" + std::string(in.topic()));
    return true;
  }
};

TEST(ViewTransformationTest, ConnectRecordFormRunsTheViewForm) {
  RenameTopic smt;
  const std::optional<ConnectRecord> out = smt.apply(PersonRecord(1, "a"));
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(out->topic, "new-people");
  EXPECT_EQ(out->value, Value(Person(1, "a")));
  ConnectRecord dropped = PersonRecord(1, "a");
  dropped.topic = "drop";
  EXPECT_FALSE(smt.apply(dropped).has_value());
}

}  // namespace
}  // namespace ck
