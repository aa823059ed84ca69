// The JDBC sink's keys and their rules (see jdbc_config.h). Confluent's and Debezium's names for
// one setting are both defined, each without a default of its own, so that "set" can be told from
// "defaulted": the value used is whichever is set (they must agree when both are), else the
// default. The checks that span keys are written once, as a list of (key, message) problems, and
// used both by ParseJdbcSinkConfig (which throws the first) and by ValidateJdbcSinkConfig (which
// attaches each to its key's ConfigValue).
#include "reference-connectors/jdbc/jdbc_config.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>
#include <utility>

#include "ck/errors.h"

namespace ck::jdbc {
namespace {

constexpr char kConnectionUrl[] = "connection.url";
constexpr char kConnectionUser[] = "connection.user";
constexpr char kConnectionUsername[] = "connection.username";
constexpr char kConnectionPassword[] = "connection.password";
constexpr char kConnectionAttempts[] = "connection.attempts";
constexpr char kConnectionBackoff[] = "connection.backoff.ms";
constexpr char kDialectName[] = "dialect.name";
constexpr char kInsertMode[] = "insert.mode";
constexpr char kBatchSize[] = "batch.size";
constexpr char kDeleteEnabled[] = "delete.enabled";
constexpr char kTruncateEnabled[] = "truncate.enabled";
constexpr char kReductionBuffer[] = "use.reduction.buffer";
constexpr char kTableNameFormat[] = "table.name.format";
constexpr char kCollectionNameFormat[] = "collection.name.format";
constexpr char kPkMode[] = "pk.mode";
constexpr char kPrimaryKeyMode[] = "primary.key.mode";
constexpr char kPkFields[] = "pk.fields";
constexpr char kPrimaryKeyFields[] = "primary.key.fields";
constexpr char kFieldsWhitelist[] = "fields.whitelist";
constexpr char kFieldIncludeList[] = "field.include.list";
constexpr char kFieldExcludeList[] = "field.exclude.list";
constexpr char kDbTimezone[] = "db.timezone";
constexpr char kDatabaseTimeZone[] = "database.time_zone";
constexpr char kAutoCreate[] = "auto.create";
constexpr char kAutoEvolve[] = "auto.evolve";
constexpr char kSchemaEvolution[] = "schema.evolution";
constexpr char kQuoteSqlIdentifiers[] = "quote.sql.identifiers";
constexpr char kQuoteIdentifiers[] = "quote.identifiers";
constexpr char kMaxRetries[] = "max.retries";
constexpr char kFlushMaxRetries[] = "flush.max.retries";
constexpr char kRetryBackoff[] = "retry.backoff.ms";
constexpr char kFlushRetryDelay[] = "flush.retry.delay.ms";

constexpr char kGroupConnection[] = "Connection";
constexpr char kGroupWrites[] = "Writes";
constexpr char kGroupMapping[] = "Data Mapping";
constexpr char kGroupDdl[] = "DDL Support";
constexpr char kGroupRetries[] = "Retries";

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// A validator of a STRING key with a null default: null passes, else one of `valid` ignoring
// case (Kafka's CaseInsensitiveValidString, which refuses null).
ValidatorPtr OneOf(std::vector<std::string> valid) {
  std::string description = "[";
  for (size_t i = 0; i < valid.size(); ++i) description += (i ? ", " : "") + valid[i];
  description += "]";
  return LambdaValidator(
      [valid, description](const std::string& name, const ConfigValueT& value) {
        const auto* text = std::get_if<std::string>(&value);
        if (text == nullptr) return;
        if (std::find(valid.begin(), valid.end(), Lower(*text)) == valid.end()) {
          throw ConfigError(name, *text, "must be one of " + description);
        }
      },
      description);
}

// ---- connection URLs ----------------------------------------------------------------------

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string PercentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      const int hi = HexDigit(text[i + 1]);
      const int lo = HexDigit(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

// The URL with any password (userinfo or ?password=) replaced by [hidden].
std::string HidePassword(const std::string& url) {
  std::string out = url;
  if (const size_t at = out.find('@'); at != std::string::npos) {
    const size_t start = out.find("//");
    const size_t colon = start == std::string::npos ? std::string::npos : out.find(':', start + 2);
    if (colon != std::string::npos && colon < at) {
      out.replace(colon + 1, at - colon - 1, "[hidden]");
    }
  }
  for (const char* key : {"?password=", "&password="}) {
    const size_t at = out.find(key);
    if (at == std::string::npos) continue;
    const size_t value = at + std::string_view(key).size();
    const size_t end = out.find('&', value);
    out.replace(value, (end == std::string::npos ? out.size() : end) - value, "[hidden]");
  }
  return out;
}

[[noreturn]] void BadUrl(const std::string& url, const std::string& why) {
  throw ConfigError(kConnectionUrl, HidePassword(url),
                    why +
                        "; use jdbc:postgresql://host[:port]/database, "
                        "jdbc:mysql://host[:port]/database, jdbc:mariadb://host[:port]/database "
                        "or jdbc:sqlite:<path>");
}

int ParsePort(const std::string& url, std::string_view text) {
  int port = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), port);
  if (error != std::errc() || end != text.data() + text.size() || port <= 0 || port > 65535) {
    BadUrl(url, "invalid port '" + std::string(text) + "'");
  }
  return port;
}

// Parses "host[:port]" or "[v6]:port" into `settings`.
void AddHost(const std::string& url, std::string_view text, int default_port,
             ConnectionSettings& settings) {
  std::string host;
  int port = default_port;
  if (!text.empty() && text.front() == '[') {
    const size_t close = text.find(']');
    if (close == std::string_view::npos) BadUrl(url, "unterminated IPv6 address");
    host = std::string(text.substr(1, close - 1));
    std::string_view rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') BadUrl(url, "unexpected text after IPv6 address");
      port = ParsePort(url, rest.substr(1));
    }
  } else {
    const size_t colon = text.rfind(':');
    host = PercentDecode(text.substr(0, colon));
    if (colon != std::string_view::npos) port = ParsePort(url, text.substr(colon + 1));
  }
  if (host.empty()) host = "localhost";
  settings.hosts.push_back(host);
  settings.ports.push_back(port);
}

