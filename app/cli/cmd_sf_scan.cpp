// imbalance-cli sf-scan ANALYSIS.json: the signal-fraction comparison of the Tag N' Train
// paper: the signal class injected at chosen S/B, each method run on each sample, AUC,
// 1/eps_B at eps_S = 0.2 and the best significance improvement inside the window.

#include <fstream>
#include <iomanip>
#include <iostream>

#include "app/cli/weak_cli.h"
#include "core/analysis/analysis.h"
#include "core/util/error.h"

namespace {

const std::string kUsage =
    std::string(
        "usage: imbalance-cli sf-scan ANALYSIS.json [--fractions LIST] [--methods LIST]\n"
        "                             [--out FILE.csv] [options]\n"
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
        "  --out FILE        CSV: s_over_b,method,signal_events,background_events,auc,\n"
        "                    rejection_at_eff_s_0.2,max_sic,eff_s_at_max_sic,seconds\n") +
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

int runScan(const std::vector<std::string>& argv) {
  std::set<std::string> valueOptions = imbw::cli::weakValueOptions();
  for (const char* o : {"--fractions", "--methods", "--out"}) valueOptions.insert(o);
  const auto args = imbw::cli::parseArgs(argv, valueOptions, {"--quiet"});
  if (args.positional.size() != 1)
    throw imbw::cli::UsageError("sf-scan needs exactly one analysis file");
  const imbw::Analysis analysis = imbw::Analysis::load(args.positional[0]);
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

  const imbw::cli::WeakData d = imbw::cli::loadWeakData(args, analysis, cfg);
  if (!d.hasTruth)
    throw imbw::Error("sf-scan injects the signal class '" + analysis.signalClass +
                      "': the selected events need both it and another class");
  imbw::cli::StageProgress progress(args.flag("--quiet"));
  std::vector<imbw::ScanPoint> points;
  try {
    points = imbw::scanSignalFractions(d.x, d.resonance, fractions, methods, cfg, &progress);
  } catch (const imbw::Cancelled&) {
    std::cerr << "cancelled\n";
    return 130;
  }
  using imbw::cli::fixedText;
  std::cout << "analysis  " << args.positional[0] << "\nwindow    [" << cfg.window.lo << ", "
            << cfg.window.hi << "] (metrics inside it)\n\n"
            << std::left << std::setw(8) << "S/B" << std::setw(13) << "method" << std::right
            << std::setw(8) << "N_S" << std::setw(9) << "N_B" << std::setw(8) << "AUC"
            << std::setw(14) << "1/eps_B(0.2)" << std::setw(10) << "max SIC" << std::setw(9)
            << "t [s]" << '\n';
  for (const auto& p : points)
    std::cout << std::left << std::setw(8) << fixedText(p.sOverB, 4) << std::setw(13) << p.method
              << std::right << std::setw(8) << p.signalEvents << std::setw(9) << p.backgroundEvents
              << std::setw(8) << fixedText(p.metrics.auc, 3) << std::setw(14)
              << fixedText(p.metrics.rejectionAt02, 1) << std::setw(10)
              << fixedText(p.metrics.maxSignificanceImprovement, 2) << std::setw(9)
              << fixedText(p.seconds, 1) << '\n';
  if (args.options.count("--out")) {
    std::ofstream out(args.option("--out"));
    if (!out) throw imbw::Error("cannot write '" + args.option("--out") + "'");
    out << "s_over_b,method,signal_events,background_events,auc,rejection_at_eff_s_0.2,max_sic,"
           "eff_s_at_max_sic,seconds\n"
        << std::setprecision(9);
    for (const auto& p : points)
      out << p.sOverB << ',' << p.method << ',' << p.signalEvents << ',' << p.backgroundEvents
          << ',' << p.metrics.auc << ',' << p.metrics.rejectionAt02 << ','
          << p.metrics.maxSignificanceImprovement << ',' << p.metrics.efficiencyAtMaxSic << ','
          << p.seconds << '\n';
  }
  return 0;
}

// The name has a dash, which IMBW_CLI_COMMAND's identifier cannot hold.
const bool registered = imbw::cli::registerCommand(
    {"sf-scan", "signal-fraction scan of supervised, CWoLa, autoencoder and Tag N' Train", kUsage,
     runScan});

}  // namespace
