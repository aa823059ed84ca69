// Field-level transformations through the ABI (FakeHost): InsertField, ReplaceField, MaskField,
// ValueToKey, ExtractField, HoistField and SetSchemaMetadata, golden input -> output records with
// and without schemas, in $Key and $Value variants, and their errors.
#include <string>

#include "runtime/transforms/transform_test_util.h"

namespace ck::transforms_test {
namespace {

using ::testing::HasSubstr;

class FieldTransformsTest : public TransformTest {};

SchemaPtr RowSchema() {
  return SchemaBuilder::struct_()
      .name("com.example.Row")
      .version(3)
      .field("id", Schema::Int32())
      .field("name", Schema::OptionalString())
      .field("score", SchemaBuilder::float64().optional().default_value(1.5).build())
      .build();
}

Struct Row(int32_t id, Value name) {
  Struct row(RowSchema());
  row.put("id", id).put("name", std::move(name));
  return row;
}

ConnectRecord ValueRecord(SchemaPtr schema, Value value) {
  return MakeRecord(nullptr, Value(), std::move(schema), std::move(value));
}

// ---- InsertField ----

TEST_F(FieldTransformsTest, InsertFieldWithSchema) {
  const ConnectRecord out = *Apply(Smt("InsertField$Value"),
                                   {{"topic.field", "topic!"},
                                    {"partition.field", "part"},
                                    {"timestamp.field", "ts?"},
                                    {"static.field", "origin"},
                                    {"static.value", "db1"}},
                                   ValueRecord(RowSchema(), Row(1, "a")));
  const SchemaPtr expected_schema = SchemaBuilder::struct_()
                                        .name("com.example.Row")
                                        .version(3)
                                        .field("id", Schema::Int32())
                                        .field("name", Schema::OptionalString())
                                        .field("score", RowSchema()->field("score")->schema)
                                        .field("topic", Schema::String())
                                        .field("part", Schema::OptionalInt32())
                                        .field("ts", Timestamp::builder().optional().build())
                                        .field("origin", Schema::OptionalString())
                                        .build();
  ASSERT_TRUE(SchemaEquals(out.value_schema, expected_schema));
  Struct expected(expected_schema);
  expected.put("id", int32_t{1}).put("name", "a").put("score", 1.5).put("topic", "t");
  expected.put("part", int32_t{0}).put("ts", int64_t{1700000000000}).put("origin", "db1");
  EXPECT_EQ(out.value, Value(expected));
}

TEST_F(FieldTransformsTest, InsertFieldSchemalessKeyAndTombstones) {
  const ConnectRecord out =
      *Apply(Smt("InsertField$Key"), {{"topic.field", "topic"}, {"timestamp.field", "ts"}},
             MakeRecord(nullptr, StrMap({{"k", int64_t{1}}}), nullptr, Value()));
  EXPECT_EQ(out.key,
            Value(StrMap({{"k", int64_t{1}}, {"topic", "t"}, {"ts", int64_t{1700000000000}}})));
  // A null operand passes unchanged.
  const ConnectRecord tombstone = ValueRecord(RowSchema(), Value());
  EXPECT_EQ(Apply(Smt("InsertField$Value"), {{"topic.field", "topic"}}, tombstone)->value, Value());
}

TEST_F(FieldTransformsTest, InsertFieldErrors) {
  EXPECT_THAT(Error(Smt("InsertField$Value"), {{"topic.field", "topic"}},
                    ValueRecord(nullptr, int64_t{5}), CK_ERROR_DATA),
              HasSubstr("InsertField$Value: Only Map objects supported in absence of schema for "
                        "[field insertion], found: int64"));
  ConnectRecord no_partition = ValueRecord(RowSchema(), Row(1, "a"));
  no_partition.kafka_partition.reset();
  EXPECT_THAT(
      Error(Smt("InsertField$Value"), {{"partition.field", "p!"}}, no_partition, CK_ERROR_DATA),
      HasSubstr("InsertField$Value: Invalid value: null used for required field \"p\""));
  EXPECT_THAT(Error(Smt("InsertField$Value"), {{"topic.field", "id"}},
                    ValueRecord(RowSchema(), Row(1, "a")), CK_ERROR_DATA),
              HasSubstr("field name duplication \"id\""));
  // Kafka's offset.field needs a SinkRecord; a source record has no Kafka offset.
  EXPECT_THAT(Error(Smt("InsertField$Value"), {{"offset.field", "off"}},
                    ValueRecord(RowSchema(), Row(1, "a")), CK_ERROR_DATA),
              HasSubstr("InsertField$Value: offset.field \"off\" needs the Kafka offset of a "
                        "sink record, but the record on topic t comes from a source connector"));
}

SinkRecord SinkAt(ConnectRecord record, int64_t offset) {
  SinkRecord sink;
  static_cast<ConnectRecord&>(sink) = std::move(record);
  sink.kafka_offset = offset;
  sink.original_topic = sink.topic;
  sink.original_partition = 0;
  sink.original_offset = offset;
  return sink;
}

TEST_F(FieldTransformsTest, InsertFieldOffsetOfSinkRecords) {
  testkit::TransformationDriver smt = host_.CreateTransformation(Smt("InsertField$Value"));
  smt.Configure({{"offset.field", "off!"}, {"partition.field", "part"}});
  const std::vector<ConnectRecord> out =
      smt.ApplySink({SinkAt(ValueRecord(RowSchema(), Row(1, "a")), 42),
                     SinkAt(ValueRecord(nullptr, StrMap({{"k", "v"}})), 7)});
  ASSERT_EQ(out.size(), 2u);
  const SchemaPtr expected_schema = SchemaBuilder::struct_()
                                        .name("com.example.Row")
                                        .version(3)
                                        .field("id", Schema::Int32())
                                        .field("name", Schema::OptionalString())
                                        .field("score", RowSchema()->field("score")->schema)
                                        .field("part", Schema::OptionalInt32())
                                        .field("off", Schema::Int64())
                                        .build();
  ASSERT_TRUE(SchemaEquals(out[0].value_schema, expected_schema));
  Struct expected(expected_schema);
  expected.put("id", int32_t{1}).put("name", "a").put("score", 1.5);
  expected.put("part", int32_t{0}).put("off", int64_t{42});
  EXPECT_EQ(out[0].value, Value(expected));
  EXPECT_EQ(out[1].value, Value(StrMap({{"k", "v"}, {"part", int32_t{0}}, {"off", int64_t{7}}})));
}

TEST_F(FieldTransformsTest, InsertFieldFollowsSchemaChanges) {
  // One instance, so its schema cache sees each change, within one batch and across batches.
  testkit::TransformationDriver smt = host_.CreateTransformation(Smt("InsertField$Value"));
  smt.Configure({{"topic.field", "topic"}});
  const SchemaPtr other = SchemaBuilder::struct_().field("x", Schema::Int8()).build();
  Struct x(other);
  x.put("x", int8_t{1});
  const std::vector<ConnectRecord> out =
      smt.Apply({ValueRecord(RowSchema(), Row(1, "a")), ValueRecord(other, x),
                 ValueRecord(RowSchema(), Row(2, "b"))});
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].value_schema->fields().size(), 4u);
  EXPECT_EQ(out[1].value_schema->fields().size(), 2u);
  EXPECT_EQ(out[1].value.as_struct().get("topic"), Value("t"));
  EXPECT_TRUE(SchemaEquals(out[0].value_schema, out[2].value_schema));
  EXPECT_EQ(out[2].value.as_struct().get("id"), Value(int32_t{2}));
  const ConnectRecord later = smt.Apply({ValueRecord(other, x)}).at(0);
  EXPECT_TRUE(SchemaEquals(later.value_schema, out[1].value_schema));
  EXPECT_EQ(later.value.as_struct().get("x"), Value(int8_t{1}));
}

