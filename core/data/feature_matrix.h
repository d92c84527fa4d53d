#pragma once

#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/data/event_table.h"

namespace imbw {

using RowMatrixF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// What models, resamplers and folds work on: events × features, row-major float32 (the layout
/// XGBoost's C API and the neural network take), plus class index and signed weight per event.
struct FeatureMatrix {
  std::vector<std::string> featureNames;
  RowMatrixF x;                     // rows = events, cols = features; NaN allowed (missing)
  std::vector<std::int32_t> label;  // class index 0 .. numClasses-1
  std::vector<double> weight;       // signed event weights
  std::vector<std::string> classNames;
  int signalClass = 1;

  std::size_t rows() const { return static_cast<std::size_t>(x.rows()); }
  std::size_t cols() const { return static_cast<std::size_t>(x.cols()); }
  int numClasses() const { return static_cast<int>(classNames.size()); }
  bool isSignal(std::size_t i) const { return label[i] == signalClass; }

  /// The given events (any order, repeats allowed), same features and classes.
  FeatureMatrix subset(std::span<const std::size_t> rows) const;
  /// Builds the matrix from the named columns of a table (throws imbw::Error on unknown names).
  static FeatureMatrix fromTable(const EventTable& table, const std::vector<std::string>& features);
};

}  // namespace imbw
