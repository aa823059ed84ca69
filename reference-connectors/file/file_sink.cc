// The file sink: configuration, the line-writing task and the Java-compatible string form of
// Connect values (see file_sink.h). The task keeps complete lines in a buffer and hands them to
// write(2) on a descriptor opened with O_APPEND, so each write appends whole lines even when
// several tasks share the file; flush() empties the buffer and fsyncs, which is the durability
// point the runtime's offset commit waits for.
#include "reference-connectors/file/file_sink.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstring>
#include <string_view>
#include <type_traits>

#include "ck/errors.h"
#include "ck/schema.h"
#include "ck/value.h"

namespace ck::file {
namespace {

constexpr char kFileConfig[] = "file";
constexpr size_t kWriteThreshold = 1 << 20;  // buffered bytes that trigger a write in put()

ConfigDef SinkConfigDef() {
  ConfigDef def;
  def.define(ConfigDef::Key(kFileConfig, ConfigType::kString)
                 .default_value(nullptr)
                 .importance(Importance::kHigh)
                 .doc("Destination filename. If not specified, the standard output will be used"));
  return def;
}

std::string ParseFilename(const ConfigMap& props) {
  const ParsedConfig parsed = SinkConfigDef().Parse(props);
  const auto* file = std::get_if<std::string>(&parsed.at(kFileConfig));
  return file != nullptr ? *file : std::string();
}

std::string Describe(const std::string& filename) {
  return filename.empty() ? std::string("standard output") : filename;
}

// Java's Float.toString / Double.toString: the shortest digits that read back to the same value,
// plainly for magnitudes in [1e-3, 1e7) with at least one fraction digit, else as d.dddE<n>.
template <typename F>
void AppendJavaFloating(F value, std::string& out) {
  static_assert(std::is_floating_point_v<F>);
  if (std::isnan(value)) {
    out.append("NaN");
    return;
  }
  if (std::isinf(value)) {
    out.append(value > 0 ? "Infinity" : "-Infinity");
    return;
  }
  if (std::signbit(value)) out.push_back('-');
  const F magnitude = std::fabs(value);
  if (magnitude == 0) {
    out.append("0.0");
    return;
  }
  char buf[48];
  const char* end =
      std::to_chars(buf, buf + sizeof buf, magnitude, std::chars_format::scientific).ptr;
  const std::string_view sci(buf, static_cast<size_t>(end - buf));  // e.g. "1.25e+05"
  const size_t e = sci.find('e');
  std::string digits(1, sci[0]);
  if (e > 1) digits.append(sci.substr(2, e - 2));
  int exponent = 0;
  std::from_chars(sci.data() + e + 2, end, exponent);
  if (sci[e + 1] == '-') exponent = -exponent;
  if (magnitude < F(1e-3) || magnitude >= F(1e7)) {
    out.push_back(digits[0]);
    out.push_back('.');
    out.append(digits.size() > 1 ? std::string_view(digits).substr(1) : "0");
    out.push_back('E');
    out.append(std::to_string(exponent));
  } else if (exponent < 0) {
    out.append("0.");
    out.append(static_cast<size_t>(-exponent - 1), '0');
    out.append(digits);
  } else {
    const size_t int_digits = static_cast<size_t>(exponent) + 1;
    digits.resize(std::max(digits.size(), int_digits + 1), '0');
    out.append(std::string_view(digits).substr(0, int_digits));
    out.push_back('.');
    out.append(std::string_view(digits).substr(int_digits));
  }
}

void AppendBase64(const Bytes& bytes, std::string& out) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t v = (uint32_t{bytes[i]} << 16) | (uint32_t{bytes[i + 1]} << 8) | bytes[i + 2];
    for (int shift = 18; shift >= 0; shift -= 6) out.push_back(kAlphabet[(v >> shift) & 0x3F]);
  }
  if (const size_t rest = bytes.size() - i; rest > 0) {
    const uint32_t v = (uint32_t{bytes[i]} << 16) | (rest == 2 ? uint32_t{bytes[i + 1]} << 8 : 0);
    out.push_back(kAlphabet[(v >> 18) & 0x3F]);
    out.push_back(kAlphabet[(v >> 12) & 0x3F]);
    out.push_back(rest == 2 ? kAlphabet[(v >> 6) & 0x3F] : '=');
    out.push_back('=');
  }
}

