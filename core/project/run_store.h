#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/eval/run_evaluation.h"
#include "core/project/study_store.h"

namespace imbw {

/// One fold's training history as the engine streamed it.
struct FoldHistory {
  int fold = 0;
  std::vector<double> iteration, trainLoss, validationLoss;  ///< NaN where a loss is absent
  std::vector<double> apIteration, validationAp;
};

/// Everything a run's plots need, per event, kept in the project's sidecar (HDF5) so that a
/// reopened project shows its curves, histograms, KS values, significance and heat map again
/// without training: the held-out score of every event of the training pool with the event's
/// row in its sample file, its sample, fold, class and weight; the training-set scores of the
/// overtraining check; the training history; and the trained fold models.
struct StoredRun {
  // Held-out scores, one entry per event of the training pool (score NaN: fold not finished).
  std::vector<std::int64_t> eventIndex;  ///< row of the event in its sample's file
  std::vector<std::int32_t> sample;      ///< index into the analysis's samples
  std::vector<std::int32_t> fold;        ///< 0-based; −1: not scored
  std::vector<std::int32_t> classIndex;
  std::vector<double> weight;  ///< signed
  std::vector<double> score;
  // Training-set scores: entry k is the score of held-out entry trainRow[k] by the model of
  // fold trainFold[k], which was fitted on it.
  std::vector<std::int32_t> trainRow;
  std::vector<std::int32_t> trainFold;
  std::vector<float> trainScore;
  std::vector<FoldHistory> history;
  /// Fold models as the bytes of their saved file, and that file's suffix (".ubj", ".h5", ...);
  /// models[k] is fold k's (empty: that fold is not trained, e.g. a fit task's other folds).
  std::vector<std::string> models;
  std::vector<std::string> modelSuffixes;
  /// A fold model's PATH.pipeline.json (input transform, calibration; PipelineModel), empty
  /// when the model has none.
  std::vector<std::string> modelPipelines;
  // K > 2 classes (empty otherwise): the probability of every class, row-major, for the
  // held-out entries (size() × K) and the training entries (trainRow.size() × K).
  std::vector<double> probability;
  std::vector<float> trainProbability;

  std::size_t size() const { return score.size(); }
  /// K when per-class probabilities are stored, else 0.
  int probabilityClasses() const;
  /// The scored events. `oneVsRest` ≥ 0 (needs probabilities): the score is that class's
  /// probability, for its one-vs-rest curves (evaluate with signalClass = oneVsRest).
  ScoredEvents heldOut(int oneVsRest = -1) const;
  ScoredEvents training(int oneVsRest = -1) const;
};

/// The per-run results of a project: reads and writes the sidecar file. Layout:
/// /runs/<id>/heldout/{event,sample,fold,class,weight,score}, /runs/<id>/training/{row,fold,
/// score}, /runs/<id>/history/fold<k>/{iteration,train_loss,validation_loss,ap_iteration,ap},
/// /runs/<id>/models/fold<k> (uint8 bytes, attribute "suffix") and fold<k>.pipeline (the
/// pipeline JSON, when the model has one); for K > 2 classes /runs/<id>/heldout/probability
/// and /runs/<id>/training/probability (n × K); root attribute
/// "imbw_content" = "imbalance workbench run results", "imbw_results_version" = 1.
/// Writing goes to a temporary file renamed over the old one, so a failed save (full disk,
/// read-only folder) leaves the previous sidecar intact. Errors name the file and the run.
/// `attributes`: further root string attributes (a fit task's result keeps its spec and fold
/// metrics there; see core/tasks/fit_task.h). `studies`: the weak-supervision studies' results
/// (study_store.h); null keeps the previous file's, so writers that do not know them keep them.
void writeRunStore(const std::string& path,
                   const std::map<std::string, std::shared_ptr<const StoredRun>>& runs,
                   const std::map<std::string, std::string>& attributes = {},
                   const StudyStore* studies = nullptr);
/// Every run in the file (empty map when the file does not exist).
std::map<std::string, std::shared_ptr<const StoredRun>> readRunStore(const std::string& path);

/// A root attribute written by writeRunStore's `attributes` ("" when absent).
std::string readRunStoreAttribute(const std::string& path, const std::string& name);

/// Writes fold `fold`'s model file (and its PATH.pipeline.json when it has one) into
/// `directory`; returns the model file's path (for loadModel, `apply` and re-evaluation).
std::string materialiseModel(const StoredRun& run, std::size_t fold, const std::string& directory);

}  // namespace imbw
