/**
 * @file ck_abi.h
 * @brief The ConnectKit plugin ABI: the only contract between the runtime (the host) and a plugin.
 *
 * C99, fixed-width types, no C++ types. Strings are `{ptr,len}` pairs (#ck_str), never assumed to
 * be NUL-terminated. A plugin exports exactly one function, ck_plugin_entry_v1(), returning a
 * #ck_plugin descriptor; everything else crosses through tables of function pointers:
 * the host hands the plugin a #ck_host services table, and each component publishes a vtable.
 *
 * Rules that hold for every declaration (docs/abi.md explains them):
 * - **Versions**: the ABI major must be equal; the plugin's required minor must be <= the host's.
 *   The host checks them from the plugin's manifest note before any plugin code runs.
 * - **Growth**: tables that start with `struct_size` only grow by appending; each side reads a slot
 *   only when the other side's `struct_size` covers it (#CK_HAS_SLOT). Data structs without
 *   `struct_size` (values, records, batches) are frozen.
 * - **Ownership** classes, named on each declaration: *borrowed* (valid until the call returns),
 *   *transferred* (the receiver calls `release` exactly once; the producer's allocator frees it),
 *   *host-owned* / *plugin-owned* (the owner frees it; the other side never does).
 * - **Errors**: every fallible function returns #ck_status and fills a host-owned #ck_error
 *   through ck_host::error_set. No exception and no longjmp ever crosses the boundary.
 * - **Threading**: `[task thread]` functions run on the component's own thread, one call at a
 *   time; `[any thread]` functions may be called concurrently with them.
 */
#ifndef CK_ABI_CK_ABI_H_
#define CK_ABI_CK_ABI_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** @brief ABI major version. Plugins and hosts load each other only when majors are equal. */
#define CK_ABI_MAJOR 0
/** @brief ABI minor version of these headers; a plugin requires at most the host's minor. */
#define CK_ABI_MINOR 1

/** @brief Marks the plugin entry point as the one exported symbol. */
#define CK_EXPORT __attribute__((visibility("default")))

/**
 * @brief True when the table `p` (with a `struct_size` member) is large enough to hold `slot`.
 * @param p pointer to a table that starts with `uint32_t struct_size`.
 * @param type the table's type.
 * @param slot the member to test.
 */
#define CK_HAS_SLOT(p, type, slot) \
  ((p)->struct_size >= offsetof(type, slot) + sizeof(((type*)0)->slot))

/**
 * @brief A UTF-8 or binary string: `len` bytes at `ptr`, not NUL-terminated.
 * OWNERSHIP: borrowed from whoever holds the enclosing object.
 * LIFETIME: that of the enclosing object. THREADING: immutable, any thread.
 * @since 0.1
 */
typedef struct ck_str {
  const char* ptr; /**< First byte; may be NULL when `len` is 0 (and marks null in blob batches). */
  uint64_t len;    /**< Number of bytes. */
} ck_str;

/**
 * @brief Result of every fallible ABI function: #CK_STATUS_OK or a negative error.
 * @since 0.1
 */
typedef int32_t ck_status;

/** @brief The call succeeded. */
#define CK_STATUS_OK 0
/** @brief The call failed; details are in the #ck_error passed to it. */
#define CK_STATUS_ERROR (-1)
/** @brief The slot exists but the component does not implement it; not an error in itself. */
#define CK_STATUS_UNSUPPORTED (-2)

/** @brief Error codes carried by #ck_error (mirror Kafka Connect's exception classes). */
typedef enum ck_error_code {
  CK_ERROR_CONNECT = 1,     /**< A generic failure (ConnectException). */
  CK_ERROR_CONFIG = 2,      /**< Invalid configuration (ConfigException). */
  CK_ERROR_DATA = 3,        /**< Data does not match its schema (DataException). */
  CK_ERROR_NO_MEMORY = 4,   /**< Allocation failed (std::bad_alloc). */
  CK_ERROR_UNSUPPORTED = 5, /**< Operation not supported (UnsupportedOperationException). */
  CK_ERROR_INTERNAL = 6     /**< Unexpected failure, e.g. a non-standard exception. */
} ck_error_code;

/** @brief #ck_error flag: the operation may succeed if retried (RetriableException). */
#define CK_ERROR_FLAG_RETRIABLE 1u

/**
 * @brief An error object. Opaque; created by the host, filled by ck_host::error_set.
 * OWNERSHIP: host-owned. LIFETIME: valid for the duration of the call it is passed to.
 * THREADING: used only by the thread of that call.
 * @since 0.1
 */
typedef struct ck_error ck_error;

/**
 * @brief The host's per-component context: log context, offsets, sink/connector controls.
 * Opaque. OWNERSHIP: host-owned. LIFETIME: from the component's `create` until its `destroy`
 * returns. THREADING: any thread.
 * @since 0.1
 */
typedef struct ck_context ck_context;

/**
 * @brief A byte buffer handed from one side to the other.
 * OWNERSHIP: transferred; the receiver calls `release` exactly once (when non-NULL).
 * LIFETIME: until released. THREADING: any thread.
 * @since 0.1
 */
