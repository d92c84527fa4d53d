// The window's runs: the runs table (show box, train in place, duplicate, rename, delete),
// the job panel, training jobs and their live plots, the evaluation of stored results when a
// project opens, and the α–γ scans with their heat map.
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QRegularExpression>
#include <QSortFilterProxyModel>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>
#include <cmath>

#include "app/gui/class_subsample_box.h"
#include "app/gui/core_convert.h"
#include "app/gui/main_window.h"
#include "app/gui/scan_panel.h"
#include "app/gui/short_job.h"
#include "widgets/alpha_gamma_heat_map.h"
#include "widgets/cut_editor.h"
#include "widgets/feature_list.h"
#include "widgets/job_panel.h"
#include "widgets/pr_curve_view.h"
#include "widgets/roc_curve_view.h"
#include "widgets/runs_table_model.h"
#include "widgets/score_histogram_view.h"
#include "widgets/significance_view.h"
#include "widgets/training_history_view.h"

namespace imbw {

namespace {

QString activeRunsText(int n) {
  if (n == 0) return MainWindow::tr("no run active");
  return n == 1 ? MainWindow::tr("1 run active") : MainWindow::tr("%1 runs active").arg(n);
}

FoldStat stat(const ProjectRun& r, const char* key) {
  const auto it = r.aggregate.find(key);
  if (it == r.aggregate.end() || it->second.n == 0) return {};
  return FoldStat{it->second.mean, it->second.std};
}

}  // namespace

QWidget* MainWindow::buildRunsPanel() {
  auto* w = new QWidget(this);
  auto* layout = new QHBoxLayout(w);
  m_jobPanel = new JobPanel(w);
  m_jobPanel->setMinimumWidth(330);
  layout->addWidget(m_jobPanel);
  auto* right = new QVBoxLayout;
  m_runsModel = new RunsTableModel(this);
  m_runsProxy = new QSortFilterProxyModel(this);
  m_runsProxy->setSourceModel(m_runsModel);
  m_runsProxy->setSortRole(RunsTableModel::SortRole);
  m_runsView = new QTableView(w);
  m_runsView->setModel(m_runsProxy);
  m_runsView->setSortingEnabled(true);
  m_runsView->setSelectionBehavior(QAbstractItemView::SelectRows);
  m_runsView->setSelectionMode(QAbstractItemView::ExtendedSelection);
  m_runsView->setContextMenuPolicy(Qt::CustomContextMenu);
  // Fixed widths sized once per finished run (ResizeToContents would measure every cell on
  // each progress update); the configuration takes what is left, elided on one line (its
  // tooltip has all of it), so the metric columns always stay in view.
  QHeaderView* header = m_runsView->horizontalHeader();
  header->setSectionResizeMode(QHeaderView::Interactive);
  header->setSectionResizeMode(RunsTableModel::Config, QHeaderView::Stretch);
  header->setStretchLastSection(false);
  m_runsView->setWordWrap(false);
  m_runsView->setTextElideMode(Qt::ElideRight);
  m_runsView->setColumnWidth(RunsTableModel::Show, header->sectionSizeHint(RunsTableModel::Show));
  m_runsView->setColumnWidth(RunsTableModel::Name, 190);
  m_runsView->setColumnWidth(RunsTableModel::Status, 120);
  for (int c = RunsTableModel::Ap; c < RunsTableModel::ColumnCount; ++c)
    m_runsView->setColumnWidth(c, std::max(header->sectionSizeHint(c), 90));
  m_runsView->verticalHeader()->hide();
  m_runsView->verticalHeader()->setDefaultSectionSize(m_runsView->fontMetrics().height() + 8);
  m_runsView->setToolTip(
      tr("Tick “Show” to draw a run in the plots; double-click a name to rename it; "
         "right-click for train, duplicate, delete"));
  right->addWidget(m_runsView, 1);
  auto* buttons = new QHBoxLayout;
  auto* train = new QPushButton(tr("Train"), w);
  train->setToolTip(
      tr("Train the selected runs in place, each with its own configuration, features and cut"));
  auto* use = new QPushButton(tr("Use configuration"), w);
  use->setToolTip(tr("Load the selected run's settings back into the panels"));
  auto* duplicate = new QPushButton(tr("Duplicate"), w);
  duplicate->setToolTip(tr("A copy of the selected run's configuration, not trained"));
  auto* rename = new QPushButton(tr("Rename"), w);
  auto* del = new QPushButton(tr("Delete"), w);
  for (QPushButton* b : {train, use, duplicate, rename, del}) buttons->addWidget(b);
  buttons->addStretch();
  right->addLayout(buttons);
  layout->addLayout(right, 1);
  connect(m_jobPanel, &JobPanel::cancelRequested, this, &MainWindow::cancelRun);
  connect(train, &QPushButton::clicked, this, [this] {
    for (const QString& id : selectedRuns()) trainRun(id);
  });
  connect(use, &QPushButton::clicked, this, [this] {
    const QStringList ids = selectedRuns();
    if (ids.isEmpty()) return;
    if (const ProjectRun* r = m_session->project().findRun(ss(ids.first()))) {
      applyRunConfig(r->config);
      statusBar()->showMessage(tr("Panels set to the configuration of %1").arg(qs(r->name())));
    }
  });
  connect(duplicate, &QPushButton::clicked, this, [this] {
    for (const QString& id : selectedRuns()) duplicateRun(id);
  });
  connect(del, &QPushButton::clicked, this, [this] { deleteRuns(selectedRuns()); });
  connect(rename, &QPushButton::clicked, this, [this] {
    const QModelIndex idx = m_runsView->currentIndex();
    if (idx.isValid()) m_runsView->edit(m_runsProxy->index(idx.row(), RunsTableModel::Name));
  });
  connect(m_runsView, &QWidget::customContextMenuRequested, this, &MainWindow::showRunsMenu);
  connect(m_runsModel, &RunsTableModel::runRenamed, this,
          [this](const QString& id, const QString& name) { renameRun(id, name); });
  connect(m_runsModel, &RunsTableModel::shownToggled, this, [this](const QString& id, bool shown) {
    ProjectRun* r = m_session->project().findRun(ss(id));
    if (!r) return;
    r->shown = shown;
    updateRunRow(id);
    m_session->edited();
    refreshPlots();
  });
  return w;
}

void MainWindow::showRunsMenu(const QPoint& pos) {
  const QStringList ids = selectedRuns();
  if (ids.isEmpty()) return;
  QMenu menu(this);
  menu.addAction(tr("Train"), this, [this, ids] {
    for (const QString& id : ids) trainRun(id);
  });
  menu.addAction(tr("Cancel"), this, [this, ids] {
    for (const QString& id : ids) cancelRun(id);
  });
  menu.addAction(tr("Duplicate"), this, [this, ids] {
    for (const QString& id : ids) duplicateRun(id);
  });
  menu.addAction(tr("Rename"), this, [this] {
    const QModelIndex idx = m_runsView->currentIndex();
    if (idx.isValid()) m_runsView->edit(m_runsProxy->index(idx.row(), RunsTableModel::Name));
  });
  menu.addAction(tr("Show only these"), this, [this, ids] { setShownRuns(ids); });
  menu.addSeparator();
  menu.addAction(tr("Delete"), this, [this, ids] { deleteRuns(ids); });
  menu.exec(m_runsView->viewport()->mapToGlobal(pos));
}

void MainWindow::setShownRuns(const QStringList& ids) {
  for (ProjectRun& r : m_session->project().runs) {
    const bool shown = ids.contains(qs(r.id));
    r.shown = shown;
    updateRunRow(qs(r.id));
  }
  m_session->edited();
  refreshPlots();
}

QStringList MainWindow::runKeys() const {
  QStringList out;
  for (const ProjectRun& r : m_session->project().runs) out << qs(r.id);
  return out;
}

void MainWindow::resetRuns() {
  for (const QString& id : m_registry->ids()) {
    RunEntry* e = m_registry->find(id);
    if (e && e->watcher) {
      e->watcher->disconnect(this);
      e->watcher->cancel();
      e->watcher->deleteLater();
    }
    m_jobPanel->removeJob(id);
  }
  m_registry->clear();
  m_runsModel->clear();
  m_plotted.clear();
  for (const ProjectRun& r : m_session->project().runs) {
    m_registry->add(qs(r.id));
    addRunRow(r);  // colours come when a run draws (updateRunRow)
  }
  m_scanPanel->refreshChoice();
  refreshPlots();
  m_statusRuns->setText(activeRunsText(0));
}

void MainWindow::addRunRow(const ProjectRun& run) {
  RunRow row;
  row.key = qs(run.id);
  m_runsModel->addRun(row);
  updateRunRow(qs(run.id));
}

void MainWindow::updateRunRow(const QString& id) {
  const ProjectRun* r = m_session->project().findRun(ss(id));
  RunEntry* e = m_registry->find(id);
  if (!r || !e) return;
  // Only shown runs that draw something (training, or with results) take a colour, and the
  // table shows it only for them: the swatch is the plots' legend, and the palette is not
  // spent on configured or hidden runs.
  const auto draws = [](const RunEntry* x) { return x && (x->hasPlot || x->active()); };
  if (draws(e) && r->shown) {
    QStringList drawn;
    for (const ProjectRun& p : m_session->project().runs) {
      const RunEntry* other = m_registry->find(qs(p.id));
      if (p.shown && p.id != r->id && draws(other) && other->colored) drawn << qs(p.id);
    }
    m_registry->assignColor(id, drawn);
  }
  RunRow row;
  row.key = id;
  row.name = qs(r->name());
  row.config = runSummary(r->config);
  row.configDetail =
      runDetails(r->config) + "\n" + tr("Cut: %1").arg(r->cut.empty() ? tr("none") : qs(r->cut));
  row.color = r->shown && e->colored ? e->plot.color : QColor();
  row.shown = r->shown;
  switch (e->live) {
    case RunEntry::Live::Queued:
      row.status = tr("queued");
      break;
    case RunEntry::Live::Training:
      row.status = tr("training %1 % — %2").arg(static_cast<int>(e->fraction * 100)).arg(e->stage);
      break;
    case RunEntry::Live::Cancelling:
      row.status = tr("cancelling…");
      break;
    case RunEntry::Live::Idle:
      switch (r->status) {
        case RunStatus::Configured:
          row.status = tr("not trained");
          break;
        case RunStatus::Done:
          row.status = tr("done");
          break;
        case RunStatus::Cancelled:
          row.status = tr("cancelled");
          break;
        case RunStatus::Failed:
          row.status = tr("failed: %1").arg(qs(r->message));
          break;
      }
  }
  if (r->status == RunStatus::Done || r->status == RunStatus::Cancelled) {
    row.ap = stat(*r, "ap");
    row.auc = stat(*r, "auc");
    row.apOverR = stat(*r, "ap_over_r");
    row.rejection20 = stat(*r, "rejection_at_eff_s_0.2");
    row.rejection80 = stat(*r, "rejection_at_eff_s_0.8");
    row.fitTime = stat(*r, "fit_seconds");
  }
  e->plot.label = row.name;
  m_runsModel->updateRun(row);
}

// ---------------------------------------------------------------------------------------------
// Starting, finishing and editing runs

void MainWindow::refuse(const QString& why) {
  m_trainingRefusal = why;
  m_modelMessage->setText(why);
  m_modelMessage->show();
  statusBar()->showMessage(tr("Not started: %1").arg(why));
}

bool MainWindow::startTraining() {
  m_trainingRefusal.clear();
  m_modelMessage->hide();
  if (!m_session->loaded()) {
    refuse(m_session->hasProject() ? tr("the events are not loaded (see the Samples panel)")
                                   : tr("open an analysis first"));
    return false;
  }
  if (!m_cutEditor->isValid()) {
    refuse(tr("the cut is not valid: %1").arg(m_cutEditor->errorText()));
    return false;
  }
  const auto& sel = m_session->selection();
  if (m_yieldsDebounce.isActive() || !sel || sel->data != m_session->loaded()) {
    computeYields();
    refuse(tr("the yields of the new cut are still being computed; press Train again"));
    return false;
  }
  if (const QString empty = emptyClassMessage(sel->after); !empty.isEmpty()) {
    refuse(empty);
    return false;
  }
  if (m_features->checkedFeatures().isEmpty()) {
    refuse(tr("tick at least one feature in the Features panel"));
    return false;
  }
  QString why;
  auto config = currentRunConfig(&why);
  if (!config) {
    refuse(why);
    return false;
  }
  config->features.clear();
  for (const QString& f : m_features->checkedFeatures()) config->features.push_back(ss(f));
  config->name = ss(QString("%1 %2").arg(m_modelKind->currentText(),
                                         m_lossKind->currentData().toString() == "focal"
                                             ? QString("focal α=%1 γ=%2")
                                                   .arg(m_alpha->value(), 0, 'g', 3)
                                                   .arg(m_gamma->value(), 0, 'g', 3)
                                             : m_lossKind->currentText().toLower()));
  ProjectRun& run = m_session->project().addRun(*config, ss(m_cutEditor->text().trimmed()));
  const QString id = qs(run.id);
  m_registry->add(id);
  addRunRow(run);
  m_session->edited();
  launch(id);
  selectRuns({id});
  return true;
}

bool MainWindow::trainRun(const QString& id) {
  m_trainingRefusal.clear();
  const ProjectRun* r = m_session->project().findRun(ss(id));
  RunEntry* e = m_registry->find(id);
  if (!r || !e) return false;
  if (e->active()) return false;  // already queued or training
  if (!m_session->loaded()) {
    refuse(tr("the events are not loaded (see the Samples panel)"));
    return false;
  }
  launch(id);
  return true;
}

QString MainWindow::launch(const QString& id) {
  ProjectRun& run = *m_session->project().findRun(ss(id));
  RunEntry& entry = *m_registry->find(id);
  if (QString why; !takeProjectClassSubsample(run.config, m_session->project().analysis, &why)) {
    refuse(why);  // the project's controlled imbalance is malformed (its box says where)
    return {};
  }
  RunConfig config = run.config;
  if (config.features.empty()) config.features = m_session->project().analysis.features;
  entry.live = RunEntry::Live::Queued;
  entry.fraction = 0;
  entry.stage.clear();
  entry.liveState = std::make_shared<LiveRunState>();
  entry.watcher = new QFutureWatcher<TrainingOutcome>(this);
  connect(entry.watcher, &QFutureWatcherBase::finished, this, [this, id] { onRunFinished(id); });
  m_jobPanel->addJob(id, qs(run.name()));
  entry.watcher->setFuture(
      startTrainingJob(*m_jobs, m_session->loaded(), config, run.cut, entry.liveState));
  updateRunRow(id);
  if (!m_redrawTimer.isActive()) m_redrawTimer.start();
  statusBar()->showMessage(tr("Queued %1").arg(qs(run.name())));
  m_statusRuns->setText(activeRunsText(activeRuns()));
  return id;
}

void MainWindow::cancelRun(const QString& key) {
  RunEntry* e = m_registry->find(key);
  if (!e || !e->active() || !e->watcher) return;
  e->watcher->cancel();
  e->live = RunEntry::Live::Cancelling;
  updateRunRow(key);
}

void MainWindow::cancelAllRuns() {
  for (const QString& id : m_registry->ids()) cancelRun(id);
}

void MainWindow::onRunFinished(const QString& id) {
  RunEntry* e = m_registry->find(id);
  ProjectRun* run = m_session->project().findRun(ss(id));
  if (!e) return;
  TrainingOutcome outcome;
  const bool cancelled = e->watcher->isCanceled() || e->watcher->future().resultCount() == 0;
  if (!cancelled) outcome = e->watcher->result();
  e->watcher->deleteLater();
  e->watcher = nullptr;
  e->live = RunEntry::Live::Idle;
  e->liveRoc.reset();
  e->liveState.reset();
  m_jobPanel->removeJob(id);
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
    e->plot.significance = significanceCurves(e->evaluation->pooledRoc, m_sigView->luminosity());
    e->hasPlot = true;
    // The training evaluated the signal class's curves; another class is chosen above the
    // plots: evaluate the stored scores again for it.
    if (curveClass() != m_session->project().analysis.signalIndex()) evaluateStoredRuns();
  }
  m_session->edited();
  updateRunRow(id);
  for (int c = RunsTableModel::Ap; c < RunsTableModel::ColumnCount; ++c)
    m_runsView->resizeColumnToContents(c);
  if (run->scan && m_scanPanel->currentScanId() == qs(run->scan->scanId))
    m_scanPanel->showScan(qs(run->scan->scanId));
  statusBar()->showMessage(tr("%1: %2").arg(qs(run->name()), status));
  m_statusRuns->setText(activeRunsText(activeRuns()));
  refreshPlots();
  Q_EMIT runFinished(id, status);
}

