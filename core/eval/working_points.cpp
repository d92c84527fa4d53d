#include "core/eval/working_points.h"

#include <cmath>
#include <limits>
#include <vector>

namespace imbw {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

WorkingPoint unreached(double target) {
  WorkingPoint wp;
  wp.target = target;
  wp.signalEfficiency = wp.backgroundEfficiency = wp.backgroundRejection = kNaN;
  wp.thresholdTight = wp.thresholdLoose = kNaN;
  return wp;
}

// Walks along `along` (tpr or fpr) once and interpolates `other` linearly at each target, at
// the first pair of points that brackets it.
std::vector<WorkingPoint> interpolate(const RocCurve& roc, const std::vector<double>& along,
                                      const std::vector<double>& other,
                                      std::span<const double> targets, bool alongSignal) {
  std::vector<WorkingPoint> out;
  for (double t : targets) out.push_back(unreached(t));
  std::size_t pending = targets.size();
  for (std::size_t k = 1; k < along.size() && pending > 0; ++k) {
    for (std::size_t q = 0; q < targets.size(); ++q) {
      const double target = targets[q];
      WorkingPoint& wp = out[q];
      if (!std::isnan(wp.thresholdLoose)) continue;  // already found
      if (!(along[k - 1] < target && target <= along[k])) continue;
      const double t = (target - along[k - 1]) / (along[k] - along[k - 1]);
      const double value = other[k - 1] + t * (other[k] - other[k - 1]);
      wp.signalEfficiency = alongSignal ? target : value;
      wp.backgroundEfficiency = alongSignal ? value : target;
      wp.backgroundRejection = wp.backgroundEfficiency != 0.0
                                   ? 1.0 / wp.backgroundEfficiency
                                   : std::numeric_limits<double>::infinity();
      wp.thresholdTight = roc.thresholds[k - 1];
      wp.thresholdLoose = roc.thresholds[k];
      wp.interpolated = target != along[k];
      --pending;
    }
  }
  return out;
}

}  // namespace

WorkingPoint atSignalEfficiency(const RocCurve& roc, double target) {
  return interpolate(roc, roc.tpr, roc.fpr, std::span<const double>(&target, 1), true)[0];
}

WorkingPoint atBackgroundEfficiency(const RocCurve& roc, double target) {
  return interpolate(roc, roc.fpr, roc.tpr, std::span<const double>(&target, 1), false)[0];
}

std::vector<WorkingPoint> atSignalEfficiencies(const RocCurve& roc,
                                               std::span<const double> targets) {
  return interpolate(roc, roc.tpr, roc.fpr, targets, true);
}

std::vector<WorkingPoint> atBackgroundEfficiencies(const RocCurve& roc,
                                                   std::span<const double> targets) {
  return interpolate(roc, roc.fpr, roc.tpr, targets, false);
}

}  // namespace imbw
