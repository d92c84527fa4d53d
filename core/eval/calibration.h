#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace imbw {

/// Reliability diagram: per score bin, the weighted mean predicted score against the weighted
/// fraction of signal. Bins are equal on [lo, hi] with numpy's linspace edges; a score on an
/// interior edge goes to the bin below (scikit-learn's calibration_curve); scores outside go to
/// the edge bins. Bins
/// without events are left out (as scikit-learn's calibration_curve does), so the vectors
/// hold only filled bins, each with its edges.
struct CalibrationCurve {
  std::vector<double> binLow;
  std::vector<double> binHigh;
  std::vector<double> meanPredicted;     ///< Σ w·score / Σ w
  std::vector<double> observedFraction;  ///< Σ_signal w / Σ w
  std::vector<double> sumWeights;        ///< Σ w
  std::vector<std::size_t> counts;       ///< events
};

/// Throws imbw::Error on bins < 1, hi <= lo or mismatched sizes. A bin whose total weight is
/// 0 (possible with negative weights) gets NaN ratios.
CalibrationCurve calibrationCurve(std::span<const double> scores,
                                  std::span<const std::uint8_t> isSignal,
                                  std::span<const double> weights = {}, int bins = 10,
                                  double lo = 0.0, double hi = 1.0);

}  // namespace imbw
