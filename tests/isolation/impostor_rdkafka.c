/* A library that defines two of librdkafka's exported symbols with other behaviour. A plugin that
 * bundles it statically must see these, while the runtime, which links the real librdkafka, keeps
 * seeing its own: the symbols stay inside the plugin (ck_plugin() hides them). */
int rd_kafka_version(void);
const char* rd_kafka_version_str(void);

int rd_kafka_version(void) { return 0x09090900; }
const char* rd_kafka_version_str(void) { return "9.9.9-impostor"; }
