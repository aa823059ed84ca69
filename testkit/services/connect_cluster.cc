// ConnectCluster: connectkit standalone workers as child processes of the test, each with its own
// directory and worker.properties, sharing one plugin directory, driven over Kafka Connect's REST
// API with cpp-httplib.
//
// The REST port is not chosen by the testkit: each worker listens on port 0 and the testkit reads
// the port the kernel gave it from the worker's log ("REST server listening on port N"), starting
// at the log's size when the run began, so a restarted worker (which appends to the same log) is
// never mistaken for its previous run. Waiting assertions poll every 100 ms and give up at once
// when the worker process has died, with its exit status and the tail of its log.
#include "ck/testkit/connect_cluster.h"

#include <httplib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <utility>

#include "ck/testkit/kafka_cluster.h"
#include "testkit/services/local_service.h"

namespace ck::testkit {

namespace fs = std::filesystem;
using services_internal::ChildProcess;
using services_internal::CommandLine;
using services_internal::FileTail;
using services_internal::ScratchDir;
using Clock = std::chrono::steady_clock;

namespace {

constexpr char kListening[] = "REST server listening on port ";
constexpr auto kPollInterval = std::chrono::milliseconds(100);

std::string ReadFrom(const std::string& path, std::uintmax_t offset) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  in.seekg(static_cast<std::streamoff>(offset));
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::uintmax_t FileSize(const std::string& path) {
  std::error_code ec;
  const std::uintmax_t size = fs::file_size(path, ec);
  return ec ? 0 : size;
}

bool IsExecutable(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

std::string ResolveBinary(const std::string& given) {
  std::string path = given;
  if (path.empty()) {
    const char* env = std::getenv("CK_CONNECTKIT");
    path = env != nullptr && *env != '\0' ? env : "runtime/cli/connectkit";
  }
  path = fs::absolute(path).string();
  if (!IsExecutable(path)) {
    throw std::invalid_argument(
        "ConnectCluster: the connectkit binary " + path +
        " does not exist or is not executable; pass ConnectClusterOptions::connectkit, set "
        "CK_CONNECTKIT, or add //runtime/cli:connectkit to the test's data");
  }
  return path;
}

InstanceStatus ParseInstance(const nlohmann::json& j, int id) {
  InstanceStatus status;
  status.id = id;
  if (!j.is_object()) return status;
  status.state = j.value("state", "");
  status.worker_id = j.value("worker_id", "");
  status.trace = j.value("trace", "");
  return status;
}

std::string Describe(const ConnectorStatus& status) {
  std::string out = "connector " + status.connector.state + ", " +
                    std::to_string(status.tasks.size()) + " task(s)";
  for (const InstanceStatus& t : status.tasks) {
    out += "; task " + std::to_string(t.id) + " " + t.state;
    if (!t.trace.empty()) out += " (" + t.trace.substr(0, 300) + ")";
  }
  if (!status.connector.trace.empty()) out += "; connector trace: " + status.connector.trace;
  return out;
}

std::string Millis(std::chrono::milliseconds d) { return std::to_string(d.count()) + " ms"; }

}  // namespace

// ---- ConnectWorker
// -------------------------------------------------------------------------------

class ConnectWorker::Impl {
 public:
  ChildProcess process;
  std::string binary;
};

ConnectWorker::ConnectWorker(int index, std::string dir,
                             std::map<std::string, std::string> properties,
                             const ConnectClusterOptions& options)
    : index_(index),
      dir_(std::move(dir)),
      properties_(std::move(properties)),
      options_(options),
      impl_(std::make_unique<Impl>()) {
  fs::create_directories(dir_);
  std::ofstream out(dir_ + "/worker.properties");
  for (const auto& [key, value] : properties_) out << key << '=' << value << '\n';
  if (!out) throw std::runtime_error("ConnectCluster: cannot write " + dir_ + "/worker.properties");
}

ConnectWorker::~ConnectWorker() {
  if (impl_ && impl_->process.Running()) impl_->process.Stop(std::chrono::seconds(10));
}

std::string ConnectWorker::log_path() const { return dir_ + "/worker.log"; }

std::string ConnectWorker::LogTail(std::size_t max_bytes) const {
  return FileTail(log_path(), max_bytes);
}

std::string ConnectWorker::url() const { return "http://127.0.0.1:" + std::to_string(port_); }

pid_t ConnectWorker::pid() const { return impl_->process.pid(); }

bool ConnectWorker::running() { return impl_->process.Running(); }

void ConnectWorker::Start() {
  if (impl_->process.Running()) return;
  const std::vector<std::string> argv = {options_.connectkit, "standalone",
                                         dir_ + "/worker.properties"};
  const std::uintmax_t log_start = FileSize(log_path());
  impl_->process = ChildProcess::Spawn(argv, log_path());
  port_ = 0;
  const Clock::time_point deadline = Clock::now() + options_.start_timeout;
  for (;;) {
    const std::string text = ReadFrom(log_path(), log_start);
    if (const size_t at = text.find(kListening); at != std::string::npos) {
      const size_t digits = at + sizeof(kListening) - 1;
      size_t end = digits;
      while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end]))) ++end;
      if (end > digits && end < text.size()) {  // the whole number is there
        port_ = std::stoi(text.substr(digits, end - digits));
        return;
      }
    }
    if (!impl_->process.Running()) {
      throw std::runtime_error("ConnectCluster: worker " + std::to_string(index_) + " (" +
                               CommandLine(argv) + ") " + impl_->process.DescribeExit() +
                               " before its REST server listened; log:\n" + LogTail());
    }
    if (Clock::now() >= deadline) {
      impl_->process.Kill();
      throw std::runtime_error("ConnectCluster: worker " + std::to_string(index_) + " (" +
                               CommandLine(argv) + ") did not log its REST port within " +
                               Millis(options_.start_timeout) + "; log:\n" + LogTail());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void ConnectWorker::Kill() { impl_->process.Kill(); }

bool ConnectWorker::Stop(std::chrono::milliseconds grace) {
  if (!impl_->process.Running()) return impl_->process.exit_status() == 0;
  impl_->process.Stop(grace);
  return impl_->process.exit_status() == 0;
}

void ConnectWorker::Restart() {
  Stop();
  Start();
}

ProcessResources ConnectWorker::Resources() const {
  const pid_t pid = impl_->process.pid();
  if (pid <= 0) throw std::logic_error("ConnectWorker::Resources: the worker is not running");
  ProcessResources resources;
  const std::string proc = "/proc/" + std::to_string(pid);
  std::error_code ec;
  for (fs::directory_iterator it(proc + "/fd", ec), end; !ec && it != end; it.increment(ec)) {
    ++resources.open_fds;
  }
  if (ec) throw std::runtime_error("ConnectWorker::Resources: cannot list " + proc + "/fd");
  std::ifstream status(proc + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("Threads:", 0) == 0) resources.threads = std::stoi(line.substr(8));
    if (line.rfind("VmRSS:", 0) == 0) resources.rss_kb = std::stoll(line.substr(6));
  }
  return resources;
}