std::vector<std::pair<std::string, std::string>> ParseQuery(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view item = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (item.empty()) continue;
    const size_t eq = item.find('=');
    out.emplace_back(PercentDecode(item.substr(0, eq)),
                     eq == std::string_view::npos ? "" : PercentDecode(item.substr(eq + 1)));
  }
  return out;
}

int ParseSeconds(const std::string& url, const std::string& text, int divisor) {
  int value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < 0) {
    BadUrl(url, "invalid connectTimeout '" + text + "'");
  }
  return divisor == 1 ? value : (value + divisor - 1) / divisor;
}

void ApplyPostgresProperty(const std::string& url, const std::string& key, const std::string& value,
                           ConnectionSettings& s) {
  if (key == "user") {
    s.user = value;
  } else if (key == "password") {
    s.password = value;
  } else if (key == "sslmode" || key == "sslrootcert" || key == "sslcert" || key == "sslkey" ||
             key == "options") {
    s.client_options[key] = value;
  } else if (key == "ssl") {
    if (Lower(value) == "true" && !s.client_options.contains("sslmode")) {
      s.client_options["sslmode"] = "require";
    }
  } else if (key == "connectTimeout") {
    s.connect_timeout_s = ParseSeconds(url, value, 1);
  } else if (key == "ApplicationName") {
    s.client_options["application_name"] = value;
  } else if (key == "currentSchema") {
    s.client_options["options"] +=
        (s.client_options["options"].empty() ? "" : " ") + std::string("-c search_path=") + value;
  } else {
    s.ignored_properties.push_back(key);
  }
}

void ApplyMariaDbProperty(const std::string& url, const std::string& key, const std::string& value,
                          ConnectionSettings& s) {
  if (key == "user") {
    s.user = value;
  } else if (key == "password") {
    s.password = value;
  } else if (key == "connectTimeout") {
    s.connect_timeout_s = ParseSeconds(url, value, 1000);
  } else {
    s.ignored_properties.push_back(key);
  }
}

// ---- cross-key rules ------------------------------------------------------------------------

