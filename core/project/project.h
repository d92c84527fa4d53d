#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/analysis/analysis.h"
#include "core/learn/run_config.h"
#include "core/learn/run_engine.h"
#include "core/unsup/weak_study_record.h"
#include "core/util/strings.h"

namespace imbw {

/// Where a run stands. Queued and training are states of a live session only: a project file
/// holds what is settled (a run saved while it trains is stored as configured).
enum class RunStatus { Configured, Done, Cancelled, Failed };
const char* runStatusName(RunStatus s);
RunStatus runStatusFromName(const std::string& name);  ///< throws imbw::Error

/// A fold's numbers as the project file keeps them ({"fold", "train_events", ..., "metrics"}).
nlohmann::json foldResultToJson(const FoldResult& f);
FoldResult foldResultFromJson(const nlohmann::json& j);

/// An α–γ scan of the focal loss: the grid, the metric its heat map shows and the run
/// configuration it varies (the model it scans).
struct ScanDefinition {
  std::string id;  ///< "s1", "s2", ...
  std::vector<double> alphas, gammas;
  std::string metric = "ap";  ///< a metricNames() key
  RunConfig base;
  nlohmann::json toJson() const;
  static ScanDefinition fromJson(const nlohmann::json& j);
};

/// A run's place in a scan.
struct ScanMembership {
  std::string scanId;
  double alpha = 0.0, gamma = 0.0;
};

/// One run of a project: its complete configuration as trained (the model, loss, resampling,
/// folds, seed, the features in `config.features` and the cut at that time), its status and
/// its per-fold metrics with mean ± std. Per-event scores and fold models live in the sidecar
/// (run_store.h), keyed by `id`.
struct ProjectRun {
  std::string id;    ///< stable ("r1", "r2", ...); never reused within a project
  RunConfig config;  ///< config.name is the run's unique name
  std::string cut;   ///< the cut when it was trained (or configured)
  RunStatus status = RunStatus::Configured;
  std::string message;  ///< why it failed
  std::vector<FoldResult> folds;
  std::map<std::string, MeanStd> aggregate;  ///< metricNames() → mean ± std over the folds
  std::optional<ScanMembership> scan;
  bool shown = true;  ///< drawn in the plots (the window's "show" box)

  const std::string& name() const { return config.name; }
  /// Takes the numbers of a finished engine run (the scores go to the sidecar).
  void setResult(const RunResult& result);
  nlohmann::json toJson() const;
  static ProjectRun fromJson(const nlohmann::json& j, std::size_t index);
};

/// An analysis with its runs: what the window edits and the CLI runs, saved as one JSON file
/// (`formatVersion` 2: the analysis keys plus "runs" as run records and "scans") and a sidecar
/// HDF5 file beside it with the per-event scores and fold models (run_store.h). Version-1
/// analysis files open through the one migration step in analysis_migration.cpp.
struct Project {
  Analysis analysis;  ///< its `runs` JSON is not used: `runs` below is the one source
  std::vector<ProjectRun> runs;
  std::vector<ScanDefinition> scans;
  /// Weak-supervision studies ("weak_studies", written only when there are any, so a project
  /// without them saves as before); their results are in the sidecar (study_store.h).
  std::vector<WeakStudy> studies;

  nlohmann::json toJson() const;
  static Project fromJson(const nlohmann::json& j, const std::string& baseDir = ".");
  /// Reads, migrates and validates a file; errors name the file.
  static Project load(const std::string& path);
  /// Writes the JSON atomically (a temporary file beside it, then renamed over it), so a
  /// failed write never destroys the previous version; sample paths become relative to it.
  void save(const std::string& path) const;

  ProjectRun* findRun(const std::string& id);
  const ProjectRun* findRun(const std::string& id) const;
  const ProjectRun* findRunByName(const std::string& name) const;
  /// `base` if no other run has that name, else "base (2)", "base (3)", ...
  std::string uniqueRunName(const std::string& base, const std::string& exceptId = {}) const;
  /// A fresh id: one more than the highest "rN" in use.
  std::string newRunId() const;
  std::string newScanId() const;
  std::string newStudyId() const;  ///< one more than the highest "wN" in use
  WeakStudy* findStudy(const std::string& id);
  const WeakStudy* findStudy(const std::string& id) const;
  /// By id, else by name; throws imbw::Error listing the studies when none matches.
  const WeakStudy& studyByIdOrName(const std::string& key) const;
  /// Drops a study (its results in the sidecar go with the next save); false when none has
  /// that id. Its id is not handed out again while a higher one is in use.
  bool removeStudy(const std::string& id);
  /// Renames a study; throws imbw::Error for an unknown id, an empty name or a name another
  /// study has (names pick studies in `imbalance-cli study --study`).
  void renameStudy(const std::string& id, const std::string& name);
  /// Appends a configured run with a fresh id and a unique name (config.name or the model's
  /// display name); returns it.
  ProjectRun& addRun(RunConfig config, std::string cut);
  void removeRun(const std::string& id);
};

/// Appends the runs of scan `scanId` to `project`, as a scan from the window or `imbalance-cli
/// submit --scan` makes them: one focal-loss run per grid point (γ outer, α inner) with the
/// scan's base configuration, α and γ set, named "MODEL scan ID α=A γ=G", not shown, with `cut`.
/// Returns their ids in that order. Throws imbw::Error naming the scan when there is none.
std::vector<std::string> addScanRuns(Project& project, const std::string& scanId,
                                     const std::string& cut);

/// The sidecar file of a project: "NAME.json" → "NAME.results.h5" beside it.
std::string sidecarPath(const std::string& projectPath);

/// Writes `content` to `path` atomically: a temporary file in the same folder, flushed, then
/// renamed over `path`. Throws imbw::Error naming the path and the system's reason.
void writeFileAtomically(const std::string& path, const std::string& content);

}  // namespace imbw
