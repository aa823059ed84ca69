// The plugin's entry point: the one exported symbol, listing the plugin's components.
#include "ck/plugin.h"

#include "source_connector.h"
#include "version.h"

CK_PLUGIN(plugin) {
  using namespace __NAMESPACE__;
  plugin.name("__NAME__").version(kVersion);
  plugin.add<__CLASS__SourceConnector>(kConnectorClass)
      .alias("__CLASS__Source")
      .description("Writes numbered messages to a topic (an example to replace)")
      .task(kTaskClass);
  plugin.add<__CLASS__SourceTask>(kTaskClass);
}
