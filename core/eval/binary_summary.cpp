#include "core/eval/binary_summary.h"

#include <cmath>

#include "core/eval/pr_curve.h"

namespace imbw {

BinarySummary summarize(const RocCurve& roc) {
  BinarySummary s;
  s.events = roc.events;
  s.signalWeight = roc.totalSignal;
  s.backgroundWeight = roc.totalBackground;
  s.signalFraction = roc.totalSignal / (roc.totalSignal + roc.totalBackground);
  s.averagePrecision = averagePrecision(roc);
  s.auc = rocAuc(roc);
  s.apOverR = s.averagePrecision / s.signalFraction;
  const auto bySignal = atSignalEfficiencies(roc, BinarySummary::kSignalEfficiencies);
  const auto byBackground = atBackgroundEfficiencies(roc, BinarySummary::kBackgroundEfficiencies);
  for (std::size_t i = 0; i < 3; ++i) {
    s.atSignalEfficiency[i] = bySignal[i];
    s.atBackgroundEfficiency[i] = byBackground[i];
  }
  return s;
}

BinarySummary evaluateBinary(std::span<const double> scores, std::span<const std::uint8_t> isSignal,
                             std::span<const double> weights) {
  return summarize(rocCurve(scores, isSignal, weights));
}

namespace {

nlohmann::json number(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nullptr;
}

nlohmann::json toJson(const WorkingPoint& wp, const char* fixed) {
  return {{"fixed", fixed},
          {"target", wp.target},
          {"eff_s", number(wp.signalEfficiency)},
          {"eff_b", number(wp.backgroundEfficiency)},
          {"rejection", number(wp.backgroundRejection)},
          {"threshold_tight", number(wp.thresholdTight)},
          {"threshold_loose", number(wp.thresholdLoose)},
          {"interpolated", wp.interpolated}};
}

}  // namespace

nlohmann::json toJson(const BinarySummary& s) {
  nlohmann::json points = nlohmann::json::array();
  for (const auto& wp : s.atSignalEfficiency) points.push_back(toJson(wp, "eff_s"));
  for (const auto& wp : s.atBackgroundEfficiency) points.push_back(toJson(wp, "eff_b"));
  return {{"events", s.events},
          {"signal_weight", number(s.signalWeight)},
          {"background_weight", number(s.backgroundWeight)},
          {"signal_fraction", number(s.signalFraction)},
          {"average_precision", number(s.averagePrecision)},
          {"auc", number(s.auc)},
          {"ap_over_r", number(s.apOverR)},
          {"working_points", points},
          {"interpolation", "linear between the two bracketing ROC points"}};
}

}  // namespace imbw
