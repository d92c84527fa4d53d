#include "core/export/xgboost_export.h"

#include <cmath>
#include <limits>

#include "core/learn/forest_model.h"
#include "core/learn/gbdt_model.h"
#include "core/learn/xgb_util.h"
#include "core/util/error.h"

namespace imbw {

namespace {

constexpr std::int64_t kNoParent = 2147483647;  // XGBoost's "no parent" of the root

/// One XGBoost tree from a forest tree: leaf value = value[node · stride + column] · scale.
nlohmann::json xgbTree(const ForestTree& t, int id, int column, double scale, int features) {
  const std::size_t n = t.feature.size();
  std::vector<std::int64_t> parents(n, kNoParent);
  for (std::size_t i = 0; i < n; ++i) {
    if (t.feature[i] < 0) continue;
    parents[static_cast<std::size_t>(t.left[i])] = static_cast<std::int64_t>(i);
    parents[static_cast<std::size_t>(t.right[i])] = static_cast<std::int64_t>(i);
  }
  std::vector<float> split(n), baseWeights(n), lossChanges(n, 0.0f), hessian(n);
  std::vector<std::int32_t> left(n), right(n), index(n);
  std::vector<int> defaultLeft(n), splitType(n, 0);
  const auto stride = static_cast<std::size_t>(t.valuesPerNode);
  for (std::size_t i = 0; i < n; ++i) {
    const float value =
        static_cast<float>(t.value[i * stride + static_cast<std::size_t>(column)] * scale);
    baseWeights[i] = value;
    hessian[i] = static_cast<float>(t.weight[i]);
    if (t.feature[i] < 0) {
      split[i] = value;
      left[i] = right[i] = -1;
      index[i] = 0;
      defaultLeft[i] = 0;
    } else {
      const float th = t.threshold[i];
      split[i] = std::isinf(th) ? (th > 0 ? std::numeric_limits<float>::max()
                                          : std::numeric_limits<float>::lowest())
                                : th;
      left[i] = t.left[i];
      right[i] = t.right[i];
      index[i] = t.feature[i];
      defaultLeft[i] = t.missingLeft[i] ? 1 : 0;
    }
  }
  return {{"base_weights", baseWeights},
          {"categories", nlohmann::json::array()},
          {"categories_nodes", nlohmann::json::array()},
          {"categories_segments", nlohmann::json::array()},
          {"categories_sizes", nlohmann::json::array()},
          {"default_left", defaultLeft},
          {"id", id},
          {"left_children", left},
          {"loss_changes", lossChanges},
          {"parents", parents},
          {"right_children", right},
          {"split_conditions", split},
          {"split_indices", index},
          {"split_type", splitType},
          {"sum_hessian", hessian},
          {"tree_param",
           {{"num_deleted", "0"},
            {"num_feature", std::to_string(features)},
            {"num_nodes", std::to_string(n)},
            {"size_leaf_vector", "0"}}}};
}

}  // namespace

nlohmann::json forestToXgboostJson(const ForestModel& forest) {
  if (forest.trees().empty()) throw Error(forest.kind() + ": cannot export an untrained model");
  const int k = forest.numClasses();
  const int targets = k == 2 ? 1 : k;
  const int features = static_cast<int>(forest.featureNames().size());
  const double scale = 1.0 / static_cast<double>(forest.trees().size());
  nlohmann::json trees = nlohmann::json::array();
  std::vector<int> treeInfo;
  for (const ForestTree& t : forest.trees()) {
    for (int c = 0; c < targets; ++c) {
      trees.push_back(xgbTree(t, static_cast<int>(trees.size()), c, scale, features));
      treeInfo.push_back(c);
    }
  }
  nlohmann::json learner = {
      {"attributes", {{"imbw_kind", forest.kind()}, {"imbw_config", forest.config().dump()}}},
      {"feature_names", forest.featureNames()},
      {"feature_types", std::vector<std::string>(forest.featureNames().size(), "float")},
      {"gradient_booster",
       {{"model",
         {{"gbtree_model_param",
           {{"num_parallel_tree", "1"},
            {"num_trees", std::to_string(trees.size())},
            {"size_leaf_vector", "0"}}},
          {"tree_info", treeInfo},
          {"trees", std::move(trees)}}},
        {"name", "gbtree"}}},
      {"learner_model_param",
       {{"base_score", "0E0"},
        {"boost_from_average", "0"},
        {"num_class", "0"},
        {"num_feature", std::to_string(features)},
        {"num_target", std::to_string(targets)}}},
      {"objective",
       {{"name", "reg:squarederror"}, {"reg_loss_param", {{"scale_pos_weight", "1"}}}}}};
  if (features == 0) {  // a forest loaded from an old file without names: XGBoost wants none
    learner.erase("feature_names");
    learner.erase("feature_types");
  }
  return {{"learner", std::move(learner)}, {"version", {1, 7, 4}}};
}

nlohmann::json gbdtToXgboostJson(const GbdtModel& gbdt) {
  if (!gbdt.booster()) throw Error("gbdt: cannot export an untrained model");
  nlohmann::json doc = gbdt.booster().toJson();
  nlohmann::json& learner = doc.at("learner");
  const auto& names = gbdt.featureNames();
  if (!names.empty()) {
    learner["feature_names"] = names;
    learner["feature_types"] = std::vector<std::string>(names.size(), "float");
  }
  const int k = gbdt.numClasses();
  if (k > 2) {
    const auto& prior = gbdt.priorMargins();
    if (static_cast<int>(prior.size()) != k)
      throw Error("gbdt: the model has no prior margin for each of its " + std::to_string(k) +
                  " classes");
    nlohmann::json& model = learner.at("gradient_booster").at("model");
    const auto info = model.at("tree_info").get<std::vector<int>>();
    std::vector<bool> done(static_cast<std::size_t>(k), false);
    for (std::size_t t = 0; t < info.size(); ++t) {
      const auto c = static_cast<std::size_t>(info[t]);
      if (c >= done.size() || done[c]) continue;
      done[c] = true;
      nlohmann::json& tree = model.at("trees").at(t);
      const auto leftChildren = tree.at("left_children").get<std::vector<int>>();
      auto split = tree.at("split_conditions").get<std::vector<float>>();
      for (std::size_t i = 0; i < split.size(); ++i)
        if (leftChildren[i] == -1) split[i] += prior[c];
      tree["split_conditions"] = split;
    }
  }
  return doc;
}

void writeXgboostModel(const nlohmann::json& model, bool ubj, const std::string& path) {
  const xgb::Booster booster = xgb::Booster::fromBuffer(model.dump());
  xgb::writeFileBytes(path, booster.toBuffer(ubj ? "ubj" : "json"));
}

}  // namespace imbw
