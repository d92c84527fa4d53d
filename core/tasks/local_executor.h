#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/data/event_table.h"
#include "core/learn/run_engine.h"
#include "core/project/project.h"
#include "core/project/run_training.h"

namespace imbw {

/// How many fits run at once and with how many threads each.
struct ExecutionPlan {
  int concurrent = 1;
  int threadsPerFit = 1;
};

/// The rule (issue 12): a fit's threads help it only when it is large. Below
/// kLargeFitEvents training events per fit, one thread per fit and as many fits at once as
/// there are cores (and tasks): on the example two one-thread fits side by side finish sooner
/// than two fits one after the other on two threads each. From kLargeFitEvents up, one fit at a
/// time with every core. `jobs` > 0 (the user's --jobs) fixes the number of concurrent fits;
/// the cores are then shared among them (at least one thread each).
constexpr std::size_t kLargeFitEvents = 200000;
ExecutionPlan planExecution(std::size_t tasks, std::size_t eventsPerFit, int cores, int jobs = 0);

/// Progress of the executor, called from its worker threads under one lock.
class ExecutorObserver {
 public:
  virtual ~ExecutorObserver() = default;
  virtual bool stopRequested() const { return false; }
  /// A fold finished: (run id, its numbers, tasks done so far, tasks in all).
  virtual void foldFinished(const std::string& /*runId*/, const FoldResult& /*f*/,
                            std::size_t /*done*/, std::size_t /*total*/) {}
};

/// Trains the project's runs `ids` as fit tasks (one per run and fold) on `plan.concurrent`
/// threads at once, each fit with `plan.threadsPerFit` threads, on `table` (the events before
/// the cut, as for trainProjectRun); then assembles each run (assembleRun) and fills its status
/// and numbers in `project`. Deterministic models give the same scores as trainProjectRun with
/// the same thread count. The returned TrainedRun of each run (in the order of `ids`) has the
/// fold models and numbers in `result` and the sidecar's data in `stored` (null when no fold
/// finished). A fit that throws marks its run failed, with the message; a stop request ends
/// the work at the next poll and leaves runs with the folds that finished.
std::vector<TrainedRun> runTasksConcurrently(Project& project, const std::vector<std::string>& ids,
                                             const EventTable& table, const ExecutionPlan& plan,
                                             ExecutorObserver& observer);

}  // namespace imbw
