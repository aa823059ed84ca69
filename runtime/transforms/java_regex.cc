// Java regular expressions (see java_regex.h): a recursive-descent parser into a node tree, and a
// backtracking matcher in continuation-passing style, which reproduces the order in which Java's
// engine tries alternatives and repetitions. Continuations are passed as non-owning function
// references; single-character repetitions (`.*`, `[a-z]+`) run as loops.
#include "runtime/transforms/java_regex.h"

#include <algorithm>
#include <utility>

#include "ck/config_def.h"
#include "ck/errors.h"

namespace ck::runtime::transforms_internal {
namespace {

using errors_internal::StrCat;

constexpr size_t kNone = static_cast<size_t>(-1);
constexpr size_t kMaxDepth = 20'000;

// One code point of UTF-8 `s` at byte `i`; a malformed byte reads as a code point of its own.
struct CodePoint {
  char32_t value;
  size_t length;
};

CodePoint Decode(std::string_view s, size_t i) {
  const auto lead = static_cast<unsigned char>(s[i]);
  if (lead < 0x80) return {lead, 1};
  const size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
  if (length == 1 || i + length > s.size()) return {lead, 1};
  char32_t value = lead & (0x7F >> length);
  for (size_t k = 1; k < length; ++k) {
    const auto next = static_cast<unsigned char>(s[i + k]);
    if ((next & 0xC0) != 0x80) return {lead, 1};
    value = (value << 6) | (next & 0x3F);
  }
  return {value, length};
}

bool IsAsciiLetter(char32_t c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
char32_t OtherCase(char32_t c) {
  if (c >= 'a' && c <= 'z') return c - 'a' + 'A';
  if (c >= 'A' && c <= 'Z') return c - 'A' + 'a';
  return c;
}
bool IsWord(char32_t c) { return IsAsciiLetter(c) || (c >= '0' && c <= '9') || c == '_'; }
bool IsLineTerminator(char32_t c) {
  return c == '\n' || c == '\r' || c == 0x85 || c == 0x2028 || c == 0x2029;
}

// Java's predefined and POSIX classes, in their default (ASCII) meaning.
enum class Predefined {
  kDigit,
  kWord,
  kSpace,
  kHorizontalSpace,
  kVerticalSpace,
  kLower,
  kUpper,
  kAscii,
  kAlpha,
  kAlnum,
  kPunct,
  kGraph,
  kPrint,
  kBlank,
  kCntrl,
  kXDigit,
};

bool IsPunct(char32_t c) {
  return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') ||
         (c >= '{' && c <= '~');
}

bool InPredefined(Predefined p, char32_t c) {
  switch (p) {
    case Predefined::kDigit:
      return c >= '0' && c <= '9';
    case Predefined::kWord:
      return IsWord(c);
    case Predefined::kSpace:
      return c == ' ' || (c >= '\t' && c <= '\r');
    case Predefined::kHorizontalSpace:
      return c == ' ' || c == '\t' || c == 0xA0 || c == 0x1680 || c == 0x180E ||
             (c >= 0x2000 && c <= 0x200A) || c == 0x202F || c == 0x205F || c == 0x3000;
    case Predefined::kVerticalSpace:
      return (c >= '\n' && c <= '\r') || c == 0x85 || c == 0x2028 || c == 0x2029;
    case Predefined::kLower:
      return c >= 'a' && c <= 'z';
    case Predefined::kUpper:
      return c >= 'A' && c <= 'Z';
    case Predefined::kAscii:
      return c < 0x80;
    case Predefined::kAlpha:
      return IsAsciiLetter(c);
    case Predefined::kAlnum:
      return IsAsciiLetter(c) || (c >= '0' && c <= '9');
    case Predefined::kPunct:
      return IsPunct(c);
    case Predefined::kGraph:
      return IsAsciiLetter(c) || (c >= '0' && c <= '9') || IsPunct(c);
    case Predefined::kPrint:
      return c == ' ' || IsAsciiLetter(c) || (c >= '0' && c <= '9') || IsPunct(c);
    case Predefined::kBlank:
      return c == ' ' || c == '\t';
    case Predefined::kCntrl:
      return c < 0x20 || c == 0x7F;
    case Predefined::kXDigit:
      return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
  return false;
}

// A character class: the union of its ranges, predefined classes and nested classes, intersected
// with each `&&` operand, then negated when it starts with `^`.
struct CharClass {
  bool negated = false;
  std::vector<std::pair<char32_t, char32_t>> ranges;
  std::vector<std::pair<Predefined, bool>> predefined;  // (class, negated)
  std::vector<CharClass> unions;
  std::vector<CharClass> intersections;

  bool Contains(char32_t c) const {
    bool in = false;
    for (const auto& [lo, hi] : ranges) in = in || (c >= lo && c <= hi);
    for (const auto& [p, neg] : predefined) in = in || (InPredefined(p, c) != neg);
    for (const CharClass& u : unions) in = in || u.Contains(c);
    for (const CharClass& x : intersections) in = in && x.Contains(c);
    return in != negated;
  }
};

enum class Op {
  kEmpty,
  kChar,
  kAny,
  kClass,
  kSeq,
  kAlt,
  kRepeat,
  kGroup,
  kAtomic,
  kLookahead,
  kNegativeLookahead,
  kBackReference,
  kLineStart,
  kLineEnd,
  kInputStart,
  kInputEnd,
  kInputEndBeforeTerminator,
  kWordBoundary,
  kNotWordBoundary,
};

enum class Mode { kGreedy, kLazy, kPossessive };

struct Flags {
  bool case_insensitive = false;
  bool dotall = false;
  bool multiline = false;
};

struct Node {
  Op op = Op::kEmpty;
  Flags flags;
  char32_t ch = 0;              // kChar
  size_t cls = 0;               // kClass: index into Program::classes
  std::vector<size_t> kids;     // kSeq, kAlt; the one child of kRepeat, groups and lookaheads
  size_t min = 0, max = kNone;  // kRepeat; kNone = unbounded
  Mode mode = Mode::kGreedy;    // kRepeat
  size_t group = 0;             // kGroup, kBackReference
};

}  // namespace

struct JavaRegex::Program {
  std::string pattern;
  std::vector<Node> nodes;
  std::vector<CharClass> classes;
  size_t root = 0;
  size_t groups = 0;
  std::map<std::string, size_t, std::less<>> names;
};

namespace {

using Program = JavaRegex::Program;

// ---- Parsing ----

class Parser {
 public:
  Parser(const std::string& key, Program& program)
      : key_(key), p_(program), text_(program.pattern) {}

  void Parse() {
    p_.root = ParseAlternation();
    if (pos_ < text_.size()) throw Error("Unmatched closing ')'");
  }

 private:
  ConfigError Error(std::string_view what) const {
    return ConfigError(key_, p_.pattern,
                       StrCat("Invalid regular expression: ", what, " near index ",
                              std::to_string(pos_), " (Java's java.util.regex syntax)"));
  }
  ConfigError Unsupported(std::string_view what) const {
    return ConfigError(key_, p_.pattern,
                       StrCat(what, " (near index ", std::to_string(pos_),
                              ") is valid in Java but not supported by ConnectKit's regular "
                              "expressions; see docs/transforms.md"));
  }

  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek(size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }
  char32_t NextCodePoint() {
    const CodePoint cp = Decode(text_, pos_);
    pos_ += cp.length;
    return cp.value;
  }

  size_t Add(Node node) {
    node.flags = flags_;
    p_.nodes.push_back(std::move(node));
    return p_.nodes.size() - 1;
  }
  size_t AddChar(char32_t c) {
    Node n;
    n.op = Op::kChar;
    n.ch = c;
    return Add(std::move(n));
  }
  size_t AddClass(CharClass cls) {
    p_.classes.push_back(std::move(cls));
    Node n;
    n.op = Op::kClass;
    n.cls = p_.classes.size() - 1;
    return Add(std::move(n));
  }
  size_t AddOp(Op op, std::vector<size_t> kids = {}) {
    Node n;
    n.op = op;
    n.kids = std::move(kids);
    return Add(std::move(n));
  }

  size_t ParseAlternation() {
    std::vector<size_t> branches{ParseSequence()};
    while (Peek() == '|' && !AtEnd()) {
      ++pos_;
      branches.push_back(ParseSequence());
    }
    return branches.size() == 1 ? branches[0] : AddOp(Op::kAlt, std::move(branches));
  }

  size_t ParseSequence() {
    std::vector<size_t> items;
    while (!AtEnd() && Peek() != '|' && Peek() != ')') {
      const std::optional<size_t> atom = ParseAtom();
      if (!atom) continue;  // a flag group or an empty quote
      items.push_back(ParseQuantifier(*atom));
    }
    if (items.empty()) return AddOp(Op::kEmpty);
    return items.size() == 1 ? items[0] : AddOp(Op::kSeq, std::move(items));
  }

  std::optional<size_t> ParseNumber() {
    size_t start = pos_, value = 0;
    while (Peek() >= '0' && Peek() <= '9' && !AtEnd()) {
      value = value * 10 + static_cast<size_t>(Peek() - '0');
      if (value > 1'000'000) throw Error("Illegal repetition range");
      ++pos_;
    }
    if (pos_ == start) return std::nullopt;
    return value;
  }

  size_t ParseQuantifier(size_t atom) {
    size_t min = 0, max = kNone;
    const char c = Peek();
    if (AtEnd()) return atom;
    if (c == '*') {
      ++pos_;
    } else if (c == '+') {
      min = 1;
      ++pos_;
    } else if (c == '?') {
      max = 1;
      ++pos_;
    } else if (c == '{') {
      ++pos_;
      const std::optional<size_t> lo = ParseNumber();
      if (!lo) throw Error("Illegal repetition");
      min = *lo;
      max = *lo;
      if (Peek() == ',') {
        ++pos_;
        const std::optional<size_t> hi = ParseNumber();
        max = hi ? *hi : kNone;
      }
      if (Peek() != '}' || AtEnd()) throw Error("Unclosed counted closure");
      ++pos_;
      if (max < min) throw Error("Illegal repetition range");
    } else {
      return atom;
    }
    Node n;
    n.op = Op::kRepeat;
    n.kids = {atom};
    n.min = min;
    n.max = max;
    if (Peek() == '?' && !AtEnd()) {
      n.mode = Mode::kLazy;
      ++pos_;
    } else if (Peek() == '+' && !AtEnd()) {
      n.mode = Mode::kPossessive;
      ++pos_;
    }
    return Add(std::move(n));
  }

  std::optional<size_t> ParseAtom() {
    const char c = Peek();
    switch (c) {
      case '(':
        return ParseGroup();
      case '[': {
        ++pos_;
        return AddClass(ParseClass());
      }
      case '.':
        ++pos_;
        return AddOp(Op::kAny);
      case '^':
        ++pos_;
        return AddOp(Op::kLineStart);
      case '$':
        ++pos_;
        return AddOp(Op::kLineEnd);
      case '\\':
        return ParseEscape();
      case '*':
      case '+':
      case '?':
        throw Error(StrCat("Dangling meta character '", std::string(1, c), "'"));
      case '{':
        throw Error("Illegal repetition");
      default:
        return AddChar(NextCodePoint());
    }
  }

  void ParseFlags(Flags& flags) {
    bool on = true;
    while (!AtEnd()) {
      const char c = Peek();
      if (c == '-') {
        on = false;
      } else if (c == 'i') {
        flags.case_insensitive = on;
      } else if (c == 's') {
        flags.dotall = on;
      } else if (c == 'm') {
        flags.multiline = on;
      } else if (c == 'x' || c == 'u' || c == 'U' || c == 'd' || c == 'c') {
        throw Unsupported(StrCat("The inline flag '", std::string(1, c), "'"));
      } else {
        return;
      }
      ++pos_;
    }
  }

  std::optional<size_t> ParseGroup() {
    ++pos_;  // '('
    const Flags saved = flags_;
    Op op = Op::kGroup;
    size_t group = 0;
    if (Peek() == '?' && !AtEnd()) {
      ++pos_;
      const char kind = Peek();
      if (kind == ':') {
        ++pos_;
        op = Op::kSeq;  // non-capturing: the content itself
      } else if (kind == '=') {
        ++pos_;
        op = Op::kLookahead;
      } else if (kind == '!') {
        ++pos_;
        op = Op::kNegativeLookahead;
      } else if (kind == '>') {
        ++pos_;
        op = Op::kAtomic;
      } else if (kind == '<' && (Peek(1) == '=' || Peek(1) == '!')) {
        throw Unsupported("Lookbehind (?<= or (?<!");
      } else if (kind == '<') {
        ++pos_;
        std::string name;
        while (!AtEnd() && Peek() != '>') {
          const char n = Peek();
          const bool letter = (n >= 'a' && n <= 'z') || (n >= 'A' && n <= 'Z');
          if (!letter && !(n >= '0' && n <= '9' && !name.empty())) {
            throw Error("named capturing group is missing trailing '>' or has an invalid name");
          }
          name.push_back(n);
          ++pos_;
        }
        if (AtEnd() || name.empty()) throw Error("named capturing group has 0 length name");
        ++pos_;  // '>'
        group = ++p_.groups;
        if (!p_.names.emplace(name, group).second) {
          throw Error(StrCat("Named capturing group <", name, "> is already defined"));
        }
      } else {
        ParseFlags(flags_);
        if (Peek() == ')' && !AtEnd()) {
          ++pos_;
          return std::nullopt;  // (?flags): applies to the rest of the enclosing group
        }
        if (Peek() != ':' || AtEnd()) throw Error("Unknown inline modifier");
        ++pos_;
        op = Op::kSeq;
      }
    } else {
      group = ++p_.groups;
    }
    const size_t body = ParseAlternation();
    if (Peek() != ')' || AtEnd()) throw Error("Unclosed group");
    ++pos_;
    flags_ = saved;
    if (op == Op::kSeq) return body;
    const size_t node = AddOp(op, {body});
    p_.nodes[node].group = group;
    return node;
  }

  // The code point of a hex escape's digits in [pos_, pos_ + digits).
  char32_t Hex(size_t digits) {
    char32_t value = 0;
    for (size_t i = 0; i < digits; ++i) {
      const char h = Peek();
      int d = -1;
      if (h >= '0' && h <= '9') d = h - '0';
      if (h >= 'a' && h <= 'f') d = h - 'a' + 10;
      if (h >= 'A' && h <= 'F') d = h - 'A' + 10;
      if (d < 0 || AtEnd()) throw Error("Illegal hexadecimal escape sequence");
      value = value * 16 + static_cast<char32_t>(d);
      ++pos_;
    }
    return value;
  }

  // A single-character escape after the backslash (t, n, 0.., x.., u...., c.); nullopt if `c` is
  // not one. pos_ is past `c` on success.
  std::optional<char32_t> CharEscape(char c) {
    switch (c) {
      case 't':
        return U'\t';
      case 'n':
        return U'\n';
      case 'r':
        return U'\r';
      case 'f':
        return U'\f';
      case 'a':
        return U'\a';
      case 'e':
        return U'\x1B';
      case '0': {
        char32_t value = 0;
        size_t digits = 0;
        while (digits < 3 && Peek() >= '0' && Peek() <= '7' && !AtEnd()) {
          const char32_t next = value * 8 + static_cast<char32_t>(Peek() - '0');
          if (next > 0377) break;
          value = next;
          ++digits;
          ++pos_;
        }
        if (digits == 0) throw Error("Illegal octal escape sequence");
        return value;
      }
      case 'x': {
        if (Peek() == '{') {
          ++pos_;
          char32_t value = 0;
          size_t digits = 0;
          while (!AtEnd() && Peek() != '}') {
            value = value * 16 + Hex(1);
            if (++digits > 6 || value > 0x10FFFF) throw Error("Hexadecimal codepoint is too big");
          }
          if (AtEnd() || digits == 0) throw Error("Unclosed hexadecimal escape sequence");
          ++pos_;
          return value;
        }
        return Hex(2);
      }
      case 'u':
        return Hex(4);
      case 'c': {
        if (AtEnd()) throw Error("Illegal control escape sequence");
        return static_cast<char32_t>(static_cast<unsigned char>(text_[pos_++]) ^ 64);
      }
      default:
        return std::nullopt;
    }
  }

  // \d \D \w \W \s \S \h \H \v \V \p{..} \P{..} as a class item; nullopt if `c` is not one.
  std::optional<std::pair<Predefined, bool>> ClassEscape(char c) {
    switch (c) {
      case 'd':
      case 'D':
        return std::pair(Predefined::kDigit, c == 'D');
      case 'w':
      case 'W':
        return std::pair(Predefined::kWord, c == 'W');
      case 's':
      case 'S':
        return std::pair(Predefined::kSpace, c == 'S');
      case 'h':
      case 'H':
        return std::pair(Predefined::kHorizontalSpace, c == 'H');
      case 'v':
      case 'V':
        return std::pair(Predefined::kVerticalSpace, c == 'V');
      case 'p':
      case 'P': {
        std::string name;
        if (Peek() == '{' && !AtEnd()) {
          ++pos_;
          while (!AtEnd() && Peek() != '}') name.push_back(text_[pos_++]);
          if (AtEnd()) throw Error("Unclosed character family");
          ++pos_;
        } else if (!AtEnd()) {
          name.push_back(text_[pos_++]);
        }
        static const std::map<std::string, Predefined, std::less<>> kNames = {
            {"Lower", Predefined::kLower}, {"Upper", Predefined::kUpper},
            {"ASCII", Predefined::kAscii}, {"Alpha", Predefined::kAlpha},
            {"Digit", Predefined::kDigit}, {"Alnum", Predefined::kAlnum},
            {"Punct", Predefined::kPunct}, {"Graph", Predefined::kGraph},
            {"Print", Predefined::kPrint}, {"Blank", Predefined::kBlank},
            {"Cntrl", Predefined::kCntrl}, {"XDigit", Predefined::kXDigit},
            {"Space", Predefined::kSpace}};
        const auto it = kNames.find(name);
        if (it == kNames.end()) {
          throw Unsupported(StrCat("The character property \\p{", name, "}"));
        }
        return std::pair(it->second, c == 'P');
      }
      default:
        return std::nullopt;
    }
  }

  std::optional<size_t> ParseEscape() {
    ++pos_;  // '\'
    if (AtEnd()) throw Error("Unexpected internal error: trailing backslash");
    const char c = text_[pos_++];
    if (const std::optional<char32_t> ch = CharEscape(c)) return AddChar(*ch);
    if (const auto predefined = ClassEscape(c)) {
      CharClass cls;
      cls.predefined.push_back(*predefined);
      return AddClass(std::move(cls));
    }
    switch (c) {
      case 'b':
        return AddOp(Op::kWordBoundary);
      case 'B':
        return AddOp(Op::kNotWordBoundary);
      case 'A':
        return AddOp(Op::kInputStart);
      case 'z':
        return AddOp(Op::kInputEnd);
      case 'Z':
        return AddOp(Op::kInputEndBeforeTerminator);
      case 'Q': {
        const size_t end = text_.find("\\E", pos_);
        const std::string_view quoted =
            text_.substr(pos_, end == std::string_view::npos ? std::string_view::npos : end - pos_);
        pos_ = end == std::string_view::npos ? text_.size() : end + 2;
        std::vector<size_t> chars;
        for (size_t i = 0; i < quoted.size();) {
          const CodePoint cp = Decode(quoted, i);
          chars.push_back(AddChar(cp.value));
          i += cp.length;
        }
        if (chars.empty()) return std::nullopt;
        // A quantifier after \Q..\E applies to its last character, as in Java.
        const size_t last = chars.back();
        chars.pop_back();
        if (chars.empty()) return last;
        const size_t head = AddOp(Op::kSeq, std::move(chars));
        const size_t tail = ParseQuantifier(last);
        return AddOp(Op::kSeq, {head, tail});
      }
      case 'k': {
        if (Peek() != '<' || AtEnd())
          throw Error("\\k is not followed by '<' for named capturing group");
        ++pos_;
        const size_t close = text_.find('>', pos_);
        if (close == std::string_view::npos)
          throw Error("named capturing group is missing trailing '>'");
        const std::string_view name = text_.substr(pos_, close - pos_);
        pos_ = close + 1;
        const auto it = p_.names.find(name);
        if (it == p_.names.end()) {
          throw Error(StrCat("named capturing group <", name, "> does not exist"));
        }
        const size_t node = AddOp(Op::kBackReference);
        p_.nodes[node].group = it->second;
        return node;
      }
      case 'G':
      case 'R':
      case 'X':
      case 'N':
        throw Unsupported(StrCat("The escape \\", std::string(1, c)));
      default:
        break;
    }
    if (c >= '1' && c <= '9') {
      // Java: \1..\9 always refer to a group; more digits only while that many groups exist.
      size_t group = static_cast<size_t>(c - '0');
      while (Peek() >= '0' && Peek() <= '9' && !AtEnd()) {
        const size_t longer = group * 10 + static_cast<size_t>(Peek() - '0');
        if (longer > p_.groups) break;
        group = longer;
        ++pos_;
      }
      const size_t node = AddOp(Op::kBackReference);
      p_.nodes[node].group = group;
      return node;
    }
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      --pos_;
      throw Error(StrCat("Illegal/unsupported escape sequence \\", std::string(1, c)));
    }
    --pos_;
    return AddChar(NextCodePoint());  // an escaped metacharacter or other non-letter
  }

  // One character of a class: a literal or an escape; a predefined class goes to `cls` and
  // std::nullopt is returned.
  std::optional<char32_t> ParseClassChar(CharClass& cls) {
    if (Peek() != '\\') return NextCodePoint();
    ++pos_;
    if (AtEnd()) throw Error("Unclosed character class");
    const char c = text_[pos_++];
    if (const std::optional<char32_t> ch = CharEscape(c)) return ch;
    if (const auto predefined = ClassEscape(c)) {
      cls.predefined.push_back(*predefined);
      return std::nullopt;
    }
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
      --pos_;
      throw Error(StrCat("Illegal/unsupported escape sequence \\", std::string(1, c),
                         " in a character class"));
    }
    --pos_;
    return NextCodePoint();
  }

  // The items of a class up to (not including) its closing ']' or a '&&'.
  CharClass ParseClassItems(bool allow_leading_bracket) {
    CharClass cls;
    bool first = allow_leading_bracket;
    while (true) {
      if (AtEnd()) throw Error("Unclosed character class");
      const char c = Peek();
      if (c == ']' && !first) return cls;
      if (c == '&' && Peek(1) == '&') return cls;
      first = false;
      if (c == '[') {
        ++pos_;
        cls.unions.push_back(ParseClass());
        continue;
      }
      const std::optional<char32_t> lo = ParseClassChar(cls);
      if (!lo) continue;
      if (Peek() == '-' && Peek(1) != ']' && Peek(1) != '\0' && Peek(1) != '[') {
        ++pos_;
        CharClass unused;
        const std::optional<char32_t> hi = ParseClassChar(unused);
        if (!hi || *hi < *lo) throw Error("Illegal character range");
        cls.ranges.emplace_back(*lo, *hi);
      } else {
        cls.ranges.emplace_back(*lo, *lo);
      }
    }
  }

  // A class after its '['; consumes the closing ']'.
  CharClass ParseClass() {
    bool negated = false;
    if (Peek() == '^' && !AtEnd()) {
      negated = true;
      ++pos_;
    }
    CharClass cls = ParseClassItems(true);
    while (Peek() == '&' && Peek(1) == '&') {
      pos_ += 2;
      cls.intersections.push_back(ParseClassItems(false));
    }
    ++pos_;  // ']'
    cls.negated = negated;
    return cls;
  }

  const std::string& key_;
  Program& p_;
  std::string_view text_;
  size_t pos_ = 0;
  Flags flags_;
};

// ---- Matching ----

// A non-owning reference to a continuation: bool(size_t position).
class Continuation {
 public:
  template <typename F>
  explicit Continuation(const F& f)
      : context_(&f),
        call_([](const void* c, size_t p) { return (*static_cast<const F*>(c))(p); }) {}
  bool operator()(size_t position) const { return call_(context_, position); }

