#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "core/data/feature_matrix.h"

namespace imbw {

/// Weighted linear (Pearson) correlation matrix of some columns over a set of events:
/// ρ_jk = C_jk / √(C_jj C_kk) with C the weighted covariance Σ w (x_j − x̄_j)(x_k − x̄_k) / Σ w
/// (the normalisation cancels, so this is numpy's corrcoef of np.cov(aweights=w)).
/// Events with a NaN in any of the chosen columns are left out (listwise).
struct CorrelationMatrix {
  std::vector<std::string> names;
  std::vector<std::vector<double>> rho;  ///< [j][k]; NaN where a column has no spread
  std::size_t events = 0;                ///< events used
  double sumWeights = 0.0;
};

/// A pair with |ρ| at or above a threshold.
struct CorrelatedPair {
  std::string first;
  std::string second;
  double rho = 0.0;
};

/// `columns[j]` holds column j for every event; `weights` empty = all 1. Throws imbw::Error on
/// mismatched sizes or when the used events' total weight is not positive (which negative
/// weights can cause: the covariance is then undefined).
CorrelationMatrix weightedCorrelation(const std::vector<std::span<const float>>& columns,
                                      const std::vector<std::string>& names,
                                      std::span<const double> weights = {});

/// The events of class `classIndex` (−1: all events) of a matrix, optionally with an extra
/// column (e.g. a run's score, one value per event) appended under `extraName`.
CorrelationMatrix classCorrelation(const FeatureMatrix& m, int classIndex,
                                   std::span<const double> extra = {},
                                   const std::string& extraName = "score");

/// Pairs (j < k) with |ρ| ≥ threshold, by decreasing |ρ|.
std::vector<CorrelatedPair> correlatedPairs(const CorrelationMatrix& c, double threshold);

}  // namespace imbw
