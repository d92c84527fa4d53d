#pragma once

#include <cstdint>
#include <vector>

#include "core/data/feature_matrix.h"
#include "core/resample/resample_config.h"

namespace imbw {

/// A resampled training fold and where each of its events came from.
struct ResampleResult {
  FeatureMatrix data;
  std::vector<std::int64_t> source;     ///< input row this event copies; −1 = synthetic
  std::vector<std::int64_t> seed;       ///< synthetic: the seed input row (else −1)
  std::vector<std::int64_t> neighbour;  ///< synthetic: the neighbour input row (else −1)
  std::vector<float> gap;               ///< synthetic: x = x_seed + gap (x_nb − x_seed) (else 0)
  std::size_t numSynthetic() const;
};

/// Resamples a training fold (never a test fold). Deterministic for a given config.seed and
/// independent of the number of threads. Order of work:
///  1. negative-weight policy (keep / drop / |w|);
///  2. the sampler; weights follow REFERENCE.md: under-sampling and Tomek removal rescale each
///     class's kept weights so its total is unchanged; an over-sampled event's weight is divided
///     among its copies; a SMOTE/ADASYN synthetic event gets its seed's weight and the class is
///     then rescaled to its original total;
///  3. equaliseWeights / ClassReweight: class totals set to equal (or `ratio`) shares of the
///     unchanged grand total.
/// SMOTE, ADASYN and Tomek measure distances on features standardised with the fold's
/// UNWEIGHTED mean and population standard deviation (weights may be negative, which makes a
/// weighted variance meaningless; constant features get scale 1). Synthetic events are
/// interpolated in the original feature space (the same points, since scaling is affine).
/// Output order: kept/copied input events in input order, then extra copies, then synthetics.
/// Throws imbw::Error on bad parameters: ratio outside (0, 1], k ≥ a class's size, a class
/// with no events, a class whose total weight is not positive when it must be rescaled,
/// NaN/Inf features for the neighbour-based samplers, labels outside the class list.
ResampleResult resample(const FeatureMatrix& train, const ResampleConfig& config);

/// Balanced bagging: the sample of ensemble member `member` — a fresh random under-sample
/// (kind RandomUnder semantics with config.ratio / replacement / weights rules) drawn with a
/// stream derived from (config.seed, member). Used by balanced random forests and EasyEnsemble.
ResampleResult balancedBaggingMember(const FeatureMatrix& train, const ResampleConfig& config,
                                     int member);

/// Signed total weight per class (size numClasses()).
std::vector<double> classWeightTotals(const FeatureMatrix& m);
/// Number of events per class (size numClasses()).
std::vector<std::size_t> classCounts(const FeatureMatrix& m);

}  // namespace imbw
