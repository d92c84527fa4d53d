#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <span>

#include "core/eval/roc_curve.h"
#include "core/eval/working_points.h"

namespace imbw {

/// Every scalar the engine reports for a binary classifier on one data set (a fold).
struct BinarySummary {
  static constexpr std::array<double, 3> kSignalEfficiencies{0.2, 0.5, 0.8};
  static constexpr std::array<double, 3> kBackgroundEfficiencies{0.01, 0.1, 0.3};

  std::size_t events = 0;         ///< events with non-zero weight
  double signalWeight = 0.0;      ///< Σw over signal
  double backgroundWeight = 0.0;  ///< Σw over background
  double signalFraction = 0.0;    ///< r = Σw_S / (Σw_S + Σw_B)
  double averagePrecision = 0.0;
  double auc = 0.0;
  double apOverR = 0.0;  ///< lift of AP over a random classifier
  /// 1/ε_B (backgroundRejection) at ε_S = 0.2, 0.5, 0.8, interpolated on the ROC curve.
  std::array<WorkingPoint, 3> atSignalEfficiency{};
  /// ε_S at ε_B = 0.01, 0.1, 0.3, interpolated on the ROC curve.
  std::array<WorkingPoint, 3> atBackgroundEfficiency{};
};

/// Scalars from an already built curve (the engine keeps the curve for plots).
BinarySummary summarize(const RocCurve& roc);

/// ROC + AP + AUC + working points in one O(n log n) pass (one sort).
/// Same input conventions and errors as rocCurve().
BinarySummary evaluateBinary(std::span<const double> scores, std::span<const std::uint8_t> isSignal,
                             std::span<const double> weights = {});

/// {"events", "signal_weight", ..., "working_points": [{"fixed": "eff_s", "target": 0.2, ...}]}
/// NaN / inf become null (JSON has no such numbers).
nlohmann::json toJson(const BinarySummary& s);

}  // namespace imbw
