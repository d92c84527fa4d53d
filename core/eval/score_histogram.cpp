#include "core/eval/score_histogram.h"

#include <algorithm>
#include <limits>
#include <numbers>
#include <string>

#include "core/util/error.h"

namespace imbw {
namespace {

template <class Label>
std::vector<Histogram> fill(std::span<const double> scores, std::span<const Label> classIndex,
                            int classes, std::span<const double> weights, int bins, double lo,
                            double hi) {
  if (bins < 1) throw Error("histogram: the number of bins must be at least 1");
  if (!(hi > lo) || !std::isfinite(lo) || !std::isfinite(hi))
    throw Error("histogram: the range must have hi > lo (got " + std::to_string(lo) + ", " +
                std::to_string(hi) + ")");
  if (scores.size() != classIndex.size() || (!weights.empty() && weights.size() != scores.size()))
    throw Error("histogram: " + std::to_string(scores.size()) + " scores, " +
                std::to_string(classIndex.size()) + " labels and " +
                std::to_string(weights.size()) + " weights do not match");
  std::vector<Histogram> h(static_cast<std::size_t>(std::max(classes, 0)));
  for (auto& hist : h) {
    hist.lo = lo;
    hist.hi = hi;
    hist.sumW.assign(static_cast<std::size_t>(bins), 0.0);
    hist.sumW2.assign(static_cast<std::size_t>(bins), 0.0);
  }
  const double scale = static_cast<double>(bins) / (hi - lo);
  for (std::size_t i = 0; i < scores.size(); ++i) {
    const auto c = static_cast<long long>(classIndex[i]);
    if (c < 0 || c >= classes) continue;
    Histogram& hist = h[static_cast<std::size_t>(c)];
    const double w = weights.empty() ? 1.0 : weights[i];
    const double x = scores[i];
    if (x < lo) {
      hist.underflow += w;
    } else if (x > hi) {
      hist.overflow += w;
    } else if (!std::isnan(x)) {
      const auto bin =
          std::min(static_cast<std::size_t>((x - lo) * scale), static_cast<std::size_t>(bins) - 1);
      hist.sumW[bin] += w;
      hist.sumW2[bin] += w * w;
    }
  }
  return h;
}

struct Weighted {
  double x;
  double w;
};

// Sorts one sample and normalises its weights to a CDF step per event.
std::vector<Weighted> prepare(std::span<const double> x, std::span<const double> w,
                              double& effective, const char* which) {
  if (x.empty()) throw Error(std::string("KS test: sample ") + which + " is empty");
  if (!w.empty() && w.size() != x.size())
    throw Error(std::string("KS test: sample ") + which + " has " + std::to_string(x.size()) +
                " values but " + std::to_string(w.size()) + " weights");
  std::vector<Weighted> v(x.size());
  double sum = 0.0, sum2 = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (std::isnan(x[i])) throw Error(std::string("KS test: sample ") + which + " has a NaN value");
    v[i] = {x[i], w.empty() ? 1.0 : w[i]};
    sum += v[i].w;
    sum2 += v[i].w * v[i].w;
  }
  if (!(sum > 0.0))
    throw Error(std::string("KS test: sample ") + which + " has no positive total weight");
  effective = sum * sum / sum2;
  for (auto& e : v) e.w /= sum;
  std::sort(v.begin(), v.end(), [](const Weighted& p, const Weighted& q) { return p.x < q.x; });
  return v;
}

}  // namespace

double Histogram::integral() const {
  double s = 0.0;
  for (double w : sumW) s += w;
  return s;
}

std::vector<Histogram> classHistograms(std::span<const double> scores,
                                       std::span<const std::int32_t> classIndex, int classes,
                                       std::span<const double> weights, int bins, double lo,
                                       double hi) {
  return fill(scores, classIndex, classes, weights, bins, lo, hi);
}

std::vector<Histogram> classHistograms(std::span<const double> scores,
                                       std::span<const std::uint8_t> isSignal,
                                       std::span<const double> weights, int bins, double lo,
                                       double hi) {
  return fill(scores, isSignal, 2, weights, bins, lo, hi);
}

