// The conformance suites' shared pieces: the sequence ledger, the binary's Kafka cluster, whole
// topic reads, names per test, and readers of a worker's validation and metrics answers.
#include "ck/testkit/conformance/conformance_support.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <sstream>
#include <thread>

#include "testkit/services/service_url.h"

namespace ck::testkit {

void SequenceLedger::Add(const RecordId& id) { ++seen_[id.stream][id.seq]; }

void SequenceLedger::AddAll(const std::vector<RecordId>& ids) {
  for (const RecordId& id : ids) Add(id);
}

std::vector<std::string> SequenceLedger::streams() const {
  std::vector<std::string> out;
  for (const auto& [stream, numbers] : seen_) out.push_back(stream);
  return out;
}

int64_t SequenceLedger::Distinct(const std::string& stream) const {
  const auto it = seen_.find(stream);
  return it == seen_.end() ? 0 : static_cast<int64_t>(it->second.size());
}

int64_t SequenceLedger::Duplicates(const std::string& stream) const {
  int64_t n = 0;
  const auto it = seen_.find(stream);
  if (it == seen_.end()) return 0;
  for (const auto& [seq, count] : it->second) n += count - 1;
  return n;
}

std::vector<int64_t> SequenceLedger::Duplicated(const std::string& stream) const {
  std::vector<int64_t> out;
  const auto it = seen_.find(stream);
  if (it == seen_.end()) return out;
  for (const auto& [seq, count] : it->second) {
    if (count > 1) out.push_back(seq);
  }
  return out;
}

std::vector<int64_t> SequenceLedger::Missing(const std::string& stream, int64_t expected) const {
  std::vector<int64_t> out;
  const auto it = seen_.find(stream);
  for (int64_t seq = 0; seq < expected; ++seq) {
    if (it == seen_.end() || it->second.count(seq) == 0) out.push_back(seq);
  }
  return out;
}

std::optional<int64_t> SequenceLedger::Min(const std::string& stream) const {
  const auto it = seen_.find(stream);
  if (it == seen_.end() || it->second.empty()) return std::nullopt;
  return it->second.begin()->first;
}

std::optional<int64_t> SequenceLedger::Max(const std::string& stream) const {
  const auto it = seen_.find(stream);
  if (it == seen_.end() || it->second.empty()) return std::nullopt;
  return it->second.rbegin()->first;
}

bool SequenceLedger::Contains(const std::string& stream, int64_t seq) const {
  const auto it = seen_.find(stream);
  return it != seen_.end() && it->second.count(seq) > 0;
}

testing::AssertionResult SequenceLedger::Complete(const std::vector<std::string>& streams,
                                                  int64_t expected) const {
  std::string problems;
  for (const std::string& stream : streams) {
    const std::vector<int64_t> missing = Missing(stream, expected);
    if (!missing.empty()) {
      problems += "\n  stream '" + stream + "' misses " + std::to_string(missing.size()) + " of " +
                  std::to_string(expected) + ": " + FormatRanges(missing);
    }
  }
  if (problems.empty()) return testing::AssertionSuccess();
  return testing::AssertionFailure() << "records were lost:" << problems << "\nseen: " << Summary();
}

testing::AssertionResult SequenceLedger::NoDuplicates() const {
  std::string problems;
  for (const auto& [stream, numbers] : seen_) {
    const std::vector<int64_t> dups = Duplicated(stream);
    if (!dups.empty()) {
      problems += "\n  stream '" + stream + "' repeats " + std::to_string(dups.size()) +
                  " number(s): " + FormatRanges(dups);
    }
  }
  if (problems.empty()) return testing::AssertionSuccess();
  return testing::AssertionFailure() << "records were duplicated:" << problems;
}

std::string SequenceLedger::Summary() const {
  std::string out;
  for (const auto& [stream, numbers] : seen_) {
    out += (out.empty() ? "" : "; ") + std::string("stream '") + stream +
           "': " + std::to_string(numbers.size()) + " distinct";
    if (!numbers.empty()) {
      out += " in " + std::to_string(numbers.begin()->first) + ".." +
             std::to_string(numbers.rbegin()->first);
    }
    out += ", " + std::to_string(Duplicates(stream)) + " duplicate(s)";
  }
  return out.empty() ? "nothing" : out;
}

std::string FormatRanges(const std::vector<int64_t>& numbers, std::size_t max_ranges) {
  std::string out;
  std::size_t ranges = 0;
  for (std::size_t i = 0; i < numbers.size();) {
    std::size_t j = i;
    while (j + 1 < numbers.size() && numbers[j + 1] == numbers[j] + 1) ++j;
    if (ranges == max_ranges) {
      return out + ", ... (" + std::to_string(numbers.size() - i) + " more)";
    }
    out += (out.empty() ? "" : ", ") + std::to_string(numbers[i]);
    if (j > i) out += "-" + std::to_string(numbers[j]);
    ++ranges;
    i = j + 1;
  }
  return out;
}

KafkaCluster& ConformanceKafka() {
  // A proxied listener forces a local broker: ask for one only when no cluster is named.
  static std::unique_ptr<KafkaCluster> kafka = [] {
    const bool named =
        !services_internal::ExternalServiceSetting("CK_TEST_KAFKA_BOOTSTRAP").empty();
    return KafkaCluster::Start({.proxied_listener = !named});
  }();
  return *kafka;
}

KafkaCluster& FaultableConformanceKafka() {
  KafkaCluster& shared = ConformanceKafka();
  if (shared.proxy() != nullptr) return shared;
  static std::unique_ptr<KafkaCluster> own = KafkaCluster::Start({.proxied_listener = true});
  return *own;
}

int64_t TopicSize(KafkaCluster& kafka, const std::string& topic) {
  int64_t total = 0;
  for (const auto& [partition, end] : kafka.EndOffsets(topic)) total += end;
  return total;
}

std::vector<ConsumedRecord> ReadTopic(KafkaCluster& kafka, const std::string& topic,
                                      std::chrono::milliseconds timeout) {
  const int64_t size = TopicSize(kafka, topic);
  if (size == 0) return {};
  return kafka.ConsumeAll(topic, static_cast<std::size_t>(size), timeout);
}

std::string UniqueTestName(const std::string& prefix) {
  static int counter = 0;
  std::string name = prefix;
  if (const testing::TestInfo* info = testing::UnitTest::GetInstance()->current_test_info()) {
    std::string test = info->name();
    name += "-";
    for (char c : test) {
      if (std::isalnum(static_cast<unsigned char>(c))) {
        name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      } else if (name.back() != '-') {
        name += '-';
      }
    }
    if (name.size() > 120) name.resize(120);
  }
  return name + "-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
}

std::map<std::string, std::vector<std::string>> ValidationErrors(const nlohmann::json& infos) {
  std::map<std::string, std::vector<std::string>> out;
  for (const nlohmann::json& config : infos.value("configs", nlohmann::json::array())) {
    const nlohmann::json& value = config.value("value", nlohmann::json::object());
    const nlohmann::json errors = value.value("errors", nlohmann::json::array());
    if (errors.empty()) continue;
    auto& list = out[value.value("name", config["definition"].value("name", ""))];
    for (const nlohmann::json& e : errors)
      list.push_back(e.is_string() ? e.get<std::string>() : e.dump());
  }
  return out;
}

testing::AssertionResult Consistently(const std::string& what, const std::function<bool()>& check,
                                      std::chrono::milliseconds duration) {
  const auto start = std::chrono::steady_clock::now();
  const auto end = start + duration;
  do {
    if (!check()) {
      return testing::AssertionFailure() << what << " stopped holding after "
                                         << std::chrono::duration_cast<std::chrono::milliseconds>(
                                                std::chrono::steady_clock::now() - start)
                                                .count()
                                         << " ms";
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  } while (std::chrono::steady_clock::now() < end);
  return testing::AssertionSuccess();
}

double ConnectorMetric(ConnectWorker& worker, const std::string& metric,
                       const std::string& connector) {
  const RestResponse r = worker.Request("GET", "/metrics");
  if (r.status != 200) return 0;
  const std::string label = "connector=\"" + connector + "\"";
  double sum = 0;
  std::istringstream lines(r.text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind(metric + "{", 0) != 0) continue;
    const std::size_t close = line.find('}');
    if (close == std::string::npos || line.find(label) > close) continue;
    sum += std::strtod(line.c_str() + close + 1, nullptr);
  }
  return sum;
}

testing::AssertionResult ResumedAt(const std::string& stream, int64_t committed,
                                   std::optional<int64_t> first) {
  const std::string name = "stream '" + stream + "'";
  const auto range = [](int64_t from, int64_t to) {
    return from == to ? std::to_string(from) : std::to_string(from) + "-" + std::to_string(to);
  };
  if (!first) {
    return testing::AssertionFailure()
           << name << " sent nothing after the restart; it should have resumed at its committed "
           << "offset " << committed;
  }
  if (*first > committed) {
    return testing::AssertionFailure()
           << "records " << range(committed, *first - 1) << " of " << name
           << " are missing: the connector resumed at " << *first << ", past its committed offset "
           << committed << " (" << *first - committed << " record(s) lost)";
  }
  if (*first < committed) {
    return testing::AssertionFailure() << "records " << range(*first, committed - 1) << " of "
                                       << name << " were sent again: the connector resumed at "
                                       << *first << ", before its committed offset " << committed;
  }
  return testing::AssertionSuccess();
}

void CheckReconfigured(ConnectWorker& worker, const std::string& name, const nlohmann::json& config,
                       nlohmann::json changed) {
  ASSERT_NE(changed, config) << "Reconfigure() must change the configuration";
  worker.PutConnectorConfig(name, changed);
  changed["name"] = name;
  EXPECT_EQ(worker.ConnectorConfig(name), changed);
  std::size_t tasks = 0;
  ASSERT_TRUE(Eventually(
      "task configurations after the change",
      [&] { return (tasks = worker.TaskConfigs(name).size()) > 0; }, std::chrono::seconds(60),
      &worker));
  EXPECT_TRUE(worker.ConnectorAndTasksRunning(name, static_cast<int>(tasks)));
}

void CheckTaskConfigsRespectTasksMax(ConnectWorker& worker, const std::string& name,
                                     const nlohmann::json& config) {
  for (int max : {1, 3}) {
    nlohmann::json limited = config;
    limited["tasks.max"] = std::to_string(max);
    const std::string connector = name + "-max" + std::to_string(max);
    worker.CreateConnector(connector, limited);
    std::vector<nlohmann::json> tasks;
    ASSERT_TRUE(Eventually(
        connector + " to have task configurations",
        [&] { return !(tasks = worker.TaskConfigs(connector)).empty(); }, std::chrono::seconds(60),
        &worker));
    EXPECT_LE(tasks.size(), static_cast<std::size_t>(max)) << "tasks.max=" << max;
    EXPECT_TRUE(worker.ConnectorAndTasksRunning(connector, static_cast<int>(tasks.size())));
    worker.DeleteConnector(connector);
    EXPECT_TRUE(worker.ConnectorAbsent(connector));
  }
}

void CheckStartStopCyclesLeakNothing(ConnectWorker& worker, const std::string& name, int tasks,
                                     const std::function<int()>& create) {
  const auto cycle = [&] {
    worker.StopConnector(name);
    ASSERT_TRUE(worker.ConnectorStopped(name));
    worker.ResumeConnector(name);
    ASSERT_TRUE(worker.ConnectorAndTasksRunning(name, tasks));
    worker.DeleteConnector(name);
    ASSERT_TRUE(worker.ConnectorAbsent(name));
    tasks = create();
  };
  cycle();  // warm-up: clients, caches and pools reach their steady size
  const ProcessResources baseline = worker.Resources();
  constexpr int kCycles = 6;
  for (int i = 0; i < kCycles; ++i) cycle();
  // A leak of one descriptor or thread per cycle shows; the connections of clients being set up
  // or torn down come and go, hence a little slack and a wait.
  constexpr int kFdSlack = 4;
  constexpr int kThreadSlack = 2;
  ProcessResources now;
  const bool settled = static_cast<bool>(Eventually(
      "file descriptors and threads back at their baseline",
      [&] {
        now = worker.Resources();
        return now.open_fds <= baseline.open_fds + kFdSlack &&
               now.threads <= baseline.threads + kThreadSlack;
      },
      std::chrono::seconds(20), &worker));
  const auto leaked = [&](int extra, int slack, const char* what) {
    if (extra <= slack) return;
    ADD_FAILURE() << "after " << kCycles << " stop/resume and delete/create cycles of " << name
                  << ", the worker holds " << extra << " more " << what
                  << "(s) than before the cycles (" << now.threads << " threads, " << now.open_fds
                  << " fds; baseline " << baseline.threads << " threads, " << baseline.open_fds
                  << " fds): " << what << "s leak, about " << (extra + kCycles / 2) / kCycles
                  << " per cycle, when the connector or its "
                  << "tasks start or stop";
  };
  if (!settled) {
    leaked(now.threads - baseline.threads, kThreadSlack, "thread");
    leaked(now.open_fds - baseline.open_fds, kFdSlack, "file descriptor");
  }
  std::printf("after %d cycles: %d fds (baseline %d), %d threads (baseline %d), RSS %lld KiB\n",
              kCycles, now.open_fds, baseline.open_fds, now.threads, baseline.threads,
              static_cast<long long>(now.rss_kb));
}

}  // namespace ck::testkit
