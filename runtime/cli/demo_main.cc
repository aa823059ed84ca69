// The zero-setup demo: starts the embedded Kafka (librdkafka's mock cluster), produces a stream of
// generated JSON records to a topic with acknowledgements, then consumes them back through a
// consumer group that commits its offsets, and checks that every record arrived once and in order.
// It is the pipeline's transport half; sources and sinks plug in as the runtime grows.
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

constexpr int kRecords = 10000;
constexpr const char* kTopic = "demo-datagen";

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "demo: %s\n", what.c_str());
  std::exit(1);
}

rd_kafka_conf_t* Conf(std::initializer_list<std::pair<const char*, const char*>> settings) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char err[512];
  for (const auto& [key, value] : settings) {
    if (rd_kafka_conf_set(conf, key, value, err, sizeof err) != RD_KAFKA_CONF_OK) {
      Fail(std::string("config ") + key + "=" + value + ": " + err);
    }
  }
  return conf;
}

int ProduceAll(const std::string& bootstrap) {
  char err[512];
  rd_kafka_conf_t* conf = Conf({{"bootstrap.servers", bootstrap.c_str()}, {"linger.ms", "5"}});
  static int acked = 0;
  rd_kafka_conf_set_dr_msg_cb(conf, [](rd_kafka_t*, const rd_kafka_message_t* m, void*) {
    if (m->err) Fail(std::string("delivery failed: ") + rd_kafka_err2str(m->err));
    ++acked;
  });
  rd_kafka_t* producer = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (producer == nullptr) Fail(err);
  for (int i = 0; i < kRecords; ++i) {
    std::string key = std::to_string(i % 100);
    std::string value = "{\"id\":" + std::to_string(i) + ",\"user\":\"user-" + key +
                        "\",\"amount\":" + std::to_string((i * 37) % 1000) + "}";
    rd_kafka_resp_err_t e;
    while ((e = rd_kafka_producev(producer, RD_KAFKA_V_TOPIC(kTopic),
                                  RD_KAFKA_V_KEY(key.data(), key.size()),
                                  RD_KAFKA_V_VALUE(value.data(), value.size()),
                                  RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END)) ==
           RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      rd_kafka_poll(producer, 10);
    }
    if (e) Fail(std::string("produce failed: ") + rd_kafka_err2str(e));
    rd_kafka_poll(producer, 0);
  }
  if (rd_kafka_flush(producer, 30000) != RD_KAFKA_RESP_ERR_NO_ERROR) Fail("flush timed out");
  rd_kafka_destroy(producer);
  return acked;
}

int ConsumeAll(const std::string& bootstrap) {
  char err[512];
  rd_kafka_conf_t* conf = Conf({{"bootstrap.servers", bootstrap.c_str()},
                                {"group.id", "connect-demo-sink"},
                                {"auto.offset.reset", "earliest"},
                                {"enable.auto.commit", "false"}});
  rd_kafka_t* consumer = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
  if (consumer == nullptr) Fail(err);
  rd_kafka_poll_set_consumer(consumer);
  rd_kafka_topic_partition_list_t* topics = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(topics, kTopic, RD_KAFKA_PARTITION_UA);
  if (rd_kafka_subscribe(consumer, topics)) Fail("subscribe failed");
  rd_kafka_topic_partition_list_destroy(topics);

  int received = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (received < kRecords) {
    if (std::chrono::steady_clock::now() > deadline) Fail("timed out waiting for records");
    rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer, 200);
    if (m == nullptr) continue;
    if (!m->err) {
      std::string expected_id = "{\"id\":" + std::to_string(received) + ",";
      std::string value(static_cast<const char*>(m->payload), m->len);
      if (value.rfind(expected_id, 0) != 0) Fail("out of order or lost record: " + value);
      if (received % 2000 == 0) {
        std::printf("  consumed offset %lld: key=%.*s value=%s\n",
                    static_cast<long long>(m->offset), static_cast<int>(m->key_len),
                    static_cast<const char*>(m->key), value.c_str());
      }
      ++received;
    }
    rd_kafka_message_destroy(m);
  }
  if (rd_kafka_commit(consumer, nullptr, 0)) Fail("offset commit failed");
  rd_kafka_consumer_close(consumer);
  rd_kafka_destroy(consumer);
  return received;
}

}  // namespace

int main() {
  char err[512];
  rd_kafka_conf_t* conf = Conf({{"test.mock.num.brokers", "3"}});
  rd_kafka_t* cluster_owner = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (cluster_owner == nullptr) Fail(err);
  rd_kafka_mock_cluster_t* cluster = rd_kafka_handle_mock_cluster(cluster_owner);
  if (cluster == nullptr) Fail("the embedded Kafka (mock cluster) did not start");
  std::string bootstrap = rd_kafka_mock_cluster_bootstraps(cluster);
  rd_kafka_mock_topic_create(cluster, kTopic, 1, 3);
  std::printf("ConnectKit demo: no bootstrap.servers given, running on the embedded Kafka at %s\n",
              bootstrap.c_str());

  auto start = std::chrono::steady_clock::now();
  int acked = ProduceAll(bootstrap);
  std::printf("produced %d records to '%s', all acknowledged\n", acked, kTopic);
  int received = ConsumeAll(bootstrap);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf(
      "consumed %d records through group 'connect-demo-sink', in order, offsets committed\n",
      received);
  std::printf("%d records round-tripped in %.2f s\n", received, secs);
  rd_kafka_destroy(cluster_owner);
  return received == kRecords ? 0 : 1;
}
