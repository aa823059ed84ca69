// The file source: configuration, offset validation and the line-reading task (see
// file_source.h). The task owns one file descriptor and reads it in chunks into a buffer that
// starts at the last emitted line; offsets are computed from that buffer, never from the
// descriptor's read position, so unread bytes never count as committed. Waiting (for a missing
// file, for more data, for standard input) is a poll(2) on an eventfd that stop() signals, which
// is how stop() from another thread makes a waiting poll() return at once.
#include "reference-connectors/file/file_source.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <string_view>

#include "ck/errors.h"
#include "ck/schema.h"

namespace ck::file {
namespace {

constexpr char kFileConfig[] = "file";
constexpr char kTopicConfig[] = "topic";
constexpr char kBatchSizeConfig[] = "batch.size";
constexpr int32_t kDefaultBatchSize = 2000;

constexpr char kFilenameField[] = "filename";
constexpr char kPositionField[] = "position";

constexpr size_t kReadChunk = 64 * 1024;
constexpr int kIdleWaitMs = 1000;  // as Kafka's task, which waits a second when it has nothing

// Kafka's legal topic names: at most 249 of [a-zA-Z0-9._-].
constexpr char kTopicPattern[] = "[a-zA-Z0-9._-]{1,249}";

struct SourceSettings {
  std::string filename;
  std::string topic;
  int32_t batch_size = kDefaultBatchSize;
};

SourceSettings ParseSettings(const ConfigDef& def, const ConfigMap& props) {
  const ParsedConfig parsed = def.Parse(props);
  SourceSettings s;
  if (const auto* file = std::get_if<std::string>(&parsed.at(kFileConfig))) s.filename = *file;
  s.topic = std::get<std::string>(parsed.at(kTopicConfig));
  s.batch_size = std::get<int32_t>(parsed.at(kBatchSizeConfig));
  return s;
}

std::string ErrnoText(int error) { return std::strerror(error); }

int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Length of the valid UTF-8 sequence at the start of `s`, or 0 if it does not start with one
// (overlong forms, surrogates and code points above U+10FFFF are invalid).
size_t Utf8SequenceLength(std::string_view s) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char lead = byte(0);
  if (lead < 0x80) return 1;
  size_t length = 0;
  unsigned char min_second = 0x80, max_second = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) min_second = 0xA0;
    if (lead == 0xED) max_second = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) min_second = 0x90;
    if (lead == 0xF4) max_second = 0x8F;
  } else {
    return 0;
  }
  if (s.size() < length || byte(1) < min_second || byte(1) > max_second) return 0;
  for (size_t i = 2; i < length; ++i) {
    if (byte(i) < 0x80 || byte(i) > 0xBF) return 0;
  }
  return length;
}

// `line` with every byte that does not start a valid UTF-8 sequence replaced by U+FFFD.
std::string ValidUtf8(std::string_view line) {
  size_t i = 0;
  while (i < line.size()) {
    const size_t n = Utf8SequenceLength(line.substr(i));
    if (n == 0) break;
    i += n;
  }
  if (i == line.size()) return std::string(line);  // the common case: no copy but the result's
  std::string out(line.substr(0, i));
  while (i < line.size()) {
    const size_t n = Utf8SequenceLength(line.substr(i));
    if (n == 0) {
      out.append("\xEF\xBF\xBD");
      ++i;
    } else {
      out.append(line.substr(i, n));
      i += n;
    }
  }
  return out;
}

ConfigDef SourceConfigDef() {
  ConfigDef def;
  def.define(ConfigDef::Key(kFileConfig, ConfigType::kString)
                 .default_value(nullptr)
                 .importance(Importance::kHigh)
                 .doc("Source filename. If not specified, the standard input will be used"));
  def.define(ConfigDef::Key(kTopicConfig, ConfigType::kString)
                 .validator(RegexValidator(kTopicPattern))
                 .importance(Importance::kHigh)
                 .doc("The topic to publish data to"));
  def.define(ConfigDef::Key(kBatchSizeConfig, ConfigType::kInt)
                 .default_value(kDefaultBatchSize)
                 .validator(Range::AtLeast(1))
                 .importance(Importance::kLow)
                 .doc("The maximum number of records the source task can read from the file each "
                      "time it is polled"));
  return def;
}

}  // namespace

// ---- FileStreamSourceConnector --------------------------------------------------------------

ConfigDef FileStreamSourceConnector::config() const { return SourceConfigDef(); }

void FileStreamSourceConnector::start(const ConfigMap& props) {
  const SourceSettings settings = ParseSettings(config(), props);
  props_ = props;
  context().log(LogLevel::kInfo, "Starting file source connector reading from " +
                                     (settings.filename.empty() ? std::string("standard input")
                                                                : settings.filename));
}

std::vector<ConfigMap> FileStreamSourceConnector::task_configs(int max_tasks) {
  (void)max_tasks;  // only one input stream makes sense
  return {props_};
}

ExactlyOnceSupport FileStreamSourceConnector::exactly_once_support(const ConfigMap& props) const {
  // Exactly once holds for a real file that is only appended to; standard input has no offsets.
  return ParseSettings(config(), props).filename.empty() ? ExactlyOnceSupport::kUnsupported
                                                         : ExactlyOnceSupport::kSupported;
}

