// Connector and task states as Kafka Connect reports them (AbstractStatus.State), and a
// thread-safe cell holding a task's current state with the reason it failed.
#ifndef CK_RUNTIME_WORKER_TASK_STATE_H_
#define CK_RUNTIME_WORKER_TASK_STATE_H_

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

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

/// What the worker does with a task of either kind.
class TaskRunner {
 public:
  virtual ~TaskRunner() = default;
  /// Starts the task thread.
  virtual void Start() = 0;
  /// Pauses or resumes the task (the PAUSED target state).
  virtual void SetPaused(bool paused) = 0;
  /// Stops the task, waiting up to `graceful` for its final flush and offset commit.
  virtual void Stop(std::chrono::milliseconds graceful) = 0;
  /// Current state and, when FAILED, the reason.
  virtual TaskStatus status() const = 0;
};

/// The topics a connector's tasks have used since the connector started or its topics were reset
/// (KIP-558's active topics), shared by its tasks. Tasks call Add() only for topics new to them
/// since generation() last changed, so the lock is taken once per topic, not per record.
class TopicTracker {
 public:
  /// Records that `topic` is in use.
  void Add(const std::string& topic) {
    std::lock_guard lock(mu_);
    topics_.insert(topic);
  }
  /// The topics in use, sorted.
  std::vector<std::string> List() const {
    std::lock_guard lock(mu_);
    return {topics_.begin(), topics_.end()};
  }
  /// Forgets every topic (PUT /connectors/{name}/topics/reset).
  void Reset() {
    std::lock_guard lock(mu_);
    topics_.clear();
    ++generation_;
  }
  /// Changes on every Reset().
  uint64_t generation() const { return generation_.load(); }

 private:
  mutable std::mutex mu_;
  std::set<std::string> topics_;
  std::atomic<uint64_t> generation_{0};
};

/// A task's memory of the topics it reported to a TopicTracker.
class TopicCache {
 public:
  /// Reports `topic` to `tracker` unless already reported since its last reset.
  void Note(TopicTracker* tracker, std::string_view topic) {
    if (tracker == nullptr) return;
    if (const uint64_t g = tracker->generation(); g != generation_) {
      seen_.clear();
      last_.clear();
      generation_ = g;
    } else if (topic == last_) {
      return;  // the common case: a run of records to one topic
    }
    last_.assign(topic);
    if (seen_.find(topic) != seen_.end()) return;
    seen_.emplace(topic);
    tracker->Add(std::string(topic));
  }

 private:
  std::set<std::string, std::less<>> seen_;
  std::string last_;
  uint64_t generation_ = 0;
};

}  // namespace ck::runtime

#endif  // CK_RUNTIME_WORKER_TASK_STATE_H_
