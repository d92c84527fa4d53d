#pragma once

// Toy problems and an independent AUC for the tree-model tests (test_gbdt*, test_forest*).

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "core/data/feature_matrix.h"
#include "core/learn/model.h"

namespace treetest {

/// Separable binary problem: signal iff x0 > 0.3 and x0 + x1 > 0.2 (events within 0.15 of either
/// boundary are dropped, so a clean gap exists); further features are noise. Signal fraction
/// about `signalFraction` (background is thinned to reach it).
inline imbw::FeatureMatrix separable(std::size_t n, int features, double signalFraction,
                                     std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> gauss(0.0f, 1.0f);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  imbw::FeatureMatrix m;
  for (int f = 0; f < features; ++f) m.featureNames.push_back("x" + std::to_string(f));
  m.classNames = {"background", "signal"};
  m.signalClass = 1;
  m.x.resize(static_cast<Eigen::Index>(n), features);
  std::size_t filled = 0;
  while (filled < n) {
    std::vector<float> row(static_cast<std::size_t>(features));
    for (auto& v : row) v = gauss(rng);
    const double a = row[0] - 0.3, b = row[0] + row[1] - 0.2;
    if (std::abs(a) < 0.15 || std::abs(b) < 0.15) continue;
    const bool sig = a > 0 && b > 0;
    // The natural signal fraction is about 0.3: thin one class to reach the one asked for.
    const double keepBkg = std::min(1.0, (0.3 / 0.7) * (1 - signalFraction) / signalFraction);
    const double keepSig = std::min(1.0, (0.7 / 0.3) * signalFraction / (1 - signalFraction));
    if (u(rng) > (sig ? keepSig : keepBkg)) continue;
    for (int f = 0; f < features; ++f) m.x(static_cast<Eigen::Index>(filled), f) = row[f];
    m.label.push_back(sig ? 1 : 0);
    m.weight.push_back(1.0);
    ++filled;
  }
  return m;
}

/// Not separable: signal shifted by `shift` in the first features (for early stopping, timing).
inline imbw::FeatureMatrix overlapping(std::size_t n, int features, double signalFraction,
                                       double shift, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> gauss(0.0f, 1.0f);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  imbw::FeatureMatrix m;
  for (int f = 0; f < features; ++f) m.featureNames.push_back("x" + std::to_string(f));
  m.classNames = {"background", "signal"};
  m.x.resize(static_cast<Eigen::Index>(n), features);
  for (std::size_t i = 0; i < n; ++i) {
    const bool sig = u(rng) < signalFraction;
    for (int f = 0; f < features; ++f)
      m.x(static_cast<Eigen::Index>(i), f) =
          gauss(rng) + (sig && f < 4 ? static_cast<float>(shift * (f + 1) / 4.0) : 0.0f);
    m.label.push_back(sig ? 1 : 0);
    m.weight.push_back(1.0);
  }
  return m;
}

/// Three well separated blobs (classes 0, 1, 2); class 2 is the "signal".
inline imbw::FeatureMatrix blobs(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> gauss(0.0f, 0.5f);
  std::uniform_int_distribution<int> cls(0, 9);
  imbw::FeatureMatrix m;
  m.featureNames = {"a", "b", "c"};
  m.classNames = {"qcd", "ttbar", "higgs"};
  m.signalClass = 2;
  m.x.resize(static_cast<Eigen::Index>(n), 3);
  const float centre[3][3] = {{0, 0, 0}, {4, 0, 0}, {0, 4, 0}};
  for (std::size_t i = 0; i < n; ++i) {
    const int r = cls(rng);
    const int c = r < 6 ? 0 : (r < 9 ? 1 : 2);  // 60 % / 30 % / 10 %
    for (int f = 0; f < 3; ++f) m.x(static_cast<Eigen::Index>(i), f) = centre[c][f] + gauss(rng);
    m.label.push_back(c);
    m.weight.push_back(1.0);
  }
  return m;
}

/// AUC by counting pairs (signal above background = 1, tie = 1/2): O(S·B), independent of the
/// evaluation toolkit.
inline double pairwiseAuc(const std::vector<double>& score, const imbw::FeatureMatrix& m) {
  double wins = 0.0, pairs = 0.0;
  for (std::size_t i = 0; i < m.rows(); ++i) {
    if (!m.isSignal(i)) continue;
    for (std::size_t j = 0; j < m.rows(); ++j) {
      if (m.isSignal(j)) continue;
      wins += score[i] > score[j] ? 1.0 : (score[i] == score[j] ? 0.5 : 0.0);
      pairs += 1.0;
    }
  }
  return wins / pairs;
}

/// Records checkpoints; asks to stop once `stopAt` (steady clock) has passed.
class Recorder : public imbw::FitObserver {
 public:
  bool stopRequested() const override {
    ++polls;
    if (!stopFlag.load()) return false;
    ++pollsAfterFlag;
    return true;
  }
  void checkpoint(const imbw::Checkpoint& c) override { checkpoints.push_back(c); }
  void progress(double f, std::string_view) override {
    lastProgress = f;
    if (stopFlag.load()) ++progressAfterFlag;
  }

  mutable std::atomic<long> polls{0};
  mutable std::atomic<long> pollsAfterFlag{0};
  std::atomic<long> progressAfterFlag{0};  ///< rounds / trees / members finished after the flag
  std::atomic<bool> stopFlag{false};
  std::vector<imbw::Checkpoint> checkpoints;
  double lastProgress = 0.0;
};

/// Starts fit, and once it polls (3 polls seen: for a GBDT of 20k events the batches of the
/// bin sketch, for the others the first rounds / trees) sets the stop flag `after` later from
/// another thread (the user pressing Cancel); returns the milliseconds from the flag to fit()
/// throwing Cancelled
/// (-1: finished without cancelling, -2: threw something else).
template <typename Fit>
double cancelLatencyMs(Recorder& rec, std::chrono::milliseconds after, Fit&& fit) {
  using Clock = std::chrono::steady_clock;
  std::atomic<Clock::rep> flagged{0};
  std::thread canceller([&] {
    while (rec.polls.load() < 3) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    std::this_thread::sleep_for(after);
    flagged = Clock::now().time_since_epoch().count();
    rec.stopFlag = true;
  });
  double result = -1.0;
  try {
    fit();
  } catch (const imbw::Cancelled&) {
    const auto now = Clock::now().time_since_epoch().count();
    canceller.join();
    return std::chrono::duration<double, std::milli>(Clock::duration(now - flagged.load())).count();
  } catch (...) {
    result = -2.0;
  }
  canceller.join();
  return result;
}

}  // namespace treetest