void MainWindow::evaluateStoredRuns() {
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
         ap = mean("ap"), auc = mean("auc"), lumi = m_sigView->luminosity(),
         curves = curveClass()] {
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
            updateRunRow(id);
          } else if (!ev.error.isEmpty()) {
            statusBar()->showMessage(tr("Stored results of %1: %2").arg(id, ev.error));
          }
          if (--*pending == 0) {
            m_scanPanel->refreshChoice();
            refreshPlots();
            Q_EMIT storedRunsEvaluated();
          }
        });
  }
  if (*pending == 0) Q_EMIT storedRunsEvaluated();
}

QString MainWindow::duplicateRun(const QString& id) {
  const ProjectRun* r = m_session->project().findRun(ss(id));
  if (!r) return {};
  RunConfig config = r->config;
  ProjectRun& copy = m_session->project().addRun(config, r->cut);
  m_registry->add(qs(copy.id));
  addRunRow(copy);
  m_session->edited();
  return qs(copy.id);
}

void MainWindow::deleteRuns(const QStringList& ids) {
  for (const QString& id : ids) {
    if (RunEntry* e = m_registry->find(id); e && e->watcher) {
      e->watcher->disconnect(this);
      e->watcher->cancel();
      e->watcher->deleteLater();
      m_jobPanel->removeJob(id);
    }
    m_registry->remove(id);
    m_runsModel->removeRun(id);
    m_session->project().removeRun(ss(id));
    m_session->setStored(ss(id), nullptr);
  }
  m_session->edited();
  m_scanPanel->refreshChoice();
  refreshPlots();
  m_statusRuns->setText(activeRunsText(activeRuns()));
}