bool FileStreamSourceConnector::alter_offsets(
    const ConfigMap& props,
    const std::vector<std::pair<nlohmann::json, std::optional<nlohmann::json>>>& offsets) {
  if (ParseSettings(config(), props).filename.empty()) {
    throw ConnectError(
        "Offsets cannot be modified if the 'file' configuration is unspecified. This is because "
        "stdin is used for input and offsets are not tracked.");
  }
  for (const auto& [partition, offset] : offsets) {
    if (!offset) continue;  // resets are always allowed, to clean up whatever is stored
    if (!offset->is_object() || !offset->contains(kPositionField)) {
      throw ConnectError(
          "Offset objects should either be null or contain the key 'position'; got " +
          offset->dump());
    }
    const nlohmann::json& position = offset->at(kPositionField);
    if (!position.is_number_integer()) {
      throw ConnectError(
          "The value for the 'position' key in the offset is expected to be an integer; got " +
          position.dump());
    }
    if (position.get<int64_t>() < 0) {
      throw ConnectError(
          "The value for the 'position' key in the offset should be a non-negative value; got " +
          position.dump());
    }
    if (!partition.is_object() || !partition.contains(kFilenameField)) {
      throw ConnectError("Partition objects should contain the key 'filename'; got " +
                         partition.dump());
    }
  }
  // Whether a position fits the file is for the task to decide when it opens it.
  return true;
}

// ---- FileStreamSourceTask -------------------------------------------------------------------

FileStreamSourceTask::FileStreamSourceTask() : wake_fd_(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}

