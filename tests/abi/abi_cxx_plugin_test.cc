// A gcc-built host exchanges batches with C++ plugins built by different compilers and standard
// libraries (cxx_plugin.cc): gcc with libstdc++ through ck_plugin(), and clang++-14 with libstdc++
// and with libc++ through the genrules in BUILD.bazel.
//
// For each plugin: it loads with its manifest note, polls batches whose every record field is
// checked, passes some of them through the plugin's transformation, and every batch, polled or
// transformed, is released exactly once (the plugin logs each release through the host). The
// transformed batch owns its input, so the input may be released only with it.
#include <link.h>

#include <string>
#include <string_view>
#include <vector>

#include "ck/abi/ck_abi.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "runtime/plugins/host_table.h"
#include "runtime/plugins/loader.h"
#include "tests/abi/capturing_host.h"

namespace ck::abi_test {
namespace {

using ::ck::runtime::CopyPluginVtable;
using ::ck::runtime::LoadedPlugin;
using ::ck::runtime::LoadPlugin;
using ::testing::HasSubstr;

constexpr uint32_t kRecordsPerBatch = 4;
constexpr int64_t kBaseTimestampMs = 1'700'000'000'000;

std::string_view View(ck_str s) { return {s.ptr, s.len}; }

const void* FindVtable(const LoadedPlugin& plugin, uint32_t kind, std::string_view class_name) {
  const ck_plugin& descriptor = *plugin.descriptor;
  for (uint32_t i = 0; i < descriptor.component_count; ++i) {
    const ck_component& component = descriptor.components[i];
    if (component.kind == kind && View(component.class_name) == class_name) {
      return component.vtable;
    }
  }
  return nullptr;
}

// Names of the shared objects loaded in this process.
std::vector<std::string> LoadedObjects() {
  std::vector<std::string> names;
  dl_iterate_phdr(
      [](dl_phdr_info* info, size_t, void* out) {
        static_cast<std::vector<std::string>*>(out)->emplace_back(info->dlpi_name);
        return 0;
      },
      &names);
  return names;
}

void ExpectPrimitive(const ck_schema* schema, uint32_t type) {
  ASSERT_NE(schema, nullptr);
  EXPECT_EQ(schema->type, type);
  EXPECT_EQ(schema->flags, 0u);
  EXPECT_EQ(schema->field_count, 0u);
  EXPECT_EQ(schema->parameter_count, 0u);
  EXPECT_EQ(View(schema->name), "");
}

void ExpectRowSchema(const ck_schema* schema) {
  ASSERT_NE(schema, nullptr);
  EXPECT_EQ(schema->type, CK_TYPE_STRUCT);
  EXPECT_EQ(schema->flags, CK_SCHEMA_HAS_VERSION);
  EXPECT_EQ(schema->version, 3);
  EXPECT_EQ(View(schema->name), "test.cxx.Row");
  EXPECT_EQ(View(schema->doc), "A row of the C++ test plugin");
  EXPECT_EQ(schema->parameter_count, 0u);
  EXPECT_EQ(schema->key_schema, nullptr);
  EXPECT_EQ(schema->value_schema, nullptr);
  EXPECT_EQ(schema->default_value, nullptr);
  ASSERT_EQ(schema->field_count, 5u);
  const char* names[] = {"id", "name", "score", "tags", "active"};
  const uint32_t types[] = {CK_TYPE_INT64, CK_TYPE_STRING, CK_TYPE_FLOAT64, CK_TYPE_ARRAY,
                            CK_TYPE_BOOLEAN};
  for (uint32_t i = 0; i < 5; ++i) {
    EXPECT_EQ(View(schema->fields[i].name), names[i]);
    EXPECT_EQ(schema->fields[i].schema->type, types[i]);
  }
  ExpectPrimitive(schema->fields[3].schema->value_schema, CK_TYPE_STRING);
}

// Checks every field of the record with sequence number `seq`; a transformed record has its topic
// prefixed and its name upper-cased.
void ExpectRecord(const ck_record& record, int64_t seq, bool transformed) {
  const std::string n = std::to_string(seq);
  EXPECT_EQ(View(record.topic), transformed ? "upper.cxx.rows" : "cxx.rows");
  EXPECT_EQ(record.partition, seq % 3);
  EXPECT_EQ(record.timestamp_type, CK_TIMESTAMP_CREATE);
  EXPECT_EQ(record.timestamp, kBaseTimestampMs + seq);
  ExpectPrimitive(record.key_schema, CK_TYPE_STRING);
  ExpectRowSchema(record.value_schema);
  EXPECT_EQ(record.key.type, CK_TYPE_STRING);
  EXPECT_EQ(View(record.key.u.bytes), "key-" + n);

  const ck_value& value = record.value;
  ASSERT_EQ(value.type, CK_TYPE_STRUCT);
  ASSERT_EQ(value.count, 5u);
  const ck_value* fields = value.u.items;
  EXPECT_EQ(fields[0].type, CK_TYPE_INT64);
  EXPECT_EQ(fields[0].u.i64, seq);
  EXPECT_EQ(fields[1].type, CK_TYPE_STRING);
  EXPECT_EQ(View(fields[1].u.bytes), (transformed ? "ROW-" : "row-") + n);
  EXPECT_EQ(fields[2].type, CK_TYPE_FLOAT64);
  EXPECT_EQ(fields[2].u.f64, static_cast<double>(seq) * 0.5);
  ASSERT_EQ(fields[3].type, CK_TYPE_ARRAY);
  ASSERT_EQ(fields[3].count, 2u);
  EXPECT_EQ(fields[3].u.items[0].type, CK_TYPE_STRING);
  EXPECT_EQ(View(fields[3].u.items[0].u.bytes), "t" + n);
  EXPECT_EQ(fields[3].u.items[1].type, CK_TYPE_STRING);
  EXPECT_EQ(View(fields[3].u.items[1].u.bytes), seq % 2 == 0 ? "even" : "odd");
  EXPECT_EQ(fields[4].type, CK_TYPE_BOOLEAN);
  EXPECT_EQ(fields[4].u.i64, seq % 2 == 0 ? 1 : 0);

  ASSERT_EQ(record.header_count, 1u);
  EXPECT_EQ(View(record.headers[0].key), "seq");
  ExpectPrimitive(record.headers[0].schema, CK_TYPE_INT64);
  EXPECT_EQ(record.headers[0].value.type, CK_TYPE_INT64);
  EXPECT_EQ(record.headers[0].value.u.i64, seq);
  EXPECT_EQ(record.origin, 0u);
  EXPECT_EQ(View(record.source_partition), R"({"shard":"s0"})");
  EXPECT_EQ(View(record.source_offset), R"({"seq":)" + n + "}");
  EXPECT_EQ(record.kafka_offset, -1);
  EXPECT_EQ(record.original_topic.len, 0u);
  EXPECT_EQ(record.original_partition, -1);
  EXPECT_EQ(record.reserved2, 0);
  EXPECT_EQ(record.original_offset, -1);
}

struct Variant {
  const char* test_name;
  const char* plugin_name;  // cxx-plugin-<compiler>-<standard library>.
  const char* path;
};

class AbiCxxPluginTest : public ::testing::TestWithParam<Variant> {
 protected:
  void SetUp() override { ClearLog(); }
};

TEST_P(AbiCxxPluginTest, ExchangesBatchesAndReleasesEachExactlyOnce) {
  const LoadedPlugin& plugin = LoadPlugin(GetParam().path, CapturingHost());
  const std::string name = GetParam().plugin_name;
  EXPECT_EQ(View(plugin.descriptor->name), name);
  EXPECT_THAT(plugin.note.manifest_json, HasSubstr(R"({"name":")" + name + "\""));
  for (const std::string& object : LoadedObjects()) {
    EXPECT_THAT(object, ::testing::Not(HasSubstr("libc++"))) << "libc++ must be linked statically";
  }

