// Kafka's TimestampConverter (see timestamp_converter.h). Every conversion goes through
// milliseconds since the epoch (Java's java.util.Date), as Kafka's translators do. Without a
// schema, an int64 is read as a Unix epoch and a string through `format`; Date, Time and Timestamp
// results are their encodings (int32 days, int32 ms of day, int64 ms), as ConnectKit has no
// separate date object.
#include "runtime/transforms/timestamp_converter.h"

#include <utility>

namespace ck::runtime {
namespace {

using errors_internal::StrCat;
using transforms_internal::KeySide;
using transforms_internal::ValueSide;

constexpr int64_t kMillisPerDay = 86400000;

template <typename Side>
std::string SmtName() {
  return Side::kName == KeySide::kName ? "TimestampConverter$Key" : "TimestampConverter$Value";
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

template <typename Side>
ConfigDef TimestampConverter<Side>::config() const {
  ConfigDef def;
  def.define(ConfigDef::Key("field", ConfigType::kString)
                 .default_value("")
                 .importance(Importance::kHigh)
                 .doc("The field containing the timestamp, or empty if the entire value is a "
                      "timestamp"))
      .define(ConfigDef::Key("target.type", ConfigType::kString)
                  .validator(ValidString::In({"string", "unix", "Date", "Time", "Timestamp"}))
                  .importance(Importance::kHigh)
                  .doc("The desired timestamp representation: string, unix, Date, Time, or "
                       "Timestamp"))
      .define(ConfigDef::Key("format", ConfigType::kString)
                  .default_value("")
                  .importance(Importance::kMedium)
                  .doc("A SimpleDateFormat-compatible format for the timestamp. Used to generate "
                       "the output when type=string or used to parse the input if the input is a "
                       "string."))
      .define(ConfigDef::Key("unix.precision", ConfigType::kString)
                  .default_value("milliseconds")
                  .validator(
                      ValidString::In({"nanoseconds", "microseconds", "milliseconds", "seconds"}))
                  .importance(Importance::kLow)
                  .doc("The desired Unix precision for the timestamp: seconds, milliseconds, "
                       "microseconds, or nanoseconds. Used to generate the output when type=unix "
                       "or used to parse the input if the input is a Long."))
      .define(transforms_internal::ReplaceNullWithDefaultKey());
  return def;
}

template <typename Side>
void TimestampConverter<Side>::configure(const ConfigMap& props) {
  const ParsedConfig config = this->config().Parse(props);
  field_ = std::get<std::string>(config.at("field"));
  const std::string& target = std::get<std::string>(config.at("target.type"));
  target_ = target == "string" ? Form::kString
            : target == "unix" ? Form::kUnix
            : target == "Date" ? Form::kDate
            : target == "Time" ? Form::kTime
                               : Form::kTimestamp;
  const std::string& format = std::get<std::string>(config.at("format"));
  precision_ = std::get<std::string>(config.at("unix.precision"));
  replace_null_with_default_ = std::get<bool>(config.at("replace.null.with.default"));
  format_.reset();
  if (target_ == Form::kString && format.empty()) {
    throw ConfigError(StrCat(SmtName<Side>(),
                             ": TimestampConverter requires format option to be specified when "
                             "using string timestamps"));
  }
  if (!format.empty()) format_.emplace("format", format);
}

template <typename Side>
SchemaPtr TimestampConverter<Side>::TargetSchema(bool optional) const {
  switch (target_) {
    case Form::kString:
      return optional ? Schema::OptionalString() : Schema::String();
    case Form::kUnix:
      return optional ? Schema::OptionalInt64() : Schema::Int64();
    case Form::kDate:
      return optional ? Date::builder().optional().build() : Date::schema();
    case Form::kTime:
      return optional ? Time::builder().optional().build() : Time::schema();
    case Form::kTimestamp:
      break;
  }
  return optional ? Timestamp::builder().optional().build() : Timestamp::schema();
}

template <typename Side>
auto TimestampConverter<Side>::FormOfSchema(const Schema& schema) const -> Form {
  if (schema.name() == Timestamp::kLogicalName) return Form::kTimestamp;
  if (schema.name() == Date::kLogicalName) return Form::kDate;
  if (schema.name() == Time::kLogicalName) return Form::kTime;
  if (schema.type() == Type::kString) return Form::kString;
  if (schema.type() == Type::kInt64) return Form::kUnix;
  throw DataError(StrCat(SmtName<Side>(), ": Schema ", TypeName(schema.type()),
                         schema.name().empty() ? "" : StrCat(" (", schema.name(), ")"),
                         " does not correspond to a known timestamp type format; expected "
                         "string, int64, Date, Time or Timestamp"));
}

template <typename Side>
auto TimestampConverter<Side>::FormOfValue(const Value& value) const -> Form {
  if (value.type() == Type::kInt64) return Form::kUnix;
  if (value.type() == Type::kString) return Form::kString;
  throw DataError(StrCat(SmtName<Side>(), ": TimestampConverter does not support ",
                         value.type_name(),
                         " objects as timestamps without a schema; expected int64 or string"));
}

template <typename Side>
int64_t TimestampConverter<Side>::ToMillis(const Value& value, Form form) const {
  switch (form) {
    case Form::kString: {
      const std::string& text = value.as_string();
      if (!format_) {
        throw DataError(StrCat(SmtName<Side>(), ": cannot parse the string timestamp \"", text,
                               "\" without the format option"));
      }
      const std::optional<int64_t> millis = format_->Parse(text);
      if (!millis) {
        throw DataError(StrCat(SmtName<Side>(), ": Could not parse timestamp: value (", text,
                               ") does not match pattern (", format_->pattern(), ")"));
      }
      return *millis;
    }
    case Form::kUnix: {
      const int64_t n = value.as_int64();
      if (precision_ == "seconds") return n * 1000;
      if (precision_ == "microseconds") return n / 1000;
      if (precision_ == "nanoseconds") return n / 1000000;
      return n;
    }
    case Form::kDate:
      return int64_t{value.as_int32()} * kMillisPerDay;
    case Form::kTime:
      return value.as_int32();
    case Form::kTimestamp:
      break;
  }
  return value.as_int64();
}

template <typename Side>
Value TimestampConverter<Side>::FromMillis(int64_t millis) const {
  switch (target_) {
    case Form::kString:
      return format_->Format(millis);
    case Form::kUnix:
      if (precision_ == "seconds") return millis / 1000;
      if (precision_ == "microseconds") return millis * 1000;
      if (precision_ == "nanoseconds") return millis * 1000000;
      return millis;
    case Form::kDate:
      return static_cast<int32_t>(FloorDiv(millis, kMillisPerDay));
    case Form::kTime:
      return static_cast<int32_t>(millis - FloorDiv(millis, kMillisPerDay) * kMillisPerDay);
    case Form::kTimestamp:
      break;
  }
  return millis;
}

template <typename Side>
Value TimestampConverter<Side>::Convert(const Value& value, std::optional<Form> form) const {
  if (value.is_null()) return Value();
  return FromMillis(ToMillis(value, form ? *form : FormOfValue(value)));
}

template <typename Side>
std::optional<ConnectRecord> TimestampConverter<Side>::apply(ConnectRecord record) {
  const std::string topic = record.topic;
  try {
    return ApplyUnchecked(std::move(record));
  } catch (const DataError& e) {
    // Name where the bad value was.
    throw DataError(StrCat(e.what(), " (",
                           field_.empty() ? StrCat("the ", Side::kName)
                                          : StrCat("field \"", field_, "\" of the ", Side::kName),
                           " of a record on topic ", topic, ")"));
  }
}

template <typename Side>
std::optional<ConnectRecord> TimestampConverter<Side>::ApplyUnchecked(ConnectRecord record) {
  const std::string smt = SmtName<Side>();
  const SchemaPtr& schema = Side::schema(record);
  const Value& value = Side::value(record);
  if (schema == nullptr) {
    if (field_.empty()) {
      Value converted = Convert(value, std::nullopt);
      Side::Set(record, nullptr, std::move(converted));
      return record;
    }
    if (value.is_null()) return record;
    Value::Map updated =
        transforms_internal::RequireMap(smt, value, "converting timestamp formats");
    const Value* original = transforms_internal::MapGet(updated, field_);
    Value converted = Convert(original != nullptr ? *original : Value(), std::nullopt);
    transforms_internal::MapPut(updated, field_, std::move(converted));
    Side::Set(record, nullptr, std::move(updated));
    return record;
  }
  if (field_.empty()) {
    SchemaPtr target_schema = TargetSchema(schema->optional());
    Value converted = Convert(value, FormOfSchema(*schema));
    Side::Set(record, std::move(target_schema), std::move(converted));
    return record;
  }
  if (!value.is_null()) {
    transforms_internal::RequireStruct(smt, value, "converting timestamp formats");
  }
  if (schema->type() != Type::kStruct || schema->field(field_) == nullptr) {
    throw DataError(StrCat(smt, ": field \"", field_, "\" is not in the ", Side::kName, " schema"));
  }
  SchemaBuilder builder = transforms_internal::CopyStructBasics(*schema);
  for (const Field& field : schema->fields()) {
    builder.field(field.name,
                  field.name == field_ ? TargetSchema(field.schema->optional()) : field.schema);
  }
  if (schema->optional()) builder.optional();
  SchemaPtr updated_schema = builder.build();
  if (value.is_null()) {
    Side::Set(record, std::move(updated_schema), Value());
    return record;
  }
  const Struct& original = value.as_struct();
  Struct updated(updated_schema);
  for (const Field& field : schema->fields()) {
    if (field.name == field_) {
      updated.put(field.name, Convert(transforms_internal::FieldValue(original, field,
                                                                      replace_null_with_default_),
                                      FormOfSchema(*field.schema)));
    } else {
      updated.put(field.name, original.get(field));
    }
  }
  Side::Set(record, std::move(updated_schema), std::move(updated));
  return record;
}

template class TimestampConverter<KeySide>;
template class TimestampConverter<ValueSide>;

}  // namespace ck::runtime
