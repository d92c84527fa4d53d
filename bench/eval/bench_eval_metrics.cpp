// bench_eval_metrics generate DIR [N]  writes DIR/eval_{scores,labels,weights}.npy
//                                      (deterministic, N = 10,000,000 by default)
// bench_eval_metrics run DIR [REPEATS] reads them back and times ROC + PR + AP + AUC + working
//                                      points; prints one "key value" per line.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include <omp.h>

#include "core/eval/binary_summary.h"
#include "core/eval/curve_thinning.h"
#include "core/eval/pr_curve.h"
#include "core/eval/roc_curve.h"
#include "core/eval/working_points.h"

namespace {

// Minimal .npy (format 1.0, little endian, C order, 1-D) so numpy reads exactly these bytes.
template <class T>
void writeNpy(const std::string& path, const std::vector<T>& v, const char* descr) {
  std::string header = std::string("{'descr': '") + descr +
                       "', 'fortran_order': False, 'shape': (" + std::to_string(v.size()) + ",), }";
  const std::size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header.push_back('\n');
  std::ofstream out(path, std::ios::binary);
  out.write("\x93NUMPY\x01\x00", 8);
  const auto len = static_cast<std::uint16_t>(header.size());
  out.put(static_cast<char>(len & 0xff));
  out.put(static_cast<char>(len >> 8));
  out.write(header.data(), static_cast<std::streamsize>(header.size()));
  out.write(reinterpret_cast<const char*>(v.data()),
            static_cast<std::streamsize>(v.size() * sizeof(T)));
  if (!out) throw std::runtime_error("cannot write " + path);
}

template <class T>
std::vector<T> readNpy(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path + " (run `generate` first)");
  char magic[10];
  in.read(magic, 10);
  const std::size_t len = static_cast<unsigned char>(magic[8]) |
                          (static_cast<std::size_t>(static_cast<unsigned char>(magic[9])) << 8);
  std::string header(len, '\0');
  in.read(header.data(), static_cast<std::streamsize>(len));
  const auto open = header.find("'shape': (");
  const std::size_t n = std::stoull(header.substr(open + 10));
  std::vector<T> v(n);
  in.read(reinterpret_cast<char*>(v.data()), static_cast<std::streamsize>(n * sizeof(T)));
  if (!in) throw std::runtime_error("short read in " + path);
  return v;
}

// splitmix64: a fixed, documented generator, so the input is the same on every machine.
struct SplitMix {
  std::uint64_t s;
  std::uint64_t next() {
    std::uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  double uniform() { return (static_cast<double>(next() >> 11) + 0.5) * 0x1.0p-53; }
};

void generate(const std::string& dir, std::size_t n) {
  std::vector<double> scores(n), weights(n);
  std::vector<std::uint8_t> labels(n);
  SplitMix rng{20261122};
  for (std::size_t i = 0; i < n; ++i) {
    const bool signal = rng.uniform() < 0.05;  // 1:19 imbalance
    const double g =
        std::sqrt(-2.0 * std::log(rng.uniform())) * std::cos(6.283185307179586 * rng.uniform());
    // A classifier output in (0, 1), stored as float32 like a model's prediction (so there are
    // ties), then widened to double.
    const double margin = g + (signal ? 1.5 : 0.0) - 1.0;
    scores[i] = static_cast<double>(static_cast<float>(1.0 / (1.0 + std::exp(-margin))));
    labels[i] = signal;
    // MC-like weights: log-normal-ish spread, 3 % of events negative (NLO generators).
    const double w = std::exp(0.5 * (rng.uniform() - 0.5));
    weights[i] = rng.uniform() < 0.03 ? -w : w;
  }
  writeNpy(dir + "/eval_scores.npy", scores, "<f8");
  writeNpy(dir + "/eval_labels.npy", labels, "|u1");
  writeNpy(dir + "/eval_weights.npy", weights, "<f8");
  std::cout << "events " << n << "\n";
}

// CPU seconds of the whole process (all threads, user + system): steadier than wall time on a
// shared machine, printed next to it.
double cpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

double seconds(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

void run(const std::string& dir, int repeats) {
  const auto scores = readNpy<double>(dir + "/eval_scores.npy");
  const auto labels = readNpy<std::uint8_t>(dir + "/eval_labels.npy");
  const auto weights = readNpy<double>(dir + "/eval_weights.npy");
  std::vector<double> times, cpu;
  double auc = 0, ap = 0, rej02 = 0, effs01 = 0;
  std::size_t points = 0;
  for (int r = 0; r < repeats; ++r) {
    const double c0 = cpuSeconds();
    const auto t0 = std::chrono::steady_clock::now();
    const auto roc = imbw::rocCurve(scores, labels, weights);
    const auto ta = std::chrono::steady_clock::now();
    const auto pr = imbw::prCurve(roc);
    const auto tb = std::chrono::steady_clock::now();
    const auto summary = imbw::summarize(roc);  // AP, AUC, AP/r, working points
    ap = summary.averagePrecision;
    auc = summary.auc;
    const auto t1 = std::chrono::steady_clock::now();
    times.push_back(seconds(t0, t1));
    cpu.push_back(cpuSeconds() - c0);
    std::fprintf(stderr, "run %d: roc %.3f s, pr %.3f s, ap+auc+working points %.3f s\n", r,
                 seconds(t0, ta), seconds(ta, tb), seconds(tb, t1));
    points = roc.size();
    rej02 = summary.atSignalEfficiency[0].backgroundRejection;
    effs01 = summary.atBackgroundEfficiency[1].signalEfficiency;
    if (pr.precision.size() != roc.size()) throw std::runtime_error("PR size mismatch");
    if (r + 1 == repeats) {  // display thinning, outside the timed metrics
      const auto ts = std::chrono::steady_clock::now();
      const auto thin = imbw::thinned(roc, 500);
      std::printf("thin_points %zu\nthin_seconds %.4f\n", thin.size(),
                  seconds(ts, std::chrono::steady_clock::now()));
    }
  }
  const double first = times.front();
  std::sort(times.begin(), times.end());
  std::sort(cpu.begin(), cpu.end());
  std::printf("events %zu\nthreads %d\nroc_points %zu\n", scores.size(), omp_get_max_threads(),
              points);
  std::printf("auc %.15g\nap %.15g\nrejection_at_effs_0.2 %.10g\neffs_at_effb_0.1 %.10g\n", auc, ap,
              rej02, effs01);
  std::printf("seconds_first %.4f\nseconds_median %.4f\nseconds_best %.4f\n", first,
              times[times.size() / 2], times.front());
  std::printf("cpu_seconds_median %.4f\n", cpu[cpu.size() / 2]);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::string mode = argc > 1 ? argv[1] : "";
    if (mode == "generate" && argc >= 3) {
      generate(argv[2], argc > 3 ? std::stoull(argv[3]) : 10'000'000);
      return 0;
    }
    if (mode == "run" && argc >= 3) {
      run(argv[2], argc > 3 ? std::stoi(argv[3]) : 3);
      return 0;
    }
    std::cerr << "usage: bench_eval_metrics generate DIR [N] | run DIR [REPEATS]\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "bench_eval_metrics: " << e.what() << "\n";
    return 1;
  }
}
