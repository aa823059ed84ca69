// Tarball unpacking for plugin.path; see plugin_tarball.h for the cache layout and the rules.
//
// The archive is read through zlib's gzread as a stream of 512-byte tar blocks (ustar, with GNU
// long names and pax `path`/`linkpath` records, which is what GNU tar and bsdtar write). The cache
// key is FNV-1a-64 of the content plus its size: it only has to tell different tarballs apart in a
// cache the user owns, not resist forgery (whoever can write to plugin.path can run code anyway).
#include "runtime/plugins/plugin_tarball.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/plugins/manifest_reader.h"

namespace ck::runtime {
namespace {

namespace fs = std::filesystem;

constexpr size_t kBlock = 512;

std::string ContentKey(const std::string& tarball) {
  std::ifstream in(tarball, std::ios::binary);
  if (!in) throw PluginError("plugin " + tarball + ": cannot open: " + std::strerror(errno));
  uint64_t hash = 0xcbf29ce484222325ull;
  uint64_t size = 0;
  std::vector<char> buffer(1 << 16);
  while (in.read(buffer.data(), static_cast<std::streamsize>(buffer.size())) || in.gcount() > 0) {
    for (std::streamsize i = 0; i < in.gcount(); ++i) {
      hash = (hash ^ static_cast<unsigned char>(buffer[i])) * 0x100000001b3ull;
    }
    size += static_cast<uint64_t>(in.gcount());
  }
  char key[40];
  std::snprintf(key, sizeof key, "%016llx-%llx", static_cast<unsigned long long>(hash),
                static_cast<unsigned long long>(size));
  return key;
}

// A tar member name made safe: relative, normalised, no `..`; empty when refused.
std::string SafeName(std::string_view name) {
  if (name.empty() || name.front() == '/') return {};
  const fs::path normal = fs::path(name).lexically_normal();
  if (normal.empty()) return {};
  for (const fs::path& part : normal) {
    if (part == "..") return {};
  }
  std::string out = normal.string();
  while (!out.empty() && out.back() == '/') out.pop_back();
  return out == "." ? std::string() : out;
}

std::string Field(const char* block, size_t offset, size_t size) {
  const char* begin = block + offset;
  return std::string(begin, strnlen(begin, size));
}

class TarReader {
 public:
  TarReader(const std::string& tarball, const std::string& dir) : tarball_(tarball), dir_(dir) {
    gz_ = gzopen(tarball.c_str(), "rb");
    if (gz_ == nullptr) Fail("cannot open");
  }
  ~TarReader() {
    if (gz_ != nullptr) gzclose(gz_);
  }

  void Extract() {
    std::string long_name, long_link;
    char block[kBlock];
    while (ReadBlock(block)) {
      if (std::all_of(block, block + kBlock, [](char c) { return c == 0; })) return;
      const uint64_t size = Size(block);
      const char type = block[156];
      std::string name = Field(block, 0, 100);
      if (std::memcmp(block + 257, "ustar\0", 6) == 0 && block[345] != 0) {
        name = Field(block, 345, 155) + "/" + name;  // POSIX ustar prefix
      }
      std::string link = Field(block, 157, 100);
      if (!long_name.empty()) name = std::exchange(long_name, {});
      if (!long_link.empty()) link = std::exchange(long_link, {});
      if (type == 'L' || type == 'K') {
        std::string data = ReadData(size);
        (type == 'L' ? long_name : long_link) = data.substr(0, strnlen(data.c_str(), data.size()));
        continue;
      }
      if (type == 'x' || type == 'g') {
        ParsePax(ReadData(size), type == 'x' ? &long_name : nullptr,
                 type == 'x' ? &long_link : nullptr);
        continue;
      }
      const std::string safe = SafeName(name);
      if (safe.empty() && type != '5') Fail("refuses member name '" + name + "'");
      const fs::path target = fs::path(dir_) / safe;
      if (type == '5') {
        if (!safe.empty()) fs::create_directories(target);
        Skip(size);
      } else if (type == '0' || type == '\0') {
        fs::create_directories(target.parent_path());
        WriteFile(target, ReadData(size), std::strtoul(Field(block, 100, 8).c_str(), nullptr, 8));
      } else if (type == '2') {
        const fs::path resolved = (fs::path(safe).parent_path() / link).lexically_normal();
        if (link.empty() || link.front() == '/' || SafeName(resolved.string()).empty()) {
          Fail("refuses symlink " + name + " -> " + link + ", which leaves the plugin's tree");
        }
        fs::create_directories(target.parent_path());
        fs::create_symlink(link, target);
        Skip(size);
      } else {
        Fail("refuses member " + name + " of tar type '" + std::string(1, type) +
             "'; plugin tarballs hold files, directories and relative symlinks");
      }
    }
  }

 private:
  [[noreturn]] void Fail(const std::string& problem) const {
    int code = 0;
    const char* zerror = gz_ == nullptr ? nullptr : gzerror(gz_, &code);
    throw PluginError("plugin " + tarball_ + ": " + problem +
                      (code < 0 && zerror != nullptr ? std::string(" (") + zerror + ")" : ""));
  }

