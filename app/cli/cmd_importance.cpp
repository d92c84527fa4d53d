// imbalance-cli importance ANALYSIS.json --run N: trains run N (k folds) and ranks its inputs
// by permutation importance on the held-out events, with the trees' gain beside it; --runs
// ranks several and --plot draws their bars overlaid (the window's chart); --drop-bottom K adds
// the run without its K lowest-ranked features to the project and trains it as `run --save`.

#include <QApplication>
#include <QString>
#include <cmath>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "app/cli/command.h"
#include "app/cli/insight_common.h"
#include "app/cli/output_paths.h"
#include "app/cli/results_table.h"
#include "app/cli/run_pipeline.h"
#include "app/plots/importance_plots.h"
#include "core/insight/feature_drop.h"
#include "core/insight/permutation_importance.h"
#include "core/insight/tree_importance.h"
#include "core/project/run_store.h"
#include "core/util/error.h"
#include "core/util/strings.h"
#include "widgets/run_plot_data.h"

namespace {

const char* const kUsage =
    "usage: imbalance-cli importance PROJECT.json --run N|NAME [--metric ap|auc] [--repeats R]\n"
    "                                [--folds K] [--threads T] [--seed S] [--out FILE.json]\n"
    "                                [--plot FILE.png|svg|pdf] [--size WxH] [--dpi N]\n"
    "                                [--drop-bottom K] [--quiet]\n"
    "       imbalance-cli importance PROJECT.json --runs LIST [--plot FILE] [options as above]\n"
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
    "  --run N|NAME   the run to rank (1-based number or name)\n"
    "  --runs LIST    several runs (ids, 1-based numbers or names, comma separated), each\n"
    "                 trained and ranked as --run does, one table each\n"
    "  --metric M     ap (default) or auc\n"
    "  --repeats R    shuffles per feature and fold (default 5)\n"
    "  --folds K, --threads T, --seed S   override the run's settings (for every training of\n"
    "                 the command, the --drop-bottom run's included)\n"
    "  --out FILE     write the numbers as JSON (with --runs: {\"runs\": [one object per run]})\n"
    "  --plot FILE    draw the permutation ranking as the window's Feature ranking tab does,\n"
    "                 the runs' bars overlaid in their plot colours (the features in the first\n"
    "                 run's order); .png, .svg or .pdf, no display needed\n"
    "  --size WxH     the plot's size in points (default: 800 wide, as tall as the rows need;\n"
    "                 a given height grows when the rows need more)\n"
    "  --dpi N        PNG pixels per inch (default 144)\n"
    "  --drop-bottom K  after ranking (--run only): add to the project a copy of the run\n"
    "                 without its K lowest-ranked features, named \"NAME without a, b\" (K <= 3)\n"
    "                 or \"NAME without the bottom K\" (as the window's \"Train again without\n"
    "                 the bottom k features\"), train it as `run --save` does and save it in\n"
    "                 PROJECT.json and PROJECT.results.h5; 1 <= K < the run's features\n"
    "  --quiet        no progress lines\n";

/// One run's ranking: what is printed, written as JSON and drawn.
struct Ranking {
  std::string runId;
  std::string name;
  int projectIndex = 0;  ///< the run's place in the project (its colour in the plots)
  imbw::RunPermutationImportance permutation;
  bool trees = false;
  imbw::TreeImportance gain;
  nlohmann::json json;
};

nlohmann::json numbers(const std::vector<double>& v) {
  nlohmann::json a = nlohmann::json::array();
  for (double x : v) a.push_back(std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr));
  return a;
}

