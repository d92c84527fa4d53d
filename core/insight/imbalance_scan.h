#pragma once

#include <cstdint>
#include <vector>

#include "core/data/feature_matrix.h"
#include "core/learn/run_engine.h"
#include "core/resample/class_subsample.h"

namespace imbw {

/// The ClassSubsample that brings a binary matrix to signal fraction r by count, keeping as many
/// events as possible as the paper does: the background is kept whole and the signal drawn down
/// when r is below the matrix's own fraction, else the signal is kept whole and the background
/// drawn down. Weights are kept (so the weighted r follows the count r when weights are equal).
/// Throws imbw::Error when r is not in (0, 1) or a class is empty.
ClassSubsample subsampleForSignalFraction(const FeatureMatrix& data, double r,
                                          std::uint64_t seed = 1);

/// One point of a scan over the imbalance: the draw, the events it kept, the run on them.
struct ImbalanceScanPoint {
  double targetR = 0.0;
  double countR = 0.0;  ///< signal fraction by count after the draw
  ClassSubsample subsample;
  RunResult result;
};

/// Runs `run` at every r (each on its own draw, seeded by `seed` and the point's index); a
/// cancelled run ends the scan with the points so far (the last one marked cancelled).
std::vector<ImbalanceScanPoint> imbalanceScan(const FeatureMatrix& data, const RunConfig& run,
                                              const std::vector<double>& rs,
                                              TrainingObserver& observer, std::uint64_t seed = 1);

}  // namespace imbw
