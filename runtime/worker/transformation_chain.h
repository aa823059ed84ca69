// The transformation chain of a connector (`transforms`, `predicates`), applied batch by batch.
//
// Each stage is a transformation with an optional predicate (negated with `negate=true`). Without
// a predicate the whole batch goes through the transformation in one call. With one, the predicate
// tests the batch once, and each run of consecutive matching records goes through the
// transformation as one batch, so record order is kept and calls stay batched.
#ifndef CK_RUNTIME_WORKER_TRANSFORMATION_CHAIN_H_
#define CK_RUNTIME_WORKER_TRANSFORMATION_CHAIN_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ck/abi/ck_abi.h"
#include "ck/host/host_support.h"
#include "runtime/worker/record_set.h"

namespace ck::runtime {

/// One configured transformation.
struct TransformationStage {
  std::string alias;                                               ///< Its name in `transforms`.
  host::Instance<ck_transformation_vtable> transformation;         ///< The configured instance.
  std::shared_ptr<host::Instance<ck_predicate_vtable>> predicate;  ///< Optional; may be shared.
  bool negate = false;  ///< Apply where it does not match.
};

/// Applies `stages` in order to `set`, in place. Throws host::AbiError naming the stage's alias
/// when a transformation or predicate fails.
void ApplyTransformations(const std::vector<TransformationStage>& stages, RecordSet& set);

}  // namespace ck::runtime

#endif  // CK_RUNTIME_WORKER_TRANSFORMATION_CHAIN_H_