  bool ReadBlock(char* block) {
    const int got = gzread(gz_, block, kBlock);
    int code = Z_OK;
    gzerror(gz_, &code);
    if (got == 0 && code == Z_OK) return false;
    if (got != static_cast<int>(kBlock)) Fail("truncated or corrupt tar.gz archive");
    return true;
  }

  // The member's size, after checking the header's checksum (which also tells a tar archive from
  // other gzip-compressed data).
  uint64_t Size(const char* block) const {
    unsigned sum = 8 * ' ';  // the checksum field counts as spaces
    for (size_t i = 0; i < kBlock; ++i) {
      if (i < 148 || i >= 156) sum += static_cast<unsigned char>(block[i]);
    }
    if (std::strtoul(Field(block, 148, 8).c_str(), nullptr, 8) != sum) {
      Fail("is not a tar archive (bad header checksum)");
    }
    if (static_cast<unsigned char>(block[124]) & 0x80) Fail("holds a member larger than 8 GiB");
    return std::strtoull(Field(block, 124, 12).c_str(), nullptr, 8);
  }

  std::string ReadData(uint64_t size) {
    if (size > (uint64_t{1} << 32)) Fail("holds a member larger than 4 GiB");
    std::string data(size, '\0');
    char block[kBlock];
    for (uint64_t done = 0; done < size; done += kBlock) {
      if (!ReadBlock(block)) Fail("truncated tar.gz archive");
      std::memcpy(data.data() + done, block, std::min<uint64_t>(kBlock, size - done));
    }
    return data;
  }

  void Skip(uint64_t size) { ReadData(size); }

  // Pax extended header records: "<length> <key>=<value>\n".
  void ParsePax(const std::string& data, std::string* path, std::string* linkpath) const {
    for (size_t pos = 0; pos < data.size();) {
      const size_t length = std::strtoul(data.c_str() + pos, nullptr, 10);
      if (length == 0 || length > data.size() - pos) Fail("has a malformed pax header");
      const std::string record = data.substr(pos, length - 1);  // without the newline
      const size_t space = record.find(' ');
      const size_t equals = record.find('=', space);
      if (space != std::string::npos && equals != std::string::npos) {
        const std::string key = record.substr(space + 1, equals - space - 1);
        if (key == "path" && path != nullptr) *path = record.substr(equals + 1);
        if (key == "linkpath" && linkpath != nullptr) *linkpath = record.substr(equals + 1);
      }
      pos += length;
    }
  }

  void WriteFile(const fs::path& path, const std::string& data, unsigned long mode) const {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
                          static_cast<mode_t>((mode & 0755) | 0600));
    if (fd < 0) Fail("cannot create " + path.string() + ": " + std::strerror(errno));
    const bool ok = ::write(fd, data.data(), data.size()) == static_cast<ssize_t>(data.size());
    if (::close(fd) != 0 || !ok)
      Fail("cannot write " + path.string() + ": " + std::strerror(errno));
  }

  std::string tarball_;
  std::string dir_;
  gzFile gz_ = nullptr;
};

// The plugin's directory in an unpacked tree: its single top-level directory, else the root.
std::string PluginDirectory(const fs::path& root) {
  std::vector<fs::path> top;
  for (const fs::directory_entry& entry : fs::directory_iterator(root)) top.push_back(entry.path());
  return top.size() == 1 && fs::is_directory(top[0]) ? top[0].string() : root.string();
}

}  // namespace

std::string DefaultPluginCacheDir() {
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg != nullptr && xdg[0] == '/') {
    return std::string(xdg) + "/connectkit/plugins";
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && home[0] != 0) {
    return std::string(home) + "/.cache/connectkit/plugins";
  }
  return (fs::temp_directory_path() / ("connectkit-plugins-" + std::to_string(::getuid())))
      .string();
}

std::string UnpackPluginTarball(const std::string& tarball, const std::string& cache_dir) {
  const fs::path final_dir = fs::path(cache_dir) / ContentKey(tarball);
  std::error_code ec;
  if (fs::is_directory(final_dir, ec)) return PluginDirectory(final_dir);
  fs::create_directories(cache_dir, ec);
  if (ec) {
    throw PluginError("plugin " + tarball + ": cannot create the plugin cache directory " +
                      cache_dir + ": " + ec.message());
  }
  static std::atomic<int> counter{0};
  const fs::path staging =
      fs::path(cache_dir) / ("." + final_dir.filename().string() + ".tmp-" +
                             std::to_string(::getpid()) + "-" + std::to_string(counter++));
  try {
    fs::create_directory(staging);
    TarReader(tarball, staging.string()).Extract();
  } catch (const fs::filesystem_error& e) {
    fs::remove_all(staging, ec);
    throw PluginError("plugin " + tarball + ": cannot unpack: " + e.what());
  } catch (...) {
    fs::remove_all(staging, ec);
    throw;
  }
  // Another process may have unpacked the same tarball meanwhile: then its tree is kept.
  if (::rename(staging.c_str(), final_dir.c_str()) != 0) fs::remove_all(staging, ec);
  return PluginDirectory(final_dir);
}

}  // namespace ck::runtime