TEST_F(FieldTransformsTest, InsertFieldAppliesFieldDefaultsUnlessToldNot) {
  // score is null with a default of 1.5: Kafka's Struct.get gives the default.
  Struct row(RowSchema());
  row.put("id", int32_t{3});
  const ConnectRecord with_default =
      *Apply(Smt("InsertField$Value"), {{"topic.field", "topic"}}, ValueRecord(RowSchema(), row));
  EXPECT_EQ(with_default.value.as_struct().get_without_default("score"), Value(1.5));
  const ConnectRecord without = *Apply(
      Smt("InsertField$Value"), {{"topic.field", "topic"}, {"replace.null.with.default", "false"}},
      ValueRecord(RowSchema(), row));
  EXPECT_EQ(without.value.as_struct().get_without_default("score"), Value());
}

// ---- ReplaceField ----

TEST_F(FieldTransformsTest, ReplaceFieldWithSchema) {
  const ConnectRecord out =
      *Apply(Smt("ReplaceField$Value"), {{"exclude", "score"}, {"renames", "name:full_name"}},
             ValueRecord(RowSchema(), Row(2, "b")));
  const SchemaPtr expected_schema = SchemaBuilder::struct_()
                                        .name("com.example.Row")
                                        .version(3)
                                        .field("id", Schema::Int32())
                                        .field("full_name", Schema::OptionalString())
                                        .build();
  ASSERT_TRUE(SchemaEquals(out.value_schema, expected_schema));
  Struct expected(expected_schema);
  expected.put("id", int32_t{2}).put("full_name", "b");
  EXPECT_EQ(out.value, Value(expected));
}

