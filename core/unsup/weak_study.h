#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "core/data/feature_matrix.h"
#include "core/learn/model.h"
#include "core/unsup/bump_hunt.h"
#include "core/unsup/tag_n_train.h"
#include "core/unsup/weak_metrics.h"

namespace imbw {

/// Everything the weak-supervision methods of a study share: the two objects, the resonance
/// window and its sidebands, the models and the Tag N' Train settings.
struct WeakStudyConfig {
  std::vector<std::string> object1Features, object2Features;
  MassWindow window{3300.0, 3700.0};
  double sidebandWidth = 400.0;  ///< CWoLa's sidebands on each side of the window
  nlohmann::json classifier = {
      {"kind", "gbdt"}, {"trees", 100}, {"learning_rate", 0.1}, {"max_depth", 3}};
  nlohmann::json autoencoder = {{"kind", "autoencoder"},
                                {"hidden", {16}},
                                {"latent", 1},
                                {"max_epochs", 10},
                                {"batch_size", 256}};
  double signalTagFraction = 0.2, backgroundTagFraction = 0.4;
  /// Tag N' Train tags only the events inside `window` (the paper's choice: the signal is
  /// densest there); false tags every event.
  bool tagInWindow = true;
  int iterations = 1;
  int folds = 3;
  std::uint64_t seed = 1;
  int threads = 2;
};

/// An object's features from a comma-separated list in which "NAME*" stands for every name of
/// `known` starting with NAME (e.g. "j1_*"). Throws imbw::Error, naming `what`, for a pattern
/// that matches nothing or an empty list.
std::vector<std::string> expandFeatureList(const std::string& what, const std::string& text,
                                           const std::vector<std::string>& known);

/// The methods of a signal-fraction scan. "supervised" is the reference that reads the truth;
/// the others never do. "autoencoder" is Tag N' Train's starting point: one autoencoder per
/// object (trained outside the window) combined by "both in the top X".
const std::vector<std::string>& weakMethodNames();

/// Throws imbw::Error for a name not in weakMethodNames() (with "did you mean").
void checkWeakMethod(const std::string& method);

/// Held-out reconstruction error of an autoencoder on `features`, k-fold over all events, each
/// fold's model trained on the other folds' events outside `window` (the signal region, where a
/// resonant signal would be densest), labels never read.
std::vector<double> autoencoderScores(const FeatureMatrix& data, std::span<const double> resonance,
                                      const std::vector<std::string>& features,
                                      const WeakStudyConfig& config, FitObserver* observer);

/// The Tag N' Train settings of a study (its seed offset included), for the study's scan, the
/// window and `imbalance-cli tnt` alike.
TntConfig tntConfig(const WeakStudyConfig& c);

/// One method's held-out score of every event (higher = more signal-like). Throws imbw::Error
/// for an unknown method (with "did you mean").
std::vector<double> runWeakMethod(const std::string& method, const FeatureMatrix& data,
                                  std::span<const double> resonance, const WeakStudyConfig& config,
                                  FitObserver* observer = nullptr);

/// One row of a signal-fraction scan.
struct ScanPoint {
  double sOverB = 0.0;
  std::string method;
  std::size_t signalEvents = 0, backgroundEvents = 0;  ///< injected sample
  WeakMetrics metrics;                                 ///< inside the window, against the truth
  double seconds = 0.0;
};

/// For each S/B: injects the signal (injectSignal, nested draws) and runs each method, scoring
/// inside the window against the truth (FeatureMatrix::label / signalClass). Throws
/// imbw::Error (before any training) when a fraction needs more signal than there is.
std::vector<ScanPoint> scanSignalFractions(const FeatureMatrix& data,
                                           std::span<const double> resonance,
                                           const std::vector<double>& sOverB,
                                           const std::vector<std::string>& methods,
                                           const WeakStudyConfig& config,
                                           FitObserver* observer = nullptr);

}  // namespace imbw
