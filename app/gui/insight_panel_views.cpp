// The "Inputs and outputs" tab: correlations, calibration, working point and the scan over r.

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "app/gui/insight_panel.h"
#include "app/gui/insight_panel_jobs.h"
#include "app/gui/job_runner.h"
#include "app/gui/main_window.h"
#include "core/util/error.h"
#include "widgets/chart_view.h"
#include "widgets/correlation_heat_map.h"
#include "widgets/error_bar_chart.h"
#include "widgets/rich_text.h"

namespace imbw {

namespace {

QString num(double v, int decimals) {
  if (!std::isfinite(v)) return QStringLiteral("–");
  return QString::number(v, 'f', decimals);
}

QString pm(double mean, double sd, int decimals) {
  QString s = num(mean, decimals);
  if (std::isfinite(mean) && std::isfinite(sd)) s += QStringLiteral(" ± ") + num(sd, decimals);
  return s;
}

QTableWidget* makeTable(QWidget* parent, const QStringList& head) {
  auto* t = new QTableWidget(0, static_cast<int>(head.size()), parent);
  t->setHorizontalHeaderLabels(head);
  t->verticalHeader()->setVisible(false);
  t->setEditTriggers(QAbstractItemView::NoEditTriggers);
  t->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  t->horizontalHeader()->setStretchLastSection(true);
  return t;
}

void setRow(QTableWidget* t, int row, const QStringList& cells) {
  if (t->rowCount() <= row) t->setRowCount(row + 1);
  for (int c = 0; c < cells.size(); ++c) {
    auto* item = new QTableWidgetItem(cells[c]);
    if (c > 0) item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    t->setItem(row, c, item);
  }
}

const QList<QColor>& curveColors() {
  static const QList<QColor> c{QColor(31, 119, 180), QColor(214, 39, 40), QColor(44, 160, 44),
                               QColor(148, 103, 189)};
  return c;
}

}  // namespace

void InsightPanel::reportFailure(const QString& view, const QString& message) {
  setMessage(tr("%1: %2").arg(view, message), true);
  Q_EMIT failed(view, message);
}

// ---------------------------------------------------------------------------------------------
// Correlations

QWidget* InsightPanel::buildCorrelationTab() {
  auto* w = new QWidget(this);
  auto* layout = new QVBoxLayout(w);
  auto* controls = new QHBoxLayout;
  controls->addWidget(new QLabel(tr("Events:"), w));
  m_corrSelection = new QComboBox(w);
  m_corrSelection->setToolTip(tr("Each class alone, or all events together (after the cut)"));
  controls->addWidget(m_corrSelection);
  m_withScore = new QCheckBox(tr("with the run's score"), w);
  m_withScore->setChecked(true);
  m_withScore->setToolTip(tr("Adds the run's held-out score as a last row and column"));
  controls->addWidget(m_withScore);
  controls->addWidget(new QLabel(tr("list pairs with |ρ| ≥"), w));
  m_threshold = new QDoubleSpinBox(w);
  m_threshold->setRange(0.0, 1.0);
  m_threshold->setSingleStep(0.05);
  m_threshold->setDecimals(2);
  m_threshold->setValue(0.5);
  controls->addWidget(m_threshold);
  auto* compute = new QPushButton(tr("Compute"), w);
  controls->addWidget(compute);
  controls->addStretch(1);
  layout->addLayout(controls);
  auto* split = new QSplitter(Qt::Horizontal, w);
  m_heatMap = new CorrelationHeatMap(split);
  m_pairs = new QListWidget(split);
  m_pairs->setToolTip(tr("Pairs at or above the threshold, by decreasing |ρ|"));
  m_pairs->setMaximumWidth(320);
  split->addWidget(m_heatMap);
  split->addWidget(m_pairs);
  split->setStretchFactor(0, 4);
  split->setStretchFactor(1, 1);
  layout->addWidget(split, 1);
  auto* note = new QLabel(tr("Weighted linear (Pearson) correlation with the event weights; "
                             "events with a missing value in any column are left out."),
                          w);
  note->setWordWrap(true);
  layout->addWidget(note);
  connect(compute, &QPushButton::clicked, this, &InsightPanel::computeCorrelations);
  connect(m_withScore, &QCheckBox::toggled, this, [this] {
    if (m_correlations) computeCorrelations();
  });
  connect(m_threshold, &QDoubleSpinBox::valueChanged, this, [this] {
    if (m_correlations) computeCorrelations();
  });
  connect(m_corrSelection, &QComboBox::currentIndexChanged, this, &InsightPanel::showCorrelation);
  return w;
}

void InsightPanel::computeCorrelations() {
  const QString view = QStringLiteral("correlations");
  const AnalysisSession* s = m_window->session();
  auto loaded = s->loaded();
  if (!s->hasProject() || !loaded) {
    reportFailure(view, tr("the events are not loaded yet (see the Samples panel)"));
    return;
  }
  const auto& sel = s->selection();
  if (!sel || sel->data != loaded) {
    reportFailure(view, tr("the cut's selection is being computed; try again in a moment"));
    return;
  }
  std::shared_ptr<const StoredRun> stored;
  if (m_withScore->isChecked() && !currentRun().isEmpty())
    stored = s->stored(currentRun().toStdString());
  const std::vector<std::string> features = s->project().analysis.features;
  const double threshold = m_threshold->value();
  setMessage(tr("Computing the correlations of %1 features…").arg(features.size()));
  startInsightJob<CorrelationView>(
      this, m_jobs, m_generations, view,
      [loaded, keep = sel->keep, features, stored, threshold] {
        return ::imbw::computeCorrelations(loaded->table, *keep, features, stored.get(), threshold);
      },
      [this](CorrelationView v) {
        const QString keep = m_corrSelection->currentText();
        m_correlations = std::move(v);
        m_corrSelection->blockSignals(true);
        m_corrSelection->clear();
        for (const auto& t : m_correlations->titles)
          m_corrSelection->addItem(QString::fromStdString(t));
        const int at = m_corrSelection->findText(keep);
        m_corrSelection->setCurrentIndex(at >= 0 ? at : 0);
        m_corrSelection->blockSignals(false);
        showCorrelation();
        setMessage({});
      });
}

void InsightPanel::showCorrelation() {
  if (!m_correlations) return;
  const int k = m_corrSelection->currentIndex();
  if (k < 0 || k >= static_cast<int>(m_correlations->matrices.size())) return;
  const CorrelationMatrix& m = m_correlations->matrices[static_cast<std::size_t>(k)];
  QStringList names;
  for (const auto& n : m.names) names << QString::fromStdString(n);
  QList<QList<double>> rho;
  for (const auto& row : m.rho) rho << QList<double>(row.begin(), row.end());
  m_heatMap->setMatrix(tr("%1: %2 events, Σw = %3")
                           .arg(QString::fromStdString(m_correlations->titles[std::size_t(k)]))
                           .arg(m.events)
                           .arg(m.sumWeights, 0, 'f', 1),
                       names, rho);
  m_pairs->clear();
  const auto& pairs = m_correlations->pairs[static_cast<std::size_t>(k)];
  if (pairs.empty())
    m_pairs->addItem(tr("no pair with |ρ| ≥ %1").arg(m_threshold->value(), 0, 'f', 2));
  for (const auto& p : pairs)
    m_pairs->addItem(QStringLiteral("%1 – %2   %3")
                         .arg(QString::fromStdString(p.first), QString::fromStdString(p.second))
                         .arg(num(p.rho, 3).replace('-', QChar(0x2212))));
}

// ---------------------------------------------------------------------------------------------
// Calibration

QWidget* InsightPanel::buildCalibrationTab() {
  auto* w = new QWidget(this);
  auto* layout = new QVBoxLayout(w);
  auto* controls = new QHBoxLayout;
  controls->addWidget(new QLabel(tr("Score bins on [0, 1]:"), w));
  m_bins = new QSpinBox(w);
  m_bins->setRange(2, 100);
  m_bins->setValue(10);
  controls->addWidget(m_bins);
  auto* compute = new QPushButton(tr("Compute"), w);
  controls->addWidget(compute);
  controls->addStretch(1);
  layout->addLayout(controls);
  auto* split = new QSplitter(Qt::Horizontal, w);
  m_reliability = new ErrorBarChart(split);
  m_reliability->chart()->setTitle(tr("Reliability diagram (held-out events)"));
  m_reliability->chart()->setAxisTitles(tr("mean score in the bin"),
                                        tr("signal fraction in the bin (weighted)"));
  m_reliability->chart()->setLegendAlignment(Qt::AlignBottom);
  m_reliability->setMinimumWidth(380);
  auto* right = new QWidget(split);
  auto* rl = new QVBoxLayout(right);
  rl->setContentsMargins(0, 0, 0, 0);
  m_calibrationTable =
      makeTable(right, {tr("scores"), tr("Brier score"), tr("log loss"), tr("mean score")});
  rl->addWidget(m_calibrationTable, 1);
  m_calibrationNotes = new QLabel(right);
  m_calibrationNotes->setWordWrap(true);
  rl->addWidget(m_calibrationNotes);
  right->setMaximumWidth(560);
  // The table scrolls and the notes wrap: without a minimum of its own the panel asked for
  // its widest content, which made the whole plot area (and so the window) 1,100 px wide at
  // least and squeezed the side docks.
  right->setMinimumWidth(240);
  split->addWidget(m_reliability);
  split->addWidget(right);
  split->setStretchFactor(0, 3);
  split->setStretchFactor(1, 1);
  layout->addWidget(split, 1);
  connect(compute, &QPushButton::clicked, this, &InsightPanel::computeCalibration);
  connect(m_bins, &QSpinBox::valueChanged, this, [this] {
    if (m_calibration) computeCalibration();
  });
  return w;
}

void InsightPanel::computeCalibration() {
  const QString view = QStringLiteral("calibration");
  auto data = runData(view);
  if (!data) return;
  const int bins = m_bins->value();
  setMessage(tr("Computing the reliability diagram of “%1”…")
                 .arg(QString::fromStdString(data->run.name())));
  startInsightJob<CalibrationView>(
      this, m_jobs, m_generations, view,
      [d = *data, bins] {
        return ::imbw::computeCalibration(d.loaded->table, *d.stored, d.run, d.features, bins);
      },
      [this](CalibrationView v) {
        m_calibration = std::move(v);
        showCalibration();
        setMessage({});
      });
}

void InsightPanel::showCalibration() {
  if (!m_calibration) return;
  QList<ErrorBarCurve> curves;
  m_calibrationTable->setRowCount(0);
  int row = 0;
  for (std::size_t k = 0; k < m_calibration->curves.size(); ++k) {
    const CalibrationCurveView& c = m_calibration->curves[k];
    ErrorBarCurve e;
    e.key = QStringLiteral("curve%1").arg(k);
    // The legend is short (the plot is narrow); the table beside it has the full name.
    const QString full = QString::fromStdString(c.name);
    e.legend = k == 0 ? tr("as trained") : full.section(QLatin1Char(' '), 0, 0);
    e.color = curveColors()[static_cast<qsizetype>(k % 4)];
    e.pen = k == 0 ? Qt::SolidLine : Qt::DashLine;
    e.yMin = 0.0;  // a signal fraction's spread ends at 0 and 1
    e.yMax = 1.0;
    for (std::size_t b = 0; b < c.curve.binLow.size(); ++b) {
      if (c.curve.folds[b] == 0) continue;
      e.x << c.curve.meanPredicted[b];
      e.y << c.curve.observedFraction[b];
      e.yError << c.curve.observedFractionStd[b];
    }
    curves << e;
    setRow(m_calibrationTable, row++,
           {e.legend, pm(c.brier.mean, c.brier.std, 4), pm(c.logLoss.mean, c.logLoss.std, 4),
            pm(c.meanScore.mean, c.meanScore.std, 4)});
  }
  const MeanStd& r = m_calibration->signalFraction;
  setRow(m_calibrationTable, row, {tr("signal fraction r"), {}, {}, pm(r.mean, r.std, 4)});
  m_reliability->setCurves(curves, true);
  m_reliability->chart()->setXRange(0, 1);
  m_reliability->chart()->setYRange(0, 1);
  QStringList notes{
      tr("Mean ± sample standard deviation over the folds; the error bars are the "
         "spread of the bin's signal fraction over the folds.")};
  for (const auto& n : m_calibration->notes) notes << QString::fromStdString(n);
  m_calibrationNotes->setText(notes.join(QStringLiteral("\n")));
}

// ---------------------------------------------------------------------------------------------
// Working point

QWidget* InsightPanel::buildWorkingPointTab() {
  auto* w = new QWidget(this);
  auto* layout = new QVBoxLayout(w);
  auto* form = new QFormLayout;
  m_criterion = new QComboBox(w);
  m_criterion->addItem(tr("the cut of maximum significance"), QStringLiteral("significance"));
  m_criterion->addItem(tr("the tightest cut with ε_S ≥ target"), QStringLiteral("eff_s"));
  m_criterion->addItem(tr("the loosest cut with ε_B ≤ target"), QStringLiteral("eff_b"));
  m_criterion->addItem(tr("a fixed cut: score ≥ target"), QStringLiteral("cut"));
  form->addRow(tr("Choose"), m_criterion);
  m_target = new QDoubleSpinBox(w);
  m_target->setRange(0.0, 1.0);
  m_target->setDecimals(5);
  m_target->setSingleStep(0.01);
  m_target->setValue(0.5);
  form->addRow(tr("Target"), m_target);
  m_significance = new QComboBox(w);
  m_significance->addItem(tr("Asimov Z_A"), QStringLiteral("asimov"));
  m_significance->addItem(tr("s/√b"), QStringLiteral("s_over_sqrt_b"));
  m_significance->addItem(tr("s/√(s+b)"), QStringLiteral("s_over_sqrt_s_plus_b"));
  form->addRow(tr("Significance"), m_significance);
  // The project's luminosity, as the Significance tab sets it (one luminosity per analysis).
  m_luminosity = new QLabel(w);
  m_luminosity->setTextFormat(Qt::RichText);
  m_luminosity->setToolTip(
      tr("The project's luminosity factor, which multiplies the weighted yields s and b: set "
         "it on the Significance tab"));
  form->addRow(tr("Luminosity factor"), m_luminosity);
  showLuminosity();
  connect(m_window, &MainWindow::luminosityChanged, this, &InsightPanel::showLuminosity);
  auto* controls = new QHBoxLayout;
  controls->addLayout(form);
  auto* choose = new QPushButton(tr("Choose"), w);
  controls->addWidget(choose, 0, Qt::AlignBottom);
  controls->addStretch(1);
  layout->addLayout(controls);
  m_wpTable = makeTable(
      w, {QString(), tr("cut"), tr("ε_S"), tr("ε_B"), tr("purity"), tr("s"), tr("b"), tr("Z")});
  layout->addWidget(m_wpTable, 1);
  auto* note = new QLabel(tr("s, b: weighted yields passing the cut (score ≥ cut), each fold "
                             "scaled to the whole sample; Z: the chosen significance."),
                          w);
  note->setWordWrap(true);
  layout->addWidget(note);
  auto* keepRow = new QHBoxLayout;
  m_wpKeep = new QPushButton(tr("Keep with the run"), w);
  m_wpKeep->setToolTip(
      tr("Keeps the mean cut with the run in the project: `imbalance-cli run --save-models` "
         "writes it beside each model and `apply` then writes the pass flag with it"));
  m_wpKeep->setEnabled(false);
  keepRow->addWidget(m_wpKeep);
  m_wpKept = new QLabel(w);
  m_wpKept->setWordWrap(true);
  keepRow->addWidget(m_wpKept, 1);
  layout->addLayout(keepRow);
  connect(m_wpKeep, &QPushButton::clicked, this, &InsightPanel::keepWorkingPoint);
  auto updateTarget = [this] {
    const QString c = m_criterion->currentData().toString();
    m_target->setEnabled(c != QLatin1String("significance"));
  };
  connect(m_criterion, &QComboBox::currentIndexChanged, this, updateTarget);
  updateTarget();
  connect(choose, &QPushButton::clicked, this, &InsightPanel::computeWorkingPoint);
  return w;
}

void InsightPanel::showLuminosity() {
  const ProjectLuminosity lumi = m_window->luminositySetting();
  const auto integrated = lumi.integratedInvFb();
  m_luminosity->setText(
      QString::number(lumi.factor, 'g', 6) +
      (integrated ? " (" + richText(QString::fromStdString(luminosityText(*integrated))) + ")"
                  : QString()) +
      tr(" — the Significance tab's"));
}

void InsightPanel::computeWorkingPoint() {
  const QString view = QStringLiteral("working point");
  auto data = runData(view);
  if (!data) return;
  WorkingPointChoice choice;
  try {
    choice = WorkingPointChoice::fromJson(
        {{"criterion", m_criterion->currentData().toString().toStdString()},
         {"target", m_target->value()},
         {"significance", m_significance->currentData().toString().toStdString()},
         {"luminosity", m_window->luminositySetting().factor}});
  } catch (const std::exception& e) {
    reportFailure(view, QString::fromUtf8(e.what()));
    return;
  }
  const int signal = data->loaded->table.signalClass;
  startInsightJob<FoldedWorkingPoint>(
      this, m_jobs, m_generations, view,
      [stored = data->stored, signal, choice] {
        return ::imbw::computeWorkingPoint(*stored, signal, choice);
      },
      [this, choice, run = QString::fromStdString(data->run.id)](FoldedWorkingPoint p) {
        m_workingPoint = std::move(p);
        m_wpChoice = choice;
        m_wpRun = run;
        m_wpKeep->setEnabled(std::isfinite(m_workingPoint->mean.cut));
        showWorkingPoint();
        setMessage({});
      });
}

void InsightPanel::showWorkingPoint() {
  if (!m_workingPoint) return;
  m_wpTable->setRowCount(0);
  int row = 0;
  for (const ChosenWorkingPoint& p : m_workingPoint->perFold) {
    setRow(m_wpTable, row,
           {tr("fold %1").arg(row + 1), num(p.cut, 4), num(p.signalEfficiency, 4),
            num(p.backgroundEfficiency, 5), num(p.purity, 4), num(p.s, 2), num(p.b, 2),
            num(p.significance, 3)});
    ++row;
  }
  m_wpTable->horizontalHeaderItem(7)->setText(tr("Z (%1)").arg(m_significance->currentText()));
  const auto& m = m_workingPoint->mean;
  const auto& s = m_workingPoint->std;
  setRow(m_wpTable, row,
         {tr("mean ± std"), pm(m.cut, s.cut, 4), pm(m.signalEfficiency, s.signalEfficiency, 4),
          pm(m.backgroundEfficiency, s.backgroundEfficiency, 5), pm(m.purity, s.purity, 4),
          pm(m.s, s.s, 2), pm(m.b, s.b, 2), pm(m.significance, s.significance, 3)});
  for (int c = 0; c < m_wpTable->columnCount(); ++c)
    if (auto* item = m_wpTable->item(row, c)) {
      QFont f = item->font();
      f.setBold(true);
      item->setFont(f);
    }
}

// ---------------------------------------------------------------------------------------------
// Scan over the signal fraction r

QWidget* InsightPanel::buildScanTab() {
  auto* w = new QWidget(this);
  auto* layout = new QVBoxLayout(w);
  auto* controls = new QHBoxLayout;
  controls->addWidget(new QLabel(tr("Signal fractions r:"), w));
  m_scanRs = new QLineEdit(QStringLiteral("0.5, 0.2, 0.05"), w);
  m_scanRs->setToolTip(
      tr("Comma-separated values in (0, 1). Below the events' own fraction the "
         "signal is drawn down (seeded, weights kept), above it the "
         "background; the run's model is trained at each r with its folds."));
  controls->addWidget(m_scanRs, 1);
  controls->addWidget(new QLabel(tr("plot"), w));
  m_scanMetric = new QComboBox(w);
  m_scanMetric->addItem(tr("AP"), QStringLiteral("ap"));
  m_scanMetric->addItem(tr("AP / r"), QStringLiteral("ap_over_r"));
  m_scanMetric->addItem(tr("1/ε_B at ε_S = 0.2"), QStringLiteral("rejection_at_eff_s_0.2"));
  m_scanMetric->addItem(tr("1/ε_B at ε_S = 0.8"), QStringLiteral("rejection_at_eff_s_0.8"));
  controls->addWidget(m_scanMetric);
  m_scanButton = new QPushButton(tr("Run scan"), w);
  m_scanCancel = new QPushButton(tr("Cancel"), w);
  m_scanCancel->setEnabled(false);
  controls->addWidget(m_scanButton);
  controls->addWidget(m_scanCancel);
  layout->addLayout(controls);
  auto* split = new QSplitter(Qt::Vertical, w);
  m_scanChart = new ErrorBarChart(split);
  m_scanTable = makeTable(split, {tr("r"), tr("events"), tr("AP"), tr("AP/r"),
                                  tr("1/ε_B (ε_S = 0.2)"), tr("1/ε_B (ε_S = 0.8)")});
  split->addWidget(m_scanChart);
  split->addWidget(m_scanTable);
  split->setStretchFactor(0, 3);
  split->setStretchFactor(1, 1);
  split->setSizes({300, 100});
  m_scanChart->setMinimumHeight(220);
  layout->addWidget(split, 1);
  connect(m_scanButton, &QPushButton::clicked, this, &InsightPanel::startScan);
  connect(m_scanCancel, &QPushButton::clicked, this, &InsightPanel::cancelScan);
  connect(m_scanMetric, &QComboBox::currentIndexChanged, this, &InsightPanel::showScan);
  return w;
}

void InsightPanel::startScan() {
  const QString view = QStringLiteral("scan");
  if (m_scanWatcher) {
    reportFailure(view, tr("a scan is running; cancel it first"));
    return;
  }
  std::vector<double> rs;
  for (const QString& part : m_scanRs->text().split(',', Qt::SkipEmptyParts)) {
    bool ok = false;
    const double r = part.trimmed().toDouble(&ok);
    if (!ok || !(r > 0.0 && r < 1.0)) {
      reportFailure(view, tr("“%1” is not a signal fraction in (0, 1)").arg(part.trimmed()));
      return;
    }
    rs.push_back(r);
  }
  if (rs.empty()) {
    reportFailure(view, tr("give at least one signal fraction r"));
    return;
  }
  auto data = runData(view);
  if (!data) return;
  m_scanPoints.clear();
  m_scanShown.reset();
  m_scanRun = QString::fromStdString(data->run.id);
  showScan();
  setMessage(tr("Training “%1” at %2 signal fractions…")
                 .arg(QString::fromStdString(data->run.name()))
                 .arg(rs.size()));
  using Result = InsightOutcome<std::vector<ImbalanceScanPoint>>;
  auto* watcher = new QFutureWatcher<Result>(this);
  m_scanWatcher = watcher;
  m_scanButton->setEnabled(false);
  m_scanCancel->setEnabled(true);
  connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, view] {
    watcher->deleteLater();
    m_scanWatcher = nullptr;
    m_scanButton->setEnabled(true);
    m_scanCancel->setEnabled(false);
    JobRunner::takeOver();
    if (watcher->isCanceled() || watcher->future().resultCount() == 0) {
      setMessage(tr("Scan cancelled."));
      Q_EMIT failed(view, tr("cancelled"));
      return;
    }
    Result out = watcher->result();
    if (!out.value) {
      reportFailure(view, out.error);
      return;
    }
    m_scanPoints = std::move(*out.value);
    // Kept in the project (the analysis key "imbalanceScans"): shown again after reopening.
    AnalysisSession* session = m_window->session();
    if (const ProjectRun* run = session->project().findRun(m_scanRun.toStdString())) {
      m_scanShown = ImbalanceScanRecord::fromScan(run->id, run->config.seed, m_scanPoints);
      auto& extra = session->project().analysis.extra;
      extra["imbalanceScans"] =
          withImbalanceScan(extra.value("imbalanceScans", nlohmann::json()), *m_scanShown);
      session->edited();
    }
    showScan();
    setMessage({});
    Q_EMIT computed(view);
  });
  watcher->setFuture(m_jobs->startTraining<Result>([d = *data, rs](QPromise<Result>& promise) {
    struct Observer : TrainingObserver {
      explicit Observer(QPromise<Result>& p) : promise(p) {}
      bool stopRequested() const override { return promise.isCanceled(); }
      QPromise<Result>& promise;
    } observer(promise);
    Result out;
    try {
      RunConfig config = d.run.config;
      config.features = d.features;
      const RunEvents ev = runEvents(d.loaded->table, *d.stored, d.run, d.features);
      out.value = imbalanceScan(ev.data, config, rs, observer, config.seed);
    } catch (const std::exception& e) {
      out.error = QString::fromUtf8(e.what());
    }
    if (!promise.isCanceled()) promise.addResult(std::move(out));
  }));
}

