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

namespace imbw {

/// The background under a window estimated from its sidebands, and the local significance of
/// what the window holds above it.
struct SidebandFit {
  /// ln(count) = a + b · ln(m) at the bin centre m: a falling power law, the shape of a QCD
  /// dijet spectrum over a window's width (the one-parameter-less cousin of the dijet function).
  double a = 0.0, b = 0.0;
  std::vector<double> curve;  ///< the fit's count in every bin (drawn over the whole range)
  double observed = 0.0;      ///< Σ counts of the window's bins (centre inside [lo, hi])
  double expected = 0.0;      ///< Σ of the fit over the same bins
  /// Poisson local significance of observed against expected, signed (negative: a deficit):
  /// Z = sign(n − μ) · √(2 (n ln(n/μ) − (n − μ))), the Asimov form of Cowan et al. with
  /// s = n − μ, b = μ.
  double significance = 0.0;
  int sidebandBins = 0;  ///< sideband bins holding events
};

/// Fits the power law μ(m) = exp(a + b ln m) to the bins whose centre is in a sideband,
/// [lo − width, lo) or (hi, hi + width], by Poisson maximum likelihood (empty bins count: after
/// a hard cut many are), and compares the window's bins (centre in [lo, hi]) with it. Throws
/// imbw::Error when fewer than two sideband bins hold events, or on bad sizes.
SidebandFit fitSidebands(std::span<const double> edges, std::span<const double> counts, double lo,
                         double hi, double width);

/// Z = sign(n − μ) · √(2 (n ln(n/μ) − (n − μ))) (0 when μ ≤ 0).
double poissonSignificance(double observed, double expected);

}  // namespace imbw
