#include "app/gui/main_window.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QCloseEvent>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QSettings>
#include <QSlider>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QToolBar>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "app/gui/core_convert.h"
#include "core/data/sample_reader.h"
#include "core/learn/model.h"
#include "widgets/alpha_gamma_heat_map.h"
#include "widgets/chart_view.h"
#include "widgets/cut_editor.h"
#include "widgets/feature_list.h"
#include "widgets/job_panel.h"
#include "widgets/json_form.h"
#include "widgets/loss_curve_view.h"
#include "widgets/pr_curve_view.h"
#include "widgets/roc_curve_view.h"
#include "widgets/runs_table_model.h"
#include "widgets/score_histogram_view.h"
#include "widgets/significance_view.h"
#include "widgets/training_history_view.h"
#include "widgets/yields_table.h"

namespace imbw {

/// What a background load hands back to the window (adopted by MainWindow::adoptLoad).
struct LoadOutcome {
  std::optional<Analysis> analysis;
  std::shared_ptr<const LoadedAnalysis> loaded;
  std::vector<SampleInfo> sampleInfo;
  std::shared_ptr<const std::vector<std::string>> rawColumns;
  QString error;
};

namespace {

/// Runs `work` (which must not throw) on the short-job pool and hands its value to `done` on
/// the GUI thread, unless the job was cancelled.
template <typename T, typename Work, typename Done>
void runShort(QObject* owner, JobRunner* jobs, Work work, Done done) {
  auto* watcher = new QFutureWatcher<T>(owner);
  QObject::connect(watcher, &QFutureWatcherBase::finished, owner, [watcher, done] {
    if (!watcher->isCanceled() && watcher->future().resultCount() > 0) done(watcher->result());
    watcher->deleteLater();
  });
  watcher->setFuture(jobs->startShort<T>([work](QPromise<T>& promise) {
    if (promise.isCanceled()) return;
    promise.addResult(work());
  }));
}

LoadOutcome loadInBackground(std::optional<Analysis> given, const std::string& path) {
  LoadOutcome out;
  std::optional<Analysis> parsed;
  try {
    parsed = given ? *given : Analysis::load(path);
    Analysis& a = *parsed;
    // Every raw scalar column all samples share is kept in memory, so a new cut on any of
    // them is answered without reading the files again.
    std::vector<std::string> common;
    for (std::size_t i = 0; i < a.samples.size(); ++i) {
      const Sample& s = a.samples[i];
      ReaderOptions ro;
      ro.group = s.group;
      ro.layout = s.layout;
      ro.countColumn = s.countColumn;
      SampleReader reader(a.resolvedPath(s), ro);
      out.sampleInfo.push_back(reader.info());
      std::vector<std::string> names = reader.info().scalarNames();
      if (i == 0) {
        common = names;
      } else {
        std::set<std::string> have(names.begin(), names.end());
        std::erase_if(common, [&](const std::string& n) { return !have.count(n); });
      }
    }
    LoadOptions options;
    options.applyCut = false;
    options.allowEmpty = true;
    if (common.size() <= 256) options.extraColumns = common;
    out.rawColumns = std::make_shared<const std::vector<std::string>>(common);
    out.loaded = std::make_shared<const LoadedAnalysis>(loadAnalysis(a, options));
  } catch (const std::exception& e) {
    out.error = qs(e.what());
  }
  // Also on failure: an analysis that parsed stays editable (e.g. a label value its mapping
  // misses is assigned in the Samples panel, then reloaded).
  out.analysis = std::move(parsed);
  return out;
}

/// The distinct values of a sample's label column, as the loader compares them (trailing
/// blanks and NULs of fixed-length strings dropped), with their event counts.
struct LabelValues {
  int generation = 0;
  std::vector<std::pair<std::string, std::size_t>> values;  ///< sorted (numerically if numbers)
  std::size_t distinct = 0;  ///< may exceed values.size() (the list is capped)
  QString error;
};

std::optional<double> labelNumber(const std::string& text) {
  bool ok = false;
  const double v = QString::fromStdString(text).trimmed().toDouble(&ok);
  return ok ? std::optional<double>(v) : std::nullopt;
}

/// The same label value, numerically when both are numbers ("1" and "1.0").
bool sameLabel(const std::string& a, const std::string& b) {
  if (a == b) return true;
  const auto x = labelNumber(a), y = labelNumber(b);
  return x && y && *x == *y;
}

constexpr std::size_t kMaxLabelValues = 100;  // a label column, not a continuous one

LabelValues readLabelValues(const std::string& path, const ReaderOptions& ro,
                            const std::string& column) {
  LabelValues out;
  try {
    SampleReader reader(path, ro);
    std::map<std::string, std::size_t> counts;
    for (std::string v : reader.readStrings(column)) {
      while (!v.empty() && (v.back() == '\0' || v.back() == ' ')) v.pop_back();
      ++counts[v];
    }
    out.distinct = counts.size();
    out.values.assign(counts.begin(), counts.end());
    const bool numeric = std::all_of(out.values.begin(), out.values.end(), [](const auto& p) {
      return labelNumber(p.first).has_value();
    });
    if (numeric)
      std::sort(out.values.begin(), out.values.end(), [](const auto& a, const auto& b) {
        return *labelNumber(a.first) < *labelNumber(b.first);
      });
    if (out.values.size() > kMaxLabelValues) out.values.resize(kMaxLabelValues);
  } catch (const std::exception& e) {
    out.error = qs(e.what());
  }
  return out;
}

struct YieldsOutcome {
  int generation = 0;
  std::optional<Yields> before, after;
  std::vector<std::uint8_t> keep;
  QString error;
};

QString emptyClassMessage(const Yields& after) {
  QStringList empty;
  for (const auto& c : after.perClass)
    if (c.events == 0) empty << qs(c.className);
  if (empty.isEmpty()) return {};
  return QObject::tr("No %1 events pass the cut: class '%2' is empty, nothing to train on.")
      .arg(empty.size() == 1 ? QString() : QObject::tr("(several classes)"), empty.join("', '"));
}

const char* kModelKinds[] = {"gbdt",          "random_forest", "balanced_random_forest",
                             "easy_ensemble", "mlp",           "logistic",
                             "one_variable"};

}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent), m_jobs(new JobRunner(this)) {
  setWindowTitle(tr("Imbalance Workbench"));
  setAcceptDrops(true);
  setDockOptions(QMainWindow::AllowTabbedDocks | QMainWindow::AnimatedDocks);
  m_yieldsDebounce.setSingleShot(true);
  m_yieldsDebounce.setInterval(150);
  connect(&m_yieldsDebounce, &QTimer::timeout, this, &MainWindow::computeYields);
  m_redrawTimer.setInterval(50);  // redraw at most every 50 ms, whatever the snapshot rate
  connect(&m_redrawTimer, &QTimer::timeout, this, &MainWindow::redrawTick);
  buildPlots();
  buildDocks();
  buildActions();
  m_statusRuns = new QLabel(this);
  statusBar()->addPermanentWidget(m_statusRuns);
  statusBar()->showMessage(tr("Open an analysis (Ctrl+O) or drop an HDF5 file here."));
  resize(1500, 950);
  loadSettings();
  updateLossPlot();
}

MainWindow::~MainWindow() {
  for (auto& run : m_runs)
    if (run.watcher) run.watcher->disconnect(this);
  m_jobs->shutdown();
}

// ---------------------------------------------------------------------------------------------
// Layout

void MainWindow::buildActions() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  QAction* open = file->addAction(tr("&Open analysis or project…"), this, [this] {
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open analysis or project"), QSettings().value("lastDir").toString(),
        tr("Analysis / project (*.json);;All files (*)"));
    if (!path.isEmpty()) openFile(path);
  });
  open->setShortcut(QKeySequence::Open);
  QAction* save = file->addAction(tr("&Save project"), this, [this] {
    QString path = m_path;
    if (path.isEmpty() || !path.endsWith(".project.json")) {
      path = QFileDialog::getSaveFileName(this, tr("Save project"),
                                          QFileInfo(m_path).dir().filePath("analysis.project.json"),
                                          tr("Project (*.json)"));
    }
    if (!path.isEmpty()) saveProject(path);
  });
  save->setShortcut(QKeySequence::Save);
  QAction* saveAs = file->addAction(tr("Save project &as…"), this, [this] {
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Save project"), m_path, tr("Project (*.json)"));
    if (!path.isEmpty()) saveProject(path);
  });
  saveAs->setShortcut(QKeySequence::SaveAs);
  file->addAction(tr("Add HDF5 &samples…"), this, [this] {
    addSampleFiles(QFileDialog::getOpenFileNames(this, tr("Add samples"), QString(),
                                                 tr("HDF5 (*.h5 *.hdf5 *.hdf);;All files (*)")));
  });
  file->addSeparator();
  QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
  quit->setShortcut(QKeySequence::Quit);

  QMenu* runMenu = menuBar()->addMenu(tr("&Run"));
  m_trainAction = runMenu->addAction(tr("&Train"), this, [this] { startTraining(); });
  m_trainAction->setShortcuts({QKeySequence(Qt::Key_F5), QKeySequence(Qt::CTRL | Qt::Key_T)});
  m_trainAction->setToolTip(tr("Train a model with the current settings (F5)"));
  m_cancelAction = runMenu->addAction(tr("&Cancel all runs"), this, &MainWindow::cancelAllRuns);
  m_cancelAction->setShortcuts(
      {QKeySequence(Qt::SHIFT | Qt::Key_F5), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_T)});

  QMenu* view = menuBar()->addMenu(tr("&View"));
  for (QDockWidget* dock : findChildren<QDockWidget*>()) view->addAction(dock->toggleViewAction());

  QToolBar* bar = addToolBar(tr("Main"));
  bar->setObjectName("mainToolBar");
  bar->addAction(open);
  bar->addAction(save);
  bar->addSeparator();
  bar->addAction(m_trainAction);
  bar->addAction(m_cancelAction);
}

