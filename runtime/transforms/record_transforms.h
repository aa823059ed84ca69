// Kafka's built-in transformations that act on the record as a whole or on its headers: Filter,
// RegexRouter, TimestampRouter, InsertHeader, DropHeaders and HeaderFrom$Key/$Value.
#ifndef CK_RUNTIME_TRANSFORMS_RECORD_TRANSFORMS_H_
#define CK_RUNTIME_TRANSFORMS_RECORD_TRANSFORMS_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ck/transformation.h"
#include "runtime/transforms/java_date_format.h"
#include "runtime/transforms/java_regex.h"
#include "runtime/transforms/transform_support.h"

namespace ck::runtime {

/// Filter: drops every record it is applied to (use it with a predicate).
class Filter : public ViewTransformation {
 public:
  ConfigDef config() const override { return ConfigDef(); }
  void configure(const ConfigMap&) override {}
  bool transform(const RecordView&, RecordEditor&) override { return false; }
};

/// RegexRouter: when the whole topic matches `regex` (Java syntax), renames it to `replacement`
/// ($n = group n, ${name} = named group), as Matcher.replaceFirst. The new name is computed once
/// per distinct topic.
class RegexRouter : public ViewTransformation {
 public:
  ConfigDef config() const override;
  void configure(const ConfigMap& props) override;
  bool transform(const RecordView& in, RecordEditor& out) override;

 private:
  std::unique_ptr<transforms_internal::JavaRegex> regex_;
  std::string replacement_;
  transforms_internal::TopicMemo<std::optional<std::string>> routes_;  // topic -> new topic
};

/// TimestampRouter: renames the topic to `topic.format` with ${topic} and ${timestamp} (the record
/// timestamp in `timestamp.format`, UTC) substituted.
class TimestampRouter : public ViewTransformation {
 public:
  ConfigDef config() const override;
  void configure(const ConfigMap& props) override;
  bool transform(const RecordView& in, RecordEditor& out) override;

 private:
  std::string topic_format_;
  std::optional<transforms_internal::JavaDateFormat> timestamp_format_;
};

/// InsertHeader: adds header `header` with the literal `value.literal` (its schema inferred).
class InsertHeader : public ViewTransformation {
 public:
  ConfigDef config() const override;
  void configure(const ConfigMap& props) override;
  bool transform(const RecordView& in, RecordEditor& out) override;

 private:
  std::string header_;
  SchemaAndValue literal_;
};

/// DropHeaders: removes every header whose key is listed in `headers`.
class DropHeaders : public ViewTransformation {
 public:
  ConfigDef config() const override;
  void configure(const ConfigMap& props) override;
  bool transform(const RecordView& in, RecordEditor& out) override;

 private:
  std::vector<std::string> headers_;
};

/// HeaderFrom$Key / HeaderFrom$Value: copies or moves fields of the key or value into headers.
template <typename Side>
class HeaderFrom : public Transformation {
 public:
  ConfigDef config() const override;
  void configure(const ConfigMap& props) override;
  std::optional<ConnectRecord> apply(ConnectRecord record) override;

 private:
  std::vector<std::string> fields_;
  std::vector<std::string> headers_;
  bool move_ = false;
  bool replace_null_with_default_ = true;
};

}  // namespace ck::runtime

#endif  // CK_RUNTIME_TRANSFORMS_RECORD_TRANSFORMS_H_
