#include "core/eval/roc_curve.h"

#include <cmath>
#include <limits>
#include <string>

#include <omp.h>

#include "core/eval/parallel_sort.h"
#include "core/util/error.h"

namespace imbw {
namespace {

// 24 bytes: the sort moves the weight and label along with the key, so the cumulative scan
// afterwards reads memory in order instead of gathering by index.
struct Ranked {
  double score;
  double weight;
  std::uint32_t index;  // tie-break: makes the order total, hence thread-count independent
  std::uint8_t signal;
};

void checkInputs(std::span<const double> scores, std::span<const std::uint8_t> isSignal,
                 std::span<const double> weights) {
  if (scores.size() != isSignal.size())
    throw Error("ROC curve: " + std::to_string(scores.size()) + " scores but " +
                std::to_string(isSignal.size()) + " labels");
  if (!weights.empty() && weights.size() != scores.size())
    throw Error("ROC curve: " + std::to_string(scores.size()) + " scores but " +
                std::to_string(weights.size()) + " weights");
  if (scores.size() >= std::numeric_limits<std::uint32_t>::max())
    throw Error("ROC curve: more than 4e9 events are not supported");
}

}  // namespace

RocCurve rocCurve(std::span<const double> scores, std::span<const std::uint8_t> isSignal,
                  std::span<const double> weights) {
  checkInputs(scores, isSignal, weights);
  const std::size_t n = scores.size();
  const bool weighted = !weights.empty();

  // Compact fill in parallel: count kept events per chunk, then write at prefix offsets.
  const int threads = n < 100000 ? 1 : omp_get_max_threads();
  std::vector<std::size_t> kept(static_cast<std::size_t>(threads) + 1, 0);
  std::size_t firstBad = n;
#pragma omp parallel num_threads(threads) reduction(min : firstBad)
  {
    const auto t = static_cast<std::size_t>(omp_get_thread_num());
    const std::size_t begin = n * t / static_cast<std::size_t>(threads);
    const std::size_t end = n * (t + 1) / static_cast<std::size_t>(threads);
    std::size_t count = 0;
    for (std::size_t i = begin; i < end; ++i) {
      if (!std::isfinite(scores[i]) || (weighted && !std::isfinite(weights[i])))
        firstBad = std::min(firstBad, i);
      count += !weighted || weights[i] != 0.0;
    }
    kept[t + 1] = count;
  }
  if (firstBad < n)
    throw Error("ROC curve: event " + std::to_string(firstBad) + " has a non-finite " +
                (std::isfinite(scores[firstBad]) ? "weight" : "score"));
  for (std::size_t t = 1; t < kept.size(); ++t) kept[t] += kept[t - 1];
  const std::size_t m = kept.back();
  if (m == 0) throw Error("ROC curve: no events (or all weights are zero)");

  std::vector<Ranked> ranked(m);
#pragma omp parallel num_threads(threads)
  {
    const auto t = static_cast<std::size_t>(omp_get_thread_num());
    const std::size_t begin = n * t / static_cast<std::size_t>(threads);
    const std::size_t end = n * (t + 1) / static_cast<std::size_t>(threads);
    std::size_t out = kept[t];
    for (std::size_t i = begin; i < end; ++i) {
      const double w = weighted ? weights[i] : 1.0;
      if (w == 0.0) continue;
      ranked[out++] = Ranked{scores[i], w, static_cast<std::uint32_t>(i),
                             static_cast<std::uint8_t>(isSignal[i] != 0)};
    }
  }
  detail::parallelSort(ranked, [](const Ranked& a, const Ranked& b) {
    return a.score > b.score || (a.score == b.score && a.index < b.index);
  });

  std::size_t steps = 1;
  for (std::size_t i = 1; i < m; ++i) steps += ranked[i].score != ranked[i - 1].score;

  RocCurve roc;
  roc.events = m;
  roc.thresholds.resize(steps + 1);
  roc.tp.resize(steps + 1);
  roc.fp.resize(steps + 1);
  roc.thresholds[0] = std::numeric_limits<double>::infinity();
  roc.tp[0] = roc.fp[0] = 0.0;
  // Sequential running sums in sorted order, like scikit-learn's cumsum.
  double tp = 0.0, fp = 0.0;
  std::size_t s = 1;
  for (std::size_t i = 0; i < m; ++i) {
    const Ranked& r = ranked[i];
    if (r.signal)
      tp += r.weight;
    else
      fp += r.weight;
    if (i + 1 == m || ranked[i + 1].score != r.score) {
      roc.thresholds[s] = r.score;
      roc.tp[s] = tp;
      roc.fp[s] = fp;
      ++s;
    }
  }
  roc.totalSignal = tp;
  roc.totalBackground = fp;
  if (tp == 0.0)
    throw Error("ROC curve: the signal class has zero total weight (no signal events?)");
  if (fp == 0.0)
    throw Error("ROC curve: the background class has zero total weight (no background events?)");

  roc.tpr.resize(steps + 1);
  roc.fpr.resize(steps + 1);
  for (std::size_t k = 0; k <= steps; ++k) {
    roc.tpr[k] = roc.tp[k] / tp;  // divide, not multiply by the inverse: matches sklearn
    roc.fpr[k] = roc.fp[k] / fp;
  }
  return roc;
}

double rocAuc(const RocCurve& roc) {
  double area = 0.0;
  for (std::size_t k = 1; k < roc.size(); ++k)
    area += (roc.fpr[k] - roc.fpr[k - 1]) * (roc.tpr[k] + roc.tpr[k - 1]) * 0.5;
  return area;
}

}  // namespace imbw
