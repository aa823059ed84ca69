// The standalone worker against a real Apache Kafka broker (KRaft, from the testkit), run as a
// user runs it: the connectkit binary, worker.properties, connector files, and the reference
// plugins (ck_plugin() tarballs) on plugin.path.
//
// - file -> Kafka -> file: every line of a large file arrives in the sink file, in order.
// - SIGKILL mid-stream, then restart: the sink file holds every datagen sequence number; the only
//   duplicates are records produced after the last offset commit before the kill.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "ck/testkit/kafka_cluster.h"
#include "testkit/services/local_service.h"

namespace {

using ck::testkit::KafkaCluster;
using ck::testkit::services_internal::ChildProcess;
using ck::testkit::services_internal::ScratchDir;

std::string Runfile(const std::string& path) { return std::filesystem::absolute(path).string(); }

int64_t CountLines(const std::string& path) {
  std::ifstream in(path);
  int64_t n = 0;
  std::string line;
  while (std::getline(in, line)) ++n;
  return n;
}

void WriteFile(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

class StandaloneKafkaTest : public ::testing::Test {
 protected:
  // Fixed topic and connector names: a cluster of its own, never a shared one.
  static void SetUpTestSuite() { kafka_ = KafkaCluster::Start({.exclusive = true}).release(); }
  static void TearDownTestSuite() {
    delete kafka_;
    kafka_ = nullptr;
  }

  void SetUp() override {
    plugins_ = dir_.path() + "/plugins";
    std::filesystem::create_directories(plugins_);
    for (const char* tarball :
         {"reference-connectors/datagen/datagen.tar.gz", "reference-connectors/file/file.tar.gz"}) {
      std::filesystem::copy(Runfile(tarball), plugins_);
    }
  }

  // A worker.properties for the real broker, with offsets flushed every `flush_ms`.
  std::string WorkerProperties(int flush_ms) {
    std::string path = dir_.path() + "/worker.properties";
    WriteFile(path, "bootstrap.servers=" + kafka_->bootstrap_servers() +
                        "\n"
                        "offset.storage.file.filename=" +
                        dir_.path() + "/connect.offsets\n" +
                        "offset.flush.interval.ms=" + std::to_string(flush_ms) + "\n" +
                        "plugin.path=" + plugins_ + "\n" + "listeners=http://127.0.0.1:0\n" +
                        "key.converter=org.apache.kafka.connect.json.JsonConverter\n"
                        "value.converter=org.apache.kafka.connect.json.JsonConverter\n"
                        "key.converter.schemas.enable=false\n"
                        "value.converter.schemas.enable=false\n");
    return path;
  }

  ChildProcess StartWorker(const std::vector<std::string>& files) {
    std::vector<std::string> argv = {Runfile("runtime/cli/connectkit"), "standalone"};
    argv.insert(argv.end(), files.begin(), files.end());
    return ChildProcess::Spawn(argv, dir_.path() + "/worker.log");
  }

  // Waits until `done` holds or the worker dies, failing the test after `timeout`.
  template <typename Done>
  void WaitFor(ChildProcess& worker, Done done, std::chrono::seconds timeout, const char* what) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
      ASSERT_TRUE(worker.Running())
          << "the worker died (" << worker.DescribeExit() << ") waiting for " << what << "\n"
          << ck::testkit::services_internal::FileTail(dir_.path() + "/worker.log", 4000);
      ASSERT_LT(std::chrono::steady_clock::now(), deadline)
          << "timed out waiting for " << what << "\n"
          << ck::testkit::services_internal::FileTail(dir_.path() + "/worker.log", 4000);
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }

  static KafkaCluster* kafka_;
  ScratchDir dir_{"ck-e2e"};
  std::string plugins_;
};

KafkaCluster* StandaloneKafkaTest::kafka_ = nullptr;

TEST_F(StandaloneKafkaTest, FileToKafkaToFileKeepsEveryLineInOrder) {
  constexpr int64_t kLines = 1000000;
  const std::string input = dir_.path() + "/input.txt";
  {
    std::ofstream out(input);
    for (int64_t i = 0; i < kLines; ++i) out << "line-" << i << '\n';
  }
  const std::string output = dir_.path() + "/output.txt";
  kafka_->CreateTopic("lines", 1);
  const std::string source = dir_.path() + "/source.properties";
  WriteFile(source,
            "name=file-source\nconnector.class=FileStreamSource\ntopic=lines\nfile=" + input +
                "\nvalue.converter=org.apache.kafka.connect.storage.StringConverter\n");
  const std::string sink = dir_.path() + "/sink.json";
  WriteFile(sink, nlohmann::json(
                      {{"name", "file-sink"},
                       {"config",
                        {{"connector.class", "FileStreamSink"},
                         {"topics", "lines"},
                         {"file", output},
                         {"value.converter", "org.apache.kafka.connect.storage.StringConverter"}}}})
                      .dump());
  ChildProcess worker = StartWorker({WorkerProperties(1000), source, sink});
  WaitFor(
      worker, [&] { return CountLines(output) >= kLines; }, std::chrono::seconds(240),
      "every line in the sink file");
  worker.Stop(std::chrono::seconds(30));
  EXPECT_EQ(worker.exit_status(), 0) << worker.DescribeExit();
  std::ifstream in(output);
  std::string line;
  for (int64_t i = 0; i < kLines; ++i) {
    ASSERT_TRUE(std::getline(in, line)) << "missing line " << i;
    ASSERT_EQ(line, "line-" + std::to_string(i));
  }
  EXPECT_FALSE(std::getline(in, line)) << "extra line: " << line;
}

TEST_F(StandaloneKafkaTest, SigkillMidStreamLosesNothingAfterRestart) {
  constexpr int64_t kPerTask = 100000;
  constexpr int kTasks = 2;
  const std::string output = dir_.path() + "/orders.jsonl";
  kafka_->CreateTopic("orders", 2);
  const std::string source = dir_.path() + "/datagen.properties";
  WriteFile(source, "name=orders-source\nconnector.class=Datagen\nkafka.topic=orders\ntasks.max=" +
                        std::to_string(kTasks) + "\ncount=" + std::to_string(kPerTask) +
                        "\nrate=20000\n");
  const std::string sink = dir_.path() + "/sink.properties";
  WriteFile(sink,
            "name=orders-sink\nconnector.class=FileStreamSink\ntopics=orders\nfile=" + output +
                "\nvalue.converter=org.apache.kafka.connect.storage.StringConverter\n");
  const std::string worker_properties = WorkerProperties(500);
  {
    ChildProcess worker = StartWorker({worker_properties, source, sink});
    WaitFor(
        worker, [&] { return CountLines(output) >= kPerTask / 2; }, std::chrono::seconds(120),
        "records before the kill");
    worker.Kill();
  }
  const int64_t before_restart = CountLines(output);
  ASSERT_LT(before_restart, kPerTask * kTasks) << "the kill came too late to test anything";
  ChildProcess worker = StartWorker({worker_properties, source, sink});
  std::map<int, std::set<int64_t>> seen;
  int64_t duplicates = 0;
  auto complete = [&] {
    seen.clear();
    duplicates = 0;
    std::ifstream in(output);
    std::string line;
    while (std::getline(in, line)) {
      const nlohmann::json value = nlohmann::json::parse(line, nullptr, false);
      if (value.is_discarded()) continue;  // a line torn by the kill
      if (!seen[value.at("task").get<int>()].insert(value.at("seq").get<int64_t>()).second) {
        ++duplicates;
      }
    }
    for (int t = 0; t < kTasks; ++t) {
      if (static_cast<int64_t>(seen[t].size()) < kPerTask) return false;
    }
    return true;
  };
  WaitFor(worker, complete, std::chrono::seconds(240), "every sequence number after the restart");
  worker.Stop(std::chrono::seconds(30));
  for (int t = 0; t < kTasks; ++t) {
    EXPECT_EQ(*seen[t].begin(), 0);
    EXPECT_EQ(*seen[t].rbegin(), kPerTask - 1);
  }
  // Only records produced after the last commit before the kill come again: at most one flush
  // window (500 ms) of production plus what was in flight — far fewer than were written.
  EXPECT_LT(duplicates, before_restart);
  std::printf("killed after %lld records; %lld duplicates after restart\n",
              static_cast<long long>(before_restart), static_cast<long long>(duplicates));
}

TEST_F(StandaloneKafkaTest, SourceConnectorCreatesItsTopicAsConfigured) {
  // The broker would auto-create the topic with 1 partition; topic.creation asks for 3.
  const std::string source = dir_.path() + "/datagen.properties";
  WriteFile(source,
            "name=creator\nconnector.class=Datagen\nkafka.topic=created-by-connect\ncount=300\n"
            "topic.creation.default.partitions=3\ntopic.creation.default.replication.factor=1\n");
  ChildProcess worker = StartWorker({WorkerProperties(500), source});
  WaitFor(
      worker,
      [&] {
        int64_t total = 0;
        for (const auto& [partition, offset] : kafka_->EndOffsets("created-by-connect")) {
          total += offset;
        }
        return total >= 300;
      },
      std::chrono::seconds(60), "300 records in the created topic");
  worker.Stop(std::chrono::seconds(30));
  EXPECT_EQ(kafka_->EndOffsets("created-by-connect").size(), 3u);
}

}  // namespace