typedef struct ck_buffer {
  ck_str data;                             /**< The bytes. */
  void (*release)(struct ck_buffer* self); /**< Frees `data` with the producer's allocator. */
  void* private_data;                      /**< The producer's bookkeeping. */
} ck_buffer;

/* ------------------------------------------------------------------------------------------ */
/* Schemas and values                                                                          */
/* ------------------------------------------------------------------------------------------ */

/** @brief Kafka Connect schema types, plus #CK_TYPE_NULL as the tag of a null value. */
typedef enum ck_type {
  CK_TYPE_NULL = 0,    /**< A null value (never a schema type). */
  CK_TYPE_INT8 = 1,    /**< 8-bit signed integer, in ck_value::i64. */
  CK_TYPE_INT16 = 2,   /**< 16-bit signed integer, in ck_value::i64. */
  CK_TYPE_INT32 = 3,   /**< 32-bit signed integer, in ck_value::i64. */
  CK_TYPE_INT64 = 4,   /**< 64-bit signed integer, in ck_value::i64. */
  CK_TYPE_FLOAT32 = 5, /**< IEEE 754 single, widened exactly into ck_value::f64. */
  CK_TYPE_FLOAT64 = 6, /**< IEEE 754 double, in ck_value::f64. */
  CK_TYPE_BOOLEAN = 7, /**< 0 or 1, in ck_value::i64. */
  CK_TYPE_STRING = 8,  /**< UTF-8 text, in ck_value::bytes. */
  CK_TYPE_BYTES = 9,   /**< Binary data, in ck_value::bytes. */
  CK_TYPE_ARRAY = 10,  /**< `count` elements in ck_value::items. */
  CK_TYPE_MAP = 11,    /**< `count` entries as 2*count items: key0, value0, key1, value1, ... */
  CK_TYPE_STRUCT = 12  /**< `count` field values in ck_value::items, in schema field order. */
} ck_type;

/** @brief #ck_schema flag: the schema is optional (null values allowed). */
#define CK_SCHEMA_OPTIONAL 1u
/** @brief #ck_schema flag: ck_schema::version is set. */
#define CK_SCHEMA_HAS_VERSION 2u

struct ck_schema;
struct ck_value;

/** @brief One field of a struct schema. @since 0.1 */
typedef struct ck_schema_field {
  ck_str name;                    /**< Field name. */
  const struct ck_schema* schema; /**< Field schema; never NULL. */
} ck_schema_field;

/** @brief One schema parameter (e.g. a Decimal's `scale`). @since 0.1 */
typedef struct ck_schema_parameter {
  ck_str key;   /**< Parameter name. */
  ck_str value; /**< Parameter value. */
} ck_schema_parameter;

/**
 * @brief A Kafka Connect schema. Frozen layout.
 * OWNERSHIP: owned by the producer of the batch (or object) that points to it.
 * LIFETIME: that of the batch. THREADING: immutable, any thread.
 * @since 0.1
 */
typedef struct ck_schema {
  uint32_t type;                         /**< A #ck_type other than #CK_TYPE_NULL. */
  uint32_t flags;                        /**< #CK_SCHEMA_OPTIONAL, #CK_SCHEMA_HAS_VERSION. */
  int32_t version;                       /**< Schema version, when #CK_SCHEMA_HAS_VERSION. */
  uint32_t field_count;                  /**< Number of `fields` (structs). */
  uint32_t parameter_count;              /**< Number of `parameters`. */
  uint32_t reserved;                     /**< Zero. */
  ck_str name;                           /**< Schema name (e.g. a logical type); empty if none. */
  ck_str doc;                            /**< Documentation; empty if none. */
  const ck_schema_parameter* parameters; /**< `parameter_count` parameters, in order. */
  const ck_schema_field* fields;         /**< `field_count` fields (structs only). */
  const struct ck_schema* key_schema;    /**< Key schema (maps only), else NULL. */
  const struct ck_schema* value_schema;  /**< Element/value schema (arrays, maps), else NULL. */
  const struct ck_value* default_value;  /**< Default value, or NULL when none. */
} ck_schema;

/**
 * @brief A value: a tagged tree matching a #ck_schema (or schemaless). Frozen layout.
 * OWNERSHIP: owned by the producer of the enclosing batch. LIFETIME: that of the batch.
 * THREADING: immutable, any thread.
 * @since 0.1
 */
typedef struct ck_value {
  uint32_t type;  /**< A #ck_type; #CK_TYPE_NULL for null. */
  uint32_t count; /**< Arrays: elements; maps: entries; structs: fields. */
  union {
    int64_t i64;                  /**< Integers and booleans. */
    double f64;                   /**< Floats. */
    ck_str bytes;                 /**< Strings and bytes. */
    const struct ck_value* items; /**< Arrays, maps and structs (see #ck_type). */
  } u;                            /**< The payload selected by `type`. */
} ck_value;

/* ------------------------------------------------------------------------------------------ */
/* Records and batches                                                                         */
/* ------------------------------------------------------------------------------------------ */

/** @brief Timestamp types of Kafka records. */
typedef enum ck_timestamp_type {
  CK_TIMESTAMP_NONE = 0,      /**< No timestamp. */
  CK_TIMESTAMP_CREATE = 1,    /**< Set by the producer. */
  CK_TIMESTAMP_LOG_APPEND = 2 /**< Set by the broker. */
} ck_timestamp_type;