void MainWindow::renameRun(const QString& id, const QString& name) {
  ProjectRun* r = m_session->project().findRun(ss(id));
  if (!r || name.trimmed().isEmpty()) {
    updateRunRow(id);
    return;
  }
  r->config.name = m_session->project().uniqueRunName(ss(name.trimmed()), r->id);
  m_session->edited();
  updateRunRow(id);
  refreshPlots();
}

// ---------------------------------------------------------------------------------------------
// Live progress and plots

void MainWindow::redrawTick() {
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
    m_jobPanel->setProgress(id, fraction, qs(stage));
    if (run.live == RunEntry::Live::Queued) run.live = RunEntry::Live::Training;
    if (run.live == RunEntry::Live::Training &&
        (run.fraction != fraction || run.stage != qs(stage))) {
      run.fraction = fraction;
      run.stage = qs(stage);
      m_runsModel->setStatus(
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
      if (newestRoc)
        run.plot.significance = significanceCurves(*newestRoc, m_sigView->luminosity());
      changed = true;
    }
  }
  // Only the plot on screen is redrawn; the others catch up when shown.
  if (changed) refreshPlots();
  if (activeRuns() == 0) m_redrawTimer.stop();
}

void MainWindow::recomputeSignificance() {
  const double lumi = m_sigView->luminosity();
  for (const QString& id : m_registry->ids()) {
    RunEntry& run = *m_registry->find(id);
    if (run.active() && run.liveRoc)
      run.plot.significance = significanceCurves(*run.liveRoc, lumi);
    else if (run.evaluation)
      run.plot.significance = significanceCurves(run.evaluation->pooledRoc, lumi);
  }
  refreshPlots();
}

