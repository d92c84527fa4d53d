// imbalance-cli scores PROJECT.json --run ID|NAME --out FILE.h5: a run's held-out scores from
// the project's stored results, as the HDF5 table a fit starts from (core/export/scores_export).

#include <iostream>
#include <string>
#include <vector>

#include "app/cli/command.h"
#include "app/cli/output_paths.h"
#include "app/cli/project_results.h"
#include "core/export/project_exports.h"
#include "core/export/scores_export.h"
#include "core/project/project.h"
#include "core/project/run_store.h"
#include "core/util/error.h"

namespace {

const char* const kUsage =
    "usage: imbalance-cli scores PROJECT.json --run ID|NAME --out FILE.h5 [--group G]\n"
    "\n"
    "Writes the held-out score of every event of a run stored in the project\n"
    "(PROJECT.results.h5, written by the window's Save or `imbalance-cli run --save`), without\n"
    "training: one row per event, in the columns event_index (the event's row in its sample\n"
    "file, int64), sample, fold (1-based), class (int32), weight and score (float64), with the\n"
    "group attributes run, signal_class, sample_names and class_names. h5py, pandas and ROOT's\n"
    "RDataFrame read it; so does this workbench's sample reader. When a working point was kept\n"
    "with the run (`working-point --keep`, or Keep in the window's Working point tab), the\n"
    "column score_pass (int8: 1 where score >= the cut, else 0, as `apply` writes it) and the\n"
    "attribute working_point_cut are added; a point kept before the run was trained again is\n"
    "left out, with a warning.\n"
    "\n"
    "  --run R     the run, by id (r1, r2, ...) or name (required)\n"
    "  --out FILE  the HDF5 file, created or replaced (required)\n"
    "  --group G   the group of the columns (default: scores; / for the file's root)\n";

int runScores(const std::vector<std::string>& argv) {
  const auto args = imbw::cli::parseArgs(argv, {"--run", "--out", "--group"}, {});
  if (args.positional.size() != 1) throw imbw::cli::UsageError("scores needs one project file");
  if (!args.options.count("--run")) throw imbw::cli::UsageError("scores needs --run ID|NAME");
  if (!args.options.count("--out")) throw imbw::cli::UsageError("scores needs --out FILE.h5");
  const std::string path = args.positional[0];
  const std::string out = args.option("--out");
  imbw::cli::requireWritableFile("--out", out);
  const imbw::Project project = imbw::Project::load(path);
  const imbw::ProjectRun& run = imbw::cli::findProjectRun(project, path, args.option("--run"));
  const auto store = imbw::readRunStore(imbw::sidecarPath(path));
  const auto stored = imbw::cli::storedResults(store, path, run);
  std::string warning;
  const imbw::ScoresTable table = imbw::scoresTable(project, run, *stored, &warning);
  if (!warning.empty()) std::cerr << "warning: " << warning << '\n';
  imbw::writeScoresHdf5(table, out, args.option("--group", "scores"));
  if (table.passCut) {
    std::size_t passed = 0;
    for (double s : table.score) passed += s >= *table.passCut;
    std::cerr << passed << " of " << table.score.size() << " events pass the working point kept "
              << "with the run, score >= " << *table.passCut << " (score_pass)\n";
  }
  std::cerr << "wrote the held-out scores of " << table.score.size() << " events of '" << run.name()
            << "' → " << out << '\n';
  return 0;
}

}  // namespace

IMBW_CLI_COMMAND(scores, "a run's held-out scores from a project as HDF5 (no training)", kUsage,
                 runScores)
