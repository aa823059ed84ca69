// Batched application of a transformation chain, keeping each record's origin (see the header).
#include "runtime/worker/transformation_chain.h"

#include <string>
#include <utility>

namespace ck::runtime {
namespace {

struct HostBatchStorage {
  std::vector<ck_record> records;
};

void ReleaseHostBatch(ck_batch* batch) {
  delete static_cast<HostBatchStorage*>(batch->private_data);
  batch->release = nullptr;
}

// Runs `stage`'s transformation over set.records[begin, end) and appends the results to `out`.
void TransformRun(const TransformationStage& stage, const RecordSet& set, size_t begin, size_t end,
                  RecordSet& out) {
  ck_batch in = MakeHostBatch(set.records, begin, end);
  host::Owned<ck_batch> result;
  try {
    stage.transformation.Call("apply", &ck_transformation_vtable::apply, &in, result.out());
  } catch (const host::AbiError& e) {
    throw host::AbiError(e.code(), e.retriable() ? CK_ERROR_FLAG_RETRIABLE : 0,
                         "transformation '" + stage.alias + "' failed: " + e.what());
  }
  for (uint32_t i = 0; i < result->count; ++i) {
    const uint32_t local = result->records[i].origin;
    if (local >= end - begin) {
      throw host::AbiError(CK_ERROR_INTERNAL, 0,
                           "transformation '" + stage.alias + "' returned a record with origin " +
                               std::to_string(local) + " outside its input of " +
                               std::to_string(end - begin) + " records");
    }
    out.records.push_back(&result->records[i]);
    out.origins.push_back(set.origins[begin + local]);
  }
  out.batches.push_back(std::move(result));
}

}  // namespace

ck_batch MakeHostBatch(const std::vector<const ck_record*>& records, size_t begin, size_t end) {
  const ck_record* first = records[begin];
  bool adjacent = true;
  for (size_t i = begin + 1; i < end && adjacent; ++i) adjacent = records[i] == first + (i - begin);
  if (adjacent) {
    return ck_batch{static_cast<uint32_t>(end - begin), 0, first,
                    [](ck_batch* self) { self->release = nullptr; }, nullptr};
  }
  auto* storage = new HostBatchStorage;
  storage->records.reserve(end - begin);
  for (size_t i = begin; i < end; ++i) storage->records.push_back(*records[i]);
  return ck_batch{static_cast<uint32_t>(end - begin), 0, storage->records.data(), &ReleaseHostBatch,
                  storage};
}

RecordSet RecordSet::Of(const ck_batch& batch) {
  RecordSet set;
  set.Assign(batch);
  return set;
}

void RecordSet::Assign(const ck_batch& batch) {
  records.clear();
  origins.clear();
  batches.clear();
  records.reserve(batch.count);
  origins.reserve(batch.count);
  for (uint32_t i = 0; i < batch.count; ++i) {
    records.push_back(&batch.records[i]);
    origins.push_back(i);
  }
}

void ApplyTransformations(const std::vector<TransformationStage>& stages, RecordSet& set) {
  for (const TransformationStage& stage : stages) {
    if (set.records.empty()) return;
    // `out` holds this stage's output batches only: if the stage fails, `set` still owns every
    // batch its records point into (a caller may go on with them record by record).
    RecordSet out;
    out.records.reserve(set.records.size());
    out.origins.reserve(set.records.size());
    if (stage.predicate == nullptr) {
      TransformRun(stage, set, 0, set.records.size(), out);
    } else {
      host::Owned<ck_batch> owned_view;
      *owned_view.out() = MakeHostBatch(set.records, 0, set.records.size());
      std::vector<uint8_t> matches(set.records.size());
      try {
        stage.predicate->Call("test", &ck_predicate_vtable::test, &*owned_view, matches.data());
      } catch (const host::AbiError& e) {
        throw host::AbiError(
            e.code(), 0, "predicate of transformation '" + stage.alias + "' failed: " + e.what());
      }
      size_t i = 0;
      while (i < set.records.size()) {
        const bool apply = (matches[i] != 0) != stage.negate;
        size_t j = i;
        while (j < set.records.size() && ((matches[j] != 0) != stage.negate) == apply) ++j;
        if (apply) {
          TransformRun(stage, set, i, j, out);
        } else {
          for (size_t k = i; k < j; ++k) {
            out.records.push_back(set.records[k]);
            out.origins.push_back(set.origins[k]);
          }
        }
        i = j;
      }
    }
    // Earlier batches stay alive after the new ones: untouched records still point into them.
    std::vector<host::Owned<ck_batch>> batches = std::move(set.batches);
    for (host::Owned<ck_batch>& batch : out.batches) batches.push_back(std::move(batch));
    out.batches = std::move(batches);
    set = std::move(out);
  }
}

}  // namespace ck::runtime