double kolmogorovProbability(double z) {
  if (std::isnan(z)) return z;
  if (z <= 0.0) return 1.0;
  constexpr double pi = std::numbers::pi;
  if (z < 1.0) {
    // Small z: the alternating series converges slowly; use the Jacobi-theta form
    // P(K <= z) = √(2π)/z Σ_{k>=1} e^{−(2k−1)² π² / (8 z²)}.
    double sum = 0.0;
    for (int k = 1; k <= 50; ++k) {
      const double term = std::exp(-(2.0 * k - 1) * (2.0 * k - 1) * pi * pi / (8.0 * z * z));
      sum += term;
      if (term < 1e-18 * sum) break;
    }
    return 1.0 - std::sqrt(2.0 * pi) / z * sum;
  }
  double sum = 0.0;
  for (int k = 1; k <= 100; ++k) {
    const double term = std::exp(-2.0 * k * k * z * z);
    sum += (k % 2 == 1 ? term : -term);
    if (term < 1e-18 * std::abs(sum)) break;
  }
  return std::clamp(2.0 * sum, 0.0, 1.0);
}

KsResult ksTest(std::span<const double> a, std::span<const double> weightsA,
                std::span<const double> b, std::span<const double> weightsB) {
  KsResult r;
  const auto sa = prepare(a, weightsA, r.effectiveA, "a");
  const auto sb = prepare(b, weightsB, r.effectiveB, "b");
  // Walk both sorted samples; equal values are consumed together before comparing, so ties
  // (within and across samples) are one step of each CDF.
  double fa = 0.0, fb = 0.0, d = 0.0;
  std::size_t i = 0, j = 0;
  while (i < sa.size() || j < sb.size()) {
    const double x = std::min(i < sa.size() ? sa[i].x : std::numeric_limits<double>::infinity(),
                              j < sb.size() ? sb[j].x : std::numeric_limits<double>::infinity());
    while (i < sa.size() && sa[i].x == x) fa += sa[i++].w;
    while (j < sb.size() && sb[j].x == x) fb += sb[j++].w;
    d = std::max(d, std::abs(fa - fb));
  }
  r.distance = d;
  const double n = r.effectiveA * r.effectiveB / (r.effectiveA + r.effectiveB);
  r.probability = kolmogorovProbability(std::sqrt(n) * d);
  return r;
}

std::vector<OvertrainingCheck> overtrainingCheck(std::span<const double> trainScores,
                                                 std::span<const std::int32_t> trainClass,
                                                 std::span<const double> trainWeights,
                                                 std::span<const double> testScores,
                                                 std::span<const std::int32_t> testClass,
                                                 std::span<const double> testWeights, int classes,
                                                 int bins, double lo, double hi) {
  const auto train = classHistograms(trainScores, trainClass, classes, trainWeights, bins, lo, hi);
  const auto test = classHistograms(testScores, testClass, classes, testWeights, bins, lo, hi);
  std::vector<OvertrainingCheck> out(static_cast<std::size_t>(std::max(classes, 0)));
  for (int c = 0; c < classes; ++c) {
    auto& check = out[static_cast<std::size_t>(c)];
    check.classIndex = c;
    check.train = train[static_cast<std::size_t>(c)];
    check.test = test[static_cast<std::size_t>(c)];
    auto select = [c](std::span<const double> s, std::span<const std::int32_t> k,
                      std::span<const double> w, std::vector<double>& xs, std::vector<double>& ws) {
      for (std::size_t i = 0; i < s.size(); ++i) {
        if (k[i] != c) continue;
        xs.push_back(s[i]);
        ws.push_back(w.empty() ? 1.0 : w[i]);
      }
    };
    std::vector<double> xa, wa, xb, wb;
    select(trainScores, trainClass, trainWeights, xa, wa);
    select(testScores, testClass, testWeights, xb, wb);
    try {
      check.ks = ksTest(xa, wa, xb, wb);
    } catch (const Error&) {
      check.ks.distance = check.ks.probability = std::numeric_limits<double>::quiet_NaN();
    }
  }
  return out;
}

}  // namespace imbw
