#pragma once

// `imbalance-cli run`'s training of a project's runs, shared with `importance --drop-bottom`
// (which adds a run to the project and trains it as `run --save` does): the events read once
// before any cut, the progress bar, Ctrl-C, and keeping the results in the project file and
// its sidecar.

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/analysis/analysis_loader.h"
#include "core/learn/run_engine.h"
#include "core/project/project.h"
#include "core/project/run_store.h"
#include "core/project/run_training.h"
#include "core/project/study_store.h"

namespace imbw::cli {

/// While one lives, Ctrl-C asks the training to stop cleanly (stopRequested()); the default
/// handler comes back when it goes.
class StopOnCtrlC {
 public:
  StopOnCtrlC();
  ~StopOnCtrlC();
  StopOnCtrlC(const StopOnCtrlC&) = delete;
  StopOnCtrlC& operator=(const StopOnCtrlC&) = delete;
};
/// True once Ctrl-C was pressed under a StopOnCtrlC.
bool stopRequested();

/// `run`'s progress on stderr: on a terminal one bar redrawn at most every 100 ms, else a line
/// per fold and one at the end. Asks the engine to stop on Ctrl-C (stopRequested()).
class ProgressBar : public TrainingObserver {
 public:
  ProgressBar(std::string label, bool enabled);
  bool stopRequested() const override;
  void progress(double fraction, std::string_view stage) override;
  void foldFinished(const FoldResult& f) override;

 private:
  std::string m_label;
  bool m_enabled;
  bool m_tty;
  std::chrono::steady_clock::time_point m_last{};
};

/// Every raw or derived column the project's runs' features need.
std::vector<std::string> runFeatureColumns(const Project& project);

/// The events `run` trains a project's runs on: every classified event, before any cut (each
/// run applies its own), with every column the runs' features need. The loader's warnings go
/// to stderr.
LoadedAnalysis loadRunEvents(const Project& project);

/// Trains the project's run `id` as `run` does without --jobs (core trainProjectRun, so its
/// status and metrics are set in `project`), with a progress bar labelled `label` unless quiet.
TrainedRun trainWithProgress(Project& project, const std::string& id, const EventTable& table,
                             const std::string& label, bool quiet);

/// What `run --save` does once the runs are trained: their stored results (trained[i] of run
/// ids[i]; none when cancelled before a fold finished) join `store` (the sidecar's entries,
/// read before the training so that a damaged sidecar stopped it), the sidecar is written
/// (`studies`: as writeRunStore's), then the project file; a line on stderr says where.
void saveRunResults(const std::string& path, const Project& project,
                    std::map<std::string, std::shared_ptr<const StoredRun>> store,
                    const std::vector<std::string>& ids, const std::vector<TrainedRun>& trained,
                    const StudyStore* studies = nullptr);

}  // namespace imbw::cli
