/// @file
/// GoogleMock mocks of the SDK's contexts, for unit tests that call a connector's, a task's or a
/// helper's C++ methods directly, without the ABI and without a runtime: the code under test gets
/// a real `ck::SourceTaskContext` (or `ConnectorContext`, `SinkTaskContext`,
/// `OffsetStorageReader`) whose calls arrive at the mock's methods.
///
/// @code
/// testing::StrictMock<ck::testkit::MockSinkTaskContext> context;
/// MySinkTask task;
/// context.Attach(task);  // task.context() is now the mock's
/// EXPECT_CALL(context, RequestCommit());
/// EXPECT_CALL(context, ReportErrantRecord(ck::testkit::RecordEq(poison), HasSubstr("bad")))
///     .WillOnce(testing::Return(true));
/// task.start({{"file", path}});
/// task.put({good, poison});
/// @endcode
///
/// Every mock accepts any number of Log() calls unless the test sets its own expectations on Log
/// (the newest expectation wins), so a StrictMock does not fail on the task's logging.
///
/// How it works: the SDK's contexts call the host services table the plugin received at load time.
/// While a mock exists, the testkit's table is installed in the SDK; it routes calls on a mock's
/// context to that mock and every other call to the table that was installed before (e.g. a
/// FakeHost's), which is put back when the last mock is destroyed. Create mocks after a FakeHost
/// loaded a plugin, not before, when a test uses both. Mocks are not copyable or movable (the SDK
/// context points at them); create and destroy them on the test's thread.

#pragma once

#include <gmock/gmock.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "ck/connector.h"
#include "ck/context.h"
#include "ck/internal/adapters.h"
#include "ck/record.h"
#include "ck/sink_task.h"
#include "ck/source_task.h"

namespace ck::testkit {

/// Internals of the context mocks; not part of the API.
namespace mocks_internal {

/// What a mock answers for each host service; unset ones are unexpected calls.
struct Hooks {
  std::function<void(LogLevel, const std::string&)> log;
  std::function<std::optional<nlohmann::json>(const nlohmann::json&)> offset;
  std::function<void()> request_task_reconfiguration;
  std::function<void(const std::string&)> raise_error;
  std::function<void(const TopicPartition&, int64_t)> seek;
  std::function<void(int64_t)> timeout;
  std::function<void(const TopicPartition&, bool)> pause;
  std::function<void()> request_commit;
  std::function<bool(const SinkRecord&, const std::string&)> report_errant;
};

/// A host context routed to `hooks`, and the installation of the testkit's host table.
class Binding {
 public:
  explicit Binding(Hooks hooks);
  ~Binding();
  Binding(const Binding&) = delete;
  Binding& operator=(const Binding&) = delete;
  ck_context* context() const;

  class State;

 private:
  std::unique_ptr<State> state_;
};

/// Binds `component`'s context to `context` (the SDK's friend access).
template <typename Base, typename Context>
void Bind(Base& component, const Context& context) {
  abi_internal::ContextAccess::Bind(component, context);
}

/// Sets what `context.configs()` returns.
void SetConfigs(ComponentContext& context, const ConfigMap& configs);

}  // namespace mocks_internal

/// A mock of OffsetStorageReader, for code that takes a `const ck::OffsetStorageReader&`.
class MockOffsetStorageReader {
 public:
  MockOffsetStorageReader();
  ~MockOffsetStorageReader();
  MockOffsetStorageReader(const MockOffsetStorageReader&) = delete;
  MockOffsetStorageReader& operator=(const MockOffsetStorageReader&) = delete;

  /// OffsetStorageReader::offset(partition): the committed offset, std::nullopt for none. An
  /// action that throws ck::ConnectError makes offset() throw ConnectError with its message.
  MOCK_METHOD(std::optional<nlohmann::json>, Offset, (const nlohmann::json& partition));

  /// The real reader whose calls arrive at Offset().
  const OffsetStorageReader& reader() const { return reader_; }

 private:
  mocks_internal::Binding binding_;
  OffsetStorageReader reader_;
};

/// A mock of ConnectorContext (Kafka's ConnectorContext / SourceConnectorContext).
class MockConnectorContext {
 public:
  MockConnectorContext();
  ~MockConnectorContext();
  MockConnectorContext(const MockConnectorContext&) = delete;
  MockConnectorContext& operator=(const MockConnectorContext&) = delete;

