// Kafka Connect's REST API of the connectkit binary, over HTTP, against a real Apache Kafka broker
// (KRaft, from the testkit): a tutorial's curl calls, every endpoint, the error codes and
// messages, connectors surviving a worker restart, HTTP Basic authentication, Prometheus metrics,
// and a poison record going to the dead-letter queue (errors.tolerance=all) or failing the task
// (errors.tolerance=none).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "ck/testkit/kafka_cluster.h"
#include "testkit/services/local_service.h"

namespace {

using ck::testkit::KafkaCluster;
using ck::testkit::services_internal::ChildProcess;
using ck::testkit::services_internal::FileTail;
using ck::testkit::services_internal::ScratchDir;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;
using json = nlohmann::json;

std::string Runfile(const std::string& path) { return std::filesystem::absolute(path).string(); }

void WriteFile(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct Reply {
  int status = 0;
  json body;
  std::string text;
  std::string location;
};

class RestApiTest : public ::testing::Test {
 protected:
  // Fixed topic and connector names: a cluster of its own, never a shared one.
  static void SetUpTestSuite() { kafka_ = KafkaCluster::Start({.exclusive = true}).release(); }
  static void TearDownTestSuite() {
    delete kafka_;
    kafka_ = nullptr;
  }

  void SetUp() override {
    plugins_ = dir_.path() + "/plugins";
    std::filesystem::create_directories(plugins_);
    for (const char* tarball :
         {"reference-connectors/datagen/datagen.tar.gz", "reference-connectors/file/file.tar.gz"}) {
      std::filesystem::copy(Runfile(tarball), plugins_);
    }
  }

  std::string WorkerProperties(const std::string& extra = "") {
    std::string path = dir_.path() + "/worker.properties";
    WriteFile(path, "bootstrap.servers=" + kafka_->bootstrap_servers() +
                        "\noffset.storage.file.filename=" + dir_.path() +
                        "/connect.offsets\noffset.flush.interval.ms=200\nplugin.path=" + plugins_ +
                        "\nlisteners=http://127.0.0.1:0\n"
                        "key.converter=org.apache.kafka.connect.json.JsonConverter\n"
                        "value.converter=org.apache.kafka.connect.json.JsonConverter\n"
                        "key.converter.schemas.enable=false\n"
                        "value.converter.schemas.enable=false\n" +
                        extra);
    return path;
  }

  // Starts the worker and waits for its REST port.
  void StartWorker(const std::string& extra = "") {
    const std::string log = dir_.path() + "/worker.log";
    std::filesystem::remove(log);
    worker_ = ChildProcess::Spawn(
        {Runfile("runtime/cli/connectkit"), "standalone", WorkerProperties(extra)}, log);
    const std::string listening = "REST server listening on port ";
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    std::string text;
    size_t at;
    while ((at = (text = ReadFile(log)).find(listening)) == std::string::npos) {
      ASSERT_TRUE(worker_.Running()) << "the worker died: " << FileTail(log, 4000);
      ASSERT_LT(std::chrono::steady_clock::now(), deadline) << FileTail(log, 4000);
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    port_ = std::stoi(text.substr(at + listening.size()));
  }

  Reply Call(const std::string& method, const std::string& path, const std::string& body = "",
             const httplib::Headers& headers = {}) {
    httplib::Client client("127.0.0.1", port_);
    client.set_read_timeout(60, 0);
    auto send = [&]() {
      const char* type = "application/json";
      if (method == "DELETE") return client.Delete(path, headers, body, type);
      if (method == "POST") return client.Post(path, headers, body, type);
      if (method == "PUT") return client.Put(path, headers, body, type);
      if (method == "PATCH") return client.Patch(path, headers, body, type);
      return client.Get(path, headers);
    };
    httplib::Result result = send();
    Reply reply;
    if (!result) {
      ADD_FAILURE() << method << " " << path << ": no response ("
                    << httplib::to_string(result.error()) << ")";
      return reply;
    }
    reply.status = result->status;
    reply.text = result->body;
    reply.location = result->get_header_value("Location");
    reply.body = json::parse(result->body, nullptr, false);
    return reply;
  }

  // Waits until `done` holds, failing after 60 s with the worker's log.
  template <typename Done>
  void WaitFor(Done done, const std::string& what) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (!done()) {
      ASSERT_LT(std::chrono::steady_clock::now(), deadline)
          << "timed out waiting for " << what << "\n"
          << FileTail(dir_.path() + "/worker.log", 4000);
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }

  // Waits until the connector and `tasks` tasks are in `state`.
  void WaitForState(const std::string& name, const std::string& state, size_t tasks) {
    WaitFor(
        [&] {
          const Reply r = Call("GET", "/connectors/" + name + "/status");
          if (r.status != 200 || r.body["connector"]["state"] != state) return false;
          if (r.body["tasks"].size() != tasks) return false;
          for (const auto& t : r.body["tasks"]) {
            if (t["state"] != state) return false;
          }
          return true;
        },
        name + " " + state + " with " + std::to_string(tasks) + " task(s)");
  }

  json FileSource(const std::string& topic, const std::string& file) {
    return {{"connector.class", "FileStreamSource"},
            {"topic", topic},
            {"file", file},
            {"value.converter", "org.apache.kafka.connect.storage.StringConverter"}};
  }

  static KafkaCluster* kafka_;
  ScratchDir dir_{"ck-rest"};
  std::string plugins_;
  ChildProcess worker_;
  int port_ = 0;
};

KafkaCluster* RestApiTest::kafka_ = nullptr;

// The calls of a typical Kafka Connect tutorial, then every connector endpoint.
TEST_F(RestApiTest, TutorialCallsAndEveryConnectorEndpoint) {
  StartWorker();
  const std::string input = dir_.path() + "/input.txt";
  WriteFile(input, "alpha\nbeta\ngamma\n");

  Reply r = Call("GET", "/");
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.body.contains("version"));
  EXPECT_TRUE(r.body.contains("kafka_cluster_id"));

  EXPECT_EQ(Call("GET", "/health").body["status"], "healthy");
  r = Call("GET", "/connector-plugins");
  EXPECT_EQ(r.status, 200);
  EXPECT_THAT(r.text, HasSubstr("FileStreamSource"));
  EXPECT_THAT(r.text, Not(HasSubstr("\"converter\"")));
  r = Call("GET", "/connector-plugins?connectorsOnly=false");
  EXPECT_THAT(r.text, HasSubstr("\"type\":\"converter\""));
  EXPECT_THAT(r.text, HasSubstr("\"type\":\"transformation\""));
  r = Call("GET", "/connector-plugins/FileStreamSink/config");
  EXPECT_EQ(r.status, 200);
  EXPECT_THAT(r.text, HasSubstr("\"name\":\"file\""));

  // curl -X POST -H "Content-Type: application/json" --data @source.json localhost:8083/connectors
  r = Call("POST", "/connectors",
           json{{"name", "lines"}, {"config", FileSource("rest-lines", input)}}.dump());
  ASSERT_EQ(r.status, 201) << r.text;
  EXPECT_EQ(r.location, "/connectors/lines");
  EXPECT_EQ(r.body["name"], "lines");
  EXPECT_EQ(r.body["config"]["file"], input);
  EXPECT_EQ(r.body["type"], "source");
  r = Call("POST", "/connectors",
           json{{"name", "lines"}, {"config", FileSource("rest-lines", input)}}.dump());
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.body["error_code"], 409);
  EXPECT_THAT(r.body["message"].get<std::string>(), HasSubstr("already exists"));

  WaitForState("lines", "RUNNING", 1);
  EXPECT_EQ(Call("GET", "/connectors").body, json::array({"lines"}));
  r = Call("GET", "/connectors?expand=status&expand=info");
  EXPECT_EQ(r.body["lines"]["status"]["connector"]["state"], "RUNNING");
  EXPECT_EQ(r.body["lines"]["info"]["config"]["topic"], "rest-lines");
  r = Call("GET", "/connectors/lines");
  EXPECT_EQ(r.body["tasks"], json::array({{{"connector", "lines"}, {"task", 0}}}));
  EXPECT_EQ(Call("GET", "/connectors/lines/config").body["connector.class"], "FileStreamSource");
  r = Call("GET", "/connectors/lines/tasks");
  EXPECT_EQ(r.body[0]["id"], json({{"connector", "lines"}, {"task", 0}}));
  EXPECT_EQ(r.body[0]["config"]["file"], input);
  r = Call("GET", "/connectors/lines/tasks/0/status");
  EXPECT_EQ(r.body["state"], "RUNNING");
  EXPECT_EQ(r.body["id"], 0);
  EXPECT_EQ(Call("GET", "/connectors/lines/tasks/7/status").status, 404);

  // Records flow; the topic is tracked.
  EXPECT_EQ(kafka_->ConsumeAll("rest-lines", 3, std::chrono::seconds(30)).size(), 3u);
  WaitFor(
      [&] {
        return Call("GET", "/connectors/lines/topics").body["lines"]["topics"] ==
               json::array({"rest-lines"});
      },
      "active topic");
  EXPECT_EQ(Call("PUT", "/connectors/lines/topics/reset").status, 202);
  EXPECT_EQ(Call("GET", "/connectors/lines/topics").body["lines"]["topics"], json::array());

  // Pause, resume, restarts.
  EXPECT_EQ(Call("PUT", "/connectors/lines/pause").status, 202);
  WaitForState("lines", "PAUSED", 1);
  EXPECT_EQ(Call("PUT", "/connectors/lines/resume").status, 202);
  WaitForState("lines", "RUNNING", 1);
  EXPECT_EQ(Call("POST", "/connectors/lines/restart").status, 204);
  r = Call("POST", "/connectors/lines/restart?includeTasks=true&onlyFailed=false");
  EXPECT_EQ(r.status, 202);
  EXPECT_EQ(r.body["connector"]["state"], "RESTARTING");
  EXPECT_EQ(r.body["tasks"][0]["state"], "RESTARTING");
  r = Call("POST", "/connectors/lines/restart?includeTasks=true&onlyFailed=true");
  EXPECT_EQ(r.status, 202);
  EXPECT_EQ(r.body["connector"]["state"], "RUNNING");  // nothing failed: nothing restarts
  EXPECT_EQ(Call("POST", "/connectors/lines/restart?includeTasks=maybe").status, 400);
  EXPECT_EQ(Call("POST", "/connectors/lines/tasks/0/restart").status, 204);
  EXPECT_EQ(Call("POST", "/connectors/lines/tasks/3/restart").status, 404);
  WaitForState("lines", "RUNNING", 1);

  // Reconfigure: PUT and PATCH.
  json config = FileSource("rest-lines", input);
  config["batch.size"] = "100";
  r = Call("PUT", "/connectors/lines/config", config.dump());
  EXPECT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body["config"]["batch.size"], "100");
  r = Call("PATCH", "/connectors/lines/config", json{{"batch.size", nullptr}}.dump());
  EXPECT_EQ(r.status, 200) << r.text;
  EXPECT_FALSE(r.body["config"].contains("batch.size"));
  r = Call("PUT", "/connectors/other/config", FileSource("rest-other", input).dump());
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(Call("DELETE", "/connectors/other").status, 204);

