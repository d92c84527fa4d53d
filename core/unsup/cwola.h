#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "core/data/feature_matrix.h"
#include "core/learn/model.h"
#include "core/unsup/tag_n_train.h"

namespace imbw {

/// CWoLa hunting (Collins, Howe, Nachman, arXiv:1805.02664, 1902.02634): a classifier trained
/// to tell the signal region of the resonance variable from its sidebands, on unlabelled data.
struct CwolaConfig {
  std::vector<std::string> features;  ///< empty: all; must not be correlated with the resonance
  MassWindow signalRegion{3300.0, 3700.0};
  double sidebandWidth = 400.0;  ///< sidebands [lo − width, lo) and (hi, hi + width]
  nlohmann::json classifier = {
      {"kind", "gbdt"}, {"trees", 100}, {"learning_rate", 0.1}, {"max_depth", 3}};
  int folds = 5;
  std::uint64_t seed = 1;
  int threads = 2;
};

struct CwolaResult {
  std::vector<double> scores;  ///< every event, held out (k-fold over all events)
  std::vector<std::shared_ptr<Model>> models;
  std::size_t signalRegionEvents = 0, sidebandEvents = 0;
};

/// 1 = signal region, 0 = sideband, −1 = neither, per event.
std::vector<std::int8_t> cwolaRegions(std::span<const double> resonance, const CwolaConfig& c);

/// k-fold CWoLa: per fold, the classifier learns signal region (class 1) against sidebands
/// (class 0) on the other folds' events of those regions (weights kept, truth never read) and
/// scores the fold's events. Throws imbw::Error on bad settings or an empty region.
CwolaResult runCwola(const FeatureMatrix& data, std::span<const double> resonance,
                     const CwolaConfig& config, FitObserver* observer = nullptr);

}  // namespace imbw
