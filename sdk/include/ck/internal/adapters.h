/// @file
/// The generated side of the ABI: one vtable per component type, whose every slot is noexcept,
/// guarded (exceptions become error statuses) and converts between the ABI structs and the C++
/// API. Batches the plugin produces are written into one arena and freed by their `release`.
///
/// Shape: AdapterFor<T> picks the adapter from T's base class; each adapter holds the instance
/// (the component and, for connectors and tasks, its context) behind the ABI's `void* self`.

#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "ck/abi/ck_abi.h"
#include "ck/config_def.h"
#include "ck/connector.h"
#include "ck/context.h"
#include "ck/converter.h"
#include "ck/internal/arena.h"
#include "ck/internal/host.h"
#include "ck/internal/marshal.h"
#include "ck/internal/schema_store.h"
#include "ck/record_view.h"
#include "ck/sink_task.h"
#include "ck/source_task.h"
#include "ck/transformation.h"

namespace ck::abi_internal {

struct PluginState;

struct ContextAccess {
  template <typename Base, typename Context>
  static void Bind(Base& component, const Context& context) {
    component.context_ = &context;
  }
  static void SetConfigs(ComponentContext& context, const ConfigMap& configs) {
    context.configs_ = configs;
  }
};

inline ConfigMap ToMap(const ck_config* config) {
  ConfigMap map;
  for (uint32_t i = 0; config != nullptr && i < config->count; ++i) {
    map.emplace(View(config->entries[i].key), View(config->entries[i].value));
  }
  return map;
}

inline std::vector<TopicPartition> ToPartitions(const ck_topic_partition* tps, uint32_t count) {
  std::vector<TopicPartition> out;
  out.reserve(count);
  for (uint32_t i = 0; i < count; ++i)
    out.push_back({std::string(View(tps[i].topic)), tps[i].partition});
  return out;
}

inline OffsetMap ToOffsets(const ck_offset_list* list) {
  OffsetMap out;
  for (uint32_t i = 0; list != nullptr && i < list->count; ++i) {
    const ck_partition_offset& o = list->items[i];
    out[{std::string(View(o.topic)), o.partition}] = o.offset;
  }
  return out;
}

/// Validation results in the ABI's shape; values as strings, PASSWORD values masked.
inline nlohmann::json ValidationJson(const ConfigDef& def, const std::vector<ConfigValue>& values) {
  const auto to_json = [](const ConfigValueT& value, ConfigType type) -> nlohmann::json {
    std::optional<std::string> text = ConvertToString(value, type);
    return text ? nlohmann::json(*text) : nlohmann::json(nullptr);
  };
  nlohmann::json out = nlohmann::json::array();
  for (const ConfigValue& v : values) {
    const ConfigKey* key = def.find(v.name);
    const ConfigType type = key != nullptr ? key->type : ConfigType::kString;
    nlohmann::json recommended = nlohmann::json::array();
    for (const ConfigValueT& r : v.recommended_values) recommended.push_back(to_json(r, type));
    out.push_back({{"name", v.name},
                   {"value", to_json(v.value, type)},
                   {"recommended_values", std::move(recommended)},
                   {"errors", v.errors},
                   {"visible", v.visible}});
  }
  return out;
}

/// Memory behind a batch-like struct the plugin hands to the host: an arena, plus the input batch
/// a transformation's output still points into, plus the long-lived schemas it points to.
struct Produced {
  explicit Produced(size_t expected_bytes = 0, std::shared_ptr<BlockPool> pool = nullptr)
      : arena(expected_bytes, std::move(pool)) {}
  Arena arena;
  std::shared_ptr<const void> keep_alive;
  ck_batch input{};
  ~Produced() {
    if (input.release != nullptr) input.release(&input);
  }
};

template <typename Out>
void ReleaseProduced(Out* out) {
  delete static_cast<Produced*>(out->private_data);
  out->release = nullptr;
}

inline void SetItems(ck_batch* out, const ck_record* records, uint32_t count) {
  out->count = count;
  out->records = records;
}
inline void SetItems(ck_blob_batch* out, const ck_str* items, uint32_t count) {
  out->count = count;
  out->items = items;
}
inline void SetItems(ck_data_batch* out, const ck_data* items, uint32_t count) {
  out->count = count;
  out->items = items;
}
inline void SetItems(ck_offset_list* out, const ck_partition_offset* items, uint32_t count) {
  out->count = count;
  out->items = items;
}

/// Hands `produced` and its `count` items to the host as `out`.
template <typename Out, typename Item>
void Transfer(std::unique_ptr<Produced> produced, const Item* items, uint32_t count, Out* out) {
  *out = Out{};
  SetItems(out, items, count);
  out->private_data = produced.release();
  out->release = &ReleaseProduced<Out>;
}

inline void TransferString(std::string text, ck_buffer* out) {
  auto* owned = new std::string(std::move(text));
  out->data = Str(*owned);
  out->private_data = owned;
  out->release = [](ck_buffer* self) {
    delete static_cast<std::string*>(self->private_data);
    self->release = nullptr;
  };
}

/// A blob for a serialised value: null stays null, empty stays non-null.
inline ck_str Blob(Arena& arena, const std::optional<Bytes>& bytes) {
  if (!bytes) return ck_str{nullptr, 0};
  if (bytes->empty()) return ck_str{"", 0};
  return arena.CopyString({reinterpret_cast<const char*>(bytes->data()), bytes->size()});
}

inline std::optional<std::span<const uint8_t>> BlobView(ck_str blob) {
  if (blob.ptr == nullptr) return std::nullopt;
  return std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(blob.ptr), blob.len);
}

