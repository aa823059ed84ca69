/// @file
/// Records as Kafka Connect defines them: ConnectRecord (what transformations see), SourceRecord
/// (what source tasks produce, with its source partition and offset) and SinkRecord (what sink
/// tasks receive, with its Kafka coordinates before and after transformations).

#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "ck/headers.h"
#include "ck/schema.h"
#include "ck/value.h"

namespace ck {

/// A Kafka topic partition.
struct TopicPartition {
  std::string topic;      ///< Topic name.
  int32_t partition = 0;  ///< Partition number.

  /// Orders by topic, then partition.
  friend auto operator<=>(const TopicPartition&, const TopicPartition&) = default;
};

/// Offsets per topic partition: the next offset to consume, as in Kafka's OffsetAndMetadata.
using OffsetMap = std::map<TopicPartition, int64_t>;

/// How a record's timestamp was set.
enum class TimestampType {
  kNone,           ///< The record has no timestamp.
  kCreateTime,     ///< Set by the producer.
  kLogAppendTime,  ///< Set by the broker.
};

/// Where the broker stored a source record (Kafka's RecordMetadata).
struct RecordMetadata {
  std::string topic;                 ///< Topic written to.
  int32_t partition = 0;             ///< Partition written to.
  int64_t offset = 0;                ///< Offset the broker assigned.
  std::optional<int64_t> timestamp;  ///< Record timestamp in ms since the epoch, when known.
};

/// The fields every record has; what transformations and predicates see and may change.
struct ConnectRecord {
  std::string topic;                       ///< Topic.
  std::optional<int32_t> kafka_partition;  ///< Partition, or none to let the producer choose.
  SchemaPtr key_schema;                    ///< Key schema; null when schemaless.
  Value key;                               ///< Key.
  SchemaPtr value_schema;                  ///< Value schema; null when schemaless.
  Value value;                             ///< Value; null for a tombstone.
  std::optional<int64_t> timestamp;        ///< Timestamp in ms since the epoch, if any.
  Headers headers;                         ///< Headers, in order.
};

/// A record produced by a source task. `source_partition` and `source_offset` are JSON objects of
/// primitives, lists and maps, stored by the runtime as Kafka Connect stores them; null (the
/// default) stands for an empty object.
///
/// A task that emits many records may give either as JSON text instead, in
/// `source_partition_json` and `source_offset_json`: a JSON object costs an allocation per member
/// for every record, the text one. The text must be a JSON object; when it is not empty, the JSON
/// value next to it is ignored. Records read back from the runtime (as in commit_record) always
/// carry JSON values.
struct SourceRecord : ConnectRecord {
  nlohmann::json source_partition;    ///< Where the record came from.
  nlohmann::json source_offset;       ///< Position within that partition.
  std::string source_partition_json;  ///< source_partition as JSON text, used when not empty.
  std::string source_offset_json;     ///< source_offset as JSON text, used when not empty.
};

/// A record consumed from Kafka and delivered to a sink task. The `original_*` fields keep the
/// coordinates from before any transformation, for offset tracking (KIP-793).
struct SinkRecord : ConnectRecord {
  int64_t kafka_offset = -1;                            ///< Offset in the (possibly renamed) topic.
  TimestampType timestamp_type = TimestampType::kNone;  ///< How the timestamp was set.
  std::string original_topic;                           ///< Topic as consumed.
  int32_t original_partition = -1;                      ///< Partition as consumed.
  int64_t original_offset = -1;                         ///< Offset as consumed.
};

}  // namespace ck
