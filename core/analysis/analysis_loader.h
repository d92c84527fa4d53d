#pragma once

#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/analysis/analysis.h"
#include "core/analysis/yields.h"
#include "core/data/event_table.h"

namespace imbw {

struct LoadOptions {
  /// false: keep every classified event in the table (the GUI then re-cuts in memory with
  /// cutYields / applyCut); the cut still defines LoadedAnalysis::afterCut.
  bool applyCut = true;
  /// false: compute the yields only, keep no events (the CLI's `yields`).
  bool keepEvents = true;
  /// true: an empty selection is reported as a warning instead of an error.
  bool allowEmpty = false;
  /// Further raw or derived columns to keep in the table besides the features, the derived
  /// features and the raw columns of the cut.
  std::vector<std::string> extraColumns;
  std::size_t chunkSize = 65536;  ///< events per chunk
  /// Polled before every chunk: true ends the load with LoadCancelled (the window starts a new
  /// load when the user edits the samples again, and closes without waiting for the old one).
  std::function<bool()> stopRequested;
  /// Before any event is read, the table's memory (every event of the samples × the columns
  /// kept, tableBytes) is compared with the available memory and the load refused with the
  /// estimate when it would not fit. Empty: availableMemory() (MemAvailable, the cgroup limit,
  /// IMBW_MEMORY_LIMIT); set: this many bytes are available (tests, a caller's own budget).
  std::optional<std::uint64_t> availableMemory;
  bool checkMemory = true;
};

/// Thrown by loadAnalysis when LoadOptions::stopRequested said so.
struct LoadCancelled : std::exception {
  const char* what() const noexcept override { return "loading cancelled"; }
};

struct SampleYields {
  std::string name;
  std::string path;            ///< resolved path of the file
  std::size_t eventsRead = 0;  ///< all events of the sample, classified or not
  Yields beforeCut;
  Yields afterCut;
};

struct LoadedAnalysis {
  /// Columns: the features (in order), then the other derived features, then raw columns the
  /// cut reads, then LoadOptions::extraColumns; each name once.
  EventTable table;
  Yields beforeCut;  ///< every classified event
  Yields afterCut;   ///< the events passing the cut
  std::vector<SampleYields> samples;
  std::vector<std::string> warnings;  ///< e.g. a class with no events after the cut
};

/// Reads every sample of the analysis: streams each file in chunks through SampleReader::read,
/// reading only the columns the analysis uses; replaces the missing-value sentinel by NaN;
/// evaluates the derived features, the class (fixed, label mapping or class expressions), the
/// weight (in double precision) and the cut per chunk, and keeps only the selected events.
/// Throws imbw::Error naming the sample, the expression and the cause; an empty selection is
/// an error unless LoadOptions::allowEmpty; a table that would not fit in the available memory
/// is refused before reading (LoadOptions::checkMemory). The table's columns are reserved for
/// every event of the samples up front, so they never reallocate while they grow (pages a cut
/// leaves untouched are never resident).
LoadedAnalysis loadAnalysis(const Analysis& analysis, const LoadOptions& options = {});

}  // namespace imbw
