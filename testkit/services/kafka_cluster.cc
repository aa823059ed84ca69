// KafkaCluster: picks a backend, brings it up, and gives tests librdkafka-based helpers that work
// the same on all three.
//
// The local backend runs Apache Kafka the way its own scripts do, minus the scripts: it writes a
// server.properties for one combined KRaft broker + controller on two free loopback ports,
// formats the storage once (`kafka.tools.StorageTool format --standalone`), then runs
// `java -cp '<jars>/*' kafka.Kafka server.properties` as a child process whose output goes to
// broker.log in a scratch directory. Restart() relaunches on the same ports and data. Readiness is
// "a metadata request succeeds", polled with a deadline, and failing fast with the log tail when
// the JVM exits. JVM flags favour start-up time and a small heap over throughput.
//
// Client helpers build short-lived librdkafka handles per call (a cached producer excepted), with
// reconnect back-off capped low so a restarted broker is found again quickly. Transient errors
// are retried until the operation's deadline; the last one is reported on timeout.
#include "ck/testkit/kafka_cluster.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <random>
#include <stdexcept>
#include <thread>
#include <utility>

#include "ck/testkit/fault_proxy.h"
#include "testkit/services/local_service.h"
#include "testkit/services/service_url.h"

namespace ck::testkit {
namespace {

using Clock = std::chrono::steady_clock;
using services_internal::ChildProcess;

// The Apache Kafka release the local backend runs; keep in step with tools/ck/fetch_jars.sh.
constexpr char kKafkaVersion[] = "4.1.1";
constexpr char kBootstrapEnv[] = "CK_TEST_KAFKA_BOOTSTRAP";
constexpr std::chrono::seconds kStopGrace(30);

struct KafkaDeleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
using KafkaHandle = std::unique_ptr<rd_kafka_t, KafkaDeleter>;

struct PartitionListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* list) const {
    rd_kafka_topic_partition_list_destroy(list);
  }
};
using PartitionList = std::unique_ptr<rd_kafka_topic_partition_list_t, PartitionListDeleter>;

struct MetadataDeleter {
  void operator()(const rd_kafka_metadata_t* md) const { rd_kafka_metadata_destroy(md); }
};
using Metadata = std::unique_ptr<const rd_kafka_metadata_t, MetadataDeleter>;

int Millis(std::chrono::milliseconds d) {
  return static_cast<int>(std::clamp<int64_t>(d.count(), 0, 24 * 3600 * 1000));
}

int MillisLeft(Clock::time_point deadline) {
  return Millis(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()));
}

std::string Getenv(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

// Calls `attempt` (which returns an error text, empty on success) until it succeeds or `deadline`
// passes; then throws with `what` and the last error.
template <typename Attempt>
void RetryUntil(Clock::time_point deadline, const std::string& what, Attempt attempt) {
  auto pause = std::chrono::milliseconds(20);
  for (;;) {
    std::string error = attempt();
    if (error.empty()) return;
    if (Clock::now() + pause >= deadline) {
      throw std::runtime_error("KafkaCluster: " + what + " failed: " + error);
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(500));
  }
}

// What a producer's delivery reports said; the producer's opaque.
struct DeliveryTally {
  std::size_t delivered = 0;
  std::size_t failed = 0;
  std::string first_error;
};

void OnDelivery(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque) {
  auto* tally = static_cast<DeliveryTally*>(opaque);
  if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    ++tally->delivered;
  } else if (tally->failed++ == 0) {
    tally->first_error = rd_kafka_err2str(message->err);
  }
}

// A librdkafka client of `type` for `bootstrap` with `settings`; throws naming a refused setting.
KafkaHandle NewClient(rd_kafka_type_t type, const std::string& bootstrap,
                      const std::map<std::string, std::string>& settings,
                      DeliveryTally* tally = nullptr) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char errstr[512];
  std::map<std::string, std::string> all = {
      {"bootstrap.servers", bootstrap},
      // Find a restarted broker within half a second instead of librdkafka's 10 s back-off.
      {"reconnect.backoff.ms", "20"},
      {"reconnect.backoff.max.ms", "500"},
      {"log.connection.close", "false"},
  };
  for (const auto& [key, value] : settings) all[key] = value;
  for (const auto& [key, value] : all) {
    if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), errstr, sizeof(errstr)) !=
        RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      throw std::invalid_argument("KafkaCluster: client setting " + key + "=" + value +
                                  " refused: " + errstr);
    }
  }
  if (tally != nullptr) {
    rd_kafka_conf_set_opaque(conf, tally);
    rd_kafka_conf_set_dr_msg_cb(conf, OnDelivery);
  }
  rd_kafka_t* rk = rd_kafka_new(type, conf, errstr, sizeof(errstr));
  if (rk == nullptr) {
    rd_kafka_conf_destroy(conf);
    throw std::runtime_error(std::string("KafkaCluster: cannot create a client: ") + errstr);
  }
  return KafkaHandle(rk);
}

