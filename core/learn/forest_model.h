#pragma once

#include <cstddef>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include <cstdint>

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

/// One grown tree. Node 0 is the root; a leaf has feature −1. An event goes left when its
/// value is below the threshold, and a missing value (NaN) goes where missingLeft says.
/// weight: Σ multiplicity × weight of the drawn events in the node; value: their weighted
/// class fractions, valuesPerNode per node (binary: the signal fraction alone; K > 2: K).
struct ForestTree {
  std::vector<std::int32_t> feature;
  std::vector<float> threshold;
  std::vector<std::uint8_t> missingLeft;
  std::vector<std::int32_t> left, right;
  std::vector<double> weight;
  std::vector<double> value;
  int valuesPerNode = 1;
};

/// Random forest (standard / class-weighted) and balanced random forest on our own histogram
/// CART builder (forest_model.cpp says why not XGBoost's): each tree grows depth-first on its
/// own draw (bootstrap, or per-class under-sample for the balanced forest), splits on the
/// weighted Gini decrease over √F randomly chosen features per node as scikit-learn does, and
/// each leaf holds the weighted class fractions of what the tree drew; the score is the mean
/// over trees. Trees grow in parallel, one per thread, so a fit uses every thread it is given.
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
  /// Our JSON ({"imbw_kind": ..., "trees": [...]}), as UBJSON unless the path ends in ".json".
  void save(const std::string& path) const override;

  static std::unique_ptr<ForestModel> load(const std::string& path);
  /// From the document save() writes (after parsing); throws imbw::Error on anything else.
  static std::unique_ptr<ForestModel> fromJson(const nlohmann::json& file);

  const ForestParams& params() const { return m_params; }
  int treeCount() const { return static_cast<int>(m_trees.size()); }
  const std::vector<ForestTree>& trees() const { return m_trees; }
  int numClasses() const { return m_numClasses; }
  int signalClass() const { return m_signalClass; }
  const std::vector<std::string>& classNames() const { return m_classNames; }
  const std::vector<std::string>& featureNames() const { return m_featureNames; }
  /// One entry per tree of the last fit (empty after load).
  const std::vector<ForestTreeSample>& treeSamples() const { return m_samples; }
  void setThreads(int threads) { m_threads = threads; }

 private:
  ForestParams m_params;
  std::vector<ForestTree> m_trees;
  int m_numClasses = 2;
  int m_signalClass = 1;
  std::vector<std::string> m_classNames;
  std::vector<std::string> m_featureNames;
  std::vector<ForestTreeSample> m_samples;
  int m_threads = 2;
};

/// {"kind": "random_forest" | "balanced_random_forest", <ForestParams keys>}.
std::unique_ptr<Model> makeForestModel(const nlohmann::json& spec);

}  // namespace imbw
