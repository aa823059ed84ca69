#include "ck/config_def.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "ck/errors.h"

namespace ck {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::ThrowsMessage;
using Props = std::map<std::string, std::string>;

// Parses `text` for a single key called "k" of `type`.
ConfigValueT ParseOne(ConfigType type, const std::string& text) {
  ConfigDef def;
  def.define(ConfigDef::Key("k", type));
  return def.Parse({{"k", text}}).at("k");
}

// The message of the ConfigError that `validator` throws for `value` of the key "k".
std::string Rejection(const ValidatorPtr& validator, const ConfigValueT& value) {
  try {
    validator->EnsureValid("k", value);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "accepted";
}

TEST(ConfigErrorTest, FormatsLikeKafka) {
  EXPECT_STREQ(ConfigError("port", "abc", "Not a number").what(),
               "Invalid value abc for configuration port: Not a number");
  EXPECT_STREQ(ConfigError("port", "abc", "").what(), "Invalid value abc for configuration port");
  EXPECT_STREQ(ConfigError("plain").what(), "plain");
}

TEST(ConfigTypeTest, NamesMatchKafka) {
  EXPECT_EQ(ConfigTypeName(ConfigType::kBoolean), "BOOLEAN");
  EXPECT_EQ(ConfigTypeName(ConfigType::kShort), "SHORT");
  EXPECT_EQ(ConfigTypeName(ConfigType::kPassword), "PASSWORD");
  EXPECT_EQ(ImportanceName(Importance::kMedium), "MEDIUM");
  EXPECT_EQ(WidthName(Width::kLong), "LONG");
}

TEST(ConfigDefParseTest, Boolean) {
  EXPECT_EQ(ParseOne(ConfigType::kBoolean, "TRUE"), ConfigValueT(true));
  EXPECT_EQ(ParseOne(ConfigType::kBoolean, " false "), ConfigValueT(false));
  EXPECT_THAT([] { ParseOne(ConfigType::kBoolean, "yes"); },
              ThrowsMessage<ConfigError>(
                  "Invalid value yes for configuration k: Expected value to be either true or "
                  "false"));
}

TEST(ConfigDefParseTest, StringAndClassAreTrimmed) {
  EXPECT_EQ(ParseOne(ConfigType::kString, "  hello world \t"), ConfigValueT("hello world"));
  EXPECT_EQ(ParseOne(ConfigType::kClass, " com.example.Sink "), ConfigValueT("com.example.Sink"));
}

TEST(ConfigDefParseTest, IntegersAreRangeChecked) {
  EXPECT_EQ(ParseOne(ConfigType::kInt, " 42 "), ConfigValueT(42));
  EXPECT_EQ(ParseOne(ConfigType::kInt, "+7"), ConfigValueT(7));
  EXPECT_EQ(ParseOne(ConfigType::kInt, "-2147483648"), ConfigValueT(INT32_MIN));
  EXPECT_THAT([] { ParseOne(ConfigType::kInt, "2147483648"); },
              ThrowsMessage<ConfigError>(
                  "Invalid value 2147483648 for configuration k: Not a number of type INT"));
  EXPECT_THAT([] { ParseOne(ConfigType::kInt, "1.5"); },
              ThrowsMessage<ConfigError>(
                  "Invalid value 1.5 for configuration k: Not a number of type INT"));
  EXPECT_THROW(ParseOne(ConfigType::kInt, ""), ConfigError);
  EXPECT_THROW(ParseOne(ConfigType::kInt, "+-1"), ConfigError);

  EXPECT_EQ(ParseOne(ConfigType::kShort, "32767"), ConfigValueT(int16_t{32767}));
  EXPECT_THAT([] { ParseOne(ConfigType::kShort, "32768"); },
              ThrowsMessage<ConfigError>(
                  "Invalid value 32768 for configuration k: Not a number of type SHORT"));

  EXPECT_EQ(ParseOne(ConfigType::kLong, "9223372036854775807"), ConfigValueT(INT64_MAX));
  EXPECT_THAT([] { ParseOne(ConfigType::kLong, "9223372036854775808"); },
              ThrowsMessage<ConfigError>("Invalid value 9223372036854775808 for configuration k: "
                                         "Not a number of type LONG"));
}

TEST(ConfigDefParseTest, DoublesParseAsJavaDoes) {
  EXPECT_EQ(ParseOne(ConfigType::kDouble, "1.5"), ConfigValueT(1.5));
  EXPECT_EQ(ParseOne(ConfigType::kDouble, "-1e3"), ConfigValueT(-1000.0));
  EXPECT_EQ(ParseOne(ConfigType::kDouble, "2d"), ConfigValueT(2.0));
  EXPECT_EQ(ParseOne(ConfigType::kDouble, ".5"), ConfigValueT(0.5));
  EXPECT_EQ(ParseOne(ConfigType::kDouble, "-Infinity"), ConfigValueT(-HUGE_VAL));
  EXPECT_TRUE(std::isnan(std::get<double>(ParseOne(ConfigType::kDouble, "NaN"))));
  EXPECT_THAT([] { ParseOne(ConfigType::kDouble, "1.5x"); },
              ThrowsMessage<ConfigError>(
                  "Invalid value 1.5x for configuration k: Not a number of type DOUBLE"));
  EXPECT_THROW(ParseOne(ConfigType::kDouble, "inf"), ConfigError);
}

TEST(ConfigDefParseTest, ListsSplitOnCommasWithTrimming) {
  using List = std::vector<std::string>;
  EXPECT_EQ(ParseOne(ConfigType::kList, " a, b ,c "), ConfigValueT(List{"a", "b", "c"}));
  EXPECT_EQ(ParseOne(ConfigType::kList, ""), ConfigValueT(List{}));
  EXPECT_EQ(ParseOne(ConfigType::kList, "   "), ConfigValueT(List{}));
  EXPECT_EQ(ParseOne(ConfigType::kList, "a,,b,"), ConfigValueT(List{"a", "", "b", ""}));
  EXPECT_EQ(ParseOne(ConfigType::kList, "single"), ConfigValueT(List{"single"}));
}

TEST(ConfigDefParseTest, PasswordsAreWrappedAndMasked) {
  const ConfigValueT parsed = ParseOne(ConfigType::kPassword, " s3cret ");
  ASSERT_TRUE(std::holds_alternative<Password>(parsed));
  EXPECT_EQ(std::get<Password>(parsed).value(), "s3cret");
  EXPECT_EQ(std::get<Password>(parsed).ToString(), "[hidden]");
  std::ostringstream streamed;
  streamed << std::get<Password>(parsed);
  EXPECT_EQ(streamed.str(), "[hidden]");
  EXPECT_EQ(ConvertToString(parsed, ConfigType::kPassword), "[hidden]");
  // A PASSWORD key is masked even if its value was stored as a plain string.
  EXPECT_EQ(ConvertToString(std::string("s3cret"), ConfigType::kPassword), "[hidden]");
  // Messages about a password never show it.
  EXPECT_EQ(Rejection(NonEmptyString(), Password("")),
            "Invalid value [hidden] for configuration k: String must be non-empty");
}

TEST(ConfigDefParseTest, AppliesDefaultsAndReportsMissingRequiredKeys) {
  ConfigDef def;
  def.define(ConfigDef::Key("required", ConfigType::kString))
      .define(ConfigDef::Key("port", ConfigType::kInt).default_value("8083"))
      .define(ConfigDef::Key("retries", ConfigType::kShort).default_value(3))
      .define(ConfigDef::Key("timeout", ConfigType::kLong).default_value(30000))
      .define(ConfigDef::Key("ratio", ConfigType::kDouble).default_value(1))
      .define(ConfigDef::Key("topics", ConfigType::kList).default_value("a,b"))
      .define(ConfigDef::Key("prefix", ConfigType::kString).default_value(nullptr))
      .define(ConfigDef::Key("zero", ConfigType::kInt).default_value(0));
  EXPECT_THAT([&] { def.Parse({}); },
              ThrowsMessage<ConfigError>(
                  "Missing required configuration \"required\" which has no default value."));
  const ParsedConfig parsed = def.Parse({{"required", "x"}, {"unknown", "ignored"}});
  EXPECT_EQ(parsed.size(), 8u);
  EXPECT_EQ(parsed.at("port"), ConfigValueT(8083));
  EXPECT_EQ(parsed.at("retries"), ConfigValueT(int16_t{3}));
  EXPECT_EQ(parsed.at("timeout"), ConfigValueT(int64_t{30000}));
  EXPECT_EQ(parsed.at("ratio"), ConfigValueT(1.0));
  EXPECT_EQ(parsed.at("topics"), ConfigValueT(std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(std::holds_alternative<std::monostate>(parsed.at("prefix")));
  EXPECT_EQ(parsed.at("zero"), ConfigValueT(0));  // 0 is a number here, not a null pointer
  EXPECT_EQ(def.Parse({{"required", "x"}, {"port", "9"}}).at("port"), ConfigValueT(9));
}

TEST(ConfigDefDefineTest, RejectsDuplicatesAndBadDefaults) {
  ConfigDef def;
  def.define(ConfigDef::Key("a", ConfigType::kInt));
  EXPECT_THAT([&] { def.define(ConfigDef::Key("a", ConfigType::kString)); },
              ThrowsMessage<ConfigError>("Configuration a is defined twice."));
  EXPECT_THAT([&] { def.define(ConfigDef::Key("s", ConfigType::kShort).default_value(70000)); },
              ThrowsMessage<ConfigError>(
                  "Invalid value 70000 for configuration s: Expected value of type SHORT"));
  EXPECT_THAT([&] { def.define(ConfigDef::Key("i", ConfigType::kInt).default_value(true)); },
              ThrowsMessage<ConfigError>(
                  "Invalid value true for configuration i: Expected value of type INT"));
  EXPECT_THAT([&] { def.define(ConfigDef::Key("n", ConfigType::kInt).default_value("many")); },
              ThrowsMessage<ConfigError>(
                  "Invalid value many for configuration n: Not a number of type INT"));
  EXPECT_THAT(
      [&] {
        def.define(
            ConfigDef::Key("r", ConfigType::kInt).default_value(0).validator(Range::AtLeast(1)));
      },
      ThrowsMessage<ConfigError>("Invalid value 0 for configuration r: Value must be at least 1"));
  EXPECT_THAT(def.names(), ElementsAre("a"));
}

TEST(ValidatorTest, RangeDescribesAndChecksBounds) {
  const ValidatorPtr at_least = Range::AtLeast(1);
  EXPECT_EQ(at_least->ToString(), "[1,...]");
  EXPECT_EQ(Rejection(at_least, 0),
            "Invalid value 0 for configuration k: Value must be at least 1");
  EXPECT_EQ(Rejection(at_least, int64_t{1}), "accepted");
  EXPECT_EQ(Rejection(at_least, ConfigValueT()),
            "Invalid value null for configuration k: Value must be non-null");
  EXPECT_EQ(Rejection(at_least, "1"),
            "Invalid value 1 for configuration k: Value must be a number");

  const ValidatorPtr between = Range::Between(1, 10);
  EXPECT_EQ(between->ToString(), "[1,...,10]");
  EXPECT_EQ(Rejection(between, int16_t{11}),
            "Invalid value 11 for configuration k: Value must be no more than 10");
  EXPECT_EQ(Rejection(between, 10), "accepted");

  EXPECT_EQ(Range::Between(0.5, 1.5)->ToString(), "[0.5,...,1.5]");
  EXPECT_EQ(Range::AtLeast(0.0)->ToString(), "[0.0,...]");
  EXPECT_EQ(Rejection(Range::AtLeast(0.0), -0.25),
            "Invalid value -0.25 for configuration k: Value must be at least 0.0");
}

TEST(ValidatorTest, StringSetValidators) {
  const ValidatorPtr valid = ValidString::In({"none", "all"});
  EXPECT_EQ(valid->ToString(), "[none, all]");
  EXPECT_EQ(Rejection(valid, "all"), "accepted");
  EXPECT_EQ(Rejection(valid, "ALL"),
            "Invalid value ALL for configuration k: String must be one of: none, all");
  EXPECT_EQ(Rejection(valid, ConfigValueT()),
            "Invalid value null for configuration k: String must be one of: none, all");

  const ValidatorPtr any_case = CaseInsensitiveValidString::In({"none", "All"});
  EXPECT_EQ(any_case->ToString(), "(case insensitive) [NONE, ALL]");
  EXPECT_EQ(Rejection(any_case, "aLl"), "accepted");
  EXPECT_EQ(Rejection(any_case, "some"),
            "Invalid value some for configuration k: String must be one of (case insensitive): "
            "NONE, ALL");

  const ValidatorPtr list = ValidList::In({"x", "y"});
  EXPECT_EQ(list->ToString(), "[x, y]");
  EXPECT_EQ(Rejection(list, std::vector<std::string>{"y", "x"}), "accepted");
  EXPECT_EQ(Rejection(list, std::vector<std::string>{"x", "z"}),
            "Invalid value z for configuration k: String must be one of: x, y");
}

TEST(ValidatorTest, StringContentValidators) {
  EXPECT_EQ(NonEmptyString()->ToString(), "non-empty string");
  EXPECT_EQ(Rejection(NonEmptyString(), ""),
            "Invalid value  for configuration k: String must be non-empty");
  EXPECT_EQ(Rejection(NonEmptyString(), ConfigValueT()), "accepted");

  const ValidatorPtr printable = NonEmptyStringWithoutControlChars();
  EXPECT_EQ(printable->ToString(), "non-empty string without ISO control characters");
  EXPECT_EQ(Rejection(printable, ""),
            "Invalid value  for configuration k: String may not be empty");
  EXPECT_EQ(Rejection(printable, "a\nb\tc\xC2\x85"),
            "Invalid value a\nb\tc\xC2\x85 for configuration k: String may not contain control "
            "sequences but had the following ASCII chars: 10, 9, 133");
  EXPECT_EQ(Rejection(printable, "caf\xC3\xA9"), "accepted");

  const ValidatorPtr regex = RegexValidator("[a-z]+(-[a-z]+)*");
  EXPECT_EQ(regex->ToString(), "string matching the regular expression [a-z]+(-[a-z]+)*");
  EXPECT_EQ(Rejection(regex, "my-topic"), "accepted");
  EXPECT_EQ(Rejection(regex, "my-topic1"),
            "Invalid value my-topic1 for configuration k: String must match the regular "
            "expression [a-z]+(-[a-z]+)*");
  EXPECT_EQ(Rejection(regex, 5), "Invalid value 5 for configuration k: Value must be a string");
  EXPECT_THAT([] { RegexValidator("(a"); },
              ThrowsMessage<ConfigError>(HasSubstr("Invalid regular expression (a: ")));
}

TEST(ValidatorTest, LambdaAndComposite) {
  const ValidatorPtr even = LambdaValidator(
      [](const std::string& name, const ConfigValueT& value) {
        if (std::get<int32_t>(value) % 2 != 0) throw ConfigError(name, "odd", "Must be even");
      },
      "even number");
  EXPECT_EQ(even->ToString(), "even number");
  EXPECT_EQ(Rejection(even, 3), "Invalid value odd for configuration k: Must be even");

  const ValidatorPtr both = CompositeValidator({Range::Between(0, 10), even});
  EXPECT_EQ(both->ToString(), "[0,...,10], even number");
  EXPECT_EQ(Rejection(both, 12),
            "Invalid value 12 for configuration k: Value must be no more than 10");
  EXPECT_EQ(Rejection(both, 7), "Invalid value odd for configuration k: Must be even");
  EXPECT_EQ(Rejection(both, 4), "accepted");
}

// Offers codecs only when compression is enabled, and hides the key otherwise.
class CodecRecommender : public Recommender {
 public:
  std::vector<ConfigValueT> valid_values(const std::string& name,
                                         const ParsedConfig& parsed) const override {
    if (visible(name, parsed)) return {std::string("lz4"), std::string("zstd")};
    return {};
  }
  bool visible(const std::string&, const ParsedConfig& parsed) const override {
    const bool* compress = std::get_if<bool>(&parsed.at("compress"));
    return compress != nullptr && *compress;
  }
};

class FailingRecommender : public Recommender {
 public:
  std::vector<ConfigValueT> valid_values(const std::string& name,
                                         const ParsedConfig&) const override {
    throw ConfigError(name, "x", "cannot recommend");
  }
  bool visible(const std::string&, const ParsedConfig&) const override { return true; }
};

ConfigDef ConnectionDef() {
  ConfigDef def;
  def.define(ConfigDef::Key("topic", ConfigType::kString)
                 .importance(Importance::kHigh)
                 .validator(NonEmptyString()))
      .define(ConfigDef::Key("port", ConfigType::kInt)
                  .default_value(9092)
                  .validator(Range::Between(1, 65535)))
      .define(ConfigDef::Key("compress", ConfigType::kBoolean)
                  .default_value(false)
                  .dependents({"codec"}))
      .define(ConfigDef::Key("codec", ConfigType::kString)
                  .default_value("none")
                  .recommender(std::make_shared<CodecRecommender>()))
      .define(ConfigDef::Key("password", ConfigType::kPassword).default_value(nullptr));
  return def;
}

TEST(ConfigDefValidateTest, CollectsErrorsOfEveryKeyWithoutThrowing) {
  const std::vector<ConfigValue> results =
      ConnectionDef().Validate({{"port", "http"}, {"compress", "maybe"}, {"extra", "1"}});
  ASSERT_EQ(results.size(), 5u);
  EXPECT_EQ(results[0].name, "topic");
  EXPECT_THAT(results[0].errors,
              ElementsAre("Missing required configuration \"topic\" which has no default value."));
  EXPECT_TRUE(std::holds_alternative<std::monostate>(results[0].value));
  // As Kafka: a value that fails to parse is null, and the validator still runs on it.
  EXPECT_EQ(results[1].name, "port");
  EXPECT_THAT(results[1].errors,
              ElementsAre("Invalid value http for configuration port: Not a number of type INT",
                          "Invalid value null for configuration port: Value must be non-null"));
  EXPECT_THAT(results[2].errors,
              ElementsAre("Invalid value maybe for configuration compress: Expected value to be "
                          "either true or false"));
  // The recommender sees the unparsable compress as null.
  EXPECT_EQ(results[3].name, "codec");
  EXPECT_FALSE(results[3].visible);
  EXPECT_EQ(results[4].name, "password");
  EXPECT_THAT(results[4].errors, IsEmpty());
}

TEST(ConfigDefValidateTest, ReportsParsedValuesAndRecommendations) {
  const ConfigDef def = ConnectionDef();
  std::vector<ConfigValue> results =
      def.Validate({{"topic", "t"}, {"compress", "true"}, {"password", "pw"}});
  for (const ConfigValue& result : results) EXPECT_THAT(result.errors, IsEmpty()) << result.name;
  EXPECT_EQ(results[1].value, ConfigValueT(9092));
  EXPECT_THAT(results[3].recommended_values,
              ElementsAre(ConfigValueT("lz4"), ConfigValueT("zstd")));
  EXPECT_TRUE(results[3].visible);
  EXPECT_EQ(ConvertToString(results[4].value, ConfigType::kPassword), "[hidden]");
  EXPECT_EQ(std::get<Password>(results[4].value).value(), "pw");

  results = def.Validate({{"topic", "t"}});
  EXPECT_THAT(results[3].recommended_values, IsEmpty());
  EXPECT_FALSE(results[3].visible);
}

TEST(ConfigDefValidateTest, RecordsRecommenderErrorsAndUndefinedDependents) {
  ConfigDef def;
  def.define(ConfigDef::Key("a", ConfigType::kString)
                 .default_value("")
                 .dependents({"ghost"})
                 .recommender(std::make_shared<FailingRecommender>()));
  const std::vector<ConfigValue> results = def.Validate({});
  ASSERT_EQ(results.size(), 2u);
  EXPECT_THAT(results[0].errors,
              ElementsAre("Invalid value x for configuration a: cannot recommend"));
  EXPECT_EQ(results[1].name, "ghost");
  EXPECT_THAT(results[1].errors,
              ElementsAre("ghost is referred in the dependents, but not defined."));
  EXPECT_FALSE(results[1].visible);
  EXPECT_THAT([&] { def.Parse({}); },
              ThrowsMessage<ConfigError>(
                  "Some configurations are referred in the dependents, but not defined: ghost"));
}

TEST(ConvertToStringTest, MirrorsKafka) {
  EXPECT_EQ(ConvertToString(ConfigValueT(), ConfigType::kString), std::nullopt);
  EXPECT_EQ(ConvertToString(true, ConfigType::kBoolean), "true");
  EXPECT_EQ(ConvertToString(42, ConfigType::kInt), "42");
  EXPECT_EQ(ConvertToString(int64_t{-7}, ConfigType::kLong), "-7");
  EXPECT_EQ(ConvertToString(1.0, ConfigType::kDouble), "1.0");
  EXPECT_EQ(ConvertToString(1e7, ConfigType::kDouble), "1.0E7");
  EXPECT_EQ(ConvertToString(0.00025, ConfigType::kDouble), "2.5E-4");
  EXPECT_EQ(ConvertToString(123.456, ConfigType::kDouble), "123.456");
  EXPECT_EQ(ConvertToString(-100.0, ConfigType::kDouble), "-100.0");
  EXPECT_EQ(ConvertToString(0.001, ConfigType::kDouble), "0.001");
  EXPECT_EQ(ConvertToString(9999999.5, ConfigType::kDouble), "9999999.5");
  EXPECT_EQ(ConvertToString(std::vector<std::string>{"a", "b"}, ConfigType::kList), "a,b");
  EXPECT_EQ(ConvertToString(std::string("com.example.X"), ConfigType::kClass), "com.example.X");
}

TEST(ConfigDefTest, LooksUpKeysAndFindsUnknownOnes) {
  const ConfigDef def = ConnectionDef();
  EXPECT_THAT(def.names(), ElementsAre("topic", "port", "compress", "codec", "password"));
  ASSERT_NE(def.find("port"), nullptr);
  EXPECT_EQ(def.find("port")->type, ConfigType::kInt);
  EXPECT_EQ(def.find("port")->display_name, "port");
  EXPECT_EQ(def.find("nope"), nullptr);
  EXPECT_EQ(def.keys().size(), 5u);
  EXPECT_THAT(def.UnknownKeys({{"topic", "t"}, {"tpoic", "t"}, {"zzz", ""}}),
              ElementsAre("tpoic", "zzz"));
}

TEST(ConfigDefTest, ToJsonDescribesEveryKeyInKafkasShape) {
  ConfigDef def = ConnectionDef();
  def.define(ConfigDef::Key("batch.size", ConfigType::kInt)
                 .importance(Importance::kLow)
                 .doc("Records per batch.")
                 .group("Tuning")
                 .order_in_group(2)
                 .width(Width::kShort)
                 .display_name("Batch size")
                 .validator(Range::AtLeast(1)));
  const nlohmann::json json = def.ToJson();
  ASSERT_TRUE(json.is_array());
  ASSERT_EQ(json.size(), 6u);
  EXPECT_EQ(json[5], nlohmann::json::parse(R"({
    "name": "batch.size", "type": "INT", "required": true, "default_value": null,
    "importance": "LOW", "documentation": "Records per batch.", "group": "Tuning", "order": 2,
    "width": "SHORT", "display_name": "Batch size", "dependents": [], "validator": "[1,...]"
  })"));
  EXPECT_EQ(json[0]["required"], true);
  EXPECT_EQ(json[0]["validator"], "non-empty string");
  EXPECT_EQ(json[1]["default_value"], "9092");
  EXPECT_EQ(json[1]["required"], false);
  EXPECT_EQ(json[1]["group"], nullptr);
  EXPECT_EQ(json[1]["order"], -1);
  EXPECT_EQ(json[1]["width"], "NONE");
  EXPECT_EQ(json[1]["importance"], "MEDIUM");
  EXPECT_EQ(json[2]["default_value"], "false");
  EXPECT_EQ(json[2]["dependents"], nlohmann::json::array({"codec"}));
  EXPECT_EQ(json[4]["default_value"], nullptr);
  EXPECT_EQ(json[4]["type"], "PASSWORD");
}

TEST(ConfigDefTest, PasswordDefaultsAreHiddenInJson) {
  ConfigDef def;
  def.define(ConfigDef::Key("secret", ConfigType::kPassword).default_value("hunter2"));
  EXPECT_EQ(def.ToJson()[0]["default_value"], "[hidden]");
  EXPECT_EQ(std::get<Password>(*def.find("secret")->default_value).value(), "hunter2");
}

}  // namespace
}  // namespace ck