std::vector<StoredSourceOffset> ConnectWorker::StoredSourceOffsets(
    const std::string& connector) const {
  std::vector<StoredSourceOffset> out;
  const auto it = properties_.find("offset.storage.file.filename");
  if (it == properties_.end()) return out;
  std::ifstream in(it->second);
  if (!in) return out;  // nothing committed yet
  const nlohmann::json file = nlohmann::json::parse(in, nullptr, false);
  if (file.is_discarded() || !file.contains("offsets")) {
    throw std::runtime_error("ConnectWorker::StoredSourceOffsets: " + it->second +
                             " is not an offsets file");
  }
  for (const nlohmann::json& entry : file["offsets"]) {
    const nlohmann::json key = nlohmann::json::parse(entry.value("key", ""), nullptr, false);
    if (!key.is_array() || key.size() != 2 || key[0] != connector) continue;
    const nlohmann::json value = nlohmann::json::parse(entry.value("value", ""), nullptr, false);
    out.push_back({key[1], value.is_discarded() ? nlohmann::json() : value});
  }
  return out;
}

RestResponse ConnectWorker::Request(const std::string& method, const std::string& path,
                                    const std::string& body) {
  if (port_ == 0 || !impl_->process.Running()) {
    throw std::runtime_error("ConnectCluster: " + method + " " + path + ": worker " +
                             std::to_string(index_) + " is not running (" +
                             impl_->process.DescribeExit() + "); log:\n" + LogTail());
  }
  httplib::Client client("127.0.0.1", port_);
  const auto timeout = std::chrono::duration_cast<std::chrono::seconds>(options_.request_timeout);
  client.set_connection_timeout(5, 0);
  client.set_read_timeout(static_cast<time_t>(timeout.count()), 0);
  client.set_write_timeout(static_cast<time_t>(timeout.count()), 0);
  const char* type = "application/json";
  const auto send = [&]() -> httplib::Result {
    if (method == "GET") return client.Get(path);
    if (method == "POST") return client.Post(path, body, type);
    if (method == "PUT") return client.Put(path, body, type);
    if (method == "PATCH") return client.Patch(path, body, type);
    if (method == "DELETE") return client.Delete(path, body, type);
    throw std::invalid_argument("ConnectWorker::Request: unsupported method " + method);
  };
  httplib::Result result = send();
  if (!result) {
    throw std::runtime_error("ConnectCluster: " + method + " " + path + " to worker " +
                             std::to_string(index_) + " got no answer (" +
                             httplib::to_string(result.error()) + "); log:\n" + LogTail());
  }
  RestResponse response;
  response.status = result->status;
  response.text = result->body;
  response.location = result->get_header_value("Location");
  response.body = nlohmann::json::parse(result->body, nullptr, false);
  return response;
}

