// The sink task loop (see the header for its offset and redelivery rules).
#include "runtime/worker/sink_task_runner.h"

#include <algorithm>
#include <string_view>
#include <utility>

#include "ck/internal/arena.h"
#include "runtime/worker/log.h"

namespace ck::runtime {
namespace {

constexpr std::chrono::milliseconds kPollTimeout{100};
constexpr int64_t kDefaultRetryBackoffMs = 1000;

ck_str Str(std::string_view s) { return {s.data(), s.size()}; }
std::string_view View(ck_str s) { return {s.ptr == nullptr ? "" : s.ptr, s.len}; }

rd_kafka_topic_partition_list_t* ToList(const std::map<Partition, int64_t>& offsets) {
  rd_kafka_topic_partition_list_t* list =
      rd_kafka_topic_partition_list_new(static_cast<int>(offsets.size()));
  for (const auto& [tp, offset] : offsets) {
    rd_kafka_topic_partition_list_add(list, tp.first.c_str(), tp.second)->offset = offset;
  }
  return list;
}

// The consumed records of one poll, as ABI records, and everything their memory belongs to.
struct Consumed {
  abi_internal::Arena arena;
  std::vector<rd_kafka_message_t*> messages;
  host::Owned<ck_data_batch> keys;
  host::Owned<ck_data_batch> values;
  std::vector<host::Owned<ck_data_batch>> headers;
  ck_record* records = nullptr;
  std::vector<bool> failed;
  ~Consumed() {
    for (rd_kafka_message_t* m : messages) rd_kafka_message_destroy(m);
  }
};

// Converts the keys or values of `consumed`. When the batch fails, converts one record at a time
// through `errors`, which retries, reports and skips (or fails the task on) each failing record.
host::Owned<ck_data_batch> ToConnect(const host::Instance<ck_converter_vtable>& converter,
                                     Consumed& consumed, const std::vector<ck_str>& topics,
                                     const std::vector<ck_str>& blobs, ErrorHandler& errors,
                                     Stage stage, const std::string& class_name) {
  const char* what = StageName(stage);
  ck_blob_batch in{static_cast<uint32_t>(blobs.size()), 0, blobs.data(), nullptr, nullptr};
  host::Owned<ck_data_batch> out;
  try {
    converter.Call(what, &ck_converter_vtable::to_connect, topics.data(), &in, out.out());
    return out;
  } catch (const host::AbiError&) {
    // Isolate the failing records below, keeping each result alive.
  }
  auto* items = new std::vector<ck_data>(blobs.size(), ck_data{nullptr, ck_value{}});
  auto* owners = new std::vector<host::Owned<ck_data_batch>>;
  struct Holder {
    std::unique_ptr<std::vector<ck_data>> items;
    std::unique_ptr<std::vector<host::Owned<ck_data_batch>>> owners;
  };
  auto* holder = new Holder{std::unique_ptr<std::vector<ck_data>>(items),
                            std::unique_ptr<std::vector<host::Owned<ck_data_batch>>>(owners)};
  *out.out() = ck_data_batch{static_cast<uint32_t>(items->size()), 0, items->data(),
                             [](ck_data_batch* self) {
                               delete static_cast<Holder*>(self->private_data);
                               self->release = nullptr;
                             },
                             holder};
  for (size_t i = 0; i < blobs.size(); ++i) {
    if (consumed.failed[i]) continue;
    const bool ok = errors.Execute(
        [&] {
          ck_blob_batch one{1, 0, &blobs[i], nullptr, nullptr};
          host::Owned<ck_data_batch> result;
          converter.Call(what, &ck_converter_vtable::to_connect, &topics[i], &one, result.out());
          (*items)[i] = result->items[0];
          owners->push_back(std::move(result));
        },
        [&](const std::exception& e) { return FailureOf(stage, class_name, e); },
        consumed.messages[i]);
    if (!ok) consumed.failed[i] = true;
  }
  return out;
}

}  // namespace

SinkTaskRunner::SinkTaskRunner(SinkTaskSetup setup)
    : setup_(std::move(setup)),
      context_(setup_.connector, setup_.task_id),
      errors_(setup_.errors, setup_.connector, setup_.task_id, setup_.dlq_producer_settings) {
  context_.sink = &control_;
  control_.report_errant = [this](const ck_record& record, std::string_view message,
                                  ck_error* err) { return ReportErrant(record, message, err); };
  Properties settings = setup_.consumer_settings;
  settings.emplace("client.id",
                   "connector-consumer-" + setup_.connector + "-" + std::to_string(setup_.task_id));
  rd_kafka_conf_t* conf = MakeKafkaConf(settings, "connector " + setup_.connector);
  rd_kafka_conf_set_rebalance_cb(conf, &SinkTaskRunner::OnRebalance);
  rd_kafka_conf_set_opaque(conf, this);
  char error[512];
  rd_kafka_t* consumer = rd_kafka_new(RD_KAFKA_CONSUMER, conf, error, sizeof error);
  if (consumer == nullptr) {
    throw std::runtime_error("connector " + setup_.connector +
                             ": cannot create consumer: " + error);
  }
  consumer_.reset(consumer);
  rd_kafka_poll_set_consumer(consumer);
}

SinkTaskRunner::~SinkTaskRunner() {
  if (thread_.joinable()) thread_.join();
}

void SinkTaskRunner::Start() {
  thread_ = std::thread([this] { Run(); });
}

void SinkTaskRunner::SetPaused(bool paused) {
  std::lock_guard lock(mu_);
  paused_ = paused;
  cv_.notify_all();
}

void SinkTaskRunner::Stop(std::chrono::milliseconds graceful) {
  if (!thread_.joinable()) return;  // never started
  std::unique_lock lock(mu_);
  stopping_ = true;
  cv_.notify_all();
  if (!cv_.wait_for(lock, graceful, [this] { return finished_; })) {
    Log(Level::kError, context_.log_context,
        "did not stop within task.shutdown.graceful.timeout.ms=" +
            std::to_string(graceful.count()) + "; waiting for it to return from the plugin");
  }
  lock.unlock();
  if (thread_.joinable()) thread_.join();
}

void SinkTaskRunner::OnRebalance(rd_kafka_t*, rd_kafka_resp_err_t err,
                                 rd_kafka_topic_partition_list_t* partitions, void* opaque) {
  static_cast<SinkTaskRunner*>(opaque)->Rebalance(err, partitions);
}

void SinkTaskRunner::Rebalance(rd_kafka_resp_err_t err,
                               rd_kafka_topic_partition_list_t* partitions) {
  std::vector<ck_topic_partition> tps;
  tps.reserve(partitions->cnt);
  for (int i = 0; i < partitions->cnt; ++i) {
    tps.push_back({Str(partitions->elems[i].topic), partitions->elems[i].partition, 0});
  }
  const bool cooperative =
      std::string_view(rd_kafka_rebalance_protocol(consumer_.get())) == "COOPERATIVE";
  try {
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
      if (cooperative) {
        rd_kafka_error_t* e = rd_kafka_incremental_assign(consumer_.get(), partitions);
        if (e != nullptr) rd_kafka_error_destroy(e);
      } else {
        rd_kafka_assign(consumer_.get(), partitions);
      }
      if (task_ != nullptr) {
        task_->Call("open", &ck_sink_task_vtable::open, tps.data(),
                    static_cast<uint32_t>(tps.size()));
      }
    } else {
      if (task_ != nullptr) {
        Commit(*task_, true);
        task_->Call("close", &ck_sink_task_vtable::close, tps.data(),
                    static_cast<uint32_t>(tps.size()));
      }
      for (const auto& tp : tps) {
        const Partition p{std::string(tp.topic.ptr, tp.topic.len), tp.partition};
        consumed_.erase(p);
        committed_.erase(p);
      }
      if (cooperative) {
        rd_kafka_error_t* e = rd_kafka_incremental_unassign(consumer_.get(), partitions);
        if (e != nullptr) rd_kafka_error_destroy(e);
      } else {
        rd_kafka_assign(consumer_.get(), nullptr);
      }
    }
  } catch (const std::exception& e) {
    rebalance_error_ = e.what();
  }
}

