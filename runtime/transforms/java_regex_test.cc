// JavaRegex against java.util.regex: every expectation below was produced by OpenJDK 17's Pattern
// and Matcher (matches(), replaceFirst() after a match, find() spans in UTF-8 bytes, and the
// PatternSyntaxException description for invalid patterns), so these tests pin Java's semantics,
// not ours. Patterns Java accepts but ConnectKit refuses are marked kUnsupported.
#include "runtime/transforms/java_regex.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "ck/config_def.h"
#include "ck/errors.h"

namespace ck::runtime::transforms_internal {
namespace {

using ::testing::HasSubstr;

enum Outcome { kMatches, kNoMatch, kInvalid, kUnsupported };

struct Case {
  const char* pattern;
  const char* text;
  const char* replacement;
  Outcome outcome;
  const char* result;  // replaceFirst after matches(); the error description for kInvalid
  int find_begin;      // find()'s span, -1 when nothing is found
  int find_end;
};

// Generated with java.util.regex (OpenJDK 17).
constexpr Case kCases[] = {
    {"bench-(.*)", "bench-orders", "routed-$1", kMatches, "routed-orders", 0, 12},
    {"(.*)-(.*)", "a-b-c", "$2/$1", kMatches, "c/a-b", 0, 5},
    {"(a|ab)(c|bcd)(d*)", "abcd", "[$1][$2][$3]", kMatches, "[a][bcd][]", 0, 4},
    {"a|ab", "ab", "X", kMatches, "Xb", 0, 1},
    {"(?<routedByValue>.*)", "Order", "outbox.event.${routedByValue}", kMatches,
     "outbox.event.Order", 0, 5},
    {"(?<routedByValue>.*)", "order_line", "outbox.event.${routedByValue}", kMatches,
     "outbox.event.order_line", 0, 10},
    {"dbserver1\\.inventory\\.(.*)", "dbserver1.inventory.customers", "$1", kMatches, "customers",
     0, 29},
    {"[a-z]+\\d{2,3}", "abc123", "ok", kMatches, "ok", 0, 6},
    {"[a-z]+\\d{2,3}", "abc1234", "ok", kNoMatch, "", 0, 6},
    {"(?i)ORDERS", "orders", "ok", kMatches, "ok", 0, 6},
    {"(?i:a)B", "Ab", "ok", kNoMatch, "", -1, -1},
    {"(?i:a)B", "ab", "ok", kNoMatch, "", -1, -1},
    {"\\w+\\.\\w+", "db.table", "ok", kMatches, "ok", 0, 8},
    {"\\s*x", "  x", "ok", kMatches, "ok", 0, 3},
    {"[^.]+", "abc", "ok", kMatches, "ok", 0, 3},
    {"[^.]+", "a.c", "ok", kNoMatch, "", 0, 1},
    {"(x*?)(x*)", "xxx", "<$1|$2>", kMatches, "<|xxx>", 0, 3},
    {"(x*+)x", "xxx", "ok", kNoMatch, "", -1, -1},
    {"(?>x*)x", "xxx", "ok", kNoMatch, "", -1, -1},
    {"(a+)\\1", "aaaa", "<$1>", kMatches, "<aa>", 0, 4},
    {"(?<w>a+)\\k<w>", "aaaa", "<${w}>", kMatches, "<aa>", 0, 4},
    {"foo(?=bar)bar", "foobar", "ok", kMatches, "ok", 0, 6},
    {"foo(?!bar)baz", "foobaz", "ok", kMatches, "ok", 0, 6},
    {"\\Qa.b\\E", "a.b", "ok", kMatches, "ok", 0, 3},
    {"\\Qa.b\\E", "axb", "ok", kNoMatch, "", -1, -1},
    {"[a-c&&[b-d]]+", "bcb", "ok", kMatches, "ok", 0, 3},
    {"[a-c&&[b-d]]+", "abc", "ok", kNoMatch, "", 1, 3},
    {"[\\p{Lower}\\d]+", "ab12", "ok", kMatches, "ok", 0, 4},
    {"\\p{Upper}+", "ABC", "ok", kMatches, "ok", 0, 3},
    {"^abc$", "abc", "ok", kMatches, "ok", 0, 3},
    {"abc$", "abc\n", "ok", kNoMatch, "", 0, 3},
    {"x{2}", "xx", "ok", kMatches, "ok", 0, 2},
    {"x{2,}", "xxxxx", "ok", kMatches, "ok", 0, 5},
    {"x{2,3}", "xxxx", "ok", kNoMatch, "", 0, 3},
    {"(a)|(b)", "b", "<$1|$2>", kMatches, "<|b>", 0, 1},
    {".*", "héllo", "ok", kMatches, "ok", 0, 6},
    {"h.llo", "héllo", "ok", kMatches, "ok", 0, 6},
    {"[^a]llo", "éllo", "ok", kMatches, "ok", 0, 5},
    {"(.)(.*)", "éa", "<$1|$2>", kMatches, "<é|a>", 0, 3},
    {"\\x41\\u0042\\0103", "ABC", "ok", kMatches, "ok", 0, 3},
    {"(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)(k)", "abcdefghijk", "$11-$10-$1", kMatches, "k-j-a", 0, 11},
    {"(a)", "a", "$12", kMatches, "a2", 0, 1},
    {"a*", "b", "X", kNoMatch, "", 0, 0},
    {"[", "x", "ok", kInvalid, "Unclosed character class", 0, 0},
    {"(abc", "abc", "ok", kInvalid, "Unclosed group", 0, 0},
    {"abc)", "abc", "ok", kInvalid, "Unmatched closing ')'", 0, 0},
    {"*a", "a", "ok", kInvalid, "Dangling meta character '*'", 0, 0},
    {"a**", "a", "ok", kInvalid, "Dangling meta character '*'", 0, 0},
    {"a{x}", "a", "ok", kInvalid, "Illegal repetition", 0, 0},
    {"\\p{L}", "a", "ok", kUnsupported, "", 0, 0},
    {"(?<=a)b", "ab", "ok", kUnsupported, "", 0, 0},
    {"\\G", "a", "ok", kUnsupported, "", 0, 0},
    {"\\y", "a", "ok", kInvalid, "Illegal/unsupported escape sequence", 0, 0},
    {"[b-a]", "a", "ok", kInvalid, "Illegal character range", 0, 0},
    {"(?x)a", "a", "ok", kUnsupported, "", 0, 0},
    {"((a)|b)+", "ab", "<$1|$2>", kMatches, "<b|a>", 0, 2},
    {"(a*)*", "aaa", "<$1>", kMatches, "<>", 0, 3},
    {"(a?)*", "aa", "<$1>", kMatches, "<>", 0, 2},
    {"(a|b)*?b", "aab", "<$1>", kMatches, "<a>", 0, 3},
    {"[]a]+", "a]a", "ok", kMatches, "ok", 0, 3},
    {"[a-]+", "a-a", "ok", kMatches, "ok", 0, 3},
    {"[-a]+", "-a", "ok", kMatches, "ok", 0, 2},
    {"\\bfoo\\b", "foo", "ok", kMatches, "ok", 0, 3},
    {"foo\\B", "foox", "ok", kNoMatch, "", 0, 3},
    {"(?i)[a-c]+", "AbC", "ok", kMatches, "ok", 0, 3},
    {"x?+x", "x", "ok", kNoMatch, "", -1, -1},
    {"(\\d+?)(\\d)", "1234", "<$1|$2>", kMatches, "<1|2>34", 0, 2},
    {"(?:ab)+", "abab", "ok", kMatches, "ok", 0, 4},
    {"a{0}b", "b", "ok", kMatches, "ok", 0, 1},
    {"(a){2}", "aa", "<$1>", kMatches, "<a>", 0, 2},
    {"(.*?)x", "abxcx", "<$1>", kMatches, "<ab>cx", 0, 3},
    {"(?<first>\\w+)\\.(\\w+)", "db.tbl", "$2.${first}.$1", kMatches, "tbl.db.db", 0, 6},
    {"(a)|b", "b", "<$1>", kMatches, "<>", 0, 1},
    {"\\(\\)\\[\\]\\{\\}\\.\\*\\+\\?\\^\\$\\|\\\\", "()[]{}.*+?^$|\\", "ok", kMatches, "ok", 0, 14},
    {"[\\[\\]]+", "[]", "ok", kMatches, "ok", 0, 2},
    {"[\\\\.]+", "\\.", "ok", kMatches, "ok", 0, 2},
    {"\\t\\n", "\\t\n", "ok", kNoMatch, "", -1, -1},
    {"(?i)é", "É", "ok", kNoMatch, "", -1, -1},
    {"[^\\d\\s]+", "ab", "ok", kMatches, "ok", 0, 2},
    {"[a-z&&[^aeiou]]+", "bcd", "ok", kMatches, "ok", 0, 3},
    {"[a-z&&[^aeiou]]+", "bad", "ok", kNoMatch, "", 0, 1},
    {"\\p{Punct}+", "!?.", "ok", kMatches, "ok", 0, 3},
    {"[\\w-]+", "a-b_c", "ok", kMatches, "ok", 0, 5},
    {"(?i)(?<x>A)\\k<x>", "aA", "ok", kMatches, "ok", 0, 2},
    {"x*", "xxx", "y", kMatches, "y", 0, 3},
    {"(a|ab)*c", "abac", "<$1>", kMatches, "<a>", 0, 4},
};

TEST(JavaRegexTest, AgreesWithJava) {
  for (const Case& c : kCases) {
    SCOPED_TRACE(std::string("pattern ") + c.pattern + " on " + c.text);
    if (c.outcome == kInvalid || c.outcome == kUnsupported) {
      try {
        JavaRegex regex("regex", c.pattern);
        ADD_FAILURE() << "compiled";
      } catch (const ConfigError& e) {
        EXPECT_THAT(e.what(), HasSubstr(std::string("Invalid value ") + c.pattern +
                                        " for configuration regex"));
        EXPECT_THAT(e.what(), HasSubstr(c.outcome == kInvalid ? c.result : "not supported"));
      }
      continue;
    }
    const JavaRegex regex("regex", c.pattern);
    EXPECT_EQ(regex.FullMatch(c.text), c.outcome == kMatches);
    const std::optional<std::string> routed = regex.ReplaceIfMatches(c.text, c.replacement);
    EXPECT_EQ(routed.has_value(), c.outcome == kMatches);
    if (routed) {
      EXPECT_EQ(*routed, c.result);
    }
    JavaRegex::Groups groups;
    const bool found = regex.Find(c.text, &groups);
    EXPECT_EQ(found, c.find_begin >= 0);
    if (found) {
      EXPECT_EQ(groups[0]->first, static_cast<size_t>(c.find_begin));
      EXPECT_EQ(groups[0]->second, static_cast<size_t>(c.find_end));
    }
  }
}

TEST(JavaRegexTest, ReplacementsAreCheckedAgainstTheGroups) {
  const JavaRegex regex("regex", "(?<table>[a-z]+)-(\\d+)");
  EXPECT_EQ(regex.groups(), 2u);
  EXPECT_EQ(regex.group_index("table"), 1u);
  EXPECT_EQ(regex.group_index("nope"), std::nullopt);
  regex.CheckReplacement("replacement", "$1 \\$ ${table} $2");
  const auto error = [&](const std::string& replacement) -> std::string {
    try {
      regex.CheckReplacement("replacement", replacement);
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_THAT(error("$3"), HasSubstr("Invalid value $3 for configuration replacement: No group 3"));
  EXPECT_THAT(error("${other}"), HasSubstr("No group with name {other}"));
  EXPECT_THAT(error("${table"), HasSubstr("named capturing group is missing trailing '}'"));
  EXPECT_THAT(error("x$"), HasSubstr("group index is missing"));
  EXPECT_THAT(error("x\\"), HasSubstr("character to be escaped is missing"));
  EXPECT_THAT(error("$x"), HasSubstr("Illegal group reference"));
  EXPECT_EQ(regex.ReplaceIfMatches("orders-12", "${table}_$2"), "orders_12");
}

TEST(JavaRegexTest, RunawayBacktrackingIsBounded) {
  const JavaRegex regex("regex", "(a|aa)+b");
  EXPECT_THAT([&] { regex.FullMatch(std::string(40, 'a')); },
              ::testing::ThrowsMessage<DataError>(HasSubstr("backtracking steps")));
  // Single-character loops need no recursion, however long the text.
  const JavaRegex dots("regex", "x.*y");
  EXPECT_TRUE(dots.FullMatch("x" + std::string(100000, '-') + "y"));
}

TEST(JavaRegexTest, FlagsAreScopedToTheirGroup) {
  EXPECT_TRUE(JavaRegex("r", "(?i)a(?-i)b").FullMatch("Ab"));
  EXPECT_FALSE(JavaRegex("r", "(?i)a(?-i)b").FullMatch("AB"));
  EXPECT_TRUE(JavaRegex("r", "(a(?i)b)B").FullMatch("aBB"));
  EXPECT_FALSE(JavaRegex("r", "(a(?i)b)B").FullMatch("aBb"));
  EXPECT_TRUE(JavaRegex("r", "(?s)a.b").FullMatch("a\nb"));
  EXPECT_FALSE(JavaRegex("r", "a.b").FullMatch("a\nb"));
  EXPECT_TRUE(JavaRegex("r", "(?m)a$\\n^b").FullMatch("a\nb"));
}

}  // namespace
}  // namespace ck::runtime::transforms_internal
