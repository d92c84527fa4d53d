#pragma once

// A run's chosen working point, kept in the project so that it travels with the run's models:
// `run --save-models` writes it into each MODEL.meta.json and `apply` then writes the pass flag
// with it. Stored in the project file under "workingPoints": {"<run id>": {"cut": x,
// "choice": {...}}} (the choice as WorkingPointChoice::toJson writes it), beside the runs, so
// project files without it read as before.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/project/project.h"

namespace imbw {

struct KeptWorkingPoint {
  double cut = 0.0;       ///< score ≥ cut passes (the mean of the folds' cuts)
  nlohmann::json choice;  ///< how it was chosen (WorkingPointChoice JSON)

  nlohmann::json toJson() const;
  /// Throws imbw::Error naming `where` when `j` is not such a record.
  static KeptWorkingPoint fromJson(const nlohmann::json& j, const std::string& where);
};

/// The run's kept working point, if any (throws imbw::Error naming the run on a damaged record).
std::optional<KeptWorkingPoint> keptWorkingPoint(const Project& project, const std::string& runId);
/// Keeps `point` for the run (replacing an earlier one); throws imbw::Error when the project has
/// no such run or the cut is not finite.
void keepWorkingPoint(Project& project, const std::string& runId, const KeptWorkingPoint& point);
/// Forgets the run's working point (no-op without one).
void dropWorkingPoint(Project& project, const std::string& runId);

}  // namespace imbw
