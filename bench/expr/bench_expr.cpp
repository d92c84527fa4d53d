// Benchmark (c) of issue 2: re-evaluating a three-term cut in memory.
//
// Generates N events (default 10,000,000) x 20 float32 columns deterministically, then times
// BoundExpression::select for the cut `c0 > 0.2 && c1 < 0.7 || c2 * c3 > 0.1` and prints the
// best of 5 in ns/event, with 2 threads (the target: under 10 ns/event on 2 cores) and with 1.
// The selection is checked against a plain scalar loop before anything is reported.
//
//   cmake --build build --target bench_expr && build/bench/expr/bench_expr [events]
//   bash bench/expr/run_bench.sh build      # also runs the numpy peer and prints the ratio
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include "core/expr/expression.h"

namespace {

std::uint64_t splitmix(std::uint64_t& s) {
  std::uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// CPU seconds of all threads: a fairer figure than wall time when the machine is shared.
double processCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 10'000'000;
  constexpr int kColumns = 20;
  constexpr int kRepeats = 5;
  const std::string cut = "c0 > 0.2 && c1 < 0.7 || c2 * c3 > 0.1";

  std::vector<std::string> names;
  std::vector<std::vector<float>> data(kColumns, std::vector<float>(n));
  std::uint64_t seed = 20261122;
  for (int c = 0; c < kColumns; ++c) {
    names.push_back("c" + std::to_string(c));
    for (std::size_t i = 0; i < n; ++i) {
      data[c][i] = static_cast<float>(static_cast<double>(splitmix(seed) >> 40) * 0x1.0p-24);
    }
  }
  std::vector<imbw::ColumnRef> refs(kColumns);
  for (int c = 0; c < kColumns; ++c) refs[c].f = data[c].data();

  const imbw::BoundExpression bound = imbw::Expression::parse(cut).bind(names);
  std::vector<std::uint8_t> keep(n);

  // Reference selection by a scalar loop (same double arithmetic as the engine).
  std::size_t expected = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double c0 = data[0][i], c1 = data[1][i], c2 = data[2][i], c3 = data[3][i];
    expected += (c0 > 0.2 && c1 < 0.7) || (c2 * c3 > 0.1);
  }

  std::printf("bench_expr: %zu events x %d float32 columns, cut \"%s\"\n", n, kColumns,
              cut.c_str());
  int status = 0;
  for (int threads : {2, 1}) {
    omp_set_num_threads(threads);
    double best = 1e300, bestCpu = 1e300;
    for (int r = 0; r < kRepeats; ++r) {
      std::fill(keep.begin(), keep.end(), 0);
      const double c0 = processCpuSeconds();
      const auto t0 = std::chrono::steady_clock::now();
      bound.select(refs, n, keep.data());
      const auto t1 = std::chrono::steady_clock::now();
      best = std::min(best, std::chrono::duration<double>(t1 - t0).count());
      bestCpu = std::min(bestCpu, processCpuSeconds() - c0);
    }
    std::size_t kept = 0;
    for (std::uint8_t k : keep) kept += k;
    if (kept != expected) {
      std::fprintf(stderr, "selection mismatch: engine kept %zu, scalar loop %zu\n", kept,
                   expected);
      status = 1;
    }
    std::printf(
        "threads=%d  best of %d: %.4f s wall  %.2f ns/event  (CPU time %.2f ns/event; kept "
        "%zu = %.2f%%)\n",
        threads, kRepeats, best, best * 1e9 / static_cast<double>(n),
        bestCpu * 1e9 / static_cast<double>(n), kept,
        100.0 * static_cast<double>(kept) / static_cast<double>(n));
  }
  return status;
}
