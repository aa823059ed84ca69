// The worker's services table (see the header).
#include "runtime/worker/runtime_host.h"

#include <algorithm>
#include <chrono>

#include "runtime/worker/log.h"

namespace ck::runtime {
namespace {

std::string_view View(ck_str s) { return {s.ptr == nullptr ? "" : s.ptr, s.len}; }

ComponentContext* Ctx(ck_context* ctx) {
  return ctx == nullptr ? nullptr : static_cast<ComponentContext*>(ctx->owner);
}

Partition ToPartition(ck_topic_partition tp) { return {std::string(View(tp.topic)), tp.partition}; }

void LogFromPlugin(ck_context* ctx, int32_t level, ck_str message) noexcept {
  try {
    const ComponentContext* c = Ctx(ctx);
    Log(static_cast<Level>(std::clamp(level, 0, 4)), c ? c->log_context : "", View(message));
  } catch (...) {  // logging must never fail a plugin call
  }
}

int64_t NowMs() noexcept {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

ck_status OffsetRead(ck_context* ctx, ck_str partition, ck_buffer* out, ck_error* err) noexcept {
  *out = ck_buffer{};
  try {
    const ComponentContext* c = Ctx(ctx);
    if (c == nullptr || c->offsets == nullptr) {
      host::ErrorSet(err, CK_ERROR_UNSUPPORTED, 0,
                     ck_str{"offsets are only available to source connectors and tasks", 58});
      return CK_STATUS_ERROR;
    }
    std::optional<std::string> offset = c->offsets->Get(c->connector, View(partition));
    if (!offset) return CK_STATUS_OK;
    auto* owned = new std::string(std::move(*offset));
    *out = ck_buffer{{owned->data(), owned->size()},
                     [](ck_buffer* self) {
                       delete static_cast<std::string*>(self->private_data);
                       self->release = nullptr;
                     },
                     owned};
    return CK_STATUS_OK;
  } catch (const std::exception& e) {
    const std::string message = std::string("cannot read the offset of source partition ") +
                                std::string(View(partition)) + ": " + e.what();
    host::ErrorSet(err, CK_ERROR_CONNECT, 0, {message.data(), message.size()});
    return CK_STATUS_ERROR;
  }
}

void RequestReconfiguration(ck_context* ctx) noexcept {
  if (ComponentContext* c = Ctx(ctx); c != nullptr && c->control != nullptr) {
    c->control->reconfiguration_requested = true;
  }
}

void RaiseError(ck_context* ctx, ck_str message) noexcept {
  try {
    if (ComponentContext* c = Ctx(ctx); c != nullptr && c->control != nullptr) {
      std::lock_guard lock(c->control->mu);
      c->control->raised_error = std::string(View(message));
    }
  } catch (...) {
  }
}

template <typename Fn>
void WithSink(ck_context* ctx, Fn&& fn) noexcept {
  try {
    ComponentContext* c = Ctx(ctx);
    if (c == nullptr || c->sink == nullptr) return;
    std::lock_guard lock(c->sink->mu);
    fn(*c->sink);
  } catch (...) {
  }
}

void SinkSeek(ck_context* ctx, ck_topic_partition tp, int64_t offset) noexcept {
  WithSink(ctx, [&](SinkControl& s) { s.seeks[ToPartition(tp)] = offset; });
}

void SinkTimeout(ck_context* ctx, int64_t timeout_ms) noexcept {
  WithSink(ctx, [&](SinkControl& s) { s.timeout_ms = timeout_ms; });
}

void SinkPause(ck_context* ctx, ck_topic_partition tp, int32_t paused) noexcept {
  WithSink(ctx, [&](SinkControl& s) { s.pause_changes[ToPartition(tp)] = paused != 0; });
}

void SinkRequestCommit(ck_context* ctx) noexcept {
  if (ComponentContext* c = Ctx(ctx); c != nullptr && c->sink != nullptr) {
    c->sink->commit_requested = true;
  }
}

ck_status SinkReportErrant(ck_context* ctx, const ck_record* record, ck_str message,
                           ck_error* err) noexcept {
  ComponentContext* c = Ctx(ctx);
  if (c == nullptr || c->sink == nullptr || !c->sink->report_errant) return CK_STATUS_UNSUPPORTED;
  try {
    return c->sink->report_errant(*record, View(message), err);
  } catch (const std::exception& e) {
    host::ErrorSet(err, CK_ERROR_CONNECT, 0, {e.what(), std::char_traits<char>::length(e.what())});
    return CK_STATUS_ERROR;
  }
}

ck_host MakeTable() {
  ck_host table{};
  table.struct_size = sizeof(ck_host);
  table.abi_major = CK_ABI_MAJOR;
  table.abi_minor = CK_ABI_MINOR;
  table.error_set = &host::ErrorSet;
  table.error_create = &host::ErrorCreate;
  table.error_destroy = &host::ErrorDestroy;
  table.error_get = &host::ErrorGet;
  table.log = &LogFromPlugin;
  table.clock_now_ms = &NowMs;
  table.offset_read = &OffsetRead;
  table.request_task_reconfiguration = &RequestReconfiguration;
  table.raise_error = &RaiseError;
  table.sink_seek = &SinkSeek;
  table.sink_timeout = &SinkTimeout;
  table.sink_pause = &SinkPause;
  table.sink_request_commit = &SinkRequestCommit;
  table.sink_report_errant = &SinkReportErrant;
  return table;
}

}  // namespace

ComponentContext::ComponentContext(std::string connector_name, int task)
    : connector(std::move(connector_name)), log_context(LogContext(connector, task)) {
  base.owner = this;
}

const ck_host* RuntimeHostTable() {
  static const ck_host table = MakeTable();
  return &table;
}

}  // namespace ck::runtime
