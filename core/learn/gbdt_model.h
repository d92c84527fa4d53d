#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/learn/model.h"
#include "core/learn/xgb_util.h"
#include "core/loss/loss.h"

namespace imbw {

/// Hyper-parameters of the boosted trees. JSON keys in brackets.
struct GbdtParams {
  int trees = 100;              ///< boosting rounds ["trees"]
  double learningRate = 0.1;    ///< ["learning_rate"]
  int maxDepth = 6;             ///< ["max_depth"]
  double minChildWeight = 1.0;  ///< in units of mean |event weight| ["min_child_weight"]
  double subsample = 1.0;       ///< row fraction per tree ["subsample"]
  double colsample = 1.0;       ///< feature fraction per tree ["colsample"]
  double regLambda = 1.0;       ///< L2 on leaf values ["reg_lambda"]
  int maxBin = 256;             ///< histogram bins per feature ["max_bin"]
  /// Bound on each leaf's Newton step; -1 = auto: 1 for focal loss (its floored hessians
  /// otherwise give exploding leaves: AUC 0.56 instead of 0.82 on the benchmark), 0 = off for
  /// cross entropy ["max_delta_step"]
  double maxDeltaStep = -1.0;
  int earlyStoppingRounds =
      0;                     ///< patience on the validation loss, 0 = off ["early_stopping_rounds"]
  int checkpointEvery = 10;  ///< rounds between checkpoints ["checkpoint_every"]
  /// Use our own gradient path even for (weighted) cross entropy; focal always uses it
  /// ["custom_objective"].
  bool customObjective = false;
  LossConfig loss;  ///< ["loss"]: cross entropy → XGBoost's built-in logistic / softprob

  nlohmann::json toJson() const;
  static GbdtParams fromJson(const nlohmann::json& j);  ///< validates; throws imbw::Error
  void validate() const;
};

/// Gradient-boosted trees through XGBoost's C API (hist). Cross entropy and weighted cross
/// entropy (α_t multiplied into the event weights) use XGBoost's built-in objective; focal loss
/// is a custom objective with the toolkit's gradient and hessian (hessian floor). Binary models
/// start from the prior margin (base_score = α-weighted signal fraction), K > 2 classes use
/// softmax with per-class prior base margins.
class GbdtModel : public Model {
 public:
  explicit GbdtModel(GbdtParams params = {});

  std::string kind() const override { return "gbdt"; }
  nlohmann::json config() const override;
  void fit(const FeatureMatrix& train, const FitContext& ctx) override;
  std::vector<double> predict(const RowMatrixF& x) const override;
  std::vector<double> predictProba(const RowMatrixF& x) const override;
  /// XGBoost UBJ (or JSON when the path ends in ".json") with our config in the attribute
  /// "imbw".
  void save(const std::string& path) const override;

  static std::unique_ptr<GbdtModel> create(const nlohmann::json& spec);
  /// Loads any tree model file (gbdt, random_forest, balanced_random_forest, easy_ensemble):
  /// the factory's loadModel calls this for every non-HDF5 file. Same as loadTreeModel().
  static std::unique_ptr<Model> load(const std::string& path);
  /// Loads a file that must hold a gbdt model.
  static std::unique_ptr<GbdtModel> loadGbdt(const std::string& path);
  /// Rebuilds from a booster that carries the "imbw" attribute (used by load and EasyEnsemble).
  static std::unique_ptr<GbdtModel> fromBooster(xgb::Booster booster);

  const GbdtParams& params() const { return m_params; }
  int rounds() const;  ///< rounds kept (after early stopping)
  int bestIteration() const { return m_bestIteration; }
  const std::vector<double>& validationLossHistory() const { return m_valLoss; }
  const xgb::Booster& booster() const { return m_booster; }
  int numClasses() const { return m_numClasses; }
  int signalClass() const { return m_signalClass; }
  const std::vector<std::string>& classNames() const { return m_classNames; }
  const std::vector<std::string>& featureNames() const { return m_featureNames; }
  /// K > 2 only: ln(prior of class k), given to XGBoost as base_margin when predicting.
  const std::vector<float>& priorMargins() const { return m_priorMargins; }
  void setThreads(int threads) { m_threads = threads; }

 private:
  std::vector<double> margins(const RowMatrixF& x) const;
  void writeMeta();

  GbdtParams m_params;
  xgb::Booster m_booster;
  int m_numClasses = 2;
  int m_signalClass = 1;
  std::vector<std::string> m_classNames;
  std::vector<std::string> m_featureNames;
  std::vector<float> m_priorMargins;  ///< K > 2 only: ln(prior of class k)
  int m_bestIteration = -1;
  std::vector<double> m_valLoss;
  int m_threads = 2;
};

/// Loads a model saved by GbdtModel, ForestModel or EasyEnsembleModel (the file says which).
std::unique_ptr<Model> loadTreeModel(const std::string& path);

}  // namespace imbw
