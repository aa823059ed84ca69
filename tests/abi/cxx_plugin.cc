// A C++ test plugin against ck_abi.h alone, for abi_cxx_plugin_test, built three ways (see
// BUILD.bazel): by ck_plugin() with the Bazel toolchain (gcc, libstdc++), and by hand with
// clang++-14 against libstdc++ and against libc++, the standard library always linked statically
// and hidden inside the plugin. The gcc-built host must exchange batches with each as with any
// plugin.
//
// Its source task polls batches of records with struct values, array fields, headers and schemas,
// all allocated in an arena owned by the batch and freed by the batch's release callback. Its
// transformation takes over its input batch and returns a new one that keeps only active rows,
// prefixes topics and upper-cases names, pointing into the input for everything it does not
// change; releasing the output releases the input. Every release logs "release <batch>" through
// the host, so the test can check each batch is released exactly once. Nothing throws across the
// boundary: every slot is noexcept and turns exceptions into errors.
#include <algorithm>
#include <cctype>
#include <cstddef>
#include <iterator>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "ck/abi/ck_abi.h"

// The plugin's name says how it was built: cxx-plugin-<compiler>-<standard library>.
#if defined(__clang__)
#define CK_TEST_COMPILER "clang"
#else
#define CK_TEST_COMPILER "gcc"
#endif
#if defined(_LIBCPP_VERSION)
#define CK_TEST_STDLIB "libc++"
#else
#define CK_TEST_STDLIB "libstdc++"
#endif
#define CK_TEST_PLUGIN_NAME "cxx-plugin-" CK_TEST_COMPILER "-" CK_TEST_STDLIB

namespace {

constexpr uint32_t kRecordsPerBatch = 4;
constexpr int64_t kBaseTimestampMs = 1'700'000'000'000;

const ck_host* g_host = nullptr;

constexpr ck_str Str(std::string_view s) { return {s.data(), s.size()}; }

void Log(const std::string& message) noexcept { g_host->log(nullptr, CK_LOG_DEBUG, Str(message)); }

template <typename F>
ck_status Guard(ck_error* err, F&& body) noexcept {
  try {
    body();
    return CK_STATUS_OK;
  } catch (const std::bad_alloc&) {
    g_host->error_set(err, CK_ERROR_NO_MEMORY, 0, Str("out of memory"));
  } catch (const std::exception& e) {
    g_host->error_set(err, CK_ERROR_CONNECT, 0, Str(e.what()));
  } catch (...) {
    g_host->error_set(err, CK_ERROR_INTERNAL, 0, Str("unknown exception"));
  }
  return CK_STATUS_ERROR;
}

// Bump allocator for one batch: zeroed memory, all freed together with the arena.
class Arena {
 public:
  template <typename T>
  T* Make(size_t count) {
    static_assert(std::is_trivially_copyable_v<T> && alignof(T) <= alignof(std::max_align_t));
    return static_cast<T*>(Allocate(sizeof(T) * count, alignof(T)));
  }

  ck_str Copy(std::string_view s) {
    char* bytes = Make<char>(s.size());
    std::copy(s.begin(), s.end(), bytes);
    return {bytes, s.size()};
  }

 private:
  static constexpr size_t kBlockSize = 4096;

  void* Allocate(size_t size, size_t align) {
    size_t offset = (used_ + align - 1) / align * align;
    if (blocks_.empty() || offset + size > capacity_) {
      capacity_ = std::max(size, kBlockSize);
      blocks_.push_back(std::make_unique<std::byte[]>(capacity_));
      offset = 0;
    }
    used_ = offset + size;
    return blocks_.back().get() + offset;
  }

