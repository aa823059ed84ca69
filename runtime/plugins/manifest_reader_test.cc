// Tests of the manifest note reader on a real plugin built by ck_plugin(), and on truncated,
// corrupted and random copies of it: every input yields the plugin's note or a PluginError naming
// the file and the problem, never a crash. Each copy sits in a heap buffer of exactly its size, so
// the sanitizer configurations catch any read past its end.
#include "runtime/plugins/manifest_reader.h"

#include <elf.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "ck/abi/ck_abi.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ck::runtime {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

using Image = std::vector<unsigned char>;

constexpr char kPluginPath[] = "runtime/plugins/testdata/hello_plugin.so";
constexpr char kManifestPath[] = "runtime/plugins/testdata/hello_plugin_manifest.json";
constexpr char kManifest[] = R"({"name":"hello","version":"1.0","components":[]})";

Image ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << path;
  return Image(std::istreambuf_iterator<char>(in), {});
}

template <typename T>
void Put(Image& image, size_t offset, T value) {
  std::memcpy(image.data() + offset, &value, sizeof(value));
}

template <typename T>
T Get(const Image& image, size_t offset) {
  T value;
  std::memcpy(&value, image.data() + offset, sizeof(value));
  return value;
}

// Offset of the ConnectKit note, i.e. of its Elf64_Nhdr.
size_t FindNote(const Image& image) {
  const auto* name = reinterpret_cast<const unsigned char*>(CK_NOTE_NAME);
  auto it = std::search(image.begin(), image.end(), name, name + sizeof(CK_NOTE_NAME));
  EXPECT_NE(it, image.end());
  return static_cast<size_t>(it - image.begin()) - sizeof(Elf64_Nhdr);
}

class ManifestReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    image_ = ReadFile(kPluginPath);
    ASSERT_GT(image_.size(), sizeof(Elf64_Ehdr));
    note_ = FindNote(image_);
    ASSERT_EQ(Get<uint32_t>(image_, note_ + offsetof(Elf64_Nhdr, n_type)), CK_NOTE_TYPE_MANIFEST);
    desc_ = note_ + sizeof(Elf64_Nhdr) + 12;  // "ConnectKit\0" padded to 4.
    note_end_ = desc_ + Get<uint32_t>(image_, note_ + offsetof(Elf64_Nhdr, n_descsz));
  }

  // Parses a copy of `image` held in a buffer of exactly its size.
  static ManifestNote Parse(const Image& image) {
    const Image exact(image.begin(), image.end());
    return ParseManifestNote(exact, "corrupt.so");
  }

  Image image_;
  size_t note_ = 0;
  size_t desc_ = 0;
  size_t note_end_ = 0;
};

TEST_F(ManifestReaderTest, ReadsTheNoteOfAPluginFile) {
  const ManifestNote note = ReadManifestNote(kPluginPath);
  EXPECT_EQ(note.abi_major, CK_ABI_MAJOR);
  EXPECT_EQ(note.abi_minor_required, CK_ABI_MINOR);
  EXPECT_EQ(note.manifest_json, kManifest);
  const Image packaged = ReadFile(kManifestPath);
  EXPECT_EQ(note.manifest_json, std::string(packaged.begin(), packaged.end()));
}

TEST_F(ManifestReaderTest, ParsesTheSameNoteFromMemory) {
  const ManifestNote note = Parse(image_);
  EXPECT_EQ(note.abi_major, CK_ABI_MAJOR);
  EXPECT_EQ(note.abi_minor_required, CK_ABI_MINOR);
  EXPECT_EQ(note.manifest_json, kManifest);
}

TEST_F(ManifestReaderTest, NamesFilesThatCannotBeRead) {
  const std::string missing = "runtime/plugins/testdata/no_such_plugin.so";
  EXPECT_THAT([&] { ReadManifestNote(missing); },
              ThrowsMessage<PluginError>(AllOf(HasSubstr(missing), HasSubstr("cannot open"))));
  const std::string directory = std::getenv("TEST_TMPDIR");
  EXPECT_THAT(
      [&] { ReadManifestNote(directory); },
      ThrowsMessage<PluginError>(AllOf(HasSubstr(directory), HasSubstr("not a regular file"))));
}