TEST_F(FieldTransformsTest, ReplaceFieldSchemalessAndDeprecatedKeys) {
  const Value key = StrMap({{"a", int32_t{1}}, {"b", int32_t{2}}, {"c", int32_t{3}}});
  EXPECT_EQ(Apply(Smt("ReplaceField$Key"), {{"include", "a,b"}, {"renames", "a:x"}},
                  MakeRecord(nullptr, key, nullptr, "v"))
                ->key,
            Value(StrMap({{"x", int32_t{1}}, {"b", int32_t{2}}})));
  EXPECT_EQ(Apply(Smt("ReplaceField$Key"), {{"blacklist", "a"}, {"whitelist", "a,c"}},
                  MakeRecord(nullptr, key, nullptr, "v"))
                ->key,
            Value(StrMap({{"c", int32_t{3}}})));
}

TEST_F(FieldTransformsTest, ReplaceFieldErrors) {
  EXPECT_THAT(
      Error(Smt("ReplaceField$Value"), {{"renames", "a:b,c"}}, std::nullopt, CK_ERROR_CONFIG),
      HasSubstr("Invalid value c for configuration renames: ReplaceField$Value: Invalid "
                "rename mapping: c"));
  EXPECT_THAT(Error(Smt("ReplaceField$Value"), {{"renames", "id:name"}},
                    ValueRecord(RowSchema(), Row(1, "a")), CK_ERROR_DATA),
              HasSubstr("field name duplication \"name\""));
}

// ---- MaskField ----

TEST_F(FieldTransformsTest, MaskFieldWithSchemaUsesEmptyValues) {
  const ConnectRecord out = *Apply(Smt("MaskField$Value"), {{"fields", "id,name"}},
                                   ValueRecord(RowSchema(), Row(9, "secret")));
  // Unmasked null fields take their default (replace.null.with.default), as in Kafka.
  Struct expected = Row(0, "");
  expected.put("score", 1.5);
  EXPECT_EQ(out.value, Value(expected));
  // A null field stays null.
  const ConnectRecord kept =
      *Apply(Smt("MaskField$Value"), {{"fields", "name"}, {"replace.null.with.default", "false"}},
             ValueRecord(RowSchema(), Row(9, Value())));
  EXPECT_EQ(kept.value, Value(Row(9, Value())));
}

TEST_F(FieldTransformsTest, MaskFieldReplacementSchemaless) {
  const Value value = StrMap({{"ssn", "123-45"}, {"n", int64_t{5}}, {"f", 2.5f}, {"b", true}});
  EXPECT_EQ(Apply(Smt("MaskField$Value"), {{"fields", "ssn,n,f,b"}, {"replacement", "9"}},
                  ValueRecord(nullptr, value))
                ->value,
            Value(StrMap({{"ssn", "9"}, {"n", int64_t{9}}, {"f", 9.0f}, {"b", false}})));
  EXPECT_EQ(
      Apply(Smt("MaskField$Value"), {{"fields", "ssn,n,b"}}, ValueRecord(nullptr, value))->value,
      Value(StrMap({{"ssn", ""}, {"n", int64_t{0}}, {"f", 2.5f}, {"b", false}})));
}

TEST_F(FieldTransformsTest, MaskFieldErrors) {
  EXPECT_THAT(Error(Smt("MaskField$Value"), {{"fields", "n"}, {"replacement", "abc"}},
                    ValueRecord(nullptr, StrMap({{"n", int32_t{1}}})), CK_ERROR_DATA),
              HasSubstr("MaskField$Value: Unable to convert replacement abc to int32 for field "
                        "\"n\""));
  EXPECT_THAT(Error(Smt("MaskField$Value"), {{"fields", "b"}},
                    ValueRecord(nullptr, StrMap({{"b", Bytes{1}}})), CK_ERROR_DATA),
              HasSubstr("MaskField$Value: Cannot mask value of type bytes (field \"b\")"));
  EXPECT_THAT(Error(Smt("MaskField$Value"), {{"fields", ""}}, std::nullopt, CK_ERROR_CONFIG),
              HasSubstr("configuration fields: Empty list"));
}