/** @brief ck_record::timestamp when the record has none. */
#define CK_NO_TIMESTAMP INT64_MIN

/** @brief One record header. @since 0.1 */
typedef struct ck_header {
  ck_str key;              /**< Header name. */
  const ck_schema* schema; /**< Schema of `value`, or NULL when schemaless. */
  ck_value value;          /**< Header value. */
} ck_header;

/**
 * @brief A Connect record: a SourceRecord, a SinkRecord, or a record between transformations.
 * Fields that do not apply are zero (`partition`, `kafka_offset` and friends are -1 when unset).
 * OWNERSHIP: owned by the producer of its batch. LIFETIME: that of the batch.
 * THREADING: immutable, any thread.
 * @since 0.1
 */
typedef struct ck_record {
  ck_str topic;                  /**< Topic. */
  int32_t partition;             /**< Kafka partition, or -1 to let the producer choose. */
  int32_t timestamp_type;        /**< A #ck_timestamp_type. */
  int64_t timestamp;             /**< Milliseconds since the epoch, or #CK_NO_TIMESTAMP. */
  const ck_schema* key_schema;   /**< Key schema, or NULL when schemaless. */
  const ck_schema* value_schema; /**< Value schema, or NULL when schemaless. */
  ck_value key;                  /**< Key. */
  ck_value value;                /**< Value (#CK_TYPE_NULL for a tombstone). */
  const ck_header* headers;      /**< `header_count` headers, in order. */
  uint32_t header_count;         /**< Number of headers. */
  uint32_t origin;               /**< Transformation output: index of the input record it came
                                      from (set by the SDK), so the host can track offsets of
                                      dropped records; elsewhere zero. */
  ck_str source_partition;       /**< Source records: the source partition as a JSON object. */
  ck_str source_offset;          /**< Source records: the source offset as a JSON object. */
  int64_t kafka_offset;          /**< Sink records: the Kafka offset; else -1. */
  ck_str original_topic;         /**< Sink records: the topic before any transformation. */
  int32_t original_partition;    /**< Sink records: the partition before any transformation. */
  int32_t reserved2;             /**< Zero. */
  int64_t original_offset;       /**< Sink records: the offset before any transformation. */
} ck_record;

/**
 * @brief A batch of records, in order. The Arrow C Data Interface discipline applies: the
 * producer allocates everything the batch points to; the consumer calls `release` exactly once;
 * a released batch has `release == NULL`; moving = bitwise copy, then NULL the source's `release`.
 * OWNERSHIP: transferred, unless a function says borrowed. LIFETIME: until released.
 * THREADING: any thread, one owner at a time.
 * @since 0.1
 */
typedef struct ck_batch {
  uint32_t count;                         /**< Number of records. */
  uint32_t reserved;                      /**< Zero. */
  const ck_record* records;               /**< `count` records. */
  void (*release)(struct ck_batch* self); /**< Frees the batch; NULL once released. */
  void* private_data;                     /**< The producer's bookkeeping. */
} ck_batch;

/**
 * @brief Serialised keys, values or headers: one blob per record. A blob with `ptr == NULL` is
 * null. OWNERSHIP: transferred (see #ck_batch). LIFETIME: until released. THREADING: any thread.
 * @since 0.1
 */
typedef struct ck_blob_batch {
  uint32_t count;                              /**< Number of blobs. */
  uint32_t reserved;                           /**< Zero. */
  const ck_str* items;                         /**< `count` blobs. */
  void (*release)(struct ck_blob_batch* self); /**< Frees the batch; NULL once released. */
  void* private_data;                          /**< The producer's bookkeeping. */
} ck_blob_batch;

/** @brief A schema and a value (Kafka Connect's SchemaAndValue). @since 0.1 */
typedef struct ck_data {
  const ck_schema* schema; /**< Schema, or NULL when schemaless. */
  ck_value value;          /**< Value. */
} ck_data;

/**
 * @brief Deserialised data: one #ck_data per blob. OWNERSHIP: transferred (see #ck_batch).
 * LIFETIME: until released. THREADING: any thread.
 * @since 0.1
 */
typedef struct ck_data_batch {
  uint32_t count;                              /**< Number of items. */
  uint32_t reserved;                           /**< Zero. */
  const ck_data* items;                        /**< `count` items. */
  void (*release)(struct ck_data_batch* self); /**< Frees the batch; NULL once released. */
  void* private_data;                          /**< The producer's bookkeeping. */
} ck_data_batch;

/** @brief Where the broker stored a source record (Kafka's RecordMetadata). @since 0.1 */
typedef struct ck_record_metadata {
  ck_str topic;      /**< Topic written to. */
  int32_t partition; /**< Partition written to. */
  int32_t reserved;  /**< Zero. */
  int64_t offset;    /**< Offset assigned by the broker. */
  int64_t timestamp; /**< Record timestamp, or #CK_NO_TIMESTAMP. */
} ck_record_metadata;