TEST_F(ManifestReaderTest, NamesEachProblem) {
  const uint32_t descsz = Get<uint32_t>(image_, note_ + offsetof(Elf64_Nhdr, n_descsz));
  const struct Case {
    const char* corruption;
    std::function<void(Image&)> corrupt;
    const char* problem;
  } cases[] = {
      {"empty file", [](Image& i) { i.clear(); }, "not an ELF file (0 bytes)"},
      {"bad magic", [](Image& i) { i[1] = 'X'; }, "not an ELF file (no ELF magic)"},
      {"cut in the identification", [](Image& i) { i.resize(8); }, "truncated ELF file"},
      {"32-bit", [](Image& i) { i[EI_CLASS] = ELFCLASS32; }, "not a 64-bit ELF file (ELF class 1)"},
      {"big-endian", [](Image& i) { i[EI_DATA] = ELFDATA2MSB; }, "not a little-endian ELF file"},
      {"cut in the header", [](Image& i) { i.resize(40); }, "40 bytes cannot hold the ELF header"},
      {"executable", [](Image& i) { Put<uint16_t>(i, offsetof(Elf64_Ehdr, e_type), ET_EXEC); },
       "not a shared object (ELF type 2"},
      {"program header size",
       [](Image& i) { Put<uint16_t>(i, offsetof(Elf64_Ehdr, e_phentsize), 32); },
       "program header size 32, expected 56"},
      {"program headers past the end",
       [](Image& i) { Put<uint64_t>(i, offsetof(Elf64_Ehdr, e_phoff), i.size() - 8); },
       "cannot hold the program header table"},
      {"cut in the note", [&](Image& i) { i.resize(desc_); }, "cannot hold PT_NOTE segment"},
      {"too many notes",
       [](Image& i) {
         // Every program header becomes a PT_NOTE segment over the same 7 MiB of empty notes.
         i.resize(size_t{8} << 20);
         const auto phoff = Get<uint64_t>(i, offsetof(Elf64_Ehdr, e_phoff));
         const auto phnum = Get<uint16_t>(i, offsetof(Elf64_Ehdr, e_phnum));
         for (size_t h = 0; h < phnum; ++h) {
           const size_t phdr = phoff + h * sizeof(Elf64_Phdr);
           Put<uint32_t>(i, phdr + offsetof(Elf64_Phdr, p_type), PT_NOTE);
           Put<uint64_t>(i, phdr + offsetof(Elf64_Phdr, p_offset), size_t{1} << 20);
           Put<uint64_t>(i, phdr + offsetof(Elf64_Phdr, p_filesz), size_t{7} << 20);
         }
       },
       "PT_NOTE segments hold more than 16 MiB"},
      {"other owner", [&](Image& i) { i[note_ + sizeof(Elf64_Nhdr)] = 'c'; },
       "no ConnectKit manifest note"},
      {"other type", [&](Image& i) { Put<uint32_t>(i, note_ + offsetof(Elf64_Nhdr, n_type), 1); },
       "no ConnectKit manifest note"},
      {"huge name",
       [&](Image& i) { Put<uint32_t>(i, note_ + offsetof(Elf64_Nhdr, n_namesz), 0xfffffff0u); },
       "overrun its PT_NOTE segment"},
      {"huge descriptor",
       [&](Image& i) { Put<uint32_t>(i, note_ + offsetof(Elf64_Nhdr, n_descsz), 0xfffffff0u); },
       "overrun its PT_NOTE segment"},
      {"descriptor shorter than its header",
       [&](Image& i) { Put<uint32_t>(i, note_ + offsetof(Elf64_Nhdr, n_descsz), 4); },
       "descriptor of 4 bytes, shorter than its 8-byte header"},
      {"manifest longer than the note",
       [&](Image& i) { Put<uint32_t>(i, desc_ + offsetof(ck_note_header, manifest_len), descsz); },
       "exceeds the"},
  };
  for (const Case& c : cases) {
    Image image = image_;
    c.corrupt(image);
    EXPECT_THAT([&] { Parse(image); }, ThrowsMessage<PluginError>(AllOf(
                                           HasSubstr("plugin corrupt.so: "), HasSubstr(c.problem))))
        << c.corruption;
  }
}

TEST_F(ManifestReaderTest, EveryTruncationIsRejectedOrReadInFull) {
  for (size_t size = 0; size <= image_.size(); ++size) {
    const Image prefix(image_.begin(), image_.begin() + static_cast<std::ptrdiff_t>(size));
    try {
      EXPECT_EQ(Parse(prefix).manifest_json, kManifest) << size;
      EXPECT_GE(size, note_end_);
    } catch (const PluginError& e) {
      EXPECT_LT(size, image_.size()) << e.what();
    }
  }
}

TEST_F(ManifestReaderTest, SurvivesCorruptedCopies) {
  std::mt19937 rng(1234);
  // Mostly where the reader looks (headers and notes), sometimes anywhere.
  std::uniform_int_distribution<size_t> near(0, note_end_ + 64);
  std::uniform_int_distribution<size_t> anywhere(0, image_.size() - 1);
  std::uniform_int_distribution<int> byte(0, 255);
  for (int round = 0; round < 5000; ++round) {
    Image image = image_;
    for (int flips = 1 + round % 4; flips > 0; --flips) {
      image[round % 8 == 0 ? anywhere(rng) : near(rng)] = static_cast<unsigned char>(byte(rng));
    }
    try {
      Parse(image);
    } catch (const PluginError&) {
    }
  }
}