using Problems = std::vector<std::pair<std::string, std::string>>;

const std::string* StringOf(const ParsedConfig& parsed, const char* key) {
  auto it = parsed.find(key);
  return it == parsed.end() ? nullptr : std::get_if<std::string>(&it->second);
}

const std::vector<std::string>* ListOf(const ParsedConfig& parsed, const char* key) {
  auto it = parsed.find(key);
  return it == parsed.end() ? nullptr : std::get_if<std::vector<std::string>>(&it->second);
}

template <typename T>
std::optional<T> ValueOf(const ParsedConfig& parsed, const char* key) {
  auto it = parsed.find(key);
  if (it == parsed.end()) return std::nullopt;
  if (const T* value = std::get_if<T>(&it->second)) return *value;
  return std::nullopt;
}

// The value of a setting with two names: the one set in `props` (both must agree), else the
// parsed default of `primary`.
template <typename T>
std::optional<T> Either(const ConfigMap& props, const ParsedConfig& parsed, const char* primary,
                        const char* alias, Problems& problems) {
  const bool has_primary = props.contains(primary);
  const bool has_alias = props.contains(alias);
  std::optional<T> a = ValueOf<T>(parsed, primary);
  std::optional<T> b = ValueOf<T>(parsed, alias);
  if (has_primary && has_alias && a != b) {
    problems.emplace_back(alias, std::string(alias) + " and " + primary +
                                     " name the same setting but have different values; set one");
  }
  if (!has_primary && has_alias) return b;
  return a;
}

struct Resolved {
  JdbcSinkConfig config;
  Problems problems;
};

