#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/data/feature_matrix.h"

namespace imbw {

/// Settings of the synthetic stand-in for the LHC Olympics 2020 R&D dijet sample (a QCD
/// background and a W′ → X(500 GeV) Y(100 GeV) signal, both X and Y → qq). It is NOT a
/// simulation: every distribution below is a simple closed form chosen to look like the
/// published one, so that the weak-supervision methods face the same structure (a resonance in
/// M_jj, two-prong jets of fixed masses) with a known truth.
struct DijetConfig {
  std::size_t backgroundEvents = 40000;
  /// Signal events as a fraction of the background events (S/B of the whole sample).
  double signalFraction = 0.1;
  /// Correlation ρ of the two jets' substructure (latent mass, τ21, τ32) in the background:
  /// 0 = independent jets (Tag N' Train's assumption), towards 1 = the same jet twice.
  double backgroundCorrelation = 0.0;
  std::uint64_t seed = 1;

  double mjjMin = 2600.0;     ///< GeV: background M_jj ∝ M^-kPowerLaw above this (trigger)
  double signalMjj = 3500.0;  ///< GeV: W′ mass
  double signalMjjWidth = 150.0;
  double heavyMass = 500.0;  ///< GeV: X
  double lightMass = 100.0;  ///< GeV: Y
};

/// Columns of the sample, one value per event. Jet 1 is the heavier jet, jet 2 the lighter.
struct DijetSample {
  static const std::vector<std::string>& columnNames();  ///< j1_mass, ..., mjj (float32 columns)
  std::vector<std::vector<float>> columns;               ///< in columnNames() order
  std::vector<std::int8_t> truth;                        ///< 1 signal, 0 background

  std::size_t size() const { return truth.size(); }
  const std::vector<float>& column(const std::string& name) const;  ///< throws imbw::Error
  /// The named columns as a FeatureMatrix with classes {"background", "signal"} from the truth
  /// (the truth is for evaluation; the weak-supervision methods never read FeatureMatrix::label).
  FeatureMatrix featureMatrix(const std::vector<std::string>& names) const;
};

/// Deterministic for a given config (own SplitMix64 stream and Box–Muller, no std::
/// distributions): same numbers on every platform. Background events come first, then the
/// signal events.
DijetSample generateDijet(const DijetConfig& config);

/// Writes the sample to HDF5: group /events with one gzip-compressed 1-D float32 dataset per
/// column plus int8 `truth`; root attributes say it is synthetic and record the settings.
void writeDijetH5(const DijetSample& sample, const DijetConfig& config, const std::string& path);

}  // namespace imbw