 private:
  const void* context_;
  bool (*call_)(const void*, size_t);
};

struct Span {
  size_t begin = kNone;
  size_t end = kNone;
};

class Matcher {
 public:
  Matcher(const Program& program, std::string_view text)
      : p_(program), text_(text), groups_(program.groups + 1) {}

  // Whether a match of the pattern starts at `start`; `end_at_text_end` demands that it span the
  // rest of the text (matches()).
  bool MatchAt(size_t start, bool end_at_text_end) {
    size_t end = kNone;
    const auto accept = [&](size_t e) {
      if (end_at_text_end && e != text_.size()) return false;
      end = e;
      return true;
    };
    if (!Match(p_.root, start, Continuation(accept))) return false;
    groups_[0] = {start, end};
    return true;
  }

  const std::vector<Span>& groups() const { return groups_; }
  void ResetGroups() { std::fill(groups_.begin(), groups_.end(), Span{}); }

 private:
  // The position after one character matched by single-character node `n` at `pos`, or kNone.
  size_t Step(const Node& n, size_t pos) const {
    if (pos >= text_.size()) return kNone;
    const CodePoint cp = Decode(text_, pos);
    bool ok = false;
    switch (n.op) {
      case Op::kChar:
        ok = cp.value == n.ch ||
             (n.flags.case_insensitive && IsAsciiLetter(n.ch) && cp.value == OtherCase(n.ch));
        break;
      case Op::kAny:
        ok = n.flags.dotall || !IsLineTerminator(cp.value);
        break;
      case Op::kClass: {
        const CharClass& cls = p_.classes[n.cls];
        ok = cls.Contains(cp.value) || (n.flags.case_insensitive && IsAsciiLetter(cp.value) &&
                                        cls.Contains(OtherCase(cp.value)));
        break;
      }
      default:
        break;
    }
    return ok ? pos + cp.length : kNone;
  }

