// imbalance-cli submit / status / collect: a project's fit tasks as a Slurm job array, the
// state of every task, and the merge of finished results into the project.

#include <chrono>
#include <cstdio>
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
#include "app/cli/process.h"
#include "core/cluster/cluster_state.h"
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

std::string nowUtc() {
  const std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

using imbw::cli::toInt;  // app/cli/insight_common: the one integer option parser

std::string absolutePath(const std::string& p) {
  return fs::absolute(p).lexically_normal().string();
}

std::optional<std::string> failedMessage(const std::string& result) {
  std::error_code ec;
  if (!fs::exists(result + ".failed", ec)) return std::nullopt;
  return imbw::lastLines(result + ".failed", 20);
}

/// A path recorded at submission, moved with the project when the project (and its cluster
/// folder) moved since.
std::string relocated(const std::string& path, const std::string& oldFolder,
                      const std::string& newFolder) {
  if (oldFolder == newFolder || path.rfind(oldFolder + "/", 0) != 0) return path;
  return newFolder + path.substr(oldFolder.size());
}

struct Context {
  std::string project;  ///< absolute
  std::string folder;   ///< the cluster folder
  imbw::ClusterState state;
  std::string oldFolder;  ///< the cluster folder when submitted
};

Context openContext(const std::string& projectArg, bool requireState) {
  Context c;
  c.project = absolutePath(projectArg);
  std::error_code ec;
  if (!fs::exists(c.project, ec)) throw imbw::Error("no project file '" + c.project + "'");
  c.folder = imbw::clusterFolder(c.project);
  c.state = imbw::ClusterState::load(c.folder + "/state.json");
  if (requireState && c.state.submissions.empty())
    throw imbw::Error("nothing was submitted for '" + c.project + "' (no " + c.folder +
                      "/state.json); use `imbalance-cli submit`");
  c.oldFolder = c.state.project.empty() ? c.folder : imbw::clusterFolder(c.state.project);
  if (!c.state.project.empty() && c.state.project != c.project)
    std::cerr << "warning: the tasks were submitted for '" << c.state.project
              << "', and the project is now '" << c.project
              << "': tasks not finished yet fail (they read the project and write their results "
                 "at the old place); results already in "
              << c.folder << "/results are used\n";
  return c;
}

/// What Slurm says about each job of the state (scontrol, else squeue); empty when neither
/// program is on PATH (then the files decide).
std::map<std::string, std::vector<imbw::SlurmTaskRecord>> askSlurm(const imbw::ClusterState& state,
                                                                   bool* slurmAvailable) {
  std::map<std::string, std::vector<imbw::SlurmTaskRecord>> out;
  const bool haveScontrol = !imbw::cli::findOnPath("scontrol").empty();
  const bool haveSqueue = !imbw::cli::findOnPath("squeue").empty();
  *slurmAvailable = haveScontrol || haveSqueue;
  for (const auto& s : state.submissions) {
    if (out.count(s.jobId)) continue;
    std::vector<imbw::SlurmTaskRecord> records;
    if (haveScontrol)
      records = imbw::parseScontrolJobs(
          imbw::cli::runProcess({"scontrol", "-o", "show", "job", s.jobId}).out);
    if (records.empty() && haveSqueue)
      records = imbw::parseSqueueLines(imbw::cli::runProcess({"squeue", "-h", "-j", s.jobId}).out);
    out[s.jobId] = std::move(records);
  }
  return out;
}

struct TaskRow {
  const imbw::Submission* submission;
  const imbw::SubmittedTask* task;
  std::string result, log;
  imbw::TaskStatus status;
};

std::vector<TaskRow> taskRows(const Context& c) {
  bool slurm = false;
  const auto records = askSlurm(c.state, &slurm);
  std::vector<TaskRow> rows;
  for (const auto& [sub, task] : c.state.latestTasks()) {
    TaskRow r{sub,
              task,
              relocated(task->result, c.oldFolder, c.folder),
              relocated(task->log, c.oldFolder, c.folder),
              {}};
    std::error_code ec;
    const bool have = fs::exists(r.result, ec);
    const imbw::SlurmTaskRecord* record = imbw::findRecord(records.at(sub->jobId), task->index);
    r.status = imbw::classifyTask(have, failedMessage(r.result), record);
    if (!slurm && r.status.state == imbw::TaskState::Unknown)
      r.status.detail = "scontrol and squeue are not on PATH; no result yet";
    rows.push_back(std::move(r));
  }
  return rows;
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
      const imbw::ScanDefinition def = *scan;
      for (double g : def.gammas)
        for (double a : def.alphas) {
          imbw::RunConfig config = def.base;
          config.loss.kind = imbw::LossKind::Focal;
          config.loss.alpha = a;
          config.loss.gamma = g;
          config.alphaFromSignalFraction = false;
          char name[160];
          std::snprintf(name, sizeof name, "%s scan %s α=%g γ=%g", config.modelKind().c_str(),
                        def.id.c_str(), a, g);
          config.name = name;
          imbw::ProjectRun& run = project.addRun(config, project.analysis.cut);
          run.scan = imbw::ScanMembership{def.id, a, g};
          run.shown = false;
          ids.push_back(run.id);
        }
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
  const bool dryRun = args.flag("--dry-run");
  if (!dryRun && imbw::cli::findOnPath("sbatch").empty())
    throw imbw::Error(
        "sbatch is not on PATH: submit from a machine with Slurm's client (a login node), or "
        "use --dry-run to write the specs and the batch script only");

  Context c = openContext(args.positional[0], false);
  imbw::Project project = imbw::Project::load(c.project);
  bool projectChanged = false;
  const std::string tasksDir = c.folder + "/tasks", resultsDir = c.folder + "/results",
                    logsDir = c.folder + "/logs";
  for (const auto& d : {tasksDir, resultsDir, logsDir}) {
    std::error_code ec;
    fs::create_directories(d, ec);
    if (ec) throw imbw::Error("cannot create '" + d + "': " + ec.message());
  }

  std::vector<imbw::FitTaskSpec> specs;
  if (args.flag("--resubmit-failed")) {
    if (c.state.submissions.empty())
      throw imbw::Error("--resubmit-failed: nothing was submitted for '" + c.project + "'");
    for (const TaskRow& r : taskRows(c)) {
      const auto s = r.status.state;
      if (s != imbw::TaskState::Failed && s != imbw::TaskState::Cancelled &&
          s != imbw::TaskState::Unknown)
        continue;
      const imbw::ProjectRun* run = project.findRun(r.task->runId);
      if (!run) continue;
      for (auto& spec : imbw::fitTasksForRun(c.project, *run, resultsDir, options.cpus))
        if (spec.fold == r.task->fold) specs.push_back(spec);
    }
    if (specs.empty()) {
      std::cout << "no failed, cancelled or lost tasks to submit again\n";
      return 0;
    }
  } else {
    for (const std::string& id : chosenRuns(project, args, &projectChanged))
      for (auto& spec :
           imbw::fitTasksForRun(c.project, *project.findRun(id), resultsDir, options.cpus))
        specs.push_back(spec);
  }
  if (projectChanged) project.save(c.project);  // the tasks read the runs from the file

  imbw::Submission sub;
  for (std::size_t i = 0; i < specs.size(); ++i) {
    const imbw::FitTaskSpec& s = specs[i];
    const std::string specPath =
        tasksDir + "/" + s.runId + "_fold" + std::to_string(s.fold + 1) + ".json";
    s.save(specPath);
    sub.tasks.push_back({static_cast<int>(i), specPath, s.result, "", s.runId, s.fold});
  }
  sub.script = c.folder + "/submit-" + std::to_string(c.state.submissions.size() + 1) + ".sbatch";
  options.jobName = "imbw-" + fs::path(c.project).stem().string();
  imbw::writeFileAtomically(
      sub.script,
      imbw::slurmBatchScript(imbw::cli::selfExecutable(), c.project, logsDir, sub.tasks, options));
  fs::permissions(sub.script, fs::perms::owner_exec | fs::perms::group_exec, fs::perm_options::add);
  std::vector<std::string> command{"sbatch"};
  for (const auto& a : imbw::sbatchArguments(sub.script, sub.tasks.size(), options))
    command.push_back(a);
  std::string line;
  for (const auto& w : command) line += (line.empty() ? "" : " ") + imbw::shellQuote(w);
  if (dryRun) {
    std::cout << specs.size() << " fit tasks written to " << tasksDir << "\nbatch script "
              << sub.script << "\n"
              << line << "\n";
    return 0;
  }
  for (const auto& t : sub.tasks) {  // a new attempt: the old outcome no longer stands
    std::error_code ec;
    fs::remove(t.result, ec);
    fs::remove(t.result + ".failed", ec);
  }
  const imbw::cli::ProcessResult r = imbw::cli::runProcess(command);
  if (r.exitCode != 0)
    throw imbw::Error("sbatch refused the submission (exit code " + std::to_string(r.exitCode) +
                      "): " + r.err + r.out + "the batch script is " + sub.script);
  sub.jobId = imbw::parseSbatchJobId(r.out);
  sub.submitted = nowUtc();
  for (auto& t : sub.tasks) t.log = imbw::taskLogPath(logsDir, sub.jobId, t.index);
  c.state.project = c.project;
  c.state.submissions.push_back(sub);
  c.state.save(c.folder + "/state.json");
  std::cout << "submitted job array " << sub.jobId << ": " << sub.tasks.size() << " fit tasks ("
            << line << ")\n"
            << "follow with: imbalance-cli status " << c.project << "\n";
  return 0;
}

int runStatus(const std::vector<std::string>& argv) {
  const auto args = imbw::cli::parseArgs(argv, {"--lines"}, {});
  if (args.positional.size() != 1) throw imbw::cli::UsageError("status needs one PROJECT.json");
  const int lines = args.options.count("--lines") ? toInt("--lines", args.option("--lines"), 0) : 5;
  const Context c = openContext(args.positional[0], true);
  const imbw::Project project = imbw::Project::load(c.project);
  std::map<imbw::TaskState, int> counts;
  bool bad = false;
  for (const TaskRow& r : taskRows(c)) {
    ++counts[r.status.state];
    const imbw::ProjectRun* run = project.findRun(r.task->runId);
    std::cout << r.task->runId << " fold " << r.task->fold + 1 << "  job " << r.submission->jobId
              << "_" << r.task->index << "  " << imbw::taskStateName(r.status.state);
    if (!r.status.detail.empty()) std::cout << "  (" << r.status.detail << ")";
    if (run) std::cout << "  " << run->name();
    std::cout << "\n";
    if (r.status.state == imbw::TaskState::Failed || r.status.state == imbw::TaskState::Unknown) {
      bad = true;
      std::cout << "    log: " << r.log << "\n";
      const std::string tail = imbw::lastLines(r.log, lines);
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
  const Context c = openContext(args.positional[0], true);
  imbw::Project project = imbw::Project::load(c.project);
  auto store = imbw::readRunStore(imbw::sidecarPath(c.project));
  std::vector<std::string> files;
  for (const auto& [sub, task] : c.state.latestTasks())
    files.push_back(relocated(task->result, c.oldFolder, c.folder));
  const imbw::MergeReport report = imbw::mergeTaskResults(project, store, files);
  for (const auto& w : report.warnings) std::cerr << "warning: " << w << "\n";
  if (report.runs.empty()) {
    std::cout << "no finished results to collect yet\n";
    return 0;
  }
  imbw::writeRunStore(imbw::sidecarPath(c.project), store);
  project.save(c.project);
  for (const auto& m : report.runs)
    std::cout << m.runId << "  " << project.findRun(m.runId)->name() << ": " << m.collected
              << " of " << m.folds << " folds" << (m.complete() ? " (done)" : "") << "\n";
  std::cout << "results saved in " << c.project << " and " << imbw::sidecarPath(c.project) << "\n";
  return 0;
}

}  // namespace

IMBW_CLI_COMMAND(submit, "send the project's fit tasks to Slurm as one job array", kSubmitUsage,
                 runSubmit)
IMBW_CLI_COMMAND(status, "the state of every fit task submitted for the project", kStatusUsage,
                 runStatus)
IMBW_CLI_COMMAND(collect, "merge finished fit tasks' results into the project", kCollectUsage,
                 runCollect)
