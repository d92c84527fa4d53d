#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/eval/roc_curve.h"

namespace imbw {

/// Precision-recall curve in scikit-learn's convention (precision_recall_curve): arrays run
/// from the lowest threshold to the highest and end with the point precision 1, recall 0,
/// which has no threshold (thresholds.size() == precision.size() - 1, ascending). Precision is
/// 0 where no weight is selected (tp + fp == 0).
struct PrCurve {
  std::vector<double> precision;
  std::vector<double> recall;
  std::vector<double> thresholds;
};

/// Derived from a ROC curve (same steps), so the sort is done once.
PrCurve prCurve(const RocCurve& roc);
PrCurve prCurve(std::span<const double> scores, std::span<const std::uint8_t> isSignal,
                std::span<const double> weights = {});

/// Average precision, scikit-learn's step-wise definition (not the trapezoid):
/// AP = Σ_n (R_n − R_{n−1}) P_n over thresholds in descending order, R_0 = 0.
/// A random classifier scores AP = r, the weighted signal fraction.
double averagePrecision(const RocCurve& roc);
double averagePrecision(std::span<const double> scores, std::span<const std::uint8_t> isSignal,
                        std::span<const double> weights = {});

}  // namespace imbw
