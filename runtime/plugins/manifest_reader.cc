// ELF64 reader for plugin files; see manifest_reader.h for why plugins are read without loading
// them.
//
// Only the parts that matter are read: the ELF header, the program headers, the PT_NOTE segments
// and the PT_DYNAMIC segment with the tables it points to, through one bounds-checked reader over
// a file (pread) or a memory image, so a plugin of any size costs a few small reads. Structures
// are copied out with memcpy (no unaligned access) and every size is checked against the file
// before it is used, in an order that cannot overflow. The dynamic section's tables are found by
// virtual address, translated to file offsets through the PT_LOAD segments that map them.
#include "runtime/plugins/manifest_reader.h"

#include <elf.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include "ck/abi/ck_abi.h"

namespace ck::runtime {
namespace {

// Bounds the work a crafted file can cause: many large PT_NOTE segments would be read in full, and
// so would huge dynamic tables.
constexpr uint64_t kMaxNoteBytes = uint64_t{16} << 20;
constexpr uint64_t kMaxTableBytes = uint64_t{16} << 20;

// Copies `n` bytes at `offset` into `dst`; the range has been checked against the image size.
using ReadFn = std::function<void(uint64_t offset, size_t n, void* dst)>;

class ElfParser {
 public:
  ElfParser(uint64_t size, ReadFn read, std::string name)
      : size_(size), read_(std::move(read)), name_(std::move(name)) {
    ParseHeaders();
  }

  ManifestNote Note() const {
    if (std::optional<ManifestNote> note = FindNote()) return *std::move(note);
    throw Error(std::string("no ConnectKit manifest note (owner \"") + CK_NOTE_NAME +
                "\") in any PT_NOTE segment; plugins carry one when built with ck_plugin()");
  }

