#pragma once

// A run's chosen working point, kept in the project so that it travels with the run's models:
// `run --save-models` writes it into each MODEL.meta.json and `apply` then writes the pass flag
// with it. Stored in the project file under "workingPoints": {"<run id>": {"cut": x,
// "choice": {...}}} (the choice as WorkingPointChoice::toJson writes it), beside the runs, so
// project files without it read as before.

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/project/project.h"

namespace imbw {

struct KeptWorkingPoint {
  double cut = 0.0;       ///< score ≥ cut passes (the mean of the folds' cuts)
  nlohmann::json choice;  ///< how it was chosen (WorkingPointChoice JSON)
  /// The results it was chosen on (resultsFingerprint of their fold metrics).
  nlohmann::json results = nlohmann::json::object();
  /// Derived on reading (never stored): the run's results are no longer those it was chosen
  /// on (trained again since), so its scores and the cut do not belong together.
  bool stale = false;

  /// True when `aggregate` (a training's mean ± std per metric) is the training it was chosen on.
  bool chosenOn(const std::map<std::string, MeanStd>& aggregate) const;

  nlohmann::json toJson() const;
  /// Throws imbw::Error naming `where` when `j` is not such a record.
  static KeptWorkingPoint fromJson(const nlohmann::json& j, const std::string& where);
};

/// What identifies one training's results: its mean AP and AUC over the folds.
nlohmann::json resultsFingerprint(const std::map<std::string, MeanStd>& aggregate);

/// The run's kept working point, if any, with `stale` set when the run's results differ from
/// those it was chosen on (throws imbw::Error naming the run on a damaged record).
std::optional<KeptWorkingPoint> keptWorkingPoint(const Project& project, const std::string& runId);
/// Keeps `point` for the run (replacing an earlier one); its `results` default to the run's
/// current ones (the CLI, which trains the run itself, passes those of its training);
/// throws imbw::Error when the project has no such run or the cut is not finite.
void keepWorkingPoint(Project& project, const std::string& runId, const KeptWorkingPoint& point);
/// Forgets the run's working point (no-op without one).
void dropWorkingPoint(Project& project, const std::string& runId);

}  // namespace imbw
