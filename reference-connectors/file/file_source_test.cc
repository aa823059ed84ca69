// Tests of the file source through FakeHost (the plugin's real ABI entry point): lines and byte
// offsets, resuming from a committed offset, partial lines, line terminators, batch size,
// truncated/replaced/missing files, standard input, invalid UTF-8, stop() from another thread,
// and the connector's validation, task split and offset checks.
#include "reference-connectors/file/file_source.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "ck/abi/ck_abi.h"
#include "ck/host/host_support.h"
#include "ck/testkit/fake_host.h"

namespace ck::file {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using Clock = std::chrono::steady_clock;

std::filesystem::path MakeTempDir() {
  const char* base = std::getenv("TEST_TMPDIR");
  std::string pattern = std::string(base != nullptr ? base : "/tmp") + "/file_source_XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

void WriteFile(const std::filesystem::path& path, const std::string& content,
               std::ios::openmode mode = std::ios::trunc) {
  std::ofstream out(path, std::ios::binary | std::ios::out | mode);
  out << content;
}

std::vector<std::string> Values(const std::vector<SourceRecord>& records) {
  std::vector<std::string> out;
  out.reserve(records.size());
  for (const SourceRecord& r : records) out.push_back(r.value.as_string());
  return out;
}

std::vector<int64_t> Positions(const std::vector<SourceRecord>& records) {
  std::vector<int64_t> out;
  out.reserve(records.size());
  for (const SourceRecord& r : records) out.push_back(r.source_offset.at("position"));
  return out;
}

class FileSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    host_.Load(ck_plugin_entry_v1());
    dir_ = MakeTempDir();
    path_ = dir_ / "input.txt";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  testkit::SourceTaskDriver StartTask(const ConfigMap& extra = {}) {
    ConfigMap config = {{"file", path_.string()}, {"topic", "lines"}};
    for (auto& [key, value] : extra) config.insert_or_assign(key, value);
    testkit::SourceTaskDriver task = host_.CreateSourceTask(kSourceTaskClass);
    task.Start(config);
    return task;
  }

  // Whether some log line contains `text`, waiting up to five seconds for it.
  bool WaitForLog(const std::string& text) {
    const auto deadline = Clock::now() + std::chrono::seconds(5);
    do {
      for (const testkit::LogLine& line : host_.logs()) {
        if (line.message.find(text) != std::string::npos) return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    } while (Clock::now() < deadline);
    return false;
  }

  bool Logged(const std::string& text) const {
    for (const testkit::LogLine& line : host_.logs()) {
      if (line.message.find(text) != std::string::npos) return true;
    }
    return false;
  }

  testkit::FakeHost host_;
  std::filesystem::path dir_;
  std::filesystem::path path_;
};

TEST_F(FileSourceTest, EmitsEachLineWithTheByteOffsetAfterIt) {
  WriteFile(path_, "a\nbb\nccc\n");
  auto task = StartTask();
  const auto records = task.Poll();
  ASSERT_EQ(records.size(), 3u);
  EXPECT_THAT(Values(records), ElementsAre("a", "bb", "ccc"));
  EXPECT_THAT(Positions(records), ElementsAre(2, 5, 9));
  for (const SourceRecord& r : records) {
    EXPECT_EQ(r.topic, "lines");
    EXPECT_EQ(r.source_partition, nlohmann::json({{"filename", path_.string()}}));
    EXPECT_EQ(r.key_schema, nullptr);
    EXPECT_TRUE(r.key.is_null());
    EXPECT_TRUE(SchemaEquals(r.value_schema, Schema::OptionalString()));
    EXPECT_FALSE(r.kafka_partition.has_value());
    EXPECT_TRUE(r.timestamp.has_value());
  }
  task.Stop();
}

TEST_F(FileSourceTest, ResumesFromTheCommittedOffset) {
  WriteFile(path_, "a\nbb\nccc\n");
  host_.SetOffset({{"filename", path_.string()}}, {{"position", 2}});
  auto task = StartTask();
  const auto records = task.Poll();
  EXPECT_THAT(Values(records), ElementsAre("bb", "ccc"));
  EXPECT_THAT(Positions(records), ElementsAre(5, 9));
}

TEST_F(FileSourceTest, OffsetsOfAnotherFileDoNotApply) {
  WriteFile(path_, "a\nbb\n");
  host_.SetOffset({{"filename", (dir_ / "other.txt").string()}}, {{"position", 2}});
  auto task = StartTask();
  EXPECT_THAT(Values(task.Poll()), ElementsAre("a", "bb"));
}

TEST_F(FileSourceTest, HoldsAPartialLastLineUntilItsNewlineArrives) {
  WriteFile(path_, "a\nb");
  auto task = StartTask();
  auto records = task.Poll();
  EXPECT_THAT(Values(records), ElementsAre("a"));
  EXPECT_THAT(Positions(records), ElementsAre(2));
  WriteFile(path_, "c\nd", std::ios::app);
  records = task.Poll();
  EXPECT_THAT(Values(records), ElementsAre("bc"));
  EXPECT_THAT(Positions(records), ElementsAre(5));
}

TEST_F(FileSourceTest, SplitsOnLfCrLfAndLoneCr) {
  // A "\r" at the end of what was read may start a "\r\n": the line waits for the next byte.
  WriteFile(path_, "x\r\ny\rz\nw\r");
  auto task = StartTask();
  auto records = task.Poll();
  EXPECT_THAT(Values(records), ElementsAre("x", "y", "z"));
  EXPECT_THAT(Positions(records), ElementsAre(3, 5, 7));
  WriteFile(path_, "\n", std::ios::app);
  records = task.Poll();
  EXPECT_THAT(Values(records), ElementsAre("w"));
  EXPECT_THAT(Positions(records), ElementsAre(10));
}

TEST_F(FileSourceTest, ReturnsAtMostBatchSizeLinesPerPoll) {
  WriteFile(path_, "1\n2\n3\n4\n5\n");
  auto task = StartTask({{"batch.size", "2"}});
  EXPECT_THAT(Positions(task.Poll()), ElementsAre(2, 4));
  EXPECT_THAT(Positions(task.Poll()), ElementsAre(6, 8));
  EXPECT_THAT(Positions(task.Poll()), ElementsAre(10));
}

TEST_F(FileSourceTest, ReadsLinesLongerThanOneReadChunk) {
  const std::string long_line(200 * 1024, 'x');
  WriteFile(path_, long_line + "\nshort\n");
  auto task = StartTask();
  const auto records = task.Poll();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].value.as_string(), long_line);
  const auto length = static_cast<int64_t>(long_line.size());
  EXPECT_THAT(Positions(records), ElementsAre(length + 1, length + 7));
}

