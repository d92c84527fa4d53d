#include "core/project/project.h"

#include "core/project/kept_working_point.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>

#include "core/util/error.h"

namespace fs = std::filesystem;

namespace imbw {

namespace {

using json = nlohmann::json;

json finiteOrNull(double v) {
  return std::isfinite(v) ? json(v) : json(nullptr);
}

double numberOrNaN(const json& j) {
  return j.is_number() ? j.get<double>() : std::numeric_limits<double>::quiet_NaN();
}

json foldToJson(const FoldResult& f) {
  json m = json::object();
  for (const auto& [k, v] : f.metrics) m[k] = finiteOrNull(v);
  return {{"fold", f.fold},
          {"train_events", f.trainEvents},
          {"validation_events", f.validationEvents},
          {"test_events", f.testEvents},
          {"metrics", m}};
}

FoldResult foldFromJson(const json& j) {
  FoldResult f;
  f.fold = j.value("fold", 0);
  f.trainEvents = j.value("train_events", std::size_t{0});
  f.validationEvents = j.value("validation_events", std::size_t{0});
  f.testEvents = j.value("test_events", std::size_t{0});
  if (auto m = j.find("metrics"); m != j.end() && m->is_object())
    for (const auto& [k, v] : m->items()) f.metrics[k] = numberOrNaN(v);
  f.fitSeconds = f.metrics.count("fit_seconds") ? f.metrics.at("fit_seconds") : 0.0;
  return f;
}

int idNumber(const std::string& id, char prefix) {
  if (id.size() < 2 || id[0] != prefix) return 0;
  try {
    return std::stoi(id.substr(1));
  } catch (const std::exception&) {
    return 0;
  }
}

// The "weak_studies" list: in its own functions (the rest of the file does not know it).
void writeStudies(const std::vector<WeakStudy>& studies, json& j) {
  if (studies.empty()) {
    j.erase("weak_studies");
    return;
  }
  json list = json::array();
  for (const WeakStudy& s : studies) list.push_back(s.toJson());
  j["weak_studies"] = list;
}

std::vector<WeakStudy> readStudies(Analysis& analysis) {
  std::vector<WeakStudy> out;
  auto it = analysis.extra.find("weak_studies");
  if (it == analysis.extra.end()) return out;
  if (!it->is_array()) throw Error("\"weak_studies\" must be a list");
  for (std::size_t i = 0; i < it->size(); ++i) {
    WeakStudy s = WeakStudy::fromJson((*it)[i], i);
    for (const WeakStudy& other : out)
      if (other.id == s.id)
        throw Error("weak_studies[" + std::to_string(i) + "]: id '" + s.id + "' is used twice");
    out.push_back(std::move(s));
  }
  analysis.extra.erase(it);
  return out;
}

std::string where(std::size_t index, const std::string& name) {
  return "runs[" + std::to_string(index) + "]" + (name.empty() ? "" : " ('" + name + "')");
}

}  // namespace

nlohmann::json foldResultToJson(const FoldResult& f) {
  return foldToJson(f);
}

FoldResult foldResultFromJson(const nlohmann::json& j) {
  return foldFromJson(j);
}

const char* runStatusName(RunStatus s) {
  switch (s) {
    case RunStatus::Configured:
      return "configured";
    case RunStatus::Done:
      return "done";
    case RunStatus::Cancelled:
      return "cancelled";
    case RunStatus::Failed:
      return "failed";
  }
  return "configured";
}

RunStatus runStatusFromName(const std::string& name) {
  for (RunStatus s :
       {RunStatus::Configured, RunStatus::Done, RunStatus::Cancelled, RunStatus::Failed})
    if (name == runStatusName(s)) return s;
  throw Error("unknown run status '" + name + "' (expected configured, done, cancelled or failed)");
}

json ScanDefinition::toJson() const {
  json base = this->base.toJson();
  base.erase("name");
  return {{"id", id}, {"alphas", alphas}, {"gammas", gammas}, {"metric", metric}, {"run", base}};
}

ScanDefinition ScanDefinition::fromJson(const json& j) {
  if (!j.is_object()) throw Error("a scan must be an object");
  ScanDefinition s;
  try {
    s.id = j.at("id").get<std::string>();
    s.alphas = j.at("alphas").get<std::vector<double>>();
    s.gammas = j.at("gammas").get<std::vector<double>>();
    s.metric = j.value("metric", std::string("ap"));
    if (j.contains("run")) s.base = RunConfig::fromJson(j.at("run"));
  } catch (const json::exception& e) {
    throw Error("scan '" + s.id + "': " + e.what());
  }
  return s;
}

void ProjectRun::setResult(const RunResult& result) {
  folds = result.folds;
  aggregate = result.aggregate;
  status = result.cancelled ? RunStatus::Cancelled : RunStatus::Done;
  message.clear();
}

json ProjectRun::toJson() const {
  json c = config.toJson();
  c.erase("name");
  json j{{"id", id}, {"name", config.name}, {"config", c}, {"status", runStatusName(status)}};
  if (!cut.empty()) j["cut"] = cut;
  if (!message.empty()) j["message"] = message;
  if (!folds.empty()) {
    json f = json::array();
    for (const auto& fold : folds) f.push_back(foldToJson(fold));
    j["folds"] = f;
  }
  if (!aggregate.empty()) {
    json s = json::object();
    for (const auto& [k, v] : aggregate)
      s[k] = {{"mean", finiteOrNull(v.mean)}, {"std", finiteOrNull(v.std)}, {"n", v.n}};
    j["summary"] = s;
  }
  if (!shown) j["shown"] = false;
  if (scan) j["scan"] = {{"id", scan->scanId}, {"alpha", scan->alpha}, {"gamma", scan->gamma}};
  return j;
}

ProjectRun ProjectRun::fromJson(const json& j, std::size_t index) {
  if (!j.is_object()) throw Error(where(index, "") + " is not an object");
  ProjectRun r;
  const std::string name = j.value("name", std::string());
  try {
    r.id = j.value("id", std::string());
    if (r.id.empty()) throw Error("has no \"id\"");
    json config = j.value("config", json::object());
    if (!config.is_object()) throw Error("\"config\" is not an object");
    r.config = RunConfig::fromJson(config);
    r.config.name = name;
    r.cut = j.value("cut", std::string());
    r.status = runStatusFromName(j.value("status", std::string("configured")));
    r.message = j.value("message", std::string());
    r.shown = j.value("shown", true);
    if (auto f = j.find("folds"); f != j.end() && f->is_array())
      for (const auto& fold : *f) r.folds.push_back(foldFromJson(fold));
    if (auto s = j.find("summary"); s != j.end() && s->is_object())
      for (const auto& [k, v] : s->items())
        r.aggregate[k] = MeanStd{numberOrNaN(v.value("mean", json())),
                                 numberOrNaN(v.value("std", json())), v.value("n", std::size_t{0})};
    if (auto s = j.find("scan"); s != j.end() && s->is_object())
      r.scan = ScanMembership{s->at("id").get<std::string>(), s->at("alpha").get<double>(),
                              s->at("gamma").get<double>()};
  } catch (const json::exception& e) {
    throw Error(where(index, name) + ": " + e.what());
  } catch (const Error& e) {
    throw Error(where(index, name) + ": " + e.what());
  }
  return r;
}

json Project::toJson() const {
  json j = analysis.toJson();
  json runs = json::array();
  for (const auto& r : this->runs) runs.push_back(r.toJson());
  j["runs"] = runs;
  json scans = json::array();
  for (const auto& s : this->scans) scans.push_back(s.toJson());
  if (!scans.empty())
    j["scans"] = scans;
  else
    j.erase("scans");
  writeStudies(studies, j);
  return j;
}

Project Project::fromJson(const json& input, const std::string& baseDir) {
  Project p;
  p.analysis = Analysis::fromJson(input, baseDir);  // migrates older versions
  const json runs = p.analysis.runs;
  p.analysis.runs = json::array();
  if (!runs.is_array()) throw Error("\"runs\" must be a list");
  for (std::size_t i = 0; i < runs.size(); ++i) {
    ProjectRun r = ProjectRun::fromJson(runs[i], i);
    if (p.findRun(r.id)) throw Error(where(i, r.name()) + ": id '" + r.id + "' is used twice");
    // Names are unique: a duplicate (version-1 files allowed them) gets a suffix.
    r.config.name = p.uniqueRunName(r.config.name.empty() ? r.config.displayName() : r.config.name);
    p.runs.push_back(std::move(r));
  }
  if (auto s = p.analysis.extra.find("scans"); s != p.analysis.extra.end()) {
    if (!s->is_array()) throw Error("\"scans\" must be a list");
    for (const auto& scan : *s) p.scans.push_back(ScanDefinition::fromJson(scan));
    p.analysis.extra.erase(s);
  }
  p.studies = readStudies(p.analysis);
  return p;
}

Project Project::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error("cannot open project file '" + path + "': " + std::strerror(errno));
  json j;
  try {
    j = json::parse(in);
  } catch (const json::parse_error& e) {
    throw Error("project file '" + path + "' is not valid JSON: " + e.what());
  }
  fs::path dir = fs::path(path).parent_path();
  if (dir.empty()) dir = ".";
  try {
    return fromJson(j, dir.string());
  } catch (const Error& e) {
    throw Error("project file '" + path + "': " + e.what());
  }
}

