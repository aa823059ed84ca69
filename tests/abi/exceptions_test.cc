// The exception firewall: whatever a component throws — a std::exception, a RetriableError, a
// std::bad_alloc or something not derived from std::exception — from whichever callback, arrives
// at the host as an error status carrying the message and the right code, and the host goes on
// (the next call on the same instance works).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <new>
#include <stdexcept>
#include <string>

#include "ck/host/host_support.h"
#include "ck/plugin.h"
#include "ck/testkit/fake_host.h"

namespace {

enum class Throw { kNothing, kStd, kRetriable, kBadAlloc, kNonStd, kConfig };

Throw g_throw = Throw::kNothing;

void MaybeThrow(const char* where) {
  switch (g_throw) {
    case Throw::kNothing:
      return;
    case Throw::kStd:
      throw std::runtime_error(std::string("boom in ") + where);
    case Throw::kRetriable:
      throw ck::RetriableError(std::string("try again: ") + where);
    case Throw::kBadAlloc:
      throw std::bad_alloc();
    case Throw::kNonStd:
      throw 42;
    case Throw::kConfig:
      throw ck::ConfigError("name", "value", where);
  }
}

ck::ConfigDef Def() { return {}; }

class Connector : public ck::SinkConnector {
 public:
  std::string version() const override { return "1"; }
  ck::ConfigDef config() const override { return Def(); }
  std::vector<ck::ConfigValue> validate(const ck::ConfigMap&) const override {
    MaybeThrow("validate");
    return {};
  }
  void start(const ck::ConfigMap&) override { MaybeThrow("start"); }
  std::vector<ck::ConfigMap> task_configs(int) override {
    MaybeThrow("task_configs");
    return {};
  }
  void stop() override { MaybeThrow("stop"); }
};

class Source : public ck::SourceTask {
 public:
  std::string version() const override { return "1"; }
  void start(const ck::ConfigMap&) override { MaybeThrow("start"); }
  std::vector<ck::SourceRecord> poll() override {
    MaybeThrow("poll");
    return {};
  }
  void commit() override { MaybeThrow("commit"); }
  void commit_record(const ck::SourceRecord&, const ck::RecordMetadata*) override {
    MaybeThrow("commit_record");
  }
  void stop() override { MaybeThrow("stop"); }
};

class Sink : public ck::SinkTask {
 public:
  std::string version() const override { return "1"; }
  void start(const ck::ConfigMap&) override { MaybeThrow("start"); }
  void put(std::vector<ck::SinkRecord>) override { MaybeThrow("put"); }
  ck::OffsetMap pre_commit(const ck::OffsetMap& offsets) override {
    MaybeThrow("pre_commit");
    return offsets;
  }
  void open(const std::vector<ck::TopicPartition>&) override { MaybeThrow("open"); }
  void close(const std::vector<ck::TopicPartition>&) override { MaybeThrow("close"); }
  void stop() override { MaybeThrow("stop"); }
};

class Conv : public ck::Converter {
 public:
  void configure(const ck::ConfigMap&, bool) override { MaybeThrow("configure"); }
  std::optional<ck::Bytes> from_connect(std::string_view, const ck::SchemaPtr&,
                                        const ck::Value&) override {
    MaybeThrow("from_connect");
    return std::nullopt;
  }
  ck::SchemaAndValue to_connect(std::string_view,
                                std::optional<std::span<const uint8_t>>) override {
    MaybeThrow("to_connect");
    return {};
  }
};

class Smt : public ck::Transformation {
 public:
  ck::ConfigDef config() const override { return Def(); }
  void configure(const ck::ConfigMap&) override { MaybeThrow("configure"); }
  std::optional<ck::ConnectRecord> apply(ck::ConnectRecord record) override {
    MaybeThrow("apply");
    return record;
  }
};

class Pred : public ck::Predicate {
 public:
  ck::ConfigDef config() const override { return Def(); }
  void configure(const ck::ConfigMap&) override { MaybeThrow("configure"); }
  bool test(const ck::ConnectRecord&) override {
    MaybeThrow("test");
    return true;
  }
};

}  // namespace

CK_PLUGIN(plugin) {
  plugin.name("throwing").version("1");
  plugin.add<Connector>("t.Connector").task("t.Sink");
  plugin.add<Source>("t.Source");
  plugin.add<Sink>("t.Sink");
  plugin.add<Conv>("t.Conv");
  plugin.add<Smt>("t.Smt");
  plugin.add<Pred>("t.Pred");
}

