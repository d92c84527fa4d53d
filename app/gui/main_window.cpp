// The window's frame: construction, menus, docks, opening files (New, Open, a dropped file;
// saving, the recent list, prompts and recovery: project_files.cpp), window settings.
#include "app/gui/main_window.h"
#include "app/gui/samples_panel.h"
#include "app/gui/scan_panel.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDesktopServices>
#include <QDir>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMimeData>
#include <QScreen>
#include <QScrollArea>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>
#include <QToolBar>
#include <QUrl>
#include <cmath>

#include "app/gui/class_subsample_box.h"
#include "app/gui/cluster_monitor.h"
#include "app/gui/core_convert.h"
#include "app/gui/cut_panel.h"
#include "app/gui/export_actions.h"
#include "app/gui/insight_panel.h"
#include "app/gui/loss_panel.h"
#include "app/gui/model_panel.h"
#include "app/gui/short_job.h"
#include "app/gui/weak_supervision_dock.h"
#include "core/data/sample_reader.h"
#include "core/export/library_versions.h"
#include "widgets/about_dialog.h"
#include "widgets/cut_editor.h"
#include "widgets/feature_list.h"
#include "widgets/job_panel.h"
#include "widgets/pr_curve_view.h"
#include "widgets/roc_curve_view.h"
#include "widgets/score_histogram_view.h"
#include "widgets/significance_view.h"
#include "widgets/training_history_view.h"
#include "widgets/welcome_page.h"
#include "widgets/yields_table.h"

namespace imbw {

namespace {

QStringList classNames(const AnalysisSession& session) {
  QStringList names;
  if (session.hasProject())
    for (const auto& c : session.project().analysis.classes) names << qs(c);
  return names;
}

QDockWidget* makeDock(QMainWindow* w, const QString& title, const QString& name, QWidget* content,
                      Qt::DockWidgetArea area) {
  auto* dock = new QDockWidget(title, w);
  dock->setObjectName(name);
  // A panel taller than its share of the screen scrolls instead of pushing the window below
  // the screen's edge (a 1366×768 laptop showed no Runs dock at all).
  auto* scroll = new QScrollArea(dock);
  scroll->setWidget(content);
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::NoFrame);
  scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
  dock->setWidget(scroll);
  w->addDockWidget(area, dock);
  return dock;
}

bool isHdf5(const QString& path) {
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly)) return false;
  return f.read(8) == QByteArray("\x89HDF\r\n\x1a\n", 8);
}

}  // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent),
      m_session(new AnalysisSession(this)),
      m_registry(new RunRegistry(this)),
      m_jobs(new JobRunner(this)) {
  setAcceptDrops(true);
  setDockOptions(QMainWindow::AllowTabbedDocks | QMainWindow::AnimatedDocks);
  buildPlots();
  buildDocks();
  m_files = new ProjectFiles(m_session, m_jobs, m_registry, m_runsCtl, this);
  connect(m_files, &ProjectFiles::message, this,
          [this](const QString& text) { statusBar()->showMessage(text); });
  connect(m_files, &ProjectFiles::openRequested, this, &MainWindow::openFile);
  connect(m_files, &ProjectFiles::filesChanged, this, &MainWindow::updateTitle);
  connect(m_files, &ProjectFiles::projectOpened, this, [this] {
    m_runsCtl->evaluateStored();
    startLoad();
  });
  connect(m_files, &ProjectFiles::openFailed, this, [this](const QString& error) {
    m_loadError = error;
    Q_EMIT loadFailed(error);
  });
  buildActions();
  m_statusRuns = new QLabel(this);
  statusBar()->addPermanentWidget(m_statusRuns);
  statusBar()->showMessage(tr("Open a project (Ctrl+O) or drop an HDF5 file here."));
  connect(m_session, &AnalysisSession::modifiedChanged, this, &MainWindow::updateTitle);
  connect(m_session, &AnalysisSession::projectReplaced, this, [this] {
    m_loadError.clear();
    m_samplesPanel->showProblem({});
    // The cut and features come from the project at once, also when its events cannot load.
    m_cutPanel->showProject();
    QStringList features;
    for (const auto& f : m_session->project().analysis.features) features << qs(f);
    {
      QSignalBlocker b(m_features);
      m_features->setFeatures(features, features);
      m_features->setDistribution(QString(), {});
    }
    m_samplesPanel->populate();
    m_modelPanel->setClasses(classNames(*m_session));
    showLuminosity();
    m_runsCtl->reset();
    updateTitle();
    Q_EMIT luminosityChanged();
  });
  resize(1500, 950);
  loadSettings();
  updateTitle();
  QTimer::singleShot(0, m_files, &ProjectFiles::offerRecovery);
}

