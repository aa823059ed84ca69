// connectkit: the runtime's command line.
//
//   connectkit standalone worker.properties connector.(properties|json) ...
//   connectkit demo [--records N] [--plugin-path DIRS]
//   connectkit plugins list [--plugin-path DIRS] [--json]
//   connectkit new <kind> <name> [--dir DIR] [--package NS] [--connectkit DIR]
//
// Standalone runs connectors as Kafka Connect's connect-standalone does, with its REST API on
// `listeners` (default http://:8083), until SIGINT or SIGTERM, then stops every task within
// task.shutdown.graceful.timeout.ms, committing offsets.
// The demo runs a datagen source into the embedded Kafka and a file sink out of it, showing
// progress live, and checks that every generated record arrived exactly once.
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "runtime/cli/builtins.h"
#include "runtime/cli/new_project.h"
#include "runtime/plugins/plugins_command.h"
#include "runtime/rest/rest_api.h"
#include "runtime/rest/rest_server.h"
#include "runtime/worker/connector_config.h"
#include "runtime/worker/log.h"
#include "runtime/worker/worker.h"

namespace ck::runtime {
namespace {

volatile sig_atomic_t g_stop = 0;

void OnSignal(int) { g_stop = 1; }

void InstallSignalHandlers() {
  struct sigaction action {};
  action.sa_handler = &OnSignal;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

int Usage(FILE* out) {
  std::fputs(
      "usage: connectkit <command> [args]\n"
      "  standalone WORKER.properties CONNECTOR.(properties|json) ...\n"
      "                     run connectors in this process, as connect-standalone does\n"
      "  demo [--records N] [--plugin-path DIRS]\n"
      "                     datagen -> embedded Kafka -> file sink, with live progress\n"
      "  plugins list [--plugin-path DIRS] [--worker-config FILE] [--json]\n"
      "                     list every component without running plugin code\n"
      "  new <kind> <name> [--dir DIR] [--package NS] [--connectkit DIR]\n"
      "                     a plugin project (source-connector, sink-connector,\n"
      "                     transformation, converter) from the embedded templates\n",
      out);
  return out == stderr ? 2 : 0;
}

int Standalone(const std::vector<std::string>& args) {
  if (args.empty()) return Usage(stderr);
  Properties worker_config = ReadPropertiesFile(args[0]);
  PluginRegistry registry = LoadRegistry(
      worker_config["plugin.path"],
      worker_config.count("plugin.isolation") ? worker_config["plugin.isolation"] : "tier0");
  RestServer server(worker_config);
  Worker worker(worker_config, registry);
  RestApi api(worker, registry, server.worker_id());
  server.Start(api);
  InstallSignalHandlers();
  for (size_t i = 1; i < args.size(); ++i) {
    worker.StartConnector(ReadConnectorFile(args[i]).config);
  }
  while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  Log(Level::kInfo, "", "Stopping: finishing in-flight records and committing offsets");
  worker.StopAll();  // REST requests that would change connectors now get 503
  server.Stop();
  return 0;
}

// Counts the lines of `path` per task and checks that each task's sequence numbers are 0..n-1,
// each exactly once.
bool CheckSinkFile(const std::string& path, int tasks, int64_t per_task, std::string& report) {
  std::ifstream in(path);
  std::map<int, std::set<int64_t>> seen;
  int64_t lines = 0;
  int64_t duplicates = 0;
  std::string line;
  while (std::getline(in, line)) {
    ++lines;
    const nlohmann::json value = nlohmann::json::parse(line, nullptr, false);
    if (!value.is_object() || !value.contains("seq")) continue;
    if (!seen[value["task"].get<int>()].insert(value["seq"].get<int64_t>()).second) ++duplicates;
  }
  bool ok = duplicates == 0 && static_cast<int>(seen.size()) == tasks;
  for (const auto& [task, seqs] : seen) {
    const bool complete = static_cast<int64_t>(seqs.size()) == per_task && *seqs.begin() == 0 &&
                          *seqs.rbegin() == per_task - 1;
    ok = ok && complete;
  }
  report = std::to_string(lines) + " lines, " + std::to_string(duplicates) + " duplicates, " +
           std::to_string(seen.size()) + " task sequences " + (ok ? "complete" : "INCOMPLETE");
  return ok;
}

int Demo(const std::vector<std::string>& args) {
  int64_t per_task = 50000;
  std::string plugin_path;
  for (size_t i = 0; i + 1 < args.size(); i += 2) {
    if (args[i] == "--records") per_task = std::stoll(args[i + 1]) / 2;
    if (args[i] == "--plugin-path") plugin_path = args[i + 1];
  }
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("connectkit-demo-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string sink_file = (dir / "orders.jsonl").string();

  std::printf("ConnectKit demo: datagen (2 tasks x %lld records) -> embedded Kafka -> file sink\n",
              static_cast<long long>(per_task));
  PluginRegistry registry = LoadRegistry(plugin_path);
  Worker worker({{"offset.storage.file.filename", (dir / "connect.offsets").string()},
                 {"offset.flush.interval.ms", "1000"},
                 {"key.converter", "org.apache.kafka.connect.json.JsonConverter"},
                 {"value.converter", "org.apache.kafka.connect.json.JsonConverter"},
                 {"key.converter.schemas.enable", "false"},
                 {"value.converter.schemas.enable", "false"}},
                registry);
  worker.StartConnector({{"name", "orders-sink"},
                         {"connector.class", "FileStreamSink"},
                         {"topics", "demo-orders"},
                         {"file", sink_file},
                         // The JSON the source's converter wrote, as text: one object per line.
                         {"value.converter", "org.apache.kafka.connect.storage.StringConverter"}});
  worker.StartConnector({{"name", "orders-source"},
                         {"connector.class", "Datagen"},
                         {"kafka.topic", "demo-orders"},
                         {"tasks.max", "2"},
                         {"count", std::to_string(per_task)}});
  InstallSignalHandlers();
  const int64_t total = per_task * 2;
  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + std::chrono::seconds(120);
  int64_t last_delivered = 0;
  while (!g_stop && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    const ConnectorProgress source = worker.Progress("orders-source");
    const ConnectorProgress sink = worker.Progress("orders-sink");
    std::printf(
        "  produced %8lld  offsets committed %8lld  sink delivered %8lld  (%lld records/s)\n",
        static_cast<long long>(source.produced), static_cast<long long>(source.committed),
        static_cast<long long>(sink.delivered),
        static_cast<long long>(sink.delivered - last_delivered));
    std::fflush(stdout);
    last_delivered = sink.delivered;
    bool failed = false;
    for (const ConnectorStatus& s : worker.Status()) {
      for (const TaskStatus& t : s.tasks) {
        if (t.state == TaskState::kFailed) {
          std::printf("  %s task FAILED: %s\n", s.name.c_str(), t.trace.c_str());
          failed = true;
        }
      }
    }
    if (failed) break;
    if (sink.delivered >= total && source.committed >= total) break;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  worker.StopAll();
  std::string report;
  const bool ok = CheckSinkFile(sink_file, 2, per_task, report);
  std::printf("summary: %lld records generated, sink file %s: %s, in %.1f s\n",
              static_cast<long long>(total), sink_file.c_str(), report.c_str(), seconds);
  std::ifstream in(sink_file);
  std::string line;
  for (int i = 0; i < 2 && std::getline(in, line); ++i) std::printf("  %s\n", line.c_str());
  return ok ? 0 : 1;
}

int Main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "-h" || args[0] == "--help") {
    return Usage(args.empty() ? stderr : stdout);
  }
  const std::string command = args[0];
  args.erase(args.begin());
  try {
    if (command == "standalone") return Standalone(args);
    if (command == "demo") return Demo(args);
    if (command == "plugins") return RunPluginsCommand(args, BuiltinBundles());
    if (command == "new") return RunNewCommand(args);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "connectkit: %s\n", e.what());
    return 1;
  }
  std::fprintf(stderr, "connectkit: unknown command '%s'\n", command.c_str());
  return Usage(stderr);
}

}  // namespace
}  // namespace ck::runtime

int main(int argc, char** argv) { return ck::runtime::Main(argc, argv); }