/** @brief A topic partition. @since 0.1 */
typedef struct ck_topic_partition {
  ck_str topic;      /**< Topic. */
  int32_t partition; /**< Partition. */
  int32_t reserved;  /**< Zero. */
} ck_topic_partition;

/** @brief A topic partition and an offset (the next offset to consume). @since 0.1 */
typedef struct ck_partition_offset {
  ck_str topic;      /**< Topic. */
  int32_t partition; /**< Partition. */
  int32_t reserved;  /**< Zero. */
  int64_t offset;    /**< Offset. */
} ck_partition_offset;

/**
 * @brief A list of partition offsets. OWNERSHIP: borrowed when passed in; transferred when
 * filled as an out-parameter (the receiver calls `release` once). THREADING: any thread.
 * @since 0.1
 */
typedef struct ck_offset_list {
  uint32_t count;                               /**< Number of items. */
  uint32_t reserved;                            /**< Zero. */
  const ck_partition_offset* items;             /**< `count` items. */
  void (*release)(struct ck_offset_list* self); /**< Frees the list, or NULL when borrowed. */
  void* private_data;                           /**< The producer's bookkeeping. */
} ck_offset_list;

/* ------------------------------------------------------------------------------------------ */
/* Configuration                                                                               */
/* ------------------------------------------------------------------------------------------ */

/** @brief One configuration entry. @since 0.1 */
typedef struct ck_config_entry {
  ck_str key;   /**< Configuration key. */
  ck_str value; /**< Its value, as a string (placeholders already resolved). */
} ck_config_entry;

/**
 * @brief A string-to-string configuration map.
 * OWNERSHIP: borrowed. LIFETIME: until the call returns. THREADING: the calling thread.
 * @since 0.1
 */
typedef struct ck_config {
  const ck_config_entry* entries; /**< `count` entries, keys unique. */
  uint32_t count;                 /**< Number of entries. */
  uint32_t reserved;              /**< Zero. */
} ck_config;

/**
 * @brief A list of task configurations returned by a connector.
 * OWNERSHIP: transferred to the host, which calls `release` once. THREADING: any thread.
 * @since 0.1
 */
typedef struct ck_config_list {
  uint32_t count;                               /**< Number of task configurations. */
  uint32_t reserved;                            /**< Zero. */
  const ck_config* configs;                     /**< `count` configurations. */
  void (*release)(struct ck_config_list* self); /**< Frees the list. */
  void* private_data;                           /**< The producer's bookkeeping. */
} ck_config_list;

/* ------------------------------------------------------------------------------------------ */
/* Host services (host -> plugin)                                                              */
/* ------------------------------------------------------------------------------------------ */

/** @brief Log levels for ck_host::log. */
typedef enum ck_log_level {
  CK_LOG_TRACE = 0, /**< Trace. */
  CK_LOG_DEBUG = 1, /**< Debug. */
  CK_LOG_INFO = 2,  /**< Info. */
  CK_LOG_WARN = 3,  /**< Warning. */
  CK_LOG_ERROR = 4  /**< Error. */
} ck_log_level;

/**
 * @brief Services the host offers to plugins. The plugin links no host symbols; it calls these.
 * Every function is safe to call from any thread and never throws. Slots are only appended;
 * read a slot only when #CK_HAS_SLOT says the host's table holds it.
 * OWNERSHIP: host-owned. LIFETIME: from ck_plugin::init until the process exits.
 * THREADING: any thread.
 * @since 0.1
 */
