#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/data/event_table.h"
#include "core/learn/run_engine.h"
#include "core/project/project.h"
#include "core/project/run_store.h"

namespace imbw {

/// A finished (or cancelled) training of one run: the engine's result and what the sidecar
/// keeps of it.
struct TrainedRun {
  RunResult result;
  std::shared_ptr<StoredRun> stored;
};

/// Trains one run on the events of `table` with keep[i] != 0 (every event when `keep` is
/// empty; with config.classSubsample, only those of the seeded draw made on every event of
/// `table`, weights rescaled if it says so — the same events whatever the cut) and the features
/// `config.features` (which must be given): the cross-validated engine (runCrossValidated),
/// recording each fold's training history from the snapshots and keeping every event's held-out
/// score with its sample and row, the training-set scores and the fold models' bytes. `observer`
/// sees everything the engine reports. The window, the CLI and any batch task call this one
/// function, so their results are the same. With `onlyFolds` given, only those folds are fitted
/// (runCrossValidatedFolds): a fit task's part of the run; StoredRun::models then has an empty
/// entry for every fold not fitted.
TrainedRun trainRun(const EventTable& table, std::span<const std::uint8_t> keep,
                    const RunConfig& config, TrainingObserver& observer,
                    const std::vector<int>& onlyFolds = {});

/// Gives `config` the project's controlled imbalance (the analysis option "classSubsample")
/// when the run has none of its own (files written before runs kept it): after this,
/// config.classSubsample is what trainRun draws. Throws imbw::Error on a malformed option.
void resolveClassSubsample(RunConfig& config, const Analysis& analysis);

/// Trains the project's run `id` (configured, failed or done before: trained again in place)
/// on `table`, the events of the analysis (before the cut), with the run's cut and features;
/// fills the run's status and metrics (failed, with the message, when training throws).
/// `stored` is null when the run was cancelled before any fold finished.
TrainedRun trainProjectRun(Project& project, const std::string& id, const EventTable& table,
                           TrainingObserver& observer);

}  // namespace imbw