  static bool IsSingle(const Node& n) {
    return n.op == Op::kChar || n.op == Op::kAny || n.op == Op::kClass;
  }

  void Tick() {
    if (++steps_ > JavaRegex::kMaxSteps) {
      throw DataError(StrCat("The regular expression ", p_.pattern, " needs more than ",
                             std::to_string(JavaRegex::kMaxSteps), " backtracking steps on \"",
                             text_, "\"; simplify it (e.g. avoid nested quantifiers)"));
    }
  }

  bool WordAt(size_t pos) const {
    return pos < text_.size() && IsWord(static_cast<unsigned char>(text_[pos]));
  }
  bool WordBefore(size_t pos) const {
    return pos > 0 && IsWord(static_cast<unsigned char>(text_[pos - 1]));
  }
  bool AtLineEnd(size_t pos, bool multiline) const {
    const size_t n = text_.size();
    if (pos == n) return true;
    if (multiline) return IsLineTerminator(Decode(text_, pos).value);
    // Before a final line terminator only.
    if (text_.substr(pos) == "\r\n") return true;
    const CodePoint cp = Decode(text_, pos);
    return pos + cp.length == n && IsLineTerminator(cp.value);
  }

  bool Match(size_t id, size_t pos, const Continuation& k) {
    Tick();
    if (++depth_ > kMaxDepth) {
      throw DataError(StrCat("The regular expression ", p_.pattern,
                             " nests too deeply on a text of ", std::to_string(text_.size()),
                             " bytes"));
    }
    const bool result = MatchNode(p_.nodes[id], pos, k);
    --depth_;
    return result;
  }

