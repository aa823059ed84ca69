// Kafka's TimestampConverter$Key / $Value: converts a timestamp (the whole key or value, or one
// field) between a formatted string, a Unix epoch number (unix.precision), and the Date, Time and
// Timestamp logical types, always in UTC.
#ifndef CK_RUNTIME_TRANSFORMS_TIMESTAMP_CONVERTER_H_
#define CK_RUNTIME_TRANSFORMS_TIMESTAMP_CONVERTER_H_

#include <cstdint>
#include <optional>
#include <string>

#include "ck/transformation.h"
#include "runtime/transforms/java_date_format.h"
#include "runtime/transforms/transform_support.h"

namespace ck::runtime {

/// TimestampConverter$Key / TimestampConverter$Value.
template <typename Side>
class TimestampConverter : public Transformation {
 public:
  /// The forms a timestamp can take.
  enum class Form { kString, kUnix, kDate, kTime, kTimestamp };

  ConfigDef config() const override;
  void configure(const ConfigMap& props) override;
  std::optional<ConnectRecord> apply(ConnectRecord record) override;

 private:
  SchemaPtr TargetSchema(bool optional) const;
  Form FormOfSchema(const Schema& schema) const;
  Form FormOfValue(const Value& value) const;
  int64_t ToMillis(const Value& value, Form form) const;
  Value FromMillis(int64_t millis) const;
  Value Convert(const Value& value, std::optional<Form> form) const;
  std::optional<ConnectRecord> ApplyUnchecked(ConnectRecord record);

  std::string field_;
  Form target_ = Form::kTimestamp;
  std::optional<transforms_internal::JavaDateFormat> format_;
  std::string precision_;
  bool replace_null_with_default_ = true;
};

}  // namespace ck::runtime

#endif  // CK_RUNTIME_TRANSFORMS_TIMESTAMP_CONVERTER_H_
