// Drives a plugin with one component of every kind through FakeHost, so each generated vtable
// slot, the record marshalling in both directions and every host service is exercised.
#include "ck/testkit/fake_host.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ck/plugin.h"

namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

ck::SchemaPtr OrderSchema() {
  static const ck::SchemaPtr schema =
      ck::SchemaBuilder::struct_()
          .name("io.example.Order")
          .field("id", ck::Schema::Int64())
          .field("item", ck::Schema::String())
          .field("price", ck::Decimal::schema(2))
          .field("tags", ck::SchemaBuilder::array(ck::Schema::String()).build())
          .field("note", ck::Schema::OptionalString())
          .build();
  return schema;
}

class OrdersConnector : public ck::SourceConnector {
 public:
  std::string version() const override { return "1.2.3"; }
  ck::ConfigDef config() const override {
    ck::ConfigDef def;
    def.define(ck::ConfigDef::Key("topic", ck::ConfigType::kString)
                   .importance(ck::Importance::kHigh)
                   .doc("Topic to write to"));
    def.define(
        ck::ConfigDef::Key("password", ck::ConfigType::kPassword).default_value("").doc("Secret"));
    return def;
  }
  void start(const ck::ConfigMap& props) override { topic_ = props.at("topic"); }
  std::vector<ck::ConfigMap> task_configs(int max_tasks) override {
    std::vector<ck::ConfigMap> configs;
    configs.reserve(max_tasks);
    for (int i = 0; i < max_tasks; ++i)
      configs.push_back({{"topic", topic_}, {"task", std::to_string(i)}});
    context().request_task_reconfiguration();
    return configs;
  }
  void stop() override {}

 private:
  std::string topic_;
};

class OrdersTask : public ck::SourceTask {
 public:
  std::string version() const override { return "1.2.3"; }
  void start(const ck::ConfigMap& props) override {
    topic_ = props.at("topic");
    auto offset = context().offset_storage_reader().offset({{"shard", 1}});
    next_ = offset ? offset->at("next").get<int64_t>() : 0;
    context().log(ck::LogLevel::kInfo, "starting at " + std::to_string(next_));
  }
  std::vector<ck::SourceRecord> poll() override {
    std::vector<ck::SourceRecord> records;
    for (int i = 0; i < 3; ++i, ++next_) {
      ck::Struct order(OrderSchema());
      order.put("id", next_).put("item", "item-" + std::to_string(next_));
      order.put("price", ck::Decimal::FromString("12.34", 2));
      order.put("tags", ck::Value::Array{"a", "b"});
      ck::SourceRecord r;
      r.topic = topic_;
      r.key_schema = ck::Schema::Int64();
      r.key = next_;
      r.value_schema = OrderSchema();
      r.value = std::move(order);
      r.timestamp = 1700000000000 + next_;
      r.headers.add_string("origin", "test");
      r.source_partition = {{"shard", 1}};
      r.source_offset = {{"next", next_ + 1}};
      records.push_back(std::move(r));
    }
    return records;
  }
  void commit_record(const ck::SourceRecord& record, const ck::RecordMetadata* metadata) override {
    acked_.push_back(metadata ? metadata->offset : -1);
    if (record.source_offset.at("next") == 2) {
      context().log(ck::LogLevel::kDebug, "acked offset " + std::to_string(acked_.back()));
    }
  }
  void stop() override {}

 private:
  std::string topic_;
  int64_t next_ = 0;
  std::vector<int64_t> acked_;
};

class RowsTask : public ck::SinkTask {
 public:
  std::string version() const override { return "1.0"; }
  void start(const ck::ConfigMap&) override {}
  void put(std::vector<ck::SinkRecord> records) override {
    for (auto& r : records) {
      if (r.value.is_null()) {
        context().report_errant_record(r, "tombstones are not supported");
        continue;
      }
      written_[{r.original_topic, r.original_partition}] = r.original_offset + 1;
    }
    context().timeout(250);
    context().pause({{"orders", 1}});
    context().request_commit();
  }
  ck::OffsetMap pre_commit(const ck::OffsetMap&) override { return written_; }
  void stop() override {}

 private:
  ck::OffsetMap written_;
};

// Writes strings as upper-case bytes; reads bytes back as strings.
class UpperConverter : public ck::Converter {
 public:
  void configure(const ck::ConfigMap&, bool) override {}
  std::optional<ck::Bytes> from_connect(std::string_view, const ck::SchemaPtr&,
                                        const ck::Value& value) override {
    if (value.is_null()) return std::nullopt;
    std::string s = value.as_string();
    for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return ck::Bytes(s.begin(), s.end());
  }
  ck::SchemaAndValue to_connect(std::string_view,
                                std::optional<std::span<const uint8_t>> data) override {
    if (!data) return {ck::Schema::OptionalString(), {}};
    return {ck::Schema::OptionalString(), std::string(data->begin(), data->end())};
  }
};