void MainWindow::buildPlots() {
  m_plotTabs = new QTabWidget(this);
  m_prView = new PrCurveView(this);
  m_rocView = new RocCurveView(this);
  m_scoreView = new ScoreHistogramView(this);
  m_historyView = new TrainingHistoryView(this);
  m_sigView = new SignificanceView(this);
  m_plotTabs->addTab(m_prView, tr("Precision–recall"));
  m_plotTabs->addTab(m_rocView, tr("ROC / rejection"));
  m_plotTabs->addTab(m_scoreView, tr("Scores (overtraining)"));
  m_plotTabs->addTab(m_historyView, tr("Training history"));
  m_plotTabs->addTab(m_sigView, tr("Significance"));
  setCentralWidget(m_plotTabs);
  connect(m_sigView, &SignificanceView::luminosityChanged, this,
          &MainWindow::recomputeSignificance);
  connect(m_plotTabs, &QTabWidget::currentChanged, this,
          [this] { showPlotsIn(m_plotTabs->currentWidget()); });
}

static QString activeRunsText(int n) {
  if (n == 0) return MainWindow::tr("no run active");
  return n == 1 ? MainWindow::tr("1 run active") : MainWindow::tr("%1 runs active").arg(n);
}

static QDockWidget* makeDock(QMainWindow* w, const QString& title, const QString& name,
                             QWidget* content, Qt::DockWidgetArea area) {
  auto* dock = new QDockWidget(title, w);
  dock->setObjectName(name);
  dock->setWidget(content);
  w->addDockWidget(area, dock);
  return dock;
}

void MainWindow::buildDocks() {
  auto* samples =
      makeDock(this, tr("Samples"), "samplesDock", buildSamplesPanel(), Qt::LeftDockWidgetArea);
  auto* cuts = makeDock(this, tr("Cuts"), "cutsDock", buildCutsPanel(), Qt::LeftDockWidgetArea);
  m_features = new FeatureList(this);
  auto* features =
      makeDock(this, tr("Features"), "featuresDock", m_features, Qt::LeftDockWidgetArea);
  tabifyDockWidget(samples, features);
  samples->raise();
  Q_UNUSED(cuts);
  auto* loss = makeDock(this, tr("Imbalance and loss"), "lossDock", buildLossPanel(),
                        Qt::RightDockWidgetArea);
  auto* model =
      makeDock(this, tr("Model"), "modelDock", buildModelPanel(), Qt::RightDockWidgetArea);
  tabifyDockWidget(loss, model);
  loss->raise();
  auto* runs = makeDock(this, tr("Runs"), "runsDock", buildRunsPanel(), Qt::BottomDockWidgetArea);
  auto* scan =
      makeDock(this, tr("α–γ scan"), "scanDock", buildScanPanel(), Qt::BottomDockWidgetArea);
  tabifyDockWidget(runs, scan);
  runs->raise();

  connect(m_features, &FeatureList::currentFeatureChanged, this,
          &MainWindow::updateFeatureDistribution);
  connect(m_features, &FeatureList::derivedFeatureRequested, this,
          [this](const QString& name, const QString& expr) {
            if (!m_analysis) return;
            syncAnalysisFromPanels();
            Analysis a = *m_analysis;
            a.derived.push_back({ss(name), ss(expr)});
            a.features.push_back(ss(name));
            m_features->setDerivedMessage(QString());
            runShort<LoadOutcome>(
                this, m_jobs, [a] { return loadInBackground(a, {}); },
                [this](LoadOutcome o) {
                  if (!o.error.isEmpty()) {
                    m_features->setDerivedMessage(o.error);
                    statusBar()->showMessage(o.error);
                    return;
                  }
                  adoptLoad(std::move(o));
                  onAnalysisLoaded();
                });
          });
}

QWidget* MainWindow::buildSamplesPanel() {
  auto* w = new QWidget(this);
  auto* layout = new QVBoxLayout(w);
  m_samples = new QTreeWidget(w);
  m_samples->setHeaderLabels({tr("Sample / column"), tr("Class"), tr("Events"), tr("Layout")});
  m_samples->setToolTip(tr("Drop HDF5 files here or use File ▸ Add HDF5 samples"));
  m_samples->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
  layout->addWidget(m_samples, 1);
  auto* form = new QFormLayout;
  m_signalClass = new QComboBox(w);
  m_signalClass->setToolTip(tr("The class the classifier should find (the rare one)"));
  form->addRow(tr("Signal class:"), m_signalClass);
  m_weightEditor = new CutEditor(w);
  m_weightEditor->editor()->setPlaceholderText(tr("weight expression, e.g. mcWeight*xsec/sumw"));
  m_weightEditor->setToolTip(tr("Per-event weight of the selected sample (default 1)"));
  form->addRow(tr("Weight:"), m_weightEditor);
  layout->addLayout(form);
  // Label value → class of a sample classified by a label column ("assign each label value
  // to a class", issue 5): one class combo per value, applied with the button below.
  m_labelMapTitle = new QLabel(w);
  layout->addWidget(m_labelMapTitle);
  m_labelMap = new QTableWidget(0, 3, w);
  m_labelMap->setObjectName("labelMapTable");
  m_labelMap->setHorizontalHeaderLabels({tr("Label value"), tr("Class"), tr("Events")});
  m_labelMap->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
  m_labelMap->horizontalHeader()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
  m_labelMap->verticalHeader()->hide();
  m_labelMap->setToolTip(
      tr("The class of the events with each label value (* = any other "
         "value); applied with the button below"));
  layout->addWidget(m_labelMap);
  m_labelMapTitle->hide();
  m_labelMap->hide();
  auto* apply = new QPushButton(tr("Apply sample settings and reload"), w);
  m_applySamples = apply;
  layout->addWidget(apply);
  m_samplesMessage = new QLabel(w);
  m_samplesMessage->setWordWrap(true);
  m_samplesMessage->setStyleSheet("color: #b00020");
  m_samplesMessage->hide();
  layout->addWidget(m_samplesMessage);
  connect(m_samples, &QTreeWidget::currentItemChanged, this, [this] {
    QTreeWidgetItem* it = m_samples->currentItem();
    while (it && it->parent()) it = it->parent();
    if (!it || !m_analysis) return;
    const int i = m_samples->indexOfTopLevelItem(it);
    if (i >= 0 && i < static_cast<int>(m_analysis->samples.size())) {
      std::vector<std::string> cols;
      if (i < static_cast<int>(m_rawSampleInfo.size())) cols = m_rawSampleInfo[i].scalarNames();
      m_weightEditor->setValidator(
          [cols](const QString& t) { return checkExpression(t.isEmpty() ? "1" : t, cols); });
      m_weightEditor->setColumnNames([&] {
        QStringList l;
        for (auto& c : cols) l << qs(c);
        return l;
      }());
      m_weightEditor->setText(qs(m_analysis->samples[i].weight));
      showLabelMap(m_analysis->samples[i]);
    }
  });
  connect(apply, &QPushButton::clicked, this, [this] {
    if (!m_analysis) return;
    if (!m_weightEditor->isValid()) {
      m_samplesMessage->setText(tr("Fix the weight expression first."));
      m_samplesMessage->show();
      return;
    }
    QTreeWidgetItem* it = m_samples->currentItem();
    while (it && it->parent()) it = it->parent();
    if (it) {
      const int i = m_samples->indexOfTopLevelItem(it);
      const QString wt = m_weightEditor->text().trimmed();
      Sample& sample = m_analysis->samples[i];
      sample.weight = wt.isEmpty() ? "1" : ss(wt);
      if (sample.classSource == ClassSource::LabelColumn && !m_labelMap->isHidden()) {
        std::vector<LabelMapEntry> map;
        for (int r = 0; r < m_labelMap->rowCount(); ++r) {
          auto* value = m_labelMap->item(r, 0);
          auto* cls = qobject_cast<QComboBox*>(m_labelMap->cellWidget(r, 1));
          // Values still without a class stay out of the mapping (the loader names them).
          if (value && cls && !cls->currentData().toString().isEmpty())
            map.push_back({ss(value->text()), ss(cls->currentData().toString())});
        }
        sample.labelMap = std::move(map);
      }
    }
    syncAnalysisFromPanels();
    m_samplesMessage->hide();
    m_loaded.reset();
    runShort<LoadOutcome>(
        this, m_jobs, [a = *m_analysis] { return loadInBackground(a, {}); },
        [this](LoadOutcome o) {
          if (!o.error.isEmpty()) {
            m_samplesMessage->setText(o.error);
            m_samplesMessage->show();
            return;
          }
          adoptLoad(std::move(o));
          onAnalysisLoaded();
        });
  });
  connect(m_signalClass, &QComboBox::activated, this, [this] {
    if (!m_analysis || !m_loaded) return;
    m_analysis->signalClass = ss(m_signalClass->currentText());
    // The signal class only changes which class is "signal": relabel without reading files.
    auto loaded = std::make_shared<LoadedAnalysis>(*m_loaded);
    loaded->table.signalClass = m_analysis->signalIndex();
    loaded->beforeCut.signalClass = loaded->table.signalClass;
    loaded->afterCut.signalClass = loaded->table.signalClass;
    m_loaded = loaded;
    computeYields();
  });
  return w;
}