// A typical record with a ten-field value takes about this much arena space.
inline constexpr size_t kRecordBytesEstimate = 512;
// What a view transformation adds per record besides the record itself (a rebuilt struct).
inline constexpr size_t kViewRecordBytesEstimate = 256;
// A transformation's long-lived schemas are started afresh past this size (schemas that keep
// changing would otherwise grow them without bound); batches still using the old ones keep them.
inline constexpr size_t kMaxSchemaStoreBytes = 64 << 20;

/// The SDK's access to a ViewTransformation's schema store.
struct ViewAccess {
  static std::shared_ptr<SchemaStore> Store(ViewTransformation& transformation) {
    if (transformation.store_->bytes() > kMaxSchemaStoreBytes) {
      transformation.store_ = std::make_shared<SchemaStore>();
    }
    return transformation.store_;
  }
};

template <typename Records>
void TransferRecords(const Records& records, ck_batch* out,
                     std::shared_ptr<BlockPool> pool = nullptr) {
  std::unique_ptr<Produced> produced =
      std::make_unique<Produced>(records.size() * kRecordBytesEstimate, std::move(pool));
  Writer writer(produced->arena);
  ck_record* abi = produced->arena.Allocate<ck_record>(records.size());
  for (size_t i = 0; i < records.size(); ++i) writer.Record(records[i], &abi[i]);
  Transfer(std::move(produced), abi, static_cast<uint32_t>(records.size()), out);
}

/// A component with a context (connectors and tasks).
template <typename T, typename Context>
struct WithContext {
  explicit WithContext(ck_context* ctx) : context(ctx) { ContextAccess::Bind(component, context); }
  Context context;
  T component;
  // Memory of the batches a source task polled, for the next ones: the arena blocks, and the
  // vector the task fills (a batch-sized allocation per poll would be freed after each batch).
  std::shared_ptr<BlockPool> pool = std::make_shared<BlockPool>();
  std::vector<SourceRecord> polled;
};

