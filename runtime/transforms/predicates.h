// Kafka's built-in predicates (org.apache.kafka.connect.transforms.predicates.*), which decide
// whether a transformation applies to a record (`transforms.<t>.predicate`, optionally negated).
#ifndef CK_RUNTIME_TRANSFORMS_PREDICATES_H_
#define CK_RUNTIME_TRANSFORMS_PREDICATES_H_

#include <memory>
#include <string>

#include "ck/transformation.h"
#include "runtime/transforms/transform_support.h"

namespace ck::runtime {

/// TopicNameMatches: true when the whole topic name matches `pattern`.
class TopicNameMatches : public Predicate {
 public:
  ConfigDef config() const override;
  void configure(const ConfigMap& props) override;
  bool test(const ConnectRecord& record) override;

 private:
  std::unique_ptr<transforms_internal::PosixRegex> pattern_;
};

/// HasHeaderKey: true when the record has at least one header called `name`.
class HasHeaderKey : public Predicate {
 public:
  ConfigDef config() const override;
  void configure(const ConfigMap& props) override;
  bool test(const ConnectRecord& record) override;

 private:
  std::string name_;
};

/// RecordIsTombstone: true when the record's value is null.
class RecordIsTombstone : public Predicate {
 public:
  ConfigDef config() const override { return ConfigDef(); }
  void configure(const ConfigMap&) override {}
  bool test(const ConnectRecord& record) override { return record.value.is_null(); }
};

}  // namespace ck::runtime

#endif  // CK_RUNTIME_TRANSFORMS_PREDICATES_H_
