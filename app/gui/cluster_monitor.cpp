// The window's cluster workflow: submit runs to Slurm, watch them, merge their results.

#include "app/gui/cluster_monitor.h"

#include <QAction>
#include <QFileInfo>
#include <QMenu>
#include <QMessageBox>
#include <QStatusBar>
#include <algorithm>
#include <filesystem>
#include <set>

#include "app/gui/cluster_dialog.h"
#include "app/gui/core_convert.h"
#include "app/gui/file_probe.h"
#include "app/gui/job_runner.h"
#include "app/gui/main_window.h"
#include "app/gui/scan_panel.h"
#include "core/cluster/cluster_state.h"

namespace fs = std::filesystem;

namespace imbw {

namespace {

constexpr int kPollMs = 10000;

/// The finished state of a run's tasks that a merge depends on: its result files (and their
/// times) and, once nothing waits, the failures.
std::string fingerprint(const std::vector<ClusterTaskRow>& rows, const ClusterRunState& s) {
  std::string key;
  for (const ClusterTaskRow& r : rows) {
    if (r.task.runId != s.runId || r.status.state != TaskState::Done) continue;
    std::error_code ec;
    const auto t = fs::last_write_time(r.task.result, ec);
    key += r.task.result + "@" + std::to_string(t.time_since_epoch().count()) + ";";
  }
  if (s.pending + s.running == 0 && s.failed > 0)
    key += "failed " + std::to_string(s.failed) + ": " + s.message;
  if (s.pending + s.running == 0 && s.cancelled > 0)
    key += "cancelled " + std::to_string(s.cancelled);
  return key;
}

QString lastLogLines(const std::string& log) {
  QStringList lines = qs(lastLines(log, 4)).split('\n', Qt::SkipEmptyParts);
  return lines.join(QStringLiteral(" ⏎ "));
}

ClusterPoll pollWork(const QString& path, Project project, QHash<QString, QString> mergedKeys,
                     std::set<std::string> alreadyDone) {
  ClusterPoll p;
  p.projectPath = path;
  try {
    const ClusterProject c = ClusterProject::open(ss(path), false);
    if (c.state.submissions.empty()) return p;
    if (const std::string w = c.movedWarning(); !w.empty()) p.warnings << qs(w);
    const std::vector<ClusterTaskRow> rows = queryClusterTasks(c);
    p.runs = clusterRunStates(rows);
    for (const ClusterRunState& s : p.runs)
      if (s.failed > 0) p.logTails[qs(s.runId)] = lastLogLines(s.log);
    std::vector<ClusterTaskRow> changed;
    for (const ClusterRunState& s : p.runs) {
      const std::string key = fingerprint(rows, s);
      const QString id = qs(s.runId);
      if (key.empty() || mergedKeys.value(id) == qs(key)) continue;
      p.mergedKeys[id] = qs(key);
      // A reopened project saved after its results were merged needs no merge again.
      if (alreadyDone.count(s.runId) && s.phase == ClusterRunState::Phase::Done) continue;
      for (const ClusterTaskRow& r : rows)
        if (r.task.runId == s.runId) changed.push_back(r);
    }
    if (changed.empty()) return p;
    const CollectOutcome out = collectClusterResults(changed, project, p.stored);
    for (const auto& w : out.merge.warnings) p.warnings << qs(w);
    std::set<std::string> ids;
    for (const MergedRun& m : out.merge.runs) ids.insert(m.runId);
    for (const std::string& id : out.failedRuns) ids.insert(id);
    for (const std::string& id : out.cancelledRuns) ids.insert(id);  // cancelled before a fold
    for (const std::string& id : ids)
      if (const ProjectRun* run = project.findRun(id)) p.merged.push_back(*run);
  } catch (const std::exception& e) {
    p.error = qs(e.what());
  }
  return p;
}

/// Submits (or writes, for a dry run) `request` for the project at `path`: (done, what to show).
std::pair<bool, QString> submitWork(const QString& path, const SubmitRequest& request) {
  try {
    ClusterProject c = ClusterProject::open(ss(path), false);
    const Project project = Project::load(c.project);
    const SubmitOutcome out = submitToSlurm(c, project, request);
    if (request.dryRun)
      return {true, ClusterMonitor::tr(
                        "Dry run: %1 fit tasks written to %2; batch script %3; submit with: %4")
                        .arg(out.taskCount)
                        .arg(qs(out.tasksDir), qs(out.script), qs(out.sbatchLine))};
    return {true, ClusterMonitor::tr("Submitted job array %1: %2 fit tasks (%3)")
                      .arg(qs(out.jobId))
                      .arg(out.taskCount)
                      .arg(qs(out.sbatchLine))};
  } catch (const std::exception& e) {
    return {false, qs(e.what())};
  }
}

/// scancel of the waiting and running tasks of the runs `ids` (every run when empty).
std::pair<bool, QString> cancelWork(const QString& path, const std::vector<std::string>& ids) {
  try {
    const ClusterProject c = ClusterProject::open(ss(path), true);
    const auto tasks = cancelOnCluster(c, queryClusterTasks(c), ids);
    if (tasks.empty())
      return {true, ids.empty() ? ClusterMonitor::tr("No cluster task waits or runs.")
                                : ClusterMonitor::tr("No task of these runs waits or runs on "
                                                     "the cluster.")};
    QStringList t;
    for (const auto& s : tasks) t << qs(s);
    return {true, ClusterMonitor::tr("Cancelled on the cluster: array tasks %1").arg(t.join(", "))};
  } catch (const std::exception& e) {
    return {false, qs(e.what())};
  }
}

}  // namespace

ClusterMonitor::ClusterMonitor(MainWindow* window, JobRunner* jobs)
    : QObject(window), m_window(window), m_jobs(jobs) {
  m_timer.setInterval(qEnvironmentVariableIsSet("IMBW_CLUSTER_POLL_MS")
                          ? qEnvironmentVariableIntValue("IMBW_CLUSTER_POLL_MS")
                          : kPollMs);
  connect(&m_timer, &QTimer::timeout, this, &ClusterMonitor::startPoll);
  connect(window->session(), &AnalysisSession::projectReplaced, this,
          &ClusterMonitor::onProjectReplaced);
}

ClusterMonitor::~ClusterMonitor() {
  if (m_pollWatcher) m_pollWatcher->disconnect(this);
}

void ClusterMonitor::setInterval(int milliseconds) {
  m_timer.setInterval(milliseconds);
}

void ClusterMonitor::addActions(QMenu* runMenu) {
  runMenu->addSeparator();
  QAction* run = runMenu->addAction(tr("Run on c&luster…"), this, [this] {
    const QString why = runOnCluster(m_window->selectedRuns());
    if (!why.isEmpty()) QMessageBox::warning(m_window, tr("Run on cluster"), why);
  });
  run->setToolTip(tr("Send the selected runs (or every run) to Slurm as one job array"));
  m_cancelAction = runMenu->addAction(tr("Cancel on cl&uster"), this, [this] {
    const QString why = cancel(m_window->selectedRuns());
    if (!why.isEmpty()) QMessageBox::warning(m_window, tr("Cancel on cluster"), why);
  });
  m_cancelAction->setToolTip(
      tr("scancel the selected runs' waiting and running cluster tasks (every submitted run's "
         "when none is selected); the others keep running"));
}

void ClusterMonitor::addContextActions(QMenu* menu, const QStringList& ids) {
  menu->addAction(tr("Run on cluster…"), this, [this, ids] {
    const QString why = runOnCluster(ids);
    if (!why.isEmpty()) QMessageBox::warning(m_window, tr("Run on cluster"), why);
  });
  bool submitted = false;
  for (const QString& id : ids) submitted = submitted || !statusText(id).isEmpty();
  if (submitted)
    menu->addAction(tr("Cancel on cluster"), this, [this, ids] {
      const QString why = cancel(ids);
      if (!why.isEmpty()) QMessageBox::warning(m_window, tr("Cancel on cluster"), why);
    });
}

QString ClusterMonitor::runOnCluster(const QStringList& idsIn) {
  AnalysisSession* session = m_window->session();
  if (!session->hasProject()) return tr("Open a project first.");
  QStringList ids = idsIn;
  if (ids.isEmpty())
    for (const ProjectRun& r : session->project().runs) ids << qs(r.id);
  if (ids.isEmpty()) return tr("The project has no runs to submit: add one with Train first.");
  const QString what = ids.size() == 1 ? tr("run %1").arg(ids.first())
                                       : tr("%1 runs (%2)").arg(ids.size()).arg(ids.join(", "));
  bool started = false;
  return askAndSubmit(ids, what, &started);
}

QString ClusterMonitor::runScanOnCluster(const QString& scanId, const QStringList& ids) {
  Project& project = m_window->session()->project();
  const auto scan = std::find_if(project.scans.begin(), project.scans.end(),
                                 [&](const ScanDefinition& s) { return qs(s.id) == scanId; });
  if (scan == project.scans.end()) return tr("The project has no scan '%1'.").arg(scanId);
  const QString what = tr("scan %1 (%2 α × %3 γ: %4 runs)")
                           .arg(scanId)
                           .arg(scan->alphas.size())
                           .arg(scan->gammas.size())
                           .arg(ids.size());
  bool started = false;
  const QString why = askAndSubmit(ids, what, &started);
  if (!started) {  // declined or refused: the project as before the scan
    std::erase_if(project.scans, [&](const ScanDefinition& s) { return qs(s.id) == scanId; });
    m_window->runsController()->remove(ids);
  }
  return why;
}

QString ClusterMonitor::askAndSubmit(const QStringList& ids, const QString& what, bool* started) {
  *started = false;
  AnalysisSession* session = m_window->session();
  if (session->path().isEmpty() || session->isModified()) {
    const QString question =
        tr("The cluster's tasks read the project file, so it must be saved first. Save it now?");
    const bool save =
        m_savePrompt
            ? m_savePrompt(question)
            : QMessageBox::question(m_window, tr("Run on cluster"), question,
                                    QMessageBox::Save | QMessageBox::Cancel) == QMessageBox::Save;
    if (!save) return {};
    if (!m_window->projectFiles()->saveInteractively(session->path().isEmpty(),
                                                     ProjectFiles::SaveMode::Now))
      return {};
  }
  ClusterDialog dialog(session->path(), what, m_window);
  if (dialog.exec() != QDialog::Accepted) return {};
  const QString why = submit(ids, dialog.options(), dialog.dryRun());
  *started = why.isEmpty();
  return why;
}

QString ClusterMonitor::submit(const QStringList& ids, const SlurmOptions& options, bool dryRun) {
  AnalysisSession* session = m_window->session();
  if (!session->hasProject() || session->path().isEmpty())
    return tr("Save the project first: the cluster's tasks read the project file.");
  if (session->isModified())
    return tr("The project has unsaved changes: save it first (the tasks read the file).");
  if (!dryRun) {
    if (const std::string why = slurmMissingReason(); !why.empty()) return qs(why);
  }
  try {
    validateSlurmOptions(options);
  } catch (const std::exception& e) {
    return qs(e.what());
  }
  SubmitRequest request;
  for (const QString& id : ids) {
    if (!session->project().findRun(ss(id))) return tr("The project has no run '%1'.").arg(id);
    request.runIds.push_back(ss(id));
  }
  request.options = options;
  request.dryRun = dryRun;
  request.cliPath = ss(QFileInfo(probeProgram()).absoluteFilePath());
  if (probeProgram().isEmpty())
    return tr(
        "imbalance-cli was not found beside the window or on PATH: the cluster's tasks "
        "run it.");
  for (const QString& id : ids) m_mergedKeys.remove(id);  // a new attempt is merged anew
  auto* watcher = new QFutureWatcher<std::pair<bool, QString>>(this);
  connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, dryRun] {
    JobRunner::takeOver();
    watcher->deleteLater();
    if (watcher->future().resultCount() == 0) return;  // cancelled while queued: the window closes
    const auto [ok, text] = watcher->result();
    m_window->statusBar()->showMessage(text);
    if (ok && !dryRun) pollNow();
    Q_EMIT submitted(ok, text);
  });
  watcher->setFuture(m_jobs->startExternal<std::pair<bool, QString>>(
      [path = session->path(), request](QPromise<std::pair<bool, QString>>& promise) {
        promise.addResult(submitWork(path, request));
      }));
  return {};
}

