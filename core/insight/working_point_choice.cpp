#include "core/insight/working_point_choice.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/eval/significance.h"
#include "core/util/error.h"

namespace imbw {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double zOf(const std::string& name, double s, double b) {
  if (name == "asimov") return asimovSignificance(s, b);
  if (name == "s_over_sqrt_b") return significanceSOverSqrtB(s, b);
  if (name == "s_over_sqrt_s_plus_b") return significanceSOverSqrtSPlusB(s, b);
  throw Error("working point: significance '" + name +
              "' is not one of asimov, s_over_sqrt_b, s_over_sqrt_s_plus_b");
}

ChosenWorkingPoint atPoint(const RocCurve& roc, std::size_t k, const std::string& sig,
                           double scale) {
  ChosenWorkingPoint p;
  p.cut = roc.thresholds[k];
  p.signalEfficiency = roc.tpr[k];
  p.backgroundEfficiency = roc.fpr[k];
  p.s = roc.tp[k] * scale;
  p.b = roc.fp[k] * scale;
  p.purity = (p.s + p.b) != 0.0 ? p.s / (p.s + p.b) : kNaN;
  p.significance = zOf(sig, p.s, p.b);
  return p;
}

ChosenWorkingPoint none() {
  return {kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN};
}

const char* criterionName(WorkingPointChoice::Criterion c) {
  switch (c) {
    case WorkingPointChoice::Criterion::SignalEfficiency:
      return "eff_s";
    case WorkingPointChoice::Criterion::BackgroundEfficiency:
      return "eff_b";
    case WorkingPointChoice::Criterion::FixedCut:
      return "cut";
    default:
      return "significance";
  }
}

}  // namespace

nlohmann::json WorkingPointChoice::toJson() const {
  return {{"criterion", criterionName(criterion)},
          {"target", target},
          {"significance", significance},
          {"luminosity", luminosity},
          {"min_background", minBackground}};
}

WorkingPointChoice WorkingPointChoice::fromJson(const nlohmann::json& j) {
  WorkingPointChoice c;
  if (!j.is_object()) throw Error("working point: expected an object");
  try {
    for (const auto& [key, v] : j.items())
      if (key != "criterion" && key != "target" && key != "significance" && key != "luminosity" &&
          key != "min_background")
        throw Error("working point: unknown key '" + key +
                    "' (known: criterion, target, significance, luminosity, min_background)");
    const std::string crit = j.value("criterion", std::string("significance"));
    if (crit == "significance")
      c.criterion = Criterion::Significance;
    else if (crit == "eff_s")
      c.criterion = Criterion::SignalEfficiency;
    else if (crit == "eff_b")
      c.criterion = Criterion::BackgroundEfficiency;
    else if (crit == "cut")
      c.criterion = Criterion::FixedCut;
    else
      throw Error("working point: criterion '" + crit +
                  "' is not one of significance, eff_s, eff_b, cut");
    c.target = j.value("target", c.target);
    c.significance = j.value("significance", c.significance);
    c.luminosity = j.value("luminosity", c.luminosity);
    c.minBackground = j.value("min_background", c.minBackground);
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("working point: ") + e.what());
  }
  (void)zOf(c.significance, 1.0, 1.0);
  if ((c.criterion == Criterion::SignalEfficiency ||
       c.criterion == Criterion::BackgroundEfficiency) &&
      !(c.target > 0.0 && c.target <= 1.0))
    throw Error("working point: an efficiency target must be in (0, 1], not " +
                std::to_string(c.target));
  if (!(c.luminosity > 0.0))
    throw Error("working point: the luminosity factor must be positive, not " +
                std::to_string(c.luminosity));
  return c;
}

ChosenWorkingPoint atCut(const RocCurve& roc, double cut, const std::string& sig, double scale) {
  // Thresholds descend; the selection "score ≥ cut" is the last point with threshold ≥ cut.
  std::size_t k = 0;
  for (std::size_t i = 1; i < roc.size(); ++i)
    if (roc.thresholds[i] >= cut) k = i;
  ChosenWorkingPoint p = atPoint(roc, k, sig, scale);
  p.cut = cut;
  return p;
}