  // Offsets: only when STOPPED.
  r = Call(
      "PATCH", "/connectors/lines/offsets",
      json{{"offsets", {{{"partition", {{"filename", input}}}, {"offset", {{"position", 6}}}}}}}
          .dump());
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body["message"].get<std::string>(), HasSubstr("STOPPED"));
  EXPECT_EQ(Call("PUT", "/connectors/lines/stop").status, 204);
  r = Call("GET", "/connectors/lines/status");
  EXPECT_EQ(r.body["connector"]["state"], "STOPPED");
  EXPECT_EQ(r.body["tasks"], json::array());
  WaitFor([&] { return !Call("GET", "/connectors/lines/offsets").body["offsets"].empty(); },
          "committed offsets");
  r = Call("GET", "/connectors/lines/offsets");
  EXPECT_EQ(r.body["offsets"][0]["partition"]["filename"], input);
  EXPECT_EQ(r.body["offsets"][0]["offset"]["position"], 17);
  r = Call(
      "PATCH", "/connectors/lines/offsets",
      json{{"offsets", {{{"partition", {{"filename", input}}}, {"offset", {{"position", 6}}}}}}}
          .dump());
  EXPECT_EQ(r.status, 200) << r.text;
  EXPECT_THAT(r.body["message"].get<std::string>(), HasSubstr("altered successfully"));
  EXPECT_EQ(Call("GET", "/connectors/lines/offsets").body["offsets"][0]["offset"]["position"], 6);
  // Resuming from offset 6 sends "beta" and "gamma" again.
  EXPECT_EQ(Call("PUT", "/connectors/lines/resume").status, 202);
  WaitForState("lines", "RUNNING", 1);
  const auto records = kafka_->ConsumeAll("rest-lines", 5, std::chrono::seconds(30));
  ASSERT_EQ(records.size(), 5u);
  EXPECT_EQ(records[3].value, "beta");
  EXPECT_EQ(records[4].value, "gamma");
  EXPECT_EQ(Call("PUT", "/connectors/lines/stop").status, 204);
  r = Call("DELETE", "/connectors/lines/offsets");
  EXPECT_EQ(r.status, 200);
  EXPECT_THAT(r.body["message"].get<std::string>(), HasSubstr("reset successfully"));
  EXPECT_EQ(Call("GET", "/connectors/lines/offsets").body["offsets"], json::array());

  EXPECT_EQ(Call("DELETE", "/connectors/lines").status, 204);
  EXPECT_EQ(Call("GET", "/connectors/lines").status, 404);
  EXPECT_EQ(Call("GET", "/connectors").body, json::array());
}

