// Tests of the file sink through FakeHost: one line per record value in Java's string form,
// durability at flush/pre_commit, appending, several tasks sharing a file, stop() writing what is
// buffered, and the connector's task split and validation.
#include "reference-connectors/file/file_sink.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "ck/abi/ck_abi.h"
#include "ck/host/host_support.h"
#include "ck/schema.h"
#include "ck/testkit/fake_host.h"
#include "ck/value.h"

namespace ck::file {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::filesystem::path MakeTempDir() {
  const char* base = std::getenv("TEST_TMPDIR");
  std::string pattern = std::string(base != nullptr ? base : "/tmp") + "/file_sink_XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

SinkRecord Record(SchemaPtr schema, Value value, int64_t offset = 0) {
  SinkRecord r;
  r.topic = r.original_topic = "events";
  r.kafka_partition = 0;
  r.original_partition = 0;
  r.kafka_offset = r.original_offset = offset;
  r.value_schema = std::move(schema);
  r.value = std::move(value);
  return r;
}

class FileSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    host_.Load(ck_plugin_entry_v1());
    dir_ = MakeTempDir();
    path_ = dir_ / "output.txt";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  testkit::SinkTaskDriver StartTask() {
    testkit::SinkTaskDriver task = host_.CreateSinkTask(kSinkTaskClass);
    task.Start({{"file", path_.string()}, {"topics", "events"}});
    task.Open({{"events", 0}});
    return task;
  }

  // Puts `values` (strings) and returns the file's content after pre_commit.
  std::string PutAndCommit(const testkit::SinkTaskDriver& task,
                           const std::vector<SinkRecord>& records) {
    task.Put(records);
    const OffsetMap offsets = {{{"events", 0}, 42}};
    EXPECT_EQ(task.PreCommit(offsets), offsets);  // the default: flush, then commit everything
    return ReadFile(path_);
  }

