#pragma once

// What leaves the workbench from a project's stored results, shared by the window's exports
// (app/gui/export_actions) and the CLI (`report --format`, `scores`, `export-model --run`): the
// runs table, a run's held-out scores, and its fold models in another program's format.

#include <cstddef>
#include <string>
#include <vector>

#include "core/export/model_export.h"
#include "core/export/onnx_export.h"
#include "core/export/runs_table_format.h"
#include "core/export/scores_export.h"
#include "core/project/project.h"
#include "core/project/run_store.h"

namespace imbw {

/// The runs table of a project: one row per run with results (status Done), in project order;
/// with `ids` non-empty only those runs (ids "r1", in project order; runs without results are
/// left out). Columns: RunsTable::defaultColumns of the rows.
RunsTable projectRunsTable(const Project& project, const std::vector<std::string>& ids = {});

/// The feature order and classes of a run's models (the run's features, else the analysis').
ExportInfo exportInfo(const Project& project, const ProjectRun& run);

/// A run's held-out scores as the scores file holds them (folds 1-based; events whose fold
/// never finished are left out), with the run's kept working point as `passCut` when it has
/// one that belongs to these results. A stale one (the run was trained again after it was
/// kept) is left out, and `warning` (when given) says so; otherwise `warning` is left empty.
ScoresTable scoresTable(const Project& project, const ProjectRun& run, const StoredRun& stored,
                        std::string* warning = nullptr);

/// `out` with "_foldK" (K = fold + 1) before its extension: net.onnx → net_fold2.onnx.
std::string foldFilePath(const std::string& out, std::size_t fold);

/// One exported fold model.
struct ExportedModel {
  std::size_t fold = 0;  ///< 0-based
  std::string kind;      ///< the model kind ("gbdt", "mlp", ...)
  std::string path;
};

/// Writes the stored models of `folds` (0-based) of `run` in `format`: to `out` itself, or with
/// `foldSuffix` to foldFilePath(out, k) for each fold. Checked before anything is written
/// (throws imbw::Error naming the run): the run has stored models, every fold exists, and the
/// run's model kind can be written in `format` (the message lists the formats it can).
/// Each model passes through a temporary folder of its own (materialiseModel).
std::vector<ExportedModel> exportStoredModels(const Project& project, const ProjectRun& run,
                                              const StoredRun& stored,
                                              const std::vector<std::size_t>& folds,
                                              ModelFormat format, const std::string& out,
                                              bool foldSuffix);

}  // namespace imbw
