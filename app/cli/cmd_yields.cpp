// imbalance-cli yields ANALYSIS.json: per-class yields before and after the cut.

#include <cmath>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "app/cli/command.h"
#include "core/analysis/analysis.h"
#include "core/analysis/analysis_loader.h"
#include "core/analysis/yields.h"
#include "core/resample/class_subsample.h"

namespace {

const char* const kUsage =
    "usage: imbalance-cli yields ANALYSIS.json [--cut EXPR] [--json]\n"
    "\n"
    "Reads every sample of the analysis and prints, per class, before and after the cut: the\n"
    "number of events, the sum of weights and the sum of squared weights, and the imbalance\n"
    "ratio r (the signal fraction) by count and by weight.\n"
    "\n"
    "  --cut EXPR   use this cut instead of the analysis file's\n"
    "  --json       print the yields as JSON\n";

std::string number(double v) {
  if (std::isnan(v)) return "-";
  char buf[64];
  // Unweighted samples give whole numbers: show them in full rather than as 3.59987e+06.
  if (std::abs(v) < 1e12 && v == std::round(v)) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.6g", v);
  }
  return buf;
}

std::string percent(double v) {
  if (std::isnan(v)) return "-";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3f %%", 100.0 * v);
  return buf;
}

std::string padLeft(const std::string& s, std::size_t width) {
  return s.size() >= width ? s : std::string(width - s.size(), ' ') + s;
}

std::string pad(const std::string& s, std::size_t width) {
  return s.size() >= width ? s : s + std::string(width - s.size(), ' ');
}

void printTable(const imbw::Yields& before, const imbw::Yields& after) {
  std::size_t nameWidth = 5;
  for (const auto& y : before.perClass) nameWidth = std::max(nameWidth, y.className.size());
  constexpr std::size_t w = 13;
  const std::string gap(nameWidth + 2, ' ');
  std::cout << gap << padLeft("before cut", 3 * w) << "  |" << padLeft("after cut", 3 * w) << "  |"
            << padLeft("efficiency", w) << '\n';
  std::cout << pad("class", nameWidth + 2) << padLeft("events", w) << padLeft("sum w", w)
            << padLeft("sum w^2", w) << "  |" << padLeft("events", w) << padLeft("sum w", w)
            << padLeft("sum w^2", w) << "  |" << padLeft("(by weight)", w) << '\n';
  auto row = [&](const std::string& name, std::size_t n0, double w0, double ww0, std::size_t n1,
                 double w1, double ww1) {
    std::cout << pad(name, nameWidth + 2) << padLeft(std::to_string(n0), w)
              << padLeft(number(w0), w) << padLeft(number(ww0), w) << "  |"
              << padLeft(std::to_string(n1), w) << padLeft(number(w1), w) << padLeft(number(ww1), w)
              << "  |" << padLeft(percent(w0 != 0.0 ? w1 / w0 : std::nan("")), w) << '\n';
  };
  for (std::size_t c = 0; c < before.perClass.size(); ++c) {
    const auto& b = before.perClass[c];
    const auto& a = after.perClass[c];
    row(b.className, b.events, b.sumW, b.sumW2, a.events, a.sumW, a.sumW2);
  }
  row("total", before.totalEvents(), before.totalSumW(), before.totalSumW2(), after.totalEvents(),
      after.totalSumW(), after.totalSumW2());
}

