// ConnectWorker: one `connectkit standalone` worker run as a child process for this plugin's
// integration test, the way a user runs it, with Kafka Connect's REST API on a free port
// (listeners=http://127.0.0.1:0; the port is read from the worker's log). The binary is
// $CK_CONNECTKIT (set by this project's .bazelrc). The worker gets SIGTERM, then SIGKILL, when the
// object is destroyed.
#pragma once

#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace connect_worker {

/// Reads a whole file; empty when it does not exist.
inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// A scratch directory under $TEST_TMPDIR, removed by the destructor.
class ScratchDir {
 public:
  ScratchDir() {
    const char* base = std::getenv("TEST_TMPDIR");
    std::string pattern = std::string(base != nullptr ? base : "/tmp") + "/worker_XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp " + pattern);
    path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  /// The directory.
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

/// Waits until `done` holds, for at most `timeout`; false on timeout.
inline bool WaitFor(const std::function<bool()>& done,
                    std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return true;
}

/// A standalone worker with its own directory, plugin.path and REST port.
class ConnectWorker {
 public:
  /// Starts a worker against `bootstrap_servers` with the plugin tarballs or directories in
  /// `plugins` on its plugin.path, `extra` appended to worker.properties. Throws
  /// std::runtime_error when the worker does not serve REST within 60 s.
  ConnectWorker(const std::string& bootstrap_servers, const std::vector<std::string>& plugins,
                const std::string& extra = "") {
    const char* binary = std::getenv("CK_CONNECTKIT");
    if (binary == nullptr || *binary == '\0') {
      throw std::runtime_error(
          "CK_CONNECTKIT is not set: run the test with "
          "--test_env=CK_CONNECTKIT=/path/to/connectkit");
    }
    const std::string plugin_dir = dir_.path() + "/plugins";
    std::filesystem::create_directories(plugin_dir);
    for (const std::string& plugin : plugins) {
      std::filesystem::copy(std::filesystem::absolute(plugin), plugin_dir,
                            std::filesystem::copy_options::recursive);
    }
    const std::string properties = dir_.path() + "/worker.properties";
    std::ofstream(properties) << "bootstrap.servers=" << bootstrap_servers
                              << "\nlisteners=http://127.0.0.1:0\nplugin.path=" << plugin_dir
                              << "\noffset.storage.file.filename=" << dir_.path()
                              << "/connect.offsets\noffset.flush.interval.ms=200\n"
                              << extra << "\n";
    log_ = dir_.path() + "/worker.log";
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      FILE* out = std::freopen(log_.c_str(), "w", stdout);
      if (out == nullptr || dup2(fileno(stdout), STDERR_FILENO) < 0) _exit(127);
      execl(binary, binary, "standalone", properties.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    const std::string listening = "REST server listening on port ";
    const bool up = WaitFor([&] {
      const std::string text = ReadFile(log_);
      const size_t at = text.find(listening);
      if (at == std::string::npos) return !Running();
      port_ = std::stoi(text.substr(at + listening.size()));
      return true;
    });
    if (!up || port_ == 0) throw std::runtime_error("the worker did not start:\n" + LogTail());
  }

  ~ConnectWorker() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    if (!WaitFor([&] { return !Running(); }, std::chrono::seconds(30))) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  ConnectWorker(const ConnectWorker&) = delete;
  ConnectWorker& operator=(const ConnectWorker&) = delete;

  /// Whether the worker process is still alive.
  bool Running() {
    if (exited_) return false;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) exited_ = true;
    return !exited_;
  }

  /// The last 4000 characters of the worker's log, for failure messages.
  std::string LogTail() const {
    const std::string text = ReadFile(log_);
    return text.size() > 4000 ? text.substr(text.size() - 4000) : text;
  }

  /// The REST port.
  int port() const { return port_; }

  /// GET `path`; the status code and the body as JSON (discarded when not JSON).
  std::pair<int, nlohmann::json> Get(const std::string& path) const {
    httplib::Client client("127.0.0.1", port_);
    const httplib::Result result = client.Get(path);
    if (!result) return {0, nlohmann::json()};
    return {result->status, nlohmann::json::parse(result->body, nullptr, false)};
  }

  /// PUT /connectors/<name>/config with `config`: creates or updates a connector. The status code.
  int PutConnector(const std::string& name, const std::map<std::string, std::string>& config) {
    httplib::Client client("127.0.0.1", port_);
    const httplib::Result result = client.Put("/connectors/" + name + "/config",
                                              nlohmann::json(config).dump(), "application/json");
    return result ? result->status : 0;
  }

  /// Waits until connector `name` and `tasks` tasks report RUNNING over REST.
  bool ConnectorAndTasksRunning(const std::string& name, size_t tasks) {
    return WaitFor([&] {
      const auto [status, body] = Get("/connectors/" + name + "/status");
      if (status != 200 || body.value("/connector/state"_json_pointer, "") != "RUNNING") {
        return false;
      }
      if (!body.contains("tasks") || body["tasks"].size() != tasks) return false;
      for (const auto& task : body["tasks"]) {
        if (task.value("state", "") != "RUNNING") return false;
      }
      return true;
    });
  }

 private:
  ScratchDir dir_;
  std::string log_;
  pid_t pid_ = -1;
  bool exited_ = false;
  int port_ = 0;
};

}  // namespace connect_worker