TEST_F(ManifestReaderTest, RejectsRandomBytes) {
  std::mt19937 rng(5678);
  std::uniform_int_distribution<size_t> length(0, 2048);
  std::uniform_int_distribution<int> byte(0, 255);
  for (int round = 0; round < 2000; ++round) {
    Image image(length(rng));
    std::generate(image.begin(), image.end(),
                  [&] { return static_cast<unsigned char>(byte(rng)); });
    // Half the rounds keep a valid ELF header, so that random program headers get parsed.
    const bool elf = round % 2 == 0 && image.size() >= sizeof(Elf64_Ehdr);
    if (elf) std::copy_n(image_.begin(), sizeof(Elf64_Ehdr), image.begin());
    try {
      Parse(image);
      ADD_FAILURE() << "random bytes parsed as a plugin in round " << round;
    } catch (const PluginError& e) {
      if (!elf) {
        EXPECT_THAT(e.what(), HasSubstr("not an ELF file")) << round;
      }
    }
  }
}

TEST_F(ManifestReaderTest, ReadsTheDynamicSection) {
  const DynamicInfo hello = ReadDynamicInfo(kPluginPath);
  EXPECT_THAT(hello.exported, ElementsAre("ck_plugin_entry_v1"));
  EXPECT_EQ(hello.soname, "");
  const PluginFileInfo both = ReadPluginFile(kPluginPath);
  EXPECT_EQ(both.note.manifest_json, kManifest);
  EXPECT_EQ(both.dynamic.exported, hello.exported);
  EXPECT_EQ(ParseDynamicInfo(image_, "hello.so").exported, hello.exported);

  // A plugin that calls libc needs it; a file without the note is a library, not a plugin.
  const std::string versioned = "runtime/plugins/testdata/versioned_1_0.so";
  EXPECT_THAT(ReadDynamicInfo(versioned).needed, Contains("libc.so.6"));
  EXPECT_TRUE(ReadPluginFileIfAny(versioned).has_value());
  EXPECT_FALSE(ReadPluginFileIfAny("runtime/plugins/testdata/hello_without_note.so").has_value());
  EXPECT_THAT([] { ReadPluginFileIfAny(kManifestPath); },
              ThrowsMessage<PluginError>(HasSubstr("not an ELF file")));
}

TEST_F(ManifestReaderTest, DynamicSectionTruncationsAndCorruptionsNeverCrash) {
  size_t parsed_prefixes = 0;
  for (size_t size = 0; size <= image_.size(); ++size) {
    const Image prefix(image_.begin(), image_.begin() + static_cast<std::ptrdiff_t>(size));
    try {
      EXPECT_THAT(ParseDynamicInfo(prefix, "corrupt.so").exported,
                  ElementsAre("ck_plugin_entry_v1"))
          << size;
      ++parsed_prefixes;
    } catch (const PluginError& e) {
      EXPECT_THAT(e.what(), HasSubstr("plugin corrupt.so: "));
    }
  }
  EXPECT_GE(parsed_prefixes, 1u);
  // Flips in the program headers and the dynamic segment, sometimes anywhere.
  const auto phoff = Get<uint64_t>(image_, offsetof(Elf64_Ehdr, e_phoff));
  const auto phnum = Get<uint16_t>(image_, offsetof(Elf64_Ehdr, e_phnum));
  size_t dynamic = 0;
  size_t dynamic_size = 0;
  for (size_t h = 0; h < phnum; ++h) {
    const size_t phdr = phoff + h * sizeof(Elf64_Phdr);
    if (Get<uint32_t>(image_, phdr + offsetof(Elf64_Phdr, p_type)) != PT_DYNAMIC) continue;
    dynamic = Get<uint64_t>(image_, phdr + offsetof(Elf64_Phdr, p_offset));
    dynamic_size = Get<uint64_t>(image_, phdr + offsetof(Elf64_Phdr, p_filesz));
  }
  ASSERT_GT(dynamic_size, 0u);
  std::mt19937 rng(4321);
  std::uniform_int_distribution<size_t> headers(0, phoff + phnum * sizeof(Elf64_Phdr) - 1);
  std::uniform_int_distribution<size_t> in_dynamic(dynamic, dynamic + dynamic_size - 1);
  std::uniform_int_distribution<size_t> anywhere(0, image_.size() - 1);
  std::uniform_int_distribution<int> byte(0, 255);
  for (int round = 0; round < 5000; ++round) {
    Image image = image_;
    for (int flips = 1 + round % 3; flips > 0; --flips) {
      const size_t at = round % 5 == 0 ? anywhere(rng) : round % 2 ? in_dynamic(rng) : headers(rng);
      image[at] = static_cast<unsigned char>(byte(rng));
    }
    try {
      ParseDynamicInfo(image, "corrupt.so");
    } catch (const PluginError&) {
    }
  }
}

}  // namespace
}  // namespace ck::runtime
