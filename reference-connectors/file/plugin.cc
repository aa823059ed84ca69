// The file plugin's entry point: registers the file source and sink connectors and their tasks
// under Kafka's class names, so connector configs written for Kafka Connect load them unchanged.
#include "ck/plugin.h"

#include "reference-connectors/file/file_sink.h"
#include "reference-connectors/file/file_source.h"
#include "reference-connectors/file/version.h"

CK_PLUGIN(plugin) {
  using namespace ck::file;
  plugin.name("file").version(kFileConnectorVersion);
  plugin.add<FileStreamSourceConnector>(kSourceConnectorClass)
      .alias("FileStreamSource")
      .description("Reads the lines of a file (or standard input) into a topic")
      .task(kSourceTaskClass);
  plugin.add<FileStreamSourceTask>(kSourceTaskClass);
  plugin.add<FileStreamSinkConnector>(kSinkConnectorClass)
      .alias("FileStreamSink")
      .description("Writes record values to a file (or standard output), one per line")
      .task(kSinkTaskClass);
  plugin.add<FileStreamSinkTask>(kSinkTaskClass);
}
