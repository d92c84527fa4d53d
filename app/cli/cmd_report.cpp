// imbalance-cli report PROJECT.json: the runs table from the results stored in the project,
// without training.

#include <iostream>
#include <string>
#include <vector>

#include "app/cli/command.h"
#include "app/cli/insight_common.h"
#include "app/cli/results_table.h"
#include "core/export/project_exports.h"
#include "core/export/runs_table_format.h"
#include "core/insight/imbalance_scan_record.h"
#include "core/project/luminosity.h"
#include "core/project/project.h"
#include "core/project/run_report.h"
#include "core/project/run_store.h"
#include "core/util/error.h"
#include "core/util/strings.h"

namespace {

const char* const kUsage =
    "usage: imbalance-cli report PROJECT.json [--format table|json|csv|tsv|markdown|latex]\n"
    "       imbalance-cli report PROJECT.json --evaluate [--luminosity L]\n"
    "\n"
    "Prints the runs table of a project from its stored results (written by the window's Save or\n"
    "by `imbalance-cli run PROJECT.json --save`), without training: model, t_fit, AP, AUC, AP/r\n"
    "and 1/eps_B at eps_S = 0.2 and 0.8, each mean +- sample std over the folds. Runs that were\n"
    "never trained, or failed, are listed with their status; the scans over the signal fraction\n"
    "r the project keeps are named below it (`imbalance-scan PROJECT.json --saved` prints them).\n"
    "\n"
    "  --format table    the paper's table (default)\n"
    "  --format json     every run: id, name, status, configuration and fold metrics\n"
    "  --format csv|tsv  one row per trained run, every metric's mean, std and n at full\n"
    "                    precision (tsv pastes into a spreadsheet)\n"
    "  --format markdown the table for a note\n"
    "  --format latex    a booktabs table in the paper's form, mean +- std rounded by the PDG\n"
    "                    rule (the std to one or two significant digits, the mean alike)\n"
    "\n"
    "  --evaluate        JSON: every run with its evaluation computed again from the stored\n"
    "                    scores of the sidecar (what the window draws): pooled and per-fold AP\n"
    "                    and AUC, the KS probability of each class (training vs held-out\n"
    "                    scores), the best Asimov significance with its cut, s and b, and for\n"
    "                    three or more classes each class's one-vs-rest AP and AUC\n"
    "  --luminosity L    scale the event weights by L for the significance (default: the\n"
    "                    project's \"luminosity\" factor, 1 when unset)\n";

std::string note(const imbw::ProjectRun& r) {
  switch (r.status) {
    case imbw::RunStatus::Done:
      return {};
    case imbw::RunStatus::Configured:
      return "not trained";
    case imbw::RunStatus::Cancelled:
      return "cancelled";
    case imbw::RunStatus::Failed:
      return "failed: " + r.message;
  }
  return {};
}

int runReport(const std::vector<std::string>& argv) {
  const auto args = imbw::cli::parseArgs(argv, {"--format", "--luminosity"}, {"--evaluate"});
  if (args.positional.size() != 1) throw imbw::cli::UsageError("report needs one project file");
  const std::string format = args.option("--format", "table");
  if (format != "table" && format != "json" && format != "csv" && format != "tsv" &&
      format != "markdown" && format != "latex")
    throw imbw::cli::UsageError("--format: '" + format +
                                "' is not one of table, json, csv, tsv, markdown, latex");
  const imbw::Project project = imbw::Project::load(args.positional[0]);
  if (args.flag("--evaluate")) {
    const double luminosity =
        args.options.count("--luminosity")
            ? imbw::cli::toDouble("--luminosity", args.option("--luminosity"))
            : imbw::projectLuminosity(project).factor;  // the window's Significance tab's
    if (!(luminosity > 0))
      throw imbw::cli::UsageError("--luminosity: give a positive number, not '" +
                                  args.option("--luminosity") + "'");
    const auto stored = imbw::readRunStore(imbw::sidecarPath(args.positional[0]));
    nlohmann::json runs = nlohmann::json::array();
    for (const auto& r : project.runs) {
      nlohmann::json j = r.toJson();
      const auto it = stored.find(r.id);
      j["evaluation"] = it == stored.end()
                            ? nlohmann::json(nullptr)
                            : imbw::storedRunReport(*it->second, project.analysis.classes,
                                                    project.analysis.signalIndex(), luminosity);
      runs.push_back(std::move(j));
    }
    std::cout << nlohmann::json{{"project", args.positional[0]}, {"runs", runs}}.dump(2) << '\n';
    return 0;
  }
  if (format != "table" && format != "json") {
    // The runs with results, in the field's table formats (core/export).
    const imbw::RunsTable table = imbw::projectRunsTable(project);
    std::cout << imbw::formatRunsTable(table, imbw::parseTableFormat(format));
    return 0;
  }
  if (format == "json") {
    nlohmann::json runs = nlohmann::json::array();
    for (const auto& r : project.runs) runs.push_back(r.toJson());
    std::cout << nlohmann::json{{"project", args.positional[0]}, {"runs", runs}}.dump(2) << '\n';
    return 0;
  }
  if (project.runs.empty()) {
    std::cout << "'" << args.positional[0] << "' has no runs\n";
    return 0;
  }
  std::vector<imbw::cli::ResultsRow> rows;
  for (const auto& r : project.runs)
    rows.push_back({r.name(), note(r), r.aggregate, r.config.folds});
  imbw::cli::printResultsTable(std::cout, rows);
  // The scans over r the project keeps are listed; `imbalance-scan --saved` prints them.
  std::vector<std::string> scans;
  try {
    for (const auto& s : imbw::imbalanceScanRecords(
             project.analysis.extra.value("imbalanceScans", nlohmann::json()))) {
      const imbw::ProjectRun* run = project.findRun(s.runId);
      std::vector<std::string> rs;
      for (const auto& p : s.points) rs.push_back(imbw::cli::fixed(100 * p.targetR, 2) + " %");
      scans.push_back((run ? run->name() : s.runId) + " (r = " + imbw::join(rs, ", ") + ")");
    }
  } catch (const imbw::Error& e) {
    std::cerr << "warning: '" << args.positional[0] << "': imbalanceScans: " << e.what() << '\n';
  }
  if (!scans.empty())
    std::cout << "\nscans over r kept: " << imbw::join(scans, "; ")
              << "\n(print them with `imbalance-cli imbalance-scan " << args.positional[0]
              << " --saved`)\n";
  return 0;
}

}  // namespace

IMBW_CLI_COMMAND(report, "the runs table from a project's stored results (no training)", kUsage,
                 runReport)