TEST_F(RestApiTest, BadRequestsGetTheRightCodeAndAClearMessage) {
  StartWorker();
  Reply r = Call("POST", "/connectors", "{\"name\": \"x\", \"config\": {");
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body["message"].get<std::string>(), HasSubstr("not valid JSON"));
  r = Call("POST", "/connectors", "[1,2]");
  EXPECT_EQ(r.status, 400);
  r = Call("POST", "/connectors",
           json{{"name", "x"}, {"config", {{"connector.class", "NoSuchConnector"}}}}.dump());
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body["message"].get<std::string>(), HasSubstr("NoSuchConnector"));
  r = Call("POST", "/connectors",
           json{{"name", "x"},
                {"config", {{"connector.class", "FileStreamSink"}, {"tasks.max", "many"}}}}
               .dump());
  EXPECT_EQ(r.status, 400);
  const std::string message = r.body["message"];
  EXPECT_THAT(message, HasSubstr("Connector configuration is invalid and contains the following"));
  EXPECT_THAT(message, HasSubstr("Invalid value many for configuration tasks.max"));
  EXPECT_THAT(message, HasSubstr("Must configure one of topics or topics.regex"));
  EXPECT_THAT(message, HasSubstr("/connector-plugins/{connectorType}/config/validate"));
  EXPECT_EQ(Call("GET", "/connectors").body, json::array());  // nothing was created

  r = Call("GET", "/connectors/nope/status");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body["error_code"], 404);
  EXPECT_THAT(r.body["message"].get<std::string>(), HasSubstr("nope"));
  EXPECT_EQ(Call("PUT", "/connectors/nope/pause").status, 404);
  EXPECT_EQ(Call("DELETE", "/connectors/nope").status, 404);
  EXPECT_EQ(Call("GET", "/no/such/path").status, 404);
  EXPECT_EQ(Call("DELETE", "/connectors").status, 405);
  r = Call("PUT", "/connectors/x/config",
           json{{"name", "y"}, {"connector.class", "FileStreamSink"}}.dump());
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body["message"].get<std::string>(), HasSubstr("doesn't match"));

  // Validation: per-field errors in Kafka Connect's shape, unknown keys reported.
  r = Call("PUT", "/connector-plugins/FileStreamSink/config/validate",
           json{{"connector.class", "FileStreamSink"},
                {"name", "v"},
                {"topics", "t"},
                {"tasks.max", "0"},
                {"no.such.key", "1"}}
               .dump());
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body["name"], "org.apache.kafka.connect.file.FileStreamSinkConnector");
  EXPECT_EQ(r.body["error_count"], 1) << r.text;
  EXPECT_THAT(r.body["groups"], Contains("Common"));
  bool saw_tasks_max = false;
  bool saw_unknown = false;
  for (const auto& c : r.body["configs"]) {
    if (c["definition"]["name"] == "tasks.max") {
      saw_tasks_max = true;
      EXPECT_EQ(c["value"]["value"], "0");
      ASSERT_EQ(c["value"]["errors"].size(), 1u);
      EXPECT_THAT(c["value"]["errors"][0].get<std::string>(), HasSubstr("at least 1"));
    }
    if (c["definition"]["name"] == "no.such.key") {
      saw_unknown = true;
      EXPECT_EQ(c["definition"]["group"], "Unknown");
    }
  }
  EXPECT_TRUE(saw_tasks_max);
  EXPECT_TRUE(saw_unknown);
  EXPECT_EQ(Call("PUT", "/connector-plugins/Nope/config/validate", "{}").status, 404);

  // Loggers.
  r = Call("GET", "/admin/loggers");
  EXPECT_EQ(r.body["root"]["level"], "INFO");
  r = Call("PUT", "/admin/loggers/my-connector", json{{"level", "DEBUG"}}.dump());
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, json::array({"my-connector"}));
  EXPECT_EQ(Call("GET", "/admin/loggers/my-connector").body["level"], "DEBUG");
  EXPECT_EQ(Call("PUT", "/admin/loggers/root", "{}").status, 400);
  EXPECT_EQ(Call("PUT", "/admin/loggers/root", json{{"level", "LOUD"}}.dump()).status, 404);
}

