// The PostgreSQL CDC connector and task (see postgres_source.h).
//
// Two libpq connections: a regular one for the catalog, the publication and the snapshot, and a
// walsender one (replication=database) for the slot and the CopyBoth stream. Values are read as
// text in session settings fixed by the connection options, so the snapshot and the stream parse
// the same forms (value_mapping.h).
//
// Offsets and resuming. Every streamed event carries {lsn, lsn_proc, lsn_commit, txId, ts_usec,
// lsn_events_processed}, where lsn_commit is the end LSN of the last transaction the task had
// completely emitted before this event's transaction, and lsn_events_processed counts the events
// of this transaction at this LSN so far (a multi-row WAL record yields several events at one
// LSN). A restarted task starts streaming at lsn_commit: the server replays the interrupted
// transaction, and events of it at or before the committed (lsn, count) are skipped. A delete's
// event carries the previous event's offset and its tombstone the new one, so a crash between
// them repeats the delete rather than losing the tombstone.
//
// Confirming to the server. The slot's confirmed flush position is the lsn_commit of the offset
// the runtime committed last (read back in commit()), except when every record poll() returned is
// committed and none is waiting to be returned: then nothing the task emitted is owed, and it
// confirms the end of the WAL it has received and processed (the last Commit's end, or a
// keepalive's wal_end outside a transaction). A restart from a committed offset behind that
// position starts at the position: what lies between holds nothing the task must emit. Confirming
// everything received when idle is what lets a fast shutdown finish: the walsender waits until
// its client has flushed all it was sent.
#include "reference-connectors/postgres/postgres_source.h"

#include <postgresql/libpq-fe.h>
#include <regex.h>
#include <sys/select.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <functional>
#include <sstream>
#include <thread>
#include <unordered_map>
#include <utility>

#include "ck/errors.h"
#include "ck/schema.h"
#include "ck/value.h"
#include "reference-connectors/postgres/pgoutput.h"
#include "reference-connectors/postgres/value_mapping.h"

namespace ck::postgres {
namespace {

using Clock = std::chrono::steady_clock;

constexpr char kHostname[] = "database.hostname";
constexpr char kPort[] = "database.port";
constexpr char kUser[] = "database.user";
constexpr char kPassword[] = "database.password";
constexpr char kDbname[] = "database.dbname";
constexpr char kTopicPrefix[] = "topic.prefix";
constexpr char kPluginName[] = "plugin.name";
constexpr char kSlotName[] = "slot.name";
constexpr char kPublicationName[] = "publication.name";
constexpr char kPublicationMode[] = "publication.autocreate.mode";
constexpr char kSchemaInclude[] = "schema.include.list";
constexpr char kSchemaExclude[] = "schema.exclude.list";
constexpr char kTableInclude[] = "table.include.list";
constexpr char kTableExclude[] = "table.exclude.list";
constexpr char kSnapshotMode[] = "snapshot.mode";
constexpr char kTombstones[] = "tombstones.on.delete";
constexpr char kSkippedOps[] = "skipped.operations";
constexpr char kMaxBatch[] = "max.batch.size";
constexpr char kPollInterval[] = "poll.interval.ms";
constexpr char kStatusInterval[] = "status.update.interval.ms";
constexpr char kSlotDrop[] = "slot.drop.on.stop";
constexpr char kHeartbeatInterval[] = "heartbeat.interval.ms";
constexpr char kHeartbeatPrefix[] = "topic.heartbeat.prefix";
constexpr char kDecimalMode[] = "decimal.handling.mode";
constexpr char kTimeMode[] = "time.precision.mode";
constexpr char kBinaryMode[] = "binary.handling.mode";
constexpr char kIntervalMode[] = "interval.handling.mode";
constexpr char kHstoreMode[] = "hstore.handling.mode";
constexpr char kMoneyDigits[] = "money.fraction.digits";
constexpr char kTxMetadata[] = "provide.transaction.metadata";
constexpr char kTxTopic[] = "topic.transaction";

constexpr char kLsn[] = "lsn";
constexpr char kLsnProc[] = "lsn_proc";
constexpr char kLsnCommit[] = "lsn_commit";
constexpr char kTxId[] = "txId";
constexpr char kTsUsec[] = "ts_usec";
constexpr char kEventsAtLsn[] = "lsn_events_processed";
constexpr char kSnapshot[] = "snapshot";
constexpr char kLastSnapshotRecord[] = "last_snapshot_record";
constexpr char kSnapshotCompleted[] = "snapshot_completed";
constexpr char kTxnIdKey[] = "transaction_id";
constexpr char kTxnCountPrefix[] = "transaction_data_collection_order_";

constexpr char kSnapshotAllowed[] =
    "true,first,first_in_data_collection,last_in_data_collection,last,false,incremental";

// Debezium keys with behaviour this connector does not implement: set, they are reported.
constexpr const char* kUnsupportedKeys[] = {
    "column.include.list",
    "column.exclude.list",
    "message.key.columns",
    "snapshot.select.statement.overrides",
    "snapshot.include.collection.list",
    "signal.data.collection",
    "replica.identity.autoset.values",
    "heartbeat.action.query",
    "column.propagate.source.type",
    "datatype.propagate.source.type",
    "include.unknown.datatypes",
    "publish.via.partition.root",
    "converters",
    "snapshot.custom.class",
    "message.prefix.include.list",
    "message.prefix.exclude.list",
    "table.ignore.builtin",
    "schema.name.adjustment.mode",
    "field.name.adjustment.mode",
    "unavailable.value.placeholder",
    "slot.stream.params",
    "slot.failover",
    "database.sslmode",
    "database.initial.statements",
    "event.processing.failure.handling.mode",
    "lsn.flush.mode",
};

// Debezium's value handling modes: key, accepted values (the first is the default), meaning.
struct HandlingMode {
  const char* key;
  std::vector<std::string> values;
  const char* doc;
};
const std::vector<HandlingMode>& HandlingModes() {
  static const std::vector<HandlingMode> modes = {
      {kDecimalMode,
       {"precise", "double", "string"},
       "numeric and money: precise (Decimal, VariableScaleDecimal without a scale), double "
       "(FLOAT64) or string."},
      {kTimeMode,
       {"adaptive", "adaptive_time_microseconds", "connect"},
       "adaptive: time/timestamp(p<=3) in milliseconds, else microseconds; "
       "adaptive_time_microseconds: times always in microseconds; connect: Kafka Connect's "
       "Date, Time and Timestamp (milliseconds)."},
      {kBinaryMode,
       {"bytes", "base64", "base64-url-safe", "hex"},
       "bytea as BYTES or as a base64, URL-safe base64 or hex string."},
      {kIntervalMode,
       {"numeric", "string"},
       "interval as io.debezium.time.MicroDuration (microseconds) or io.debezium.time.Interval "
       "(ISO 8601 string)."},
      {kHstoreMode,
       {"json", "map"},
       "hstore as an io.debezium.data.Json string or a MAP<STRING, STRING>."},
  };
  return modes;
}

template <typename Mode>
Mode ModeOf(const std::string& key, const std::string& value) {
  for (const HandlingMode& m : HandlingModes()) {
    if (key != m.key) continue;
    const auto it = std::find(m.values.begin(), m.values.end(), value);
    if (it != m.values.end()) return static_cast<Mode>(it - m.values.begin());
  }
  throw ConfigError(key, value, "not a known mode");  // ruled out by the validators
}

ConfigDef MakeConfigDef() {
  ConfigDef d;
  const auto str = [&](const char* name, std::optional<std::string> def, Importance imp,
                       std::string doc) {
    ConfigDef::Key k(name, ConfigType::kString);
    if (def) k.default_value(*def);
    d.define(std::move(k.importance(imp).doc(std::move(doc))));
  };
  str(kHostname, std::nullopt, Importance::kHigh, "Host name or address of the PostgreSQL server.");
  d.define(ConfigDef::Key(kPort, ConfigType::kInt)
               .default_value(5432)
               .validator(Range::Between(1, 65535))
               .importance(Importance::kHigh)
               .doc("Port of the PostgreSQL server."));
  str(kUser, std::nullopt, Importance::kHigh,
      "User to connect as; needs the REPLICATION attribute (and CREATE on the database to "
      "create the publication).");
  d.define(ConfigDef::Key(kPassword, ConfigType::kPassword)
               .default_value(nullptr)
               .importance(Importance::kHigh)
               .doc("Password of the user."));
  str(kDbname, std::nullopt, Importance::kHigh, "Database to capture.");
  d.define(ConfigDef::Key(kTopicPrefix, ConfigType::kString)
               .validator(RegexValidator("[a-zA-Z0-9._-]{1,249}"))
               .importance(Importance::kHigh)
               .doc("Prefix of every topic name (<prefix>.<schema>.<table>) and the source "
                    "partition's server name."));
  d.define(ConfigDef::Key(kPluginName, ConfigType::kString)
               .default_value("pgoutput")
               .validator(ValidString::In({"pgoutput"}))
               .importance(Importance::kMedium)
               .doc("Logical decoding plugin. Only pgoutput, PostgreSQL's built-in one, is "
                    "supported (decoderbufs needs a server extension)."));
  str(kSlotName, "debezium", Importance::kMedium, "Name of the logical replication slot.");
  str(kPublicationName, "dbz_publication", Importance::kMedium, "Name of the publication.");
  d.define(ConfigDef::Key(kPublicationMode, ConfigType::kString)
               .default_value("all_tables")
               .validator(ValidString::In({"all_tables", "filtered", "disabled"}))
               .importance(Importance::kMedium)
               .doc("all_tables: create the publication FOR ALL TABLES when missing; filtered: "
                    "create or set it to the captured tables; disabled: it must exist."));
  for (const char* key : {kSchemaInclude, kSchemaExclude, kTableInclude, kTableExclude}) {
    d.define(ConfigDef::Key(key, ConfigType::kString)
                 .default_value(nullptr)
                 .importance(Importance::kMedium)
                 .doc("Comma-separated POSIX extended regular expressions matched against whole "
                      "schema names (schema lists) or schema.table names (table lists)."));
  }
  d.define(ConfigDef::Key(kSnapshotMode, ConfigType::kString)
               .default_value("initial")
               .validator(ValidString::In(
                   {"initial", "initial_only", "no_data", "never", "always", "when_needed"}))
               .importance(Importance::kMedium)
               .doc("When to snapshot the captured tables before streaming."));
  d.define(ConfigDef::Key(kTombstones, ConfigType::kBoolean)
               .default_value(true)
               .importance(Importance::kMedium)
               .doc("Whether a delete event is followed by a tombstone (null value)."));
  str(kSkippedOps, "t", Importance::kLow,
      "Comma-separated operations not emitted: c (insert), u (update), d (delete), t (truncate), "
      "or none.");
  d.define(ConfigDef::Key(kMaxBatch, ConfigType::kInt)
               .default_value(2048)
               .validator(Range::AtLeast(1))
               .importance(Importance::kLow)
               .doc("Most events one poll returns."));
  d.define(ConfigDef::Key(kPollInterval, ConfigType::kLong)
               .default_value(int64_t{500})
               .validator(Range::AtLeast(1))
               .importance(Importance::kLow)
               .doc("Milliseconds a poll waits for the first event."));
  d.define(ConfigDef::Key(kStatusInterval, ConfigType::kLong)
               .default_value(int64_t{10000})
               .validator(Range::AtLeast(1))
               .importance(Importance::kLow)
               .doc("Milliseconds between standby status updates to the server."));
  d.define(ConfigDef::Key(kSlotDrop, ConfigType::kBoolean)
               .default_value(false)
               .importance(Importance::kLow)
               .doc("Whether the task drops the slot when it stops."));
  d.define(
      ConfigDef::Key(kHeartbeatInterval, ConfigType::kLong)
          .default_value(int64_t{0})
          .validator(Range::AtLeast(0))
          .importance(Importance::kLow)
          .doc("Milliseconds between heartbeat records on __debezium-heartbeat.<prefix>, which "
               "let offsets and the slot advance while captured tables are idle. 0 = off."));
  str(kHeartbeatPrefix, "__debezium-heartbeat", Importance::kLow, "Prefix of the heartbeat topic.");
  for (const HandlingMode& m : HandlingModes()) {
    d.define(ConfigDef::Key(m.key, ConfigType::kString)
                 .default_value(m.values.front())
                 .validator(ValidString::In(m.values))
                 .importance(Importance::kLow)
                 .doc(m.doc));
  }
  d.define(ConfigDef::Key(kMoneyDigits, ConfigType::kInt)
               .default_value(2)
               .validator(Range::Between(0, 1000))
               .importance(Importance::kLow)
               .doc("Scale of money values in precise decimal.handling.mode."));
  d.define(ConfigDef::Key(kTxMetadata, ConfigType::kBoolean)
               .default_value(false)
               .importance(Importance::kLow)
               .doc("Whether BEGIN and END events go to <prefix>.<topic.transaction> and each "
                    "change event carries its transaction block (id, total_order, "
                    "data_collection_order)."));
  str(kTxTopic, "transaction", Importance::kLow,
      "Suffix of the transaction metadata topic, <topic.prefix>.<topic.transaction>.");
  return d;
}

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    const size_t b = item.find_first_not_of(" \t");
    const size_t e = item.find_last_not_of(" \t");
    if (b != std::string::npos) out.push_back(item.substr(b, e - b + 1));
  }
  return out;
}