MainWindow::~MainWindow() {
  if (m_loadStop) m_loadStop->store(true);
  m_runsCtl->detach();
  m_jobs->shutdown();
}

// ---------------------------------------------------------------------------------------------
// Layout

void MainWindow::buildActions() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  QAction* newAction = file->addAction(tr("&New project"), this, [this] { newProject(); });
  newAction->setShortcut(QKeySequence::New);
  QAction* open = file->addAction(tr("&Open project or analysis…"), this, [this] {
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open project, analysis or HDF5 sample"), QSettings().value("lastDir").toString(),
        tr("Project / analysis (*.json);;HDF5 sample (*.h5 *.hdf5);;All files (*)"));
    if (!path.isEmpty()) openFile(path);
  });
  open->setShortcut(QKeySequence::Open);
  file->addMenu(m_files->recentMenu());
  using Mode = ProjectFiles::SaveMode;
  QAction* save = file->addAction(tr("&Save project"), this,
                                  [this] { m_files->saveInteractively(false, Mode::Background); });
  save->setShortcut(QKeySequence::Save);
  QAction* saveAs = file->addAction(tr("Save project &as…"), this,
                                    [this] { m_files->saveInteractively(true, Mode::Background); });
  saveAs->setShortcut(QKeySequence::SaveAs);
  QAction* closeAction = file->addAction(tr("&Close project"), this, [this] { closeProject(); });
  closeAction->setShortcut(QKeySequence::Close);
  file->addSeparator();
  file->addAction(tr("Add HDF5 &samples…"), this, [this] {
    addSampleFiles(QFileDialog::getOpenFileNames(this, tr("Add samples"),
                                                 QSettings().value("lastDir").toString(),
                                                 tr("HDF5 (*.h5 *.hdf5 *.hdf);;All files (*)")));
  });
  file->addSeparator();
  QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
  quit->setShortcut(QKeySequence::Quit);

  QMenu* runMenu = menuBar()->addMenu(tr("&Run"));
  m_trainAction = runMenu->addAction(tr("&Train new run"), this, [this] { startTraining(); });
  m_trainAction->setShortcuts({QKeySequence(Qt::Key_F5), QKeySequence(Qt::CTRL | Qt::Key_T)});
  m_trainAction->setToolTip(tr("Add a run with the current settings and train it (F5)"));
  m_cancelAction = runMenu->addAction(tr("&Cancel all runs"), this, [this] { cancelAllRuns(); });
  m_cancelAction->setShortcuts(
      {QKeySequence(Qt::SHIFT | Qt::Key_F5), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_T)});
  m_cluster = new ClusterMonitor(this, m_jobs);  // Run on cluster…, Cancel on cluster
  m_cluster->addActions(runMenu);

  addWeakSupervisionDock(this, m_session, m_jobs);  // issue 14, before the View menu lists docks
  addExportActions(this, file, m_jobs);  // issue 11: File ▸ Export, Ctrl+C on the runs table
  QMenu* view = menuBar()->addMenu(tr("&View"));
  for (QDockWidget* dock : findChildren<QDockWidget*>()) view->addAction(dock->toggleViewAction());

  QMenu* help = menuBar()->addMenu(tr("&Help"));
  help->addAction(tr("&User guide"), this, [this] {
    const QString installed =
        QApplication::applicationDirPath() + "/../share/doc/imbalance-workbench/README.md";
    const QString guide =
        QFileInfo::exists(installed) ? installed : QStringLiteral(IMBW_SOURCE_TREE "/README.md");
    if (!QDesktopServices::openUrl(QUrl::fromLocalFile(guide)))
      statusBar()->showMessage(tr("The user guide is %1").arg(guide));
  });
  help->addAction(tr("Open the &example"), this, [this] {
    if (!examplePath().isEmpty()) openFile(examplePath());
  });
  help->addAction(tr("&About Imbalance Workbench"), this, [this] {
    AboutDialog dialog(aboutInfo(), this);
    dialog.exec();
  });

  QToolBar* bar = addToolBar(tr("Main"));
  bar->setObjectName("mainToolBar");
  bar->addAction(open);
  bar->addAction(save);
  bar->addSeparator();
  bar->addAction(m_trainAction);
  bar->addAction(m_cancelAction);
}

