#include "core/export/onnx_export.h"

#include <cmath>
#include <map>
#include <nlohmann/json.hpp>

#include "core/export/onnx_graph.h"
#include "core/learn/easy_ensemble_model.h"
#include "core/learn/forest_model.h"
#include "core/learn/gbdt_model.h"
#include "core/learn/logistic_model.h"
#include "core/learn/mlp_model.h"
#include "core/util/error.h"

namespace imbw {

namespace {

using onnx::Attribute;

constexpr const char* kInput = "features";

/// The node arrays of an ai.onnx.ml TreeEnsembleRegressor being filled tree by tree.
struct TreeEnsemble {
  std::vector<std::int64_t> treeIds, nodeIds, featureIds, trueIds, falseIds, missingTrue;
  std::vector<float> values;
  std::vector<std::string> modes;
  std::vector<std::int64_t> targetTree, targetNode, targetId;
  std::vector<float> targetWeight;

  void branch(std::int64_t tree, std::int64_t node, std::int64_t feature, float threshold,
              std::int64_t left, std::int64_t right, bool missingLeft) {
    treeIds.push_back(tree);
    nodeIds.push_back(node);
    featureIds.push_back(feature);
    values.push_back(threshold);
    modes.emplace_back("BRANCH_LT");  // x < threshold → true branch (left)
    trueIds.push_back(left);
    falseIds.push_back(right);
    missingTrue.push_back(missingLeft ? 1 : 0);
  }
  void leaf(std::int64_t tree, std::int64_t node, const std::vector<float>& weights) {
    treeIds.push_back(tree);
    nodeIds.push_back(node);
    featureIds.push_back(0);
    values.push_back(0.0f);
    modes.emplace_back("LEAF");
    trueIds.push_back(0);
    falseIds.push_back(0);
    missingTrue.push_back(0);
    for (std::size_t t = 0; t < weights.size(); ++t) {
      targetTree.push_back(tree);
      targetNode.push_back(node);
      targetId.push_back(static_cast<std::int64_t>(t));
      targetWeight.push_back(weights[t]);
    }
  }
  void addTo(onnx::Graph& g, const std::string& output, int targets, const std::string& aggregate,
             float base) {
    g.addNode(
        "TreeEnsembleRegressor", {kInput}, {output},
        {Attribute::ofInt("n_targets", targets),
         Attribute::ofString("aggregate_function", aggregate),
         Attribute::ofString("post_transform", "NONE"),
         Attribute::ofFloats("base_values", std::vector<float>(targets, base)),
         Attribute::ofInts("nodes_treeids", treeIds), Attribute::ofInts("nodes_nodeids", nodeIds),
         Attribute::ofInts("nodes_featureids", featureIds),
         Attribute::ofFloats("nodes_values", values), Attribute::ofStrings("nodes_modes", modes),
         Attribute::ofInts("nodes_truenodeids", trueIds),
         Attribute::ofInts("nodes_falsenodeids", falseIds),
         Attribute::ofInts("nodes_missing_value_tracks_true", missingTrue),
         Attribute::ofInts("target_treeids", targetTree),
         Attribute::ofInts("target_nodeids", targetNode), Attribute::ofInts("target_ids", targetId),
         Attribute::ofFloats("target_weights", targetWeight)},
        "ai.onnx.ml");
  }
};

std::map<std::string, std::string> metadata(const std::string& kind, const std::string& config,
                                            const ExportInfo& info, const std::string& output) {
  std::map<std::string, std::string> m{
      {"imbw_model_kind", kind}, {"imbw_config", config}, {"imbw_output", output}};
  if (!info.featureNames.empty()) m["feature_names"] = nlohmann::json(info.featureNames).dump();
  if (!info.classNames.empty()) m["class_names"] = nlohmann::json(info.classNames).dump();
  if (!info.signalClass.empty()) m["signal_class"] = info.signalClass;
  return m;
}

std::string docString(const std::string& what, const ExportInfo& info, int features) {
  std::string s = what + " exported by Imbalance Workbench. Input 'features': float32 [N, " +
                  std::to_string(features) + "], NaN for a missing value";
  if (!info.featureNames.empty()) {
    s += ", columns in this order:";
    for (const auto& f : info.featureNames) s += " " + f;
  }
  return s + ".";
}

void checkFeatures(const ExportInfo& info, Eigen::Index features, const std::string& kind) {
  if (!info.featureNames.empty() && static_cast<Eigen::Index>(info.featureNames.size()) != features)
    throw Error(kind + ": the model takes " + std::to_string(features) + " features but " +
                std::to_string(info.featureNames.size()) + " feature names were given");
}

/// (x − mean) · invScale with non-finite results set to 0: Standardizer::applyRows as nodes.
std::string standardise(onnx::Graph& g, const Standardizer& s) {
  const auto d = static_cast<std::int64_t>(s.cols());
  g.addInitializer("input_mean", {1, d}, std::vector<float>(s.mean().data(), s.mean().data() + d));
  g.addInitializer("input_inv_scale", {1, d},
                   std::vector<float>(s.invScale().data(), s.invScale().data() + d));
  g.addScalar("zero", 0.0f);
  g.addNode("Sub", {kInput, "input_mean"}, {"centred"});
  g.addNode("Mul", {"centred", "input_inv_scale"}, {"scaled"});
  g.addNode("IsNaN", {"scaled"}, {"scaled_is_nan"});
  g.addNode("IsInf", {"scaled"}, {"scaled_is_inf"});
  g.addNode("Or", {"scaled_is_nan", "scaled_is_inf"}, {"scaled_not_finite"});
  g.addNode("Where", {"scaled_not_finite", "zero", "scaled"}, {"standardised"});
  return "standardised";
}

/// The margins of one XGBoost booster (binary) as a TreeEnsembleRegressor; returns its output.
std::string boosterMargin(onnx::Graph& g, const GbdtModel& m, const std::string& output) {
  const nlohmann::json doc = m.booster().toJson();
  const nlohmann::json& learner = doc.at("learner");
  const nlohmann::json& trees = learner.at("gradient_booster").at("model").at("trees");
  // XGBoost keeps base_score as a probability for binary:logistic and turns it into the margin
  // ln(p / (1 − p)) in float arithmetic; the same here.
  const float p = std::stof(learner.at("learner_model_param").at("base_score").get<std::string>());
  const float base = -std::log(1.0f / p - 1.0f);
  TreeEnsemble e;
  std::int64_t treeId = 0;
  for (const auto& t : trees) {
    const auto left = t.at("left_children").get<std::vector<std::int64_t>>();
    const auto right = t.at("right_children").get<std::vector<std::int64_t>>();
    const auto split = t.at("split_conditions").get<std::vector<float>>();
    const auto index = t.at("split_indices").get<std::vector<std::int64_t>>();
    const auto defaultLeft = t.at("default_left").get<std::vector<int>>();
    for (std::size_t i = 0; i < left.size(); ++i) {
      if (left[i] == -1)
        e.leaf(treeId, static_cast<std::int64_t>(i), {split[i]});
      else
        e.branch(treeId, static_cast<std::int64_t>(i), index[i], split[i], left[i], right[i],
                 defaultLeft[i] != 0);
    }
    ++treeId;
  }
  e.addTo(g, output, 1, "SUM", base);
  g.addValueInfo(output, {-1, 1});
  return output;
}

void requireBinaryGbdt(const GbdtModel& m, const std::string& kind) {
  if (!m.booster()) throw Error(kind + ": cannot export an untrained model");
  if (m.numClasses() != 2)
    throw Error(kind + ": ONNX export of boosted trees is for two classes; this model has " +
                std::to_string(m.numClasses()) + " (export it as XGBoost JSON instead)");
  const nlohmann::json doc = m.booster().toJson();
  const std::string objective = doc.at("learner").at("objective").at("name");
  if (objective != "binary:logistic")
    throw Error(kind + ": cannot export the XGBoost objective '" + objective + "' to ONNX");
}

}  // namespace

std::string mlpToOnnx(const MlpModel& model, const ExportInfo& info) {
  const auto& layers = model.layers();
  if (layers.empty()) throw Error("mlp: cannot export an untrained model");
  const auto d = static_cast<std::int64_t>(layers.front().in);
  checkFeatures(info, d, "mlp");
  const float* params = model.parameters().data();
  onnx::Graph g("imbw_mlp");
  g.addInput(kInput, {-1, d});
  std::string x = standardise(g, model.standardizer());
  for (std::size_t l = 0; l < layers.size(); ++l) {
    const MlpModel::Layer& ly = layers[l];
    const std::string p = "layer" + std::to_string(l) + "_";
    const std::size_t nw = static_cast<std::size_t>(ly.in) * static_cast<std::size_t>(ly.out);
    g.addInitializer(p + "weight", {ly.in, ly.out},
                     std::vector<float>(params + ly.w, params + ly.w + nw));
    g.addNode("MatMul", {x, p + "weight"}, {p + "matmul"});
    const bool last = l + 1 == layers.size();
    std::string z;
    if (ly.batchNorm && !last) {
      // Evaluation-mode batch norm exactly as MlpModel::logits computes it (float).
      Eigen::Map<const Eigen::RowVectorXf> gamma(params + ly.gamma, ly.out);
      Eigen::Map<const Eigen::RowVectorXf> beta(params + ly.beta, ly.out);
      const Eigen::RowVectorXf scale =
          gamma.array() * (ly.runVar.array() + MlpModel::kBatchNormEpsilon).rsqrt();
      const Eigen::RowVectorXf shift = beta.array() - ly.runMean.array() * scale.array();
      g.addInitializer(p + "bn_scale", {1, ly.out},
                       std::vector<float>(scale.data(), scale.data() + ly.out));
      g.addInitializer(p + "bn_shift", {1, ly.out},
                       std::vector<float>(shift.data(), shift.data() + ly.out));
      g.addNode("Mul", {p + "matmul", p + "bn_scale"}, {p + "bn_scaled"});
      g.addNode("Add", {p + "bn_scaled", p + "bn_shift"}, {p + "pre"});
    } else {
      g.addInitializer(p + "bias", {1, ly.out},
                       std::vector<float>(params + ly.b, params + ly.b + ly.out));
      g.addNode("Add", {p + "matmul", p + "bias"}, {p + "pre"});
    }
    if (last) {
      x = p + "pre";
      break;
    }
    g.addNode("Relu", {p + "pre"}, {p + "relu"});
    x = p + "relu";
  }
  const int k = model.numClasses();
  const std::string output = k == 2 ? "score" : "probabilities";
  if (k == 2) {
    g.addNode("Sigmoid", {x}, {output});
    g.addOutput(output, {-1, 1});
  } else {
    g.addNode("Softmax", {x}, {output}, {Attribute::ofInt("axis", 1)});
    g.addOutput(output, {-1, k});
  }
  return g.serialise(docString("Neural network", info, static_cast<int>(d)),
                     metadata("mlp", model.config().dump(), info, output));
}

std::string logisticToOnnx(const LogisticModel& model, const ExportInfo& info) {
  const Eigen::VectorXd& beta = model.coefficients();
  if (beta.size() == 0) throw Error("logistic: cannot export an untrained model");
  const auto d = static_cast<std::int64_t>(beta.size() - 1);
  checkFeatures(info, d, "logistic");
  onnx::Graph g("imbw_logistic");
  g.addInput(kInput, {-1, d});
  const std::string x = standardise(g, model.standardizer());
  std::vector<float> w(static_cast<std::size_t>(d));
  for (std::int64_t i = 0; i < d; ++i) w[static_cast<std::size_t>(i)] = static_cast<float>(beta[i]);
  g.addInitializer("coefficients", {d, 1}, w);
  g.addInitializer("intercept", {1, 1}, {static_cast<float>(beta[d])});
  g.addNode("MatMul", {x, "coefficients"}, {"linear"});
  g.addNode("Add", {"linear", "intercept"}, {"logit"});
  g.addNode("Sigmoid", {"logit"}, {"score"});
  g.addOutput("score", {-1, 1});
  return g.serialise(docString("Logistic regression", info, static_cast<int>(d)),
                     metadata("logistic", model.config().dump(), info, "score"));
}

std::string forestToOnnx(const ForestModel& model, const ExportInfo& info) {
  if (model.trees().empty()) throw Error(model.kind() + ": cannot export an untrained model");
  ExportInfo in = info;
  if (in.featureNames.empty()) in.featureNames = model.featureNames();
  if (in.classNames.empty()) in.classNames = model.classNames();
  const auto d = static_cast<std::int64_t>(model.featureNames().size());
  if (d == 0)
    throw Error(model.kind() + ": the model file does not say how many features it takes");
  checkFeatures(in, d, model.kind());
  const int k = model.numClasses();
  const int targets = k == 2 ? 1 : k;
  TreeEnsemble e;
  std::int64_t treeId = 0;
  for (const ForestTree& t : model.trees()) {
    const auto stride = static_cast<std::size_t>(t.valuesPerNode);
    for (std::size_t i = 0; i < t.feature.size(); ++i) {
      const auto node = static_cast<std::int64_t>(i);
      if (t.feature[i] < 0) {
        std::vector<float> w(static_cast<std::size_t>(targets));
        for (std::size_t c = 0; c < w.size(); ++c)
          w[c] = static_cast<float>(t.value[i * stride + c]);
        e.leaf(treeId, node, w);
      } else {
        e.branch(treeId, node, t.feature[i], t.threshold[i], t.left[i], t.right[i],
                 t.missingLeft[i] != 0);
      }
    }
    ++treeId;
  }
  onnx::Graph g("imbw_forest");
  g.addInput(kInput, {-1, d});
  const std::string output = k == 2 ? "score" : "probabilities";
  e.addTo(g, output, targets, "AVERAGE", 0.0f);
  g.addOutput(output, {-1, targets});
  return g.serialise(docString("Random forest", in, static_cast<int>(d)),
                     metadata(model.kind(), model.config().dump(), in, output));
}

std::string gbdtToOnnx(const GbdtModel& model, const ExportInfo& info) {
  requireBinaryGbdt(model, "gbdt");
  ExportInfo in = info;
  if (in.featureNames.empty()) in.featureNames = model.featureNames();
  if (in.classNames.empty()) in.classNames = model.classNames();
  const auto d = static_cast<std::int64_t>(model.featureNames().size());
  if (d == 0) throw Error("gbdt: the model file does not say how many features it takes");
  checkFeatures(in, d, "gbdt");
  onnx::Graph g("imbw_gbdt");
  g.addInput(kInput, {-1, d});
  g.addNode("Sigmoid", {boosterMargin(g, model, "margin")}, {"score"});
  g.addOutput("score", {-1, 1});
  return g.serialise(docString("Boosted decision trees", in, static_cast<int>(d)),
                     metadata("gbdt", model.config().dump(), in, "score"));
}

std::string easyEnsembleToOnnx(const EasyEnsembleModel& model, const ExportInfo& info) {
  const auto& members = model.members();
  if (members.empty()) throw Error("easy_ensemble: cannot export an untrained model");
  ExportInfo in = info;
  if (in.featureNames.empty()) in.featureNames = model.featureNames();
  const auto d = static_cast<std::int64_t>(model.featureNames().size());
  if (d == 0) throw Error("easy_ensemble: the model file does not say how many features it takes");
  checkFeatures(in, d, "easy_ensemble");
  onnx::Graph g("imbw_easy_ensemble");
  g.addInput(kInput, {-1, d});
  std::vector<std::string> probabilities;
  for (std::size_t m = 0; m < members.size(); ++m) {
    requireBinaryGbdt(*members[m], "easy_ensemble");
    const std::string p = "member" + std::to_string(m) + "_";
    g.addNode("Sigmoid", {boosterMargin(g, *members[m], p + "margin")}, {p + "probability"});
    probabilities.push_back(p + "probability");
  }
  g.addNode("Sum", probabilities, {"probability_sum"});
  g.addScalar("inverse_members", static_cast<float>(1.0 / static_cast<double>(members.size())));
  g.addNode("Mul", {"probability_sum", "inverse_members"}, {"score"});
  g.addOutput("score", {-1, 1});
  return g.serialise(docString("EasyEnsemble of boosted trees", in, static_cast<int>(d)),
                     metadata("easy_ensemble", model.config().dump(), in, "score"));
}

}  // namespace imbw