// Cluster metadata, or the error text.
std::pair<Metadata, std::string> FetchMetadata(rd_kafka_t* rk, int timeout_ms) {
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_resp_err_t err = rd_kafka_metadata(rk, /*all_topics=*/1, nullptr, &md, timeout_ms);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return {nullptr, rd_kafka_err2str(err)};
  return {Metadata(md), ""};
}

// The partitions of `topic`, waiting until it exists and (when `need_leaders`) every partition
// has a leader. Asks for all topics so that looking never auto-creates the topic.
std::vector<int32_t> WaitForPartitions(rd_kafka_t* rk, const std::string& topic,
                                       Clock::time_point deadline, bool need_leaders) {
  std::vector<int32_t> partitions;
  RetryUntil(deadline, "waiting for the partitions of topic '" + topic + "'", [&] {
    auto [md, error] = FetchMetadata(rk, std::max(100, std::min(MillisLeft(deadline), 5000)));
    if (md == nullptr) return error;
    for (int i = 0; i < md->topic_cnt; ++i) {
      const rd_kafka_metadata_topic_t& t = md->topics[i];
      if (topic != t.topic) continue;
      if (t.err != RD_KAFKA_RESP_ERR_NO_ERROR) return std::string(rd_kafka_err2str(t.err));
      if (t.partition_cnt == 0) return std::string("the topic has no partitions yet");
      partitions.clear();
      for (int p = 0; p < t.partition_cnt; ++p) {
        if (need_leaders && t.partitions[p].leader < 0) {
          return "partition " + std::to_string(t.partitions[p].id) + " has no leader yet";
        }
        partitions.push_back(t.partitions[p].id);
      }
      std::sort(partitions.begin(), partitions.end());
      return std::string();
    }
    return std::string("the topic does not exist");
  });
  return partitions;
}

PartitionList MakePartitionList(const std::string& topic, const std::vector<int32_t>& partitions,
                                int64_t offset) {
  PartitionList list(rd_kafka_topic_partition_list_new(static_cast<int>(partitions.size())));
  for (int32_t p : partitions)
    rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), p)->offset = offset;
  return list;
}

std::string Base64Url(const unsigned char* bytes, std::size_t n) {
  static const char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  uint32_t bits = 0;
  int count = 0;
  for (std::size_t i = 0; i < n; ++i) {
    bits = (bits << 8) | bytes[i];
    count += 8;
    while (count >= 6) {
      out += kAlphabet[(bits >> (count - 6)) & 63];
      count -= 6;
    }
  }
  if (count > 0) out += kAlphabet[(bits << (6 - count)) & 63];
  return out;
}

// A random Kafka cluster id: 16 bytes, URL-safe base64 without padding, as Uuid.randomUuid()
// makes them (and, like it, never starting with '-', which command lines would take for a flag).
std::string RandomClusterId() {
  std::random_device random;
  for (;;) {
    unsigned char bytes[16];
    for (unsigned char& b : bytes) b = static_cast<unsigned char>(random());
    std::string id = Base64Url(bytes, sizeof(bytes));
    if (id[0] != '-') return id;
  }
}

// Where the jars are: the option, $CK_KAFKA_JARS, $CK_CACHE_DIR/jars/kafka-<v>, or the user's
// ~/.cache/connectkit/jars/kafka-<v>. The home directory comes from the password database because
// Bazel runs tests with HOME pointing into the sandbox.
std::string JarDir(const KafkaClusterOptions& options) {
  if (!options.jar_dir.empty()) return options.jar_dir;
  if (std::string dir = Getenv("CK_KAFKA_JARS"); !dir.empty()) return dir;
  std::string cache = Getenv("CK_CACHE_DIR");
  if (cache.empty()) {
    const passwd* pw = ::getpwuid(::getuid());
    std::string home = pw != nullptr && pw->pw_dir != nullptr ? pw->pw_dir : Getenv("HOME");
    cache = home + "/.cache/connectkit";
  }
  return cache + "/jars/kafka-" + kKafkaVersion;
}

std::string FindJava() {
  if (std::string home = Getenv("JAVA_HOME"); !home.empty()) {
    std::string java = services_internal::FindExecutable(home + "/bin/java");
    if (!java.empty()) return java;
  }
  std::string java = services_internal::FindExecutable("java");
  if (java.empty()) {
    throw std::runtime_error(
        "KafkaCluster (local): no `java` on PATH (" + Getenv("PATH") +
        ") nor in $JAVA_HOME/bin; the local Kafka broker needs Java 17 or newer "
        "(Debian: openjdk-17-jre-headless). Run `./ck setup`.");
  }
  return java;
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
  if (!out.flush()) throw std::runtime_error("KafkaCluster: cannot write " + path);
}

