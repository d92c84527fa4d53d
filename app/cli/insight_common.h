#pragma once

// Shared by the issue-13 commands (importance, correlations, calibration, working-point,
// imbalance-scan): read a project's events and draw them as its runs train, train one of its
// runs, print aligned tables.

#include <iosfwd>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app/cli/command.h"
#include "app/cli/results_table.h"  // fixed()
#include "core/data/feature_matrix.h"
#include "core/learn/run_engine.h"
#include "core/project/project.h"
#include "core/project/run_training_events.h"
#include "core/resample/class_subsample.h"

namespace imbw::cli {

/// The events an insight command works on, read and drawn the way `run`, fit tasks and the
/// window train (core: loadProjectEvents, projectRunConfig, runTrainingEvents), so a command
/// given a run sees exactly the events that run is trained and evaluated on.
struct InsightEvents {
  Project project;
  std::optional<ProjectRun> run;  ///< the chosen run (a copy of the project's), or none
  RunConfig config;  ///< the run's as it trains (overrides applied); else the project's draw
  RunTrainingEvents events;
};

/// Loads the project (or analysis) file and reads its events: with --run N|NAME in `args` (a
/// 1-based run number or a run's name) that run's events — its controlled imbalance (its own, else
/// the project's) drawn before its cut — with the overrides --folds, --threads, --seed of `args`;
/// without it, the analysis features of every event passing the project's cut (no controlled
/// imbalance: the inputs' correlations use every event, as the window's Correlations tab does).
/// Prints a run's draw (counts and yields before → after) to stderr.
InsightEvents loadInsightEvents(const std::string& path, const Args& args);

/// Prints a draw's per-class counts and yields before → after (one line) to `log`.
void logSubsample(std::ostream& log, const ClassSubsample& config, const SubsampleResult& r,
                  const std::vector<std::string>& classNames);

/// The project's run named by `which`: a 1-based number or a run's name; UsageError naming the
/// runs when there is none such.
const ProjectRun& chooseRun(const Project& project, const std::string& which);

/// Overrides shared by the commands: --folds, --threads, --seed.
void applyRunOverrides(RunConfig& run, const Args& args);

/// Trains the chosen run on its events (core trainRun) with a one-line progress report per
/// fold on stderr (unless quiet).
RunResult trainInsightRun(const InsightEvents& ev, bool quiet);

/// "N (signal fraction r = x)" of a matrix: its events and weighted signal fraction.
std::string eventsLine(const FeatureMatrix& data);

/// Number parsing with a usage error naming the option.
double toDouble(const std::string& option, const std::string& value);
int toInt(const std::string& option, const std::string& value, int minimum);

/// A --runs LIST: split on commas, except that an entry that is a run's full name or id (a
/// name may hold commas) is taken whole; spaces around the items dropped. UsageError when empty.
std::vector<std::string> runList(const Project& project, const std::string& text);

/// --size WxH of a plot in points (200x150 to 10000x10000); UsageError naming the value.
std::pair<int, int> plotSize(const std::string& text);

/// "m ± s" (only m when s is NaN).
std::string plusMinus(double mean, double sd, int decimals);

/// Prints rows under a header: first `leftColumns` columns left-aligned, the others right.
void printTable(std::ostream& os, const std::vector<std::string>& head,
                const std::vector<std::vector<std::string>>& rows, std::size_t leftColumns = 1);

}  // namespace imbw::cli
