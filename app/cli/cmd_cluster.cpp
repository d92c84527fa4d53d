// imbalance-cli submit / status / cancel / collect: a project's fit tasks as a Slurm job array,
// the state of every task, cancelling some, and the merge of finished results into the project.

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "app/cli/command.h"
#include "app/cli/insight_common.h"
#include "core/cluster/cluster_jobs.h"
#include "core/cluster/cluster_state.h"
#include "core/cluster/process.h"
#include "core/cluster/slurm_script.h"
#include "core/cluster/slurm_status.h"
#include "core/project/project.h"
#include "core/project/run_store.h"
#include "core/tasks/fit_task.h"
#include "core/tasks/task_merge.h"
#include "core/util/error.h"

namespace fs = std::filesystem;

namespace {

const char* const kSubmitUsage =
    "usage: imbalance-cli submit PROJECT.json --slurm [--runs IDS | --scan ID]\n"
    "                            [--partition P] [--time T] [--mem M] [--cpus C]\n"
    "                            [--max-parallel N] [--dry-run] [--resubmit-failed]\n"
    "\n"
    "Sends the project's training to a Slurm cluster as one job array: one array task per fit\n"
    "task (one fold of one run), each running `imbalance-cli task SPEC`. Writes, beside the\n"
    "project in NAME.cluster/: tasks/RUN_foldK.json (the specs), submit-N.sbatch (the batch\n"
    "script, plain bash with #SBATCH lines and absolute paths), and after submitting state.json\n"
    "(job id, array index of every task); results go to results/, Slurm's logs to logs/.\n"
    "Then `status` shows the tasks and `collect` merges the finished ones into the project.\n"
    "\n"
    "  --slurm            submit to Slurm with sbatch (the one batch system supported)\n"
    "  --runs IDS         only these runs (ids as in `report`: r1,r3); default every run\n"
    "  --scan ID          the runs of scan ID (made from its grid when it has none yet)\n"
    "  --partition P      #SBATCH --partition\n"
    "  --time T           #SBATCH --time (minutes, HH:MM:SS, D-HH:MM:SS) per task\n"
    "  --mem M            #SBATCH --mem (e.g. 4G) per task\n"
    "  --cpus C           #SBATCH --cpus-per-task, and the threads of each fit (default 1)\n"
    "  --max-parallel N   at most N tasks at once (--array=0-K%N)\n"
    "  --dry-run          write the specs and the script, print the sbatch command, submit "
    "nothing\n"
    "  --resubmit-failed  submit again only the tasks that failed, were cancelled or were lost\n";

const char* const kStatusUsage =
    "usage: imbalance-cli status PROJECT.json [--lines N]\n"
    "\n"
    "Shows every fit task submitted for the project (the newest submission of each run and\n"
    "fold): pending (with Slurm's reason), running, done (its result is there), failed (why:\n"
    "its message, the exit code, or killed at the time or memory limit; with its log's last\n"
    "lines) or cancelled. Asks Slurm with `scontrol -o show job JID` (and `squeue -h -j JID`\n"
    "when scontrol says nothing); a job Slurm has forgotten is judged from its files.\n"
    "Exit code 0; 3 when some task failed or was cancelled.\n"
    "\n"
    "  --lines N   log lines shown per failed task (default 5)\n";

const char* const kCollectUsage =
    "usage: imbalance-cli collect PROJECT.json\n"
    "\n"
    "Merges every finished fit task's result into the project: runs with all folds in become\n"
    "done, runs with some folds are kept as cancelled with \"K of N folds collected\"; the\n"
    "project file and its sidecar NAME.results.h5 are saved. Idempotent: collecting again\n"
    "gives the same project. Results of a run changed since it was submitted are not merged.\n";

const char* const kCancelUsage =
    "usage: imbalance-cli cancel PROJECT.json [--runs IDS]\n"
    "\n"
    "Cancels on the cluster (scancel JOB_TASK) the waiting and running array tasks of the runs\n"
    "given, or of every submitted run; the other runs' tasks keep running. Finished tasks stay:\n"
    "`collect` then merges them (a run with some folds is kept as cancelled with \"K of N folds\n"
    "collected\", one with none as cancelled), and `submit --resubmit-failed` submits the\n"
    "cancelled tasks again.\n"
    "\n"
    "  --runs IDS   only these runs' tasks (ids as in `report`: r1,r3)\n";

using imbw::cli::toInt;  // app/cli/insight_common: the one integer option parser

imbw::ClusterProject openContext(const std::string& projectArg, bool requireState) {
  imbw::ClusterProject c = imbw::ClusterProject::open(projectArg, requireState);
  if (const std::string w = c.movedWarning(); !w.empty()) std::cerr << "warning: " << w << "\n";
  return c;
}

std::vector<std::string> chosenRuns(imbw::Project& project, const imbw::cli::Args& args,
                                    bool* projectChanged) {
  std::vector<std::string> ids;
  if (args.options.count("--runs")) {
    std::istringstream in(args.option("--runs"));
    std::string id;
    while (std::getline(in, id, ',')) {
      if (!project.findRun(id)) {
        std::string known;
        for (const auto& r : project.runs) known += (known.empty() ? "" : ", ") + r.id;
        throw imbw::Error("--runs: the project has no run '" + id + "' (its runs: " + known + ")");
      }
      ids.push_back(id);
    }
  } else if (args.options.count("--scan")) {
    const std::string scanId = args.option("--scan");
    const imbw::ScanDefinition* scan = nullptr;
    for (const auto& s : project.scans)
      if (s.id == scanId) scan = &s;
    if (!scan) throw imbw::Error("--scan: the project has no scan '" + scanId + "'");
    for (const auto& r : project.runs)
      if (r.scan && r.scan->scanId == scanId) ids.push_back(r.id);
    if (ids.empty()) {  // the grid's runs, made as the window makes them
      ids = imbw::addScanRuns(project, scanId, project.analysis.cut);
      *projectChanged = true;
    }
  } else {
    for (const auto& r : project.runs) ids.push_back(r.id);
  }
  if (ids.empty()) throw imbw::Error("the project has no runs to submit");
  return ids;
}

int runSubmit(const std::vector<std::string>& argv) {
  const auto args = imbw::cli::parseArgs(
      argv, {"--runs", "--scan", "--partition", "--time", "--mem", "--cpus", "--max-parallel"},
      {"--slurm", "--dry-run", "--resubmit-failed"});
  if (args.positional.size() != 1) throw imbw::cli::UsageError("submit needs one PROJECT.json");
  if (!args.flag("--slurm"))
    throw imbw::cli::UsageError("submit needs --slurm (Slurm is the batch system supported)");
  if (args.options.count("--runs") + args.options.count("--scan") +
          (args.flag("--resubmit-failed") ? 1 : 0) >
      1)
    throw imbw::cli::UsageError("give one of --runs, --scan and --resubmit-failed");
  imbw::SlurmOptions options;
  options.partition = args.option("--partition");
  options.time = args.option("--time");
  options.memory = args.option("--mem");
  if (args.options.count("--cpus")) options.cpus = toInt("--cpus", args.option("--cpus"), 1);
  if (args.options.count("--max-parallel"))
    options.maxParallel = toInt("--max-parallel", args.option("--max-parallel"), 1);
  imbw::validateSlurmOptions(options);
  imbw::SubmitRequest request;
  request.options = options;
  request.dryRun = args.flag("--dry-run");
  request.resubmitFailed = args.flag("--resubmit-failed");
  request.cliPath = imbw::selfExecutable();
  if (!request.dryRun) {
    if (const std::string why = imbw::slurmMissingReason(); !why.empty())
      throw imbw::Error(why + " (--dry-run)");
  }

  imbw::ClusterProject c = openContext(args.positional[0], false);
  imbw::Project project = imbw::Project::load(c.project);
  if (!request.resubmitFailed) {
    bool projectChanged = false;
    request.runIds = chosenRuns(project, args, &projectChanged);
    if (projectChanged) project.save(c.project);  // the tasks read the runs from the file
  }
  const imbw::SubmitOutcome out = imbw::submitToSlurm(c, project, request);
  if (out.taskCount == 0) {
    std::cout << "no failed, cancelled or lost tasks to submit again\n";
    return 0;
  }
  if (request.dryRun) {
    std::cout << out.taskCount << " fit tasks written to " << out.tasksDir << "\nbatch script "
              << out.script << "\n"
              << out.sbatchLine << "\n";
    return 0;
  }
  std::cout << "submitted job array " << out.jobId << ": " << out.taskCount << " fit tasks ("
            << out.sbatchLine << ")\n"
            << "follow with: imbalance-cli status " << c.project << "\n";
  return 0;
}

int runStatus(const std::vector<std::string>& argv) {
  const auto args = imbw::cli::parseArgs(argv, {"--lines"}, {});
  if (args.positional.size() != 1) throw imbw::cli::UsageError("status needs one PROJECT.json");
  const int lines = args.options.count("--lines") ? toInt("--lines", args.option("--lines"), 0) : 5;
  const imbw::ClusterProject c = openContext(args.positional[0], true);
  const imbw::Project project = imbw::Project::load(c.project);
  std::map<imbw::TaskState, int> counts;
  bool bad = false;
  for (const imbw::ClusterTaskRow& r : imbw::queryClusterTasks(c)) {
    ++counts[r.status.state];
    const imbw::ProjectRun* run = project.findRun(r.task.runId);
    std::cout << r.task.runId << " fold " << r.task.fold + 1 << "  job " << r.jobId << "_"
              << r.task.index << "  " << imbw::taskStateName(r.status.state);
    if (!r.status.detail.empty()) std::cout << "  (" << r.status.detail << ")";
    if (run) std::cout << "  " << run->name();
    std::cout << "\n";
    if (r.status.state == imbw::TaskState::Failed || r.status.state == imbw::TaskState::Unknown) {
      bad = true;
      std::cout << "    log: " << r.task.log << "\n";
      const std::string tail = imbw::lastLines(r.task.log, lines);
      std::istringstream in(tail);
      std::string l;
      while (std::getline(in, l)) std::cout << "    | " << l << "\n";
    }
    if (r.status.state == imbw::TaskState::Cancelled) bad = true;
  }
  std::cout << "tasks:";
  for (auto s : {imbw::TaskState::Done, imbw::TaskState::Running, imbw::TaskState::Pending,
                 imbw::TaskState::Failed, imbw::TaskState::Cancelled, imbw::TaskState::Unknown})
    if (counts[s]) std::cout << " " << counts[s] << " " << imbw::taskStateName(s);
  std::cout << "\n";
  return bad ? 3 : 0;
}

int runCollect(const std::vector<std::string>& argv) {
  const auto args = imbw::cli::parseArgs(argv, {}, {});
  if (args.positional.size() != 1) throw imbw::cli::UsageError("collect needs one PROJECT.json");
  const imbw::ClusterProject c = openContext(args.positional[0], true);
  imbw::Project project = imbw::Project::load(c.project);
  auto store = imbw::readRunStore(imbw::sidecarPath(c.project));
  const imbw::CollectOutcome out =
      imbw::collectClusterResults(imbw::queryClusterTasks(c), project, store);
  for (const auto& w : out.merge.warnings) std::cerr << "warning: " << w << "\n";
  if (!out.changed()) {
    std::cout << "no finished results to collect yet\n";
    return 0;
  }
  imbw::writeRunStore(imbw::sidecarPath(c.project), store);
  project.save(c.project);
  for (const auto& m : out.merge.runs)
    std::cout << m.runId << "  " << project.findRun(m.runId)->name() << ": " << m.collected
              << " of " << m.folds << " folds" << (m.complete() ? " (done)" : "") << "\n";
  for (const auto& id : out.failedRuns) {
    const imbw::ProjectRun* run = project.findRun(id);
    std::cout << id << "  " << run->name() << ": failed: " << run->message << "\n";
  }
  for (const auto& id : out.cancelledRuns) {
    const imbw::ProjectRun* run = project.findRun(id);
    std::cout << id << "  " << run->name() << ": " << run->message << "\n";
  }
  std::cout << "results saved in " << c.project << " and " << imbw::sidecarPath(c.project) << "\n";
  return 0;
}

int runCancel(const std::vector<std::string>& argv) {
  const auto args = imbw::cli::parseArgs(argv, {"--runs"}, {});
  if (args.positional.size() != 1) throw imbw::cli::UsageError("cancel needs one PROJECT.json");
  const imbw::ClusterProject c = openContext(args.positional[0], true);
  const std::vector<imbw::ClusterTaskRow> rows = imbw::queryClusterTasks(c);
  std::vector<std::string> ids;
  if (args.options.count("--runs")) {
    std::istringstream in(args.option("--runs"));
    std::string id;
    while (std::getline(in, id, ',')) {
      const bool submitted =
          std::any_of(rows.begin(), rows.end(), [&](const auto& r) { return r.task.runId == id; });
      if (!submitted) {
        std::string known;
        for (const auto& r : rows)
          if (known.find(r.task.runId + ",") == std::string::npos) known += r.task.runId + ",";
        if (!known.empty()) known.pop_back();
        throw imbw::Error("--runs: run '" + id +
                          "' was not submitted to the cluster (submitted: " + known + ")");
      }
      ids.push_back(id);
    }
  }
  const std::vector<std::string> tasks = imbw::cancelOnCluster(c, rows, ids);
  if (tasks.empty()) {
    std::cout << "no task of " << (ids.empty() ? "the project" : "these runs")
              << " waits or runs on the cluster\n";
    return 0;
  }
  std::cout << "cancelled " << tasks.size() << " array tasks:";
  for (const auto& t : tasks) std::cout << " " << t;
  std::cout << "\nthen: imbalance-cli collect " << c.project << "\n";
  return 0;
}

}  // namespace

IMBW_CLI_COMMAND(submit, "send the project's fit tasks to Slurm as one job array", kSubmitUsage,
                 runSubmit)
IMBW_CLI_COMMAND(status, "the state of every fit task submitted for the project", kStatusUsage,
                 runStatus)
IMBW_CLI_COMMAND(cancel, "cancel submitted runs' waiting and running tasks on the cluster",
                 kCancelUsage, runCancel)
IMBW_CLI_COMMAND(collect, "merge finished fit tasks' results into the project", kCollectUsage,
                 runCollect)