TEST_F(RestApiTest, ConnectorsCreatedOverRestSurviveAWorkerRestart) {
  StartWorker();
  const std::string input = dir_.path() + "/input.txt";
  WriteFile(input, "one\n");
  ASSERT_EQ(Call("POST", "/connectors",
                 json{{"name", "kept"}, {"config", FileSource("rest-kept", input)}}.dump())
                .status,
            201);
  ASSERT_EQ(Call("POST", "/connectors",
                 json{{"name", "paused"},
                      {"config", FileSource("rest-paused", input)},
                      {"initial_state", "PAUSED"}}
                     .dump())
                .status,
            201);
  WaitForState("kept", "RUNNING", 1);
  WaitForState("paused", "PAUSED", 1);
  worker_.Stop(std::chrono::seconds(20));
  StartWorker();
  EXPECT_EQ(Call("GET", "/connectors").body, json::array({"kept", "paused"}));
  WaitForState("kept", "RUNNING", 1);
  WaitForState("paused", "PAUSED", 1);
  EXPECT_EQ(Call("GET", "/connectors/kept/config").body["file"], input);
}

TEST_F(RestApiTest, BasicAuthenticationRefusesRequestsWithoutValidCredentials) {
  const std::string credentials = dir_.path() + "/credentials.properties";
  WriteFile(credentials, "admin: s3cret\n");
  StartWorker("rest.basic.auth.credentials.file=" + credentials + "\n");
  Reply r = Call("GET", "/connectors");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.body["error_code"], 401);
  EXPECT_EQ(Call("GET", "/connectors", "", {{"Authorization", "Basic YWRtaW46d3Jvbmc="}}).status,
            401);  // admin:wrong
  EXPECT_EQ(Call("GET", "/connectors", "", {{"Authorization", "Basic YWRtaW46czNjcmV0"}}).status,
            200);  // admin:s3cret
}

