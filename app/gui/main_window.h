#pragma once

#include <QFutureWatcher>
#include <QHash>
#include <QMainWindow>
#include <QPointer>
#include <QSet>
#include <QTimer>
#include <memory>
#include <optional>

#include "app/gui/job_runner.h"
#include "app/gui/training_job.h"
#include "core/analysis/analysis.h"
#include "core/analysis/analysis_loader.h"
#include "core/data/sample_reader.h"
#include "widgets/run_plot_data.h"

class QAction;
class QCheckBox;
class QComboBox;
class QTableWidget;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSlider;
class QSortFilterProxyModel;
class QSpinBox;
class QTabWidget;
class QTableView;
class QTreeWidget;

namespace imbw {
struct LoadOutcome;

class AlphaGammaHeatMap;
class CutEditor;
class FeatureList;
class JobPanel;
class JsonForm;
class LossCurveView;
class PrCurveView;
class RocCurveView;
class RunsTableModel;
class ScoreHistogramView;
class SignificanceView;
class TrainingHistoryView;
class YieldsTable;
class ChartView;

/// The workbench window. Docks: Samples, Cuts, Features, Imbalance & loss, Model, Runs, α–γ
/// scan; the plots in the centre. Every long computation runs as a job (JobRunner); the
/// window only ever reacts to finished futures and to a 50 ms redraw timer.
class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  /// Opens an analysis or project file in the background; analysisLoaded() or loadFailed()
  /// follow.
  void openFile(const QString& path);
  bool saveProject(const QString& path);

  /// Starts a run with the current panel settings; false (and the reason shown in the window
  /// and in trainingRefusal()) when the settings cannot train.
  bool startTraining();
  /// Queues one run per (α, γ) pair as one batch feeding the heat map.
  bool startScan(const QList<double>& alphas, const QList<double>& gammas);
  void cancelRun(const QString& key);
  void cancelAllRuns();

  // For tests and screenshots.
  CutEditor* cutEditor() const { return m_cutEditor; }
  YieldsTable* yieldsTable() const { return m_yields; }
  /// Label value → class of the selected sample (rows: value, class combo); hidden unless the
  /// selected sample takes its class from a label column.
  QTableWidget* labelMapTable() const { return m_labelMap; }
  QPushButton* applySamplesButton() const { return m_applySamples; }
  FeatureList* featureList() const { return m_features; }
  RunsTableModel* runsModel() const { return m_runsModel; }
  PrCurveView* prView() const { return m_prView; }
  RocCurveView* rocView() const { return m_rocView; }
  ScoreHistogramView* scoreView() const { return m_scoreView; }
  TrainingHistoryView* historyView() const { return m_historyView; }
  SignificanceView* significanceView() const { return m_sigView; }
  LossCurveView* lossView() const { return m_lossView; }
  AlphaGammaHeatMap* heatMap() const { return m_heatMap; }
  JobPanel* jobPanel() const { return m_jobPanel; }
  QTabWidget* plotTabs() const { return m_plotTabs; }
  QTableView* runsView() const { return m_runsView; }
  JsonForm* modelForm() const { return m_modelForm; }
  QComboBox* modelKindBox() const { return m_modelKind; }
  QComboBox* lossKindBox() const { return m_lossKind; }
  QDoubleSpinBox* alphaBox() const { return m_alpha; }
  QDoubleSpinBox* gammaBox() const { return m_gamma; }
  QSpinBox* foldsBox() const { return m_folds; }
  QSpinBox* threadsBox() const { return m_threads; }
  /// The loaded events (every classified event, before the cut); only valid when isLoaded().
  const EventTable& loadedTable() const { return m_loaded->table; }
  QString trainingRefusal() const { return m_trainingRefusal; }
  QString loadError() const { return m_loadError; }
  bool isLoaded() const { return m_loaded != nullptr; }
  /// Σw per class after the current cut, as last computed.
  std::optional<Yields> currentYields() const { return m_cutYields; }
  /// The final result of a finished run (null while it trains or when it failed).
  std::shared_ptr<const TrainingOutcome> runOutcome(const QString& key) const;
  QStringList runKeys() const { return m_runOrder; }
  int activeRuns() const;
  /// Selects runs in the table (which chooses what the plots overlay).
  void selectRuns(const QStringList& keys);
  QStringList selectedRuns() const;
  /// The plot data last pushed to the views.
  QList<RunPlotData> plottedRuns() const { return m_plotted; }

 Q_SIGNALS:
  void analysisLoaded();
  void loadFailed(const QString& message);
  void yieldsUpdated();
  void runFinished(const QString& key, const QString& status);
  /// The label map table has the distinct values of the selected sample's label column.
  void labelValuesListed();

 protected:
  void closeEvent(QCloseEvent* event) override;
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  struct Run {
    QString key;
    QString name;
    nlohmann::json config;  ///< the run configuration (JSON of RunSpec)
    int colorIndex = 0;
    std::shared_ptr<LiveRunState> live;
    QFutureWatcher<TrainingOutcome>* watcher = nullptr;
    std::shared_ptr<const TrainingOutcome> outcome;
    std::shared_ptr<const RocCurve> liveRoc;  ///< newest snapshot's, while it trains
    RunPlotData plot;
    int scanAlpha = -1, scanGamma = -1;
    bool running = true;
  };

