// A formatter and parser for Java SimpleDateFormat patterns in UTC, as TimestampRouter and
// TimestampConverter need them (the JVM Kafka's tests run in is in UTC). Supports the pattern
// letters G y M L d D E u a H k K h m s S z Z X and quoted literals ('text', '' for a quote); any
// other letter is refused at construction, so a pattern that would format differently from Java is
// never accepted silently.
#ifndef CK_RUNTIME_TRANSFORMS_JAVA_DATE_FORMAT_H_
#define CK_RUNTIME_TRANSFORMS_JAVA_DATE_FORMAT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ck::runtime::transforms_internal {

/// A parsed SimpleDateFormat pattern.
class JavaDateFormat {
 public:
  /// Parses `pattern`; throws ConfigError for config key `key` naming an unsupported letter or an
  /// unterminated quote.
  JavaDateFormat(const std::string& key, const std::string& pattern);

  /// `millis` since the epoch formatted in UTC.
  std::string Format(int64_t millis) const;

  /// Milliseconds since the epoch of `text` read with the pattern in UTC (offsets given by Z, X
  /// or z are applied), or std::nullopt when it does not match. Stricter than Java's default
  /// lenient parsing: fields out of range (month 13, hour 25) and trailing text are refused.
  /// Adjacent numeric fields ("yyyyMMdd") take exactly their letter count of digits; others take
  /// every consecutive digit. Two-digit years (y, yy) fall within 80 years before and 20 after
  /// now, as in Java.
  std::optional<int64_t> Parse(std::string_view text) const;

  /// The pattern as configured.
  const std::string& pattern() const { return pattern_; }

 private:
  struct Part {
    char letter;  // 0 for a literal
    int count;
    std::string literal;
  };
  std::vector<Part> parts_;
  std::string pattern_;
};

}  // namespace ck::runtime::transforms_internal

#endif  // CK_RUNTIME_TRANSFORMS_JAVA_DATE_FORMAT_H_
