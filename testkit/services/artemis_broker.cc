// ArtemisBroker: a local ActiveMQ Artemis broker run by Artemis's own command line on an
// instance directory the testkit writes, or an external one from CK_TEST_ARTEMIS_URL.
//
// Artemis's distribution starts brokers with `bin/artemis run`, which is
// `java -Dartemis.instance=<dir> ... org.apache.activemq.artemis.cli.Artemis run`: the `run`
// command reads <dir>/etc/bootstrap.xml (the security manager and where broker.xml is),
// <dir>/etc/management.xml, and starts the broker described in broker.xml. The testkit writes
// those files itself instead of running `artemis create`, so that a start is one JVM launch
// (about a second) and every setting is visible in one place. The jars come from Maven Central
// (tools/ck/fetch_jars.sh), so nothing needs to be compiled: no launcher class of our own.
//
// Readiness is both "Artemis logged AMQ221007 (server is now active) since this launch" and "a
// TCP connection to the acceptor succeeds", polled with a deadline, failing fast with the log
// tail when the JVM exits. SendMessages/ReceiveMessages run the same command line's `producer`
// and `consumer` over AMQP (Qpid JMS, which artemis-cli depends on), so a test can check what a
// JMS sink delivered without an AMQP client library in C++.
#include "ck/testkit/artemis_broker.h"

#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include "testkit/services/local_service.h"
#include "testkit/services/service_url.h"

namespace ck::testkit {
namespace {

using Clock = std::chrono::steady_clock;
using services_internal::ChildProcess;

// The Artemis release the local backend runs; keep in step with tools/ck/fetch_jars.sh.
constexpr char kArtemisVersion[] = "2.44.0";
constexpr char kUrlEnv[] = "CK_TEST_ARTEMIS_URL";
constexpr char kActiveLine[] = "AMQ221007";  // "Server is now active"
constexpr char kCliMain[] = "org.apache.activemq.artemis.cli.Artemis";
constexpr std::chrono::seconds kStopGrace(20);
constexpr std::chrono::seconds kCliTimeout(120);

std::string Getenv(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
  if (!out.flush()) throw std::runtime_error("ArtemisBroker: cannot write " + path);
}

std::string ReadFrom(const std::string& path, std::streamoff offset) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  in.seekg(offset);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::streamoff FileSize(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  return in ? static_cast<std::streamoff>(in.tellg()) : 0;
}

std::string JarDir(const ArtemisBrokerOptions& options) {
  if (!options.jar_dir.empty()) return options.jar_dir;
  if (std::string dir = Getenv("CK_ARTEMIS_JARS"); !dir.empty()) return dir;
  return services_internal::JarCacheDir() + "/artemis-" + kArtemisVersion;
}

void RequireJars(const std::string& jar_dir) {
  std::string cli_jar = jar_dir + "/artemis-cli-" + kArtemisVersion + ".jar";
  if (::access(cli_jar.c_str(), R_OK) != 0) {
    throw std::runtime_error(
        std::string("ArtemisBroker: the ActiveMQ Artemis ") + kArtemisVersion +
        " jars are missing: no " + cli_jar +
        ". Run `./ck setup` (tools/ck/fetch_jars.sh), which fetches them from Maven Central into "
        "$CK_CACHE_DIR/jars (default ~/.cache/connectkit/jars); looked in " +
        jar_dir + " (ArtemisBrokerOptions::jar_dir, else $CK_ARTEMIS_JARS, else the cache)");
  }
}

// Log4j 2 to stdout at `level`, Artemis's audit log silenced.
std::string Log4jConfig(const std::string& level) {
  return "rootLogger.level=" + level +
         "\n"
         "rootLogger.appenderRef.stdout.ref=STDOUT\n"
         "appender.stdout.type=Console\n"
         "appender.stdout.name=STDOUT\n"
         "appender.stdout.layout.type=PatternLayout\n"
         "appender.stdout.layout.pattern=[%d] %p %m (%c)%n\n"
         "logger.audit.name=org.apache.activemq.audit\n"
         "logger.audit.level=OFF\n";
}

// One Artemis instance directory and its broker JVM.
class LocalArtemis {
 public:
  explicit LocalArtemis(const std::string& jar_dir)
      : jar_dir_(jar_dir),
        java_(services_internal::FindJava("ArtemisBroker (local)")),
        scratch_("ck-artemis-"),
        dir_(scratch_.path()) {
    port_ = services_internal::PickFreePort();
    WriteInstance();
  }