typedef struct ck_host {
  uint32_t struct_size; /**< sizeof(ck_host) as the host was compiled. */
  uint16_t abi_major;   /**< The host's #CK_ABI_MAJOR. */
  uint16_t abi_minor;   /**< The host's #CK_ABI_MINOR. */

  /**
   * @brief Fills an error object. The host copies `message`.
   * @param err the error passed to the current call. @param code a #ck_error_code.
   * @param flags #CK_ERROR_FLAG_RETRIABLE or 0. @param message what failed (borrowed).
   */
  void (*error_set)(ck_error* err, int32_t code, uint32_t flags, ck_str message);

  /**
   * @brief Creates an empty error object, for calls the plugin makes into this table outside of
   * a host call (or to inspect an error the host reported).
   * @return the error; transferred to the caller, who frees it with error_destroy.
   */
  ck_error* (*error_create)(void);

  /** @brief Frees an error made by error_create. @param err the error, or NULL. */
  void (*error_destroy)(ck_error* err);

  /**
   * @brief Reads an error object.
   * @param err the error. @param code out: its #ck_error_code, 0 when unset (may be NULL).
   * @param flags out: its flags (may be NULL).
   * @return its message, borrowed from `err` (valid until it is set again or destroyed).
   */
  ck_str (*error_get)(const ck_error* err, int32_t* code, uint32_t* flags);

  /**
   * @brief Writes a log line with the component's context (`[connector|task-N]`).
   * @param ctx the component's context, or NULL for plugin-level messages.
   * @param level a #ck_log_level. @param message the text (borrowed).
   */
  void (*log)(ck_context* ctx, int32_t level, ck_str message);

  /** @brief Wall-clock time in milliseconds since the epoch. @return the time. */
  int64_t (*clock_now_ms)(void);

  /**
   * @brief Source tasks and connectors: reads the last committed offset of a source partition.
   * @param ctx the component's context. @param partition_json the partition as a JSON object.
   * @param out filled with the offset as a JSON object, or empty data when none is stored;
   *        transferred to the caller, who calls `out->release` once.
   * @param err filled on failure. @return #CK_STATUS_OK or #CK_STATUS_ERROR.
   */
  ck_status (*offset_read)(ck_context* ctx, ck_str partition_json, ck_buffer* out, ck_error* err);

  /** @brief Connectors: asks the host to call task_configs again. @param ctx the context. */
  void (*request_task_reconfiguration)(ck_context* ctx);

  /**
   * @brief Connectors: fails the connector from a background thread.
   * @param ctx the context. @param message the reason (borrowed).
   */
  void (*raise_error)(ck_context* ctx, ck_str message);

  /**
   * @brief Sink tasks: resets the consumer position of a partition (SinkTaskContext.offset).
   * @param ctx the context. @param tp the partition. @param offset the next offset to consume.
   */
  void (*sink_seek)(ck_context* ctx, ck_topic_partition tp, int64_t offset);

  /**
   * @brief Sink tasks: backoff before a batch that failed with a retriable error is redelivered.
   * @param ctx the context. @param timeout_ms the backoff in milliseconds.
   */
  void (*sink_timeout)(ck_context* ctx, int64_t timeout_ms);

  /**
   * @brief Sink tasks: pauses (or resumes) consumption of a partition.
   * @param ctx the context. @param tp the partition. @param paused 1 to pause, 0 to resume.
   */
  void (*sink_pause)(ck_context* ctx, ck_topic_partition tp, int32_t paused);

  /** @brief Sink tasks: requests an offset commit soon. @param ctx the context. */
  void (*sink_request_commit)(ck_context* ctx);

  /**
   * @brief Sink tasks: reports a record the task could not process (ErrantRecordReporter). The
   * host sends it to the dead-letter queue or fails the task, per `errors.tolerance`.
   * @param ctx the context. @param record the record as received in put (borrowed).
   * @param message why it failed (borrowed). @param err filled when reporting itself failed.
   * @return #CK_STATUS_OK, #CK_STATUS_ERROR, or #CK_STATUS_UNSUPPORTED when no reporter is set.
   */
  ck_status (*sink_report_errant)(ck_context* ctx, const ck_record* record, ck_str message,
                                  ck_error* err);
} ck_host;

/* ------------------------------------------------------------------------------------------ */
/* Component vtables (plugin -> host)                                                          */
/* ------------------------------------------------------------------------------------------ */

/**
 * @brief Kinds of components a plugin provides; each has its own vtable type.
 * @since 0.1
 */
typedef enum ck_component_kind {
  CK_KIND_SOURCE_CONNECTOR = 1, /**< #ck_connector_vtable. */
  CK_KIND_SINK_CONNECTOR = 2,   /**< #ck_connector_vtable. */
  CK_KIND_SOURCE_TASK = 3,      /**< #ck_source_task_vtable. */
  CK_KIND_SINK_TASK = 4,        /**< #ck_sink_task_vtable. */
  CK_KIND_CONVERTER = 5,        /**< #ck_converter_vtable. */
  CK_KIND_HEADER_CONVERTER = 6, /**< #ck_header_converter_vtable. */
  CK_KIND_TRANSFORMATION = 7,   /**< #ck_transformation_vtable. */
  CK_KIND_PREDICATE = 8         /**< #ck_predicate_vtable. */
} ck_component_kind;

/**
 * @brief Source and sink connectors. Every slot is `[task thread]` (the connector's thread)
 * unless marked otherwise; `self` is the instance made by `create`.
 * OWNERSHIP: plugin-owned, static. LIFETIME: the process. THREADING: as per slot.
 * @since 0.1
 */
typedef struct ck_connector_vtable {
  uint32_t struct_size; /**< sizeof(ck_connector_vtable) as the plugin was compiled. */
  uint32_t reserved;    /**< Zero. */
  /** @brief Creates an instance. @param ctx host context (host-owned, valid until destroy).
   *  @param self out: the instance. @param err error. @return status. */
  ck_status (*create)(ck_context* ctx, void** self, ck_error* err);
  /** @brief Destroys an instance made by create. @param self the instance. */
  void (*destroy)(void* self);
  /** @brief Validates a configuration (Connector.validate).
   *  @param self the instance. @param config the configuration (borrowed).
   *  @param out JSON array of `{"name","value","recommended_values","errors","visible"}`,
   *         PASSWORD values masked; transferred to the host. @param err error.
   *  @return status. */
  ck_status (*validate)(void* self, const ck_config* config, ck_buffer* out, ck_error* err);
  /** @brief Starts the connector. @param self the instance. @param config the configuration.
   *  @param err error. @return status. */
  ck_status (*start)(void* self, const ck_config* config, ck_error* err);
  /** @brief Task configurations, at most `max_tasks`. @param self the instance.
   *  @param max_tasks the limit. @param out transferred to the host. @param err error.
   *  @return status. */
  ck_status (*task_configs)(void* self, uint32_t max_tasks, ck_config_list* out, ck_error* err);
  /** @brief Stops the connector. @param self the instance. @param err error. @return status. */
  ck_status (*stop)(void* self, ck_error* err);
  /** @brief Applies an offset change requested through the REST API (alterOffsets). May be
   *  called before start. @param self the instance. @param config the connector configuration.
   *  @param offsets_json JSON array of `{"partition":{...},"offset":{...}|null}` (borrowed).
   *  @param altered out: 1 if the connector handled the change, 0 to leave it to the host.
   *  @param err error. @return status. */
  ck_status (*alter_offsets)(void* self, const ck_config* config, ck_str offsets_json,
                             int32_t* altered, ck_error* err);
  /** @brief Source connectors: whether exactly-once delivery is supported for a configuration.
   *  @param self the instance. @param config the configuration.
   *  @param supported out: 1 supported, 0 not. @param err error. @return status. */
  ck_status (*exactly_once_support)(void* self, const ck_config* config, int32_t* supported,
                                    ck_error* err);
} ck_connector_vtable;

