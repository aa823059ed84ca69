// Kafka's built-in predicates (org.apache.kafka.connect.transforms.predicates.*), which decide
// whether a transformation applies to a record (`transforms.<t>.predicate`, optionally negated).
#ifndef CK_RUNTIME_TRANSFORMS_PREDICATES_H_
#define CK_RUNTIME_TRANSFORMS_PREDICATES_H_

#include <memory>
#include <string>

#include "ck/transformation.h"
#include "runtime/transforms/java_regex.h"
#include "runtime/transforms/transform_support.h"

namespace ck::runtime {

/// TopicNameMatches: true when the whole topic name matches `pattern` (Java regex syntax),
/// decided once per distinct topic.
class TopicNameMatches : public ViewPredicate {
 public:
  ConfigDef config() const override;
  void configure(const ConfigMap& props) override;
  bool matches(const RecordView& record) override;

 private:
  std::unique_ptr<transforms_internal::JavaRegex> pattern_;
  transforms_internal::TopicMemo<bool> matched_;
};

/// HasHeaderKey: true when the record has at least one header called `name`.
class HasHeaderKey : public ViewPredicate {
 public:
  ConfigDef config() const override;
  void configure(const ConfigMap& props) override;
  bool matches(const RecordView& record) override;

 private:
  std::string name_;
};

/// RecordIsTombstone: true when the record's value is null.
class RecordIsTombstone : public ViewPredicate {
 public:
  ConfigDef config() const override { return ConfigDef(); }
  void configure(const ConfigMap&) override {}
  bool matches(const RecordView& record) override { return record.value().is_null(); }
};

}  // namespace ck::runtime

#endif  // CK_RUNTIME_TRANSFORMS_PREDICATES_H_
