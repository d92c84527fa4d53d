#include "core/unsup/cwola.h"

#include "core/learn/run_engine.h"
#include "core/unsup/cross_fit.h"
#include "core/unsup/tagging.h"
#include "core/util/error.h"

namespace imbw {

std::vector<std::int8_t> cwolaRegions(std::span<const double> resonance, const CwolaConfig& c) {
  std::vector<std::int8_t> r(resonance.size(), -1);
  const double lo = c.signalRegion.lo, hi = c.signalRegion.hi;
  for (std::size_t i = 0; i < r.size(); ++i) {
    const double m = resonance[i];
    if (m >= lo && m <= hi)
      r[i] = 1;
    else if ((m >= lo - c.sidebandWidth && m < lo) || (m > hi && m <= hi + c.sidebandWidth))
      r[i] = 0;
  }
  return r;
}

CwolaResult runCwola(const FeatureMatrix& input, std::span<const double> resonance,
                     const CwolaConfig& cfg, FitObserver* observer) {
  if (resonance.size() != input.rows())
    throw Error("CWoLa: the resonance variable needs one value per event (" +
                std::to_string(input.rows()) + ")");
  if (!(cfg.signalRegion.hi > cfg.signalRegion.lo))
    throw Error("CWoLa: the signal region's upper edge must be above its lower edge");
  if (!(cfg.sidebandWidth > 0.0)) throw Error("CWoLa: the sideband width must be positive");
  (void)makeModel(cfg.classifier);
  const FeatureMatrix data = selectFeatures(input, cfg.features);
  const std::vector<std::int8_t> region = cwolaRegions(resonance, cfg);
  CwolaResult out;
  std::vector<std::uint8_t> used(region.size());
  for (std::size_t i = 0; i < region.size(); ++i) {
    used[i] = region[i] >= 0;
    out.signalRegionEvents += region[i] == 1;
    out.sidebandEvents += region[i] == 0;
  }
  if (out.signalRegionEvents == 0 || out.sidebandEvents == 0)
    throw Error(std::string("CWoLa: no events in the ") +
                (out.signalRegionEvents == 0 ? "signal region" : "sidebands"));
  const std::vector<int> fold = randomFolds(data.rows(), cfg.folds, cfg.seed);
  const TrainingSetFn set = [&](int k) {
    const std::vector<std::size_t> rows = trainingRows(fold, k, used);
    std::vector<Tag> tags(rows.size());
    for (std::size_t j = 0; j < rows.size(); ++j)
      tags[j] = region[rows[j]] == 1 ? Tag::SignalLike : Tag::BackgroundLike;
    FeatureMatrix m = pseudoLabelled(data.subset(rows), tags);
    m.classNames = {"sideband", "signal region"};
    return m;
  };
  CrossFitResult r = crossFit(data, fold, cfg.folds, set, cfg.classifier, cfg.seed, cfg.threads,
                              observer, "CWoLa");
  out.scores = std::move(r.scores);
  out.models = std::move(r.models);
  return out;
}

}  // namespace imbw
