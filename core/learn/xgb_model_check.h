#pragma once

#include <nlohmann/json.hpp>

namespace imbw::xgb {

/// Checks the tree arrays of an XGBoost model document (JSON or UBJSON, as XGBoost 1.7 writes
/// it) before XGBoost loads it: XGBoost trusts them, and a damaged file (a child index out of
/// range, a cycle, a split on a feature past num_feature, a tree count that disagrees with the
/// tree list, arrays of the wrong length) makes its predictor read out of bounds or crash.
/// Throws imbw::Error naming the tree, the node and the value. Boosters other than gbtree /
/// dart (gblinear) are left to XGBoost.
void checkTreeArrays(const nlohmann::json& model);

}  // namespace imbw::xgb