TEST_F(FileSourceTest, ReadsATruncatedFileAgainFromTheStart) {
  WriteFile(path_, "aaa\nbbb\n");
  auto task = StartTask();
  EXPECT_THAT(Values(task.Poll()), ElementsAre("aaa", "bbb"));
  WriteFile(path_, "c\n");  // truncates in place: same file, now shorter than what was read
  const auto records = task.Poll();
  EXPECT_THAT(Values(records), ElementsAre("c"));
  EXPECT_THAT(Positions(records), ElementsAre(2));
  EXPECT_TRUE(Logged("was truncated to 2 bytes"));
}

TEST_F(FileSourceTest, StartsFromTheBeginningWhenTheCommittedOffsetIsPastTheEnd) {
  WriteFile(path_, "a\n");
  host_.SetOffset({{"filename", path_.string()}}, {{"position", 100}});
  auto task = StartTask();
  const auto records = task.Poll();
  EXPECT_THAT(Values(records), ElementsAre("a"));
  EXPECT_THAT(Positions(records), ElementsAre(2));
  EXPECT_TRUE(Logged("Committed position 100"));
}

TEST_F(FileSourceTest, ReadsAReplacementFileFromTheStart) {
  WriteFile(path_, "one\n");
  auto task = StartTask();
  EXPECT_THAT(Values(task.Poll()), ElementsAre("one"));
  const auto next = dir_ / "next.txt";
  WriteFile(next, "two\nthree\n");
  std::filesystem::rename(next, path_);
  const auto records = task.Poll();
  EXPECT_THAT(Values(records), ElementsAre("two", "three"));
  EXPECT_THAT(Positions(records), ElementsAre(4, 10));
  EXPECT_TRUE(Logged("was replaced"));
}

