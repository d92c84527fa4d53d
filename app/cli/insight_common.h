#pragma once

// Shared by the issue-13 commands (importance, correlations, calibration, working-point): load
// an analysis, apply its controlled imbalance, train one of its runs, print aligned tables.

#include <iosfwd>
#include <string>
#include <vector>

#include "app/cli/command.h"
#include "app/cli/results_table.h"  // fixed()
#include "core/analysis/analysis.h"
#include "core/data/feature_matrix.h"
#include "core/learn/run_engine.h"
#include "core/resample/class_subsample.h"

namespace imbw::cli {

/// The analysis file's events as the model sees them: cut applied, then the controlled
/// imbalance of the top-level key "classSubsample" (ClassSubsample JSON) when present.
struct LoadedEvents {
  Analysis analysis;
  FeatureMatrix data;
  bool subsampled = false;
  SubsampleResult subsample;
};
LoadedEvents loadEvents(const std::string& analysisPath);

/// Applies analysis.extra["classSubsample"] to a loaded matrix (unchanged without the key);
/// prints the per-class counts and yields before → after to `log` when it applies.
FeatureMatrix applyAnalysisSubsample(const Analysis& analysis, const FeatureMatrix& data,
                                     std::ostream& log, SubsampleResult* result = nullptr);
/// The same on a table of every classified event (`run`: before each run applies its cut).
EventTable applyAnalysisSubsample(const Analysis& analysis, const EventTable& data,
                                  std::ostream& log, SubsampleResult* result = nullptr);

/// Prints a draw's per-class counts and yields before → after (one line) to `log`.
void logSubsample(std::ostream& log, const ClassSubsample& config, const SubsampleResult& r,
                  const std::vector<std::string>& classNames);

/// Run `number` (1-based) of the analysis file; UsageError when out of range or no runs.
RunConfig runNumber(const Analysis& analysis, const std::string& number);

/// Overrides shared by the commands: --folds, --threads, --seed.
void applyRunOverrides(RunConfig& run, const Args& args);

/// Trains a run with a one-line progress report on stderr (unless quiet).
RunResult trainRun(const FeatureMatrix& data, const RunConfig& run, bool quiet);

/// Number parsing with a usage error naming the option.
double toDouble(const std::string& option, const std::string& value);
int toInt(const std::string& option, const std::string& value, int minimum);

/// "m ± s" (only m when s is NaN).
std::string plusMinus(double mean, double sd, int decimals);

/// Prints rows under a header: first `leftColumns` columns left-aligned, the others right.
void printTable(std::ostream& os, const std::vector<std::string>& head,
                const std::vector<std::vector<std::string>>& rows, std::size_t leftColumns = 1);

}  // namespace imbw::cli
