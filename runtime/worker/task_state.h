// Connector and task states as Kafka Connect reports them (AbstractStatus.State), and a
// thread-safe cell holding a task's current state with the reason it failed.
#ifndef CK_RUNTIME_WORKER_TASK_STATE_H_
#define CK_RUNTIME_WORKER_TASK_STATE_H_

#include <mutex>
#include <string>

namespace ck::runtime {

/// States shown by the REST API.
enum class TaskState { kUnassigned, kRunning, kPaused, kFailed, kRestarting, kStopped };

/// Kafka Connect's name of `state` ("RUNNING", ...).
inline const char* TaskStateName(TaskState state) {
  switch (state) {
    case TaskState::kUnassigned:
      return "UNASSIGNED";
    case TaskState::kRunning:
      return "RUNNING";
    case TaskState::kPaused:
      return "PAUSED";
    case TaskState::kFailed:
      return "FAILED";
    case TaskState::kRestarting:
      return "RESTARTING";
    case TaskState::kStopped:
      return "STOPPED";
  }
  return "UNASSIGNED";
}

/// A state and, when FAILED, the reason (Kafka's `trace`).
struct TaskStatus {
  TaskState state = TaskState::kUnassigned;  ///< Current state.
  std::string trace;                         ///< Why it failed; empty otherwise.
};

/// A TaskStatus shared between the task thread and observers.
class StatusCell {
 public:
  /// Replaces the status.
  void Set(TaskState state, std::string trace = "") {
    std::lock_guard lock(mu_);
    status_ = {state, std::move(trace)};
  }
  /// The current status.
  TaskStatus Get() const {
    std::lock_guard lock(mu_);
    return status_;
  }

 private:
  mutable std::mutex mu_;
  TaskStatus status_;
};

}  // namespace ck::runtime

#endif  // CK_RUNTIME_WORKER_TASK_STATE_H_