QStringList MainWindow::selectedRuns() const {
  QStringList keys;
  for (const QModelIndex& idx : m_runsView->selectionModel()->selectedRows())
    keys << idx.data(RunsTableModel::KeyRole).toString();
  return keys;
}

void MainWindow::selectRuns(const QStringList& keys) {
  QItemSelection sel;
  for (const QString& key : keys) {
    const int r = m_runsModel->rowOf(key);
    if (r < 0) continue;
    const QModelIndex a = m_runsProxy->mapFromSource(m_runsModel->index(r, 0));
    const QModelIndex b =
        m_runsProxy->mapFromSource(m_runsModel->index(r, RunsTableModel::ColumnCount - 1));
    sel.select(a, b);
  }
  m_runsView->selectionModel()->select(sel, QItemSelectionModel::ClearAndSelect);
}

int MainWindow::curveClass() const {
  const int signal = m_session->hasProject() ? m_session->project().analysis.signalIndex() : -1;
  const bool chosen = m_session->hasProject() && m_session->project().analysis.classes.size() > 2 &&
                      m_curveClass->currentIndex() >= 0;
  return chosen ? m_curveClass->currentData().toInt() : signal;
}

void MainWindow::refreshCurveClassChoice() {
  const Analysis& a = m_session->project().analysis;
  const QString before = m_curveClass->currentText();
  {
    QSignalBlocker b(m_curveClass);
    m_curveClass->clear();
    for (std::size_t c = 0; c < a.classes.size(); ++c)
      m_curveClass->addItem(tr("%1 vs rest").arg(qs(a.classes[c])), static_cast<int>(c));
    const int keep = m_curveClass->findText(before);
    m_curveClass->setCurrentIndex(keep >= 0 ? keep : std::max(0, a.signalIndex()));
  }
  m_curveClassRow->setVisible(a.classes.size() > 2);
}

