/// @file
/// Long-lived ABI schemas for transformations that work on records in place (record_view.h).
///
/// A transformation that edits records where they lie derives its output schemas once per input
/// schema and reuses them for every record. That needs two things the per-batch arena cannot give:
/// schemas that outlive one batch (SchemaStore::Write), and a stable identity for input schemas,
/// whose addresses are only meaningful while their batch is alive (a freed batch's address may be
/// reused by a different schema). SchemaStore::Canonical maps any schema to one long-lived copy per
/// structure: hashed and compared once per schema address per batch, then by address.
///
/// Batches that point into a store keep it alive (a shared_ptr in their release data), so a store
/// is freed only when its transformation and every batch it produced are gone. It only grows;
/// the owner replaces it with a fresh one past a size limit.

#pragma once

#include <atomic>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "ck/abi/ck_abi.h"
#include "ck/internal/arena.h"
#include "ck/internal/marshal.h"
#include "ck/schema.h"

namespace ck::abi_internal {

inline bool SameStr(ck_str a, ck_str b) {
  return a.len == b.len && (a.len == 0 || std::memcmp(a.ptr, b.ptr, a.len) == 0);
}

/// Deep equality of two ABI values (maps compare entry by entry, in order).
inline bool AbiValueEquals(const ck_value& a, const ck_value& b) {
  if (a.type != b.type || a.count != b.count) return false;
  switch (a.type) {
    case CK_TYPE_NULL:
      return true;
    case CK_TYPE_FLOAT32:
    case CK_TYPE_FLOAT64:
      return std::memcmp(&a.u.f64, &b.u.f64, sizeof(double)) == 0;
    case CK_TYPE_STRING:
    case CK_TYPE_BYTES:
      return SameStr(a.u.bytes, b.u.bytes);
    case CK_TYPE_ARRAY:
    case CK_TYPE_STRUCT:
    case CK_TYPE_MAP: {
      const uint32_t n = a.type == CK_TYPE_MAP ? 2 * a.count : a.count;
      for (uint32_t i = 0; i < n; ++i) {
        if (!AbiValueEquals(a.u.items[i], b.u.items[i])) return false;
      }
      return true;
    }
    default:
      return a.u.i64 == b.u.i64;
  }
}

/// Deep equality of two ABI schemas (ConnectSchema.equals, with parameters in order).
inline bool AbiSchemaEquals(const ck_schema* a, const ck_schema* b) {
  if (a == b) return true;
  if (a == nullptr || b == nullptr) return false;
  if (a->type != b->type || a->flags != b->flags || a->field_count != b->field_count ||
      a->parameter_count != b->parameter_count || !SameStr(a->name, b->name) ||
      !SameStr(a->doc, b->doc)) {
    return false;
  }
  if ((a->flags & CK_SCHEMA_HAS_VERSION) != 0 && a->version != b->version) return false;
  for (uint32_t i = 0; i < a->parameter_count; ++i) {
    if (!SameStr(a->parameters[i].key, b->parameters[i].key) ||
        !SameStr(a->parameters[i].value, b->parameters[i].value)) {
      return false;
    }
  }
  for (uint32_t i = 0; i < a->field_count; ++i) {
    if (!SameStr(a->fields[i].name, b->fields[i].name) ||
        !AbiSchemaEquals(a->fields[i].schema, b->fields[i].schema)) {
      return false;
    }
  }
  if (!AbiSchemaEquals(a->key_schema, b->key_schema) ||
      !AbiSchemaEquals(a->value_schema, b->value_schema)) {
    return false;
  }
  if ((a->default_value == nullptr) != (b->default_value == nullptr)) return false;
  return a->default_value == nullptr || AbiValueEquals(*a->default_value, *b->default_value);
}

/// A structural hash consistent with AbiSchemaEquals.
inline uint64_t AbiSchemaHash(const ck_schema* s) {
  if (s == nullptr) return 0x9e3779b97f4a7c15ull;
  uint64_t h = 1469598103934665603ull;  // FNV-1a over the parts that identify a schema
  const auto mix = [&h](const void* data, size_t n) {
    const auto* p = static_cast<const unsigned char*>(data);
    for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ull;
  };
  const auto mix_str = [&mix](ck_str str) {
    mix(&str.len, sizeof str.len);
    if (str.len != 0) mix(str.ptr, str.len);
  };
  mix(&s->type, sizeof s->type);
  mix(&s->flags, sizeof s->flags);
  mix(&s->field_count, sizeof s->field_count);
  mix_str(s->name);
  for (uint32_t i = 0; i < s->field_count; ++i) {
    mix_str(s->fields[i].name);
    const uint64_t child = AbiSchemaHash(s->fields[i].schema);
    mix(&child, sizeof child);
  }
  for (const ck_schema* child : {s->key_schema, s->value_schema}) {
    if (child == nullptr) continue;
    const uint64_t c = AbiSchemaHash(child);
    mix(&c, sizeof c);
  }
  return h;
}

/// Long-lived ABI schemas of one transformation instance (see the file comment). Used on the
/// transformation's thread only; the memory it hands out may be read from any thread.
class SchemaStore {
 public:
  SchemaStore() : id_(NextId()) {}
  SchemaStore(const SchemaStore&) = delete;
  SchemaStore& operator=(const SchemaStore&) = delete;

