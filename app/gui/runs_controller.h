#pragma once

#include <QObject>
#include <QString>
#include <QStringList>
#include <QTimer>

namespace imbw {

class AnalysisSession;
class JobRunner;
class PlotsArea;
class RunRegistry;
class RunsPanel;
class ScanPanel;

/// The runs' lifecycle, without widgets of its own: launching a project run as a training job,
/// its live progress (a 50 ms redraw tick), finishing it into the project and the stored
/// results, cancelling, duplicating, renaming and deleting runs, evaluating a reopened
/// project's stored scores, and handing the shown runs to the plots. The runs table, the scan
/// panel and the plots show what it updates; the window decides when a run may start.
class RunsController : public QObject {
  Q_OBJECT
 public:
  RunsController(AnalysisSession* session, RunRegistry* registry, JobRunner* jobs, RunsPanel* runs,
                 PlotsArea* plots, ScanPanel* scans, QObject* parent);

  /// The registry and the table again from the project's runs (a project was opened).
  void reset();
  /// Starts training a project run with its own configuration, features and cut (the events
  /// must be loaded).
  void launch(const QString& id);
  void cancel(const QString& id);
  void cancelAll();
  QString duplicate(const QString& id);
  /// Appends the runs of the project's scan `scanId` with `cut` (core addScanRuns, as
  /// `imbalance-cli submit --scan` makes them) to the project, the registry and the table;
  /// returns their ids. Nothing is launched.
  QStringList addScanRuns(const QString& scanId, const QString& cut);
  void remove(const QStringList& ids);
  /// Renames a run; a name another run has is made unique (" (2)").
  void rename(const QString& id, const QString& name);
  /// Evaluates every stored run of the project again (on the short-job pool): curves,
  /// histograms, KS, significance, for the class chosen above the plots.
  void evaluateStored();
  /// Gives the plots the shown runs that draw.
  void refreshPlots();
  /// The significance curves again at the plots' luminosity.
  void recomputeSignificance();
  /// The class whose one-vs-rest curves are drawn (the signal class unless chosen).
  int curveClass() const;
  /// Stops every job's callbacks (the window is closing).
  void detach();

 Q_SIGNALS:
  /// A line for the status bar.
  void message(const QString& text);
  void activeRunsChanged(int active);
  void runFinished(const QString& id, const QString& status);
  /// Every stored run of an opened project is evaluated and drawn.
  void storedRunsEvaluated();

 private:
  void onFinished(const QString& id);
  void redrawTick();

  AnalysisSession* m_session;
  RunRegistry* m_registry;
  JobRunner* m_jobs;
  RunsPanel* m_runs;
  PlotsArea* m_plots;
  ScanPanel* m_scans;
  QTimer m_redrawTimer;
  int m_evaluationGeneration = 0;
};

}  // namespace imbw
