// Kafka's record- and header-level built-in transformations (see record_transforms.h). Messages
// follow Kafka's, prefixed with the transformation's name.
#include "runtime/transforms/record_transforms.h"

#include <algorithm>
#include <charconv>
#include <limits>
#include <utility>

namespace ck::runtime {
namespace {

using errors_internal::StrCat;
using transforms_internal::KeySide;
using transforms_internal::ValueSide;

using List = std::vector<std::string>;

// Replaces every occurrence of `from` in `text` by `to` (Java's String.replace).
std::string ReplaceAll(std::string text, std::string_view from, std::string_view to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

// The schema and value of a header literal, as far as Kafka's Values.parseString is reproduced
// here: null, booleans, integers in the narrowest of INT8..INT64, and strings for everything else
// (Kafka would also infer floats, decimals, dates, times, arrays and maps).
SchemaAndValue ParseLiteral(const std::string& text) {
  if (text == "null") return {nullptr, Value()};
  if (text == "true" || text == "false") return {Schema::Boolean(), text == "true"};
  int64_t number = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (!text.empty() && error == std::errc() && end == text.data() + text.size()) {
    if (number >= std::numeric_limits<int8_t>::min() &&
        number <= std::numeric_limits<int8_t>::max()) {
      return {Schema::Int8(), static_cast<int8_t>(number)};
    }
    if (number >= std::numeric_limits<int16_t>::min() &&
        number <= std::numeric_limits<int16_t>::max()) {
      return {Schema::Int16(), static_cast<int16_t>(number)};
    }
    if (number >= std::numeric_limits<int32_t>::min() &&
        number <= std::numeric_limits<int32_t>::max()) {
      return {Schema::Int32(), static_cast<int32_t>(number)};
    }
    return {Schema::Int64(), number};
  }
  return {Schema::String(), text};
}

template <typename Side>
constexpr std::string_view HeaderFromName() {
  return Side::kName == KeySide::kName ? "HeaderFrom$Key" : "HeaderFrom$Value";
}

}  // namespace

// ---- RegexRouter ----

ConfigDef RegexRouter::config() const {
  ConfigDef def;
  def.define(ConfigDef::Key("regex", ConfigType::kString)
                 .importance(Importance::kHigh)
                 .doc("Regular expression to use for matching (Java syntax)."))
      .define(ConfigDef::Key("replacement", ConfigType::kString)
                  .importance(Importance::kHigh)
                  .doc("Replacement string."));
  return def;
}

void RegexRouter::configure(const ConfigMap& props) {
  const ParsedConfig config = this->config().Parse(props);
  regex_ = std::make_unique<transforms_internal::JavaRegex>(
      "regex", std::get<std::string>(config.at("regex")));
  replacement_ = std::get<std::string>(config.at("replacement"));
  regex_->CheckReplacement("replacement", replacement_);
  routes_.Clear();
}

bool RegexRouter::transform(const RecordView& in, RecordEditor& out) {
  const std::optional<std::string>& routed = routes_.Get(in.topic(), [&](std::string_view topic) {
    return regex_->ReplaceIfMatches(topic, replacement_);
  });
  if (routed) out.set_topic(*routed);
  return true;
}

// ---- TimestampRouter ----

ConfigDef TimestampRouter::config() const {
  ConfigDef def;
  def.define(ConfigDef::Key("topic.format", ConfigType::kString)
                 .default_value("${topic}-${timestamp}")
                 .importance(Importance::kHigh)
                 .doc("Format string which can contain ${topic} and ${timestamp} as placeholders "
                      "for the topic and timestamp, respectively."))
      .define(ConfigDef::Key("timestamp.format", ConfigType::kString)
                  .default_value("yyyyMMdd")
                  .importance(Importance::kHigh)
                  .doc("Format string for the timestamp that is compatible with "
                       "java.text.SimpleDateFormat (formatted in UTC)."));
  return def;
}

void TimestampRouter::configure(const ConfigMap& props) {
  const ParsedConfig config = this->config().Parse(props);
  topic_format_ = std::get<std::string>(config.at("topic.format"));
  timestamp_format_.emplace("timestamp.format",
                            std::get<std::string>(config.at("timestamp.format")));
}

bool TimestampRouter::transform(const RecordView& in, RecordEditor& out) {
  const std::optional<int64_t> timestamp = in.timestamp();
  if (!timestamp) {
    throw DataError(StrCat("TimestampRouter: Timestamp missing on record of topic ", in.topic()));
  }
  const std::string formatted = timestamp_format_->Format(*timestamp);
  out.set_topic(
      ReplaceAll(ReplaceAll(topic_format_, "${topic}", in.topic()), "${timestamp}", formatted));
  return true;
}

// ---- InsertHeader ----

ConfigDef InsertHeader::config() const {
  ConfigDef def;
  def.define(ConfigDef::Key("header", ConfigType::kString)
                 .importance(Importance::kHigh)
                 .doc("The name of the header."))
      .define(ConfigDef::Key("value.literal", ConfigType::kString)
                  .importance(Importance::kHigh)
                  .doc("The literal value that is to be set as the header value on all records."));
  return def;
}

void InsertHeader::configure(const ConfigMap& props) {
  const ParsedConfig config = this->config().Parse(props);
  header_ = std::get<std::string>(config.at("header"));
  literal_ = ParseLiteral(std::get<std::string>(config.at("value.literal")));
}

bool InsertHeader::transform(const RecordView&, RecordEditor& out) {
  out.add_header(header_, out.make(out.schema(literal_.schema), literal_.value));
  return true;
}

// ---- DropHeaders ----

ConfigDef DropHeaders::config() const {
  ConfigDef def;
  def.define(ConfigDef::Key("headers", ConfigType::kList)
                 .validator(transforms_internal::NonEmptyList())
                 .importance(Importance::kHigh)
                 .doc("The name of the headers to be removed."));
  return def;
}

void DropHeaders::configure(const ConfigMap& props) {
  headers_ = std::get<List>(config().Parse(props).at("headers"));
}

bool DropHeaders::transform(const RecordView&, RecordEditor& out) {
  for (const std::string& header : headers_) out.remove_headers(header);
  return true;
}

// ---- HeaderFrom ----

template <typename Side>
ConfigDef HeaderFrom<Side>::config() const {
  ConfigDef def;
  def.define(ConfigDef::Key("fields", ConfigType::kList)
                 .validator(transforms_internal::NonEmptyList())
                 .importance(Importance::kHigh)
                 .doc("Field names in the record whose values are to be copied or moved to "
                      "headers."))
      .define(ConfigDef::Key("headers", ConfigType::kList)
                  .validator(transforms_internal::NonEmptyList())
                  .importance(Importance::kHigh)
                  .doc("Header names, in the same order as the field names listed in the fields "
                       "configuration property."))
      .define(ConfigDef::Key("operation", ConfigType::kString)
                  .validator(ValidString::In({"move", "copy"}))
                  .importance(Importance::kHigh)
                  .doc("Either move if the fields are to be moved to the headers (removed from "
                       "the key/value), or copy if the fields are to be copied to the headers "
                       "(retained in the key/value)."))
      .define(transforms_internal::ReplaceNullWithDefaultKey());
  return def;
}

template <typename Side>
void HeaderFrom<Side>::configure(const ConfigMap& props) {
  const ParsedConfig config = this->config().Parse(props);
  fields_ = std::get<List>(config.at("fields"));
  headers_ = std::get<List>(config.at("headers"));
  if (fields_.size() != headers_.size()) {
    throw ConfigError(StrCat(HeaderFromName<Side>(),
                             ": 'fields' config must have the same number of elements as "
                             "'headers' config (",
                             std::to_string(fields_.size()), " fields, ",
                             std::to_string(headers_.size()), " headers)"));
  }
  move_ = std::get<std::string>(config.at("operation")) == "move";
  replace_null_with_default_ = std::get<bool>(config.at("replace.null.with.default"));
}

template <typename Side>
std::optional<ConnectRecord> HeaderFrom<Side>::apply(ConnectRecord record) {
  constexpr std::string_view kSmt = HeaderFromName<Side>();
  const std::string purpose = move_ ? "header move" : "header copy";
  const SchemaPtr& schema = Side::schema(record);
  if (schema == nullptr) {
    const Value::Map& value = transforms_internal::RequireMap(kSmt, Side::value(record), purpose);
    Value::Map updated;
    for (size_t i = 0; i < fields_.size(); ++i) {
      const Value* field = transforms_internal::MapGet(value, fields_[i]);
      record.headers.add(headers_[i], field != nullptr ? *field : Value(), nullptr);
    }
    if (!move_) return record;
    for (const auto& entry : value) {
      const bool moved =
          entry.first.type() == Type::kString &&
          std::find(fields_.begin(), fields_.end(), entry.first.as_string()) != fields_.end();
      if (!moved) updated.push_back(entry);
    }
    Side::Set(record, nullptr, std::move(updated));
    return record;
  }
  const Struct& value = transforms_internal::RequireStruct(kSmt, Side::value(record), purpose);
  for (size_t i = 0; i < fields_.size(); ++i) {
    const Field* field = schema->field(fields_[i]);
    if (field == nullptr) {
      throw DataError(StrCat(kSmt, ": field \"", fields_[i], "\" (for header \"", headers_[i],
                             "\") is not in the ", Side::kName, " schema"));
    }
    record.headers.add(headers_[i],
                       transforms_internal::FieldValue(value, *field, replace_null_with_default_),
                       field->schema);
  }
  if (!move_) return record;
  SchemaBuilder builder = transforms_internal::CopyStructBasics(*schema);
  for (const Field& field : schema->fields()) {
    if (std::find(fields_.begin(), fields_.end(), field.name) == fields_.end()) {
      builder.field(field.name, field.schema);
    }
  }
  SchemaPtr updated_schema = builder.build();
  Struct updated(updated_schema);
  for (const Field& field : updated_schema->fields()) {
    updated.put(field, transforms_internal::FieldValue(value, *schema->field(field.name),
                                                       replace_null_with_default_));
  }
  Side::Set(record, std::move(updated_schema), std::move(updated));
  return record;
}

template class HeaderFrom<KeySide>;
template class HeaderFrom<ValueSide>;

}  // namespace ck::runtime
