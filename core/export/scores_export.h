#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace imbw {

/// A run's held-out scores, one entry per event (plain vectors, so the window, the CLI and the
/// project can all fill it).
struct ScoresTable {
  std::string runName;
  std::vector<std::string> sampleNames;  ///< what `sample` indexes (file names, say)
  std::vector<std::string> classNames;   ///< what `classIndex` indexes
  std::string signalClass;

  std::vector<std::int64_t> eventIndex;  ///< the event's row in its sample file
  std::vector<std::int32_t> sample;
  std::vector<std::int32_t> fold;  ///< the fold in which the event was held out (1-based)
  std::vector<std::int32_t> classIndex;
  std::vector<double> weight;  ///< signed event weight
  std::vector<double> score;
  /// Optional: original columns (features, raw columns) written beside the scores, so that a
  /// fit can start from the file.
  std::vector<std::pair<std::string, std::vector<float>>> columns;
  /// Optional: the run's kept working point (core/project/kept_working_point.h): an event
  /// passes when score ≥ passCut. Written as the column score_pass (as `apply` names the flag
  /// beside its score column) and the group attribute working_point_cut.
  std::optional<double> passCut;
};

/// Writes the table as a group of equally long 1-D datasets (gzip-compressed): event_index
/// (int64), sample, fold, class (int32), weight, score (float64) and every extra column
/// (float32) under its own name, with the group attributes run, signal_class, sample_names and
/// class_names (UTF-8 strings; the name lists as arrays). With `passCut`, also score_pass (int8:
/// 1 where score ≥ passCut, else 0) and the float64 attribute working_point_cut. Pandas, h5py,
/// ROOT's RDataFrame and this workbench's sample reader read that layout. The file is created
/// (replaced); `group` "" or "/" writes at the root. Throws imbw::Error naming the column of a
/// length mismatch, a clash of names or the file that cannot be written, before anything is
/// written.
void writeScoresHdf5(const ScoresTable& table, const std::string& path,
                     const std::string& group = "scores");

}  // namespace imbw
