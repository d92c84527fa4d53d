#include "app/cli/insight_common.h"

#include "core/project/project.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>

#include "core/analysis/yields.h"
#include "core/tasks/fit_task.h"
#include "core/util/error.h"
#include "core/util/strings.h"

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

void logSubsample(std::ostream& log, const ClassSubsample& cfg, const SubsampleResult& r,
                  const std::vector<std::string>& classNames) {
  log << "controlled imbalance (seed " << cfg.seed
      << (cfg.rescaleWeights ? ", weights rescaled" : ", weights kept") << "):";
  for (std::size_t c = 0; c < r.before.size() && c < classNames.size(); ++c)
    log << "  " << classNames[c] << " " << r.before[c] << " → " << r.after[c] << " (Σw "
        << fixed(r.weightBefore[c], 2) << " → " << fixed(r.weightAfter[c], 2) << ")";
  log << '\n';
}

const ProjectRun& chooseRun(const Project& project, const std::string& which) {
  if (project.runs.empty()) throw Error("'" + project.analysis.name + "' has no runs");
  std::size_t used = 0;
  long v = 0;
  try {
    v = std::stol(which, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (!which.empty() && used == which.size()) {
    if (v < 1 || static_cast<std::size_t>(v) > project.runs.size())
      throw UsageError("--run: '" + which + "' is not a run number between 1 and " +
                       std::to_string(project.runs.size()));
    return project.runs[static_cast<std::size_t>(v - 1)];
  }
  std::vector<std::string> names;
  for (const auto& r : project.runs) {
    if (r.name() == which) return r;
    names.push_back(r.name());
  }
  throw UsageError("--run: " + unknownNameMessage("run", which, names) +
                   "; give a number between 1 and " + std::to_string(project.runs.size()) +
                   " or one of the names " + join(names, ", "));
}

InsightEvents loadInsightEvents(const std::string& path, const Args& args) {
  InsightEvents ev;
  ev.project = Project::load(path);
  std::string cut = ev.project.analysis.cut;
  std::vector<std::string> runIds;
  if (args.options.count("--run")) {
    ev.run = chooseRun(ev.project, args.option("--run"));
    ev.config = projectRunConfig(*ev.run, ev.project.analysis);
    applyRunOverrides(ev.config, args);
    cut = ev.run->cut;
    runIds.push_back(ev.run->id);
  } else {
    ev.config.name = ev.project.analysis.name;
    ev.config.features = ev.project.analysis.features;
  }
  std::vector<std::string> warnings;
  {
    const EventTable table = loadProjectEvents(ev.project, &warnings, runIds);
    for (const auto& w : warnings) std::cerr << "warning: " << w << '\n';
    ev.events = runTrainingEvents(table, selectEvents(table, cut), ev.config);
    if (ev.events.subsample)
      logSubsample(std::cerr, *ev.config.classSubsample, *ev.events.subsample, table.classNames);
  }
  return ev;
}

void applyRunOverrides(RunConfig& run, const Args& args) {
  if (args.options.count("--folds")) run.folds = toInt("--folds", args.option("--folds"), 2);
  if (args.options.count("--threads"))
    run.threads = toInt("--threads", args.option("--threads"), 1);
  if (args.options.count("--seed"))
    run.seed = static_cast<std::uint64_t>(toInt("--seed", args.option("--seed"), 0));
}

RunResult trainInsightRun(const InsightEvents& ev, bool quiet) {
  if (!ev.run) throw Error("no run chosen");
  QuietObserver obs(ev.config.displayName(), quiet);
  return imbw::trainRun(ev.events, ev.config, obs).result;
}

std::string eventsLine(const FeatureMatrix& data) {
  double signal = 0.0, all = 0.0;
  for (std::size_t i = 0; i < data.rows(); ++i) {
    all += data.weight[i];
    if (data.isSignal(i)) signal += data.weight[i];
  }
  return std::to_string(data.rows()) +
         " (signal fraction r = " + fixed(all != 0 ? signal / all : NAN, 4) + ")";
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

std::vector<std::string> runList(const Project& project, const std::string& text) {
  if (project.findRunByName(text) || project.findRun(text)) return {text};
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const std::size_t comma = std::min(text.find(',', pos), text.size());
    std::string item = text.substr(pos, comma - pos);
    while (!item.empty() && item.front() == ' ') item.erase(item.begin());
    while (!item.empty() && item.back() == ' ') item.pop_back();
    if (!item.empty()) out.push_back(item);
    pos = comma + 1;
  }
  if (out.empty()) throw UsageError("--runs needs run ids or names");
  return out;
}

std::pair<int, int> plotSize(const std::string& text) {
  const auto x = text.find('x');
  int w = 0, h = 0;
  if (x != std::string::npos) {
    w = toInt("--size", text.substr(0, x), 200);
    h = toInt("--size", text.substr(x + 1), 150);
  }
  if (w <= 0 || h <= 0 || w > 10000 || h > 10000)
    throw UsageError(
        "--size needs WIDTHxHEIGHT in points, e.g. 800x600 (at least 200x150, at most "
        "10000x10000), not '" +
        text + "'");
  return {w, h};
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
