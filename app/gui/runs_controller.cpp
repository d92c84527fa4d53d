// The runs' lifecycle: launch, live progress, finish, cancel, edit, stored-result evaluation.
#include "app/gui/runs_controller.h"

#include <QFutureWatcher>
#include <cmath>

#include "app/gui/analysis_session.h"
#include "app/gui/core_convert.h"
#include "app/gui/job_runner.h"
#include "app/gui/plots_area.h"
#include "app/gui/run_registry.h"
#include "app/gui/runs_panel.h"
#include "app/gui/scan_panel.h"
#include "app/gui/short_job.h"
#include "app/gui/training_job.h"
#include "widgets/job_panel.h"

namespace imbw {

RunsController::RunsController(AnalysisSession* session, RunRegistry* registry, JobRunner* jobs,
                               RunsPanel* runs, PlotsArea* plots, ScanPanel* scans, QObject* parent)
    : QObject(parent),
      m_session(session),
      m_registry(registry),
      m_jobs(jobs),
      m_runs(runs),
      m_plots(plots),
      m_scans(scans) {
  m_redrawTimer.setInterval(50);  // redraw at most every 50 ms, whatever the snapshot rate
  connect(&m_redrawTimer, &QTimer::timeout, this, &RunsController::redrawTick);
}

void RunsController::detach() {
  m_redrawTimer.stop();
  for (const QString& id : m_registry->ids())
    if (RunEntry* e = m_registry->find(id); e && e->watcher) e->watcher->disconnect(this);
}

void RunsController::reset() {
  for (const QString& id : m_registry->ids()) {
    RunEntry* e = m_registry->find(id);
    if (e && e->watcher) {
      e->watcher->disconnect(this);
      e->watcher->cancel();
      e->watcher->deleteLater();
    }
    m_runs->jobPanel()->removeJob(id);
  }
  m_registry->clear();
  for (const ProjectRun& r : m_session->project().runs) m_registry->add(qs(r.id));
  m_runs->reset();
  m_scans->refreshChoice();
  refreshPlots();
  Q_EMIT activeRunsChanged(0);
}

void RunsController::launch(const QString& id) {
  ProjectRun& run = *m_session->project().findRun(ss(id));
  RunEntry& entry = *m_registry->find(id);
  RunConfig config = run.config;
  if (config.features.empty()) config.features = m_session->project().analysis.features;
  entry.live = RunEntry::Live::Queued;
  entry.fraction = 0;
  entry.stage.clear();
  entry.liveState = std::make_shared<LiveRunState>();
  entry.watcher = new QFutureWatcher<TrainingOutcome>(this);
  connect(entry.watcher, &QFutureWatcherBase::finished, this, [this, id] { onFinished(id); });
  m_runs->jobPanel()->addJob(id, qs(run.name()));
  entry.watcher->setFuture(
      startTrainingJob(*m_jobs, m_session->loaded(), config, run.cut, entry.liveState));
  m_runs->updateRow(id);
  if (!m_redrawTimer.isActive()) m_redrawTimer.start();
  Q_EMIT message(tr("Queued %1").arg(qs(run.name())));
  Q_EMIT activeRunsChanged(m_registry->activeRuns());
}

void RunsController::cancel(const QString& key) {
  RunEntry* e = m_registry->find(key);
  if (!e || !e->active() || !e->watcher) return;
  e->watcher->cancel();
  e->live = RunEntry::Live::Cancelling;
  m_runs->updateRow(key);
}

void RunsController::cancelAll() {
  for (const QString& id : m_registry->ids()) cancel(id);
}

void RunsController::onFinished(const QString& id) {
  RunEntry* e = m_registry->find(id);
  ProjectRun* run = m_session->project().findRun(ss(id));
  if (!e) return;
  TrainingOutcome outcome;
  JobRunner::takeOver();
  const bool cancelled = e->watcher->isCanceled() || e->watcher->future().resultCount() == 0;
  if (!cancelled) outcome = e->watcher->result();
  e->watcher->deleteLater();
  e->watcher = nullptr;
  e->live = RunEntry::Live::Idle;
  e->liveRoc.reset();
  e->liveState.reset();
  m_runs->jobPanel()->removeJob(id);
  if (!run) return;  // deleted while it trained
  QString status;
  if (cancelled || outcome.status == TrainingOutcome::Status::Cancelled) {
    status = tr("cancelled");
    // A run trained before keeps its results; a new one says it was cancelled.
    if (run->status != RunStatus::Done) run->status = RunStatus::Cancelled;
    if (const auto* old = e->evaluation.get(); !old) e->hasPlot = false;
  } else if (outcome.status == TrainingOutcome::Status::Failed) {
    status = tr("failed: %1").arg(outcome.message);
    run->status = RunStatus::Failed;
    run->message = ss(outcome.message);
    run->folds.clear();
    run->aggregate.clear();
    m_session->setStored(ss(id), nullptr);
    e->evaluation.reset();
    e->hasPlot = false;
  } else {
    status = tr("done");
    RunConfig asTrained = run->config;
    if (asTrained.features.empty()) asTrained.features = m_session->project().analysis.features;
    run->config.features = asTrained.features;
    run->setResult(outcome.result);
    m_session->setStored(ss(id), outcome.evaluated.stored);
    e->evaluation = outcome.evaluated.evaluation;
    const QColor color = e->plot.color;
    e->plot = outcome.evaluated.plot;
    e->plot.key = id;
    e->plot.color = color;
    e->plot.significance = significanceCurves(e->evaluation->pooledRoc, m_plots->luminosity());
    e->hasPlot = true;
    // The training evaluated the signal class's curves; another class is chosen above the
    // plots: evaluate the stored scores again for it.
    if (curveClass() != m_session->project().analysis.signalIndex()) evaluateStored();
  }
  m_session->edited();
  m_runs->updateRow(id);
  m_runs->fitMetricColumns();
  if (run->scan && m_scans->currentScanId() == qs(run->scan->scanId))
    m_scans->showScan(qs(run->scan->scanId));
  Q_EMIT message(tr("%1: %2").arg(qs(run->name()), status));
  Q_EMIT activeRunsChanged(m_registry->activeRuns());
  refreshPlots();
  Q_EMIT runFinished(id, status);
}

void RunsController::evaluateStored() {
  // Every curve, histogram, KS value and significance of a reopened project comes from its
  // stored scores, on the short-job pool: nothing is retrained.
  const int generation = ++m_evaluationGeneration;
  const Analysis& a = m_session->project().analysis;
  auto pending = std::make_shared<int>(0);
  for (const ProjectRun& r : m_session->project().runs) {
    auto stored = m_session->stored(r.id);
    if (r.status != RunStatus::Done || !stored) continue;
    ++*pending;
    const auto mean = [&](const char* key) {
      const auto it = r.aggregate.find(key);
      return it == r.aggregate.end() ? std::nan("") : it->second.mean;
    };
    struct Evaluated {
      std::optional<EvaluatedRun> run;
      QString error;
    };
    runShort<Evaluated>(
        this, m_jobs,
        [stored, classes = a.classes, signal = a.signalIndex(), kind = r.config.modelKind(),
         ap = mean("ap"), auc = mean("auc"), lumi = m_plots->luminosity(), curves = curveClass()] {
          Evaluated out;
          try {
            out.run = evaluateStoredRun(stored, classes, signal, kind, ap, auc, lumi, curves);
          } catch (const std::exception& e) {
            out.error = qs(e.what());
          }
          return out;
        },
        [this, id = qs(r.id), generation, pending](Evaluated ev) {
          if (generation != m_evaluationGeneration) return;  // another project by now
          RunEntry* e = m_registry->find(id);
          if (e && ev.run && !e->active()) {
            const QColor color = e->plot.color;
            e->plot = ev.run->plot;
            e->plot.key = id;
            e->plot.color = color;
            e->evaluation = ev.run->evaluation;
            e->hasPlot = true;
            m_runs->updateRow(id);
          } else if (!ev.error.isEmpty()) {
            Q_EMIT message(tr("Stored results of %1: %2").arg(id, ev.error));
          }
          if (--*pending == 0) {
            m_scans->refreshChoice();
            refreshPlots();
            Q_EMIT storedRunsEvaluated();
          }
        });
  }
  if (*pending == 0) Q_EMIT storedRunsEvaluated();
}

QString RunsController::duplicate(const QString& id) {
  const ProjectRun* r = m_session->project().findRun(ss(id));
  if (!r) return {};
  RunConfig config = r->config;
  ProjectRun& copy = m_session->project().addRun(config, r->cut);
  m_registry->add(qs(copy.id));
  m_runs->addRow(qs(copy.id));
  m_session->edited();
  return qs(copy.id);
}

QStringList RunsController::addScanRuns(const QString& scanId, const QString& cut) {
  QStringList ids;
  for (const std::string& id : ::imbw::addScanRuns(m_session->project(), ss(scanId), ss(cut))) {
    m_registry->add(qs(id));
    m_runs->addRow(qs(id));
    ids << qs(id);
  }
  m_session->edited();
  return ids;
}

void RunsController::remove(const QStringList& ids) {
  for (const QString& id : ids) {
    if (RunEntry* e = m_registry->find(id); e && e->watcher) {
      e->watcher->disconnect(this);
      e->watcher->cancel();
      e->watcher->deleteLater();
      m_runs->jobPanel()->removeJob(id);
    }
    m_registry->remove(id);
    m_runs->removeRow(id);
    m_session->project().removeRun(ss(id));
    m_session->setStored(ss(id), nullptr);
  }
  m_session->edited();
  m_scans->refreshChoice();
  refreshPlots();
  Q_EMIT activeRunsChanged(m_registry->activeRuns());
}

void RunsController::rename(const QString& id, const QString& name) {
  ProjectRun* r = m_session->project().findRun(ss(id));
  if (!r || name.trimmed().isEmpty()) {
    m_runs->updateRow(id);
    return;
  }
  r->config.name = m_session->project().uniqueRunName(ss(name.trimmed()), r->id);
  m_session->edited();
  m_runs->updateRow(id);
  refreshPlots();
}

void RunsController::redrawTick() {
  bool changed = false;
  for (const QString& id : m_registry->ids()) {
    RunEntry& run = *m_registry->find(id);
    if (!run.active() || !run.liveState) continue;
    std::shared_ptr<const RunPlotData> newest;
    std::shared_ptr<const RocCurve> newestRoc;
    double fraction = 0;
    std::string stage;
    bool started = false;
    {
      std::lock_guard lock(run.liveState->mutex);
      if (run.liveState->dirty) {
        newest = run.liveState->newest;
        newestRoc = run.liveState->newestRoc;
      }
      run.liveState->dirty = false;
      fraction = run.liveState->fraction;
      stage = run.liveState->stage;
      started = run.liveState->started;
    }
    if (!started) continue;
    m_runs->jobPanel()->setProgress(id, fraction, qs(stage));
    if (run.live == RunEntry::Live::Queued) run.live = RunEntry::Live::Training;
    if (run.live == RunEntry::Live::Training &&
        (run.fraction != fraction || run.stage != qs(stage))) {
      run.fraction = fraction;
      run.stage = qs(stage);
      m_runs->setLiveStatus(
          id, tr("training %1 % — %2").arg(static_cast<int>(fraction * 100)).arg(qs(stage)));
    }
    if (newest) {
      const QString label = run.plot.label;
      const QColor color = run.plot.color;
      run.plot = *newest;
      run.plot.key = id;
      run.plot.label = label;
      run.plot.color = color;
      run.hasPlot = true;
      // The significance is live too: ≤ 200 cuts of the snapshot's ROC, at the luminosity
      // factor shown (recomputed when it changes).
      run.liveRoc = newestRoc;
      if (newestRoc) run.plot.significance = significanceCurves(*newestRoc, m_plots->luminosity());
      changed = true;
    }
  }
  // Only the plot on screen is redrawn; the others catch up when shown.
  if (changed) refreshPlots();
  if (m_registry->activeRuns() == 0) m_redrawTimer.stop();
}

void RunsController::recomputeSignificance() {
  const double lumi = m_plots->luminosity();
  for (const QString& id : m_registry->ids()) {
    RunEntry& run = *m_registry->find(id);
    if (run.active() && run.liveRoc)
      run.plot.significance = significanceCurves(*run.liveRoc, lumi);
    else if (run.evaluation)
      run.plot.significance = significanceCurves(run.evaluation->pooledRoc, lumi);
  }
  refreshPlots();
}

int RunsController::curveClass() const {
  const int chosen = m_plots->chosenClass();
  if (chosen >= 0 || !m_session->hasProject()) return chosen;
  return m_session->project().analysis.signalIndex();
}

void RunsController::refreshPlots() {
  QList<RunPlotData> data;
  const bool signalCurves =
      !m_session->hasProject() || curveClass() == m_session->project().analysis.signalIndex();
  for (const ProjectRun& r : m_session->project().runs) {
    if (!r.shown) continue;
    const RunEntry* e = m_registry->find(qs(r.id));
    // A training run's live curves are the signal class's: not drawn over another class's.
    if (e && e->hasPlot && (signalCurves || !e->active())) data << e->plot;
  }
  m_plots->setRuns(data);
}

}  // namespace imbw
