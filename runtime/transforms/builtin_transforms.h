// The runtime's built-in single message transformations and predicates (Kafka's
// org.apache.kafka.connect.transforms.*), bundled as a plugin that the runtime registers exactly as
// it registers an external plugin's entry point (CK_BUILTIN_PLUGIN, sdk/include/ck/plugin.h).
//
// Components carry Kafka's class names, so connector configs run unchanged; the registry computes
// the short aliases. Transformations: Filter, RegexRouter, TimestampRouter, InsertHeader,
// DropHeaders, ValueToKey, and the $Key/$Value pairs of HeaderFrom, InsertField, ReplaceField,
// MaskField, ExtractField, HoistField, SetSchemaMetadata, Flatten, Cast and
// TimestampConverter. Predicates (in
// .predicates): TopicNameMatches, HasHeaderKey, RecordIsTombstone.
#ifndef CK_RUNTIME_TRANSFORMS_BUILTIN_TRANSFORMS_H_
#define CK_RUNTIME_TRANSFORMS_BUILTIN_TRANSFORMS_H_

#include "ck/abi/ck_abi.h"

/// The built-in transformations' plugin descriptor (never null), to register like
/// ck_plugin_entry_v1() of an external plugin.
extern "C" const ck_plugin* ck_builtin_transforms(void);

#endif  // CK_RUNTIME_TRANSFORMS_BUILTIN_TRANSFORMS_H_
