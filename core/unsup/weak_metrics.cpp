#include "core/unsup/weak_metrics.h"

#include <cmath>
#include <vector>

#include "core/eval/binary_summary.h"
#include "core/eval/roc_curve.h"
#include "core/util/error.h"

namespace imbw {

WeakMetrics weakMetrics(std::span<const double> score, std::span<const std::uint8_t> isSignal,
                        std::span<const double> weight, std::span<const std::uint8_t> mask,
                        double minBackgroundEvents) {
  if (isSignal.size() != score.size() || (!mask.empty() && mask.size() != score.size()) ||
      (!weight.empty() && weight.size() != score.size()))
    throw Error("metrics: scores, truth, weights and mask differ in length");
  std::vector<double> s, w;
  std::vector<std::uint8_t> t;
  std::size_t nBkg = 0;
  for (std::size_t i = 0; i < score.size(); ++i) {
    if (!mask.empty() && !mask[i]) continue;
    s.push_back(score[i]);
    t.push_back(isSignal[i]);
    w.push_back(weight.empty() ? 1.0 : weight[i]);
    nBkg += !isSignal[i];
  }
  const RocCurve roc = rocCurve(s, t, w);
  const BinarySummary sum = summarize(roc);
  WeakMetrics m;
  m.auc = sum.auc;
  m.rejectionAt02 = sum.atSignalEfficiency[0].backgroundRejection;
  const double minFpr = nBkg > 0 ? minBackgroundEvents / double(nBkg) : 1.0;
  for (std::size_t k = 0; k < roc.size(); ++k) {
    if (!(roc.fpr[k] >= minFpr) || !(roc.fpr[k] > 0.0)) continue;
    const double sic = roc.tpr[k] / std::sqrt(roc.fpr[k]);
    if (sic > m.maxSignificanceImprovement) {
      m.maxSignificanceImprovement = sic;
      m.efficiencyAtMaxSic = roc.tpr[k];
    }
  }
  return m;
}

}  // namespace imbw
