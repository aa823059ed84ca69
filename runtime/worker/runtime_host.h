// The worker's side of the plugin ABI's services table (ck_host).
//
// Each connector, task, converter and transformation instance gets a ComponentContext: its log
// context ("name|task-N"), and whichever of the worker's facilities its kind may use — the
// offset store for source connectors and tasks, SinkControl for sink tasks, ConnectorControl for
// connectors. The table's functions find the context through ck_context::owner and never throw.
#ifndef CK_RUNTIME_WORKER_RUNTIME_HOST_H_
#define CK_RUNTIME_WORKER_RUNTIME_HOST_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "ck/abi/ck_abi.h"
#include "ck/host/host_support.h"
#include "runtime/worker/offset_store.h"

namespace ck::runtime {

/// A topic partition on the host side.
using Partition = std::pair<std::string, int32_t>;

/// What a sink task asked of the runtime through its SinkTaskContext, drained by the sink loop.
struct SinkControl {
  std::mutex mu;                              ///< Guards everything below.
  std::map<Partition, int64_t> seeks;         ///< Requested consumer positions.
  std::optional<int64_t> timeout_ms;          ///< Backoff before a redelivery.
  std::map<Partition, bool> pause_changes;    ///< Requested pause (true) or resume.
  std::atomic<bool> commit_requested{false};  ///< requestCommit() was called.
  /// Reports an errant record (set by the sink loop when error handling allows it).
  std::function<ck_status(const ck_record&, std::string_view, ck_error*)> report_errant;
};

/// What a connector asked of the runtime.
struct ConnectorControl {
  std::atomic<bool> reconfiguration_requested{false};  ///< requestTaskReconfiguration().
  mutable std::mutex mu;                               ///< Guards `raised_error`.
  std::optional<std::string> raised_error;             ///< raiseError(message).
};

/// The host context of one component instance.
struct ComponentContext {
  ck_context base;                           ///< What the plugin sees; base.owner points here.
  std::string connector;                     ///< Connector name.
  std::string log_context;                   ///< "name" or "name|task-N".
  const FileOffsetStore* offsets = nullptr;  ///< Source connectors and tasks.
  SinkControl* sink = nullptr;               ///< Sink tasks.
  ConnectorControl* control = nullptr;       ///< Connectors.

  /// A context for `connector`, with task number `task` (-1 for the connector itself).
  ComponentContext(std::string connector_name, int task);
  ComponentContext(const ComponentContext&) = delete;
  ComponentContext& operator=(const ComponentContext&) = delete;

  /// The pointer handed to plugin calls.
  ck_context* get() { return &base; }
};

/// The worker's services table: complete for this ABI version, static, never throws.
const ck_host* RuntimeHostTable();

}  // namespace ck::runtime

#endif  // CK_RUNTIME_WORKER_RUNTIME_HOST_H_
