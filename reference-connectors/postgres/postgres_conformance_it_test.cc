// The PostgreSQL CDC source through the testkit's source conformance suites (the contract, the
// Kafka faults, and the faults of PostgreSQL itself): the postgres plugin in a real worker against
// a real Kafka and a real PostgreSQL 15, one server for the binary, one table, slot and
// publication per test.
//
// Each record is a row (seq bigint PRIMARY KEY, note text) of the test's table; the connector's
// change events (Debezium envelopes, JSON without schemas) are routed to the test's topic with
// RegexRouter, and a record's number is its `after.seq`. Write() inserts every row in a
// transaction of its own, so that a committed offset maps exactly onto the next row:
// - a streamed change's offset carries the transaction's txId: the row whose xmin is that txId
//   was sent, the next row is the one after it;
// - a completed snapshot's offset carries the snapshot's xmin: the rows of transactions below it
//   are the ones it read (Write() runs one transaction at a time), the next is the first after;
// - an offset taken in the middle of a snapshot makes the task take the snapshot again: row 0.
// Every connection of the connector goes through a FaultProxy in front of the server; Write()
// and the adapter's own queries go to the server directly.
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "ck/testkit/conformance/source_conformance.h"
#include "ck/testkit/fault_proxy.h"
#include "ck/testkit/postgres_server.h"

namespace {

using ck::testkit::ConsumedRecord;
using ck::testkit::FaultProxy;
using ck::testkit::PostgresServer;
using ck::testkit::RecordId;
using ck::testkit::SourceConformanceContext;

// The binary's PostgreSQL, started on first use from the test's main thread. Always a local
// server of its own, even when CK_TEST_POSTGRES_URL names a shared one: the suite restarts it,
// which the testkit never does to an external server. Every test leaves a slot behind until its
// adapter drops it; a few spare ones for connectors being replaced.
PostgresServer& Server() {
  static std::unique_ptr<PostgresServer> server = PostgresServer::Start(
      {.settings = {{"max_replication_slots", "20"}, {"max_wal_senders", "20"}},
       .exclusive = true});
  return *server;
}

class PostgresAdapter {
 public:
  // Rows that exist when the connector starts, enough for its snapshot to take a few seconds.
  static constexpr int64_t kSnapshotRecords = 20000;

  static std::vector<std::string> Plugins() {
    return {"reference-connectors/postgres/postgres.tar.gz"};
  }

  explicit PostgresAdapter(const SourceConformanceContext& context)
      : pg_(Server()),
        name_("conf" + std::to_string(++instances_)),
        topic_(context.topic),
        proxy_(FaultProxy::Start(pg_.host(), pg_.port())) {
    pg_.Execute("CREATE TABLE " + name_ + " (seq bigint PRIMARY KEY, note text)");
  }

