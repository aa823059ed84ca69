// JavaRegex: regular expressions with java.util.regex.Pattern's syntax and matching semantics, for
// the configs Kafka Connect users already have (RegexRouter, TopicNameMatches, Debezium's outbox
// EventRouter, ...).
//
// Java's engine backtracks: alternatives are tried left to right, greedy quantifiers take as much
// as they can and give back one step at a time, lazy ones the reverse, possessive ones never give
// back. This one does the same, so captures are those Java reports (a POSIX engine picks the
// longest match, and reports different groups). Supported: literals and escapes (\t \n \r \f \a
// \e \0oct \xhh \x{h..} \uhhhh \cX, \Q..\E), `.`, classes with ranges, negation, nesting and
// `&&` intersection, \d \D \w \W \s \S \h \H and
// \p{Lower|Upper|ASCII|Alpha|Digit|Alnum|Punct|Graph| Print|Blank|Cntrl|XDigit|Space} (ASCII, as
// Java's defaults), groups (capturing, `(?:..)`, named
// `(?<name>..)`), `|`, quantifiers `* + ? {n} {n,} {n,m}` each greedy, lazy (`?`) or possessive
// (`+`), anchors `^ $ \A \z \Z \b \B`, back references `\n` and `\k<name>`, lookahead `(?=..)`
// `(?!..)`, atomic groups `(?>..)`, and the inline flags i (ASCII case-insensitive), s (dotall) and
// m (multiline), as `(?ism-ism)` or `(?ism-ism:..)`. Anything else Java accepts (lookbehind, \G,
// \X, \R, Unicode properties and scripts, the flags x, u, U, d) is refused when the pattern is
// compiled, naming the construct, rather than matched differently. Text is UTF-8; `.` and classes
// consume whole code points.
//
// Matching is bounded: a pattern that backtracks more than kMaxSteps times on one text (Java would
// hang on it) throws DataError.
#ifndef CK_RUNTIME_TRANSFORMS_JAVA_REGEX_H_
#define CK_RUNTIME_TRANSFORMS_JAVA_REGEX_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ck::runtime::transforms_internal {

/// A compiled Java regular expression (see the file comment for what is supported).
class JavaRegex {
 public:
  /// Steps of the backtracking matcher allowed per match attempt.
  static constexpr size_t kMaxSteps = 1'000'000;

  /// The span of each group of a match, group 0 being the whole match; unmatched groups are
  /// std::nullopt.
  using Groups = std::vector<std::optional<std::pair<size_t, size_t>>>;

  /// Compiles `pattern` for the config key `key`. Throws ConfigError naming the key, the pattern,
  /// the position and the problem (as Java's PatternSyntaxException), or the unsupported construct.
  JavaRegex(const std::string& key, std::string_view pattern);
  ~JavaRegex();
  JavaRegex(JavaRegex&&) noexcept;
  JavaRegex& operator=(JavaRegex&&) noexcept;

  /// The pattern as given.
  const std::string& pattern() const;
  /// Number of capturing groups.
  size_t groups() const;
  /// The number of the group called `name`, if there is one.
  std::optional<size_t> group_index(std::string_view name) const;

  /// Matcher.matches(): whether the whole `text` matches; fills `groups` when given.
  bool FullMatch(std::string_view text, Groups* groups = nullptr) const;
  /// Matcher.find() from the start: the leftmost match, if any; fills `groups` when given.
  bool Find(std::string_view text, Groups* groups = nullptr) const;

  /// Checks a replacement string of Matcher.appendReplacement (`$n`, `${name}`, `\x` escapes)
  /// against this pattern's groups; throws ConfigError for key `key` naming the bad reference.
  void CheckReplacement(const std::string& key, std::string_view replacement) const;
  /// Matcher.replaceFirst(replacement) on `text`: the first match (find()) replaced by the
  /// expansion of `replacement`; `text` unchanged when nothing matches.
  std::string ReplaceFirst(std::string_view text, std::string_view replacement) const;
  /// Kafka's RegexRouter rule: when the whole `text` matches, ReplaceFirst(text, replacement);
  /// otherwise std::nullopt.
  std::optional<std::string> ReplaceIfMatches(std::string_view text,
                                              std::string_view replacement) const;

  struct Program;  // the compiled pattern (java_regex.cc)

 private:
  bool Run(std::string_view text, bool anchored_at_end, size_t start, Groups* groups) const;
  std::string Expand(std::string_view replacement, std::string_view text,
                     const Groups& groups) const;

  std::unique_ptr<Program> program_;
};

}  // namespace ck::runtime::transforms_internal

#endif  // CK_RUNTIME_TRANSFORMS_JAVA_REGEX_H_
