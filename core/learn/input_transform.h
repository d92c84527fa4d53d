#pragma once

#include <Eigen/Core>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/data/feature_matrix.h"

namespace imbw {

/// An input transformation of a run (RunConfig key "transform"), fitted on the training part of
/// each fold only and stored with the fold's model:
/// {"kind": "none" | "standardize" | "decorrelate" | "pca" | "gaussianize", "class": "..."}
/// - standardize: (x − μ) / σ per feature;
/// - decorrelate: (x − μ) C^(−1/2), C the weighted covariance (Σw-normalised) of the events of
///   `class` (empty: all events), C^(−1/2) the symmetric inverse square root (TMVA's
///   "Decorrelate");
/// - pca: (x − μ) projected on C's eigenvectors by decreasing variance (each sign fixed so that
///   the component's largest |entry| is positive);
/// - gaussianize: per feature Φ⁻¹(F(x)), F the weighted empirical CDF of the training events
///   (ties count half: F(x) = (Σ_{x_i<x} w + ½ Σ_{x_i=x} w) / Σw), clipped to [1e-6, 1 − 1e-6].
///   Up to 2,000 distinct values are kept exactly; beyond that F is interpolated linearly between
///   2,000 quantile knots.
/// Weights are the training weights as given (their total must be positive); events with a NaN
/// input are left out of the fit, and NaN stays NaN (gaussianize, standardize) or makes the
/// event's outputs NaN (decorrelate, pca, which mix features).
struct InputTransformConfig {
  enum class Kind { None, Standardize, Decorrelate, Pca, Gaussianize };
  Kind kind = Kind::None;
  std::string className;  ///< decorrelate / pca: fit on this class only (empty: all)

  nlohmann::json toJson() const;
  static InputTransformConfig fromJson(const nlohmann::json& j);  ///< throws imbw::Error
};
const char* inputTransformKindName(InputTransformConfig::Kind k);

class InputTransform {
 public:
  InputTransform() = default;
  explicit InputTransform(InputTransformConfig config) : m_config(std::move(config)) {}

  bool isIdentity() const { return m_config.kind == InputTransformConfig::Kind::None; }
  const InputTransformConfig& config() const { return m_config; }
  /// Throws imbw::Error on an unknown class, no events, a non-positive total weight or a
  /// singular covariance (naming the features that are linearly dependent, when it can).
  void fit(const FeatureMatrix& train);
  RowMatrixF apply(const RowMatrixF& x) const;

  const Eigen::RowVectorXd& mean() const { return m_mean; }
  /// decorrelate: C^(−1/2); pca: rows are the components; standardize: diag(1/σ).
  const Eigen::MatrixXd& matrix() const { return m_matrix; }
  const Eigen::VectorXd& variances() const { return m_variances; }  ///< pca: by component

  nlohmann::json toJson() const;
  static InputTransform fromJson(const nlohmann::json& j);  ///< throws imbw::Error

 private:
  InputTransformConfig m_config;
  std::vector<std::string> m_features;
  Eigen::RowVectorXd m_mean;
  Eigen::MatrixXd m_matrix;
  Eigen::VectorXd m_variances;
  // gaussianize, per feature: knots (ascending) and F at each knot; `exact` = step function.
  std::vector<std::vector<double>> m_knots, m_cdfAt, m_cdfBelow;
  std::vector<char> m_exact;
};

/// Φ⁻¹(p) for p in (0, 1) (Acklam's rational approximation plus one Halley step: |error| <
/// 1e-14 relative).
double inverseNormalCdf(double p);

}  // namespace imbw
