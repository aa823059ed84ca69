/// @file
/// A bump allocator for the memory behind one ABI batch. The SDK marshals a whole batch (records,
/// schemas, values, strings) into one arena, so handing a batch across the boundary costs a few
/// large allocations instead of one per field, and the batch's `release` frees it in one step with
/// the allocator of the side that produced it.

#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <string_view>
#include <type_traits>
#include <vector>

#include "ck/abi/ck_abi.h"

namespace ck::abi_internal {

class Arena {
 public:
  Arena() = default;
  /// An arena whose first block holds `expected_bytes`, so a batch of known size needs one.
  explicit Arena(size_t expected_bytes) : next_block_(std::max(expected_bytes, kFirstBlock)) {}
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  /// Uninitialised storage for `n` objects of a trivially destructible type.
  template <typename T>
  T* Allocate(size_t n) {
    static_assert(std::is_trivially_destructible_v<T>);
    if (n == 0) return nullptr;
    return static_cast<T*>(AllocateBytes(n * sizeof(T), alignof(T)));
  }

  /// Copies `s` into the arena.
  ck_str CopyString(std::string_view s) {
    if (s.empty()) return ck_str{nullptr, 0};
    char* p = static_cast<char*>(AllocateBytes(s.size(), 1));
    std::memcpy(p, s.data(), s.size());
    return ck_str{p, s.size()};
  }

 private:
  static constexpr size_t kFirstBlock = 16 * 1024;
  static constexpr size_t kMaxBlock = 1024 * 1024;

  void* AllocateBytes(size_t size, size_t align) {
    size_t pad = (align - reinterpret_cast<uintptr_t>(cursor_) % align) % align;
    if (pad + size > left_) {
      size_t block = std::max(size + align, next_block_);
      next_block_ = std::min(std::max(next_block_, block) * 2, kMaxBlock);
      blocks_.push_back(std::make_unique_for_overwrite<std::byte[]>(block));
      cursor_ = blocks_.back().get();
      left_ = block;
      pad = (align - reinterpret_cast<uintptr_t>(cursor_) % align) % align;
    }
    std::byte* p = cursor_ + pad;
    cursor_ = p + size;
    left_ -= pad + size;
    return p;
  }

  std::vector<std::unique_ptr<std::byte[]>> blocks_;
  std::byte* cursor_ = nullptr;
  size_t left_ = 0;
  size_t next_block_ = kFirstBlock;
};

}  // namespace ck::abi_internal
