// Starting runs from the window: the panels' configuration, the checks before a run may start
// (events loaded, a valid cut, yields of that cut, features), new runs and α–γ scans in the
// project; the lifecycle after that is RunsController's.
#include <QStatusBar>

#include "app/gui/class_subsample_box.h"
#include "app/gui/cluster_monitor.h"
#include "app/gui/core_convert.h"
#include "app/gui/cut_panel.h"
#include "app/gui/loss_panel.h"
#include "app/gui/main_window.h"
#include "app/gui/model_panel.h"
#include "app/gui/scan_panel.h"
#include "core/learn/model.h"
#include "widgets/cut_editor.h"
#include "widgets/feature_list.h"

namespace imbw {

QStringList MainWindow::runKeys() const {
  QStringList out;
  for (const ProjectRun& r : m_session->project().runs) out << qs(r.id);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Starting, finishing and editing runs

void MainWindow::refuse(const QString& why) {
  m_trainingRefusal = why;
  m_modelPanel->showMessage(why);
  statusBar()->showMessage(tr("Not started: %1").arg(why));
}

std::optional<RunConfig> MainWindow::currentRunConfig(QString* why) {
  RunConfig spec;
  m_modelPanel->fillConfig(spec);
  m_lossPanel->fillConfig(spec);
  try {
    spec.loss.validate();
    spec.resample.validate();
    makeModel(spec.model);  // checks the hyper-parameters now, next to the form
  } catch (const std::exception& e) {
    *why = qs(e.what());
    return std::nullopt;
  }
  return spec;
}

void MainWindow::applyRunConfig(const RunConfig& spec) {
  m_modelPanel->applyConfig(spec);
  m_lossPanel->applyConfig(spec);
  if (auto* box = findChild<ClassSubsampleBox*>()) box->takeFromRun(spec);
}

bool MainWindow::launchRun(const QString& id) {
  ProjectRun* run = m_session->project().findRun(ss(id));
  if (!run) return false;
  // A run trained without a draw of its own takes the project's controlled imbalance.
  if (QString why; !takeProjectClassSubsample(run->config, m_session->project().analysis, &why)) {
    refuse(why);  // the project's controlled imbalance is malformed (its box says where)
    return false;
  }
  m_runsCtl->launch(id);
  return true;
}

bool MainWindow::startTraining() {
  m_trainingRefusal.clear();
  m_modelPanel->showMessage({});
  if (!m_session->loaded()) {
    refuse(m_session->hasProject() ? tr("the events are not loaded (see the Samples panel)")
                                   : tr("open an analysis first"));
    return false;
  }
  if (!m_cutPanel->isValid()) {
    refuse(tr("the cut is not valid: %1").arg(m_cutPanel->errorText()));
    return false;
  }
  const auto& sel = m_session->selection();
  if (m_cutPanel->yieldsPending()) {
    m_cutPanel->computeYields();
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
  config->name.clear();  // the project names it from its configuration, uniquely
  ProjectRun& run = m_session->project().addRun(*config, ss(m_cutPanel->cutText()));
  const QString id = qs(run.id);
  m_registry->add(id);
  m_runsPanel->addRow(qs(run.id));
  m_session->edited();
  const bool started = launchRun(id);
  selectRuns({id});
  return started;
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
  return launchRun(id);
}

// ---------------------------------------------------------------------------------------------
// Live progress and plots

void MainWindow::refreshCurveClassChoice() {
  const Analysis& a = m_session->project().analysis;
  m_plots->setClasses(a.classes, a.signalIndex());
}

// ---------------------------------------------------------------------------------------------
// α–γ scans (the panel: scan_panel.cpp)

bool MainWindow::startScan(const QList<double>& alphas, const QList<double>& gammas,
                           bool onCluster) {
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
  if (!m_session->loaded() || !m_cutPanel->isValid() || m_cutPanel->yieldsPending()) {
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
  const QStringList ids = m_runsCtl->addScanRuns(qs(scan.id), m_cutPanel->cutText());
  if (onCluster) {  // app/gui/cluster_monitor: saved, submitted as one job array, watched
    m_scanPanel->refreshChoice();
    m_scanPanel->showScan(qs(scan.id));
    const QString why = m_cluster->runScanOnCluster(qs(scan.id), ids);
    if (!why.isEmpty()) m_scanPanel->setMessage(why);
    return why.isEmpty();
  }
  for (const QString& id : ids) launchRun(id);
  m_scanPanel->refreshChoice();
  m_scanPanel->showScan(qs(scan.id));
  return true;
}

}  // namespace imbw
