// JsonWriter: a small, allocation-free-once-warm JSON writer that prints exactly what Jackson's
// generator prints with Kafka's settings, because JsonConverter output must be byte-compatible:
// no whitespace; strings escaped as Jackson's UTF8JsonGenerator does (the short escapes \" \\ \b
// \t \n \f \r, other control characters as \u00XX with upper-case hex, '/', DEL and characters
// of the Basic Multilingual Plane written as they are, characters beyond it such as emoji as their
// UTF-16 surrogate pair, e.g. \uD83D\uDE00);
// doubles and floats as Java's Double/Float.toString, non-finite ones quoted ("NaN", "Infinity",
// Jackson's default QUOTE_NON_NUMERIC_NUMBERS); binary as padded base64 in quotes.
//
// The writer appends to one reusable std::string; it does not check structure (commas and nesting
// are the caller's business), which keeps each call to a bounds check and a copy.
#ifndef CK_RUNTIME_CONVERTERS_JSON_WRITER_H_
#define CK_RUNTIME_CONVERTERS_JSON_WRITER_H_

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

#include "runtime/converters/base64.h"
#include "runtime/converters/java_text.h"

namespace ck::runtime::converters_internal {

// For each byte: 0 when JsonWriter writes it as is, else its escape letter ('u' for \u00XX, 'S'
// for the first byte of a character beyond the BMP).
constexpr std::array<char, 256> MakeJsonEscapes() {
  std::array<char, 256> table{};
  for (int c = 0; c < 0x20; ++c) table[c] = 'u';
  table['"'] = '"';
  table['\\'] = '\\';
  table['\b'] = 'b';
  table['\t'] = 't';
  table['\n'] = 'n';
  table['\f'] = 'f';
  table['\r'] = 'r';
  for (int c = 0xF0; c <= 0xF4; ++c) table[c] = 'S';  // lead byte of a 4-byte sequence
  return table;
}

class JsonWriter {
 public:
  /// Empties the output, keeping its capacity.
  void Clear() { out_.clear(); }
  /// The JSON written so far.
  std::string_view view() const { return out_; }
  /// The output buffer itself, for appending pre-rendered JSON.
  std::string& buffer() { return out_; }

  /// Appends `json`, which must already be JSON text.
  void Raw(std::string_view json) { out_.append(json); }
  /// Appends one structural character such as '{' or ','.
  void Char(char c) { out_.push_back(c); }
  /// Appends null.
  void Null() { out_.append("null"); }
  /// Appends true or false.
  void Bool(bool b) { out_.append(b ? "true" : "false"); }

  /// Appends an integer.
  void Int(int64_t v) {
    char buf[24];
    out_.append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
  }

  /// Appends a double as Jackson does: Double.toString, quoted when not finite.
  void Double(double v) {
    char buf[kJavaNumberChars];
    AppendNumber(buf, FormatJavaDouble(v, buf), std::isfinite(v));
  }

  /// Appends a float as Jackson does: Float.toString, quoted when not finite.
  void Float(float v) {
    char buf[kJavaNumberChars];
    AppendNumber(buf, FormatJavaFloat(v, buf), std::isfinite(v));
  }

  /// Appends `bytes` as a quoted base64 string (Jackson's binary node).
  void Binary(std::span<const uint8_t> bytes) {
    out_.push_back('"');
    AppendBase64(out_, bytes);
    out_.push_back('"');
  }

  /// Appends `s` (UTF-8) as a quoted JSON string. Bytes that are not well-formed UTF-8 are
  /// written through unchanged.
  void String(std::string_view s) {
    out_.push_back('"');
    size_t run = 0;  // start of the pending run of bytes that need no escape
    for (size_t i = 0; i < s.size(); ++i) {
      while (s.size() - i >= 8 && !AnyEscape8(s.data() + i)) i += 8;
      if (i == s.size()) break;
      const auto c = static_cast<unsigned char>(s[i]);
      const char escape = kEscapes[c];
      if (escape == 0) continue;
      if (escape == 'S') {
        const uint32_t code_point = SupplementaryAt(s, i);
        if (code_point == 0) continue;  // not well-formed: written as is
        out_.append(s.data() + run, i - run);
        AppendUnicodeEscape(0xD800 + ((code_point - 0x10000) >> 10));
        AppendUnicodeEscape(0xDC00 + ((code_point - 0x10000) & 0x3FF));
        i += 3;
        run = i + 1;
        continue;
      }
      out_.append(s.data() + run, i - run);
      run = i + 1;
      if (escape == 'u') {
        AppendUnicodeEscape(c);
      } else {
        const char short_escape[2] = {'\\', escape};
        out_.append(short_escape, sizeof short_escape);
      }
    }
    out_.append(s.data() + run, s.size() - run);
    out_.push_back('"');
  }

 private:
  static constexpr std::array<char, 256> kEscapes = MakeJsonEscapes();
  static constexpr char kHex[] = "0123456789ABCDEF";

  // Whether any of the 8 bytes at `p` has an entry in kEscapes: a control character, '"', '\\'
  // or a byte from 0xF0 up (word-at-a-time tests; exact as to whether there is one).
  static bool AnyEscape8(const char* p) {
    constexpr uint64_t kOnes = 0x0101010101010101;
    constexpr uint64_t kHigh = 0x8080808080808080;
    uint64_t w;
    std::memcpy(&w, p, sizeof w);
    const auto has_zero = [](uint64_t v) { return (v - kOnes) & ~v & kHigh; };
    const uint64_t control = (w - kOnes * 0x20) & ~w & kHigh;  // a byte below 0x20
    const uint64_t quote = has_zero(w ^ (kOnes * '"'));
    const uint64_t backslash = has_zero(w ^ (kOnes * '\\'));
    const uint64_t lead4 = w & (w << 1) & (w << 2) & (w << 3) & kHigh;  // top four bits set
    return (control | quote | backslash | lead4) != 0;
  }

  // The code point of the well-formed 4-byte UTF-8 sequence at s[i], or 0.
  static uint32_t SupplementaryAt(std::string_view s, size_t i) {
    if (s.size() - i < 4) return 0;
    const auto b = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
    if ((b(1) & 0xC0) != 0x80 || (b(2) & 0xC0) != 0x80 || (b(3) & 0xC0) != 0x80) return 0;
    const uint32_t code_point = (uint32_t{b(0)} & 0x07) << 18 | (uint32_t{b(1)} & 0x3F) << 12 |
                                (uint32_t{b(2)} & 0x3F) << 6 | (uint32_t{b(3)} & 0x3F);
    return code_point >= 0x10000 && code_point <= 0x10FFFF ? code_point : 0;
  }

  void AppendUnicodeEscape(uint32_t unit) {
    const char escape[6] = {'\\',
                            'u',
                            kHex[(unit >> 12) & 15],
                            kHex[(unit >> 8) & 15],
                            kHex[(unit >> 4) & 15],
                            kHex[unit & 15]};
    out_.append(escape, sizeof escape);
  }

  void AppendNumber(const char* text, size_t length, bool finite) {
    if (!finite) out_.push_back('"');
    out_.append(text, length);
    if (!finite) out_.push_back('"');
  }

  std::string out_;
};

}  // namespace ck::runtime::converters_internal

#endif  // CK_RUNTIME_CONVERTERS_JSON_WRITER_H_
