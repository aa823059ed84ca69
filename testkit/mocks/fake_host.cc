// FakeHost: the host services table backed by in-memory state, and drivers that marshal C++
// records into ABI batches (with the SDK's own Writer/Reader) and call component vtables.
#include "ck/testkit/fake_host.h"

#include <chrono>
#include <stdexcept>
#include <utility>

#include "ck/internal/arena.h"
#include "ck/internal/marshal.h"

namespace ck::testkit {

using abi_internal::Arena;
using abi_internal::Reader;
using abi_internal::Str;
using abi_internal::View;
using abi_internal::Writer;

namespace {

FakeContext& Ctx(ck_context* ctx) { return *static_cast<FakeContext*>(ctx->owner); }

TopicPartition Tp(ck_topic_partition tp) { return {std::string(View(tp.topic)), tp.partition}; }

// A batch of C++ records marshalled into one arena, borrowed by the plugin.
template <typename Record>
struct AbiBatch {
  explicit AbiBatch(const std::vector<Record>& records) {
    Writer writer(arena);
    ck_record* abi = arena.Allocate<ck_record>(records.size());
    for (size_t i = 0; i < records.size(); ++i) writer.Record(records[i], &abi[i]);
    batch = ck_batch{static_cast<uint32_t>(records.size()), 0, abi, nullptr, nullptr};
  }
  Arena arena;
  ck_batch batch{};
};

// Borrowed ABI views of `partitions`.
std::vector<ck_topic_partition> AbiPartitions(const std::vector<TopicPartition>& partitions) {
  std::vector<ck_topic_partition> tps;
  tps.reserve(partitions.size());
  for (const auto& p : partitions) tps.push_back({Str(p.topic), p.partition, 0});
  return tps;
}

ck_offset_list OffsetList(const OffsetMap& offsets, std::vector<ck_partition_offset>& storage) {
  for (const auto& [tp, offset] : offsets)
    storage.push_back({Str(tp.topic), tp.partition, 0, offset});
  return ck_offset_list{static_cast<uint32_t>(storage.size()), 0, storage.data(), nullptr, nullptr};
}

}  // namespace

struct FakeHostCallbacks {
  static void Log(ck_context* ctx, int32_t level, ck_str message) noexcept {
    if (ctx == nullptr) return;
    FakeContext& c = Ctx(ctx);
    std::lock_guard lock(c.host->mu_);
    c.host->logs_.push_back({c.name, level, std::string(View(message))});
  }
  static int64_t Now() noexcept {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  static ck_status OffsetRead(ck_context* ctx, ck_str partition, ck_buffer* out,
                              ck_error* err) noexcept {
    *out = ck_buffer{};
    try {
      FakeHost& host = *Ctx(ctx).host;
      // Normalise the key: the same JSON object may be written with other spacing.
      const std::string key = nlohmann::json::parse(View(partition)).dump();
      std::lock_guard lock(host.mu_);
      auto it = host.offsets_.find(key);
      if (it == host.offsets_.end()) return CK_STATUS_OK;
      auto* copy = new std::string(it->second);
      *out = ck_buffer{Str(*copy),
                       [](ck_buffer* self) {
                         delete static_cast<std::string*>(self->private_data);
                         self->release = nullptr;
                       },
                       copy};
      return CK_STATUS_OK;
    } catch (const std::exception& e) {
      host::ErrorSet(err, CK_ERROR_DATA, 0, Str(std::string("bad source partition: ") + e.what()));
      return CK_STATUS_ERROR;
    }
  }
  static void RequestReconfiguration(ck_context* ctx) noexcept {
    FakeHost& host = *Ctx(ctx).host;
    std::lock_guard lock(host.mu_);
    ++host.reconfiguration_requests_;
  }
  static void RaiseError(ck_context* ctx, ck_str message) noexcept {
    FakeHost& host = *Ctx(ctx).host;
    std::lock_guard lock(host.mu_);
    host.raised_errors_.emplace_back(View(message));
  }
  static void Seek(ck_context* ctx, ck_topic_partition tp, int64_t offset) noexcept {
    FakeHost& host = *Ctx(ctx).host;
    std::lock_guard lock(host.mu_);
    host.seeks_[Tp(tp)] = offset;
  }
  static void Timeout(ck_context* ctx, int64_t timeout_ms) noexcept {
    FakeHost& host = *Ctx(ctx).host;
    std::lock_guard lock(host.mu_);
    host.sink_timeout_ = timeout_ms;
  }
  static void Pause(ck_context* ctx, ck_topic_partition tp, int32_t paused) noexcept {
    FakeHost& host = *Ctx(ctx).host;
    std::lock_guard lock(host.mu_);
    if (paused) {
      host.paused_.insert(Tp(tp));
    } else {
      host.paused_.erase(Tp(tp));
    }
  }
  static void RequestCommit(ck_context* ctx) noexcept {
    FakeHost& host = *Ctx(ctx).host;
    std::lock_guard lock(host.mu_);
    ++host.commit_requests_;
  }
  static ck_status ReportErrant(ck_context* ctx, const ck_record* record, ck_str message,
                                ck_error*) noexcept {
    FakeHost& host = *Ctx(ctx).host;
    std::lock_guard lock(host.mu_);
    if (!host.errant_enabled_) return CK_STATUS_UNSUPPORTED;
    host.errant_.push_back({std::string(View(record->original_topic)), record->original_partition,
                            record->original_offset, std::string(View(message))});
    return CK_STATUS_OK;
  }
};

FakeHost::FakeHost() {
  table_ = ck_host{};
  table_.struct_size = sizeof(ck_host);
  table_.abi_major = CK_ABI_MAJOR;
  table_.abi_minor = CK_ABI_MINOR;
  table_.error_set = &host::ErrorSet;
  table_.error_create = &host::ErrorCreate;
  table_.error_destroy = &host::ErrorDestroy;
  table_.error_get = &host::ErrorGet;
  table_.log = &FakeHostCallbacks::Log;
  table_.clock_now_ms = &FakeHostCallbacks::Now;
  table_.offset_read = &FakeHostCallbacks::OffsetRead;
  table_.request_task_reconfiguration = &FakeHostCallbacks::RequestReconfiguration;
  table_.raise_error = &FakeHostCallbacks::RaiseError;
  table_.sink_seek = &FakeHostCallbacks::Seek;
  table_.sink_timeout = &FakeHostCallbacks::Timeout;
  table_.sink_pause = &FakeHostCallbacks::Pause;
  table_.sink_request_commit = &FakeHostCallbacks::RequestCommit;
  table_.sink_report_errant = &FakeHostCallbacks::ReportErrant;
}

void FakeHost::Load(const ck_plugin* plugin) {
  if (plugin == nullptr)
    throw std::invalid_argument("FakeHost::Load: the plugin descriptor is null");
  if (plugin->abi_major != CK_ABI_MAJOR || plugin->abi_minor > CK_ABI_MINOR) {
    throw host::AbiError(CK_ERROR_UNSUPPORTED, 0,
                         "plugin requires ABI " + std::to_string(plugin->abi_major) + "." +
                             std::to_string(plugin->abi_minor) + ", this host provides " +
                             std::to_string(CK_ABI_MAJOR) + "." + std::to_string(CK_ABI_MINOR));
  }
  if (plugin->component_count == 0) {
    throw host::AbiError(CK_ERROR_CONNECT, 0,
                         "plugin has no components: " + std::string(View(plugin->manifest_json)));
  }
  ck_error err;
  host::Check(plugin->init(&table_, &err), err, "init");
  plugin_ = plugin;
}

const ck_component& FakeHost::Component(std::string_view class_name, ck_component_kind kind) const {
  if (plugin_ == nullptr) throw std::logic_error("FakeHost: Load() a plugin first");
  std::string known;
  for (uint32_t i = 0; i < plugin_->component_count; ++i) {
    const ck_component& c = *CK_COMPONENT_AT(plugin_, i);
    const bool kind_matches =
        c.kind == static_cast<uint32_t>(kind) ||
        (kind == CK_KIND_SOURCE_CONNECTOR && c.kind == CK_KIND_SINK_CONNECTOR);
    if (View(c.class_name) == class_name && kind_matches) return c;
    known += (known.empty() ? "" : ", ") + std::string(View(c.class_name));
  }
  throw std::invalid_argument("no component '" + std::string(class_name) +
                              "' of the requested kind in plugin; it has: " + known);
}

ConnectorDriver FakeHost::CreateConnector(std::string_view class_name, std::string name) {
  return ConnectorDriver(*this, Component(class_name, CK_KIND_SOURCE_CONNECTOR), std::move(name));
}
SourceTaskDriver FakeHost::CreateSourceTask(std::string_view class_name, std::string name) {
  return SourceTaskDriver(*this, Component(class_name, CK_KIND_SOURCE_TASK), std::move(name));
}
SinkTaskDriver FakeHost::CreateSinkTask(std::string_view class_name, std::string name) {
  return SinkTaskDriver(*this, Component(class_name, CK_KIND_SINK_TASK), std::move(name));
}
ConverterDriver FakeHost::CreateConverter(std::string_view class_name) {
  return ConverterDriver(*this, Component(class_name, CK_KIND_CONVERTER), "converter");
}
HeaderConverterDriver FakeHost::CreateHeaderConverter(std::string_view class_name) {
  return HeaderConverterDriver(*this, Component(class_name, CK_KIND_HEADER_CONVERTER),
                               "header-converter");
}
TransformationDriver FakeHost::CreateTransformation(std::string_view class_name) {
  return TransformationDriver(*this, Component(class_name, CK_KIND_TRANSFORMATION),
                              "transformation");
}
PredicateDriver FakeHost::CreatePredicate(std::string_view class_name) {
  return PredicateDriver(*this, Component(class_name, CK_KIND_PREDICATE), "predicate");
}

void FakeHost::SetOffset(const nlohmann::json& partition, const nlohmann::json& offset) {
  std::lock_guard lock(mu_);
  offsets_[partition.dump()] = offset.dump();
}

std::vector<LogLine> FakeHost::logs() const {
  std::lock_guard lock(mu_);
  return logs_;
}
std::vector<ErrantReport> FakeHost::errant_reports() const {
  std::lock_guard lock(mu_);
  return errant_;
}
std::optional<int64_t> FakeHost::sink_timeout() const {
  std::lock_guard lock(mu_);
  return sink_timeout_;
}
OffsetMap FakeHost::sink_seeks() const {
  std::lock_guard lock(mu_);
  return seeks_;
}
std::set<TopicPartition> FakeHost::paused() const {
  std::lock_guard lock(mu_);
  return paused_;
}
int FakeHost::commit_requests() const {
  std::lock_guard lock(mu_);
  return commit_requests_;
}
int FakeHost::reconfiguration_requests() const {
  std::lock_guard lock(mu_);
  return reconfiguration_requests_;
}
std::vector<std::string> FakeHost::raised_errors() const {
  std::lock_guard lock(mu_);
  return raised_errors_;
}
void FakeHost::set_errant_reporter_enabled(bool enabled) {
  std::lock_guard lock(mu_);
  errant_enabled_ = enabled;
}

// ---- Drivers ---------------------------------------------------------------------------------

nlohmann::json ConnectorDriver::Validate(const ConfigMap& config) const {
  host::ConfigView abi(config);
  host::Owned<ck_buffer> out;
  Call("validate", &ck_connector_vtable::validate, abi.get(), out.out());
  return nlohmann::json::parse(View(out->data));
}

void ConnectorDriver::Start(const ConfigMap& config) const {
  host::ConfigView abi(config);
  Call("start", &ck_connector_vtable::start, abi.get());
}

std::vector<ConfigMap> ConnectorDriver::TaskConfigs(uint32_t max_tasks) const {
  host::Owned<ck_config_list> out;
  Call("task_configs", &ck_connector_vtable::task_configs, max_tasks, out.out());
  std::vector<ConfigMap> configs;
  for (uint32_t i = 0; i < out->count; ++i) {
    ConfigMap& config = configs.emplace_back();
    for (uint32_t j = 0; j < out->configs[i].count; ++j) {
      const ck_config_entry& e = out->configs[i].entries[j];
      config.emplace(View(e.key), View(e.value));
    }
  }
  return configs;
}

void ConnectorDriver::Stop() const { Call("stop", &ck_connector_vtable::stop); }

void SourceTaskDriver::Start(const ConfigMap& config) const {
  host::ConfigView abi(config);
  Call("start", &ck_source_task_vtable::start, abi.get());
}

host::Owned<ck_batch> SourceTaskDriver::PollBatch() const {
  host::Owned<ck_batch> out;
  Call("poll", &ck_source_task_vtable::poll, out.out());
  return out;
}

std::vector<SourceRecord> SourceTaskDriver::Poll() const {
  host::Owned<ck_batch> batch = PollBatch();
  std::vector<SourceRecord> records(batch->count);
  Reader reader;
  for (uint32_t i = 0; i < batch->count; ++i) reader.Record(batch->records[i], &records[i]);
  return records;
}

void SourceTaskDriver::CommitRecord(const ck_record& record,
                                    const ck_record_metadata* metadata) const {
  if (vtable().commit_record == nullptr) return;
  Call("commit_record", &ck_source_task_vtable::commit_record, &record, metadata);
}

void SourceTaskDriver::Commit() const {
  if (vtable().commit == nullptr) return;
  Call("commit", &ck_source_task_vtable::commit);
}

void SourceTaskDriver::Stop() const { Call("stop", &ck_source_task_vtable::stop); }

void SinkTaskDriver::Start(const ConfigMap& config) const {
  host::ConfigView abi(config);
  Call("start", &ck_sink_task_vtable::start, abi.get());
}

void SinkTaskDriver::Open(const std::vector<TopicPartition>& partitions) const {
  const std::vector<ck_topic_partition> tps = AbiPartitions(partitions);
  Call("open", &ck_sink_task_vtable::open, tps.data(), static_cast<uint32_t>(tps.size()));
}

void SinkTaskDriver::Put(const std::vector<SinkRecord>& records) const {
  AbiBatch<SinkRecord> abi(records);
  PutBatch(abi.batch);
}

void SinkTaskDriver::PutBatch(const ck_batch& batch) const {
  Call("put", &ck_sink_task_vtable::put, &batch);
}

OffsetMap SinkTaskDriver::PreCommit(const OffsetMap& offsets) const {
  std::vector<ck_partition_offset> storage;
  ck_offset_list in = OffsetList(offsets, storage);
  host::Owned<ck_offset_list> out;
  Call("pre_commit", &ck_sink_task_vtable::pre_commit, &in, out.out());
  OffsetMap result;
  for (uint32_t i = 0; i < out->count; ++i) {
    result[{std::string(View(out->items[i].topic)), out->items[i].partition}] =
        out->items[i].offset;
  }
  return result;
}

void SinkTaskDriver::Close(const std::vector<TopicPartition>& partitions) const {
  const std::vector<ck_topic_partition> tps = AbiPartitions(partitions);
  Call("close", &ck_sink_task_vtable::close, tps.data(), static_cast<uint32_t>(tps.size()));
}

void SinkTaskDriver::Stop() const { Call("stop", &ck_sink_task_vtable::stop); }

void ConverterDriver::Configure(const ConfigMap& config, bool is_key) {
  host::ConfigView abi(config);
  Call("configure", &ck_converter_vtable::configure, abi.get(), is_key ? 1 : 0);
  is_key_ = is_key;
}

std::optional<Bytes> ConverterDriver::FromConnect(std::string_view topic,
                                                  const SchemaAndValue& data) const {
  ConnectRecord record;
  record.topic = std::string(topic);
  (is_key_ ? record.key_schema : record.value_schema) = data.schema;
  (is_key_ ? record.key : record.value) = data.value;
  AbiBatch<ConnectRecord> abi({record});
  host::Owned<ck_blob_batch> out;
  Call("from_connect", &ck_converter_vtable::from_connect, &abi.batch, out.out());
  const ck_str blob = out->items[0];
  if (blob.ptr == nullptr) return std::nullopt;
  const auto* p = reinterpret_cast<const uint8_t*>(blob.ptr);
  return Bytes(p, p + blob.len);
}

SchemaAndValue ConverterDriver::ToConnect(std::string_view topic,
                                          const std::optional<Bytes>& bytes) const {
  const ck_str topic_str = Str(topic);
  const ck_str blob =
      !bytes ? ck_str{nullptr, 0}
             : ck_str{bytes->empty() ? "" : reinterpret_cast<const char*>(bytes->data()),
                      bytes->size()};
  ck_blob_batch in{1, 0, &blob, nullptr, nullptr};
  host::Owned<ck_data_batch> out;
  Call("to_connect", &ck_converter_vtable::to_connect, &topic_str, &in, out.out());
  Reader reader;
  SchemaPtr schema = reader.Schema(out->items[0].schema);
  Value value = reader.Value(out->items[0].value, schema);
  return {std::move(schema), std::move(value)};
}

void HeaderConverterDriver::Configure(const ConfigMap& config) const {
  host::ConfigView abi(config);
  Call("configure", &ck_header_converter_vtable::configure, abi.get());
}

std::optional<Bytes> HeaderConverterDriver::FromConnectHeader(std::string_view topic,
                                                              std::string_view key,
                                                              const SchemaAndValue& data) const {
  Arena arena;
  Writer writer(arena);
  ck_header header{};
  header.key = Str(key);
  header.schema = writer.Schema(data.schema);
  writer.Value(data.value, &header.value);
  host::Owned<ck_blob_batch> out;
  Call("from_connect", &ck_header_converter_vtable::from_connect, Str(topic), &header, 1u,
       out.out());
  const ck_str blob = out->items[0];
  if (blob.ptr == nullptr) return std::nullopt;
  const auto* p = reinterpret_cast<const uint8_t*>(blob.ptr);
  return Bytes(p, p + blob.len);
}

SchemaAndValue HeaderConverterDriver::ToConnectHeader(std::string_view topic, std::string_view key,
                                                      const std::optional<Bytes>& bytes) const {
  const ck_str key_str = Str(key);
  const ck_str blob =
      !bytes ? ck_str{nullptr, 0}
             : ck_str{bytes->empty() ? "" : reinterpret_cast<const char*>(bytes->data()),
                      bytes->size()};
  ck_blob_batch in{1, 0, &blob, nullptr, nullptr};
  host::Owned<ck_data_batch> out;
  Call("to_connect", &ck_header_converter_vtable::to_connect, Str(topic), &key_str, &in, out.out());
  Reader reader;
  SchemaPtr schema = reader.Schema(out->items[0].schema);
  Value value = reader.Value(out->items[0].value, schema);
  return {std::move(schema), std::move(value)};
}

void TransformationDriver::Configure(const ConfigMap& config) const {
  host::ConfigView abi(config);
  Call("configure", &ck_transformation_vtable::configure, abi.get());
}

// Hands `records` to the transformation as a batch it owns, as the runtime does.
template <typename Record>
std::vector<ConnectRecord> TransformationDriver::ApplyBatch(
    const std::vector<Record>& records) const {
  auto* abi = new AbiBatch<Record>(records);
  ck_batch in = abi->batch;
  in.private_data = abi;
  in.release = [](ck_batch* self) {
    delete static_cast<AbiBatch<Record>*>(self->private_data);
    self->release = nullptr;
  };
  host::Owned<ck_batch> out;
  Call("apply", &ck_transformation_vtable::apply, &in, out.out());
  std::vector<ConnectRecord> result(out->count);
  Reader reader;
  for (uint32_t i = 0; i < out->count; ++i) reader.Record(out->records[i], &result[i]);
  return result;
}

std::vector<ConnectRecord> TransformationDriver::Apply(
    const std::vector<ConnectRecord>& records) const {
  return ApplyBatch(records);
}

std::vector<ConnectRecord> TransformationDriver::ApplySink(
    const std::vector<SinkRecord>& records) const {
  return ApplyBatch(records);
}

void PredicateDriver::Configure(const ConfigMap& config) const {
  host::ConfigView abi(config);
  Call("configure", &ck_predicate_vtable::configure, abi.get());
}

std::vector<bool> PredicateDriver::Test(const std::vector<ConnectRecord>& records) const {
  AbiBatch<ConnectRecord> abi(records);
  std::vector<uint8_t> results(records.size());
  Call("test", &ck_predicate_vtable::test, &abi.batch, results.data());
  return {results.begin(), results.end()};
}

}  // namespace ck::testkit
