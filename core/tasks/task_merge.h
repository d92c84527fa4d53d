#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/project/project.h"
#include "core/project/run_store.h"

namespace imbw {

/// What a merge did to one run.
struct MergedRun {
  std::string runId;
  int folds = 0;      ///< the run's number of folds
  int collected = 0;  ///< folds whose results are now in the project
  bool complete() const { return collected == folds; }
};

struct MergeReport {
  std::vector<MergedRun> runs;
  /// Result files not merged, each with the reason (unreadable, run deleted or changed since
  /// the tasks were made).
  std::vector<std::string> warnings;
};

/// One fold of a run, trained on its own (a fit task, or the local executor's unit of work).
struct FoldPart {
  int fold = 0;  ///< 0-based
  FoldResult numbers;
  RunConfig config;                         ///< as trained, with its features
  std::shared_ptr<const StoredRun> stored;  ///< the run's layout with this fold filled in
  std::string source;                       ///< for messages (the result file)
};

/// Puts folds of `run` together as trainProjectRun would have produced them (see
/// mergeTaskResults) and sets the run's status, numbers and features; returns the assembled
/// StoredRun. `parts` in any order, one per fold. Throws imbw::Error when the parts were
/// trained on different events.
std::shared_ptr<StoredRun> assembleRun(ProjectRun& run, std::vector<FoldPart> parts);

/// Assembles runs from fit-task result files (runFitTask) into the project and its sidecar
/// store: for each run with at least one result, the folds found are put together exactly as
/// trainProjectRun would have produced them (held-out scores, training scores in fold order,
/// history, models[k], fold metrics, mean ± std), so a run assembled from all its tasks equals
/// the run trained in one piece. Runs with every fold in are done; runs with some folds are
/// kept as "cancelled" with a message "K of N folds collected" (the missing folds' events have
/// no score). Missing files are ignored (tasks not finished). Idempotent: the runs are rebuilt
/// from the files each time. Runs without results are left as they are.
MergeReport mergeTaskResults(Project& project,
                             std::map<std::string, std::shared_ptr<const StoredRun>>& store,
                             const std::vector<std::string>& resultFiles);

}  // namespace imbw