void Project::save(const std::string& path) const {
  json j = toJson();
  const json relative = analysis.toJsonRelativeTo(fs::path(path).parent_path().string());
  j["samples"] = relative.at("samples");
  writeFileAtomically(path, j.dump(2) + "\n");
}

ProjectRun* Project::findRun(const std::string& id) {
  for (auto& r : runs)
    if (r.id == id) return &r;
  return nullptr;
}

const ProjectRun* Project::findRun(const std::string& id) const {
  for (const auto& r : runs)
    if (r.id == id) return &r;
  return nullptr;
}

const ProjectRun* Project::findRunByName(const std::string& name) const {
  for (const auto& r : runs)
    if (r.name() == name) return &r;
  return nullptr;
}

std::string Project::uniqueRunName(const std::string& baseIn, const std::string& exceptId) const {
  const std::string base = baseIn.empty() ? std::string("run") : baseIn;
  auto taken = [&](const std::string& n) {
    for (const auto& r : runs)
      if (r.id != exceptId && r.name() == n) return true;
    return false;
  };
  if (!taken(base)) return base;
  for (int k = 2;; ++k) {
    const std::string candidate = base + " (" + std::to_string(k) + ")";
    if (!taken(candidate)) return candidate;
  }
}

std::string Project::newRunId() const {
  int highest = 0;
  for (const auto& r : runs) highest = std::max(highest, idNumber(r.id, 'r'));
  return "r" + std::to_string(highest + 1);
}