  /// A process-unique number identifying this store, so caches keyed by its schemas can tell
  /// when their owner replaced it.
  uint64_t id() const { return id_; }

  /// Bytes held.
  size_t bytes() const { return arena_.reserved(); }

  /// Forgets the addresses seen in the previous batch: from now on they may be other schemas.
  void BeginBatch() {
    if (!batch_.empty()) batch_.clear();
  }

  /// The long-lived copy of `schema` shared by every schema of the same structure; nullptr for
  /// nullptr. `schema` must stay valid for the current batch.
  const ck_schema* Canonical(const ck_schema* schema) {
    if (schema == nullptr) return nullptr;
    if (const auto it = batch_.find(schema); it != batch_.end()) return it->second;
    const ck_schema* canonical = Intern(schema);  // may recurse into Canonical: no iterator held
    batch_.emplace(schema, canonical);
    return canonical;
  }

  /// The long-lived ABI form of `schema` (nullptr for null), written once per Schema object. The
  /// store keeps `schema` alive.
  const ck_schema* Write(const SchemaPtr& schema) {
    if (schema == nullptr) return nullptr;
    const ck_schema* out = writer_.Schema(schema);
    const uint64_t hash = AbiSchemaHash(out);
    bool known = false;
    for (auto [i, end] = interned_.equal_range(hash); i != end && !known; ++i) {
      known = i->second == out;
    }
    if (!known) interned_.emplace(hash, out);
    return out;
  }

 private:
  static uint64_t NextId() {
    static std::atomic<uint64_t> next{1};
    return next.fetch_add(1, std::memory_order_relaxed);
  }

  const ck_schema* Intern(const ck_schema* schema) {
    const uint64_t hash = AbiSchemaHash(schema);
    for (auto [i, end] = interned_.equal_range(hash); i != end; ++i) {
      if (AbiSchemaEquals(i->second, schema)) return i->second;
    }
    const ck_schema* copy = Copy(schema);
    interned_.emplace(hash, copy);
    return copy;
  }

  const ck_schema* Copy(const ck_schema* in) {
    if (in == nullptr) return nullptr;
    ck_schema* out = arena_.Allocate<ck_schema>(1);
    *out = *in;
    out->name = arena_.CopyString(View(in->name));
    out->doc = arena_.CopyString(View(in->doc));
    auto* params = arena_.Allocate<ck_schema_parameter>(in->parameter_count);
    for (uint32_t i = 0; i < in->parameter_count; ++i) {
      params[i] = ck_schema_parameter{arena_.CopyString(View(in->parameters[i].key)),
                                      arena_.CopyString(View(in->parameters[i].value))};
    }
    out->parameters = params;
    auto* fields = arena_.Allocate<ck_schema_field>(in->field_count);
    for (uint32_t i = 0; i < in->field_count; ++i) {
      fields[i] = ck_schema_field{arena_.CopyString(View(in->fields[i].name)),
                                  Canonical(in->fields[i].schema)};
    }
    out->fields = fields;
    out->key_schema = Canonical(in->key_schema);
    out->value_schema = Canonical(in->value_schema);
    if (in->default_value != nullptr) {
      ck_value* value = arena_.Allocate<ck_value>(1);
      CopyValue(*in->default_value, value);
      out->default_value = value;
    }
    return out;
  }

  void CopyValue(const ck_value& in, ck_value* out) {
    *out = in;
    switch (in.type) {
      case CK_TYPE_STRING:
      case CK_TYPE_BYTES:
        out->u.bytes = arena_.CopyString(View(in.u.bytes));
        if (in.u.bytes.ptr != nullptr && in.u.bytes.len == 0) out->u.bytes.ptr = "";
        break;
      case CK_TYPE_ARRAY:
      case CK_TYPE_STRUCT:
      case CK_TYPE_MAP: {
        const uint32_t n = in.type == CK_TYPE_MAP ? 2 * in.count : in.count;
        ck_value* items = arena_.Allocate<ck_value>(n);
        for (uint32_t i = 0; i < n; ++i) CopyValue(in.u.items[i], &items[i]);
        out->u.items = items;
        break;
      }
      default:
        break;
    }
  }

  const uint64_t id_;
  Arena arena_;
  Writer writer_{arena_};
  std::unordered_map<const ck_schema*, const ck_schema*> batch_;  // this batch: address -> copy
  std::unordered_multimap<uint64_t, const ck_schema*> interned_;  // structure hash -> copy
};

/// A process-unique, increasing number per batch, so that caches keyed by addresses of a batch's
/// schemas know when they may no longer trust them.
inline uint64_t NextBatchGeneration() {
  static std::atomic<uint64_t> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace ck::abi_internal
