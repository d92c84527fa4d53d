#include "core/eval/working_points.h"

#include <limits>
#include <vector>

namespace imbw {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Walks along `along` (tpr or fpr) and interpolates `other` linearly at `target`.
WorkingPoint interpolate(const RocCurve& roc, const std::vector<double>& along,
                         const std::vector<double>& other, double target, bool alongSignal) {
  WorkingPoint wp;
  wp.target = target;
  wp.signalEfficiency = wp.backgroundEfficiency = wp.backgroundRejection = kNaN;
  wp.thresholdTight = wp.thresholdLoose = kNaN;
  for (std::size_t k = 1; k < along.size(); ++k) {
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
    return wp;
  }
  return wp;
}

}  // namespace

WorkingPoint atSignalEfficiency(const RocCurve& roc, double target) {
  return interpolate(roc, roc.tpr, roc.fpr, target, true);
}

WorkingPoint atBackgroundEfficiency(const RocCurve& roc, double target) {
  return interpolate(roc, roc.fpr, roc.tpr, target, false);
}

}  // namespace imbw
