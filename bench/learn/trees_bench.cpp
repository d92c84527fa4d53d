// Benchmark of the tree models (helper area "trees"). Driven by trees_bench.py, which runs the
// Python peers in the same run and prints the ratios.
//   trees_bench make-data OUTDIR          deterministic 170,000 × 20, 7.5 % signal →
//                                         OUTDIR/learn_170k_x.npy (float32), learn_170k_y.npy
//                                         (int32)
//   trees_bench run OUTDIR MODEL [TREES]  fits MODEL on the first 80 %, scores the last 20 %
//                                         (OUTDIR/trees_scores_MODEL.npy) and prints one JSON line
//   trees_bench ww DATADIR MODEL          5-fold quality on the WW example: reads DATADIR/ww_x.npy
//                                         (float32 n × F), ww_y.npy, ww_folds.npy (int64, fold
//                                         of each event; written by trees_ww.py), fits MODEL on
//                                         the other folds (resampling the training part only),
//                                         writes the held-out scores to ww_scores_MODEL.npy and
//                                         prints a JSON line with the fit time of each fold;
//                                         optional 4th argument SEED_OFFSET: other resampling
//                                         draws and model seeds (default 0)
//   trees_bench poll-gaps OUTDIR MODEL [TREES]  fits on the 170k set and prints the largest
//                                         interval between two stopRequested() polls (= the
//                                         worst cancel latency), first poll included
// MODEL: gbdt_logistic, gbdt_focal, gbdt_custom_ce, rf, weighted_rf, balanced_rf, easy_ensemble;
// ww also: gbdt (1000 trees, lr 0.01), gbdt_weighted (α = 1 − r), gbdt_focal_ww, rus_gbdt,
// smote_gbdt (the WW example's resampling: class totals kept), rus_gbdt_eq, smote_gbdt_eq
// (class totals equalised = unit weights, as imbalanced-learn's samplers give).
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <numeric>
#include <string>
#include <vector>

#include "core/learn/easy_ensemble_model.h"
#include "core/learn/forest_model.h"
#include "core/learn/gbdt_model.h"
#include "core/resample/resampler.h"
#include "core/util/openmp_env.h"

using namespace imbw;

