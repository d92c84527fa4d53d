#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/cluster/cluster_state.h"
#include "core/cluster/slurm_script.h"
#include "core/cluster/slurm_status.h"
#include "core/project/project.h"
#include "core/project/run_store.h"
#include "core/tasks/task_merge.h"

namespace imbw {

/// A project's cluster work as found on disk: the project file, its NAME.cluster folder and
/// the submissions recorded in state.json. What `imbalance-cli submit/status/collect` and the
/// window's cluster monitor share.
struct ClusterProject {
  std::string project;  ///< absolute
  std::string folder;   ///< the cluster folder
  ClusterState state;
  std::string oldFolder;  ///< the cluster folder when submitted (differs if the project moved)

  /// Reads DIR/NAME.cluster/state.json beside `projectPath` (an empty state when there is
  /// none). Errors (project missing, state unreadable) are imbw::Error naming the file;
  /// `requireState`: also when nothing was submitted.
  static ClusterProject open(const std::string& projectPath, bool requireState);
  /// Non-empty when the project moved since the tasks were submitted: what that means.
  std::string movedWarning() const;
  /// A path recorded at submission, moved with the project when it moved.
  std::string relocated(const std::string& path) const;
};

/// One submitted fit task (the newest submission of its run and fold) and its state.
struct ClusterTaskRow {
  std::string jobId;
  SubmittedTask task;  ///< result and log relocated
  TaskStatus status;
};

/// The state of every task of `c` from its files and from Slurm (`scontrol -o show job JID`,
/// else `squeue -h -j JID`); without either program on PATH the files decide. Starts
/// processes: call it off the GUI thread.
std::vector<ClusterTaskRow> queryClusterTasks(const ClusterProject& c);

/// What the runs table shows of one run submitted to the cluster, from its tasks' states.
struct ClusterRunState {
  enum class Phase { Queued, Running, Done, Failed, Cancelled };
  std::string runId;
  Phase phase = Phase::Queued;
  int tasks = 0, done = 0, failed = 0, cancelled = 0, pending = 0, running = 0;
  std::string message;  ///< failed or lost tasks: "fold K: why" per task, with the log named
  std::string log;      ///< the log of the first failed task
  /// "queued on cluster", "running on cluster (k of n tasks done)", ...
  std::string text() const;
};
/// Groups the rows by run, in the order the runs were first submitted.
std::vector<ClusterRunState> clusterRunStates(const std::vector<ClusterTaskRow>& rows);

/// What `submit` is asked to do.
struct SubmitRequest {
  std::vector<std::string> runIds;  ///< the runs whose every fold is submitted
  bool resubmitFailed = false;      ///< instead: the failed, cancelled or lost tasks
  SlurmOptions options;
  bool dryRun = false;  ///< write specs and script, print the sbatch line, submit nothing
  std::string cliPath;  ///< the imbalance-cli the batch script runs (absolute)
};

struct SubmitOutcome {
  std::size_t taskCount = 0;  ///< 0: nothing to (re)submit
  std::string tasksDir, script;
  std::string sbatchLine;  ///< the command, quoted as a shell needs it
  std::string jobId;       ///< empty for a dry run
};

/// Writes the fit-task specs of `request` into c.folder/tasks, the batch script
/// c.folder/submit-N.sbatch, and (unless a dry run) submits one job array with sbatch and
/// records it in state.json. `project` is the project as saved at c.project (the tasks read
/// that file). Refusals (no sbatch on PATH, unknown run, sbatch refused with its message and
/// the script named) are imbw::Error, before anything is submitted. Starts processes.
SubmitOutcome submitToSlurm(ClusterProject& c, const Project& project,
                            const SubmitRequest& request);

/// "sbatch is not on PATH: …" when Slurm's client is missing, else empty.
std::string slurmMissingReason();

/// The merge of `collect`: every finished task's result of the newest submissions is merged
/// into `project` and `store` (mergeTaskResults: runs with all folds are done, runs with some
/// are kept as cancelled with "K of N folds collected", and the failed folds' messages
/// appended); a run none of whose tasks finished and none waits becomes cancelled when some
/// were cancelled (scancel), else failed with its tasks' messages. `rows` from
/// queryClusterTasks. Returns what changed.
struct CollectOutcome {
  MergeReport merge;
  std::vector<std::string> failedRuns;     ///< runs marked failed
  std::vector<std::string> cancelledRuns;  ///< runs marked cancelled (no fold finished)
  bool changed() const {
    return !merge.runs.empty() || !failedRuns.empty() || !cancelledRuns.empty();
  }
};
CollectOutcome collectClusterResults(
    const std::vector<ClusterTaskRow>& rows, Project& project,
    std::map<std::string, std::shared_ptr<const StoredRun>>& store);

/// scancel of the waiting and running array tasks ("JOB_INDEX") of the runs `runIds` (every
/// submitted run when empty) among `rows` (queryClusterTasks(c)); the other runs' tasks keep
/// running. The tasks are marked cancelled in c's state.json (Slurm forgets a waiting array
/// task cancelled on its own). Returns the array tasks cancelled (none: nothing waited or
/// ran); a task that finished meanwhile is no error; other errors name scancel's message.
/// Starts processes.
std::vector<std::string> cancelOnCluster(const ClusterProject& c,
                                         const std::vector<ClusterTaskRow>& rows,
                                         const std::vector<std::string>& runIds = {});

}  // namespace imbw