// A list of whole-name POSIX extended regular expressions.
class Patterns {
 public:
  Patterns() = default;
  Patterns(const std::string& key, const std::string& text) {
    for (const std::string& p : SplitList(text)) {
      auto* raw = new regex_t;
      const std::string anchored = "^(" + p + ")$";
      if (regcomp(raw, anchored.c_str(), REG_EXTENDED | REG_NOSUB) != 0) {
        delete raw;
        throw ConfigError(key, text,
                          "'" + p + "' is not a valid POSIX extended regular expression");
      }
      std::shared_ptr<regex_t> regex(raw, [](regex_t* r) {
        regfree(r);
        delete r;
      });
      regexes_.push_back(std::move(regex));
    }
  }
  bool empty() const { return regexes_.empty(); }
  bool Matches(const std::string& s) const {
    return std::any_of(regexes_.begin(), regexes_.end(), [&](const auto& r) {
      return regexec(r.get(), s.c_str(), 0, nullptr, 0) == 0;
    });
  }

 private:
  std::vector<std::shared_ptr<regex_t>> regexes_;
};

// Problems beyond single keys' validators, as (key, message).
std::vector<std::pair<std::string, std::string>> CrossKeyProblems(const ConfigMap& props) {
  std::vector<std::pair<std::string, std::string>> problems;
  const auto has = [&](const char* k) {
    const auto it = props.find(k);
    return it != props.end() && !it->second.empty();
  };
  for (const char* key : kUnsupportedKeys) {
    if (const auto it = props.find(key); it != props.end()) {
      problems.emplace_back(
          key, ConfigError(key, it->second,
                           std::string(key) + " is not supported by this connector yet; "
                                              "remove the key")
                   .what());
    }
  }
  if (const auto it = props.find(kPluginName); it != props.end() && it->second != "pgoutput") {
    problems.emplace_back(
        kPluginName, ConfigError(kPluginName, it->second,
                                 "only pgoutput (PostgreSQL's built-in logical decoding plugin) "
                                 "is supported; decoderbufs and wal2json are not")
                         .what());
  }
  if (const auto it = props.find(kSnapshotMode);
      it != props.end() && (it->second == "configuration_based" || it->second == "custom" ||
                            it->second == "schema_only" || it->second == "exported")) {
    problems.emplace_back(kSnapshotMode,
                          ConfigError(kSnapshotMode, it->second,
                                      "not supported; use initial, initial_only, no_data, never, "
                                      "always or when_needed")
                              .what());
  }
  if (has(kTableInclude) && has(kTableExclude)) {
    problems.emplace_back(kTableExclude, ConfigError(kTableExclude, props.at(kTableExclude),
                                                     "table.include.list is set too; use one")
                                             .what());
  }
  if (has(kSchemaInclude) && has(kSchemaExclude)) {
    problems.emplace_back(kSchemaExclude, ConfigError(kSchemaExclude, props.at(kSchemaExclude),
                                                      "schema.include.list is set too; use one")
                                              .what());
  }
  if (const auto it = props.find(kSkippedOps); it != props.end()) {
    for (const std::string& op : SplitList(it->second)) {
      if (op != "c" && op != "u" && op != "d" && op != "t" && op != "none") {
        problems.emplace_back(
            kSkippedOps, ConfigError(kSkippedOps, it->second,
                                     "'" + op + "' is not an operation; use c, u, d, t or none")
                             .what());
      }
    }
  }
  for (const char* key : {kSchemaInclude, kSchemaExclude, kTableInclude, kTableExclude}) {
    if (has(key)) {
      try {
        (void)Patterns(key, props.at(key));
      } catch (const ConfigError& e) {
        problems.emplace_back(key, e.what());
      }
    }
  }
  return problems;
}

struct Settings {
  std::string host;
  int32_t port = 5432;
  std::string user;
  std::string password;
  std::string dbname;
  std::string prefix;
  std::string slot;
  std::string publication;
  std::string publication_mode;
  Patterns schema_include, schema_exclude, table_include, table_exclude;
  std::string snapshot_mode;
  bool tombstones = true;
  std::set<char> skipped;
  int32_t max_batch = 2048;
  int64_t poll_interval_ms = 500;
  int64_t status_interval_ms = 10000;
  bool slot_drop = false;
  int64_t heartbeat_ms = 0;
  std::string heartbeat_topic;
  MappingOptions mapping;
  bool tx_metadata = false;
  std::string tx_topic;

  bool Captured(const std::string& schema, const std::string& table) const {
    if (schema == "pg_catalog" || schema == "information_schema") return false;
    if (!schema_include.empty() && !schema_include.Matches(schema)) return false;
    if (schema_exclude.Matches(schema)) return false;
    const std::string full = schema + "." + table;
    if (!table_include.empty() && !table_include.Matches(full)) return false;
    return !table_exclude.Matches(full);
  }
};

Settings ParseSettings(const ConfigMap& props) {
  const ParsedConfig parsed = PostgresConfigDef().Parse(props);
  if (const auto problems = CrossKeyProblems(props); !problems.empty()) {
    throw ConfigError(problems.front().second);
  }
  const auto get_str = [&](const char* k) {
    const auto& v = parsed.at(k);
    if (const auto* s = std::get_if<std::string>(&v)) return *s;
    return std::string();
  };
  Settings s;
  s.host = get_str(kHostname);
  s.port = std::get<int32_t>(parsed.at(kPort));
  s.user = get_str(kUser);
  if (const auto* p = std::get_if<Password>(&parsed.at(kPassword))) s.password = p->value();
  s.dbname = get_str(kDbname);
  s.prefix = get_str(kTopicPrefix);
  s.slot = get_str(kSlotName);
  s.publication = get_str(kPublicationName);
  s.publication_mode = get_str(kPublicationMode);
  s.schema_include = Patterns(kSchemaInclude, get_str(kSchemaInclude));
  s.schema_exclude = Patterns(kSchemaExclude, get_str(kSchemaExclude));
  s.table_include = Patterns(kTableInclude, get_str(kTableInclude));
  s.table_exclude = Patterns(kTableExclude, get_str(kTableExclude));
  s.snapshot_mode = get_str(kSnapshotMode);
  s.tombstones = std::get<bool>(parsed.at(kTombstones));
  for (const std::string& op : SplitList(get_str(kSkippedOps))) {
    if (op.size() == 1) s.skipped.insert(op[0]);
  }
  s.max_batch = std::get<int32_t>(parsed.at(kMaxBatch));
  s.poll_interval_ms = std::get<int64_t>(parsed.at(kPollInterval));
  s.status_interval_ms = std::get<int64_t>(parsed.at(kStatusInterval));
  s.slot_drop = std::get<bool>(parsed.at(kSlotDrop));
  s.heartbeat_ms = std::get<int64_t>(parsed.at(kHeartbeatInterval));
  s.heartbeat_topic = get_str(kHeartbeatPrefix) + "." + s.prefix;
  using M = MappingOptions;
  s.mapping.decimal = ModeOf<M::DecimalMode>(kDecimalMode, get_str(kDecimalMode));
  s.mapping.time = ModeOf<M::TimeMode>(kTimeMode, get_str(kTimeMode));
  s.mapping.binary = ModeOf<M::BinaryMode>(kBinaryMode, get_str(kBinaryMode));
  s.mapping.interval = ModeOf<M::IntervalMode>(kIntervalMode, get_str(kIntervalMode));
  s.mapping.hstore = ModeOf<M::HstoreMode>(kHstoreMode, get_str(kHstoreMode));
  s.mapping.money_fraction_digits = std::get<int32_t>(parsed.at(kMoneyDigits));
  s.tx_metadata = std::get<bool>(parsed.at(kTxMetadata));
  s.tx_topic = s.prefix + "." + get_str(kTxTopic);
  return s;
}

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string QuoteIdent(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

std::string QuoteLiteral(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out.push_back('\'');
    out.push_back(c);
  }
  return out + "'";
}

// ---- libpq ------------------------------------------------------------------------------------

// A failure of the connection itself (not of a statement): the task reconnects.
class ConnectionLost : public RetriableError {
 public:
  using RetriableError::RetriableError;
};

using ResultPtr = std::unique_ptr<PGresult, decltype(&PQclear)>;

