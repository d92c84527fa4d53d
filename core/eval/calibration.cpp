#include "core/eval/calibration.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "core/util/error.h"

namespace imbw {

CalibrationCurve calibrationCurve(std::span<const double> scores,
                                  std::span<const std::uint8_t> isSignal,
                                  std::span<const double> weights, int bins, double lo, double hi) {
  if (bins < 1) throw Error("calibration curve: the number of bins must be at least 1");
  if (!(hi > lo)) throw Error("calibration curve: the score range must have hi > lo");
  if (scores.size() != isSignal.size() || (!weights.empty() && weights.size() != scores.size()))
    throw Error("calibration curve: " + std::to_string(scores.size()) + " scores, " +
                std::to_string(isSignal.size()) + " labels and " + std::to_string(weights.size()) +
                " weights do not match");
  const auto nb = static_cast<std::size_t>(bins);
  std::vector<double> sw(nb, 0.0), sws(nb, 0.0), swy(nb, 0.0);
  std::vector<std::size_t> count(nb, 0);
  const double scale = static_cast<double>(bins) / (hi - lo);
  const double step = (hi - lo) / static_cast<double>(bins);
  auto edge = [&](std::size_t i) { return static_cast<double>(i) * step + lo; };
  for (std::size_t i = 0; i < scores.size(); ++i) {
    const double x = scores[i];
    if (std::isnan(x))
      throw Error("calibration curve: event " + std::to_string(i) + " has a NaN score");
    const double pos = std::clamp((x - lo) * scale, 0.0, static_cast<double>(bins - 1));
    auto b = static_cast<std::size_t>(pos);
    // As scikit-learn's calibration_curve: the edges are numpy's linspace (lo + i·step) and a
    // score on an interior edge belongs to the bin below it (np.searchsorted, side "left"), so
    // bin b holds (edge b, edge b+1]. (x − lo)·scale alone can round across an edge.
    while (b > 0 && x <= edge(b)) --b;
    while (b + 1 < nb && x > edge(b + 1)) ++b;
    const double w = weights.empty() ? 1.0 : weights[i];
    sw[b] += w;
    sws[b] += w * x;
    if (isSignal[i]) swy[b] += w;
    ++count[b];
  }
  CalibrationCurve c;
  const double width = (hi - lo) / static_cast<double>(bins);
  for (std::size_t b = 0; b < nb; ++b) {
    if (count[b] == 0) continue;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    c.binLow.push_back(lo + width * static_cast<double>(b));
    c.binHigh.push_back(b + 1 == nb ? hi : lo + width * static_cast<double>(b + 1));
    c.meanPredicted.push_back(sw[b] != 0.0 ? sws[b] / sw[b] : nan);
    c.observedFraction.push_back(sw[b] != 0.0 ? swy[b] / sw[b] : nan);
    c.sumWeights.push_back(sw[b]);
    c.counts.push_back(count[b]);
  }
  return c;
}

}  // namespace imbw
