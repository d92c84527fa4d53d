#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/data/feature_matrix.h"
#include "core/learn/model.h"

namespace imbw {

/// A closed interval of the resonance variable, e.g. M_jj in [3300, 3700] GeV.
struct MassWindow {
  double lo = 0.0, hi = 0.0;
  bool contains(double m) const { return m >= lo && m <= hi; }
};

/// Tag N' Train (Amram & Mantilla Suarez, arXiv:2002.12376) settings.
struct TntConfig {
  std::vector<std::string> object1Features;  ///< e.g. j1_mass, j1_tau21, j1_tau32
  std::vector<std::string> object2Features;
  double signalTagFraction = 0.2;      ///< top fraction by the other object's score
  double backgroundTagFraction = 0.4;  ///< bottom fraction
  /// Only events inside the window are tagged (both tails); empty: every event.
  std::optional<MassWindow> window;
  /// The classifier of each step (any model kind), trained on pseudo-labels.
  nlohmann::json classifier = {
      {"kind", "gbdt"}, {"trees", 100}, {"learning_rate", 0.1}, {"max_depth", 3}};
  int iterations = 1;
  int folds = 3;  ///< every event is scored by classifiers that were not trained on it
  std::uint64_t seed = 1;
  int threads = 2;
};

/// One iteration: each object's held-out classifier score, the combination, and the
/// classifiers (one per fold and object).
struct TntStep {
  std::vector<double> score1, score2, combined;
  std::vector<std::shared_ptr<Model>> models1, models2;
};

struct TntResult {
  std::vector<double> startCombined;  ///< combineBothInTop of the starting scores
  /// Each event's fold (randomFolds): step models1[k] / models2[k] scored the events of fold k.
  std::vector<int> fold;
  std::vector<TntStep> steps;  ///< one per iteration
  const std::vector<double>& finalScore() const {
    return steps.empty() ? startCombined : steps.back().combined;
  }
};

/// Runs Tag N' Train on `data` (its truth labels are never read): for each iteration and each
/// fold k, the events outside fold k (inside the window, if any) are tagged by object 1's
/// current score (tagByScore) and a classifier of object 2's features is trained on those
/// pseudo-labels (weights kept) and scores fold k's object 2; the same with the objects
/// swapped. The new held-out scores start the next iteration; each iteration's combined score
/// is combineBothInTop(score1, score2). `start1` / `start2`: the starting score of each object
/// (e.g. an autoencoder's reconstruction error, or a feature), one per event. `resonance` is
/// needed when a window is set. Throws imbw::Error on bad settings (named) before training.
TntResult runTagNTrain(const FeatureMatrix& data, std::span<const double> resonance,
                       std::span<const double> start1, std::span<const double> start2,
                       const TntConfig& config, FitObserver* observer = nullptr);

/// The window's membership flags (1 inside) of each event.
std::vector<std::uint8_t> windowMask(std::span<const double> resonance, const MassWindow& w);

}  // namespace imbw