  /// ComponentContext::log.
  MOCK_METHOD(void, Log, (LogLevel level, const std::string& message));
  /// ConnectorContext::request_task_reconfiguration.
  MOCK_METHOD(void, RequestTaskReconfiguration, ());
  /// ConnectorContext::raise_error.
  MOCK_METHOD(void, RaiseError, (const std::string& message));
  /// OffsetStorageReader::offset through offset_storage_reader(); see MockOffsetStorageReader.
  MOCK_METHOD(std::optional<nlohmann::json>, Offset, (const nlohmann::json& partition));

  /// The real context whose calls arrive at this mock.
  const ConnectorContext& context() const { return context_; }
  /// Makes `connector.context()` this mock's context.
  void Attach(Connector& connector) const { mocks_internal::Bind(connector, context_); }
  /// Sets what context().configs() returns (the runtime sets it at start).
  void SetConfigs(const ConfigMap& configs) { mocks_internal::SetConfigs(context_, configs); }

 private:
  mocks_internal::Binding binding_;
  ConnectorContext context_;
};

/// A mock of SourceTaskContext.
class MockSourceTaskContext {
 public:
  MockSourceTaskContext();
  ~MockSourceTaskContext();
  MockSourceTaskContext(const MockSourceTaskContext&) = delete;
  MockSourceTaskContext& operator=(const MockSourceTaskContext&) = delete;

  /// ComponentContext::log.
  MOCK_METHOD(void, Log, (LogLevel level, const std::string& message));
  /// OffsetStorageReader::offset through offset_storage_reader(): the committed offset of
  /// `partition`, std::nullopt for none.
  MOCK_METHOD(std::optional<nlohmann::json>, Offset, (const nlohmann::json& partition));

  /// The real context whose calls arrive at this mock.
  const SourceTaskContext& context() const { return context_; }
  /// Makes `task.context()` this mock's context.
  void Attach(SourceTask& task) const { mocks_internal::Bind(task, context_); }
  /// Sets what context().configs() returns (the runtime sets it at start).
  void SetConfigs(const ConfigMap& configs) { mocks_internal::SetConfigs(context_, configs); }

 private:
  mocks_internal::Binding binding_;
  SourceTaskContext context_;
};

/// A mock of SinkTaskContext, its ErrantRecordReporter included.
class MockSinkTaskContext {
 public:
  MockSinkTaskContext();
  ~MockSinkTaskContext();
  MockSinkTaskContext(const MockSinkTaskContext&) = delete;
  MockSinkTaskContext& operator=(const MockSinkTaskContext&) = delete;

  /// ComponentContext::log.
  MOCK_METHOD(void, Log, (LogLevel level, const std::string& message));
  /// SinkTaskContext::offset(partition, offset) (also once per entry of offset(OffsetMap)).
  MOCK_METHOD(void, Seek, (const TopicPartition& partition, int64_t offset));
  /// SinkTaskContext::timeout.
  MOCK_METHOD(void, Timeout, (int64_t timeout_ms));
  /// SinkTaskContext::pause (paused = true) and resume (false), once per partition.
  MOCK_METHOD(void, Pause, (const TopicPartition& partition, bool paused));
  /// SinkTaskContext::request_commit.
  MOCK_METHOD(void, RequestCommit, ());
  /// SinkTaskContext::report_errant_record: return true when reported, false for "no reporter
  /// configured"; an action that throws makes report_errant_record throw ConnectError.
  MOCK_METHOD(bool, ReportErrantRecord, (const SinkRecord& record, const std::string& reason));

  /// The real context whose calls arrive at this mock.
  const SinkTaskContext& context() const { return context_; }
  /// Makes `task.context()` this mock's context.
  void Attach(SinkTask& task) const { mocks_internal::Bind(task, context_); }
  /// Sets what context().configs() returns (the runtime sets it at start).
  void SetConfigs(const ConfigMap& configs) { mocks_internal::SetConfigs(context_, configs); }

 private:
  mocks_internal::Binding binding_;
  SinkTaskContext context_;
};

}  // namespace ck::testkit