void MainWindow::refreshPlots() {
  QList<RunPlotData> data;
  const bool signalCurves =
      !m_session->hasProject() || curveClass() == m_session->project().analysis.signalIndex();
  for (const ProjectRun& r : m_session->project().runs) {
    if (!r.shown) continue;
    const RunEntry* e = m_registry->find(qs(r.id));
    // A training run's live curves are the signal class's: not drawn over another class's.
    if (e && e->hasPlot && (signalCurves || !e->active())) data << e->plot;
  }
  m_plotted = data;
  // Drawing a hidden plot costs the event loop for nothing (the training history's first
  // series took 40–60 ms at the end of a run), so only the plot on screen is drawn now.
  m_stalePlots = {m_prView, m_rocView, m_scoreView, m_historyView, m_sigView};
  showPlotsIn(m_plotTabs->currentWidget());
}

void MainWindow::showPlotsIn(QWidget* view) {
  if (!m_stalePlots.remove(view)) return;
  if (view == m_prView) m_prView->setRuns(m_plotted);
  if (view == m_rocView) m_rocView->setRuns(m_plotted);
  if (view == m_scoreView) m_scoreView->setRuns(m_plotted);
  if (view == m_historyView) m_historyView->setRuns(m_plotted);
  if (view == m_sigView) m_sigView->setRuns(m_plotted);
}