int runYields(const std::vector<std::string>& argv) {
  const auto args = imbw::cli::parseArgs(argv, {"--cut"}, {"--json"});
  if (args.positional.size() != 1) {
    throw imbw::cli::UsageError("yields needs exactly one analysis file");
  }
  const std::string& path = args.positional[0];
  imbw::Analysis analysis = imbw::Analysis::load(path);
  if (args.options.count("--cut")) {
    analysis.cut = args.option("--cut");
    analysis.validate();
  }
  imbw::LoadOptions options;
  // The controlled imbalance ("classSubsample") draws events, so it needs them kept.
  const bool subsample = analysis.extra.contains("classSubsample");
  options.keepEvents = subsample;
  options.allowEmpty = true;
  const imbw::LoadedAnalysis loaded = imbw::loadAnalysis(analysis, options);
  for (const auto& warning : loaded.warnings) std::cerr << "warning: " << warning << '\n';

  std::size_t eventsRead = 0;
  for (const auto& s : loaded.samples) eventsRead += s.eventsRead;
  if (args.flag("--json")) {
    nlohmann::json samples = nlohmann::json::array();
    for (const auto& s : loaded.samples) {
      samples.push_back({{"name", s.name},
                         {"path", s.path},
                         {"eventsRead", s.eventsRead},
                         {"beforeCut", s.beforeCut.toJson()},
                         {"afterCut", s.afterCut.toJson()}});
    }
    const nlohmann::json out = {{"analysis", path},
                                {"cut", analysis.cut},
                                {"eventsRead", eventsRead},
                                {"beforeCut", loaded.beforeCut.toJson()},
                                {"afterCut", loaded.afterCut.toJson()},
                                {"samples", samples},
                                {"warnings", loaded.warnings}};
    std::cout << out.dump(2) << '\n';
    return 0;
  }

  std::cout << "analysis  " << path;
  if (!analysis.name.empty()) std::cout << "  (" << analysis.name << ")";
  std::cout << '\n'
            << "samples   " << loaded.samples.size() << ", " << eventsRead << " events read\n"
            << "cut       " << (analysis.cut.empty() ? "(none)" : analysis.cut) << "\n"
            << "signal    " << analysis.signalClass << "\n\n";
  printTable(loaded.beforeCut, loaded.afterCut);
  std::cout << "\nimbalance ratio r = signal fraction ('" << analysis.signalClass << "')\n"
            << "  before cut  " << padLeft(percent(loaded.beforeCut.ratioByCount()), 10)
            << " by count  " << padLeft(percent(loaded.beforeCut.ratioByWeight()), 10)
            << " by weight\n"
            << "  after cut   " << padLeft(percent(loaded.afterCut.ratioByCount()), 10)
            << " by count  " << padLeft(percent(loaded.afterCut.ratioByWeight()), 10)
            << " by weight\n";
  if (subsample) {
    const auto cfg = imbw::ClassSubsample::fromJson(analysis.extra.at("classSubsample"));
    const auto r = imbw::subsampleClasses(cfg, loaded.table.classNames, loaded.table.classIndex,
                                          loaded.table.weight);
    double s = 0.0, all = 0.0;
    std::size_t ns = 0, n = 0;
    std::size_t width = 5;
    for (const auto& c : loaded.table.classNames) width = std::max(width, c.size() + 2);
    std::cout << "\ncontrolled imbalance (classSubsample, seed " << cfg.seed << ", weights "
              << (cfg.rescaleWeights ? "rescaled" : "kept") << "): events, sum w after the cut\n";
    for (std::size_t c = 0; c < r.before.size(); ++c) {
      std::cout << "  " << pad(loaded.table.classNames[c], width) << r.before[c] << " -> "
                << r.after[c] << "   " << number(r.weightBefore[c]) << " -> "
                << number(r.weightAfter[c]) << '\n';
      all += r.weightAfter[c];
      n += r.after[c];
      if (static_cast<int>(c) == loaded.table.signalClass) {
        s = r.weightAfter[c];
        ns = r.after[c];
      }
    }
    std::cout << "  r then      " << padLeft(percent(n ? double(ns) / double(n) : std::nan("")), 10)
              << " by count  " << padLeft(percent(all != 0.0 ? s / all : std::nan("")), 10)
              << " by weight\n";
  }
  if (loaded.samples.size() > 1) {
    std::cout << "\nper sample (events before -> after the cut)\n";
    for (const auto& s : loaded.samples) {
      std::cout << "  " << s.name << ": " << s.beforeCut.totalEvents() << " -> "
                << s.afterCut.totalEvents() << "  (" << s.path << ")\n";
    }
  }
  return 0;
}

}  // namespace

IMBW_CLI_COMMAND(yields, "per-class yields before and after the analysis cut", kUsage, runYields)