TEST_F(FileSourceTest, WaitsForAMissingFileAndReadsItOnceCreated) {
  auto task = StartTask();
  const auto started = Clock::now();
  EXPECT_THAT(task.Poll(), IsEmpty());
  EXPECT_LT(Clock::now() - started, std::chrono::milliseconds(1500));  // "within about a second"
  EXPECT_TRUE(Logged("Couldn't find file " + path_.string()));
  WriteFile(path_, "late\n");
  EXPECT_THAT(Values(task.Poll()), ElementsAre("late"));
}

TEST_F(FileSourceTest, StopFromAnotherThreadWakesAWaitingPoll) {
  auto task = StartTask();  // the file is missing: poll() waits for it
  auto poll = std::async(std::launch::async, [&task] { return task.Poll(); });
  ASSERT_TRUE(WaitForLog("Couldn't find file"));  // logged just before it waits
  const auto stopped = Clock::now();
  task.Stop();
  ASSERT_EQ(poll.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  EXPECT_LT(Clock::now() - stopped, std::chrono::milliseconds(500));
  EXPECT_THAT(poll.get(), IsEmpty());
  EXPECT_THAT(task.Poll(), IsEmpty());  // and stays stopped, without waiting
}

TEST_F(FileSourceTest, ReplacesInvalidUtf8AndCountsOffsetsInBytes) {
  WriteFile(path_, "ok\xff\xfe!\n\xc3\xa9t\xc3\xa9\n");
  auto task = StartTask();
  const auto records = task.Poll();
  EXPECT_THAT(Values(records), ElementsAre("ok\xEF\xBF\xBD\xEF\xBF\xBD!", "\xc3\xa9t\xc3\xa9"));
  EXPECT_THAT(Positions(records), ElementsAre(6, 12));
}

TEST_F(FileSourceTest, ReadsStandardInputWithoutOffsets) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const int saved_stdin = dup(STDIN_FILENO);
  ASSERT_GE(dup2(fds[0], STDIN_FILENO), 0);
  close(fds[0]);
  const std::string input = "first\nsecond\npartial";
  ASSERT_EQ(write(fds[1], input.data(), input.size()), static_cast<ssize_t>(input.size()));
  {
    auto task = StartTask({{"file", ""}});
    const auto records = task.Poll();
    EXPECT_THAT(Values(records), ElementsAre("first", "second"));
    for (const SourceRecord& r : records) {
      EXPECT_EQ(r.source_partition, nlohmann::json::object());
      EXPECT_EQ(r.source_offset, nlohmann::json::object());
    }
    ASSERT_EQ(write(fds[1], "\n", 1), 1);
    EXPECT_THAT(Values(task.Poll()), ElementsAre("partial"));
    task.Stop();
  }
  close(fds[1]);
  dup2(saved_stdin, STDIN_FILENO);
  close(saved_stdin);
}

TEST_F(FileSourceTest, RefusesACommittedOffsetOfTheWrongShape) {
  host_.SetOffset({{"filename", path_.string()}}, {{"position", "ten"}});
  auto task = host_.CreateSourceTask(kSourceTaskClass);
  try {
    task.Start({{"file", path_.string()}, {"topic", "lines"}});
    FAIL() << "expected the start to fail";
  } catch (const host::AbiError& e) {
    EXPECT_THAT(e.what(), HasSubstr("Offset position is the incorrect type"));
    EXPECT_THAT(e.what(), HasSubstr("\"ten\""));
  }
}

// ---- The connector ---------------------------------------------------------------------------

std::vector<std::string> ErrorsOf(const nlohmann::json& validation, const std::string& key) {
  for (const auto& entry : validation) {
    if (entry["name"] == key) return entry["errors"].get<std::vector<std::string>>();
  }
  return {"no such key: " + key};
}

TEST_F(FileSourceTest, ConnectorRunsOneTaskWithItsConfiguration) {
  auto connector = host_.CreateConnector(kSourceConnectorClass);
  const ConfigMap config = {{"file", path_.string()}, {"topic", "lines"}, {"name", "src"}};
  connector.Start(config);
  EXPECT_THAT(connector.TaskConfigs(5), ElementsAre(config));
  connector.Stop();
}