void ConnectWorker::Fail(const RestResponse& response, const std::string& method,
                         const std::string& path) const {
  std::string message = response.text;
  if (response.body.is_object() && response.body.contains("message") &&
      response.body["message"].is_string()) {
    message = response.body["message"].get<std::string>();
  }
  throw ConnectRestError(response.status, "ConnectCluster: " + method + " " + path + " answered " +
                                              std::to_string(response.status) + ": " + message +
                                              "\nworker log:\n" + LogTail(3000));
}

nlohmann::json ConnectWorker::CreateConnector(const std::string& name, const nlohmann::json& config,
                                              const std::string& initial_state) {
  nlohmann::json with_name = config;
  with_name["name"] = name;
  nlohmann::json body = {{"name", name}, {"config", with_name}};
  if (!initial_state.empty()) body["initial_state"] = initial_state;
  const RestResponse r = Request("POST", "/connectors", body.dump());
  if (r.status != 201) Fail(r, "POST", "/connectors (" + name + ")");
  return r.body;
}

nlohmann::json ConnectWorker::PutConnectorConfig(const std::string& name,
                                                 const nlohmann::json& config) {
  nlohmann::json with_name = config;
  with_name["name"] = name;
  const std::string path = "/connectors/" + name + "/config";
  const RestResponse r = Request("PUT", path, with_name.dump());
  if (r.status != 200 && r.status != 201) Fail(r, "PUT", path);
  return r.body;
}

nlohmann::json ConnectWorker::ConnectorConfig(const std::string& name) {
  const std::string path = "/connectors/" + name + "/config";
  const RestResponse r = Request("GET", path);
  if (r.status != 200) Fail(r, "GET", path);
  return r.body;
}

void ConnectWorker::DeleteConnector(const std::string& name) {
  const std::string path = "/connectors/" + name;
  const RestResponse r = Request("DELETE", path);
  if (r.status != 204) Fail(r, "DELETE", path);
}

std::vector<std::string> ConnectWorker::Connectors() {
  const RestResponse r = Request("GET", "/connectors");
  if (r.status != 200 || !r.body.is_array()) Fail(r, "GET", "/connectors");
  return r.body.get<std::vector<std::string>>();
}

void ConnectWorker::PauseConnector(const std::string& name) {
  const std::string path = "/connectors/" + name + "/pause";
  const RestResponse r = Request("PUT", path);
  if (r.status != 202) Fail(r, "PUT", path);
}

void ConnectWorker::ResumeConnector(const std::string& name) {
  const std::string path = "/connectors/" + name + "/resume";
  const RestResponse r = Request("PUT", path);
  if (r.status != 202) Fail(r, "PUT", path);
}

