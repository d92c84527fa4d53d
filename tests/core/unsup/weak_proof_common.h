#pragma once

// Shared by the weak-supervision proof tests: generated dijet samples and the methods run on
// them with fixed seeds. The truth is read only by evaluate().

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/learn/run_engine.h"
#include "core/unsup/cross_fit.h"
#include "core/unsup/cwola.h"
#include "core/unsup/signal_injection.h"
#include "core/unsup/tag_n_train.h"
#include "core/unsup/weak_metrics.h"
#include "tools/dijet/dijet_generator.h"

namespace weak_proof {

inline const std::vector<std::string> kJ1{"j1_mass", "j1_tau21", "j1_tau32"};
inline const std::vector<std::string> kJ2{"j2_mass", "j2_tau21", "j2_tau32"};
inline const imbw::MassWindow kWindow{3300.0, 3700.0};

struct Sample {
  imbw::FeatureMatrix x;  // j1_*, j2_* substructure, truth in label (evaluation only)
  std::vector<double> mjj;
  std::vector<std::uint8_t> truth;   // 1 signal
  std::vector<std::uint8_t> window;  // 1 inside kWindow
};

// Background of `background` events with a signal pool of 10 %, then injection at S/B.
inline Sample makeSample(std::size_t background, double sOverB, double correlation,
                         std::uint64_t seed) {
  imbw::DijetConfig cfg;
  cfg.backgroundEvents = background;
  cfg.signalFraction = std::max(0.1, sOverB);
  cfg.backgroundCorrelation = correlation;
  cfg.seed = seed;
  const imbw::DijetSample d = imbw::generateDijet(cfg);
  std::vector<std::string> names = kJ1;
  names.insert(names.end(), kJ2.begin(), kJ2.end());
  const imbw::FeatureMatrix all = d.featureMatrix(names);
  std::vector<std::uint8_t> isSig(d.truth.begin(), d.truth.end());
  const std::vector<std::size_t> rows = imbw::injectSignal(isSig, sOverB, seed + 17);
  Sample s;
  s.x = all.subset(rows);
  const std::vector<float>& m = d.column("mjj");
  for (std::size_t r : rows) {
    s.mjj.push_back(m[r]);
    s.truth.push_back(isSig[r]);
    s.window.push_back(kWindow.contains(m[r]));
  }
  return s;
}

inline nlohmann::json autoencoderSpec() {
  return {{"kind", "autoencoder"},
          {"hidden", {16}},
          {"latent", 1},
          {"max_epochs", 8},
          {"batch_size", 256}};
}

inline nlohmann::json classifierSpec() {
  return {{"kind", "gbdt"}, {"trees", 60}, {"learning_rate", 0.1}, {"max_depth", 3}};
}

// Held-out reconstruction error of an autoencoder on `features` (2 folds, labels unused),
// trained on the events outside the mass window (where a resonant signal is rarest).
inline std::vector<double> autoencoderScore(const Sample& s, const std::vector<std::string>& f,
                                            std::uint64_t seed) {
  const imbw::FeatureMatrix x = imbw::selectFeatures(s.x, f);
  const std::vector<int> fold = imbw::randomFolds(x.rows(), 2, seed);
  std::vector<std::uint8_t> outside(s.window.size());
  for (std::size_t i = 0; i < outside.size(); ++i) outside[i] = !s.window[i];
  const imbw::TrainingSetFn set = [&](int k) {
    return x.subset(imbw::trainingRows(fold, k, outside));
  };
  return imbw::crossFit(x, fold, 2, set, autoencoderSpec(), seed, 2, nullptr, "autoencoder").scores;
}

// Metrics inside the mass window, against the truth.
inline imbw::WeakMetrics evaluate(const Sample& s, const std::vector<double>& score) {
  return imbw::weakMetrics(score, s.truth, {}, s.window);
}

}  // namespace weak_proof
