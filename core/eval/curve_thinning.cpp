#include "core/eval/curve_thinning.h"

#include <algorithm>
#include <cmath>
#include <queue>
#include <string>

#include "core/util/error.h"

namespace imbw {
namespace {

struct Segment {
  double deviation;  // of the farthest interior point
  std::size_t first;
  std::size_t last;
  std::size_t farthest;
  bool operator<(const Segment& o) const {
    // Max-heap on deviation; equal deviations split the earlier segment first (determinism).
    return deviation < o.deviation || (deviation == o.deviation && first > o.first);
  }
};

template <class V>
V subset(const V& v, const std::vector<std::size_t>& keep) {
  V out;
  out.reserve(keep.size());
  for (std::size_t i : keep)
    if (i < v.size()) out.push_back(v[i]);
  return out;
}

}  // namespace

std::vector<std::size_t> thinCurve(std::span<const double> x, std::span<const double> y,
                                   std::size_t maxPoints) {
  if (x.size() != y.size())
    throw Error("curve thinning: " + std::to_string(x.size()) + " x values but " +
                std::to_string(y.size()) + " y values");
  if (maxPoints < 2) throw Error("curve thinning: keep at least 2 points");
  const std::size_t n = x.size();
  std::vector<std::size_t> keep;
  if (n <= maxPoints) {
    keep.resize(n);
    for (std::size_t i = 0; i < n; ++i) keep[i] = i;
    return keep;
  }
  double xmin = x[0], xmax = x[0], ymin = y[0], ymax = y[0];
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(x[i]) || !std::isfinite(y[i]))
      throw Error("curve thinning: point " + std::to_string(i) + " is not finite");
    xmin = std::min(xmin, x[i]);
    xmax = std::max(xmax, x[i]);
    ymin = std::min(ymin, y[i]);
    ymax = std::max(ymax, y[i]);
  }
  const double sx = xmax > xmin ? 1.0 / (xmax - xmin) : 1.0;
  const double sy = ymax > ymin ? 1.0 / (ymax - ymin) : 1.0;

  // Farthest interior point of the chord a-b (lowest index among equals, for determinism).
  auto scan = [&](std::size_t a, std::size_t b, std::size_t from, std::size_t to) {
    Segment s{0.0, a, b, a};
    const double ax = x[a] * sx, ay = y[a] * sy;
    const double dx = x[b] * sx - ax, dy = y[b] * sy - ay;
    const double len2 = dx * dx + dy * dy;
    for (std::size_t i = from; i < to; ++i) {
      const double px = x[i] * sx - ax, py = y[i] * sy - ay;
      // Distance to the segment (not the line), so back-steps beyond an end still count.
      const double t = len2 > 0.0 ? std::clamp((px * dx + py * dy) / len2, 0.0, 1.0) : 0.0;
      const double ex = px - t * dx, ey = py - t * dy;
      const double d2 = ex * ex + ey * ey;
      if (d2 > s.deviation) {
        s.deviation = d2;
        s.farthest = i;
      }
    }
    return s;
  };
  // Serial on purpose: a parallel region per segment cost more than it saved (thread
  // wake-ups and spinning dominated on a busy 2-core machine); 8M points take ~0.5 s.
  auto measure = [&](std::size_t a, std::size_t b) { return scan(a, b, a + 1, b); };

  keep = {0, n - 1};
  std::priority_queue<Segment> heap;
  heap.push(measure(0, n - 1));
  while (keep.size() < maxPoints && !heap.empty()) {
    const Segment s = heap.top();
    heap.pop();
    if (s.deviation <= 0.0) break;
    keep.push_back(s.farthest);
    if (s.farthest - s.first > 1) heap.push(measure(s.first, s.farthest));
    if (s.last - s.farthest > 1) heap.push(measure(s.farthest, s.last));
  }
  std::sort(keep.begin(), keep.end());
  return keep;
}

RocCurve thinned(const RocCurve& roc, std::size_t maxPoints) {
  const auto keep = thinCurve(roc.fpr, roc.tpr, maxPoints);
  RocCurve out;
  out.thresholds = subset(roc.thresholds, keep);
  out.fpr = subset(roc.fpr, keep);
  out.tpr = subset(roc.tpr, keep);
  out.tp = subset(roc.tp, keep);
  out.fp = subset(roc.fp, keep);
  out.totalSignal = roc.totalSignal;
  out.totalBackground = roc.totalBackground;
  out.events = roc.events;
  return out;
}

PrCurve thinned(const PrCurve& pr, std::size_t maxPoints) {
  const auto keep = thinCurve(pr.recall, pr.precision, maxPoints);
  PrCurve out;
  out.precision = subset(pr.precision, keep);
  out.recall = subset(pr.recall, keep);
  out.thresholds = subset(pr.thresholds, keep);  // the last point has no threshold
  return out;
}

}  // namespace imbw
