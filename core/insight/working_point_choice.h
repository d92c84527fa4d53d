#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "core/eval/roc_curve.h"

namespace imbw {

/// How a run's working point (the cut "score ≥ cut") is chosen.
/// JSON: {"criterion": "significance" | "eff_s" | "eff_b" | "cut", "target": 0.5,
///        "significance": "asimov" | "s_over_sqrt_b" | "s_over_sqrt_s_plus_b",
///        "luminosity": 1.0, "min_background": 0.0}
/// - significance: the cut maximising the chosen significance of the yields scaled by
///   `luminosity` (cuts with a scaled background below `min_background` excluded);
/// - eff_s: the tightest cut with ε_S ≥ target; eff_b: the loosest cut with ε_B ≤ target
///   (real ROC thresholds, never interpolated: the cut must exist);
/// - cut: the given cut (`target` is the score threshold).
struct WorkingPointChoice {
  enum class Criterion { Significance, SignalEfficiency, BackgroundEfficiency, FixedCut };
  Criterion criterion = Criterion::Significance;
  double target = 0.5;
  std::string significance = "asimov";
  double luminosity = 1.0;
  double minBackground = 0.0;

  nlohmann::json toJson() const;
  static WorkingPointChoice fromJson(const nlohmann::json& j);  ///< throws imbw::Error
};

/// A working point on one set of events. s and b are the weighted selected yields times the
/// scale handed in (luminosity × whatever makes the set stand for the whole sample).
struct ChosenWorkingPoint {
  double cut = 0.0;  ///< NaN when no cut qualifies
  double signalEfficiency = 0.0;
  double backgroundEfficiency = 0.0;
  double purity = 0.0;  ///< s / (s + b)
  double s = 0.0;
  double b = 0.0;
  double significance = 0.0;  ///< the chosen significance at the cut
};

/// Throws imbw::Error on an unknown significance name.
ChosenWorkingPoint chooseWorkingPoint(const RocCurve& roc, const WorkingPointChoice& choice,
                                      double scale = 1.0);
/// The numbers at a given cut (score ≥ cut).
ChosenWorkingPoint atCut(const RocCurve& roc, double cut, const std::string& significance,
                         double scale = 1.0);

/// Per fold and mean ± sample std over folds. Each fold's yields are scaled by
/// luminosity × Σw(all scored events) / Σw(fold's events), so every fold estimates the yields
/// of the whole sample.
struct FoldedWorkingPoint {
  std::vector<ChosenWorkingPoint> perFold;
  ChosenWorkingPoint mean;
  ChosenWorkingPoint std;
};
/// `fold[i]`: fold that scored event i (−1: none). Throws imbw::Error on mismatched sizes or a
/// fold that lacks a class.
FoldedWorkingPoint foldedWorkingPoint(std::span<const double> scores,
                                      std::span<const std::uint8_t> isSignal,
                                      std::span<const double> weights, std::span<const int> fold,
                                      const WorkingPointChoice& choice);

}  // namespace imbw