QWidget* MainWindow::buildCutsPanel() {
  auto* w = new QWidget(this);
  auto* layout = new QVBoxLayout(w);
  layout->addWidget(new QLabel(tr("Cut (events kept where true):"), w));
  m_cutEditor = new CutEditor(w);
  layout->addWidget(m_cutEditor);
  m_yields = new YieldsTable(w);
  layout->addWidget(m_yields, 1);
  m_cutMessage = new QLabel(w);
  m_cutMessage->setWordWrap(true);
  m_cutMessage->setStyleSheet("color: #b00020");
  m_cutMessage->hide();
  layout->addWidget(m_cutMessage);
  connect(m_cutEditor, &CutEditor::expressionEdited, this, [this](const QString&, bool valid) {
    if (!m_loaded) return;
    if (valid) {
      m_yields->setStale(true);
      m_yieldsDebounce.start();
    } else {
      m_yieldsDebounce.stop();
    }
  });
  return w;
}

QWidget* MainWindow::buildLossPanel() {
  auto* w = new QWidget(this);
  auto* layout = new QVBoxLayout(w);
  auto* resample = new QGroupBox(tr("Resampling of the training folds"), w);
  auto* rf = new QFormLayout(resample);
  m_resampleKind = new QComboBox(resample);
  const std::pair<ResampleKind, const char*> kinds[] = {
      {ResampleKind::None, "Training fold as it is"},
      {ResampleKind::ClassReweight, "Scale event weights so the classes weigh the same"},
      {ResampleKind::RandomUnder, "Drop majority events at random (weights rescaled)"},
      {ResampleKind::RandomOver, "Duplicate minority events (weights shared among copies)"},
      {ResampleKind::Smote, "Synthetic minority events between neighbours (SMOTE)"},
      {ResampleKind::Adasyn, "SMOTE focused on hard regions (ADASYN)"},
      {ResampleKind::Tomek, "Remove majority members of Tomek links"},
      {ResampleKind::SmoteTomek, "SMOTE, then remove Tomek links"},
      {ResampleKind::BalancedBagging, "A fresh balanced under-sample per ensemble member"}};
  for (const auto& [kind, tip] : kinds) {
    m_resampleKind->addItem(qs(resampleKindName(kind)), static_cast<int>(kind));
    m_resampleKind->setItemData(m_resampleKind->count() - 1, tr(tip), Qt::ToolTipRole);
  }
  m_resampleKind->setToolTip(tr("Touches the training folds only; test folds stay as they are"));
  rf->addRow(tr("Strategy:"), m_resampleKind);
  m_resampleRatio = new QDoubleSpinBox(resample);
  m_resampleRatio->setRange(0.01, 1.0);
  m_resampleRatio->setSingleStep(0.05);
  m_resampleRatio->setValue(1.0);
  m_resampleRatio->setToolTip(tr("Minority : majority count ratio after resampling (1 = equal)"));
  rf->addRow(tr("Target ratio:"), m_resampleRatio);
  m_resampleK = new QSpinBox(resample);
  m_resampleK->setRange(1, 100);
  m_resampleK->setValue(5);
  m_resampleK->setToolTip(tr("Nearest neighbours SMOTE and ADASYN interpolate between"));
  rf->addRow(tr("Neighbours k:"), m_resampleK);
  m_negativeWeights = new QComboBox(resample);
  m_negativeWeights->addItems({"keep", "drop", "abs"});
  m_negativeWeights->setToolTip(
      tr("Training only: keep negative weights, drop those events, or use |w|. Evaluation "
         "always uses the signed weights."));
  rf->addRow(tr("Negative weights:"), m_negativeWeights);
  layout->addWidget(resample);

  auto* loss = new QGroupBox(tr("Loss"), w);
  auto* lf = new QFormLayout(loss);
  m_lossKind = new QComboBox(loss);
  m_lossKind->addItem(tr("Cross entropy"), "cross_entropy");
  m_lossKind->setItemData(0, tr("−ln p_t: every event counts the same"), Qt::ToolTipRole);
  m_lossKind->addItem(tr("Weighted cross entropy"), "weighted_cross_entropy");
  m_lossKind->setItemData(1, tr("−α_t ln p_t: α weighs the signal class, 1 − α the background"),
                          Qt::ToolTipRole);
  m_lossKind->addItem(tr("Focal loss"), "focal");
  m_lossKind->setItemData(
      2, tr("−α_t (1 − p_t)^γ ln p_t: γ > 0 turns down the loss of well-classified events"),
      Qt::ToolTipRole);
  lf->addRow(tr("Loss:"), m_lossKind);
  m_alpha = new QDoubleSpinBox(loss);
  m_alpha->setRange(0.0, 1.0);
  m_alpha->setDecimals(3);
  m_alpha->setSingleStep(0.01);
  m_alpha->setValue(0.5);
  m_alpha->setToolTip(tr("α multiplies the signal loss, 1 − α the background loss"));
  m_alphaSlider = new QSlider(Qt::Horizontal, loss);
  m_alphaSlider->setRange(0, 1000);
  m_alphaSlider->setValue(500);
  auto* alphaRow = new QHBoxLayout;
  alphaRow->addWidget(m_alpha);
  alphaRow->addWidget(m_alphaSlider, 1);
  m_alphaFromR = new QPushButton(tr("α = 1 − r"), loss);
  m_alphaFromR->setToolTip(
      tr("Balance the classes: α = 1 − r with r the signal fraction (by "
         "weight) after the cut"));
  alphaRow->addWidget(m_alphaFromR);
  lf->addRow(tr("α:"), alphaRow);
  m_gamma = new QDoubleSpinBox(loss);
  m_gamma->setRange(0.0, 10.0);
  m_gamma->setDecimals(2);
  m_gamma->setSingleStep(0.1);
  m_gamma->setToolTip(tr("Focusing γ ≥ 0: larger γ puts the weight on badly classified events"));
  m_gammaSlider = new QSlider(Qt::Horizontal, loss);
  m_gammaSlider->setRange(0, 1000);
  auto* gammaRow = new QHBoxLayout;
  gammaRow->addWidget(m_gamma);
  gammaRow->addWidget(m_gammaSlider, 1);
  lf->addRow(tr("γ:"), gammaRow);
  layout->addWidget(loss);
  m_lossView = new LossCurveView(w);
  layout->addWidget(m_lossView, 1);

  connect(m_alpha, &QDoubleSpinBox::valueChanged, this, [this](double v) {
    QSignalBlocker b(m_alphaSlider);
    m_alphaSlider->setValue(static_cast<int>(std::lround(v * 1000)));
    updateLossPlot();
  });
  connect(m_alphaSlider, &QSlider::valueChanged, this,
          [this](int v) { m_alpha->setValue(v / 1000.0); });
  connect(m_gamma, &QDoubleSpinBox::valueChanged, this, [this](double v) {
    QSignalBlocker b(m_gammaSlider);
    m_gammaSlider->setValue(static_cast<int>(std::lround(v * 100)));
    updateLossPlot();
  });
  connect(m_gammaSlider, &QSlider::valueChanged, this,
          [this](int v) { m_gamma->setValue(v / 100.0); });
  connect(m_lossKind, &QComboBox::currentIndexChanged, this, &MainWindow::updateLossPlot);
  connect(m_alphaFromR, &QPushButton::clicked, this, [this] {
    if (!m_cutYields) return;
    const double r = m_cutYields->ratioByWeight();
    if (std::isfinite(r)) m_alpha->setValue(1.0 - r);
  });
  return w;
}