void ConnectWorker::StopConnector(const std::string& name) {
  const std::string path = "/connectors/" + name + "/stop";
  const RestResponse r = Request("PUT", path);
  if (r.status != 204) Fail(r, "PUT", path);
}

nlohmann::json ConnectWorker::RestartConnector(const std::string& name, bool include_tasks,
                                               bool only_failed) {
  const std::string path = "/connectors/" + name +
                           "/restart?includeTasks=" + (include_tasks ? "true" : "false") +
                           "&onlyFailed=" + (only_failed ? "true" : "false");
  const RestResponse r = Request("POST", path);
  if (r.status != 202 && r.status != 204) Fail(r, "POST", path);
  return r.status == 204 ? nlohmann::json() : r.body;
}

void ConnectWorker::RestartTask(const std::string& name, int task) {
  const std::string path = "/connectors/" + name + "/tasks/" + std::to_string(task) + "/restart";
  const RestResponse r = Request("POST", path);
  if (r.status != 204) Fail(r, "POST", path);
}

ConnectorStatus ConnectWorker::Status(const std::string& name) {
  const std::string path = "/connectors/" + name + "/status";
  const RestResponse r = Request("GET", path);
  if (r.status != 200 || !r.body.is_object()) Fail(r, "GET", path);
  ConnectorStatus status;
  status.name = r.body.value("name", "");
  status.type = r.body.value("type", "");
  status.connector = ParseInstance(r.body.value("connector", nlohmann::json()), -1);
  for (const nlohmann::json& t : r.body.value("tasks", nlohmann::json::array())) {
    status.tasks.push_back(ParseInstance(t, t.value("id", -1)));
  }
  return status;
}

std::vector<nlohmann::json> ConnectWorker::TaskConfigs(const std::string& name) {
  const std::string path = "/connectors/" + name + "/tasks";
  const RestResponse r = Request("GET", path);
  if (r.status != 200 || !r.body.is_array()) Fail(r, "GET", path);
  std::vector<nlohmann::json> configs;
  for (const nlohmann::json& task : r.body)
    configs.push_back(task.value("config", nlohmann::json()));
  return configs;
}

nlohmann::json ConnectWorker::Offsets(const std::string& name) {
  const std::string path = "/connectors/" + name + "/offsets";
  const RestResponse r = Request("GET", path);
  if (r.status != 200 || !r.body.is_object()) Fail(r, "GET", path);
  return r.body.value("offsets", nlohmann::json::array());
}

void ConnectWorker::AlterOffsets(const std::string& name, const nlohmann::json& offsets) {
  const std::string path = "/connectors/" + name + "/offsets";
  const RestResponse r = Request("PATCH", path, nlohmann::json{{"offsets", offsets}}.dump());
  if (r.status != 200) Fail(r, "PATCH", path);
}

void ConnectWorker::ResetOffsets(const std::string& name) {
  const std::string path = "/connectors/" + name + "/offsets";
  const RestResponse r = Request("DELETE", path);
  if (r.status != 200) Fail(r, "DELETE", path);
}

nlohmann::json ConnectWorker::Validate(const std::string& connector_class,
                                       const nlohmann::json& config) {
  nlohmann::json body = config;
  if (!body.contains("connector.class")) body["connector.class"] = connector_class;
  const std::string path = "/connector-plugins/" + connector_class + "/config/validate";
  const RestResponse r = Request("PUT", path, body.dump());
  if (r.status != 200 || !r.body.is_object()) Fail(r, "PUT", path);
  return r.body;
}

testing::AssertionResult ConnectWorker::WaitFor(const std::string& what,
                                                const std::function<bool(std::string& last)>& done,
                                                std::optional<std::chrono::milliseconds> timeout) {
  const std::chrono::milliseconds limit = timeout.value_or(options_.assertion_timeout);
  const Clock::time_point deadline = Clock::now() + limit;
  std::string last = "no answer yet";
  for (;;) {
    if (!impl_->process.Running()) {
      return testing::AssertionFailure()
             << "worker " << index_ << " " << impl_->process.DescribeExit() << " while waiting for "
             << what << "; last seen: " << last << "\nworker log:\n"
             << LogTail();
    }
    try {
      if (done(last)) return testing::AssertionSuccess();
    } catch (const std::exception& e) {
      last = e.what();
    }
    if (Clock::now() >= deadline) {
      return testing::AssertionFailure() << "timed out after " << Millis(limit) << " waiting for "
                                         << what << "; last seen: " << last << "\nworker log:\n"
                                         << LogTail();
    }
    std::this_thread::sleep_for(kPollInterval);
  }
}

