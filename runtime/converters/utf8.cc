// UTF-8 validation and Java-style decoding (see utf8.h), following the well-formed byte sequences
// table of the Unicode standard (Table 3-7).
#include "runtime/converters/utf8.h"

namespace ck::runtime::converters_internal {
namespace {

// Length of the well-formed sequence at `p` (of `n` bytes left), or 0 with `*bad` set to the
// length of the maximal ill-formed subpart to replace.
size_t SequenceLength(const uint8_t* p, size_t n, size_t* bad) {
  const uint8_t b0 = p[0];
  if (b0 < 0x80) return 1;
  size_t length = 0;
  uint8_t lo = 0x80, hi = 0xBF;  // bounds of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    length = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    length = 3;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    length = 4;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    *bad = 1;
    return 0;
  }
  for (size_t i = 1; i < length; ++i) {
    const uint8_t low = i == 1 ? lo : 0x80, high = i == 1 ? hi : 0xBF;
    if (i >= n || p[i] < low || p[i] > high) {
      *bad = i;
      return 0;
    }
  }
  return length;
}

}  // namespace

bool IsValidUtf8(std::span<const uint8_t> bytes) {
  size_t i = 0;
  while (i < bytes.size()) {
    if (bytes[i] < 0x80) {
      ++i;
      continue;
    }
    size_t bad = 0;
    const size_t length = SequenceLength(bytes.data() + i, bytes.size() - i, &bad);
    if (length == 0) return false;
    i += length;
  }
  return true;
}

std::string DecodeUtf8LikeJava(std::span<const uint8_t> bytes) {
  std::string out;
  out.reserve(bytes.size());
  size_t i = 0;
  while (i < bytes.size()) {
    size_t bad = 0;
    const size_t length = SequenceLength(bytes.data() + i, bytes.size() - i, &bad);
    if (length == 0) {
      out.append("\xEF\xBF\xBD");  // U+FFFD
      i += bad;
    } else {
      out.append(reinterpret_cast<const char*>(bytes.data() + i), length);
      i += length;
    }
  }
  return out;
}

}  // namespace ck::runtime::converters_internal
