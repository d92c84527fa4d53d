// imbalance-cli working-point ANALYSIS.json --run N: the cut of a run that maximises a
// significance, or meets a target ε_S or ε_B, with ε_S, ε_B, purity and the expected yields
// per fold and mean ± std.

#include <cmath>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "app/cli/command.h"
#include "app/cli/insight_common.h"
#include "core/eval/roc_curve.h"
#include "core/insight/working_point_choice.h"
#include "core/project/kept_working_point.h"
#include "core/project/luminosity.h"
#include "core/util/error.h"

namespace {

const char* const kUsage =
    "usage: imbalance-cli working-point PROJECT.json --run N|NAME\n"
    "           [--significance asimov|s_over_sqrt_b|s_over_sqrt_s_plus_b | --eff-s E |\n"
    "            --eff-b E | --cut C] [--luminosity L] [--min-background B]\n"
    "           [--folds K] [--threads T] [--seed S] [--out FILE.json] [--keep] [--quiet]\n"
    "\n"
    "Trains run N (k folds, on the events `run` trains it on: its controlled imbalance drawn,\n"
    "its cut applied) and chooses a working point \"score >= cut\" on each fold's held-out\n"
    "events: the cut maximising the significance (default: the Asimov Z_A) of the expected\n"
    "yields s and b, the tightest cut with eps_S >= E, the loosest with eps_B <= E, or a given\n"
    "cut. Each fold's weighted yields are scaled to the whole sample (x total weight / fold\n"
    "weight) and by the luminosity factor L. Prints eps_S, eps_B, purity s/(s+b), s, b and Z\n"
    "per fold and as mean +- sample standard deviation. `apply MODEL FILE --working-point CUT`\n"
    "then writes the pass flag beside the score. With --keep the mean cut is kept with the run\n"
    "in the project: `run --save-models` writes it into each MODEL.meta.json and `apply` uses it\n"
    "when no --working-point is given.\n"
    "\n"
    "  --run N|NAME        the run (1-based number or name; required)\n"
    "  --significance Z    maximise Z (asimov, s_over_sqrt_b, s_over_sqrt_s_plus_b)\n"
    "  --eff-s E           target signal efficiency in (0, 1]\n"
    "  --eff-b E           target background efficiency in (0, 1]\n"
    "  --cut C             report a given cut\n"
    "  --luminosity L      factor multiplying the event weights' yields (default: the\n"
    "                      project's \"luminosity\" factor, which the window's Significance\n"
    "                      tab sets; 1 when unset)\n"
    "  --min-background B  cuts with fewer expected background events cannot win (default 0)\n"
    "  --folds K, --threads T, --seed S   override the run's settings\n"
    "  --out FILE          write the working point per fold as JSON\n"
    "  --keep              keep the mean cut with the run in PROJECT.json\n"
    "  --quiet             no progress lines\n";

nlohmann::json toJson(const imbw::ChosenWorkingPoint& p) {
  auto v = [](double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr); };
  return {{"cut", v(p.cut)},
          {"eff_s", v(p.signalEfficiency)},
          {"eff_b", v(p.backgroundEfficiency)},
          {"purity", v(p.purity)},
          {"s", v(p.s)},
          {"b", v(p.b)},
          {"z", v(p.significance)}};
}