QString ClusterMonitor::cancel(const QStringList& idsIn) {
  AnalysisSession* session = m_window->session();
  if (!session->hasProject() || session->path().isEmpty()) return tr("No project is open.");
  std::vector<std::string> ids;  // every submitted run when empty
  for (const QString& id : idsIn) ids.push_back(ss(id));
  auto* watcher = new QFutureWatcher<std::pair<bool, QString>>(this);
  connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher] {
    JobRunner::takeOver();
    watcher->deleteLater();
    if (watcher->future().resultCount() == 0) return;  // cancelled while queued: the window closes
    const auto [ok, text] = watcher->result();
    m_window->statusBar()->showMessage(text);
    pollNow();
    Q_EMIT cancelled(ok, text);
  });
  watcher->setFuture(m_jobs->startExternal<std::pair<bool, QString>>(
      [path = session->path(), ids](QPromise<std::pair<bool, QString>>& promise) {
        promise.addResult(cancelWork(path, ids));
      }));
  return {};
}

void ClusterMonitor::onProjectReplaced() {
  ++m_generation;
  m_timer.stop();
  m_states.clear();
  m_mergedKeys.clear();
  m_firstPoll = true;
  AnalysisSession* session = m_window->session();
  if (!session->hasProject() || session->path().isEmpty()) return;
  std::error_code ec;
  if (fs::exists(clusterFolder(ss(session->path())) + "/state.json", ec)) pollNow();
}

