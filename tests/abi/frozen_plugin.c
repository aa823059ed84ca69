/* A plugin in plain C compiled against the frozen ABI 0.1 header (frozen/v0_1/ck/abi/ck_abi.h),
 * for abi_frozen_header_test: it stands for a plugin built once and shipped, that later hosts
 * must keep running.
 *
 * It keeps the growth rule on its side: it requires only the host slots it cannot do without and
 * probes optional ones with CK_HAS_SLOT before reading them, so it runs with host tables larger
 * than its header's (newer hosts) and smaller ones (older hosts). Its ShortSource publishes a
 * vtable whose struct_size stops before `commit`, as a plugin built against older headers would;
 * the slots past it hold functions that abort, which the host must never call. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ck/abi/ck_abi.h"

#define LITERAL(s) \
  { s, sizeof(s) - 1 }

static const ck_host* g_host;

static void Log(ck_context* ctx, const char* text) {
  ck_str message = {text, strlen(text)};
  g_host->log(ctx, CK_LOG_INFO, message);
}

static ck_status Init(const ck_host* host, ck_error* err) {
  static const ck_str kMissing = LITERAL("frozen plugin: the host table lacks log or clock_now_ms");
  char line[128];
  if (!CK_HAS_SLOT(host, ck_host, error_set)) return CK_STATUS_ERROR;
  if (!CK_HAS_SLOT(host, ck_host, clock_now_ms)) {
    host->error_set(err, CK_ERROR_UNSUPPORTED, 0, kMissing);
    return CK_STATUS_ERROR;
  }
  g_host = host;
  snprintf(line, sizeof(line), "init: host ABI %u.%u, host table %u bytes, mine %u bytes",
           (unsigned)host->abi_major, (unsigned)host->abi_minor, (unsigned)host->struct_size,
           (unsigned)sizeof(ck_host));
  Log(NULL, line);
  return CK_STATUS_OK;
}

typedef struct Task {
  ck_context* ctx;
  int64_t next_seq;
} Task;

static ck_status Create(ck_context* ctx, void** self, ck_error* err) {
  static const ck_str kNoMemory = LITERAL("out of memory");
  Task* task = calloc(1, sizeof(Task));
  if (task == NULL) {
    g_host->error_set(err, CK_ERROR_NO_MEMORY, 0, kNoMemory);
    return CK_STATUS_ERROR;
  }
  task->ctx = ctx;
  *self = task;
  return CK_STATUS_OK;
}

static void Destroy(void* self) { free(self); }

/* Reports which optional host services this host offers, using them only when present. */
static ck_status Start(void* self, const ck_config* config, ck_error* err) {
  static const ck_str kPartition = LITERAL("{\"file\":\"frozen\"}");
  Task* task = self;
  char line[128];
  char offset_read[32] = "absent";
  (void)config;
  if (CK_HAS_SLOT(g_host, ck_host, offset_read)) {
    ck_buffer offset = {{NULL, 0}, NULL, NULL};
    ck_status status = g_host->offset_read(task->ctx, kPartition, &offset, err);
    if (offset.release != NULL) offset.release(&offset);
    snprintf(offset_read, sizeof(offset_read), "status %d", (int)status);
  }
  snprintf(line, sizeof(line), "start: offset_read=%s sink_report_errant=%s", offset_read,
           CK_HAS_SLOT(g_host, ck_host, sink_report_errant) ? "present" : "absent");
  Log(task->ctx, line);
  return CK_STATUS_OK;
}

static void ReleaseBatch(ck_batch* batch) {
  free((void*)batch->records);
  batch->release = NULL;
  Log(NULL, "release batch");
}