  void buildActions();
  void buildDocks();
  void buildPlots();
  QWidget* buildSamplesPanel();
  QWidget* buildCutsPanel();
  QWidget* buildLossPanel();
  QWidget* buildModelPanel();
  QWidget* buildRunsPanel();
  QWidget* buildScanPanel();

  /// Takes over the analysis, table and sample facts of a finished background load.
  void adoptLoad(LoadOutcome o);
  void onAnalysisLoaded();
  void populateSamples();
  void showLabelMap(const Sample& s);
  void fitLabelMapHeight();
  void scheduleYields();
  void computeYields();
  void updateFeatureDistribution();
  void updateLossPlot();
  void setModelKind(const QString& kind);
  /// Panels → analysis / run spec.
  void syncAnalysisFromPanels();
  std::optional<RunSpec> currentRunSpec(QString* why);
  void applyRunSpec(const RunSpec& spec);
  QString launchRun(const RunSpec& spec, const QString& name);
  void onRunFinished(const QString& key);
  void redrawTick();
  /// Gathers the selected runs' plot data and draws it in the plot on screen; the other plots
  /// are marked stale and drawn when their tab is shown (showPlotsIn).
  void refreshPlots();
  void showPlotsIn(QWidget* view);
  void refreshRunRow(const Run& run);
  void deleteSelectedRuns();
  void useSelectedConfiguration();
  void refuse(const QString& why);
  void loadSettings();
  void saveSettings();
  void addSampleFiles(const QStringList& paths);
  void recomputeSignificance();

  JobRunner* m_jobs;
  QString m_path;
  std::optional<Analysis> m_analysis;
  std::shared_ptr<const LoadedAnalysis> m_loaded;
  std::vector<SampleInfo> m_rawSampleInfo;
  std::shared_ptr<const std::vector<std::string>> m_sampleColumns;  // raw names for weights
  std::optional<Yields> m_cutYields;
  std::vector<std::uint8_t> m_keep;  ///< events passing the current cut
  QString m_loadError;
  QString m_trainingRefusal;
  int m_yieldsGeneration = 0;
  int m_labelValuesGeneration = 0;
  bool m_panelsShowAnalysis = false;  ///< cut and feature panels were filled from m_analysis
  int m_nextRunId = 1;
  QHash<QString, Run> m_runs;
  QStringList m_runOrder;
  QList<RunPlotData> m_plotted;
  QSet<QWidget*> m_stalePlots;  ///< plot views not yet drawn with m_plotted
  QTimer m_yieldsDebounce;
  QTimer m_redrawTimer;

  // Panels.
  QTreeWidget* m_samples = nullptr;
  QComboBox* m_signalClass = nullptr;
  CutEditor* m_weightEditor = nullptr;
  QLabel* m_samplesMessage = nullptr;
  QTableWidget* m_labelMap = nullptr;
  QLabel* m_labelMapTitle = nullptr;
  QPushButton* m_applySamples = nullptr;
  CutEditor* m_cutEditor = nullptr;
  YieldsTable* m_yields = nullptr;
  QLabel* m_cutMessage = nullptr;
  FeatureList* m_features = nullptr;
  QComboBox* m_resampleKind = nullptr;
  QDoubleSpinBox* m_resampleRatio = nullptr;
  QSpinBox* m_resampleK = nullptr;
  QComboBox* m_negativeWeights = nullptr;
  QComboBox* m_lossKind = nullptr;
  QDoubleSpinBox* m_alpha = nullptr;
  QSlider* m_alphaSlider = nullptr;
  QDoubleSpinBox* m_gamma = nullptr;
  QSlider* m_gammaSlider = nullptr;
  QPushButton* m_alphaFromR = nullptr;
  LossCurveView* m_lossView = nullptr;
  QComboBox* m_modelKind = nullptr;
  JsonForm* m_modelForm = nullptr;
  QSpinBox* m_folds = nullptr;
  QSpinBox* m_seed = nullptr;
  QSpinBox* m_threads = nullptr;
  QLabel* m_modelMessage = nullptr;
  QPushButton* m_trainButton = nullptr;
  JobPanel* m_jobPanel = nullptr;
  RunsTableModel* m_runsModel = nullptr;
  QSortFilterProxyModel* m_runsProxy = nullptr;
  QTableView* m_runsView = nullptr;
  QLineEdit* m_scanAlphas = nullptr;
  QLineEdit* m_scanGammas = nullptr;
  QComboBox* m_scanMetric = nullptr;
  AlphaGammaHeatMap* m_heatMap = nullptr;
  QLabel* m_scanMessage = nullptr;
  QList<double> m_scanAlphaValues, m_scanGammaValues;
  QTabWidget* m_plotTabs = nullptr;
  PrCurveView* m_prView = nullptr;
  RocCurveView* m_rocView = nullptr;
  ScoreHistogramView* m_scoreView = nullptr;
  TrainingHistoryView* m_historyView = nullptr;
  SignificanceView* m_sigView = nullptr;
  QLabel* m_statusRuns = nullptr;
  QAction* m_trainAction = nullptr;
  QAction* m_cancelAction = nullptr;
};

}  // namespace imbw