// One Apache Kafka node (KRaft broker + controller) in a child process, with its scratch directory.
class LocalBroker {
 public:
  explicit LocalBroker(const KafkaClusterOptions& options)
      : jar_dir_(JarDir(options)),
        start_timeout_(options.start_timeout),
        java_(FindJava()),
        scratch_("ck-kafka-"),
        dir_(scratch_.path()) {
    std::string main_jar = jar_dir_ + "/kafka_2.13-" + kKafkaVersion + ".jar";
    if (::access(main_jar.c_str(), R_OK) != 0) {
      throw std::runtime_error(std::string("KafkaCluster (local): the Apache Kafka ") +
                               kKafkaVersion + " jars are missing: no " + main_jar +
                               ". Run `./ck setup` (tools/ck/fetch_jars.sh), which fetches them "
                               "from Maven Central into $CK_CACHE_DIR/jars (default "
                               "~/.cache/connectkit/jars); looked in " +
                               jar_dir_ +
                               " (KafkaClusterOptions::jar_dir, else $CK_KAFKA_JARS, "
                               "else the cache)");
    }
    port_ = services_internal::PickFreePort();
    controller_port_ = services_internal::PickFreePort();
    while (controller_port_ == port_) controller_port_ = services_internal::PickFreePort();
    if (options.proxied_listener) {
      proxied_port_ = services_internal::PickFreePort();
      while (proxied_port_ == port_ || proxied_port_ == controller_port_) {
        proxied_port_ = services_internal::PickFreePort();
      }
      proxy_ = FaultProxy::Start("127.0.0.1", proxied_port_);
    }
    WriteConfig(options.broker_properties);
    Format();
  }

  std::string bootstrap() const { return "127.0.0.1:" + std::to_string(port_); }
  std::string log_path() const { return dir_ + "/broker.log"; }
  FaultProxy* proxy() const { return proxy_.get(); }
  bool Running() { return process_.Running(); }

  void Launch() {
    std::vector<std::string> argv = JavaCommand();
    argv.push_back("kafka.Kafka");
    argv.push_back(dir_ + "/server.properties");
    process_ = ChildProcess::Spawn(argv, log_path());
  }

  void Stop() { process_.Stop(kStopGrace); }

  // Why the broker is not up, for error messages: the process state and the log tail.
  std::string Diagnosis() const {
    return "the broker process " + process_.DescribeExit() + "; last lines of " + log_path() +
           ":\n" + services_internal::FileTail(log_path(), 4000);
  }

 private:
  std::vector<std::string> JavaCommand() const {
    return {java_,
            // Small and quick to start: tests care about latency, not broker throughput.
            "-Xms64m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-XX:-UsePerfData", "-XX:+ExitOnOutOfMemoryError", "-Djava.awt.headless=true",
            "-Dlog4j2.configurationFile=" + dir_ + "/log4j2.properties", "-Dkafka.logs.dir=" + dir_,
            "-cp", jar_dir_ + "/*"};
  }

  void WriteConfig(const std::map<std::string, std::string>& overrides) {
    std::string listener = "127.0.0.1:" + std::to_string(port_);
    std::string controller = "127.0.0.1:" + std::to_string(controller_port_);
    std::map<std::string, std::string> props = {
        {"process.roles", "broker,controller"},
        {"node.id", "1"},
        {"controller.quorum.bootstrap.servers", controller},
        {"listeners", "PLAINTEXT://" + listener + ",CONTROLLER://" + controller},
        {"advertised.listeners", "PLAINTEXT://" + listener + ",CONTROLLER://" + controller},
        {"controller.listener.names", "CONTROLLER"},
        {"inter.broker.listener.name", "PLAINTEXT"},
        {"listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"},
        {"log.dirs", dir_ + "/data"},
        {"num.partitions", "1"},
        {"auto.create.topics.enable", "true"},
        {"group.initial.rebalance.delay.ms", "0"},
        // One node: every internal topic has one replica, and few partitions to create.
        {"offsets.topic.replication.factor", "1"},
        {"offsets.topic.num.partitions", "1"},
        {"transaction.state.log.replication.factor", "1"},
        {"transaction.state.log.min.isr", "1"},
        {"transaction.state.log.num.partitions", "1"},
        {"share.coordinator.state.topic.replication.factor", "1"},
        {"share.coordinator.state.topic.min.isr", "1"},
    };
    if (proxy_ != nullptr) {
      // PROXIED listens on its own port and tells its clients to come back through the proxy.
      props["listeners"] += ",PROXIED://127.0.0.1:" + std::to_string(proxied_port_);
      props["advertised.listeners"] += ",PROXIED://" + proxy_->address();
      props["listener.security.protocol.map"] += ",PROXIED:PLAINTEXT";
    }
    for (const auto& [key, value] : overrides) props[key] = value;
    std::string text = "# Written by ck::testkit::KafkaCluster (local backend).\n";
    for (const auto& [key, value] : props) text += key + "=" + value + "\n";
    WriteFile(dir_ + "/server.properties", text);
    WriteFile(dir_ + "/log4j2.properties",
              "rootLogger.level=INFO\n"
              "rootLogger.appenderRef.stdout.ref=STDOUT\n"
              "appender.stdout.type=Console\n"
              "appender.stdout.name=STDOUT\n"
              "appender.stdout.layout.type=PatternLayout\n"
              "appender.stdout.layout.pattern=[%d] %p %m (%c)%n\n");
  }

