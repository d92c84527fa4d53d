#include "core/cluster/cluster_jobs.h"

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <optional>
#include <set>
#include <sstream>

#include "core/cluster/process.h"
#include "core/tasks/fit_task.h"
#include "core/util/error.h"

namespace fs = std::filesystem;

namespace imbw {

namespace {

std::string nowUtc() {
  const std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

std::optional<std::string> failedMessage(const std::string& result) {
  std::error_code ec;
  if (!fs::exists(result + ".failed", ec)) return std::nullopt;
  return lastLines(result + ".failed", 20);
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

ClusterProject ClusterProject::open(const std::string& projectPath, bool requireState) {
  ClusterProject c;
  c.project = fs::absolute(projectPath).lexically_normal().string();
  std::error_code ec;
  if (!fs::exists(c.project, ec)) throw Error("no project file '" + c.project + "'");
  c.folder = clusterFolder(c.project);
  c.state = ClusterState::load(c.folder + "/state.json");
  if (requireState && c.state.submissions.empty())
    throw Error("nothing was submitted for '" + c.project + "' (no " + c.folder +
                "/state.json); use `imbalance-cli submit`");
  c.oldFolder = c.state.project.empty() ? c.folder : clusterFolder(c.state.project);
  return c;
}

std::string ClusterProject::movedWarning() const {
  if (state.project.empty() || state.project == project) return {};
  return "the tasks were submitted for '" + state.project + "', and the project is now '" +
         project +
         "': tasks not finished yet fail (they read the project and write their results at the "
         "old place); results already in " +
         folder + "/results are used";
}

std::string ClusterProject::relocated(const std::string& path) const {
  if (oldFolder == folder || path.rfind(oldFolder + "/", 0) != 0) return path;
  return folder + path.substr(oldFolder.size());
}

std::vector<ClusterTaskRow> queryClusterTasks(const ClusterProject& c) {
  const bool haveScontrol = !findOnPath("scontrol").empty();
  const bool haveSqueue = !findOnPath("squeue").empty();
  std::map<std::string, std::vector<SlurmTaskRecord>> records;
  for (const auto& s : c.state.submissions) {
    if (records.count(s.jobId)) continue;
    std::vector<SlurmTaskRecord> r;
    if (haveScontrol)
      r = parseScontrolJobs(runProcess({"scontrol", "-o", "show", "job", s.jobId}).out);
    if (r.empty() && haveSqueue)
      r = parseSqueueLines(runProcess({"squeue", "-h", "-j", s.jobId}).out);
    records[s.jobId] = std::move(r);
  }
  std::vector<ClusterTaskRow> rows;
  for (const auto& [sub, task] : c.state.latestTasks()) {
    ClusterTaskRow row{sub->jobId, *task, {}};
    row.task.result = c.relocated(task->result);
    row.task.log = c.relocated(task->log);
    std::error_code ec;
    const bool have = fs::exists(row.task.result, ec);
    const SlurmTaskRecord* record = findRecord(records.at(sub->jobId), task->index);
    const std::string tail = have ? std::string() : lastLines(row.task.log, 20);
    row.status = classifyTask(have, failedMessage(row.task.result), record, tail);
    // Slurm forgets a waiting array task cancelled on its own (scancel JOB_INDEX).
    if (task->cancelled && row.status.state == TaskState::Unknown)
      row.status = {TaskState::Cancelled, "cancelled (imbalance-cli cancel or the window)"};
    if (!haveScontrol && !haveSqueue && row.status.state == TaskState::Unknown)
      row.status.detail = "scontrol and squeue are not on PATH; no result yet";
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string ClusterRunState::text() const {
  const std::string of = std::to_string(done) + " of " + std::to_string(tasks) + " tasks done";
  switch (phase) {
    case Phase::Queued:
      return "queued on cluster (" + of + ")";
    case Phase::Running:
      return "running on cluster (" + of + ")";
    case Phase::Done:
      return "done on cluster (" + of + ")";
    case Phase::Failed:
      return "failed on cluster (" + std::to_string(failed) + " of " + std::to_string(tasks) +
             " tasks failed" + (message.empty() ? "" : ": " + message) + ")";
    case Phase::Cancelled:
      return "cancelled on cluster (" + of + ")";
  }
  return {};
}

std::vector<ClusterRunState> clusterRunStates(const std::vector<ClusterTaskRow>& rows) {
  std::vector<ClusterRunState> out;
  for (const ClusterTaskRow& r : rows) {
    auto it = std::find_if(out.begin(), out.end(),
                           [&](const ClusterRunState& s) { return s.runId == r.task.runId; });
    if (it == out.end()) {
      out.push_back({});
      it = std::prev(out.end());
      it->runId = r.task.runId;
    }
    ++it->tasks;
    switch (r.status.state) {
      case TaskState::Done:
        ++it->done;
        break;
      case TaskState::Pending:
        ++it->pending;
        break;
      case TaskState::Running:
        ++it->running;
        break;
      case TaskState::Cancelled:
        ++it->cancelled;
        break;
      case TaskState::Failed:
      case TaskState::Unknown:
        ++it->failed;
        if (!it->message.empty()) it->message += "; ";
        it->message += "fold " + std::to_string(r.task.fold + 1) + ": " + trimmed(r.status.detail);
        if (it->log.empty()) it->log = r.task.log;
        break;
    }
  }
  for (ClusterRunState& s : out) {
    using P = ClusterRunState::Phase;
    if (s.running > 0)
      s.phase = P::Running;
    else if (s.pending > 0)
      s.phase = s.done + s.failed + s.cancelled > 0 ? P::Running : P::Queued;
    else if (s.done == s.tasks)
      s.phase = P::Done;
    else if (s.failed > 0)
      s.phase = P::Failed;
    else
      s.phase = P::Cancelled;
  }
  return out;
}

std::string slurmMissingReason() {
  if (!findOnPath("sbatch").empty()) return {};
  return "sbatch is not on PATH: submit from a machine with Slurm's client (a login node), or "
         "use a dry run to write the specs and the batch script only";
}

SubmitOutcome submitToSlurm(ClusterProject& c, const Project& project,
                            const SubmitRequest& request) {
  validateSlurmOptions(request.options);
  if (!request.dryRun) {
    if (const std::string why = slurmMissingReason(); !why.empty()) throw Error(why);
  }
  if (request.cliPath.empty()) throw Error("no imbalance-cli to run the tasks");
  SubmitOutcome out;
  const std::string resultsDir = c.folder + "/results", logsDir = c.folder + "/logs";
  out.tasksDir = c.folder + "/tasks";
  std::vector<FitTaskSpec> specs;
  const int threads = request.options.cpus;
  if (request.resubmitFailed) {
    if (c.state.submissions.empty())
      throw Error("resubmitting failed tasks: nothing was submitted for '" + c.project + "'");
    for (const ClusterTaskRow& r : queryClusterTasks(c)) {
      const auto s = r.status.state;
      if (s != TaskState::Failed && s != TaskState::Cancelled && s != TaskState::Unknown) continue;
      const ProjectRun* run = project.findRun(r.task.runId);
      if (!run) continue;
      for (auto& spec : fitTasksForRun(c.project, *run, resultsDir, threads))
        if (spec.fold == r.task.fold) specs.push_back(spec);
    }
    if (specs.empty()) return out;
  } else {
    if (request.runIds.empty()) throw Error("no runs to submit");
    for (const std::string& id : request.runIds) {
      const ProjectRun* run = project.findRun(id);
      if (!run) throw Error("the project has no run '" + id + "'");
      for (auto& spec : fitTasksForRun(c.project, *run, resultsDir, threads)) specs.push_back(spec);
    }
  }
  for (const auto& d : {out.tasksDir, resultsDir, logsDir}) {
    std::error_code ec;
    fs::create_directories(d, ec);
    if (ec) throw Error("cannot create '" + d + "': " + ec.message());
  }
  Submission sub;
  for (std::size_t i = 0; i < specs.size(); ++i) {
    const FitTaskSpec& s = specs[i];
    const std::string specPath =
        out.tasksDir + "/" + s.runId + "_fold" + std::to_string(s.fold + 1) + ".json";
    s.save(specPath);
    sub.tasks.push_back({static_cast<int>(i), specPath, s.result, "", s.runId, s.fold});
  }
  sub.script = c.folder + "/submit-" + std::to_string(c.state.submissions.size() + 1) + ".sbatch";
  SlurmOptions options = request.options;
  options.jobName = "imbw-" + fs::path(c.project).stem().string();
  writeFileAtomically(sub.script,
                      slurmBatchScript(request.cliPath, c.project, logsDir, sub.tasks, options));
  fs::permissions(sub.script, fs::perms::owner_exec | fs::perms::group_exec, fs::perm_options::add);
  std::vector<std::string> command{"sbatch"};
  for (const auto& a : sbatchArguments(sub.script, sub.tasks.size(), options)) command.push_back(a);
  for (const auto& w : command)
    out.sbatchLine += (out.sbatchLine.empty() ? "" : " ") + shellQuote(w);
  out.taskCount = specs.size();
  out.script = sub.script;
  if (request.dryRun) return out;
  for (const auto& t : sub.tasks) {  // a new attempt: the old outcome no longer stands
    std::error_code ec;
    fs::remove(t.result, ec);
    fs::remove(t.result + ".failed", ec);
  }
  const ProcessResult r = runProcess(command);
  if (r.exitCode != 0)
    throw Error("sbatch refused the submission (exit code " + std::to_string(r.exitCode) +
                "): " + r.err + r.out + "the batch script is " + sub.script);
  sub.jobId = parseSbatchJobId(r.out);
  sub.submitted = nowUtc();
  for (auto& t : sub.tasks) t.log = taskLogPath(logsDir, sub.jobId, t.index);
  c.state.project = c.project;
  c.state.submissions.push_back(sub);
  c.state.save(c.folder + "/state.json");
  out.jobId = sub.jobId;
  return out;
}

CollectOutcome collectClusterResults(
    const std::vector<ClusterTaskRow>& rows, Project& project,
    std::map<std::string, std::shared_ptr<const StoredRun>>& store) {
  CollectOutcome out;
  // Only the tasks the query saw done: a result written since (a task ending between the
  // query and this read) waits for the next poll, so the run's state and its merged folds
  // describe the same moment (the window showed a filled heat map beside "running on cluster
  // (1 of 2 tasks done)" until its next poll).
  std::vector<std::string> files;
  for (const ClusterTaskRow& r : rows)
    if (r.status.state == TaskState::Done) files.push_back(r.task.result);
  out.merge = mergeTaskResults(project, store, files);
  for (const ClusterRunState& s : clusterRunStates(rows)) {
    ProjectRun* run = project.findRun(s.runId);
    if (!run) continue;
    const bool merged = std::any_of(out.merge.runs.begin(), out.merge.runs.end(),
                                    [&](const MergedRun& m) { return m.runId == s.runId; });
    if (merged) {
      // Partial results are kept; the message says which folds failed and why.
      if (s.failed > 0 && s.pending + s.running == 0)
        run->message +=
            "; " + std::to_string(s.failed) + " failed: " + s.message + " (log " + s.log + ")";
      continue;
    }
    if (s.done > 0 || s.pending + s.running > 0) continue;
    run->folds.clear();
    run->aggregate.clear();
    store.erase(s.runId);
    if (s.cancelled > 0) {  // cancelled (scancel) before any fold finished: not a failure
      run->status = RunStatus::Cancelled;
      run->message = "cancelled on the cluster before any fold finished (" +
                     std::to_string(s.cancelled) + " of " + std::to_string(s.tasks) +
                     " tasks cancelled" + (s.failed > 0 ? ", " + s.message : "") + ")";
      out.cancelledRuns.push_back(s.runId);
      continue;
    }
    run->status = RunStatus::Failed;
    run->message = "every fit task failed on the cluster: " + s.message + " (log " + s.log + ")";
    out.failedRuns.push_back(s.runId);
  }
  return out;
}

std::vector<std::string> cancelOnCluster(const ClusterProject& c,
                                         const std::vector<ClusterTaskRow>& rows,
                                         const std::vector<std::string>& runIds) {
  std::vector<std::string> tasks;
  std::set<std::pair<std::string, int>> chosen;  // (job, array index)
  for (const ClusterTaskRow& r : rows) {
    if (r.status.state != TaskState::Pending && r.status.state != TaskState::Running) continue;
    if (!runIds.empty() && std::find(runIds.begin(), runIds.end(), r.task.runId) == runIds.end())
      continue;
    tasks.push_back(r.jobId + "_" + std::to_string(r.task.index));
    chosen.insert({r.jobId, r.task.index});
  }
  if (tasks.empty()) return {};
  if (findOnPath("scancel").empty())
    throw Error("scancel is not on PATH: cannot cancel on the cluster");
  std::vector<std::string> command{"scancel"};
  command.insert(command.end(), tasks.begin(), tasks.end());
  const ProcessResult r = runProcess(command);
  if (r.exitCode != 0) {
    // A task that finished between the query and scancel: "Job/step already completing or
    // completed" (or, long gone, "Invalid job id specified"); anything else is an error.
    std::istringstream in(r.err);
    std::string line, other;
    while (std::getline(in, line))
      if (!line.empty() && line.find("already completing or completed") == std::string::npos &&
          line.find("Invalid job id specified") == std::string::npos)
        other += line + "\n";
    if (!other.empty())
      throw Error("scancel failed (exit code " + std::to_string(r.exitCode) + "): " + other);
  }
  // Read again: a submission made meanwhile is kept.
  ClusterState state = ClusterState::load(c.folder + "/state.json");
  for (Submission& s : state.submissions)
    for (SubmittedTask& t : s.tasks)
      if (chosen.count({s.jobId, t.index})) t.cancelled = true;
  state.save(c.folder + "/state.json");
  return tasks;
}

}  // namespace imbw