// java.util.Date.toString() in UTC: "EEE MMM dd HH:mm:ss zzz yyyy".
void AppendJavaDate(int64_t millis_since_epoch, std::string& out) {
  using namespace std::chrono;
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const sys_time<milliseconds> instant{milliseconds(millis_since_epoch)};
  const sys_days day = floor<days>(instant);
  const year_month_day ymd(day);
  const hh_mm_ss<seconds> time(floor<seconds>(instant - day));
  const auto two = [&out](long v) {
    out.push_back(static_cast<char>('0' + v / 10));
    out.push_back(static_cast<char>('0' + v % 10));
  };
  out.append(kDays[weekday(day).c_encoding()]);
  out.push_back(' ');
  out.append(kMonths[static_cast<unsigned>(ymd.month()) - 1]);
  out.push_back(' ');
  two(static_cast<unsigned>(ymd.day()));
  out.push_back(' ');
  two(time.hours().count());
  out.push_back(':');
  two(time.minutes().count());
  out.push_back(':');
  two(time.seconds().count());
  out.append(" UTC ");
  out.append(std::to_string(static_cast<int>(ymd.year())));
}

void WriteAll(int fd, std::string_view data, const std::string& filename) {
  while (!data.empty()) {
    const ssize_t n = write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw ConnectError("Error writing to " + Describe(filename) + ": " + std::strerror(errno));
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
}

}  // namespace

void AppendValueText(const SchemaPtr& schema, const Value& value, bool top_level,
                     std::string& out) {
  const std::string_view logical = schema != nullptr ? std::string_view(schema->name()) : "";
  if (value.is_null()) {
    out.append("null");
    return;
  }
  switch (*value.type()) {
    case Type::kInt8:
      out.append(std::to_string(value.as_int8()));
      return;
    case Type::kInt16:
      out.append(std::to_string(value.as_int16()));
      return;
    case Type::kInt32:
      if (logical == Date::kLogicalName) {
        AppendJavaDate(int64_t{value.as_int32()} * 86'400'000, out);
      } else if (logical == Time::kLogicalName) {
        AppendJavaDate(value.as_int32(), out);
      } else {
        out.append(std::to_string(value.as_int32()));
      }
      return;
    case Type::kInt64:
      if (logical == Timestamp::kLogicalName) {
        AppendJavaDate(value.as_int64(), out);
      } else {
        out.append(std::to_string(value.as_int64()));
      }
      return;
    case Type::kFloat32:
      AppendJavaFloating(value.as_float32(), out);
      return;
    case Type::kFloat64:
      AppendJavaFloating(value.as_float64(), out);
      return;
    case Type::kBoolean:
      out.append(value.as_boolean() ? "true" : "false");
      return;
    case Type::kString:
      out.append(value.as_string());
      return;
    case Type::kBytes:
      if (logical == Decimal::kLogicalName) {
        out.append(Decimal::ToString(value.as_bytes(), Decimal::scale(*schema)));
      } else if (top_level) {
        const Bytes& bytes = value.as_bytes();
        out.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
      } else {
        AppendBase64(value.as_bytes(), out);
      }
      return;
    case Type::kArray: {
      const SchemaPtr element = schema != nullptr ? schema->value_schema() : nullptr;
      out.push_back('[');
      bool first = true;
      for (const Value& v : value.as_array()) {
        if (!first) out.append(", ");
        first = false;
        AppendValueText(element, v, false, out);
      }
      out.push_back(']');
      return;
    }
    case Type::kMap: {
      const SchemaPtr key = schema != nullptr ? schema->key_schema() : nullptr;
      const SchemaPtr val = schema != nullptr ? schema->value_schema() : nullptr;
      out.push_back('{');
      bool first = true;
      for (const auto& [k, v] : value.as_map()) {
        if (!first) out.append(", ");
        first = false;
        AppendValueText(key, k, false, out);
        out.push_back('=');
        AppendValueText(val, v, false, out);
      }
      out.push_back('}');
      return;
    }
    case Type::kStruct: {
      const Struct& s = value.as_struct();
      out.append("Struct{");
      bool first = true;
      for (const Field& field : s.schema()->fields()) {
        const Value& v = s.get_without_default(field.name);
        if (v.is_null()) continue;  // as Kafka's Struct.toString
        if (!first) out.push_back(',');
        first = false;
        out.append(field.name);
        out.push_back('=');
        AppendValueText(field.schema, v, false, out);
      }
      out.push_back('}');
      return;
    }
  }
}