void SinkTaskRunner::Run() {
  try {
    host::Instance<ck_sink_task_vtable> task(*setup_.task, context_.get());
    host::ConfigView config(setup_.config);
    task.Call("start", &ck_sink_task_vtable::start, config.get());
    task_ = &task;
    rd_kafka_topic_partition_list_t* subscription = rd_kafka_topic_partition_list_new(1);
    if (!setup_.topics_regex.empty()) {
      const std::string regex =
          setup_.topics_regex[0] == '^' ? setup_.topics_regex : "^" + setup_.topics_regex;
      rd_kafka_topic_partition_list_add(subscription, regex.c_str(), RD_KAFKA_PARTITION_UA);
    }
    for (const std::string& topic : setup_.topics) {
      rd_kafka_topic_partition_list_add(subscription, topic.c_str(), RD_KAFKA_PARTITION_UA);
    }
    const rd_kafka_resp_err_t err = rd_kafka_subscribe(consumer_.get(), subscription);
    rd_kafka_topic_partition_list_destroy(subscription);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      throw std::runtime_error(std::string("cannot subscribe: ") + rd_kafka_err2str(err));
    }
    status_.Set(TaskState::kRunning);
    Log(Level::kInfo, context_.log_context, "Sink task started");
    // Released on every way out, a failure included.
    const std::unique_ptr<rd_kafka_queue_t, decltype(&rd_kafka_queue_destroy)> queue(
        rd_kafka_queue_get_consumer(consumer_.get()), &rd_kafka_queue_destroy);
    std::vector<rd_kafka_message_t*> messages(setup_.max_poll_records);
    auto next_commit = std::chrono::steady_clock::now() + setup_.offset_flush_interval;
    while (!stopping_) {
      {
        std::unique_lock lock(mu_);
        if (paused_) {
          status_.Set(TaskState::kPaused);
          cv_.wait_for(lock, kPollTimeout, [this] { return !paused_ || stopping_.load(); });
          if (paused_) continue;
          status_.Set(TaskState::kRunning);
        }
      }
      ApplyContextRequests();
      const ssize_t n = rd_kafka_consume_batch_queue(
          queue.get(), static_cast<int>(kPollTimeout.count()), messages.data(), messages.size());
      if (!rebalance_error_.empty()) throw std::runtime_error(rebalance_error_);
      std::vector<rd_kafka_message_t*> batch;
      for (ssize_t i = 0; i < n; ++i) {
        if (messages[i]->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
          batch.push_back(messages[i]);
        } else {
          if (messages[i]->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            Log(Level::kWarn, context_.log_context,
                std::string("consumer: ") + rd_kafka_message_errstr(messages[i]));
          }
          rd_kafka_message_destroy(messages[i]);
        }
      }
      if (!batch.empty()) Deliver(task, batch);
      if (control_.commit_requested.exchange(false) ||
          std::chrono::steady_clock::now() >= next_commit) {
        Commit(task, false);
        next_commit = std::chrono::steady_clock::now() + setup_.offset_flush_interval;
      }
    }
    Commit(task, true);
    rd_kafka_consumer_close(consumer_.get());  // revokes: close() runs through Rebalance
    task.Call("stop", &ck_sink_task_vtable::stop);
    task_ = nullptr;
    status_.Set(TaskState::kStopped);
    Log(Level::kInfo, context_.log_context, "Sink task stopped");
  } catch (const std::exception& e) {
    task_ = nullptr;
    status_.Set(TaskState::kFailed, e.what());
    Log(Level::kError, context_.log_context,
        std::string("Task threw an uncaught and unrecoverable exception. Task is being killed and "
                    "will not recover until manually restarted: ") +
            e.what());
  }
  std::lock_guard lock(mu_);
  finished_ = true;
  cv_.notify_all();
}

