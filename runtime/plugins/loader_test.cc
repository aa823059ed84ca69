// Tests of the loader on test plugins in plain C (testdata/): loading and init once per file,
// refusals with messages naming the file and the problem, the ABI version rule, and host-side
// copies of plugin vtables. ABI compatibility across builds and compilers is tested in //tests/abi.
#include "runtime/plugins/loader.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <vector>

#include "ck/abi/ck_abi.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "runtime/plugins/host_table.h"

namespace ck::runtime {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

constexpr char kHello[] = "runtime/plugins/testdata/hello_plugin.so";
constexpr char kFailing[] = "runtime/plugins/testdata/failing_plugin.so";

// Log lines the plugins wrote through the host table.
std::mutex log_mu;
std::vector<std::string> log_lines;

// How many times `line` was logged.
int Logged(const std::string& line) {
  std::lock_guard<std::mutex> lock(log_mu);
  return static_cast<int>(std::count(log_lines.begin(), log_lines.end(), line));
}

const ck_host* TestHost() {
  static const ck_host host = [] {
    ck_host table = MinimalHostTable();
    table.log = [](ck_context*, int32_t, ck_str message) noexcept {
      std::lock_guard<std::mutex> lock(log_mu);
      log_lines.emplace_back(message.ptr, message.len);
    };
    return table;
  }();
  return &host;
}

std::string TempPath(const std::string& name) {
  return std::string(std::getenv("TEST_TMPDIR")) + "/" + name;
}

TEST(LoaderTest, LoadsAPluginAndInitialisesItOnce) {
  const LoadedPlugin& plugin = LoadPlugin(kHello, TestHost());
  EXPECT_EQ(plugin.path, std::filesystem::canonical(kHello).string());
  EXPECT_EQ(plugin.note.abi_major, CK_ABI_MAJOR);
  EXPECT_EQ(plugin.note.abi_minor_required, CK_ABI_MINOR);
  ASSERT_NE(plugin.descriptor, nullptr);
  EXPECT_EQ(std::string(plugin.descriptor->name.ptr, plugin.descriptor->name.len), "hello");
  EXPECT_EQ(std::string(plugin.descriptor->manifest_json.ptr, plugin.descriptor->manifest_json.len),
            plugin.note.manifest_json);

  // The same file again, directly and through a symlink: the same plugin, init not called again.
  const std::string link = TempPath("hello_link.so");
  std::filesystem::create_symlink(std::filesystem::absolute(kHello), link);
  EXPECT_EQ(&LoadPlugin(kHello, TestHost()), &plugin);
  EXPECT_EQ(&LoadPlugin(link, TestHost()), &plugin);
  EXPECT_EQ(Logged("hello: init"), 1);
}

TEST(LoaderTest, RemembersAFailedInitAndNeverCallsItAgain) {
  const auto load = [] { LoadPlugin(kFailing, TestHost()); };
  const auto message = AllOf(HasSubstr("failing_plugin.so"), HasSubstr("init failed"),
                             HasSubstr("error code 2"), HasSubstr("refusing to start on purpose"));
  EXPECT_THAT(load, ThrowsMessage<PluginError>(message));
  EXPECT_THAT(load, ThrowsMessage<PluginError>(message));
  EXPECT_EQ(Logged("failing: init"), 1);
}

TEST(LoaderTest, RefusesFilesThatAreNotPlugins) {
  EXPECT_THAT([] { LoadPlugin("runtime/plugins/testdata/missing.so", TestHost()); },
              ThrowsMessage<PluginError>(AllOf(HasSubstr("runtime/plugins/testdata/missing.so"),
                                               HasSubstr("cannot resolve the path"))));

  const std::string text = TempPath("text.so");
  std::ofstream(text) << "not a plugin\n";
  EXPECT_THAT([&] { LoadPlugin(text, TestHost()); },
              ThrowsMessage<PluginError>(AllOf(HasSubstr(text), HasSubstr("not an ELF file"))));

  // A plugin linked without its manifest note (not by ck_plugin()): refused before it is loaded.
  const int inits = Logged("hello: init");
  EXPECT_THAT([] { LoadPlugin("runtime/plugins/testdata/hello_without_note.so", TestHost()); },
              ThrowsMessage<PluginError>(AllOf(HasSubstr("hello_without_note.so"),
                                               HasSubstr("no ConnectKit manifest note"))));
  EXPECT_EQ(Logged("hello: init"), inits);
}

TEST(LoaderTest, RefusesADescriptorThatDisagreesWithItsNote) {
  EXPECT_THAT([] { LoadPlugin("runtime/plugins/testdata/hello_with_other_abi.so", TestHost()); },
              ThrowsMessage<PluginError>(AllOf(HasSubstr("hello_with_other_abi.so"),
                                               HasSubstr("descriptor declares ABI 0.1 but the "
                                                         "manifest note 0.0"))));
  EXPECT_THAT(
      [] { LoadPlugin("runtime/plugins/testdata/hello_with_other_manifest.so", TestHost()); },
      ThrowsMessage<PluginError>(AllOf(HasSubstr("hello_with_other_manifest.so"),
                                       HasSubstr("manifest_json differs from the manifest note"))));
}

TEST(LoaderTest, AbiRuleAcceptsEqualMajorAndNoNewerMinor) {
  EXPECT_NO_THROW(CheckAbiCompatibility("p.so", CK_ABI_MAJOR, CK_ABI_MINOR));
  EXPECT_NO_THROW(CheckAbiCompatibility("p.so", CK_ABI_MAJOR, 0));
}

TEST(LoaderTest, AbiRuleRefusesANewerMinorNamingBothVersions) {
  EXPECT_THAT([] { CheckAbiCompatibility("/plugins/p.so", CK_ABI_MAJOR, CK_ABI_MINOR + 1); },
              ThrowsMessage<PluginError>(
                  AllOf(HasSubstr("plugin /plugins/p.so requires ConnectKit ABI 0.2 or newer"),
                        HasSubstr("this runtime implements ABI 0.1"))));
}

TEST(LoaderTest, AbiRuleRefusesAnotherMajorNamingBothVersions) {
  EXPECT_THAT(
      [] { CheckAbiCompatibility("/plugins/p.so", CK_ABI_MAJOR + 1, 0); },
      ThrowsMessage<PluginError>(
          AllOf(HasSubstr("plugin /plugins/p.so is built for ConnectKit ABI 1.0"),
                HasSubstr("this runtime implements ABI 0.1"), HasSubstr("majors must be equal"))));
}

// A plugin vtable as a plugin compiled against older headers would publish it.
struct OldTransformationVtable {
  uint32_t struct_size;
  uint32_t reserved;
  ck_status (*create)(ck_context*, void**, ck_error*);
  void (*destroy)(void*);
};

ck_status CreateNothing(ck_context*, void**, ck_error*) { return CK_STATUS_OK; }
void DestroyNothing(void*) {}

TEST(LoaderTest, CopiesOnlyTheVtableSlotsThePluginDeclares) {
  const OldTransformationVtable old = {sizeof(OldTransformationVtable), 0, &CreateNothing,
                                       &DestroyNothing};
  const auto copy = CopyPluginVtable<ck_transformation_vtable>(&old);
  EXPECT_EQ(copy.struct_size, sizeof(OldTransformationVtable));
  EXPECT_EQ(copy.create, &CreateNothing);
  EXPECT_EQ(copy.destroy, &DestroyNothing);
  EXPECT_EQ(copy.configure, nullptr);
  EXPECT_EQ(copy.apply, nullptr);
}

TEST(LoaderTest, IgnoresSlotsCutByStructSize) {
  ck_transformation_vtable table = {};
  table.create = &CreateNothing;
  table.destroy = &DestroyNothing;
  table.struct_size = offsetof(ck_transformation_vtable, destroy) + 4;  // Half of destroy.
  const auto copy = CopyPluginVtable<ck_transformation_vtable>(&table);
  EXPECT_EQ(copy.struct_size, offsetof(ck_transformation_vtable, destroy));
  EXPECT_EQ(copy.create, &CreateNothing);
  EXPECT_EQ(copy.destroy, nullptr);

  table.struct_size = 4;  // Not even its own header.
  EXPECT_EQ(CopyPluginVtable<ck_transformation_vtable>(&table).create, nullptr);
}

TEST(LoaderTest, LargerPluginVtablesAreReadUpToTheHostsSize) {
  struct NewerVtable {
    ck_transformation_vtable v0_1;
    void (*future_slot)(void*);
  } newer = {};
  newer.v0_1.struct_size = sizeof(NewerVtable);
  newer.v0_1.apply = [](void*, ck_batch*, ck_batch*, ck_error*) { return CK_STATUS_OK; };
  const auto copy = CopyPluginVtable<ck_transformation_vtable>(&newer);
  EXPECT_EQ(copy.struct_size, sizeof(ck_transformation_vtable));
  EXPECT_EQ(copy.apply, newer.v0_1.apply);
}

}  // namespace
}  // namespace ck::runtime
