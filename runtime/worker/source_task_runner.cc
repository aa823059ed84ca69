// The source task loop (see the header for the offset rules it keeps).
#include "runtime/worker/source_task_runner.h"

#include <algorithm>
#include <string_view>
#include <utility>

#include "runtime/worker/log.h"

namespace ck::runtime {
namespace {

std::string_view View(ck_str s) { return {s.ptr == nullptr ? "" : s.ptr, s.len}; }

// Converts the key or value of every record. When the batch fails, converts one record at a time
// through `errors`, which retries, reports and skips (or fails the task on) each failing record;
// those are marked in `failed`.
host::Owned<ck_blob_batch> ConvertAll(const host::Instance<ck_converter_vtable>& converter,
                                      const RecordSet& set, ErrorHandler& errors, Stage stage,
                                      const std::string& class_name, std::vector<bool>& failed) {
  const char* what = StageName(stage);
  host::Owned<ck_blob_batch> blobs;
  host::Owned<ck_batch> view;
  *view.out() = MakeHostBatch(set.records, 0, set.records.size());
  try {
    converter.Call(what, &ck_converter_vtable::from_connect, &*view, blobs.out());
    return blobs;
  } catch (const host::AbiError&) {
    // Isolate the records that fail below; the others keep their blob.
  }
  struct Holder {
    std::vector<std::string> storage;
    std::vector<ck_str> items;
  };
  auto* holder = new Holder{std::vector<std::string>(set.records.size()),
                            std::vector<ck_str>(set.records.size())};
  *blobs.out() = ck_blob_batch{static_cast<uint32_t>(holder->items.size()), 0, holder->items.data(),
                               [](ck_blob_batch* self) {
                                 delete static_cast<Holder*>(self->private_data);
                                 self->release = nullptr;
                               },
                               holder};
  for (size_t i = 0; i < set.records.size(); ++i) {
    if (failed[i]) continue;
    const bool ok = errors.Execute(
        [&] {
          host::Owned<ck_batch> one;
          *one.out() = MakeHostBatch(set.records, i, i + 1);
          host::Owned<ck_blob_batch> blob;
          converter.Call(what, &ck_converter_vtable::from_connect, &*one, blob.out());
          const ck_str b = blob->items[0];
          holder->storage[i].assign(b.ptr == nullptr ? "" : b.ptr, b.len);
          holder->items[i] =
              b.ptr == nullptr ? ck_str{nullptr, 0} : ck_str{holder->storage[i].data(), b.len};
        },
        [&](const std::exception& e) { return FailureOf(stage, class_name, e); }, nullptr);
    if (!ok) failed[i] = true;
  }
  return blobs;
}

}  // namespace

SourceTaskRunner::SourceTaskRunner(SourceTaskSetup setup)
    : setup_(std::move(setup)),
      context_(setup_.connector, setup_.task_id),
      errors_(setup_.errors, setup_.connector, setup_.task_id, {}) {
  context_.offsets = setup_.offsets;
  Properties settings = setup_.producer_settings;
  settings.emplace("client.id",
                   "connector-producer-" + setup_.connector + "-" + std::to_string(setup_.task_id));
  rd_kafka_conf_t* conf = MakeKafkaConf(settings, "connector " + setup_.connector);
  rd_kafka_conf_set_dr_msg_cb(conf, &SourceTaskRunner::OnDelivery);
  rd_kafka_conf_set_opaque(conf, this);
  char error[512];
  rd_kafka_t* producer = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error);
  if (producer == nullptr) {
    throw std::runtime_error("connector " + setup_.connector +
                             ": cannot create producer: " + error);
  }
  producer_.reset(producer);
}

SourceTaskRunner::~SourceTaskRunner() {
  if (thread_.joinable()) thread_.join();
}

void SourceTaskRunner::Start() {
  thread_ = std::thread([this] { Run(); });
}

void SourceTaskRunner::SetPaused(bool paused) {
  std::lock_guard lock(mu_);
  paused_ = paused;
  cv_.notify_all();
}

void SourceTaskRunner::Stop(std::chrono::milliseconds graceful) {
  if (!thread_.joinable()) return;  // never started
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    cv_.notify_all();
    if (task_ != nullptr && task_->vtable().stop != nullptr) {
      try {
        task_->Call("stop", &ck_source_task_vtable::stop);  // [any thread]: unblocks poll
      } catch (const std::exception& e) {
        Log(Level::kWarn, context_.log_context, std::string("stop() failed: ") + e.what());
      }
    }
  }
  std::unique_lock lock(mu_);
  if (!cv_.wait_for(lock, graceful, [this] { return finished_.load(); })) {
    Log(Level::kError, context_.log_context,
        "did not stop within task.shutdown.graceful.timeout.ms=" +
            std::to_string(graceful.count()) + "; waiting for it to return from the plugin");
  }
  lock.unlock();
  if (thread_.joinable()) thread_.join();
}