ChosenWorkingPoint chooseWorkingPoint(const RocCurve& roc, const WorkingPointChoice& choice,
                                      double scale) {
  const double f = scale * choice.luminosity;
  switch (choice.criterion) {
    case WorkingPointChoice::Criterion::FixedCut:
      return atCut(roc, choice.target, choice.significance, f);
    case WorkingPointChoice::Criterion::SignalEfficiency:
      for (std::size_t k = 1; k < roc.size(); ++k)
        if (roc.tpr[k] >= choice.target) return atPoint(roc, k, choice.significance, f);
      return none();
    case WorkingPointChoice::Criterion::BackgroundEfficiency: {
      std::size_t best = 0;
      for (std::size_t k = 1; k < roc.size(); ++k)
        if (roc.fpr[k] <= choice.target) best = k;
      return best ? atPoint(roc, best, choice.significance, f) : none();
    }
    default: {
      std::size_t best = 0;
      double bestZ = -std::numeric_limits<double>::infinity();
      for (std::size_t k = 1; k < roc.size(); ++k) {
        const double b = roc.fp[k] * f;
        if (!(b > 0.0) || b < choice.minBackground) continue;
        const double z = zOf(choice.significance, roc.tp[k] * f, b);
        if (z > bestZ) {
          bestZ = z;
          best = k;
        }
      }
      return best ? atPoint(roc, best, choice.significance, f) : none();
    }
  }
}

FoldedWorkingPoint foldedWorkingPoint(std::span<const double> scores,
                                      std::span<const std::uint8_t> isSignal,
                                      std::span<const double> weights, std::span<const int> fold,
                                      const WorkingPointChoice& choice) {
  if (fold.size() != scores.size() || isSignal.size() != scores.size() ||
      (!weights.empty() && weights.size() != scores.size()))
    throw Error("working point: scores, labels, weights and folds differ in length");
  int folds = 0;
  double total = 0.0;
  for (std::size_t i = 0; i < scores.size(); ++i)
    if (fold[i] >= 0) {
      folds = std::max(folds, fold[i] + 1);
      total += weights.empty() ? 1.0 : weights[i];
    }
  FoldedWorkingPoint out;
  for (int k = 0; k < folds; ++k) {
    std::vector<double> s, w;
    std::vector<std::uint8_t> y;
    double foldW = 0.0;
    for (std::size_t i = 0; i < scores.size(); ++i)
      if (fold[i] == k) {
        s.push_back(scores[i]);
        y.push_back(isSignal[i]);
        w.push_back(weights.empty() ? 1.0 : weights[i]);
        foldW += w.back();
      }
    if (s.empty()) continue;
    RocCurve roc;
    try {
      roc = rocCurve(s, y, w);
    } catch (const Error& e) {
      throw Error("working point, fold " + std::to_string(k + 1) + ": " + e.what());
    }
    out.perFold.push_back(chooseWorkingPoint(roc, choice, total / foldW));
  }
  if (out.perFold.empty()) throw Error("working point: no scored events");
  auto field = [&](double ChosenWorkingPoint::*m) {
    const double n = static_cast<double>(out.perFold.size());
    double mean = 0.0;
    for (const auto& p : out.perFold) mean += p.*m;
    mean /= n;
    double ss = 0.0;
    for (const auto& p : out.perFold) ss += (p.*m - mean) * (p.*m - mean);
    out.mean.*m = mean;
    out.std.*m = n > 1 ? std::sqrt(ss / (n - 1)) : kNaN;
  };
  for (auto m : {&ChosenWorkingPoint::cut, &ChosenWorkingPoint::signalEfficiency,
                 &ChosenWorkingPoint::backgroundEfficiency, &ChosenWorkingPoint::purity,
                 &ChosenWorkingPoint::s, &ChosenWorkingPoint::b, &ChosenWorkingPoint::significance})
    field(m);
  return out;
}

}  // namespace imbw