// Renames the topic and drops records whose key is odd.
class RenameTopic : public ck::Transformation {
 public:
  ck::ConfigDef config() const override {
    ck::ConfigDef def;
    def.define(ck::ConfigDef::Key("prefix", ck::ConfigType::kString).doc("Topic prefix"));
    return def;
  }
  void configure(const ck::ConfigMap& props) override { prefix_ = props.at("prefix"); }
  std::optional<ck::ConnectRecord> apply(ck::ConnectRecord record) override {
    if (record.key.as_int64() % 2 != 0) return std::nullopt;
    record.topic = prefix_ + record.topic;
    return record;
  }

 private:
  std::string prefix_;
};

class IsTombstone : public ck::Predicate {
 public:
  ck::ConfigDef config() const override { return {}; }
  void configure(const ck::ConfigMap&) override {}
  bool test(const ck::ConnectRecord& record) override { return record.value.is_null(); }
};

}  // namespace

CK_PLUGIN(plugin) {
  plugin.name("orders").version("1.2.3");
  plugin.add<OrdersConnector>("io.example.OrdersSourceConnector")
      .alias("Orders")
      .description("Generates orders")
      .task("io.example.OrdersSourceTask");
  plugin.add<OrdersTask>("io.example.OrdersSourceTask");
  plugin.add<RowsTask>("io.example.RowsSinkTask");
  plugin.add<UpperConverter>("io.example.UpperConverter");
  plugin.add<RenameTopic>("io.example.RenameTopic");
  plugin.add<IsTombstone>("io.example.IsTombstone");
}

namespace {

class FakeHostTest : public ::testing::Test {
 protected:
  void SetUp() override { host_.Load(ck_plugin_entry_v1()); }
  ck::testkit::FakeHost host_;
};

TEST_F(FakeHostTest, ManifestListsEveryComponentWithItsConfig) {
  const nlohmann::json manifest =
      nlohmann::json::parse(ck::abi_internal::View(ck_plugin_entry_v1()->manifest_json));
  EXPECT_EQ(manifest["name"], "orders");
  EXPECT_EQ(manifest["abi"]["major"], CK_ABI_MAJOR);
  ASSERT_EQ(manifest["components"].size(), 6u);
  const auto& connector = manifest["components"][0];
  EXPECT_EQ(connector["kind"], "source");
  EXPECT_EQ(connector["class"], "io.example.OrdersSourceConnector");
  EXPECT_EQ(connector["aliases"], nlohmann::json::array({"Orders"}));
  EXPECT_EQ(connector["task_class"], "io.example.OrdersSourceTask");
  EXPECT_EQ(connector["version"], "1.2.3");
  EXPECT_EQ(connector["config"][0]["name"], "topic");
  EXPECT_EQ(manifest["components"][4]["kind"], "transformation");
}

TEST_F(FakeHostTest, ConnectorValidatesAndSplitsWork) {
  auto connector = host_.CreateConnector("io.example.OrdersSourceConnector");
  const nlohmann::json result = connector.Validate({{"password", "s3cret"}});
  ASSERT_EQ(result.size(), 2u);
  EXPECT_EQ(result[0]["name"], "topic");
  EXPECT_THAT(result[0]["errors"][0].get<std::string>(), HasSubstr("Missing required"));
  EXPECT_EQ(result[1]["value"], "[hidden]");

  connector.Start({{"topic", "orders"}});
  const auto configs = connector.TaskConfigs(2);
  ASSERT_EQ(configs.size(), 2u);
  EXPECT_EQ(configs[1].at("task"), "1");
  EXPECT_EQ(configs[1].at("topic"), "orders");
  EXPECT_EQ(host_.reconfiguration_requests(), 1);
  connector.Stop();
}

TEST_F(FakeHostTest, SourceTaskResumesFromStoredOffsetAndPollsRecords) {
  host_.SetOffset({{"shard", 1}}, {{"next", 40}});
  auto task = host_.CreateSourceTask("io.example.OrdersSourceTask");
  task.Start({{"topic", "orders"}});
  const auto records = task.Poll();
  ASSERT_EQ(records.size(), 3u);
  const ck::SourceRecord& r = records[1];
  EXPECT_EQ(r.topic, "orders");
  EXPECT_EQ(r.key, ck::Value(int64_t{41}));
  EXPECT_TRUE(ck::SchemaEquals(r.value_schema, OrderSchema()));
  const ck::Struct& order = r.value.as_struct();
  EXPECT_EQ(order.get_string("item"), "item-41");
  EXPECT_EQ(ck::Decimal::ToString(order.get_bytes("price"), 2), "12.34");
  EXPECT_EQ(order.get_array("tags"), (ck::Value::Array{"a", "b"}));
  EXPECT_TRUE(order.get("note").is_null());
  EXPECT_EQ(r.timestamp, 1700000000041);
  EXPECT_EQ(r.headers.last_with_name("origin")->value, ck::Value("test"));
  EXPECT_EQ(r.source_partition, nlohmann::json({{"shard", 1}}));
  EXPECT_EQ(r.source_offset, nlohmann::json({{"next", 42}}));
  EXPECT_THAT(host_.logs().back().message, "starting at 40");
  EXPECT_EQ(host_.logs().back().context, "connector|task-0");
  task.Stop();
}

TEST_F(FakeHostTest, CommitRecordReceivesTheAcknowledgedRecord) {
  auto task = host_.CreateSourceTask("io.example.OrdersSourceTask");
  task.Start({{"topic", "orders"}});
  auto batch = task.PollBatch();
  ck_record_metadata md{batch->records[1].topic, 0, 0, 77, CK_NO_TIMESTAMP};
  task.CommitRecord(batch->records[1], &md);
  EXPECT_EQ(host_.logs().back().message, "acked offset 77");
}

TEST_F(FakeHostTest, SinkTaskUsesEveryContextService) {
  auto task = host_.CreateSinkTask("io.example.RowsSinkTask");
  task.Start({});
  task.Open({{"orders", 0}, {"orders", 1}});
  std::vector<ck::SinkRecord> records(2);
  for (int i = 0; i < 2; ++i) {
    records[i].topic = "renamed";
    records[i].original_topic = "orders";
    records[i].original_partition = 0;
    records[i].original_offset = 10 + i;
    records[i].kafka_offset = 10 + i;
    records[i].value = i == 0 ? ck::Value("row") : ck::Value();
  }
  task.Put(records);
  EXPECT_EQ(task.PreCommit({{{"orders", 0}, 99}}), (ck::OffsetMap{{{"orders", 0}, 11}}));
  ASSERT_EQ(host_.errant_reports().size(), 1u);
  EXPECT_EQ(host_.errant_reports()[0].offset, 11);
  EXPECT_EQ(host_.errant_reports()[0].reason, "tombstones are not supported");
  EXPECT_EQ(host_.sink_timeout(), 250);
  EXPECT_THAT(host_.paused(), ElementsAre(ck::TopicPartition{"orders", 1}));
  EXPECT_EQ(host_.commit_requests(), 1);
  task.Close({{"orders", 0}});
  task.Stop();
}

TEST_F(FakeHostTest, ConverterRoundTripsAndKeepsNullDistinctFromEmpty) {
  auto converter = host_.CreateConverter("io.example.UpperConverter");
  converter.Configure({}, false);
  EXPECT_EQ(converter.FromConnect("t", {ck::Schema::String(), "abc"}), ck::Bytes({'A', 'B', 'C'}));
  EXPECT_EQ(converter.FromConnect("t", {ck::Schema::OptionalString(), {}}), std::nullopt);
  EXPECT_EQ(converter.FromConnect("t", {ck::Schema::String(), ""}), ck::Bytes());
  EXPECT_EQ(converter.ToConnect("t", ck::Bytes({'x'})).value, ck::Value("x"));
  EXPECT_TRUE(converter.ToConnect("t", std::nullopt).value.is_null());
  EXPECT_EQ(converter.ToConnect("t", ck::Bytes()).value, ck::Value(""));
}

TEST_F(FakeHostTest, TransformationRewritesAndDropsKeepingOrder) {
  auto smt = host_.CreateTransformation("io.example.RenameTopic");
  smt.Configure({{"prefix", "x."}});
  std::vector<ck::ConnectRecord> in(5);
  for (int i = 0; i < 5; ++i) {
    in[i].topic = "t";
    in[i].key = int64_t{i};
  }
  const auto out = smt.Apply(in);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].topic, "x.t");
  EXPECT_EQ(out[1].key, ck::Value(int64_t{2}));
  EXPECT_EQ(out[2].key, ck::Value(int64_t{4}));
}