void SourceTaskRunner::Run() {
  std::unique_ptr<host::Instance<ck_source_task_vtable>> instance;
  try {
    instance =
        std::make_unique<host::Instance<ck_source_task_vtable>>(*setup_.task, context_.get());
    host::Instance<ck_source_task_vtable>& task = *instance;
    {
      std::lock_guard lock(mu_);
      task_ = &task;
    }
    host::ConfigView config(setup_.config);
    task.Call("start", &ck_source_task_vtable::start, config.get());
    status_.Set(TaskState::kRunning);
    Log(Level::kInfo, context_.log_context, "Source task started");
    auto next_flush = std::chrono::steady_clock::now() + setup_.offset_flush_interval;
    std::exception_ptr failure;
    try {
      RunLoop(task, next_flush);
    } catch (...) {
      failure = std::current_exception();
    }
    // Drain: wait for acknowledgements, then commit what they cover (also when failing, so the
    // records already written are not sent again).
    rd_kafka_flush(producer_.get(), static_cast<int>(setup_.offset_flush_timeout.count()));
    CommitOffsets(task);
    if (failure) std::rethrow_exception(failure);
    if (delivery_error_) throw std::runtime_error(*delivery_error_);
    status_.Set(TaskState::kStopped);
    Log(Level::kInfo, context_.log_context, "Source task stopped");
  } catch (const std::exception& e) {
    status_.Set(TaskState::kFailed, e.what());
    Log(Level::kError, context_.log_context,
        std::string("Task threw an uncaught and unrecoverable exception. Task is being killed and "
                    "will not recover until manually restarted: ") +
            e.what());
  }
  std::lock_guard lock(mu_);
  task_ = nullptr;  // before the instance goes: Stop() calls it under the same lock
  instance.reset();
  finished_ = true;
  cv_.notify_all();
}

void SourceTaskRunner::RunLoop(host::Instance<ck_source_task_vtable>& task,
                               std::chrono::steady_clock::time_point next_flush) {
  while (!stopping_) {
    {
      std::unique_lock lock(mu_);
      if (paused_) {
        status_.Set(TaskState::kPaused);
        cv_.wait(lock, [this] { return !paused_ || stopping_.load(); });
        if (stopping_) break;
        status_.Set(TaskState::kRunning);
      }
    }
    PollAndSend(task);
    rd_kafka_poll(producer_.get(), 0);
    if (delivery_error_) throw std::runtime_error(*delivery_error_);
    if (std::chrono::steady_clock::now() >= next_flush) {
      CommitOffsets(task);
      next_flush = std::chrono::steady_clock::now() + setup_.offset_flush_interval;
    }
  }
}

void SourceTaskRunner::PollAndSend(host::Instance<ck_source_task_vtable>& task) {
  host::Owned<ck_batch> polled;
  const auto poll_start = std::chrono::steady_clock::now();
  try {
    task.Call("poll", &ck_source_task_vtable::poll, polled.out());
  } catch (const host::AbiError& e) {
    if (!e.retriable()) throw;
    Log(Level::kWarn, context_.log_context, std::string("poll() will be retried: ") + e.what());
    return;
  }
  if (polled->count == 0) {
    rd_kafka_poll(producer_.get(), 1);  // no records: serve acknowledgements instead of spinning
    return;
  }
  metrics_.polled += polled->count;
  ++metrics_.poll_batches;
  metrics_.poll_time_us += std::chrono::duration_cast<std::chrono::microseconds>(
                               std::chrono::steady_clock::now() - poll_start)
                               .count();
  auto owned = std::make_unique<Batch>();
  Batch* batch = owned.get();
  batch->polled = std::move(polled);
  const ck_batch& records = *batch->polled;
  batch->not_done = records.count;
  batches_.emplace(batch, std::move(owned));
  // Batch-sized vectors are kept from one batch to the next: a large allocation per batch makes
  // glibc consolidate every small chunk freed since.
  std::vector<Submitted*>& submitted = submitted_;
  submitted.resize(records.count);
  for (uint32_t i = 0; i < records.count; ++i) {
    const ck_record& r = records.records[i];
    const std::string_view key = View(r.source_partition);
    if (last_partition_ == nullptr || key != last_partition_key_) {
      auto it = pending_.find(key);
      if (it == pending_.end()) it = pending_.emplace(std::string(key), Partition{}).first;
      last_partition_ = &it->second;
      last_partition_key_ = it->first;
    }
    std::deque<Submitted>& queue = last_partition_->queue;
    queue.push_back({batch, i, last_partition_, false, View(r.source_offset), {}});
    submitted[i] = &queue.back();
  }

  RecordSet& set = polled_set_;
  set.Assign(records);
  TransformWithErrorHandling(setup_.transformations, set, errors_,
                             [](uint32_t) { return nullptr; });
  std::vector<bool> kept(records.count, false);
  for (uint32_t origin : set.origins) kept[origin] = true;
  Send(set, submitted);  // before the drops below may free the batch
  for (uint32_t i = 0; i < records.count; ++i) {
    if (!kept[i]) {
      ++metrics_.dropped;
      Done(*submitted[i], nullptr);
    }
  }
  set.batches.clear();  // the transformations' output
}

