#pragma once

// The events a run trains on and the configuration a project's run trains with: what trainRun
// chooses, for callers that need the matrix itself (the insight commands shuffle its features
// after training, on exactly the events the run was trained and evaluated on).

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/data/event_table.h"
#include "core/data/feature_matrix.h"
#include "core/learn/run_engine.h"
#include "core/project/project.h"
#include "core/project/run_training.h"
#include "core/resample/class_subsample.h"

namespace imbw {

/// The events a run trains and is evaluated on, chosen as trainRun chooses them: with
/// config.classSubsample, the seeded draw made on every event of the table (before the cut,
/// weights rescaled if it says so), then the events with keep[i] != 0 (every event when `keep`
/// is empty), as a matrix of `config.features` (which must be given). Row k of `data` is the
/// k-th held-out score of the run trained on it. Throws imbw::Error naming the run (a draw that
/// cannot be made, a selection of the wrong size, not enough memory).
struct RunTrainingEvents {
  FeatureMatrix data;
  std::vector<std::int64_t> eventIndex;      ///< each row's file row (its table row without one)
  std::vector<std::int32_t> sample;          ///< each row's sample
  std::optional<SubsampleResult> subsample;  ///< the draw, when the run has one
};
RunTrainingEvents runTrainingEvents(const EventTable& table, std::span<const std::uint8_t> keep,
                                    const RunConfig& config);

/// trainRun on events chosen by runTrainingEvents (trainRun(table, keep, config, …) is this on
/// runTrainingEvents(table, keep, config)).
TrainedRun trainRun(const RunTrainingEvents& events, const RunConfig& config,
                    TrainingObserver& observer, const std::vector<int>& onlyFolds = {});

/// The configuration a project's run trains with: its own, with the analysis features when it
/// lists none and the project's controlled imbalance when it has none (resolveClassSubsample).
RunConfig projectRunConfig(const ProjectRun& run, const Analysis& analysis);

}  // namespace imbw