TEST_F(RestApiTest, PoisonRecordGoesToTheDeadLetterQueueOrFailsTheTask) {
  StartWorker();
  kafka_->CreateTopic("poison-in", 1);
  kafka_->ProduceAll("poison-in", {"{\"n\":1}", "not json", "{\"n\":2}"});
  const std::string out = dir_.path() + "/out.txt";
  json config = {{"connector.class", "FileStreamSink"},
                 {"topics", "poison-in"},
                 {"file", out},
                 {"errors.tolerance", "all"},
                 {"errors.log.enable", "true"},
                 {"errors.deadletterqueue.topic.name", "poison-dlq"},
                 {"errors.deadletterqueue.topic.replication.factor", "1"},
                 {"errors.deadletterqueue.context.headers.enable", "true"}};
  ASSERT_EQ(
      Call("POST", "/connectors", json{{"name", "tolerant"}, {"config", config}}.dump()).status,
      201);
  const auto dlq = kafka_->ConsumeAll("poison-dlq", 1, std::chrono::seconds(60));
  ASSERT_EQ(dlq.size(), 1u);
  EXPECT_EQ(dlq[0].value, "not json");  // the original bytes
  std::map<std::string, std::string> headers(dlq[0].headers.begin(), dlq[0].headers.end());
  EXPECT_EQ(headers["__connect.errors.topic"], "poison-in");
  EXPECT_EQ(headers["__connect.errors.partition"], "0");
  EXPECT_EQ(headers["__connect.errors.offset"], "1");
  EXPECT_EQ(headers["__connect.errors.connector.name"], "tolerant");
  EXPECT_EQ(headers["__connect.errors.task.id"], "0");
  EXPECT_EQ(headers["__connect.errors.stage"], "VALUE_CONVERTER");
  EXPECT_EQ(headers["__connect.errors.class.name"], "org.apache.kafka.connect.json.JsonConverter");
  EXPECT_EQ(headers["__connect.errors.exception.class.name"],
            "org.apache.kafka.connect.errors.DataException");
  EXPECT_FALSE(headers["__connect.errors.exception.message"].empty());
  WaitFor([&] { return ReadFile(out) == "{n=1}\n{n=2}\n"; }, "the good records in the sink file");
  WaitFor(
      [&] {
        const std::string metrics = Call("GET", "/metrics").text;
        return metrics.find(
                   "kafka_connect_task_error_metrics_deadletterqueue_produce_requests{"
                   "connector=\"tolerant\",task=\"0\"} 1") != std::string::npos &&
               metrics.find(
                   "kafka_connect_task_error_metrics_total_records_skipped{connector="
                   "\"tolerant\",task=\"0\"} 1") != std::string::npos;
      },
      "error metrics");
  const std::string metrics = Call("GET", "/metrics").text;
  EXPECT_THAT(metrics, HasSubstr("kafka_connect_sink_task_metrics_sink_record_read_total{connector="
                                 "\"tolerant\",task=\"0\"} 3"));
  EXPECT_THAT(metrics, HasSubstr("process_resident_memory_bytes "));
  EXPECT_THAT(metrics, HasSubstr("# TYPE kafka_connect_sink_task_metrics_sink_record_send_total "
                                 "counter"));

  // Sink offsets are the consumer group's: read, altered and reset while STOPPED.
  EXPECT_EQ(Call("PUT", "/connectors/tolerant/stop").status, 204);
  Reply offsets = Call("GET", "/connectors/tolerant/offsets");
  ASSERT_EQ(offsets.status, 200) << offsets.text;
  EXPECT_EQ(offsets.body,
            json({{"offsets",
                   {{{"partition", {{"kafka_topic", "poison-in"}, {"kafka_partition", 0}}},
                     {"offset", {{"kafka_offset", 3}}}}}}}));
  offsets = Call("PATCH", "/connectors/tolerant/offsets",
                 json{{"offsets",
                       {{{"partition", {{"kafka_topic", "poison-in"}, {"kafka_partition", 0}}},
                         {"offset", {{"kafka_offset", 2}}}}}}}
                     .dump());
  EXPECT_EQ(offsets.status, 200) << offsets.text;
  EXPECT_EQ(
      Call("GET", "/connectors/tolerant/offsets").body["offsets"][0]["offset"]["kafka_offset"], 2);
  EXPECT_EQ(
      Call("PATCH", "/connectors/tolerant/offsets",
           json{{"offsets", {{{"partition", {{"kafka_topic", 5}}}, {"offset", nullptr}}}}}.dump())
          .status,
      400);
  EXPECT_EQ(Call("DELETE", "/connectors/tolerant/offsets").status, 200);
  EXPECT_EQ(Call("GET", "/connectors/tolerant/offsets").body["offsets"], json::array());

  // errors.tolerance=none: the task fails and its status says why.
  config["errors.tolerance"] = "none";
  config["file"] = dir_.path() + "/out2.txt";
  config.erase("errors.deadletterqueue.topic.name");
  ASSERT_EQ(Call("POST", "/connectors", json{{"name", "strict"}, {"config", config}}.dump()).status,
            201);
  std::string trace;
  WaitFor(
      [&] {
        const Reply r = Call("GET", "/connectors/strict/status");
        if (r.body["tasks"].empty() || r.body["tasks"][0]["state"] != "FAILED") return false;
        trace = r.body["tasks"][0]["trace"];
        return true;
      },
      "the strict task to fail");
  EXPECT_THAT(trace, HasSubstr("Tolerance exceeded in error handler"));
  EXPECT_THAT(trace, HasSubstr("VALUE_CONVERTER"));
  EXPECT_THAT(trace, HasSubstr("org.apache.kafka.connect.json.JsonConverter"));
  // Restarting only failed tasks restarts it (and it fails again on the same record).
  Reply r = Call("POST", "/connectors/strict/restart?includeTasks=true&onlyFailed=true");
  EXPECT_EQ(r.status, 202);
  EXPECT_EQ(r.body["tasks"][0]["state"], "RESTARTING");
  EXPECT_EQ(r.body["connector"]["state"], "RUNNING");
}

}  // namespace