// ---- ValueToKey ----

TEST_F(FieldTransformsTest, ValueToKeyWithAndWithoutSchema) {
  const ConnectRecord out =
      *Apply(Smt("ValueToKey"), {{"fields", "id,score"}}, ValueRecord(RowSchema(), Row(4, "d")));
  const SchemaPtr key_schema = SchemaBuilder::struct_()
                                   .field("id", Schema::Int32())
                                   .field("score", RowSchema()->field("score")->schema)
                                   .build();
  ASSERT_TRUE(SchemaEquals(out.key_schema, key_schema));
  Struct key(key_schema);
  key.put("id", int32_t{4}).put("score", 1.5);
  EXPECT_EQ(out.key, Value(key));
  EXPECT_EQ(Apply(Smt("ValueToKey"), {{"fields", "a"}},
                  ValueRecord(nullptr, StrMap({{"a", "x"}, {"b", "y"}})))
                ->key,
            Value(StrMap({{"a", "x"}})));
  EXPECT_THAT(Error(Smt("ValueToKey"), {{"fields", "nope"}}, ValueRecord(RowSchema(), Row(1, "a")),
                    CK_ERROR_DATA),
              HasSubstr("ValueToKey: Field does not exist: nope"));
}

// ---- ExtractField ----

TEST_F(FieldTransformsTest, ExtractFieldWithSchema) {
  const ConnectRecord out =
      *Apply(Smt("ExtractField$Value"), {{"field", "name"}}, ValueRecord(RowSchema(), Row(1, "a")));
  EXPECT_TRUE(SchemaEquals(out.value_schema, Schema::OptionalString()));
  EXPECT_EQ(out.value, Value("a"));
  // The default fills a null field unless replace.null.with.default=false.
  EXPECT_EQ(
      Apply(Smt("ExtractField$Value"), {{"field", "score"}}, ValueRecord(RowSchema(), Row(1, "a")))
          ->value,
      Value(1.5));
  EXPECT_EQ(
      Apply(Smt("ExtractField$Value"), {{"field", "score"}, {"replace.null.with.default", "false"}},
            ValueRecord(RowSchema(), Row(1, "a")))
          ->value,
      Value());
  EXPECT_THAT(Error(Smt("ExtractField$Value"), {{"field", "nope"}},
                    ValueRecord(RowSchema(), Row(1, "a")), CK_ERROR_DATA),
              HasSubstr("ExtractField$Value: Unknown field: nope"));
}

TEST_F(FieldTransformsTest, ExtractFieldNestedAndSchemaless) {
  const SchemaPtr outer =
      SchemaBuilder::struct_().field("row", RowSchema()).field("k", Schema::Int8()).build();
  Struct value(outer);
  value.put("row", Row(5, "e")).put("k", int8_t{1});
  const ConnectRecord out =
      *Apply(Smt("ExtractField$Value"), {{"field", "row.id"}, {"field.syntax.version", "V2"}},
             ValueRecord(outer, value));
  EXPECT_TRUE(SchemaEquals(out.value_schema, Schema::Int32()));
  EXPECT_EQ(out.value, Value(int32_t{5}));
  const Value key = StrMap({{"a.b", StrMap({{"c", "deep"}})}});
  EXPECT_EQ(Apply(Smt("ExtractField$Key"), {{"field", "`a.b`.c"}, {"field.syntax.version", "V2"}},
                  MakeRecord(nullptr, key, nullptr, "v"))
                ->key,
            Value("deep"));
  EXPECT_EQ(
      Apply(Smt("ExtractField$Key"), {{"field", "missing"}}, MakeRecord(nullptr, key, nullptr, "v"))
          ->key,
      Value());
}

// ---- HoistField ----

TEST_F(FieldTransformsTest, HoistField) {
  const ConnectRecord out =
      *Apply(Smt("HoistField$Value"), {{"field", "line"}}, ValueRecord(Schema::String(), "text"));
  const SchemaPtr schema = SchemaBuilder::struct_().field("line", Schema::String()).build();
  ASSERT_TRUE(SchemaEquals(out.value_schema, schema));
  Struct expected(schema);
  expected.put("line", "text");
  EXPECT_EQ(out.value, Value(expected));
  EXPECT_EQ(
      Apply(Smt("HoistField$Key"), {{"field", "id"}}, MakeRecord(nullptr, int64_t{3}, nullptr, "v"))
          ->key,
      Value(StrMap({{"id", int64_t{3}}})));
  EXPECT_THAT(Error(Smt("HoistField$Value"), {{"field", "line"}},
                    ValueRecord(Schema::String(), Value()), CK_ERROR_DATA),
              HasSubstr("HoistField$Value: Invalid value: null used for required field \"line\""));
}

