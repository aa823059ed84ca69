/// @file
/// Single message transformations and predicates (Kafka Connect's Transformation and Predicate).
/// They see the fields every record has (ConnectRecord); the runtime keeps each record's source
/// offsets or Kafka coordinates attached through the chain.
///
/// Two forms exist. Transformation and Predicate receive C++ copies of each record: simplest to
/// write, at the cost of converting every record from and back to the ABI (microseconds per
/// record). ViewTransformation and ViewPredicate read records where they lie (record_view.h) and
/// change only what they touch, which costs tens of nanoseconds: use them on hot paths.

#pragma once

#include <memory>
#include <optional>

#include "ck/config_def.h"
#include "ck/internal/arena.h"
#include "ck/internal/marshal.h"
#include "ck/internal/schema_store.h"
#include "ck/record.h"
#include "ck/record_view.h"

namespace ck {

/// A transformation. One instance serves one task; calls come from its thread.
class Transformation {
 public:
  virtual ~Transformation() = default;

  /// The settings the transformation accepts.
  virtual ConfigDef config() const = 0;

  /// Configures it.
  virtual void configure(const ConfigMap& props) = 0;

  /// The transformed record, or std::nullopt to drop it. Throw DataError (naming the field and
  /// the value) for a record it cannot handle.
  virtual std::optional<ConnectRecord> apply(ConnectRecord record) = 0;
};

namespace abi_internal {
struct ViewAccess;
}  // namespace abi_internal

/// A transformation that works on records in place: it reads each input record through a
/// RecordView and writes only what it changes through a RecordEditor; the rest of the record
/// passes through by pointer. One instance serves one task; calls come from its thread.
class ViewTransformation : public Transformation {
 public:
  /// Transforms `in` into `out`, which starts as a copy of `in`. Returns false to drop the record.
  /// Throw DataError (naming the transformation, the field and the value) for a record it cannot
  /// handle.
  virtual bool transform(const RecordView& in, RecordEditor& out) = 0;

  /// The ConnectRecord form, for callers that hold C++ records: runs transform() on an ABI copy
  /// of `record` and returns a C++ copy of the result.
  std::optional<ConnectRecord> apply(ConnectRecord record) final {
    abi_internal::Arena arena;
    abi_internal::Writer writer(arena);
    ck_record in{};
    writer.Record(record, &in);
    ck_record out = in;
    store_->BeginBatch();
    abi_internal::ViewBatch batch(arena, *store_);
    RecordEditor editor = abi_internal::EditorAccess::Make(batch, &out);
    if (!transform(RecordView(in), editor)) return std::nullopt;
    ConnectRecord result;
    abi_internal::Reader().Record(out, &result);
    return result;
  }

 private:
  friend struct abi_internal::ViewAccess;
  // Output schemas that outlive a batch; shared with every batch that points into it.
  std::shared_ptr<abi_internal::SchemaStore> store_ = std::make_shared<abi_internal::SchemaStore>();
};

/// A predicate, deciding whether a transformation applies to a record.
class Predicate {
 public:
  virtual ~Predicate() = default;

  /// The settings the predicate accepts.
  virtual ConfigDef config() const = 0;

  /// Configures it.
  virtual void configure(const ConfigMap& props) = 0;

  /// Whether `record` matches.
  virtual bool test(const ConnectRecord& record) = 0;
};

/// A predicate that reads records where they lie (RecordView), without copying them.
class ViewPredicate : public Predicate {
 public:
  /// Whether `record` matches.
  virtual bool matches(const RecordView& record) = 0;

  /// The ConnectRecord form: runs matches() on an ABI copy of `record`.
  bool test(const ConnectRecord& record) final {
    abi_internal::Arena arena;
    abi_internal::Writer writer(arena);
    ck_record abi{};
    writer.Record(record, &abi);
    return matches(RecordView(abi));
  }
};

}  // namespace ck
