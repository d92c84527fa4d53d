#include "core/project/kept_working_point.h"

#include <cmath>

#include "core/util/error.h"

namespace imbw {

namespace {
constexpr const char* kKey = "workingPoints";
}

nlohmann::json KeptWorkingPoint::toJson() const {
  return {{"cut", cut}, {"choice", choice}};
}

KeptWorkingPoint KeptWorkingPoint::fromJson(const nlohmann::json& j, const std::string& where) {
  if (!j.is_object() || !j.contains("cut") || !j.at("cut").is_number())
    throw Error(where + ": a working point needs a numeric \"cut\"");
  KeptWorkingPoint p;
  p.cut = j.at("cut").get<double>();
  if (!std::isfinite(p.cut)) throw Error(where + ": the working point's cut is not finite");
  p.choice = j.value("choice", nlohmann::json::object());
  return p;
}

std::optional<KeptWorkingPoint> keptWorkingPoint(const Project& project, const std::string& runId) {
  const auto& extra = project.analysis.extra;
  const auto all = extra.find(kKey);
  if (all == extra.end() || !all->is_object()) return std::nullopt;
  const auto it = all->find(runId);
  if (it == all->end()) return std::nullopt;
  return KeptWorkingPoint::fromJson(*it, std::string(kKey) + "." + runId);
}

void keepWorkingPoint(Project& project, const std::string& runId, const KeptWorkingPoint& point) {
  if (!project.findRun(runId)) throw Error("the project has no run '" + runId + "'");
  if (!std::isfinite(point.cut))
    throw Error("run " + runId + ": no cut qualifies as its working point, nothing kept");
  auto& all = project.analysis.extra[kKey];
  if (!all.is_object()) all = nlohmann::json::object();
  all[runId] = point.toJson();
}

void dropWorkingPoint(Project& project, const std::string& runId) {
  auto& extra = project.analysis.extra;
  const auto all = extra.find(kKey);
  if (all == extra.end() || !all->is_object()) return;
  all->erase(runId);
  if (all->empty()) extra.erase(all);
}

}  // namespace imbw