/**
 * @brief Source tasks. `[task thread]` unless marked: start, poll, commit, commit_record.
 * OWNERSHIP: plugin-owned, static. LIFETIME: the process. THREADING: as per slot.
 * @since 0.1
 */
typedef struct ck_source_task_vtable {
  uint32_t struct_size; /**< sizeof(ck_source_task_vtable) as the plugin was compiled. */
  uint32_t reserved;    /**< Zero. */
  /** @brief Creates an instance. @param ctx host context. @param self out: the instance.
   *  @param err error. @return status. */
  ck_status (*create)(ck_context* ctx, void** self, ck_error* err);
  /** @brief Destroys an instance. @param self the instance. */
  void (*destroy)(void* self);
  /** @brief Starts the task. @param self the instance. @param config the task configuration.
   *  @param err error. @return status. */
  ck_status (*start)(void* self, const ck_config* config, ck_error* err);
  /** @brief Returns the next batch; may block briefly and may return an empty batch.
   *  @param self the instance. @param out transferred to the host. @param err error.
   *  @return status; a retriable error makes the host poll again. */
  ck_status (*poll)(void* self, ck_batch* out, ck_error* err);
  /** @brief Called after offsets were committed; NULL when the task does not need it.
   *  @param self the instance. @param err error. @return status. */
  ck_status (*commit)(void* self, ck_error* err);
  /** @brief A record was acknowledged by the broker, or dropped (metadata NULL). NULL when the
   *  task does not need it, which spares the host the call per record. @param self the instance.
   * @param record the record as polled (borrowed).
   *  @param metadata where it was written (borrowed), or NULL. @param err error.
   *  @return status. */
  ck_status (*commit_record)(void* self, const ck_record* record,
                             const ck_record_metadata* metadata, ck_error* err);
  /** @brief `[any thread]` Asks the task to stop; must make a blocked poll return soon.
   *  @param self the instance. @param err error. @return status. */
  ck_status (*stop)(void* self, ck_error* err);
} ck_source_task_vtable;

/**
 * @brief Sink tasks. Every slot runs on the task thread; stop only after put has returned.
 * OWNERSHIP: plugin-owned, static. LIFETIME: the process. THREADING: `[task thread]`.
 * @since 0.1
 */
typedef struct ck_sink_task_vtable {
  uint32_t struct_size; /**< sizeof(ck_sink_task_vtable) as the plugin was compiled. */
  uint32_t reserved;    /**< Zero. */
  /** @brief Creates an instance. @param ctx host context. @param self out: the instance.
   *  @param err error. @return status. */
  ck_status (*create)(ck_context* ctx, void** self, ck_error* err);
  /** @brief Destroys an instance. @param self the instance. */
  void (*destroy)(void* self);
  /** @brief Starts the task. @param self the instance. @param config the task configuration.
   *  @param err error. @return status. */
  ck_status (*start)(void* self, const ck_config* config, ck_error* err);
  /** @brief Delivers records. A retriable error makes the host redeliver the same batch.
   *  @param self the instance. @param batch the records (borrowed; copy what you keep).
   *  @param err error. @return status. */
  ck_status (*put)(void* self, const ck_batch* batch, ck_error* err);
  /** @brief Flushes everything put so far. @param self the instance.
   *  @param offsets the offsets being committed (borrowed). @param err error. @return status. */
  ck_status (*flush)(void* self, const ck_offset_list* offsets, ck_error* err);
  /** @brief Returns the offsets safe to commit (default: flush, then the input).
   *  @param self the instance. @param offsets current offsets (borrowed).
   *  @param out transferred to the host; an empty list opts out of this commit.
   *  @param err error. @return status. */
  ck_status (*pre_commit)(void* self, const ck_offset_list* offsets, ck_offset_list* out,
                          ck_error* err);
  /** @brief Partitions were assigned. @param self the instance.
   *  @param partitions the partitions (borrowed). @param count their number.
   *  @param err error. @return status. */
  ck_status (*open)(void* self, const ck_topic_partition* partitions, uint32_t count,
                    ck_error* err);
  /** @brief Partitions are being revoked. @param self the instance.
   *  @param partitions the partitions (borrowed). @param count their number.
   *  @param err error. @return status. */
  ck_status (*close)(void* self, const ck_topic_partition* partitions, uint32_t count,
                     ck_error* err);
  /** @brief Stops the task. @param self the instance. @param err error. @return status. */
  ck_status (*stop)(void* self, ck_error* err);
} ck_sink_task_vtable;

