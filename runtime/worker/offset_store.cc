// The standalone offset file (see the header for the format and the crash-safety argument).
#include "runtime/worker/offset_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

namespace ck::runtime {
namespace {

std::runtime_error FileError(const std::string& path, const std::string& what) {
  return std::runtime_error("offset file '" + path + "': " + what);
}

void WriteAll(int fd, const std::string& data, const std::string& path) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw FileError(path, std::string("write failed: ") + std::strerror(errno));
    done += static_cast<size_t>(n);
  }
}

std::string DirectoryOf(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

FileOffsetStore::FileOffsetStore(std::string path) : path_(std::move(path)) {
  std::ifstream in(path_, std::ios::binary);
  if (!in) return;  // no file yet: no offsets
  std::ostringstream text;
  text << in.rdbuf();
  if (text.str().empty()) return;
  try {
    const nlohmann::json json = nlohmann::json::parse(text.str());
    for (const auto& entry : json.at("offsets")) {
      offsets_[entry.at("key").get<std::string>()] = entry.at("value").get<std::string>();
    }
  } catch (const nlohmann::json::exception& e) {
    throw FileError(path_, std::string("is not a ConnectKit offset file (") + e.what() +
                               "); move it away to start without offsets");
  }
}

std::string FileOffsetStore::Key(std::string_view connector, std::string_view partition) {
  return nlohmann::json::array({connector, nlohmann::json::parse(partition)}).dump();
}

std::optional<std::string> FileOffsetStore::Get(std::string_view connector,
                                                std::string_view partition) const {
  const std::string key = Key(connector, partition);
  std::lock_guard lock(mu_);
  auto it = offsets_.find(key);
  if (it == offsets_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::pair<std::string, std::string>> FileOffsetStore::List(
    std::string_view connector) const {
  std::vector<std::pair<std::string, std::string>> out;
  std::lock_guard lock(mu_);
  for (const auto& [key, value] : offsets_) {
    const nlohmann::json k = nlohmann::json::parse(key);
    if (k.at(0) == connector) out.emplace_back(k.at(1).dump(), value);
  }
  return out;
}

void FileOffsetStore::Commit(const std::vector<OffsetUpdate>& updates) {
  std::lock_guard lock(mu_);
  std::map<std::string, std::string> next = offsets_;
  for (const OffsetUpdate& u : updates) {
    const std::string key = Key(u.connector, u.partition);
    if (u.offset.empty()) {
      next.erase(key);
    } else {
      next[key] = nlohmann::json::parse(u.offset).dump();
    }
  }
  WriteFile(next);
  offsets_ = std::move(next);
}

void FileOffsetStore::WriteFile(const std::map<std::string, std::string>& offsets) const {
  nlohmann::json json = {{"version", 1}, {"offsets", nlohmann::json::array()}};
  for (const auto& [key, value] : offsets)
    json["offsets"].push_back({{"key", key}, {"value", value}});
  const std::string data = json.dump();
  const std::string temp = path_ + ".tmp";
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw FileError(path_, "cannot create '" + temp + "': " + std::strerror(errno));
  try {
    WriteAll(fd, data, path_);
    if (::fsync(fd) != 0)
      throw FileError(path_, std::string("fsync failed: ") + std::strerror(errno));
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
  if (::rename(temp.c_str(), path_.c_str()) != 0) {
    throw FileError(path_, std::string("rename failed: ") + std::strerror(errno));
  }
  // Make the rename itself durable.
  int dir = ::open(DirectoryOf(path_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
}

}  // namespace ck::runtime
