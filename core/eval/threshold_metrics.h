#pragma once

#include <cstdint>
#include <span>

#include "core/eval/roc_curve.h"

namespace imbw {

/// Weighted confusion counts; signal is the positive class, "selected" = score >= threshold.
struct ConfusionCounts {
  double tp = 0.0;  ///< signal selected
  double fp = 0.0;  ///< background selected
  double tn = 0.0;  ///< background rejected
  double fn = 0.0;  ///< signal rejected
};

/// The classification metrics at one threshold. Ratios with a zero denominator are 0
/// (scikit-learn's zero_division default, and its MCC convention).
struct ThresholdMetrics {
  double threshold = 0.0;
  ConfusionCounts counts;
  double precision = 0.0;
  double recall = 0.0;       ///< sensitivity, ε_S
  double specificity = 0.0;  ///< 1 − ε_B
  double f1 = 0.0;
  double balancedAccuracy = 0.0;  ///< (recall + specificity) / 2
  double gMean = 0.0;             ///< √(recall · specificity)
  double mcc = 0.0;               ///< Matthews correlation coefficient
};

ThresholdMetrics metricsFromCounts(const ConfusionCounts& c, double threshold);

/// O(n) pass, no sort. Throws imbw::Error on mismatched sizes.
ThresholdMetrics metricsAtThreshold(std::span<const double> scores,
                                    std::span<const std::uint8_t> isSignal,
                                    std::span<const double> weights, double threshold);

/// The cut (one of the ROC thresholds) that maximises F1, with its metrics. Ties in F1 go to
/// the tighter cut.
ThresholdMetrics f1OptimalThreshold(const RocCurve& roc);

}  // namespace imbw