FileStreamSourceTask::~FileStreamSourceTask() {
  if (fd_ >= 0 && !filename_.empty()) ::close(fd_);
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

void FileStreamSourceTask::start(const ConfigMap& props) {
  if (wake_fd_ < 0) {
    throw ConnectError("FileStreamSourceTask could not create its wake-up eventfd: " +
                       ErrnoText(errno));
  }
  const SourceSettings settings = ParseSettings(SourceConfigDef(), props);
  filename_ = settings.filename;
  topic_ = settings.topic;
  batch_size_ = settings.batch_size;
  if (filename_.empty()) {
    fd_ = STDIN_FILENO;  // no offsets: standard input cannot be re-read
    context().log(LogLevel::kInfo, "Reading lines from standard input into topic " + topic_);
    return;
  }
  partition_ = {{kFilenameField, filename_}};
  const std::optional<nlohmann::json> offset = context().offset_storage_reader().offset(partition_);
  if (offset && offset->contains(kPositionField)) {
    const nlohmann::json& position = offset->at(kPositionField);
    if (!position.is_number_integer() || position.get<int64_t>() < 0) {
      throw ConnectError("Offset position is the incorrect type: the committed offset of " +
                         partition_.dump() + " is " + offset->dump() +
                         ", expected {\"position\": <non-negative integer>}");
    }
    resume_position_ = position.get<int64_t>();
  }
  context().log(LogLevel::kInfo, "Reading lines from " + filename_ + " into topic " + topic_ +
                                     " from byte " + std::to_string(resume_position_.value_or(0)));
}

void FileStreamSourceTask::stop() {
  stopping_.store(true);
  if (wake_fd_ >= 0) {
    const uint64_t one = 1;
    [[maybe_unused]] const ssize_t n = write(wake_fd_, &one, sizeof one);
  }
}

bool FileStreamSourceTask::OpenFile() {
  const int fd = ::open(filename_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int error = errno;
    if (error != ENOENT) {
      throw ConnectError("Couldn't open file " + filename_ +
                         " for FileStreamSourceTask: " + ErrnoText(error));
    }
    if (!missing_logged_) {
      context().log(LogLevel::kWarn, "Couldn't find file " + filename_ +
                                         " for FileStreamSourceTask, sleeping to wait for it to "
                                         "be created");
      missing_logged_ = true;
    }
    return false;
  }
  missing_logged_ = false;
  int64_t position = resume_position_.value_or(0);
  resume_position_.reset();  // a file opened again (after it was replaced) is read from the start
  struct stat st {};
  if (position > 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size < position) {
    context().log(LogLevel::kWarn, "Committed position " + std::to_string(position) + " of " +
                                       filename_ + " is past its end (" +
                                       std::to_string(st.st_size) +
                                       " bytes): it was truncated or replaced; reading it from the "
                                       "start");
    position = 0;
  }
  if (position > 0 && lseek(fd, position, SEEK_SET) != position) {
    const int error = errno;
    ::close(fd);
    throw ConnectError("Couldn't seek to committed position " + std::to_string(position) +
                       " of file " + filename_ + ": " + ErrnoText(error));
  }
  fd_ = fd;
  position_ = position;
  buffer_.clear();
  scanned_ = 0;
  return true;
}

bool FileStreamSourceTask::ReadMore() {
  if (fd_ == STDIN_FILENO && filename_.empty()) {
    // Never block in read(): standard input may be a terminal or a pipe with nothing in it, and
    // its flags are the process's to set, not ours.
    if (stdin_eof_) return false;
    pollfd pfd{STDIN_FILENO, POLLIN, 0};
    if (::poll(&pfd, 1, 0) <= 0) return false;
  }
  const size_t old_size = buffer_.size();
  for (;;) {
    buffer_.resize(old_size + kReadChunk);
    const ssize_t n = read(fd_, buffer_.data() + old_size, kReadChunk);
    const int error = errno;
    buffer_.resize(old_size + static_cast<size_t>(std::max<ssize_t>(n, 0)));
    if (n > 0) return true;
    if (n == 0) {
      if (filename_.empty()) stdin_eof_ = true;
      return false;
    }
    if (error == EINTR) continue;
    if (error == EAGAIN || error == EWOULDBLOCK) return false;
    throw ConnectError("Error reading " +
                       (filename_.empty() ? std::string("standard input") : filename_) + ": " +
                       ErrnoText(error));
  }
}

bool FileStreamSourceTask::CheckTruncatedOrReplaced() {
  if (filename_.empty()) return false;
  const int64_t read_position = position_ + static_cast<int64_t>(buffer_.size());
  struct stat open_st {};
  if (fstat(fd_, &open_st) != 0) return false;
  if (S_ISREG(open_st.st_mode) && open_st.st_size < read_position) {
    context().log(LogLevel::kWarn, "File " + filename_ + " was truncated to " +
                                       std::to_string(open_st.st_size) + " bytes (read up to " +
                                       std::to_string(read_position) +
                                       "); reading it again from the start");
    if (lseek(fd_, 0, SEEK_SET) != 0) {
      throw ConnectError("Couldn't seek to the start of truncated file " + filename_ + ": " +
                         ErrnoText(errno));
    }
    position_ = 0;
    buffer_.clear();
    scanned_ = 0;
    return true;
  }
  struct stat path_st {};
  if (stat(filename_.c_str(), &path_st) == 0 &&
      (path_st.st_ino != open_st.st_ino || path_st.st_dev != open_st.st_dev)) {
    context().log(LogLevel::kWarn,
                  "File " + filename_ +
                      " was replaced (rotated?); reading the new file from the start" +
                      (buffer_.empty() ? std::string()
                                       : ", dropping the old file's unterminated last line of " +
                                             std::to_string(buffer_.size()) + " bytes"));
    ::close(fd_);
    fd_ = -1;
    return OpenFile();
  }
  return false;
}

void FileStreamSourceTask::ExtractLines(std::vector<SourceRecord>& records, int64_t now_ms) {
  size_t consumed = 0;  // bytes of buffer_ already emitted as lines
  while (records.size() < static_cast<size_t>(batch_size_)) {
    const size_t end = buffer_.find_first_of("\r\n", std::max(consumed, scanned_));
    if (end == std::string::npos) break;
    size_t next = end + 1;
    if (buffer_[end] == '\r') {
      if (end + 1 == buffer_.size()) break;  // "\r\n" or a lone "\r"? Wait for the next byte.
      if (buffer_[end + 1] == '\n') next = end + 2;
    }
    SourceRecord& r = records.emplace_back();
    r.topic = topic_;
    r.value_schema = Schema::OptionalString();
    r.value = ValidUtf8(std::string_view(buffer_).substr(consumed, end - consumed));
    r.timestamp = now_ms;
    position_ += static_cast<int64_t>(next - consumed);
    if (!filename_.empty()) {
      r.source_partition = partition_;
      r.source_offset = {{kPositionField, position_}};
    }
    consumed = next;
  }
  buffer_.erase(0, consumed);
  scanned_ = buffer_.empty() ? 0 : buffer_.size() - (buffer_.back() == '\r' ? 1 : 0);
  if (records.size() >= static_cast<size_t>(batch_size_)) scanned_ = 0;  // lines may remain
}

void FileStreamSourceTask::WaitForInput() {
  pollfd fds[2] = {{wake_fd_, POLLIN, 0}, {STDIN_FILENO, POLLIN, 0}};
  const nfds_t count = filename_.empty() && !stdin_eof_ ? 2 : 1;
  while (::poll(fds, count, kIdleWaitMs) < 0 && errno == EINTR) {
  }
}

std::vector<SourceRecord> FileStreamSourceTask::poll() {
  std::vector<SourceRecord> records;
  if (stopping_.load()) return records;
  if (fd_ < 0 && !OpenFile()) {
    WaitForInput();
    return records;
  }
  const int64_t now_ms = NowMillis();
  bool checked_file = false;
  for (;;) {
    ExtractLines(records, now_ms);
    if (records.size() >= static_cast<size_t>(batch_size_)) break;
    if (ReadMore()) continue;
    // At the end of the input. Only with nothing to return is it worth asking whether the file
    // was truncated or replaced: a reader that keeps up sees that at its next idle poll.
    if (!records.empty() || checked_file) break;
    checked_file = true;
    if (!CheckTruncatedOrReplaced()) break;
  }
  if (records.empty()) WaitForInput();
  return records;
}

}  // namespace ck::file