void MainWindow::buildPlots() {
  m_plots = new PlotsArea(this);
  m_plots->addTab(new InsightPanel(this, m_jobs), tr("Inputs and outputs"));
  connect(m_plots, &PlotsArea::curveClassChanged, this, [this] {
    m_runsCtl->evaluateStored();
    m_runsCtl->refreshPlots();
  });
  connect(m_plots, &PlotsArea::luminosityChanged, this, [this] {
    // The factor typed on the Significance tab is the project's (the CLI's plots and working
    // points use it too). The box rounds to 4 decimals: a project's factor shown rounded is
    // not an edit.
    ProjectLuminosity lumi = luminositySetting();
    if (std::abs(std::round(lumi.factor * 1e4) / 1e4 - m_plots->luminosity()) > 1e-12) {
      lumi.factor = m_plots->luminosity();
      setLuminositySetting(lumi);
    }
    m_runsCtl->recomputeSignificance();
  });
  m_welcome = new WelcomePage(this);
  m_welcome->setExampleAvailable(!examplePath().isEmpty());
  connect(m_welcome, &WelcomePage::openExample, this, [this] { openFile(examplePath()); });
  connect(m_welcome, &WelcomePage::openRecent, this, &MainWindow::openFile);
  connect(m_welcome, &WelcomePage::openFile, this, [this] {
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open project, analysis or HDF5 sample"), QSettings().value("lastDir").toString(),
        tr("Project / analysis (*.json);;HDF5 sample (*.h5 *.hdf5);;All files (*)"));
    if (!path.isEmpty()) openFile(path);
  });
  m_centre = new QStackedWidget(this);
  m_centre->addWidget(m_welcome);
  m_centre->addWidget(m_plots);
  setCentralWidget(m_centre);
}

void MainWindow::buildDocks() {
  m_scanPanel = new ScanPanel(m_session, m_registry, this);
  connect(m_scanPanel, &ScanPanel::scanRequested, this,
          [this](const QList<double>& a, const QList<double>& g) { startScan(a, g); });
  connect(m_scanPanel, &ScanPanel::clusterScanRequested, this,
          [this](const QList<double>& a, const QList<double>& g) { startScan(a, g, true); });
  connect(m_scanPanel, &ScanPanel::runClicked, this,
          [this](const QString& id) { selectRuns({id}); });
  m_cutPanel = new CutPanel(m_session, m_jobs, this);
  connect(m_cutPanel, &CutPanel::yieldsUpdated, this, [this] {
    updateFeatureDistribution();
    Q_EMIT yieldsUpdated();
  });
  m_samplesPanel = new SamplesPanel(m_session, m_jobs, this);
  connect(m_samplesPanel, &SamplesPanel::reloadRequested, this, &MainWindow::startLoad);
  connect(m_samplesPanel, &SamplesPanel::signalClassChanged, m_cutPanel, &CutPanel::computeYields);
  connect(m_samplesPanel, &SamplesPanel::classesChanged, this, [this] {
    refreshCurveClassChoice();
    m_modelPanel->setClasses(classNames(*m_session));
  });
  connect(m_samplesPanel, &SamplesPanel::labelValuesListed, this, &MainWindow::labelValuesListed);
  auto* samples =
      makeDock(this, tr("Samples"), "samplesDock", m_samplesPanel, Qt::LeftDockWidgetArea);
  makeDock(this, tr("Cuts"), "cutsDock", m_cutPanel, Qt::LeftDockWidgetArea);
  m_features = new FeatureList(this);
  auto* features =
      makeDock(this, tr("Features"), "featuresDock", m_features, Qt::LeftDockWidgetArea);
  tabifyDockWidget(samples, features);
  samples->raise();
  m_lossPanel = new LossPanel(this);
  m_lossPanel->setSignalFractionSource([this]() -> std::optional<double> {
    const auto y = currentYields();
    return y ? std::optional<double>(y->ratioByWeight()) : std::nullopt;
  });
  m_lossPanel->insertTop(new ClassSubsampleBox(this));  // issue 13: the controlled imbalance
  auto* loss =
      makeDock(this, tr("Imbalance and loss"), "lossDock", m_lossPanel, Qt::RightDockWidgetArea);
  m_modelPanel = new ModelPanel(this);
  connect(m_modelPanel, &ModelPanel::trainRequested, this, [this] { startTraining(); });
  auto* model = makeDock(this, tr("Model"), "modelDock", m_modelPanel, Qt::RightDockWidgetArea);
  tabifyDockWidget(loss, model);
  loss->raise();
  m_runsPanel = new RunsPanel(m_session, m_registry, this);
  connect(m_runsPanel, &RunsPanel::trainRequested, this, [this](const QStringList& ids) {
    for (const QString& id : ids) trainRun(id);
  });
  connect(m_runsPanel, &RunsPanel::cancelRequested, this, &MainWindow::cancelRun);
  connect(m_runsPanel, &RunsPanel::useConfigurationRequested, this, [this](const QString& id) {
    if (const ProjectRun* r = m_session->project().findRun(ss(id))) {
      applyRunConfig(r->config);
      statusBar()->showMessage(tr("Panels set to the configuration of %1").arg(qs(r->name())));
    }
  });
  connect(m_runsPanel, &RunsPanel::duplicateRequested, this, [this](const QStringList& ids) {
    for (const QString& id : ids) duplicateRun(id);
  });
  connect(m_runsPanel, &RunsPanel::deleteRequested, this, &MainWindow::deleteRuns);
  connect(m_runsPanel, &RunsPanel::renameRequested, this, &MainWindow::renameRun);
  connect(m_runsPanel, &RunsPanel::contextMenuRequested, this,
          [this](QMenu* menu, const QStringList& ids) {
            m_cluster->addContextActions(menu, ids);
            if (auto* exports = findChild<ExportActions*>()) exports->addRunActions(menu, ids);
          });
  m_runsCtl =
      new RunsController(m_session, m_registry, m_jobs, m_runsPanel, m_plots, m_scanPanel, this);
  connect(m_runsPanel, &RunsPanel::shownChanged, m_runsCtl, &RunsController::refreshPlots);
  connect(m_runsCtl, &RunsController::message, this,
          [this](const QString& text) { statusBar()->showMessage(text); });
  connect(m_runsCtl, &RunsController::activeRunsChanged, this, [this](int n) {
    m_statusRuns->setText(n == 0   ? tr("no run active")
                          : n == 1 ? tr("1 run active")
                                   : tr("%1 runs active").arg(n));
  });
  connect(m_runsCtl, &RunsController::runFinished, this, &MainWindow::runFinished);
  connect(m_runsCtl, &RunsController::storedRunsEvaluated, this, &MainWindow::storedRunsEvaluated);
  auto* runs = makeDock(this, tr("Runs"), "runsDock", m_runsPanel, Qt::BottomDockWidgetArea);
  auto* scan = makeDock(this, tr("α–γ scan"), "scanDock", m_scanPanel, Qt::BottomDockWidgetArea);
  tabifyDockWidget(runs, scan);
  runs->raise();
  wireFeatures();
}