/// C++ schemas for the ABI schemas of successive batches: a batch's schema equal in structure to
/// one seen before maps to the same SchemaPtr, so a converter's caches keyed by schema keep
/// hitting (a stream of one-record batches would otherwise rebuild its schemas every time).
class SchemaCache {
 public:
  /// Call before the schemas of a new batch: their addresses may repeat earlier ones.
  void BeginBatch() {
    if (store_->bytes() > kMaxSchemaStoreBytes) {
      store_ = std::make_unique<SchemaStore>();
      reader_ = std::make_unique<Reader>();
    }
    store_->BeginBatch();
  }
  /// The C++ schema of `schema` (null for nullptr), valid while the cache lives.
  const SchemaPtr& Get(const ck_schema* schema) {
    return reader_->Schema(store_->Canonical(schema));
  }

 private:
  std::unique_ptr<SchemaStore> store_ = std::make_unique<SchemaStore>();
  std::unique_ptr<Reader> reader_ = std::make_unique<Reader>();
};

/// A component without one (converters, transformations, predicates).
template <typename T>
struct Plain {
  explicit Plain(ck_context*) {}
  T component;
  bool is_key = false;
  SchemaCache schemas;  // converters: the schemas of the batches they convert
  // Memory of the batches this instance produced, for the next ones.
  std::shared_ptr<BlockPool> pool = std::make_shared<BlockPool>();
};

template <typename Instance>
struct Lifecycle {
  static Instance& Get(void* self) { return *static_cast<Instance*>(self); }
  static ck_status Create(ck_context* ctx, void** self, ck_error* err) noexcept {
    return Guard(err, [&] { *self = new Instance(ctx); });
  }
  static void Destroy(void* self) noexcept {
    try {
      delete static_cast<Instance*>(self);
    } catch (...) {  // a throwing destructor must not take the host down
    }
  }
};

template <typename T>
struct ConnectorAdapter : Lifecycle<WithContext<T, ConnectorContext>> {
  using L = Lifecycle<WithContext<T, ConnectorContext>>;
  static constexpr bool kSource = std::is_base_of_v<SourceConnector, T>;
  static constexpr ck_component_kind kKind =
      kSource ? CK_KIND_SOURCE_CONNECTOR : CK_KIND_SINK_CONNECTOR;

  static ck_status Validate(void* self, const ck_config* config, ck_buffer* out,
                            ck_error* err) noexcept {
    return Guard(err, [&] {
      const T& connector = L::Get(self).component;
      TransferString(ValidationJson(connector.config(), connector.validate(ToMap(config))).dump(),
                     out);
    });
  }
  static ck_status Start(void* self, const ck_config* config, ck_error* err) noexcept {
    return Guard(err, [&] {
      auto& instance = L::Get(self);
      ConfigMap props = ToMap(config);
      ContextAccess::SetConfigs(instance.context, props);
      instance.component.start(props);
    });
  }
  static ck_status TaskConfigs(void* self, uint32_t max_tasks, ck_config_list* out,
                               ck_error* err) noexcept {
    return Guard(err, [&] {
      std::vector<ConfigMap> configs =
          L::Get(self).component.task_configs(static_cast<int>(max_tasks));
      auto produced = std::make_unique<Produced>();
      Arena& arena = produced->arena;
      ck_config* abi = arena.Allocate<ck_config>(configs.size());
      for (size_t i = 0; i < configs.size(); ++i) {
        ck_config_entry* entries = arena.Allocate<ck_config_entry>(configs[i].size());
        size_t n = 0;
        for (const auto& [key, value] : configs[i]) {
          entries[n++] = ck_config_entry{arena.CopyString(key), arena.CopyString(value)};
        }
        abi[i] = ck_config{entries, static_cast<uint32_t>(n), 0};
      }
      *out = ck_config_list{};
      out->count = static_cast<uint32_t>(configs.size());
      out->configs = abi;
      out->private_data = produced.release();
      out->release = &ReleaseProduced<ck_config_list>;
    });
  }
  static ck_status Stop(void* self, ck_error* err) noexcept {
    return Guard(err, [&] { L::Get(self).component.stop(); });
  }
  static ck_status AlterOffsets(void* self, const ck_config* config, ck_str offsets_json,
                                int32_t* altered, ck_error* err) noexcept {
    return Guard(err, [&] {
      const nlohmann::json offsets = nlohmann::json::parse(View(offsets_json));
      if constexpr (kSource) {
        std::vector<std::pair<nlohmann::json, std::optional<nlohmann::json>>> changes;
        for (const auto& entry : offsets) {
          const auto& offset = entry.at("offset");
          changes.emplace_back(entry.at("partition"),
                               offset.is_null() ? std::nullopt : std::optional(offset));
        }
        *altered = L::Get(self).component.alter_offsets(ToMap(config), changes) ? 1 : 0;
      } else {
        std::map<TopicPartition, std::optional<int64_t>> changes;
        for (const auto& entry : offsets) {
          const auto& partition = entry.at("partition");
          const auto& offset = entry.at("offset");
          changes[{partition.at("kafka_topic").get<std::string>(),
                   partition.at("kafka_partition").get<int32_t>()}] =
              offset.is_null() ? std::nullopt
                               : std::optional(offset.at("kafka_offset").get<int64_t>());
        }
        *altered = L::Get(self).component.alter_offsets(ToMap(config), changes) ? 1 : 0;
      }
    });
  }
  static ck_status ExactlyOnceSupport(void* self, const ck_config* config, int32_t* supported,
                                      ck_error* err) noexcept {
    if constexpr (kSource) {
      return Guard(err, [&] {
        *supported = L::Get(self).component.exactly_once_support(ToMap(config)) ==
                     ExactlyOnceSupport::kSupported;
      });
    } else {
      (void)self, (void)config, (void)supported, (void)err;
      return CK_STATUS_UNSUPPORTED;
    }
  }

