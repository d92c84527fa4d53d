#include "core/unsup/tag_n_train.h"

#include <cmath>

#include "core/learn/run_engine.h"
#include "core/unsup/cross_fit.h"
#include "core/unsup/tagging.h"
#include "core/util/error.h"

namespace imbw {

std::vector<std::uint8_t> windowMask(std::span<const double> resonance, const MassWindow& w) {
  std::vector<std::uint8_t> m(resonance.size());
  for (std::size_t i = 0; i < m.size(); ++i) m[i] = w.contains(resonance[i]);
  return m;
}

TntResult runTagNTrain(const FeatureMatrix& data, std::span<const double> resonance,
                       std::span<const double> start1, std::span<const double> start2,
                       const TntConfig& cfg, FitObserver* observer) {
  const std::size_t n = data.rows();
  if (start1.size() != n || start2.size() != n)
    throw Error("Tag N' Train: the starting scores need one value per event (" + std::to_string(n) +
                ")");
  if (cfg.object1Features.empty() || cfg.object2Features.empty())
    throw Error("Tag N' Train: each object needs at least one feature");
  if (cfg.iterations < 1) throw Error("Tag N' Train: iterations must be at least 1");
  if (cfg.window) {
    if (resonance.size() != n)
      throw Error("Tag N' Train: a mass window needs the resonance variable of every event");
    if (!(cfg.window->hi > cfg.window->lo))
      throw Error("Tag N' Train: the mass window's upper edge must be above its lower edge");
  }
  // Validates the settings (fractions, names, classifier) before any training.
  (void)tagByScore(std::vector<double>{0.0}, cfg.signalTagFraction, cfg.backgroundTagFraction);
  (void)makeModel(cfg.classifier);
  const FeatureMatrix x1 = selectFeatures(data, cfg.object1Features);
  const FeatureMatrix x2 = selectFeatures(data, cfg.object2Features);
  const std::vector<std::uint8_t> inWindow =
      cfg.window ? windowMask(resonance, *cfg.window) : std::vector<std::uint8_t>{};
  const std::vector<int> fold = randomFolds(n, cfg.folds, cfg.seed);

  TntResult result;
  result.fold = fold;
  result.startCombined = combineBothInTop(start1, start2);
  std::vector<double> s1(start1.begin(), start1.end()), s2(start2.begin(), start2.end());
  for (int it = 0; it < cfg.iterations; ++it) {
    TntStep step;
    // Classifier of object `target` trained on tags from `tagger`'s score.
    auto train = [&](const FeatureMatrix& target, const std::vector<double>& tagger,
                     const std::string& stage) {
      const TrainingSetFn set = [&](int k) {
        const std::vector<std::size_t> rows = trainingRows(fold, k, inWindow);
        std::vector<double> s(rows.size());
        for (std::size_t j = 0; j < rows.size(); ++j) s[j] = tagger[rows[j]];
        const std::vector<Tag> tags =
            tagByScore(s, cfg.signalTagFraction, cfg.backgroundTagFraction);
        return pseudoLabelled(target.subset(rows), tags);
      };
      return crossFit(target, fold, cfg.folds, set, cfg.classifier,
                      cfg.seed + 1000003ULL * static_cast<std::uint64_t>(it + 1), cfg.threads,
                      observer, stage);
    };
    const std::string iter = "iteration " + std::to_string(it + 1) + ":";
    CrossFitResult r2 = train(x2, s1, iter + " object 2 tagged by object 1,");
    CrossFitResult r1 = train(x1, s2, iter + " object 1 tagged by object 2,");
    step.score1 = std::move(r1.scores);
    step.score2 = std::move(r2.scores);
    step.models1 = std::move(r1.models);
    step.models2 = std::move(r2.models);
    step.combined = combineBothInTop(step.score1, step.score2);
    s1 = step.score1;
    s2 = step.score2;
    result.steps.push_back(std::move(step));
  }
  return result;
}

}  // namespace imbw
