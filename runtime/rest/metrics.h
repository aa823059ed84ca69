// Prometheus text exposition (format 0.0.4) of a worker's metrics, named after Kafka Connect's
// metric groups and metrics: `kafka_connect_<group>_<metric>` with dashes as underscores, e.g.
// kafka_connect_source_task_metrics_source_record_poll_total{connector="c",task="0"}. Groups:
// connect_worker_metrics, connector_metrics, connector_task_metrics, source_task_metrics,
// sink_task_metrics and task_error_metrics; plus the usual process_* metrics (resident memory,
// CPU seconds, threads, open file descriptors, start time).
//
// Kafka's `-rate` metrics are per-second rates over a window; here they are the rate since the
// previous scrape (0 on the first one), which is what Prometheus users expect of a gauge that
// rate() would otherwise compute from the `-total` counter.
#ifndef CK_RUNTIME_REST_METRICS_H_
#define CK_RUNTIME_REST_METRICS_H_

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "runtime/worker/worker.h"

namespace ck::runtime {

/// Renders metrics; remembers the previous scrape's counters for the rates. Thread-safe.
class MetricsRenderer {
 public:
  /// The exposition text for `connectors`.
  std::string Render(const std::vector<ConnectorSnapshot>& connectors);

 private:
  // The rate of counter `key` now at `value`.
  double Rate(const std::string& key, int64_t value, std::chrono::steady_clock::time_point now);

  std::mutex mu_;
  std::map<std::string, std::pair<std::chrono::steady_clock::time_point, int64_t>> previous_;
};

}  // namespace ck::runtime

#endif  // CK_RUNTIME_REST_METRICS_H_
