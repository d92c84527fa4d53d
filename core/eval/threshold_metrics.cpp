#include "core/eval/threshold_metrics.h"

#include <cmath>
#include <string>

#include "core/util/error.h"

namespace imbw {
namespace {

double ratio(double num, double den) {
  return den != 0.0 ? num / den : 0.0;
}

}  // namespace

ThresholdMetrics metricsFromCounts(const ConfusionCounts& c, double threshold) {
  ThresholdMetrics m;
  m.threshold = threshold;
  m.counts = c;
  m.precision = ratio(c.tp, c.tp + c.fp);
  m.recall = ratio(c.tp, c.tp + c.fn);
  m.specificity = ratio(c.tn, c.tn + c.fp);
  m.f1 = ratio(2.0 * c.tp, 2.0 * c.tp + c.fp + c.fn);
  m.balancedAccuracy = 0.5 * (m.recall + m.specificity);
  const double product = m.recall * m.specificity;
  m.gMean = product > 0.0 ? std::sqrt(product) : 0.0;
  const double den = (c.tp + c.fp) * (c.tp + c.fn) * (c.tn + c.fp) * (c.tn + c.fn);
  m.mcc = den > 0.0 ? (c.tp * c.tn - c.fp * c.fn) / std::sqrt(den) : 0.0;
  return m;
}

ThresholdMetrics metricsAtThreshold(std::span<const double> scores,
                                    std::span<const std::uint8_t> isSignal,
                                    std::span<const double> weights, double threshold) {
  if (scores.size() != isSignal.size() || (!weights.empty() && weights.size() != scores.size()))
    throw Error("threshold metrics: " + std::to_string(scores.size()) + " scores, " +
                std::to_string(isSignal.size()) + " labels and " + std::to_string(weights.size()) +
                " weights do not match");
  ConfusionCounts c;
  for (std::size_t i = 0; i < scores.size(); ++i) {
    const double w = weights.empty() ? 1.0 : weights[i];
    const bool selected = scores[i] >= threshold;
    if (isSignal[i])
      (selected ? c.tp : c.fn) += w;
    else
      (selected ? c.fp : c.tn) += w;
  }
  return metricsFromCounts(c, threshold);
}

ThresholdMetrics f1OptimalThreshold(const RocCurve& roc) {
  std::size_t best = 0;
  double bestF1 = -1.0;
  for (std::size_t k = 1; k < roc.size(); ++k) {
    // F1 = 2tp / (tp + fp + P), P the total signal weight.
    const double f1 = ratio(2.0 * roc.tp[k], roc.tp[k] + roc.fp[k] + roc.totalSignal);
    if (f1 > bestF1) {
      bestF1 = f1;
      best = k;
    }
  }
  if (best == 0) throw Error("F1-optimal threshold: the ROC curve has no cut");
  ConfusionCounts c;
  c.tp = roc.tp[best];
  c.fp = roc.fp[best];
  c.fn = roc.totalSignal - c.tp;
  c.tn = roc.totalBackground - c.fp;
  return metricsFromCounts(c, roc.thresholds[best]);
}

}  // namespace imbw
