// RestApi::Handle without a socket: what the HTTP tests cannot time or reach — requests during
// shutdown, malformed paths, PASSWORD masking in validation, Prometheus exposition details.
#include "runtime/rest/rest_api.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "ck/plugin.h"
#include "runtime/cli/builtins.h"
#include "runtime/worker/runtime_host.h"

namespace {

class SecretConnector : public ck::SourceConnector {
 public:
  std::string version() const override { return "2.0"; }
  ck::ConfigDef config() const override {
    ck::ConfigDef def;
    def.define(ck::ConfigDef::Key("password", ck::ConfigType::kPassword).doc("The password"));
    def.define(ck::ConfigDef::Key("port", ck::ConfigType::kInt)
                   .default_value(int32_t{5432})
                   .doc("The port"));
    return def;
  }
  void start(const ck::ConfigMap&) override {}
  std::vector<ck::ConfigMap> task_configs(int) override { return {}; }
  void stop() override {}
};

class IdleTask : public ck::SourceTask {
 public:
  std::string version() const override { return "2.0"; }
  void start(const ck::ConfigMap&) override {}
  std::vector<ck::SourceRecord> poll() override { return {}; }
  void stop() override {}
};

}  // namespace

CK_BUILTIN_PLUGIN(rest_api_test_components, plugin) {
  plugin.name("rest-api-test").version("2.0");
  plugin.add<SecretConnector>("test.SecretConnector").task("test.IdleTask");
  plugin.add<IdleTask>("test.IdleTask");
}

namespace ck::runtime {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;

class RestApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RegisterBuiltins(registry_, BuiltinBundles());
    registry_.AddBuiltin(&rest_api_test_components);
    char tmpl[] = "/tmp/ck-rest-XXXXXX";
    dir_ = mkdtemp(tmpl);
    worker_ = std::make_unique<Worker>(
        Properties{{"offset.storage.file.filename", dir_ + "/offsets"}}, registry_);
    api_ = std::make_unique<RestApi>(*worker_, registry_, "host:8083");
  }
  void TearDown() override {
    api_.reset();
    worker_.reset();
    std::filesystem::remove_all(dir_);
  }
  HttpResponse Call(const std::string& method, const std::string& path,
                    const std::string& body = "") {
    HttpRequest request{method, path, {}, body};
    const size_t q = path.find('?');
    if (q != std::string::npos) {
      request.path = path.substr(0, q);
      const std::string query = path.substr(q + 1);
      request.query.emplace(query.substr(0, query.find('=')), query.substr(query.find('=') + 1));
    }
    return api_->Handle(request);
  }

  PluginRegistry registry_{RuntimeHostTable()};
  std::string dir_;
  std::unique_ptr<Worker> worker_;
  std::unique_ptr<RestApi> api_;
};

TEST_F(RestApiTest, ValidationMasksPasswordsAndNamesEveryProblem) {
  const HttpResponse r = Call("PUT", "/connector-plugins/test.SecretConnector/config/validate",
                              R"({"name":"s","password":"hunter2","port":"http"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(r.body, Not(HasSubstr("hunter2")));
  const json infos = json::parse(r.body);
  EXPECT_EQ(infos["error_count"], 1);
  for (const auto& c : infos["configs"]) {
    if (c["definition"]["name"] == "password") {
      EXPECT_EQ(c["definition"]["type"], "PASSWORD");
      EXPECT_EQ(c["value"]["value"], "[hidden]");
    }
    if (c["definition"]["name"] == "port") {
      EXPECT_THAT(c["value"]["errors"][0].get<std::string>(), HasSubstr("Invalid value http"));
    }
  }
}

TEST_F(RestApiTest, ChangesDuringShutdownGet503AndReadsStillWork) {
  worker_->StopAll();
  HttpResponse r = Call("DELETE", "/connectors/x");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(json::parse(r.body)["error_code"], 503);
  EXPECT_THAT(r.body, HasSubstr("shutting down"));
  EXPECT_EQ(Call("PUT", "/connectors/x/pause").status, 503);
  EXPECT_EQ(Call("GET", "/connectors").status, 200);
  EXPECT_EQ(Call("GET", "/health").status, 200);
}

TEST_F(RestApiTest, MalformedRequestsGetKafkaConnectsErrorBody) {
  for (const auto& [method, path, body, status] :
       std::vector<std::tuple<std::string, std::string, std::string, int>>{
           {"GET", "/connectors/%zz", "", 400},
           {"GET", "/connectors/a%2Fb", "", 404},
           {"POST", "/connectors", "", 400},
           {"POST", "/connectors", "{\"name\":1}", 400},
           {"POST", "/connectors", "{\"name\":\"a\",\"config\":{\"x\":[1]}}", 400},
           {"POST", "/connectors", "{\"name\":\"a\\u0001\",\"config\":{}}", 400},
           {"POST", "/connectors", "{\"name\":\"a\",\"initial_state\":\"DEAD\"}", 400},
           {"GET", "/connectors/a/tasks/-1/status", "", 404},
           {"GET", "/connectors/a/tasks/x/status", "", 404},
           {"PATCH", "/connectors/a", "", 405},
           {"PUT", "/metrics", "", 405},
           {"GET", "/admin/loggers/none", "", 404},
           {"GET", "/connector-plugins/Nope/config", "", 404},
       }) {
    const HttpResponse r = Call(method, path, body);
    EXPECT_EQ(r.status, status) << method << " " << path << " " << body << ": " << r.body;
    const json error = json::parse(r.body);
    EXPECT_EQ(error["error_code"], status);
    EXPECT_TRUE(error["message"].is_string());
  }
}

TEST_F(RestApiTest, MetricsAreValidPrometheusText) {
  const HttpResponse r = Call("GET", "/metrics");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_THAT(r.body,
              HasSubstr("# TYPE kafka_connect_connect_worker_metrics_connector_count gauge\n"
                        "kafka_connect_connect_worker_metrics_connector_count 0\n"));
  EXPECT_THAT(r.body, HasSubstr("# TYPE process_cpu_seconds_total counter\n"));
  EXPECT_THAT(r.body, HasSubstr("process_resident_memory_bytes "));
  EXPECT_THAT(r.body, HasSubstr("process_start_time_seconds "));
  // Every sample line is "name[{labels}] value".
  std::istringstream lines(r.body);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#') continue;
    EXPECT_NE(line.rfind(' '), std::string::npos) << line;
  }
}

}  // namespace
}  // namespace ck::runtime
