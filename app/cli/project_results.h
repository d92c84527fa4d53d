#pragma once

// The stored results of one run of a project, for the commands that read them without
// training (export-model --run, scores, plots): the run picked by id or name, its sidecar
// entry, and the information an exported file carries about its inputs.

#include <memory>
#include <string>
#include <vector>

#include "core/export/onnx_export.h"
#include "core/export/scores_export.h"
#include "core/project/project.h"
#include "core/project/run_store.h"

namespace imbw::cli {

/// The run whose id ("r3") or name is `which`. Throws imbw::Error naming the project and
/// listing its runs when none matches.
const ProjectRun& findProjectRun(const Project& project, const std::string& projectPath,
                                 const std::string& which);

/// The run's entry in the project's sidecar. Throws imbw::Error naming the run and the sidecar
/// when the run has no stored results (never trained, or trained without --save).
std::shared_ptr<const StoredRun> storedResults(
    const std::map<std::string, std::shared_ptr<const StoredRun>>& store,
    const std::string& projectPath, const ProjectRun& run);

/// Folds 0-based from "K" (1-based) or "all" (every stored model). Throws UsageError naming
/// the value and the folds the run has.
std::vector<std::size_t> parseFolds(const std::string& text, std::size_t folds);

/// The feature order and classes of a run's models (the run's features, else the analysis').
ExportInfo exportInfo(const Project& project, const ProjectRun& run);

/// A run's held-out scores as the scores file holds them (folds 1-based; events whose fold
/// never finished are left out).
ScoresTable scoresTable(const Project& project, const ProjectRun& run, const StoredRun& stored);

}  // namespace imbw::cli
