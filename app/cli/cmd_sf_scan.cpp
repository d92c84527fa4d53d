// imbalance-cli sf-scan ANALYSIS.json: the signal-fraction comparison of the Tag N' Train
// paper: the signal class injected at chosen S/B, each method run on each sample, AUC,
// 1/eps_B at eps_S = 0.2 and the best significance improvement inside the window. With --save
// the scan is kept as a study of the project (the window shows it after opening); with
// --out DIR the table (CSV, markdown) and the signal-fraction plots are written.

#include <QApplication>
#include <QDir>
#include <chrono>
#include <fstream>
#include <iostream>

#include "app/cli/study_runner.h"
#include "app/cli/weak_cli.h"
#include "app/plots/plot_files.h"
#include "app/plots/study_plots.h"
#include "core/project/project.h"
#include "core/project/run_store.h"
#include "core/project/study_store.h"
#include "core/util/error.h"

namespace {

const std::string kUsage =
    std::string(
        "usage: imbalance-cli sf-scan PROJECT.json [--fractions LIST] [--methods LIST]\n"
        "                             [--out DIR|FILE.csv] [--format png,svg,pdf] [--save]\n"
        "                             [--name NAME] [options]\n"
        "\n"
        "Injects the signal class at each S/B (signal events / background events of the whole\n"
        "sample, by subsampling the signal; smaller fractions reuse a subset of the larger's\n"
        "events), runs each method and prints AUC, 1/eps_B at eps_S = 0.2 and the maximum\n"
        "significance improvement eps_S/sqrt(eps_B) (cuts keeping >= 10 background events),\n"
        "inside the window, against the analysis classes. Methods: supervised (the reference,\n"
        "trained on the truth), cwola (window against sidebands), autoencoder (one per object,\n"
        "both in the top X), tnt (Tag N' Train started from those autoencoders).\n"
        "\n"
        "  --fractions LIST  S/B values; default 0.09,0.01,0.003,0.001\n"
        "  --methods LIST    default supervised,cwola,autoencoder,tnt\n"
        "  --out DIR         the folder (created if missing) for scan.csv, scan.md (the table as\n"
        "                    markdown) and the plots signal_fraction_sic, _auc and _rejection\n"
        "                    (each metric against S/B, one line per method; no display needed)\n"
        "  --out FILE.csv    only the CSV: s_over_b,method,signal_events,background_events,auc,\n"
        "                    rejection_at_eff_s_0.2,max_sic,eff_s_at_max_sic,seconds\n"
        "  --format LIST     the plots' formats: png, svg, pdf (default png)\n"
        "  --save            keep the scan as a study of the project (its points in the sidecar\n"
        "                    PROJECT.results.h5): the window's Weak supervision dock shows it,\n"
        "                    `study`, `run` and `plots` know it\n"
        "  --name NAME       the study's name (default: \"wN signal-fraction scan: METHODS\")\n") +
    imbw::cli::kWeakOptionsUsage;

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const std::size_t comma = std::min(text.find(',', pos), text.size());
    if (comma > pos) out.push_back(text.substr(pos, comma - pos));
    pos = comma + 1;
  }
  return out;
}