  static constexpr ck_connector_vtable kVTable = {sizeof(ck_connector_vtable),
                                                  0,
                                                  &L::Create,
                                                  &L::Destroy,
                                                  &Validate,
                                                  &Start,
                                                  &TaskConfigs,
                                                  &Stop,
                                                  &AlterOffsets,
                                                  &ExactlyOnceSupport};
};

template <typename T>
struct SourceTaskAdapter : Lifecycle<WithContext<T, SourceTaskContext>> {
  using L = Lifecycle<WithContext<T, SourceTaskContext>>;
  static constexpr ck_component_kind kKind = CK_KIND_SOURCE_TASK;
  // Slots the task does not override stay NULL, sparing the host a call per record.
  static constexpr bool kCommits = !std::is_same_v<decltype(&T::commit), void (SourceTask::*)()>;
  static constexpr bool kCommitsRecords =
      !std::is_same_v<decltype(&T::commit_record),
                      void (SourceTask::*)(const SourceRecord&, const RecordMetadata*)>;

  static ck_status Start(void* self, const ck_config* config, ck_error* err) noexcept {
    return Guard(err, [&] {
      auto& instance = L::Get(self);
      ConfigMap props = ToMap(config);
      ContextAccess::SetConfigs(instance.context, props);
      instance.component.start(props);
    });
  }
  static ck_status Poll(void* self, ck_batch* out, ck_error* err) noexcept {
    *out = ck_batch{};
    return Guard(err, [&] {
      auto& instance = L::Get(self);
      instance.polled.clear();  // left over when the last transfer threw
      static_cast<SourceTask&>(instance.component).poll_into(instance.polled);
      TransferRecords(instance.polled, out, instance.pool);
      instance.polled.clear();
    });
  }
  static ck_status Commit(void* self, ck_error* err) noexcept {
    return Guard(err, [&] { L::Get(self).component.commit(); });
  }
  static ck_status CommitRecord(void* self, const ck_record* record,
                                const ck_record_metadata* metadata, ck_error* err) noexcept {
    return Guard(err, [&] {
      SourceRecord source;
      Reader().Record(*record, &source);
      if (metadata == nullptr) return L::Get(self).component.commit_record(source, nullptr);
      RecordMetadata md{std::string(View(metadata->topic)), metadata->partition, metadata->offset,
                        metadata->timestamp == CK_NO_TIMESTAMP
                            ? std::nullopt
                            : std::optional<int64_t>(metadata->timestamp)};
      L::Get(self).component.commit_record(source, &md);
    });
  }
  static ck_status Stop(void* self, ck_error* err) noexcept {
    return Guard(err, [&] { L::Get(self).component.stop(); });
  }