  // Drops the slot (the worker is gone by now), the publication and the table.
  ~PostgresAdapter() {
    try {
      for (int i = 0; i < 100; ++i) {
        if (pg_.Execute("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + name_ +
                        "' AND active")
                .Scalar() == "0") {
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
      pg_.Execute(
          "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE "
          "slot_name = '" +
          name_ + "'");
      pg_.Execute("DROP PUBLICATION IF EXISTS " + name_);
      pg_.Execute("DROP TABLE IF EXISTS " + name_);
    } catch (const std::exception& e) {
      std::printf("cleaning up %s: %s\n", name_.c_str(), e.what());
    }
  }

  PostgresAdapter(const PostgresAdapter&) = delete;
  PostgresAdapter& operator=(const PostgresAdapter&) = delete;

  nlohmann::json Config(int64_t /*records*/) const {
    return {{"connector.class", "io.debezium.connector.postgresql.PostgresConnector"},
            {"database.hostname", proxy_->host()},
            {"database.port", std::to_string(proxy_->port())},
            {"database.user", pg_.user()},
            {"database.password", pg_.password()},
            {"database.dbname", pg_.database()},
            {"topic.prefix", "conformance"},
            {"slot.name", name_},
            {"publication.name", name_},
            {"publication.autocreate.mode", "filtered"},
            {"table.include.list", "public\\." + name_},
            {"snapshot.mode", "initial"},
            {"poll.interval.ms", "50"},
            {"status.update.interval.ms", "200"},
            {"transforms", "route"},
            {"transforms.route.type", "org.apache.kafka.connect.transforms.RegexRouter"},
            {"transforms.route.regex", ".*"},
            {"transforms.route.replacement", topic_},
            {"key.converter", "org.apache.kafka.connect.json.JsonConverter"},
            {"key.converter.schemas.enable", "false"},
            {"value.converter", "org.apache.kafka.connect.json.JsonConverter"},
            {"value.converter.schemas.enable", "false"}};
  }

  std::vector<std::string> RequiredKeys() const {
    return {"database.hostname", "database.user", "database.dbname", "topic.prefix"};
  }
  std::vector<std::string> Streams() const { return {""}; }

  // Rows [from, to), each inserted and committed in a transaction of its own.
  void Write(int64_t from, int64_t to) {
    if (from >= to) return;
    pg_.Execute("DO $$ BEGIN FOR i IN " + std::to_string(from) + ".." + std::to_string(to - 1) +
                " LOOP INSERT INTO " + name_ +
                " (seq, note) VALUES (i, 'row ' || i); COMMIT; END LOOP; END $$");
  }

  std::optional<RecordId> Identity(const ConsumedRecord& record) const {
    const std::optional<nlohmann::json> after = After(record);
    if (!after || !after->contains("seq")) return std::nullopt;
    return RecordId{"", (*after)["seq"].get<int64_t>()};
  }

  std::optional<RecordId> Resume(const nlohmann::json& /*partition*/,
                                 const nlohmann::json& offset) const {
    if (!offset.is_object() || !offset.contains("txId")) return std::nullopt;
    const std::string txid = std::to_string(offset["txId"].get<int64_t>());
    if (offset.contains("snapshot")) {
      if (!offset.value("snapshot_completed", false) &&
          !offset.value("last_snapshot_record", false)) {
        return RecordId{"", 0};  // the snapshot is taken again
      }
      return RecordId{"", std::stoll(pg_.Execute("SELECT count(*) FROM " + name_ +
                                                 " WHERE xmin::text::bigint < " + txid)
                                         .Scalar())};
    }
    const int64_t seq = std::stoll(pg_.Execute("SELECT coalesce(max(seq), -1) FROM " + name_ +
                                               " WHERE xmin::text::bigint = " + txid)
                                       .Scalar());
    if (seq < 0) return std::nullopt;  // not a transaction of Write()
    return RecordId{"", seq + 1};
  }

  nlohmann::json Reconfigure(nlohmann::json config) const {
    config["max.batch.size"] = "64";
    return config;
  }

  // A clean (fast) shutdown and a start. PostgreSQL stops a logical walsender only once its client
  // confirmed every position sent, which the connector does once the worker committed all it
  // emitted (every offset.flush.interval.ms), so the shutdown finishes well within the testkit's
  // grace period.
  void RestartSourceSystem() { pg_.Restart(); }
  FaultProxy& SourceProxy() { return *proxy_; }

  void ChangeSchema() { pg_.Execute("ALTER TABLE " + name_ + " ADD COLUMN extra int DEFAULT 7"); }
  bool HasChangedSchema(const ConsumedRecord& record) const {
    const std::optional<nlohmann::json> after = After(record);
    return after && after->value("extra", 0) == 7;
  }

 private:
  // The `after` of a change event; nullopt for anything else (a tombstone, another shape).
  static std::optional<nlohmann::json> After(const ConsumedRecord& record) {
    if (!record.value) return std::nullopt;
    nlohmann::json envelope = nlohmann::json::parse(*record.value, nullptr, false);
    if (!envelope.is_object() || !envelope.contains("after") || !envelope["after"].is_object()) {
      return std::nullopt;
    }
    return envelope["after"];
  }

  static inline int instances_ = 0;
  PostgresServer& pg_;
  std::string name_;  // of the table, the slot and the publication
  std::string topic_;
  std::unique_ptr<FaultProxy> proxy_;
};

}  // namespace

namespace ck::testkit {
INSTANTIATE_TYPED_TEST_SUITE_P(Postgres, SourceConformanceTest, ::testing::Types<PostgresAdapter>);
INSTANTIATE_TYPED_TEST_SUITE_P(Postgres, SourceKafkaFaultConformanceTest,
                               ::testing::Types<PostgresAdapter>);
INSTANTIATE_TYPED_TEST_SUITE_P(Postgres, SourceSystemConformanceTest,
                               ::testing::Types<PostgresAdapter>);
}  // namespace ck::testkit
