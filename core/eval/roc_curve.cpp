#include "core/eval/roc_curve.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <string>

#include "core/eval/score_sort.h"
#include "core/util/error.h"

namespace imbw {
namespace {

using detail::KeyedWeight;

void checkInputs(std::span<const double> scores, std::span<const std::uint8_t> isSignal,
                 std::span<const double> weights) {
  if (scores.size() != isSignal.size())
    throw Error("ROC curve: " + std::to_string(scores.size()) + " scores but " +
                std::to_string(isSignal.size()) + " labels");
  if (!weights.empty() && weights.size() != scores.size())
    throw Error("ROC curve: " + std::to_string(scores.size()) + " scores but " +
                std::to_string(weights.size()) + " weights");
}

}  // namespace

RocCurve rocCurve(std::span<const double> scores, std::span<const std::uint8_t> isSignal,
                  std::span<const double> weights) {
  checkInputs(scores, isSignal, weights);
  std::optional<detail::ClassRanking> ranking;
  try {
    ranking.emplace(detail::rankByClass(scores, isSignal, weights));
  } catch (const Error& e) {
    throw Error(std::string("ROC curve: ") + e.what());
  }
  const KeyedWeight* s = ranking->signal;
  const KeyedWeight* b = ranking->background;
  const std::size_t ns = ranking->signalCount, nb = ranking->backgroundCount, m = ns + nb;
  if (m == 0) throw Error("ROC curve: no events (or all weights are zero)");
  if (ns == 0) throw Error("ROC curve: there are no signal events");
  if (nb == 0) throw Error("ROC curve: there are no background events");

  // One merge walk. Reserving for every event costs only address space: pages that are
  // never written are never faulted in.
  RocCurve roc;
  roc.events = m;
  for (auto* v : {&roc.thresholds, &roc.tp, &roc.fp, &roc.tpr, &roc.fpr}) {
    v->reserve(m + 1);
  }
  roc.thresholds.push_back(std::numeric_limits<double>::infinity());
  roc.tp.push_back(0.0);
  roc.fp.push_back(0.0);
  // Running sums in descending score order, like scikit-learn's cumsum. (Within a tie the
  // signal and background parts are summed first; the step value is the same up to rounding.)
  double tp = 0.0, fp = 0.0;
  std::size_t i = 0, j = 0;
  while (i < ns || j < nb) {
    const std::uint64_t key =
        std::min(i < ns ? s[i].key : ~std::uint64_t{0}, j < nb ? b[j].key : ~std::uint64_t{0});
    while (i < ns && s[i].key == key) tp += s[i++].weight;
    while (j < nb && b[j].key == key) fp += b[j++].weight;
    roc.thresholds.push_back(detail::scoreFromKey(key));
    roc.tp.push_back(tp);
    roc.fp.push_back(fp);
  }
  roc.totalSignal = tp;
  roc.totalBackground = fp;
  if (tp == 0.0) throw Error("ROC curve: the signal class has zero total weight");
  if (fp == 0.0) throw Error("ROC curve: the background class has zero total weight");

  for (std::size_t k = 0; k < roc.tp.size(); ++k) {
    roc.tpr.push_back(roc.tp[k] / tp);  // divide, not multiply by the inverse: as sklearn
    roc.fpr.push_back(roc.fp[k] / fp);
  }
  // Heavily tied scores leave most of the reservation unused: give it back.
  if (roc.tp.size() < roc.tp.capacity() / 2)
    for (auto* v : {&roc.thresholds, &roc.tp, &roc.fp, &roc.tpr, &roc.fpr}) v->shrink_to_fit();
  return roc;
}

std::vector<std::uint8_t> signalMask(std::span<const std::int32_t> classIndex, int signalClass) {
  std::vector<std::uint8_t> mask(classIndex.size());
  for (std::size_t i = 0; i < classIndex.size(); ++i) mask[i] = classIndex[i] == signalClass;
  return mask;
}

double rocAuc(const RocCurve& roc) {
  double area = 0.0;
  for (std::size_t k = 1; k < roc.size(); ++k)
    area += (roc.fpr[k] - roc.fpr[k - 1]) * (roc.tpr[k] + roc.tpr[k - 1]) * 0.5;
  return area;
}

}  // namespace imbw