// ---------------------------------------------------------------------------------------------
// α–γ scans (the panel: scan_panel.cpp)

bool MainWindow::startScan(const QList<double>& alphas, const QList<double>& gammas) {
  for (double a : alphas)
    if (a < 0 || a > 1) {
      m_scanPanel->setMessage(tr("α = %1 is outside [0, 1]").arg(a));
      return false;
    }
  for (double g : gammas)
    if (g < 0) {
      m_scanPanel->setMessage(tr("γ = %1 is negative").arg(g));
      return false;
    }
  m_trainingRefusal.clear();
  const auto& sel = m_session->selection();
  if (!m_session->loaded() || !m_cutEditor->isValid() || !sel || sel->data != m_session->loaded()) {
    m_scanPanel->setMessage(tr("Load an analysis with a valid cut first."));
    return false;
  }
  if (m_features->checkedFeatures().isEmpty()) {
    m_scanPanel->setMessage(tr("Tick at least one feature in the Features panel."));
    return false;
  }
  QString why;
  auto base = currentRunConfig(&why);
  if (!base) {
    m_scanPanel->setMessage(why);
    return false;
  }
  base->features.clear();
  for (const QString& f : m_features->checkedFeatures()) base->features.push_back(ss(f));
  Project& project = m_session->project();
  ScanDefinition scan;
  scan.id = project.newScanId();
  scan.alphas.assign(alphas.begin(), alphas.end());
  scan.gammas.assign(gammas.begin(), gammas.end());
  scan.metric = m_scanPanel->metricKey();
  scan.base = *base;
  scan.base.loss.kind = LossKind::Focal;
  project.scans.push_back(scan);
  m_scanPanel->setGridText(alphas, gammas);  // the fields show the grid the map shows
  const std::string cut = ss(m_cutEditor->text().trimmed());
  QStringList ids;
  for (double g : gammas)
    for (double a : alphas) {
      RunConfig config = scan.base;
      config.loss.alpha = a;
      config.loss.gamma = g;
      config.alphaFromSignalFraction = false;
      config.name = ss(
          QString("%1 scan %2 α=%3 γ=%4").arg(qs(config.modelKind()), qs(scan.id)).arg(a).arg(g));
      ProjectRun& run = project.addRun(config, cut);
      run.scan = ScanMembership{scan.id, a, g};
      run.shown = false;  // a scan's runs are read on the heat map; click a cell to see one
      m_registry->add(qs(run.id));
      addRunRow(run);
      ids << qs(run.id);
    }
  m_session->edited();
  for (const QString& id : ids) launch(id);
  m_scanPanel->refreshChoice();
  m_scanPanel->showScan(qs(scan.id));
  return true;
}

}  // namespace imbw