namespace {

constexpr std::size_t kRows = 170000;
constexpr int kCols = 20;
constexpr double kSignalFraction = 0.075;

struct Rng {  // xoshiro256** seeded by splitmix64: the same stream on every platform
  std::uint64_t s[4];
  explicit Rng(std::uint64_t seed) {
    for (auto& v : s) {
      seed += 0x9e3779b97f4a7c15ULL;
      std::uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      v = z ^ (z >> 31);
    }
  }
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t next() {
    const std::uint64_t r = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return r;
  }
  double uniform() { return (next() >> 11) * 0x1.0p-53; }
  double gauss() {  // Box–Muller, one value per call (simple and deterministic)
    const double u1 = 1.0 - uniform(), u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
  }
};

void writeNpy(const std::string& path, const char* descr, std::size_t rows, int cols,
              const void* data, std::size_t bytes) {
  std::string header = std::string("{'descr': '") + descr +
                       "', 'fortran_order': False, 'shape': (" + std::to_string(rows) +
                       (cols > 0 ? ", " + std::to_string(cols) : ",") + "), }";
  while ((10 + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::ofstream out(path, std::ios::binary);
  out.write("\x93NUMPY\x01\x00", 8);
  const std::uint16_t len = static_cast<std::uint16_t>(header.size());
  out.write(reinterpret_cast<const char*>(&len), 2);
  out.write(header.data(), static_cast<std::streamsize>(header.size()));
  out.write(static_cast<const char*>(data), static_cast<std::streamsize>(bytes));
}

std::vector<char> readNpyPayload(const std::string& path, std::size_t bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path + " (run make-data first)");
  char magic[10];
  in.read(magic, 10);
  const std::uint16_t len = static_cast<std::uint16_t>(static_cast<unsigned char>(magic[8]) |
                                                       (static_cast<unsigned char>(magic[9]) << 8));
  in.seekg(10 + len);
  std::vector<char> buf(bytes);
  in.read(buf.data(), static_cast<std::streamsize>(bytes));
  if (!in) throw std::runtime_error(path + " is shorter than expected");
  return buf;
}

/// Signal: shifted means (features 0–5), wider spread (6–9), a correlated pair (10, 11) and a
/// ring in (12, 13); 14–19 are noise. Tuned so that good models reach an AUC around 0.8, the
/// WW example's range.
void makeData(const std::string& dir) {
  Rng rng(20261122);
  std::vector<std::int32_t> y(kRows, 0);
  const std::size_t nSig = static_cast<std::size_t>(std::llround(kSignalFraction * kRows));
  for (std::size_t i = 0; i < nSig; ++i) y[i] = 1;
  for (std::size_t i = kRows - 1; i > 0; --i) std::swap(y[i], y[rng.next() % (i + 1)]);
  std::vector<float> x(kRows * kCols);
  for (std::size_t i = 0; i < kRows; ++i) {
    float* r = &x[i * kCols];
    const bool s = y[i] == 1;
    for (int f = 0; f < kCols; ++f) r[f] = static_cast<float>(rng.gauss());
    if (s) {
      for (int f = 0; f < 6; ++f) r[f] += static_cast<float>(0.08 * (f + 1));
      for (int f = 6; f < 10; ++f) r[f] *= 1.3f;
      r[11] = static_cast<float>(0.6 * r[10] + 0.8 * r[11]);
      const double rad = 1.2 + 0.3 * rng.gauss(), phi = 2 * M_PI * rng.uniform();
      r[12] = static_cast<float>(rad * std::cos(phi));
      r[13] = static_cast<float>(rad * std::sin(phi));
    }
  }
  writeNpy(dir + "/learn_170k_x.npy", "<f4", kRows, kCols, x.data(), x.size() * sizeof(float));
  writeNpy(dir + "/learn_170k_y.npy", "<i4", kRows, 0, y.data(), y.size() * sizeof(std::int32_t));
  std::printf("wrote %s/learn_170k_{x,y}.npy: %zu × %d, %zu signal\n", dir.c_str(), kRows, kCols,
              nSig);
}

FeatureMatrix loadRows(const std::string& dir, std::size_t begin, std::size_t end) {
  const auto xb = readNpyPayload(dir + "/learn_170k_x.npy", kRows * kCols * sizeof(float));
  const auto yb = readNpyPayload(dir + "/learn_170k_y.npy", kRows * sizeof(std::int32_t));
  const auto* x = reinterpret_cast<const float*>(xb.data());
  const auto* y = reinterpret_cast<const std::int32_t*>(yb.data());
  FeatureMatrix m;
  for (int f = 0; f < kCols; ++f) m.featureNames.push_back("f" + std::to_string(f));
  m.classNames = {"background", "signal"};
  m.x.resize(static_cast<Eigen::Index>(end - begin), kCols);
  for (std::size_t i = begin; i < end; ++i) {
    for (int f = 0; f < kCols; ++f) m.x(static_cast<Eigen::Index>(i - begin), f) = x[i * kCols + f];
    m.label.push_back(y[i]);
    m.weight.push_back(1.0);
  }
  return m;
}

/// Threads of every fit: 2, or IMBW_BENCH_THREADS.
int benchThreads() {
  const char* v = std::getenv("IMBW_BENCH_THREADS");
  return v ? std::max(1, std::atoi(v)) : 2;
}

std::unique_ptr<Model> makeBenchModel(const std::string& name, int trees) {
  LossConfig focal;
  focal.kind = LossKind::Focal;
  focal.alpha = 0.25;
  focal.gamma = 2.0;
  if (name.rfind("gbdt_", 0) == 0) {
    GbdtParams p;
    p.trees = trees > 0 ? trees : 300;
    p.learningRate = 0.1;
    p.maxDepth = 6;
    if (name == "gbdt_focal") p.loss = focal;
    if (name == "gbdt_custom_ce") p.customObjective = true;
    return std::make_unique<GbdtModel>(p);
  }
  if (name == "rf" || name == "weighted_rf" || name == "balanced_rf") {
    ForestParams p = ForestParams::defaults(name == "balanced_rf");
    p.trees = trees > 0 ? trees : 100;
    p.classWeightBalanced = name == "weighted_rf";
    return std::make_unique<ForestModel>(p);
  }
  if (name == "easy_ensemble") {
    EasyEnsembleParams p;
    if (trees > 0) p.member.trees = trees;
    return std::make_unique<EasyEnsembleModel>(p);
  }
  throw std::runtime_error("unknown model " + name);
}

int run(const std::string& dir, const std::string& name, int trees) {
  const std::size_t split = kRows * 4 / 5;
  const FeatureMatrix train = loadRows(dir, 0, split);
  const FeatureMatrix test = loadRows(dir, split, kRows);
  auto model = makeBenchModel(name, trees);
  FitContext ctx;
  ctx.threads = benchThreads();
  ctx.seed = 1;
  const auto t0 = std::chrono::steady_clock::now();
  model->fit(train, ctx);
  const double fitSeconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const auto t1 = std::chrono::steady_clock::now();
  const auto scores = model->predict(test.x);
  const double predictSeconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
  std::vector<double> s(scores.begin(), scores.end());
  writeNpy(dir + "/trees_scores_" + name + ".npy", "<f8", s.size(), 0, s.data(),
           s.size() * sizeof(double));
  nlohmann::json line = {{"model", name},
                         {"fit_seconds", fitSeconds},
                         {"predict_seconds", predictSeconds},
                         {"config", model->config()}};
  std::cout << line.dump() << std::endl;
  return 0;
}

/// Payload and shape of a C-order .npy file (the shape parsed from its header).
std::vector<char> readNpy(const std::string& path, std::vector<std::size_t>& shape,
                          std::size_t itemBytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  char magic[10];
  in.read(magic, 10);
  const std::uint16_t len = static_cast<std::uint16_t>(static_cast<unsigned char>(magic[8]) |
                                                       (static_cast<unsigned char>(magic[9]) << 8));
  std::string header(len, ' ');
  in.read(header.data(), len);
  const auto open = header.find("'shape': (");
  if (open == std::string::npos) throw std::runtime_error(path + ": no shape in the header");
  shape.clear();
  std::size_t pos = open + 10, total = 1;
  while (pos < header.size() && header[pos] != ')') {
    if (std::isdigit(static_cast<unsigned char>(header[pos]))) {
      std::size_t used = 0;
      shape.push_back(std::stoull(header.substr(pos), &used));
      total *= shape.back();
      pos += used;
    } else {
      ++pos;
    }
  }
  std::vector<char> buf(total * itemBytes);
  in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
  if (!in) throw std::runtime_error(path + " is shorter than expected");
  return buf;
}

std::unique_ptr<Model> makeWwModel(const std::string& name, double signalFraction) {
  GbdtParams g;  // the WW example's boosted trees: 1000 trees, learning rate 0.01, depth 6
  g.trees = 1000;
  g.learningRate = 0.01;
  if (name == "gbdt" || name.rfind("rus_gbdt", 0) == 0 || name.rfind("smote_gbdt", 0) == 0)
    return std::make_unique<GbdtModel>(g);
  if (name == "gbdt_weighted") {
    g.loss.kind = LossKind::WeightedCrossEntropy;
    g.loss.alpha = 1.0 - signalFraction;
    return std::make_unique<GbdtModel>(g);
  }
  if (name == "gbdt_focal_ww") {
    g.loss.kind = LossKind::Focal;
    g.loss.alpha = 0.25;
    g.loss.gamma = 2.0;
    return std::make_unique<GbdtModel>(g);
  }
  return makeBenchModel(name, 0);
}

int runWw(const std::string& dir, const std::string& name, std::uint64_t seedOffset) {
  std::vector<std::size_t> xs, ys, fs;
  const auto xb = readNpy(dir + "/ww_x.npy", xs, sizeof(float));
  const auto yb = readNpy(dir + "/ww_y.npy", ys, sizeof(std::int64_t));
  const auto fb = readNpy(dir + "/ww_folds.npy", fs, sizeof(std::int64_t));
  if (xs.size() != 2 || ys.at(0) != xs[0] || fs.at(0) != xs[0])
    throw std::runtime_error("ww_x / ww_y / ww_folds do not match");
  const std::size_t n = xs[0], f = xs[1];
  const auto* x = reinterpret_cast<const float*>(xb.data());
  const auto* y = reinterpret_cast<const std::int64_t*>(yb.data());
  const auto* fold = reinterpret_cast<const std::int64_t*>(fb.data());
  FeatureMatrix all;
  for (std::size_t j = 0; j < f; ++j) all.featureNames.push_back("f" + std::to_string(j));
  all.classNames = {"background", "signal"};
  all.x =
      Eigen::Map<const RowMatrixF>(x, static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(f));
  for (std::size_t i = 0; i < n; ++i) {
    all.label.push_back(static_cast<std::int32_t>(y[i]));
    all.weight.push_back(1.0);
  }
  std::vector<double> scores(n, std::nan(""));
  nlohmann::json folds = nlohmann::json::array();
  const int k = static_cast<int>(*std::max_element(fold, fold + n)) + 1;
  for (int q = 0; q < k; ++q) {
    std::vector<std::size_t> tr, te;
    for (std::size_t i = 0; i < n; ++i) (fold[i] == q ? te : tr).push_back(i);
    FeatureMatrix train = all.subset(tr);
    const FeatureMatrix test = all.subset(te);
    const auto t0 = std::chrono::steady_clock::now();
    const bool rus = name.rfind("rus_gbdt", 0) == 0, smote = name.rfind("smote_gbdt", 0) == 0;
    if (rus || smote) {
      ResampleConfig rc;
      rc.kind = rus ? ResampleKind::RandomUnder : ResampleKind::Smote;
      rc.equaliseWeights = name.size() > 3 && name.compare(name.size() - 3, 3, "_eq") == 0;
      rc.seed = 100 + static_cast<std::uint64_t>(q) + seedOffset;
      train = resample(train, rc).data;
    }
    double sig = 0.0;
    for (std::size_t i = 0; i < train.rows(); ++i) sig += train.isSignal(i) ? 1.0 : 0.0;
    auto model = makeWwModel(name, sig / static_cast<double>(train.rows()));
    FitContext ctx;
    ctx.threads = benchThreads();
    ctx.seed = 1 + static_cast<std::uint64_t>(q) + seedOffset;
    model->fit(train, ctx);
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const auto s = model->predict(test.x);
    for (std::size_t i = 0; i < te.size(); ++i) scores[te[i]] = s[i];
    folds.push_back({{"fold", q}, {"fit_seconds", secs}, {"train_events", train.rows()}});
  }
  writeNpy(dir + "/ww_scores_" + name + ".npy", "<f8", n, 0, scores.data(), n * sizeof(double));
  std::cout << nlohmann::json{{"model", name}, {"folds", folds}}.dump() << std::endl;
  return 0;
}

/// Records the longest interval between two polls (from the start of fit to the first poll
/// included): the worst case of how long a cancel waits.
class GapObserver : public FitObserver {
 public:
  using Clock = std::chrono::steady_clock;
  bool stopRequested() const override {
    const auto now = Clock::now();
    const double gap = std::chrono::duration<double>(now - last).count();
    maxGap = std::max(maxGap, gap);
    gaps.push_back(gap);
    last = now;
    ++polls;
    return false;
  }
  mutable Clock::time_point last = Clock::now();
  mutable double maxGap = 0.0;
  mutable std::vector<double> gaps;
  mutable long polls = 0;
};

int pollGaps(const std::string& dir, const std::string& name, int trees) {
  const FeatureMatrix train = loadRows(dir, 0, kRows * 4 / 5);
  auto model = makeBenchModel(name, trees);
  GapObserver obs;
  FitContext ctx;
  ctx.threads = benchThreads();
  ctx.seed = 1;
  ctx.observer = &obs;
  obs.last = GapObserver::Clock::now();
  model->fit(train, ctx);
  const double tail = std::chrono::duration<double>(GapObserver::Clock::now() - obs.last).count();
  std::cout << nlohmann::json{{"model", name},
                              {"rows", train.rows()},
                              {"polls", obs.polls},
                              {"max_gap_ms", 1e3 * obs.maxGap},
                              {"first_gap_ms", obs.gaps.empty() ? 0.0 : 1e3 * obs.gaps.front()},
                              {"max_later_gap_ms",
                               obs.gaps.size() < 2
                                   ? 0.0
                                   : 1e3 * *std::max_element(obs.gaps.begin() + 1, obs.gaps.end())},
                              {"after_last_poll_ms", 1e3 * tail}}
                   .dump()
            << std::endl;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  imbw::preferShortOpenMpSpin(argv);
  try {
    const std::string cmd = argc > 1 ? argv[1] : "";
    if (cmd == "make-data" && argc == 3) {
      makeData(argv[2]);
      return 0;
    }
    if (cmd == "run" && (argc == 4 || argc == 5))
      return run(argv[2], argv[3], argc == 5 ? std::stoi(argv[4]) : 0);
    if (cmd == "ww" && (argc == 4 || argc == 5))
      return runWw(argv[2], argv[3], argc == 5 ? std::stoull(argv[4]) : 0);
    if (cmd == "poll-gaps" && (argc == 4 || argc == 5))
      return pollGaps(argv[2], argv[3], argc == 5 ? std::stoi(argv[4]) : 0);
    std::cerr << "usage: trees_bench make-data OUTDIR | run OUTDIR MODEL [TREES] | ww DATADIR "
                 "MODEL [SEED_OFFSET] | poll-gaps OUTDIR MODEL [TREES]\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "trees_bench: " << e.what() << "\n";
    return 1;
  }
}