  int port() const { return port_; }
  std::string log_path() const { return dir_ + "/broker.log"; }
  bool Running() { return process_.Running(); }

  void Launch() {
    launch_offset_ = FileSize(log_path());
    process_ = ChildProcess::Spawn(Command(), log_path(),
                                   {.own_process_group = true, .stop_signal = SIGTERM});
  }

  // True once the broker has said, since the last Launch(), that it is active.
  bool SaidActive() const {
    return ReadFrom(log_path(), launch_offset_).find(kActiveLine) != std::string::npos;
  }

  void Stop() { process_.Stop(kStopGrace); }
  void Kill() { process_.Kill(); }

  std::string Diagnosis() const {
    return "`" + services_internal::CommandLine(Command()) + "` " + process_.DescribeExit() +
           "; last lines of " + log_path() + ":\n" + services_internal::FileTail(log_path(), 4000);
  }

 private:
  std::vector<std::string> Command() const {
    return {java_,
            // Small and quick to start: tests care about latency, not broker throughput.
            "-Xms64m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-XX:-UsePerfData", "-XX:+ExitOnOutOfMemoryError", "-Djava.awt.headless=true",
            "-Dlog4j2.configurationFile=" + dir_ + "/etc/log4j2.properties",
            "-Dartemis.instance=" + dir_, "-Dartemis.home=" + dir_, "-cp", jar_dir_ + "/*",
            kCliMain, "run"};
  }

  void WriteInstance() {
    std::filesystem::create_directories(dir_ + "/etc");
    std::string data = dir_ + "/data";
    WriteFile(dir_ + "/etc/bootstrap.xml",
              "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
              "<!-- Written by ck::testkit::ArtemisBroker (local backend). -->\n"
              "<broker xmlns=\"http://activemq.apache.org/schema\">\n"
              "  <jaas-security domain=\"activemq\"/>\n"
              "  <server configuration=\"file:" +
                  dir_ +
                  "/etc/broker.xml\"/>\n"
                  "</broker>\n");
    // No JMX connector: nothing listens but the acceptor.
    WriteFile(dir_ + "/etc/management.xml",
              "<management-context xmlns=\"http://activemq.apache.org/schema\"/>\n");
    WriteFile(
        dir_ + "/etc/broker.xml",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<!-- Written by ck::testkit::ArtemisBroker (local backend). -->\n"
        "<configuration xmlns=\"urn:activemq\">\n"
        "  <core xmlns=\"urn:activemq:core\">\n"
        "    <name>connectkit-test</name>\n"
        "    <persistence-enabled>true</persistence-enabled>\n"
        "    <journal-type>NIO</journal-type>\n"
        "    <journal-directory>" +
            data + "/journal</journal-directory>\n    <bindings-directory>" + data +
            "/bindings</bindings-directory>\n    <paging-directory>" + data +
            "/paging</paging-directory>\n    <large-messages-directory>" + data +
            "/large-messages</large-messages-directory>\n"
            // Small journal files: created at start, so they cost start-up time.
            "    <journal-file-size>1M</journal-file-size>\n"
            "    <journal-min-files>2</journal-min-files>\n"
            "    <journal-pool-files>10</journal-pool-files>\n"
            "    <security-enabled>false</security-enabled>\n"
            "    <jmx-management-enabled>false</jmx-management-enabled>\n"
            // A loaded CI machine must not look like a stuck broker, nor a full disk block it.
            "    <critical-analyzer>false</critical-analyzer>\n"
            "    <max-disk-usage>100</max-disk-usage>\n"
            "    <acceptors>\n"
            "      <acceptor name=\"amqp\">tcp://127.0.0.1:" +
            std::to_string(port_) +
            "?protocols=AMQP,CORE</acceptor>\n"
            "    </acceptors>\n"
            "  </core>\n"
            "</configuration>\n");
    WriteFile(dir_ + "/etc/log4j2.properties", Log4jConfig("INFO"));
  }