TEST_F(FakeHostTest, TransformationKeepsStructValuesAcrossABatch) {
  auto smt = host_.CreateTransformation("io.example.RenameTopic");
  smt.Configure({{"prefix", "x."}});
  std::vector<ck::ConnectRecord> in(4);
  for (int i = 0; i < 4; ++i) {
    in[i].topic = "t";
    in[i].key = int64_t{2 * i};
    // A schema object per record, equal in value: as records decoded one by one arrive.
    const ck::SchemaPtr schema = ck::SchemaBuilder::struct_()
                                     .field("id", ck::Schema::Int64())
                                     .field("amount", ck::Schema::Float64())
                                     .build();
    ck::Struct order(schema);
    order.put("id", int64_t{i}).put("amount", 1.5);
    in[i].value_schema = schema;
    in[i].value = std::move(order);
  }
  const auto out = smt.Apply(in);
  ASSERT_EQ(out.size(), 4u);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(out[i].value.as_struct().get_int64("id"), i);
}

TEST_F(FakeHostTest, PredicateTestsEachRecord) {
  auto predicate = host_.CreatePredicate("io.example.IsTombstone");
  predicate.Configure({});
  std::vector<ck::ConnectRecord> in(2);
  in[1].value = "x";
  EXPECT_THAT(predicate.Test(in), ElementsAre(true, false));
}

TEST_F(FakeHostTest, UnknownComponentIsRefusedWithTheKnownOnes) {
  try {
    host_.CreateSourceTask("io.example.Nope");
    FAIL() << "expected an error";
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("io.example.Nope"));
    EXPECT_THAT(e.what(), HasSubstr("io.example.OrdersSourceTask"));
  }
}

}  // namespace
