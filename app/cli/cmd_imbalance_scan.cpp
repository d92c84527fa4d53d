// imbalance-cli imbalance-scan ANALYSIS.json --run N --r 0.5,0.05: one run at several signal
// fractions r (the paper's Table 2 as a scan), the metrics against r.

#include <iostream>
#include <string>
#include <vector>

#include "app/cli/command.h"
#include "app/cli/insight_common.h"
#include "core/insight/imbalance_scan.h"
#include "core/util/error.h"

namespace {

const char* const kUsage =
    "usage: imbalance-cli imbalance-scan ANALYSIS.json --run N --r R1,R2,... [--seed S]\n"
    "                                    [--folds K] [--threads T] [--quiet]\n"
    "\n"
    "Runs run N (k folds) at each signal fraction r: below the events' own fraction the signal\n"
    "is drawn down (seeded, weights kept) and the background kept whole, above it the\n"
    "background is drawn down. Prints per r the events kept, AP, AP/r and the background\n"
    "rejection 1/eps_B at eps_S = 0.2 and 0.8, mean +- sample standard deviation over folds.\n"
    "\n"
    "  --run N     the run (1-based; required)\n"
    "  --r LIST    signal fractions in (0, 1), comma separated (required)\n"
    "  --seed S    seed of the draws and the run (default: the run's)\n"
    "  --folds K, --threads T   override the run's settings\n"
    "  --quiet     no progress lines\n";

int runScan(const std::vector<std::string>& argv) {
  using namespace imbw::cli;
  const auto args =
      parseArgs(argv, {"--run", "--r", "--seed", "--folds", "--threads"}, {"--quiet"});
  if (args.positional.size() != 1)
    throw UsageError("imbalance-scan needs exactly one analysis file");
  if (!args.options.count("--run")) throw UsageError("imbalance-scan needs --run N");
  if (!args.options.count("--r")) throw UsageError("imbalance-scan needs --r R1,R2,...");
  std::vector<double> rs;
  const std::string list = args.option("--r");
  for (std::size_t pos = 0; pos <= list.size();) {
    const std::size_t c = std::min(list.find(',', pos), list.size());
    const double r = toDouble("--r", list.substr(pos, c - pos));
    if (!(r > 0.0 && r < 1.0))
      throw UsageError("--r: " + list.substr(pos, c - pos) + " is not in (0, 1)");
    rs.push_back(r);
    pos = c + 1;
  }
  const LoadedEvents ev = loadEvents(args.positional[0]);
  imbw::RunConfig run = runNumber(ev.analysis, args.option("--run"));
  applyRunOverrides(run, args);
  struct Quiet : imbw::TrainingObserver {};
  Quiet quiet;
  const auto scan = imbw::imbalanceScan(ev.data, run, rs, quiet, run.seed);
  std::cout << "run  " << run.displayName() << " (" << run.folds << " folds)\n\n";
  std::vector<std::vector<std::string>> rows;
  auto cell = [](const imbw::RunResult& r, const char* key, int d) {
    const auto it = r.aggregate.find(key);
    return it == r.aggregate.end() ? std::string("-")
                                   : plusMinus(it->second.mean, it->second.std, d);
  };
  for (const auto& p : scan) {
    std::size_t n = p.result.heldOutScores.size();
    rows.push_back({fixed(100 * p.targetR, 2) + " %", std::to_string(n), cell(p.result, "ap", 3),
                    cell(p.result, "ap_over_r", 2), cell(p.result, "rejection_at_eff_s_0.2", 1),
                    cell(p.result, "rejection_at_eff_s_0.8", 2)});
  }
  printTable(std::cout, {"r", "events", "AP", "AP/r", "1/ε_B (ε_S=0.2)", "1/ε_B (ε_S=0.8)"}, rows,
             1);
  std::cout << "\nmean ± sample standard deviation over folds\n";
  return scan.size() == rs.size() ? 0 : 130;
}

}  // namespace

namespace {
const bool registered = imbw::cli::registerCommand(
    {"imbalance-scan", "one run at several signal fractions r (AP, AP/r, 1/ε_B against r)", kUsage,
     runScan});
}  // namespace
