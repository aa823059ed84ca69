// The datagen plugin's entry point: registers the datagen source connector and its task.
#include "ck/plugin.h"

#include "reference-connectors/datagen/datagen_source.h"
#include "reference-connectors/datagen/version.h"

CK_PLUGIN(plugin) {
  using namespace ck::datagen;
  plugin.name("datagen").version(kDatagenVersion);
  plugin.add<DatagenSourceConnector>(kConnectorClass)
      .alias("Datagen")
      .alias("DatagenSource")
      .description("Generates deterministic, sequence-numbered orders at a configurable rate")
      .task(kTaskClass);
  plugin.add<DatagenSourceTask>(kTaskClass);
}