  static constexpr ck_source_task_vtable kVTable = {sizeof(ck_source_task_vtable),
                                                    0,
                                                    &L::Create,
                                                    &L::Destroy,
                                                    &Start,
                                                    &Poll,
                                                    kCommits ? &Commit : nullptr,
                                                    kCommitsRecords ? &CommitRecord : nullptr,
                                                    &Stop};
};

template <typename T>
struct SinkTaskAdapter : Lifecycle<WithContext<T, SinkTaskContext>> {
  using L = Lifecycle<WithContext<T, SinkTaskContext>>;
  static constexpr ck_component_kind kKind = CK_KIND_SINK_TASK;

  static ck_status Start(void* self, const ck_config* config, ck_error* err) noexcept {
    return Guard(err, [&] {
      auto& instance = L::Get(self);
      ConfigMap props = ToMap(config);
      ContextAccess::SetConfigs(instance.context, props);
      instance.component.start(props);
    });
  }
  static ck_status Put(void* self, const ck_batch* batch, ck_error* err) noexcept {
    return Guard(err, [&] {
      std::vector<SinkRecord> records(batch->count);
      Reader reader;
      for (uint32_t i = 0; i < batch->count; ++i) reader.Record(batch->records[i], &records[i]);
      L::Get(self).component.put(std::move(records));
    });
  }
  static ck_status Flush(void* self, const ck_offset_list* offsets, ck_error* err) noexcept {
    return Guard(err, [&] { L::Get(self).component.flush(ToOffsets(offsets)); });
  }
  static ck_status PreCommit(void* self, const ck_offset_list* offsets, ck_offset_list* out,
                             ck_error* err) noexcept {
    *out = ck_offset_list{};
    return Guard(err, [&] {
      OffsetMap result = L::Get(self).component.pre_commit(ToOffsets(offsets));
      auto produced = std::make_unique<Produced>();
      auto* items = produced->arena.Allocate<ck_partition_offset>(result.size());
      size_t i = 0;
      for (const auto& [tp, offset] : result) {
        items[i++] =
            ck_partition_offset{produced->arena.CopyString(tp.topic), tp.partition, 0, offset};
      }
      Transfer(std::move(produced), items, static_cast<uint32_t>(result.size()), out);
    });
  }
  static ck_status Open(void* self, const ck_topic_partition* tps, uint32_t count,
                        ck_error* err) noexcept {
    return Guard(err, [&] { L::Get(self).component.open(ToPartitions(tps, count)); });
  }
  static ck_status Close(void* self, const ck_topic_partition* tps, uint32_t count,
                         ck_error* err) noexcept {
    return Guard(err, [&] { L::Get(self).component.close(ToPartitions(tps, count)); });
  }
  static ck_status Stop(void* self, ck_error* err) noexcept {
    return Guard(err, [&] { L::Get(self).component.stop(); });
  }

  static constexpr ck_sink_task_vtable kVTable = {sizeof(ck_sink_task_vtable),
                                                  0,
                                                  &L::Create,
                                                  &L::Destroy,
                                                  &Start,
                                                  &Put,
                                                  &Flush,
                                                  &PreCommit,
                                                  &Open,
                                                  &Close,
                                                  &Stop};
};

template <typename T>
struct ConverterAdapter : Lifecycle<Plain<T>> {
  using L = Lifecycle<Plain<T>>;
  static constexpr ck_component_kind kKind = CK_KIND_CONVERTER;

