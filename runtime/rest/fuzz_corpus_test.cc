// Runs the REST fuzz target (rest_fuzzer.cc) over every file of its seed corpus, so the target
// builds and its seeds pass in every test run, with GCC and the sanitizer configs too.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int main() {
  const std::filesystem::path corpus = "runtime/rest/testdata/fuzz_corpus";
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(corpus)) {
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string input((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
    ++count;
  }
  std::printf("%d corpus inputs handled\n", count);
  std::fflush(stdout);
  if (count == 0) {
    std::fprintf(stderr, "no corpus files in %s\n", corpus.c_str());
    return 1;
  }
  _exit(0);  // the fixture's worker is intentionally never destroyed
}
