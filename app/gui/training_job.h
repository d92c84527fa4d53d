#pragma once

#include <QFuture>
#include <QString>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app/plots/run_plots.h"
#include "core/analysis/analysis_loader.h"
#include "core/eval/roc_curve.h"
#include "core/learn/run_config.h"
#include "core/learn/run_engine.h"
#include "core/loss/loss.h"
#include "core/resample/resample_config.h"
#include "widgets/run_plot_data.h"
#include "widgets/runs_table_model.h"

namespace imbw {

class JobRunner;

/// What a physicist compares runs by, in one line:
/// "GBDT 300 trees, depth 4, lr 0.1 · focal α=0.25 γ=2 · no resampling · 5 folds".
QString runSummary(const RunConfig& config);
/// The whole configuration, one "name = value" per line (the runs table's tooltip).
QString runDetails(const RunConfig& config);

/// Shared between a training job and the window: the worker overwrites the newest plot data
/// and progress; the window's redraw timer takes them. Newest-only: a slow window skips
/// snapshots instead of queueing them.
struct LiveRunState {
  std::mutex mutex;
  std::shared_ptr<const RunPlotData> newest;
  /// The ROC of the newest snapshot as yields of the training pool (liveRoc()): the window
  /// turns it into significance curves at its luminosity factor.
  std::shared_ptr<const RocCurve> newestRoc;
  bool dirty = false;
  double fraction = 0.0;
  std::string stage = "queued";
  bool started = false;
};

/// The end of a training job. Never an exception: failures arrive as Status::Failed with the
/// engine's message.
struct TrainingOutcome {
  enum class Status { Done, Cancelled, Failed };
  Status status = Status::Failed;
  QString message;
  RunResult result;        ///< folds and mean ± std (the models are in `evaluated.stored`)
  EvaluatedRun evaluated;  ///< stored scores, their evaluation and the final plot data
};

/// The ROC of a live snapshot (monitoring set) as yields of the whole training pool:
/// s = ε_S · signalWeight, b = ε_B · backgroundWeight at each of the snapshot's score cuts, so
/// the live significance has the scale of the final one (pooled held-out scores of every
/// event). Null when the snapshot has no curve (no metrics or no thresholds).
std::shared_ptr<const RocCurve> liveRoc(const Snapshot& s, double signalWeight,
                                        double backgroundWeight);

/// Trains one run in the background (core trainRun, then evaluateRun on the worker): the
/// events of `data` passing `cut`, with `config.features`. Progress and snapshots flow through
/// `live`; cancel through the future. `config.classSubsample` (the run's controlled imbalance)
/// is drawn from every event of `data` before the cut (trainRun).
QFuture<TrainingOutcome> startTrainingJob(JobRunner& runner,
                                          std::shared_ptr<const LoadedAnalysis> data,
                                          RunConfig config, std::string cut,
                                          std::shared_ptr<LiveRunState> live);

}  // namespace imbw
