// imbalance-cli plots PROJECT.json --out DIR: the window's plots of the stored runs written as
// PNG/SVG/PDF without a display (Qt's offscreen platform), for batch jobs and CI.

#include <QApplication>
#include <QString>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "app/cli/command.h"
#include "app/cli/insight_common.h"
#include "app/cli/study_runner.h"
#include "app/plots/plot_files.h"
#include "app/plots/project_plots.h"
#include "app/plots/study_plots.h"
#include "core/project/luminosity.h"
#include "core/project/project.h"
#include "core/project/run_store.h"
#include "core/project/study_store.h"
#include "core/util/error.h"

namespace {

const char* const kUsage =
    "usage: imbalance-cli plots PROJECT.json --out DIR [--runs LIST] [--format png,svg,pdf]\n"
    "                           [--size WxH] [--dpi N] [--luminosity L] [--label TEXT]\n"
    "\n"
    "Writes the plots the window shows, from the results stored in the project\n"
    "(PROJECT.results.h5: the window's Save or `imbalance-cli run --save`), without training and\n"
    "without a display (Qt's offscreen platform):\n"
    "  roc, rejection        ROC curve; background rejection 1/eps_B against eps_S (log)\n"
    "  pr                    precision against recall, with the AP and the chance level\n"
    "  significance          Z_A against the cut, the best cut of each run marked\n"
    "  history               loss and validation AP against the iteration (when recorded)\n"
    "  scores_<id>_<name>    per run: score distributions per class, held-out and training,\n"
    "                        with the KS probability\n"
    "  heatmap_<scan>        per alpha-gamma scan: the metric over the grid\n"
    "  study_<id>_<name>_bump_<eff>  per weak-supervision study and score cut: the resonance\n"
    "                        variable after the cut, the shape before it and the sideband fit\n"
    "  study_<id>_<name>_steps  per Tag N' Train study: AUC and tag purity per iteration\n"
    "\n"
    "  --out DIR        the folder (created if missing; required)\n"
    "  --runs LIST      runs by id (r1) or name, comma separated (default: every trained run\n"
    "                   shown in the window)\n"
    "  --format LIST    png, svg, pdf, comma separated (default: png; --formats is the same)\n"
    "  --size WxH       plot size in points, 1/72 inch (default 800x600)\n"
    "  --dpi N          PNG pixels per inch (default 144: twice the points; 72 to 1200)\n"
    "  --studies LIST   weak-supervision studies by id (w1) or name, comma separated, or none\n"
    "                   (default: every study with stored results)\n"
    "  --luminosity L   the luminosity factor of the significance (default: the project's\n"
    "                   \"luminosity\" factor, which the window's Significance tab sets; 1)\n"
    "  --label TEXT     a label block above each plot, lines split at \\n, the first bold,\n"
    "                   _{..} and ^{..} as sub- and superscripts; {lumi} is the integrated\n"
    "                   luminosity the significance uses (the factor times the project's\n"
    "                   \"luminosity\": {\"weights_fb\": ..}), e.g.\n"
    "                   'Experiment Simulation Internal\\n√s = 13 TeV, {lumi}'\n"
    "                   (default: the project's \"plotLabel\"; --label '' for none)\n";

int runPlots(const std::vector<std::string>& argv) {
  const auto args = imbw::cli::parseArgs(argv,
                                         {"--out", "--runs", "--format", "--formats", "--size",
                                          "--dpi", "--luminosity", "--label", "--studies"},
                                         {});
  if (args.positional.size() != 1) throw imbw::cli::UsageError("plots needs one project file");
  if (!args.options.count("--out")) throw imbw::cli::UsageError("plots needs --out DIR");
  if (args.options.count("--format") && args.options.count("--formats"))
    throw imbw::cli::UsageError("give --format or --formats, not both");
  imbw::PlotFileOptions options;
  options.formats = imbw::parsePlotFormats(
      QString::fromStdString(args.option("--format", args.option("--formats", "png"))));
  if (args.options.count("--size")) {
    const auto [w, h] = imbw::cli::plotSize(args.option("--size"));
    options.size = QSize(w, h);
  }
  if (args.options.count("--dpi"))
    options.dpi = imbw::cli::toInt("--dpi", args.option("--dpi"), 72);
  if (options.dpi < 72 || options.dpi > 1200)
    throw imbw::cli::UsageError("--dpi needs pixels per inch between 72 and 1200, not '" +
                                args.option("--dpi") + "'");
  const std::string path = args.positional[0];
  const imbw::Project project = imbw::Project::load(path);
  imbw::ProjectLuminosity lumi = imbw::projectLuminosity(project);
  if (args.options.count("--luminosity"))
    lumi.factor = imbw::cli::toDouble("--luminosity", args.option("--luminosity"));
  if (!(lumi.factor > 0) || !std::isfinite(lumi.factor))
    throw imbw::cli::UsageError("--luminosity needs a positive factor");
  const double luminosity = lumi.factor;
  std::string label = args.options.count("--label") ? args.option("--label")
                                                    : imbw::projectPlotLabel(project).toStdString();
  // Before any plot is drawn: a {lumi} without the weights' luminosity is refused here.
  options.label = QString::fromStdString(imbw::expandPlotLabel(label, lumi));
  options.label.replace("\\n", "\n");
  const auto store = imbw::readRunStore(imbw::sidecarPath(path));
  const std::vector<std::string> which = args.options.count("--runs")
                                             ? imbw::cli::runList(project, args.option("--runs"))
                                             : std::vector<std::string>{};
  // Evaluated before Qt starts: a wrong run name is reported without a display.
  const imbw::ProjectPlots plots = imbw::projectPlots(project, store, which, luminosity);
  const imbw::StudyStore studyResults = imbw::readStudyStore(imbw::sidecarPath(path));
  std::vector<std::string> studies;
  if (args.options.count("--studies")) {
    studies = imbw::cli::chooseStudies(project, args.option("--studies"));
    for (const std::string& id : studies)
      if (!studyResults.count(id))
        throw imbw::Error("study " + id + " '" + project.findStudy(id)->name +
                          "' has no stored results (run it: `imbalance-cli study " + path +
                          " --study " + id + "`)");
  } else {
    for (const auto& s : project.studies)
      if (studyResults.count(s.id)) studies.push_back(s.id);
  }
  if (plots.runs.isEmpty() && plots.scans.isEmpty() && studies.empty())
    throw imbw::Error("'" + path +
                      "' has no stored results to plot (train and save its runs: "
                      "`imbalance-cli run " +
                      path + " --save`)");

  // No display needed: Qt's offscreen platform unless the caller chose one.
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  static int argc = 1;
  static char name[] = "imbalance-cli";
  static char* qtArgv[] = {name, nullptr};
  QApplication app(argc, qtArgv);
  const QString dir = QString::fromStdString(args.option("--out"));
  QStringList written = imbw::writePlotFiles(plots, dir, options);
  written += imbw::writeStudyPlotFiles(project, studyResults, studies, dir, options);
  for (const QString& f : written) std::cout << f.toStdString() << '\n';
  std::cerr << "wrote " << written.size() << " plot files of " << plots.runs.size() << " run(s)"
            << (plots.scans.isEmpty() ? ""
                                      : " and " + std::to_string(plots.scans.size()) + " scan(s)")
            << (studies.empty() ? "" : " and " + std::to_string(studies.size()) + " study(ies)")
            << '\n';
  return 0;
}

}  // namespace

IMBW_CLI_COMMAND(plots, "the window's plots of stored runs as PNG/SVG/PDF (no display)", kUsage,
                 runPlots)