void InsightPanel::showStoredScan() {
  if (m_scanWatcher) return;  // a scan is running: its points come next
  const QString id = currentRun();
  std::optional<ImbalanceScanRecord> found;
  const AnalysisSession* s = m_window->session();
  if (s->hasProject() && !id.isEmpty()) {
    try {
      for (auto& r : imbalanceScanRecords(
               s->project().analysis.extra.value("imbalanceScans", nlohmann::json())))
        if (r.runId == id.toStdString()) found = std::move(r);
    } catch (const Error& e) {
      setMessage(tr("The project's saved scans over r: %1").arg(QString::fromUtf8(e.what())), true);
    }
  }
  if (!found && m_scanRun == id && m_scanShown) return;  // this run's scan, not yet saved
  m_scanPoints.clear();
  m_scanShown = std::move(found);
  m_scanRun = m_scanShown ? id : QString();
  if (m_scanShown) {
    QStringList rs;
    for (const auto& p : m_scanShown->points) rs << QString::number(p.targetR);
    m_scanRs->setText(rs.join(QStringLiteral(", ")));  // the fields show what the chart shows
  }
  showScan();
}

void InsightPanel::cancelScan() {
  if (m_scanWatcher) m_scanWatcher->cancel();
}

void InsightPanel::showScan() {
  const QString key = m_scanMetric->currentData().toString();
  ErrorBarCurve c;
  c.key = QStringLiteral("scan");
  c.color = curveColors()[0];
  m_scanTable->setRowCount(0);
  int row = 0;
  auto cell = [](const std::map<std::string, MeanStd>& m, const char* k, int d) {
    const auto it = m.find(k);
    return it == m.end() ? QStringLiteral("–") : pm(it->second.mean, it->second.std, d);
  };
  const std::vector<ImbalanceScanRecord::Point> none;
  const auto& points = m_scanShown ? m_scanShown->points : none;
  for (const ImbalanceScanRecord::Point& p : points) {
    const auto it = p.metrics.find(key.toStdString());
    if (it != p.metrics.end() && !p.cancelled) {
      c.x << p.targetR;
      c.y << it->second.mean;
      c.yError << it->second.std;
    }
    setRow(m_scanTable, row++,
           {QStringLiteral("%1 %").arg(100 * p.targetR, 0, 'f', 2), QString::number(p.events),
            cell(p.metrics, "ap", 3), cell(p.metrics, "ap_over_r", 2),
            cell(p.metrics, "rejection_at_eff_s_0.2", 1),
            cell(p.metrics, "rejection_at_eff_s_0.8", 2)});
  }
  const ProjectRun* run = m_window->session()->project().findRun(m_scanRun.toStdString());
  c.legend = run ? QString::fromStdString(run->name()) : QString();
  // Log r only when the points span more than a factor 20 (the log axis labels decades only).
  if (!c.x.isEmpty()) {
    const auto [lo, hi] = std::minmax_element(c.x.begin(), c.x.end());
    m_scanChart->chart()->setLogX(*hi / *lo > 20.0);
  }
  m_scanChart->setCurves(points.empty() ? QList<ErrorBarCurve>{} : QList{c});
  m_scanChart->chart()->setTitle(tr("%1 against the signal fraction r (mean ± std over folds)")
                                     .arg(m_scanMetric->currentText()));
  m_scanChart->chart()->setAxisTitles(tr("signal fraction r"), m_scanMetric->currentText());
  // A decade either side of the points is mostly empty: a factor 1.5 keeps them apart.
  if (!c.x.isEmpty()) {
    const auto [lo, hi] = std::minmax_element(c.x.begin(), c.x.end());
    if (m_scanChart->chart()->logX())
      m_scanChart->chart()->setXRange(*lo / 1.5, std::min(1.0, *hi * 1.5));
    else
      m_scanChart->chart()->setXRange(0.0, std::min(1.0, *hi * 1.1));
  }
}

}  // namespace imbw
