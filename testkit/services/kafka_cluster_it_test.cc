// Integration test of KafkaCluster. The local backend runs a real Apache Kafka broker from the
// jars `./ck setup` fetches: 10,000 records go in and come back, a consumer group commits part of
// them, the broker restarts on the same data, and the group resumes exactly where it stopped. The
// embedded backend (librdkafka's mock cluster) gets the same checks on a smaller scale, and the
// external backend is checked to win whenever CK_TEST_KAFKA_BOOTSTRAP is set, except over a local
// broker asked for with a proxied listener, whose clients are checked to go through the proxy.
//
// These tests exercise the backends themselves, so they clear CK_TEST_KAFKA_BOOTSTRAP first. They
// never skip: without Java or the jars, KafkaCluster::Start throws and the test fails saying why.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <set>

#include "ck/testkit/fault_proxy.h"
#include "ck/testkit/kafka_cluster.h"

namespace ck::testkit {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

constexpr char kBootstrapEnv[] = "CK_TEST_KAFKA_BOOTSTRAP";

std::vector<std::string> Values(const std::string& prefix, int count) {
  std::vector<std::string> values;
  values.reserve(count);
  for (int i = 0; i < count; ++i) values.push_back(prefix + std::to_string(i));
  return values;
}

int64_t Sum(const std::map<int32_t, int64_t>& offsets) {
  int64_t sum = 0;
  for (const auto& [partition, offset] : offsets) sum += offset;
  return sum;
}

// The partitions that hold records.
std::map<int32_t, int64_t> NonEmpty(std::map<int32_t, int64_t> offsets) {
  std::erase_if(offsets, [](const auto& entry) { return entry.second == 0; });
  return offsets;
}

// Per partition, the offset after the last record: what a group commits after `records`.
std::map<int32_t, int64_t> NextOffsets(const std::vector<ConsumedRecord>& records) {
  std::map<int32_t, int64_t> next;
  for (const ConsumedRecord& r : records) {
    next[r.partition] = std::max(next[r.partition], r.offset + 1);
  }
  return next;
}

std::multiset<std::string> ValueSet(const std::vector<ConsumedRecord>& records) {
  std::multiset<std::string> values;
  for (const ConsumedRecord& r : records) values.insert(r.value.value_or("<null>"));
  return values;
}

long Ms(std::chrono::steady_clock::duration d) {
  return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(d).count());
}

class KafkaClusterTest : public ::testing::Test {
 protected:
  // Each test here chooses its backend: no shared cluster (CK_TEST_SERVICES) either.
  void SetUp() override {
    ::unsetenv(kBootstrapEnv);
    ::unsetenv("CK_TEST_SERVICES");
  }
  void TearDown() override { ::unsetenv(kBootstrapEnv); }
};

