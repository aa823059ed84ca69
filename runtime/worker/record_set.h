// Records in flight through a task: views of ABI records, each tagged with the index of the
// record it came from (in the batch a source task polled, or the batch a sink task consumed), plus
// ownership of every batch whose memory those views point into. Transformations replace records
// and drop some; the origin tag survives, so offsets and commit callbacks stay exact.
#ifndef CK_RUNTIME_WORKER_RECORD_SET_H_
#define CK_RUNTIME_WORKER_RECORD_SET_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "ck/abi/ck_abi.h"
#include "ck/host/host_support.h"

namespace ck::runtime {

/// Hands `records[begin, end)` to a plugin as a batch. Records that lie next to each other in one
/// array (the usual case: a polled batch, or a transformation's output) are handed over where
/// they are, and the caller keeps that memory alive as long as the batch; otherwise the batch is
/// an array of shallow copies of its own. Either way it is released through ck_batch::release.
ck_batch MakeHostBatch(const std::vector<const ck_record*>& records, size_t begin, size_t end);

/// Records and the memory behind them.
struct RecordSet {
  std::vector<const ck_record*> records;       ///< The records, in order.
  std::vector<uint32_t> origins;               ///< For each record, its origin index.
  std::vector<host::Owned<ck_batch>> batches;  ///< Owners of the records' memory.

  /// A set viewing every record of `batch`, with origins 0..n-1. The caller keeps `batch` alive
  /// as long as the set.
  static RecordSet Of(const ck_batch& batch);
  /// Makes this set Of(`batch`), keeping the vectors' memory.
  void Assign(const ck_batch& batch);
};

}  // namespace ck::runtime

#endif  // CK_RUNTIME_WORKER_RECORD_SET_H_