std::string Project::newScanId() const {
  int highest = 0;
  for (const auto& s : scans) highest = std::max(highest, idNumber(s.id, 's'));
  for (const auto& r : runs)
    if (r.scan) highest = std::max(highest, idNumber(r.scan->scanId, 's'));
  return "s" + std::to_string(highest + 1);
}

std::string Project::newStudyId() const {
  int highest = 0;
  for (const auto& s : studies) highest = std::max(highest, idNumber(s.id, 'w'));
  return "w" + std::to_string(highest + 1);
}

WeakStudy* Project::findStudy(const std::string& id) {
  for (auto& s : studies)
    if (s.id == id) return &s;
  return nullptr;
}

const WeakStudy* Project::findStudy(const std::string& id) const {
  for (const auto& s : studies)
    if (s.id == id) return &s;
  return nullptr;
}

const WeakStudy& Project::studyByIdOrName(const std::string& key) const {
  if (const WeakStudy* s = findStudy(key)) return *s;
  std::vector<std::string> names;
  for (const auto& s : studies) {
    if (s.name == key) return s;
    names.push_back(s.id);
    names.push_back(s.name);
  }
  if (studies.empty()) throw Error("the project has no weak-supervision study");
  throw Error(unknownNameMessage("study", key, names));
}

bool Project::removeStudy(const std::string& id) {
  const auto it =
      std::find_if(studies.begin(), studies.end(), [&](const auto& s) { return s.id == id; });
  if (it == studies.end()) return false;
  studies.erase(it);
  return true;
}

