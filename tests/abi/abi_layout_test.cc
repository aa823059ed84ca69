// Golden layout of the plugin ABI (sdk/include/ck/abi/ck_abi.h) on x86_64 (LP64, System V).
//
// Every struct's size and alignment, every member's offset and type, and every ABI constant are
// frozen here as literals, computed once from the header. A change that moves, resizes, retypes or
// renumbers anything fails the build, so the ABI changes only on purpose: appending a slot to a
// table that starts with struct_size is the one compatible change, and it is made by appending the
// new member here and updating the struct's size in the same commit (ck_abi.h "Growth"). Data
// structs without struct_size (values, records, batches) are frozen for the whole major version.
//
// The ABI is also C: abi_c99_check.c compiles the header as strict C99 (see BUILD.bazel).
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "ck/abi/ck_abi.h"
#include "gtest/gtest.h"

namespace {

#if !defined(__x86_64__) || !defined(__LP64__)
#error "These golden values are for x86_64 LP64; add a table for this target."
#endif

// Size and alignment of a struct.
#define CK_STRUCT(T, size, align)     \
  static_assert(sizeof(T) == size);   \
  static_assert(alignof(T) == align); \
  static_assert(std::is_standard_layout_v<T> && std::is_trivially_copyable_v<T>)

// Offset and declared type of a member.
#define CK_MEMBER(T, member, offset, ...)       \
  static_assert(offsetof(T, member) == offset); \
  static_assert(std::is_same_v<decltype(T::member), __VA_ARGS__>)

CK_STRUCT(ck_str, 16, 8);
CK_MEMBER(ck_str, ptr, 0, const char*);
CK_MEMBER(ck_str, len, 8, uint64_t);

CK_STRUCT(ck_buffer, 32, 8);
CK_MEMBER(ck_buffer, data, 0, ck_str);
CK_MEMBER(ck_buffer, release, 16, void (*)(ck_buffer* self));
CK_MEMBER(ck_buffer, private_data, 24, void*);

CK_STRUCT(ck_schema_field, 24, 8);
CK_MEMBER(ck_schema_field, name, 0, ck_str);
CK_MEMBER(ck_schema_field, schema, 16, const ck_schema*);

CK_STRUCT(ck_schema_parameter, 32, 8);
CK_MEMBER(ck_schema_parameter, key, 0, ck_str);
CK_MEMBER(ck_schema_parameter, value, 16, ck_str);

CK_STRUCT(ck_schema, 96, 8);
CK_MEMBER(ck_schema, type, 0, uint32_t);
CK_MEMBER(ck_schema, flags, 4, uint32_t);
CK_MEMBER(ck_schema, version, 8, int32_t);
CK_MEMBER(ck_schema, field_count, 12, uint32_t);
CK_MEMBER(ck_schema, parameter_count, 16, uint32_t);
CK_MEMBER(ck_schema, reserved, 20, uint32_t);
CK_MEMBER(ck_schema, name, 24, ck_str);
CK_MEMBER(ck_schema, doc, 40, ck_str);
CK_MEMBER(ck_schema, parameters, 56, const ck_schema_parameter*);
CK_MEMBER(ck_schema, fields, 64, const ck_schema_field*);
CK_MEMBER(ck_schema, key_schema, 72, const ck_schema*);
CK_MEMBER(ck_schema, value_schema, 80, const ck_schema*);
CK_MEMBER(ck_schema, default_value, 88, const ck_value*);

CK_STRUCT(ck_value, 24, 8);
CK_MEMBER(ck_value, type, 0, uint32_t);
CK_MEMBER(ck_value, count, 4, uint32_t);
static_assert(offsetof(ck_value, u) == 8);
static_assert(offsetof(ck_value, u.i64) == 8);
static_assert(offsetof(ck_value, u.f64) == 8);
static_assert(offsetof(ck_value, u.bytes) == 8);
static_assert(offsetof(ck_value, u.items) == 8);
static_assert(sizeof(ck_value::u) == 16);
static_assert(std::is_same_v<decltype(ck_value{}.u.i64), int64_t>);
static_assert(std::is_same_v<decltype(ck_value{}.u.f64), double>);
static_assert(std::is_same_v<decltype(ck_value{}.u.bytes), ck_str>);
static_assert(std::is_same_v<decltype(ck_value{}.u.items), const ck_value*>);

CK_STRUCT(ck_header, 48, 8);
CK_MEMBER(ck_header, key, 0, ck_str);
CK_MEMBER(ck_header, schema, 16, const ck_schema*);
CK_MEMBER(ck_header, value, 24, ck_value);

CK_STRUCT(ck_record, 184, 8);
CK_MEMBER(ck_record, topic, 0, ck_str);
CK_MEMBER(ck_record, partition, 16, int32_t);
CK_MEMBER(ck_record, timestamp_type, 20, int32_t);
CK_MEMBER(ck_record, timestamp, 24, int64_t);
CK_MEMBER(ck_record, key_schema, 32, const ck_schema*);
CK_MEMBER(ck_record, value_schema, 40, const ck_schema*);
CK_MEMBER(ck_record, key, 48, ck_value);
CK_MEMBER(ck_record, value, 72, ck_value);
CK_MEMBER(ck_record, headers, 96, const ck_header*);
CK_MEMBER(ck_record, header_count, 104, uint32_t);
CK_MEMBER(ck_record, origin, 108, uint32_t);
CK_MEMBER(ck_record, source_partition, 112, ck_str);
CK_MEMBER(ck_record, source_offset, 128, ck_str);
CK_MEMBER(ck_record, kafka_offset, 144, int64_t);
CK_MEMBER(ck_record, original_topic, 152, ck_str);
CK_MEMBER(ck_record, original_partition, 168, int32_t);
CK_MEMBER(ck_record, reserved2, 172, int32_t);
CK_MEMBER(ck_record, original_offset, 176, int64_t);

CK_STRUCT(ck_batch, 32, 8);
CK_MEMBER(ck_batch, count, 0, uint32_t);
CK_MEMBER(ck_batch, reserved, 4, uint32_t);
CK_MEMBER(ck_batch, records, 8, const ck_record*);
CK_MEMBER(ck_batch, release, 16, void (*)(ck_batch* self));
CK_MEMBER(ck_batch, private_data, 24, void*);

CK_STRUCT(ck_blob_batch, 32, 8);
CK_MEMBER(ck_blob_batch, count, 0, uint32_t);
CK_MEMBER(ck_blob_batch, reserved, 4, uint32_t);
CK_MEMBER(ck_blob_batch, items, 8, const ck_str*);
CK_MEMBER(ck_blob_batch, release, 16, void (*)(ck_blob_batch* self));
CK_MEMBER(ck_blob_batch, private_data, 24, void*);

CK_STRUCT(ck_data, 32, 8);
CK_MEMBER(ck_data, schema, 0, const ck_schema*);
CK_MEMBER(ck_data, value, 8, ck_value);

CK_STRUCT(ck_data_batch, 32, 8);
CK_MEMBER(ck_data_batch, count, 0, uint32_t);
CK_MEMBER(ck_data_batch, reserved, 4, uint32_t);
CK_MEMBER(ck_data_batch, items, 8, const ck_data*);
CK_MEMBER(ck_data_batch, release, 16, void (*)(ck_data_batch* self));
CK_MEMBER(ck_data_batch, private_data, 24, void*);

CK_STRUCT(ck_record_metadata, 40, 8);
CK_MEMBER(ck_record_metadata, topic, 0, ck_str);
CK_MEMBER(ck_record_metadata, partition, 16, int32_t);
CK_MEMBER(ck_record_metadata, reserved, 20, int32_t);
CK_MEMBER(ck_record_metadata, offset, 24, int64_t);
CK_MEMBER(ck_record_metadata, timestamp, 32, int64_t);

CK_STRUCT(ck_topic_partition, 24, 8);
CK_MEMBER(ck_topic_partition, topic, 0, ck_str);
CK_MEMBER(ck_topic_partition, partition, 16, int32_t);
CK_MEMBER(ck_topic_partition, reserved, 20, int32_t);

CK_STRUCT(ck_partition_offset, 32, 8);
CK_MEMBER(ck_partition_offset, topic, 0, ck_str);
CK_MEMBER(ck_partition_offset, partition, 16, int32_t);
CK_MEMBER(ck_partition_offset, reserved, 20, int32_t);
CK_MEMBER(ck_partition_offset, offset, 24, int64_t);

CK_STRUCT(ck_offset_list, 32, 8);
CK_MEMBER(ck_offset_list, count, 0, uint32_t);
CK_MEMBER(ck_offset_list, reserved, 4, uint32_t);
CK_MEMBER(ck_offset_list, items, 8, const ck_partition_offset*);
CK_MEMBER(ck_offset_list, release, 16, void (*)(ck_offset_list* self));
CK_MEMBER(ck_offset_list, private_data, 24, void*);

CK_STRUCT(ck_config_entry, 32, 8);
CK_MEMBER(ck_config_entry, key, 0, ck_str);
CK_MEMBER(ck_config_entry, value, 16, ck_str);

CK_STRUCT(ck_config, 16, 8);
CK_MEMBER(ck_config, entries, 0, const ck_config_entry*);
CK_MEMBER(ck_config, count, 8, uint32_t);
CK_MEMBER(ck_config, reserved, 12, uint32_t);

CK_STRUCT(ck_config_list, 32, 8);
CK_MEMBER(ck_config_list, count, 0, uint32_t);
CK_MEMBER(ck_config_list, reserved, 4, uint32_t);
CK_MEMBER(ck_config_list, configs, 8, const ck_config*);
CK_MEMBER(ck_config_list, release, 16, void (*)(ck_config_list* self));
CK_MEMBER(ck_config_list, private_data, 24, void*);

CK_STRUCT(ck_host, 120, 8);
CK_MEMBER(ck_host, struct_size, 0, uint32_t);
CK_MEMBER(ck_host, abi_major, 4, uint16_t);
CK_MEMBER(ck_host, abi_minor, 6, uint16_t);
CK_MEMBER(ck_host, error_set, 8,
          void (*)(ck_error* err, int32_t code, uint32_t flags, ck_str message));
CK_MEMBER(ck_host, error_create, 16, ck_error* (*)(void));
CK_MEMBER(ck_host, error_destroy, 24, void (*)(ck_error* err));
CK_MEMBER(ck_host, error_get, 32, ck_str (*)(const ck_error* err, int32_t* code, uint32_t* flags));
CK_MEMBER(ck_host, log, 40, void (*)(ck_context* ctx, int32_t level, ck_str message));
CK_MEMBER(ck_host, clock_now_ms, 48, int64_t (*)(void));
CK_MEMBER(ck_host, offset_read, 56,
          ck_status (*)(ck_context* ctx, ck_str partition_json, ck_buffer* out, ck_error* err));
CK_MEMBER(ck_host, request_task_reconfiguration, 64, void (*)(ck_context* ctx));
CK_MEMBER(ck_host, raise_error, 72, void (*)(ck_context* ctx, ck_str message));
CK_MEMBER(ck_host, sink_seek, 80, void (*)(ck_context* ctx, ck_topic_partition tp, int64_t offset));
CK_MEMBER(ck_host, sink_timeout, 88, void (*)(ck_context* ctx, int64_t timeout_ms));
CK_MEMBER(ck_host, sink_pause, 96,
          void (*)(ck_context* ctx, ck_topic_partition tp, int32_t paused));
CK_MEMBER(ck_host, sink_request_commit, 104, void (*)(ck_context* ctx));
CK_MEMBER(ck_host, sink_report_errant, 112,
          ck_status (*)(ck_context* ctx, const ck_record* record, ck_str message, ck_error* err));

CK_STRUCT(ck_connector_vtable, 72, 8);
CK_MEMBER(ck_connector_vtable, struct_size, 0, uint32_t);
CK_MEMBER(ck_connector_vtable, reserved, 4, uint32_t);
CK_MEMBER(ck_connector_vtable, create, 8,
          ck_status (*)(ck_context* ctx, void** self, ck_error* err));
CK_MEMBER(ck_connector_vtable, destroy, 16, void (*)(void* self));
CK_MEMBER(ck_connector_vtable, validate, 24,
          ck_status (*)(void* self, const ck_config* config, ck_buffer* out, ck_error* err));
CK_MEMBER(ck_connector_vtable, start, 32,
          ck_status (*)(void* self, const ck_config* config, ck_error* err));
CK_MEMBER(ck_connector_vtable, task_configs, 40,
          ck_status (*)(void* self, uint32_t max_tasks, ck_config_list* out, ck_error* err));
CK_MEMBER(ck_connector_vtable, stop, 48, ck_status (*)(void* self, ck_error* err));
CK_MEMBER(ck_connector_vtable, alter_offsets, 56,
          ck_status (*)(void* self, const ck_config* config, ck_str offsets_json, int32_t* altered,
                        ck_error* err));
CK_MEMBER(ck_connector_vtable, exactly_once_support, 64,
          ck_status (*)(void* self, const ck_config* config, int32_t* supported, ck_error* err));

CK_STRUCT(ck_source_task_vtable, 64, 8);
CK_MEMBER(ck_source_task_vtable, struct_size, 0, uint32_t);
CK_MEMBER(ck_source_task_vtable, reserved, 4, uint32_t);
CK_MEMBER(ck_source_task_vtable, create, 8,
          ck_status (*)(ck_context* ctx, void** self, ck_error* err));
CK_MEMBER(ck_source_task_vtable, destroy, 16, void (*)(void* self));
CK_MEMBER(ck_source_task_vtable, start, 24,
          ck_status (*)(void* self, const ck_config* config, ck_error* err));
CK_MEMBER(ck_source_task_vtable, poll, 32, ck_status (*)(void* self, ck_batch* out, ck_error* err));
CK_MEMBER(ck_source_task_vtable, commit, 40, ck_status (*)(void* self, ck_error* err));
CK_MEMBER(ck_source_task_vtable, commit_record, 48,
          ck_status (*)(void* self, const ck_record* record, const ck_record_metadata* metadata,
                        ck_error* err));
CK_MEMBER(ck_source_task_vtable, stop, 56, ck_status (*)(void* self, ck_error* err));

CK_STRUCT(ck_sink_task_vtable, 80, 8);
CK_MEMBER(ck_sink_task_vtable, struct_size, 0, uint32_t);
CK_MEMBER(ck_sink_task_vtable, reserved, 4, uint32_t);
CK_MEMBER(ck_sink_task_vtable, create, 8,
          ck_status (*)(ck_context* ctx, void** self, ck_error* err));
CK_MEMBER(ck_sink_task_vtable, destroy, 16, void (*)(void* self));
CK_MEMBER(ck_sink_task_vtable, start, 24,
          ck_status (*)(void* self, const ck_config* config, ck_error* err));
CK_MEMBER(ck_sink_task_vtable, put, 32,
          ck_status (*)(void* self, const ck_batch* batch, ck_error* err));
CK_MEMBER(ck_sink_task_vtable, flush, 40,
          ck_status (*)(void* self, const ck_offset_list* offsets, ck_error* err));
CK_MEMBER(ck_sink_task_vtable, pre_commit, 48,
          ck_status (*)(void* self, const ck_offset_list* offsets, ck_offset_list* out,
                        ck_error* err));
CK_MEMBER(ck_sink_task_vtable, open, 56,
          ck_status (*)(void* self, const ck_topic_partition* partitions, uint32_t count,
                        ck_error* err));
CK_MEMBER(ck_sink_task_vtable, close, 64,
          ck_status (*)(void* self, const ck_topic_partition* partitions, uint32_t count,
                        ck_error* err));
CK_MEMBER(ck_sink_task_vtable, stop, 72, ck_status (*)(void* self, ck_error* err));

CK_STRUCT(ck_converter_vtable, 48, 8);
CK_MEMBER(ck_converter_vtable, struct_size, 0, uint32_t);
CK_MEMBER(ck_converter_vtable, reserved, 4, uint32_t);
CK_MEMBER(ck_converter_vtable, create, 8,
          ck_status (*)(ck_context* ctx, void** self, ck_error* err));
CK_MEMBER(ck_converter_vtable, destroy, 16, void (*)(void* self));
CK_MEMBER(ck_converter_vtable, configure, 24,
          ck_status (*)(void* self, const ck_config* config, int32_t is_key, ck_error* err));
CK_MEMBER(ck_converter_vtable, from_connect, 32,
          ck_status (*)(void* self, const ck_batch* records, ck_blob_batch* out, ck_error* err));
CK_MEMBER(ck_converter_vtable, to_connect, 40,
          ck_status (*)(void* self, const ck_str* topics, const ck_blob_batch* blobs,
                        ck_data_batch* out, ck_error* err));

CK_STRUCT(ck_header_converter_vtable, 48, 8);
CK_MEMBER(ck_header_converter_vtable, struct_size, 0, uint32_t);
CK_MEMBER(ck_header_converter_vtable, reserved, 4, uint32_t);
CK_MEMBER(ck_header_converter_vtable, create, 8,
          ck_status (*)(ck_context* ctx, void** self, ck_error* err));
CK_MEMBER(ck_header_converter_vtable, destroy, 16, void (*)(void* self));
CK_MEMBER(ck_header_converter_vtable, configure, 24,
          ck_status (*)(void* self, const ck_config* config, ck_error* err));
CK_MEMBER(ck_header_converter_vtable, from_connect, 32,
          ck_status (*)(void* self, ck_str topic, const ck_header* headers, uint32_t count,
                        ck_blob_batch* out, ck_error* err));
CK_MEMBER(ck_header_converter_vtable, to_connect, 40,
          ck_status (*)(void* self, ck_str topic, const ck_str* keys, const ck_blob_batch* blobs,
                        ck_data_batch* out, ck_error* err));

CK_STRUCT(ck_transformation_vtable, 40, 8);
CK_MEMBER(ck_transformation_vtable, struct_size, 0, uint32_t);
CK_MEMBER(ck_transformation_vtable, reserved, 4, uint32_t);
CK_MEMBER(ck_transformation_vtable, create, 8,
          ck_status (*)(ck_context* ctx, void** self, ck_error* err));
CK_MEMBER(ck_transformation_vtable, destroy, 16, void (*)(void* self));
CK_MEMBER(ck_transformation_vtable, configure, 24,
          ck_status (*)(void* self, const ck_config* config, ck_error* err));
CK_MEMBER(ck_transformation_vtable, apply, 32,
          ck_status (*)(void* self, ck_batch* in, ck_batch* out, ck_error* err));

CK_STRUCT(ck_predicate_vtable, 40, 8);
CK_MEMBER(ck_predicate_vtable, struct_size, 0, uint32_t);
CK_MEMBER(ck_predicate_vtable, reserved, 4, uint32_t);
CK_MEMBER(ck_predicate_vtable, create, 8,
          ck_status (*)(ck_context* ctx, void** self, ck_error* err));
CK_MEMBER(ck_predicate_vtable, destroy, 16, void (*)(void* self));
CK_MEMBER(ck_predicate_vtable, configure, 24,
          ck_status (*)(void* self, const ck_config* config, ck_error* err));
CK_MEMBER(ck_predicate_vtable, test, 32,
          ck_status (*)(void* self, const ck_batch* records, uint8_t* results, ck_error* err));

CK_STRUCT(ck_component, 64, 8);
CK_MEMBER(ck_component, struct_size, 0, uint32_t);
CK_MEMBER(ck_component, kind, 4, uint32_t);
CK_MEMBER(ck_component, class_name, 8, ck_str);
CK_MEMBER(ck_component, version, 24, ck_str);
CK_MEMBER(ck_component, task_class, 40, ck_str);
CK_MEMBER(ck_component, vtable, 56, const void*);

CK_STRUCT(ck_plugin, 80, 8);
CK_MEMBER(ck_plugin, struct_size, 0, uint32_t);
CK_MEMBER(ck_plugin, abi_major, 4, uint16_t);
CK_MEMBER(ck_plugin, abi_minor, 6, uint16_t);
CK_MEMBER(ck_plugin, name, 8, ck_str);
CK_MEMBER(ck_plugin, version, 24, ck_str);
CK_MEMBER(ck_plugin, components, 40, const ck_component*);
CK_MEMBER(ck_plugin, component_count, 48, uint32_t);
CK_MEMBER(ck_plugin, reserved, 52, uint32_t);
CK_MEMBER(ck_plugin, init, 56, ck_status (*)(const ck_host* host, ck_error* err));
CK_MEMBER(ck_plugin, manifest_json, 64, ck_str);

CK_STRUCT(ck_note_header, 8, 4);
CK_MEMBER(ck_note_header, abi_major, 0, uint16_t);
CK_MEMBER(ck_note_header, abi_minor_required, 2, uint16_t);
CK_MEMBER(ck_note_header, manifest_len, 4, uint32_t);

// The entry point and the constants both sides compile in.
static_assert(std::is_same_v<decltype(&ck_plugin_entry_v1), const ck_plugin* (*)()>);
static_assert(CK_ABI_MAJOR == 0);
static_assert(CK_STATUS_OK == 0 && CK_STATUS_ERROR == -1 &&  // NOLINT(misc-redundant-expression)
              CK_STATUS_UNSUPPORTED == -2);                  // NOLINT(misc-redundant-expression)
static_assert(CK_ERROR_CONNECT == 1 && CK_ERROR_CONFIG == 2 && CK_ERROR_DATA == 3 &&
              CK_ERROR_NO_MEMORY == 4 && CK_ERROR_UNSUPPORTED == 5 && CK_ERROR_INTERNAL == 6);
static_assert(CK_ERROR_FLAG_RETRIABLE == 1u);
static_assert(CK_TYPE_NULL == 0 && CK_TYPE_INT8 == 1 && CK_TYPE_INT16 == 2 && CK_TYPE_INT32 == 3 &&
              CK_TYPE_INT64 == 4 && CK_TYPE_FLOAT32 == 5 && CK_TYPE_FLOAT64 == 6 &&
              CK_TYPE_BOOLEAN == 7 && CK_TYPE_STRING == 8 && CK_TYPE_BYTES == 9 &&
              CK_TYPE_ARRAY == 10 && CK_TYPE_MAP == 11 && CK_TYPE_STRUCT == 12);
static_assert(CK_SCHEMA_OPTIONAL == 1u && CK_SCHEMA_HAS_VERSION == 2u);
static_assert(CK_TIMESTAMP_NONE == 0 && CK_TIMESTAMP_CREATE == 1 && CK_TIMESTAMP_LOG_APPEND == 2);
static_assert(CK_NO_TIMESTAMP == INT64_MIN);  // NOLINT(misc-redundant-expression)
static_assert(CK_LOG_TRACE == 0 && CK_LOG_DEBUG == 1 && CK_LOG_INFO == 2 && CK_LOG_WARN == 3 &&
              CK_LOG_ERROR == 4);
static_assert(CK_KIND_SOURCE_CONNECTOR == 1 && CK_KIND_SINK_CONNECTOR == 2 &&
              CK_KIND_SOURCE_TASK == 3 && CK_KIND_SINK_TASK == 4 && CK_KIND_CONVERTER == 5 &&
              CK_KIND_HEADER_CONVERTER == 6 && CK_KIND_TRANSFORMATION == 7 &&
              CK_KIND_PREDICATE == 8);
static_assert(CK_NOTE_TYPE_MANIFEST == 0x434b0001u);

TEST(AbiLayoutTest, StringConstantsAreFrozen) {
  EXPECT_STREQ(CK_PLUGIN_ENTRY_SYMBOL, "ck_plugin_entry_v1");
  EXPECT_STREQ(CK_NOTE_SECTION, ".note.connectkit");
  static_assert(sizeof(CK_NOTE_NAME) == 11);
  EXPECT_STREQ(CK_NOTE_NAME, "ConnectKit");
}

TEST(AbiLayoutTest, HasSlotCoversWholeSlotsOnly) {
  ck_host host{};
  host.struct_size = offsetof(ck_host, log) + sizeof(host.log);
  EXPECT_TRUE(CK_HAS_SLOT(&host, ck_host, log));
  EXPECT_FALSE(CK_HAS_SLOT(&host, ck_host, clock_now_ms));
  host.struct_size += sizeof(host.clock_now_ms) - 1;
  EXPECT_FALSE(CK_HAS_SLOT(&host, ck_host, clock_now_ms));
}

}  // namespace
