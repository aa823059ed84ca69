/// @file
/// FakeHost: drives a plugin's components in-process, through the same C ABI the runtime uses,
/// without a runtime or Kafka. Unit tests of connectors, converters and transformations create a
/// FakeHost, load the plugin's descriptor, and call components through typed drivers; everything
/// the components ask of the runtime (offsets, logs, pause/resume, commit requests, errant
/// records) is recorded for assertions.
///
/// @code
/// ck::testkit::FakeHost host;
/// host.Load(ck_plugin_entry_v1());
/// host.SetOffset({{"file", "a"}}, {{"position", 10}});
/// auto task = host.CreateSourceTask("io.example.MySourceTask");
/// task.Start({{"topic", "t"}});
/// std::vector<ck::SourceRecord> records = task.Poll();
/// @endcode

#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "ck/abi/ck_abi.h"
#include "ck/config_def.h"
#include "ck/host/host_support.h"
#include "ck/record.h"

namespace ck::testkit {

class FakeHost;

/// A log line a component wrote.
struct LogLine {
  std::string context;  ///< The component's context name, e.g. "my-connector|task-0".
  int32_t level = 0;    ///< A #ck_log_level.
  std::string message;  ///< The text.
};

/// A record a sink task reported as errant.
struct ErrantReport {
  std::string topic;   ///< Original topic of the record.
  int32_t partition;   ///< Original partition.
  int64_t offset;      ///< Original offset.
  std::string reason;  ///< Why the task could not process it.
};

/// Context handed to each component: the ABI's ck_context plus the fake host's bookkeeping.
struct FakeContext {
  ck_context base;   ///< Must come first: the ABI sees a pointer to it.
  FakeHost* host;    ///< The host.
  std::string name;  ///< Context name for log lines.
};

/// Shared machinery of the drivers: the component instance and its context.
template <typename VTable>
class Driver {
 public:
  /// Creates an instance of `component` with a context named `name`.
  Driver(FakeHost& host, const ck_component& component, std::string name)
      : context_(new FakeContext{ck_context{}, &host, std::move(name)}),
        instance_(component, Bind(context_.get())) {}

 protected:
  /// Calls `slot` with `args`, throwing host::AbiError on an error status.
  template <typename Slot, typename... Args>
  void Call(std::string_view what, Slot slot, Args... args) const {
    instance_.Call(what, slot, args...);
  }
  /// The component's vtable.
  const VTable& vtable() const { return instance_.vtable(); }

 private:
  static ck_context* Bind(FakeContext* context) {
    context->base.owner = context;
    return &context->base;
  }

  std::unique_ptr<FakeContext> context_;  // stable address for the plugin
  host::Instance<VTable> instance_;
};

/// Drives a source or sink connector.
class ConnectorDriver : public Driver<ck_connector_vtable> {
 public:
  using Driver::Driver;
  /// Connector::validate: the ABI's JSON array of per-key results.
  nlohmann::json Validate(const ConfigMap& config) const;
  /// Connector::start.
  void Start(const ConfigMap& config) const;
  /// Connector::task_configs.
  std::vector<ConfigMap> TaskConfigs(uint32_t max_tasks) const;
  /// Connector::stop.
  void Stop() const;
};

/// Drives a source task.
class SourceTaskDriver : public Driver<ck_source_task_vtable> {
 public:
  using Driver::Driver;
  /// SourceTask::start.
  void Start(const ConfigMap& config) const;
  /// SourceTask::poll, read back into C++ records.
  std::vector<SourceRecord> Poll() const;
  /// SourceTask::poll, as the ABI batch (for tests of the ABI itself).
  host::Owned<ck_batch> PollBatch() const;
  /// SourceTask::commit_record for `record` as polled; `metadata` null = dropped. No-op when the
  /// task does not implement it.
  void CommitRecord(const ck_record& record, const ck_record_metadata* metadata) const;
  /// SourceTask::commit; no-op when the task does not implement it.
  void Commit() const;
  /// SourceTask::stop.
  void Stop() const;
};

/// Drives a sink task.
class SinkTaskDriver : public Driver<ck_sink_task_vtable> {
 public:
  using Driver::Driver;
  /// SinkTask::start.
  void Start(const ConfigMap& config) const;
  /// SinkTask::open.
  void Open(const std::vector<TopicPartition>& partitions) const;
  /// SinkTask::put of `records`, marshalled into an ABI batch.
  void Put(const std::vector<SinkRecord>& records) const;
  /// SinkTask::put of an ABI batch as it is (borrowed).
  void PutBatch(const ck_batch& batch) const;
  /// SinkTask::pre_commit (which flushes by default).
  OffsetMap PreCommit(const OffsetMap& offsets) const;
  /// SinkTask::close.
  void Close(const std::vector<TopicPartition>& partitions) const;
  /// SinkTask::stop.
  void Stop() const;
};

/// Drives a converter.
class ConverterDriver : public Driver<ck_converter_vtable> {
 public:
  using Driver::Driver;
  /// Converter::configure.
  void Configure(const ConfigMap& config, bool is_key);
  /// Converter::from_connect of `data` for `topic`; std::nullopt = null.
  std::optional<Bytes> FromConnect(std::string_view topic, const SchemaAndValue& data) const;
  /// Converter::to_connect of `bytes` (std::nullopt = null) read from `topic`.
  SchemaAndValue ToConnect(std::string_view topic, const std::optional<Bytes>& bytes) const;

