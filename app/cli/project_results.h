#pragma once

// The stored results of one run of a project, for the commands that read them without
// training (export-model --run, scores, plots): the run picked by id or name and its sidecar
// entry. What is written from them is core/export/project_exports (shared with the window).

#include <memory>
#include <string>
#include <vector>

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

}  // namespace imbw::cli