  // Formats the log directory for a new single-node cluster (the node is the only voter).
  void Format() {
    std::vector<std::string> argv = JavaCommand();
    for (const char* arg : {"kafka.tools.StorageTool", "format", "--standalone", "-t"}) {
      argv.push_back(arg);
    }
    argv.push_back(RandomClusterId());
    argv.push_back("-c");
    argv.push_back(dir_ + "/server.properties");
    std::string log = dir_ + "/format.log";
    ChildProcess format = ChildProcess::Spawn(argv, log);
    if (!format.WaitExit(start_timeout_)) {
      format.Stop(std::chrono::seconds(1));
      throw std::runtime_error("KafkaCluster (local): formatting the storage took longer than " +
                               std::to_string(start_timeout_.count()) + " ms; see " + log);
    }
    if (format.exit_status() != 0) {
      throw std::runtime_error("KafkaCluster (local): kafka.tools.StorageTool format " +
                               format.DescribeExit() + "; last lines of " + log + ":\n" +
                               services_internal::FileTail(log, 4000));
    }
  }

  std::string jar_dir_;
  std::chrono::milliseconds start_timeout_;
  std::string java_;
  services_internal::ScratchDir scratch_;  // removed after process_ stops (declared before it)
  std::string dir_;
  int port_ = 0;
  int controller_port_ = 0;
  int proxied_port_ = 0;
  std::unique_ptr<FaultProxy> proxy_;  // with a proxied listener
  ChildProcess process_;
};

}  // namespace

std::string_view ToString(KafkaBackend backend) {
  switch (backend) {
    case KafkaBackend::kEmbedded:
      return "embedded";
    case KafkaBackend::kLocal:
      return "local";
    case KafkaBackend::kExternal:
      return "external";
  }
  return "unknown";
}

class KafkaCluster::Impl {
 public:
  explicit Impl(const KafkaClusterOptions& options) : options_(options) {
    std::string external = options.exclusive || options.proxied_listener
                               ? ""
                               : services_internal::ExternalServiceSetting(kBootstrapEnv);
    // Only a broker run here can advertise a proxy: a proxied listener means the local backend.
    backend_ = external.empty() ? options.backend : KafkaBackend::kExternal;
    if (options.proxied_listener && backend_ != KafkaBackend::kLocal) {
      throw std::invalid_argument("KafkaCluster: a proxied listener needs the local backend; the " +
                                  std::string(ToString(backend_)) + " backend was asked for");
    }
    switch (backend_) {
      case KafkaBackend::kExternal:
        if (external.empty()) {
          throw std::invalid_argument(std::string("KafkaCluster: the external backend needs ") +
                                      kBootstrapEnv + " (host:port[,host:port...]); it is unset");
        }
        bootstrap_ = external;
        break;
      case KafkaBackend::kEmbedded:
        StartEmbedded();
        break;
      case KafkaBackend::kLocal:
        if (options.brokers != 1) {
          throw std::invalid_argument("KafkaCluster: the local backend runs exactly 1 broker, " +
                                      std::to_string(options.brokers) + " were asked for");
        }
        local_ = std::make_unique<LocalBroker>(options);
        bootstrap_ = local_->bootstrap();
        local_->Launch();
        break;
    }
    WaitReady();
  }

  KafkaBackend backend() const { return backend_; }
  const std::string& bootstrap() const { return bootstrap_; }
  std::string log_path() const { return local_ != nullptr ? local_->log_path() : ""; }
  FaultProxy* proxy() const { return local_ != nullptr ? local_->proxy() : nullptr; }
  bool running() const { return running_; }