  bool MatchSequence(const Node& n, size_t index, size_t pos, const Continuation& k) {
    if (index == n.kids.size()) return k(pos);
    const auto next = [&](size_t e) { return MatchSequence(n, index + 1, e, k); };
    return Match(n.kids[index], pos, Continuation(next));
  }

  // Runs `child` once with a continuation that accepts at once (atomic groups, lookaheads,
  // possessive steps); the end position, or kNone.
  size_t MatchOnce(size_t child, size_t pos) {
    size_t end = kNone;
    const auto accept = [&](size_t e) {
      end = e;
      return true;
    };
    return Match(child, pos, Continuation(accept)) ? end : kNone;
  }

  bool Repeat(const Node& n, size_t count, size_t pos, const Continuation& k) {
    const size_t child = n.kids[0];
    const auto again = [&](size_t e) {
      // As Java's Loop: an iteration that matched nothing ends the loop, counted or not.
      if (e == pos) return k(e);
      return Repeat(n, count + 1, e, k);
    };
    if (n.mode == Mode::kLazy) {
      if (count >= n.min && k(pos)) return true;
      return count < n.max && Match(child, pos, Continuation(again));
    }
    if (count < n.max && Match(child, pos, Continuation(again))) return true;
    return count >= n.min && k(pos);
  }