Resolved Resolve(const ConfigMap& props, const ParsedConfig& parsed) {
  Resolved r;
  JdbcSinkConfig& c = r.config;
  Problems& problems = r.problems;

  if (const std::string* url = StringOf(parsed, kConnectionUrl)) {
    try {
      c.connection = ParseConnectionUrl(*url);
    } catch (const ConfigError& e) {
      problems.emplace_back(kConnectionUrl, e.what());
    }
  }
  if (auto user =
          Either<std::string>(props, parsed, kConnectionUser, kConnectionUsername, problems);
      user && !user->empty()) {
    c.connection.user = *user;
  }
  if (auto it = parsed.find(kConnectionPassword); it != parsed.end()) {
    if (const auto* password = std::get_if<Password>(&it->second)) {
      c.connection.password = password->value();
    }
  }
  c.connection_attempts = ValueOf<int32_t>(parsed, kConnectionAttempts).value_or(3);
  c.connection_backoff_ms = ValueOf<int64_t>(parsed, kConnectionBackoff).value_or(10000);
  if (const std::string* dialect = StringOf(parsed, kDialectName); dialect && !dialect->empty()) {
    const std::string wanted = c.connection.kind == DbKind::kPostgres  ? "PostgreSqlDatabaseDialect"
                               : c.connection.kind == DbKind::kMariaDb ? "MySqlDatabaseDialect"
                                                                       : "SqliteDatabaseDialect";
    if (*dialect != wanted &&
        !(c.connection.kind == DbKind::kMariaDb && *dialect == "MariaDbDatabaseDialect")) {
      problems.emplace_back(kDialectName, "dialect.name " + *dialect +
                                              " does not match connection.url, which needs " +
                                              wanted + " (or leave dialect.name empty)");
    }
  }

  const std::string insert =
      Lower(StringOf(parsed, kInsertMode) ? *StringOf(parsed, kInsertMode) : std::string("insert"));
  c.insert_mode = insert == "upsert"   ? InsertMode::kUpsert
                  : insert == "update" ? InsertMode::kUpdate
                                       : InsertMode::kInsert;
  c.batch_size = ValueOf<int32_t>(parsed, kBatchSize).value_or(3000);
  c.delete_enabled = ValueOf<bool>(parsed, kDeleteEnabled).value_or(false);
  c.truncate_enabled = ValueOf<bool>(parsed, kTruncateEnabled).value_or(false);

  const std::string pk_mode = Lower(
      Either<std::string>(props, parsed, kPkMode, kPrimaryKeyMode, problems).value_or("none"));
  c.pk_mode = pk_mode == "kafka"          ? PkMode::kKafka
              : pk_mode == "record_key"   ? PkMode::kRecordKey
              : pk_mode == "record_value" ? PkMode::kRecordValue
                                          : PkMode::kNone;
  const char* pk_key = props.contains(kPrimaryKeyMode) ? kPrimaryKeyMode : kPkMode;
  if (auto fields =
          Either<std::vector<std::string>>(props, parsed, kPkFields, kPrimaryKeyFields, problems)) {
    c.pk_fields = *fields;
  }
  const char* pk_fields_key = props.contains(kPrimaryKeyFields) ? kPrimaryKeyFields : kPkFields;
  if (c.insert_mode != InsertMode::kInsert && c.pk_mode == PkMode::kNone) {
    problems.emplace_back(pk_key, "insert.mode=" + insert + " needs a primary key: set " + pk_key +
                                      " to kafka, record_key or record_value");
  }
  if (c.delete_enabled && c.pk_mode != PkMode::kRecordKey) {
    problems.emplace_back(kDeleteEnabled, std::string("delete.enabled=true needs ") + pk_key +
                                              "=record_key (deletes are found by the record key)");
  }
  if (c.pk_mode == PkMode::kKafka && !c.pk_fields.empty() && c.pk_fields.size() != 3) {
    problems.emplace_back(pk_fields_key,
                          std::string(pk_fields_key) +
                              " with pk mode kafka names exactly 3 columns (topic, partition, "
                              "offset), or none for __connect_topic,__connect_partition,"
                              "__connect_offset");
  }

  c.table_name_format =
      Either<std::string>(props, parsed, kTableNameFormat, kCollectionNameFormat, problems)
          .value_or("${topic}");
  {
    std::string_view rest = c.table_name_format;
    for (size_t at = rest.find("${"); at != std::string_view::npos; at = rest.find("${")) {
      if (rest.substr(at, 8) != "${topic}") {
        problems.emplace_back(kTableNameFormat, "table.name.format " + c.table_name_format +
                                                    " uses a placeholder other than ${topic}");
        break;
      }
      rest.remove_prefix(at + 8);
    }
    if (c.table_name_format.empty()) {
      problems.emplace_back(kTableNameFormat, "table.name.format must not be empty");
    }
  }
  if (auto include = Either<std::vector<std::string>>(props, parsed, kFieldsWhitelist,
                                                      kFieldIncludeList, problems)) {
    c.fields_include = *include;
  }
  if (const auto* exclude = ListOf(parsed, kFieldExcludeList)) c.fields_exclude = *exclude;
  if (!c.fields_include.empty() && !c.fields_exclude.empty()) {
    problems.emplace_back(kFieldExcludeList,
                          "field.exclude.list cannot be combined with field.include.list or "
                          "fields.whitelist");
  }
  for (const char* key : {kDbTimezone, kDatabaseTimeZone}) {
    const std::string* zone = StringOf(parsed, key);
    if (zone == nullptr) continue;
    if (*zone != "UTC" && *zone != "Etc/UTC" && *zone != "Z" && *zone != "GMT") {
      problems.emplace_back(key, std::string(key) + "=" + *zone +
                                     " is not supported: temporal values are written in UTC");
    }
  }

  c.auto_create = ValueOf<bool>(parsed, kAutoCreate).value_or(false);
  c.auto_evolve = ValueOf<bool>(parsed, kAutoEvolve).value_or(false);
  if (const std::string* evolution = StringOf(parsed, kSchemaEvolution);
      evolution && Lower(*evolution) == "basic") {
    c.auto_create = c.auto_evolve = true;
  }
  const std::string* quote = StringOf(parsed, kQuoteSqlIdentifiers);
  const std::optional<bool> quote_bool = ValueOf<bool>(parsed, kQuoteIdentifiers);
  if (quote != nullptr) c.quoting = Lower(*quote) == "never" ? Quoting::kNever : Quoting::kAlways;
  if (quote_bool.has_value()) {
    const Quoting q = *quote_bool ? Quoting::kAlways : Quoting::kNever;
    if (props.contains(kQuoteSqlIdentifiers) && q != c.quoting) {
      problems.emplace_back(kQuoteIdentifiers,
                            "quote.identifiers and quote.sql.identifiers disagree; set one");
    }
    c.quoting = q;
  }
  c.max_retries =
      Either<int32_t>(props, parsed, kMaxRetries, kFlushMaxRetries, problems).value_or(10);
  if (props.contains(kFlushRetryDelay) && props.contains(kRetryBackoff) &&
      ValueOf<int64_t>(parsed, kFlushRetryDelay) !=
          std::optional<int64_t>(ValueOf<int32_t>(parsed, kRetryBackoff))) {
    problems.emplace_back(kFlushRetryDelay,
                          "flush.retry.delay.ms and retry.backoff.ms name the same setting but "
                          "have different values; set one");
  }
  if (props.contains(kFlushRetryDelay) && !props.contains(kRetryBackoff)) {
    c.retry_backoff_ms = ValueOf<int64_t>(parsed, kFlushRetryDelay).value_or(3000);
  } else {
    c.retry_backoff_ms = ValueOf<int32_t>(parsed, kRetryBackoff).value_or(3000);
  }
  return r;
}

}  // namespace

