// UTF-8 checks shared by the text converters: whether bytes are valid UTF-8, and Java's decoding
// of bytes that may not be (new String(bytes, UTF_8): each maximal ill-formed subsequence becomes
// U+FFFD, as the Unicode standard recommends and the JDK does).
#ifndef CK_RUNTIME_CONVERTERS_UTF8_H_
#define CK_RUNTIME_CONVERTERS_UTF8_H_

#include <cstdint>
#include <span>
#include <string>

namespace ck::runtime::converters_internal {

/// True when `bytes` are well-formed UTF-8.
bool IsValidUtf8(std::span<const uint8_t> bytes);

/// `bytes` as a UTF-8 string, with U+FFFD for each maximal ill-formed subsequence.
std::string DecodeUtf8LikeJava(std::span<const uint8_t> bytes);

}  // namespace ck::runtime::converters_internal

#endif  // CK_RUNTIME_CONVERTERS_UTF8_H_
