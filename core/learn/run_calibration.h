#pragma once

#include "core/data/feature_matrix.h"
#include "core/learn/run_config.h"
#include "core/resample/resample_config.h"

namespace imbw {

/// The factor k by which a fold's training multiplied the signal-to-background odds its model
/// learns (the prior correction divides the odds by it): the weighted S/B ratio of `train`
/// (after resampling) over that of `before` (the training part as drawn), times α/(1 − α) for
/// α-weighted losses (exact for weighted cross entropy; focal's γ is not undone), times
/// N_B/N_S for models that balance each tree or member by counts (balanced_random_forest,
/// easy_ensemble), or over the ratio itself for "class_weight": "balanced" forests. Throws
/// imbw::Error when it is not positive and finite (a class's weights sum to zero or less).
double priorCorrectionFactor(const RunConfig& config, const FeatureMatrix& before,
                             const FeatureMatrix& train);

/// The held-back calibration events under the run's negative-weight policy (keep, drop, |w|).
FeatureMatrix withNegativeWeightPolicy(const FeatureMatrix& part, NegativeWeightPolicy policy);

}  // namespace imbw