  std::vector<std::unique_ptr<std::byte[]>> blocks_;
  size_t capacity_ = 0;
  size_t used_ = 0;
};

ck_value Int(uint32_t type, int64_t v) { return {type, 0, {.i64 = v}}; }
ck_value Text(ck_str s) { return {CK_TYPE_STRING, 0, {.bytes = s}}; }
ck_value Float64(double v) { return {CK_TYPE_FLOAT64, 0, {.f64 = v}}; }
ck_value Items(uint32_t type, uint32_t count, const ck_value* items) {
  return {type, count, {.items = items}};
}

constexpr ck_schema Primitive(uint32_t type) { return {.type = type}; }

// Schemas are static: they outlive every batch that points to them.
constexpr ck_schema kInt64Schema = Primitive(CK_TYPE_INT64);
constexpr ck_schema kStringSchema = Primitive(CK_TYPE_STRING);
constexpr ck_schema kFloat64Schema = Primitive(CK_TYPE_FLOAT64);
constexpr ck_schema kBooleanSchema = Primitive(CK_TYPE_BOOLEAN);
constexpr ck_schema kTagsSchema = {.type = CK_TYPE_ARRAY, .value_schema = &kStringSchema};
constexpr ck_schema_field kRowFields[] = {
    {Str("id"), &kInt64Schema},  {Str("name"), &kStringSchema},    {Str("score"), &kFloat64Schema},
    {Str("tags"), &kTagsSchema}, {Str("active"), &kBooleanSchema},
};
constexpr uint32_t kRowFieldCount = std::size(kRowFields);
constexpr ck_schema kRowSchema = {.type = CK_TYPE_STRUCT,
                                  .flags = CK_SCHEMA_HAS_VERSION,
                                  .version = 3,
                                  .field_count = kRowFieldCount,
                                  .name = Str("test.cxx.Row"),
                                  .doc = Str("A row of the C++ test plugin"),
                                  .fields = kRowFields};
enum RowField { kId, kName, kScore, kTags, kActive };

// ---- Source task -------------------------------------------------------------------------------

struct SourceBatch {
  Arena arena;
  std::string label;
};

void ReleaseSourceBatch(ck_batch* batch) {
  auto* owned = static_cast<SourceBatch*>(batch->private_data);
  Log("release " + owned->label);
  delete owned;
  batch->release = nullptr;
}

void FillRecord(Arena& arena, int64_t seq, ck_record& record) {
  const std::string n = std::to_string(seq);
  ck_value* tags = arena.Make<ck_value>(2);
  tags[0] = Text(arena.Copy("t" + n));
  tags[1] = Text(Str(seq % 2 == 0 ? "even" : "odd"));
  ck_value* fields = arena.Make<ck_value>(kRowFieldCount);
  fields[kId] = Int(CK_TYPE_INT64, seq);
  fields[kName] = Text(arena.Copy("row-" + n));
  fields[kScore] = Float64(static_cast<double>(seq) * 0.5);
  fields[kTags] = Items(CK_TYPE_ARRAY, 2, tags);
  fields[kActive] = Int(CK_TYPE_BOOLEAN, seq % 2 == 0 ? 1 : 0);
  ck_header* header = arena.Make<ck_header>(1);
  header->key = Str("seq");
  header->schema = &kInt64Schema;
  header->value = Int(CK_TYPE_INT64, seq);

  record.topic = Str("cxx.rows");
  record.partition = static_cast<int32_t>(seq % 3);
  record.timestamp_type = CK_TIMESTAMP_CREATE;
  record.timestamp = kBaseTimestampMs + seq;
  record.key_schema = &kStringSchema;
  record.value_schema = &kRowSchema;
  record.key = Text(arena.Copy("key-" + n));
  record.value = Items(CK_TYPE_STRUCT, kRowFieldCount, fields);
  record.headers = header;
  record.header_count = 1;
  record.source_partition = Str(R"({"shard":"s0"})");
  record.source_offset = arena.Copy(R"({"seq":)" + n + "}");
  record.kafka_offset = -1;
  record.original_partition = -1;
  record.original_offset = -1;
}

struct SourceTask {
  int64_t next_seq = 0;
  int batches = 0;
};

ck_status SourceCreate(ck_context*, void** self, ck_error* err) noexcept {
  return Guard(err, [&] { *self = new SourceTask(); });
}

void SourceDestroy(void* self) noexcept { delete static_cast<SourceTask*>(self); }

ck_status SourceStart(void*, const ck_config*, ck_error*) noexcept { return CK_STATUS_OK; }

ck_status SourcePoll(void* self, ck_batch* out, ck_error* err) noexcept {
  return Guard(err, [&] {
    auto* task = static_cast<SourceTask*>(self);
    auto batch = std::make_unique<SourceBatch>();
    batch->label = "source-" + std::to_string(task->batches);
    ck_record* records = batch->arena.Make<ck_record>(kRecordsPerBatch);
    for (uint32_t i = 0; i < kRecordsPerBatch; ++i) {
      FillRecord(batch->arena, task->next_seq + i, records[i]);
    }
    task->next_seq += kRecordsPerBatch;
    ++task->batches;
    *out = {kRecordsPerBatch, 0, records, &ReleaseSourceBatch, batch.release()};
  });
}

ck_status SourceStop(void*, ck_error*) noexcept { return CK_STATUS_OK; }

constexpr ck_source_task_vtable kSourceTask = {.struct_size = sizeof(ck_source_task_vtable),
                                               .create = &SourceCreate,
                                               .destroy = &SourceDestroy,
                                               .start = &SourceStart,
                                               .poll = &SourcePoll,
                                               .stop = &SourceStop};

// ---- Transformation ----------------------------------------------------------------------------

struct TransformedBatch {
  ck_batch input;  // Moved in; released with this batch.
  Arena arena;
  std::string label;
};

void ReleaseTransformedBatch(ck_batch* batch) {
  auto* owned = static_cast<TransformedBatch*>(batch->private_data);
  owned->input.release(&owned->input);
  Log("release " + owned->label);
  delete owned;
  batch->release = nullptr;
}

struct Transformation {
  int batches = 0;
};

ck_status TransformCreate(ck_context*, void** self, ck_error* err) noexcept {
  return Guard(err, [&] { *self = new Transformation(); });
}

void TransformDestroy(void* self) noexcept { delete static_cast<Transformation*>(self); }

ck_status TransformConfigure(void*, const ck_config*, ck_error*) noexcept { return CK_STATUS_OK; }

ck_status TransformApply(void* self, ck_batch* in, ck_batch* out, ck_error* err) noexcept {
  auto output = std::unique_ptr<TransformedBatch>(new (std::nothrow) TransformedBatch());
  if (output == nullptr) {
    in->release(in);
    g_host->error_set(err, CK_ERROR_NO_MEMORY, 0, Str("out of memory"));
    return CK_STATUS_ERROR;
  }
  output->input = *in;  // Moved: from here on the output owns the input.
  in->release = nullptr;
  const ck_status status = Guard(err, [&] {
    auto* transformation = static_cast<Transformation*>(self);
    output->label = "transformed-" + std::to_string(transformation->batches++);
    const ck_batch& input = output->input;
    const auto active = [](const ck_record& r) { return r.value.u.items[kActive].u.i64 != 0; };
    const auto kept =
        static_cast<uint32_t>(std::count_if(input.records, input.records + input.count, active));
    ck_record* records = output->arena.Make<ck_record>(kept);
    ck_record* next = records;
    for (uint32_t i = 0; i < input.count; ++i) {
      const ck_record& source = input.records[i];
      if (!active(source)) continue;
      ck_record& record = *next++ = source;
      const std::string_view topic(source.topic.ptr, source.topic.len);
      record.topic = output->arena.Copy("upper." + std::string(topic));
      ck_value* fields = output->arena.Make<ck_value>(kRowFieldCount);
      std::copy(source.value.u.items, source.value.u.items + kRowFieldCount, fields);
      const ck_str name = fields[kName].u.bytes;
      std::string upper(name.ptr, name.len);
      std::transform(upper.begin(), upper.end(), upper.begin(),
                     [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
      fields[kName] = Text(output->arena.Copy(upper));
      record.value = Items(CK_TYPE_STRUCT, kRowFieldCount, fields);
    }
    *out = {kept, 0, records, &ReleaseTransformedBatch, output.get()};
  });
  if (status == CK_STATUS_OK) {
    (void)output.release();  // now owned by the batch's release callback
  } else {
    output->input.release(&output->input);
  }
  return status;
}

constexpr ck_transformation_vtable kTransformation = {
    .struct_size = sizeof(ck_transformation_vtable),
    .create = &TransformCreate,
    .destroy = &TransformDestroy,
    .configure = &TransformConfigure,
    .apply = &TransformApply};

// ---- Descriptor --------------------------------------------------------------------------------

ck_status Init(const ck_host* host, ck_error*) noexcept {
  g_host = host;
  return CK_STATUS_OK;
}

constexpr ck_component kComponents[] = {
    {.struct_size = sizeof(ck_component),
     .kind = CK_KIND_SOURCE_TASK,
     .class_name = Str("test.cxx.SequenceSource"),
     .version = Str("1.0"),
     .vtable = &kSourceTask},
    {.struct_size = sizeof(ck_component),
     .kind = CK_KIND_TRANSFORMATION,
     .class_name = Str("test.cxx.ActiveRowsUpper"),
     .version = Str("1.0"),
     .vtable = &kTransformation},
};

constexpr char kPluginName[] = CK_TEST_PLUGIN_NAME;
constexpr char kManifest[] = R"({"name":")" CK_TEST_PLUGIN_NAME R"(","version":"1.0",)"
                             R"("components":[)"
                             R"({"kind":"source_task","class":"test.cxx.SequenceSource"},)"
                             R"({"kind":"transformation","class":"test.cxx.ActiveRowsUpper"}]})";

constexpr ck_plugin kPlugin = {.struct_size = sizeof(ck_plugin),
                               .abi_major = CK_ABI_MAJOR,
                               .abi_minor = CK_ABI_MINOR,
                               .name = Str(kPluginName),
                               .version = Str("1.0"),
                               .components = kComponents,
                               .component_count = std::size(kComponents),
                               .init = &Init,
                               .manifest_json = Str(kManifest)};

}  // namespace

extern "C" const ck_plugin* ck_plugin_entry_v1(void) { return &kPlugin; }
