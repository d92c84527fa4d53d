#pragma once

#include "core/data/feature_matrix.h"
#include "core/learn/model_io.h"

namespace imbw {

/// Per-feature (x − mean) / scale, fitted on the training fold only (unweighted, NaN ignored).
/// Missing values (NaN) map to 0, i.e. to the training mean, so networks never see NaN.
class Standardizer {
 public:
  void fit(const RowMatrixF& x);
  /// out = standardised x (out is resized; may not alias x).
  void apply(const RowMatrixF& x, RowMatrixF& out) const;
  /// Standardises rows [begin, begin + n) of x into out (already sized n × cols).
  void applyRows(const RowMatrixF& x, Eigen::Index begin, Eigen::Index n, RowMatrixF& out) const;
  Eigen::Index cols() const { return m_mean.size(); }
  /// The fitted per-feature mean and 1 / scale (what model export writes out).
  const Eigen::RowVectorXf& mean() const { return m_mean; }
  const Eigen::RowVectorXf& invScale() const { return m_invScale; }

  void save(model_io::H5ModelFile& file, const std::string& prefix) const;
  void load(const model_io::H5ModelFile& file, const std::string& prefix);

 private:
  Eigen::RowVectorXf m_mean;
  Eigen::RowVectorXf m_invScale;
};

}  // namespace imbw
