// libFuzzer target for the REST API's request handling: routing, percent-decoding, query flags,
// JSON bodies, validation and every connector operation, against a worker on the embedded Kafka
// with a minimal source connector. Input: the first line is "METHOD /path?query", the rest is the
// body. RestApi::Handle must answer every input with a status code and a JSON error body, never
// crash or throw. Run with `./ck fuzz rest [seconds]`; tests/... run the seed corpus.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "ck/plugin.h"
#include "runtime/cli/builtins.h"
#include "runtime/rest/rest_api.h"
#include "runtime/worker/runtime_host.h"

namespace {

// A source connector whose tasks produce nothing: lets create, pause, restart, stop and offsets
// run without traffic.
class IdleConnector : public ck::SourceConnector {
 public:
  std::string version() const override { return "1.0"; }
  ck::ConfigDef config() const override {
    ck::ConfigDef def;
    def.define(ck::ConfigDef::Key("topic", ck::ConfigType::kString).doc("Topic"));
    def.define(ck::ConfigDef::Key("secret", ck::ConfigType::kPassword)
                   .default_value(nullptr)
                   .doc("A password"));
    return def;
  }
  void start(const ck::ConfigMap&) override {}
  std::vector<ck::ConfigMap> task_configs(int max_tasks) override {
    return std::vector<ck::ConfigMap>(static_cast<size_t>(max_tasks));
  }
  void stop() override {}
};

class IdleTask : public ck::SourceTask {
 public:
  std::string version() const override { return "1.0"; }
  void start(const ck::ConfigMap&) override {}
  std::vector<ck::SourceRecord> poll() override {
    // Idle as real sources are: waiting, not spinning (a spinning task thread would allocate
    // all the time, and libFuzzer's in-process leak check would catch its batches in flight).
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    return {};
  }
  void stop() override {}
};

}  // namespace

CK_BUILTIN_PLUGIN(rest_fuzz_components, plugin) {
  plugin.name("rest-fuzz").version("1.0");
  plugin.add<IdleConnector>("fuzz.IdleConnector").task("fuzz.IdleTask");
  plugin.add<IdleTask>("fuzz.IdleTask");
}

namespace ck::runtime {
namespace {

struct Fixture {
  PluginRegistry registry{RuntimeHostTable()};
  std::unique_ptr<Worker> worker;
  std::unique_ptr<RestApi> api;
  Fixture() {
    RegisterBuiltins(registry, BuiltinBundles());
    registry.AddBuiltin(&rest_fuzz_components);
    const std::string dir =
        std::filesystem::temp_directory_path() / ("ck-rest-fuzz-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    SetLogLevel(Level::kError);
    worker = std::make_unique<Worker>(Properties{{"offset.storage.file.filename", dir + "/offsets"},
                                                 {"task.shutdown.graceful.timeout.ms", "1000"}},
                                      registry);
    api = std::make_unique<RestApi>(*worker, registry, "fuzz:8083");
  }
};

HttpRequest Parse(std::string_view input) {
  HttpRequest request;
  const size_t eol = input.find('\n');
  const std::string_view line = input.substr(0, eol);
  request.body = eol == std::string_view::npos ? "" : std::string(input.substr(eol + 1));
  const size_t space = line.find(' ');
  request.method = std::string(line.substr(0, space));
  std::string_view target = space == std::string_view::npos ? "/" : line.substr(space + 1);
  const size_t question = target.find('?');
  request.path = std::string(target.substr(0, question));
  if (question != std::string_view::npos) {
    std::string_view query = target.substr(question + 1);
    while (!query.empty()) {
      const size_t amp = query.find('&');
      const std::string_view pair = query.substr(0, amp);
      const size_t eq = pair.find('=');
      request.query.emplace(std::string(pair.substr(0, eq)),
                            eq == std::string_view::npos ? "" : std::string(pair.substr(eq + 1)));
      query = amp == std::string_view::npos ? "" : query.substr(amp + 1);
    }
  }
  return request;
}

}  // namespace
}  // namespace ck::runtime

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ck::runtime;
  static Fixture* fixture = new Fixture();  // lives for the whole run
  const HttpResponse response =
      fixture->api->Handle(Parse(std::string_view(reinterpret_cast<const char*>(data), size)));
  if (response.status < 200 || response.status > 599) __builtin_trap();
  if (response.status >= 400) {
    const nlohmann::json body = nlohmann::json::parse(response.body, nullptr, false);
    if (!body.is_object() || body.value("error_code", 0) != response.status ||
        !body.contains("message")) {
      __builtin_trap();  // every error carries Kafka Connect's error body
    }
  }
  // Keep the worker small: at most a few connectors at a time.
  if (fixture->worker->Connectors().size() > 4) {
    for (const std::string& name : fixture->worker->Connectors()) {
      fixture->worker->DeleteConnector(name);
    }
  }
  return 0;
}
