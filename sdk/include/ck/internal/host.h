/// @file
/// The plugin side of the host services table, and the exception firewall.
///
/// Each plugin keeps the host table it received in ck_plugin::init in a function-local static;
/// plugins are built with hidden visibility, so every plugin has its own. Guard() wraps every
/// vtable slot: C++ exceptions become error statuses with their message, mapped to the ABI's error
/// codes, so nothing ever unwinds into the host.

#pragma once

#include <cstdlib>
#include <new>
#include <string>
#include <string_view>
#include <type_traits>

#include "ck/abi/ck_abi.h"
#include "ck/errors.h"

namespace ck::abi_internal {

inline std::string_view View(ck_str s) { return {s.ptr == nullptr ? "" : s.ptr, s.len}; }

inline ck_str Str(std::string_view s) { return ck_str{s.data(), s.size()}; }

inline const ck_host*& HostSlot() {
  static const ck_host* host = nullptr;
  return host;
}

/// The host table. Components only run after init, so it is always set when they call it.
inline const ck_host& Host() {
  const ck_host* host = HostSlot();
  if (host == nullptr) {
    // Only reachable if a host calls a component before init: a host bug, not a plugin error.
    std::abort();
  }
  return *host;
}

/// An error object for calls the plugin makes into the host.
class HostError {
 public:
  HostError() : err_(Host().error_create()) {}
  ~HostError() { Host().error_destroy(err_); }
  HostError(const HostError&) = delete;
  HostError& operator=(const HostError&) = delete;

  ck_error* get() const { return err_; }

  /// Throws the error the host reported, as RetriableError or ConnectError.
  [[noreturn]] void Throw() const {
    uint32_t flags = 0;
    std::string message(View(Host().error_get(err_, nullptr, &flags)));
    if (message.empty()) message = "the runtime reported an error without a message";
    if (flags & CK_ERROR_FLAG_RETRIABLE) throw RetriableError(message);
    throw ConnectError(message);
  }

 private:
  ck_error* err_;
};

/// Releases a transferred buffer on scope exit.
class BufferGuard {
 public:
  explicit BufferGuard(ck_buffer* buffer) : buffer_(buffer) {}
  ~BufferGuard() {
    if (buffer_->release != nullptr) buffer_->release(buffer_);
  }
  BufferGuard(const BufferGuard&) = delete;
  BufferGuard& operator=(const BufferGuard&) = delete;

 private:
  ck_buffer* buffer_;
};

inline void SetError(ck_error* err, int32_t code, uint32_t flags, std::string_view message) {
  if (err != nullptr) Host().error_set(err, code, flags, Str(message));
}

/// Runs `body`, turning any exception into an error status. `body` returns void.
template <typename Body>
ck_status Guard(ck_error* err, Body&& body) noexcept {
  try {
    body();
    return CK_STATUS_OK;
  } catch (const RetriableError& e) {
    SetError(err, CK_ERROR_CONNECT, CK_ERROR_FLAG_RETRIABLE, e.what());
  } catch (const ConfigError& e) {
    SetError(err, CK_ERROR_CONFIG, 0, e.what());
  } catch (const DataError& e) {
    SetError(err, CK_ERROR_DATA, 0, e.what());
  } catch (const ConnectError& e) {
    SetError(err, CK_ERROR_CONNECT, 0, e.what());
  } catch (const std::bad_alloc&) {
    SetError(err, CK_ERROR_NO_MEMORY, 0, "out of memory (std::bad_alloc)");
  } catch (const std::exception& e) {
    SetError(err, CK_ERROR_CONNECT, 0, e.what());
  } catch (...) {
    SetError(err, CK_ERROR_INTERNAL, 0, "unknown exception (not derived from std::exception)");
  }
  return CK_STATUS_ERROR;
}

struct ContextAccess;

}  // namespace ck::abi_internal