bool endsWith(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// The table and plots in `dir`; returns the written paths.
std::vector<std::string> writeOutputs(const std::string& dir,
                                      const std::vector<imbw::ScanPoint>& points,
                                      const imbw::PlotFileOptions& options) {
  if (!QDir().mkpath(QString::fromStdString(dir)))
    throw imbw::Error("cannot create the folder '" + dir + "'");
  std::vector<std::string> written;
  const QDir out(QString::fromStdString(dir));
  for (const char* name : {"scan.csv", "scan.md"}) {
    const std::string path = out.filePath(name).toStdString();
    std::ofstream f(path);
    if (std::string(name) == "scan.csv")
      imbw::cli::writeScanCsv(f, points);
    else
      imbw::cli::writeScanMarkdown(f, points);
    if (!f) throw imbw::Error("cannot write '" + path + "'");
    written.push_back(path);
  }
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  static int argc = 1;
  static char name[] = "imbalance-cli";
  static char* qtArgv[] = {name, nullptr};
  QApplication app(argc, qtArgv);
  for (imbw::ScanMetric m : imbw::scanMetrics())
    for (const QString& f : imbw::writeSignalFractionPlot(
             points, m, out.filePath("signal_fraction_" + imbw::scanMetricFileTag(m)), options))
      written.push_back(f.toStdString());
  return written;
}

int runScan(const std::vector<std::string>& argv) {
  std::set<std::string> valueOptions = imbw::cli::weakValueOptions();
  for (const char* o : {"--fractions", "--methods", "--out", "--format", "--name"})
    valueOptions.insert(o);
  const auto args = imbw::cli::parseArgs(argv, valueOptions, {"--quiet", "--save"});
  if (args.positional.size() != 1)
    throw imbw::cli::UsageError("sf-scan needs exactly one analysis or project file");
  if (args.options.count("--name") && !args.flag("--save"))
    throw imbw::cli::UsageError("--name names the study that --save keeps: give --save too");
  const std::string path = args.positional[0];
  imbw::Project project = imbw::Project::load(path);
  const imbw::Analysis& analysis = project.analysis;
  const imbw::WeakStudyConfig cfg = imbw::cli::weakConfig(args, analysis);
  const std::vector<double> fractions = imbw::cli::parseNumberList(
      "--fractions", args.option("--fractions", "0.09,0.01,0.003,0.001"));
  for (double f : fractions)
    if (!(f > 0.0)) throw imbw::cli::UsageError("--fractions: every S/B must be positive");
  const std::vector<std::string> methods =
      split(args.option("--methods", "supervised,cwola,autoencoder,tnt"));
  if (methods.empty()) throw imbw::cli::UsageError("--methods needs at least one method");
  for (const std::string& m : methods)  // before the events are read
    imbw::checkWeakMethod(m);
  const std::string out = args.option("--out");
  const bool csvOnly = endsWith(out, ".csv");
  imbw::PlotFileOptions plotOptions;
  if (args.options.count("--format")) {
    if (out.empty() || csvOnly)
      throw imbw::cli::UsageError("--format is for the plots of --out DIR");
    plotOptions.formats = imbw::parsePlotFormats(QString::fromStdString(args.option("--format")));
  }
  // A damaged sidecar stops us before the long work, not after it.
  const std::string sidecar = imbw::sidecarPath(path);
  const auto runs = args.flag("--save")
                        ? imbw::readRunStore(sidecar)
                        : std::map<std::string, std::shared_ptr<const imbw::StoredRun>>{};
  imbw::StudyStore studies =
      args.flag("--save") ? imbw::readStudyStore(sidecar) : imbw::StudyStore{};

  imbw::WeakStudy st;
  if (args.flag("--save")) {
    // What the window keeps of a scan (WeakSupervisionDock::keepScan).
    st.id = project.newStudyId();
    st.method = imbw::WeakStudy::kScanMethod;
    st.resonance = args.option("--resonance", "mjj");
    st.cut = analysis.cut;
    st.config = cfg;
    st.fractions = fractions;
    st.scanMethods = methods;
    st.withSupervised = false;
    st.done = true;
    std::string list;
    for (const std::string& m : methods)
      list += (list.empty() ? "" : ", ") + imbw::weakMethodTitle(m).toStdString();
    st.name = args.option("--name", st.id + " signal-fraction scan: " + list);
    if (args.options.count("--name")) {
      for (const auto& other : project.studies)
        if (other.name == st.name)
          throw imbw::Error("study '" + other.id + "' is already called '" + st.name +
                            "' (give another --name)");
    }
  }

  const imbw::cli::WeakData d = imbw::cli::loadWeakData(args, analysis, cfg);
  if (!d.hasTruth)
    throw imbw::Error("sf-scan injects the signal class '" + analysis.signalClass +
                      "': the selected events need both it and another class");
  imbw::cli::StageProgress progress(args.flag("--quiet"));
  std::vector<imbw::ScanPoint> points;
  const auto t0 = std::chrono::steady_clock::now();
  try {
    points = imbw::scanSignalFractions(d.x, d.resonance, fractions, methods, cfg, &progress);
  } catch (const imbw::Cancelled&) {
    std::cerr << "cancelled\n";
    return 130;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::cout << "analysis  " << path << "\nwindow    [" << cfg.window.lo << ", " << cfg.window.hi
            << "] (metrics inside it)\n\n";
  imbw::cli::printScanTable(std::cout, points);
  if (csvOnly) {
    std::ofstream f(out);
    imbw::cli::writeScanCsv(f, points);
    if (!f) throw imbw::Error("cannot write '" + out + "'");
  } else if (!out.empty()) {
    for (const std::string& f : writeOutputs(out, points, plotOptions))
      std::cerr << "wrote " << f << '\n';
  }
  if (args.flag("--save")) {
    auto result = std::make_shared<imbw::StudyResult>();
    result->scan = points;
    result->seconds = seconds;
    studies[st.id] = result;
    project.studies.push_back(st);
    imbw::writeRunStore(sidecar, runs, {}, &studies);
    project.save(path);
    std::cerr << "saved the scan as study " << st.id << " '" << st.name << "' in " << path << '\n';
  }
  return 0;
}

// The name has a dash, which IMBW_CLI_COMMAND's identifier cannot hold.
const bool registered = imbw::cli::registerCommand(
    {"sf-scan", "signal-fraction scan of supervised, CWoLa, autoencoder and Tag N' Train", kUsage,
     runScan});

}  // namespace
