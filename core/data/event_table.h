#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace imbw {

/// The selected events of an analysis, column by column: float32 feature columns (raw and
/// derived), a class index, a signed double weight and the sample each event came from.
/// Produced by the analysis loader (cut already applied); consumed by yields, plots and
/// FeatureMatrix.
struct EventTable {
  std::vector<std::string> columnNames;
  std::vector<std::vector<float>> columns;  // columns[c][event]; NaN = missing / absent
  std::vector<std::int32_t> classIndex;     // 0 .. classNames.size()-1
  std::vector<double> weight;               // signed; negative weights are legal
  std::vector<std::int32_t> sampleIndex;    // which analysis sample the event came from
  /// The event's row in its sample's file (0-based), so stored scores name the event; empty for
  /// tables not read from files.
  std::vector<std::int64_t> eventIndex;
  std::vector<std::string> classNames;
  int signalClass = 1;

  std::size_t size() const { return classIndex.size(); }
  int numClasses() const { return static_cast<int>(classNames.size()); }
  /// -1 when absent.
  int columnIndex(std::string_view name) const;
  /// Throws imbw::Error "unknown column 'x' (did you mean 'y'?)" when absent.
  const std::vector<float>& column(std::string_view name) const;
};

}  // namespace imbw
