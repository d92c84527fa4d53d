#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "core/data/event_table.h"
#include "core/learn/run_engine.h"
#include "core/project/project.h"

namespace imbw {

/// One unit of training work: fold `fold` of the project's run `runId` (a scan point is a run
/// with scan membership). Everything is in the spec, so a task runs anywhere the project file,
/// its samples and the result folder are reachable under the same absolute paths.
/// JSON: {"content": "imbalance workbench fit task", "version": 1, "project": ABS, "run": ID,
/// "run_name": NAME, "fold": K (0-based), "folds": N, "seed": S, "threads": T, "result": ABS}.
struct FitTaskSpec {
  std::string project;  ///< absolute path of the project file
  std::string runId;
  std::string runName;  ///< for messages only
  int fold = 0;         ///< 0-based
  int folds = 0;        ///< the run's number of folds when the task was made (checked)
  std::uint64_t seed = 1;
  int threads = 1;
  std::string result;  ///< absolute path of the result file (HDF5)

  nlohmann::json toJson() const;
  static FitTaskSpec fromJson(const nlohmann::json& j);  ///< throws imbw::Error naming the key
  static FitTaskSpec load(const std::string& path);      ///< errors name the file
  void save(const std::string& path) const;              ///< atomic
};

/// One spec per fold of the run, results in `resultDir` as <run>_fold<k>.h5 (k 1-based).
std::vector<FitTaskSpec> fitTasksForRun(const std::string& projectPath, const ProjectRun& run,
                                        const std::string& resultDir, int threads);

/// The events a project's runs train on, read exactly as `imbalance-cli run` reads them:
/// every classified event before the cut (each run applies its own), the runs' feature
/// columns kept (each run draws its controlled imbalance from these in trainRun).
/// `runIds`: only these runs' feature columns are kept (all runs' when empty; the rows do not
/// depend on it, so a run trains on the same events either way). `warnings` (optional) gets
/// the loader's warnings.
EventTable loadProjectEvents(const Project& project, std::vector<std::string>* warnings = nullptr,
                             const std::vector<std::string>& runIds = {});

/// Trains the task's fold the way trainProjectRun trains the whole run (same split, same
/// seeds: deterministic models give bit-identical scores) and writes the result file: the
/// sidecar's layout (run_store.h) with the one run, only this fold filled in (held-out scores
/// of its events, its training scores, history and model), plus root attributes
/// "imbw_task" (the spec as JSON), "imbw_fold" (the fold's numbers, foldResultToJson),
/// "imbw_run_config" (the configuration as trained, with its features) and "imbw_run_cut".
/// Written to a temporary file and renamed, so a result file is complete or absent. Errors
/// (project missing or moved, run missing or changed, bad fold) are imbw::Error naming them.
/// `table`: the project's events if the caller has them (loadProjectEvents), else read here.
void runFitTask(const FitTaskSpec& spec, TrainingObserver& observer,
                const EventTable* table = nullptr);

}  // namespace imbw
