#include "core/eval/pr_curve.h"

namespace imbw {

PrCurve prCurve(const RocCurve& roc) {
  // ROC point 0 is the origin (nothing selected); scikit-learn's PR curve has no such point
  // but appends (precision 1, recall 0) at the high end instead.
  const std::size_t steps = roc.size() - 1;
  PrCurve pr;
  pr.precision.resize(steps + 1);
  pr.recall.resize(steps + 1);
  pr.thresholds.resize(steps);
  for (std::size_t j = 0; j < steps; ++j) {
    const std::size_t k = steps - j;  // lowest threshold first
    const double selected = roc.tp[k] + roc.fp[k];
    pr.precision[j] = selected != 0.0 ? roc.tp[k] / selected : 0.0;
    pr.recall[j] = roc.tp[k] / roc.totalSignal;
    pr.thresholds[j] = roc.thresholds[k];
  }
  pr.precision[steps] = 1.0;
  pr.recall[steps] = 0.0;
  return pr;
}

PrCurve prCurve(std::span<const double> scores, std::span<const std::uint8_t> isSignal,
                std::span<const double> weights) {
  return prCurve(rocCurve(scores, isSignal, weights));
}

double averagePrecision(const RocCurve& roc) {
  double ap = 0.0;
  double previousRecall = 0.0;
  for (std::size_t k = 1; k < roc.size(); ++k) {
    const double selected = roc.tp[k] + roc.fp[k];
    const double precision = selected != 0.0 ? roc.tp[k] / selected : 0.0;
    const double recall = roc.tp[k] / roc.totalSignal;
    ap += (recall - previousRecall) * precision;
    previousRecall = recall;
  }
  return ap;
}

double averagePrecision(std::span<const double> scores, std::span<const std::uint8_t> isSignal,
                        std::span<const double> weights) {
  return averagePrecision(rocCurve(scores, isSignal, weights));
}

}  // namespace imbw
