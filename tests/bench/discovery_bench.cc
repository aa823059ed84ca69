// `./ck bench discovery`: how long the runtime takes to find 200 plugins on plugin.path, without
// running any of them. The plugin is a real ck_plugin() build (discovery_bench_plugin.cc, a
// connector, its task, a converter and a transformation with settings); the benchmark writes 200
// copies into a temporary directory, each made distinct by rewriting its "ckbench000" placeholder,
// and times the worker's whole discovery: PluginRegistry::Discover, which reads every ELF note and
// dynamic section, validates every manifest and registers 800 components. It then checks that no
// plugin code ran (no constructor marker, no copy mapped into the process). The figure is set
// against Kafka Connect, which scans plugin.path by loading and reflecting over every class of
// every jar: 9 s to 144 s on real installations (aklivity/zilla#2450; KAFKA-6503), the reason for
// KIP-898's manifests. Ends with one `BENCH discovery ...` line.
#include <link.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "runtime/plugins/registry.h"

namespace {

namespace fs = std::filesystem;

constexpr int kPlugins = 200;
constexpr int kRuns = 15;
constexpr char kPlaceholder[] = "ckbench000";

std::string PluginPath(const char* argv0) {
  for (const std::string& root :
       {std::string(argv0) + ".runfiles",
        std::string(getenv("RUNFILES_DIR") ? getenv("RUNFILES_DIR") : "")}) {
    std::string path = root + "/connectkit/tests/bench/discovery_bench_plugin.so";
    if (!root.empty() && fs::exists(path)) return path;
  }
  std::fprintf(stderr, "discovery_bench: cannot find discovery_bench_plugin.so in the runfiles\n");
  std::exit(2);
}

// Writes copy `n` of `image`, every placeholder replaced by "ckbench" and three digits.
void WriteCopy(std::string image, int n, const std::string& path) {
  char digits[12];  // room for any int; n is below 1000, so three digits are written
  std::snprintf(digits, sizeof digits, "%03d", n % 1000);
  const std::string placeholder = kPlaceholder;
  for (size_t at = 0; (at = image.find(placeholder, at)) != std::string::npos; at += 1) {
    image.replace(at + placeholder.size() - 3, 3, digits);
  }
  std::ofstream(path, std::ios::binary) << image;
}

int MappedFilesUnder(const std::string& dir) {
  struct Count {
    const std::string* dir;
    int n = 0;
  } count{&dir};
  dl_iterate_phdr(
      [](dl_phdr_info* info, size_t, void* data) {
        auto* c = static_cast<Count*>(data);
        if (info->dlpi_name != nullptr && std::string(info->dlpi_name).rfind(*c->dir, 0) == 0) {
          ++c->n;
        }
        return 0;
      },
      &count);
  return count.n;
}

}  // namespace

int main(int, char** argv) {
  std::ifstream in(PluginPath(argv[0]), std::ios::binary);
  const std::string image(std::istreambuf_iterator<char>(in), {});
  char tmpl[] = "/tmp/ck-discovery-bench-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  const std::string plugins = dir + "/plugins";
  fs::create_directories(plugins);
  for (int i = 0; i < kPlugins; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "/plugin-%03d.so", i);
    WriteCopy(image, i, plugins + name);
  }
  const std::string marker = dir + "/constructor-ran";
  setenv("CK_BENCH_MARKER", marker.c_str(), 1);

  std::vector<double> seconds;
  size_t components = 0;
  for (int run = 0; run < kRuns; ++run) {
    ck::runtime::PluginRegistry registry(
        nullptr, ck::runtime::IsolationPolicy::kTier0,
        [](auto, const std::string& message) { std::fprintf(stderr, "%s\n", message.c_str()); });
    const auto start = std::chrono::steady_clock::now();
    const std::vector<std::string> errors = registry.Discover({plugins}, dir + "/cache");
    seconds.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    components = registry.List().size();
    if (!errors.empty()) return 1;
  }
  const double first = seconds.front();
  std::sort(seconds.begin(), seconds.end());
  const double median = seconds[seconds.size() / 2];
  const bool ran = fs::exists(marker) || MappedFilesUnder(dir) > 0;
  fs::remove_all(dir);

  std::printf(
      "Plugin discovery: %d plugins (copies of a real ck_plugin() .so, %zu KiB each), "
      "%zu components\n",
      kPlugins, image.size() / 1024, components);
  std::printf(
      "  ConnectKit (ELF notes, no plugin code run): median %.4f s over %d runs, first run "
      "%.4f s, best %.4f s; %.3f ms per plugin\n",
      median, kRuns, first, seconds.front(), median * 1000 / kPlugins);
  std::printf(
      "  Kafka Connect (class scan of plugin.path): 9 s to 144 s on real installations "
      "(aklivity/zilla#2450, KAFKA-6503): %.0fx to %.0fx slower\n",
      9 / median, 144 / median);
  std::printf("  plugin code run during discovery: %s; goal < 1 s: %s\n", ran ? "YES" : "none",
              median < 1 ? "met" : "MISSED");
  std::printf("BENCH discovery plugins=%d seconds=%.4f per_plugin_ms=%.4f\n", kPlugins, median,
              median * 1000 / kPlugins);
  return ran || components != static_cast<size_t>(kPlugins) * 4 ? 1 : 0;
}
