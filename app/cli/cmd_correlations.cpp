// imbalance-cli correlations ANALYSIS.json: per-class weighted linear correlations of the
// features (after the cut), optionally with a run's held-out score, and the strongest pairs.

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "app/cli/command.h"
#include "app/cli/insight_common.h"
#include "core/insight/weighted_correlation.h"
#include "core/learn/run_engine.h"
#include "core/util/error.h"
#include "core/util/strings.h"

namespace {

const char* const kUsage =
    "usage: imbalance-cli correlations PROJECT.json [--class NAME|all] [--threshold T]\n"
    "                                  [--features a,b,...] [--run N|NAME] [--out FILE.json]\n"
    "                                  [--quiet]\n"
    "\n"
    "Prints the weighted linear (Pearson) correlation matrix of the analysis features, per\n"
    "class (or for one class, or for all events together), on every event that passes the\n"
    "cut (the project's controlled imbalance is a choice for training, not applied here; the\n"
    "window's Correlations tab uses the same events), then the pairs with |rho| >= T. With\n"
    "--run: that run's features on the events it trains on (its own controlled imbalance and\n"
    "cut) and its held-out score.\n"
    "Weights are the event weights (a class whose used weights do not sum to a positive\n"
    "number is an error); events with a missing value in a chosen feature are left out.\n"
    "\n"
    "  --class NAME   one class, or `all` for every event together (default: each class)\n"
    "  --threshold T  list the pairs with |rho| >= T (default 0.5)\n"
    "  --features L   only these features (comma separated; default: the analysis features)\n"
    "  --run N|NAME   train run N (number or name; k folds) and add its held-out score as a\n"
    "                 column `score`\n"
    "  --out FILE     write the matrices as JSON\n"
    "  --quiet        no progress lines while a run trains\n";

std::vector<std::string> splitList(const std::string& s) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos <= s.size()) {
    const std::size_t c = std::min(s.find(',', pos), s.size());
    if (c > pos) out.push_back(s.substr(pos, c - pos));
    pos = c + 1;
  }
  return out;
}

int runCorrelations(const std::vector<std::string>& argv) {
  using namespace imbw::cli;
  const auto args =
      parseArgs(argv, {"--class", "--threshold", "--features", "--run", "--out"}, {"--quiet"});
  if (args.positional.size() != 1) throw UsageError("correlations needs exactly one analysis file");
  const double threshold = toDouble("--threshold", args.option("--threshold", "0.5"));
  if (threshold < 0.0 || threshold > 1.0)
    throw UsageError("--threshold must be between 0 and 1, not " + args.option("--threshold"));
  const InsightEvents ev = loadInsightEvents(args.positional[0], args);
  imbw::FeatureMatrix data = ev.events.data;
  if (args.options.count("--features")) {
    const auto list = splitList(args.option("--features"));
    if (list.empty()) throw UsageError("--features needs at least one name");
    data = imbw::selectFeatures(ev.events.data, list);
  }
  std::vector<int> classes;
  std::vector<std::string> titles;
  const std::string want = args.option("--class");
  if (want == "all") {
    classes.push_back(-1);
    titles.push_back("all events");
  } else if (!want.empty()) {
    const auto it = std::find(data.classNames.begin(), data.classNames.end(), want);
    if (it == data.classNames.end())
      throw imbw::Error("--class: " + imbw::unknownNameMessage("class", want, data.classNames) +
                        "; the classes are " + imbw::join(data.classNames, ", ") + ", or `all`");
    classes.push_back(static_cast<int>(it - data.classNames.begin()));
    titles.push_back("class " + want);
  } else {
    for (int c = 0; c < data.numClasses(); ++c) {
      classes.push_back(c);
      titles.push_back("class " + data.classNames[c]);
    }
  }
  // Trained after every option is checked, so a typo does not cost a training.
  std::vector<double> score;
  if (ev.run) score = trainInsightRun(ev, args.flag("--quiet")).heldOutScores;
  nlohmann::json out = nlohmann::json::array();
  for (std::size_t k = 0; k < classes.size(); ++k) {
    const auto m = imbw::classCorrelation(data, classes[k], score, "score");
    std::cout << titles[k] << " (" << m.events << " events, Σw " << fixed(m.sumWeights, 2) << ")\n";
    std::vector<std::string> head{""};
    for (std::size_t j = 0; j < m.names.size(); ++j) head.push_back(std::to_string(j + 1));
    std::vector<std::vector<std::string>> rows;
    for (std::size_t j = 0; j < m.names.size(); ++j) {
      std::vector<std::string> row{std::to_string(j + 1) + " " + m.names[j]};
      for (std::size_t i = 0; i < m.names.size(); ++i) row.push_back(fixed(m.rho[j][i], 2));
      rows.push_back(row);
    }
    printTable(std::cout, head, rows, 1);
    const auto pairs = imbw::correlatedPairs(m, threshold);
    std::cout << "\npairs with |ρ| ≥ " << fixed(threshold, 2) << ": "
              << (pairs.empty() ? "none" : std::to_string(pairs.size())) << '\n';
    for (const auto& p : pairs)
      std::cout << "  " << p.first << " – " << p.second << "  " << fixed(p.rho, 3) << '\n';
    std::cout << '\n';
    nlohmann::json rho = nlohmann::json::array();
    for (const auto& r : m.rho) {
      nlohmann::json row = nlohmann::json::array();
      for (double v : r)
        row.push_back(std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr));
      rho.push_back(row);
    }
    nlohmann::json pj = nlohmann::json::array();
    for (const auto& p : pairs) pj.push_back({{"a", p.first}, {"b", p.second}, {"rho", p.rho}});
    out.push_back({{"selection", titles[k]},
                   {"names", m.names},
                   {"events", m.events},
                   {"sum_weights", m.sumWeights},
                   {"rho", rho},
                   {"pairs", pj}});
  }
  if (args.options.count("--out")) {
    std::ofstream f(args.option("--out"));
    if (!f) throw imbw::Error("cannot write '" + args.option("--out") + "'");
    f << nlohmann::json{{"analysis", args.positional[0]},
                        {"threshold", threshold},
                        {"events", data.rows()},
                        {"matrices", out}}
             .dump(2)
      << '\n';
  }
  return 0;
}

}  // namespace

IMBW_CLI_COMMAND(correlations, "per-class weighted correlation matrices and correlated pairs",
                 kUsage, runCorrelations)