void SourceTaskRunner::Send(const RecordSet& set, const std::vector<Submitted*>& submitted) {
  if (set.records.empty()) return;
  std::vector<bool> failed(set.records.size(), false);
  host::Owned<ck_blob_batch> keys =
      ConvertAll(*setup_.key_converter, set, errors_, Stage::kKeyConverter,
                 setup_.key_converter_class, failed);
  host::Owned<ck_blob_batch> values =
      ConvertAll(*setup_.value_converter, set, errors_, Stage::kValueConverter,
                 setup_.value_converter_class, failed);
  std::string topic;
  for (size_t k = 0; k < set.records.size(); ++k) {
    const ck_record& r = *set.records[k];
    Submitted& s = *submitted[set.origins[k]];
    if (failed[k]) {
      ++metrics_.dropped;
      Done(s, nullptr);
      continue;
    }
    rd_kafka_headers_t* headers = nullptr;
    if (r.header_count > 0) {
      host::Owned<ck_blob_batch> blobs;
      if (!errors_.Execute(
              [&] {
                setup_.header_converter->Call("header converter",
                                              &ck_header_converter_vtable::from_connect, r.topic,
                                              r.headers, r.header_count, blobs.out());
              },
              [&](const std::exception& e) {
                return FailureOf(Stage::kHeaderConverter, setup_.header_converter_class, e);
              },
              nullptr)) {
        ++metrics_.dropped;
        Done(s, nullptr);
        continue;
      }
      headers = rd_kafka_headers_new(r.header_count);
      for (uint32_t h = 0; h < r.header_count; ++h) {
        rd_kafka_header_add(headers, r.headers[h].key.ptr,
                            static_cast<ssize_t>(r.headers[h].key.len), blobs->items[h].ptr,
                            blobs->items[h].len);
      }
    }
    topic.assign(View(r.topic));
    if (known_topics_.insert(topic).second) PrepareTopic(topic);
    topic_cache_.Note(setup_.topics_in_use.get(), topic);
    const ck_str key = keys->items[k];
    const ck_str value = values->items[k];
    rd_kafka_resp_err_t err;
    while (true) {
      err = rd_kafka_producev(
          producer_.get(), RD_KAFKA_V_TOPIC(topic.c_str()),
          RD_KAFKA_V_PARTITION(r.partition >= 0 ? r.partition : RD_KAFKA_PARTITION_UA),
          RD_KAFKA_V_KEY(key.ptr, key.len),
          RD_KAFKA_V_VALUE(const_cast<char*>(value.ptr), value.len),
          RD_KAFKA_V_TIMESTAMP(r.timestamp == CK_NO_TIMESTAMP ? 0 : r.timestamp),
          RD_KAFKA_V_HEADERS(headers), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
          RD_KAFKA_V_OPAQUE(&s), RD_KAFKA_V_END);
      if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) break;
      rd_kafka_poll(producer_.get(), 100);  // the local queue is full: wait for acknowledgements
    }
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (headers != nullptr) rd_kafka_headers_destroy(headers);
      const std::string message =
          "cannot send a record to topic '" + topic + "': " + rd_kafka_err2str(err);
      errors_.Report(
          Failure{Stage::kKafkaProduce, "org.apache.kafka.clients.producer.KafkaProducer",
                  "org.apache.kafka.common.KafkaException", message},
          nullptr);  // throws unless tolerated
      ++metrics_.dropped;
      Done(s, nullptr);
    }
  }
}