  std::string jar_dir_;
  std::string java_;
  services_internal::ScratchDir scratch_;  // removed after process_ stops (declared before it)
  std::string dir_;
  int port_ = 0;
  std::streamoff launch_offset_ = 0;
  ChildProcess process_;
};

}  // namespace

class ArtemisBroker::Impl {
 public:
  explicit Impl(const ArtemisBrokerOptions& options)
      : options_(options), jar_dir_(JarDir(options)), cli_scratch_("ck-artemis-cli-") {
    std::string url = options.exclusive ? "" : services_internal::ExternalServiceSetting(kUrlEnv);
    backend_ = url.empty() ? options.backend : ServiceBackend::kExternal;
    if (backend_ == ServiceBackend::kExternal) {
      if (url.empty()) {
        throw std::invalid_argument(std::string("ArtemisBroker: the external backend needs ") +
                                    kUrlEnv + " (amqp://[user:password@]host:port); it is unset");
      }
      services_internal::ServiceUrl parsed =
          services_internal::ParseServiceUrl(kUrlEnv, url, {"amqp"}, 5672);
      host_ = parsed.host;
      port_ = parsed.port;
      user_ = parsed.user;
      password_ = parsed.password;
      WaitReady();
      return;
    }
    RequireJars(jar_dir_);
    local_ = std::make_unique<LocalArtemis>(jar_dir_);
    host_ = "127.0.0.1";
    port_ = local_->port();
    local_->Launch();
    WaitReady();
  }

  ServiceBackend backend() const { return backend_; }
  const std::string& host() const { return host_; }
  int port() const { return port_; }
  std::string url() const { return "amqp://" + host_ + ":" + std::to_string(port_); }
  const std::string& user() const { return user_; }
  const std::string& password() const { return password_; }
  std::string log_path() const { return local_ != nullptr ? local_->log_path() : ""; }
  bool running() const { return running_; }

  void SendMessages(const std::string& queue, int count, const std::string& text) {
    std::string output =
        RunCli("sending " + std::to_string(count) + " message(s) to queue '" + queue + "'",
               {"producer", "--destination", "queue://" + queue, "--message-count",
                std::to_string(count), "--message", text});
    if (output.find("Produced: " + std::to_string(count) + " messages") == std::string::npos) {
      throw std::runtime_error("ArtemisBroker: the producer did not report " +
                               std::to_string(count) + " message(s) sent to queue '" + queue +
                               "' on " + url() + "; it said:\n" + output);
    }
  }

  int ReceiveMessages(const std::string& queue, int max_count, std::chrono::milliseconds wait) {
    std::string output = RunCli("receiving from queue '" + queue + "'",
                                {"consumer", "--destination", "queue://" + queue, "--message-count",
                                 std::to_string(max_count), "--receive-timeout",
                                 std::to_string(wait.count()), "--break-on-null"});
    // The consumer's last "Consumed: N messages" line counts what it received.
    int received = -1;
    static const std::string kConsumed = "Consumed: ";
    for (std::size_t at = output.find(kConsumed); at != std::string::npos;
         at = output.find(kConsumed, at + 1)) {
      std::size_t digits = at + kConsumed.size();
      std::size_t end = output.find_first_not_of("0123456789", digits);
      if (end != std::string::npos && end > digits && output.compare(end, 9, " messages") == 0) {
        received = std::stoi(output.substr(digits, end - digits));
      }
    }
    if (received < 0) {
      throw std::runtime_error("ArtemisBroker: the consumer of queue '" + queue + "' on " + url() +
                               " did not say how many messages it received; it said:\n" + output);
    }
    return received;
  }

  void Stop() {
    RequireLocal("Stop");
    local_->Stop();
    running_ = false;
  }

  void Kill() {
    RequireLocal("Kill");
    local_->Kill();
    running_ = false;
  }

  void Restart() {
    RequireLocal("Restart");
    Stop();
    local_->Launch();
    WaitReady();
  }

