// The ABI version rule is enforced from the manifest note, before any plugin code runs.
//
// The probe plugins (version_probe_plugin.c, built by ck_plugin() with different required ABI
// versions) write a marker file from an ELF constructor, the earliest plugin code that dlopen
// would run. A plugin requiring a newer minor or another major must be refused with both versions
// in the message and without the marker appearing; a current plugin shows the marker does work.
#include <cstdlib>
#include <filesystem>
#include <string>

#include "ck/abi/ck_abi.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "runtime/plugins/loader.h"
#include "runtime/plugins/manifest_reader.h"
#include "tests/abi/capturing_host.h"

namespace ck::abi_test {
namespace {

using ::ck::runtime::LoadPlugin;
using ::ck::runtime::PluginError;
using ::ck::runtime::ReadManifestNote;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

// Points the probe plugins' constructor at a fresh marker path and returns it.
std::string ArmMarker(const std::string& test) {
  std::string marker = std::string(std::getenv("TEST_TMPDIR")) + "/" + test + ".marker";
  std::filesystem::remove(marker);
  setenv("CK_TEST_CONSTRUCTOR_MARKER", marker.c_str(), 1);
  return marker;
}

TEST(AbiVersionTest, ACurrentPluginLoadsAndItsConstructorLeavesTheMarker) {
  const std::string marker = ArmMarker("current");
  const auto& plugin = LoadPlugin("tests/abi/version_current_plugin.so", CapturingHost());
  EXPECT_EQ(plugin.descriptor->abi_minor, CK_ABI_MINOR);
  EXPECT_TRUE(std::filesystem::exists(marker));
}

TEST(AbiVersionTest, RefusesAPluginRequiringANewerMinorBeforeRunningIt) {
  const std::string path = "tests/abi/version_next_minor_plugin.so";
  const runtime::ManifestNote note = ReadManifestNote(path);
  EXPECT_EQ(note.abi_major, CK_ABI_MAJOR);
  EXPECT_EQ(note.abi_minor_required, CK_ABI_MINOR + 1);

  const std::string marker = ArmMarker("next_minor");
  EXPECT_THAT([&] { LoadPlugin(path, CapturingHost()); },
              ThrowsMessage<PluginError>(AllOf(HasSubstr("version_next_minor_plugin.so"),
                                               HasSubstr("requires ConnectKit ABI 0.2 or newer"),
                                               HasSubstr("implements ABI 0.1"))));
  EXPECT_FALSE(std::filesystem::exists(marker)) << "the plugin's constructor ran";
}

TEST(AbiVersionTest, RefusesAPluginOfAnotherMajorBeforeRunningIt) {
  const std::string path = "tests/abi/version_next_major_plugin.so";
  const runtime::ManifestNote note = ReadManifestNote(path);
  EXPECT_EQ(note.abi_major, CK_ABI_MAJOR + 1);
  EXPECT_EQ(note.abi_minor_required, 0);

  const std::string marker = ArmMarker("next_major");
  EXPECT_THAT([&] { LoadPlugin(path, CapturingHost()); },
              ThrowsMessage<PluginError>(AllOf(HasSubstr("version_next_major_plugin.so"),
                                               HasSubstr("built for ConnectKit ABI 1.0"),
                                               HasSubstr("implements ABI 0.1"))));
  EXPECT_FALSE(std::filesystem::exists(marker)) << "the plugin's constructor ran";
}

}  // namespace
}  // namespace ck::abi_test
