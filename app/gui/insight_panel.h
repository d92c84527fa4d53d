#pragma once

#include <QFutureWatcher>
#include <QHash>
#include <QList>
#include <QPointer>
#include <QWidget>
#include <memory>
#include <optional>

#include "app/gui/insight_data.h"
#include "core/analysis/analysis_loader.h"
#include "core/insight/imbalance_scan.h"
#include "core/insight/imbalance_scan_record.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QSpinBox;
class QTabWidget;
class QTableWidget;

namespace imbw {

class CorrelationHeatMap;
class ErrorBarChart;
class ImportanceChart;
class JobRunner;
class MainWindow;

/// The window's "Inputs and outputs" tab (issue 13): for a chosen trained run, the feature
/// ranking (permutation importance with error bars, the trees' gain and splits) with "train
/// again without the bottom k features", the per-class correlation heat maps of the features
/// and the run's score, the reliability diagram with the prior, Platt and isotonic
/// recalibrations, the working point, and the scan over the signal fraction r. Everything is
/// computed on a worker (core/insight, core/eval: the functions the CLI calls) from the loaded
/// events and the run's stored scores and fold models; the GUI thread only draws.
class InsightPanel : public QWidget {
  Q_OBJECT
 public:
  InsightPanel(MainWindow* window, JobRunner* jobs);
  ~InsightPanel() override;

  /// Lists the runs that have stored results (called when shown and when runs change).
  void refreshRuns();
  /// Chooses a run by id; false when it has no stored results.
  bool setRun(const QString& id);
  QString currentRun() const;

  // Each starts a job; `computed(view)` follows ("importance", "correlations", "calibration",
  // "working point", "scan"), or `failed(view, message)`.
  void computeImportance();
  void computeCorrelations();
  void computeCalibration();
  void computeWorkingPoint();
  /// Keeps the working point shown (its mean cut and how it was chosen) with its run in the
  /// project (core keepWorkingPoint); false (the reason in message()) when there is none.
  bool keepWorkingPoint();
  void startScan();
  void cancelScan();
  /// Ranks the features of every run in `ids` that has stored results (the runs selected in
  /// the runs table when empty) and overlays them in the ranking charts, one colour per run
  /// (its colour in the plots). False (the reason in message()) with fewer than two such runs.
  bool overlayRuns(QStringList ids = {});
  /// The overlay's runs and their rankings, as computed (empty when one run is shown).
  const std::vector<std::pair<QString, RunImportance>>& overlay() const { return m_overlay; }
  /// Duplicates the run without its k least important features (by the permutation ranking
  /// shown) and trains it; the new run's id, or empty (the reason in message()).
  QString trainWithoutBottom(int k);

  // For tests and screenshots.
  QTabWidget* tabs() const { return m_tabs; }
  QComboBox* runBox() const { return m_run; }
  ImportanceChart* permutationChart() const { return m_permutationChart; }
  ImportanceChart* gainChart() const { return m_gainChart; }
  QComboBox* importanceMetricBox() const { return m_metric; }
  QSpinBox* repeatsBox() const { return m_repeats; }
  QSpinBox* bottomKBox() const { return m_bottomK; }
  CorrelationHeatMap* heatMap() const { return m_heatMap; }
  QComboBox* correlationSelectionBox() const { return m_corrSelection; }
  QCheckBox* withScoreBox() const { return m_withScore; }
  QDoubleSpinBox* thresholdBox() const { return m_threshold; }
  QListWidget* pairsList() const { return m_pairs; }
  ErrorBarChart* reliabilityChart() const { return m_reliability; }
  QTableWidget* calibrationTable() const { return m_calibrationTable; }
  QSpinBox* binsBox() const { return m_bins; }
  QComboBox* criterionBox() const { return m_criterion; }
  QDoubleSpinBox* targetBox() const { return m_target; }
  QComboBox* significanceBox() const { return m_significance; }
  /// The project's luminosity factor the working point uses (set on the Significance tab).
  QLabel* luminosityLabel() const { return m_luminosity; }
  QTableWidget* workingPointTable() const { return m_wpTable; }
  QPushButton* keepWorkingPointButton() const { return m_wpKeep; }
  QLabel* keptWorkingPointLabel() const { return m_wpKept; }
  QLineEdit* scanRsEdit() const { return m_scanRs; }
  QComboBox* scanMetricBox() const { return m_scanMetric; }
  ErrorBarChart* scanChart() const { return m_scanChart; }
  QTableWidget* scanTable() const { return m_scanTable; }
  QString message() const;
  /// Shows a job's failure and emits failed().
  void reportFailure(const QString& view, const QString& message);