// The panels' widgets, for tests and the screenshot tour.
CutEditor* MainWindow::cutEditor() const {
  return m_cutPanel->editor();
}
YieldsTable* MainWindow::yieldsTable() const {
  return m_cutPanel->yieldsTable();
}
QTableWidget* MainWindow::labelMapTable() const {
  return m_samplesPanel->labelMapTable();
}
QPushButton* MainWindow::applySamplesButton() const {
  return m_samplesPanel->applyButton();
}
QListWidget* MainWindow::classList() const {
  return m_samplesPanel->classList();
}
QComboBox* MainWindow::classSourceBox() const {
  return m_samplesPanel->classSourceBox();
}
QComboBox* MainWindow::fixedClassBox() const {
  return m_samplesPanel->fixedClassBox();
}
QComboBox* MainWindow::labelColumnBox() const {
  return m_samplesPanel->labelColumnBox();
}
QComboBox* MainWindow::signalClassBox() const {
  return m_samplesPanel->signalClassBox();
}
CutEditor* MainWindow::weightEditor() const {
  return m_samplesPanel->weightEditor();
}
AlphaGammaHeatMap* MainWindow::heatMap() const {
  return m_scanPanel->heatMap();
}
QComboBox* MainWindow::scanBox() const {
  return m_scanPanel->scanBox();
}

// ---------------------------------------------------------------------------------------------
// Files

QString MainWindow::examplePath() {
  for (const QString& p :
       {QApplication::applicationDirPath() +
            "/../share/imbalance-workbench/examples/ww/ww.analysis.json",
        QStringLiteral(IMBW_SOURCE_TREE "/resources/examples/ww/ww.analysis.json")})
    if (QFileInfo::exists(p)) return QFileInfo(p).canonicalFilePath();
  return {};
}

AboutInfo MainWindow::aboutInfo() {
  AboutInfo info;
  info.version = QStringLiteral(IMBW_VERSION);
  info.description =
      tr("A workbench for particle physicists whose signal is rare: resampling, class weights and "
         "focal loss with event weights, after Murphy, SciPost Phys. 7, 076 (2019).");
  for (const LibraryVersion& v : libraryVersions())
    info.components << AboutComponent{qs(v.name), qs(v.version), qs(v.licence), qs(v.url)};
  info.components << AboutComponent{tr("WW polarisation example data"), QString(), "MIT",
                                    QString()};
  return info;
}

