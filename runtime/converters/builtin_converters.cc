// The built-in converters' plugin definition (see builtin_converters.h for the component list and
// why each header role is a component of its own).
#include "runtime/converters/builtin_converters.h"

#include <string>

#include "ck/plugin.h"
#include "runtime/converters/byte_array_converter.h"
#include "runtime/converters/json_converter.h"
#include "runtime/converters/simple_header_converter.h"
#include "runtime/converters/string_converter.h"

namespace {

constexpr char kVersion[] = "0.1.0";
constexpr char kJson[] = "org.apache.kafka.connect.json.JsonConverter";
constexpr char kString[] = "org.apache.kafka.connect.storage.StringConverter";
constexpr char kByteArray[] = "org.apache.kafka.connect.converters.ByteArrayConverter";
constexpr char kSimpleHeader[] = "org.apache.kafka.connect.storage.SimpleHeaderConverter";

std::string HeaderRole(const char* java_class) { return std::string(java_class) + "$Header"; }

}  // namespace

CK_BUILTIN_PLUGIN(ck_builtin_converters, plugin) {
  using namespace ck::runtime;  // NOLINT(google-build-using-namespace): the component types
  plugin.name("connectkit-builtin-converters").version(kVersion);
  plugin.add<JsonConverter>(kJson)
      .alias("JsonConverter")
      .alias("Json")
      .description("JSON with an optional schema envelope, byte-compatible with Kafka's");
  plugin.add<JsonHeaderConverter>(HeaderRole(kJson))
      .alias(kJson)
      .alias("JsonConverter")
      .alias("Json")
      .description("JsonConverter for header values");
  plugin.add<StringConverter>(kString)
      .alias("StringConverter")
      .alias("String")
      .description("Values as UTF-8 text; reads an optional string");
  plugin.add<StringHeaderConverter>(HeaderRole(kString))
      .alias(kString)
      .alias("StringConverter")
      .alias("String")
      .description("StringConverter for header values");
  plugin.add<ByteArrayConverter>(kByteArray)
      .alias("ByteArrayConverter")
      .alias("ByteArray")
      .description("Bytes passed through unchanged");
  plugin.add<ByteArrayHeaderConverter>(HeaderRole(kByteArray))
      .alias(kByteArray)
      .alias("ByteArrayConverter")
      .alias("ByteArray")
      .description("ByteArrayConverter for header values");
  plugin.add<SimpleHeaderConverter>(kSimpleHeader)
      .alias("SimpleHeaderConverter")
      .alias("Simple")
      .description("Header values as text, read back with schema inference (the default)");
}
