#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace imbw {

/// The resonance variable's histogram after one score cut.
struct BumpHuntCut {
  double targetEfficiency = 0.0;           ///< fraction of the total weight asked to pass
  double efficiency = 0.0;                 ///< fraction that passed (ties can add a little)
  double threshold = 0.0;                  ///< events with score >= threshold pass
  std::vector<double> all;                 ///< Σw per bin after the cut
  std::vector<double> signal, background;  ///< split by truth (empty without truth)
  /// The pre-cut shape (background when truth is given, else all events) scaled to the
  /// post-cut total: where `all` rises above it, the cut made a bump (or sculpted one).
  std::vector<double> referenceShape;
};

struct BumpHunt {
  std::vector<double> edges;                    ///< bins + 1 edges, uniform in [lo, hi]
  std::vector<double> all, signal, background;  ///< before any cut (split empty without truth)
  std::vector<BumpHuntCut> cuts;                ///< one per requested efficiency, same order
};

/// Histograms of `resonance` (events outside [lo, hi) are not binned but count for the
/// efficiencies) before and after cuts on `score` keeping the top `efficiencies` (fractions of
/// the total weight, e.g. 0.1, 0.01, 0.001). `isSignal` may be empty (data without truth);
/// `weight` empty = 1. Throws imbw::Error on mismatched sizes, bins < 1, hi <= lo, an
/// efficiency outside (0, 1], a NaN score or a non-positive total weight.
BumpHunt bumpHunt(std::span<const double> resonance, std::span<const double> score,
                  std::span<const double> weight, std::span<const std::uint8_t> isSignal,
                  std::span<const double> efficiencies, int bins, double lo, double hi);

}  // namespace imbw
