// Kafka's Cast$Key / Cast$Value: casts the whole key or value, or some of its fields, to another
// primitive type (spec "type" or "field:type,..."), with Java's numeric narrowing, parsing and
// toString rules. Logical types cast as in Kafka: a Decimal as a BigDecimal (toString, Number
// narrowings), Date, Time and Timestamp as their encoded days or milliseconds, or to strings as
// Kafka's Values.dateFormatFor prints them (in UTC; Kafka uses the JVM's default time zone).
#ifndef CK_RUNTIME_TRANSFORMS_CAST_H_
#define CK_RUNTIME_TRANSFORMS_CAST_H_

#include <map>
#include <optional>
#include <string>

#include "ck/transformation.h"
#include "runtime/transforms/transform_support.h"

namespace ck::runtime {

/// Cast$Key / Cast$Value.
template <typename Side>
class Cast : public Transformation {
 public:
  ConfigDef config() const override;
  void configure(const ConfigMap& props) override;
  std::optional<ConnectRecord> apply(ConnectRecord record) override;

 private:
  Value CastValue(const std::string& what, const Schema* schema, const Value& value,
                  Type target) const;
  SchemaPtr CastSchema(const Schema& schema, Type target) const;

  std::optional<Type> whole_;           // set for a whole-value cast
  std::map<std::string, Type> fields_;  // field casts otherwise
  bool replace_null_with_default_ = true;
};

}  // namespace ck::runtime

#endif  // CK_RUNTIME_TRANSFORMS_CAST_H_