const char* DbKindName(DbKind kind) {
  switch (kind) {
    case DbKind::kPostgres:
      return "PostgreSQL";
    case DbKind::kMariaDb:
      return "MariaDB";
    case DbKind::kSqlite:
      return "SQLite";
  }
  return "?";
}

ConnectionSettings ParseConnectionUrl(const std::string& url) {
  ConnectionSettings s;
  s.display_url = HidePassword(url);
  std::string_view rest = url;
  if (rest.starts_with("jdbc:sqlite:")) {
    s.kind = DbKind::kSqlite;
    s.path = std::string(rest.substr(12));
    if (s.path.empty()) BadUrl(url, "no database file after jdbc:sqlite:");
    return s;
  }
  int default_port = 0;
  if (rest.starts_with("jdbc:postgresql:")) {
    s.kind = DbKind::kPostgres;
    default_port = 5432;
    rest.remove_prefix(16);
  } else if (rest.starts_with("jdbc:mysql:") || rest.starts_with("jdbc:mariadb:")) {
    s.kind = DbKind::kMariaDb;
    default_port = 3306;
    rest.remove_prefix(rest.find(':', 5) + 1);
  } else {
    BadUrl(url, "unsupported database");
  }
  std::string_view query;
  if (const size_t q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  if (rest.starts_with("//")) {
    rest.remove_prefix(2);
    const size_t slash = rest.find('/');
    std::string_view authority = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
    if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
      const std::string_view userinfo = authority.substr(0, at);
      authority.remove_prefix(at + 1);
      const size_t colon = userinfo.find(':');
      s.user = PercentDecode(userinfo.substr(0, colon));
      if (colon != std::string_view::npos) s.password = PercentDecode(userinfo.substr(colon + 1));
    }
    if (authority.starts_with("address=") || authority.find('(') != std::string_view::npos) {
      BadUrl(url, "the address=(...) host form is not supported");
    }
    while (true) {
      const size_t comma = authority.find(',');
      AddHost(url, authority.substr(0, comma), default_port, s);
      if (comma == std::string_view::npos) break;
      authority.remove_prefix(comma + 1);
    }
    if (s.kind == DbKind::kMariaDb && s.hosts.size() > 1) {
      BadUrl(url, "several hosts are supported for PostgreSQL only");
    }
  } else if (s.kind == DbKind::kPostgres) {
    s.hosts = {"localhost"};
    s.ports = {default_port};
  } else {
    BadUrl(url, "expected // and a host after jdbc:mysql: or jdbc:mariadb:");
  }
  s.database = PercentDecode(rest);
  for (const auto& [key, value] : ParseQuery(query)) {
    if (s.kind == DbKind::kPostgres) {
      ApplyPostgresProperty(url, key, value, s);
    } else {
      ApplyMariaDbProperty(url, key, value, s);
    }
  }
  return s;
}

