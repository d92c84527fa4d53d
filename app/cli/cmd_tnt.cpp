// imbalance-cli tnt ANALYSIS.json: Tag N' Train on the analysis's events, with the bump-hunt
// histograms of its final score.

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>

#include "app/cli/weak_cli.h"
#include "core/analysis/analysis.h"
#include "core/eval/roc_curve.h"
#include "core/unsup/bump_hunt.h"
#include "core/unsup/tag_n_train.h"
#include "core/unsup/tagging.h"
#include "core/util/error.h"

namespace {

const std::string kUsage = std::string(
                               "usage: imbalance-cli tnt ANALYSIS.json [options]\n"
                               "\n"
                               "Tag N' Train (arXiv:2002.12376) without truth labels: each "
                               "object's starting score (an\n"
                               "autoencoder on its features, trained outside the window, or "
                               "given columns) tags the events\n"
                               "inside the window (or all, --tag-in all; top --top signal-like, "
                               "bottom --bottom background-like); a classifier of\n"
                               "the other object learns those pseudo-labels; the result is "
                               "'both objects in the top X'.\n"
                               "When the analysis classes give a truth (the signal class and "
                               "another), it prints AUC,\n"
                               "1/eps_B at eps_S = 0.2 and max eps_S/sqrt(eps_B) inside the "
                               "window for every step.\n"
                               "\n") +
                           imbw::cli::kWeakOptionsUsage +
                           "  --start WHAT      autoencoder (default), or two columns "
                           "NAME1,NAME2 (a leading '-' flips\n"
                           "                    one: -j1_tau21); define an expression as a "
                           "derived feature\n"
                           "  --scores FILE     CSV of every event's resonance value, truth "
                           "and scores of every step\n"
                           "  --bump FILE       CSV of the resonance histograms after cuts on "
                           "the final score\n"
                           "  --efficiencies L  cuts of --bump (fractions kept); default "
                           "0.1,0.01,0.001\n"
                           "  --bins N          default 40\n"
                           "  --range LO,HI     histogram range; default the window widened "
                           "4 times around its centre\n"
                           "  --save-models DIR every step's classifiers: "
                           "iteration<I>_object<O>_fold<K>.<ext>\n";

struct Column {
  std::string name;
  std::vector<double> values;
};

void printMetrics(const std::string& label, const std::vector<double>& score,
                  const imbw::cli::WeakData& d, const std::vector<std::uint8_t>& window) {
  const std::vector<std::uint8_t> truth = imbw::signalMask(d.x.label, d.x.signalClass);
  const imbw::WeakMetrics m = imbw::weakMetrics(score, truth, d.x.weight, window);
  std::cout << std::left << std::setw(34) << label << std::right << std::setw(8)
            << imbw::cli::fixedText(m.auc, 3) << std::setw(14)
            << imbw::cli::fixedText(m.rejectionAt02, 1) << std::setw(10)
            << imbw::cli::fixedText(m.maxSignificanceImprovement, 2) << '\n';
}

int runTnt(const std::vector<std::string>& argv) {
  std::set<std::string> valueOptions = imbw::cli::weakValueOptions();
  for (const char* o :
       {"--start", "--scores", "--bump", "--efficiencies", "--bins", "--range", "--save-models"})
    valueOptions.insert(o);
  const auto args = imbw::cli::parseArgs(argv, valueOptions, {"--quiet"});
  if (args.positional.size() != 1)
    throw imbw::cli::UsageError("tnt needs exactly one analysis file");
  const imbw::Analysis analysis = imbw::Analysis::load(args.positional[0]);
  const imbw::WeakStudyConfig cfg = imbw::cli::weakConfig(args, analysis);

  // Starting scores: autoencoders, or two columns (optionally negated).
  const std::string start = args.option("--start", "autoencoder");
  std::vector<std::string> startColumns;
  std::vector<double> startSign;
  if (start != "autoencoder") {
    std::size_t pos = 0;
    while (pos <= start.size()) {
      const std::size_t comma = std::min(start.find(',', pos), start.size());
      std::string item = start.substr(pos, comma - pos);
      double sign = 1.0;
      if (!item.empty() && item[0] == '-') {
        sign = -1.0;
        item.erase(0, 1);
      }
      if (item.empty()) throw imbw::cli::UsageError("--start: an empty column name");
      startColumns.push_back(item);
      startSign.push_back(sign);
      pos = comma + 1;
    }
    if (startColumns.size() != 2)
      throw imbw::cli::UsageError("--start needs 'autoencoder' or two columns NAME1,NAME2");
  }
  std::vector<double> efficiencies{0.1, 0.01, 0.001};
  if (args.options.count("--efficiencies"))
    efficiencies = imbw::cli::parseNumberList("--efficiencies", args.option("--efficiencies"));
  int bins = 40;
  if (args.options.count("--bins")) {
    const std::vector<double> b = imbw::cli::parseNumberList("--bins", args.option("--bins"));
    if (b.size() != 1 || b[0] < 1 || b[0] != static_cast<int>(b[0]))
      throw imbw::cli::UsageError("--bins needs an integer >= 1");
    bins = static_cast<int>(b[0]);
  }
  const double centre = 0.5 * (cfg.window.lo + cfg.window.hi);
  const double half = 2.0 * (cfg.window.hi - cfg.window.lo);
  double lo = centre - half, hi = centre + half;
  if (args.options.count("--range")) {
    const std::vector<double> r = imbw::cli::parseNumberList("--range", args.option("--range"));
    if (r.size() != 2 || !(r[1] > r[0]))
      throw imbw::cli::UsageError("--range needs LO,HI with HI > LO");
    lo = r[0];
    hi = r[1];
  }

  const imbw::cli::WeakData d = imbw::cli::loadWeakData(args, analysis, cfg, startColumns);
  imbw::cli::StageProgress progress(args.flag("--quiet"));
  std::vector<double> s1, s2;
  if (startColumns.empty()) {
    s1 = imbw::autoencoderScores(d.x, d.resonance, cfg.object1Features, cfg, &progress);
    s2 = imbw::autoencoderScores(d.x, d.resonance, cfg.object2Features, cfg, &progress);
  } else {
    for (int k = 0; k < 2; ++k) {
      const auto it = std::find(d.x.featureNames.begin(), d.x.featureNames.end(), startColumns[k]);
      const auto col = it - d.x.featureNames.begin();
      std::vector<double>& s = k == 0 ? s1 : s2;
      for (std::size_t i = 0; i < d.x.rows(); ++i)
        s.push_back(startSign[k] * d.x.x(static_cast<Eigen::Index>(i), col));
    }
  }
  const imbw::TntConfig tc = imbw::tntConfig(cfg);
  imbw::TntResult r;
  try {
    r = imbw::runTagNTrain(d.x, d.resonance, s1, s2, tc, &progress);
  } catch (const imbw::Cancelled&) {
    std::cerr << "cancelled\n";
    return 130;
  }

  std::vector<Column> columns{
      {"start_object1", s1}, {"start_object2", s2}, {"start_combined", r.startCombined}};
  for (std::size_t k = 0; k < r.steps.size(); ++k) {
    const std::string p = "iteration" + std::to_string(k + 1) + "_";
    columns.push_back({p + "object1", r.steps[k].score1});
    columns.push_back({p + "object2", r.steps[k].score2});
    columns.push_back({p + "combined", r.steps[k].combined});
  }
  const std::vector<std::uint8_t> window = imbw::windowMask(d.resonance, cfg.window);
  std::size_t inWindow = 0;
  for (auto w : window) inWindow += w;
  std::cout << "analysis   " << args.positional[0] << "\nevents     " << d.x.rows() << " ("
            << inWindow << " in the window [" << cfg.window.lo << ", " << cfg.window.hi
            << "])\ntagged     " << (cfg.tagInWindow ? "inside the window" : "every event")
            << "\nobject 1   ";
  for (const auto& f : cfg.object1Features) std::cout << f << ' ';
  std::cout << "\nobject 2   ";
  for (const auto& f : cfg.object2Features) std::cout << f << ' ';
  std::cout << "\n\n";
  if (d.hasTruth) {
    std::cout << std::left << std::setw(34) << "score (truth only to evaluate)" << std::right
              << std::setw(8) << "AUC" << std::setw(14) << "1/eps_B(0.2)" << std::setw(10)
              << "max SIC" << '\n';
    for (const Column& c : columns) printMetrics(c.name, c.values, d, window);
  } else {
    std::cout << "no truth in the analysis classes: scores only (see --scores, --bump)\n";
  }

  if (args.options.count("--scores")) {
    std::ofstream out(args.option("--scores"));
    if (!out) throw imbw::Error("cannot write '" + args.option("--scores") + "'");
    out << "resonance,truth";
    for (const Column& c : columns) out << ',' << c.name;
    out << '\n' << std::setprecision(9);
    for (std::size_t i = 0; i < d.x.rows(); ++i) {
      out << d.resonance[i] << ',' << (d.hasTruth ? (d.x.isSignal(i) ? "1" : "0") : "");
      for (const Column& c : columns) out << ',' << c.values[i];
      out << '\n';
    }
  }
  if (args.options.count("--bump")) {
    const std::vector<std::uint8_t> truth =
        d.hasTruth ? imbw::signalMask(d.x.label, d.x.signalClass) : std::vector<std::uint8_t>{};
    const imbw::BumpHunt h =
        imbw::bumpHunt(d.resonance, r.finalScore(), d.x.weight, truth, efficiencies, bins, lo, hi);
    std::ofstream out(args.option("--bump"));
    if (!out) throw imbw::Error("cannot write '" + args.option("--bump") + "'");
    out << "efficiency,threshold,bin_lo,bin_hi,all,signal,background,reference\n"
        << std::setprecision(9);
    auto row = [&](double eff, double thr, std::size_t b, double all, const std::vector<double>& s,
                   const std::vector<double>& bk, double ref) {
      out << eff << ',' << thr << ',' << h.edges[b] << ',' << h.edges[b + 1] << ',' << all << ','
          << (s.empty() ? std::string() : std::to_string(s[b])) << ','
          << (bk.empty() ? std::string() : std::to_string(bk[b])) << ',' << ref << '\n';
    };
    for (std::size_t b = 0; b < h.all.size(); ++b)
      row(1.0, -1e300, b, h.all[b], h.signal, h.background,
          d.hasTruth ? h.background[b] : h.all[b]);
    for (const imbw::BumpHuntCut& c : h.cuts)
      for (std::size_t b = 0; b < c.all.size(); ++b)
        row(c.efficiency, c.threshold, b, c.all[b], c.signal, c.background, c.referenceShape[b]);
  }
  if (args.options.count("--save-models")) {
    const std::string dir = args.option("--save-models");
    std::filesystem::create_directories(dir);
    for (std::size_t k = 0; k < r.steps.size(); ++k)
      for (int o = 1; o <= 2; ++o) {
        const auto& models = o == 1 ? r.steps[k].models1 : r.steps[k].models2;
        for (std::size_t f = 0; f < models.size(); ++f) {
          const std::string kind = models[f]->kind();
          const std::string ext =
              kind == "gbdt" || kind == "random_forest" || kind == "balanced_random_forest"
                  ? ".ubj"
                  : (kind == "easy_ensemble" ? ".json" : ".h5");
          models[f]->save((std::filesystem::path(dir) /
                           ("iteration" + std::to_string(k + 1) + "_object" + std::to_string(o) +
                            "_fold" + std::to_string(f + 1) + ext))
                              .string());
        }
      }
    std::cerr << "classifiers saved in " << dir << '\n';
  }
  return 0;
}

}  // namespace

IMBW_CLI_COMMAND(tnt, "Tag N' Train without truth labels, with bump-hunt histograms", kUsage,
                 runTnt)
