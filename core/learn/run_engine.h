#pragma once

#include <array>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/data/feature_matrix.h"
#include "core/eval/binary_summary.h"
#include "core/learn/model.h"
#include "core/learn/run_config.h"
#include "core/resample/stratified_kfold.h"

namespace imbw {

/// A thinned curve for display: x and y of the same length.
struct CurvePoints {
  std::vector<double> x;
  std::vector<double> y;
};

/// What the engine streams while a fold trains (small and immutable once built; built on the
/// worker so the GUI only draws). Curves and histograms are on the monitoring set: the
/// validation split when there is one, else the held-out fold (models without early stopping
/// never look at it).
struct Snapshot {
  std::string runName;
  int fold = 0;  ///< 0-based
  int folds = 1;
  int iteration = 0;  ///< epoch / boosting round / trees so far
  bool onValidationSplit = true;
  double trainLoss = 0.0;       ///< NaN when the model has none
  double validationLoss = 0.0;  ///< NaN when the model has none
  /// (iteration, train loss, validation loss) of every checkpoint of this fold so far.
  std::vector<std::array<double, 3>> lossHistory;
  /// (iteration, AP on the monitoring set) of every checkpoint of this fold so far (AP is NaN
  /// where a checkpoint had no scores or the monitoring set lacks a class).
  std::vector<std::array<double, 2>> apHistory;
  bool hasMetrics = false;  ///< false when the monitoring set lacks a class
  BinarySummary metrics;
  CurvePoints roc;  ///< x = ε_B, y = ε_S, at most 200 points
  /// The score cut ("score ≥ cut") of each roc point, same length as roc.x: with the
  /// efficiencies it gives the yields s, b against the cut (the live significance).
  std::vector<double> rocThresholds;
  CurvePoints pr;  ///< x = recall, y = precision, at most 200 points
  double histogramLo = 0.0, histogramHi = 1.0;
  std::vector<std::vector<double>> classHistograms;  ///< [class][bin] Σw, 40 bins
};

/// Per-fold outcome.
struct FoldResult {
  int fold = 0;
  std::size_t trainEvents = 0;  ///< after resampling (validation split removed)
  std::size_t validationEvents = 0;
  std::size_t testEvents = 0;
  double fitSeconds = 0.0;
  BinarySummary summary;                  ///< on the held-out fold, signed weights
  std::map<std::string, double> metrics;  ///< metricNames() → value
};

/// The run's outcome. `cancelled` runs hold the folds completed before the stop.
struct RunResult {
  RunConfig config;
  std::string name;
  bool cancelled = false;
  std::vector<FoldResult> folds;
  std::map<std::string, MeanStd> aggregate;  ///< mean ± sample std over completed folds
  /// Held-out score of every input event (NaN for events of folds not completed) and the fold
  /// that scored it (−1: none).
  std::vector<double> heldOutScores;
  std::vector<int> heldOutFold;
  /// trainingScores[f][i]: score of input event i by fold f's model when i was one of the
  /// events that model was fitted on (its training part before resampling, validation split
  /// excluded); NaN otherwise. One float per event per completed fold, for the overtraining
  /// check (training vs held-out score distributions) without predicting again.
  std::vector<std::vector<float>> trainingScores;
  /// K > 2 classes only (empty otherwise): the held-out probability of every class, n × K
  /// row-major (NaN rows for events of folds not completed), and per completed fold the
  /// training-set probabilities laid out like trainingScores (n × K, NaN rows where the
  /// event was not fitted on). The one-vs-rest curves of any class come from these.
  int classes = 2;
  std::vector<double> heldOutProbabilities;
  std::vector<std::vector<float>> trainingProbabilities;
  std::vector<std::shared_ptr<Model>> models;  ///< one per completed fold

  /// {"name", "config", "cancelled", "folds": [...], "summary": {metric: {mean, std, n}}}
  /// (scores and models are not included: they go to HDF5 / model files).
  nlohmann::json toJson() const;
};

/// Metric keys of FoldResult::metrics and RunResult::aggregate, in table order: fit_seconds,
/// ap, auc, ap_over_r, rejection_at_eff_s_0.2 / 0.5 / 0.8, eff_s_at_eff_b_0.01 / 0.1 / 0.3,
/// signal_fraction.
const std::vector<std::string>& metricNames();

/// Progress, snapshots and cancellation of a run. Called on the worker thread.
class TrainingObserver {
 public:
  virtual ~TrainingObserver() = default;
  /// Polled every mini-batch / boosting round / batch of trees (≤ 200 ms apart).
  virtual bool stopRequested() const { return false; }
  /// Overall fraction of the run in [0, 1] and a short stage text ("fold 2/5: epoch 3/50").
  virtual void progress(double /*fraction*/, std::string_view /*stage*/) {}
  virtual void snapshot(const Snapshot& /*s*/) {}
  virtual void foldFinished(const FoldResult& /*f*/) {}
};

/// For each stratified fold: carve the validation split from the training part, resample the
/// rest (training data only; the resampler first applies config.resample.negativeWeights —
/// keep / drop / |w| — so every model, trees included, trains under that policy), fit, score
/// the held-out fold and the training events, evaluate the held-out fold with core/eval on
/// the signed weights (validation split: signed weights too).
/// Deterministic for a given config.seed. A stop request ends the run cleanly with
/// `cancelled` set. Throws imbw::Error on bad configuration or data.
RunResult runCrossValidated(const FeatureMatrix& data, const RunConfig& config,
                            TrainingObserver& observer);

/// As runCrossValidated, but fits only the folds in `onlyFolds` (0-based) of the same split
/// with the same seeds, so each fold's model, scores and metrics are those the whole run would
/// give (a fit task trains one fold). `folds`, `trainingScores` and `models` then hold the
/// chosen folds in ascending order; FoldResult::fold says which fold each is.
RunResult runCrossValidatedFolds(const FeatureMatrix& data, const RunConfig& config,
                                 TrainingObserver& observer, const std::vector<int>& onlyFolds);

/// The seed handed to fold `fold`'s model (FitContext::seed); public so tests can refit a
/// fold's model by hand.
std::uint64_t foldSeed(const RunConfig& config, int fold);

/// The columns of `data` named in `features` (all of them when empty), in that order.
FeatureMatrix selectFeatures(const FeatureMatrix& data, const std::vector<std::string>& features);

}  // namespace imbw
