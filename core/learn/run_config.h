#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/eval/recalibration.h"
#include "core/learn/input_transform.h"
#include "core/loss/loss.h"
#include "core/resample/class_subsample.h"
#include "core/resample/resample_config.h"

namespace imbw {

/// One entry of an analysis file's "runs" list: which model, with which loss and resampling,
/// on which features, over how many folds. JSON keys: name, features, model, loss, resample,
/// folds, seed, threads, validation_fraction, and (issue 13; written only when set) transform,
/// calibration, class_subsample. The loss may say "alpha": "1-r", meaning
/// α = 1 − r with r the weighted signal fraction of each training fold (the paper's weighting).
struct RunConfig {
  std::string name;                           ///< display name; empty: derived from the model
  std::vector<std::string> features;          ///< model inputs; empty: all the analysis features
  nlohmann::json model = {{"kind", "gbdt"}};  ///< {"kind": ..., params} for makeModel()
  LossConfig loss;                            ///< passed to models that take a loss
  bool alphaFromSignalFraction = false;       ///< "alpha": "1-r"
  ResampleConfig resample;                    ///< training folds only
  int folds = 5;
  std::uint64_t seed = 1;
  int threads = 2;
  /// Fraction of each training part held back (stratified) for early stopping. Negative =
  /// automatic: 0.1 for models that stop early (mlp; gbdt with early_stopping_rounds), else 0
  /// (then live curves are drawn on the held-out fold, which such models never look at).
  double validationFraction = -1.0;
  /// Input transformation fitted on each training part ({"kind": "none"} = today's inputs).
  InputTransformConfig transform;
  /// Score recalibration of each fold's model ({"kind": "none"} = raw scores).
  CalibrationConfig calibration;
  /// The controlled imbalance this run is trained with (ClassSubsample JSON under
  /// "class_subsample"; an empty one = no draw). Not set: the project's "classSubsample" applies
  /// (files written before runs kept their own); see classSubsampleFor().
  std::optional<ClassSubsample> classSubsample;

  std::string displayName() const;
  std::string modelKind() const;
  /// The spec handed to makeModel(): `model` plus "loss" for models that take one.
  nlohmann::json modelSpec(double signalFraction) const;
  /// True for models that use FitContext::validation to decide when to stop (so it must never
  /// be the held-out fold).
  bool modelStopsEarly() const;
  /// The validation fraction actually used (resolves the automatic choice).
  double effectiveValidationFraction() const;

  nlohmann::json toJson() const;
  static RunConfig fromJson(const nlohmann::json& j);  ///< validates; throws imbw::Error
};

/// Reads an analysis file's "runs" list (throws imbw::Error naming the entry that is wrong).
std::vector<RunConfig> runConfigsFromJson(const nlohmann::json& runs);

/// The controlled imbalance a run is trained with: its own when it has one, else the analysis
/// option "classSubsample" (`projectSubsample`, JSON; null when the project has none). Empty
/// (no draw) when neither says anything. Throws imbw::Error naming the key that is wrong.
ClassSubsample classSubsampleFor(const RunConfig& config, const nlohmann::json& projectSubsample);

}  // namespace imbw