int runWorkingPoint(const std::vector<std::string>& argv) {
  using namespace imbw::cli;
  const auto args =
      parseArgs(argv,
                {"--run", "--significance", "--eff-s", "--eff-b", "--cut", "--luminosity",
                 "--min-background", "--folds", "--threads", "--seed", "--out"},
                {"--quiet", "--keep"});
  if (args.positional.size() != 1)
    throw UsageError("working-point needs exactly one analysis file");
  if (!args.options.count("--run")) throw UsageError("working-point needs --run N");
  int given = 0;
  nlohmann::json choice = nlohmann::json::object();
  if (args.options.count("--eff-s")) {
    ++given;
    choice["criterion"] = "eff_s";
    choice["target"] = toDouble("--eff-s", args.option("--eff-s"));
  }
  if (args.options.count("--eff-b")) {
    ++given;
    choice["criterion"] = "eff_b";
    choice["target"] = toDouble("--eff-b", args.option("--eff-b"));
  }
  if (args.options.count("--cut")) {
    ++given;
    choice["criterion"] = "cut";
    choice["target"] = toDouble("--cut", args.option("--cut"));
  }
  if (given > 1) throw UsageError("give one of --eff-s, --eff-b, --cut");
  if (args.options.count("--significance")) {
    if (given)
      throw UsageError("--significance chooses the cut itself: drop --eff-s/--eff-b/--cut");
    choice["significance"] = args.option("--significance");
  }
  if (args.options.count("--luminosity"))
    choice["luminosity"] = toDouble("--luminosity", args.option("--luminosity"));
  if (args.options.count("--min-background"))
    choice["min_background"] = toDouble("--min-background", args.option("--min-background"));
  imbw::WorkingPointChoice wp;
  try {
    wp = imbw::WorkingPointChoice::fromJson(choice);
  } catch (const imbw::Error& e) {
    throw UsageError(e.what());
  }

  InsightEvents ev = loadInsightEvents(args.positional[0], args);
  // Without --luminosity: the project's, the factor the window's significance uses.
  if (!args.options.count("--luminosity"))
    wp.luminosity = imbw::projectLuminosity(ev.project).factor;
  const imbw::RunResult result = trainInsightRun(ev, args.flag("--quiet"));
  const imbw::FeatureMatrix& data = ev.events.data;
  const std::vector<std::uint8_t> y = imbw::signalMask(data.label, data.signalClass);
  const auto f =
      imbw::foldedWorkingPoint(result.heldOutScores, y, data.weight, result.heldOutFold, wp);

  std::cout << "run            " << result.name << " (" << result.folds.size() << " folds)\n"
            << "events         " << eventsLine(data) << "\n"
            << "working point  ";
  switch (wp.criterion) {
    case imbw::WorkingPointChoice::Criterion::SignalEfficiency:
      std::cout << "tightest cut with ε_S ≥ " << fixed(wp.target, 3);
      break;
    case imbw::WorkingPointChoice::Criterion::BackgroundEfficiency:
      std::cout << "loosest cut with ε_B ≤ " << fixed(wp.target, 4);
      break;
    case imbw::WorkingPointChoice::Criterion::FixedCut:
      std::cout << "score ≥ " << fixed(wp.target, 4);
      break;
    default:
      std::cout << "maximum " << wp.significance;
      if (wp.minBackground > 0) std::cout << " with b ≥ " << fixed(wp.minBackground, 2);
  }
  std::cout << "; luminosity factor " << fixed(wp.luminosity, 3) << "; Z = " << wp.significance
            << "\n\n";
  std::vector<std::vector<std::string>> rows;
  for (std::size_t k = 0; k < f.perFold.size(); ++k) {
    const auto& p = f.perFold[k];
    rows.push_back({"fold " + std::to_string(k + 1), fixed(p.cut, 4), fixed(p.signalEfficiency, 4),
                    fixed(p.backgroundEfficiency, 5), fixed(p.purity, 4), fixed(p.s, 2),
                    fixed(p.b, 2), fixed(p.significance, 3)});
  }
  rows.push_back({"mean ± std", plusMinus(f.mean.cut, f.std.cut, 4),
                  plusMinus(f.mean.signalEfficiency, f.std.signalEfficiency, 4),
                  plusMinus(f.mean.backgroundEfficiency, f.std.backgroundEfficiency, 5),
                  plusMinus(f.mean.purity, f.std.purity, 4), plusMinus(f.mean.s, f.std.s, 2),
                  plusMinus(f.mean.b, f.std.b, 2),
                  plusMinus(f.mean.significance, f.std.significance, 3)});
  printTable(std::cout, {"", "cut", "ε_S", "ε_B", "purity", "s", "b", "Z"}, rows, 1);
  std::cout << "\ns, b: weighted yields passing the cut, each fold scaled to the whole sample\n";
  if (args.options.count("--out")) {
    nlohmann::json folds = nlohmann::json::array();
    for (const auto& p : f.perFold) folds.push_back(toJson(p));
    const nlohmann::json j{{"analysis", args.positional[0]},
                           {"run", result.name},
                           {"events", data.rows()},
                           {"choice", wp.toJson()},
                           {"folds", folds},
                           {"mean", toJson(f.mean)},
                           {"std", toJson(f.std)}};
    std::ofstream out(args.option("--out"));
    if (!out) throw imbw::Error("cannot write '" + args.option("--out") + "'");
    out << j.dump(2) << '\n';
  }
  if (args.flag("--keep")) {
    imbw::keepWorkingPoint(ev.project, ev.run->id,
                           {f.mean.cut, wp.toJson(), imbw::resultsFingerprint(result.aggregate)});
    ev.project.save(args.positional[0]);
    std::cerr << "working point score >= " << fixed(f.mean.cut, 4) << " kept with run "
              << ev.run->id << " '" << ev.run->name() << "' in " << args.positional[0] << '\n';
  }
  return 0;
}

}  // namespace

// A hyphenated name is not an identifier, so this one registers without IMBW_CLI_COMMAND.
namespace {
const bool registered = imbw::cli::registerCommand(
    {"working-point", "choose a run's cut: significance, target ε_S or ε_B", kUsage,
     runWorkingPoint});
}  // namespace
