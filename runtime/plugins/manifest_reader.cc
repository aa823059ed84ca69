// ELF64 manifest note reader; see manifest_reader.h for why plugins are read without loading them.
//
// Only the parts that matter are read: the ELF header, the program headers and the PT_NOTE
// segments, through one bounds-checked reader over a file (pread) or a memory image, so a plugin of
// any size costs a few small reads. Structures are copied out with memcpy (no unaligned access) and
// every size is checked against the file before it is used, in an order that cannot overflow.
#include "runtime/plugins/manifest_reader.h"

#include <elf.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <functional>
#include <utility>
#include <vector>

#include "ck/abi/ck_abi.h"

namespace ck::runtime {
namespace {

// Bounds the work a crafted file can cause: many large PT_NOTE segments would be read in full.
constexpr uint64_t kMaxNoteBytes = uint64_t{16} << 20;

// Copies `n` bytes at `offset` into `dst`; the range has been checked against the image size.
using ReadFn = std::function<void(uint64_t offset, size_t n, void* dst)>;

class NoteParser {
 public:
  NoteParser(uint64_t size, ReadFn read, std::string name)
      : size_(size), read_(std::move(read)), name_(std::move(name)) {}

  ManifestNote Parse() {
    unsigned char ident[EI_NIDENT] = {};
    if (size_ < SELFMAG) throw Error("not an ELF file (" + std::to_string(size_) + " bytes)");
    Read(0, SELFMAG, ident);
    if (std::memcmp(ident, ELFMAG, SELFMAG) != 0) throw Error("not an ELF file (no ELF magic)");
    if (size_ < EI_NIDENT) throw Truncated("the ELF identification");
    Read(0, EI_NIDENT, ident);
    if (ident[EI_CLASS] != ELFCLASS64) {
      throw Error("not a 64-bit ELF file (ELF class " + std::to_string(ident[EI_CLASS]) +
                  "); this host loads ELF64 plugins only");
    }
    if (ident[EI_DATA] != ELFDATA2LSB) {
      throw Error("not a little-endian ELF file (ELF data encoding " +
                  std::to_string(ident[EI_DATA]) + ")");
    }
    Elf64_Ehdr ehdr;
    if (size_ < sizeof(ehdr)) throw Truncated("the ELF header");
    Read(0, sizeof(ehdr), &ehdr);
    if (ehdr.e_type != ET_DYN) {
      throw Error("not a shared object (ELF type " + std::to_string(ehdr.e_type) +
                  ", expected ET_DYN)");
    }
    if (ehdr.e_phnum != 0 && ehdr.e_phentsize != sizeof(Elf64_Phdr)) {
      throw Error("malformed ELF header: program header size " + std::to_string(ehdr.e_phentsize) +
                  ", expected " + std::to_string(sizeof(Elf64_Phdr)));
    }
    const uint64_t table_size = uint64_t{ehdr.e_phnum} * sizeof(Elf64_Phdr);
    if (ehdr.e_phoff > size_ || table_size > size_ - ehdr.e_phoff) {
      throw Truncated("the program header table");
    }
    uint64_t note_bytes = 0;
    for (uint16_t i = 0; i < ehdr.e_phnum; ++i) {
      Elf64_Phdr phdr;
      Read(ehdr.e_phoff + i * sizeof(phdr), sizeof(phdr), &phdr);
      if (phdr.p_type != PT_NOTE) continue;
      if (phdr.p_offset > size_ || phdr.p_filesz > size_ - phdr.p_offset) {
        throw Truncated("PT_NOTE segment " + std::to_string(i));
      }
      note_bytes += phdr.p_filesz;  // Bounded: at most 65535 segments of at most size_ bytes.
      if (note_bytes > kMaxNoteBytes) {
        throw Error("PT_NOTE segments hold more than " + std::to_string(kMaxNoteBytes >> 20) +
                    " MiB; a plugin's notes are far smaller");
      }
      std::vector<unsigned char> segment(phdr.p_filesz);
      Read(phdr.p_offset, segment.size(), segment.data());
      // Notes are 4-aligned, except in segments aligned to 8 (e.g. GNU property notes).
      if (ManifestNote note;
          FindManifest(segment, phdr.p_align == 8 ? 8 : 4, phdr.p_offset, note)) {
        return note;
      }
    }
    throw Error(std::string("no ConnectKit manifest note (owner \"") + CK_NOTE_NAME +
                "\") in any PT_NOTE segment; plugins carry one when built with ck_plugin()");
  }

