#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace imbw {

/// Weighted histogram on a fixed range [lo, hi) with equal bins (a value equal to hi goes in
/// the last bin). Values outside the range are kept apart in underflow / overflow.
struct Histogram {
  double lo = 0.0;
  double hi = 1.0;
  std::vector<double> sumW;   ///< Σw per bin
  std::vector<double> sumW2;  ///< Σw² per bin
  double underflow = 0.0;     ///< Σw below lo
  double overflow = 0.0;      ///< Σw above hi

  std::size_t bins() const { return sumW.size(); }
  double binWidth() const { return (hi - lo) / static_cast<double>(bins()); }
  double binLow(std::size_t i) const { return lo + binWidth() * static_cast<double>(i); }
  double binCenter(std::size_t i) const { return binLow(i) + 0.5 * binWidth(); }
  /// √Σw²: the statistical error of a weighted bin.
  double error(std::size_t i) const { return std::sqrt(sumW2[i]); }
  double integral() const;  ///< Σw inside the range
};

/// One histogram per class (index = class index) of the events whose class is that index;
/// events with a class outside [0, classes) are ignored. `weights` empty = all 1.
/// Throws imbw::Error on bins < 1, hi <= lo or mismatched sizes.
std::vector<Histogram> classHistograms(std::span<const double> scores,
                                       std::span<const std::int32_t> classIndex, int classes,
                                       std::span<const double> weights, int bins, double lo,
                                       double hi);
/// Binary form: [0] background, [1] signal.
std::vector<Histogram> classHistograms(std::span<const double> scores,
                                       std::span<const std::uint8_t> isSignal,
                                       std::span<const double> weights, int bins, double lo,
                                       double hi);

/// Weighted two-sample Kolmogorov–Smirnov test on the unbinned samples.
struct KsResult {
  double distance = 0.0;     ///< sup |F_a − F_b| of the weighted empirical CDFs
  double effectiveA = 0.0;   ///< (Σw)² / Σw² of sample a
  double effectiveB = 0.0;   ///< (Σw)² / Σw² of sample b
  double probability = 1.0;  ///< Q_KS(√(n_a n_b / (n_a + n_b)) · D), effective n's
};

/// Q_KS(z) = 2 Σ_{k>=1} (−1)^{k−1} e^{−2k²z²}, the asymptotic Kolmogorov distribution's
/// survival function (ROOT's TMath::KolmogorovProb, scipy's kstwobign.sf).
double kolmogorovProbability(double z);

/// Throws imbw::Error when a sample is empty or its total weight is not positive.
KsResult ksTest(std::span<const double> a, std::span<const double> weightsA,
                std::span<const double> b, std::span<const double> weightsB);

/// Overtraining check for one class: the score histograms of its training and test events
/// and the KS probability that both come from the same distribution (TMVA shows the same).
struct OvertrainingCheck {
  int classIndex = 0;
  Histogram train;
  Histogram test;
  KsResult ks;
};

/// One entry per class in [0, classes). A class with no events in train or test gets
/// probability NaN instead of an error, so one empty class does not hide the others.
std::vector<OvertrainingCheck> overtrainingCheck(std::span<const double> trainScores,
                                                 std::span<const std::int32_t> trainClass,
                                                 std::span<const double> trainWeights,
                                                 std::span<const double> testScores,
                                                 std::span<const std::int32_t> testClass,
                                                 std::span<const double> testWeights, int classes,
                                                 int bins, double lo, double hi);

}  // namespace imbw
