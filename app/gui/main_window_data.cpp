// The window's data side: the features, adding sample files, loading the events in the
// background (the samples and classes: samples_panel.cpp; the cut and yields: cut_panel.cpp),
// and the project's luminosity.
#include <QComboBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QStatusBar>
#include <QTableWidget>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <map>

#include "app/gui/core_convert.h"
#include "app/gui/cut_panel.h"
#include "app/gui/main_window.h"
#include "app/gui/samples_panel.h"
#include "app/gui/short_job.h"
#include "core/analysis/yields.h"
#include "core/util/error.h"
#include "widgets/cut_editor.h"
#include "widgets/feature_list.h"
#include "widgets/significance_view.h"
#include "widgets/yields_table.h"

namespace imbw {

void MainWindow::addSampleFiles(const QStringList& paths) {
  if (paths.isEmpty()) return;
  if (!m_session->hasProject()) {
    newProjectWithSamples(paths);
    return;
  }
  Analysis& a = m_session->project().analysis;
  for (const QString& p : paths) {
    Sample s;
    s.name = ss(QFileInfo(p).completeBaseName());
    s.path = ss(QFileInfo(p).absoluteFilePath());
    s.classSource = ClassSource::Fixed;
    // A new file starts as background: the usual case is one signal and many backgrounds.
    s.className = a.classes.front();
    a.samples.push_back(s);
  }
  m_session->edited();
  statusBar()->showMessage(tr("Reading %1 file(s) …").arg(paths.size()));
  m_samplesPanel->populate();
  m_samplesPanel->selectSample(static_cast<int>(a.samples.size()) - 1);
  startLoad();
}

// ---------------------------------------------------------------------------------------------
// Loading

void MainWindow::startLoad() {
  if (!m_session->hasProject()) return;
  const int generation = m_session->beginLoad();
  m_loadError.clear();
  m_session->dropEvents();
  m_cutPanel->yieldsTable()->setStale(true);
  // A load still reading the previous settings stops at its next chunk.
  if (m_loadStop) m_loadStop->store(true);
  m_loadStop = std::make_shared<std::atomic<bool>>(false);
  runShort<LoadOutcome>(
      this, m_jobs,
      [a = m_session->project().analysis,
       stop = std::shared_ptr<const std::atomic<bool>>(m_loadStop)] { return loadEvents(a, stop); },
      [this, generation](LoadOutcome o) {
        // Another project or a newer reload, or stopped.
        if (!m_session->isCurrentLoad(generation) || o.cancelled) return;
        if (!o.error.isEmpty()) {
          // The analysis stays as it is, editable (e.g. a label value its mapping misses is
          // assigned in the Samples panel, then reloaded).
          m_loadError = o.error;
          m_session->setSampleInfo(std::move(o.sampleInfo));
          m_samplesPanel->populate();
          m_samplesPanel->showProblem(o.error);
          statusBar()->showMessage(tr("The events could not be loaded: %1").arg(o.error));
          Q_EMIT loadFailed(o.error);
          return;
        }
        m_samplesPanel->showProblem({});
        m_session->adoptEvents(std::move(o));
        onEventsLoaded();
      });
}

void MainWindow::onEventsLoaded() {
  const int sample = m_samplesPanel->currentSampleIndex();
  m_samplesPanel->populate();
  m_samplesPanel->selectSample(sample);
  const Analysis& a = m_session->project().analysis;
  const EventTable& t = m_session->loaded()->table;
  std::vector<std::string> names = t.columnNames;
  QStringList qnames;
  for (const auto& n : names) qnames << qs(n);
  m_cutPanel->eventsLoaded(names);
  m_features->derivedEditor()->setValidator(
      [names](const QString& text) -> std::optional<ExpressionProblem> {
        if (text.trimmed().isEmpty()) return std::nullopt;
        return checkExpression(text, names);
      });
  m_features->derivedEditor()->setColumnNames(qnames);
  // The raw columns the cut needs are in the table too; list the features and derived ones
  // first, then the rest.
  QStringList featureNames;
  for (const auto& f : a.features) featureNames << qs(f);
  QStringList all = featureNames;
  for (const auto& n : names)
    if (!all.contains(qs(n))) all << qs(n);
  const QString current = m_features->currentFeature();
  {
    QSignalBlocker b(m_features);
    m_features->setFeatures(all, featureNames);
  }
  if (!current.isEmpty() && all.contains(current))
    m_features->setCurrentFeature(current);
  else if (!all.isEmpty())
    m_features->setCurrentFeature(all.first());
  statusBar()->showMessage(
      tr("%1 events loaded from %2 sample(s)").arg(t.size()).arg(a.samples.size()));
  for (const auto& warning : m_session->loaded()->warnings) statusBar()->showMessage(qs(warning));
  Q_EMIT analysisLoaded();
}

// ---------------------------------------------------------------------------------------------
// Cut and yields

std::optional<Yields> MainWindow::currentYields() const {
  const auto& sel = m_session->selection();
  if (!sel) return std::nullopt;
  return sel->after;
}

// ---------------------------------------------------------------------------------------------
// Features

void MainWindow::wireFeatures() {
  connect(m_features, &FeatureList::currentFeatureChanged, this,
          &MainWindow::updateFeatureDistribution);
  connect(m_features, &FeatureList::checkedFeaturesChanged, this, [this](const QStringList& names) {
    if (!m_session->hasProject() || !m_session->loaded()) return;
    std::vector<std::string> features;
    for (const QString& f : names) features.push_back(ss(f));
    if (features == m_session->project().analysis.features) return;
    m_session->project().analysis.features = std::move(features);
    m_session->edited();
  });
  connect(m_features, &FeatureList::derivedFeatureRequested, this,
          [this](const QString& name, const QString& expr) {
            if (!m_session->hasProject()) return;
            Analysis a = m_session->project().analysis;
            a.derived.push_back({ss(name), ss(expr)});
            a.features.push_back(ss(name));
            m_features->setDerivedMessage(QString());
            const int generation = m_session->beginLoad();
            runShort<LoadOutcome>(
                this, m_jobs, [a] { return loadEvents(a); },
                [this, generation](LoadOutcome o) {
                  if (!m_session->isCurrentLoad(generation)) return;
                  if (!o.error.isEmpty()) {
                    // The expression does not evaluate: the project keeps what it had.
                    m_features->setDerivedMessage(o.error);
                    statusBar()->showMessage(o.error);
                    return;
                  }
                  m_session->project().analysis.derived = o.analysis->derived;
                  m_session->project().analysis.features = o.analysis->features;
                  m_session->edited();
                  m_session->adoptEvents(std::move(o));
                  onEventsLoaded();
                });
          });
}

void MainWindow::updateFeatureDistribution() {
  const auto& sel = m_session->selection();
  if (!sel) return;
  const QString feature = m_features->currentFeature();
  if (feature.isEmpty()) return;
  // The mask and the table come from the same selection, so they always match in length.
  runShort<QList<ClassScoreHistogram>>(
      this, m_jobs,
      [data = sel->data, f = ss(feature), keep = sel->keep, stale = sel->superseded] {
        try {
          return featureHistograms(data->table, f, *keep, 40, [&stale] { return stale->load(); });
        } catch (const std::exception&) {
          return QList<ClassScoreHistogram>{};
        }
      },
      [this, feature, stale = sel->superseded](QList<ClassScoreHistogram> h) {
        if (!stale->load() && feature == m_features->currentFeature())
          m_features->setDistribution(feature, h);
      });
}

ProjectLuminosity MainWindow::luminositySetting() const {
  if (!m_session->hasProject()) return {};
  try {
    return projectLuminosity(m_session->project());
  } catch (const Error& e) {
    statusBar()->showMessage(tr("The project's luminosity is ignored: %1").arg(qs(e.what())));
    return {};
  }
}

void MainWindow::setLuminositySetting(const ProjectLuminosity& lumi) {
  if (!m_session->hasProject()) return;
  const bool changed = !(luminositySetting() == lumi);
  if (changed) {
    setProjectLuminosity(m_session->project(), lumi);
    m_session->edited();
  }
  showLuminosity();
  if (changed) Q_EMIT luminosityChanged();
}

void MainWindow::showLuminosity() {
  const ProjectLuminosity lumi = luminositySetting();
  SignificanceView* view = m_plots->significanceView();
  if (std::abs(std::round(lumi.factor * 1e4) / 1e4 - view->luminosity()) > 1e-12)
    view->setLuminosity(lumi.factor);
  const auto integrated = lumi.integratedInvFb();
  view->setIntegratedLuminosity(integrated ? "= " + qs(luminosityText(*integrated)) : QString());
}

}  // namespace imbw