class PgConnection {
 public:
  PgConnection(const Settings& s, bool replication) {
    // Values are parsed from text in these settings (value_mapping.h).
    const std::string options =
        "-c DateStyle=ISO -c TimeZone=UTC -c IntervalStyle=iso_8601 -c extra_float_digits=3 "
        "-c bytea_output=hex -c lc_monetary=C";
    const std::string port = std::to_string(s.port);
    std::vector<const char*> keys = {
        "host", "port", "user", "dbname", "options", "application_name", "connect_timeout"};
    std::vector<const char*> values = {
        s.host.c_str(),        port.c_str(), s.user.c_str(), s.dbname.c_str(), options.c_str(),
        "connectkit-postgres", "10"};
    if (!s.password.empty()) {
      keys.push_back("password");
      values.push_back(s.password.c_str());
    }
    if (replication) {
      keys.push_back("replication");
      values.push_back("database");
    }
    keys.push_back(nullptr);
    values.push_back(nullptr);
    conn_ = PQconnectdbParams(keys.data(), values.data(), 0);
    if (conn_ == nullptr || PQstatus(conn_) != CONNECTION_OK) {
      const std::string error = conn_ != nullptr ? PQerrorMessage(conn_) : "out of memory";
      PQfinish(conn_);
      conn_ = nullptr;
      throw ConnectionLost("Cannot connect to PostgreSQL at " + s.host + ":" + port +
                           " (database " + s.dbname + ", user " + s.user + ")" +
                           (replication ? " for replication" : "") + ": " + Trim(error));
    }
  }
  ~PgConnection() { PQfinish(conn_); }
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  PGconn* get() const { return conn_; }

  ResultPtr Exec(const std::string& sql, const std::vector<std::string>& params = {}) {
    std::vector<const char*> p;
    p.reserve(params.size());
    for (const auto& s : params) p.push_back(s.c_str());
    ResultPtr r(params.empty() ? PQexec(conn_, sql.c_str())
                               : PQexecParams(conn_, sql.c_str(), static_cast<int>(p.size()),
                                              nullptr, p.data(), nullptr, nullptr, 0),
                &PQclear);
    const ExecStatusType st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_COPY_BOTH) {
      const std::string error = Trim(r ? PQresultErrorMessage(r.get()) : PQerrorMessage(conn_));
      const char* state = r ? PQresultErrorField(r.get(), PG_DIAG_SQLSTATE) : nullptr;
      if (state != nullptr && std::string_view(state) == "55006") {
        // Object in use, e.g. the slot still held by the session of a cut connection: retried.
        throw ConnectionLost("PostgreSQL object in use: " + error);
      }
      if (PQstatus(conn_) != CONNECTION_OK) {
        throw ConnectionLost("PostgreSQL connection lost: " + error);
      }
      throw ConnectError("PostgreSQL statement failed: " + sql + ": " + error);
    }
    return r;
  }

  void ThrowLost(const std::string& what) const {
    throw ConnectionLost(what + ": " + Trim(PQerrorMessage(conn_)));
  }

  static std::string Trim(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
  }

 private:
  PGconn* conn_ = nullptr;
};

std::string Cell(const PGresult* r, int row, int col) {
  return PQgetisnull(r, row, col) ? std::string() : std::string(PQgetvalue(r, row, col));
}

// ---- schemas ------------------------------------------------------------------------------------

SchemaPtr SourceSchema() {
  static const SchemaPtr schema = [] {
    SchemaBuilder snapshot = SchemaBuilder::string()
                                 .name("io.debezium.data.Enum")
                                 .version(1)
                                 .parameter("allowed", kSnapshotAllowed)
                                 .optional();
    snapshot.default_value("false");
    return SchemaBuilder::struct_()
        .name("io.debezium.connector.postgresql.Source")
        .version(1)
        .field("version", Schema::String())
        .field("connector", Schema::String())
        .field("name", Schema::String())
        .field("ts_ms", Schema::Int64())
        .field("snapshot", snapshot.build())
        .field("db", Schema::String())
        .field("sequence", Schema::OptionalString())
        .field("ts_us", Schema::OptionalInt64())
        .field("ts_ns", Schema::OptionalInt64())
        .field("schema", Schema::String())
        .field("table", Schema::String())
        .field("txId", Schema::OptionalInt64())
        .field("lsn", Schema::OptionalInt64())
        .field("xmin", Schema::OptionalInt64())
        .build();
  }();
  return schema;
}

// The source block's fields, looked up once: events put them by field, not by name.
struct SourceFields {
  const Field &version, &connector, &name, &ts_ms, &snapshot, &db, &sequence, &ts_us, &ts_ns,
      &schema, &table, &tx_id, &lsn;
};

const SourceFields& SourceBlockFields() {
  static const SourceFields fields = [] {
    const SchemaPtr& s = SourceSchema();
    return SourceFields{*s->field("version"),  *s->field("connector"), *s->field("name"),
                        *s->field("ts_ms"),    *s->field("snapshot"),  *s->field("db"),
                        *s->field("sequence"), *s->field("ts_us"),     *s->field("ts_ns"),
                        *s->field("schema"),   *s->field("table"),     *s->field("txId"),
                        *s->field("lsn")};
  }();
  return fields;
}

SchemaPtr TransactionBlockSchema() {
  static const SchemaPtr schema = SchemaBuilder::struct_()
                                      .optional()
                                      .name("event.block")
                                      .version(1)
                                      .field("id", Schema::String())
                                      .field("total_order", Schema::Int64())
                                      .field("data_collection_order", Schema::Int64())
                                      .build();
  return schema;
}

// Debezium's transaction metadata topic schemas (io.debezium.schema.SchemaFactory).
SchemaPtr TransactionKeySchema() {
  static const SchemaPtr schema = SchemaBuilder::struct_()
                                      .name("io.debezium.connector.common.TransactionMetadataKey")
                                      .version(1)
                                      .field("id", Schema::String())
                                      .build();
  return schema;
}

SchemaPtr TransactionCollectionSchema() {
  static const SchemaPtr schema = SchemaBuilder::struct_()
                                      .optional()
                                      .name("event.collection")
                                      .version(1)
                                      .field("data_collection", Schema::String())
                                      .field("event_count", Schema::Int64())
                                      .build();
  return schema;
}

SchemaPtr TransactionValueSchema() {
  static const SchemaPtr schema =
      SchemaBuilder::struct_()
          .name("io.debezium.connector.common.TransactionMetadataValue")
          .version(1)
          .field("status", Schema::String())
          .field("id", Schema::String())
          .field("event_count", Schema::OptionalInt64())
          .field("data_collections",
                 SchemaBuilder::array(TransactionCollectionSchema()).optional().build())
          .field("ts_ms", Schema::Int64())
          .build();
  return schema;
}

struct ColumnInfo {
  std::string name;
  uint32_t type_oid = 0;
  int32_t type_mod = -1;
  bool not_null = false;
};

// A captured table's schemas and converters.
struct TableSchema {
  std::string schema, table, topic;
  bool captured = false;
  struct Column {
    std::string name;
    std::optional<ColumnConverter> converter;  // none: unsupported type, left out
    const Field* field = nullptr;
  };
  std::vector<Column> columns;      // in table order, as tuples carry them
  std::vector<size_t> key_columns;  // indexes into columns, in primary key order
  SchemaPtr key_schema, value_schema, envelope_schema;
  // The envelope's fields, looked up once.
  const Field *before = nullptr, *after = nullptr, *source = nullptr, *op = nullptr,
              *ts_ms = nullptr, *ts_us = nullptr, *ts_ns = nullptr;

  Struct Row(const Tuple& tuple) const {
    if (tuple.size() != columns.size()) {
      throw DataError("A change of " + schema + "." + table + " has " +
                      std::to_string(tuple.size()) + " columns; the relation has " +
                      std::to_string(columns.size()));
    }
    Struct row(value_schema);
    for (size_t i = 0; i < columns.size(); ++i) {
      const Column& c = columns[i];
      if (!c.converter) continue;
      const TupleValue& v = tuple[i];
      Value value;
      if (v.kind == 't') {
        value = c.converter->FromText(v.data);
      } else if (v.kind == 'u') {
        value = c.converter->Unavailable();
      } else if (v.kind == 'b') {
        throw DataError("Binary tuple values are not requested and not supported");
      }
      if (value.is_null() && !c.field->schema->optional()) {
        value = c.converter->Fallback();  // e.g. the other columns of an old-key tuple
      }
      row.put(*c.field, std::move(value));
    }
    return row;
  }

  Value Key(const Struct& row) const {
    if (key_schema == nullptr) return Value();
    Struct key(key_schema);
    const auto& key_fields = key_schema->fields();
    for (size_t k = 0; k < key_columns.size(); ++k) {
      key.put(key_fields[k], row.get(*columns[key_columns[k]].field));
    }
    return key;
  }
};

std::shared_ptr<TableSchema> BuildTableSchema(const std::string& prefix, const std::string& schema,
                                              const std::string& table,
                                              const std::vector<ColumnInfo>& columns,
                                              const std::vector<std::string>& primary_key,
                                              const TypeLookup& lookup, bool captured,
                                              const MappingOptions& mapping) {
  auto t = std::make_shared<TableSchema>();
  t->schema = schema;
  t->table = table;
  t->captured = captured;
  const std::string base = prefix + "." + schema + "." + table;
  t->topic = base;
  SchemaBuilder value = SchemaBuilder::struct_().name(base + ".Value").optional();
  SchemaBuilder key = SchemaBuilder::struct_().name(base + ".Key");
  for (const ColumnInfo& c : columns) {
    TableSchema::Column col{
        c.name, ColumnConverter::Create(c.type_oid, c.type_mod, lookup, !c.not_null, mapping)};
    if (col.converter) value.field(c.name, col.converter->schema());
    t->columns.push_back(std::move(col));
  }
  for (const std::string& k : primary_key) {
    for (size_t i = 0; i < t->columns.size(); ++i) {
      if (t->columns[i].name == k && t->columns[i].converter) {
        t->key_columns.push_back(i);
        key.field(k, t->columns[i].converter->schema());  // primary keys are NOT NULL
      }
    }
  }
  t->value_schema = value.build();
  for (auto& c : t->columns) {
    if (c.converter) c.field = t->value_schema->field(c.name);
  }
  if (!t->key_columns.empty()) t->key_schema = key.build();
  t->envelope_schema = SchemaBuilder::struct_()
                           .name(base + ".Envelope")
                           .version(2)
                           .field("before", t->value_schema)
                           .field("after", t->value_schema)
                           .field("source", SourceSchema())
                           .field("op", Schema::String())
                           .field("ts_ms", Schema::OptionalInt64())
                           .field("ts_us", Schema::OptionalInt64())
                           .field("ts_ns", Schema::OptionalInt64())
                           .field("transaction", TransactionBlockSchema())
                           .build();
  const Schema& envelope = *t->envelope_schema;
  t->before = envelope.field("before");
  t->after = envelope.field("after");
  t->source = envelope.field("source");
  t->op = envelope.field("op");
  t->ts_ms = envelope.field("ts_ms");
  t->ts_us = envelope.field("ts_us");
  t->ts_ns = envelope.field("ts_ns");
  return t;
}

}  // namespace

// ---- the task's implementation ---------------------------------------------------------------