// ---- SetSchemaMetadata ----

TEST_F(FieldTransformsTest, SetSchemaMetadata) {
  const ConnectRecord out =
      *Apply(Smt("SetSchemaMetadata$Value"), {{"schema.name", "com.example.Renamed"}},
             ValueRecord(RowSchema(), Row(1, "a")));
  EXPECT_EQ(out.value_schema->name(), "com.example.Renamed");
  EXPECT_EQ(out.value_schema->version(), 3);
  EXPECT_EQ(out.value.as_struct().get("name"), Value("a"));
  EXPECT_TRUE(SchemaEquals(out.value.as_struct().schema(), out.value_schema));
  const ConnectRecord key = *Apply(Smt("SetSchemaMetadata$Key"), {{"schema.version", "7"}},
                                   MakeRecord(Schema::String(), "k", nullptr, "v"));
  EXPECT_EQ(key.key_schema->version(), 7);
  EXPECT_EQ(key.key_schema->type(), Type::kString);
  EXPECT_EQ(key.key, Value("k"));
  EXPECT_THAT(Error(Smt("SetSchemaMetadata$Value"), {}, std::nullopt, CK_ERROR_CONFIG),
              HasSubstr("Neither schema name nor version configured"));
  EXPECT_THAT(Error(Smt("SetSchemaMetadata$Value"), {{"schema.name", "x"}},
                    ValueRecord(nullptr, "v"), CK_ERROR_DATA),
              HasSubstr("SetSchemaMetadata$Value: Schema required for [updating schema "
                        "metadata]"));
}

// ---- Flatten ----

TEST_F(FieldTransformsTest, FlattenWithSchema) {
  const SchemaPtr inner = SchemaBuilder::struct_()
                              .optional()
                              .field("id", Schema::Int32())
                              .field("tags", SchemaBuilder::array(Schema::String()).build())
                              .build();
  const SchemaPtr outer =
      SchemaBuilder::struct_().name("Outer").field("a", inner).field("b", Schema::Int8()).build();
  Struct a(inner);
  a.put("id", int32_t{3}).put("tags", Value::Array{"x"});
  Struct value(outer);
  value.put("a", a).put("b", int8_t{1});
  const ConnectRecord out =
      *Apply(Smt("Flatten$Value"), {{"delimiter", "_"}}, ValueRecord(outer, value));
  const SchemaPtr flat =
      SchemaBuilder::struct_()
          .name("Outer")
          .field("a_id", Schema::OptionalInt32())
          .field("a_tags", SchemaBuilder::array(Schema::String()).optional().build())
          .field("b", Schema::Int8())
          .build();
  ASSERT_TRUE(SchemaEquals(out.value_schema, flat));
  Struct expected(flat);
  expected.put("a_id", int32_t{3}).put("a_tags", Value::Array{"x"}).put("b", int8_t{1});
  EXPECT_EQ(out.value, Value(expected));
  // A null nested struct leaves its flattened fields null.
  Struct no_a(outer);
  no_a.put("b", int8_t{2});
  Struct expected_null(flat);
  expected_null.put("b", int8_t{2});
  EXPECT_EQ(Apply(Smt("Flatten$Value"), {{"delimiter", "_"}}, ValueRecord(outer, no_a))->value,
            Value(expected_null));
}

TEST_F(FieldTransformsTest, FlattenSchemalessAndErrors) {
  const Value key = StrMap({{"a", StrMap({{"b", int32_t{1}}, {"c", StrMap({{"d", "x"}})}})},
                            {"e", Value::Array{int32_t{1}}}});
  EXPECT_EQ(Apply(Smt("Flatten$Key"), {}, MakeRecord(nullptr, key, nullptr, "v"))->key,
            Value(StrMap({{"a.b", int32_t{1}}, {"a.c.d", "x"}, {"e", Value::Array{int32_t{1}}}})));
  const SchemaPtr with_map =
      SchemaBuilder::struct_()
          .field("m", SchemaBuilder::map(Schema::String(), Schema::String()).build())
          .build();
  Struct value(with_map);
  value.put("m", Value::Map{});
  EXPECT_THAT(Error(Smt("Flatten$Value"), {}, ValueRecord(with_map, value), CK_ERROR_DATA),
              HasSubstr("Flatten$Value: Flatten transformation does not support map for record "
                        "with schemas (for field m)."));
}

}  // namespace
}  // namespace ck::transforms_test
