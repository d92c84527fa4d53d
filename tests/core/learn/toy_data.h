#pragma once

#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>

#include "core/data/feature_matrix.h"

// Deterministic toy problems for the learner tests (std::mt19937_64 is specified exactly by the
// standard; the normals come from our own Box–Muller so no library choice enters).
namespace imbw::test {

inline double normal(std::mt19937_64& g) {
  const double u1 = (static_cast<double>(g() >> 11) + 0.5) * 0x1.0p-53;
  const double u2 = static_cast<double>(g() >> 11) * 0x1.0p-53;
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

/// K Gaussian blobs in `dims` dimensions, class k centred at `separation`·e_k (class 0 at the
/// origin), unit width; `signalFraction` of the events in class 1 when K = 2, else equal
/// shares. Binary with separation ≥ 8 is separable in practice.
inline FeatureMatrix blobs(std::size_t n, int dims, double separation, double signalFraction,
                           std::uint64_t seed, int K = 2) {
  std::mt19937_64 g(seed);
  FeatureMatrix m;
  for (int f = 0; f < dims; ++f) m.featureNames.push_back("x" + std::to_string(f));
  for (int k = 0; k < K; ++k) m.classNames.push_back("c" + std::to_string(k));
  m.signalClass = 1;
  m.x.resize(static_cast<Eigen::Index>(n), dims);
  m.label.resize(n);
  m.weight.assign(n, 1.0);
  for (std::size_t i = 0; i < n; ++i) {
    int k = 0;
    const double u = static_cast<double>(g() >> 11) * 0x1.0p-53;
    if (K == 2)
      k = u < signalFraction ? 1 : 0;
    else
      k = static_cast<int>(u * K);
    m.label[i] = k;
    for (int f = 0; f < dims; ++f) {
      double v = normal(g);
      if (k > 0 && f == (k - 1) % dims) v += separation;
      m.x(static_cast<Eigen::Index>(i), f) = static_cast<float>(v);
    }
  }
  return m;
}

/// Fraction of (signal, background) pairs ordered correctly, counted pair by pair: an AUC
/// reference independent of any sorting code.
inline double pairAuc(const std::vector<double>& s, const FeatureMatrix& m) {
  double good = 0, all = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (!m.isSignal(i)) continue;
    for (std::size_t j = 0; j < s.size(); ++j) {
      if (m.isSignal(j)) continue;
      all += 1;
      good += s[i] > s[j] ? 1.0 : (s[i] == s[j] ? 0.5 : 0.0);
    }
  }
  return all > 0 ? good / all : 0.5;
}

}  // namespace imbw::test