// A record's source offset: JSON text for the change events streamed without transaction metadata
// (a JSON object per event would cost an allocation per member), a JSON object for the rest.
struct RecordOffset {
  // NOLINTNEXTLINE(google-explicit-constructor): the JSON offsets of the other events
  RecordOffset(nlohmann::json value) : json(std::move(value)) {}
  static RecordOffset Text(std::string text) {
    RecordOffset out(nullptr);
    out.text = std::move(text);
    return out;
  }
  // The offset `r` carries.
  static RecordOffset Of(const SourceRecord& r) {
    return r.source_offset_json.empty() ? RecordOffset(r.source_offset)
                                        : Text(r.source_offset_json);
  }
  nlohmann::json Json() const { return text.empty() ? json : nlohmann::json::parse(text); }
  void MoveTo(SourceRecord& r) {
    if (text.empty()) {
      r.source_offset = std::move(json);
    } else {
      r.source_offset_json = std::move(text);
    }
  }

  nlohmann::json json;
  std::string text;  // used when not empty
};

class PostgresTaskImpl {
 public:
  PostgresTaskImpl(const SourceTaskContext& context, const ConfigMap& props,
                   const std::atomic<bool>& stopping)
      : context_(context), s_(ParseSettings(props)), stopping_(stopping) {
    partition_ = {{"server", s_.prefix}};
    partition_text_ = partition_.dump();
  }

  ~PostgresTaskImpl() {
    try {
      Close();
    } catch (...) {
    }
  }

  void Start() {
    ReadOffset();
    Connect(true);
  }

  void Poll(std::vector<SourceRecord>& out);
  void Commit();

 private:
  enum class Phase { kSnapshot, kStreaming, kIdle, kReconnect };

  struct Resume {
    uint64_t lsn_commit = 0;
    std::optional<uint32_t> txid;  // the interrupted transaction, if any
    uint64_t lsn = 0;
    int64_t events_at_lsn = 0;
  };

  struct SnapshotTable {
    std::shared_ptr<TableSchema> schema;
    std::string select;
  };

  struct PendingSnapshotRow {
    std::shared_ptr<TableSchema> table;
    Struct row;
    bool first_in_table;
    bool last_in_table = false;
  };

  void ReadOffset();
  void Connect(bool first);
  void Close();
  void SetUpPublication();
  std::vector<std::pair<uint32_t, std::pair<std::string, std::string>>> ListTables();
  std::shared_ptr<TableSchema> LoadTable(uint32_t relid, const std::string& schema,
                                         const std::string& table,
                                         const std::vector<RelationColumn>* relation);
  std::optional<PgTypeInfo> LookupType(uint32_t oid);
  void BeginSnapshot(const std::string& exported);
  void SnapshotBatch(std::vector<SourceRecord>& out);
  void EmitSnapshotRow(PendingSnapshotRow& p, bool very_last, std::vector<SourceRecord>& out);
  void StartStreaming();
  void StreamBatch(std::vector<SourceRecord>& out);
  void HandleMessage(uint64_t lsn, std::string_view data, std::vector<SourceRecord>& out);
  void SendStatus(bool reply_requested);
  bool ConfirmProcessed();
  void MaybeHeartbeat(std::vector<SourceRecord>& out);
  Struct Source(const TableSchema& t, uint64_t lsn, const char* snapshot, int64_t ts_us,
                std::optional<uint32_t> txid) const;
  SourceRecord MessageEvent(const LogicalMessage& m, uint64_t lsn, std::optional<uint32_t> txid,
                            int64_t ts_us, nlohmann::json offset) const;
  SourceRecord Change(const TableSchema& t, const char* op, Value before, Value after,
                      Struct source, RecordOffset offset) const;
  void BeginTransactionMetadata(uint64_t lsn, std::vector<SourceRecord>& out);
  void EndTransactionMetadata(uint64_t end_lsn, std::vector<SourceRecord>& out);
  void CountTransactionEvent(SourceRecord& r, uint64_t lsn);
  void AddTransactionOffset(nlohmann::json& offset) const;
  SourceRecord TransactionEvent(const char* status, nlohmann::json offset) const;
  void RememberResumePoint(const nlohmann::json& offset);
  nlohmann::json StreamOffset(uint64_t lsn, int64_t events) const;
  std::string StreamOffsetText(uint64_t lsn, int64_t events) const;
  void Log(LogLevel level, const std::string& message) const { context_.log(level, message); }

  const SourceTaskContext& context_;
  Settings s_;
  const std::atomic<bool>& stopping_;
  nlohmann::json partition_;
  std::string partition_text_;  // partition_ as JSON text, as records carry it

  std::unique_ptr<PgConnection> sql_;
  std::unique_ptr<PgConnection> repl_;
  Phase phase_ = Phase::kIdle;
  std::unordered_map<uint32_t, std::optional<PgTypeInfo>> types_;
  std::unordered_map<uint32_t, std::shared_ptr<TableSchema>> relations_;

  // Resume state.
  std::optional<nlohmann::json> committed_offset_;
  bool snapshot_done_ = false;
  std::optional<Resume> resume_;
  uint64_t stream_start_ = 0;   // LSN streaming starts at
  uint64_t flush_lsn_ = 0;      // confirmed flush position sent to the server, never lowered
  uint64_t received_lsn_ = 0;   // highest WAL position seen
  uint64_t processed_lsn_ = 0;  // end of the WAL received and processed, outside a transaction
  bool all_committed_ = true;   // the runtime committed every record poll() returned

  // Snapshot state.
  std::vector<SnapshotTable> snapshot_tables_;
  size_t snapshot_index_ = 0;
  bool cursor_open_ = false;
  bool snapshot_table_started_ = false;
  bool snapshot_first_ = true;
  std::optional<PendingSnapshotRow> pending_;
  int64_t snapshot_ts_us_ = 0;
  std::optional<uint32_t> snapshot_xid_;
  nlohmann::json returned_offset_;  // offset of the last record poll() returned

  // Streaming state.
  bool in_txn_ = false;
  bool skip_txn_ = false;
  BeginMessage txn_{};
  uint64_t last_commit_end_ = 0;
  std::optional<uint32_t> last_xid_;
  int64_t last_ts_us_ = 0;
  uint64_t event_lsn_ = 0;
  int64_t events_at_lsn_ = 0;
  Clock::time_point next_status_{};
  Clock::time_point next_heartbeat_{};
  Clock::time_point reconnect_at_{};
  std::chrono::milliseconds backoff_{100};

  // Transaction metadata (provide.transaction.metadata=true): the open transaction's event counts
  // and the offset of an interrupted transaction to take them up from.
  struct TransactionCounts {
    bool open = false;  // a BEGIN was emitted (or restored) for the current transaction
    int64_t total = 0;
    std::vector<std::pair<std::string, int64_t>> per_collection;  // in first-event order
  };
  TransactionCounts txn_counts_;
  std::optional<nlohmann::json> txn_resume_;
};

void PostgresTaskImpl::ReadOffset() {
  committed_offset_ = context_.offset_storage_reader().offset(partition_);
  if (!committed_offset_) return;
  const nlohmann::json& o = *committed_offset_;
  if (!o.is_object() || !o.contains(kLsn) || !o.at(kLsn).is_number_integer()) {
    throw ConnectError("The committed offset of " + partition_.dump() + " is " + o.dump() +
                       "; expected an object with a numeric \"lsn\"");
  }
  const auto flag = [&](const char* k) {
    return o.contains(k) && o.at(k).is_boolean() && o.at(k).get<bool>();
  };
  snapshot_done_ = !o.contains(kSnapshot) || flag(kSnapshotCompleted) || flag(kLastSnapshotRecord);
  Resume r;
  r.lsn = o.at(kLsn).get<uint64_t>();
  r.lsn_commit = o.contains(kLsnCommit) && o.at(kLsnCommit).is_number_integer()
                     ? o.at(kLsnCommit).get<uint64_t>()
                     : r.lsn;
  if (!o.contains(kSnapshot) && o.contains(kTxId) && o.at(kTxId).is_number_integer()) {
    r.txid = o.at(kTxId).get<uint32_t>();
    r.events_at_lsn = o.value(kEventsAtLsn, int64_t{1});
  }
  resume_ = r;
  if (!o.contains(kSnapshot)) RememberResumePoint(o);
}

// A streaming offset the task resumes from: the records that do not end their event repeat it,
// and an interrupted transaction's metadata is taken up from it.
void PostgresTaskImpl::RememberResumePoint(const nlohmann::json& offset) {
  returned_offset_ = offset;
  txn_resume_.reset();
  if (offset.contains(kTxnIdKey)) txn_resume_ = offset;
}

