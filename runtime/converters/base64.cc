// Base64 encoding and decoding (see base64.h), table-driven, three bytes to four characters.
#include "runtime/converters/base64.h"

#include <array>

namespace ck::runtime::converters_internal {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<int8_t, 256> MakeDecodeTable() {
  std::array<int8_t, 256> table{};
  for (auto& v : table) v = -1;
  for (int i = 0; i < 64; ++i) table[static_cast<uint8_t>(kAlphabet[i])] = static_cast<int8_t>(i);
  return table;
}

constexpr std::array<int8_t, 256> kDecode = MakeDecodeTable();

}  // namespace

void AppendBase64(std::string& out, std::span<const uint8_t> data) {
  const size_t start = out.size();
  out.resize(start + (data.size() + 2) / 3 * 4);
  char* p = out.data() + start;
  size_t i = 0;
  for (; i + 3 <= data.size(); i += 3) {
    const uint32_t v = (uint32_t{data[i]} << 16) | (uint32_t{data[i + 1]} << 8) | data[i + 2];
    *p++ = kAlphabet[(v >> 18) & 63];
    *p++ = kAlphabet[(v >> 12) & 63];
    *p++ = kAlphabet[(v >> 6) & 63];
    *p++ = kAlphabet[v & 63];
  }
  if (const size_t rest = data.size() - i; rest > 0) {
    const uint32_t v = (uint32_t{data[i]} << 16) | (rest == 2 ? uint32_t{data[i + 1]} << 8 : 0);
    *p++ = kAlphabet[(v >> 18) & 63];
    *p++ = kAlphabet[(v >> 12) & 63];
    *p++ = rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
    *p++ = '=';
  }
}

std::optional<Bytes> DecodeBase64(std::string_view text) {
  Bytes out;
  out.reserve(text.size() / 4 * 3);
  size_t i = 0;
  const auto sextet = [&](size_t at) -> int { return kDecode[static_cast<uint8_t>(text[at])]; };
  while (true) {
    while (i < text.size() && static_cast<unsigned char>(text[i]) <= ' ') ++i;
    if (i == text.size()) return out;
    if (text.size() - i < 4) return std::nullopt;  // padding is required
    const int a = sextet(i), b = sextet(i + 1);
    if (a < 0 || b < 0) return std::nullopt;
    out.push_back(static_cast<uint8_t>((a << 2) | (b >> 4)));
    if (text[i + 2] == '=') {
      if (text[i + 3] != '=') return std::nullopt;
      i += 4;
      continue;
    }
    const int c = sextet(i + 2);
    if (c < 0) return std::nullopt;
    out.push_back(static_cast<uint8_t>(((b & 15) << 4) | (c >> 2)));
    if (text[i + 3] == '=') {
      i += 4;
      continue;
    }
    const int d = sextet(i + 3);
    if (d < 0) return std::nullopt;
    out.push_back(static_cast<uint8_t>(((c & 3) << 6) | d));
    i += 4;
  }
}

}  // namespace ck::runtime::converters_internal