  static ck_status Configure(void* self, const ck_config* config, int32_t is_key,
                             ck_error* err) noexcept {
    return Guard(err, [&] {
      L::Get(self).is_key = is_key != 0;
      L::Get(self).component.configure(ToMap(config), is_key != 0);
    });
  }
  static ck_status FromConnect(void* self, const ck_batch* records, ck_blob_batch* out,
                               ck_error* err) noexcept {
    *out = ck_blob_batch{};
    return Guard(err, [&] {
      auto& instance = L::Get(self);
      std::unique_ptr<Produced> produced = std::make_unique<Produced>(0, instance.pool);
      ck_str* blobs = produced->arena.Allocate<ck_str>(records->count);
      Reader reader;
      instance.schemas.BeginBatch();
      for (uint32_t i = 0; i < records->count; ++i) {
        const ck_record& r = records->records[i];
        const SchemaPtr& schema =
            instance.schemas.Get(instance.is_key ? r.key_schema : r.value_schema);
        const ck_value& abi_value = instance.is_key ? r.key : r.value;
        if constexpr (requires {
                        instance.component.from_connect_abi(View(r.topic), schema, abi_value);
                      }) {
          // A converter built into the host may serialise the ABI value as it lies, sparing the
          // C++ Value in between; it returns a view valid until its next call.
          const std::optional<std::string_view> blob =
              instance.component.from_connect_abi(View(r.topic), schema, abi_value);
          blobs[i] = !blob           ? ck_str{nullptr, 0}
                     : blob->empty() ? ck_str{"", 0}
                                     : produced->arena.CopyString(*blob);
        } else {
          Value value = reader.Value(abi_value, schema);
          blobs[i] =
              Blob(produced->arena, instance.component.from_connect(View(r.topic), schema, value));
        }
      }
      Transfer(std::move(produced), blobs, records->count, out);
    });
  }
  static ck_status ToConnect(void* self, const ck_str* topics, const ck_blob_batch* blobs,
                             ck_data_batch* out, ck_error* err) noexcept {
    *out = ck_data_batch{};
    return Guard(err, [&] {
      auto produced = std::make_unique<Produced>();
      Writer writer(produced->arena);
      ck_data* items = produced->arena.Allocate<ck_data>(blobs->count);
      for (uint32_t i = 0; i < blobs->count; ++i) {
        SchemaAndValue data =
            L::Get(self).component.to_connect(View(topics[i]), BlobView(blobs->items[i]));
        items[i].schema = writer.Schema(data.schema);
        writer.Value(data.value, &items[i].value);
      }
      Transfer(std::move(produced), items, blobs->count, out);
    });
  }

  static constexpr ck_converter_vtable kVTable = {sizeof(ck_converter_vtable),
                                                  0,
                                                  &L::Create,
                                                  &L::Destroy,
                                                  &Configure,
                                                  &FromConnect,
                                                  &ToConnect};
};

template <typename T>
struct HeaderConverterAdapter : Lifecycle<Plain<T>> {
  using L = Lifecycle<Plain<T>>;
  static constexpr ck_component_kind kKind = CK_KIND_HEADER_CONVERTER;

