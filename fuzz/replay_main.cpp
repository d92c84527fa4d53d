// Replays fuzz inputs through a fuzz target's LLVMFuzzerTestOneInput without libFuzzer: the
// ctest fuzz_regressions_* run every kept input (fuzz/regressions/<target>/) in the ordinary
// and the sanitizer builds, so a fixed crash stays fixed.
//   fuzz_replay_<target> [-o LOG,txt ...] FILE_OR_DIR...
// Prints one line per input and a Qt Test style "Totals:" line (also to each -o LOG) that
// packaging/test-summary.sh reads; an input that crashes ends the process, and so fails the test.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  std::vector<std::string> logs;
  std::vector<fs::path> inputs;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "-o" && i + 1 < argc) {
      const std::string spec = argv[++i];
      const std::string file = spec.substr(0, spec.rfind(','));
      if (file != "-") logs.push_back(file);
      continue;
    }
    if (fs::is_directory(a)) {
      for (const auto& e : fs::directory_iterator(a))
        if (e.is_regular_file() && e.path().filename().string()[0] != '.')
          inputs.push_back(e.path());
    } else {
      inputs.push_back(a);
    }
  }
  std::sort(inputs.begin(), inputs.end());
  const auto t0 = std::chrono::steady_clock::now();
  for (const auto& p : inputs) {
    std::ifstream in(p, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), {});
    std::printf("replay %s (%zu bytes)\n", p.filename().c_str(), bytes.size());
    std::fflush(stdout);
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  }
  const long ms = static_cast<long>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
          .count());
  char totals[160];
  std::snprintf(totals, sizeof totals,
                "Totals: %zu passed, 0 failed, 0 skipped, 0 blacklisted, %ldms\n", inputs.size(),
                ms);
  std::fputs(totals, stdout);
  for (const auto& l : logs) std::ofstream(l) << totals;
  return inputs.empty() ? 1 : 0;  // an empty folder would pass by accident
}
