// Topic creation for source connectors (KIP-158): `topic.creation.groups`, and for each group
// (the implicit `default` group first matching every topic) `topic.creation.<group>.include`,
// `.exclude` (comma-separated regular expressions), `.replication.factor`, `.partitions` (-1 =
// the broker's default) and any other `topic.creation.<group>.<topic config>`. A topic is created
// by the first listed group whose include matches and exclude does not, else by `default`, before
// the first record is produced to it. Topic creation is on when the worker's
// `topic.creation.enable` (default true) is and the connector sets
// `topic.creation.default.replication.factor` and `topic.creation.default.partitions`.
#ifndef CK_RUNTIME_WORKER_TOPIC_CREATION_H_
#define CK_RUNTIME_WORKER_TOPIC_CREATION_H_

#include <librdkafka/rdkafka.h>
#include <regex.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runtime/worker/connector_config.h"

namespace ck::runtime {

/// The topic creation rules of one connector.
class TopicCreation {
 public:
  /// The rules of `connector`, or std::nullopt when topic creation is off. Throws ConfigFileError
  /// naming the key and value for a bad number or regular expression.
  static std::optional<TopicCreation> FromConfig(const Properties& worker,
                                                 const Properties& connector);

  /// Creates `topic` with the settings of the group that claims it, through the admin API of
  /// `client`. An existing topic is fine. Returns the error text on failure, or "" on success.
  std::string Create(rd_kafka_t* client, const std::string& topic) const;

  /// The group that claims `topic`.
  const std::string& GroupFor(const std::string& topic) const;

 private:
  struct Pattern {
    explicit Pattern(const std::string& text);
    ~Pattern() { regfree(&regex); }
    Pattern(const Pattern&) = delete;
    Pattern& operator=(const Pattern&) = delete;
    bool Matches(const std::string& topic) const;
    regex_t regex;
  };
  struct Group {
    std::string name;
    std::vector<std::shared_ptr<Pattern>> include;
    std::vector<std::shared_ptr<Pattern>> exclude;
    int partitions = -1;
    int replication_factor = -1;
    std::map<std::string, std::string> configs;
  };
  const Group& Claim(const std::string& topic) const;

  std::vector<Group> groups_;  // listed groups in order, then `default`
};

}  // namespace ck::runtime

#endif  // CK_RUNTIME_WORKER_TOPIC_CREATION_H_
