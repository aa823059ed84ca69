// The transformation chain with the built-in transformations: stages and predicate runs keep
// record order and origins, and a stage that fails leaves the set as it was, its records still
// backed by the batches it owns (the error-tolerance path goes on with them one by one).
#include "runtime/worker/transformation_chain.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "ck/internal/arena.h"
#include "ck/internal/marshal.h"
#include "ck/record.h"
#include "runtime/plugins/registry.h"
#include "runtime/transforms/builtin_transforms.h"
#include "runtime/worker/runtime_host.h"

namespace ck::runtime {
namespace {

using abi_internal::View;

// A batch of schemaless records {"a": <a>} on the given topics, as a source task would poll it.
struct Batch {
  explicit Batch(const std::vector<std::pair<std::string, std::string>>& topics_and_a) {
    abi_internal::Writer writer(arena);
    ck_record* records = arena.Allocate<ck_record>(topics_and_a.size());
    for (size_t i = 0; i < topics_and_a.size(); ++i) {
      ConnectRecord record;
      record.topic = topics_and_a[i].first;
      Value::Map value;
      value.emplace_back(Value("a"), Value(topics_and_a[i].second));
      record.value = std::move(value);
      writer.Record(record, &records[i]);
    }
    batch = ck_batch{static_cast<uint32_t>(topics_and_a.size()), 0, records, nullptr, nullptr};
  }
  abi_internal::Arena arena;
  ck_batch batch{};
};

class TransformationChainTest : public ::testing::Test {
 protected:
  TransformationChainTest() { RegisterBuiltins(registry_, {&ck_builtin_transforms}); }

  TransformationStage Stage(const std::string& type,
                            const std::map<std::string, std::string>& config) {
    const ComponentEntry& c =
        registry_.Resolve("org.apache.kafka.connect.transforms." + type, {CK_KIND_TRANSFORMATION});
    TransformationStage stage{type, host::Instance<ck_transformation_vtable>(*c.component, nullptr),
                              nullptr, false};
    host::ConfigView view(config);
    stage.transformation.Call("configure", &ck_transformation_vtable::configure, view.get());
    return stage;
  }

  std::shared_ptr<host::Instance<ck_predicate_vtable>> Predicate(
      const std::string& type, const std::map<std::string, std::string>& config) {
    const ComponentEntry& c = registry_.Resolve(
        "org.apache.kafka.connect.transforms.predicates." + type, {CK_KIND_PREDICATE});
    auto predicate = std::make_shared<host::Instance<ck_predicate_vtable>>(*c.component, nullptr);
    host::ConfigView view(config);
    predicate->Call("configure", &ck_predicate_vtable::configure, view.get());
    return predicate;
  }

  static std::vector<std::string> Topics(const RecordSet& set) {
    std::vector<std::string> topics;
    for (const ck_record* r : set.records) topics.emplace_back(View(r->topic));
    return topics;
  }

  PluginRegistry registry_{RuntimeHostTable()};
};

TEST_F(TransformationChainTest, StagesAndPredicateRunsKeepOrderAndOrigins) {
  Batch batch({{"a-1", "x"}, {"b-2", "x"}, {"a-3", "drop"}, {"a-4", "x"}});
  std::vector<TransformationStage> stages;
  stages.push_back(Stage("RegexRouter", {{"regex", "a-(.*)"}, {"replacement", "routed-$1"}}));
  TransformationStage filter = Stage("Filter", {});
  filter.predicate = Predicate("TopicNameMatches", {{"pattern", "routed-3"}});
  stages.push_back(std::move(filter));
  TransformationStage insert = Stage("InsertField$Value", {{"topic.field", "t"}});
  insert.predicate = Predicate("TopicNameMatches", {{"pattern", "b-.*"}});
  insert.negate = true;
  stages.push_back(std::move(insert));
  RecordSet set = RecordSet::Of(batch.batch);
  ApplyTransformations(stages, set);
  EXPECT_EQ(Topics(set), (std::vector<std::string>{"routed-1", "b-2", "routed-4"}));
  EXPECT_EQ(set.origins, (std::vector<uint32_t>{0, 1, 3}));
  // The negated predicate kept InsertField off b-2 only.
  EXPECT_EQ(set.records[0]->value.count, 2u);
  EXPECT_EQ(set.records[1]->value.count, 1u);
  EXPECT_EQ(set.records[2]->value.count, 2u);
}

TEST_F(TransformationChainTest, AFailingStageLeavesTheSetUsable) {
  Batch batch({{"t", "1"}, {"t", "300"}});
  std::vector<TransformationStage> stages;
  stages.push_back(Stage("InsertField$Value", {{"static.field", "s"}, {"static.value", "v"}}));
  stages.push_back(Stage("Cast$Value", {{"spec", "a:int8"}}));  // "300" does not fit
  RecordSet set = RecordSet::Of(batch.batch);
  try {
    ApplyTransformations(stages, set);
    ADD_FAILURE() << "the cast should fail";
  } catch (const host::AbiError& e) {
    EXPECT_NE(std::string(e.what()).find("transformation 'Cast$Value' failed: Cast$Value: Unable "
                                         "to cast string \"300\" to int8 (field \"a\")"),
              std::string::npos)
        << e.what();
  }
  // The first stage's output is still there, owned by the set. (Its memory would stay readable
  // for a while even if it were released, its blocks kept for reuse: check the ownership.)
  ASSERT_EQ(set.records.size(), 2u);
  ASSERT_EQ(set.batches.size(), 1u);
  EXPECT_EQ(set.records[0], &set.batches[0]->records[0]);
  for (const ck_record* record : set.records) {
    ConnectRecord copy;
    abi_internal::Reader().Record(*record, &copy);
    ASSERT_EQ(copy.value.type(), Type::kMap);
    EXPECT_EQ(copy.value.as_map().size(), 2u);
    EXPECT_EQ(copy.topic, "t");
  }
  // And the chain can go on with them one at a time, as errors.tolerance=all does.
  RecordSet first{{set.records[0]}, {set.origins[0]}, {}};
  std::vector<TransformationStage> rest;
  rest.push_back(Stage("Cast$Value", {{"spec", "a:int8"}}));
  ApplyTransformations(rest, first);
  ASSERT_EQ(first.records.size(), 1u);
}

}  // namespace
}  // namespace ck::runtime