  void CreateTopic(const std::string& topic, int partitions, int replication_factor) {
    Clock::time_point deadline = Deadline();
    if (backend_ == KafkaBackend::kEmbedded) {
      int rf = replication_factor > 0 ? replication_factor : options_.brokers;
      rd_kafka_resp_err_t err =
          rd_kafka_mock_topic_create(mock_cluster_, topic.c_str(), partitions, rf);
      if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        throw std::runtime_error("KafkaCluster: cannot create topic '" + topic +
                                 "' on the embedded cluster: " + rd_kafka_err2str(err));
      }
    } else {
      CreateTopicWithAdmin(topic, partitions, replication_factor, deadline);
    }
    WaitForPartitions(Producer(), topic, deadline, /*need_leaders=*/true);
  }

  void Produce(const std::string& topic, std::optional<std::string_view> key,
               std::optional<std::string_view> value, int32_t partition) {
    tally_ = DeliveryTally{};  // nothing is in flight: every call ends with a flush
    Enqueue(topic, key, value, partition, Deadline());
    Flush(topic, 1);
  }

  void ProduceAll(const std::string& topic, const std::vector<std::string>& values) {
    tally_ = DeliveryTally{};
    Clock::time_point deadline = Deadline();
    for (const std::string& value : values) {
      Enqueue(topic, std::nullopt, value, KafkaCluster::kAnyPartition, deadline);
    }
    Flush(topic, values.size());
  }

  std::vector<ConsumedRecord> ConsumeAll(const std::string& topic, std::size_t expected_count,
                                         std::chrono::milliseconds timeout,
                                         const std::string& group) {
    Clock::time_point deadline = Clock::now() + timeout;
    std::map<std::string, std::string> settings = {
        // rd_kafka_consumer_poll needs a group.id even for assign(); that group never joins.
        {"group.id", group.empty() ? "ck-testkit-assign-only" : group},
        {"enable.auto.commit", "false"},
        {"enable.auto.offset.store", "false"},
        {"auto.offset.reset", "earliest"},
        // The least a real broker accepts (group.min.session.timeout.ms); librdkafka's mock
        // cluster holds a rejoin until the departed member's session expires.
        {"session.timeout.ms", "6000"},
    };
    KafkaHandle consumer = NewClient(RD_KAFKA_CONSUMER, bootstrap_, settings);
    rd_kafka_poll_set_consumer(consumer.get());
    if (group.empty()) {
      std::vector<int32_t> partitions = WaitForPartitions(consumer.get(), topic, deadline, false);
      PartitionList list = MakePartitionList(topic, partitions, RD_KAFKA_OFFSET_BEGINNING);
      Check(rd_kafka_assign(consumer.get(), list.get()), "assigning the partitions of " + topic);
    } else {
      PartitionList list = MakePartitionList(topic, {}, 0);
      rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), RD_KAFKA_PARTITION_UA);
      Check(rd_kafka_subscribe(consumer.get(), list.get()), "subscribing to " + topic);
    }

    std::vector<ConsumedRecord> records;
    records.reserve(expected_count);
    std::string last_error = "none";
    while (records.size() < expected_count && Clock::now() < deadline) {
      rd_kafka_message_t* m =
          rd_kafka_consumer_poll(consumer.get(), std::min(MillisLeft(deadline), 200));
      if (m == nullptr) continue;
      if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        last_error = rd_kafka_message_errstr(m);
      } else {
        ConsumedRecord r;
        r.partition = m->partition;
        r.offset = m->offset;
        if (m->key != nullptr) r.key.emplace(static_cast<const char*>(m->key), m->key_len);
        if (m->payload != nullptr) {
          r.value.emplace(static_cast<const char*>(m->payload), m->len);
        }
        rd_kafka_headers_t* headers = nullptr;
        if (rd_kafka_message_headers(m, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR) {
          const char* name;
          const void* value;
          size_t size;
          for (size_t h = 0; rd_kafka_header_get_all(headers, h, &name, &value, &size) ==
                             RD_KAFKA_RESP_ERR_NO_ERROR;
               ++h) {
            r.headers.emplace_back(name, value == nullptr
                                             ? std::string()
                                             : std::string(static_cast<const char*>(value), size));
          }
        }
        records.push_back(std::move(r));
      }
      rd_kafka_message_destroy(m);
    }
    if (records.size() < expected_count) {
      rd_kafka_consumer_close(consumer.get());
      throw std::runtime_error("KafkaCluster: consuming topic '" + topic + "'" +
                               (group.empty() ? "" : " as group '" + group + "'") + " gave " +
                               std::to_string(records.size()) + " of " +
                               std::to_string(expected_count) + " records within " +
                               std::to_string(timeout.count()) + " ms; last error: " + last_error +
                               BrokerState());
    }
    if (!group.empty() && !records.empty()) Commit(consumer.get(), topic, records, Deadline());
    rd_kafka_consumer_close(consumer.get());
    return records;
  }

  std::map<int32_t, int64_t> EndOffsets(const std::string& topic) {
    Clock::time_point deadline = Deadline();
    std::map<int32_t, int64_t> ends;
    for (int32_t p : WaitForPartitions(Producer(), topic, deadline, false)) {
      RetryUntil(deadline, "reading the end offset of " + topic + "-" + std::to_string(p), [&] {
        int64_t low = 0;
        int64_t high = 0;
        rd_kafka_resp_err_t err = rd_kafka_query_watermark_offsets(
            Producer(), topic.c_str(), p, &low, &high, std::max(100, MillisLeft(deadline)));
        if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return std::string(rd_kafka_err2str(err));
        ends[p] = high;
        return std::string();
      });
    }
    return ends;
  }

  std::map<int32_t, int64_t> GroupOffsets(const std::string& group, const std::string& topic) {
    Clock::time_point deadline = Deadline();
    KafkaHandle consumer = NewClient(RD_KAFKA_CONSUMER, bootstrap_,
                                     {{"group.id", group}, {"enable.auto.commit", "false"}});
    std::vector<int32_t> partitions = WaitForPartitions(consumer.get(), topic, deadline, false);
    std::map<int32_t, int64_t> offsets;
    RetryUntil(deadline, "reading the offsets of group '" + group + "' for " + topic, [&] {
      PartitionList list = MakePartitionList(topic, partitions, RD_KAFKA_OFFSET_INVALID);
      rd_kafka_resp_err_t err =
          rd_kafka_committed(consumer.get(), list.get(), std::max(100, MillisLeft(deadline)));
      if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return std::string(rd_kafka_err2str(err));
      offsets.clear();
      for (int i = 0; i < list->cnt; ++i) {
        const rd_kafka_topic_partition_t& tp = list->elems[i];
        if (tp.err != RD_KAFKA_RESP_ERR_NO_ERROR) return std::string(rd_kafka_err2str(tp.err));
        if (tp.offset >= 0) offsets[tp.partition] = tp.offset;
      }
      return std::string();
    });
    return offsets;
  }

  void Stop() {
    RequireOwnBrokers("Stop");
    if (!running_) return;
    producer_.reset();  // no reconnect attempts against a broker that is down
    if (backend_ == KafkaBackend::kLocal) {
      local_->Stop();
    } else {
      for (int id = 1; id <= options_.brokers; ++id) {
        rd_kafka_mock_broker_set_down(mock_cluster_, id);
      }
    }
    running_ = false;
  }

  void Restart() {
    RequireOwnBrokers("Restart");
    Stop();
    if (backend_ == KafkaBackend::kLocal) {
      local_->Launch();
    } else {
      for (int id = 1; id <= options_.brokers; ++id) rd_kafka_mock_broker_set_up(mock_cluster_, id);
    }
    WaitReady();
  }

 private:
  Clock::time_point Deadline() const { return Clock::now() + options_.operation_timeout; }

  void StartEmbedded() {
    if (options_.brokers < 1) {
      throw std::invalid_argument("KafkaCluster: the embedded backend needs brokers >= 1, got " +
                                  std::to_string(options_.brokers));
    }
    mock_owner_ = NewClient(RD_KAFKA_PRODUCER, "",
                            {{"test.mock.num.brokers", std::to_string(options_.brokers)}});
    mock_cluster_ = rd_kafka_handle_mock_cluster(mock_owner_.get());
    if (mock_cluster_ == nullptr) {
      throw std::runtime_error("KafkaCluster: librdkafka's mock cluster did not start");
    }
    bootstrap_ = rd_kafka_mock_cluster_bootstraps(mock_cluster_);
  }

  // Returns once a metadata request lists every broker; fails early when the local broker exits.
  void WaitReady() {
    Clock::time_point deadline = Clock::now() + options_.start_timeout;
    KafkaHandle probe = NewClient(RD_KAFKA_PRODUCER, bootstrap_, {});
    int want = backend_ == KafkaBackend::kEmbedded ? options_.brokers : 1;
    std::string last_error = "no answer yet";
    for (;;) {
      if (local_ != nullptr && !local_->Running()) {
        throw std::runtime_error("KafkaCluster (local): the broker stopped while starting: " +
                                 local_->Diagnosis());
      }
      Clock::time_point attempt = Clock::now();
      auto [md, error] =
          FetchMetadata(probe.get(), std::max(1, std::min(MillisLeft(deadline), 500)));
      if (md != nullptr && md->broker_cnt >= want) break;
      // A refused connection can fail the request at once; do not spin on it.
      std::this_thread::sleep_until(attempt + std::chrono::milliseconds(50));
      last_error = md != nullptr ? std::to_string(md->broker_cnt) + " broker(s) listed" : error;
      if (Clock::now() >= deadline) {
        throw std::runtime_error("KafkaCluster (" + std::string(ToString(backend_)) +
                                 "): " + bootstrap_ + " did not answer a metadata request within " +
                                 std::to_string(options_.start_timeout.count()) +
                                 " ms (last: " + last_error + ")" + BrokerState());
      }
    }
    running_ = true;
  }

  // For error messages: the local broker's state and log tail; empty for other backends.
  std::string BrokerState() const { return local_ != nullptr ? "; " + local_->Diagnosis() : ""; }

  void RequireOwnBrokers(const char* operation) const {
    if (backend_ == KafkaBackend::kExternal) {
      throw std::logic_error(std::string("KafkaCluster::") + operation +
                             " is not possible on the external cluster " + bootstrap_ + " (" +
                             kBootstrapEnv + ")");
    }
  }

  void Check(rd_kafka_resp_err_t err, const std::string& what) const {
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      throw std::runtime_error("KafkaCluster: " + what + " failed: " + rd_kafka_err2str(err));
    }
  }

  // The producer shared by Produce, ProduceAll, CreateTopic and EndOffsets, made on first use.
  rd_kafka_t* Producer() {
    if (producer_ == nullptr) {
      producer_ =
          NewClient(RD_KAFKA_PRODUCER, bootstrap_,
                    {{"acks", "all"},
                     {"linger.ms", "5"},
                     // Spread null-key records over the partitions record by record.
                     {"sticky.partitioning.linger.ms", "0"},
                     {"message.timeout.ms", std::to_string(Millis(options_.operation_timeout))}},
                    &tally_);
    }
    return producer_.get();
  }

  void Enqueue(const std::string& topic, std::optional<std::string_view> key,
               std::optional<std::string_view> value, int32_t partition,
               Clock::time_point deadline) {
    rd_kafka_t* rk = Producer();
    // Null pointers make null keys and values; librdkafka copies the bytes (MSG_F_COPY).
    void* key_ptr = key ? const_cast<char*>(key->data()) : nullptr;
    std::size_t key_len = key ? key->size() : 0;
    void* value_ptr = value ? const_cast<char*>(value->data()) : nullptr;
    std::size_t value_len = value ? value->size() : 0;
    for (;;) {
      rd_kafka_resp_err_t err = rd_kafka_producev(
          rk, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(partition),
          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_KEY(key_ptr, key_len),
          RD_KAFKA_V_VALUE(value_ptr, value_len), RD_KAFKA_V_END);
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return;
      if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL || Clock::now() >= deadline) {
        Check(err, "producing to topic '" + topic + "'");
      }
      rd_kafka_poll(rk, 50);  // serve delivery reports to make room
    }
  }

  // Waits for the delivery reports of the `count` records just queued; throws when any failed.
  void Flush(const std::string& topic, std::size_t count) {
    // Longer than message.timeout.ms, so that a record that cannot be delivered reports why.
    rd_kafka_resp_err_t err =
        rd_kafka_flush(Producer(), Millis(options_.operation_timeout + std::chrono::seconds(5)));
    rd_kafka_poll(Producer(), 0);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      throw std::runtime_error("KafkaCluster: producing " + std::to_string(count) +
                               " record(s) to topic '" + topic + "': not all acknowledged within " +
                               std::to_string(options_.operation_timeout.count()) + " ms" +
                               BrokerState());
    }
    if (tally_.failed > 0 || tally_.delivered != count) {
      throw std::runtime_error("KafkaCluster: producing to topic '" + topic +
                               "': " + std::to_string(count - tally_.delivered) + " of " +
                               std::to_string(count) +
                               " record(s) not delivered; first error: " + tally_.first_error);
    }
  }

  void CreateTopicWithAdmin(const std::string& topic, int partitions, int replication_factor,
                            Clock::time_point deadline) {
    rd_kafka_t* rk = Producer();
    char errstr[512];
    rd_kafka_NewTopic_t* new_topic = rd_kafka_NewTopic_new(
        topic.c_str(), partitions, replication_factor, errstr, sizeof(errstr));
    if (new_topic == nullptr) {
      throw std::invalid_argument("KafkaCluster: topic '" + topic + "' with " +
                                  std::to_string(partitions) + " partition(s): " + errstr);
    }
    rd_kafka_AdminOptions_t* admin_options =
        rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS);
    rd_kafka_AdminOptions_set_request_timeout(admin_options, MillisLeft(deadline), errstr,
                                              sizeof(errstr));
    rd_kafka_AdminOptions_set_operation_timeout(admin_options, MillisLeft(deadline), errstr,
                                                sizeof(errstr));
    rd_kafka_queue_t* queue = rd_kafka_queue_new(rk);
    rd_kafka_CreateTopics(rk, &new_topic, 1, admin_options, queue);
    rd_kafka_event_t* event = rd_kafka_queue_poll(queue, MillisLeft(deadline) + 1000);
    std::string error;
    if (event == nullptr) {
      error = "no answer within " + std::to_string(options_.operation_timeout.count()) + " ms";
    } else if (rd_kafka_event_error(event) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      error = rd_kafka_event_error_string(event);
    } else {
      std::size_t n = 0;
      const rd_kafka_topic_result_t** results =
          rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event), &n);
      if (n == 1 && rd_kafka_topic_result_error(results[0]) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        error = rd_kafka_err2name(rd_kafka_topic_result_error(results[0]));
        if (const char* detail = rd_kafka_topic_result_error_string(results[0])) {
          error += std::string(": ") + detail;
        }
      }
    }
    if (event != nullptr) rd_kafka_event_destroy(event);
    rd_kafka_queue_destroy(queue);
    rd_kafka_AdminOptions_destroy(admin_options);
    rd_kafka_NewTopic_destroy(new_topic);
    if (!error.empty()) {
      throw std::runtime_error("KafkaCluster: cannot create topic '" + topic + "' (" +
                               std::to_string(partitions) + " partitions) on " + bootstrap_ + ": " +
                               error);
    }
  }

  // Commits, for each partition of `records`, the offset after the last one returned.
  void Commit(rd_kafka_t* consumer, const std::string& topic,
              const std::vector<ConsumedRecord>& records, Clock::time_point deadline) {
    std::map<int32_t, int64_t> next;
    for (const ConsumedRecord& r : records) {
      next[r.partition] = std::max(next[r.partition], r.offset + 1);
    }
    RetryUntil(deadline, "committing the offsets of topic '" + topic + "'", [&] {
      PartitionList list(rd_kafka_topic_partition_list_new(static_cast<int>(next.size())));
      for (const auto& [p, offset] : next) {
        rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), p)->offset = offset;
      }
      rd_kafka_resp_err_t err = rd_kafka_commit(consumer, list.get(), /*async=*/0);
      return err == RD_KAFKA_RESP_ERR_NO_ERROR ? std::string() : rd_kafka_err2str(err);
    });
  }

  KafkaClusterOptions options_;
  KafkaBackend backend_ = KafkaBackend::kLocal;
  std::string bootstrap_;
  bool running_ = false;
  KafkaHandle mock_owner_;  // kEmbedded: the handle that owns the mock cluster
  rd_kafka_mock_cluster_t* mock_cluster_ = nullptr;
  std::unique_ptr<LocalBroker> local_;  // kLocal
  DeliveryTally tally_;                 // before producer_: it outlives the producer's callbacks
  KafkaHandle producer_;                // destroyed first, before the brokers go away
};

