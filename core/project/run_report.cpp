#include "core/project/run_report.h"

#include <cmath>

#include "core/eval/run_evaluation.h"
#include "core/util/error.h"

namespace imbw {

namespace {

nlohmann::json number(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

const std::string& className(const std::vector<std::string>& classes, int c) {
  static const std::string unknown = "?";
  return c >= 0 && c < static_cast<int>(classes.size()) ? classes[static_cast<std::size_t>(c)]
                                                        : unknown;
}

}  // namespace

nlohmann::json storedRunReport(const StoredRun& run, const std::vector<std::string>& classes,
                               int signalClass, double luminosity) {
  RunEvaluationOptions options;
  options.signalClass = signalClass;
  options.numClasses = static_cast<int>(classes.size());
  const RunEvaluation e = evaluateRun(run.heldOut(), run.training(), options);
  nlohmann::json j;
  j["pooled"] = {{"ap", number(e.pooled.averagePrecision)},
                 {"auc", number(e.pooled.auc)},
                 {"signal_fraction", number(e.pooled.signalFraction)},
                 {"events", e.pooled.events}};
  nlohmann::json folds = nlohmann::json::array();
  for (std::size_t f = 0; f < e.perFold.size(); ++f)
    if (e.perFold[f].events > 0)
      folds.push_back({{"fold", f},
                       {"ap", number(e.perFold[f].averagePrecision)},
                       {"auc", number(e.perFold[f].auc)}});
  j["per_fold"] = folds;
  nlohmann::json ks = nlohmann::json::object();
  for (const OvertrainingCheck& c : e.histograms)
    ks[className(classes, c.classIndex)] = number(c.ks.probability);
  j["ks_probability"] = ks;
  const SignificanceScan s = significanceCurves(e.pooledRoc, luminosity, 300);
  j["significance"] = {{"luminosity", luminosity},
                       {"best_asimov",
                        {{"z", number(s.bestAsimov.z)},
                         {"cut", number(s.bestAsimov.threshold)},
                         {"s", number(s.bestAsimov.s)},
                         {"b", number(s.bestAsimov.b)}}}};
  if (run.probabilityClasses() > 2) {
    nlohmann::json ovr = nlohmann::json::object();
    for (int c = 0; c < run.probabilityClasses(); ++c) {
      RunEvaluationOptions o = options;
      o.signalClass = c;
      const RunEvaluation ec = evaluateRun(run.heldOut(c), run.training(c), o);
      ovr[className(classes, c)] = {{"ap", number(ec.pooled.averagePrecision)},
                                    {"auc", number(ec.pooled.auc)}};
    }
    j["one_vs_rest"] = ovr;
  }
  return j;
}

}  // namespace imbw