  bool RepeatSingle(const Node& n, size_t pos, const Continuation& k) {
    const Node& child = p_.nodes[n.kids[0]];
    if (n.mode == Mode::kLazy) {
      size_t count = 0;
      while (true) {
        Tick();
        if (count >= n.min && k(pos)) return true;
        if (count == n.max) return false;
        pos = Step(child, pos);
        if (pos == kNone) return false;
        ++count;
      }
    }
    std::vector<size_t> ends{pos};  // ends[i]: the position after i characters
    while (ends.size() - 1 < n.max) {
      const size_t next = Step(child, ends.back());
      if (next == kNone) break;
      ends.push_back(next);
    }
    if (ends.size() - 1 < n.min) return false;
    if (n.mode == Mode::kPossessive) return k(ends.back());
    for (size_t i = ends.size(); i-- > n.min;) {
      Tick();
      if (k(ends[i])) return true;
    }
    return false;
  }

  bool MatchNode(const Node& n, size_t pos, const Continuation& k) {
    switch (n.op) {
      case Op::kEmpty:
        return k(pos);
      case Op::kChar:
      case Op::kAny:
      case Op::kClass: {
        const size_t next = Step(n, pos);
        return next != kNone && k(next);
      }
      case Op::kSeq:
        return MatchSequence(n, 0, pos, k);
      case Op::kAlt:
        for (const size_t branch : n.kids) {
          if (Match(branch, pos, k)) return true;
        }
        return false;
      case Op::kRepeat: {
        const Node& child = p_.nodes[n.kids[0]];
        if (IsSingle(child)) return RepeatSingle(n, pos, k);
        if (n.mode != Mode::kPossessive) return Repeat(n, 0, pos, k);
        const std::vector<Span> saved = groups_;
        size_t count = 0;
        while (count < n.max) {
          const size_t end = MatchOnce(n.kids[0], pos);
          if (end == kNone || (end == pos && count >= n.min)) break;
          pos = end;
          ++count;
        }
        if (count >= n.min && k(pos)) return true;
        groups_ = saved;
        return false;
      }
      case Op::kGroup: {
        const auto close = [&](size_t e) {
          const Span saved = groups_[n.group];
          groups_[n.group] = {pos, e};
          if (k(e)) return true;
          groups_[n.group] = saved;
          return false;
        };
        return Match(n.kids[0], pos, Continuation(close));
      }
      case Op::kAtomic: {
        const std::vector<Span> saved = groups_;
        const size_t end = MatchOnce(n.kids[0], pos);
        if (end != kNone && k(end)) return true;
        groups_ = saved;
        return false;
      }
      case Op::kLookahead: {
        const std::vector<Span> saved = groups_;
        if (MatchOnce(n.kids[0], pos) != kNone && k(pos)) return true;
        groups_ = saved;
        return false;
      }
      case Op::kNegativeLookahead: {
        const std::vector<Span> saved = groups_;
        const bool matched = MatchOnce(n.kids[0], pos) != kNone;
        groups_ = saved;
        return !matched && k(pos);
      }
      case Op::kBackReference: {
        if (n.group >= groups_.size() || groups_[n.group].begin == kNone) return false;
        const std::string_view ref =
            text_.substr(groups_[n.group].begin, groups_[n.group].end - groups_[n.group].begin);
        if (text_.size() - pos < ref.size()) return false;
        for (size_t i = 0; i < ref.size(); ++i) {
          const char a = text_[pos + i], b = ref[i];
          if (a == b) continue;
          if (!n.flags.case_insensitive || !IsAsciiLetter(static_cast<unsigned char>(a)) ||
              OtherCase(static_cast<unsigned char>(a)) != static_cast<unsigned char>(b)) {
            return false;
          }
        }
        return k(pos + ref.size());
      }
      case Op::kLineStart:
        if (pos == 0) return k(pos);
        return n.flags.multiline && pos < text_.size() &&
               (text_[pos - 1] == '\n' || (text_[pos - 1] == '\r' && text_[pos] != '\n')) && k(pos);
      case Op::kLineEnd:
        return AtLineEnd(pos, n.flags.multiline) && k(pos);
      case Op::kInputStart:
        return pos == 0 && k(pos);
      case Op::kInputEnd:
        return pos == text_.size() && k(pos);
      case Op::kInputEndBeforeTerminator:
        return AtLineEnd(pos, false) && k(pos);
      case Op::kWordBoundary:
        return WordBefore(pos) != WordAt(pos) && k(pos);
      case Op::kNotWordBoundary:
        return WordBefore(pos) == WordAt(pos) && k(pos);
    }
    return false;
  }