std::unique_ptr<KafkaCluster> KafkaCluster::Start(const KafkaClusterOptions& options) {
  return std::unique_ptr<KafkaCluster>(new KafkaCluster(std::make_unique<Impl>(options)));
}

KafkaCluster::KafkaCluster(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
KafkaCluster::~KafkaCluster() = default;

KafkaBackend KafkaCluster::backend() const { return impl_->backend(); }
const std::string& KafkaCluster::bootstrap_servers() const { return impl_->bootstrap(); }
std::string KafkaCluster::broker_log_path() const { return impl_->log_path(); }
FaultProxy* KafkaCluster::proxy() const { return impl_->proxy(); }
std::string KafkaCluster::proxied_bootstrap_servers() const {
  return impl_->proxy() != nullptr ? impl_->proxy()->address() : "";
}
bool KafkaCluster::running() const { return impl_->running(); }

void KafkaCluster::CreateTopic(const std::string& topic, int partitions, int replication_factor) {
  impl_->CreateTopic(topic, partitions, replication_factor);
}

void KafkaCluster::Produce(const std::string& topic, std::optional<std::string_view> key,
                           std::optional<std::string_view> value, int32_t partition) {
  impl_->Produce(topic, key, value, partition);
}

void KafkaCluster::ProduceAll(const std::string& topic, const std::vector<std::string>& values) {
  impl_->ProduceAll(topic, values);
}

std::vector<ConsumedRecord> KafkaCluster::ConsumeAll(const std::string& topic,
                                                     std::size_t expected_count,
                                                     std::chrono::milliseconds timeout,
                                                     const std::string& group) {
  return impl_->ConsumeAll(topic, expected_count, timeout, group);
}

std::map<int32_t, int64_t> KafkaCluster::EndOffsets(const std::string& topic) {
  return impl_->EndOffsets(topic);
}

std::map<int32_t, int64_t> KafkaCluster::GroupOffsets(const std::string& group,
                                                      const std::string& topic) {
  return impl_->GroupOffsets(group, topic);
}

void KafkaCluster::Stop() { impl_->Stop(); }
void KafkaCluster::Restart() { impl_->Restart(); }

}  // namespace ck::testkit
