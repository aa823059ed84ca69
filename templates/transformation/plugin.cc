// The plugin's entry point: the one exported symbol, listing the plugin's components.
#include "ck/plugin.h"

#include "transformation.h"
#include "version.h"

CK_PLUGIN(plugin) {
  using namespace __NAMESPACE__;
  plugin.name("__NAME__").version(kVersion);
  plugin.add<__CLASS__>(kTransformationClass)
      .description("Upper-cases the value or a field of it (an example to replace)");
}