  const Program& p_;
  std::string_view text_;
  std::vector<Span> groups_;
  size_t steps_ = 0;
  size_t depth_ = 0;
};

// Java's Matcher.appendReplacement over `replacement`: appends the expansion to `out` (when
// given) and returns an error message, or std::nullopt when it is well-formed.
std::optional<std::string> ExpandInto(std::string_view replacement, const Program& p,
                                      std::string_view text, const JavaRegex::Groups* groups,
                                      std::string* out) {
  for (size_t i = 0; i < replacement.size(); ++i) {
    const char c = replacement[i];
    if (c == '\\') {
      if (++i == replacement.size()) return "character to be escaped is missing";
      if (out != nullptr) out->push_back(replacement[i]);
      continue;
    }
    if (c != '$') {
      if (out != nullptr) out->push_back(c);
      continue;
    }
    if (++i == replacement.size()) return "Illegal group reference: group index is missing";
    size_t group = 0;
    if (replacement[i] == '{') {
      const size_t close = replacement.find('}', i);
      if (close == std::string_view::npos) return "named capturing group is missing trailing '}'";
      const std::string_view name = replacement.substr(i + 1, close - i - 1);
      if (name.empty()) return "named capturing group has 0 length name";
      const auto it = p.names.find(name);
      if (it == p.names.end()) return StrCat("No group with name {", name, "}");
      group = it->second;
      i = close;
    } else {
      if (replacement[i] < '0' || replacement[i] > '9') return "Illegal group reference";
      group = static_cast<size_t>(replacement[i] - '0');
      if (group > p.groups) return StrCat("No group ", std::to_string(group));
      while (i + 1 < replacement.size() && replacement[i + 1] >= '0' && replacement[i + 1] <= '9') {
        const size_t longer = group * 10 + static_cast<size_t>(replacement[i + 1] - '0');
        if (longer > p.groups) break;
        group = longer;
        ++i;
      }
    }
    if (out != nullptr && groups != nullptr && (*groups)[group]) {
      const auto [begin, end] = *(*groups)[group];
      out->append(text.substr(begin, end - begin));
    }
  }
  return std::nullopt;
}

}  // namespace

JavaRegex::JavaRegex(const std::string& key, std::string_view pattern)
    : program_(std::make_unique<Program>()) {
  program_->pattern = std::string(pattern);
  Parser(key, *program_).Parse();
}

JavaRegex::~JavaRegex() = default;
JavaRegex::JavaRegex(JavaRegex&&) noexcept = default;
JavaRegex& JavaRegex::operator=(JavaRegex&&) noexcept = default;

const std::string& JavaRegex::pattern() const { return program_->pattern; }
size_t JavaRegex::groups() const { return program_->groups; }

std::optional<size_t> JavaRegex::group_index(std::string_view name) const {
  const auto it = program_->names.find(name);
  if (it == program_->names.end()) return std::nullopt;
  return it->second;
}

bool JavaRegex::Run(std::string_view text, bool anchored_at_end, size_t start,
                    Groups* groups) const {
  Matcher matcher(*program_, text);
  bool found = false;
  for (size_t at = start; at <= text.size() && !found;) {
    matcher.ResetGroups();
    found = matcher.MatchAt(at, anchored_at_end);
    if (anchored_at_end || at == text.size()) break;
    at += Decode(text, at).length;
  }
  if (found && groups != nullptr) {
    groups->clear();
    for (const Span& span : matcher.groups()) {
      groups->push_back(span.begin == kNone ? std::nullopt
                                            : std::optional(std::pair(span.begin, span.end)));
    }
  }
  return found;
}

bool JavaRegex::FullMatch(std::string_view text, Groups* groups) const {
  return Run(text, true, 0, groups);
}

bool JavaRegex::Find(std::string_view text, Groups* groups) const {
  return Run(text, false, 0, groups);
}

void JavaRegex::CheckReplacement(const std::string& key, std::string_view replacement) const {
  if (auto error = ExpandInto(replacement, *program_, {}, nullptr, nullptr)) {
    throw ConfigError(key, std::string(replacement), *error);
  }
}

std::string JavaRegex::Expand(std::string_view replacement, std::string_view text,
                              const Groups& groups) const {
  std::string out;
  if (auto error = ExpandInto(replacement, *program_, text, &groups, &out)) {
    throw DataError(StrCat("Invalid replacement ", replacement, ": ", *error));
  }
  return out;
}

std::string JavaRegex::ReplaceFirst(std::string_view text, std::string_view replacement) const {
  Groups groups;
  if (!Find(text, &groups)) return std::string(text);
  const auto [begin, end] = *groups[0];
  std::string out(text.substr(0, begin));
  out.append(Expand(replacement, text, groups));
  out.append(text.substr(end));
  return out;
}

std::optional<std::string> JavaRegex::ReplaceIfMatches(std::string_view text,
                                                       std::string_view replacement) const {
  if (!FullMatch(text)) return std::nullopt;
  return ReplaceFirst(text, replacement);
}

}  // namespace ck::runtime::transforms_internal
