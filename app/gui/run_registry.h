#pragma once

#include <QFutureWatcher>
#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>
#include <memory>

#include "app/gui/training_job.h"
#include "widgets/run_plot_data.h"

namespace imbw {

/// What the window knows of a run beyond the project's record (configuration, status, fold
/// metrics): whether it is queued or training and how far, its colour, and what the plots
/// draw for it.
struct RunEntry {
  enum class Live { Idle, Queued, Training, Cancelling };
  QString id;
  Live live = Live::Idle;
  double fraction = 0.0;
  QString stage;
  int colorIndex = 0;
  bool colored = false;  ///< colorIndex was assigned
  RunPlotData plot;      ///< live snapshot while training, the stored evaluation once done
  bool hasPlot = false;
  std::shared_ptr<const RunEvaluation> evaluation;  ///< the finished run's
  std::shared_ptr<const RocCurve> liveRoc;          ///< the newest snapshot's, while training
  std::shared_ptr<LiveRunState> liveState;
  QFutureWatcher<TrainingOutcome>* watcher = nullptr;
  /// Submitted to a cluster and not yet done there: what the table shows (ClusterMonitor
  /// derives it from NAME.cluster/ and Slurm on every poll); empty otherwise.
  QString cluster;
  bool clusterWaiting = false;  ///< queued or running on the cluster (a scan's cell waits)
  bool active() const { return live != Live::Idle; }
};

/// The window's runs, in table order, keyed by the project's run id. The one place that
/// knows which runs are queued or training and which colour each shown run has: a shown run's
/// colour is never used by another shown run while the palette lasts.
class RunRegistry : public QObject {
  Q_OBJECT
 public:
  explicit RunRegistry(QObject* parent = nullptr) : QObject(parent) {}

  RunEntry& add(const QString& id);
  void remove(const QString& id);
  void clear();
  RunEntry* find(const QString& id);
  const RunEntry* find(const QString& id) const;
  QStringList ids() const;
  int activeRuns() const;
  /// Gives `id` the first palette colour no other run in `shown` has (kept if it has one).
  void assignColor(const QString& id, const QStringList& shown);

 private:
  QList<RunEntry> m_runs;
};

}  // namespace imbw
