#include "core/eval/pr_curve.h"

namespace imbw {

PrCurve prCurve(const RocCurve& roc) {
  // ROC point 0 is the origin (nothing selected); scikit-learn's PR curve has no such point
  // but appends (precision 1, recall 0) at the high end instead.
  const std::size_t steps = roc.size() - 1;
  PrCurve pr;
  for (auto* v : {&pr.precision, &pr.recall, &pr.thresholds}) {
    v->reserve(steps + 1);  // push_back below: no zero-fill pass over 100s of MB
  }
  for (std::size_t k = steps; k >= 1; --k) {  // lowest threshold first
    const double selected = roc.tp[k] + roc.fp[k];
    pr.precision.push_back(selected != 0.0 ? roc.tp[k] / selected : 0.0);
    pr.recall.push_back(roc.tp[k] / roc.totalSignal);
    pr.thresholds.push_back(roc.thresholds[k]);
  }
  pr.precision.push_back(1.0);
  pr.recall.push_back(0.0);
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