QWidget* MainWindow::buildModelPanel() {
  auto* w = new QWidget(this);
  auto* layout = new QVBoxLayout(w);
  auto* top = new QFormLayout;
  m_modelKind = new QComboBox(w);
  for (const char* k : kModelKinds) m_modelKind->addItem(k);
  m_modelKind->setToolTip(
      tr("gbdt: XGBoost boosted trees; random_forest / balanced_random_forest; "
         "easy_ensemble: balanced bagging of boosted trees; mlp: neural "
         "network; logistic; one_variable: a feature as the score"));
  top->addRow(tr("Model:"), m_modelKind);
  layout->addLayout(top);
  auto* params = new QGroupBox(tr("Hyper-parameters"), w);
  auto* pl = new QVBoxLayout(params);
  m_modelForm = new JsonForm(params);
  pl->addWidget(m_modelForm);
  layout->addWidget(params);
  auto* cv = new QGroupBox(tr("Cross-validation"), w);
  auto* cf = new QFormLayout(cv);
  m_folds = new QSpinBox(cv);
  m_folds->setRange(2, 20);
  m_folds->setValue(5);
  m_folds->setToolTip(
      tr("Stratified k folds: every event is scored once by a model that did "
         "not see it"));
  cf->addRow(tr("Folds:"), m_folds);
  m_seed = new QSpinBox(cv);
  m_seed->setRange(0, 1000000000);
  m_seed->setValue(1);
  m_seed->setToolTip(tr("Same seed, same data → identical results"));
  cf->addRow(tr("Seed:"), m_seed);
  m_threads = new QSpinBox(cv);
  m_threads->setRange(1, std::max(1, QThread::idealThreadCount()));
  m_threads->setValue(std::max(1, QThread::idealThreadCount()));
  m_threads->setToolTip(tr("Threads the model's numeric kernels use"));
  cf->addRow(tr("Threads:"), m_threads);
  layout->addWidget(cv);
  m_modelMessage = new QLabel(w);
  m_modelMessage->setWordWrap(true);
  m_modelMessage->setStyleSheet("color: #b00020");
  m_modelMessage->hide();
  layout->addWidget(m_modelMessage);
  m_trainButton = new QPushButton(tr("Train (F5)"), w);
  m_trainButton->setToolTip(tr("Start a run in the background; runs queue"));
  layout->addWidget(m_trainButton);
  layout->addStretch();
  connect(m_trainButton, &QPushButton::clicked, this, [this] { startTraining(); });
  connect(m_modelKind, &QComboBox::currentTextChanged, this, &MainWindow::setModelKind);
  setModelKind(m_modelKind->currentText());
  return w;
}

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
  // Fixed widths sized once per finished run (ResizeToContents would measure every cell on
  // each progress update); the configuration takes what is left, elided on one line (its
  // tooltip has all of it), so the metric columns always stay in view.
  QHeaderView* header = m_runsView->horizontalHeader();
  header->setSectionResizeMode(QHeaderView::Interactive);
  header->setSectionResizeMode(RunsTableModel::Config, QHeaderView::Stretch);
  header->setStretchLastSection(false);
  m_runsView->setWordWrap(false);
  m_runsView->setTextElideMode(Qt::ElideRight);
  m_runsView->setColumnWidth(RunsTableModel::Name, 190);
  m_runsView->setColumnWidth(RunsTableModel::Status, 120);
  for (int c = RunsTableModel::Ap; c < RunsTableModel::ColumnCount; ++c)
    m_runsView->setColumnWidth(c, std::max(header->sectionSizeHint(c), 90));
  m_runsView->verticalHeader()->hide();
  m_runsView->verticalHeader()->setDefaultSectionSize(m_runsView->fontMetrics().height() + 8);
  m_runsView->setToolTip(
      tr("Select runs to overlay them in the plots; double-click a name to "
         "rename"));
  right->addWidget(m_runsView, 1);
  auto* buttons = new QHBoxLayout;
  auto* use = new QPushButton(tr("Use this configuration"), w);
  use->setToolTip(tr("Load the selected run's settings back into the panels"));
  auto* del = new QPushButton(tr("Delete"), w);
  auto* rename = new QPushButton(tr("Rename"), w);
  buttons->addWidget(use);
  buttons->addWidget(rename);
  buttons->addWidget(del);
  buttons->addStretch();
  right->addLayout(buttons);
  layout->addLayout(right, 1);
  connect(m_jobPanel, &JobPanel::cancelRequested, this, &MainWindow::cancelRun);
  connect(use, &QPushButton::clicked, this, &MainWindow::useSelectedConfiguration);
  connect(del, &QPushButton::clicked, this, &MainWindow::deleteSelectedRuns);
  connect(rename, &QPushButton::clicked, this, [this] {
    const QModelIndex idx = m_runsView->currentIndex();
    if (idx.isValid()) m_runsView->edit(m_runsProxy->index(idx.row(), RunsTableModel::Name));
  });
  connect(m_runsView->selectionModel(), &QItemSelectionModel::selectionChanged, this,
          [this] { refreshPlots(); });
  connect(m_runsModel, &RunsTableModel::runRenamed, this,
          [this](const QString& key, const QString& name) {
            auto it = m_runs.find(key);
            if (it == m_runs.end()) return;
            it->name = name;
            it->plot.label = name;
            refreshPlots();
          });
  return w;
}

static QList<double> parseList(const QString& text, bool* ok) {
  QList<double> out;
  *ok = true;
  for (const QString& part : text.split(QRegularExpression("[,;\\s]+"), Qt::SkipEmptyParts)) {
    bool good = false;
    const double v = part.toDouble(&good);
    if (!good) *ok = false;
    out << v;
  }
  return out;
}

QWidget* MainWindow::buildScanPanel() {
  auto* w = new QWidget(this);
  auto* layout = new QHBoxLayout(w);
  auto* form = new QFormLayout;
  m_scanAlphas = new QLineEdit("0.25, 0.5, 0.75", w);
  m_scanAlphas->setToolTip(tr("α values of the grid, comma-separated, each in [0, 1]"));
  m_scanGammas = new QLineEdit("0, 1, 2", w);
  m_scanGammas->setToolTip(tr("γ values of the grid, comma-separated, each ≥ 0"));
  // Wide enough for a typical grid ("0.1, 0.25, 0.5, 0.75, 0.9") without scrolling the text.
  const int listWidth =
      m_scanAlphas->fontMetrics().horizontalAdvance("0.1, 0.25, 0.5, 0.75, 0.93") +
      3 * m_scanAlphas->fontMetrics().averageCharWidth();
  m_scanAlphas->setMinimumWidth(listWidth);
  m_scanGammas->setMinimumWidth(listWidth);
  m_scanMetric = new QComboBox(w);
  m_scanMetric->addItems({"AP", "AUC", "AP/r"});
  form->addRow(tr("α values:"), m_scanAlphas);
  form->addRow(tr("γ values:"), m_scanGammas);
  form->addRow(tr("Metric:"), m_scanMetric);
  auto* go = new QPushButton(tr("Run scan"), w);
  go->setToolTip(tr("One focal-loss run per (α, γ) with the other settings as in the panels"));
  form->addRow(go);
  m_scanMessage = new QLabel(w);
  m_scanMessage->setWordWrap(true);
  m_scanMessage->setStyleSheet("color: #b00020");
  form->addRow(m_scanMessage);
  layout->addLayout(form);
  m_heatMap = new AlphaGammaHeatMap(w);
  layout->addWidget(m_heatMap, 1);
  connect(go, &QPushButton::clicked, this, [this] {
    bool okA = false, okG = false;
    const auto a = parseList(m_scanAlphas->text(), &okA);
    const auto g = parseList(m_scanGammas->text(), &okG);
    if (!okA || a.isEmpty()) {
      m_scanMessage->setText(tr("α values: give numbers in [0, 1] separated by commas"));
      return;
    }
    if (!okG || g.isEmpty()) {
      m_scanMessage->setText(tr("γ values: give numbers ≥ 0 separated by commas"));
      return;
    }
    m_scanMessage->clear();
    startScan(a, g);
  });
  connect(m_scanMetric, &QComboBox::currentIndexChanged, this, [this] {
    if (m_scanAlphaValues.isEmpty()) return;
    m_heatMap->setGrid(m_scanAlphaValues, m_scanGammaValues, m_scanMetric->currentText());
    for (const Run& r : std::as_const(m_runs)) {
      if (r.scanAlpha < 0) continue;
      double v = std::nan("");
      if (r.outcome && r.outcome->status == TrainingOutcome::Status::Done) {
        const QString m = m_scanMetric->currentText();
        v = m == "AP"    ? r.outcome->ap.mean
            : m == "AUC" ? r.outcome->auc.mean
                         : r.outcome->apOverR.mean;
      }
      m_heatMap->setCell(r.scanAlpha, r.scanGamma, r.key, v);
    }
  });
  connect(m_heatMap, &AlphaGammaHeatMap::runClicked, this,
          [this](const QString& key) { selectRuns({key}); });
  return w;
}

