#pragma once

#include <QFutureWatcher>
#include <QHash>
#include <QMainWindow>
#include <QPointer>
#include <QSet>
#include <QTimer>
#include <memory>
#include <optional>

#include "app/gui/analysis_session.h"
#include "app/gui/job_runner.h"
#include "app/gui/plots_area.h"
#include "app/gui/project_files.h"
#include "app/gui/run_registry.h"
#include "app/gui/runs_controller.h"
#include "app/gui/runs_panel.h"
#include "app/gui/training_job.h"
#include "core/analysis/analysis.h"
#include "core/analysis/analysis_loader.h"
#include "core/data/sample_reader.h"
#include "core/project/luminosity.h"
#include "widgets/run_plot_data.h"

class QAction;
class QCheckBox;
class QComboBox;
class QTableWidget;
class QLabel;
class QLineEdit;
class QListWidget;
class QMenu;
class QPushButton;
class QSortFilterProxyModel;
class QTabWidget;
class QTableView;
class QTreeWidget;
class QStackedWidget;

namespace imbw {

class AlphaGammaHeatMap;
class ClusterMonitor;
class CutEditor;
class FeatureList;
class JobPanel;
class LossPanel;
class ModelPanel;
class PrCurveView;
class RocCurveView;
class RunsTableModel;
class SamplesPanel;
class ScanPanel;
class ScoreHistogramView;
class SignificanceView;
class TrainingHistoryView;
class YieldsTable;
class ChartView;
class CutPanel;
class WelcomePage;
struct AboutInfo;

/// The workbench window: a view of one AnalysisSession (the project, its events and stored
/// results) and one RunRegistry (the runs' live state, colours and visibility). Docks:
/// Samples, Cuts, Features, Imbalance & loss, Model, Runs, α–γ scan; the plots in the centre.
/// Every long computation runs as a job (JobRunner); the window only reacts to finished
/// futures and to a 50 ms redraw timer. The panels are widgets of their own that read and
/// write only their part (SamplesPanel, LossPanel, ModelPanel, ScanPanel); the window's code is
/// split by area: main_window.cpp (menus, docks, opening files; the files themselves:
/// ProjectFiles), main_window_data.cpp (cut,
/// features, loading), main_window_runs.cpp (runs, plots, scans).
class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  /// Opens an analysis or project file (asking first when there are unsaved changes); its
  /// events load in the background: analysisLoaded() or loadFailed() follow. An HDF5 file
  /// starts a new project with that sample.
  void openFile(const QString& path);
  /// Saves project and results (no questions asked); false with the reason shown on failure.
  bool saveProject(const QString& path) { return m_files->saveProject(path); }
  /// File ▸ New: a new, empty project (asks first when there are unsaved changes).
  bool newProject();
  /// File ▸ Close.
  bool closeProject() { return m_files->closeProject(); }

  /// Adds a run with the current panel settings and trains it; false (and the reason shown in
  /// the window and in trainingRefusal()) when the settings cannot train.
  bool startTraining();
  /// Trains an existing run in place with its own configuration (features and cut as stored).
  bool trainRun(const QString& id);
  /// Queues one run per (α, γ) pair as one scan (its own id) feeding the heat map; with
  /// `onCluster` the runs go to Slurm as one job array instead (ClusterMonitor::runScanOnCluster).
  bool startScan(const QList<double>& alphas, const QList<double>& gammas, bool onCluster = false);
  void cancelRun(const QString& key) { m_runsCtl->cancel(key); }
  void cancelAllRuns() { m_runsCtl->cancelAll(); }
  QString duplicateRun(const QString& id) { return m_runsCtl->duplicate(id); }
  void deleteRuns(const QStringList& ids) { m_runsCtl->remove(ids); }
  /// Renames a run; a name another run has is made unique (" (2)").
  void renameRun(const QString& id, const QString& name) { m_runsCtl->rename(id, name); }

  /// Asked before work is lost (quit, close, open, New): "save", "discard" or "cancel". Tests
  /// replace the dialog with a function.
  using UnsavedChoice = ProjectFiles::UnsavedChoice;
  void setUnsavedPrompt(std::function<UnsavedChoice(const QString& question)> prompt) {
    m_files->setUnsavedPrompt(std::move(prompt));
  }
  /// The project's files: saving, the recent list, the prompts, autosave and recovery.
  ProjectFiles* projectFiles() const { return m_files; }

