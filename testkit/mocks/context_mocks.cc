// The context mocks' host services table. The SDK keeps one host table per program (per plugin
// .so), in abi_internal::HostSlot(); a mock installs the testkit's table there while it lives. The
// table's callbacks look the context up among the live mocks' contexts and call that mock's hook;
// a context that is not a mock's (a FakeHost's, say) goes to the table installed before.
#include "ck/testkit/context_mocks.h"

#include <chrono>
#include <exception>
#include <mutex>
#include <set>
#include <string>
#include <utility>

#include "ck/host/host_support.h"
#include "ck/internal/host.h"
#include "ck/internal/marshal.h"

namespace ck::testkit {
namespace mocks_internal {

using abi_internal::Str;
using abi_internal::View;

class Binding::State {
 public:
  ck_context context;
  Hooks hooks;
};

namespace {

struct Registry {
  std::mutex mu;
  std::set<const ck_context*> live;
  const ck_host* previous = nullptr;
  int installed = 0;
};

Registry& Reg() {
  static Registry* registry = new Registry;  // never destroyed: callbacks may outlive statics
  return *registry;
}

// The mock's hooks for `ctx`, or null when `ctx` is not a live mock's context.
const Hooks* Find(ck_context* ctx) {
  if (ctx == nullptr) return nullptr;
  Registry& reg = Reg();
  std::lock_guard lock(reg.mu);
  if (reg.live.count(ctx) == 0) return nullptr;
  return &static_cast<Binding::State*>(ctx->owner)->hooks;
}

const ck_host* Previous() {
  Registry& reg = Reg();
  std::lock_guard lock(reg.mu);
  return reg.previous;
}

// Reports a call the mock has no hook for: a test failure, not a crash.
void Unexpected(const char* what) {
  ADD_FAILURE() << "the code under test called " << what
                << " on a context mock that does not offer it (wrong mock type?)";
}

TopicPartition Tp(ck_topic_partition tp) { return {std::string(View(tp.topic)), tp.partition}; }

std::string ExceptionMessage(std::exception_ptr error) {
  try {
    std::rethrow_exception(std::move(error));
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown exception";
  }
}

struct Callbacks {
  static void Log(ck_context* ctx, int32_t level, ck_str message) noexcept {
    if (const Hooks* hooks = Find(ctx)) {
      if (hooks->log) hooks->log(static_cast<LogLevel>(level), std::string(View(message)));
      return;
    }
    if (const ck_host* prev = Previous()) prev->log(ctx, level, message);
  }
  static int64_t Now() noexcept {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  static ck_status OffsetRead(ck_context* ctx, ck_str partition, ck_buffer* out,
                              ck_error* err) noexcept {
    const Hooks* hooks = Find(ctx);
    if (hooks == nullptr) {
      if (const ck_host* prev = Previous()) return prev->offset_read(ctx, partition, out, err);
      *out = ck_buffer{};
      return CK_STATUS_OK;
    }
    *out = ck_buffer{};
    if (!hooks->offset) {
      Unexpected("offset_storage_reader().offset()");
      return CK_STATUS_OK;
    }
    try {
      std::optional<nlohmann::json> offset = hooks->offset(nlohmann::json::parse(View(partition)));
      if (!offset) return CK_STATUS_OK;
      auto* text = new std::string(offset->dump());
      *out = ck_buffer{Str(*text),
                       [](ck_buffer* self) {
                         delete static_cast<std::string*>(self->private_data);
                         self->release = nullptr;
                       },
                       text};
      return CK_STATUS_OK;
    } catch (...) {
      host::ErrorSet(err, CK_ERROR_CONNECT, 0, Str(ExceptionMessage(std::current_exception())));
      return CK_STATUS_ERROR;
    }
  }
  static void RequestReconfiguration(ck_context* ctx) noexcept {
    if (const Hooks* hooks = Find(ctx)) {
      hooks->request_task_reconfiguration ? hooks->request_task_reconfiguration()
                                          : Unexpected("request_task_reconfiguration()");
    } else if (const ck_host* prev = Previous()) {
      prev->request_task_reconfiguration(ctx);
    }
  }
  static void RaiseError(ck_context* ctx, ck_str message) noexcept {
    if (const Hooks* hooks = Find(ctx)) {
      hooks->raise_error ? hooks->raise_error(std::string(View(message)))
                         : Unexpected("raise_error()");
    } else if (const ck_host* prev = Previous()) {
      prev->raise_error(ctx, message);
    }
  }
  static void Seek(ck_context* ctx, ck_topic_partition tp, int64_t offset) noexcept {
    if (const Hooks* hooks = Find(ctx)) {
      hooks->seek ? hooks->seek(Tp(tp), offset) : Unexpected("offset()");
    } else if (const ck_host* prev = Previous()) {
      prev->sink_seek(ctx, tp, offset);
    }
  }
  static void Timeout(ck_context* ctx, int64_t timeout_ms) noexcept {
    if (const Hooks* hooks = Find(ctx)) {
      hooks->timeout ? hooks->timeout(timeout_ms) : Unexpected("timeout()");
    } else if (const ck_host* prev = Previous()) {
      prev->sink_timeout(ctx, timeout_ms);
    }
  }
  static void Pause(ck_context* ctx, ck_topic_partition tp, int32_t paused) noexcept {
    if (const Hooks* hooks = Find(ctx)) {
      hooks->pause ? hooks->pause(Tp(tp), paused != 0) : Unexpected("pause()/resume()");
    } else if (const ck_host* prev = Previous()) {
      prev->sink_pause(ctx, tp, paused);
    }
  }
  static void RequestCommit(ck_context* ctx) noexcept {
    if (const Hooks* hooks = Find(ctx)) {
      hooks->request_commit ? hooks->request_commit() : Unexpected("request_commit()");
    } else if (const ck_host* prev = Previous()) {
      prev->sink_request_commit(ctx);
    }
  }
  static ck_status ReportErrant(ck_context* ctx, const ck_record* record, ck_str message,
                                ck_error* err) noexcept {
    const Hooks* hooks = Find(ctx);
    if (hooks == nullptr) {
      if (const ck_host* prev = Previous()) {
        return prev->sink_report_errant(ctx, record, message, err);
      }
      return CK_STATUS_UNSUPPORTED;
    }
    if (!hooks->report_errant) {
      Unexpected("report_errant_record()");
      return CK_STATUS_UNSUPPORTED;
    }
    try {
      SinkRecord sink_record;
      abi_internal::Reader().Record(*record, &sink_record);
      return hooks->report_errant(sink_record, std::string(View(message))) ? CK_STATUS_OK
                                                                           : CK_STATUS_UNSUPPORTED;
    } catch (...) {
      host::ErrorSet(err, CK_ERROR_CONNECT, 0, Str(ExceptionMessage(std::current_exception())));
      return CK_STATUS_ERROR;
    }
  }
};

const ck_host& MockTable() {
  static const ck_host table = [] {
    ck_host t{};
    t.struct_size = sizeof(ck_host);
    t.abi_major = CK_ABI_MAJOR;
    t.abi_minor = CK_ABI_MINOR;
    t.error_set = &host::ErrorSet;
    t.error_create = &host::ErrorCreate;
    t.error_destroy = &host::ErrorDestroy;
    t.error_get = &host::ErrorGet;
    t.log = &Callbacks::Log;
    t.clock_now_ms = &Callbacks::Now;
    t.offset_read = &Callbacks::OffsetRead;
    t.request_task_reconfiguration = &Callbacks::RequestReconfiguration;
    t.raise_error = &Callbacks::RaiseError;
    t.sink_seek = &Callbacks::Seek;
    t.sink_timeout = &Callbacks::Timeout;
    t.sink_pause = &Callbacks::Pause;
    t.sink_request_commit = &Callbacks::RequestCommit;
    t.sink_report_errant = &Callbacks::ReportErrant;
    return t;
  }();
  return table;
}

}  // namespace

Binding::Binding(Hooks hooks) : state_(std::make_unique<State>()) {
  state_->context.owner = state_.get();
  state_->hooks = std::move(hooks);
  Registry& reg = Reg();
  std::lock_guard lock(reg.mu);
  reg.live.insert(&state_->context);
  if (reg.installed++ == 0) {
    const ck_host*& slot = abi_internal::HostSlot();
    reg.previous = slot == &MockTable() ? nullptr : slot;
    slot = &MockTable();
  }
}

Binding::~Binding() {
  Registry& reg = Reg();
  std::lock_guard lock(reg.mu);
  reg.live.erase(&state_->context);
  if (--reg.installed == 0) {
    const ck_host*& slot = abi_internal::HostSlot();
    if (slot == &MockTable()) slot = reg.previous;
    reg.previous = nullptr;
  }
}

ck_context* Binding::context() const { return &state_->context; }

void SetConfigs(ComponentContext& context, const ConfigMap& configs) {
  abi_internal::ContextAccess::SetConfigs(context, configs);
}

}  // namespace mocks_internal

using mocks_internal::Hooks;

namespace {

Hooks LogHook(Hooks hooks, std::function<void(LogLevel, const std::string&)> log) {
  hooks.log = std::move(log);
  return hooks;
}

}  // namespace

MockOffsetStorageReader::MockOffsetStorageReader()
    : binding_([this] {
        Hooks hooks;
        hooks.offset = [this](const nlohmann::json& p) { return Offset(p); };
        return hooks;
      }()),
      reader_(binding_.context()) {}
MockOffsetStorageReader::~MockOffsetStorageReader() = default;

MockConnectorContext::MockConnectorContext()
    : binding_([this] {
        Hooks hooks;
        hooks.offset = [this](const nlohmann::json& p) { return Offset(p); };
        hooks.request_task_reconfiguration = [this] { RequestTaskReconfiguration(); };
        hooks.raise_error = [this](const std::string& message) { RaiseError(message); };
        return LogHook(std::move(hooks), [this](LogLevel l, const std::string& m) { Log(l, m); });
      }()),
      context_(binding_.context()) {
  EXPECT_CALL(*this, Log).Times(testing::AnyNumber());
}
MockConnectorContext::~MockConnectorContext() = default;

MockSourceTaskContext::MockSourceTaskContext()
    : binding_([this] {
        Hooks hooks;
        hooks.offset = [this](const nlohmann::json& p) { return Offset(p); };
        return LogHook(std::move(hooks), [this](LogLevel l, const std::string& m) { Log(l, m); });
      }()),
      context_(binding_.context()) {
  EXPECT_CALL(*this, Log).Times(testing::AnyNumber());
}
MockSourceTaskContext::~MockSourceTaskContext() = default;

MockSinkTaskContext::MockSinkTaskContext()
    : binding_([this] {
        Hooks hooks;
        hooks.seek = [this](const TopicPartition& tp, int64_t offset) { Seek(tp, offset); };
        hooks.timeout = [this](int64_t ms) { Timeout(ms); };
        hooks.pause = [this](const TopicPartition& tp, bool paused) { Pause(tp, paused); };
        hooks.request_commit = [this] { RequestCommit(); };
        hooks.report_errant = [this](const SinkRecord& record, const std::string& reason) {
          return ReportErrantRecord(record, reason);
        };
        return LogHook(std::move(hooks), [this](LogLevel l, const std::string& m) { Log(l, m); });
      }()),
      context_(binding_.context()) {
  EXPECT_CALL(*this, Log).Times(testing::AnyNumber());
}
MockSinkTaskContext::~MockSinkTaskContext() = default;

}  // namespace ck::testkit
