// Reading worker and connector configurations as Kafka Connect accepts them.
//
// Worker properties and connector configs come as Java .properties files or, for connectors, as
// the JSON body of Kafka Connect's REST API ({"name": ..., "config": {...}} or a flat object).
// Values may hold config provider placeholders, ${file:path:key}, ${env:VAR} and
// ${directory:path:file}, which are resolved when a connector or task starts; what the user wrote
// (the raw config) is kept for display, as Kafka Connect does.
#ifndef CK_RUNTIME_WORKER_CONNECTOR_CONFIG_H_
#define CK_RUNTIME_WORKER_CONNECTOR_CONFIG_H_

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>

namespace ck::runtime {

/// A configuration: key to string value, ordered by key.
using Properties = std::map<std::string, std::string>;

/// A configuration file or value that cannot be used; the message names the file or key, the bad
/// value and what is accepted.
class ConfigFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The value of `key` in `p`, or `fallback` when it is not set.
std::string GetOr(const Properties& p, const std::string& key, const std::string& fallback = "");

/// The integer value of `key` in `p`, or `fallback` when it is not set. Throws ConfigFileError
/// naming the key, the value and `what` (e.g. "connector x") when it is not an integer of at least
/// `min`.
int64_t GetLong(const Properties& p, const std::string& key, int64_t fallback, int64_t min,
                const std::string& what);

/// Parses Java .properties text: `key=value`, `key: value` or `key value`; `#` and `!` comments;
/// backslash line continuations; escapes \t \n \r \f \uXXXX and escaped separators. Later
/// duplicates win, as in java.util.Properties. `source` names the text in errors.
Properties ParseProperties(std::string_view text, std::string_view source);

/// Reads a .properties file. Throws ConfigFileError naming the path when it cannot be read.
Properties ReadPropertiesFile(const std::string& path);

/// A connector configuration file: its name and its settings.
struct ConnectorFile {
  std::string name;   ///< The connector name (`name`).
  Properties config;  ///< Every setting, including `name`.
};

/// Reads a connector config from a .properties file or a .json file shaped like the body of
/// POST /connectors ({"name":..,"config":{..}}) or like a flat config object. Values that are
/// JSON numbers or booleans are turned into their text. Throws ConfigFileError naming the file.
ConnectorFile ReadConnectorFile(const std::string& path);

/// Resolves config provider placeholders in every value: ${env:VAR}, ${file:path:key} (a key of
/// a .properties file) and ${directory:path:file} (the content of a file in a directory).
/// A placeholder whose provider is unknown is left as is, as Kafka does. Throws ConfigFileError
/// naming the key and the placeholder when the variable, file or key does not exist.
Properties ResolveConfigProviders(const Properties& config);

}  // namespace ck::runtime

#endif  // CK_RUNTIME_WORKER_CONNECTOR_CONFIG_H_
