#pragma once

#include <QFutureWatcher>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/cluster/cluster_jobs.h"

class QMenu;
class QAction;

namespace imbw {

class JobRunner;
class MainWindow;

/// What one poll of the cluster found (computed on a worker thread).
struct ClusterPoll {
  QString projectPath;  ///< the project the poll was for
  QString error;        ///< the state file or Slurm could not be read
  std::vector<ClusterRunState> runs;
  /// Runs whose results changed since the last merge: merged on the worker into a copy of the
  /// project (the same merge as `imbalance-cli collect`).
  std::vector<ProjectRun> merged;
  std::map<std::string, std::shared_ptr<const StoredRun>> stored;
  QHash<QString, QString> mergedKeys;  ///< run id → the result files' fingerprint merged
  QStringList warnings;
  QHash<QString, QString> logTails;  ///< run id → its first failed task's log, last lines
};

/// The window's side of `imbalance-cli submit/status/collect` for one project: submits runs
/// to Slurm (the same core code as the CLI), polls `scontrol`/`squeue` through the core parser
/// every interval on a worker thread while tasks wait or run, shows each submitted run's state
/// in the runs table (queued / running, k of n tasks done / failed with its log's last lines /
/// cancelled), and merges finished results into the project as they come (curves appear).
/// Everything shown is derived from NAME.cluster/ and Slurm on each poll; reopening a project
/// with such a folder resumes.
class ClusterMonitor : public QObject {
  Q_OBJECT
 public:
  /// Its Slurm commands run on `jobs`' pool for external programs.
  ClusterMonitor(MainWindow* window, JobRunner* jobs);
  ~ClusterMonitor() override;

  /// Adds "Run on cluster…" and "Cancel on cluster" to the Run menu.
  void addActions(QMenu* runMenu);
  /// The same for the runs' context menu (`ids`: the selected runs).
  void addContextActions(QMenu* menu, const QStringList& ids);

  /// Opens the dialog for `ids` (the selected runs; every run when empty), asking to save
  /// first when the project is not saved. Returns what was refused, or empty.
  QString runOnCluster(const QStringList& ids);
  /// The runs `ids` of the project's new scan `scanId` (made by MainWindow::startScan) sent to
  /// the cluster as one job array: asks to save, opens the dialog, submits. When the user
  /// declines or nothing could be submitted, the scan and its runs are taken out again.
  /// Returns what was refused, or empty.
  QString runScanOnCluster(const QString& scanId, const QStringList& ids);
  /// Submits (or with `dryRun` only writes) `ids` without the dialog. The project must be
  /// saved and unmodified. Returns the refusal, or empty when the submission started;
  /// submitted() follows.
  QString submit(const QStringList& ids, const SlurmOptions& options, bool dryRun);
  /// scancel of the waiting and running array tasks of the runs `ids` (every submitted run
  /// when empty) on a worker thread; the other runs' tasks keep running. cancelled() follows.
  QString cancel(const QStringList& ids = {});

  /// Polls now (when no poll is running), and from then every interval while tasks wait or run.
  void pollNow();
  void setInterval(int milliseconds);
  bool polling() const { return m_timer.isActive() || m_pollWatcher != nullptr; }
  /// The last poll's state of each submitted run (by run id).
  const std::vector<ClusterRunState>& runStates() const { return m_states; }
  /// What the runs table shows for a run ("" when it was never submitted).
  QString statusText(const QString& id) const;

  /// Tests replace the "save first?" question (true: save).
  void setSavePrompt(std::function<bool(const QString&)> prompt) {
    m_savePrompt = std::move(prompt);
  }

 Q_SIGNALS:
  /// A submission ended: the sbatch line and the folder, or the refusal.
  void submitted(bool ok, const QString& text);
  void cancelled(bool ok, const QString& text);
  /// A poll was applied (states shown, results merged).
  void polled();

 private:
  /// The save question, the dialog for `what`, the submission; `*started`: it was submitted.
  QString askAndSubmit(const QStringList& ids, const QString& what, bool* started);
  void onProjectReplaced();
  void startPoll();
  void applyPoll(ClusterPoll poll);
  void showState(const QString& id);

  MainWindow* m_window;
  JobRunner* m_jobs;
  QTimer m_timer;
  QFutureWatcher<ClusterPoll>* m_pollWatcher = nullptr;
  bool m_pollAgain = false;
  std::vector<ClusterRunState> m_states;
  QHash<QString, QString> m_mergedKeys;  ///< run id → fingerprint of the results merged
  QHash<QString, QString> m_logTails;
  bool m_firstPoll = true;  ///< the project's saved results need no merge on the first poll
  QAction* m_cancelAction = nullptr;
  std::function<bool(const QString&)> m_savePrompt;
  int m_generation = 0;  ///< a new project makes older polls stale
};

}  // namespace imbw