void SourceTaskRunner::PrepareTopic(const std::string& topic) {
  if (setup_.topic_creation) {
    const std::string error = setup_.topic_creation->Create(producer_.get(), topic);
    if (!error.empty()) {
      throw std::runtime_error("cannot create topic '" + topic + "' (topic.creation group '" +
                               setup_.topic_creation->GroupFor(topic) + "'): " + error);
    }
    Log(Level::kInfo, context_.log_context,
        "Topic '" + topic + "' ready (topic.creation group '" +
            setup_.topic_creation->GroupFor(topic) + "')");
  }
  // librdkafka otherwise learns of a topic first produced to only at its next periodic metadata
  // scan, up to a second later; asking once per new topic makes the first records go at once.
  rd_kafka_topic_t* handle = rd_kafka_topic_new(producer_.get(), topic.c_str(), nullptr);
  const rd_kafka_metadata_t* metadata = nullptr;
  if (rd_kafka_metadata(producer_.get(), 0, handle, &metadata, 5000) ==
      RD_KAFKA_RESP_ERR_NO_ERROR) {
    rd_kafka_metadata_destroy(metadata);
  }
  rd_kafka_topic_destroy(handle);
}

void SourceTaskRunner::OnDelivery(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque) {
  auto* self = static_cast<SourceTaskRunner*>(opaque);
  auto* s = static_cast<Submitted*>(message->_private);
  if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    const std::string reason = std::string("failed to send a record to topic '") +
                               rd_kafka_topic_name(message->rkt) +
                               "': " + rd_kafka_err2str(message->err);
    if (!self->errors_.tolerates()) {
      if (!self->delivery_error_) self->delivery_error_ = reason;
      return;  // not done: its offset is never committed
    }
    Log(Level::kError, self->context_.log_context, reason + " (skipped, errors.tolerance=all)");
    ++self->metrics_.dropped;
    self->Done(*s, nullptr);
    return;
  }
  rd_kafka_timestamp_type_t type;
  const int64_t timestamp = rd_kafka_message_timestamp(message, &type);
  const char* topic = rd_kafka_topic_name(message->rkt);
  const ck_record_metadata metadata{
      {topic, std::char_traits<char>::length(topic)},
      message->partition,
      0,
      message->offset,
      type == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE ? CK_NO_TIMESTAMP : timestamp};
  if (self->metrics_.written++ == 0) {
    Log(Level::kInfo, self->context_.log_context,
        "First record acknowledged by Kafka (" + std::string(topic) + "-" +
            std::to_string(message->partition) + "@" + std::to_string(message->offset) + ")");
  }
  self->Done(*s, &metadata);
}

void SourceTaskRunner::Done(Submitted& s, const ck_record_metadata* metadata) {
  if (s.done) return;
  s.done = true;
  if (task_ != nullptr && task_->vtable().commit_record != nullptr) {
    try {
      task_->Call("commit_record", &ck_source_task_vtable::commit_record,
                  &s.batch->polled->records[s.index], metadata);
    } catch (const std::exception& e) {
      Log(Level::kWarn, context_.log_context,
          std::string("Exception thrown while calling task.commitRecord(): ") + e.what());
    }
  }
  Batch* batch = s.batch;
  Partition& partition = *s.partition;
  if (&partition.queue.front() == &s) {
    TakeDonePrefix(partition);  // takes the offset from the batch; `s` is gone now
  } else {
    s.kept.assign(s.offset);  // the batch may be freed before `s` is taken
    s.offset = s.kept;
    s.batch = nullptr;
  }
  // The batch's memory goes with its last record.
  if (--batch->not_done == 0) batches_.erase(batch);
}

void SourceTaskRunner::TakeDonePrefix(Partition& partition) {
  std::deque<Submitted>& queue = partition.queue;
  while (!queue.empty() && queue.front().done) {
    if (!queue.front().offset.empty()) partition.done_offset.assign(queue.front().offset);
    ++partition.done_records;
    queue.pop_front();
  }
}

void SourceTaskRunner::CommitOffsets(host::Instance<ck_source_task_vtable>& task) {
  std::vector<OffsetUpdate> updates;
  int64_t records = 0;
  for (auto it = pending_.begin(); it != pending_.end();) {
    Partition& partition = it->second;
    TakeDonePrefix(partition);
    records += partition.done_records;
    partition.done_records = 0;
    if (!partition.done_offset.empty() && !it->first.empty()) {
      updates.push_back({setup_.connector, it->first, std::move(partition.done_offset)});
    }
    partition.done_offset.clear();
    if (partition.queue.empty()) {
      if (last_partition_ == &partition) last_partition_ = nullptr;
      it = pending_.erase(it);
    } else {
      ++it;
    }
  }
  if (!updates.empty()) setup_.offsets->Commit(updates);
  ++(updates.empty() ? metrics_.commits_skipped : metrics_.commits);
  metrics_.committed += records;
  if (records > 0 && task.vtable().commit != nullptr) {
    try {
      task.Call("commit", &ck_source_task_vtable::commit);
    } catch (const std::exception& e) {
      Log(Level::kWarn, context_.log_context, std::string("commit() failed: ") + e.what());
    }
  }
}

}  // namespace ck::runtime