 private:
  // Runs an Artemis CLI command against this broker over AMQP; returns its output.
  std::string RunCli(const std::string& what, const std::vector<std::string>& command) {
    RequireJars(jar_dir_);
    const std::string dir = cli_scratch_.path();
    if (::access((dir + "/log4j2.properties").c_str(), R_OK) != 0) {
      WriteFile(dir + "/log4j2.properties", Log4jConfig("WARN"));
    }
    std::vector<std::string> argv = {services_internal::FindJava("ArtemisBroker"),
                                     "-Xmx128m",
                                     "-XX:+UseSerialGC",
                                     "-XX:TieredStopAtLevel=1",
                                     "-XX:-UsePerfData",
                                     "-Dlog4j2.configurationFile=" + dir + "/log4j2.properties",
                                     "-cp",
                                     jar_dir_ + "/*",
                                     kCliMain};
    argv.insert(argv.end(), command.begin(), command.end());
    argv.insert(argv.end(), {"--url", url(), "--protocol", "AMQP", "--silent"});
    if (!user_.empty()) {
      argv.insert(argv.end(), {"--user", user_, "--password", password_});
    }
    std::string log = dir + "/cli-" + std::to_string(++cli_runs_) + ".log";
    ChildProcess::RunToCompletion("ArtemisBroker: " + what + " with the Artemis CLI", argv, log,
                                  kCliTimeout);
    return services_internal::FileTail(log, 64 * 1024);
  }

  // Returns once the AMQP port takes connections and (kLocal) the broker said it is active;
  // fails early when the local broker exits.
  void WaitReady() {
    Clock::time_point deadline = Clock::now() + options_.start_timeout;
    for (;;) {
      if (local_ != nullptr && !local_->Running()) {
        throw std::runtime_error("ArtemisBroker (local): the broker stopped while starting: " +
                                 local_->Diagnosis());
      }
      Clock::time_point attempt = Clock::now();
      if ((local_ == nullptr || local_->SaidActive()) &&
          services_internal::CanConnect(host_, port_, std::chrono::milliseconds(1000))) {
        break;
      }
      if (Clock::now() >= deadline) {
        throw std::runtime_error(
            "ArtemisBroker (" + std::string(ToString(backend_)) + "): " + url() +
            " was not ready within " + std::to_string(options_.start_timeout.count()) + " ms (" +
            (local_ != nullptr ? "waiting for the log line " + std::string(kActiveLine) +
                                     " and a TCP connection; " + local_->Diagnosis()
                               : std::string("no TCP connection")) +
            ")");
      }
      std::this_thread::sleep_until(attempt + std::chrono::milliseconds(50));
    }
    running_ = true;
  }

  void RequireLocal(const char* operation) const {
    if (local_ == nullptr) {
      throw std::logic_error(std::string("ArtemisBroker::") + operation +
                             " is not possible on the external broker " + url() + " (" + kUrlEnv +
                             ")");
    }
  }

  ArtemisBrokerOptions options_;
  std::string jar_dir_;
  ServiceBackend backend_ = ServiceBackend::kLocal;
  std::string host_;
  int port_ = 0;
  std::string user_;
  std::string password_;
  bool running_ = false;
  services_internal::ScratchDir cli_scratch_;  // logs of SendMessages/ReceiveMessages
  int cli_runs_ = 0;
  std::unique_ptr<LocalArtemis> local_;  // kLocal
};

std::unique_ptr<ArtemisBroker> ArtemisBroker::Start(const ArtemisBrokerOptions& options) {
  return std::unique_ptr<ArtemisBroker>(new ArtemisBroker(std::make_unique<Impl>(options)));
}

ArtemisBroker::ArtemisBroker(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ArtemisBroker::~ArtemisBroker() = default;

ServiceBackend ArtemisBroker::backend() const { return impl_->backend(); }
const std::string& ArtemisBroker::host() const { return impl_->host(); }
int ArtemisBroker::port() const { return impl_->port(); }
std::string ArtemisBroker::url() const { return impl_->url(); }
const std::string& ArtemisBroker::user() const { return impl_->user(); }
const std::string& ArtemisBroker::password() const { return impl_->password(); }
std::string ArtemisBroker::log_path() const { return impl_->log_path(); }
bool ArtemisBroker::running() const { return impl_->running(); }
void ArtemisBroker::SendMessages(const std::string& queue, int count, const std::string& text) {
  impl_->SendMessages(queue, count, text);
}
int ArtemisBroker::ReceiveMessages(const std::string& queue, int max_count,
                                   std::chrono::milliseconds wait) {
  return impl_->ReceiveMessages(queue, max_count, wait);
}
void ArtemisBroker::Stop() { impl_->Stop(); }
void ArtemisBroker::Kill() { impl_->Kill(); }
void ArtemisBroker::Restart() { impl_->Restart(); }

}  // namespace ck::testkit
