// A decoder of PostgreSQL's pgoutput logical replication messages (protocol version 1), as sent
// in the XLogData ('w') frames of a START_REPLICATION ... LOGICAL stream: Begin, Commit, Origin,
// Relation, Type, Insert, Update, Delete, Truncate and logical decoding Message. It is pure (bytes
// in, structs out) so that it can be tested on hand-built messages; column values stay in the text
// form the server sent, and value_mapping.h turns them into Connect values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace ck::postgres {

/// Microseconds between the Unix epoch and PostgreSQL's (2000-01-01).
inline constexpr int64_t kPgEpochOffsetMicros = 946684800LL * 1000000;

/// Formats an LSN as PostgreSQL does ("16/B374D848").
std::string FormatLsn(uint64_t lsn);
/// Parses "X/Y" into an LSN; std::nullopt if malformed.
std::optional<uint64_t> ParseLsn(std::string_view text);

/// One column of a Relation message.
struct RelationColumn {
  bool key = false;       ///< Part of the replica identity key.
  std::string name;       ///< Column name.
  uint32_t type_oid = 0;  ///< Type OID.
  int32_t type_mod = -1;  ///< Type modifier (atttypmod).
};

/// 'R': describes a table before the first change of it in a session, and after it changed.
struct RelationMessage {
  uint32_t relid = 0;
  std::string schema;
  std::string table;
  char replica_identity = 'd';  ///< 'd' default, 'n' nothing, 'f' full, 'i' index.
  std::vector<RelationColumn> columns;
};

/// One column value of a tuple.
struct TupleValue {
  char kind = 'n';        ///< 'n' null, 'u' unchanged TOAST (value not sent), 't' text, 'b' binary.
  std::string_view data;  ///< The value for 't' and 'b': a view into the decoded message.
};
using Tuple = std::vector<TupleValue>;

/// 'B': a transaction starts. `final_lsn` is the LSN of its commit record.
struct BeginMessage {
  uint64_t final_lsn = 0;
  int64_t commit_time_us = 0;  ///< Microseconds since the Unix epoch.
  uint32_t xid = 0;
};

/// 'C': the transaction committed; `end_lsn` is the end of its commit record.
struct CommitMessage {
  uint8_t flags = 0;
  uint64_t commit_lsn = 0;
  uint64_t end_lsn = 0;
  int64_t commit_time_us = 0;  ///< Microseconds since the Unix epoch.
};

/// 'O': the transaction came from another origin.
struct OriginMessage {
  uint64_t lsn = 0;
  std::string name;
};

/// 'Y': a non-built-in type used by the next Relation.
struct TypeMessage {
  uint32_t oid = 0;
  std::string schema;
  std::string name;
};

/// 'I': a row was inserted.
struct InsertMessage {
  uint32_t relid = 0;
  Tuple new_tuple;
};

/// 'U': a row was updated. `old_kind` is 'K' (old key), 'O' (old row, REPLICA IDENTITY FULL)
/// or 0 (no old tuple: the key did not change).
struct UpdateMessage {
  uint32_t relid = 0;
  char old_kind = 0;
  Tuple old_tuple;
  Tuple new_tuple;
};

/// 'D': a row was deleted; `old_kind` is 'K' or 'O' as for updates.
struct DeleteMessage {
  uint32_t relid = 0;
  char old_kind = 0;
  Tuple old_tuple;
};

/// 'T': tables were truncated.
struct TruncateMessage {
  uint8_t options = 0;  ///< 1 = CASCADE, 2 = RESTART IDENTITY.
  std::vector<uint32_t> relids;
};

/// 'M': a logical decoding message (pg_logical_emit_message).
struct LogicalMessage {
  bool transactional = false;
  uint64_t lsn = 0;
  std::string prefix;
  std::string content;
};

/// Any pgoutput message.
using PgOutputMessage =
    std::variant<BeginMessage, CommitMessage, OriginMessage, RelationMessage, TypeMessage,
                 InsertMessage, UpdateMessage, DeleteMessage, TruncateMessage, LogicalMessage>;

/// Decodes one pgoutput message. Tuple values view `data`, which must outlive them. Throws
/// ck::DataError naming the message type and what is wrong when the bytes are truncated, have
/// trailing data or an unknown type.
PgOutputMessage DecodePgOutput(std::string_view data);

}  // namespace ck::postgres