  const void* source_vtable = FindVtable(plugin, CK_KIND_SOURCE_TASK, "test.cxx.SequenceSource");
  const void* transform_vtable =
      FindVtable(plugin, CK_KIND_TRANSFORMATION, "test.cxx.ActiveRowsUpper");
  ASSERT_NE(source_vtable, nullptr);
  ASSERT_NE(transform_vtable, nullptr);
  const auto source = CopyPluginVtable<ck_source_task_vtable>(source_vtable);
  const auto transform = CopyPluginVtable<ck_transformation_vtable>(transform_vtable);

  ck_error err;
  const ck_config config = {};
  void* task = nullptr;
  void* transformation = nullptr;
  ASSERT_EQ(source.create(nullptr, &task, &err), CK_STATUS_OK) << err.message;
  ASSERT_EQ(source.start(task, &config, &err), CK_STATUS_OK) << err.message;
  ASSERT_EQ(transform.create(nullptr, &transformation, &err), CK_STATUS_OK) << err.message;
  ASSERT_EQ(transform.configure(transformation, &config, &err), CK_STATUS_OK) << err.message;

  // Batches 0 and 1 are released by the host; 2 and 3 go through the transformation.
  for (int b = 0; b < 4; ++b) {
    const int64_t first_seq = b * int64_t{kRecordsPerBatch};
    const std::string source_release = "release source-" + std::to_string(b);
    ck_batch batch = {};
    ASSERT_EQ(source.poll(task, &batch, &err), CK_STATUS_OK) << err.message;
    ASSERT_EQ(batch.count, kRecordsPerBatch);
    for (uint32_t i = 0; i < batch.count; ++i) ExpectRecord(batch.records[i], first_seq + i, false);
    ASSERT_NE(batch.release, nullptr);
    if (b < 2) {
      batch.release(&batch);
      EXPECT_EQ(batch.release, nullptr);
      EXPECT_EQ(LoggedCount(source_release), 1);
      continue;
    }
    ck_batch out = {};
    ASSERT_EQ(transform.apply(transformation, &batch, &out, &err), CK_STATUS_OK) << err.message;
    EXPECT_EQ(batch.release, nullptr) << "the input batch was moved into the transformation";
    EXPECT_EQ(LoggedCount(source_release), 0) << "the output still points into its input";
    ASSERT_EQ(out.count, kRecordsPerBatch / 2);  // Only active (even) rows are kept.
    for (uint32_t i = 0; i < out.count; ++i) ExpectRecord(out.records[i], first_seq + 2 * i, true);
    ASSERT_NE(out.release, nullptr);
    out.release(&out);
    EXPECT_EQ(out.release, nullptr);
    EXPECT_EQ(LoggedCount(source_release), 1);
    EXPECT_EQ(LoggedCount("release transformed-" + std::to_string(b - 2)), 1);
  }
  EXPECT_EQ(LoggedLines().size(), 6u) << "one release per batch: 4 polled, 2 transformed";

  EXPECT_EQ(source.stop(task, &err), CK_STATUS_OK) << err.message;
  source.destroy(task);
  transform.destroy(transformation);
}

INSTANTIATE_TEST_SUITE_P(Toolchains, AbiCxxPluginTest,
                         ::testing::Values(Variant{"GccLibStdCxx", "cxx-plugin-gcc-libstdc++",
                                                   "tests/abi/cxx_gcc_plugin.so"},
                                           Variant{"ClangLibStdCxx", "cxx-plugin-clang-libstdc++",
                                                   "tests/abi/cxx_clang_libstdcxx_plugin.so"},
                                           Variant{"ClangLibCxx", "cxx-plugin-clang-libc++",
                                                   "tests/abi/cxx_clang_libcxx_plugin.so"}),
                         [](const auto& info) { return std::string(info.param.test_name); });

}  // namespace
}  // namespace ck::abi_test
