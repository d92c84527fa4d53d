#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "core/eval/pr_curve.h"
#include "core/eval/roc_curve.h"

namespace imbw {

/// Chooses at most `maxPoints` points of the polyline (x[i], y[i]) for display, keeping its
/// shape: the endpoints, then greedily the point farthest from the current thinned polyline
/// (Ramer–Douglas–Peucker ordered by deviation), distances measured with both axes scaled to
/// their ranges. Deterministic, never random; the result is a subsequence, so any monotone
/// run of the input stays monotone. Stops early once every dropped point lies exactly on the
/// thinned polyline. Returns ascending indices. Throws imbw::Error on mismatched sizes,
/// maxPoints < 2 or a non-finite coordinate.
std::vector<std::size_t> thinCurve(std::span<const double> x, std::span<const double> y,
                                   std::size_t maxPoints);

/// The ROC curve thinned on (ε_B, ε_S); every per-point vector is subset alike.
RocCurve thinned(const RocCurve& roc, std::size_t maxPoints);
/// The PR curve thinned on (recall, precision); the final (1, 0) point is always kept.
PrCurve thinned(const PrCurve& pr, std::size_t maxPoints);

}  // namespace imbw
