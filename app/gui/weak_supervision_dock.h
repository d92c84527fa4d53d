#pragma once

#include <QDockWidget>
#include <QFutureWatcher>
#include <memory>
#include <optional>
#include <string>

#include "app/gui/weak_jobs.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTabWidget;

namespace imbw {

class AnalysisSession;
class BumpHuntView;
class CutEditor;
class JobRunner;
class MainWindow;
class MassWindowHistogram;
class SignalFractionView;
class TntStepsView;
class WeakStudyList;

/// Training without truth labels in the window (issue 14): set up CWoLa (signal region and
/// sidebands of the resonance variable) or Tag N' Train (the two objects' features, the tag
/// fractions, the iterations) with the window dragged on the resonance histogram, run it on a
/// worker (cancellable; the window never waits), and judge it in the bump-hunt view and the
/// signal-fraction scan. All numbers come from core/unsup, the functions behind
/// `imbalance-cli tnt` and `sf-scan`, so the same settings give the same numbers.
/// Every finished run is a study of the project (its settings in the project file, its results
/// in the sidecar), listed under "Studies" and shown again after reopening without training;
/// there it can be renamed or deleted (WeakStudyList). A finished signal-fraction scan is a
/// study too (method "scan"), shown again in the scan tab.
/// Tag N' Train's starting scores are the objects' autoencoders or two expressions (checked as
/// you type, like the cut); its per-step classifiers are plotted in the "Tag N' Train steps" tab.
class WeakSupervisionDock : public QDockWidget {
  Q_OBJECT
 public:
  WeakSupervisionDock(MainWindow* window, AnalysisSession* session, JobRunner* jobs);
  ~WeakSupervisionDock() override;

  /// The study's settings as the widgets say (objects expanded against the analysis features;
  /// throws imbw::Error for a pattern that matches nothing).
  WeakStudyConfig config() const;
  std::string method() const;
  QString resonance() const;
  /// A column's unit from the project's "units" ("" when not given), for the axis titles.
  QString unitOf(const QString& column) const;

  // For tests and the screenshot tour.
  MassWindowHistogram* windowHistogram() const { return m_histogram; }
  BumpHuntView* bumpHuntView() const { return m_bump; }
  SignalFractionView* scanView() const { return m_scanView; }
  QComboBox* methodBox() const { return m_method; }
  QComboBox* efficiencyBox() const { return m_efficiency; }
  QLineEdit* classifierEdit() const { return m_classifier; }
  QLineEdit* fractionsEdit() const { return m_fractions; }
  QLineEdit* methodsEdit() const { return m_scanMethods; }
  QSpinBox* foldsBox() const { return m_folds; }
  QTabWidget* tabs() const { return m_tabs; }
  TntStepsView* stepsView() const { return m_steps; }
  CutEditor* startEditor(int object) const { return object == 1 ? m_start1 : m_start2; }
  QComboBox* studiesBox() const;
  WeakStudyList* studyList() const { return m_studies; }
  /// The study the widgets describe (method, resonance, settings, starting expressions; no id).
  /// Throws imbw::Error naming the problem.
  WeakStudy study() const;
  /// Shows a study of the project (its stored results; nothing runs). False when it has none.
  bool showStudy(const QString& id);
  QString statusText() const;
  const std::optional<WeakRunOutcome>& lastRun() const { return m_lastRun; }
  const std::optional<WeakScanOutcome>& lastScan() const { return m_lastScan; }
  /// The study of the project the shown scan is kept as ("" when it is not one: no project).
  const std::string& lastScanStudy() const { return m_lastScanStudy; }
  bool busy() const;

 public Q_SLOTS:
  void run();
  void runScan();
  void cancel();

 Q_SIGNALS:
  void runFinished();
  void scanFinished();
  void histogramUpdated();

 private:
  QWidget* buildSetup();
  WeakInputs inputs() const;
  void refreshHistogram();
  void showRun();
  void clearBump();
  void showScan();
  void setBusy(bool busy, const QString& text);
  void projectReplaced();
  void refreshStudies(const QString& select);
  void showSteps();
  void keepStudy(const WeakRunOutcome& out);
  void keepScan(WeakStudy study, const WeakScanOutcome& out);
  /// Adds a finished study named "<new id> <title>" with its results; returns its id.
  QString addStudy(WeakStudy study, const QString& title,
                   std::shared_ptr<const StudyResult> result);
  template <typename T, typename Work, typename Done>
  void startJob(QFutureWatcher<T>*& slot, Work work, Done done);

  MainWindow* m_window;
  AnalysisSession* m_session;
  JobRunner* m_jobs;
  QComboBox* m_method;
  QComboBox* m_resonance;
  QLineEdit* m_object1;
  QLineEdit* m_object2;
  QDoubleSpinBox* m_lo;
  QDoubleSpinBox* m_hi;
  QDoubleSpinBox* m_sideband;
  QDoubleSpinBox* m_top;
  QDoubleSpinBox* m_bottom;
  QCheckBox* m_tagInWindow;
  QSpinBox* m_iterations;
  QSpinBox* m_folds;
  QSpinBox* m_seed;
  QLineEdit* m_classifier;
  QLineEdit* m_autoencoder;
  QCheckBox* m_withSupervised;
  CutEditor* m_start1;
  CutEditor* m_start2;
  WeakStudyList* m_studies;
  TntStepsView* m_steps;
  bool m_stepsStale = false;  ///< the steps changed while their tab was hidden
  int m_bumpGeneration = 0;   ///< showRun() draws the bump hunt in the next pass unless newer
  MassWindowHistogram* m_histogram;
  QPushButton* m_runButton;
  QPushButton* m_scanButton;
  QPushButton* m_cancelButton;
  QLabel* m_status;
  QLabel* m_metrics;
  QTabWidget* m_tabs;
  BumpHuntView* m_bump;
  QComboBox* m_efficiency;
  SignalFractionView* m_scanView;
  QLineEdit* m_fractions;
  QLineEdit* m_scanMethods;
  QComboBox* m_scanMetric;
  QFutureWatcher<WeakRunOutcome>* m_runWatcher = nullptr;
  QFutureWatcher<WeakScanOutcome>* m_scanWatcher = nullptr;
  std::optional<WeakRunOutcome> m_lastRun;
  std::optional<WeakScanOutcome> m_lastScan;
  std::string m_lastScanStudy;
  int m_histogramRequest = 0;
  int m_scanTab = 0;
};

/// Creates the dock (hidden; View ▸ Weak supervision, Ctrl+Shift+W) on the main window: the one
/// call the window makes.
WeakSupervisionDock* addWeakSupervisionDock(MainWindow* window, AnalysisSession* session,
                                            JobRunner* jobs);

}  // namespace imbw