void PostgresTaskImpl::Connect(bool first) {
  sql_ = std::make_unique<PgConnection>(s_, false);
  {
    ResultPtr r = sql_->Exec("SHOW wal_level");
    if (Cell(r.get(), 0, 0) != "logical") {
      throw ConnectError("PostgreSQL's wal_level is " + Cell(r.get(), 0, 0) +
                         "; logical decoding needs wal_level=logical (set it in postgresql.conf "
                         "and restart the server)");
    }
    ResultPtr role =
        sql_->Exec("SELECT rolreplication OR rolsuper FROM pg_roles WHERE rolname = current_user");
    if (PQntuples(role.get()) == 1 && Cell(role.get(), 0, 0) != "t") {
      throw ConnectError("User " + s_.user +
                         " may not replicate; grant it the REPLICATION attribute (ALTER ROLE " +
                         s_.user + " REPLICATION)");
    }
  }
  repl_ = std::make_unique<PgConnection>(s_, true);
  if (!first) {
    StartStreaming();
    return;
  }
  SetUpPublication();

  // A slot still active may be held by the session of this task's previous incarnation (a crash
  // a moment ago): give that session up to 10 s to go away.
  ResultPtr slot(nullptr, &PQclear);
  for (const auto give_up = Clock::now() + std::chrono::seconds(10);;) {
    slot = sql_->Exec(
        "SELECT plugin, database, confirmed_flush_lsn, active FROM pg_replication_slots WHERE "
        "slot_name = $1",
        {s_.slot});
    if (PQntuples(slot.get()) != 1 || Cell(slot.get(), 0, 3) != "t" || Clock::now() >= give_up ||
        stopping_.load()) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  bool slot_exists = PQntuples(slot.get()) == 1;
  if (slot_exists && Cell(slot.get(), 0, 0) != "pgoutput") {
    throw ConnectError("Replication slot " + s_.slot + " uses plugin " + Cell(slot.get(), 0, 0) +
                       ", not pgoutput; drop it or choose another slot.name");
  }
  if (slot_exists && Cell(slot.get(), 0, 3) == "t") {
    throw RetriableError("Replication slot " + s_.slot +
                         " is in use by another connection (still active after 10 s); each "
                         "connector needs its own slot.name");
  }
  const std::string& mode = s_.snapshot_mode;
  bool snapshot = false;
  if (mode == "initial" || mode == "initial_only") snapshot = !snapshot_done_;
  if (mode == "always") snapshot = true;
  if (mode == "when_needed") snapshot = !snapshot_done_ || !slot_exists;
  const bool streamed_before = committed_offset_.has_value() && snapshot_done_;
  if (streamed_before && !slot_exists && !snapshot) {
    throw ConnectError("Replication slot " + s_.slot +
                       " does not exist, but the committed offset " + committed_offset_->dump() +
                       " needs it to resume without losing changes; restore the slot, or set "
                       "snapshot.mode=when_needed to take a new snapshot");
  }
  std::string exported;
  if (slot_exists && snapshot && !streamed_before) {
    // Nothing was streamed from this slot: recreate it for a consistent exported snapshot.
    Log(LogLevel::kInfo, "Recreating replication slot " + s_.slot + " for a consistent snapshot");
    sql_->Exec("SELECT pg_drop_replication_slot($1)", {s_.slot});
    slot_exists = false;
  }
  const bool created = !slot_exists;
  if (created) {
    ResultPtr created_slot =
        repl_->Exec("CREATE_REPLICATION_SLOT " + QuoteIdent(s_.slot) + " LOGICAL pgoutput " +
                    (snapshot ? "EXPORT_SNAPSHOT" : "NOEXPORT_SNAPSHOT"));
    const auto lsn = ParseLsn(Cell(created_slot.get(), 0, 1));
    if (!lsn) throw ConnectError("CREATE_REPLICATION_SLOT returned no consistent point");
    stream_start_ = *lsn;
    flush_lsn_ = *lsn;
    exported = Cell(created_slot.get(), 0, 2);
    Log(LogLevel::kInfo, "Created replication slot " + s_.slot + " at " + FormatLsn(*lsn));
  } else {
    const auto lsn = ParseLsn(Cell(slot.get(), 0, 2));
    flush_lsn_ = lsn.value_or(0);
    stream_start_ = flush_lsn_;
  }
  if (streamed_before && resume_ && !created) {
    stream_start_ = std::max(stream_start_, resume_->lsn_commit);
  } else {
    resume_.reset();
  }
  last_commit_end_ = stream_start_;
  if (snapshot) {
    BeginSnapshot(exported);
  } else {
    if (mode == "initial_only") {
      phase_ = Phase::kIdle;
      Log(LogLevel::kInfo, "snapshot.mode=initial_only and the snapshot is complete: idling");
    } else {
      StartStreaming();
    }
  }
}

void PostgresTaskImpl::Close() {
  if (s_.slot_drop && sql_ != nullptr) {
    repl_.reset();
    // The walsender of the stream just closed may hold the slot a moment longer (SQLSTATE 55006,
    // thrown as ConnectionLost): retried for up to 10 s while the connection is fine.
    for (const auto give_up = Clock::now() + std::chrono::seconds(10);;) {
      try {
        sql_->Exec("SELECT pg_drop_replication_slot($1)", {s_.slot});
        break;
      } catch (const std::exception& e) {
        const bool in_use = dynamic_cast<const ConnectionLost*>(&e) != nullptr &&
                            PQstatus(sql_->get()) == CONNECTION_OK;
        if (!in_use || Clock::now() >= give_up) {
          Log(LogLevel::kWarn, std::string("Cannot drop the replication slot: ") + e.what());
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    }
  }
  repl_.reset();
  sql_.reset();
}

std::vector<std::pair<uint32_t, std::pair<std::string, std::string>>>
PostgresTaskImpl::ListTables() {
  ResultPtr r = sql_->Exec(
      "SELECT c.oid, n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = "
      "c.relnamespace WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', "
      "'information_schema') AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE "
      "'pg_temp%' ORDER BY n.nspname, c.relname");
  std::vector<std::pair<uint32_t, std::pair<std::string, std::string>>> out;
  for (int i = 0; i < PQntuples(r.get()); ++i) {
    std::string schema = Cell(r.get(), i, 1), table = Cell(r.get(), i, 2);
    if (!s_.Captured(schema, table)) continue;
    out.push_back({static_cast<uint32_t>(std::stoul(Cell(r.get(), i, 0))),
                   {std::move(schema), std::move(table)}});
  }
  return out;
}

void PostgresTaskImpl::SetUpPublication() {
  ResultPtr r =
      sql_->Exec("SELECT puballtables FROM pg_publication WHERE pubname = $1", {s_.publication});
  const bool exists = PQntuples(r.get()) == 1;
  if (s_.publication_mode == "disabled") {
    if (!exists) {
      throw ConnectError("Publication " + s_.publication +
                         " does not exist and publication.autocreate.mode is disabled; create it "
                         "(CREATE PUBLICATION ... FOR TABLE ...) or change the mode");
    }
    return;
  }
  std::vector<std::string> publish;
  if (s_.skipped.count('c') == 0) publish.emplace_back("insert");
  if (s_.skipped.count('u') == 0) publish.emplace_back("update");
  if (s_.skipped.count('d') == 0) publish.emplace_back("delete");
  if (s_.skipped.count('t') == 0) publish.emplace_back("truncate");
  std::string with;
  for (const auto& p : publish) with += (with.empty() ? "" : ", ") + p;
  with = " WITH (publish = " + QuoteLiteral(with) + ")";
  if (s_.publication_mode == "all_tables") {
    if (!exists) {
      sql_->Exec("CREATE PUBLICATION " + QuoteIdent(s_.publication) + " FOR ALL TABLES" + with);
      Log(LogLevel::kInfo, "Created publication " + s_.publication + " FOR ALL TABLES");
    }
    return;
  }
  std::string tables;
  for (const auto& [relid, name] : ListTables()) {
    (void)relid;
    tables += (tables.empty() ? "" : ", ") + QuoteIdent(name.first) + "." + QuoteIdent(name.second);
  }
  if (tables.empty()) {
    throw ConnectError(
        "publication.autocreate.mode is filtered but no table matches the "
        "include/exclude lists");
  }
  if (!exists) {
    sql_->Exec("CREATE PUBLICATION " + QuoteIdent(s_.publication) + " FOR TABLE " + tables + with);
  } else {
    sql_->Exec("ALTER PUBLICATION " + QuoteIdent(s_.publication) + " SET TABLE " + tables);
  }
  Log(LogLevel::kInfo, "Publication " + s_.publication + " set to " + tables);
}

std::optional<PgTypeInfo> PostgresTaskImpl::LookupType(uint32_t oid) {
  if (const auto it = types_.find(oid); it != types_.end()) return it->second;
  ResultPtr r = sql_->Exec(
      "SELECT t.typname, t.typtype, t.typcategory, t.typelem, t.typbasetype, "
      "coalesce((SELECT string_agg(e.enumlabel, E'\\x1f' ORDER BY e.enumsortorder) FROM pg_enum "
      "e WHERE e.enumtypid = t.oid), '') FROM pg_type t WHERE t.oid = $1",
      {std::to_string(oid)});
  std::optional<PgTypeInfo> info;
  if (PQntuples(r.get()) == 1) {
    PgTypeInfo i;
    i.name = Cell(r.get(), 0, 0);
    i.typtype = Cell(r.get(), 0, 1).c_str()[0];
    i.category = Cell(r.get(), 0, 2).c_str()[0];
    i.elem_oid = static_cast<uint32_t>(std::stoul(Cell(r.get(), 0, 3)));
    i.base_oid = static_cast<uint32_t>(std::stoul(Cell(r.get(), 0, 4)));
    const std::string labels = Cell(r.get(), 0, 5);
    if (i.typtype == 'e') {
      size_t start = 0;
      while (true) {
        const size_t sep = labels.find('\x1f', start);
        i.enum_labels.push_back(labels.substr(start, sep - start));
        if (sep == std::string::npos) break;
        start = sep + 1;
      }
    }
    info = std::move(i);
  }
  types_[oid] = info;
  return info;
}

std::shared_ptr<TableSchema> PostgresTaskImpl::LoadTable(
    uint32_t relid, const std::string& schema, const std::string& table,
    const std::vector<RelationColumn>* relation) {
  const std::string id = std::to_string(relid);
  ResultPtr cols = sql_->Exec(
      "SELECT a.attname, a.atttypid, a.atttypmod, a.attnotnull FROM pg_attribute a WHERE "
      "a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '' ORDER BY "
      "a.attnum",
      {id});
  std::vector<ColumnInfo> columns;
  std::map<std::string, bool> not_null;
  for (int i = 0; i < PQntuples(cols.get()); ++i) {
    ColumnInfo c{Cell(cols.get(), i, 0), static_cast<uint32_t>(std::stoul(Cell(cols.get(), i, 1))),
                 std::stoi(Cell(cols.get(), i, 2)), Cell(cols.get(), i, 3) == "t"};
    not_null[c.name] = c.not_null;
    columns.push_back(std::move(c));
  }
  if (relation != nullptr) {  // the message's columns are what tuples carry
    columns.clear();
    for (const RelationColumn& rc : *relation) {
      columns.push_back({rc.name, rc.type_oid, rc.type_mod, not_null[rc.name]});
    }
  }
  ResultPtr pk = sql_->Exec(
      "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND "
      "a.attnum = ANY(i.indkey) WHERE i.indrelid = $1 AND i.indisprimary ORDER BY "
      "array_position(i.indkey::int2[], a.attnum)",
      {id});
  std::vector<std::string> key;
  key.reserve(static_cast<size_t>(PQntuples(pk.get())));
  for (int i = 0; i < PQntuples(pk.get()); ++i) key.push_back(Cell(pk.get(), i, 0));
  const TypeLookup lookup = [this](uint32_t oid) { return LookupType(oid); };
  auto t = BuildTableSchema(s_.prefix, schema, table, columns, key, lookup,
                            s_.Captured(schema, table), s_.mapping);
  for (const auto& c : t->columns) {
    if (!c.converter && t->captured) {
      Log(LogLevel::kWarn, "Column " + schema + "." + table + "." + c.name +
                               " has a type this connector does not support; it is left out");
    }
  }
  return t;
}

// ---- snapshot -----------------------------------------------------------------------------------

void PostgresTaskImpl::BeginSnapshot(const std::string& exported) {
  sql_->Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  if (!exported.empty()) sql_->Exec("SET TRANSACTION SNAPSHOT " + QuoteLiteral(exported));
  for (const auto& [relid, name] : ListTables()) {
    auto t = LoadTable(relid, name.first, name.second, nullptr);
    std::string cols;
    for (const auto& c : t->columns) cols += (cols.empty() ? "" : ", ") + QuoteIdent(c.name);
    if (cols.empty()) continue;
    snapshot_tables_.push_back(
        {t, "SELECT " + cols + " FROM " + QuoteIdent(name.first) + "." + QuoteIdent(name.second)});
  }
  ResultPtr xid = sql_->Exec("SELECT txid_snapshot_xmin(txid_current_snapshot())");
  snapshot_xid_ = static_cast<uint32_t>(std::stoull(Cell(xid.get(), 0, 0)));
  snapshot_ts_us_ = NowMicros();
  phase_ = Phase::kSnapshot;
  Log(LogLevel::kInfo, "Snapshot of " + std::to_string(snapshot_tables_.size()) +
                           " table(s) starting; streaming will start at " +
                           FormatLsn(stream_start_));
}

void PostgresTaskImpl::EmitSnapshotRow(PendingSnapshotRow& p, bool very_last,
                                       std::vector<SourceRecord>& out) {
  // Debezium's precedence: last, first, last in table, first in table.
  const char* marker = "true";
  if (very_last) {
    marker = "last";
  } else if (snapshot_first_) {
    marker = "first";
  } else if (p.last_in_table) {
    marker = "last_in_data_collection";
  } else if (p.first_in_table) {
    marker = "first_in_data_collection";
  }
  snapshot_first_ = false;
  nlohmann::json offset = {{kLsn, stream_start_},          {kLsnCommit, stream_start_},
                           {kTxId, *snapshot_xid_},        {kTsUsec, snapshot_ts_us_},
                           {kSnapshot, "INITIAL"},         {kLastSnapshotRecord, very_last},
                           {kSnapshotCompleted, very_last}};
  Value key = p.table->Key(p.row);
  SourceRecord r = Change(*p.table, "r", Value(), Value(std::move(p.row)),
                          Source(*p.table, stream_start_, marker, NowMicros(), snapshot_xid_),
                          std::move(offset));
  r.key = std::move(key);
  out.push_back(std::move(r));
}

void PostgresTaskImpl::SnapshotBatch(std::vector<SourceRecord>& out) {
  while (out.size() < static_cast<size_t>(s_.max_batch)) {
    if (snapshot_index_ >= snapshot_tables_.size()) {
      if (pending_) EmitSnapshotRow(*pending_, true, out);
      pending_.reset();
      sql_->Exec("COMMIT");
      Log(LogLevel::kInfo, "Snapshot completed");
      if (s_.snapshot_mode == "initial_only") {
        phase_ = Phase::kIdle;
      } else {
        StartStreaming();
      }
      return;
    }
    SnapshotTable& t = snapshot_tables_[snapshot_index_];
    if (!cursor_open_) {
      sql_->Exec("DECLARE ck_snapshot NO SCROLL CURSOR FOR " + t.select);
      cursor_open_ = true;
      snapshot_table_started_ = false;
    }
    // Each fetched row hands out at most one record (the one before it): never over the batch.
    const int want = s_.max_batch - static_cast<int>(out.size());
    ResultPtr rows = sql_->Exec("FETCH FORWARD " + std::to_string(want) + " FROM ck_snapshot");
    const int n = PQntuples(rows.get());
    for (int i = 0; i < n; ++i) {
      Tuple tuple(t.schema->columns.size());
      for (size_t c = 0; c < tuple.size(); ++c) {
        if (PQgetisnull(rows.get(), i, static_cast<int>(c))) {
          tuple[c].kind = 'n';
        } else {
          tuple[c].kind = 't';
          tuple[c].data = std::string_view(PQgetvalue(rows.get(), i, static_cast<int>(c)),
                                           PQgetlength(rows.get(), i, static_cast<int>(c)));
        }
      }
      if (pending_) EmitSnapshotRow(*pending_, false, out);
      pending_.emplace(
          PendingSnapshotRow{t.schema, t.schema->Row(tuple), !snapshot_table_started_});
      snapshot_table_started_ = true;
    }
    if (n < want) {
      sql_->Exec("CLOSE ck_snapshot");
      cursor_open_ = false;
      if (pending_ && pending_->table == t.schema) pending_->last_in_table = true;
      ++snapshot_index_;
    }
  }
}

// ---- streaming ----------------------------------------------------------------------------------

void PostgresTaskImpl::StartStreaming() {
  const std::string start = FormatLsn(stream_start_);
  repl_->Exec("START_REPLICATION SLOT " + QuoteIdent(s_.slot) + " LOGICAL " + start +
              " (proto_version '1', messages 'true', publication_names " +
              QuoteLiteral(QuoteIdent(s_.publication)) + ")");
  if (PQsetnonblocking(repl_->get(), 1) != 0)
    repl_->ThrowLost("Cannot make the stream non-blocking");
  phase_ = Phase::kStreaming;
  in_txn_ = false;
  next_status_ = Clock::now();
  next_heartbeat_ = Clock::now() + std::chrono::milliseconds(s_.heartbeat_ms);
  Log(LogLevel::kInfo, "Streaming changes from slot " + s_.slot + " at " + start);
}

void PostgresTaskImpl::SendStatus(bool reply_requested) {
  char buf[34];
  buf[0] = 'r';
  const auto put = [&](int at, uint64_t v) {
    for (int i = 0; i < 8; ++i) buf[at + i] = static_cast<char>(v >> (56 - 8 * i));
  };
  put(1, std::max(received_lsn_, flush_lsn_));
  put(9, flush_lsn_);
  put(17, flush_lsn_);
  put(25, static_cast<uint64_t>(NowMicros() - kPgEpochOffsetMicros));
  buf[33] = reply_requested ? 1 : 0;
  if (PQputCopyData(repl_->get(), buf, sizeof buf) != 1 || PQflush(repl_->get()) < 0) {
    repl_->ThrowLost("Cannot send a standby status update");
  }
  next_status_ = Clock::now() + std::chrono::milliseconds(s_.status_interval_ms);
}

// Moves the confirmed flush position up to the processed WAL when no record is owed to the
// runtime; call it only while no record waits to be returned. True when it moved.
bool PostgresTaskImpl::ConfirmProcessed() {
  if (!all_committed_ || processed_lsn_ <= flush_lsn_) return false;
  flush_lsn_ = processed_lsn_;
  return true;
}

std::string PostgresTaskImpl::StreamOffsetText(uint64_t lsn, int64_t events) const {
  // Written directly, in the key order a JSON object would have (this runs for every event).
  std::string out;
  out.reserve(160);
  char digits[24];
  const auto member = [&](char before, std::string_view key, auto value) {
    out.push_back(before);
    out.push_back('"');
    out.append(key);
    out.append("\":");
    out.append(digits, std::to_chars(digits, digits + sizeof digits, value).ptr);
  };
  member('{', kLsn, lsn);
  member(',', kLsnCommit, last_commit_end_);
  member(',', kEventsAtLsn, events);
  member(',', kLsnProc, lsn);
  member(',', kTsUsec, txn_.commit_time_us);
  member(',', kTxId, txn_.xid);
  out.push_back('}');
  return out;
}

nlohmann::json PostgresTaskImpl::StreamOffset(uint64_t lsn, int64_t events) const {
  return nlohmann::json::parse(StreamOffsetText(lsn, events));
}

Struct PostgresTaskImpl::Source(const TableSchema& t, uint64_t lsn, const char* snapshot,
                                int64_t ts_us, std::optional<uint32_t> txid) const {
  const SourceFields& f = SourceBlockFields();
  Struct src(SourceSchema());
  src.put(f.version, kPostgresVersion);
  src.put(f.connector, "postgresql");
  src.put(f.name, s_.prefix);
  src.put(f.ts_ms, ts_us / 1000);
  if (snapshot != nullptr) src.put(f.snapshot, snapshot);
  src.put(f.db, s_.dbname);
  // ["<last commit LSN>","<this LSN>"], or [null,"<this LSN>"] before the first commit.
  std::string sequence;
  sequence.reserve(48);
  const auto append_lsn = [&sequence](uint64_t v) {
    char digits[24];
    sequence.push_back('"');
    sequence.append(digits, std::to_chars(digits, digits + sizeof digits, v).ptr);
    sequence.push_back('"');
  };
  sequence.push_back('[');
  if (last_commit_end_ != 0) {
    append_lsn(last_commit_end_);
  } else {
    sequence.append("null");
  }
  sequence.push_back(',');
  append_lsn(lsn);
  sequence.push_back(']');
  src.put(f.sequence, std::move(sequence));
  src.put(f.ts_us, ts_us);
  src.put(f.ts_ns, ts_us * 1000);
  src.put(f.schema, t.schema);
  src.put(f.table, t.table);
  if (txid) src.put(f.tx_id, static_cast<int64_t>(*txid));
  src.put(f.lsn, static_cast<int64_t>(lsn));
  return src;
}

SourceRecord PostgresTaskImpl::Change(const TableSchema& t, const char* op, Value before,
                                      Value after, Struct source, RecordOffset offset) const {
  Struct env(t.envelope_schema);
  if (!before.is_null()) env.put(*t.before, std::move(before));
  if (!after.is_null()) env.put(*t.after, std::move(after));
  env.put(*t.source, std::move(source));
  env.put(*t.op, op);
  const int64_t now = NowMicros();
  env.put(*t.ts_ms, now / 1000);
  env.put(*t.ts_us, now);
  env.put(*t.ts_ns, now * 1000);
  SourceRecord r;
  r.topic = t.topic;
  r.key_schema = t.key_schema;
  r.value_schema = t.envelope_schema;
  r.value = std::move(env);
  r.source_partition_json = partition_text_;
  offset.MoveTo(r);
  return r;
}

void PostgresTaskImpl::HandleMessage(uint64_t lsn, std::string_view data,
                                     std::vector<SourceRecord>& out) {
  PgOutputMessage message = DecodePgOutput(data);
  if (auto* b = std::get_if<BeginMessage>(&message)) {
    txn_ = *b;
    in_txn_ = true;
    event_lsn_ = 0;
    events_at_lsn_ = 0;
    skip_txn_ = resume_ && b->final_lsn < resume_->lsn_commit;
    if (s_.tx_metadata && !skip_txn_) BeginTransactionMetadata(lsn, out);
    return;
  }
  if (auto* c = std::get_if<CommitMessage>(&message)) {
    in_txn_ = false;
    processed_lsn_ = std::max(processed_lsn_, c->end_lsn);
    if (!skip_txn_) {
      last_commit_end_ = c->end_lsn;
      last_xid_ = txn_.xid;
      last_ts_us_ = txn_.commit_time_us;
      if (txn_counts_.open) EndTransactionMetadata(c->end_lsn, out);
    }
    if (resume_ && resume_->txid == txn_.xid) resume_->txid.reset();
    return;
  }
  if (auto* rel = std::get_if<RelationMessage>(&message)) {
    relations_[rel->relid] = LoadTable(rel->relid, rel->schema, rel->table, &rel->columns);
    return;
  }
  if (std::holds_alternative<TypeMessage>(message) ||
      std::holds_alternative<OriginMessage>(message)) {
    return;
  }
  if (auto* m = std::get_if<LogicalMessage>(&message); m != nullptr && !m->transactional) {
    // Outside any transaction: emitted as it comes (a restart may repeat it).
    out.push_back(MessageEvent(*m, lsn, std::nullopt, NowMicros(),
                               {{kLsn, lsn}, {kLsnProc, lsn}, {kLsnCommit, last_commit_end_}}));
    return;
  }
  // A change, a truncate or a transactional message: count it at its LSN, then decide whether it
  // was emitted before.
  if (lsn == event_lsn_) {
    ++events_at_lsn_;
  } else {
    event_lsn_ = lsn;
    events_at_lsn_ = 1;
  }
  if (skip_txn_) return;
  if (resume_ && resume_->txid == txn_.xid &&
      (lsn < resume_->lsn || (lsn == resume_->lsn && events_at_lsn_ <= resume_->events_at_lsn))) {
    return;
  }
  // The offset before this event, for the records that do not end it; made only for those.
  const auto previous_offset = [&]() -> RecordOffset {
    RecordOffset last = out.empty() ? RecordOffset(returned_offset_) : RecordOffset::Of(out.back());
    if (!last.text.empty() || (last.json.is_object() && !last.json.empty())) return last;
    return nlohmann::json{
        {kLsn, last_commit_end_}, {kLsnProc, last_commit_end_}, {kLsnCommit, last_commit_end_}};
  };
  // Transaction metadata adds to the offset of the record ending the event: a JSON object then.
  RecordOffset offset = txn_counts_.open
                            ? RecordOffset(StreamOffset(lsn, events_at_lsn_))
                            : RecordOffset::Text(StreamOffsetText(lsn, events_at_lsn_));
  const auto table_of = [&](uint32_t relid) -> const TableSchema& {
    const auto it = relations_.find(relid);
    if (it == relations_.end()) {
      throw DataError("A change of relation " + std::to_string(relid) +
                      " came before its Relation message");
    }
    return *it->second;
  };
  const auto source = [&](const TableSchema& t) {
    return Source(t, lsn, nullptr, txn_.commit_time_us, txn_.xid);
  };
  const auto emit = [&](SourceRecord r) {
    if (txn_counts_.open) CountTransactionEvent(r, lsn);
    out.push_back(std::move(r));
  };
  // A delete and its tombstone; `last`: they end the event (not a primary key change).
  const auto delete_events = [&](const TableSchema& t, Struct before, bool last) {
    const RecordOffset previous = previous_offset();
    Value key = t.Key(before);
    SourceRecord d = Change(t, "d", Value(std::move(before)), Value(), source(t),
                            last && !s_.tombstones ? offset : previous);
    d.key = key;
    emit(std::move(d));
    if (s_.tombstones) {
      SourceRecord tomb;
      tomb.topic = t.topic;
      tomb.key_schema = t.key_schema;
      tomb.key = std::move(key);
      tomb.source_partition_json = partition_text_;
      RecordOffset(last ? offset : previous).MoveTo(tomb);
      emit(std::move(tomb));
    }
  };
  if (auto* m = std::get_if<LogicalMessage>(&message)) {
    emit(MessageEvent(*m, lsn, txn_.xid, txn_.commit_time_us, offset.Json()));
  } else if (auto* ins = std::get_if<InsertMessage>(&message)) {
    const TableSchema& t = table_of(ins->relid);
    if (!t.captured || s_.skipped.count('c') != 0) return;
    Struct after = t.Row(ins->new_tuple);
    Value key = t.Key(after);
    SourceRecord r = Change(t, "c", Value(), Value(std::move(after)), source(t), std::move(offset));
    r.key = std::move(key);
    emit(std::move(r));
  } else if (auto* upd = std::get_if<UpdateMessage>(&message)) {
    const TableSchema& t = table_of(upd->relid);
    if (!t.captured || s_.skipped.count('u') != 0) return;
    Struct after = t.Row(upd->new_tuple);
    Value new_key = t.Key(after);
    std::optional<Struct> before;
    if (upd->old_kind != 0) before = t.Row(upd->old_tuple);
    if (before && t.key_schema != nullptr && !(t.Key(*before) == new_key)) {
      // The primary key changed: a delete (and tombstone) of the old key, then a create, with
      // Debezium's headers naming the other key.
      Value old_key = t.Key(*before);
      const size_t delete_at = out.size();
      delete_events(t, std::move(*before), false);
      out[delete_at].headers.add("__debezium.newkey", new_key, t.key_schema);
      SourceRecord r =
          Change(t, "c", Value(), Value(std::move(after)), source(t), std::move(offset));
      r.headers.add("__debezium.oldkey", std::move(old_key), t.key_schema);
      r.key = std::move(new_key);
      emit(std::move(r));
      return;
    }
    SourceRecord r = Change(t, "u", before ? Value(std::move(*before)) : Value(),
                            Value(std::move(after)), source(t), std::move(offset));
    r.key = std::move(new_key);
    emit(std::move(r));
  } else if (auto* del = std::get_if<DeleteMessage>(&message)) {
    const TableSchema& t = table_of(del->relid);
    if (!t.captured || s_.skipped.count('d') != 0) return;
    delete_events(t, t.Row(del->old_tuple), true);
  } else if (auto* tr = std::get_if<TruncateMessage>(&message)) {
    if (s_.skipped.count('t') != 0) return;
    const RecordOffset previous = previous_offset();
    for (size_t i = 0; i < tr->relids.size(); ++i) {
      const TableSchema& t = table_of(tr->relids[i]);
      if (!t.captured) continue;
      SourceRecord r = Change(t, "t", Value(), Value(), source(t),
                              i + 1 == tr->relids.size() ? offset : previous);
      r.key_schema = nullptr;
      emit(std::move(r));
    }
  }
}

// ---- transaction metadata -----------------------------------------------------------------------
//
// As Debezium's PostgreSQL connector: a BEGIN event on <prefix>.transaction when the transaction
// starts, an END event with the event counts per table when it commits, and a transaction block in
// each change event. Debezium's id of a PostgreSQL transaction is its txId. Records inside a
// transaction carry its id and the counts so far in their offsets (Debezium's transaction_id and
// transaction_data_collection_order_<table> keys). A task restarted inside a transaction resumes
// it from the committed offset: the server replays the transaction, BEGIN is not emitted again
// when the committed offset names the transaction, events already committed are skipped and not
// counted again, and END carries the counts of all the transaction's events.

void PostgresTaskImpl::BeginTransactionMetadata(uint64_t lsn, std::vector<SourceRecord>& out) {
  txn_counts_ = {};
  txn_counts_.open = true;
  const std::string id = std::to_string(txn_.xid);
  if (txn_resume_ && txn_resume_->value(kTxnIdKey, std::string()) == id) {
    for (const auto& [key, value] : txn_resume_->items()) {
      if (key.starts_with(kTxnCountPrefix) && value.is_number_integer()) {
        txn_counts_.per_collection.emplace_back(key.substr(std::strlen(kTxnCountPrefix)),
                                                value.get<int64_t>());
        txn_counts_.total += value.get<int64_t>();
      }
    }
    txn_resume_.reset();
    return;  // its BEGIN was committed before
  }
  // Its offset resumes the whole transaction: no event of it is at or before (lsn, 0).
  nlohmann::json offset = StreamOffset(lsn, 0);
  AddTransactionOffset(offset);
  out.push_back(TransactionEvent("BEGIN", std::move(offset)));
}

void PostgresTaskImpl::EndTransactionMetadata(uint64_t end_lsn, std::vector<SourceRecord>& out) {
  // The transaction is complete: its offset resumes after it, as a heartbeat's does.
  nlohmann::json offset = {{kLsn, end_lsn},
                           {kLsnProc, end_lsn},
                           {kLsnCommit, end_lsn},
                           {kTxId, txn_.xid},
                           {kTsUsec, txn_.commit_time_us}};
  SourceRecord r = TransactionEvent("END", std::move(offset));
  Struct& value = r.value.as_struct();
  value.put("event_count", txn_counts_.total);
  Value::Array collections;
  collections.reserve(txn_counts_.per_collection.size());
  for (const auto& [name, count] : txn_counts_.per_collection) {
    Struct c(TransactionCollectionSchema());
    c.put("data_collection", name);
    c.put("event_count", count);
    collections.emplace_back(std::move(c));
  }
  value.put("data_collections", std::move(collections));
  out.push_back(std::move(r));
  txn_counts_ = {};
}

void PostgresTaskImpl::CountTransactionEvent(SourceRecord& r, uint64_t lsn) {
  // Change events (not tombstones, not logical messages) count and get the transaction block.
  const Field* block = r.value_schema != nullptr ? r.value_schema->field("transaction") : nullptr;
  if (block != nullptr && !r.value.is_null()) {
    Struct& env = r.value.as_struct();
    const Struct& src = env.get("source").as_struct();
    const std::string collection = src.get_string("schema") + "." + src.get_string("table");
    auto it = std::find_if(txn_counts_.per_collection.begin(), txn_counts_.per_collection.end(),
                           [&](const auto& c) { return c.first == collection; });
    if (it == txn_counts_.per_collection.end()) {
      it = txn_counts_.per_collection.insert(it, {collection, 0});
    }
    ++it->second;
    ++txn_counts_.total;
    Struct tx(TransactionBlockSchema());
    tx.put("id", std::to_string(txn_.xid));
    tx.put("total_order", txn_counts_.total);
    tx.put("data_collection_order", it->second);
    env.put(*block, std::move(tx));
  }
  // The record ending the event carries the counts after it; the others repeat an earlier
  // offset, which has the counts before it.
  const nlohmann::json& o = r.source_offset;
  if (o.is_object() && o.value(kLsn, uint64_t{0}) == lsn &&
      o.value(kEventsAtLsn, int64_t{-1}) == events_at_lsn_) {
    AddTransactionOffset(r.source_offset);
  }
}

void PostgresTaskImpl::AddTransactionOffset(nlohmann::json& offset) const {
  offset[kTxnIdKey] = std::to_string(txn_.xid);
  for (const auto& [name, count] : txn_counts_.per_collection) {
    offset[kTxnCountPrefix + name] = count;
  }
}

SourceRecord PostgresTaskImpl::TransactionEvent(const char* status, nlohmann::json offset) const {
  const std::string id = std::to_string(txn_.xid);
  SourceRecord r;
  r.topic = s_.tx_topic;
  r.key_schema = TransactionKeySchema();
  Struct key(TransactionKeySchema());
  key.put("id", id);
  r.key = std::move(key);
  r.value_schema = TransactionValueSchema();
  Struct value(TransactionValueSchema());
  value.put("status", status);
  value.put("id", id);
  value.put("ts_ms", txn_.commit_time_us / 1000);
  r.value = std::move(value);
  r.source_partition_json = partition_text_;
  r.source_offset = std::move(offset);
  return r;
}

// A logical decoding message (pg_logical_emit_message) as Debezium emits it on <prefix>.message.
SourceRecord PostgresTaskImpl::MessageEvent(const LogicalMessage& m, uint64_t lsn,
                                            std::optional<uint32_t> txid, int64_t ts_us,
                                            nlohmann::json offset) const {
  static const SchemaPtr key_schema = SchemaBuilder::struct_()
                                          .name("io.debezium.connector.postgresql.MessageKey")
                                          .version(1)
                                          .field("prefix", Schema::OptionalString())
                                          .build();
  // The content is encoded per binary.handling.mode: bytes, or a string in the other modes.
  const auto schemas = [](const SchemaPtr& content) {
    SchemaPtr block = SchemaBuilder::struct_()
                          .name("io.debezium.connector.postgresql.Message")
                          .version(1)
                          .field("prefix", Schema::OptionalString())
                          .field("content", content)
                          .build();
    SchemaPtr value = SchemaBuilder::struct_()
                          .name("io.debezium.connector.postgresql.MessageValue")
                          .version(1)
                          .field("op", Schema::String())
                          .field("ts_ms", Schema::OptionalInt64())
                          .field("source", SourceSchema())
                          .field("message", block)
                          .build();
    return std::pair{block, value};
  };
  static const auto bytes_schemas = schemas(Schema::OptionalBytes());
  static const auto string_schemas = schemas(Schema::OptionalString());
  const bool as_bytes = s_.mapping.binary == MappingOptions::BinaryMode::kBytes;
  const auto& [block_schema, value_schema] = as_bytes ? bytes_schemas : string_schemas;
  static const TableSchema no_table = [] {
    TableSchema t;
    t.schema = "";
    t.table = "";
    return t;
  }();
  SourceRecord r;
  r.topic = s_.prefix + ".message";
  r.key_schema = key_schema;
  Struct key(key_schema);
  key.put("prefix", m.prefix);
  r.key = std::move(key);
  Struct block(block_schema);
  block.put("prefix", m.prefix);
  Bytes content(m.content.begin(), m.content.end());
  if (as_bytes) {
    block.put("content", std::move(content));
  } else {
    block.put("content", text::EncodeBinary(content, s_.mapping.binary));
  }
  Struct value(value_schema);
  value.put("op", "m");
  value.put("ts_ms", NowMicros() / 1000);
  value.put("source", Source(no_table, lsn, nullptr, ts_us, txid));
  value.put("message", std::move(block));
  r.value_schema = value_schema;
  r.value = std::move(value);
  r.source_partition_json = partition_text_;
  r.source_offset = std::move(offset);
  return r;
}

void PostgresTaskImpl::MaybeHeartbeat(std::vector<SourceRecord>& out) {
  if (s_.heartbeat_ms <= 0 || in_txn_ || Clock::now() < next_heartbeat_) return;
  next_heartbeat_ = Clock::now() + std::chrono::milliseconds(s_.heartbeat_ms);
  static const SchemaPtr key_schema = SchemaBuilder::struct_()
                                          .name("io.debezium.connector.common.ServerNameKey")
                                          .version(1)
                                          .field("serverName", Schema::String())
                                          .build();
  static const SchemaPtr value_schema = SchemaBuilder::struct_()
                                            .name("io.debezium.connector.common.Heartbeat")
                                            .version(1)
                                            .field("ts_ms", Schema::Int64())
                                            .build();
  SourceRecord r;
  r.topic = s_.heartbeat_topic;
  r.key_schema = key_schema;
  Struct key(key_schema);
  key.put("serverName", s_.prefix);
  r.key = std::move(key);
  r.value_schema = value_schema;
  Struct value(value_schema);
  value.put("ts_ms", NowMicros() / 1000);
  r.value = std::move(value);
  r.source_partition_json = partition_text_;
  r.source_offset = {{kLsn, last_commit_end_},
                     {kLsnProc, last_commit_end_},
                     {kLsnCommit, last_commit_end_},
                     {kTsUsec, last_ts_us_}};
  if (last_xid_) r.source_offset[kTxId] = *last_xid_;
  out.push_back(std::move(r));
}

void PostgresTaskImpl::StreamBatch(std::vector<SourceRecord>& out) {
  const Clock::time_point deadline = Clock::now() + std::chrono::milliseconds(s_.poll_interval_ms);
  PGconn* conn = repl_->get();
  // The clock is read for the status deadline every 256 frames while a backlog streams in (a
  // status every status.update.interval.ms is plenty late enough), and whenever the stream idles.
  uint32_t frames = 0;
  while (!stopping_.load()) {
    if ((frames++ & 255) == 0 && Clock::now() >= next_status_) {
      if (out.empty()) ConfirmProcessed();
      SendStatus(false);
    }
    char* buf = nullptr;
    const int n = PQgetCopyData(conn, &buf, 1);
    if (n > 0) {
      std::unique_ptr<char, decltype(&PQfreemem)> owned(buf, &PQfreemem);
      const std::string_view frame(buf, static_cast<size_t>(n));
      const auto u64 = [&](size_t at) {
        uint64_t v = 0;
        for (size_t i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(frame[at + i]);
        return v;
      };
      if (frame[0] == 'w' && frame.size() >= 25) {
        const uint64_t start = u64(1);
        received_lsn_ = std::max(received_lsn_, u64(9));
        HandleMessage(start, frame.substr(25), out);
      } else if (frame[0] == 'k' && frame.size() >= 18) {
        const uint64_t wal_end = u64(1);
        received_lsn_ = std::max(received_lsn_, wal_end);
        // Outside a transaction, everything before wal_end was sent and handled.
        if (!in_txn_) processed_lsn_ = std::max(processed_lsn_, wal_end);
        const bool moved = out.empty() && ConfirmProcessed();
        if (frame[17] != 0 || moved) SendStatus(false);
      }
      if (out.size() >= static_cast<size_t>(s_.max_batch)) return;
      continue;
    }
    if (n == -1) {
      ResultPtr r(PQgetResult(conn), &PQclear);
      throw ConnectionLost(
          "The replication stream ended: " +
          PgConnection::Trim(r ? PQresultErrorMessage(r.get()) : PQerrorMessage(conn)));
    }
    if (n == -2) repl_->ThrowLost("Reading the replication stream failed");
    frames = 0;  // no frame waiting: check the status deadline on the next round
    MaybeHeartbeat(out);
    if (!out.empty() && !in_txn_) return;
    const Clock::time_point now = Clock::now();
    if (now >= deadline && (!out.empty() || !in_txn_)) return;
    if (now >= deadline + std::chrono::seconds(1))
      return;  // a huge transaction: hand out what we have
    // Wait for data, at most 100 ms at a time so stop() is noticed.
    const int fd = PQsocket(conn);
    fd_set fds;
    FD_ZERO(&fds);
    FD_SET(fd, &fds);
    timeval tv{0, 100000};
    if (select(fd + 1, &fds, nullptr, nullptr, &tv) < 0 && errno != EINTR) {
      repl_->ThrowLost("Waiting for the replication stream failed");
    }
    if (PQconsumeInput(conn) == 0) repl_->ThrowLost("Reading the replication stream failed");
  }
}

void PostgresTaskImpl::Poll(std::vector<SourceRecord>& out) {
  out.reserve(static_cast<size_t>(std::min(s_.max_batch, 8192)) + 2);
  try {
    switch (phase_) {
      case Phase::kSnapshot:
        SnapshotBatch(out);
        break;
      case Phase::kStreaming:
        StreamBatch(out);
        break;
      case Phase::kReconnect:
        if (Clock::now() < reconnect_at_) {
          std::this_thread::sleep_for(std::chrono::milliseconds(100));
          break;
        }
        Connect(false);
        backoff_ = std::chrono::milliseconds(100);
        Log(LogLevel::kInfo, "Reconnected to PostgreSQL");
        StreamBatch(out);
        break;
      case Phase::kIdle:
        std::this_thread::sleep_for(
            std::chrono::milliseconds(std::min<int64_t>(s_.poll_interval_ms, 500)));
        break;
    }
  } catch (const ConnectionLost& e) {
    if (phase_ == Phase::kSnapshot) throw;  // a snapshot cannot resume: fail, restart redoes it
    // Resume streaming after the last event handed out; the records in `out` are dropped and
    // streamed again after reconnecting.
    out.clear();
    const nlohmann::json& o = returned_offset_;
    if (o.is_object() && o.contains(kLsn) && !o.contains(kSnapshot)) {
      Resume r;
      r.lsn = o.at(kLsn).get<uint64_t>();
      r.lsn_commit = o.value(kLsnCommit, r.lsn);
      if (o.contains(kTxId) && o.contains(kEventsAtLsn)) {
        r.txid = o.at(kTxId).get<uint32_t>();
        r.events_at_lsn = o.at(kEventsAtLsn).get<int64_t>();
      }
      resume_ = r;
      RememberResumePoint(o);
      stream_start_ = std::max(r.lsn_commit, flush_lsn_);
    } else {
      stream_start_ = std::max(stream_start_, flush_lsn_);
    }
    last_commit_end_ = stream_start_;
    processed_lsn_ = stream_start_;  // the records dropped above are owed again
    repl_.reset();
    sql_.reset();
    relations_.clear();
    txn_counts_ = {};
    phase_ = Phase::kReconnect;
    reconnect_at_ = Clock::now() + backoff_;
    Log(LogLevel::kWarn,
        std::string(e.what()) + "; reconnecting in " + std::to_string(backoff_.count()) + " ms");
    backoff_ = std::min(backoff_ * 2, std::chrono::milliseconds(10000));
  }
  if (!out.empty()) {
    returned_offset_ = RecordOffset::Of(out.back()).Json();
    all_committed_ = false;
  }
}

void PostgresTaskImpl::Commit() {
  const std::optional<nlohmann::json> offset = context_.offset_storage_reader().offset(partition_);
  if (!offset || !offset->is_object() || !offset->contains(kLsnCommit)) return;
  // The runtime commits offsets in poll order: the last record returned being committed means
  // all of them are (records with equal offsets resume at the same place).
  all_committed_ = *offset == returned_offset_;
  const uint64_t lsn = offset->at(kLsnCommit).get<uint64_t>();
  bool moved = false;
  if (lsn > flush_lsn_) {
    flush_lsn_ = lsn;
    moved = true;
  }
  moved |= ConfirmProcessed();
  if (moved && phase_ == Phase::kStreaming && repl_ != nullptr) SendStatus(false);
}

// ---- public classes -----------------------------------------------------------------------------

ConfigDef PostgresConfigDef() { return MakeConfigDef(); }

std::vector<ConfigValue> ValidatePostgresConfig(const ConfigMap& props) {
  std::vector<ConfigValue> results = PostgresConfigDef().Validate(props);
  for (auto& [key, message] : CrossKeyProblems(props)) {
    auto it = std::find_if(results.begin(), results.end(),
                           [&key = key](const ConfigValue& v) { return v.name == key; });
    if (it == results.end()) {
      it = results.insert(results.end(), ConfigValue{key, props.at(key), {}, {}, true});
    }
    it->errors.push_back(std::move(message));
  }
  return results;
}

void PostgresConnector::start(const ConfigMap& props) {
  const Settings s = ParseSettings(props);
  props_ = props;
  context().log(LogLevel::kInfo, "Starting PostgreSQL connector " + s.prefix + " on " + s.host +
                                     ":" + std::to_string(s.port) + "/" + s.dbname);
}

std::vector<ConfigMap> PostgresConnector::task_configs(int max_tasks) {
  if (max_tasks < 1) return {};
  return {props_};
}

PostgresSourceTask::PostgresSourceTask() = default;
PostgresSourceTask::~PostgresSourceTask() = default;

void PostgresSourceTask::start(const ConfigMap& props) {
  impl_ = std::make_unique<PostgresTaskImpl>(context(), props, stopping_);
  impl_->Start();
}

std::vector<SourceRecord> PostgresSourceTask::poll() {
  std::vector<SourceRecord> out;
  poll_into(out);
  return out;
}

void PostgresSourceTask::poll_into(std::vector<SourceRecord>& out) {
  if (stopping_.load() || impl_ == nullptr) return;
  impl_->Poll(out);
}

void PostgresSourceTask::commit() {
  if (impl_ != nullptr) impl_->Commit();
}

void PostgresSourceTask::stop() { stopping_.store(true); }

}  // namespace ck::postgres
