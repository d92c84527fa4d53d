#include "core/insight/tree_importance.h"

#include <xgboost/c_api.h>

#include <string>

#include "core/learn/easy_ensemble_model.h"
#include "core/learn/gbdt_model.h"
#include "core/learn/pipeline_model.h"
#include "core/util/error.h"

namespace imbw {

namespace {

// XGBoost names features f0, f1, ... when the matrix had no names (ours never has).
void addBoosterScores(const xgb::Booster& booster, const char* type, std::vector<double>& into) {
  const std::string config = std::string("{\"importance_type\": \"") + type + "\"}";
  bst_ulong n = 0, dim = 0;
  const char** names = nullptr;
  const bst_ulong* shape = nullptr;
  const float* scores = nullptr;
  xgb::check(
      XGBoosterFeatureScore(booster.handle(), config.c_str(), &n, &names, &dim, &shape, &scores),
      "feature score");
  for (bst_ulong i = 0; i < n; ++i) {
    const std::string name = names[i];
    std::size_t f = into.size();
    if (name.size() > 1 && name[0] == 'f') {
      try {
        f = std::stoul(name.substr(1));
      } catch (const std::exception&) {
        f = into.size();
      }
    }
    if (f >= into.size())
      throw Error("the boosted trees use a feature '" + name + "' beyond the " +
                  std::to_string(into.size()) + " inputs given");
    into[f] += scores[i];
  }
}

void addGbdt(const GbdtModel& m, TreeImportance& out) {
  if (!m.booster()) throw Error("gbdt: the model is not trained");
  addBoosterScores(m.booster(), "total_gain", out.totalGain);
  addBoosterScores(m.booster(), "weight", out.splitCount);
}

// Σ_c p_c² of node i (binary trees store only the signal fraction).
double sumSquares(const ForestTree& t, std::size_t i) {
  if (t.valuesPerNode == 1) {
    const double p = t.value[i];
    return p * p + (1.0 - p) * (1.0 - p);
  }
  double s = 0.0;
  const std::size_t at = i * static_cast<std::size_t>(t.valuesPerNode);
  for (int c = 0; c < t.valuesPerNode; ++c) s += t.value[at + c] * t.value[at + c];
  return s;
}

}  // namespace

bool hasTreeImportance(const Model& outer) {
  const Model& model = innermostModel(outer);
  return dynamic_cast<const GbdtModel*>(&model) || dynamic_cast<const ForestModel*>(&model) ||
         dynamic_cast<const EasyEnsembleModel*>(&model);
}

TreeImportance forestImportance(const ForestModel& forest,
                                const std::vector<std::string>& featureNames) {
  TreeImportance out;
  out.features = featureNames;
  out.gainKind = "weighted Gini decrease";
  out.totalGain.assign(featureNames.size(), 0.0);
  out.splitCount.assign(featureNames.size(), 0.0);
  if (forest.trees().empty()) throw Error(forest.kind() + ": the model is not trained");
  for (const ForestTree& t : forest.trees()) {
    for (std::size_t i = 0; i < t.feature.size(); ++i) {
      const int f = t.feature[i];
      if (f < 0) continue;
      if (static_cast<std::size_t>(f) >= featureNames.size())
        throw Error(forest.kind() + ": a split uses feature " + std::to_string(f) + " beyond the " +
                    std::to_string(featureNames.size()) + " inputs given");
      const auto l = static_cast<std::size_t>(t.left[i]);
      const auto r = static_cast<std::size_t>(t.right[i]);
      // W·G = W − W·Σp², and W = W_L + W_R, so the decrease is a difference of W·Σp² terms.
      const double gain = t.weight[l] * sumSquares(t, l) + t.weight[r] * sumSquares(t, r) -
                          t.weight[i] * sumSquares(t, i);
      out.totalGain[static_cast<std::size_t>(f)] += gain;
      out.splitCount[static_cast<std::size_t>(f)] += 1.0;
    }
  }
  return out;
}

TreeImportance treeImportance(const Model& outer, const std::vector<std::string>& featureNames) {
  const Model& model = innermostModel(outer);
  if (const auto* forest = dynamic_cast<const ForestModel*>(&model))
    return forestImportance(*forest, featureNames);
  TreeImportance out;
  out.features = featureNames;
  out.gainKind = "xgboost total_gain";
  out.totalGain.assign(featureNames.size(), 0.0);
  out.splitCount.assign(featureNames.size(), 0.0);
  if (const auto* gbdt = dynamic_cast<const GbdtModel*>(&model)) {
    addGbdt(*gbdt, out);
  } else if (const auto* ee = dynamic_cast<const EasyEnsembleModel*>(&model)) {
    if (ee->members().empty()) throw Error("easy_ensemble: the model is not trained");
    for (const auto& member : ee->members()) addGbdt(*member, out);
  } else {
    throw Error("a " + model.kind() +
                " model has no trees, so no gain importance (use permutation importance)");
  }
  return out;
}

}  // namespace imbw