 private:
  // Scans the notes of one segment; fills `note` and returns true on the ConnectKit manifest.
  bool FindManifest(const std::vector<unsigned char>& segment, uint64_t align, uint64_t file_offset,
                    ManifestNote& note) const {
    const auto align_up = [align](uint64_t n) { return (n + align - 1) & ~(align - 1); };
    uint64_t pos = 0;
    while (segment.size() - pos >= sizeof(Elf64_Nhdr)) {
      Elf64_Nhdr nhdr;
      std::memcpy(&nhdr, segment.data() + pos, sizeof(nhdr));
      const uint64_t name_pos = pos + sizeof(nhdr);
      const uint64_t desc_pos = name_pos + align_up(nhdr.n_namesz);
      if (desc_pos > segment.size() || nhdr.n_descsz > segment.size() - desc_pos) {
        throw Error("malformed note at file offset " + std::to_string(file_offset + pos) +
                    ": name of " + std::to_string(nhdr.n_namesz) + " and descriptor of " +
                    std::to_string(nhdr.n_descsz) + " bytes overrun its PT_NOTE segment");
      }
      const unsigned char* name = segment.data() + name_pos;
      if (nhdr.n_type == CK_NOTE_TYPE_MANIFEST && nhdr.n_namesz == sizeof(CK_NOTE_NAME) &&
          std::memcmp(name, CK_NOTE_NAME, sizeof(CK_NOTE_NAME)) == 0) {
        note = ParseDescriptor(segment.data() + desc_pos, nhdr.n_descsz);
        return true;
      }
      pos = std::min<uint64_t>(segment.size(), desc_pos + align_up(nhdr.n_descsz));
    }
    return false;
  }

  ManifestNote ParseDescriptor(const unsigned char* desc, uint64_t desc_size) const {
    ck_note_header header;
    if (desc_size < sizeof(header)) {
      throw Error("malformed ConnectKit note: descriptor of " + std::to_string(desc_size) +
                  " bytes, shorter than its " + std::to_string(sizeof(header)) + "-byte header");
    }
    std::memcpy(&header, desc, sizeof(header));
    if (header.manifest_len > desc_size - sizeof(header)) {
      throw Error("malformed ConnectKit note: manifest_len " + std::to_string(header.manifest_len) +
                  " exceeds the " + std::to_string(desc_size - sizeof(header)) +
                  " bytes that follow its header");
    }
    const char* json = reinterpret_cast<const char*>(desc + sizeof(header));
    return {header.abi_major, header.abi_minor_required,
            std::string(json, json + header.manifest_len)};
  }

  void Read(uint64_t offset, size_t n, void* dst) const { read_(offset, n, dst); }

  PluginError Error(const std::string& problem) const {
    return PluginError("plugin " + name_ + ": " + problem);
  }

  PluginError Truncated(const std::string& part) const {
    return Error("truncated ELF file: its " + std::to_string(size_) + " bytes cannot hold " + part);
  }

  uint64_t size_;
  ReadFn read_;
  std::string name_;
};

std::string ErrnoMessage(const std::string& path, const char* action) {
  return "plugin " + path + ": cannot " + action + ": " + std::strerror(errno);
}

}  // namespace

ManifestNote ReadManifestNote(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw PluginError(ErrnoMessage(path, "open"));
  struct FdCloser {
    int fd;
    ~FdCloser() { ::close(fd); }
  } closer{fd};
  struct stat st;
  if (::fstat(fd, &st) != 0) throw PluginError(ErrnoMessage(path, "stat"));
  if (!S_ISREG(st.st_mode)) throw PluginError("plugin " + path + ": not a regular file");
  const auto read = [fd, &path](uint64_t offset, size_t n, void* dst) {
    auto* out = static_cast<char*>(dst);
    while (n > 0) {
      const ssize_t got = ::pread(fd, out, n, static_cast<off_t>(offset));
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) throw PluginError(ErrnoMessage(path, "read"));
      if (got == 0) throw PluginError("plugin " + path + ": file shrank while being read");
      out += got;
      offset += static_cast<uint64_t>(got);
      n -= static_cast<size_t>(got);
    }
  };
  return NoteParser(static_cast<uint64_t>(st.st_size), read, path).Parse();
}

ManifestNote ParseManifestNote(std::span<const unsigned char> image, const std::string& name) {
  const auto read = [image](uint64_t offset, size_t n, void* dst) {
    std::memcpy(dst, image.data() + offset, n);
  };
  return NoteParser(image.size(), read, name).Parse();
}

}  // namespace ck::runtime