TEST_F(KafkaClusterTest, LocalBrokerRoundTripsCommitsAndSurvivesRestart) {
  constexpr int kRecords = 10000;
  constexpr int kFirstBatch = 4000;
  const std::string topic = "orders";
  const std::string group = "order-readers";

  auto t0 = std::chrono::steady_clock::now();
  std::unique_ptr<KafkaCluster> kafka = KafkaCluster::Start({.backend = KafkaBackend::kLocal});
  auto started = std::chrono::steady_clock::now();
  std::printf("[ timing ] local broker start (format + launch + ready): %ld ms\n",
              Ms(started - t0));
  RecordProperty("broker_start_ms", std::to_string(Ms(started - t0)));
  ASSERT_EQ(kafka->backend(), KafkaBackend::kLocal);
  ASSERT_TRUE(kafka->running());
  EXPECT_THAT(kafka->bootstrap_servers(), HasSubstr("127.0.0.1:"));
  const std::string bootstrap = kafka->bootstrap_servers();

  kafka->CreateTopic(topic, 3);
  EXPECT_THAT(kafka->EndOffsets(topic), ::testing::SizeIs(3));
  std::vector<std::string> values = Values("order-", kRecords);
  kafka->ProduceAll(topic, values);
  EXPECT_EQ(Sum(kafka->EndOffsets(topic)), kRecords);
  EXPECT_THAT(NonEmpty(kafka->EndOffsets(topic)), ::testing::SizeIs(3));  // spread out

  // Everything comes back, once, with offsets dense from 0 in each partition.
  std::vector<ConsumedRecord> all = kafka->ConsumeAll(topic, kRecords, 60s);
  ASSERT_EQ(all.size(), static_cast<size_t>(kRecords));
  EXPECT_EQ(ValueSet(all), std::multiset<std::string>(values.begin(), values.end()));
  std::map<int32_t, int64_t> seen;
  for (const ConsumedRecord& r : all) {
    EXPECT_EQ(r.offset, seen[r.partition]++) << "partition " << r.partition;
    EXPECT_FALSE(r.key.has_value());
  }
  EXPECT_EQ(seen, NonEmpty(kafka->EndOffsets(topic)));

  // A group reads part of the topic and commits exactly what it returned.
  EXPECT_TRUE(kafka->GroupOffsets(group, topic).empty());
  std::vector<ConsumedRecord> first = kafka->ConsumeAll(topic, kFirstBatch, 60s, group);
  ASSERT_EQ(first.size(), static_cast<size_t>(kFirstBatch));
  EXPECT_EQ(kafka->GroupOffsets(group, topic), NextOffsets(first));

  // Same ports and data after a restart; the group resumes from its commit.
  auto t1 = std::chrono::steady_clock::now();
  kafka->Restart();
  std::printf("[ timing ] local broker restart (stop + launch + ready): %ld ms\n",
              Ms(std::chrono::steady_clock::now() - t1));
  EXPECT_TRUE(kafka->running());
  EXPECT_EQ(kafka->bootstrap_servers(), bootstrap);
  EXPECT_EQ(kafka->GroupOffsets(group, topic), NextOffsets(first));
  kafka->Produce(topic, "key-1", "after-restart", 0);
  EXPECT_EQ(Sum(kafka->EndOffsets(topic)), kRecords + 1);

  std::vector<ConsumedRecord> rest =
      kafka->ConsumeAll(topic, kRecords + 1 - kFirstBatch, 60s, group);
  std::multiset<std::string> together = ValueSet(first);
  for (const std::string& v : ValueSet(rest)) together.insert(v);
  values.push_back("after-restart");
  EXPECT_EQ(together, std::multiset<std::string>(values.begin(), values.end()));
  EXPECT_EQ(kafka->GroupOffsets(group, topic), NonEmpty(kafka->EndOffsets(topic)));
  auto keyed = std::find_if(rest.begin(), rest.end(),
                            [](const ConsumedRecord& r) { return r.value == "after-restart"; });
  ASSERT_NE(keyed, rest.end());
  EXPECT_EQ(keyed->key, "key-1");
  EXPECT_EQ(keyed->partition, 0);

  kafka->Stop();
  EXPECT_FALSE(kafka->running());
  std::printf("[ timing ] local backend test body: %ld ms\n",
              Ms(std::chrono::steady_clock::now() - t0));
}

TEST_F(KafkaClusterTest, LocalBrokerWithoutJarsFailsNamingSetupAndDirectory) {
  try {
    KafkaCluster::Start({.backend = KafkaBackend::kLocal, .jar_dir = "/nonexistent/ck-jars"});
    FAIL() << "Start succeeded without jars";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("./ck setup"));
    EXPECT_THAT(e.what(), HasSubstr("/nonexistent/ck-jars"));
  }
}

TEST_F(KafkaClusterTest, EmbeddedClusterRoundTripsCommitsAndRestarts) {
  std::unique_ptr<KafkaCluster> kafka =
      KafkaCluster::Start({.backend = KafkaBackend::kEmbedded, .brokers = 3});
  ASSERT_EQ(kafka->backend(), KafkaBackend::kEmbedded);
  EXPECT_TRUE(kafka->broker_log_path().empty());

  kafka->CreateTopic("events", 3);
  EXPECT_THROW(kafka->CreateTopic("events", 3), std::runtime_error);
  kafka->Produce("events", "k", "keyed", 1);
  kafka->Produce("events", std::nullopt, std::nullopt, 2);
  kafka->ProduceAll("events", Values("e-", 98));
  EXPECT_EQ(Sum(kafka->EndOffsets("events")), 100);

  std::vector<ConsumedRecord> all = kafka->ConsumeAll("events", 100, 30s);
  ASSERT_EQ(all.size(), 100u);
  int keyed = 0;
  int tombstones = 0;
  for (const ConsumedRecord& r : all) {
    if (r.key == "k") {
      ++keyed;
      EXPECT_EQ(r.value, "keyed");
      EXPECT_EQ(r.partition, 1);
    }
    if (!r.value.has_value()) ++tombstones;
  }
  EXPECT_EQ(keyed, 1);
  EXPECT_EQ(tombstones, 1);

  std::vector<ConsumedRecord> first = kafka->ConsumeAll("events", 40, 30s, "g");
  EXPECT_EQ(kafka->GroupOffsets("g", "events"), NextOffsets(first));

  kafka->Stop();
  EXPECT_FALSE(kafka->running());
  kafka->Restart();
  EXPECT_TRUE(kafka->running());
  std::vector<ConsumedRecord> rest = kafka->ConsumeAll("events", 60, 30s, "g");
  std::multiset<std::string> together = ValueSet(first);
  for (const std::string& v : ValueSet(rest)) together.insert(v);
  EXPECT_EQ(together, ValueSet(all));
  EXPECT_EQ(kafka->GroupOffsets("g", "events"), NonEmpty(kafka->EndOffsets("events")));
}

