// Source offsets of standalone mode, kept in one file that survives crashes.
//
// Keys and values are the bytes Kafka Connect uses: the key is the JSON array
// ["<connector>", <source partition>] and the value the source offset as JSON (Kafka Connect's
// internal JsonConverter with schemas disabled). Kafka's standalone worker wraps them in a Java
// serialised map, which nothing but a JVM can read; ConnectKit stores the same pairs in a JSON
// file instead. Every flush rewrites the file through a temporary file, fsync and rename, so a
// crash at any point leaves either the old or the new set of offsets, never a torn file.
#ifndef CK_RUNTIME_WORKER_OFFSET_STORE_H_
#define CK_RUNTIME_WORKER_OFFSET_STORE_H_

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ck::runtime {

/// One offset change: the offset of `partition` (JSON) of `connector` becomes `offset` (JSON),
/// or is removed when `offset` is empty.
struct OffsetUpdate {
  std::string connector;  ///< Connector name.
  std::string partition;  ///< Source partition, JSON object text.
  std::string offset;     ///< Source offset, JSON object text; empty = delete.
};

/// The standalone offset file. Thread-safe.
class FileOffsetStore {
 public:
  /// Opens the store at `path`, loading the offsets it holds (none if the file does not exist).
  /// Throws std::runtime_error naming the file when it exists but cannot be read or parsed.
  explicit FileOffsetStore(std::string path);

  /// The committed offset (JSON text) of `partition` (JSON text) for `connector`, if any.
  std::optional<std::string> Get(std::string_view connector, std::string_view partition) const;

  /// Every committed (partition, offset) pair of `connector`, as JSON texts.
  std::vector<std::pair<std::string, std::string>> List(std::string_view connector) const;

  /// Applies `updates` and writes the file durably before returning. Throws std::runtime_error
  /// naming the file when it cannot be written; then the store keeps its previous content.
  void Commit(const std::vector<OffsetUpdate>& updates);

  /// The key Kafka Connect stores for a partition: ["<connector>",<partition>] in compact JSON.
  static std::string Key(std::string_view connector, std::string_view partition);

 private:
  void WriteFile(const std::map<std::string, std::string>& offsets) const;

  const std::string path_;
  mutable std::mutex mu_;
  std::map<std::string, std::string> offsets_;  // key JSON -> offset JSON
};

}  // namespace ck::runtime

#endif  // CK_RUNTIME_WORKER_OFFSET_STORE_H_
