// Readable forms of Connect values and records, and the record matchers. Each matcher compares
// field by field and names every field that differs, with both sides in DebugString form.
#include "ck/testkit/matchers.h"

#include <cstdio>
#include <sstream>
#include <vector>

namespace ck::testkit {
namespace {

std::string Quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

std::string Number(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

std::string Timestamp(const std::optional<int64_t>& ts) {
  return ts ? std::to_string(*ts) : "none";
}

std::string Partition(const std::optional<int32_t>& p) { return p ? std::to_string(*p) : "any"; }

// Appends "name: expected X but was Y" to `diffs` when the two differ.
template <typename T, typename Show>
void Compare(std::vector<std::string>& diffs, const char* name, const T& expected, const T& actual,
             Show show) {
  if (!(expected == actual)) {
    diffs.push_back(std::string(name) + ": expected " + show(expected) + " but was " +
                    show(actual));
  }
}

void CompareSchemas(std::vector<std::string>& diffs, const char* name, const SchemaPtr& expected,
                    const SchemaPtr& actual) {
  if (!SchemaEquals(expected, actual)) {
    diffs.push_back(std::string(name) + ": expected " + DebugString(expected) + " but was " +
                    DebugString(actual));
  }
}

void CompareCommon(std::vector<std::string>& diffs, const ConnectRecord& e,
                   const ConnectRecord& a) {
  Compare(diffs, "topic", e.topic, a.topic, Quote);
  Compare(diffs, "partition", e.kafka_partition, a.kafka_partition, Partition);
  CompareSchemas(diffs, "key schema", e.key_schema, a.key_schema);
  Compare(diffs, "key", e.key, a.key, [](const Value& v) { return DebugString(v); });
  CompareSchemas(diffs, "value schema", e.value_schema, a.value_schema);
  Compare(diffs, "value", e.value, a.value, [](const Value& v) { return DebugString(v); });
  Compare(diffs, "timestamp", e.timestamp, a.timestamp, Timestamp);
  Compare(diffs, "headers", e.headers, a.headers, [](const Headers& h) { return DebugString(h); });
}

// A matcher of `Record` that lists the differing fields, computed by `diff`.
template <typename Record>
class RecordEqMatcher : public testing::MatcherInterface<const Record&> {
 public:
  using Diff = void (*)(std::vector<std::string>&, const Record&, const Record&);
  RecordEqMatcher(Record expected, Diff diff) : expected_(std::move(expected)), diff_(diff) {}

  bool MatchAndExplain(const Record& actual,
                       testing::MatchResultListener* listener) const override {
    std::vector<std::string> diffs;
    diff_(diffs, expected_, actual);
    for (size_t i = 0; i < diffs.size(); ++i) *listener << (i == 0 ? "" : "; ") << diffs[i];
    return diffs.empty();
  }
  void DescribeTo(std::ostream* os) const override {
    *os << "is a record equal to ";
    PrintTo(expected_, os);
  }
  void DescribeNegationTo(std::ostream* os) const override {
    *os << "is not a record equal to ";
    PrintTo(expected_, os);
  }

 private:
  Record expected_;
  Diff diff_;
};

std::string TimestampTypeName(TimestampType type) {
  switch (type) {
    case TimestampType::kNone:
      return "NO_TIMESTAMP_TYPE";
    case TimestampType::kCreateTime:
      return "CREATE_TIME";
    case TimestampType::kLogAppendTime:
      return "LOG_APPEND_TIME";
  }
  return "?";
}

}  // namespace

std::string DebugString(const Value& value) {
  if (value.is_null()) return "null";
  switch (*value.type()) {
    case Type::kInt8:
      return std::to_string(value.as_int8());
    case Type::kInt16:
      return std::to_string(value.as_int16());
    case Type::kInt32:
      return std::to_string(value.as_int32());
    case Type::kInt64:
      return std::to_string(value.as_int64());
    case Type::kFloat32:
      return Number(value.as_float32()) + "f";
    case Type::kFloat64:
      return Number(value.as_float64());
    case Type::kBoolean:
      return value.as_boolean() ? "true" : "false";
    case Type::kString:
      return Quote(value.as_string());
    case Type::kBytes: {
      std::string out = "0x";
      char hex[3];
      for (uint8_t b : value.as_bytes()) {
        std::snprintf(hex, sizeof hex, "%02x", b);
        out += hex;
      }
      return out;
    }
    case Type::kArray: {
      std::string out = "[";
      for (const Value& v : value.as_array()) out += (out.size() > 1 ? ", " : "") + DebugString(v);
      return out + "]";
    }
    case Type::kMap: {
      std::string out = "{";
      for (const auto& [k, v] : value.as_map()) {
        out += (out.size() > 1 ? ", " : "") + DebugString(k) + ": " + DebugString(v);
      }
      return out + "}";
    }
    case Type::kStruct: {
      const Struct& s = value.as_struct();
      std::string out = "Struct{";
      bool first = true;
      for (const Field& field : s.schema()->fields()) {
        out +=
            (first ? "" : ",") + field.name + "=" + DebugString(s.get_without_default(field.name));
        first = false;
      }
      return out + "}";
    }
  }
  return "?";
}

std::string DebugString(const SchemaPtr& schema) {
  if (schema == nullptr) return "schemaless";
  std::string out(TypeName(schema->type()));
  if (!schema->name().empty()) out += " " + schema->name();
  if (schema->type() == Type::kStruct) {
    out += "{";
    bool first = true;
    for (const Field& field : schema->fields()) {
      out += (first ? "" : ", ") + field.name + ": " + DebugString(field.schema);
      first = false;
    }
    out += "}";
  } else if (schema->type() == Type::kArray) {
    out += "<" + DebugString(schema->value_schema()) + ">";
  } else if (schema->type() == Type::kMap) {
    out +=
        "<" + DebugString(schema->key_schema()) + ", " + DebugString(schema->value_schema()) + ">";
  }
  if (!schema->parameters().empty()) {
    out += "(";
    bool first = true;
    for (const auto& [key, value] : schema->parameters()) {
      out += (first ? "" : ", ") + key + "=" + value;
      first = false;
    }
    out += ")";
  }
  if (schema->version()) out += " v" + std::to_string(*schema->version());
  if (schema->optional()) out += " (optional)";
  if (schema->default_value() != nullptr)
    out += " default " + DebugString(*schema->default_value());
  return out;
}

std::string DebugString(const Headers& headers) {
  std::string out = "[";
  for (const Header& header : headers) {
    out += (out.size() > 1 ? ", " : "") + header.key + "=" + DebugString(header.value);
  }
  return out + "]";
}

std::string DebugString(const ConnectRecord& record) {
  return "Record{topic=" + record.topic + ", partition=" + Partition(record.kafka_partition) +
         ", key=" + DebugString(record.key) + ", value=" + DebugString(record.value) +
         ", timestamp=" + Timestamp(record.timestamp) + ", headers=" + DebugString(record.headers) +
         "}";
}

testing::Matcher<const ConnectRecord&> RecordEq(const ConnectRecord& expected) {
  return testing::MakeMatcher(new RecordEqMatcher<ConnectRecord>(expected, &CompareCommon));
}

testing::Matcher<const SourceRecord&> RecordEq(const SourceRecord& expected) {
  return testing::MakeMatcher(new RecordEqMatcher<SourceRecord>(
      expected, [](std::vector<std::string>& diffs, const SourceRecord& e, const SourceRecord& a) {
        CompareCommon(diffs, e, a);
        const auto dump = [](const nlohmann::json& j) { return j.dump(); };
        Compare(diffs, "source partition", e.source_partition, a.source_partition, dump);
        Compare(diffs, "source offset", e.source_offset, a.source_offset, dump);
      }));
}

testing::Matcher<const SinkRecord&> RecordEq(const SinkRecord& expected) {
  return testing::MakeMatcher(new RecordEqMatcher<SinkRecord>(
      expected, [](std::vector<std::string>& diffs, const SinkRecord& e, const SinkRecord& a) {
        CompareCommon(diffs, e, a);
        const auto num = [](int64_t v) { return std::to_string(v); };
        Compare(diffs, "kafka offset", e.kafka_offset, a.kafka_offset, num);
        Compare(diffs, "timestamp type", e.timestamp_type, a.timestamp_type, TimestampTypeName);
        Compare(diffs, "original topic", e.original_topic, a.original_topic, Quote);
        Compare(diffs, "original partition", e.original_partition, a.original_partition,
                [](int32_t v) { return std::to_string(v); });
        Compare(diffs, "original offset", e.original_offset, a.original_offset, num);
      }));
}

}  // namespace ck::testkit