/**
 * @brief Converters: Connect data <-> bytes for keys or values (chosen by `is_key`).
 * OWNERSHIP: plugin-owned, static. LIFETIME: the process.
 * THREADING: `[task thread]`; one instance serves one task.
 * @since 0.1
 */
typedef struct ck_converter_vtable {
  uint32_t struct_size; /**< sizeof(ck_converter_vtable) as the plugin was compiled. */
  uint32_t reserved;    /**< Zero. */
  /** @brief Creates an instance. @param ctx host context. @param self out: the instance.
   *  @param err error. @return status. */
  ck_status (*create)(ck_context* ctx, void** self, ck_error* err);
  /** @brief Destroys an instance. @param self the instance. */
  void (*destroy)(void* self);
  /** @brief Configures it. @param self the instance. @param config its settings.
   *  @param is_key 1 for keys, 0 for values. @param err error. @return status. */
  ck_status (*configure)(void* self, const ck_config* config, int32_t is_key, ck_error* err);
  /** @brief Serialises the key (or value) of each record. @param self the instance.
   *  @param records the records (borrowed). @param out one blob per record, transferred.
   *  @param err error. @return status. */
  ck_status (*from_connect)(void* self, const ck_batch* records, ck_blob_batch* out, ck_error* err);
  /** @brief Deserialises blobs. @param self the instance.
   *  @param topics one topic per blob (borrowed). @param blobs the bytes (borrowed).
   *  @param out one item per blob, transferred. @param err error. @return status. */
  ck_status (*to_connect)(void* self, const ck_str* topics, const ck_blob_batch* blobs,
                          ck_data_batch* out, ck_error* err);
} ck_converter_vtable;

/**
 * @brief Header converters: header values <-> bytes.
 * OWNERSHIP: plugin-owned, static. LIFETIME: the process. THREADING: `[task thread]`.
 * @since 0.1
 */
typedef struct ck_header_converter_vtable {
  uint32_t struct_size; /**< sizeof(ck_header_converter_vtable) as the plugin was compiled. */
  uint32_t reserved;    /**< Zero. */
  /** @brief Creates an instance. @param ctx host context. @param self out: the instance.
   *  @param err error. @return status. */
  ck_status (*create)(ck_context* ctx, void** self, ck_error* err);
  /** @brief Destroys an instance. @param self the instance. */
  void (*destroy)(void* self);
  /** @brief Configures it. @param self the instance. @param config its settings.
   *  @param err error. @return status. */
  ck_status (*configure)(void* self, const ck_config* config, ck_error* err);
  /** @brief Serialises header values. @param self the instance. @param topic the topic.
   *  @param headers the headers (borrowed). @param count their number.
   *  @param out one blob per header, transferred. @param err error. @return status. */
  ck_status (*from_connect)(void* self, ck_str topic, const ck_header* headers, uint32_t count,
                            ck_blob_batch* out, ck_error* err);
  /** @brief Deserialises header values. @param self the instance. @param topic the topic.
   *  @param keys one header key per blob (borrowed). @param blobs the bytes (borrowed).
   *  @param out one item per blob, transferred. @param err error. @return status. */
  ck_status (*to_connect)(void* self, ck_str topic, const ck_str* keys, const ck_blob_batch* blobs,
                          ck_data_batch* out, ck_error* err);
} ck_header_converter_vtable;

/**
 * @brief Single message transformations, applied to a whole batch in order.
 * OWNERSHIP: plugin-owned, static. LIFETIME: the process. THREADING: `[task thread]`.
 * @since 0.1
 */
typedef struct ck_transformation_vtable {
  uint32_t struct_size; /**< sizeof(ck_transformation_vtable) as the plugin was compiled. */
  uint32_t reserved;    /**< Zero. */
  /** @brief Creates an instance. @param ctx host context. @param self out: the instance.
   *  @param err error. @return status. */
  ck_status (*create)(ck_context* ctx, void** self, ck_error* err);
  /** @brief Destroys an instance. @param self the instance. */
  void (*destroy)(void* self);
  /** @brief Configures it. @param self the instance. @param config its settings.
   *  @param err error. @return status. */
  ck_status (*configure)(void* self, const ck_config* config, ck_error* err);
  /** @brief Transforms records; dropped records are absent from `out`, order is kept, and each
   *  output record's `origin` is the index of its input record.
   *  @param self the instance. @param in the input, moved in: the transformation releases it
   *  (possibly through `out`'s release). @param out the output, transferred.
   *  @param err error. @return status; on error `in` has been released. */
  ck_status (*apply)(void* self, ck_batch* in, ck_batch* out, ck_error* err);
} ck_transformation_vtable;

/**
 * @brief Predicates, which decide per record whether a transformation applies.
 * OWNERSHIP: plugin-owned, static. LIFETIME: the process. THREADING: `[task thread]`.
 * @since 0.1
 */
