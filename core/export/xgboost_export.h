#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace imbw {

class ForestModel;
class GbdtModel;

/// A forest as an XGBoost model (the JSON schema of XGBoost 1.7): one regression tree per
/// forest tree with the leaf values divided by the tree count, objective reg:squarederror and
/// base_score 0, so that XGBoost's prediction (the sum over trees) is the forest's mean class
/// fraction, our score. K > 2 classes: K trees per forest tree (tree_info = class) and
/// num_target = K, so predict() gives the K class fractions. Thresholds of +∞ (every value
/// left) become the largest float, which sends every finite value the same way.
nlohmann::json forestToXgboostJson(const ForestModel& forest);

/// The boosted trees' own XGBoost JSON. K > 2 classes: our per-class prior margins (given to
/// XGBoost as base_margin while predicting) are added to the leaves of the first round's tree
/// of each class, so that the file alone predicts our probabilities.
nlohmann::json gbdtToXgboostJson(const GbdtModel& gbdt);

/// Writes an XGBoost JSON document as XGBoost's JSON (ubj = false) or UBJ file. The document
/// is loaded into an XGBoost booster first (so a file XGBoost cannot read is never written)
/// and saved by XGBoost itself.
void writeXgboostModel(const nlohmann::json& model, bool ubj, const std::string& path);

}  // namespace imbw
