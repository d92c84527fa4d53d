#pragma once

// What the window's "Inputs and outputs" tab computes for a stored run, on a worker: the run's
// events as its fold models see them (the loaded events matched to the sidecar by sample and
// file row), permutation and tree importance, the reliability diagram with recalibrations,
// correlations and the working point. Every number comes from core/insight and core/eval, the
// same functions the CLI commands call.

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/data/event_table.h"
#include "core/data/feature_matrix.h"
#include "core/eval/recalibration.h"
#include "core/insight/permutation_importance.h"
#include "core/insight/tree_importance.h"
#include "core/insight/weighted_correlation.h"
#include "core/insight/working_point_choice.h"
#include "core/learn/model.h"
#include "core/project/project.h"
#include "core/project/run_store.h"

namespace imbw {

/// A stored run's events: the rows of the loaded table that the run scored, in the sidecar's
/// order, with the run's features, and the fold that scored each.
struct RunEvents {
  FeatureMatrix data;
  std::vector<int> fold;
  std::vector<double> score;
};
/// Throws imbw::Error naming the run when an event it scored is not among the loaded events
/// (the samples or the classes changed since it was trained).
RunEvents runEvents(const EventTable& table, const StoredRun& stored, const ProjectRun& run,
                    const std::vector<std::string>& features);

/// The run's features: its own list, or the analysis's when it has none.
std::vector<std::string> runFeatures(const ProjectRun& run, const Analysis& analysis);

/// The fold models kept in the sidecar, loaded (written to `directory` first).
std::vector<std::shared_ptr<Model>> storedModels(const StoredRun& stored, const ProjectRun& run,
                                                 const std::string& directory);

struct RunImportance {
  RunPermutationImportance permutation;
  double baseline = 0.0;  ///< the unshuffled metric, mean over folds
  bool hasTrees = false;
  TreeImportance trees;  ///< summed over the folds' models
};
RunImportance computeImportance(const EventTable& table, const StoredRun& stored,
                                const ProjectRun& run, const std::vector<std::string>& features,
                                const PermutationOptions& options);

/// A reliability curve and its scores' Brier score, log loss and mean, mean ± sample std over
/// folds.
struct CalibrationCurveView {
  std::string name;
  FoldedCalibrationCurve curve;
  MeanStd brier, logLoss, meanScore;
};
struct CalibrationView {
  std::vector<CalibrationCurveView> curves;  ///< the run's scores first
  MeanStd signalFraction;
  std::vector<std::string> notes;
};
/// The run's held-out scores, and — for a run trained without a calibration — what each
/// recalibration makes of them: the prior correction (the factor the run's resampling and class
/// weighting applied, per fold) and Platt and isotonic fits cross-fitted over the folds (fold
/// k's scores mapped by the fit on the other folds' held-out scores, so no event calibrates
/// itself).
CalibrationView computeCalibration(const EventTable& table, const StoredRun& stored,
                                   const ProjectRun& run, const std::vector<std::string>& features,
                                   int bins);

struct CorrelationView {
  std::vector<std::string> titles;
  std::vector<CorrelationMatrix> matrices;
  std::vector<std::vector<CorrelatedPair>> pairs;
};
/// Per class (and all events together) over the events with keep[i] != 0, of `features` and,
/// when `stored` is given, the run's held-out score (events it did not score are left out).
CorrelationView computeCorrelations(const EventTable& table, std::span<const std::uint8_t> keep,
                                    const std::vector<std::string>& features,
                                    const StoredRun* stored, double threshold);

FoldedWorkingPoint computeWorkingPoint(const StoredRun& stored, int signalClass,
                                       const WorkingPointChoice& choice);

}  // namespace imbw
