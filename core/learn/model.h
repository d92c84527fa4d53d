#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/data/feature_matrix.h"

namespace imbw {

/// What a model reports while it fits. The engine turns checkpoints into Snapshots (curves,
/// histograms) with the evaluation toolkit, so models stay free of plotting concerns.
struct Checkpoint {
  int iteration = 0;                     ///< epoch, boosting round or number of trees so far
  double trainLoss = 0.0;                ///< NaN when the model has none
  double validationLoss = 0.0;           ///< NaN when there is no validation set
  std::vector<double> validationScores;  ///< scores of FitContext::validation (binary: signal)
};

class FitObserver {
 public:
  virtual ~FitObserver() = default;
  /// Polled every mini-batch / boosting round / batch of trees: a cancel must take effect
  /// within 200 ms. A model that sees true stops and returns; fit() then throws Cancelled.
  virtual bool stopRequested() const { return false; }
  virtual void progress(double /*fraction*/, std::string_view /*stage*/) {}
  /// At the model's natural cadence (each epoch, every k rounds, every 10 trees).
  virtual void checkpoint(const Checkpoint& /*c*/) {}
};

/// Thrown by fit() when the observer asked to stop.
struct Cancelled : std::exception {
  const char* what() const noexcept override { return "cancelled by the user"; }
};

struct FitContext {
  const FeatureMatrix* validation = nullptr;  ///< early stopping / checkpoints; may be null
  FitObserver* observer = nullptr;            ///< may be null
  int threads = 2;
  std::uint64_t seed = 1;
};

/// A trained (or trainable) classifier. Binary: predict() gives one score per event, higher =
/// more signal-like. K > 2 classes: predictProba() gives [n × K] row-major probabilities and
/// predict() the probability of the signal class.
class Model {
 public:
  virtual ~Model() = default;
  /// The registry name ("gbdt", "random_forest", "balanced_random_forest", "easy_ensemble",
  /// "mlp", "logistic", "one_variable").
  virtual std::string kind() const = 0;
  /// Hyper-parameters (the typed config of the concrete model) as JSON.
  virtual nlohmann::json config() const = 0;
  virtual void fit(const FeatureMatrix& train, const FitContext& ctx) = 0;
  virtual std::vector<double> predict(const RowMatrixF& x) const = 0;
  virtual std::vector<double> predictProba(const RowMatrixF& x) const { return predict(x); }
  /// Writes everything needed to predict again (format of the model's choice: XGBoost UBJ/JSON
  /// for trees, HDF5 for networks) to `path`.
  virtual void save(const std::string& path) const = 0;
};

/// Creates an untrained model from {"kind": ..., <params>}; throws imbw::Error on an unknown
/// kind or a bad parameter. Defined in core/learn/model_factory.cpp.
std::unique_ptr<Model> makeModel(const nlohmann::json& spec);
/// Loads a model saved by Model::save (the file says which kind it is).
std::unique_ptr<Model> loadModel(const std::string& path);
/// The file suffix Model::save expects for a kind: ".h5" (networks, autoencoders, logistic, one
/// variable),
/// ".json" (EasyEnsemble), ".ubj" (boosted trees, forests).
std::string modelFileSuffix(const std::string& kind);

}  // namespace imbw