// ---------------------------------------------------------------------------------------------
// Settings (window state only: everything that changes a result lives in the project)

void MainWindow::loadSettings() {
  QSettings s;
  if (s.contains("window/geometry")) restoreGeometry(s.value("window/geometry").toByteArray());
  if (s.contains("window/state")) {
    restoreState(s.value("window/state").toByteArray());
  } else {
    // First start: wide enough side docks that the yields table and the loss form show
    // every column without scrolling. Once the window has its real size (sizing the docks
    // of a window not yet shown fixes proportions of the default size).
    QTimer::singleShot(0, this, [this] {
      auto* left = findChild<QDockWidget*>("samplesDock");
      auto* right = findChild<QDockWidget*>("lossDock");
      if (left && right) resizeDocks({left, right}, {430, 330}, Qt::Horizontal);
      // The plots keep most of the height; the runs table shows about six runs.
      if (auto* runs = findChild<QDockWidget*>("runsDock"))
        resizeDocks({runs}, {height() / 4}, Qt::Vertical);
    });
  }
  m_plotTabs->setCurrentIndex(s.value("window/plotTab", 0).toInt());
  m_rocView->setMode(s.value("plots/rejection", false).toBool() ? RocCurveView::Mode::Rejection
                                                                : RocCurveView::Mode::Roc);
}

void MainWindow::saveSettings() {
  QSettings s;
  s.setValue("window/geometry", saveGeometry());
  s.setValue("window/state", saveState());
  s.setValue("window/plotTab", m_plotTabs->currentIndex());
  s.setValue("plots/rejection", m_rocView->mode() == RocCurveView::Mode::Rejection);
}

