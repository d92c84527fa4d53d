#pragma once

#include <cstddef>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/learn/model.h"
#include "core/learn/xgb_util.h"

namespace imbw {

/// Hyper-parameters of the random forests. JSON keys in brackets.
struct ForestParams {
  /// Each tree on its own balanced under-sample of the classes (imbalanced-learn's
  /// BalancedRandomForest); the kind "balanced_random_forest" sets it.
  bool balanced = false;
  int trees = 100;           ///< ["trees"]
  int maxDepth = 10;         ///< 0 = no limit (the balanced forest's default) ["max_depth"]
  double maxFeatures = 0.0;  ///< fraction of features tried per split, 0 = √F / F ["max_features"]
  double minChildWeight = 0;  ///< minimum weight per leaf, units of mean |w| ["min_child_weight"]
  bool bootstrap = true;      ///< resample with replacement per tree ["bootstrap"]
  /// "balanced": scale weights so each class carries the same total weight (the weighted RF)
  /// ["class_weight": "none" | "balanced"]
  bool classWeightBalanced = false;
  int maxBin = 256;    ///< histogram bins per feature ["max_bin"]
  int batchSize = 10;  ///< trees between checkpoints ["batch_size"]

  static ForestParams defaults(bool balanced);
  nlohmann::json toJson() const;  ///< without "kind"
  static ForestParams fromJson(const nlohmann::json& j, bool balanced);
  void validate() const;
};

/// What one tree was grown on: per class, the number of draws (bootstrap multiplicity summed),
/// distinct events and total (normalised) weight. Exposed so tests and the GUI can check that
/// a balanced forest really sees balanced trees.
struct ForestTreeSample {
  std::vector<std::size_t> draws;
  std::vector<std::size_t> distinct;
  std::vector<double> weight;
};

/// Random forest (standard / class-weighted) and balanced random forest on XGBoost's hist tree
/// builder. Each tree is one boosting round with learning rate 1, no L2, and custom gradient
/// pairs g = −c·w·t, h = c·w held at a zero margin (c = the tree's bootstrap / under-sample
/// multiplicity): the split gain is then the weighted Gini (variance) decrease and each leaf
/// holds the weighted signal fraction of the events the tree drew, as in scikit-learn; the
/// score is the mean over trees. K > 2 classes: one such tree per class and round.
class ForestModel : public Model {
 public:
  explicit ForestModel(ForestParams params = {});

  std::string kind() const override {
    return m_params.balanced ? "balanced_random_forest" : "random_forest";
  }
  nlohmann::json config() const override;
  void fit(const FeatureMatrix& train, const FitContext& ctx) override;
  std::vector<double> predict(const RowMatrixF& x) const override;
  std::vector<double> predictProba(const RowMatrixF& x) const override;
  /// XGBoost UBJ (or JSON for ".json") with our config in the attribute "imbw".
  void save(const std::string& path) const override;

  static std::unique_ptr<ForestModel> load(const std::string& path);
  static std::unique_ptr<ForestModel> fromBooster(xgb::Booster booster);

  const ForestParams& params() const { return m_params; }
  int treeCount() const { return m_treeCount; }
  /// One entry per tree of the last fit (empty after load).
  const std::vector<ForestTreeSample>& treeSamples() const { return m_samples; }
  const xgb::Booster& booster() const { return m_booster; }
  void setThreads(int threads) { m_threads = threads; }

 private:
  void writeMeta();

  ForestParams m_params;
  xgb::Booster m_booster;
  int m_numClasses = 2;
  int m_signalClass = 1;
  int m_treeCount = 0;
  std::vector<std::string> m_classNames;
  std::vector<std::string> m_featureNames;
  std::vector<ForestTreeSample> m_samples;
  int m_threads = 2;
};

/// {"kind": "random_forest" | "balanced_random_forest", <ForestParams keys>}.
std::unique_ptr<Model> makeForestModel(const nlohmann::json& spec);

}  // namespace imbw
