#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace imbw {

/// The folder beside a project where its cluster work lives: "DIR/NAME.json" → "DIR/NAME.cluster"
/// with tasks/ (the fit-task specs), results/ (their result files, plus RESULT.failed with the
/// message of a task that failed), logs/ (Slurm's output, JOB_INDEX.log), submit-N.sbatch (the
/// batch script of submission N) and state.json (the submissions).
std::string clusterFolder(const std::string& projectPath);

/// One array task of a submission.
struct SubmittedTask {
  int index = 0;                  ///< SLURM_ARRAY_TASK_ID
  std::string spec, result, log;  ///< absolute paths
  std::string runId;
  int fold = 0;  ///< 0-based
  /// Cancelled by `imbalance-cli cancel` or the window (scancel JOB_INDEX). Slurm forgets a
  /// waiting array task cancelled on its own, so this is what still says so.
  bool cancelled = false;
};

/// One `sbatch --array` submission.
struct Submission {
  std::string jobId;
  std::string script;     ///< absolute path
  std::string submitted;  ///< UTC, ISO 8601
  std::vector<SubmittedTask> tasks;
};

/// state.json: {"content": "imbalance workbench cluster submissions", "version": 1,
/// "project": ABS, "submissions": [{"job", "script", "submitted", "tasks": [{"index", "spec",
/// "result", "log", "run", "fold", "cancelled" (only when true)}]}]}.
struct ClusterState {
  std::string project;  ///< absolute path of the project when submitted
  std::vector<Submission> submissions;

  nlohmann::json toJson() const;
  static ClusterState fromJson(const nlohmann::json& j);  ///< throws imbw::Error
  /// Empty state when the file does not exist; errors name the file.
  static ClusterState load(const std::string& path);
  void save(const std::string& path) const;  ///< atomic

  /// The newest submission of each (run, fold): what `status` shows and `collect` merges.
  std::vector<std::pair<const Submission*, const SubmittedTask*>> latestTasks() const;
};

/// Slurm's log of array task `index` of job `jobId` for the script's `--output` pattern
/// LOGDIR/%A_%a.log.
std::string taskLogPath(const std::string& logDir, const std::string& jobId, int index);

/// The last `lines` lines of a text file ("" when it cannot be read).
std::string lastLines(const std::string& path, int lines);

}  // namespace imbw
