#include "core/tasks/fit_task.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/analysis/analysis_loader.h"
#include "core/analysis/yields.h"
#include "core/learn/model.h"
#include "core/project/run_store.h"
#include "core/project/run_training.h"
#include "core/project/run_training_events.h"
#include "core/util/error.h"

namespace fs = std::filesystem;

namespace imbw {

namespace {

using json = nlohmann::json;

constexpr const char* kContent = "imbalance workbench fit task";

template <typename T>
T field(const json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end()) throw Error(std::string("fit task: no \"") + key + "\"");
  try {
    return it->get<T>();
  } catch (const json::exception&) {
    throw Error(std::string("fit task: \"") + key + "\" has the wrong type (" + it->dump() + ")");
  }
}

}  // namespace

json FitTaskSpec::toJson() const {
  return {{"content", kContent}, {"version", 1},    {"project", project}, {"run", runId},
          {"run_name", runName}, {"fold", fold},    {"folds", folds},     {"seed", seed},
          {"threads", threads},  {"result", result}};
}

FitTaskSpec FitTaskSpec::fromJson(const json& j) {
  if (!j.is_object() || j.value("content", std::string()) != kContent)
    throw Error("not a fit task of Imbalance Workbench (\"content\" is not \"" +
                std::string(kContent) + "\")");
  if (field<int>(j, "version") != 1)
    throw Error("fit task: version " + j.at("version").dump() + " is not supported (1 is)");
  FitTaskSpec s;
  s.project = field<std::string>(j, "project");
  s.runId = field<std::string>(j, "run");
  s.runName = j.value("run_name", std::string());
  s.fold = field<int>(j, "fold");
  s.folds = field<int>(j, "folds");
  s.seed = field<std::uint64_t>(j, "seed");
  s.threads = field<int>(j, "threads");
  s.result = field<std::string>(j, "result");
  if (!fs::path(s.project).is_absolute())
    throw Error("fit task: \"project\" must be an absolute path, not '" + s.project + "'");
  if (!fs::path(s.result).is_absolute())
    throw Error("fit task: \"result\" must be an absolute path, not '" + s.result + "'");
  if (s.folds < 2 || s.fold < 0 || s.fold >= s.folds)
    throw Error("fit task: fold " + std::to_string(s.fold) + " is not one of the " +
                std::to_string(s.folds) + " folds (0-based)");
  if (s.threads < 1) throw Error("fit task: \"threads\" must be at least 1");
  return s;
}

FitTaskSpec FitTaskSpec::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error("cannot open fit task '" + path + "'");
  try {
    return fromJson(json::parse(in));
  } catch (const json::exception& e) {
    throw Error("fit task '" + path + "' is not valid JSON: " + e.what());
  } catch (const Error& e) {
    throw Error("'" + path + "': " + e.what());
  }
}

void FitTaskSpec::save(const std::string& path) const {
  writeFileAtomically(path, toJson().dump(2) + "\n");
}

std::vector<FitTaskSpec> fitTasksForRun(const std::string& projectPath, const ProjectRun& run,
                                        const std::string& resultDir, int threads) {
  std::vector<FitTaskSpec> out;
  for (int k = 0; k < run.config.folds; ++k) {
    FitTaskSpec s;
    s.project = fs::absolute(projectPath).lexically_normal().string();
    s.runId = run.id;
    s.runName = run.name();
    s.fold = k;
    s.folds = run.config.folds;
    s.seed = run.config.seed;
    s.threads = std::max(1, threads);
    s.result = (fs::absolute(resultDir) / (run.id + "_fold" + std::to_string(k + 1) + ".h5"))
                   .lexically_normal()
                   .string();
    out.push_back(std::move(s));
  }
  return out;
}

EventTable loadProjectEvents(const Project& project, std::vector<std::string>* warnings,
                             const std::vector<std::string>& runIds) {
  LoadOptions options;
  options.applyCut = false;
  for (const auto& r : project.runs) {
    if (!runIds.empty() && std::find(runIds.begin(), runIds.end(), r.id) == runIds.end()) continue;
    for (const auto& f : r.config.features)
      if (std::find(options.extraColumns.begin(), options.extraColumns.end(), f) ==
          options.extraColumns.end())
        options.extraColumns.push_back(f);
  }
  LoadedAnalysis loaded = loadAnalysis(project.analysis, options);
  if (warnings) *warnings = loaded.warnings;
  return std::move(loaded.table);
}

void runFitTask(const FitTaskSpec& spec, TrainingObserver& observer, const EventTable* table) {
  const std::string what = "fit task (run '" + spec.runId + "', fold " +
                           std::to_string(spec.fold + 1) + " of " + std::to_string(spec.folds) +
                           ")";
  std::error_code ec;
  if (!fs::exists(spec.project, ec))
    throw Error(what + ": the project file '" + spec.project +
                "' does not exist (was the project moved or deleted after the tasks were "
                "made? make them again with `submit`)");
  const Project project = Project::load(spec.project);
  const ProjectRun* run = project.findRun(spec.runId);
  if (!run)
    throw Error(what + ": the project '" + spec.project + "' has no run '" + spec.runId +
                "' (deleted after the tasks were made?)");
  if (run->config.folds != spec.folds || run->config.seed != spec.seed)
    throw Error(what + ": run '" + run->name() + "' now has " + std::to_string(run->config.folds) +
                " folds and seed " + std::to_string(run->config.seed) + ", the task was made for " +
                std::to_string(spec.folds) + " folds and seed " + std::to_string(spec.seed) +
                " (make the tasks again with `submit`)");
  const fs::path resultDir = fs::path(spec.result).parent_path();
  if (!fs::is_directory(resultDir, ec))
    throw Error(what + ": the result folder '" + resultDir.string() + "' does not exist");

  RunConfig config = projectRunConfig(*run, project.analysis);
  config.threads = spec.threads;
  EventTable own;
  if (!table) {
    own = loadProjectEvents(project, nullptr, {spec.runId});
    table = &own;
  }
  const std::vector<std::uint8_t> keep = selectEvents(*table, run->cut);
  TrainedRun trained = trainRun(*table, keep, config, observer, {spec.fold});
  if (trained.result.cancelled || trained.result.folds.size() != 1) throw Cancelled();

  RunConfig asTrained = run->config;
  asTrained.features = config.features;
  const std::map<std::string, std::string> attributes{
      {"imbw_task", spec.toJson().dump()},
      {"imbw_fold", foldResultToJson(trained.result.folds.front()).dump()},
      {"imbw_run_config", asTrained.toJson().dump()},
      {"imbw_run_cut", run->cut}};
  writeRunStore(spec.result, {{spec.runId, trained.stored}}, attributes);
}

}  // namespace imbw