  std::optional<ManifestNote> FindNote() const {
    uint64_t note_bytes = 0;
    for (size_t i = 0; i < phdrs_.size(); ++i) {
      const Elf64_Phdr& phdr = phdrs_[i];
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
    return std::nullopt;
  }

  DynamicInfo Dynamic() const {
    DynamicInfo info;
    const auto dynamic = std::find_if(phdrs_.begin(), phdrs_.end(),
                                      [](const Elf64_Phdr& p) { return p.p_type == PT_DYNAMIC; });
    if (dynamic == phdrs_.end()) return info;
    if (dynamic->p_offset > size_ || dynamic->p_filesz > size_ - dynamic->p_offset) {
      throw Truncated("the PT_DYNAMIC segment");
    }
    std::vector<Elf64_Dyn> entries(std::min(dynamic->p_filesz, kMaxTableBytes) / sizeof(Elf64_Dyn));
    Read(dynamic->p_offset, entries.size() * sizeof(Elf64_Dyn), entries.data());
    std::optional<uint64_t> strtab, symtab, hash, gnu_hash, soname, runpath, rpath;
    uint64_t strsz = 0;
    uint64_t syment = sizeof(Elf64_Sym);
    std::vector<uint64_t> needed;
    for (const Elf64_Dyn& d : entries) {
      const uint64_t v = d.d_un.d_val;
      switch (d.d_tag) {
        case DT_NEEDED:
          needed.push_back(v);
          break;
        case DT_SONAME:
          soname = v;
          break;
        case DT_RUNPATH:
          runpath = v;
          break;
        case DT_RPATH:
          rpath = v;
          break;
        case DT_STRTAB:
          strtab = v;
          break;
        case DT_STRSZ:
          strsz = v;
          break;
        case DT_SYMTAB:
          symtab = v;
          break;
        case DT_SYMENT:
          syment = v;
          break;
        case DT_HASH:
          hash = v;
          break;
        case DT_GNU_HASH:
          gnu_hash = v;
          break;
      }
      if (d.d_tag == DT_NULL) break;
    }
    if (!strtab) {
      if (needed.empty() && !soname && !runpath && !rpath && !symtab) return info;
      throw Error("malformed dynamic section: it names strings but has no DT_STRTAB");
    }
    const std::vector<unsigned char> strings = ReadMapped(*strtab, strsz, "DT_STRTAB");
    const auto str = [&](uint64_t offset) {
      const auto begin = strings.begin() + static_cast<std::ptrdiff_t>(std::min(
                                               offset, static_cast<uint64_t>(strings.size())));
      const auto end = std::find(begin, strings.end(), '\0');
      if (end == strings.end()) {
        throw Error("malformed dynamic section: string at offset " + std::to_string(offset) +
                    " is not within the " + std::to_string(strings.size()) +
                    "-byte DT_STRTAB or not terminated");
      }
      return std::string(begin, end);
    };
    const auto split = [&](uint64_t offset) {
      std::vector<std::string> dirs;
      const std::string list = str(offset);
      for (size_t start = 0; start <= list.size();) {
        const size_t colon = std::min(list.find(':', start), list.size());
        if (colon > start) dirs.push_back(list.substr(start, colon - start));
        start = colon + 1;
      }
      return dirs;
    };
    for (uint64_t n : needed) info.needed.push_back(str(n));
    if (soname) info.soname = str(*soname);
    if (runpath) info.runpath = split(*runpath);
    if (rpath) info.rpath = split(*rpath);
    if (symtab) {
      if (syment != sizeof(Elf64_Sym)) {
        throw Error("malformed dynamic section: DT_SYMENT " + std::to_string(syment) +
                    ", expected " + std::to_string(sizeof(Elf64_Sym)));
      }
      const uint64_t count = SymbolCount(hash, gnu_hash);
      if (count > kMaxTableBytes / sizeof(Elf64_Sym)) {
        throw Error("malformed dynamic section: " + std::to_string(count) + " dynamic symbols");
      }
      const std::vector<unsigned char> table =
          ReadMapped(*symtab, count * sizeof(Elf64_Sym), "DT_SYMTAB");
      for (uint64_t i = 0; i < count; ++i) {
        Elf64_Sym sym;
        std::memcpy(&sym, table.data() + i * sizeof(sym), sizeof(sym));
        const unsigned bind = ELF64_ST_BIND(sym.st_info);
        if (sym.st_shndx != SHN_UNDEF && sym.st_name != 0 &&
            (bind == STB_GLOBAL || bind == STB_WEAK)) {
          info.exported.push_back(str(sym.st_name));
        }
      }
    }
    return info;
  }

 private:
  void ParseHeaders() {
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
    phdrs_.resize(ehdr.e_phnum);
    Read(ehdr.e_phoff, table_size, phdrs_.data());
  }

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

  // The file bytes that a PT_LOAD segment maps at [vaddr, vaddr + n); with `up_to`, as many of
  // those as the segment maps. `what` names the table in errors.
  std::vector<unsigned char> ReadMapped(uint64_t vaddr, uint64_t n, const std::string& what,
                                        bool up_to = false) const {
    for (const Elf64_Phdr& p : phdrs_) {
      if (p.p_type != PT_LOAD || vaddr < p.p_vaddr || vaddr - p.p_vaddr >= p.p_filesz) continue;
      const uint64_t skip = vaddr - p.p_vaddr;
      const uint64_t mapped = p.p_filesz - skip;
      if (up_to) n = std::min({n, mapped, kMaxTableBytes});
      if (n > mapped || n > kMaxTableBytes) {
        throw Error("malformed dynamic section: " + what + " of " + std::to_string(n) +
                    " bytes at address " + std::to_string(vaddr) +
                    " overruns the segment that maps it");
      }
      if (p.p_offset > size_ || skip > size_ - p.p_offset || n > size_ - p.p_offset - skip) {
        throw Truncated(what);
      }
      std::vector<unsigned char> bytes(n);
      Read(p.p_offset + skip, n, bytes.data());
      return bytes;
    }
    throw Error("malformed dynamic section: " + what + " at address " + std::to_string(vaddr) +
                " is not in any PT_LOAD segment");
  }

  uint32_t Word(const std::vector<unsigned char>& bytes, uint64_t index) const {
    uint32_t word;
    if (index >= bytes.size() / 4) throw Error("malformed dynamic section: hash table overrun");
    std::memcpy(&word, bytes.data() + index * 4, 4);
    return word;
  }

  // The number of dynamic symbols: DT_HASH's nchain, else one past the last symbol that
  // DT_GNU_HASH's buckets and chains reach. Without either, the dynamic loader finds no symbol.
  uint64_t SymbolCount(std::optional<uint64_t> hash, std::optional<uint64_t> gnu_hash) const {
    if (hash) return Word(ReadMapped(*hash, 8, "DT_HASH"), 1);
    if (!gnu_hash) return 0;
    const std::vector<unsigned char> header = ReadMapped(*gnu_hash, 16, "DT_GNU_HASH");
    const uint64_t nbuckets = Word(header, 0);
    const uint64_t symoffset = Word(header, 1);
    const uint64_t buckets_at = *gnu_hash + 16 + uint64_t{Word(header, 2)} * 8;
    const std::vector<unsigned char> buckets =
        ReadMapped(buckets_at, nbuckets * 4, "DT_GNU_HASH buckets");
    uint64_t last = 0;
    for (uint64_t b = 0; b < nbuckets; ++b) last = std::max<uint64_t>(last, Word(buckets, b));
    if (last < symoffset) return symoffset;
    const std::vector<unsigned char> chain =
        ReadMapped(buckets_at + nbuckets * 4 + (last - symoffset) * 4, kMaxTableBytes,
                   "DT_GNU_HASH chains", /*up_to=*/true);
    for (uint64_t i = 0;; ++i) {
      if (Word(chain, i) & 1) return last + i + 1;
    }
  }

  void Read(uint64_t offset, size_t n, void* dst) const {
    if (n != 0) read_(offset, n, dst);  // `dst` may be an empty vector's NULL data()
  }

  PluginError Error(const std::string& problem) const {
    return PluginError("plugin " + name_ + ": " + problem);
  }

  PluginError Truncated(const std::string& part) const {
    return Error("truncated ELF file: its " + std::to_string(size_) + " bytes cannot hold " + part);
  }

  uint64_t size_;
  ReadFn read_;
  std::string name_;
  std::vector<Elf64_Phdr> phdrs_;
};

std::string ErrnoMessage(const std::string& path, const char* action) {
  return "plugin " + path + ": cannot " + action + ": " + std::strerror(errno);
}

// Runs `parse` on an ElfParser over the file at `path`.
template <typename Parse>
auto WithFile(const std::string& path, Parse parse) {
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
  return parse(ElfParser(static_cast<uint64_t>(st.st_size), read, path));
}

ElfParser InMemory(std::span<const unsigned char> image, const std::string& name) {
  const auto read = [image](uint64_t offset, size_t n, void* dst) {
    std::memcpy(dst, image.data() + offset, n);
  };
  return ElfParser(image.size(), read, name);
}

}  // namespace

ManifestNote ReadManifestNote(const std::string& path) {
  return WithFile(path, [](const ElfParser& elf) { return elf.Note(); });
}

ManifestNote ParseManifestNote(std::span<const unsigned char> image, const std::string& name) {
  return InMemory(image, name).Note();
}

DynamicInfo ReadDynamicInfo(const std::string& path) {
  return WithFile(path, [](const ElfParser& elf) { return elf.Dynamic(); });
}

DynamicInfo ParseDynamicInfo(std::span<const unsigned char> image, const std::string& name) {
  return InMemory(image, name).Dynamic();
}

PluginFileInfo ReadPluginFile(const std::string& path) {
  return WithFile(path, [](const ElfParser& elf) {
    return PluginFileInfo{elf.Note(), elf.Dynamic()};
  });
}

std::optional<PluginFileInfo> ReadPluginFileIfAny(const std::string& path) {
  return WithFile(path, [](const ElfParser& elf) -> std::optional<PluginFileInfo> {
    std::optional<ManifestNote> note = elf.FindNote();
    if (!note) return std::nullopt;
    return PluginFileInfo{*std::move(note), elf.Dynamic()};
  });
}

}  // namespace ck::runtime