ConfigDef JdbcSinkConfigDef() {
  using K = ConfigDef::Key;
  ConfigDef def;
  int order = 0;
  auto url_validator = LambdaValidator(
      [](const std::string&, const ConfigValueT& value) {
        if (const auto* url = std::get_if<std::string>(&value)) ParseConnectionUrl(*url);
      },
      "jdbc:postgresql://..., jdbc:mysql://..., jdbc:mariadb://... or jdbc:sqlite:<path>");
  def.define(K(kConnectionUrl, ConfigType::kString)
                 .validator(url_validator)
                 .importance(Importance::kHigh)
                 .group(kGroupConnection)
                 .order_in_group(++order)
                 .width(Width::kLong)
                 .display_name("JDBC URL")
                 .doc("JDBC connection URL: jdbc:postgresql://host[:port]/database, "
                      "jdbc:mysql://host[:port]/database, jdbc:mariadb://host[:port]/database or "
                      "jdbc:sqlite:<path>."));
  def.define(K(kConnectionUser, ConfigType::kString)
                 .default_value(nullptr)
                 .importance(Importance::kHigh)
                 .group(kGroupConnection)
                 .order_in_group(++order)
                 .display_name("JDBC User")
                 .doc("JDBC connection user."));
  def.define(K(kConnectionUsername, ConfigType::kString)
                 .default_value(nullptr)
                 .importance(Importance::kLow)
                 .group(kGroupConnection)
                 .order_in_group(++order)
                 .doc("Debezium's name of connection.user."));
  def.define(K(kConnectionPassword, ConfigType::kPassword)
                 .default_value(nullptr)
                 .importance(Importance::kHigh)
                 .group(kGroupConnection)
                 .order_in_group(++order)
                 .display_name("JDBC Password")
                 .doc("JDBC connection password."));
  def.define(K(kConnectionAttempts, ConfigType::kInt)
                 .default_value(3)
                 .validator(Range::AtLeast(1))
                 .importance(Importance::kLow)
                 .group(kGroupConnection)
                 .order_in_group(++order)
                 .doc("Maximum number of attempts to open a connection before the write is "
                      "retried later (see max.retries)."));
  def.define(K(kConnectionBackoff, ConfigType::kLong)
                 .default_value(int64_t{10000})
                 .validator(Range::AtLeast(0))
                 .importance(Importance::kLow)
                 .group(kGroupConnection)
                 .order_in_group(++order)
                 .doc("Backoff time in milliseconds between connection attempts."));
  def.define(
      K(kDialectName, ConfigType::kString)
          .default_value("")
          .validator(ValidString::In({"", "PostgreSqlDatabaseDialect", "MySqlDatabaseDialect",
                                      "MariaDbDatabaseDialect", "SqliteDatabaseDialect"}))
          .importance(Importance::kLow)
          .group(kGroupConnection)
          .order_in_group(++order)
          .doc("The database dialect; empty to derive it from connection.url (it must "
               "match the URL when set)."));

  order = 0;
  def.define(K(kInsertMode, ConfigType::kString)
                 .default_value("insert")
                 .validator(OneOf({"insert", "upsert", "update"}))
                 .importance(Importance::kHigh)
                 .group(kGroupWrites)
                 .order_in_group(++order)
                 .doc("insert: plain INSERT. upsert: INSERT or UPDATE by primary key (INSERT ... "
                      "ON CONFLICT DO UPDATE, ON DUPLICATE KEY UPDATE); idempotent. update: "
                      "UPDATE by primary key."));
  def.define(K(kBatchSize, ConfigType::kInt)
                 .default_value(3000)
                 .validator(Range::AtLeast(1))
                 .importance(Importance::kMedium)
                 .group(kGroupWrites)
                 .order_in_group(++order)
                 .doc("Most rows written by one statement. Each put() is one transaction."));
  def.define(K(kDeleteEnabled, ConfigType::kBoolean)
                 .default_value(false)
                 .importance(Importance::kMedium)
                 .group(kGroupWrites)
                 .order_in_group(++order)
                 .doc("Whether tombstones (null values) and Debezium delete events delete the "
                      "row with the record key. Needs pk.mode=record_key."));
  def.define(K(kTruncateEnabled, ConfigType::kBoolean)
                 .default_value(false)
                 .importance(Importance::kLow)
                 .group(kGroupWrites)
                 .order_in_group(++order)
                 .doc("Whether Debezium truncate events (op t) delete every row of the table."));
  def.define(K(kReductionBuffer, ConfigType::kBoolean)
                 .default_value(true)
                 .importance(Importance::kLow)
                 .group(kGroupWrites)
                 .order_in_group(++order)
                 .doc("Accepted for Debezium configs. Upserts and deletes of one put() are always "
                      "reduced to the last change per key, which writes the same final rows."));

  order = 0;
  def.define(K(kTableNameFormat, ConfigType::kString)
                 .default_value("${topic}")
                 .importance(Importance::kMedium)
                 .group(kGroupMapping)
                 .order_in_group(++order)
                 .doc("The destination table; ${topic} is the record's topic with dots replaced "
                      "by underscores. A dot written in the format separates schema (PostgreSQL) "
                      "or database (MariaDB) from table, e.g. archive.${topic}."));
  def.define(K(kCollectionNameFormat, ConfigType::kString)
                 .default_value(nullptr)
                 .importance(Importance::kLow)
                 .group(kGroupMapping)
                 .order_in_group(++order)
                 .doc("Debezium's name of table.name.format."));
  def.define(K(kPkMode, ConfigType::kString)
                 .default_value("none")
                 .validator(OneOf({"none", "kafka", "record_key", "record_value"}))
                 .importance(Importance::kHigh)
                 .group(kGroupMapping)
                 .order_in_group(++order)
                 .doc("Where the primary key comes from: none, kafka (__connect_topic, "
                      "__connect_partition, __connect_offset), record_key or record_value."));
  def.define(K(kPrimaryKeyMode, ConfigType::kString)
                 .default_value(nullptr)
                 .validator(OneOf({"none", "kafka", "record_key", "record_value"}))
                 .importance(Importance::kLow)
                 .group(kGroupMapping)
                 .order_in_group(++order)
                 .doc("Debezium's name of pk.mode."));
  def.define(K(kPkFields, ConfigType::kList)
                 .default_value(nullptr)
                 .importance(Importance::kMedium)
                 .group(kGroupMapping)
                 .order_in_group(++order)
                 .doc("The primary key columns. kafka: three names for topic, partition and "
                      "offset. record_key: the key field(s), or the column of a primitive key "
                      "(default __connect_key); empty = every key field. record_value: the value "
                      "fields; empty = every value field."));
  def.define(K(kPrimaryKeyFields, ConfigType::kList)
                 .default_value(nullptr)
                 .importance(Importance::kLow)
                 .group(kGroupMapping)
                 .order_in_group(++order)
                 .doc("Debezium's name of pk.fields."));
  def.define(K(kFieldsWhitelist, ConfigType::kList)
                 .default_value(nullptr)
                 .importance(Importance::kMedium)
                 .group(kGroupMapping)
                 .order_in_group(++order)
                 .doc("Value fields to write (besides the primary key); empty = all. An entry "
                      "is field or topic:field."));
  def.define(K(kFieldIncludeList, ConfigType::kList)
                 .default_value(nullptr)
                 .importance(Importance::kLow)
                 .group(kGroupMapping)
                 .order_in_group(++order)
                 .doc("Debezium's name of fields.whitelist."));
  def.define(K(kFieldExcludeList, ConfigType::kList)
                 .default_value(nullptr)
                 .importance(Importance::kLow)
                 .group(kGroupMapping)
                 .order_in_group(++order)
                 .doc("Value fields not to write (field or topic:field); not with an include "
                      "list."));
  def.define(K(kDbTimezone, ConfigType::kString)
                 .default_value("UTC")
                 .importance(Importance::kMedium)
                 .group(kGroupMapping)
                 .order_in_group(++order)
                 .doc("Time zone of temporal values; only UTC is supported (sessions run in "
                      "UTC)."));
  def.define(K(kDatabaseTimeZone, ConfigType::kString)
                 .default_value(nullptr)
                 .importance(Importance::kLow)
                 .group(kGroupMapping)
                 .order_in_group(++order)
                 .doc("Debezium's name of db.timezone."));

  order = 0;
  def.define(K(kAutoCreate, ConfigType::kBoolean)
                 .default_value(false)
                 .importance(Importance::kMedium)
                 .group(kGroupDdl)
                 .order_in_group(++order)
                 .doc("Whether to CREATE TABLE a missing table from the record's schema."));
  def.define(K(kAutoEvolve, ConfigType::kBoolean)
                 .default_value(false)
                 .importance(Importance::kMedium)
                 .group(kGroupDdl)
                 .order_in_group(++order)
                 .doc("Whether to ALTER TABLE ADD COLUMN for record fields the table lacks. "
                      "Columns are never dropped or changed."));
  def.define(K(kSchemaEvolution, ConfigType::kString)
                 .default_value(nullptr)
                 .validator(OneOf({"none", "basic"}))
                 .importance(Importance::kLow)
                 .group(kGroupDdl)
                 .order_in_group(++order)
                 .doc("Debezium's setting: basic = auto.create and auto.evolve."));
  def.define(K(kQuoteSqlIdentifiers, ConfigType::kString)
                 .default_value("always")
                 .validator(OneOf({"always", "never"}))
                 .importance(Importance::kMedium)
                 .group(kGroupDdl)
                 .order_in_group(++order)
                 .doc("always: table and column names are quoted, so any name is "
                      "safe. never: names are written bare and must be plain identifiers."));
  def.define(K(kQuoteIdentifiers, ConfigType::kBoolean)
                 .default_value(nullptr)
                 .importance(Importance::kLow)
                 .group(kGroupDdl)
                 .order_in_group(++order)
                 .doc("Debezium's setting: true = quote.sql.identifiers=always, false = never."));

  order = 0;
  def.define(K(kMaxRetries, ConfigType::kInt)
                 .default_value(10)
                 .validator(Range::AtLeast(0))
                 .importance(Importance::kMedium)
                 .group(kGroupRetries)
                 .order_in_group(++order)
                 .doc("How many times a failed put() is retried (after retry.backoff.ms) before "
                      "the task fails."));
  def.define(K(kFlushMaxRetries, ConfigType::kInt)
                 .default_value(nullptr)
                 .importance(Importance::kLow)
                 .group(kGroupRetries)
                 .order_in_group(++order)
                 .doc("Debezium's name of max.retries."));
  def.define(K(kRetryBackoff, ConfigType::kInt)
                 .default_value(3000)
                 .validator(Range::AtLeast(0))
                 .importance(Importance::kMedium)
                 .group(kGroupRetries)
                 .order_in_group(++order)
                 .doc("Milliseconds to wait before a failed put() is retried."));
  def.define(K(kFlushRetryDelay, ConfigType::kLong)
                 .default_value(nullptr)
                 .importance(Importance::kLow)
                 .group(kGroupRetries)
                 .order_in_group(++order)
                 .doc("Debezium's name of retry.backoff.ms."));
  return def;
}

