/// @file
/// A bump allocator for the memory behind one ABI batch. The SDK marshals a whole batch (records,
/// schemas, values, strings) into one arena, so handing a batch across the boundary costs a few
/// large allocations instead of one per field, and the batch's `release` frees it in one step with
/// the allocator of the side that produced it.
///
/// Batches come one after another, of similar sizes: an arena may take its blocks from a
/// BlockPool and give them back when it is destroyed, so steady-state batches reuse warm memory
/// instead of asking the system for fresh pages (whose first touch costs a page fault each).

#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <string_view>
#include <type_traits>
#include <vector>

#include "ck/abi/ck_abi.h"

namespace ck::abi_internal {

/// Memory blocks freed by arenas, kept for the next arenas of the same producer. Thread-safe: a
/// batch may be released on another thread than the one that produced it.
class BlockPool {
 public:
  /// Bytes kept at most; blocks given back beyond that are freed.
  static constexpr size_t kMaxKeptBytes = 8 << 20;

  struct Block {
    std::unique_ptr<std::byte[]> data;
    size_t size = 0;
  };

  /// A kept block of at least `min_size` bytes, or an empty Block.
  Block Take(size_t min_size) {
    std::lock_guard<std::mutex> lock(mu_);
    for (size_t i = 0; i < kept_.size(); ++i) {
      if (kept_[i].size >= min_size) {
        Block block = std::move(kept_[i]);
        kept_[i] = std::move(kept_.back());
        kept_.pop_back();
        kept_bytes_ -= block.size;
        return block;
      }
    }
    return {};
  }

  /// Keeps `block` for a later Take, or frees it when the pool is full.
  void Give(Block block) {
    std::lock_guard<std::mutex> lock(mu_);
    if (kept_bytes_ + block.size > kMaxKeptBytes) return;  // `block` frees itself
    kept_bytes_ += block.size;
    kept_.push_back(std::move(block));
  }

 private:
  std::mutex mu_;
  std::vector<Block> kept_;
  size_t kept_bytes_ = 0;
};

class Arena {
 public:
  Arena() = default;
  /// An arena whose first block holds `expected_bytes`, so a batch of known size needs one; with
  /// a `pool`, blocks come from it and go back to it.
  explicit Arena(size_t expected_bytes, std::shared_ptr<BlockPool> pool = nullptr)
      : next_block_(std::max(expected_bytes, kFirstBlock)), pool_(std::move(pool)) {}
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;
  ~Arena() {
    if (pool_ == nullptr) return;
    for (BlockPool::Block& block : blocks_) pool_->Give(std::move(block));
  }

  /// Uninitialised storage for `n` objects of a trivially destructible type.
  template <typename T>
  T* Allocate(size_t n) {
    static_assert(std::is_trivially_destructible_v<T>);
    if (n == 0) return nullptr;
    return static_cast<T*>(AllocateBytes(n * sizeof(T), alignof(T)));
  }

  /// Bytes reserved by the arena's blocks so far.
  size_t reserved() const { return reserved_; }

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

  // `align` is a power of two.
  static size_t Padding(const std::byte* p, size_t align) {
    return (0 - reinterpret_cast<uintptr_t>(p)) & (align - 1);
  }

  void* AllocateBytes(size_t size, size_t align) {
    size_t pad = Padding(cursor_, align);
    if (pad + size > left_) [[unlikely]] {
      const size_t wanted = std::max(size + align, next_block_);
      next_block_ = std::min(std::max(next_block_, wanted) * 2, kMaxBlock);
      BlockPool::Block block;
      if (pool_ != nullptr) block = pool_->Take(wanted);
      if (block.data == nullptr) {
        block.data = std::make_unique_for_overwrite<std::byte[]>(wanted);
        block.size = wanted;
      }
      reserved_ += block.size;
      cursor_ = block.data.get();
      left_ = block.size;
      blocks_.push_back(std::move(block));
      pad = Padding(cursor_, align);
    }
    std::byte* p = cursor_ + pad;
    cursor_ = p + size;
    left_ -= pad + size;
    return p;
  }

  std::vector<BlockPool::Block> blocks_;
  std::byte* cursor_ = nullptr;
  size_t left_ = 0;
  size_t reserved_ = 0;
  size_t next_block_ = kFirstBlock;
  std::shared_ptr<BlockPool> pool_;
};

}  // namespace ck::abi_internal
