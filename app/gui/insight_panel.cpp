// The "Inputs and outputs" tab: the frame (run choice, tabs, jobs) and the feature ranking with
// "train again without the bottom k features". The other views are in insight_panel_views.cpp.

#include "app/gui/insight_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "app/gui/insight_panel_jobs.h"
#include "app/gui/main_window.h"
#include "core/insight/feature_drop.h"
#include "widgets/correlation_heat_map.h"
#include "widgets/error_bar_chart.h"
#include "widgets/importance_chart.h"

namespace imbw {

InsightPanel::InsightPanel(MainWindow* window, JobRunner* jobs)
    : QWidget(window), m_window(window), m_jobs(jobs) {
  auto* layout = new QVBoxLayout(this);
  auto* top = new QHBoxLayout;
  top->addWidget(new QLabel(tr("Run:"), this));
  m_run = new QComboBox(this);
  m_run->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  m_run->setToolTip(
      tr("A trained run of the project: its held-out scores and fold models are "
         "what the views below read"));
  top->addWidget(m_run);
  m_message = new QLabel(this);
  m_message->setWordWrap(true);
  m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
  top->addWidget(m_message, 1);
  layout->addLayout(top);
  m_tabs = new QTabWidget(this);
  m_tabs->addTab(buildImportanceTab(), tr("Feature ranking"));
  m_tabs->addTab(buildCorrelationTab(), tr("Correlations"));
  m_tabs->addTab(buildCalibrationTab(), tr("Calibration"));
  m_tabs->addTab(buildWorkingPointTab(), tr("Working point"));
  m_tabs->addTab(buildScanTab(), tr("Imbalance scan (r)"));
  layout->addWidget(m_tabs, 1);

  connect(m_run, &QComboBox::currentIndexChanged, this, [this] {
    clearViews();
    computeCurrentTab();
  });
  connect(m_tabs, &QTabWidget::currentChanged, this, [this] { computeCurrentTab(); });
  connect(m_window, &MainWindow::runFinished, this, [this] { refreshRuns(); });
  connect(m_window, &MainWindow::storedRunsEvaluated, this, [this] { refreshRuns(); });
  connect(m_window->session(), &AnalysisSession::projectReplaced, this, [this] {
    cancelScan();
    m_scanPoints.clear();  // the scan shown belonged to the project that was replaced
    m_scanShown.reset();
    m_scanRun.clear();
    m_run->blockSignals(true);
    m_run->clear();
    m_run->blockSignals(false);
    clearViews();
    refreshRuns();
  });
  clearViews();
}

InsightPanel::~InsightPanel() {
  cancelScan();
}

void InsightPanel::showEvent(QShowEvent* event) {
  QWidget::showEvent(event);
  refreshRuns();
  computeCurrentTab();
}

void InsightPanel::refreshRuns() {
  const AnalysisSession* s = m_window->session();
  const QString keep = currentRun();
  QList<QPair<QString, QString>> runs;
  if (s->hasProject())
    for (const ProjectRun& r : s->project().runs)
      if (r.status == RunStatus::Done && s->stored(r.id))
        runs << qMakePair(QString::fromStdString(r.id), QString::fromStdString(r.name()));
  bool same = runs.size() == m_run->count();
  for (int i = 0; same && i < runs.size(); ++i)
    same = m_run->itemData(i).toString() == runs[i].first && m_run->itemText(i) == runs[i].second;
  if (same) return;
  m_run->blockSignals(true);
  m_run->clear();
  for (const auto& [id, name] : runs) m_run->addItem(name, id);
  const int at = m_run->findData(keep);
  m_run->setCurrentIndex(at >= 0 ? at : 0);
  m_run->blockSignals(false);
  if (currentRun() != keep) {
    clearViews();
    if (isVisible()) computeCurrentTab();
  }
  if (runs.isEmpty())
    setMessage(tr("No trained run yet: train one (F5) or open a project with results."));
}

bool InsightPanel::setRun(const QString& id) {
  refreshRuns();
  const int at = m_run->findData(id);
  if (at < 0) return false;
  m_run->setCurrentIndex(at);
  return true;
}

QString InsightPanel::currentRun() const {
  return m_run->currentData().toString();
}

QString InsightPanel::message() const {
  return m_message->text();
}

void InsightPanel::setMessage(const QString& text, bool error) {
  m_message->setText(text);
  m_message->setStyleSheet(error ? QStringLiteral("color: #b00020") : QString());
}

void InsightPanel::clearViews() {
  ++m_generations[QStringLiteral("importance")];
  ++m_generations[QStringLiteral("correlations")];
  ++m_generations[QStringLiteral("calibration")];
  ++m_generations[QStringLiteral("working point")];
  m_importance.reset();
  m_correlations.reset();
  m_calibration.reset();
  m_workingPoint.reset();
  m_importanceRun.clear();
  m_overlay.clear();
  m_permutationChart->clear(
      tr("Choose a trained run: its features are ranked by how much the "
         "held-out AP (or AUC) drops when one feature is shuffled."));
  m_gainChart->clear(tr("Boosted trees and forests also show each feature's total gain."));
  m_trainWithout->setEnabled(false);
  m_heatMap->clear(tr("Correlations of the features, per class, after the cut."));
  m_pairs->clear();
  m_reliability->setCurves({}, true);
  m_calibrationTable->setRowCount(0);
  m_calibrationNotes->clear();
  m_wpTable->setRowCount(0);
  m_wpKeep->setEnabled(false);
  showKeptWorkingPoint();
  setMessage({});
  showStoredScan();
}

void InsightPanel::computeCurrentTab() {
  if (!isVisible() || !m_window->session()->hasProject()) return;
  QWidget* tab = m_tabs->currentWidget();
  const int i = m_tabs->indexOf(tab);
  if (i == 0 && !m_importance) computeImportance();
  if (i == 1 && !m_correlations) computeCorrelations();
  if (i == 2 && !m_calibration) computeCalibration();
  if (i == 3 && !m_workingPoint) computeWorkingPoint();
}

std::optional<InsightPanel::RunData> InsightPanel::runData(const QString& view) {
  const AnalysisSession* s = m_window->session();
  auto refuse = [&](const QString& why) {
    setMessage(why, true);
    Q_EMIT failed(view, why);
    return std::nullopt;
  };
  if (!s->hasProject()) return refuse(tr("No project is open."));
  if (!s->loaded()) return refuse(tr("The events are not loaded yet (see the Samples panel)."));
  return runDataFor(currentRun(), view);
}

std::optional<InsightPanel::RunData> InsightPanel::runDataFor(const QString& id,
                                                              const QString& view) {
  const AnalysisSession* s = m_window->session();
  auto refuse = [&](const QString& why) {
    setMessage(why, true);
    Q_EMIT failed(view, why);
    return std::nullopt;
  };
  if (!s->hasProject() || !s->loaded()) return refuse(tr("No project with loaded events."));
  const ProjectRun* r = id.isEmpty() ? nullptr : s->project().findRun(id.toStdString());
  if (!r) return refuse(tr("No trained run: train one (F5) or open a project with results."));
  auto stored = s->stored(r->id);
  if (!stored)
    return refuse(
        tr("Run “%1” has no stored results: train it.").arg(QString::fromStdString(r->name())));
  return RunData{*r, std::move(stored), s->loaded(), runFeatures(*r, s->project().analysis)};
}

// ---------------------------------------------------------------------------------------------
// Feature ranking

QWidget* InsightPanel::buildImportanceTab() {
  auto* w = new QWidget(this);
  auto* layout = new QVBoxLayout(w);
  auto* controls = new QHBoxLayout;
  controls->addWidget(new QLabel(tr("Drop of"), w));
  m_metric = new QComboBox(w);
  m_metric->addItem(tr("AP (average precision)"), QStringLiteral("ap"));
  m_metric->addItem(tr("ROC AUC"), QStringLiteral("auc"));
  m_metric->setToolTip(
      tr("The metric whose drop on each fold's held-out events (event weights "
         "included) measures a feature's importance"));
  controls->addWidget(m_metric);
  controls->addWidget(new QLabel(tr("shuffles per feature and fold"), w));
  m_repeats = new QSpinBox(w);
  m_repeats->setRange(1, 100);
  m_repeats->setValue(5);
  controls->addWidget(m_repeats);
  auto* rank = new QPushButton(tr("Rank"), w);
  controls->addWidget(rank);
  m_overlayButton = new QPushButton(tr("Overlay selected runs"), w);
  m_overlayButton->setToolTip(
      tr("Ranks every run selected in the runs table (with results) and draws their bars "
         "side by side, each in the run's colour, the features in one order"));
  controls->addWidget(m_overlayButton);
  controls->addStretch(1);
  layout->addLayout(controls);
  // The action on a ranking on a row of its own: in one row with the ranking's controls the
  // tab needed 1,100 px, which made the plot area that wide and squeezed the side docks.
  auto* retrain = new QHBoxLayout;
  retrain->addWidget(new QLabel(tr("Train again without the bottom"), w));
  m_bottomK = new QSpinBox(w);
  m_bottomK->setRange(1, 999);
  m_bottomK->setValue(3);
  m_bottomK->setSuffix(tr(" features"));
  retrain->addWidget(m_bottomK);
  m_trainWithout = new QPushButton(tr("Train"), w);
  m_trainWithout->setToolTip(
      tr("Adds a copy of the run without its k lowest-ranked features "
         "(by the permutation ranking shown) and trains it"));
  retrain->addWidget(m_trainWithout);
  retrain->addStretch(1);
  layout->addLayout(retrain);
  auto* split = new QSplitter(Qt::Horizontal, w);
  auto scrolled = [split](QWidget* chart) {
    auto* area = new QScrollArea(split);
    area->setWidget(chart);
    area->setWidgetResizable(true);
    area->setFrameShape(QFrame::NoFrame);
    return area;
  };
  m_permutationChart = new ImportanceChart;
  m_gainChart = new ImportanceChart;
  split->addWidget(scrolled(m_permutationChart));
  split->addWidget(scrolled(m_gainChart));
  split->setStretchFactor(0, 3);
  split->setStretchFactor(1, 2);
  layout->addWidget(split, 1);
  connect(rank, &QPushButton::clicked, this, &InsightPanel::computeImportance);
  connect(m_metric, &QComboBox::currentIndexChanged, this, [this] {
    if (m_importance) computeImportance();
  });
  connect(m_overlayButton, &QPushButton::clicked, this, [this] { overlayRuns(); });
  connect(m_trainWithout, &QPushButton::clicked, this,
          [this] { trainWithoutBottom(m_bottomK->value()); });
  return w;
}

void InsightPanel::computeImportance() {
  const QString view = QStringLiteral("importance");
  auto data = runData(view);
  if (!data) return;
  PermutationOptions options;
  options.metric = importanceMetricFromName(m_metric->currentData().toString().toStdString());
  options.repeats = m_repeats->value();
  options.seed = data->run.config.seed;  // as `imbalance-cli importance` draws them
  const QString runId = QString::fromStdString(data->run.id);
  setMessage(tr("Ranking the features of “%1” (%2 shuffles × %3 features × %4 folds)…")
                 .arg(QString::fromStdString(data->run.name()))
                 .arg(options.repeats)
                 .arg(data->features.size())
                 .arg(data->stored->models.size()));
  startInsightJob<RunImportance>(
      this, m_jobs, m_generations, view,
      [d = *data, options] {
        return ::imbw::computeImportance(d.loaded->table, *d.stored, d.run, d.features, options);
      },
      [this, runId](RunImportance r) {
        m_importance = std::move(r);
        m_importanceRun = runId;
        showImportance();
      });
}

void InsightPanel::showImportance() {
  if (!m_importance) return;
  const RunImportance& r = *m_importance;
  const bool ap = r.permutation.metric == ImportanceMetric::AveragePrecision;
  const QString metric = ap ? QStringLiteral("AP") : QStringLiteral("AUC");
  QList<ImportanceBar> bars;
  for (std::size_t f = 0; f < r.permutation.features.size(); ++f)
    bars << ImportanceBar{QString::fromStdString(r.permutation.features[f]), r.permutation.mean[f],
                          r.permutation.std[f]};
  m_permutationChart->setBars(
      tr("Permutation importance (held-out %1 %2)").arg(metric).arg(r.baseline, 0, 'f', 4),
      tr("Δ%1 when the feature is shuffled").arg(metric), bars, 4);
  if (r.hasTrees) {
    double total = 0;
    for (double g : r.trees.totalGain) total += g;
    QList<ImportanceBar> gain;
    for (std::size_t f = 0; f < r.trees.features.size(); ++f)
      gain << ImportanceBar{QStringLiteral("%1 (%2 splits)")
                                .arg(QString::fromStdString(r.trees.features[f]))
                                .arg(r.trees.splitCount[f], 0, 'f', 0),
                            total > 0 ? 100.0 * r.trees.totalGain[f] / total : NAN, NAN};
    m_gainChart->setBars(tr("Tree gain (%1)").arg(QString::fromStdString(r.trees.gainKind)),
                         tr("% of the total gain (all folds)"), gain, 1);
  } else {
    m_gainChart->clear(tr("This model has no trees: only the permutation ranking applies."));
  }
  const int n = static_cast<int>(r.permutation.features.size());
  m_bottomK->setMaximum(std::max(1, n - 1));
  m_trainWithout->setEnabled(n > 1);
  setMessage(tr("%1 features ranked: the bars are the mean drop over folds × shuffles, the "
                "whiskers its sample standard deviation.")
                 .arg(n));
}

QString InsightPanel::trainWithoutBottom(int k) {
  if (!m_importance || m_importanceRun != currentRun()) {
    setMessage(tr("Rank this run's features first."), true);
    return {};
  }
  const RunPermutationImportance& p = m_importance->permutation;
  const int n = static_cast<int>(p.features.size());
  if (k < 1 || k >= n) {
    setMessage(tr("Keep at least one feature: k must be between 1 and %1.").arg(n - 1), true);
    return {};
  }
  const QString id = currentRun();
  const ProjectRun* source = m_window->session()->project().findRun(id.toStdString());
  if (!source) return {};
  // Which features go and the copy's name: core's, as `imbalance-cli importance --drop-bottom`.
  const FeatureDrop drop = dropBottomFeatures(p, k);
  const RunConfig config = featureDropConfig(source->config, drop);
  const QString name = QString::fromStdString(source->name());
  const QString copy = m_window->duplicateRun(id);
  if (copy.isEmpty()) return {};
  m_window->session()->project().findRun(copy.toStdString())->config.features = config.features;
  QStringList names;
  for (const auto& d : drop.dropped) names << QString::fromStdString(d);
  m_window->renameRun(copy, QString::fromStdString(config.name));
  if (!m_window->trainRun(copy)) {
    setMessage(m_window->trainingRefusal(), true);
    return copy;
  }
  setMessage(tr("Training “%1” without %2.").arg(name, names.join(", ")));
  return copy;
}

}  // namespace imbw