void ClusterMonitor::pollNow() {
  if (m_pollWatcher) {
    m_pollAgain = true;
    return;
  }
  startPoll();
}

void ClusterMonitor::startPoll() {
  AnalysisSession* session = m_window->session();
  if (m_pollWatcher || !session->hasProject() || session->path().isEmpty()) return;
  std::set<std::string> done;
  if (m_firstPoll)
    for (const ProjectRun& r : session->project().runs)
      if (r.status == RunStatus::Done && session->stored(r.id)) done.insert(r.id);
  m_firstPoll = false;
  m_pollWatcher = new QFutureWatcher<ClusterPoll>(this);
  connect(m_pollWatcher, &QFutureWatcherBase::finished, this, [this, generation = m_generation] {
    JobRunner::takeOver();
    m_pollWatcher->deleteLater();
    if (m_pollWatcher->future().resultCount() == 0) {  // cancelled while queued: the window closes
      m_pollWatcher = nullptr;
      return;
    }
    ClusterPoll poll = m_pollWatcher->result();
    m_pollWatcher = nullptr;
    if (generation == m_generation) applyPoll(std::move(poll));
    if (m_pollAgain) {
      m_pollAgain = false;
      startPoll();
    }
  });
  m_pollWatcher->setFuture(m_jobs->startExternal<ClusterPoll>(
      [path = session->path(), project = session->project(), keys = m_mergedKeys,
       done = std::move(done)](QPromise<ClusterPoll>& promise) {
        promise.addResult(pollWork(path, project, keys, done));
      }));
}