TEST_F(KafkaClusterTest, ConsumeAllFailsNamingWhatArrived) {
  std::unique_ptr<KafkaCluster> kafka = KafkaCluster::Start({.backend = KafkaBackend::kEmbedded});
  kafka->CreateTopic("short", 1);
  kafka->ProduceAll("short", {"a", "b"});
  try {
    kafka->ConsumeAll("short", 3, 2s);
    FAIL() << "ConsumeAll returned with 2 of 3 records";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("'short'"));
    EXPECT_THAT(e.what(), HasSubstr("2 of 3"));
  }
}

TEST_F(KafkaClusterTest, ExternalClusterWinsWhenBootstrapVariableIsSet) {
  std::unique_ptr<KafkaCluster> embedded =
      KafkaCluster::Start({.backend = KafkaBackend::kEmbedded});
  ::setenv(kBootstrapEnv, embedded->bootstrap_servers().c_str(), 1);

  std::unique_ptr<KafkaCluster> kafka = KafkaCluster::Start({.backend = KafkaBackend::kLocal});
  EXPECT_EQ(kafka->backend(), KafkaBackend::kExternal);
  EXPECT_EQ(kafka->bootstrap_servers(), embedded->bootstrap_servers());
  kafka->ProduceAll("shared", {"x"});  // auto-created by the cluster
  EXPECT_EQ(embedded->ConsumeAll("shared", 1, 30s)[0].value, "x");
  EXPECT_THROW(kafka->Stop(), std::logic_error);
  EXPECT_THROW(kafka->Restart(), std::logic_error);

  ::unsetenv(kBootstrapEnv);
  EXPECT_THROW(KafkaCluster::Start({.backend = KafkaBackend::kExternal}), std::invalid_argument);
}

TEST_F(KafkaClusterTest, ProxiedListenerSendsEveryClientThroughTheProxyWhichCanCutThem) {
  std::unique_ptr<KafkaCluster> embedded =
      KafkaCluster::Start({.backend = KafkaBackend::kEmbedded});
  ::setenv(kBootstrapEnv, embedded->bootstrap_servers().c_str(), 1);
  // Even with a shared cluster named, a proxied listener means a local broker of our own.
  std::unique_ptr<KafkaCluster> kafka = KafkaCluster::Start({.proxied_listener = true});
  ASSERT_EQ(kafka->backend(), KafkaBackend::kLocal);
  ASSERT_NE(kafka->proxy(), nullptr);
  EXPECT_EQ(kafka->proxied_bootstrap_servers(), kafka->proxy()->address());
  EXPECT_NE(kafka->proxied_bootstrap_servers(), kafka->bootstrap_servers());
  kafka->CreateTopic("cut", 1);

  // A client bootstrapped at the proxy: the cluster it sees is the proxied listener.
  ::setenv(kBootstrapEnv, kafka->proxied_bootstrap_servers().c_str(), 1);
  std::unique_ptr<KafkaCluster> client =
      KafkaCluster::Start({.operation_timeout = std::chrono::seconds(3)});
  ::unsetenv(kBootstrapEnv);
  client->ProduceAll("cut", {"through-the-proxy"});
  EXPECT_GT(kafka->proxy()->bytes_to_target(), 0u);
  EXPECT_GT(kafka->proxy()->bytes_to_client(), 0u);

  // Cut: the proxied client loses the broker (its metadata names only the proxy), the direct
  // helpers do not.
  kafka->proxy()->Cut();
  EXPECT_THROW(client->ProduceAll("cut", {"lost"}), std::runtime_error);
  kafka->ProduceAll("cut", {"direct"});
  kafka->proxy()->Restore();
  client->ProduceAll("cut", {"restored"});
  std::multiset<std::string> values = ValueSet(kafka->ConsumeAll("cut", 3, 30s));
  EXPECT_EQ(values.count("through-the-proxy"), 1u);
  EXPECT_EQ(values.count("direct"), 1u);
  EXPECT_EQ(values.count("restored"), 1u);

  // The proxy and its port survive a broker restart.
  const std::string proxied = kafka->proxied_bootstrap_servers();
  kafka->Restart();
  EXPECT_EQ(kafka->proxied_bootstrap_servers(), proxied);
  client->ProduceAll("cut", {"after-restart"});

  EXPECT_THROW(KafkaCluster::Start({.backend = KafkaBackend::kEmbedded, .proxied_listener = true}),
               std::invalid_argument);
}

}  // namespace
}  // namespace ck::testkit
