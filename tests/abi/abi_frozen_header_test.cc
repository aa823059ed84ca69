// Tables grow by appending, and each side reads only what the other's struct_size covers.
//
// frozen_plugin.c is compiled against frozen/v0_1/ck/abi/ck_abi.h, a verbatim copy of the header
// as of ABI 0.1 that is never edited: as ck_abi.h grows, it keeps standing for plugins built and
// shipped against 0.1. The host presents it tables of three sizes, each placed at the very end of
// a readable page followed by an inaccessible one, so that any read past struct_size faults: a
// grown table (a newer host, slots appended), one exactly as large as the frozen header's, and a
// smaller one (an older host). In the other direction, the host reads a plugin vtable shorter than
// its own only up to the plugin's struct_size, and treats the missing slots as unsupported.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>

#include "ck/abi/ck_abi.h"
#include "gtest/gtest.h"
#include "runtime/plugins/host_table.h"
#include "runtime/plugins/loader.h"
#include "tests/abi/capturing_host.h"

namespace ck::abi_test {
namespace {

using ::ck::runtime::CopyPluginVtable;
using ::ck::runtime::LoadedPlugin;
using ::ck::runtime::LoadPlugin;

constexpr char kFrozenPlugin[] = "tests/abi/frozen_v0_1_plugin.so";

// A host of a later minor: today's table with slots appended.
struct GrownHost {
  ck_host v0_1;
  int64_t (*future_clock_ns)(void);
  void (*future_flush)(ck_context* ctx);
};

// Copies the first `size` bytes of `table` to the end of a read-only page that is followed by an
// inaccessible page. Never unmapped: the plugin keeps its host table until exit.
template <typename T>
const ck_host* AtPageEnd(const T& table, size_t size) {
  const auto page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  void* pages = mmap(nullptr, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  EXPECT_NE(pages, MAP_FAILED);
  char* end = static_cast<char*>(pages) + page;
  std::memcpy(end - size, &table, size);
  EXPECT_EQ(mprotect(pages, page, PROT_READ), 0);
  EXPECT_EQ(mprotect(end, page, PROT_NONE), 0);
  return reinterpret_cast<const ck_host*>(end - size);
}

// Loads a private copy of the frozen plugin, so that each test gives its own host table to init.
const LoadedPlugin& LoadCopy(const std::string& name, const ck_host* host) {
  const std::string copy = std::string(std::getenv("TEST_TMPDIR")) + "/" + name + ".so";
  std::filesystem::copy_file(kFrozenPlugin, copy);
  return LoadPlugin(copy, host);
}

std::string_view View(ck_str s) { return {s.ptr, s.len}; }

const ck_component* FindComponent(const LoadedPlugin& plugin, std::string_view class_name) {
  const ck_plugin& descriptor = *plugin.descriptor;
  for (uint32_t i = 0; i < descriptor.component_count; ++i) {
    if (View(descriptor.components[i].class_name) == class_name) return &descriptor.components[i];
  }
  return nullptr;
}

// Runs a source task of the frozen plugin through create, start, one poll, stop and destroy,
// calling only the slots its vtable declares.
void RunSourceTask(const LoadedPlugin& plugin, std::string_view class_name) {
  const ck_component* component = FindComponent(plugin, class_name);
  ASSERT_NE(component, nullptr) << class_name;
  const auto vtable = CopyPluginVtable<ck_source_task_vtable>(component->vtable);
  ck_error err;
  void* task = nullptr;
  ASSERT_EQ(vtable.create(nullptr, &task, &err), CK_STATUS_OK) << err.message;
  const ck_config config = {};
  ASSERT_EQ(vtable.start(task, &config, &err), CK_STATUS_OK) << err.message;
  const int64_t before_ms = runtime::MinimalHostTable().clock_now_ms();
  ck_batch batch = {};
  ASSERT_EQ(vtable.poll(task, &batch, &err), CK_STATUS_OK) << err.message;
  ASSERT_EQ(batch.count, 1u);
  const ck_record& record = batch.records[0];
  EXPECT_EQ(View(record.topic), "frozen-topic");
  EXPECT_EQ(record.partition, -1);
  EXPECT_EQ(record.timestamp_type, CK_TIMESTAMP_CREATE);
  EXPECT_GE(record.timestamp, before_ms);
  EXPECT_EQ(record.key.type, CK_TYPE_STRING);
  EXPECT_EQ(View(record.key.u.bytes), "frozen");
  EXPECT_EQ(record.value.type, CK_TYPE_INT64);
  EXPECT_EQ(record.value.u.i64, 0);
  ASSERT_NE(batch.release, nullptr);
  batch.release(&batch);
  EXPECT_EQ(batch.release, nullptr);
  EXPECT_EQ(LoggedCount("release batch"), 1);
  if (vtable.stop != nullptr) {
    EXPECT_EQ(vtable.stop(task, &err), CK_STATUS_OK) << err.message;
  }
  vtable.destroy(task);
}

std::string InitLine(unsigned minor, size_t table_size) {
  return "init: host ABI " + std::to_string(CK_ABI_MAJOR) + "." + std::to_string(minor) +
         ", host table " + std::to_string(table_size) + " bytes, mine " +
         std::to_string(sizeof(ck_host)) + " bytes";
}

class AbiFrozenHeaderTest : public ::testing::Test {
 protected:
  void SetUp() override { ClearLog(); }
};

TEST_F(AbiFrozenHeaderTest, RunsWithTheLargerTableOfANewerHost) {
  GrownHost grown = {};
  grown.v0_1 = CapturingHostTable();
  grown.v0_1.struct_size = sizeof(GrownHost);
  grown.v0_1.abi_minor = CK_ABI_MINOR + 1;
  grown.future_clock_ns = [] { return int64_t{0}; };
  grown.future_flush = [](ck_context*) {};
  const LoadedPlugin& plugin = LoadCopy("grown", AtPageEnd(grown, sizeof(grown)));

  EXPECT_EQ(LoggedCount(InitLine(CK_ABI_MINOR + 1, sizeof(GrownHost))), 1);
  RunSourceTask(plugin, "test.frozen.ProbeSource");
  EXPECT_EQ(LoggedCount("start: offset_read=status -2 sink_report_errant=present"), 1);
  EXPECT_EQ(LoggedCount("stop"), 1);
}

TEST_F(AbiFrozenHeaderTest, RunsWithATableExactlyAsLargeAsItsHeaders) {
  const ck_host host = CapturingHostTable();
  const LoadedPlugin& plugin = LoadCopy("exact", AtPageEnd(host, sizeof(host)));

  EXPECT_EQ(LoggedCount(InitLine(CK_ABI_MINOR, sizeof(ck_host))), 1);
  RunSourceTask(plugin, "test.frozen.ProbeSource");
  EXPECT_EQ(LoggedCount("start: offset_read=status -2 sink_report_errant=present"), 1);
}

TEST_F(AbiFrozenHeaderTest, SkipsTheSlotsAnOlderHostsSmallerTableLacks) {
  ck_host older = CapturingHostTable();
  older.struct_size = offsetof(ck_host, offset_read);
  older.abi_minor = CK_ABI_MINOR - 1;
  const LoadedPlugin& plugin = LoadCopy("older", AtPageEnd(older, older.struct_size));

  EXPECT_EQ(LoggedCount(InitLine(CK_ABI_MINOR - 1, offsetof(ck_host, offset_read))), 1);
  RunSourceTask(plugin, "test.frozen.ProbeSource");
  EXPECT_EQ(LoggedCount("start: offset_read=absent sink_report_errant=absent"), 1);
}

TEST_F(AbiFrozenHeaderTest, HostReadsOnlyTheVtableSlotsThePluginDeclares) {
  const LoadedPlugin& plugin = LoadCopy("short_vtable", CapturingHost());
  const ck_component* component = FindComponent(plugin, "test.frozen.ShortSource");
  ASSERT_NE(component, nullptr);
  const auto* raw = static_cast<const ck_source_task_vtable*>(component->vtable);
  ASSERT_EQ(raw->struct_size, offsetof(ck_source_task_vtable, commit));
  ASSERT_NE(raw->stop, nullptr) << "the bytes past struct_size hold aborting functions";

  const auto vtable = CopyPluginVtable<ck_source_task_vtable>(component->vtable);
  EXPECT_EQ(vtable.commit, nullptr);
  EXPECT_EQ(vtable.commit_record, nullptr);
  EXPECT_EQ(vtable.stop, nullptr);
  RunSourceTask(plugin, "test.frozen.ShortSource");
  EXPECT_EQ(LoggedCount("stop"), 0);
}

}  // namespace
}  // namespace ck::abi_test