  static ck_status Configure(void* self, const ck_config* config, ck_error* err) noexcept {
    return Guard(err, [&] { L::Get(self).component.configure(ToMap(config)); });
  }
  static ck_status FromConnect(void* self, ck_str topic, const ck_header* headers, uint32_t count,
                               ck_blob_batch* out, ck_error* err) noexcept {
    *out = ck_blob_batch{};
    return Guard(err, [&] {
      auto produced = std::make_unique<Produced>();
      ck_str* blobs = produced->arena.Allocate<ck_str>(count);
      Reader reader;
      for (uint32_t i = 0; i < count; ++i) {
        SchemaPtr schema = reader.Schema(headers[i].schema);
        Value value = reader.Value(headers[i].value, schema);
        blobs[i] = Blob(produced->arena, L::Get(self).component.from_connect_header(
                                             View(topic), View(headers[i].key), schema, value));
      }
      Transfer(std::move(produced), blobs, count, out);
    });
  }
  static ck_status ToConnect(void* self, ck_str topic, const ck_str* keys,
                             const ck_blob_batch* blobs, ck_data_batch* out,
                             ck_error* err) noexcept {
    *out = ck_data_batch{};
    return Guard(err, [&] {
      auto produced = std::make_unique<Produced>();
      Writer writer(produced->arena);
      ck_data* items = produced->arena.Allocate<ck_data>(blobs->count);
      for (uint32_t i = 0; i < blobs->count; ++i) {
        SchemaAndValue data = L::Get(self).component.to_connect_header(View(topic), View(keys[i]),
                                                                       BlobView(blobs->items[i]));
        items[i].schema = writer.Schema(data.schema);
        writer.Value(data.value, &items[i].value);
      }
      Transfer(std::move(produced), items, blobs->count, out);
    });
  }

  static constexpr ck_header_converter_vtable kVTable = {sizeof(ck_header_converter_vtable),
                                                         0,
                                                         &L::Create,
                                                         &L::Destroy,
                                                         &Configure,
                                                         &FromConnect,
                                                         &ToConnect};
};

template <typename T>
struct TransformationAdapter : Lifecycle<Plain<T>> {
  using L = Lifecycle<Plain<T>>;
  static constexpr ck_component_kind kKind = CK_KIND_TRANSFORMATION;

  static ck_status Configure(void* self, const ck_config* config, ck_error* err) noexcept {
    return Guard(err, [&] { L::Get(self).component.configure(ToMap(config)); });
  }
  static constexpr bool kViews = std::is_base_of_v<ViewTransformation, T>;

  static ck_status Apply(void* self, ck_batch* in, ck_batch* out, ck_error* err) noexcept {
    *out = ck_batch{};
    // Take ownership first: whatever happens below, the input is released exactly once.
    const size_t estimate = kViews ? in->count * (sizeof(ck_record) + kViewRecordBytesEstimate)
                                   : in->count * kRecordBytesEstimate;
    Produced* raw = new (std::nothrow) Produced(estimate, L::Get(self).pool);
    if (raw == nullptr) {
      if (in->release != nullptr) in->release(in);
      SetError(err, CK_ERROR_NO_MEMORY, 0, "out of memory (std::bad_alloc)");
      return CK_STATUS_ERROR;
    }
    std::unique_ptr<Produced> produced(raw);
    produced->input = *in;
    in->release = nullptr;
    return Guard(err, [&] {
      if constexpr (kViews) {
        ApplyViews(L::Get(self).component, std::move(produced), out);
      } else {
        ApplyRecords(L::Get(self).component, std::move(produced), out);
      }
    });
  }

  // Each output record starts as a bitwise copy of its input record and the transformation
  // changes what it touches; untouched parts keep pointing into the input batch (which the output
  // keeps alive) or into the transformation's schema store (likewise).
  static void ApplyViews(T& component, std::unique_ptr<Produced> produced, ck_batch* out) {
    std::shared_ptr<SchemaStore> store = ViewAccess::Store(component);
    store->BeginBatch();
    const ck_batch& input = produced->input;
    ViewBatch batch(produced->arena, *store);
    ck_record* records = produced->arena.Allocate<ck_record>(input.count);
    uint32_t kept = 0;
    for (uint32_t i = 0; i < input.count; ++i) {
      ck_record& dst = records[kept];
      dst = input.records[i];
      dst.origin = i;
      RecordEditor editor = EditorAccess::Make(batch, &dst);
      if (component.transform(RecordView(input.records[i]), editor)) ++kept;
    }
    produced->keep_alive = std::move(store);
    Transfer(std::move(produced), records, kept, out);
  }