TEST_F(FileSourceTest, ValidationNamesTheKeyTheValueAndWhatIsAccepted) {
  auto connector = host_.CreateConnector(kSourceConnectorClass);
  auto result = connector.Validate({});
  EXPECT_THAT(ErrorsOf(result, "topic"),
              ElementsAre("Missing required configuration \"topic\" which has no default value."));
  EXPECT_THAT(ErrorsOf(result, "file"), IsEmpty());
  EXPECT_THAT(ErrorsOf(result, "batch.size"), IsEmpty());

  result = connector.Validate({{"topic", "a,b"}, {"batch.size", "0"}});
  EXPECT_THAT(ErrorsOf(result, "topic"),
              ElementsAre("Invalid value a,b for configuration topic: String must match the "
                          "regular expression [a-zA-Z0-9._-]{1,249}"));
  EXPECT_THAT(
      ErrorsOf(result, "batch.size"),
      ElementsAre("Invalid value 0 for configuration batch.size: Value must be at least 1"));

  try {
    connector.Start({{"topic", "t"}, {"batch.size", "many"}});
    FAIL() << "expected the start to fail";
  } catch (const host::AbiError& e) {
    EXPECT_THAT(e.what(), HasSubstr("Invalid value many for configuration batch.size"));
  }
}

TEST(FileSourceConnectorTest, ExactlyOnceOnlyForAFile) {
  FileStreamSourceConnector connector;
  EXPECT_EQ(connector.exactly_once_support({{"topic", "t"}}), ExactlyOnceSupport::kUnsupported);
  EXPECT_EQ(connector.exactly_once_support({{"topic", "t"}, {"file", "/x"}}),
            ExactlyOnceSupport::kSupported);
}

TEST(FileSourceConnectorTest, AlterOffsetsAcceptsOnlyTheShapeTheTaskWrites) {
  FileStreamSourceConnector connector;
  const ConfigMap config = {{"topic", "t"}, {"file", "/x"}};
  const nlohmann::json partition = {{"filename", "/x"}};
  using Offsets = std::vector<std::pair<nlohmann::json, std::optional<nlohmann::json>>>;
  EXPECT_TRUE(
      connector.alter_offsets(config, Offsets{{partition, nlohmann::json{{"position", 7}}}}));
  EXPECT_TRUE(connector.alter_offsets(config, Offsets{{{{"junk", 1}}, std::nullopt}}));
  const auto refusal = [&](const Offsets& offsets) {
    try {
      connector.alter_offsets(config, offsets);
    } catch (const ConnectError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_THAT(refusal({{partition, nlohmann::json{{"position", -1}}}}),
              HasSubstr("should be a non-negative value; got -1"));
  EXPECT_THAT(refusal({{partition, nlohmann::json{{"position", "7"}}}}),
              HasSubstr("expected to be an integer; got \"7\""));
  EXPECT_THAT(refusal({{partition, nlohmann::json{{"offset", 7}}}}), HasSubstr("'position'"));
  EXPECT_THAT(refusal({{{{"file", "/x"}}, nlohmann::json{{"position", 7}}}}),
              HasSubstr("'filename'"));
  try {
    connector.alter_offsets({{"topic", "t"}}, Offsets{});
    FAIL() << "expected a refusal for standard input";
  } catch (const ConnectError& e) {
    EXPECT_THAT(e.what(), HasSubstr("stdin is used for input"));
  }
}

TEST(FilePluginTest, ManifestNamesKafkasClassesAndAliases) {
  const ck_str text = ck_plugin_entry_v1()->manifest_json;
  const nlohmann::json manifest = nlohmann::json::parse(std::string(text.ptr, text.len));
  EXPECT_EQ(manifest["name"], "file");
  std::map<std::string, nlohmann::json> components;
  for (const auto& c : manifest["components"]) components[c["class"]] = c;
  ASSERT_EQ(components.size(), 4u);
  const auto& source = components.at(kSourceConnectorClass);
  EXPECT_EQ(source["kind"], "source");
  EXPECT_EQ(source["aliases"], nlohmann::json::array({"FileStreamSource"}));
  EXPECT_EQ(source["task_class"], kSourceTaskClass);
  const auto& sink = components.at("org.apache.kafka.connect.file.FileStreamSinkConnector");
  EXPECT_EQ(sink["kind"], "sink");
  EXPECT_EQ(sink["aliases"], nlohmann::json::array({"FileStreamSink"}));
  EXPECT_EQ(sink["task_class"], "org.apache.kafka.connect.file.FileStreamSinkTask");
}

}  // namespace
}  // namespace ck::file
