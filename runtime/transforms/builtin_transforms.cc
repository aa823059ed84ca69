// The built-in transformations' plugin definition (see builtin_transforms.h for the list).
#include "runtime/transforms/builtin_transforms.h"

#include <string>

#include "ck/plugin.h"
#include "runtime/transforms/cast.h"
#include "runtime/transforms/extract_new_record_state.h"
#include "runtime/transforms/field_transforms.h"
#include "runtime/transforms/outbox_event_router.h"
#include "runtime/transforms/predicates.h"
#include "runtime/transforms/record_transforms.h"
#include "runtime/transforms/timestamp_converter.h"

namespace {

constexpr char kVersion[] = "0.1.0";

std::string Smt(const char* name) {
  return std::string("org.apache.kafka.connect.transforms.") + name;
}

// Registers the $Key and $Value variants of a field transformation.
template <template <typename> class T>
void AddPair(ck::PluginDefinition& plugin, const char* name, const char* description) {
  using ck::runtime::transforms_internal::KeySide;
  using ck::runtime::transforms_internal::ValueSide;
  plugin.add<T<KeySide>>(Smt(name) + "$Key").description(std::string(description) + " (key)");
  plugin.add<T<ValueSide>>(Smt(name) + "$Value").description(std::string(description) + " (value)");
}

}  // namespace

CK_BUILTIN_PLUGIN(ck_builtin_transforms, plugin) {
  using namespace ck::runtime;  // NOLINT(google-build-using-namespace): the component types
  plugin.name("connectkit-builtin-transforms").version(kVersion);
  plugin.add<Filter>(Smt("Filter")).description("Drops every record (use with a predicate)");
  plugin.add<RegexRouter>(Smt("RegexRouter"))
      .description("Renames topics that match a regular expression");
  plugin.add<TimestampRouter>(Smt("TimestampRouter"))
      .description("Renames topics after the topic and the record timestamp");
  plugin.add<InsertHeader>(Smt("InsertHeader")).description("Adds a header with a literal value");
  plugin.add<DropHeaders>(Smt("DropHeaders")).description("Removes headers by name");
  plugin.add<ValueToKey>(Smt("ValueToKey")).description("Builds the key from value fields");
  AddPair<HeaderFrom>(plugin, "HeaderFrom", "Copies or moves fields into headers");
  AddPair<InsertField>(plugin, "InsertField", "Inserts record metadata or a static field");
  AddPair<ReplaceField>(plugin, "ReplaceField", "Filters and renames fields");
  AddPair<MaskField>(plugin, "MaskField", "Masks fields with an empty value or a replacement");
  AddPair<ExtractField>(plugin, "ExtractField", "Replaces the data by one of its fields");
  AddPair<HoistField>(plugin, "HoistField", "Wraps the data in a single-field struct or map");
  AddPair<SetSchemaMetadata>(plugin, "SetSchemaMetadata", "Sets the schema name and version");
  AddPair<Flatten>(plugin, "Flatten", "Flattens nested structs and maps into top-level fields");
  AddPair<Cast>(plugin, "Cast", "Casts the data or some of its fields to another primitive type");
  AddPair<TimestampConverter>(plugin, "TimestampConverter",
                              "Converts timestamps between strings, Unix epochs and logical types");
  plugin.add<ExtractNewRecordState>("io.debezium.transforms.ExtractNewRecordState")
      .description("Flattens Debezium change events to their row state (event flattening)");
  plugin.add<OutboxEventRouter>("io.debezium.transforms.outbox.EventRouter")
      .description("Routes outbox-table change events as the events they carry");
  plugin.add<TopicNameMatches>(Smt("predicates.TopicNameMatches"))
      .description("Matches records whose topic matches a regular expression");
  plugin.add<HasHeaderKey>(Smt("predicates.HasHeaderKey"))
      .description("Matches records with a header of a given name");
  plugin.add<RecordIsTombstone>(Smt("predicates.RecordIsTombstone"))
      .description("Matches records whose value is null");
}