 private:
  bool is_key_ = false;
};

/// Drives a header converter.
class HeaderConverterDriver : public Driver<ck_header_converter_vtable> {
 public:
  using Driver::Driver;
  /// HeaderConverter::configure.
  void Configure(const ConfigMap& config) const;
  /// HeaderConverter::from_connect_header of header `key`'s `data` for `topic`; std::nullopt =
  /// null.
  std::optional<Bytes> FromConnectHeader(std::string_view topic, std::string_view key,
                                         const SchemaAndValue& data) const;
  /// HeaderConverter::to_connect_header of header `key`'s `bytes` (std::nullopt = null).
  SchemaAndValue ToConnectHeader(std::string_view topic, std::string_view key,
                                 const std::optional<Bytes>& bytes) const;
};

/// Drives a transformation.
class TransformationDriver : public Driver<ck_transformation_vtable> {
 public:
  using Driver::Driver;
  /// Transformation::configure.
  void Configure(const ConfigMap& config) const;
  /// Transformation::apply on each record; dropped records are absent from the result.
  std::vector<ConnectRecord> Apply(const std::vector<ConnectRecord>& records) const;
  /// Apply() on sink records, which carry their Kafka coordinates (kafka_offset, ...).
  std::vector<ConnectRecord> ApplySink(const std::vector<SinkRecord>& records) const;

 private:
  template <typename Record>
  std::vector<ConnectRecord> ApplyBatch(const std::vector<Record>& records) const;
};

/// Drives a predicate.
class PredicateDriver : public Driver<ck_predicate_vtable> {
 public:
  using Driver::Driver;
  /// Predicate::configure.
  void Configure(const ConfigMap& config) const;
  /// Predicate::test on each record.
  std::vector<bool> Test(const std::vector<ConnectRecord>& records) const;
};

/// An in-process host for a plugin's components. Thread-safe for what components call.
class FakeHost {
 public:
  FakeHost();
  FakeHost(const FakeHost&) = delete;
  FakeHost& operator=(const FakeHost&) = delete;

  /// The services table handed to plugins.
  const ck_host* table() const { return &table_; }

  /// Checks `plugin`'s ABI version and calls its init with table(). Throws host::AbiError.
  void Load(const ck_plugin* plugin);

  /// The component registered as `class_name`; throws std::invalid_argument listing the
  /// plugin's components when there is none (or none of kind `kind`).
  const ck_component& Component(std::string_view class_name, ck_component_kind kind) const;

  /// A connector (source or sink) instance.
  ConnectorDriver CreateConnector(std::string_view class_name, std::string name = "connector");
  /// A source task instance.
  SourceTaskDriver CreateSourceTask(std::string_view class_name,
                                    std::string name = "connector|task-0");
  /// A sink task instance.
  SinkTaskDriver CreateSinkTask(std::string_view class_name, std::string name = "connector|task-0");
  /// A converter instance.
  ConverterDriver CreateConverter(std::string_view class_name);
  /// A header converter instance.
  HeaderConverterDriver CreateHeaderConverter(std::string_view class_name);
  /// A transformation instance.
  TransformationDriver CreateTransformation(std::string_view class_name);
  /// A predicate instance.
  PredicateDriver CreatePredicate(std::string_view class_name);

  /// Stores a committed source offset that OffsetStorageReader will return.
  void SetOffset(const nlohmann::json& partition, const nlohmann::json& offset);

  /// Log lines written so far.
  std::vector<LogLine> logs() const;
  /// Errant records reported so far.
  std::vector<ErrantReport> errant_reports() const;
  /// The latest SinkTaskContext::timeout, if any.
  std::optional<int64_t> sink_timeout() const;
  /// Positions set with SinkTaskContext::offset.
  OffsetMap sink_seeks() const;
  /// Partitions currently paused by the task.
  std::set<TopicPartition> paused() const;
  /// Number of SinkTaskContext::request_commit calls.
  int commit_requests() const;
  /// Number of ConnectorContext::request_task_reconfiguration calls.
  int reconfiguration_requests() const;
  /// Messages passed to ConnectorContext::raise_error.
  std::vector<std::string> raised_errors() const;

  /// Whether report_errant_record is available (default true; false simulates no DLQ/tolerance).
  void set_errant_reporter_enabled(bool enabled);

 private:
  friend struct FakeHostCallbacks;

  ck_host table_;
  const ck_plugin* plugin_ = nullptr;
  mutable std::mutex mu_;
  std::map<std::string, std::string> offsets_;  // partition JSON -> offset JSON
  std::vector<LogLine> logs_;
  std::vector<ErrantReport> errant_;
  std::optional<int64_t> sink_timeout_;
  OffsetMap seeks_;
  std::set<TopicPartition> paused_;
  int commit_requests_ = 0;
  int reconfiguration_requests_ = 0;
  std::vector<std::string> raised_errors_;
  bool errant_enabled_ = true;
};

}  // namespace ck::testkit
