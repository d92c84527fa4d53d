#include "app/plots/project_plots.h"

#include <cmath>

#include "app/plots/run_plots.h"
#include "core/learn/model.h"
#include "core/util/error.h"

namespace imbw {

namespace {

QString qs(const std::string& s) {
  return QString::fromStdString(s);
}

double aggregateMean(const ProjectRun& r, const char* key) {
  const auto it = r.aggregate.find(key);
  return it == r.aggregate.end() ? std::nan("") : it->second.mean;
}

}  // namespace

QString scanMetricName(const std::string& key) {
  if (key == "ap") return QStringLiteral("AP");
  if (key == "auc") return QStringLiteral("AUC");
  if (key == "ap_over_r") return QStringLiteral("AP/r");
  return qs(key);
}

ProjectPlots projectPlots(const Project& project,
                          const std::map<std::string, std::shared_ptr<const StoredRun>>& store,
                          const std::vector<std::string>& which, double luminosity, int curveClass,
                          const std::function<bool()>& stop) {
  std::vector<const ProjectRun*> chosen;
  if (which.empty()) {
    for (const ProjectRun& r : project.runs)
      if (r.shown && r.status == RunStatus::Done && store.count(r.id)) chosen.push_back(&r);
  } else {
    for (const std::string& w : which) {
      const ProjectRun* r = project.findRun(w);
      if (!r) r = project.findRunByName(w);
      if (!r) {
        std::string list;
        for (const auto& p : project.runs)
          list += (list.empty() ? "" : ", ") + p.id + " '" + p.name() + "'";
        throw Error("the project has no run with the id or name '" + w +
                    "' (its runs: " + (list.empty() ? "none" : list) + ")");
      }
      if (r->status != RunStatus::Done || !store.count(r->id))
        throw Error("run '" + r->name() + "' (" + r->id +
                    ") has no stored results (status: " + runStatusName(r->status) + ")");
      chosen.push_back(r);
    }
  }
  ProjectPlots out;
  const Analysis& a = project.analysis;
  for (const ProjectRun* r : chosen) {
    if (stop && stop()) throw Cancelled();
    const auto index = static_cast<int>(r - project.runs.data());
    EvaluatedRun e;
    try {
      e = evaluateStoredRun(store.at(r->id), a.classes, a.signalIndex(), r->config.modelKind(),
                            aggregateMean(*r, "ap"), aggregateMean(*r, "auc"), luminosity,
                            curveClass);
    } catch (const Error& err) {
      throw Error("run '" + r->name() + "': " + err.what());
    }
    e.plot.key = qs(r->id);
    e.plot.label = qs(r->name());
    e.plot.color = runColor(index);
    out.runs << e.plot;
  }
  for (const ScanDefinition& s : project.scans) {
    ScanHeatMapData h;
    h.id = qs(s.id);
    h.alphas = QList<double>(s.alphas.begin(), s.alphas.end());
    h.gammas = QList<double>(s.gammas.begin(), s.gammas.end());
    h.metricName = scanMetricName(s.metric);
    for (const ProjectRun& r : project.runs) {
      if (!r.scan || r.scan->scanId != s.id || r.status != RunStatus::Done) continue;
      const int ai = static_cast<int>(h.alphas.indexOf(r.scan->alpha));
      const int gi = static_cast<int>(h.gammas.indexOf(r.scan->gamma));
      const double v = aggregateMean(r, s.metric.c_str());
      if (ai < 0 || gi < 0 || !std::isfinite(v)) continue;
      h.cells << ScanHeatMapData::Cell{ai, gi, qs(r.id), v};
    }
    if (!h.cells.isEmpty()) out.scans << h;
  }
  return out;
}

}  // namespace imbw