  // Each record is read into a ConnectRecord, transformed, and written back.
  static void ApplyRecords(T& component, std::unique_ptr<Produced> produced, ck_batch* out) {
    const ck_batch& input = produced->input;
    Writer writer(produced->arena);
    ck_record* records = produced->arena.Allocate<ck_record>(input.count);
    uint32_t kept = 0;
    Reader reader;
    for (uint32_t i = 0; i < input.count; ++i) {
      const ck_record& src = input.records[i];
      ConnectRecord record;
      reader.Record(src, &record);
      std::optional<ConnectRecord> result =
          static_cast<Transformation&>(component).apply(std::move(record));
      if (!result) continue;
      ck_record& dst = records[kept++];
      writer.Record(*result, &dst);
      // The source offsets and Kafka coordinates travel with the record, unchanged.
      dst.source_partition = src.source_partition;
      dst.source_offset = src.source_offset;
      dst.kafka_offset = src.kafka_offset;
      dst.original_topic = src.original_topic;
      dst.original_partition = src.original_partition;
      dst.original_offset = src.original_offset;
      if (dst.timestamp == src.timestamp) dst.timestamp_type = src.timestamp_type;
      dst.origin = i;
    }
    Transfer(std::move(produced), records, kept, out);
  }

  static constexpr ck_transformation_vtable kVTable = {
      sizeof(ck_transformation_vtable), 0, &L::Create, &L::Destroy, &Configure, &Apply};
};

template <typename T>
struct PredicateAdapter : Lifecycle<Plain<T>> {
  using L = Lifecycle<Plain<T>>;
  static constexpr ck_component_kind kKind = CK_KIND_PREDICATE;

  static ck_status Configure(void* self, const ck_config* config, ck_error* err) noexcept {
    return Guard(err, [&] { L::Get(self).component.configure(ToMap(config)); });
  }
  static ck_status Test(void* self, const ck_batch* records, uint8_t* results,
                        ck_error* err) noexcept {
    return Guard(err, [&] {
      T& predicate = L::Get(self).component;
      if constexpr (std::is_base_of_v<ViewPredicate, T>) {
        for (uint32_t i = 0; i < records->count; ++i) {
          results[i] = predicate.matches(RecordView(records->records[i])) ? 1 : 0;
        }
      } else {
        Reader reader;
        for (uint32_t i = 0; i < records->count; ++i) {
          ConnectRecord record;
          reader.Record(records->records[i], &record);
          results[i] = predicate.test(record) ? 1 : 0;
        }
      }
    });
  }

  static constexpr ck_predicate_vtable kVTable = {
      sizeof(ck_predicate_vtable), 0, &L::Create, &L::Destroy, &Configure, &Test};
};

template <typename T>
struct AdapterSelector {
  static_assert(sizeof(T) == 0,
                "a plugin component must derive from SourceConnector, SinkConnector, SourceTask, "
                "SinkTask, Converter, HeaderConverter, Transformation or Predicate");
};

template <typename T>
using AdapterFor = std::conditional_t<
    std::is_base_of_v<Connector, T>, ConnectorAdapter<T>,
    std::conditional_t<
        std::is_base_of_v<SourceTask, T>, SourceTaskAdapter<T>,
        std::conditional_t<
            std::is_base_of_v<SinkTask, T>, SinkTaskAdapter<T>,
            std::conditional_t<
                std::is_base_of_v<Converter, T>, ConverterAdapter<T>,
                std::conditional_t<
                    std::is_base_of_v<HeaderConverter, T>, HeaderConverterAdapter<T>,
                    std::conditional_t<
                        std::is_base_of_v<Transformation, T>, TransformationAdapter<T>,
                        std::conditional_t<std::is_base_of_v<Predicate, T>, PredicateAdapter<T>,
                                           AdapterSelector<T>>>>>>>>;

}  // namespace ck::abi_internal
