// The records the datagen connector generates: orders whose every field is a pure function of
// (seed, task, sequence number), so tests and loss/duplicate checks can recompute any record from
// its key alone. The value schema covers the common Connect types: int64, int32, strings, float64,
// boolean, the Timestamp and Decimal logical types, an optional field and an array.
#pragma once

#include <cstdint>

#include "ck/schema.h"
#include "ck/value.h"

namespace ck::datagen {

/// Name of the order value schema.
inline constexpr char kOrderSchemaName[] = "io.connectkit.datagen.Order";

/// The order value schema (struct io.connectkit.datagen.Order, version 1):
///   seq      int64     the record's sequence number within its task (also the record key)
///   task     int32     the task that generated it
///   id       string    "order-<task>-<seq>"
///   customer string    "customer-NNNN"
///   amount   float64   0.00 to 9999.99
///   flag     boolean
///   created  Timestamp 2024-01-01T00:00:00Z + seq seconds + 0-999 ms; increases with seq
///   price    Decimal   scale 2, 0.00 to 999.99
///   note     string    optional; null for about a quarter of the orders
///   tags     array<string> zero to three tags
const SchemaPtr& OrderSchema();

/// The order with sequence number `seq` of task `task` under `seed`. The same arguments give the
/// same order on every platform and in every version with the same schema version.
Struct MakeOrder(int64_t seed, int32_t task, int64_t seq);

}  // namespace ck::datagen
