// imbalance-cli imbalance-scan PROJECT.json --run N --r 0.5,0.05: one run at several signal
// fractions r (the paper's Table 2 as a scan), the metrics against r; --save keeps the scan in
// the project (the window shows it), --saved prints the scans a project keeps.

#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include "app/cli/command.h"
#include "app/cli/insight_common.h"
#include "core/insight/imbalance_scan.h"
#include "core/insight/imbalance_scan_record.h"
#include "core/util/error.h"

namespace {

const char* const kUsage =
    "usage: imbalance-cli imbalance-scan PROJECT.json --run N|NAME --r R1,R2,... [--save]\n"
    "                                    [--seed S] [--folds K] [--threads T] [--quiet]\n"
    "       imbalance-cli imbalance-scan PROJECT.json --saved [--run N|NAME]\n"
    "\n"
    "Runs run N (k folds) at each signal fraction r, on the events the run trains on (its\n"
    "controlled imbalance drawn, its cut applied, as `run` trains it): below their own fraction\n"
    "the signal is drawn down (seeded, weights kept) and the background kept whole, above it\n"
    "the background is drawn down. Prints per r the events kept, AP, AP/r and the background\n"
    "rejection 1/eps_B at eps_S = 0.2 and 0.8, mean +- sample standard deviation over folds.\n"
    "\n"
    "  --run N|NAME  the run (1-based number or name; required to scan)\n"
    "  --r LIST      signal fractions in (0, 1), comma separated (required to scan)\n"
    "  --save        keep the scan in PROJECT.json (the analysis key \"imbalanceScans\", one scan\n"
    "                per run: it replaces the run's earlier one); the window's \"Inputs and\n"
    "                outputs\" tab shows it for the run, as it shows the scans made there\n"
    "  --saved       print the scans kept in the project (made with --save or in the window),\n"
    "                each as the table above, without training; with --run only that run's\n"
    "  --seed S      seed of the draws and the run (default: the run's)\n"
    "  --folds K, --threads T   override the run's settings\n"
    "  --quiet       no progress lines\n";

std::string cell(const imbw::ImbalanceScanRecord::Point& p, const char* key, int decimals) {
  using imbw::cli::plusMinus;
  const auto it = p.metrics.find(key);
  return it == p.metrics.end() ? std::string("-")
                               : plusMinus(it->second.mean, it->second.std, decimals);
}

/// One scan: a header naming the run, then per r its events and metrics.
void printScan(std::ostream& os, const imbw::ImbalanceScanRecord& scan,
               const imbw::Project& project) {
  using namespace imbw::cli;
  const imbw::ProjectRun* run = project.findRun(scan.runId);
  std::size_t folds = 0;  // as trained (--folds may have overridden the run's)
  for (const auto& p : scan.points)
    if (const auto it = p.metrics.find("ap"); it != p.metrics.end())
      folds = std::max(folds, it->second.n);
  os << "run  " << (run ? run->name() : scan.runId + " (no longer in the project)") << " (" << folds
     << " folds, seed " << scan.seed << ")\n\n";
  bool cancelled = false;
  for (const auto& p : scan.points) cancelled = cancelled || p.cancelled;
  std::vector<std::string> head{"r", "events", "AP", "AP/r", "1/ε_B (ε_S=0.2)", "1/ε_B (ε_S=0.8)"};
  if (cancelled) head.push_back("");
  std::vector<std::vector<std::string>> rows;
  for (const auto& p : scan.points) {
    rows.push_back({fixed(100 * p.targetR, 2) + " %", std::to_string(p.events), cell(p, "ap", 3),
                    cell(p, "ap_over_r", 2), cell(p, "rejection_at_eff_s_0.2", 1),
                    cell(p, "rejection_at_eff_s_0.8", 2)});
    if (p.cancelled) rows.back().push_back("cancelled");
  }
  printTable(os, head, rows, 1);
  os << "\nmean ± sample standard deviation over folds\n";
}

int printSaved(const imbw::cli::Args& args) {
  using namespace imbw::cli;
  for (const char* o : {"--r", "--seed", "--folds", "--threads"})
    if (args.options.count(o))
      throw UsageError(std::string("--saved prints the kept scans; ") + o + " is for a new scan");
  if (args.flag("--save")) throw UsageError("give either --saved or --save, not both");
  const std::string& path = args.positional[0];
  const imbw::Project project = imbw::Project::load(path);
  std::vector<imbw::ImbalanceScanRecord> scans;
  try {
    scans = imbw::imbalanceScanRecords(
        project.analysis.extra.value("imbalanceScans", nlohmann::json()));
  } catch (const imbw::Error& e) {
    throw imbw::Error("'" + path + "': imbalanceScans: " + e.what());
  }
  std::string only;
  if (args.options.count("--run")) only = chooseRun(project, args.option("--run")).id;
  std::size_t shown = 0;
  for (const auto& scan : scans) {
    if (!only.empty() && scan.runId != only) continue;
    if (shown++) std::cout << '\n';
    printScan(std::cout, scan, project);
  }
  if (!shown)
    std::cout << "'" << path << "' keeps no scan over r"
              << (only.empty() ? "" : " of run '" + args.option("--run") + "'")
              << " (make one with imbalance-scan --save, or in the window's \"Inputs and "
                 "outputs\" tab)\n";
  return 0;
}

int runScan(const std::vector<std::string>& argv) {
  using namespace imbw::cli;
  const auto args = parseArgs(argv, {"--run", "--r", "--seed", "--folds", "--threads"},
                              {"--quiet", "--save", "--saved"});
  if (args.positional.size() != 1)
    throw UsageError("imbalance-scan needs exactly one project or analysis file");
  if (args.flag("--saved")) return printSaved(args);
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
  const std::string& path = args.positional[0];
  InsightEvents ev = loadInsightEvents(path, args);
  imbw::RunConfig run = ev.config;
  run.features.clear();  // the matrix holds exactly the run's features, in order
  struct Quiet : imbw::TrainingObserver {};
  Quiet quiet;
  const auto scan = imbw::imbalanceScan(ev.events.data, run, rs, quiet, run.seed);
  const auto record = imbw::ImbalanceScanRecord::fromScan(ev.run->id, run.seed, scan);
  printScan(std::cout, record, ev.project);
  if (args.flag("--save")) {
    auto& extra = ev.project.analysis.extra;
    extra["imbalanceScans"] =
        imbw::withImbalanceScan(extra.value("imbalanceScans", nlohmann::json()), record);
    ev.project.save(path);
    std::cerr << "scan saved in " << path << '\n';
  }
  return scan.size() == rs.size() ? 0 : 130;
}

}  // namespace

namespace {
const bool registered = imbw::cli::registerCommand(
    {"imbalance-scan", "one run at several signal fractions r (AP, AP/r, 1/ε_B against r)", kUsage,
     runScan});
}  // namespace
