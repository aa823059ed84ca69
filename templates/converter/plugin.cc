// The plugin's entry point: the one exported symbol, listing the plugin's components.
#include "ck/plugin.h"

#include "converter.h"
#include "version.h"

CK_PLUGIN(plugin) {
  using namespace __NAMESPACE__;
  plugin.name("__NAME__").version(kVersion);
  plugin.add<__CLASS__Converter>(kConverterClass)
      .description("Primitive values as prefixed UTF-8 text (an example to replace)");
}
