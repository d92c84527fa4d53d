#include "core/insight/feature_drop.h"

#include <algorithm>

#include "core/util/error.h"
#include "core/util/strings.h"

namespace imbw {

void checkDropCount(int k, std::size_t features) {
  if (k < 1 || static_cast<std::size_t>(k) >= features)
    throw Error("cannot drop the bottom " + std::to_string(k) + " of " + std::to_string(features) +
                " feature" + (features == 1 ? "" : "s") +
                (features > 1 ? ": k must be between 1 and " + std::to_string(features - 1) +
                                    " (at least one feature must remain)"
                              : ": at least one feature must remain"));
}

FeatureDrop dropBottomFeatures(const RunPermutationImportance& ranking, int k) {
  const std::size_t n = ranking.features.size();
  checkDropCount(k, n);
  const auto order = ranking.ranking();  // most important first
  FeatureDrop out;
  for (std::size_t i = n - static_cast<std::size_t>(k); i < n; ++i)
    out.dropped.push_back(ranking.features[order[i]]);
  for (const auto& f : ranking.features)
    if (std::find(out.dropped.begin(), out.dropped.end(), f) == out.dropped.end())
      out.kept.push_back(f);
  return out;
}

std::string featureDropRunName(const std::string& runName, const FeatureDrop& drop) {
  if (drop.dropped.size() <= 3) return runName + " without " + join(drop.dropped, ", ");
  return runName + " without the bottom " + std::to_string(drop.dropped.size());
}

RunConfig featureDropConfig(const RunConfig& source, const FeatureDrop& drop) {
  RunConfig c = source;
  c.features = drop.kept;
  c.name = featureDropRunName(source.displayName(), drop);
  return c;
}

}  // namespace imbw