  /// The last results, as computed (the numbers behind the views).
  const std::optional<RunImportance>& importance() const { return m_importance; }
  const std::optional<CorrelationView>& correlations() const { return m_correlations; }
  const std::optional<CalibrationView>& calibration() const { return m_calibration; }
  const std::optional<FoldedWorkingPoint>& workingPoint() const { return m_workingPoint; }
  const std::vector<ImbalanceScanPoint>& scan() const { return m_scanPoints; }
  /// The scan over r shown (computed now, or the project's saved one for the chosen run).
  const std::optional<ImbalanceScanRecord>& shownScan() const { return m_scanShown; }

 Q_SIGNALS:
  void computed(const QString& view);
  void failed(const QString& view, const QString& message);

 protected:
  void showEvent(QShowEvent* event) override;

 private:
  QWidget* buildImportanceTab();
  QWidget* buildCorrelationTab();
  QWidget* buildCalibrationTab();
  QWidget* buildWorkingPointTab();
  QWidget* buildScanTab();
  void computeCurrentTab();
  void showImportance();
  /// The project's luminosity in the Working point tab.
  void showLuminosity();
  void showOverlay();
  void showCorrelation();
  void showCalibration();
  void showWorkingPoint();
  /// "Kept with this run: …" or "No working point kept with this run." under the table.
  void showKeptWorkingPoint();
  void showScan();
  /// Shows the project's saved scan over r of the chosen run (none: an empty chart).
  void showStoredScan();
  void setMessage(const QString& text, bool error = false);
  void clearViews();
  /// The run's record and stored results, or a message why there are none.
  struct RunData {
    ProjectRun run;
    std::shared_ptr<const StoredRun> stored;
    std::shared_ptr<const LoadedAnalysis> loaded;
    std::vector<std::string> features;
  };
  std::optional<RunData> runData(const QString& view);
  std::optional<RunData> runDataFor(const QString& id, const QString& view);

  MainWindow* m_window;
  /// The views' computations run on its analysis pool, the scan over r on its training pool.
  JobRunner* m_jobs;
  QHash<QString, int> m_generations;  ///< per view: only the newest job is shown
  QLabel* m_message = nullptr;
  QComboBox* m_run = nullptr;
  QTabWidget* m_tabs = nullptr;
  // Feature ranking.
  QComboBox* m_metric = nullptr;
  QSpinBox* m_repeats = nullptr;
  ImportanceChart* m_permutationChart = nullptr;
  ImportanceChart* m_gainChart = nullptr;
  QSpinBox* m_bottomK = nullptr;
  QPushButton* m_trainWithout = nullptr;
  std::optional<RunImportance> m_importance;
  QString m_importanceRun;
  QPushButton* m_overlayButton = nullptr;
  std::vector<std::pair<QString, RunImportance>> m_overlay;
  QString m_scanRun;
  // Correlations.
  QComboBox* m_corrSelection = nullptr;
  QCheckBox* m_withScore = nullptr;
  QDoubleSpinBox* m_threshold = nullptr;
  CorrelationHeatMap* m_heatMap = nullptr;
  QListWidget* m_pairs = nullptr;
  std::optional<CorrelationView> m_correlations;
  // Calibration.
  QSpinBox* m_bins = nullptr;
  ErrorBarChart* m_reliability = nullptr;
  QTableWidget* m_calibrationTable = nullptr;
  QLabel* m_calibrationNotes = nullptr;
  std::optional<CalibrationView> m_calibration;
  // Working point.
  QComboBox* m_criterion = nullptr;
  QDoubleSpinBox* m_target = nullptr;
  QComboBox* m_significance = nullptr;
  QLabel* m_luminosity = nullptr;
  QTableWidget* m_wpTable = nullptr;
  std::optional<FoldedWorkingPoint> m_workingPoint;
  WorkingPointChoice m_wpChoice;  ///< how m_workingPoint was chosen
  QString m_wpRun;                ///< the run it was chosen for
  QPushButton* m_wpKeep = nullptr;
  QLabel* m_wpKept = nullptr;
  // Scan over r.
  QLineEdit* m_scanRs = nullptr;
  QComboBox* m_scanMetric = nullptr;
  QPushButton* m_scanButton = nullptr;
  QPushButton* m_scanCancel = nullptr;
  ErrorBarChart* m_scanChart = nullptr;
  QTableWidget* m_scanTable = nullptr;
  QPointer<QFutureWatcherBase> m_scanWatcher;
  std::vector<ImbalanceScanPoint> m_scanPoints;
  std::optional<ImbalanceScanRecord> m_scanShown;
};

}  // namespace imbw
