// Kafka's field-level built-in transformations (see field_transforms.h). Each follows the Java
// implementation's order of checks and its null handling; messages are Kafka's, prefixed with the
// transformation's name and naming the field and value where Kafka's do not.
#include "runtime/transforms/field_transforms.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <utility>

namespace ck::runtime {
namespace {

using errors_internal::StrCat;
using transforms_internal::ConfigGet;
using transforms_internal::FieldValue;
using transforms_internal::KeySide;
using transforms_internal::MapGet;
using transforms_internal::MapPut;
using transforms_internal::RequireMap;
using transforms_internal::RequireStruct;
using transforms_internal::ValueSide;

using List = std::vector<std::string>;

template <typename Side>
std::string SmtName(std::string_view base) {
  return StrCat(base, Side::kName == KeySide::kName ? "$Key" : "$Value");
}

// The names of the $Key and $Value variants, without building a string.
template <typename Side>
constexpr std::string_view SideName(std::string_view key_name, std::string_view value_name) {
  return Side::kName == KeySide::kName ? key_name : value_name;
}

bool Contains(const List& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

template <typename Int>
std::optional<Int> ParseInteger(std::string_view text) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  Int value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<double> ParseDouble(std::string text) {
  // Java's Double.parseDouble: surrounding whitespace ignored, optional sign, decimal or
  // exponent notation, NaN and Infinity.
  const size_t first = text.find_first_not_of(" \t\n\r");
  if (first == std::string::npos) return std::nullopt;
  text = text.substr(first, text.find_last_not_of(" \t\n\r") - first + 1);
  std::string_view body = text;
  const bool negative = !body.empty() && body.front() == '-';
  if (!body.empty() && (body.front() == '+' || body.front() == '-')) body.remove_prefix(1);
  if (body == "NaN") return std::nan("");
  if (body == "Infinity") return negative ? -HUGE_VAL : HUGE_VAL;
  if (body.empty() ||
      !(std::isdigit(static_cast<unsigned char>(body.front())) != 0 || body.front() == '.')) {
    return std::nullopt;
  }
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size()) return std::nullopt;
  return value;
}

// A STRING key of InsertField with a null default. (GCC 12 at -O1 with sanitizers reports a
// -Wmaybe-uninitialized false positive in the inlined std::variant move of default_value here.)
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
ConfigDef::Key NullableString(const char* name, const char* doc) {
  ConfigDef::Key key(name, ConfigType::kString);
  key.default_value(nullptr).importance(Importance::kMedium).doc(doc);
  return key;
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

}  // namespace

// ---- InsertField ----

template <typename Side>
ConfigDef InsertField<Side>::config() const {
  ConfigDef def;
  def.define(
         NullableString("topic.field",
                        "Field name for Kafka topic. Suffix with ! to make this a required field, "
                        "or ? to keep it optional (the default)."))
      .define(
          NullableString("partition.field",
                         "Field name for Kafka partition. Suffix with ! to make this a required "
                         "field, or ? to keep it optional (the default)."))
      .define(
          NullableString("offset.field",
                         "Field name for Kafka offset - only applicable to sink connectors. Suffix "
                         "with ! to make this a required field, or ? to keep it optional (the "
                         "default)."))
      .define(
          NullableString("timestamp.field",
                         "Field name for record timestamp. Suffix with ! to make this a required "
                         "field, or ? to keep it optional (the default)."))
      .define(
          NullableString("static.field",
                         "Field name for static data field. Suffix with ! to make this a required "
                         "field, or ? to keep it optional (the default)."))
      .define(NullableString("static.value", "Static field value, if field name configured."))
      .define(transforms_internal::ReplaceNullWithDefaultKey());
  return def;
}

template <typename Side>
auto InsertField<Side>::ParseSpec(const ParsedConfig& config, const std::string& key)
    -> std::optional<Spec> {
  const std::string* spec = ConfigGet<std::string>(config, key);
  if (spec == nullptr) return std::nullopt;
  if (spec->ends_with('?')) return Spec{spec->substr(0, spec->size() - 1), true};
  if (spec->ends_with('!')) return Spec{spec->substr(0, spec->size() - 1), false};
  return Spec{*spec, true};
}

template <typename Side>
void InsertField<Side>::configure(const ConfigMap& props) {
  const ParsedConfig config = this->config().Parse(props);
  topic_ = ParseSpec(config, "topic.field");
  partition_ = ParseSpec(config, "partition.field");
  offset_ = ParseSpec(config, "offset.field");
  timestamp_ = ParseSpec(config, "timestamp.field");
  static_ = ParseSpec(config, "static.field");
  const std::string* static_value = ConfigGet<std::string>(config, "static.value");
  static_value_ = static_value ? std::optional<std::string>(*static_value) : std::nullopt;
  replace_null_with_default_ = std::get<bool>(config.at("replace.null.with.default"));
}

template <typename Side>
SchemaPtr InsertField<Side>::BuildSchema(const Schema& schema) const {
  const std::string smt = SmtName<Side>("InsertField");
  SchemaBuilder builder = transforms_internal::CopyStructBasics(schema);
  for (const Field& field : schema.fields()) builder.field(field.name, field.schema);
  try {
    if (topic_) {
      builder.field(topic_->name, topic_->optional ? Schema::OptionalString() : Schema::String());
    }
    if (partition_) {
      builder.field(partition_->name,
                    partition_->optional ? Schema::OptionalInt32() : Schema::Int32());
    }
    if (offset_) {
      builder.field(offset_->name, offset_->optional ? Schema::OptionalInt64() : Schema::Int64());
    }
    if (timestamp_) {
      builder.field(timestamp_->name, timestamp_->optional ? Timestamp::builder().optional().build()
                                                           : Timestamp::schema());
    }
    if (static_) {
      builder.field(static_->name, static_->optional ? Schema::OptionalString() : Schema::String());
    }
  } catch (const SchemaBuilderError& e) {
    throw DataError(StrCat(smt, ": cannot insert field: ", e.what()));
  }
  return builder.build();
}

template <typename Side>
bool InsertField<Side>::transform(const RecordView& in, RecordEditor& out) {
  const ValueView operand = Side::value(in);
  if (operand.is_null()) return true;
  const auto offset = [&]() -> int64_t {
    const std::optional<int64_t> kafka_offset = in.kafka_offset();
    if (!kafka_offset) {
      throw DataError(StrCat(SmtName<Side>("InsertField"), ": offset.field \"", offset_->name,
                             "\" needs the Kafka offset of a sink record, but the record on topic ",
                             in.topic(),
                             " comes from a source connector (Kafka: Only SinkRecord "
                             "supported for [field insertion])"));
    }
    return *kafka_offset;
  };
  if (!operand.schema()) {
    const std::string smt = SmtName<Side>("InsertField");
    Value original = operand.ToValue();
    Value::Map updated = RequireMap(smt, original, "field insertion");
    if (topic_) MapPut(updated, topic_->name, in.topic());
    if (partition_ && in.kafka_partition())
      MapPut(updated, partition_->name, *in.kafka_partition());
    if (offset_) MapPut(updated, offset_->name, offset());
    if (timestamp_ && in.timestamp()) MapPut(updated, timestamp_->name, *in.timestamp());
    if (static_ && static_value_) MapPut(updated, static_->name, *static_value_);
    Side::Set(out, nullptr, Value(std::move(updated)));
    return true;
  }
  transforms_internal::RequireStruct(SideName<Side>("InsertField$Key", "InsertField$Value"),
                                     operand, "field insertion");
  const Plan& plan = memo_.get(out, operand.schema(), [&](SchemaView input) {
    Plan p{out.schema(BuildSchema(*input.ToSchema())), {}};
    if (replace_null_with_default_) p.defaulted = transforms_internal::FieldsWithDefaults(input);
    return p;
  });
  const SchemaView schema = plan.schema;
  StructBuilder updated = out.make_struct(schema);
  updated.set_first_fields(operand);  // the output schema starts with the input's fields
  for (const uint32_t i : plan.defaulted) {
    if (operand.field_without_default(i).is_null()) updated.set(i, operand.field(i));
  }
  size_t next = operand.size();
  if (topic_) {
    updated.set(next, out.make_string(schema.field_schema(next), in.topic()));
    ++next;
  }
  if (partition_) {
    if (in.kafka_partition()) {
      updated.set(next, out.make_integer(schema.field_schema(next), *in.kafka_partition()));
    }
    ++next;
  }
  if (offset_) {
    updated.set(next, out.make_integer(schema.field_schema(next), offset()));
    ++next;
  }
  if (timestamp_) {
    if (in.timestamp()) {
      updated.set(next, out.make_integer(schema.field_schema(next), *in.timestamp()));
    }
    ++next;
  }
  if (static_ && static_value_)
    updated.set(next, out.make_string(schema.field_schema(next), *static_value_));
  try {
    Side::Set(out, updated.value());
  } catch (const DataError& e) {
    throw DataError(StrCat(SmtName<Side>("InsertField"), ": ", e.what(),
                           " (a required field, marked with '!', has no value for this record on "
                           "topic ",
                           in.topic(), ")"));
  }
  return true;
}

// ---- ReplaceField ----

template <typename Side>
ConfigDef ReplaceField<Side>::config() const {
  const std::string smt = SmtName<Side>("ReplaceField");
  ConfigDef def;
  def.define(ConfigDef::Key("exclude", ConfigType::kList)
                 .default_value("")
                 .importance(Importance::kMedium)
                 .doc("Fields to exclude. This takes precedence over the fields to include."))
      .define(ConfigDef::Key("include", ConfigType::kList)
                  .default_value("")
                  .importance(Importance::kMedium)
                  .doc("Fields to include. If specified, only these fields will be used."))
      .define(ConfigDef::Key("renames", ConfigType::kList)
                  .default_value("")
                  .validator(LambdaValidator(
                      [smt](const std::string& name, const ConfigValueT& value) {
                        const auto* list = std::get_if<List>(&value);
                        if (list == nullptr) return;
                        for (const std::string& mapping : *list) {
                          const size_t colon = mapping.find(':');
                          if (colon == std::string::npos || colon + 1 == mapping.size() ||
                              mapping.find(':', colon + 1) != std::string::npos) {
                            throw ConfigError(name, mapping,
                                              StrCat(smt, ": Invalid rename mapping: ", mapping,
                                                     " (expected old:new)"));
                          }
                        }
                      },
                      "list of colon-delimited pairs, e.g. foo:bar,abc:xyz"))
                  .importance(Importance::kMedium)
                  .doc("Field rename mappings."))
      .define(ConfigDef::Key("blacklist", ConfigType::kList)
                  .default_value(nullptr)
                  .importance(Importance::kLow)
                  .doc("Deprecated. Use exclude instead."))
      .define(ConfigDef::Key("whitelist", ConfigType::kList)
                  .default_value(nullptr)
                  .importance(Importance::kLow)
                  .doc("Deprecated. Use include instead."))
      .define(transforms_internal::ReplaceNullWithDefaultKey());
  return def;
}

template <typename Side>
void ReplaceField<Side>::configure(const ConfigMap& props) {
  const ParsedConfig config = this->config().Parse(props);
  // Kafka's ConfigUtils.translateDeprecatedConfigs: the old key counts only if the new is unset.
  const auto list = [&](const char* key, const char* deprecated) {
    const List* old = ConfigGet<List>(config, deprecated);
    return props.contains(key) || old == nullptr ? std::get<List>(config.at(key)) : *old;
  };
  exclude_ = list("exclude", "blacklist");
  include_ = list("include", "whitelist");
  renames_.clear();
  reverse_renames_.clear();
  for (const std::string& mapping : std::get<List>(config.at("renames"))) {
    const size_t colon = mapping.find(':');
    renames_[mapping.substr(0, colon)] = mapping.substr(colon + 1);
    reverse_renames_[mapping.substr(colon + 1)] = mapping.substr(0, colon);
  }
  replace_null_with_default_ = std::get<bool>(config.at("replace.null.with.default"));
}

template <typename Side>
bool ReplaceField<Side>::Keep(const std::string& name) const {
  return !Contains(exclude_, name) && (include_.empty() || Contains(include_, name));
}

template <typename Side>
std::string ReplaceField<Side>::Renamed(const std::string& name) const {
  const auto it = renames_.find(name);
  return it == renames_.end() ? name : it->second;
}

template <typename Side>
SchemaPtr ReplaceField<Side>::BuildSchema(const Schema& schema) const {
  const std::string smt = SmtName<Side>("ReplaceField");
  SchemaBuilder builder = transforms_internal::CopyStructBasics(schema);
  try {
    for (const Field& field : schema.fields()) {
      if (Keep(field.name)) builder.field(Renamed(field.name), field.schema);
    }
  } catch (const SchemaBuilderError& e) {
    throw DataError(StrCat(smt, ": renames produce a clash: ", e.what()));
  }
  return builder.build();
}

template <typename Side>
bool ReplaceField<Side>::transform(const RecordView& in, RecordEditor& out) {
  constexpr std::string_view smt = SideName<Side>("ReplaceField$Key", "ReplaceField$Value");
  const ValueView operand = Side::value(in);
  if (operand.is_null()) return true;
  if (!operand.schema()) {
    Value original = operand.ToValue();
    const Value::Map& value = RequireMap(smt, original, "field replacement");
    Value::Map updated;
    for (const auto& [key, field_value] : value) {
      if (key.type() != Type::kString) {
        throw DataError(StrCat(
            smt, ": map keys must be strings for [field replacement], found: ", key.type_name()));
      }
      if (Keep(key.as_string())) MapPut(updated, Renamed(key.as_string()), field_value);
    }
    Side::Set(out, nullptr, Value(std::move(updated)));
    return true;
  }
  transforms_internal::RequireStruct(smt, operand, "field replacement");
  const Plan& plan = memo_.get(out, operand.schema(), [&](SchemaView input) {
    Plan p;
    const SchemaPtr schema = input.ToSchema();
    p.schema = out.schema(BuildSchema(*schema));
    for (size_t i = 0; i < p.schema.field_count(); ++i) {
      const auto it = reverse_renames_.find(std::string(p.schema.field_name(i)));
      const std::string original =
          it == reverse_renames_.end() ? std::string(p.schema.field_name(i)) : it->second;
      p.sources.push_back(static_cast<uint32_t>(*input.field_index(original)));
    }
    p.same_layout = p.sources.size() == input.field_count();
    for (size_t i = 0; i < p.sources.size(); ++i) p.same_layout &= p.sources[i] == i;
    if (replace_null_with_default_) p.defaulted = transforms_internal::FieldsWithDefaults(input);
    return p;
  });
  bool defaults_apply = false;
  for (const uint32_t i : plan.defaulted)
    defaults_apply |= operand.field_without_default(i).is_null();
  if (plan.same_layout && !defaults_apply) {
    // Only names changed: the struct's field values serve as they are.
    Side::Set(out, ValueView(&operand.abi(), plan.schema));
    return true;
  }
  StructBuilder updated = out.make_struct(plan.schema);
  for (size_t i = 0; i < plan.sources.size(); ++i) {
    updated.set(i, replace_null_with_default_ ? operand.field(plan.sources[i])
                                              : operand.field_without_default(plan.sources[i]));
  }
  Side::Set(out, updated.value());
  return true;
}

// ---- MaskField ----

template <typename Side>
ConfigDef MaskField<Side>::config() const {
  ConfigDef def;
  def.define(ConfigDef::Key("fields", ConfigType::kList)
                 .validator(transforms_internal::NonEmptyList())
                 .importance(Importance::kHigh)
                 .doc("Names of fields to mask."))
      .define(ConfigDef::Key("replacement", ConfigType::kString)
                  .default_value(nullptr)
                  .validator(NonEmptyString())
                  .importance(Importance::kLow)
                  .doc("Custom value replacement, that will be applied to all 'fields' values "
                       "(numeric or non-empty string values only)."))
      .define(transforms_internal::ReplaceNullWithDefaultKey());
  return def;
}

template <typename Side>
void MaskField<Side>::configure(const ConfigMap& props) {
  const ParsedConfig config = this->config().Parse(props);
  fields_ = std::get<List>(config.at("fields"));
  const std::string* replacement = ConfigGet<std::string>(config, "replacement");
  replacement_ = replacement ? std::optional<std::string>(*replacement) : std::nullopt;
  replace_null_with_default_ = std::get<bool>(config.at("replace.null.with.default"));
}

template <typename Side>
Value MaskField<Side>::Masked(const std::string& field, const Schema* schema,
                              const Value& value) const {
  const std::string smt = SmtName<Side>("MaskField");
  if (value.is_null()) return Value();
  const std::string_view logical = schema != nullptr ? std::string_view(schema->name()) : "";
  const bool decimal = logical == Decimal::kLogicalName;
  const bool temporal = logical == Date::kLogicalName || logical == Time::kLogicalName ||
                        logical == Timestamp::kLogicalName;
  const Type type = *value.type();
  if (!replacement_) {
    switch (type) {
      case Type::kBoolean:
        return false;
      case Type::kInt8:
        return int8_t{0};
      case Type::kInt16:
        return int16_t{0};
      case Type::kInt32:
        return int32_t{0};
      case Type::kInt64:
        return int64_t{0};
      case Type::kFloat32:
        return 0.0f;
      case Type::kFloat64:
        return 0.0;
      case Type::kString:
        return "";
      case Type::kArray:
        return Value::Array{};
      case Type::kMap:
        return Value::Map{};
      case Type::kBytes:
        if (decimal) return Bytes{0};
        [[fallthrough]];
      default:
        throw DataError(
            StrCat(smt, ": Cannot mask value of type ", value.type_name(), " (field \"", field,
                   "\"); maskable types: boolean, integers, floats, string, Decimal, Date, Time, "
                   "Timestamp, array, map"));
    }
  }
  const std::string& text = *replacement_;
  const auto unconvertible = [&](std::string_view target) {
    return DataError(StrCat(smt, ": Unable to convert replacement ", text, " to ", target,
                            " for field \"", field, "\""));
  };
  const auto integer = [&]<typename Int>(Int) -> Value {
    const std::optional<Int> parsed = ParseInteger<Int>(text);
    if (!parsed) throw unconvertible(value.type_name());
    return *parsed;
  };
  if (!temporal) {
    switch (type) {
      case Type::kInt8:
        return integer(int8_t{});
      case Type::kInt16:
        return integer(int16_t{});
      case Type::kInt32:
        return integer(int32_t{});
      case Type::kInt64:
        return integer(int64_t{});
      case Type::kFloat32:
      case Type::kFloat64: {
        const std::optional<double> parsed = ParseDouble(text);
        if (!parsed) throw unconvertible(value.type_name());
        if (type == Type::kFloat32) return static_cast<float>(*parsed);
        return *parsed;
      }
      case Type::kString:
        return text;
      case Type::kBoolean: {
        std::string lower = text;
        std::transform(lower.begin(), lower.end(), lower.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        return lower == "true";
      }
      case Type::kBytes:
        if (decimal) {
          try {
            return Decimal::FromString(text, Decimal::scale(*schema));
          } catch (const DataError&) {
            throw unconvertible("Decimal");
          }
        }
        break;
      default:
        break;
    }
  }
  throw DataError(StrCat(smt, ": Cannot mask value of type ",
                         temporal ? logical : value.type_name(), " (field \"", field,
                         "\") with custom replacement; replacements apply to numbers, booleans "
                         "and strings"));
}

template <typename Side>
std::optional<ConnectRecord> MaskField<Side>::apply(ConnectRecord record) {
  const std::string smt = SmtName<Side>("MaskField");
  if (Side::value(record).is_null()) return record;
  const SchemaPtr& schema = Side::schema(record);
  if (schema == nullptr) {
    const Value::Map& value = RequireMap(smt, Side::value(record), "mask fields");
    Value::Map updated = value;
    for (const std::string& field : fields_) {
      const Value* original = MapGet(value, field);
      MapPut(updated, field, Masked(field, nullptr, original ? *original : Value()));
    }
    Side::Set(record, nullptr, std::move(updated));
    return record;
  }
  const Struct& value = RequireStruct(smt, Side::value(record), "mask fields");
  Struct updated(value.schema());
  for (const Field& field : value.schema()->fields()) {
    const Value& original = FieldValue(value, field, replace_null_with_default_);
    updated.put(field, Contains(fields_, field.name)
                           ? Masked(field.name, field.schema.get(), original)
                           : original);
  }
  SchemaPtr same = schema;
  Side::Set(record, std::move(same), std::move(updated));
  return record;
}

// ---- ValueToKey ----

ConfigDef ValueToKey::config() const {
  ConfigDef def;
  def.define(ConfigDef::Key("fields", ConfigType::kList)
                 .validator(transforms_internal::NonEmptyList())
                 .importance(Importance::kHigh)
                 .doc("Field names on the record value to extract as the record key."))
      .define(transforms_internal::ReplaceNullWithDefaultKey());
  return def;
}

void ValueToKey::configure(const ConfigMap& props) {
  const ParsedConfig config = this->config().Parse(props);
  fields_ = std::get<List>(config.at("fields"));
  replace_null_with_default_ = std::get<bool>(config.at("replace.null.with.default"));
}

std::optional<ConnectRecord> ValueToKey::apply(ConnectRecord record) {
  constexpr std::string_view kSmt = "ValueToKey";
  constexpr std::string_view kPurpose = "copying fields from value to key";
  if (record.value_schema == nullptr) {
    const Value::Map& value = RequireMap(kSmt, record.value, kPurpose);
    Value::Map key;
    for (const std::string& field : fields_) {
      const Value* found = MapGet(value, field);
      MapPut(key, field, found ? *found : Value());
    }
    record.key_schema = nullptr;
    record.key = std::move(key);
    return record;
  }
  const Struct& value = RequireStruct(kSmt, record.value, kPurpose);
  SchemaBuilder builder = SchemaBuilder::struct_();
  for (const std::string& field : fields_) {
    const Field* from = record.value_schema->field(field);
    if (from == nullptr) {
      throw DataError(StrCat(kSmt, ": Field does not exist: ", field));
    }
    builder.field(field, from->schema);
  }
  SchemaPtr key_schema = builder.build();
  Struct key(key_schema);
  for (const std::string& field : fields_) {
    key.put(field,
            FieldValue(value, *record.value_schema->field(field), replace_null_with_default_));
  }
  record.key_schema = std::move(key_schema);
  record.key = std::move(key);
  return record;
}

// ---- ExtractField ----

template <typename Side>
ConfigDef ExtractField<Side>::config() const {
  ConfigDef def;
  def.define(ConfigDef::Key("field", ConfigType::kString)
                 .validator(NonEmptyString())
                 .importance(Importance::kMedium)
                 .doc("Field name to extract."))
      .define(ConfigDef::Key("field.syntax.version", ConfigType::kString)
                  .default_value("V1")
                  .validator(CaseInsensitiveValidString::In({"V1", "V2"}))
                  .importance(Importance::kHigh)
                  .doc("Defines the version of the syntax to access fields. If set to `V1`, then "
                       "the field paths are limited to access the elements at the root level of "
                       "the struct or map. If set to `V2`, the syntax will support accessing "
                       "nested elements. To access nested elements, dotted notation is used. If "
                       "dots are already included in the field name, then backtick pairs can be "
                       "used to wrap field names containing dots."))
      .define(transforms_internal::ReplaceNullWithDefaultKey());
  return def;
}

template <typename Side>
void ExtractField<Side>::configure(const ConfigMap& props) {
  const ParsedConfig config = this->config().Parse(props);
  field_ = std::get<std::string>(config.at("field"));
  replace_null_with_default_ = std::get<bool>(config.at("replace.null.with.default"));
  path_.clear();
  std::string version = std::get<std::string>(config.at("field.syntax.version"));
  if (version != "V2" && version != "v2") {
    path_.push_back(field_);
    return;
  }
  // V2: segments separated by dots; a segment in backticks may hold dots (`` \` `` = backtick).
  for (size_t i = 0; i <= field_.size();) {
    std::string segment;
    if (i < field_.size() && field_[i] == '`') {
      size_t j = i + 1;
      for (; j < field_.size(); ++j) {
        if (field_[j] == '\\' && j + 1 < field_.size() && field_[j + 1] == '`') {
          segment.push_back('`');
          ++j;
        } else if (field_[j] == '`' && (j + 1 == field_.size() || field_[j + 1] == '.')) {
          break;
        } else {
          segment.push_back(field_[j]);
        }
      }
      if (j == field_.size()) {
        throw ConfigError("field", field_,
                          StrCat(SmtName<Side>("ExtractField"), ": unterminated backtick"));
      }
      i = j + 2;
    } else {
      const size_t dot = field_.find('.', i);
      const size_t end = dot == std::string::npos ? field_.size() : dot;
      segment = field_.substr(i, end - i);
      i = end + 1;
    }
    path_.push_back(std::move(segment));
  }
}

template <typename Side>
bool ExtractField<Side>::transform(const RecordView& in, RecordEditor& out) {
  constexpr std::string_view smt = SideName<Side>("ExtractField$Key", "ExtractField$Value");
  const ValueView operand = Side::value(in);
  if (!operand.schema()) {
    if (!operand.is_null() && operand.type() != Type::kMap) {
      throw DataError(StrCat(smt,
                             ": Only Map objects supported in absence of schema for [field "
                             "extraction], found: ",
                             operand.type_name()));
    }
    ValueView current = operand;
    for (const std::string& segment : path_) {
      const std::optional<ValueView> next =
          current.type() == Type::kMap ? current.find(segment) : std::nullopt;
      if (!next) {
        current = ValueView();
        break;
      }
      current = *next;
    }
    Side::Set(out, ValueView(&current.abi(), SchemaView()));
    return true;
  }
  if (!operand.is_null()) transforms_internal::RequireStruct(smt, operand, "field extraction");
  const SchemaView schema = operand.schema();
  if (schema.type() != Type::kStruct) {
    throw DataError(StrCat(smt, ": the ", Side::kName, " schema is ", TypeName(schema.type()),
                           ", not a struct, so it has no field \"", field_, "\""));
  }
  const Plan& plan = memo_.get(out, schema, [&](SchemaView input) {
    Plan p;
    SchemaView current = input;
    for (const std::string& segment : path_) {
      const std::optional<size_t> index =
          current.type() == Type::kStruct ? current.field_index(segment) : std::nullopt;
      if (!index) {
        throw DataError(StrCat(smt, ": Unknown field: ", field_, " (in the ", Side::kName,
                               " schema ", input.name().empty() ? "(unnamed)" : input.name(),
                               " of topic ", in.topic(), ")"));
      }
      p.indexes.push_back(*index);
      current = current.field_schema(*index);
    }
    p.schema = current;
    return p;
  });
  ValueView current = operand;
  for (const size_t index : plan.indexes) {
    if (current.type() != Type::kStruct) {
      current = ValueView();
      break;
    }
    current =
        replace_null_with_default_ ? current.field(index) : current.field_without_default(index);
  }
  Side::Set(out, ValueView(&current.abi(), plan.schema));
  return true;
}

// ---- HoistField ----

template <typename Side>
ConfigDef HoistField<Side>::config() const {
  ConfigDef def;
  def.define(ConfigDef::Key("field", ConfigType::kString)
                 .importance(Importance::kMedium)
                 .doc("Field name for the single field that will be created in the resulting "
                      "Struct or Map."));
  return def;
}

template <typename Side>
void HoistField<Side>::configure(const ConfigMap& props) {
  field_ = std::get<std::string>(config().Parse(props).at("field"));
}

template <typename Side>
std::optional<ConnectRecord> HoistField<Side>::apply(ConnectRecord record) {
  const SchemaPtr& schema = Side::schema(record);
  if (schema == nullptr) {
    Value::Map hoisted;
    hoisted.emplace_back(Value(field_), Side::value(record));
    Side::Set(record, nullptr, std::move(hoisted));
    return record;
  }
  SchemaPtr updated_schema;
  try {
    updated_schema = SchemaBuilder::struct_().field(field_, schema).build();
  } catch (const SchemaBuilderError& e) {
    throw DataError(StrCat(SmtName<Side>("HoistField"), ": ", e.what()));
  }
  Struct updated(updated_schema);
  try {
    updated.put(field_, Side::value(record));
  } catch (const DataError& e) {
    throw DataError(StrCat(SmtName<Side>("HoistField"), ": ", e.what()));
  }
  Side::Set(record, std::move(updated_schema), std::move(updated));
  return record;
}

// ---- SetSchemaMetadata ----

template <typename Side>
ConfigDef SetSchemaMetadata<Side>::config() const {
  ConfigDef def;
  def.define(ConfigDef::Key("schema.name", ConfigType::kString)
                 .default_value(nullptr)
                 .importance(Importance::kHigh)
                 .doc("Schema name to set."))
      .define(ConfigDef::Key("schema.version", ConfigType::kInt)
                  .default_value(nullptr)
                  .importance(Importance::kHigh)
                  .doc("Schema version to set."))
      .define(transforms_internal::ReplaceNullWithDefaultKey());
  return def;
}

template <typename Side>
void SetSchemaMetadata<Side>::configure(const ConfigMap& props) {
  const ParsedConfig config = this->config().Parse(props);
  const std::string* name = ConfigGet<std::string>(config, "schema.name");
  const int32_t* version = ConfigGet<int32_t>(config, "schema.version");
  name_ = name ? std::optional<std::string>(*name) : std::nullopt;
  version_ = version ? std::optional<int32_t>(*version) : std::nullopt;
  replace_null_with_default_ = std::get<bool>(config.at("replace.null.with.default"));
  if (!name_ && !version_) {
    throw ConfigError(StrCat(SmtName<Side>("SetSchemaMetadata"),
                             ": Neither schema name nor version configured; set schema.name "
                             "and/or schema.version"));
  }
}

template <typename Side>
std::optional<ConnectRecord> SetSchemaMetadata<Side>::apply(ConnectRecord record) {
  const std::string smt = SmtName<Side>("SetSchemaMetadata");
  const SchemaPtr& schema = Side::schema(record);
  if (schema == nullptr) {
    throw DataError(StrCat(smt, ": Schema required for [updating schema metadata]; the record's ",
                           Side::kName, " has none"));
  }
  SchemaBuilder builder = transforms_internal::CopySchema(*schema);
  if (name_) builder.name(*name_);
  if (version_) builder.version(*version_);
  SchemaPtr updated_schema;
  try {
    updated_schema = builder.build();
  } catch (const SchemaBuilderError& e) {
    throw DataError(StrCat(smt, ": ", e.what()));
  }
  const Value& value = Side::value(record);
  if (value.type() == Type::kStruct) {
    const Struct& original = value.as_struct();
    Struct updated(updated_schema);
    for (const Field& field : updated_schema->fields()) {
      updated.put(field,
                  FieldValue(original, *schema->field(field.name), replace_null_with_default_));
    }
    Side::Set(record, std::move(updated_schema), std::move(updated));
  } else {
    Value same = value;
    Side::Set(record, std::move(updated_schema), std::move(same));
  }
  return record;
}

// ---- Flatten ----

template <typename Side>
ConfigDef Flatten<Side>::config() const {
  ConfigDef def;
  def.define(ConfigDef::Key("delimiter", ConfigType::kString)
                 .default_value(".")
                 .importance(Importance::kMedium)
                 .doc("Delimiter to insert between field names from the input record when "
                      "generating field names for the output record"));
  return def;
}

template <typename Side>
void Flatten<Side>::configure(const ConfigMap& props) {
  delimiter_ = std::get<std::string>(config().Parse(props).at("delimiter"));
}

template <typename Side>
std::string Flatten<Side>::Name(const std::string& prefix, const std::string& name) const {
  return prefix.empty() ? name : StrCat(prefix, delimiter_, name);
}

template <typename Side>
void Flatten<Side>::FlattenMap(const Value::Map& map, const std::string& prefix,
                               Value::Map& out) const {
  for (const auto& [key, value] : map) {
    if (key.type() != Type::kString) {
      throw DataError(StrCat(SmtName<Side>("Flatten"), ": map keys must be strings, found ",
                             key.type_name(), prefix.empty() ? "" : " under field " + prefix));
    }
    const std::string name = Name(prefix, key.as_string());
    if (value.type() == Type::kMap) {
      FlattenMap(value.as_map(), name, out);
    } else if (value.type() == Type::kStruct) {
      throw DataError(StrCat(SmtName<Side>("Flatten"),
                             ": Flatten transformation does not support struct for record "
                             "without schemas (for field ",
                             name, ")."));
    } else {
      MapPut(out, name, value);
    }
  }
}

template <typename Side>
void Flatten<Side>::FlattenSchema(const Schema& schema, const std::string& prefix,
                                  SchemaBuilder& out, bool optional,
                                  const Struct* parent_default) const {
  for (const Field& field : schema.fields()) {
    const std::string name = Name(prefix, field.name);
    const bool field_optional = optional || field.schema->optional();
    const Value* field_default = field.schema->default_value();
    if (field_default == nullptr && parent_default != nullptr) {
      field_default = &parent_default->get(field);
      if (field_default->is_null()) field_default = nullptr;
    }
    switch (field.schema->type()) {
      case Type::kStruct:
        FlattenSchema(*field.schema, name, out, field_optional,
                      field_default != nullptr ? &field_default->as_struct() : nullptr);
        break;
      case Type::kMap:
        throw DataError(StrCat(SmtName<Side>("Flatten"),
                               ": Flatten transformation does not support map for record with "
                               "schemas (for field ",
                               name, ")."));
      default: {
        SchemaBuilder builder = transforms_internal::CopySchema(*field.schema);
        if (field_optional) builder.optional();
        if (field_default != nullptr) builder.default_value(*field_default);
        try {
          out.field(name, builder.build());
        } catch (const SchemaBuilderError& e) {
          throw DataError(StrCat(SmtName<Side>("Flatten"), ": ", e.what()));
        }
      }
    }
  }
}

template <typename Side>
void Flatten<Side>::FlattenStruct(const Struct* value, const std::string& prefix,
                                  Struct& out) const {
  if (value == nullptr) return;
  for (const Field& field : value->schema()->fields()) {
    const std::string name = Name(prefix, field.name);
    const Value& field_value = value->get(field);
    if (field.schema->type() == Type::kStruct) {
      FlattenStruct(field_value.is_null() ? nullptr : &field_value.as_struct(), name, out);
    } else {
      out.put(name, field_value);
    }
  }
}

template <typename Side>
std::optional<ConnectRecord> Flatten<Side>::apply(ConnectRecord record) {
  const std::string smt = SmtName<Side>("Flatten");
  if (Side::value(record).is_null()) return record;
  const SchemaPtr& schema = Side::schema(record);
  if (schema == nullptr) {
    Value::Map flat;
    FlattenMap(RequireMap(smt, Side::value(record), "flattening"), "", flat);
    Side::Set(record, nullptr, std::move(flat));
    return record;
  }
  const Struct& value = RequireStruct(smt, Side::value(record), "flattening");
  SchemaBuilder builder = transforms_internal::CopyStructBasics(*schema);
  const Value* schema_default = schema->default_value();
  FlattenSchema(*schema, "", builder, schema->optional(),
                schema_default != nullptr ? &schema_default->as_struct() : nullptr);
  SchemaPtr flat_schema = builder.build();
  Struct flat(flat_schema);
  FlattenStruct(&value, "", flat);
  Side::Set(record, std::move(flat_schema), std::move(flat));
  return record;
}

template class InsertField<KeySide>;
template class InsertField<ValueSide>;
template class ReplaceField<KeySide>;
template class ReplaceField<ValueSide>;
template class MaskField<KeySide>;
template class MaskField<ValueSide>;
template class ExtractField<KeySide>;
template class ExtractField<ValueSide>;
template class HoistField<KeySide>;
template class HoistField<ValueSide>;
template class SetSchemaMetadata<KeySide>;
template class SetSchemaMetadata<ValueSide>;
template class Flatten<KeySide>;
template class Flatten<ValueSide>;

}  // namespace ck::runtime