void MainWindow::updateTitle() {
  // Without a project the window welcomes: open the example, a recent project or a file.
  if (m_centre) {
    m_welcome->setRecentProjects(ProjectFiles::recentProjects());
    m_centre->setCurrentWidget(m_session->hasProject() ? static_cast<QWidget*>(m_plots)
                                                       : m_welcome);
  }
  // "[*]" shows the modified marker (an asterisk) where Qt's title placeholder goes.
  setWindowTitle(m_session->hasProject()
                     ? tr("%1[*] — Imbalance Workbench").arg(m_session->displayName())
                     : tr("Imbalance Workbench"));
  setWindowModified(m_session->isModified());
}

void MainWindow::openFile(const QString& path) {
  if (!m_files->maySkipUnsaved(tr("open another file"))) return;
  QSettings().setValue("lastDir", QFileInfo(path).absolutePath());
  if (isHdf5(path)) {
    newProjectWithSamples({path});
    return;
  }
  m_files->openProject(path);
}

void MainWindow::newProjectWithSamples(const QStringList& files) {
  Analysis a;
  a.name = ss(QFileInfo(files.first()).completeBaseName());
  a.classes = {"background", "signal"};
  a.signalClass = "signal";
  a.baseDir = ss(QFileInfo(files.first()).absolutePath());
  m_session->newProject(a);
  addSampleFiles(files);
}

bool MainWindow::newProject() {
  if (!m_files->maySkipUnsaved(tr("start a new project"))) return false;
  Analysis a;
  a.name = "new analysis";
  a.classes = {"background", "signal"};
  a.signalClass = "signal";
  a.baseDir = ss(QSettings().value("lastDir", QDir::homePath()).toString());
  m_session->newProject(a);
  statusBar()->showMessage(tr("New project: add HDF5 samples (File ▸ Add, or drop files here)."));
  return true;
}

// ---------------------------------------------------------------------------------------------
// Settings (window state only: everything that changes a result lives in the project)

void MainWindow::loadSettings() {
  QSettings s;
  if (s.contains("window/geometry")) restoreGeometry(s.value("window/geometry").toByteArray());
  if (s.contains("window/state")) {
    restoreState(s.value("window/state").toByteArray());
  } else {
    // First start: as large as fits the screen (1366×768 laptops too), wide enough side docks
    // that the yields table and the loss form show every column without scrolling.
    if (const QScreen* screen = QApplication::primaryScreen()) {
      const QRect avail = screen->availableGeometry();
      // Nearly the whole screen, up to 1860 × 1020 (a 1920 × 1080 screen): the side panels
      // need their width, the plots the rest.
      resize(std::min(1860, avail.width() - 40), std::min(1020, avail.height() - 60));
    }
    QTimer::singleShot(0, this, [this] {
      auto* left = findChild<QDockWidget*>("samplesDock");
      auto* right = findChild<QDockWidget*>("lossDock");
      if (left && right)
        resizeDocks({left, right}, {std::min(460, width() * 27 / 100), std::min(430, width() / 4)},
                    Qt::Horizontal);
      // The plots keep most of the height; the runs table shows about six runs.
      if (auto* runs = findChild<QDockWidget*>("runsDock"))
        resizeDocks({runs}, {height() / 4}, Qt::Vertical);
    });
  }
  m_plots->setCurrentIndex(s.value("window/plotTab", 0).toInt());
  m_plots->rocView()->setMode(s.value("plots/rejection", false).toBool()
                                  ? RocCurveView::Mode::Rejection
                                  : RocCurveView::Mode::Roc);
}

void MainWindow::saveSettings() {
  QSettings s;
  s.setValue("window/geometry", saveGeometry());
  s.setValue("window/state", saveState());
  s.setValue("window/plotTab", m_plots->currentIndex());
  s.setValue("plots/rejection", m_plots->rocView()->mode() == RocCurveView::Mode::Rejection);
}

void MainWindow::closeEvent(QCloseEvent* event) {
  if (!m_files->maySkipUnsaved(tr("quit"))) {
    event->ignore();
    return;
  }
  saveSettings();
  m_files->removeRecovery();
  m_runsCtl->detach();
  m_files->stopAutosave();
  if (m_loadStop) m_loadStop->store(true);  // a load stops at its next chunk
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

}  // namespace imbw
