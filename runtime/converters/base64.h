// Base64 as Kafka's converters use it: the standard alphabet with '=' padding and no line breaks
// (Jackson's default MIME-NO-LINEFEEDS variant for JSON binary values, java.util.Base64's basic
// encoder for SimpleHeaderConverter). Decoding follows Jackson: ASCII whitespace may precede each
// four-character group, and padding is required.
#ifndef CK_RUNTIME_CONVERTERS_BASE64_H_
#define CK_RUNTIME_CONVERTERS_BASE64_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "ck/schema.h"

namespace ck::runtime::converters_internal {

/// Appends the base64 encoding of `data` to `out`.
void AppendBase64(std::string& out, std::span<const uint8_t> data);

/// The bytes `text` encodes, or std::nullopt if it is not valid padded base64.
std::optional<Bytes> DecodeBase64(std::string_view text);

}  // namespace ck::runtime::converters_internal

#endif  // CK_RUNTIME_CONVERTERS_BASE64_H_
