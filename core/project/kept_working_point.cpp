#include "core/project/kept_working_point.h"

#include <algorithm>
#include <cmath>

#include "core/util/error.h"

namespace imbw {

namespace {

constexpr const char* kKey = "workingPoints";

bool sameResults(const nlohmann::json& a, const nlohmann::json& b) {
  if (!a.is_object() || !b.is_object() || a.size() != b.size()) return false;
  for (const auto& [key, value] : a.items()) {
    if (!b.contains(key) || !value.is_number() || !b.at(key).is_number()) return false;
    const double x = value.get<double>(), y = b.at(key).get<double>();
    if (std::abs(x - y) > 1e-12 * std::max(1.0, std::abs(x))) return false;
  }
  return true;
}

}  // namespace

nlohmann::json resultsFingerprint(const std::map<std::string, MeanStd>& aggregate) {
  nlohmann::json j = nlohmann::json::object();
  for (const char* m : {"ap", "auc"}) {
    const auto it = aggregate.find(m);
    if (it != aggregate.end() && std::isfinite(it->second.mean)) j[m] = it->second.mean;
  }
  return j;
}

bool KeptWorkingPoint::chosenOn(const std::map<std::string, MeanStd>& aggregate) const {
  return sameResults(results, resultsFingerprint(aggregate));
}

nlohmann::json KeptWorkingPoint::toJson() const {
  return {{"cut", cut}, {"choice", choice}, {"results", results}};
}

KeptWorkingPoint KeptWorkingPoint::fromJson(const nlohmann::json& j, const std::string& where) {
  if (!j.is_object() || !j.contains("cut") || !j.at("cut").is_number())
    throw Error(where + ": a working point needs a numeric \"cut\"");
  KeptWorkingPoint p;
  p.cut = j.at("cut").get<double>();
  if (!std::isfinite(p.cut)) throw Error(where + ": the working point's cut is not finite");
  p.choice = j.value("choice", nlohmann::json::object());
  p.results = j.value("results", nlohmann::json::object());
  return p;
}

std::optional<KeptWorkingPoint> keptWorkingPoint(const Project& project, const std::string& runId) {
  const auto& extra = project.analysis.extra;
  const auto all = extra.find(kKey);
  if (all == extra.end() || !all->is_object()) return std::nullopt;
  const auto it = all->find(runId);
  if (it == all->end()) return std::nullopt;
  KeptWorkingPoint p = KeptWorkingPoint::fromJson(*it, std::string(kKey) + "." + runId);
  const ProjectRun* run = project.findRun(runId);
  p.stale = !run || !p.chosenOn(run->aggregate);
  return p;
}

void keepWorkingPoint(Project& project, const std::string& runId, const KeptWorkingPoint& point) {
  const ProjectRun* run = project.findRun(runId);
  if (!run) throw Error("the project has no run '" + runId + "'");
  if (!std::isfinite(point.cut))
    throw Error("run " + runId + ": no cut qualifies as its working point, nothing kept");
  KeptWorkingPoint kept = point;
  if (kept.results.empty()) kept.results = resultsFingerprint(run->aggregate);
  auto& all = project.analysis.extra[kKey];
  if (!all.is_object()) all = nlohmann::json::object();
  all[runId] = kept.toJson();
}

void dropWorkingPoint(Project& project, const std::string& runId) {
  auto& extra = project.analysis.extra;
  const auto all = extra.find(kKey);
  if (all == extra.end() || !all->is_object()) return;
  all->erase(runId);
  if (all->empty()) extra.erase(all);
}

}  // namespace imbw
