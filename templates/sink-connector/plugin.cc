// The plugin's entry point: the one exported symbol, listing the plugin's components.
#include "ck/plugin.h"

#include "sink_connector.h"
#include "version.h"

CK_PLUGIN(plugin) {
  using namespace __NAMESPACE__;
  plugin.name("__NAME__").version(kVersion);
  plugin.add<__CLASS__SinkConnector>(kConnectorClass)
      .alias("__CLASS__Sink")
      .description("Appends one line per record to a file (an example to replace)")
      .task(kTaskClass);
  plugin.add<__CLASS__SinkTask>(kTaskClass);
}