void MainWindow::closeEvent(QCloseEvent* event) {
  saveSettings();
  for (auto& run : m_runs)
    if (run.watcher) run.watcher->disconnect(this);
  m_redrawTimer.stop();
  // Cancels every job and waits: the engine polls for the cancel every batch, so this is quick.
  m_jobs->shutdown();
  event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
  if (event->mimeData()->hasUrls()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
  QStringList h5;
  for (const QUrl& url : event->mimeData()->urls()) {
    const QString path = url.toLocalFile();
    if (path.endsWith(".json", Qt::CaseInsensitive)) {
      openFile(path);
      return;
    }
    h5 << path;
  }
  addSampleFiles(h5);
}

// ---------------------------------------------------------------------------------------------
// Analysis

void MainWindow::openFile(const QString& path) {
  m_loadError.clear();
  m_samplesMessage->hide();
  statusBar()->showMessage(tr("Loading %1 …").arg(path));
  QSettings().setValue("lastDir", QFileInfo(path).absolutePath());
  runShort<LoadOutcome>(
      this, m_jobs, [p = ss(path)] { return loadInBackground(std::nullopt, p); },
      [this, path](LoadOutcome o) {
        if (!o.error.isEmpty()) {
          m_loadError = o.error;
          if (o.analysis) {
            // The file parsed but its events did not load: show its samples so the cause
            // (a weight, a label value without a class) can be fixed here and reloaded.
            m_path = QFileInfo(path).absoluteFilePath();
            m_analysis = std::move(o.analysis);
            m_rawSampleInfo = std::move(o.sampleInfo);
            m_loaded.reset();
            m_panelsShowAnalysis = false;
            populateSamples();
          }
          m_samplesMessage->setText(o.error);
          m_samplesMessage->show();
          statusBar()->showMessage(tr("Could not open %1").arg(QFileInfo(path).fileName()));
          Q_EMIT loadFailed(o.error);
          return;
        }
        m_path = QFileInfo(path).absoluteFilePath();
        adoptLoad(std::move(o));
        setWindowTitle(tr("%1 — Imbalance Workbench").arg(QFileInfo(path).fileName()));
        // Saved run configurations of a project come back as rows to re-use.
        for (const auto& spec : m_analysis->runs) {
          try {
            RunSpec rs = RunSpec::fromJson(spec);
            const QString key = QString("run%1").arg(m_nextRunId++);
            Run r;
            r.key = key;
            r.name = qs(rs.name.empty() ? "saved run" : rs.name);
            r.config = rs.toJson();
            r.colorIndex = static_cast<int>(m_runOrder.size());
            r.running = false;
            m_runs.insert(key, r);
            m_runOrder << key;
            RunRow row;
            row.key = key;
            row.name = r.name;
            row.config = runSummary(rs);
            row.configDetail = runDetails(rs);
            row.status = tr("saved, not trained");
            row.color = runColor(r.colorIndex);
            m_runsModel->addRun(row);
          } catch (const std::exception&) {
            // Entries the GUI cannot read stay in the file untouched (kept in m_analysis).
          }
        }
        onAnalysisLoaded();
      });
}

void MainWindow::adoptLoad(LoadOutcome o) {
  m_analysis = std::move(o.analysis);
  m_loaded = std::move(o.loaded);
  m_rawSampleInfo = std::move(o.sampleInfo);
  m_sampleColumns = std::move(o.rawColumns);
}

void MainWindow::onAnalysisLoaded() {
  m_panelsShowAnalysis = true;
  populateSamples();
  const EventTable& t = m_loaded->table;
  std::vector<std::string> names = t.columnNames;
  QStringList qnames;
  for (const auto& n : names) qnames << qs(n);
  m_cutEditor->setValidator([names](const QString& text) -> std::optional<ExpressionProblem> {
    if (text.trimmed().isEmpty()) return std::nullopt;
    return checkExpression(text, names);
  });
  m_cutEditor->setColumnNames(qnames);
  m_features->derivedEditor()->setValidator(
      [names](const QString& text) -> std::optional<ExpressionProblem> {
        if (text.trimmed().isEmpty()) return std::nullopt;
        return checkExpression(text, names);
      });
  m_features->derivedEditor()->setColumnNames(qnames);
  // The raw columns the cut needs are in the table too; list the features and derived ones
  // first, then the rest.
  QStringList featureNames;
  for (const auto& f : m_analysis->features) featureNames << qs(f);
  QStringList all = featureNames;
  for (const auto& n : names)
    if (!all.contains(qs(n))) all << qs(n);
  m_features->setFeatures(all, featureNames);
  if (m_features->currentFeature().isEmpty() && !all.isEmpty())
    m_features->setCurrentFeature(all.first());
  m_cutEditor->setText(qs(m_analysis->cut));
  m_yieldsDebounce.stop();  // the text came from the file, not from typing: compute at once
  computeYields();
  statusBar()->showMessage(
      tr("%1 events loaded from %2 sample(s)").arg(t.size()).arg(m_analysis->samples.size()));
  for (const auto& warning : m_loaded->warnings) statusBar()->showMessage(qs(warning));
  Q_EMIT analysisLoaded();
}

void MainWindow::populateSamples() {
  m_samples->clear();
  QSignalBlocker b(m_signalClass);
  m_signalClass->clear();
  if (!m_analysis) return;
  for (const auto& c : m_analysis->classes) m_signalClass->addItem(qs(c));
  m_signalClass->setCurrentText(qs(m_analysis->signalClass));
  for (std::size_t i = 0; i < m_analysis->samples.size(); ++i) {
    const Sample& s = m_analysis->samples[i];
    QString cls;
    switch (s.classSource) {
      case ClassSource::Fixed:
        cls = qs(s.className);
        break;
      case ClassSource::LabelColumn: {
        QStringList parts;
        for (const auto& e : s.labelMap) parts << qs(e.value + "→" + e.className);
        cls = tr("by %1: %2").arg(qs(s.labelColumn), parts.join(", "));
        break;
      }
      case ClassSource::Expressions:
        cls = tr("by expression");
        break;
    }
    auto* item = new QTreeWidgetItem(m_samples);
    item->setText(0, qs(s.displayName()));
    item->setToolTip(0, qs(m_analysis->resolvedPath(s)) + "\n" + tr("weight: ") + qs(s.weight));
    item->setText(1, cls);
    if (i < m_rawSampleInfo.size()) {
      const SampleInfo& info = m_rawSampleInfo[i];
      item->setText(2, QString::number(info.events));
      item->setText(3, qs(layoutName(info.layout)));
      for (const ColumnInfo& c : info.columns) {
        auto* child = new QTreeWidgetItem(item);
        child->setText(0, qs(c.name));
        child->setText(1, qs(c.type) + (c.jagged ? tr(" (jagged)") : QString()));
        child->setText(2, QString::number(c.length));
      }
    }
  }
  m_samples->expandToDepth(-1);
  if (m_samples->topLevelItemCount() > 0) m_samples->setCurrentItem(m_samples->topLevelItem(0));
}

void MainWindow::fitLabelMapHeight() {
  // As tall as its rows, up to five (then it scrolls): the samples tree keeps the rest.
  int h = m_labelMap->horizontalHeader()->sizeHint().height() + 2 * m_labelMap->frameWidth();
  const int rows = std::clamp(m_labelMap->rowCount(), 1, 5);
  for (int r = 0; r < rows; ++r)
    h += r < m_labelMap->rowCount() ? m_labelMap->rowHeight(r)
                                    : m_labelMap->verticalHeader()->defaultSectionSize();
  m_labelMap->setFixedHeight(h);
}

void MainWindow::showLabelMap(const Sample& s) {
  const int generation = ++m_labelValuesGeneration;
  m_labelMap->setRowCount(0);
  const bool byLabel = s.classSource == ClassSource::LabelColumn;
  m_labelMapTitle->setVisible(byLabel);
  m_labelMap->setVisible(byLabel);
  if (!byLabel) return;
  m_labelMapTitle->setText(tr("Class of each value of label column “%1”:").arg(qs(s.labelColumn)));
  QStringList classes;
  for (const auto& c : m_analysis->classes) classes << qs(c);
  const bool hasDefault = std::any_of(s.labelMap.begin(), s.labelMap.end(),
                                      [](const LabelMapEntry& e) { return e.value == "*"; });
  // The mapping's entries at once; the values found in the column follow from a background
  // read (the file may be large), unmapped ones with an empty class to choose.
  auto addRow = [this, classes, hasDefault](const QString& value, const QString& cls) {
    const int r = m_labelMap->rowCount();
    m_labelMap->insertRow(r);
    auto* item = new QTableWidgetItem(value);
    item->setFlags(item->flags() & ~Qt::ItemIsEditable);
    if (value == "*") item->setToolTip(tr("Every value not listed"));
    m_labelMap->setItem(r, 0, item);
    auto* events = new QTableWidgetItem;
    events->setFlags(events->flags() & ~Qt::ItemIsEditable);
    events->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_labelMap->setItem(r, 2, events);
    auto* combo = new QComboBox(m_labelMap);
    if (cls.isEmpty()) {
      // Unmapped: the loader would refuse the value (or give it the "*" class).
      combo->addItem(hasDefault ? tr("(as *)") : tr("— choose a class —"), QString());
      if (!hasDefault) item->setForeground(QColor(0xb0, 0x00, 0x20));
      item->setToolTip(hasDefault ? tr("Not listed: takes the class of *")
                                  : tr("Not listed in the mapping: the sample cannot load "
                                       "until this value has a class"));
    }
    for (const QString& c : classes) combo->addItem(c, c);
    if (!cls.isEmpty() && !classes.contains(cls)) combo->addItem(cls, cls);
    combo->setCurrentIndex(cls.isEmpty() ? 0 : combo->findData(cls));
    m_labelMap->setCellWidget(r, 1, combo);
  };
  for (const auto& e : s.labelMap) addRow(qs(e.value), qs(e.className));
  fitLabelMapHeight();

  ReaderOptions ro;
  ro.group = s.group;
  ro.layout = s.layout;
  ro.countColumn = s.countColumn;
  runShort<LabelValues>(
      this, m_jobs,
      [path = m_analysis->resolvedPath(s), ro, col = s.labelColumn, generation] {
        LabelValues v = readLabelValues(path, ro, col);
        v.generation = generation;
        return v;
      },
      [this, map = s.labelMap, addRow](LabelValues v) {
        if (v.generation != m_labelValuesGeneration) return;  // another sample by now
        if (!v.error.isEmpty()) {
          m_labelMapTitle->setToolTip(v.error);
          return;
        }
        std::size_t listed = 0;  // events whose value the mapping names
        for (const auto& [value, count] : v.values) {
          int row = -1;
          for (int r = 0; r < m_labelMap->rowCount() && row < 0; ++r)
            if (sameLabel(ss(m_labelMap->item(r, 0)->text()), value)) row = r;
          if (row < 0) {
            addRow(qs(value), QString());
            row = m_labelMap->rowCount() - 1;
          } else {
            listed += count;
          }
          m_labelMap->item(row, 2)->setText(QString::number(count));
        }
        std::size_t total = 0;
        for (const auto& p : v.values) total += p.second;
        for (int r = 0; r < m_labelMap->rowCount(); ++r) {
          if (m_labelMap->item(r, 0)->text() == "*")
            m_labelMap->item(r, 2)->setText(QString::number(total - listed));
          else if (m_labelMap->item(r, 2)->text().isEmpty())
            m_labelMap->item(r, 2)->setText("0");  // mapped but absent from the file
        }
        if (v.distinct > v.values.size())
          m_labelMapTitle->setText(
              m_labelMapTitle->text() + " " +
              tr("(the first %1 of %2 distinct values)").arg(v.values.size()).arg(v.distinct));
        m_labelMap->resizeColumnToContents(0);
        fitLabelMapHeight();
        Q_EMIT labelValuesListed();
      });
}

void MainWindow::addSampleFiles(const QStringList& paths) {
  if (paths.isEmpty()) return;
  Analysis a;
  if (m_analysis) {
    syncAnalysisFromPanels();
    a = *m_analysis;
  } else {
    a.name = "new analysis";
    a.classes = {"background", "signal"};
    a.signalClass = "signal";
    a.baseDir = ss(QFileInfo(paths.first()).absolutePath());
  }
  for (const QString& p : paths) {
    Sample s;
    s.name = ss(QFileInfo(p).completeBaseName());
    s.path = ss(QFileInfo(p).absoluteFilePath());
    s.classSource = ClassSource::Fixed;
    // A new file starts as background: the usual case is one signal and many backgrounds.
    s.className = a.classes.front();
    a.samples.push_back(s);
  }
  statusBar()->showMessage(tr("Reading %1 file(s) …").arg(paths.size()));
  runShort<LoadOutcome>(
      this, m_jobs, [a] { return loadInBackground(a, {}); },
      [this](LoadOutcome o) {
        if (!o.error.isEmpty()) {
          m_samplesMessage->setText(o.error);
          m_samplesMessage->show();
          return;
        }
        m_samplesMessage->hide();
        adoptLoad(std::move(o));
        onAnalysisLoaded();
      });
}

void MainWindow::scheduleYields() {
  m_yieldsDebounce.start();
}

void MainWindow::computeYields() {
  if (!m_loaded || !m_cutEditor->isValid()) return;
  const int generation = ++m_yieldsGeneration;
  m_yields->setStale(true);
  runShort<YieldsOutcome>(
      this, m_jobs,
      [loaded = m_loaded, cut = ss(m_cutEditor->text().trimmed()), generation] {
        YieldsOutcome o;
        o.generation = generation;
        try {
          o.keep = selectEvents(loaded->table, cut);
          o.before = ::imbw::computeYields(loaded->table);
          o.after = ::imbw::computeYields(loaded->table, o.keep);
        } catch (const std::exception& e) {
          o.error = qs(e.what());
        }
        return o;
      },
      [this](YieldsOutcome o) {
        if (o.generation != m_yieldsGeneration) return;  // a newer cut is on its way
        if (!o.error.isEmpty()) {
          m_cutMessage->setText(o.error);
          m_cutMessage->show();
          return;
        }
        m_keep = std::move(o.keep);
        m_cutYields = o.after;
        m_yields->setYields(toClassYields(*o.before, *o.after),
                            {o.before->ratioByCount(), o.before->ratioByWeight()},
                            {o.after->ratioByCount(), o.after->ratioByWeight()});
        const QString empty = emptyClassMessage(*o.after);
        m_cutMessage->setText(empty);
        m_cutMessage->setVisible(!empty.isEmpty());
        updateFeatureDistribution();
        Q_EMIT yieldsUpdated();
      });
}

void MainWindow::updateFeatureDistribution() {
  if (!m_loaded) return;
  const QString feature = m_features->currentFeature();
  if (feature.isEmpty()) return;
  runShort<QList<ClassScoreHistogram>>(
      this, m_jobs,
      [loaded = m_loaded, f = ss(feature), keep = m_keep] {
        try {
          return featureHistograms(loaded->table, f, keep);
        } catch (const std::exception&) {
          return QList<ClassScoreHistogram>{};
        }
      },
      [this, feature](QList<ClassScoreHistogram> h) {
        if (feature == m_features->currentFeature()) m_features->setDistribution(feature, h);
      });
}

void MainWindow::updateLossPlot() {
  const QString kind = m_lossKind->currentData().toString();
  const double a = m_alpha->value();
  const double g = m_gamma->value();
  m_alpha->setEnabled(kind != "cross_entropy");
  m_alphaSlider->setEnabled(kind != "cross_entropy");
  m_alphaFromR->setEnabled(kind != "cross_entropy");
  m_gamma->setEnabled(kind == "focal");
  m_gammaSlider->setEnabled(kind == "focal");
  if (kind == "cross_entropy")
    m_lossView->setLoss(1.0, 1.0, 0.0);
  else if (kind == "weighted_cross_entropy")
    m_lossView->setLoss(a, 1.0 - a, 0.0);
  else
    m_lossView->setLoss(a, 1.0 - a, g);
}

void MainWindow::setModelKind(const QString& kind) {
  m_modelMessage->hide();
  try {
    auto model = makeModel({{"kind", ss(kind)}});
    nlohmann::json cfg = model->config();
    cfg.erase("kind");
    cfg.erase("loss");  // the loss comes from the Imbalance & loss panel
    m_modelForm->setObject(toQJson(cfg), {"seed", "threads"});
  } catch (const std::exception& e) {
    m_modelForm->setObject({});
    m_modelMessage->setText(qs(e.what()));
    m_modelMessage->show();
  }
}

void MainWindow::syncAnalysisFromPanels() {
  if (!m_analysis) return;
  m_analysis->signalClass = ss(m_signalClass->currentText());
  // The cut and feature panels only hold this analysis's settings once its events loaded
  // (after a failed first load they still show the previous one's, or nothing).
  if (!m_panelsShowAnalysis) return;
  if (m_cutEditor->isValid()) m_analysis->cut = ss(m_cutEditor->text().trimmed());
  m_analysis->features.clear();
  for (const QString& f : m_features->checkedFeatures()) m_analysis->features.push_back(ss(f));
}

bool MainWindow::saveProject(const QString& path) {
  if (!m_analysis) {
    statusBar()->showMessage(tr("Nothing to save: open an analysis first."));
    return false;
  }
  syncAnalysisFromPanels();
  Analysis a = *m_analysis;
  a.runs = nlohmann::json::array();
  nlohmann::json results = nlohmann::json::object();
  for (const QString& key : std::as_const(m_runOrder)) {
    const Run& r = m_runs[key];
    nlohmann::json spec = r.config;
    spec["name"] = ss(r.name);
    a.runs.push_back(spec);
    if (r.outcome && r.outcome->status == TrainingOutcome::Status::Done &&
        !r.outcome->result.is_null())
      results[ss(r.name)] = r.outcome->result;
  }
  a.extra["results"] = results;
  try {
    a.save(ss(path));
  } catch (const std::exception& e) {
    QMessageBox::warning(this, tr("Save project"), qs(e.what()));
    return false;
  }
  m_path = path;
  statusBar()->showMessage(tr("Saved %1").arg(path));
  return true;
}

// ---------------------------------------------------------------------------------------------
// Runs

void MainWindow::refuse(const QString& why) {
  m_trainingRefusal = why;
  m_modelMessage->setText(why);
  m_modelMessage->show();
  statusBar()->showMessage(tr("Not started: %1").arg(why));
}

std::optional<RunSpec> MainWindow::currentRunSpec(QString* why) {
  RunSpec spec;
  spec.model = fromQJson(m_modelForm->values());
  spec.model["kind"] = ss(m_modelKind->currentText());
  spec.loss.kind = lossKindFromName(ss(m_lossKind->currentData().toString()));
  spec.loss.alpha = m_alpha->value();
  spec.loss.gamma = m_gamma->value();
  spec.resample.kind = static_cast<ResampleKind>(m_resampleKind->currentData().toInt());
  spec.resample.ratio = m_resampleRatio->value();
  spec.resample.k = m_resampleK->value();
  spec.resample.negativeWeights =
      negativeWeightPolicyFromName(ss(m_negativeWeights->currentText()));
  spec.resample.seed = static_cast<std::uint64_t>(m_seed->value());
  spec.folds = m_folds->value();
  spec.seed = static_cast<std::uint64_t>(m_seed->value());
  spec.threads = m_threads->value();
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

void MainWindow::applyRunSpec(const RunSpec& spec) {
  m_modelKind->setCurrentText(qs(spec.model.value("kind", "gbdt")));
  nlohmann::json params = spec.model;
  params.erase("kind");
  m_modelForm->setValues(toQJson(params));
  m_lossKind->setCurrentIndex(m_lossKind->findData(qs(lossKindName(spec.loss.kind))));
  m_alpha->setValue(spec.loss.alpha);
  if (spec.alphaFromSignalFraction && m_cutYields && std::isfinite(m_cutYields->ratioByWeight()))
    m_alpha->setValue(1.0 - m_cutYields->ratioByWeight());
  m_gamma->setValue(spec.loss.gamma);
  m_resampleKind->setCurrentIndex(m_resampleKind->findData(static_cast<int>(spec.resample.kind)));
  m_resampleRatio->setValue(spec.resample.ratio);
  m_resampleK->setValue(spec.resample.k);
  m_negativeWeights->setCurrentText(qs(negativeWeightPolicyName(spec.resample.negativeWeights)));
  m_folds->setValue(spec.folds);
  m_seed->setValue(static_cast<int>(spec.seed));
  m_threads->setValue(spec.threads);
  updateLossPlot();
}

bool MainWindow::startTraining() {
  m_trainingRefusal.clear();
  m_modelMessage->hide();
  if (!m_loaded) {
    refuse(tr("open an analysis first"));
    return false;
  }
  if (!m_cutEditor->isValid()) {
    refuse(tr("the cut is not valid: %1").arg(m_cutEditor->errorText()));
    return false;
  }
  if (m_yieldsDebounce.isActive() || m_keep.size() != m_loaded->table.size()) {
    computeYields();
    refuse(tr("the yields of the new cut are still being computed; press Train again"));
    return false;
  }
  if (m_cutYields) {
    const QString empty = emptyClassMessage(*m_cutYields);
    if (!empty.isEmpty()) {
      refuse(empty);
      return false;
    }
  }
  if (m_features->checkedFeatures().isEmpty()) {
    refuse(tr("tick at least one feature in the Features panel"));
    return false;
  }
  QString why;
  auto spec = currentRunSpec(&why);
  if (!spec) {
    refuse(why);
    return false;
  }
  const QString name = QString("%1 %2").arg(m_modelKind->currentText(),
                                            m_lossKind->currentData().toString() == "focal"
                                                ? QString("focal α=%1 γ=%2")
                                                      .arg(m_alpha->value(), 0, 'g', 3)
                                                      .arg(m_gamma->value(), 0, 'g', 3)
                                                : m_lossKind->currentText().toLower());
  const QString key = launchRun(*spec, name);
  selectRuns({key});
  return true;
}

bool MainWindow::startScan(const QList<double>& alphas, const QList<double>& gammas) {
  for (double a : alphas)
    if (a < 0 || a > 1) {
      m_scanMessage->setText(tr("α = %1 is outside [0, 1]").arg(a));
      return false;
    }
  for (double g : gammas)
    if (g < 0) {
      m_scanMessage->setText(tr("γ = %1 is negative").arg(g));
      return false;
    }
  m_trainingRefusal.clear();
  if (!m_loaded || !m_cutEditor->isValid() || m_keep.size() != m_loaded->table.size()) {
    m_scanMessage->setText(tr("Load an analysis with a valid cut first."));
    return false;
  }
  QString why;
  auto base = currentRunSpec(&why);
  if (!base) {
    m_scanMessage->setText(why);
    return false;
  }
  m_scanAlphaValues = alphas;
  m_scanGammaValues = gammas;
  auto join = [](const QList<double>& v) {
    QStringList parts;
    for (double x : v) parts << QString::number(x, 'g', 4);
    return parts.join(", ");
  };
  m_scanAlphas->setText(join(alphas));  // the fields show the grid the map shows
  m_scanGammas->setText(join(gammas));
  m_heatMap->setGrid(alphas, gammas, m_scanMetric->currentText());
  for (int g = 0; g < gammas.size(); ++g) {
    for (int a = 0; a < alphas.size(); ++a) {
      RunSpec spec = *base;
      spec.loss.kind = LossKind::Focal;
      spec.loss.alpha = alphas[a];
      spec.loss.gamma = gammas[g];
      const QString key = launchRun(spec, QString("%1 scan α=%2 γ=%3")
                                              .arg(qs(spec.model.value("kind", "")))
                                              .arg(alphas[a])
                                              .arg(gammas[g]));
      m_runs[key].scanAlpha = a;
      m_runs[key].scanGamma = g;
      m_heatMap->setCell(a, g, key, std::nan(""));
    }
  }
  return true;
}

QString MainWindow::launchRun(const RunSpec& specIn, const QString& name) {
  RunSpec spec = specIn;
  spec.name = ss(name);
  syncAnalysisFromPanels();
  const QString key = QString("run%1").arg(m_nextRunId++);
  Run run;
  run.key = key;
  run.name = name;
  run.config = spec.toJson();
  run.colorIndex = static_cast<int>(m_runOrder.size());
  run.live = std::make_shared<LiveRunState>();
  run.plot.key = key;
  run.plot.label = name;
  run.plot.color = runColor(run.colorIndex);
  run.watcher = new QFutureWatcher<TrainingOutcome>(this);
  connect(run.watcher, &QFutureWatcherBase::finished, this, [this, key] { onRunFinished(key); });
  std::vector<std::string> features;
  for (const QString& f : m_features->checkedFeatures()) features.push_back(ss(f));
  m_runs.insert(key, run);
  m_runOrder << key;
  RunRow row;
  row.key = key;
  row.name = name;
  row.config = runSummary(spec);
  row.configDetail = runDetails(spec);
  row.status = tr("queued");
  row.color = run.plot.color;
  m_runsModel->addRun(row);
  m_jobPanel->addJob(key, name);
  m_runs[key].watcher->setFuture(
      startTrainingJob(*m_jobs, m_loaded, m_keep, features, spec, run.live));
  if (!m_redrawTimer.isActive()) m_redrawTimer.start();
  statusBar()->showMessage(tr("Queued %1").arg(name));
  m_statusRuns->setText(activeRunsText(activeRuns()));
  return key;
}

int MainWindow::activeRuns() const {
  int n = 0;
  for (const Run& r : m_runs) n += r.running ? 1 : 0;
  return n;
}

void MainWindow::cancelRun(const QString& key) {
  auto it = m_runs.find(key);
  if (it == m_runs.end() || !it->running || !it->watcher) return;
  it->watcher->cancel();
  m_runsModel->setStatus(key, tr("cancelling…"));
}

void MainWindow::cancelAllRuns() {
  for (const QString& key : std::as_const(m_runOrder)) cancelRun(key);
}

std::shared_ptr<const TrainingOutcome> MainWindow::runOutcome(const QString& key) const {
  auto it = m_runs.find(key);
  return it == m_runs.end() ? nullptr : it->outcome;
}

void MainWindow::redrawTick() {
  bool changed = false;
  for (const QString& key : std::as_const(m_runOrder)) {
    Run& run = m_runs[key];
    if (!run.running || !run.live) continue;
    std::shared_ptr<const RunPlotData> newest;
    std::shared_ptr<const RocCurve> newestRoc;
    double fraction = 0;
    std::string stage;
    bool started = false;
    {
      std::lock_guard lock(run.live->mutex);
      if (run.live->dirty) {
        newest = run.live->newest;
        newestRoc = run.live->newestRoc;
      }
      run.live->dirty = false;
      fraction = run.live->fraction;
      stage = run.live->stage;
      started = run.live->started;
    }
    if (!started) continue;
    m_jobPanel->setProgress(key, fraction, qs(stage));
    const RunRow* row = m_runsModel->run(key);
    const QString status =
        tr("training %1 % — %2").arg(static_cast<int>(fraction * 100)).arg(qs(stage));
    if (row && row->status != status && !row->status.startsWith(tr("cancelling")))
      m_runsModel->setStatus(key, status);
    if (newest) {
      const QString label = run.plot.label;
      const QColor color = run.plot.color;
      run.plot = *newest;
      run.plot.key = key;
      run.plot.label = label;
      run.plot.color = color;
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

void MainWindow::onRunFinished(const QString& key) {
  auto it = m_runs.find(key);
  if (it == m_runs.end()) return;
  Run& run = *it;
  run.running = false;
  run.liveRoc.reset();
  auto outcome = std::make_shared<TrainingOutcome>();
  if (run.watcher->future().resultCount() > 0 && !run.watcher->isCanceled()) {
    *outcome = run.watcher->result();
  } else {
    outcome->status = TrainingOutcome::Status::Cancelled;
    outcome->message = tr("cancelled");
  }
  run.watcher->deleteLater();
  run.watcher = nullptr;
  m_jobPanel->removeJob(key);
  RunRow row;
  if (const RunRow* old = m_runsModel->run(key)) row = *old;
  row.key = key;
  QString status;
  switch (outcome->status) {
    case TrainingOutcome::Status::Done: {
      status = tr("done");
      row.ap = outcome->ap;
      row.auc = outcome->auc;
      row.apOverR = outcome->apOverR;
      row.rejection20 = outcome->rejection20;
      row.rejection80 = outcome->rejection80;
      row.fitTime = outcome->fitTime;
      const QString label = run.plot.label;
      const QColor color = run.plot.color;
      run.plot = outcome->plot;
      run.plot.key = key;
      run.plot.label = label;
      run.plot.color = color;
      if (outcome->pooledRoc)
        run.plot.significance = significanceCurves(*outcome->pooledRoc, m_sigView->luminosity());
      break;
    }
    case TrainingOutcome::Status::Cancelled:
      status = tr("cancelled");
      break;
    case TrainingOutcome::Status::Failed:
      status = tr("failed: %1").arg(outcome->message);
      break;
  }
  row.status = status;
  run.outcome = outcome;
  m_runsModel->updateRun(row);
  for (int c = RunsTableModel::Ap; c < RunsTableModel::ColumnCount; ++c)
    m_runsView->resizeColumnToContents(c);
  if (run.scanAlpha >= 0) {
    double v = std::nan("");
    if (outcome->status == TrainingOutcome::Status::Done) {
      const QString m = m_scanMetric->currentText();
      v = m == "AP" ? outcome->ap.mean : m == "AUC" ? outcome->auc.mean : outcome->apOverR.mean;
    }
    m_heatMap->setCell(run.scanAlpha, run.scanGamma,
                       outcome->status == TrainingOutcome::Status::Done ? key : QString(), v);
  }
  statusBar()->showMessage(tr("%1: %2").arg(run.name, status));
  m_statusRuns->setText(activeRunsText(activeRuns()));
  refreshPlots();
  Q_EMIT runFinished(key, status);
}

void MainWindow::recomputeSignificance() {
  const double lumi = m_sigView->luminosity();
  for (Run& run : m_runs) {
    if (run.outcome && run.outcome->pooledRoc)
      run.plot.significance = significanceCurves(*run.outcome->pooledRoc, lumi);
    else if (run.running && run.liveRoc)
      run.plot.significance = significanceCurves(*run.liveRoc, lumi);
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
  refreshPlots();
}

void MainWindow::refreshPlots() {
  QStringList keys = selectedRuns();
  if (keys.isEmpty() && !m_runOrder.isEmpty()) keys << m_runOrder.last();
  QList<RunPlotData> data;
  for (const QString& key : std::as_const(m_runOrder))
    if (keys.contains(key) && m_runs.contains(key)) data << m_runs[key].plot;
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

void MainWindow::deleteSelectedRuns() {
  for (const QString& key : selectedRuns()) {
    auto it = m_runs.find(key);
    if (it == m_runs.end()) continue;
    if (it->running && it->watcher) {
      it->watcher->disconnect(this);
      it->watcher->cancel();
      it->watcher->deleteLater();
      m_jobPanel->removeJob(key);
    }
    m_runs.erase(it);
    m_runOrder.removeAll(key);
    m_runsModel->removeRun(key);
  }
  refreshPlots();
}

void MainWindow::useSelectedConfiguration() {
  const QStringList keys = selectedRuns();
  if (keys.isEmpty()) return;
  try {
    applyRunSpec(RunSpec::fromJson(m_runs[keys.first()].config));
    statusBar()->showMessage(
        tr("Panels set to the configuration of %1").arg(m_runs[keys.first()].name));
  } catch (const std::exception& e) {
    statusBar()->showMessage(qs(e.what()));
  }
}

}  // namespace imbw