namespace {

// A status check for WaitFor: GET status; `ok` decides; `last` says what was seen.
std::function<bool(std::string&)> StatusCheck(ConnectWorker& worker, const std::string& name,
                                              std::function<bool(const ConnectorStatus&)> ok) {
  return [&worker, name, ok = std::move(ok)](std::string& last) {
    const RestResponse r = worker.Request("GET", "/connectors/" + name + "/status");
    if (r.status != 200) {
      last = "status " + std::to_string(r.status) + ": " + r.text;
      return false;
    }
    const ConnectorStatus status = worker.Status(name);
    last = Describe(status);
    return ok(status);
  };
}

bool AllIn(const ConnectorStatus& status, const std::string& state, int tasks) {
  if (status.connector.state != state || static_cast<int>(status.tasks.size()) != tasks) {
    return false;
  }
  for (const InstanceStatus& t : status.tasks) {
    if (t.state != state) return false;
  }
  return true;
}

}  // namespace

testing::AssertionResult ConnectWorker::ConnectorAndTasksRunning(
    const std::string& name, int tasks, std::optional<std::chrono::milliseconds> timeout) {
  return WaitFor(
      name + " RUNNING with " + std::to_string(tasks) + " RUNNING task(s)",
      StatusCheck(*this, name,
                  [tasks](const ConnectorStatus& s) { return AllIn(s, "RUNNING", tasks); }),
      timeout);
}

testing::AssertionResult ConnectWorker::ConnectorAndTasksPaused(
    const std::string& name, int tasks, std::optional<std::chrono::milliseconds> timeout) {
  return WaitFor(
      name + " PAUSED with " + std::to_string(tasks) + " PAUSED task(s)",
      StatusCheck(*this, name,
                  [tasks](const ConnectorStatus& s) { return AllIn(s, "PAUSED", tasks); }),
      timeout);
}

testing::AssertionResult ConnectWorker::ConnectorStopped(
    const std::string& name, std::optional<std::chrono::milliseconds> timeout) {
  return WaitFor(name + " STOPPED without tasks",
                 StatusCheck(*this, name,
                             [](const ConnectorStatus& s) {
                               return s.connector.state == "STOPPED" && s.tasks.empty();
                             }),
                 timeout);
}

testing::AssertionResult ConnectWorker::TaskFailed(
    const std::string& name, int task, const std::string& message,
    std::optional<std::chrono::milliseconds> timeout) {
  return WaitFor("task " + std::to_string(task) + " of " + name + " FAILED with \"" + message +
                     "\" in its trace",
                 StatusCheck(*this, name,
                             [task, message](const ConnectorStatus& s) {
                               for (const InstanceStatus& t : s.tasks) {
                                 if (t.id == task && t.state == "FAILED" &&
                                     t.trace.find(message) != std::string::npos) {
                                   return true;
                                 }
                               }
                               return false;
                             }),
                 timeout);
}

testing::AssertionResult ConnectWorker::ConnectorAbsent(
    const std::string& name, std::optional<std::chrono::milliseconds> timeout) {
  return WaitFor(
      name + " to be absent",
      [this, name](std::string& last) {
        const RestResponse r = Request("GET", "/connectors/" + name);
        last = "GET /connectors/" + name + " answered " + std::to_string(r.status);
        return r.status == 404;
      },
      timeout);
}

// ---- ConnectCluster
// ------------------------------------------------------------------------------

struct ConnectCluster::Files {
  ScratchDir scratch{"ck-connect"};
  std::string plugins;
};

ConnectCluster::ConnectCluster(ConnectClusterOptions options)
    : options_(std::move(options)), files_(std::make_unique<Files>()) {}