void Project::renameStudy(const std::string& id, const std::string& nameIn) {
  WeakStudy* st = findStudy(id);
  if (!st) {
    std::vector<std::string> ids;
    for (const auto& s : studies) ids.push_back(s.id);
    throw Error(unknownNameMessage("study", id, ids));
  }
  std::string name = nameIn;
  name.erase(0, name.find_first_not_of(" \t"));
  name.erase(name.find_last_not_of(" \t") + 1);
  if (name.empty()) throw Error("a study needs a name that is not empty");
  for (const auto& s : studies)
    if (s.id != id && (s.name == name || s.id == name))
      throw Error("study '" + s.id + "' is already called '" + name + "'");
  st->name = name;
}

ProjectRun& Project::addRun(RunConfig config, std::string cut) {
  ProjectRun r;
  r.id = newRunId();
  config.name = uniqueRunName(config.name.empty() ? config.displayName() : config.name);
  r.config = std::move(config);
  r.cut = std::move(cut);
  runs.push_back(std::move(r));
  return runs.back();
}

void Project::removeRun(const std::string& id) {
  runs.erase(std::remove_if(runs.begin(), runs.end(), [&](const auto& r) { return r.id == id; }),
             runs.end());
  dropWorkingPoint(*this, id);
}

std::vector<std::string> addScanRuns(Project& project, const std::string& scanId,
                                     const std::string& cut) {
  const auto it = std::find_if(project.scans.begin(), project.scans.end(),
                               [&](const ScanDefinition& s) { return s.id == scanId; });
  if (it == project.scans.end()) throw Error("the project has no scan '" + scanId + "'");
  const ScanDefinition def = *it;  // addRun may move the project's vectors
  const auto number = [](double v) {
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
  };
  std::vector<std::string> ids;
  for (double g : def.gammas)
    for (double a : def.alphas) {
      RunConfig config = def.base;
      config.loss.kind = LossKind::Focal;
      config.loss.alpha = a;
      config.loss.gamma = g;
      config.alphaFromSignalFraction = false;
      config.name = config.modelKind() + " scan " + def.id + " α=" + number(a) + " γ=" + number(g);
      ProjectRun& run = project.addRun(config, cut);
      run.scan = ScanMembership{def.id, a, g};
      run.shown = false;  // a scan's runs are read on the heat map
      ids.push_back(run.id);
    }
  return ids;
}

std::string sidecarPath(const std::string& projectPath) {
  fs::path p(projectPath);
  std::string stem = p.filename().string();
  if (stem.size() > 5 && stem.substr(stem.size() - 5) == ".json") stem.resize(stem.size() - 5);
  return (p.parent_path() / (stem + ".results.h5")).string();
}

void writeFileAtomically(const std::string& path, const std::string& content) {
  const fs::path target(path);
  const fs::path tmp = target.parent_path() / ("." + target.filename().string() + ".tmp");
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) throw Error("cannot write '" + path + "': " + std::strerror(errno));
  const bool written = std::fwrite(content.data(), 1, content.size(), f) == content.size() &&
                       std::fflush(f) == 0 && ::fsync(::fileno(f)) == 0;
  const int err = errno;
  std::fclose(f);
  if (!written) {
    std::remove(tmp.c_str());
    throw Error("writing '" + path + "' failed: " + std::strerror(err) +
                " (the previous version is unchanged)");
  }
  if (std::rename(tmp.c_str(), target.c_str()) != 0) {
    const int e = errno;
    std::remove(tmp.c_str());
    throw Error("cannot replace '" + path + "': " + std::strerror(e));
  }
}

}  // namespace imbw