  // For tests and screenshots.
  AnalysisSession* session() const { return m_session; }
  RunRegistry* registry() const { return m_registry; }
  CutPanel* cutPanel() const { return m_cutPanel; }
  CutEditor* cutEditor() const;
  YieldsTable* yieldsTable() const;
  SamplesPanel* samplesPanel() const { return m_samplesPanel; }
  QTableWidget* labelMapTable() const;
  QPushButton* applySamplesButton() const;
  QListWidget* classList() const;
  QComboBox* classSourceBox() const;
  QComboBox* fixedClassBox() const;
  QComboBox* labelColumnBox() const;
  QComboBox* signalClassBox() const;
  CutEditor* weightEditor() const;
  FeatureList* featureList() const { return m_features; }
  RunsTableModel* runsModel() const { return m_runsPanel->model(); }
  PrCurveView* prView() const { return m_plots->prView(); }
  RocCurveView* rocView() const { return m_plots->rocView(); }
  ScoreHistogramView* scoreView() const { return m_plots->scoreView(); }
  TrainingHistoryView* historyView() const { return m_plots->historyView(); }
  SignificanceView* significanceView() const { return m_plots->significanceView(); }
  ScanPanel* scanPanel() const { return m_scanPanel; }
  AlphaGammaHeatMap* heatMap() const;
  QComboBox* scanBox() const;
  JobPanel* jobPanel() const { return m_runsPanel->jobPanel(); }
  RunsPanel* runsPanel() const { return m_runsPanel; }
  RunsController* runsController() const { return m_runsCtl; }
  PlotsArea* plotTabs() const { return m_plots; }
  /// Three or more classes: whose one-vs-rest curves the plots show (item data = class index).
  QComboBox* curveClassBox() const { return m_plots->curveClassBox(); }
  QTableView* runsView() const { return m_runsPanel->view(); }
  LossPanel* lossPanel() const { return m_lossPanel; }
  ModelPanel* modelPanel() const { return m_modelPanel; }
  QMenu* recentMenu() const { return m_files->recentMenu(); }
  WelcomePage* welcomePage() const { return m_welcome; }
  ClusterMonitor* clusterMonitor() const { return m_cluster; }
  /// The bundled example project (installed under share/, or in the source tree); empty when
  /// neither exists.
  static QString examplePath();
  /// What Help ▸ About shows.
  static AboutInfo aboutInfo();
  /// The loaded events (every classified event, before the cut); only valid when isLoaded().
  const EventTable& loadedTable() const { return m_session->loaded()->table; }
  QString trainingRefusal() const { return m_trainingRefusal; }
  QString loadError() const { return m_loadError; }
  bool isLoaded() const { return m_session->loaded() != nullptr; }
  /// Σw per class after the current cut, as last computed.
  std::optional<Yields> currentYields() const;
  /// Run ids in table order.
  QStringList runKeys() const;
  int activeRuns() const { return m_registry->activeRuns(); }
  /// Selects runs in the table.
  void selectRuns(const QStringList& keys) { m_runsPanel->selectRuns(keys); }
  /// Ticks "show" for exactly these runs (the plots overlay them).
  void setShownRuns(const QStringList& ids) { m_runsPanel->setShownRuns(ids); }
  QStringList selectedRuns() const { return m_runsPanel->selectedRuns(); }
  /// The plot data last pushed to the views (the shown runs).
  QList<RunPlotData> plottedRuns() const { return m_plots->runs(); }
  /// The project's luminosity (core/project/luminosity.h): the factor the significance, the
  /// working points and the exports use, and the luminosity the weights are normalised to; the
  /// defaults when the project has none (or a damaged one, which the status bar names).
  ProjectLuminosity luminositySetting() const;
  /// Stores `lumi` in the project (marked modified when it differs), shows it on the
  /// Significance tab and emits luminosityChanged() when it changed.
  void setLuminositySetting(const ProjectLuminosity& lumi);

 Q_SIGNALS:
  void analysisLoaded();
  void loadFailed(const QString& message);
  void yieldsUpdated();
  void runFinished(const QString& key, const QString& status);
  /// Every stored run of an opened project is evaluated and drawn.
  void storedRunsEvaluated();
  /// The label map table has the distinct values of the selected sample's label column.
  void labelValuesListed();
  /// The project's luminosity changed (luminositySetting), or another project was opened.
  void luminosityChanged();

 protected:
  void closeEvent(QCloseEvent* event) override;
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  // main_window_data.cpp: the project's luminosity on the Significance tab.
  void showLuminosity();
  // main_window.cpp: menus, docks, opening files, settings.
  void buildActions();
  void buildPlots();
  void buildDocks();
  void newProjectWithSamples(const QStringList& h5Files);
  void updateTitle();
  void loadSettings();
  void saveSettings();

  // main_window_data.cpp: cut, features, loading (the samples: samples_panel.cpp).
  void wireFeatures();
  void startLoad();
  void onEventsLoaded();
  void updateFeatureDistribution();
  void addSampleFiles(const QStringList& paths);

  // main_window_runs.cpp: runs, plots, scans.
  /// The Loss and Model panels' configuration, checked (hyper-parameters, loss, resampling).
  std::optional<RunConfig> currentRunConfig(QString* why);
  void applyRunConfig(const RunConfig& config);
  /// Starts a project run (its controlled imbalance taken from the project when it has none).
  bool launchRun(const QString& id);
  void refreshCurveClassChoice();
  void refuse(const QString& why);

  AnalysisSession* m_session;
  RunRegistry* m_registry;
  JobRunner* m_jobs;
  QString m_loadError;
  QString m_trainingRefusal;
  /// Set to stop the load in progress (a newer one replaces it, or the window closes).
  std::shared_ptr<std::atomic<bool>> m_loadStop;
  ProjectFiles* m_files = nullptr;

  SamplesPanel* m_samplesPanel = nullptr;
  // Cut and features.
  CutPanel* m_cutPanel = nullptr;
  FeatureList* m_features = nullptr;
  LossPanel* m_lossPanel = nullptr;
  ModelPanel* m_modelPanel = nullptr;
  // Runs and scans.
  RunsPanel* m_runsPanel = nullptr;
  RunsController* m_runsCtl = nullptr;
  ScanPanel* m_scanPanel = nullptr;
  PlotsArea* m_plots = nullptr;
  QLabel* m_statusRuns = nullptr;
  QLabel* m_progress = nullptr;
  QAction* m_trainAction = nullptr;
  QAction* m_cancelAction = nullptr;
  QStackedWidget* m_centre = nullptr;  ///< the welcome page without a project, else the plots
  WelcomePage* m_welcome = nullptr;
  ClusterMonitor* m_cluster = nullptr;
};

}  // namespace imbw