namespace {

using ck::host::AbiError;
using ck::testkit::FakeHost;
using ::testing::HasSubstr;

struct Callback {
  const char* name;
  std::function<void(FakeHost&)> call;
};

std::vector<Callback> Callbacks() {
  const std::vector<ck::ConnectRecord> one(1);
  return {
      {"validate", [](FakeHost& h) { h.CreateConnector("t.Connector").Validate({}); }},
      {"start", [](FakeHost& h) { h.CreateConnector("t.Connector").Start({}); }},
      {"task_configs", [](FakeHost& h) { h.CreateConnector("t.Connector").TaskConfigs(1); }},
      {"stop", [](FakeHost& h) { h.CreateConnector("t.Connector").Stop(); }},
      {"start", [](FakeHost& h) { h.CreateSourceTask("t.Source").Start({}); }},
      {"poll", [](FakeHost& h) { h.CreateSourceTask("t.Source").Poll(); }},
      {"commit", [](FakeHost& h) { h.CreateSourceTask("t.Source").Commit(); }},
      {"commit_record",
       [](FakeHost& h) {
         ck_record record{};
         record.key.type = CK_TYPE_NULL;
         h.CreateSourceTask("t.Source").CommitRecord(record, nullptr);
       }},
      {"stop", [](FakeHost& h) { h.CreateSourceTask("t.Source").Stop(); }},
      {"start", [](FakeHost& h) { h.CreateSinkTask("t.Sink").Start({}); }},
      {"put", [](FakeHost& h) { h.CreateSinkTask("t.Sink").Put(std::vector<ck::SinkRecord>(2)); }},
      {"pre_commit",
       [](FakeHost& h) {
         h.CreateSinkTask("t.Sink").PreCommit({{{"t", 0}, 1}});
       }},
      {"open",
       [](FakeHost& h) {
         h.CreateSinkTask("t.Sink").Open({{"t", 0}});
       }},
      {"close",
       [](FakeHost& h) {
         h.CreateSinkTask("t.Sink").Close({{"t", 0}});
       }},
      {"stop", [](FakeHost& h) { h.CreateSinkTask("t.Sink").Stop(); }},
      {"configure", [](FakeHost& h) { h.CreateConverter("t.Conv").Configure({}, false); }},
      {"from_connect",
       [](FakeHost& h) {
         h.CreateConverter("t.Conv").FromConnect("t", {nullptr, "x"});
       }},
      {"to_connect", [](FakeHost& h) { h.CreateConverter("t.Conv").ToConnect("t", ck::Bytes{1}); }},
      {"configure", [](FakeHost& h) { h.CreateTransformation("t.Smt").Configure({}); }},
      {"apply", [one](FakeHost& h) { h.CreateTransformation("t.Smt").Apply(one); }},
      {"configure", [](FakeHost& h) { h.CreatePredicate("t.Pred").Configure({}); }},
      {"test", [one](FakeHost& h) { h.CreatePredicate("t.Pred").Test(one); }},
  };
}

struct Expectation {
  Throw what;
  int32_t code;
  bool retriable;
  const char* message;  // substring; the callback name is appended where the throw says so
  bool names_callback;
};

class ExceptionFirewallTest : public ::testing::TestWithParam<Expectation> {
 protected:
  void SetUp() override { host_.Load(ck_plugin_entry_v1()); }
  void TearDown() override { g_throw = Throw::kNothing; }
  FakeHost host_;
};

TEST_P(ExceptionFirewallTest, EveryCallbackReportsTheErrorAndTheHostGoesOn) {
  const Expectation& e = GetParam();
  for (const Callback& callback : Callbacks()) {
    SCOPED_TRACE(callback.name);
    g_throw = e.what;
    try {
      callback.call(host_);
      ADD_FAILURE() << "no error reported";
    } catch (const AbiError& error) {
      EXPECT_EQ(error.code(), e.code);
      EXPECT_EQ(error.retriable(), e.retriable);
      EXPECT_THAT(error.what(), HasSubstr(e.message));
      if (e.names_callback) {
        EXPECT_THAT(error.what(), HasSubstr(callback.name));
      }
    }
    g_throw = Throw::kNothing;
    EXPECT_NO_THROW(callback.call(host_));  // the same kind of call works again
  }
}

INSTANTIATE_TEST_SUITE_P(
    AllKinds, ExceptionFirewallTest,
    ::testing::Values(Expectation{Throw::kStd, CK_ERROR_CONNECT, false, "boom in ", true},
                      Expectation{Throw::kRetriable, CK_ERROR_CONNECT, true, "try again: ", true},
                      Expectation{Throw::kConfig, CK_ERROR_CONFIG, false,
                                  "Invalid value value for configuration name", true},
                      Expectation{Throw::kBadAlloc, CK_ERROR_NO_MEMORY, false, "out of memory",
                                  false},
                      Expectation{Throw::kNonStd, CK_ERROR_INTERNAL, false,
                                  "not derived from std::exception", false}),
    [](const auto& info) {
      switch (info.param.what) {
        case Throw::kStd:
          return "StdException";
        case Throw::kRetriable:
          return "RetriableError";
        case Throw::kConfig:
          return "ConfigError";
        case Throw::kBadAlloc:
          return "BadAlloc";
        case Throw::kNonStd:
          return "NonStdException";
        default:
          return "Nothing";
      }
    });

}  // namespace