std::unique_ptr<ConnectCluster> ConnectCluster::Start(ConnectClusterOptions options) {
  if (options.workers < 0) throw std::invalid_argument("ConnectCluster: workers must be >= 0");
  options.connectkit = ResolveBinary(options.connectkit);
  for (std::string& plugin : options.plugins) {
    plugin = fs::absolute(plugin).string();
    if (!fs::exists(plugin)) {
      throw std::invalid_argument("ConnectCluster: plugin " + plugin +
                                  " does not exist; add the ck_plugin() tarball (e.g. "
                                  "//reference-connectors/file:file.tar.gz) to the test's data");
    }
  }
  std::unique_ptr<ConnectCluster> cluster(new ConnectCluster(std::move(options)));
  Files& files = *cluster->files_;
  files.plugins = files.scratch.path() + "/plugins";
  fs::create_directories(files.plugins);
  for (const std::string& plugin : cluster->options_.plugins) {
    const fs::path target = fs::path(files.plugins) / fs::path(plugin).filename();
    if (fs::is_directory(plugin)) {
      fs::copy(plugin, target, fs::copy_options::recursive);
    } else {
      fs::copy_file(plugin, target, fs::copy_options::overwrite_existing);
    }
  }
  for (int i = 0; i < cluster->options_.workers; ++i) cluster->AddWorker();
  return cluster;
}

ConnectCluster::~ConnectCluster() {
  for (auto& worker : workers_) {
    if (worker->running()) worker->Stop(std::chrono::seconds(10));
  }
  workers_.clear();
}

ConnectWorker& ConnectCluster::worker(int index) {
  if (index < 0 || index >= size()) {
    throw std::out_of_range("ConnectCluster::worker(" + std::to_string(index) +
                            "): the cluster has " + std::to_string(size()) + " worker(s)");
  }
  return *workers_[static_cast<size_t>(index)];
}

std::string ConnectCluster::plugin_dir() const { return files_->plugins; }

ConnectWorker& ConnectCluster::AddWorker(const std::map<std::string, std::string>& extra) {
  const int index = size();
  const std::string dir = files_->scratch.path() + "/worker-" + std::to_string(index);
  std::map<std::string, std::string> properties = {
      {"listeners", "http://127.0.0.1:0"},
      {"plugin.path", files_->plugins},
      {"offset.storage.file.filename", dir + "/connect.offsets"},
      {"offset.flush.interval.ms", "200"},
  };
  if (!options_.bootstrap_servers.empty()) {
    properties["bootstrap.servers"] = options_.bootstrap_servers;
  }
  for (const auto& [key, value] : options_.worker_properties) properties[key] = value;
  for (const auto& [key, value] : extra) properties[key] = value;
  workers_.push_back(std::unique_ptr<ConnectWorker>(
      new ConnectWorker(index, dir, std::move(properties), options_)));
  ConnectWorker& worker = *workers_.back();
  worker.Start();
  return worker;
}

// ---- Free assertions
// -----------------------------------------------------------------------------

testing::AssertionResult Eventually(const std::string& what, const std::function<bool()>& check,
                                    std::chrono::milliseconds timeout,
                                    const ConnectWorker* worker) {
  const Clock::time_point deadline = Clock::now() + timeout;
  std::string error;
  for (;;) {
    try {
      if (check()) return testing::AssertionSuccess();
      error.clear();
    } catch (const std::exception& e) {
      error = e.what();
    }
    if (Clock::now() >= deadline) {
      testing::AssertionResult failure = testing::AssertionFailure();
      failure << "timed out after " << Millis(timeout) << " waiting for " << what;
      if (!error.empty()) failure << "; last error: " << error;
      if (worker != nullptr) failure << "\nworker log:\n" << worker->LogTail();
      return failure;
    }
    std::this_thread::sleep_for(kPollInterval);
  }
}

testing::AssertionResult TopicHasRecords(KafkaCluster& kafka, const std::string& topic,
                                         int64_t count, std::chrono::milliseconds timeout) {
  int64_t seen = 0;
  testing::AssertionResult result = Eventually(
      topic + " to hold " + std::to_string(count) + " record(s)",
      [&] {
        seen = 0;
        for (const auto& [partition, end] : kafka.EndOffsets(topic)) seen += end;
        return seen >= count;
      },
      timeout);
  if (!result) result << " (it holds " << seen << ")";
  return result;
}

}  // namespace ck::testkit
