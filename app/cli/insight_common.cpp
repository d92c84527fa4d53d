#include "app/cli/insight_common.h"

#include "core/project/project.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>

#include "core/analysis/analysis_loader.h"
#include "core/util/error.h"

namespace imbw::cli {

namespace {

std::size_t columns(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

class QuietObserver : public TrainingObserver {
 public:
  QuietObserver(std::string label, bool quiet) : m_label(std::move(label)), m_quiet(quiet) {}
  void foldFinished(const FoldResult& f) override {
    if (!m_quiet)
      std::fprintf(stderr, "%s: fold %d done (AP %.3f, %.2f s)\n", m_label.c_str(), f.fold + 1,
                   f.summary.averagePrecision, f.fitSeconds);
  }

 private:
  std::string m_label;
  bool m_quiet;
};

}  // namespace

namespace {

/// analysis.extra["classSubsample"] applied to a table or matrix, its counts logged.
template <typename Events>
Events subsampleAndLog(const Analysis& analysis, const Events& data, std::ostream& log,
                       SubsampleResult* result) {
  const auto it = analysis.extra.find("classSubsample");
  if (it == analysis.extra.end()) return data;
  ClassSubsample cfg;
  try {
    cfg = ClassSubsample::fromJson(*it);
  } catch (const Error& e) {
    throw Error("'" + analysis.name + "': classSubsample: " + e.what());
  }
  SubsampleResult r;
  Events out = applySubsample(cfg, data, &r);
  logSubsample(log, cfg, r, data.classNames);
  if (result) *result = std::move(r);
  return out;
}

}  // namespace

void logSubsample(std::ostream& log, const ClassSubsample& cfg, const SubsampleResult& r,
                  const std::vector<std::string>& classNames) {
  log << "controlled imbalance (seed " << cfg.seed
      << (cfg.rescaleWeights ? ", weights rescaled" : ", weights kept") << "):";
  for (std::size_t c = 0; c < r.before.size() && c < classNames.size(); ++c)
    log << "  " << classNames[c] << " " << r.before[c] << " → " << r.after[c] << " (Σw "
        << fixed(r.weightBefore[c], 2) << " → " << fixed(r.weightAfter[c], 2) << ")";
  log << '\n';
}

FeatureMatrix applyAnalysisSubsample(const Analysis& analysis, const FeatureMatrix& data,
                                     std::ostream& log, SubsampleResult* result) {
  return subsampleAndLog(analysis, data, log, result);
}

EventTable applyAnalysisSubsample(const Analysis& analysis, const EventTable& data,
                                  std::ostream& log, SubsampleResult* result) {
  return subsampleAndLog(analysis, data, log, result);
}

LoadedEvents loadEvents(const std::string& analysisPath) {
  LoadedEvents ev;
  ev.analysis = Analysis::load(analysisPath);
  const LoadedAnalysis loaded = loadAnalysis(ev.analysis);
  for (const auto& w : loaded.warnings) std::cerr << "warning: " << w << '\n';
  ev.data = FeatureMatrix::fromTable(loaded.table, ev.analysis.features);
  ev.subsampled = ev.analysis.extra.contains("classSubsample");
  ev.data = applyAnalysisSubsample(ev.analysis, ev.data, std::cerr, &ev.subsample);
  return ev;
}

RunConfig runNumber(const Analysis& analysis, const std::string& number) {
  // The analysis's runs are project run records (formatVersion 2): their configurations.
  std::vector<RunConfig> all;
  for (std::size_t i = 0; i < analysis.runs.size(); ++i)
    all.push_back(ProjectRun::fromJson(analysis.runs[i], i).config);
  if (all.empty()) throw Error("'" + analysis.name + "' has no runs");
  std::size_t used = 0;
  long v = 0;
  try {
    v = std::stol(number, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != number.size() || number.empty() || v < 1 || static_cast<std::size_t>(v) > all.size())
    throw UsageError("--run: '" + number + "' is not a run number between 1 and " +
                     std::to_string(all.size()));
  return all[static_cast<std::size_t>(v - 1)];
}

void applyRunOverrides(RunConfig& run, const Args& args) {
  if (args.options.count("--folds")) run.folds = toInt("--folds", args.option("--folds"), 2);
  if (args.options.count("--threads"))
    run.threads = toInt("--threads", args.option("--threads"), 1);
  if (args.options.count("--seed"))
    run.seed = static_cast<std::uint64_t>(toInt("--seed", args.option("--seed"), 0));
}

RunResult trainRun(const FeatureMatrix& data, const RunConfig& run, bool quiet) {
  QuietObserver obs(run.displayName(), quiet);
  return runCrossValidated(data, run, obs);
}

double toDouble(const std::string& option, const std::string& value) {
  std::size_t used = 0;
  double v = 0;
  try {
    v = std::stod(value, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != value.size() || value.empty() || !std::isfinite(v))
    throw UsageError(option + " needs a number, not '" + value + "'");
  return v;
}

int toInt(const std::string& option, const std::string& value, int minimum) {
  std::size_t used = 0;
  int v = 0;
  try {
    v = std::stoi(value, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != value.size() || v < minimum)
    throw UsageError(option + " needs an integer >= " + std::to_string(minimum) + ", not '" +
                     value + "'");
  return v;
}

std::string plusMinus(double mean, double sd, int decimals) {
  std::string s = fixed(mean, decimals);
  if (!std::isnan(sd) && !std::isnan(mean)) s += " ± " + fixed(sd, decimals);
  return s;
}

void printTable(std::ostream& os, const std::vector<std::string>& head,
                const std::vector<std::vector<std::string>>& rows, std::size_t leftColumns) {
  std::vector<std::size_t> w(head.size());
  for (std::size_t c = 0; c < head.size(); ++c) {
    w[c] = columns(head[c]);
    for (const auto& row : rows) w[c] = std::max(w[c], c < row.size() ? columns(row[c]) : 0);
  }
  auto line = [&](const std::vector<std::string>& cells) {
    for (std::size_t c = 0; c < head.size(); ++c) {
      const std::string s = c < cells.size() ? cells[c] : "";
      const std::string pad(w[c] - std::min(w[c], columns(s)), ' ');
      if (c) os << "  ";
      os << (c < leftColumns ? s + pad : pad + s);
    }
    os << '\n';
  };
  line(head);
  std::size_t total = 0;
  for (std::size_t c = 0; c < w.size(); ++c) total += w[c] + (c ? 2 : 0);
  for (std::size_t k = 0; k < total; ++k) os << "─";
  os << '\n';
  for (const auto& r : rows) line(r);
}

}  // namespace imbw::cli
