#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/data/feature_matrix.h"
#include "core/learn/model.h"

namespace imbw {

/// Each event's fold, 0 .. k−1, from a seeded shuffle (⌊n/k⌋ or ⌈n/k⌉ events per fold). It
/// never looks at labels: weak supervision must not stratify on the truth.
std::vector<int> randomFolds(std::size_t events, int k, std::uint64_t seed);

/// Models and held-out scores of a cross-fit.
struct CrossFitResult {
  std::vector<double> scores;                  ///< every event, by the model that did not see it
  std::vector<std::shared_ptr<Model>> models;  ///< one per fold
};

/// What the training set of fold k is (built from the events not in fold k).
using TrainingSetFn = std::function<FeatureMatrix(int fold)>;

/// For each fold k: builds the training set trainingSet(k) (which must come from events outside
/// fold k), fits makeModel(spec) on it without a validation set (so every model runs its full
/// schedule) and scores the events of fold k of `scored`. Polls `observer` (may be null) and
/// reports progress as "STAGE fold i/k"; a stop throws Cancelled. Throws imbw::Error on a bad
/// spec or data.
CrossFitResult crossFit(const FeatureMatrix& scored, const std::vector<int>& fold, int folds,
                        const TrainingSetFn& trainingSet, const nlohmann::json& spec,
                        std::uint64_t seed, int threads, FitObserver* observer,
                        const std::string& stage);

/// The events of `data` whose fold differs from `fold` and whose `keep` flag is set (empty
/// keep: all), in event order.
std::vector<std::size_t> trainingRows(const std::vector<int>& folds, int fold,
                                      const std::vector<std::uint8_t>& keep = {});

}  // namespace imbw