/// Trains the chosen run of `ev` and ranks its features; prints the table. Only the numbers
/// are kept (not the fold models).
Ranking rankRun(const imbw::cli::InsightEvents& ev, const imbw::PermutationOptions& options,
                const std::string& path, bool quiet) {
  using namespace imbw::cli;
  imbw::PermutationOptions opt = options;
  opt.seed = ev.config.seed;
  const imbw::RunResult result = trainInsightRun(ev, quiet);
  const imbw::FeatureMatrix& data = ev.events.data;
  Ranking out;
  out.runId = ev.run->id;
  out.name = result.name;
  for (std::size_t i = 0; i < ev.project.runs.size(); ++i)
    if (ev.project.runs[i].id == ev.run->id) out.projectIndex = static_cast<int>(i);
  out.permutation = imbw::runPermutationImportance(data, result, opt);
  const imbw::RunPermutationImportance& imp = out.permutation;

  out.trees = !result.models.empty() && imbw::hasTreeImportance(*result.models[0]);
  imbw::TreeImportance& gain = out.gain;
  if (out.trees) {
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
  if (out.trees) {
    head.push_back("gain %");
    head.push_back("splits");
  }
  std::vector<std::vector<std::string>> rows;
  const auto order = imp.ranking();
  for (std::size_t r = 0; r < order.size(); ++r) {
    const std::size_t f = order[r];
    std::vector<std::string> row{std::to_string(r + 1), imp.features[f],
                                 plusMinus(imp.mean[f], imp.std[f], 4)};
    if (out.trees) {
      row.push_back(fixed(totalGain > 0 ? 100.0 * gain.totalGain[f] / totalGain : NAN, 1));
      row.push_back(fixed(gain.splitCount[f], 0));
    }
    rows.push_back(row);
  }
  printTable(std::cout, head, rows, 2);
  std::cout << "\nΔ" << metric << ": mean ± sample standard deviation over folds × shuffles";
  if (out.trees) std::cout << "; gain: " << gain.gainKind << ", summed over folds";
  std::cout << '\n';

  nlohmann::json& j = out.json;
  j = {{"analysis", path},       {"run", result.name},
       {"events", data.rows()},  {"metric", imbw::importanceMetricName(opt.metric)},
       {"repeats", opt.repeats}, {"features", imp.features}};
  j["permutation"] = {{"mean", numbers(imp.mean)}, {"std", numbers(imp.std)}};
  j["permutation"]["folds"] = nlohmann::json::array();
  for (const auto& f : imp.perFold)
    j["permutation"]["folds"].push_back({{"baseline", f.baseline}, {"drops", f.drops}});
  if (out.trees)
    j["trees"] = {{"kind", gain.gainKind},
                  {"total_gain", numbers(gain.totalGain)},
                  {"split_count", numbers(gain.splitCount)}};
  return out;
}

/// --plot FILE --size WxH --dpi N.
struct PlotRequest {
  std::string file;             ///< empty: no plot
  int width = 800, height = 0;  ///< height 0: as tall as the rows need
  int dpi = 144;
};

/// The overlay (or one run's bars) written with the window's chart, without a display.
void writePlot(const std::vector<Ranking>& rankings, imbw::ImportanceMetric metric,
               const PlotRequest& plot) {
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  static int argc = 1;
  static char name[] = "imbalance-cli";
  static char* qtArgv[] = {name, nullptr};
  QApplication app(argc, qtArgv);
  QList<imbw::ImportanceSeries> series;
  for (const Ranking& r : rankings)
    series << imbw::permutationSeries(QString::fromStdString(r.name),
                                      imbw::runColor(r.projectIndex), r.permutation);
  const QString title = rankings.size() > 1
                            ? imbw::permutationOverlayTitle(series.size(), metric)
                            : QObject::tr("Permutation importance of %1 (held-out %2)")
                                  .arg(QString::fromStdString(rankings.front().name),
                                       imbw::importanceMetricLabel(metric));
  imbw::writeImportanceChart(title, imbw::permutationAxisTitle(metric), series, 4,
                             QString::fromStdString(plot.file), QSize(plot.width, plot.height),
                             plot.dpi);
  std::cerr << "wrote the permutation ranking of " << rankings.size() << " run"
            << (rankings.size() == 1 ? "" : "s") << " → " << plot.file << '\n';
}

/// --drop-bottom: the copy of the ranked run without its k lowest-ranked features, added to
/// the project at `path`, trained as `run --save` trains and saved with its results.
void trainWithoutBottom(imbw::Project project, const imbw::ProjectRun& source,
                        const Ranking& ranking, int k, const std::string& path,
                        std::map<std::string, std::shared_ptr<const imbw::StoredRun>> store,
                        const imbw::cli::Args& args) {
  using namespace imbw::cli;
  const imbw::FeatureDrop drop = imbw::dropBottomFeatures(ranking.permutation, k);
  imbw::RunConfig config = source.config;
  applyRunOverrides(config, args);
  const std::string id = project.addRun(imbw::featureDropConfig(config, drop), source.cut).id;
  const std::string name = project.findRun(id)->name();
  std::cout << "\nwithout the bottom " << k << ": " << imbw::join(drop.dropped, ", ")
            << "\nnew run   " << id << " '" << name << "' (" << drop.kept.size()
            << " features: " << imbw::join(drop.kept, ", ") << ")\n\n";
  std::vector<imbw::TrainedRun> trained;
  {
    const imbw::LoadedAnalysis loaded = loadRunEvents(project);
    const StopOnCtrlC ctrlC;
    trained.push_back(trainWithProgress(project, id, loaded.table, name, args.flag("--quiet")));
  }
  const imbw::ProjectRun& done = *project.findRun(id);
  printResultsTable(std::cout, {{done.name(), trained.front().result.cancelled ? "cancelled" : "",
                                 done.aggregate, done.config.folds}});
  saveRunResults(path, project, std::move(store), {id}, trained);
  if (done.status == imbw::RunStatus::Failed)
    throw imbw::Error("run '" + done.name() + "': " + done.message);
}

int runImportance(const std::vector<std::string>& argv) {
  using namespace imbw::cli;
  const auto args = parseArgs(argv,
                              {"--run", "--runs", "--metric", "--repeats", "--folds", "--threads",
                               "--seed", "--out", "--plot", "--size", "--dpi", "--drop-bottom"},
                              {"--quiet"});
  if (args.positional.size() != 1) throw UsageError("importance needs exactly one analysis file");
  const bool several = args.options.count("--runs") > 0;
  if (several && args.options.count("--run"))
    throw UsageError("give --run N or --runs LIST, not both");
  if (!several && !args.options.count("--run"))
    throw UsageError("importance needs --run N (or --runs LIST)");
  imbw::PermutationOptions opt;
  try {
    opt.metric = imbw::importanceMetricFromName(args.option("--metric", "ap"));
  } catch (const imbw::Error& e) {
    throw UsageError(std::string("--metric: ") + e.what());
  }
  opt.repeats = toInt("--repeats", args.option("--repeats", "5"), 1);
  const std::string path = args.positional[0];
  int dropBottom = 0;
  if (args.options.count("--drop-bottom")) {
    if (several) throw UsageError("--drop-bottom acts on one run's ranking: give --run N");
    dropBottom = toInt("--drop-bottom", args.option("--drop-bottom"), 1);
  }
  // Checked before the samples are read and the runs trained, not when the results are written.
  if (args.options.count("--out")) requireWritableFile("--out", args.option("--out"));
  PlotRequest plot;
  if (args.options.count("--plot")) {
    plot.file = args.option("--plot");
    const auto dot = plot.file.rfind('.');
    const std::string suffix = dot == std::string::npos ? "" : plot.file.substr(dot + 1);
    if (suffix != "png" && suffix != "svg" && suffix != "pdf")
      throw UsageError("--plot needs a .png, .svg or .pdf file, not '" + plot.file + "'");
    requireWritableFile("--plot", plot.file);
    if (args.options.count("--size"))
      std::tie(plot.width, plot.height) = plotSize(args.option("--size"));
    plot.dpi = toInt("--dpi", args.option("--dpi", "144"), 72);
    if (plot.dpi > 1200)
      throw UsageError("--dpi needs pixels per inch between 72 and 1200, not '" +
                       args.option("--dpi") + "'");
  } else if (args.options.count("--size") || args.options.count("--dpi")) {
    throw UsageError("--size and --dpi are the --plot's: give --plot FILE");
  }

  // The runs, as the --run values (1-based numbers) loadInsightEvents picks.
  std::vector<std::string> which;
  if (several) {
    const imbw::Project project = imbw::Project::load(path);
    for (const std::string& item : runList(project, args.option("--runs"))) {
      const imbw::ProjectRun* r = project.findRun(item);
      if (!r) r = &chooseRun(project, item);
      which.push_back(std::to_string(r - project.runs.data() + 1));
    }
  } else {
    which.push_back(args.option("--run"));
  }

  std::vector<Ranking> rankings;
  std::optional<imbw::Project> project;  // --drop-bottom: the project and run, as read
  std::optional<imbw::ProjectRun> source;
  std::map<std::string, std::shared_ptr<const imbw::StoredRun>> store;
  for (std::size_t i = 0; i < which.size(); ++i) {
    Args one = args;
    one.options["--run"] = which[i];
    const InsightEvents ev = loadInsightEvents(path, one);
    if (dropBottom) {
      // Refused before any training: k must leave at least one of the run's features.
      try {
        imbw::checkDropCount(dropBottom, ev.config.features.size());
      } catch (const imbw::Error& e) {
        throw UsageError("--drop-bottom " + std::to_string(dropBottom) + ": run '" +
                         ev.run->name() + "': " + e.what());
      }
      // A damaged sidecar stops us here, not after the trainings.
      store = imbw::readRunStore(imbw::sidecarPath(path));
      project = ev.project;
      source = *ev.run;
    }
    if (i) std::cout << '\n';
    rankings.push_back(rankRun(ev, opt, path, args.flag("--quiet")));
  }

  if (args.options.count("--out")) {
    nlohmann::json j;
    if (several) {
      j = {{"analysis", path}, {"runs", nlohmann::json::array()}};
      for (const Ranking& r : rankings) j["runs"].push_back(r.json);
    } else {
      j = rankings.front().json;
    }
    std::ofstream out(args.option("--out"));
    if (!out) throw imbw::Error("cannot write '" + args.option("--out") + "'");
    out << j.dump(2) << '\n';
  }
  if (!plot.file.empty()) writePlot(rankings, opt.metric, plot);
  if (dropBottom)
    trainWithoutBottom(std::move(*project), *source, rankings.front(), dropBottom, path,
                       std::move(store), args);
  return 0;
}

}  // namespace

IMBW_CLI_COMMAND(importance, "rank a run's features: permutation importance and tree gain", kUsage,
                 runImportance)