  testkit::FakeHost host_;
  std::filesystem::path dir_;
  std::filesystem::path path_;
};

TEST_F(FileSinkTest, WritesOneLinePerValueDurablyAtCommit) {
  auto task = StartTask();
  EXPECT_EQ(
      PutAndCommit(task, {Record(Schema::String(), "a", 0), Record(Schema::String(), "b", 1)}),
      "a\nb\n");
  EXPECT_EQ(PutAndCommit(task, {Record(Schema::OptionalString(), "c", 2)}), "a\nb\nc\n");
  task.Close({{"events", 0}});
  task.Stop();
}

TEST_F(FileSinkTest, AppendsToAnExistingFile) {
  std::ofstream(path_) << "kept\n";
  auto task = StartTask();
  EXPECT_EQ(PutAndCommit(task, {Record(Schema::String(), "new")}), "kept\nnew\n");
}

TEST_F(FileSinkTest, StopWritesWhatIsStillBuffered) {
  auto task = StartTask();
  task.Put({Record(Schema::String(), "last")});
  task.Stop();
  EXPECT_EQ(ReadFile(path_), "last\n");
}

TEST_F(FileSinkTest, TasksSharingTheFileNeverSplitALine) {
  auto first = StartTask();
  auto second = StartTask();
  const std::string a(5000, 'a'), b(5000, 'b');
  for (int round = 0; round < 20; ++round) {
    first.Put({Record(Schema::String(), a)});
    second.Put({Record(Schema::String(), b)});
    first.PreCommit({});
    second.PreCommit({});
  }
  std::istringstream lines(ReadFile(path_));
  int count = 0;
  for (std::string line; std::getline(lines, line); ++count) {
    EXPECT_TRUE(line == a || line == b) << "line " << count << " is mixed";
  }
  EXPECT_EQ(count, 40);
}

TEST_F(FileSinkTest, WritesTheStringFormJavaPrintsForEachValue) {
  const SchemaPtr tags = SchemaBuilder::array(Schema::String()).build();
  const SchemaPtr order = SchemaBuilder::struct_()
                              .name("Order")
                              .field("id", Schema::Int64())
                              .field("note", Schema::OptionalString())
                              .field("tags", tags)
                              .field("price", Decimal::schema(2))
                              .build();
  Struct value(order);
  value.put("id", int64_t{7}).put("tags", Value::Array{"a", "b"});
  value.put("price", Decimal::FromString("-12.50", 2));
  const SchemaPtr map = SchemaBuilder::map(Schema::String(), Schema::Int32()).build();
  const SchemaPtr blobs = SchemaBuilder::array(Schema::Bytes()).build();

  auto task = StartTask();
  const std::string content =
      PutAndCommit(task, {
                             Record(Schema::OptionalString(), Value()),
                             Record(Schema::Int32(), int32_t{42}),
                             Record(Schema::Int64(), int64_t{-7}),
                             Record(Schema::Int8(), int8_t{-8}),
                             Record(Schema::Boolean(), true),
                             Record(Schema::Float64(), 1.5),
                             Record(Schema::Float64(), 100.0),
                             Record(Schema::Float64(), 1e10),
                             Record(Schema::Float64(), 0.0001),
                             Record(Schema::Float32(), 0.1f),
                             Record(order, std::move(value)),
                             Record(map, Value::Map{{"k", int32_t{1}}, {"l", int32_t{2}}}),
                             Record(Decimal::schema(3), Decimal::FromString("3.14", 3)),
                             Record(Timestamp::schema(), int64_t{1700000000000}),
                             Record(Timestamp::schema(), int64_t{-1000}),
                             Record(Date::schema(), int32_t{19000}),
                             Record(Time::schema(), int32_t{3723000}),
                             Record(Schema::Bytes(), Bytes{'h', 'i'}),
                             Record(blobs, Value::Array{Bytes{'h', 'i'}, Bytes{}}),
                             Record(nullptr, Value::Array{int32_t{1}, "x"}),
                         });
  EXPECT_EQ(content,
            "null\n"
            "42\n"
            "-7\n"
            "-8\n"
            "true\n"
            "1.5\n"
            "100.0\n"
            "1.0E10\n"
            "1.0E-4\n"
            "0.1\n"
            "Struct{id=7,tags=[a, b],price=-12.50}\n"
            "{k=1, l=2}\n"
            "3.140\n"
            "Tue Nov 14 22:13:20 UTC 2023\n"
            "Wed Dec 31 23:59:59 UTC 1969\n"
            "Sat Jan 08 00:00:00 UTC 2022\n"
            "Thu Jan 01 01:02:03 UTC 1970\n"
            "hi\n"
            "[aGk=, ]\n"
            "[1, x]\n");
}

TEST_F(FileSinkTest, StartFailsNamingAFileItCannotCreate) {
  auto task = host_.CreateSinkTask(kSinkTaskClass);
  const std::string path = (dir_ / "missing-dir" / "out.txt").string();
  try {
    task.Start({{"file", path}});
    FAIL() << "expected the start to fail";
  } catch (const host::AbiError& e) {
    EXPECT_THAT(e.what(), HasSubstr("Couldn't find or create file '" + path +
                                    "' for FileStreamSinkTask: No such file or directory"));
  }
}

TEST_F(FileSinkTest, ConnectorGivesEveryTaskTheSameConfiguration) {
  auto connector = host_.CreateConnector(kSinkConnectorClass);
  const ConfigMap config = {{"file", path_.string()}, {"topics", "events"}};
  connector.Start(config);
  EXPECT_THAT(connector.TaskConfigs(3), ElementsAre(config, config, config));
  connector.Stop();
  const nlohmann::json result = connector.Validate({{"topics", "events"}});
  ASSERT_EQ(result.size(), 1u);
  EXPECT_EQ(result[0]["name"], "file");
  EXPECT_THAT(result[0]["errors"], IsEmpty());
}

TEST(FileSinkConnectorTest, AlterOffsetsAcceptsAnything) {
  FileStreamSinkConnector connector;
  EXPECT_TRUE(connector.alter_offsets({}, {{{"events", 0}, 5}, {{"events", 1}, std::nullopt}}));
}

}  // namespace
}  // namespace ck::file
