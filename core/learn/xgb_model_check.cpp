#include "core/learn/xgb_model_check.h"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "core/util/error.h"

namespace imbw::xgb {

namespace {

using nlohmann::json;

// XGBoost writes its parameters as strings ("3"), arrays as numbers.
std::int64_t integerOf(const json& v, const std::string& what) {
  if (v.is_number_integer() || v.is_number_unsigned()) return v.get<std::int64_t>();
  if (v.is_string()) {
    const std::string s = v.get<std::string>();
    try {
      std::size_t used = 0;
      const long long n = std::stoll(s, &used);
      if (used == s.size()) return n;
    } catch (const std::exception&) {
    }
  }
  throw Error(what + " is not an integer (" + v.dump().substr(0, 40) + ")");
}

const json& member(const json& j, const char* key, const std::string& where) {
  if (!j.is_object() || !j.contains(key)) throw Error(where + " has no \"" + key + "\"");
  return j.at(key);
}

const json& arrayOf(const json& tree, const char* key, std::size_t length,
                    const std::string& where) {
  const json& a = member(tree, key, where);
  if (!a.is_array()) throw Error(where + ": \"" + key + "\" is not an array");
  if (a.size() != length) {
    throw Error(where + ": \"" + key + "\" has " + std::to_string(a.size()) + " entries for " +
                std::to_string(length) + " nodes");
  }
  return a;
}

std::vector<std::int64_t> integers(const json& a, const std::string& what) {
  std::vector<std::int64_t> out;
  out.reserve(a.size());
  for (const auto& v : a) out.push_back(integerOf(v, what));
  return out;
}

void checkTree(const json& tree, std::size_t index, std::int64_t numFeature) {
  const std::string where = "tree " + std::to_string(index);
  if (!tree.is_object()) throw Error(where + " is not a JSON object");
  const std::int64_t id = integerOf(member(tree, "id", where), where + ": \"id\"");
  if (id != static_cast<std::int64_t>(index)) {
    throw Error(where + " has the id " + std::to_string(id) +
                " (trees must be numbered 0, 1, ...)");
  }
  const json& param = member(tree, "tree_param", where);
  const std::int64_t nodes = integerOf(member(param, "num_nodes", where), where + ": num_nodes");
  if (nodes < 1 || nodes > std::numeric_limits<std::int32_t>::max()) {
    throw Error(where + ": num_nodes is " + std::to_string(nodes));
  }
  const auto n = static_cast<std::size_t>(nodes);
  const auto left = integers(arrayOf(tree, "left_children", n, where), where + ": a left child");
  const auto right = integers(arrayOf(tree, "right_children", n, where), where + ": a right child");
  const auto split =
      integers(arrayOf(tree, "split_indices", n, where), where + ": a split feature");
  for (const char* key : {"parents", "split_conditions", "default_left", "base_weights",
                          "loss_changes", "sum_hessian"}) {
    (void)arrayOf(tree, key, n, where);
  }
  const auto splitType =
      tree.contains("split_type")
          ? integers(arrayOf(tree, "split_type", n, where), where + ": a split type")
          : std::vector<std::int64_t>(n, 0);

  // Walk from the root: every child in range, each node reached once (no cycle, no sharing).
  std::vector<char> seen(n, 0);
  std::vector<std::size_t> stack{0};
  seen[0] = 1;
  bool categorical = false;
  while (!stack.empty()) {
    const std::size_t k = stack.back();
    stack.pop_back();
    const std::string node = where + ", node " + std::to_string(k);
    if (left[k] == -1 && right[k] == -1) continue;  // a leaf
    for (const std::int64_t c : {left[k], right[k]}) {
      if (c < 1 || c >= nodes) {
        throw Error(node + ": child " + std::to_string(c) + " is outside the tree's " +
                    std::to_string(nodes) + " nodes");
      }
      const auto ci = static_cast<std::size_t>(c);
      if (seen[ci]) {
        throw Error(node + ": child " + std::to_string(c) +
                    " is reached twice (the tree has a cycle or a shared node)");
      }
      seen[ci] = 1;
      stack.push_back(ci);
    }
    if (split[k] < 0 || (numFeature > 0 && split[k] >= numFeature)) {
      throw Error(node + ": splits on feature " + std::to_string(split[k]) + " of " +
                  std::to_string(numFeature));
    }
    if (splitType[k] != 0 && splitType[k] != 1) {
      throw Error(node + ": unknown split type " + std::to_string(splitType[k]));
    }
    categorical = categorical || splitType[k] == 1;
  }
  if (!categorical) return;
  // Categorical splits index a shared category list through segments and sizes.
  const json& cats = member(tree, "categories", where);
  const json& catNodes = member(tree, "categories_nodes", where);
  const json& segments = member(tree, "categories_segments", where);
  const json& sizes = member(tree, "categories_sizes", where);
  if (!cats.is_array() || !catNodes.is_array() || !segments.is_array() || !sizes.is_array() ||
      catNodes.size() != segments.size() || catNodes.size() != sizes.size()) {
    throw Error(where + ": the categorical split arrays disagree in length");
  }
  for (std::size_t i = 0; i < catNodes.size(); ++i) {
    const std::int64_t node = integerOf(catNodes[i], where + ": a categorical node");
    const std::int64_t seg = integerOf(segments[i], where + ": a category segment");
    const std::int64_t size = integerOf(sizes[i], where + ": a category count");
    if (node < 0 || node >= nodes || seg < 0 || size < 0 ||
        seg + size > static_cast<std::int64_t>(cats.size())) {
      throw Error(where + ": categorical split " + std::to_string(i) +
                  " points outside the tree or its category list");
    }
  }
}

}  // namespace

void checkTreeArrays(const json& model) {
  const std::string where = "XGBoost model";
  const json& learner = member(model, "learner", where);
  const json& learnerParam = member(learner, "learner_model_param", "the learner");
  const std::int64_t numFeature =
      integerOf(member(learnerParam, "num_feature", "the learner"), "num_feature");
  const std::int64_t numClass =
      learnerParam.contains("num_class") ? integerOf(learnerParam.at("num_class"), "num_class") : 0;
  const std::int64_t numTarget = learnerParam.contains("num_target")
                                     ? integerOf(learnerParam.at("num_target"), "num_target")
                                     : 1;
  if (numFeature < 0 || numClass < 0 || numTarget < 1) {
    throw Error("the learner declares num_feature " + std::to_string(numFeature) + ", num_class " +
                std::to_string(numClass) + ", num_target " + std::to_string(numTarget));
  }
  const json& booster = member(learner, "gradient_booster", "the learner");
  const std::string name =
      booster.is_object() && booster.contains("name") && booster.at("name").is_string()
          ? booster.at("name").get<std::string>()
          : std::string();
  const json* gbtree = nullptr;
  if (name == "gbtree") {
    gbtree = &booster;
  } else if (name == "dart") {
    gbtree = &member(booster, "gbtree", "the dart booster");
  } else {
    return;  // gblinear: no trees
  }
  const json& m = member(*gbtree, "model", "the booster");
  const json& trees = member(m, "trees", "the booster's model");
  const json& info = member(m, "tree_info", "the booster's model");
  if (!trees.is_array() || !info.is_array()) throw Error("the trees or tree_info is not a list");
  const json& param = member(m, "gbtree_model_param", "the booster's model");
  const std::int64_t declared =
      integerOf(member(param, "num_trees", "gbtree_model_param"), "num_trees");
  if (declared != static_cast<std::int64_t>(trees.size()) || info.size() != trees.size()) {
    throw Error("the model declares " + std::to_string(declared) + " trees but lists " +
                std::to_string(trees.size()) + " trees and " + std::to_string(info.size()) +
                " tree groups");
  }
  const std::int64_t groups = std::max<std::int64_t>({1, numClass, numTarget});
  for (std::size_t i = 0; i < info.size(); ++i) {
    const std::int64_t g = integerOf(info[i], "tree_info");
    if (g < 0 || g >= groups) {
      throw Error("tree " + std::to_string(i) + " belongs to output " + std::to_string(g) + " of " +
                  std::to_string(groups));
    }
  }
  for (std::size_t i = 0; i < trees.size(); ++i) checkTree(trees[i], i, numFeature);
}

}  // namespace imbw::xgb
