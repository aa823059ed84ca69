// The runtime's built-in converters, bundled as a plugin that the runtime registers exactly as it
// registers an external plugin's entry point (CK_BUILTIN_PLUGIN, sdk/include/ck/plugin.h).
//
// Components (kind, class name, aliases):
//   converter         org.apache.kafka.connect.json.JsonConverter            JsonConverter, Json
//   header_converter  org.apache.kafka.connect.json.JsonConverter$Header     + the Kafka class name
//   converter         org.apache.kafka.connect.storage.StringConverter       StringConverter,
//   String header_converter  org.apache.kafka.connect.storage.StringConverter$Header + the Kafka
//   name converter         org.apache.kafka.connect.converters.ByteArrayConverter
//   ByteArrayConverter,
//                                                                            ByteArray
//   header_converter  org.apache.kafka.connect.converters.ByteArrayConverter$Header + Kafka name
//   header_converter  org.apache.kafka.connect.storage.SimpleHeaderConverter SimpleHeaderConverter,
//                                                                            Simple
//
// Kafka's JsonConverter, StringConverter and ByteArrayConverter are each one Java class that is
// both a Converter and a HeaderConverter, and configs name that class for key.converter,
// value.converter and header.converter alike. The ABI gives a component one kind and class names
// are unique within a plugin, so each header role is its own component, named after the Java
// class with a "$Header" suffix (Java's inner-class spelling, like InsertField$Value) and carrying
// the plain Java class name and its short forms as aliases. A runtime that resolves
// header.converter among header-converter components by class name or alias therefore accepts
// Kafka configs unchanged.
#ifndef CK_RUNTIME_CONVERTERS_BUILTIN_CONVERTERS_H_
#define CK_RUNTIME_CONVERTERS_BUILTIN_CONVERTERS_H_

#include "ck/abi/ck_abi.h"

/// The built-in converters' plugin descriptor (never null), to register like
/// ck_plugin_entry_v1() of an external plugin.
extern "C" const ck_plugin* ck_builtin_converters(void);

#endif  // CK_RUNTIME_CONVERTERS_BUILTIN_CONVERTERS_H_
