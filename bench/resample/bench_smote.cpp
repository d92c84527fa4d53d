// SMOTE benchmark: generates a deterministic 200,000 × 20 sample with 10 % minority, writes it
// as .npy (so the Python peer resamples exactly the same events) and times our SMOTE (k = 5,
// ratio 1) on it. Usage: bench_smote <out_dir> [repeats]. Prints "ours_seconds <s>" lines.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "core/resample/random_stream.h"
#include "core/resample/resampler.h"

namespace {

constexpr std::size_t kRows = 200000;
constexpr std::size_t kCols = 20;

// Minimal NumPy .npy (v1.0) writer for a C-order array.
void writeNpy(const std::string& path, const char* descr, const std::vector<std::size_t>& shape,
              const void* data, std::size_t bytes) {
  std::string dict = std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': (";
  for (std::size_t i = 0; i < shape.size(); ++i)
    dict +=
        std::to_string(shape[i]) + (shape.size() == 1 ? "," : (i + 1 < shape.size() ? ", " : ""));
  dict += "), }";
  const std::size_t total = 10 + dict.size() + 1;
  dict.append((64 - total % 64) % 64, ' ');
  dict += '\n';
  std::ofstream f(path, std::ios::binary);
  const unsigned char magic[] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
  f.write(reinterpret_cast<const char*>(magic), 8);
  const auto len = static_cast<std::uint16_t>(dict.size());
  f.put(static_cast<char>(len & 0xff));
  f.put(static_cast<char>(len >> 8));
  f.write(dict.data(), static_cast<std::streamsize>(dict.size()));
  f.write(static_cast<const char*>(data), static_cast<std::streamsize>(bytes));
  if (!f) throw std::runtime_error("cannot write " + path);
}

imbw::FeatureMatrix makeSample() {
  imbw::FeatureMatrix m;
  m.classNames = {"background", "signal"};
  m.signalClass = 1;
  for (std::size_t f = 0; f < kCols; ++f) m.featureNames.push_back("f" + std::to_string(f));
  m.x.resize(kRows, kCols);
  m.label.resize(kRows);
  m.weight.assign(kRows, 1.0);
  imbw::RandomStream rs(20261122);
  for (std::size_t i = 0; i < kRows; ++i) {
    const bool signal = rs.below(10) == 0;  // 10 % minority
    m.label[i] = signal ? 1 : 0;
    for (std::size_t f = 0; f < kCols; ++f) {
      // Box–Muller normal; the signal is shifted by 0.5 in half of the features.
      const double u1 = 1.0 - rs.uniform();
      const double u2 = rs.uniform();
      const double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
      m.x(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(f)) =
          static_cast<float>(z + (signal && f % 2 == 0 ? 0.5 : 0.0));
    }
  }
  return m;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: bench_smote <out_dir> [repeats]\n";
    return 2;
  }
  const std::string out = argv[1];
  const int repeats = argc > 2 ? std::max(1, std::atoi(argv[2])) : 3;
  const imbw::FeatureMatrix m = makeSample();
  writeNpy(out + "/smote_x.npy", "<f4", {kRows, kCols}, m.x.data(), kRows * kCols * sizeof(float));
  writeNpy(out + "/smote_y.npy", "<i4", {kRows}, m.label.data(), kRows * sizeof(std::int32_t));

  imbw::ResampleConfig cfg;
  cfg.kind = imbw::ResampleKind::Smote;
  cfg.k = 5;
  cfg.ratio = 1.0;
  cfg.seed = 0;
  std::vector<double> times, cpu;
  std::size_t outRows = 0;
  for (int r = 0; r < repeats; ++r) {
    const std::clock_t c0 = std::clock();  // process CPU time, all threads
    const auto t0 = std::chrono::steady_clock::now();
    const auto res = imbw::resample(m, cfg);
    const auto t1 = std::chrono::steady_clock::now();
    cpu.push_back(static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC);
    times.push_back(std::chrono::duration<double>(t1 - t0).count());
    outRows = res.data.rows();
  }
  std::sort(times.begin(), times.end());
  std::sort(cpu.begin(), cpu.end());
  std::printf("rows_in %zu rows_out %zu\n", kRows, outRows);
  std::printf("ours_seconds_min %.4f\n", times.front());
  std::printf("ours_seconds_median %.4f\n", times[times.size() / 2]);
  std::printf("ours_cpu_seconds_median %.4f\n", cpu[cpu.size() / 2]);
  return 0;
}