typedef struct ck_predicate_vtable {
  uint32_t struct_size; /**< sizeof(ck_predicate_vtable) as the plugin was compiled. */
  uint32_t reserved;    /**< Zero. */
  /** @brief Creates an instance. @param ctx host context. @param self out: the instance.
   *  @param err error. @return status. */
  ck_status (*create)(ck_context* ctx, void** self, ck_error* err);
  /** @brief Destroys an instance. @param self the instance. */
  void (*destroy)(void* self);
  /** @brief Configures it. @param self the instance. @param config its settings.
   *  @param err error. @return status. */
  ck_status (*configure)(void* self, const ck_config* config, ck_error* err);
  /** @brief Tests each record. @param self the instance. @param records the records (borrowed).
   *  @param results host-owned array of `records->count` bytes, set to 1 (match) or 0.
   *  @param err error. @return status. */
  ck_status (*test)(void* self, const ck_batch* records, uint8_t* results, ck_error* err);
} ck_predicate_vtable;

/* ------------------------------------------------------------------------------------------ */
/* The plugin descriptor and its entry point                                                   */
/* ------------------------------------------------------------------------------------------ */

/**
 * @brief One component of a plugin.
 * OWNERSHIP: plugin-owned, static. LIFETIME: the process. THREADING: immutable.
 * @since 0.1
 */
typedef struct ck_component {
  uint32_t struct_size; /**< sizeof(ck_component) as the plugin was compiled. */
  uint32_t kind;        /**< A #ck_component_kind. */
  ck_str class_name;    /**< Fully qualified class name, unique within the plugin. */
  ck_str version;       /**< Component version. */
  ck_str task_class;    /**< Connectors: the class name of their task component; else empty. */
  const void* vtable;   /**< The vtable of `kind` (e.g. #ck_connector_vtable). */
} ck_component;

/**
 * @brief What ck_plugin_entry_v1() returns: the plugin and its components.
 * OWNERSHIP: plugin-owned, static. LIFETIME: the process. THREADING: immutable.
 * @since 0.1
 */
typedef struct ck_plugin {
  uint32_t struct_size;           /**< sizeof(ck_plugin) as the plugin was compiled. */
  uint16_t abi_major;             /**< #CK_ABI_MAJOR the plugin was built with. */
  uint16_t abi_minor;             /**< The minimum host #CK_ABI_MINOR the plugin requires. */
  ck_str name;                    /**< Plugin name. */
  ck_str version;                 /**< Plugin version. */
  const ck_component* components; /**< `component_count` components; step through them with
                                       #CK_COMPONENT_AT, as the plugin's ck_component may be
                                       smaller or larger than the host's. */
  uint32_t component_count;       /**< Number of components. */
  uint32_t reserved;              /**< Zero. */
  /**
   * @brief Called once, before any component is created; never NULL. The plugin keeps `host`.
   * @param host the host table (host-owned, lives until exit). @param err error.
   * @return #CK_STATUS_OK, or an error that makes the host refuse the plugin.
   */
  ck_status (*init)(const ck_host* host, ck_error* err);
  ck_str manifest_json; /**< The manifest (JSON), identical to the one in the ELF note. */
} ck_plugin;

/**
 * @brief The `i`-th component of plugin descriptor `p`, using the plugin's ck_component size as
 * the stride. Read only the members that component's `struct_size` covers.
 * @param p a `const ck_plugin*`. @param i the index, below `component_count`.
 */
#define CK_COMPONENT_AT(p, i)                           \
  ((const ck_component*)((const char*)(p)->components + \
                         (size_t)(i) * (p)->components[0].struct_size))

/**
 * @brief The plugin's only exported symbol.
 * @return the plugin descriptor; never NULL.
 * OWNERSHIP: plugin-owned, static. LIFETIME: the process. THREADING: any thread; idempotent.
 * @since 0.1
 */
CK_EXPORT const ck_plugin* ck_plugin_entry_v1(void);

/** @brief Name of the entry point symbol, for dlsym. */
#define CK_PLUGIN_ENTRY_SYMBOL "ck_plugin_entry_v1"

/* ------------------------------------------------------------------------------------------ */
/* Metadata note                                                                               */
/* ------------------------------------------------------------------------------------------ */

/** @brief ELF section holding the manifest note. */
#define CK_NOTE_SECTION ".note.connectkit"
/** @brief Owner name of the manifest note (with its NUL, 11 bytes). */
#define CK_NOTE_NAME "ConnectKit"
/** @brief Type of the manifest note. */
#define CK_NOTE_TYPE_MANIFEST 0x434b0001u

/**
 * @brief Header of the manifest note's descriptor; the JSON manifest follows it.
 * The host reads it from the file, without loading the plugin, to check versions and list
 * components. OWNERSHIP: part of the plugin file. @since 0.1
 */
typedef struct ck_note_header {
  uint16_t abi_major;          /**< #CK_ABI_MAJOR the plugin was built with. */
  uint16_t abi_minor_required; /**< The minimum host #CK_ABI_MINOR. */
  uint32_t manifest_len;       /**< Bytes of JSON manifest that follow. */
} ck_note_header;

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* CK_ABI_CK_ABI_H_ */
