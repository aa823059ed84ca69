// Prometheus exposition of worker metrics (see the header).
#include "runtime/rest/metrics.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

namespace ck::runtime {
namespace {

// Label values escaped as the exposition format asks: backslash, quote and newline.
std::string Escape(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string Number(double value) {
  char text[64];
  std::snprintf(text, sizeof text, "%.17g", value);
  return text;
}

// Collects samples per metric, so each metric's HELP and TYPE come once, before its samples.
class Exposition {
 public:
  void Add(const std::string& name, const char* type, const std::string& help,
           const std::string& labels, double value) {
    auto [it, added] = metrics_.try_emplace(name);
    if (added) {
      order_.push_back(name);
      it->second.header = "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
    }
    it->second.samples +=
        name + (labels.empty() ? "" : "{" + labels + "}") + " " + Number(value) + "\n";
  }
  std::string Text() const {
    std::string out;
    for (const std::string& name : order_) {
      const Metric& m = metrics_.at(name);
      out += m.header + m.samples;
    }
    return out;
  }

 private:
  struct Metric {
    std::string header;
    std::string samples;
  };
  std::vector<std::string> order_;
  std::map<std::string, Metric> metrics_;
};

std::string Lower(const char* text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

int64_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  int64_t size = 0;
  int64_t resident = 0;
  statm >> size >> resident;
  return resident * sysconf(_SC_PAGESIZE);
}

int CountEntries(const char* dir) {
  int count = 0;
  if (DIR* d = opendir(dir)) {
    while (const dirent* e = readdir(d)) count += e->d_name[0] != '.';
    closedir(d);
  }
  return count;
}

double StartTimeSeconds() {
  // Field 22 of /proc/self/stat: start time in clock ticks after boot.
  std::ifstream stat("/proc/self/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  std::istringstream fields(text.substr(text.rfind(')') + 2));
  std::string field;
  for (int i = 3; i <= 22 && fields >> field; ++i) {
  }
  std::ifstream uptime_file("/proc/uptime");
  double uptime = 0;
  uptime_file >> uptime;
  const double boot = static_cast<double>(time(nullptr)) - uptime;
  return boot + std::stod(field.empty() ? "0" : field) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

}  // namespace

double MetricsRenderer::Rate(const std::string& key, int64_t value,
                             std::chrono::steady_clock::time_point now) {
  auto it = previous_.find(key);
  double rate = 0;
  if (it != previous_.end()) {
    const double seconds = std::chrono::duration<double>(now - it->second.first).count();
    if (seconds > 0 && value >= it->second.second) {
      rate = static_cast<double>(value - it->second.second) / seconds;
    }
  }
  previous_[key] = {now, value};
  return rate;
}

std::string MetricsRenderer::Render(const std::vector<ConnectorSnapshot>& connectors) {
  std::lock_guard lock(mu_);
  const auto now = std::chrono::steady_clock::now();
  Exposition out;
  int tasks = 0;
  for (const ConnectorSnapshot& c : connectors) tasks += static_cast<int>(c.tasks.size());
  out.Add("kafka_connect_connect_worker_metrics_connector_count", "gauge",
          "The number of connectors run in this worker.", "",
          static_cast<double>(connectors.size()));
  out.Add("kafka_connect_connect_worker_metrics_task_count", "gauge",
          "The number of tasks run in this worker.", "", tasks);
  std::set<std::string> live;
  for (const ConnectorSnapshot& c : connectors) {
    const std::string connector = "connector=\"" + Escape(c.name) + "\"";
    std::map<TaskState, int> by_state;
    for (const TaskSnapshot& t : c.tasks) ++by_state[t.status.state];
    for (auto [state, metric] :
         {std::pair{TaskState::kRunning, "running"}, std::pair{TaskState::kPaused, "paused"},
          std::pair{TaskState::kFailed, "failed"}, std::pair{TaskState::kUnassigned, "unassigned"},
          std::pair{TaskState::kRestarting, "restarting"}}) {
      out.Add(
          std::string("kafka_connect_connect_worker_metrics_connector_") + metric + "_task_count",
          "gauge", std::string("The number of ") + metric + " tasks of the connector.", connector,
          by_state[state]);
    }
    out.Add("kafka_connect_connect_worker_metrics_connector_total_task_count", "gauge",
            "The number of tasks of the connector.", connector,
            static_cast<double>(c.tasks.size()));
    out.Add("kafka_connect_connector_metrics_connector_info", "gauge",
            "The connector's class, version and type (the value is always 1).",
            connector + ",connector_class=\"" + Escape(c.class_name) + "\",connector_version=\"" +
                Escape(c.version) + "\",connector_type=\"" + c.type + "\"",
            1);
    out.Add("kafka_connect_connector_metrics_status", "gauge",
            "The connector's status (the value is always 1).",
            connector + ",status=\"" + Lower(TaskStateName(c.status.state)) + "\"", 1);
    for (const TaskSnapshot& t : c.tasks) {
      const std::string labels = connector + ",task=\"" + std::to_string(t.task) + "\"";
      const std::string key = c.name + "|" + std::to_string(t.task) + "|";
      out.Add("kafka_connect_connector_task_metrics_status", "gauge",
              "The task's status (the value is always 1).",
              labels + ",status=\"" + Lower(TaskStateName(t.status.state)) + "\"", 1);
      out.Add("kafka_connect_connector_task_metrics_offset_commit_completion_total", "counter",
              "Offset commits that completed.", labels, static_cast<double>(t.commits));
      out.Add("kafka_connect_connector_task_metrics_offset_commit_skip_total", "counter",
              "Offset commits skipped because there was nothing new to commit.", labels,
              static_cast<double>(t.commits_skipped));
      const double batch_ms =
          t.batches == 0 ? 0 : static_cast<double>(t.batch_time_us) / 1000.0 / t.batches;
      if (c.type == "source") {
        out.Add("kafka_connect_source_task_metrics_source_record_poll_total", "counter",
                "Records produced or polled by the task, before transformations.", labels,
                static_cast<double>(t.records_in));
        out.Add("kafka_connect_source_task_metrics_source_record_poll_rate", "gauge",
                "Records polled per second since the previous scrape.", labels,
                Rate(key + "poll", t.records_in, now));
        out.Add("kafka_connect_source_task_metrics_source_record_write_total", "counter",
                "Records written to Kafka (acknowledged), after transformations.", labels,
                static_cast<double>(t.records_out));
        out.Add("kafka_connect_source_task_metrics_source_record_write_rate", "gauge",
                "Records written per second since the previous scrape.", labels,
                Rate(key + "write", t.records_out, now));
        out.Add("kafka_connect_source_task_metrics_poll_batch_avg_time_ms", "gauge",
                "Average time in milliseconds of a poll() that returned records.", labels,
                batch_ms);
      } else {
        out.Add("kafka_connect_sink_task_metrics_sink_record_read_total", "counter",
                "Records read from Kafka, before transformations.", labels,
                static_cast<double>(t.records_in));
        out.Add("kafka_connect_sink_task_metrics_sink_record_read_rate", "gauge",
                "Records read per second since the previous scrape.", labels,
                Rate(key + "read", t.records_in, now));
        out.Add("kafka_connect_sink_task_metrics_sink_record_send_total", "counter",
                "Records handed to put(), after transformations.", labels,
                static_cast<double>(t.records_out));
        out.Add("kafka_connect_sink_task_metrics_sink_record_send_rate", "gauge",
                "Records handed to put() per second since the previous scrape.", labels,
                Rate(key + "send", t.records_out, now));
        out.Add("kafka_connect_sink_task_metrics_put_batch_avg_time_ms", "gauge",
                "Average time in milliseconds of a put().", labels, batch_ms);
      }
      const std::pair<const char*, int64_t> errors[] = {
          {"total_record_errors", t.record_errors},
          {"total_record_failures", t.record_failures},
          {"total_records_skipped", t.records_skipped},
          {"total_retries", t.retries},
          {"total_errors_logged", t.errors_logged},
          {"deadletterqueue_produce_requests", t.dlq_requests},
          {"deadletterqueue_produce_failures", t.dlq_failures},
      };
      for (const auto& [name, value] : errors) {
        out.Add(std::string("kafka_connect_task_error_metrics_") + name, "counter",
                "Kafka Connect's task-error-metrics " + std::string(name) + ".", labels,
                static_cast<double>(value));
      }
      out.Add("kafka_connect_task_error_metrics_last_error_timestamp", "gauge",
              "When the last error happened (ms since the epoch), or -1.", labels,
              static_cast<double>(t.last_error_ms));
      live.insert(key);
    }
  }
  // Forget the rates of tasks that are gone.
  for (auto it = previous_.begin(); it != previous_.end();) {
    const std::string task_key = it->first.substr(0, it->first.rfind('|') + 1);
    it = live.count(task_key) != 0 ? std::next(it) : previous_.erase(it);
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const double cpu = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                     static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  out.Add("process_cpu_seconds_total", "counter", "User and system CPU time spent in seconds.", "",
          cpu);
  out.Add("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.", "",
          static_cast<double>(ResidentBytes()));
  out.Add("process_threads", "gauge", "Threads of the process.", "",
          CountEntries("/proc/self/task"));
  out.Add("process_open_fds", "gauge", "Open file descriptors.", "", CountEntries("/proc/self/fd"));
  out.Add("process_start_time_seconds", "gauge",
          "Start time of the process since the epoch in seconds.", "", StartTimeSeconds());
  return out.Text();
}

}  // namespace ck::runtime