// ---- FileStreamSinkConnector ----------------------------------------------------------------

ConfigDef FileStreamSinkConnector::config() const { return SinkConfigDef(); }

void FileStreamSinkConnector::start(const ConfigMap& props) {
  const std::string filename = ParseFilename(props);
  props_ = props;
  context().log(LogLevel::kInfo, "Starting file sink connector writing to " + Describe(filename));
}

std::vector<ConfigMap> FileStreamSinkConnector::task_configs(int max_tasks) {
  return std::vector<ConfigMap>(static_cast<size_t>(std::max(max_tasks, 0)), props_);
}

bool FileStreamSinkConnector::alter_offsets(
    const ConfigMap& props, const std::map<TopicPartition, std::optional<int64_t>>& offsets) {
  (void)props;
  (void)offsets;
  return true;  // no offsets of its own to update or check
}

// ---- FileStreamSinkTask ---------------------------------------------------------------------

FileStreamSinkTask::~FileStreamSinkTask() {
  if (fd_ >= 0 && !filename_.empty()) ::close(fd_);
}

void FileStreamSinkTask::start(const ConfigMap& props) {
  filename_ = ParseFilename(props);
  if (filename_.empty()) {
    fd_ = STDOUT_FILENO;
  } else {
    fd_ = ::open(filename_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd_ < 0) {
      throw ConnectError("Couldn't find or create file '" + filename_ +
                         "' for FileStreamSinkTask: " + std::strerror(errno));
    }
  }
  context().log(LogLevel::kInfo, "Writing record values to " + Describe(filename_));
}

void FileStreamSinkTask::put(std::vector<SinkRecord> records) {
  for (const SinkRecord& record : records) {
    AppendValueText(record.value_schema, record.value, true, pending_);
    pending_.push_back('\n');
  }
  if (pending_.size() >= kWriteThreshold) WritePending();
}

void FileStreamSinkTask::WritePending() {
  if (pending_.empty() || fd_ < 0) return;
  WriteAll(fd_, pending_, filename_);
  pending_.clear();
}

void FileStreamSinkTask::flush(const OffsetMap& offsets) {
  (void)offsets;
  WritePending();
  if (fd_ < 0) return;
  struct stat st {};
  // Standard output may be a terminal or a pipe, which cannot be synced and need not be.
  const bool syncable = !filename_.empty() || (fstat(fd_, &st) == 0 && S_ISREG(st.st_mode));
  if (syncable && fsync(fd_) != 0) {
    throw ConnectError("Error syncing " + Describe(filename_) + ": " + std::strerror(errno));
  }
}

void FileStreamSinkTask::stop() {
  try {
    WritePending();
  } catch (const ConnectError& e) {
    context().log(LogLevel::kError, e.what());
  }
  if (fd_ >= 0 && !filename_.empty()) ::close(fd_);
  fd_ = -1;
}

}  // namespace ck::file
