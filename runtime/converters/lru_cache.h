// LruCache: a bounded map that forgets its least recently used entry, the shape of Kafka's
// LRUCache behind JsonConverter's schemas.cache.size. Single-threaded: a converter instance
// serves one task. A capacity of zero or less caches nothing, as Kafka's LRUCache(0).
#ifndef CK_RUNTIME_CONVERTERS_LRU_CACHE_H_
#define CK_RUNTIME_CONVERTERS_LRU_CACHE_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <unordered_map>
#include <utility>

namespace ck::runtime::converters_internal {

template <typename Key, typename Value, typename Hash = std::hash<Key>,
          typename Equal = std::equal_to<>>
class LruCache {
 public:
  explicit LruCache(int64_t capacity) : capacity_(capacity) {}

  /// The value cached for `key` (which becomes the most recently used), or nullptr. The pointer
  /// is valid until the next Insert.
  template <typename K>
  Value* Find(const K& key) {
    const auto it = index_.find(key);
    if (it == index_.end()) return nullptr;
    entries_.splice(entries_.begin(), entries_, it->second);
    return &it->second->second;
  }

  /// Caches `value` for `key`, which must not be cached yet, evicting the least recently used
  /// entry when full.
  void Insert(Key key, Value value) {
    if (capacity_ <= 0) return;
    entries_.emplace_front(std::move(key), std::move(value));
    index_.emplace(std::cref(entries_.front().first), entries_.begin());
    if (static_cast<int64_t>(entries_.size()) > capacity_) {
      index_.erase(entries_.back().first);
      entries_.pop_back();
    }
  }

  /// Number of cached entries.
  size_t size() const { return entries_.size(); }

 private:
  using Entries = std::list<std::pair<Key, Value>>;
  // Keys live in the list; the index refers to them.
  struct RefHash : Hash {
    using is_transparent = void;
    template <typename K>
    size_t operator()(const K& key) const {
      return Hash::operator()(Unwrap(key));
    }
  };
  struct RefEqual : Equal {
    using is_transparent = void;
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return Equal::operator()(Unwrap(a), Unwrap(b));
    }
  };
  template <typename K>
  static const K& Unwrap(const K& key) {
    return key;
  }
  static const Key& Unwrap(const std::reference_wrapper<const Key>& key) { return key.get(); }

  int64_t capacity_;
  Entries entries_;
  std::unordered_map<std::reference_wrapper<const Key>, typename Entries::iterator, RefHash,
                     RefEqual>
      index_;
};

}  // namespace ck::runtime::converters_internal

#endif  // CK_RUNTIME_CONVERTERS_LRU_CACHE_H_
