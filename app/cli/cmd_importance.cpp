// imbalance-cli importance ANALYSIS.json --run N: trains run N (k folds) and ranks its inputs
// by permutation importance on the held-out events, with the trees' gain beside it.

#include <cmath>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "app/cli/command.h"
#include "app/cli/insight_common.h"
#include "core/insight/permutation_importance.h"
#include "core/insight/tree_importance.h"
#include "core/util/error.h"

namespace {

const char* const kUsage =
    "usage: imbalance-cli importance PROJECT.json --run N|NAME [--metric ap|auc] [--repeats R]\n"
    "                                [--folds K] [--threads T] [--seed S] [--out FILE.json]\n"
    "                                [--quiet]\n"
    "\n"
    "Trains run N of the project or analysis file on the events `run` trains it on (its\n"
    "controlled imbalance drawn, its cut applied; k-fold cross-validation, as `run` does) and\n"
    "ranks its input features: the permutation importance is the drop of the metric (AP or AUC, "
    "event\n"
    "weights included) on each fold's held-out events when one feature's values are shuffled,\n"
    "as mean +- sample standard deviation over folds x repeats. For boosted trees (gbdt,\n"
    "easy_ensemble) the total gain and the number of splits per feature are XGBoost's\n"
    "(total_gain, weight); for random forests the weighted Gini decrease and the splits, summed\n"
    "over folds; gain % is the feature's share of the total.\n"
    "\n"
    "  --run N|NAME   the run to rank (1-based number or name; required)\n"
    "  --metric M     ap (default) or auc\n"
    "  --repeats R    shuffles per feature and fold (default 5)\n"
    "  --folds K, --threads T, --seed S   override the run's settings\n"
    "  --out FILE     write the numbers as JSON\n"
    "  --quiet        no progress lines\n";

int runImportance(const std::vector<std::string>& argv) {
  using namespace imbw::cli;
  const auto args =
      parseArgs(argv, {"--run", "--metric", "--repeats", "--folds", "--threads", "--seed", "--out"},
                {"--quiet"});
  if (args.positional.size() != 1) throw UsageError("importance needs exactly one analysis file");
  if (!args.options.count("--run")) throw UsageError("importance needs --run N");
  imbw::PermutationOptions opt;
  try {
    opt.metric = imbw::importanceMetricFromName(args.option("--metric", "ap"));
  } catch (const imbw::Error& e) {
    throw UsageError(std::string("--metric: ") + e.what());
  }
  opt.repeats = toInt("--repeats", args.option("--repeats", "5"), 1);
  const InsightEvents ev = loadInsightEvents(args.positional[0], args);
  opt.seed = ev.config.seed;
  const imbw::RunResult result = trainInsightRun(ev, args.flag("--quiet"));
  const imbw::FeatureMatrix& data = ev.events.data;
  const imbw::RunPermutationImportance imp = imbw::runPermutationImportance(data, result, opt);

  const bool trees = !result.models.empty() && imbw::hasTreeImportance(*result.models[0]);
  imbw::TreeImportance gain;
  if (trees) {
    gain.features = imp.features;
    gain.totalGain.assign(imp.features.size(), 0.0);
    gain.splitCount.assign(imp.features.size(), 0.0);
    for (const auto& m : result.models) {
      const auto t = imbw::treeImportance(*m, imp.features);
      gain.gainKind = t.gainKind;
      for (std::size_t f = 0; f < t.totalGain.size(); ++f) {
        gain.totalGain[f] += t.totalGain[f];
        gain.splitCount[f] += t.splitCount[f];
      }
    }
  }
  double totalGain = 0.0;
  for (double g : gain.totalGain) totalGain += g;

  const std::string metric =
      imbw::importanceMetricName(opt.metric) == std::string("ap") ? "AP" : "AUC";
  std::cout << "run       " << result.name << " (" << result.folds.size() << " folds, "
            << opt.repeats << " shuffles per feature and fold)\n"
            << "events    " << eventsLine(data) << "\n";
  double base = 0.0;
  for (const auto& f : imp.perFold) base += f.baseline;
  std::cout << "held-out  " << metric << " "
            << fixed(base / static_cast<double>(imp.perFold.size()), 4) << " (mean over folds)\n\n";
  std::vector<std::string> head{"rank", "feature", "Δ" + metric + " (shuffled)"};
  if (trees) {
    head.push_back("gain %");
    head.push_back("splits");
  }
  std::vector<std::vector<std::string>> rows;
  const auto order = imp.ranking();
  for (std::size_t r = 0; r < order.size(); ++r) {
    const std::size_t f = order[r];
    std::vector<std::string> row{std::to_string(r + 1), imp.features[f],
                                 plusMinus(imp.mean[f], imp.std[f], 4)};
    if (trees) {
      row.push_back(fixed(totalGain > 0 ? 100.0 * gain.totalGain[f] / totalGain : NAN, 1));
      row.push_back(fixed(gain.splitCount[f], 0));
    }
    rows.push_back(row);
  }
  printTable(std::cout, head, rows, 2);
  std::cout << "\nΔ" << metric << ": mean ± sample standard deviation over folds × shuffles";
  if (trees) std::cout << "; gain: " << gain.gainKind << ", summed over folds";
  std::cout << '\n';

  if (args.options.count("--out")) {
    nlohmann::json j{
        {"analysis", args.positional[0]}, {"run", result.name},
        {"events", data.rows()},          {"metric", imbw::importanceMetricName(opt.metric)},
        {"repeats", opt.repeats},         {"features", imp.features}};
    auto nums = [](const std::vector<double>& v) {
      nlohmann::json a = nlohmann::json::array();
      for (double x : v)
        a.push_back(std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr));
      return a;
    };
    j["permutation"] = {{"mean", nums(imp.mean)}, {"std", nums(imp.std)}};
    j["permutation"]["folds"] = nlohmann::json::array();
    for (const auto& f : imp.perFold)
      j["permutation"]["folds"].push_back({{"baseline", f.baseline}, {"drops", f.drops}});
    if (trees)
      j["trees"] = {{"kind", gain.gainKind},
                    {"total_gain", nums(gain.totalGain)},
                    {"split_count", nums(gain.splitCount)}};
    std::ofstream out(args.option("--out"));
    if (!out) throw imbw::Error("cannot write '" + args.option("--out") + "'");
    out << j.dump(2) << '\n';
  }
  return 0;
}

}  // namespace

IMBW_CLI_COMMAND(importance, "rank a run's features: permutation importance and tree gain", kUsage,
                 runImportance)