/* One schemaless record per poll: key "frozen-<seq>", value = the host clock. */
static ck_status Poll(void* self, ck_batch* out, ck_error* err) {
  static const ck_str kNoMemory = LITERAL("out of memory");
  static const ck_str kTopic = LITERAL("frozen-topic");
  static const ck_str kKey = LITERAL("frozen");
  Task* task = self;
  ck_record* record = calloc(1, sizeof(ck_record));
  if (record == NULL) {
    g_host->error_set(err, CK_ERROR_NO_MEMORY, 0, kNoMemory);
    return CK_STATUS_ERROR;
  }
  record->topic = kTopic;
  record->partition = -1;
  record->timestamp_type = CK_TIMESTAMP_CREATE;
  record->timestamp = g_host->clock_now_ms();
  record->key.type = CK_TYPE_STRING;
  record->key.u.bytes = kKey;
  record->value.type = CK_TYPE_INT64;
  record->value.u.i64 = task->next_seq++;
  record->kafka_offset = -1;
  record->original_partition = -1;
  record->original_offset = -1;
  out->count = 1;
  out->reserved = 0;
  out->records = record;
  out->release = ReleaseBatch;
  out->private_data = NULL;
  return CK_STATUS_OK;
}

static ck_status Commit(void* self, ck_error* err) {
  (void)self;
  (void)err;
  return CK_STATUS_OK;
}

static ck_status CommitRecord(void* self, const ck_record* record,
                              const ck_record_metadata* metadata, ck_error* err) {
  (void)self;
  (void)record;
  (void)metadata;
  (void)err;
  return CK_STATUS_OK;
}

static ck_status Stop(void* self, ck_error* err) {
  (void)err;
  Log(((Task*)self)->ctx, "stop");
  return CK_STATUS_OK;
}

static ck_status CommitTrap(void* self, ck_error* err) {
  (void)self;
  (void)err;
  abort();
}

static ck_status CommitRecordTrap(void* self, const ck_record* record,
                                  const ck_record_metadata* metadata, ck_error* err) {
  (void)self;
  (void)record;
  (void)metadata;
  (void)err;
  abort();
}

static ck_status StopTrap(void* self, ck_error* err) {
  (void)self;
  (void)err;
  abort();
}

static const ck_source_task_vtable kProbeSource = {
    .struct_size = sizeof(ck_source_task_vtable),
    .create = Create,
    .destroy = Destroy,
    .start = Start,
    .poll = Poll,
    .commit = Commit,
    .commit_record = CommitRecord,
    .stop = Stop,
};

/* As compiled against headers whose source task vtable ended at `poll`. */
static const ck_source_task_vtable kShortSource = {
    .struct_size = offsetof(ck_source_task_vtable, commit),
    .create = Create,
    .destroy = Destroy,
    .start = Start,
    .poll = Poll,
    .commit = CommitTrap,
    .commit_record = CommitRecordTrap,
    .stop = StopTrap,
};

static const ck_component kComponents[] = {
    {sizeof(ck_component), CK_KIND_SOURCE_TASK, LITERAL("test.frozen.ProbeSource"), LITERAL("1.0"),
     LITERAL(""), &kProbeSource},
    {sizeof(ck_component), CK_KIND_SOURCE_TASK, LITERAL("test.frozen.ShortSource"), LITERAL("1.0"),
     LITERAL(""), &kShortSource},
};

static const char kManifest[] =
    "{\"name\":\"frozen-v0.1\",\"version\":\"1.0\",\"components\":["
    "{\"kind\":\"source_task\",\"class\":\"test.frozen.ProbeSource\",\"version\":\"1.0\"},"
    "{\"kind\":\"source_task\",\"class\":\"test.frozen.ShortSource\",\"version\":\"1.0\"}]}";

static const ck_plugin kPlugin = {
    .struct_size = sizeof(ck_plugin),
    .abi_major = CK_ABI_MAJOR,
    .abi_minor = CK_ABI_MINOR,
    .name = LITERAL("frozen-v0.1"),
    .version = LITERAL("1.0"),
    .components = kComponents,
    .component_count = sizeof(kComponents) / sizeof(kComponents[0]),
    .init = Init,
    .manifest_json = LITERAL(kManifest),
};

const ck_plugin* ck_plugin_entry_v1(void) { return &kPlugin; }