JdbcSinkConfig ParseJdbcSinkConfig(const ConfigMap& props) {
  const ConfigDef def = JdbcSinkConfigDef();
  const ParsedConfig parsed = def.Parse(props);
  Resolved r = Resolve(props, parsed);
  if (!r.problems.empty()) {
    const auto& [key, message] = r.problems.front();
    if (message.starts_with("Invalid value")) throw ConfigError(message);
    std::string value = "null";
    if (props.contains(key)) {
      value = props.at(key);
    } else if (const ConfigKey* defined = def.find(key)) {
      value = ConvertToString(parsed.at(key), defined->type).value_or("null");
    }
    throw ConfigError(key, value, message);
  }
  return std::move(r.config);
}

std::vector<ConfigValue> ValidateJdbcSinkConfig(const ConfigMap& props) {
  const ConfigDef def = JdbcSinkConfigDef();
  std::vector<ConfigValue> values = def.Validate(props);
  for (const ConfigValue& v : values) {
    if (!v.errors.empty()) return values;  // single keys first; the rules assume they parse
  }
  const ParsedConfig parsed = def.Parse(props);
  for (const auto& [key, message] : Resolve(props, parsed).problems) {
    for (ConfigValue& v : values) {
      if (v.name == key) v.errors.push_back(message);
    }
  }
  return values;
}

}  // namespace ck::jdbc