void ClusterMonitor::applyPoll(ClusterPoll poll) {
  AnalysisSession* session = m_window->session();
  if (poll.projectPath != session->path()) return;
  if (!poll.error.isEmpty()) {
    m_window->statusBar()->showMessage(tr("Cluster: %1").arg(poll.error));
    return;
  }
  for (auto it = poll.mergedKeys.begin(); it != poll.mergedKeys.end(); ++it)
    m_mergedKeys[it.key()] = it.value();
  m_states = std::move(poll.runs);
  m_logTails = std::move(poll.logTails);
  for (ProjectRun& merged : poll.merged) {
    ProjectRun* run = session->project().findRun(merged.id);
    if (!run) continue;  // deleted meanwhile
    merged.shown = run->shown;
    merged.config.name = run->config.name;
    *run = std::move(merged);
    const auto it = poll.stored.find(run->id);
    session->setStored(run->id, it == poll.stored.end() ? nullptr : it->second);
    if (RunEntry* e = m_window->registry()->find(qs(run->id));
        e && run->status != RunStatus::Done) {
      e->evaluation.reset();
      e->hasPlot = false;
    }
  }
  bool waiting = false;
  for (const ClusterRunState& s : m_states) {
    waiting = waiting || s.phase == ClusterRunState::Phase::Queued ||
              s.phase == ClusterRunState::Phase::Running;
    showState(qs(s.runId));
  }
  if (!poll.merged.empty()) {
    session->edited();
    m_window->runsController()->evaluateStored();
    m_window->runsController()->refreshPlots();
  }
  // A scan on the cluster: its cells wait while its tasks do and fill as they are collected.
  m_window->scanPanel()->showScan(m_window->scanPanel()->currentScanId());
  for (const QString& w : poll.warnings)
    m_window->statusBar()->showMessage(tr("Cluster: %1").arg(w));
  if (waiting && !m_timer.isActive()) m_timer.start();
  if (!waiting) m_timer.stop();
  Q_EMIT polled();
}

QString ClusterMonitor::statusText(const QString& id) const {
  for (const ClusterRunState& s : m_states) {
    if (qs(s.runId) != id) continue;
    const ProjectRun* run = m_window->session()->project().findRun(s.runId);
    if (s.phase == ClusterRunState::Phase::Done && run && run->status == RunStatus::Done)
      return {};  // collected: the table says "done" with the numbers
    QString text = qs(s.text());
    if (s.failed > 0 && s.pending + s.running == 0)
      text += tr(" — log %1: %2").arg(qs(s.log), m_logTails.value(id));
    return text.replace('\n', QStringLiteral(" ⏎ "));
  }
  return {};
}

void ClusterMonitor::showState(const QString& id) {
  RunEntry* e = m_window->registry()->find(id);
  if (!e) return;
  e->cluster = statusText(id);
  e->clusterWaiting = false;
  for (const ClusterRunState& s : m_states)
    if (qs(s.runId) == id)
      e->clusterWaiting =
          s.phase == ClusterRunState::Phase::Queued || s.phase == ClusterRunState::Phase::Running;
  m_window->runsPanel()->updateRow(id);
}

}  // namespace imbw
