// The example sink (see sink_connector.h). Writes go through POSIX calls so that flush() can
// fsync: a record is only reported as durable once the file system says it is.
#include "sink_connector.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <variant>

#include "ck/errors.h"
#include "ck/value.h"

namespace __NAMESPACE__ {
namespace {

// Primitive values and maps as text; other types by their type name (replace with your format).
std::string TextOf(const ck::Value& value) {
  if (value.is_null()) return "null";
  switch (*value.type()) {
    case ck::Type::kString:
      return value.as_string();
    case ck::Type::kBoolean:
      return value.as_boolean() ? "true" : "false";
    case ck::Type::kInt8:
      return std::to_string(value.as_int8());
    case ck::Type::kInt16:
      return std::to_string(value.as_int16());
    case ck::Type::kInt32:
      return std::to_string(value.as_int32());
    case ck::Type::kInt64:
      return std::to_string(value.as_int64());
    case ck::Type::kMap: {  // Java's Map.toString, as Kafka's FileStreamSink writes it
      std::string text = "{";
      for (const auto& [key, item] : value.as_map()) {
        if (text.size() > 1) text += ", ";
        text += TextOf(key) + "=" + TextOf(item);
      }
      return text + "}";
    }
    default:
      return "<" + std::string(value.type_name()) + ">";
  }
}

}  // namespace

ck::ConfigDef SinkConfigDef() {
  ck::ConfigDef def;
  def.define(ck::ConfigDef::Key(kOutputPathConfig, ck::ConfigType::kString)
                 .validator(ck::NonEmptyString())
                 .importance(ck::Importance::kHigh)
                 .doc("The file the records are appended to, one line each."));
  def.define(ck::ConfigDef::Key(kLinePrefixConfig, ck::ConfigType::kString)
                 .default_value(std::string(""))
                 .importance(ck::Importance::kLow)
                 .doc("Text written at the start of every line."));
  return def;
}

std::string LineOf(const ck::SinkRecord& record, const std::string& prefix) {
  return prefix + record.topic + "-" + std::to_string(record.kafka_partition.value_or(-1)) + "@" +
         std::to_string(record.kafka_offset) + ": " + TextOf(record.value);
}

void __CLASS__SinkConnector::start(const ck::ConfigMap& props) {
  SinkConfigDef().Parse(props);  // throws ck::ConfigError
  props_ = props;
}

std::vector<ck::ConfigMap> __CLASS__SinkConnector::task_configs(int max_tasks) {
  return std::vector<ck::ConfigMap>(static_cast<size_t>(max_tasks), props_);
}

void __CLASS__SinkTask::start(const ck::ConfigMap& props) {
  const ck::ParsedConfig config = SinkConfigDef().Parse(props);
  path_ = std::get<std::string>(config.at(kOutputPathConfig));
  prefix_ = std::get<std::string>(config.at(kLinePrefixConfig));
}

void __CLASS__SinkTask::put(std::vector<ck::SinkRecord> records) {
  for (const ck::SinkRecord& record : records) {
    buffer_ += LineOf(record, prefix_);
    buffer_ += '\n';
  }
}

void __CLASS__SinkTask::flush(const ck::OffsetMap& offsets) {
  (void)offsets;
  if (buffer_.empty()) return;
  const int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    throw ck::RetriableError("cannot open " + path_ + ": " + std::strerror(errno));
  }
  size_t written = 0;
  while (written < buffer_.size()) {
    const ssize_t n = ::write(fd, buffer_.data() + written, buffer_.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const std::string error = std::strerror(errno);
      ::close(fd);
      throw ck::RetriableError("cannot write " + path_ + ": " + error);
    }
    written += static_cast<size_t>(n);
  }
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced) throw ck::RetriableError("cannot sync " + path_ + ": " + std::strerror(errno));
  buffer_.clear();
}

void __CLASS__SinkTask::stop() { buffer_.clear(); }

}  // namespace __NAMESPACE__
