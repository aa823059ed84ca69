/* The library the isolation test plugins bundle, built in two versions (VERSIONED_LIB_VERSION)
 * that export the same symbol names and, when shared, have the same SONAME (libversioned.so.1).
 * A plugin reports which one it sees through fixture_plugin.c's PROBE_CALL. */
#define STRINGIFY(x) #x
#define VERSION_TEXT(x) "libversioned " STRINGIFY(x)

const char* versioned_lib_description(void);

const char* versioned_lib_description(void) { return VERSION_TEXT(VERSIONED_LIB_VERSION); }
