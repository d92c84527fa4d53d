#pragma once

#include <string>
#include <vector>

#include "core/export/runs_table_format.h"

namespace imbw {

struct RunConfig;
struct RunResult;

/// A one-line description of a run's configuration for tables: the model kind and its
/// parameters as written, the loss of models that take one ("focal α=0.25 γ=2", "α=1−r"), the
/// resampling when there is one, and the folds, e.g.
/// "gbdt trees=1000 learning_rate=0.01; focal α=0.25 γ=2; 5 folds".
std::string runConfigSummary(const RunConfig& config);

/// Runs as table rows (name, runConfigSummary, RunResult::aggregate), in the given order.
RunsTable runsTable(const std::vector<const RunResult*>& runs);

}  // namespace imbw
