#pragma once

// "Train again without the bottom k features" (issue 13): which features a copy of a run keeps
// when its k lowest-ranked ones (by permutation importance) are dropped, and what the copy is
// called. The window's Feature ranking tab and `imbalance-cli importance --drop-bottom` both
// call this, so the same ranking gives the same run in either.

#include <cstddef>
#include <string>
#include <vector>

#include "core/insight/permutation_importance.h"
#include "core/learn/run_config.h"

namespace imbw {

struct FeatureDrop {
  /// The k lowest-ranked features, in ranking order (the least important last).
  std::vector<std::string> dropped;
  /// The others, in the run's feature order.
  std::vector<std::string> kept;
};

/// Throws imbw::Error naming k unless 1 ≤ k < features (at least one feature must remain).
void checkDropCount(int k, std::size_t features);

/// The run's features without its k lowest-ranked by `ranking` (RunPermutationImportance::
/// ranking: decreasing mean drop, ties in feature order). Throws as checkDropCount.
FeatureDrop dropBottomFeatures(const RunPermutationImportance& ranking, int k);

/// The copy's name: "NAME without a, b" (the dropped features, k ≤ 3), else "NAME without the
/// bottom K".
std::string featureDropRunName(const std::string& runName, const FeatureDrop& drop);

/// `source` (a run's configuration) with `drop.kept` as its features and featureDropRunName
/// as its name; everything else (model, loss, resampling, folds, seed) as the source's.
RunConfig featureDropConfig(const RunConfig& source, const FeatureDrop& drop);

}  // namespace imbw
