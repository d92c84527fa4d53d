// imbalance-cli calibration ANALYSIS.json --run N: the run's reliability diagram per fold (mean
// ± spread), with or without a recalibration, and the Brier score and log loss before/after.

#include <cmath>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "app/cli/command.h"
#include "app/cli/insight_common.h"
#include "core/eval/recalibration.h"
#include "core/eval/roc_curve.h"
#include "core/util/error.h"

namespace {

const char* const kUsage =
    "usage: imbalance-cli calibration PROJECT.json --run N|NAME\n"
    "                                 [--method none|prior|platt|isotonic] [--fraction F]\n"
    "                                 [--bins B] [--folds K] [--threads T] [--seed S]\n"
    "                                 [--out FILE.json] [--quiet]\n"
    "\n"
    "Trains run N (k folds, on the events `run` trains it on: its controlled imbalance drawn,\n"
    "its cut applied) and prints its reliability diagram on the held-out events: per\n"
    "score bin the weighted mean score and the weighted signal fraction, mean +- sample\n"
    "standard deviation over the folds. With --method the run is trained with that\n"
    "recalibration (the run's own \"calibration\" setting otherwise): prior divides the odds by\n"
    "the factor resampling and class weighting multiplied them by; platt and isotonic are fitted\n"
    "on a fraction F of each training fold held back from training. The Brier score and log loss\n"
    "of the held-out events are shown before and after.\n"
    "\n"
    "  --run N|NAME   the run (1-based number or name; required)\n"
    "  --method M     none, prior, platt or isotonic (default: the run's setting)\n"
    "  --fraction F   share of the training fold held back for platt / isotonic (default 0.2)\n"
    "  --bins B       reliability bins on [0, 1] (default 10)\n"
    "  --folds K, --threads T, --seed S   override the run's settings\n"
    "  --out FILE     write the diagram and the scores as JSON\n"
    "  --quiet        no progress lines\n";

imbw::MeanStd stats(const imbw::RunResult& r, const std::string& key) {
  const auto it = r.aggregate.find(key);
  return it == r.aggregate.end() ? imbw::MeanStd{NAN, NAN, 0} : it->second;
}

int runCalibration(const std::vector<std::string>& argv) {
  using namespace imbw::cli;
  const auto args = parseArgs(
      argv,
      {"--run", "--method", "--fraction", "--bins", "--folds", "--threads", "--seed", "--out"},
      {"--quiet"});
  if (args.positional.size() != 1) throw UsageError("calibration needs exactly one analysis file");
  if (!args.options.count("--run")) throw UsageError("calibration needs --run N");
  const int bins = toInt("--bins", args.option("--bins", "10"), 1);
  InsightEvents ev = loadInsightEvents(args.positional[0], args);
  imbw::RunConfig& run = ev.config;
  if (args.options.count("--method") || args.options.count("--fraction")) {
    nlohmann::json c = run.calibration.toJson();
    if (args.options.count("--method")) c["kind"] = args.option("--method");
    if (args.options.count("--fraction"))
      c["fraction"] = toDouble("--fraction", args.option("--fraction"));
    try {
      run.calibration = imbw::CalibrationConfig::fromJson(c);
    } catch (const imbw::Error& e) {
      throw UsageError(e.what());
    }
  }
  const imbw::RunResult result = trainInsightRun(ev, args.flag("--quiet"));
  const imbw::FeatureMatrix& data = ev.events.data;
  std::vector<std::uint8_t> y(data.rows());
  for (std::size_t i = 0; i < y.size(); ++i) y[i] = data.isSignal(i);
  for (double s : result.heldOutScores)
    if (!std::isnan(s) && (s < 0.0 || s > 1.0))
      throw imbw::Error("run '" + result.name + "' gives scores outside [0, 1] (" +
                        std::to_string(s) + "): a reliability diagram needs probabilities");
  const auto curve =
      imbw::foldedCalibrationCurve(result.heldOutScores, y, data.weight, result.heldOutFold, bins);
  std::cout << "run          " << result.name << " (" << result.folds.size() << " folds)\n"
            << "events       " << eventsLine(data) << "\n"
            << "calibration  " << imbw::calibrationKindName(run.calibration.kind);
  if (run.calibration.needsHeldBackPart())
    std::cout << " (fitted on " << fixed(100 * run.calibration.fraction, 0)
              << " % of each training fold)";
  std::cout << "\n\n";
  std::vector<std::vector<std::string>> rows;
  for (std::size_t b = 0; b < curve.binLow.size(); ++b)
    rows.push_back({fixed(curve.binLow[b], 2) + "–" + fixed(curve.binHigh[b], 2),
                    plusMinus(curve.meanPredicted[b], curve.meanPredictedStd[b], 3),
                    plusMinus(curve.observedFraction[b], curve.observedFractionStd[b], 3),
                    std::to_string(curve.folds[b])});
  printTable(std::cout, {"score bin", "mean score", "signal fraction", "folds"}, rows, 1);

  std::cout << '\n';
  const auto r = stats(result, "signal_fraction");
  if (run.calibration.kind != imbw::CalibrationConfig::Kind::None) {
    const auto br = stats(result, "brier_raw"), bc = stats(result, "brier");
    const auto lr = stats(result, "log_loss_raw"), lc = stats(result, "log_loss");
    const auto ms = stats(result, "mean_score");
    printTable(std::cout, {"", "raw", "calibrated"},
               {{"Brier score", plusMinus(br.mean, br.std, 4), plusMinus(bc.mean, bc.std, 4)},
                {"log loss", plusMinus(lr.mean, lr.std, 4), plusMinus(lc.mean, lc.std, 4)},
                {"mean score", "", plusMinus(ms.mean, ms.std, 4)},
                {"signal fraction r", "", plusMinus(r.mean, r.std, 4)}},
               1);
  } else {
    std::vector<double> b, l;
    for (std::size_t k = 0; k < result.folds.size(); ++k) {
      std::vector<double> s, w;
      std::vector<std::uint8_t> yy;
      for (std::size_t i = 0; i < y.size(); ++i)
        if (result.heldOutFold[i] == static_cast<int>(k)) {
          s.push_back(result.heldOutScores[i]);
          yy.push_back(y[i]);
          w.push_back(data.weight[i]);
        }
      b.push_back(imbw::brierScore(s, yy, w));
      l.push_back(imbw::logLoss(s, yy, w));
    }
    auto ms = [](const std::vector<double>& v) {
      double m = 0, ss = 0;
      for (double x : v) m += x;
      m /= static_cast<double>(v.size());
      for (double x : v) ss += (x - m) * (x - m);
      return std::pair{m, v.size() > 1 ? std::sqrt(ss / static_cast<double>(v.size() - 1)) : NAN};
    };
    const auto [bm, bs] = ms(b);
    const auto [lm, ls] = ms(l);
    printTable(std::cout, {"", "raw"},
               {{"Brier score", plusMinus(bm, bs, 4)},
                {"log loss", plusMinus(lm, ls, 4)},
                {"signal fraction r", plusMinus(r.mean, r.std, 4)}},
               1);
  }
  std::cout << "\nmean ± sample standard deviation over folds; weighted by the event weights\n";
  if (args.options.count("--out")) {
    nlohmann::json j{{"analysis", args.positional[0]},
                     {"run", result.toJson()},
                     {"events", data.rows()},
                     {"reliability",
                      {{"bin_low", curve.binLow},
                       {"bin_high", curve.binHigh},
                       {"mean_predicted", curve.meanPredicted},
                       {"observed_fraction", curve.observedFraction},
                       {"folds", curve.folds}}}};
    std::ofstream f(args.option("--out"));
    if (!f) throw imbw::Error("cannot write '" + args.option("--out") + "'");
    f << j.dump(2) << '\n';
  }
  return 0;
}

}  // namespace

IMBW_CLI_COMMAND(calibration, "reliability diagram of a run, recalibration, Brier and log loss",
                 kUsage, runCalibration)