void SinkTaskRunner::Deliver(host::Instance<ck_sink_task_vtable>& task,
                             std::vector<rd_kafka_message_t*>& messages) {
  metrics_.consumed += static_cast<int64_t>(messages.size());
  Consumed consumed;
  consumed.messages = std::move(messages);
  const size_t n = consumed.messages.size();
  consumed.failed.assign(n, false);
  std::vector<ck_str> topics(n), keys(n), values(n);
  for (size_t i = 0; i < n; ++i) {
    const rd_kafka_message_t* m = consumed.messages[i];
    topics[i] = Str(rd_kafka_topic_name(m->rkt));
    keys[i] = {static_cast<const char*>(m->key), m->key ? m->key_len : 0};
    values[i] = {static_cast<const char*>(m->payload), m->payload ? m->len : 0};
    if (m->key != nullptr && m->key_len == 0) keys[i].ptr = "";
    if (m->payload != nullptr && m->len == 0) values[i].ptr = "";
  }
  for (size_t i = 0; i < n; ++i) topic_cache_.Note(setup_.topics_in_use.get(), View(topics[i]));
  consumed.keys = ToConnect(*setup_.key_converter, consumed, topics, keys, errors_,
                            Stage::kKeyConverter, setup_.key_converter_class);
  consumed.values = ToConnect(*setup_.value_converter, consumed, topics, values, errors_,
                              Stage::kValueConverter, setup_.value_converter_class);
  consumed.records = consumed.arena.Allocate<ck_record>(n);
  for (size_t i = 0; i < n; ++i) {
    const rd_kafka_message_t* m = consumed.messages[i];
    ck_record& r = consumed.records[i];
    r = ck_record{};
    r.topic = topics[i];
    r.partition = m->partition;
    rd_kafka_timestamp_type_t type;
    const int64_t timestamp = rd_kafka_message_timestamp(m, &type);
    r.timestamp = type == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE ? CK_NO_TIMESTAMP : timestamp;
    r.timestamp_type = type == RD_KAFKA_TIMESTAMP_CREATE_TIME       ? CK_TIMESTAMP_CREATE
                       : type == RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME ? CK_TIMESTAMP_LOG_APPEND
                                                                    : CK_TIMESTAMP_NONE;
    r.key_schema = consumed.keys->items[i].schema;
    r.key = consumed.keys->items[i].value;
    r.value_schema = consumed.values->items[i].schema;
    r.value = consumed.values->items[i].value;
    r.kafka_offset = m->offset;
    r.original_topic = topics[i];
    r.original_partition = m->partition;
    r.original_offset = m->offset;
    rd_kafka_headers_t* headers = nullptr;
    if (rd_kafka_message_headers(m, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR && headers != nullptr &&
        rd_kafka_header_cnt(headers) > 0) {
      const size_t count = rd_kafka_header_cnt(headers);
      std::vector<ck_str> names(count), blobs(count);
      for (size_t h = 0; h < count; ++h) {
        const char* name;
        const void* value;
        size_t size;
        rd_kafka_header_get_all(headers, h, &name, &value, &size);
        names[h] = Str(name);
        blobs[h] = {static_cast<const char*>(value), value ? size : 0};
      }
      ck_blob_batch in{static_cast<uint32_t>(count), 0, blobs.data(), nullptr, nullptr};
      host::Owned<ck_data_batch> data;
      if (consumed.failed[i] ||
          !errors_.Execute(
              [&] {
                setup_.header_converter->Call("header converter",
                                              &ck_header_converter_vtable::to_connect, topics[i],
                                              names.data(), &in, data.out());
              },
              [&](const std::exception& e) {
                return FailureOf(Stage::kHeaderConverter, setup_.header_converter_class, e);
              },
              m)) {
        consumed.failed[i] = true;
        continue;
      }
      ck_header* abi = consumed.arena.Allocate<ck_header>(count);
      for (size_t h = 0; h < count; ++h) {
        abi[h] = ck_header{names[h], data->items[h].schema, data->items[h].value};
      }
      r.headers = abi;
      r.header_count = static_cast<uint32_t>(count);
      consumed.headers.push_back(std::move(data));
    }
  }
  // Once the batch is handed over (or wholly dropped), every consumed record counts as processed
  // for offsets; until then none does, so a stop during redelivery commits none of them.
  auto processed = [&] {
    for (size_t i = 0; i < n; ++i) {
      const rd_kafka_message_t* m = consumed.messages[i];
      consumed_[{std::string(topics[i].ptr, topics[i].len), m->partition}] = m->offset + 1;
    }
  };
  const ck_batch all{static_cast<uint32_t>(n), 0, consumed.records, nullptr, nullptr};
  RecordSet set = RecordSet::Of(all);
  if (std::find(consumed.failed.begin(), consumed.failed.end(), true) != consumed.failed.end()) {
    RecordSet good;
    for (size_t i = 0; i < n; ++i) {
      if (consumed.failed[i]) continue;
      good.records.push_back(set.records[i]);
      good.origins.push_back(set.origins[i]);
    }
    set = std::move(good);
  }
  TransformWithErrorHandling(setup_.transformations, set, errors_,
                             [&](uint32_t origin) { return consumed.messages[origin]; });
  metrics_.dropped += static_cast<int64_t>(n - set.records.size());
  if (set.records.empty()) return processed();
  host::Owned<ck_batch> batch;
  *batch.out() = MakeHostBatch(set.records, 0, set.records.size());
  while (!stopping_) {
    try {
      in_put_ = &consumed.messages;
      const auto start = std::chrono::steady_clock::now();
      task.Call("put", &ck_sink_task_vtable::put, &*batch);
      in_put_ = nullptr;
      metrics_.put_time_us += std::chrono::duration_cast<std::chrono::microseconds>(
                                  std::chrono::steady_clock::now() - start)
                                  .count();
      ++metrics_.put_batches;
      if (errant_failure_) throw ToleranceExceeded(*errant_failure_);
      metrics_.put += batch->count;
      return processed();
    } catch (const host::AbiError& e) {
      in_put_ = nullptr;
      if (errant_failure_) throw ToleranceExceeded(*errant_failure_);
      if (!e.retriable()) throw;
      int64_t backoff = kDefaultRetryBackoffMs;
      {
        std::lock_guard lock(control_.mu);
        if (control_.timeout_ms) backoff = *control_.timeout_ms;
      }
      Log(Level::kWarn, context_.log_context,
          "put() failed with a retriable error, redelivering the same records in " +
              std::to_string(backoff) + " ms: " + e.what());
      // librdkafka heartbeats from its own thread, so the group membership survives the wait
      // (up to max.poll.interval.ms); fetching is paused meanwhile.
      rd_kafka_topic_partition_list_t* assignment = nullptr;
      rd_kafka_assignment(consumer_.get(), &assignment);
      rd_kafka_pause_partitions(consumer_.get(), assignment);
      {
        std::unique_lock lock(mu_);
        cv_.wait_for(lock, std::chrono::milliseconds(backoff), [this] { return stopping_.load(); });
      }
      rd_kafka_resume_partitions(consumer_.get(), assignment);
      rd_kafka_topic_partition_list_destroy(assignment);
    }
  }
}

ck_status SinkTaskRunner::ReportErrant(const ck_record& record, std::string_view message,
                                       ck_error* err) {
  const rd_kafka_message_t* original = nullptr;
  if (in_put_ != nullptr) {
    const std::string_view topic(
        record.original_topic.ptr == nullptr ? "" : record.original_topic.ptr,
        record.original_topic.len);
    for (const rd_kafka_message_t* m : *in_put_) {
      if (m->offset == record.original_offset && m->partition == record.original_partition &&
          topic == rd_kafka_topic_name(m->rkt)) {
        original = m;
        break;
      }
    }
  }
  try {
    errors_.Report(
        Failure{Stage::kTaskPut, setup_.task_class,
                "org.apache.kafka.connect.errors.ConnectException", std::string(message)},
        original);
    return CK_STATUS_OK;
  } catch (const std::exception& e) {
    errant_failure_ = e.what();
    const std::string text = e.what();
    host::ErrorSet(err, CK_ERROR_CONNECT, 0, Str(text));
    return CK_STATUS_ERROR;
  }
}

void SinkTaskRunner::Commit(host::Instance<ck_sink_task_vtable>& task, bool final_commit) {
  if (consumed_.empty()) return;
  // Records sent to the dead-letter queue must be there before their offsets are committed.
  if (!errors_.Flush(std::chrono::milliseconds(5000))) return;
  std::vector<ck_partition_offset> current;
  for (const auto& [tp, offset] : consumed_)
    current.push_back({Str(tp.first), tp.second, 0, offset});
  ck_offset_list in{static_cast<uint32_t>(current.size()), 0, current.data(), nullptr, nullptr};
  host::Owned<ck_offset_list> safe;
  task.Call("pre_commit", &ck_sink_task_vtable::pre_commit, &in, safe.out());
  std::map<Partition, int64_t> to_commit;
  for (uint32_t i = 0; i < safe->count; ++i) {
    const ck_partition_offset& o = safe->items[i];
    const Partition tp{std::string(o.topic.ptr, o.topic.len), o.partition};
    auto consumed = consumed_.find(tp);
    if (consumed == consumed_.end() || o.offset > consumed->second) {
      Log(Level::kWarn, context_.log_context,
          "Ignoring invalid task provided offset " + tp.first + "-" + std::to_string(tp.second) +
              "/" + std::to_string(o.offset) +
              " -- partition not assigned or offset beyond "
              "what was consumed");
      continue;
    }
    if (committed_[tp] != o.offset) to_commit[tp] = o.offset;
  }
  if (to_commit.empty()) {
    ++metrics_.commits_skipped;
    return;
  }
  rd_kafka_topic_partition_list_t* list = ToList(to_commit);
  const rd_kafka_resp_err_t err = rd_kafka_commit(consumer_.get(), list, 0);
  rd_kafka_topic_partition_list_destroy(list);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    Log(final_commit ? Level::kError : Level::kWarn, context_.log_context,
        std::string("offset commit failed (will retry at the next commit): ") +
            rd_kafka_err2str(err));
    return;
  }
  for (const auto& [tp, offset] : to_commit) committed_[tp] = offset;
  ++metrics_.committed;
}

