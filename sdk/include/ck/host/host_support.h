/// @file
/// Building blocks for hosts of ConnectKit plugins: the runtime and the testkit's FakeHost.
///
/// A host defines the ABI's opaque types. They are defined once, here, so that two hosts linked
/// into one program cannot disagree: #ck_error carries a code, flags and a message; #ck_context is
/// a base that each host extends by embedding it as its context's first member. Owned<T> releases
/// a transferred batch, list or buffer exactly once; Check() turns an error status into AbiError.

#pragma once

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ck/abi/ck_abi.h"

/// The host's error object: what ck_host::error_set filled in.
struct ck_error {
  int32_t code = 0;     ///< A #ck_error_code, or 0 when no error was set.
  uint32_t flags = 0;   ///< #CK_ERROR_FLAG_RETRIABLE or 0.
  std::string message;  ///< What failed.
};

/// The host's per-component context. Hosts embed it as the first member of their own context
/// type and recover theirs from `owner`.
struct ck_context {
  void* owner = nullptr;  ///< The host's object behind this context.
};

namespace ck::host {

/// Implements ck_host::error_set; never throws.
inline void ErrorSet(ck_error* err, int32_t code, uint32_t flags, ck_str message) noexcept {
  if (err == nullptr) return;
  try {
    err->code = code;
    err->flags = flags;
    err->message.assign(message.ptr == nullptr ? "" : message.ptr, message.len);
  } catch (...) {  // out of memory while copying the message: keep the code
    err->message.clear();
  }
}

/// Implements ck_host::error_create; returns NULL when out of memory.
inline ck_error* ErrorCreate() noexcept { return new (std::nothrow) ck_error; }

/// Implements ck_host::error_destroy.
inline void ErrorDestroy(ck_error* err) noexcept { delete err; }

/// Implements ck_host::error_get.
inline ck_str ErrorGet(const ck_error* err, int32_t* code, uint32_t* flags) noexcept {
  if (code != nullptr) *code = err->code;
  if (flags != nullptr) *flags = err->flags;
  return ck_str{err->message.data(), err->message.size()};
}

/// The error a plugin reported, as an exception on the host side.
class AbiError : public std::runtime_error {
 public:
  /// An error with the plugin's code, flags and message.
  AbiError(int32_t code, uint32_t flags, const std::string& message)
      : std::runtime_error(message), code_(code), flags_(flags) {}

  /// The #ck_error_code.
  int32_t code() const { return code_; }
  /// Whether the plugin marked the error retriable.
  bool retriable() const { return (flags_ & CK_ERROR_FLAG_RETRIABLE) != 0; }

 private:
  int32_t code_;
  uint32_t flags_;
};

/// Throws AbiError unless `status` is #CK_STATUS_OK. `what` names the call, for the message
/// when the plugin set none.
inline void Check(ck_status status, const ck_error& err, std::string_view what) {
  if (status == CK_STATUS_OK) return;
  std::string message = err.message.empty() ? std::string(what) + " failed with status " +
                                                  std::to_string(status) + " and no message"
                                            : err.message;
  throw AbiError(err.code != 0 ? err.code : CK_ERROR_INTERNAL, err.flags, message);
}

/// Owns a transferred struct with a `release` member (#ck_batch, #ck_blob_batch, #ck_data_batch,
/// #ck_offset_list, #ck_config_list, #ck_buffer) and releases it exactly once.
template <typename T>
class Owned {
 public:
  Owned() : value_{} {}
  ~Owned() { reset(); }
  /// Takes over `other`'s struct; `other` is left empty.
  Owned(Owned&& other) noexcept : value_(other.value_) { other.value_.release = nullptr; }
  /// Releases the current struct and takes over `other`'s.
  Owned& operator=(Owned&& other) noexcept {
    if (this != &other) {
      reset();
      value_ = other.value_;
      other.value_.release = nullptr;
    }
    return *this;
  }
  Owned(const Owned&) = delete;
  Owned& operator=(const Owned&) = delete;

  /// The struct, for a plugin call to fill (release any previous content first with reset()).
  T* out() {
    reset();
    return &value_;
  }
  /// The struct.
  const T& operator*() const { return value_; }
  /// The struct's members.
  const T* operator->() const { return &value_; }
  /// Moves the struct out: the caller becomes responsible for releasing it.
  T release() {
    T moved = value_;
    value_.release = nullptr;
    return moved;
  }
  /// Releases the struct now, if it holds anything.
  void reset() {
    if (value_.release != nullptr) value_.release(&value_);
    value_ = T{};
  }

 private:
  T value_;
};

/// A borrowed ABI view of a string map (a configuration), valid while the map lives and is not
/// modified.
class ConfigView {
 public:
  /// Views `config`.
  explicit ConfigView(const std::map<std::string, std::string>& config) {
    entries_.reserve(config.size());
    for (const auto& [key, value] : config) {
      entries_.push_back({{key.data(), key.size()}, {value.data(), value.size()}});
    }
    view_ = ck_config{entries_.data(), static_cast<uint32_t>(entries_.size()), 0};
  }
  ConfigView(const ConfigView&) = delete;
  ConfigView& operator=(const ConfigView&) = delete;

  /// The view, to pass to a plugin call.
  const ck_config* get() const { return &view_; }

 private:
  std::vector<ck_config_entry> entries_;
  ck_config view_;
};

/// An instance of a plugin component, made through its vtable's `create` and destroyed with it.
/// Call() invokes a slot and throws AbiError on an error status.
template <typename VTable>
class Instance {
 public:
  /// Creates an instance of `component`, whose vtable must be a `VTable`, with host context `ctx`
  /// (which must outlive the instance). Throws AbiError when `create` fails or returns no
  /// instance.
  Instance(const ck_component& component, ck_context* ctx)
      : vtable_(static_cast<const VTable*>(component.vtable)) {
    ck_error err;
    Check(vtable_->create(ctx, &self_, &err), err, "create");
    if (self_ == nullptr) {
      throw AbiError(CK_ERROR_INTERNAL, 0,
                     std::string(component.class_name.ptr, component.class_name.len) +
                         ": create returned CK_STATUS_OK but no instance (NULL)");
    }
  }
  ~Instance() {
    if (self_ != nullptr) vtable_->destroy(self_);
  }
  /// Moves the instance; the source no longer owns it.
  Instance(Instance&& other) noexcept : vtable_(other.vtable_), self_(other.self_) {
    other.self_ = nullptr;
  }
  Instance(const Instance&) = delete;
  Instance& operator=(const Instance&) = delete;
  Instance& operator=(Instance&&) = delete;

  /// The component's vtable.
  const VTable& vtable() const { return *vtable_; }

  /// Calls `slot` with `args` (the instance and the error object are added). `what` names the
  /// call in the error when the plugin gives no message.
  template <typename Slot, typename... Args>
  void Call(std::string_view what, Slot slot, Args... args) const {
    ck_error err;
    Check((vtable_->*slot)(self_, args..., &err), err, what);
  }

 private:
  const VTable* vtable_;
  void* self_ = nullptr;
};

}  // namespace ck::host
