#pragma once

#include <span>
#include <vector>

#include "core/eval/roc_curve.h"

namespace imbw {

/// One HEP working point read off the ROC curve by linear interpolation between the two
/// consecutive ROC points (thresholds) that bracket the target: the first pair, walking from
/// the tightest cut, with value[k-1] < target <= value[k]. Fields are NaN when the curve never
/// reaches the target.
struct WorkingPoint {
  double target = 0.0;                ///< the fixed efficiency (ε_S or ε_B)
  double signalEfficiency = 0.0;      ///< ε_S at the point
  double backgroundEfficiency = 0.0;  ///< ε_B at the point
  double backgroundRejection = 0.0;   ///< 1/ε_B (+inf when ε_B = 0)
  double thresholdTight = 0.0;        ///< threshold of the bracketing point with fewer events
  double thresholdLoose = 0.0;        ///< threshold of the bracketing point with more events
  bool interpolated = true;           ///< false only when the target hits a ROC point exactly
};

/// ε_B (and 1/ε_B) at a fixed signal efficiency ε_S = target.
WorkingPoint atSignalEfficiency(const RocCurve& roc, double target);
/// ε_S at a fixed background efficiency ε_B = target.
WorkingPoint atBackgroundEfficiency(const RocCurve& roc, double target);

/// Several targets in one pass over the curve (same results as one call per target).
std::vector<WorkingPoint> atSignalEfficiencies(const RocCurve& roc,
                                               std::span<const double> targets);
std::vector<WorkingPoint> atBackgroundEfficiencies(const RocCurve& roc,
                                                   std::span<const double> targets);

}  // namespace imbw