void SinkTaskRunner::ApplyContextRequests() {
  std::map<Partition, int64_t> seeks;
  std::map<Partition, bool> pauses;
  {
    std::lock_guard lock(control_.mu);
    seeks.swap(control_.seeks);
    pauses.swap(control_.pause_changes);
  }
  if (!seeks.empty()) {
    rd_kafka_topic_partition_list_t* list = ToList(seeks);
    rd_kafka_error_t* e = rd_kafka_seek_partitions(consumer_.get(), list, 5000);
    if (e != nullptr) {
      Log(Level::kWarn, context_.log_context,
          std::string("seek requested by the task failed: ") + rd_kafka_error_string(e));
      rd_kafka_error_destroy(e);
    }
    rd_kafka_topic_partition_list_destroy(list);
    for (const auto& [tp, offset] : seeks) consumed_[tp] = offset;
  }
  for (const auto& [tp, pause] : pauses) {
    rd_kafka_topic_partition_list_t* list = ToList({{tp, RD_KAFKA_OFFSET_INVALID}});
    if (pause) {
      rd_kafka_pause_partitions(consumer_.get(), list);
    } else {
      rd_kafka_resume_partitions(consumer_.get(), list);
    }
    rd_kafka_topic_partition_list_destroy(list);
  }
}

}  // namespace ck::runtime
