#pragma once

#include <string>
#include <vector>

#include "core/learn/forest_model.h"
#include "core/learn/model.h"

namespace imbw {

/// Split-based importance of a tree model, per feature, summed over all trees:
/// - boosted trees (gbdt, and every member of an easy_ensemble): XGBoost's own
///   XGBoosterFeatureScore, "total_gain" (Σ loss reduction of the feature's splits, in units
///   of the training objective) and "weight" (number of splits);
/// - random forests: Σ over the feature's splits of the weighted Gini decrease
///   W·G(parent) − W_L·G(left) − W_R·G(right) (G = 1 − Σ_c p_c², W the node's drawn weight),
///   which is scikit-learn's unnormalised impurity importance times the root weight, and the
///   number of splits.
struct TreeImportance {
  std::vector<std::string> features;
  std::vector<double> totalGain;
  std::vector<double> splitCount;
  /// "xgboost total_gain" or "weighted Gini decrease".
  std::string gainKind;
};

/// True for the kinds treeImportance() handles.
bool hasTreeImportance(const Model& model);
/// `featureNames`: the model's inputs in order (the run's features). Throws imbw::Error for
/// a model without trees (naming its kind) or an untrained one.
TreeImportance treeImportance(const Model& model, const std::vector<std::string>& featureNames);
/// The forest part alone (also per tree, for tests).
TreeImportance forestImportance(const ForestModel& forest,
                                const std::vector<std::string>& featureNames);

}  // namespace imbw
