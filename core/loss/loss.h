#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <span>
#include <string>
#include <vector>

namespace imbw {

enum class LossKind {
  CrossEntropy,          ///< −ln p_t
  WeightedCrossEntropy,  ///< −α_t ln p_t
  Focal,  ///< −α_t (1 − p_t)^γ ln p_t  (categorical: −α_i (1 − p_i)^γ ln p_i)
};
const char* lossKindName(LossKind kind);  ///< "cross_entropy", "weighted_cross_entropy", "focal"
LossKind lossKindFromName(const std::string& name);  ///< throws imbw::Error on unknown names

/// A loss as the user picks it (REFERENCE.md conventions: α multiplies the signal class).
struct LossConfig {
  LossKind kind = LossKind::CrossEntropy;
  double alpha = 0.5;              ///< binary α ∈ [0, 1]; ignored for CrossEntropy
  double gamma = 0.0;              ///< focal γ ≥ 0
  std::vector<double> classAlpha;  ///< K > 2: α per class (empty = all 1)
  double hessianFloor = 1e-6;      ///< h = max(h, floor) for Newton-step users; 0 = off

  nlohmann::json toJson() const;
  static LossConfig fromJson(const nlohmann::json& j);  ///< validates; throws imbw::Error
  /// Throws imbw::Error naming the bad parameter (α outside [0,1], γ < 0, ...).
  void validate(int numClasses = 2) const;
};

/// Binary loss on raw margins z (p = σ(z)), target t ∈ {0,1}, per-event weight w (signed).
/// Writes per-event weighted value, gradient and hessian w.r.t. z (any out pointer may be
/// null). Numerically stable for |z| ≤ 50 and beyond: no NaN or Inf. The hessian floor is NOT
/// applied here (use applyHessianFloor) so that tests see the true second derivative.
void binaryLoss(const LossConfig& loss, std::span<const double> margin,
                std::span<const std::uint8_t> target, std::span<const double> weight, double* value,
                double* grad, double* hess);

/// Categorical loss (cross entropy or categorical focal) on margins [n × K] row-major,
/// softmax p. Gradient and (diagonal) hessian [n × K] w.r.t. each margin.
void categoricalLoss(const LossConfig& loss, int numClasses, std::span<const double> margins,
                     std::span<const std::int32_t> label, std::span<const double> weight,
                     double* value, double* grad, double* hess);

/// binaryLoss's gradient and hessian computed in single precision, for boosting: XGBoost takes
/// float gradient pairs, and the double path plus conversions cost a focal GBDT fit 15 % of its
/// time. Agrees with binaryLoss to float precision (tested); no hessian floor.
void binaryGradientsFloat(const LossConfig& loss, std::span<const float> margin,
                          std::span<const std::uint8_t> target, std::span<const double> weight,
                          float* grad, float* hess);

/// h = max(h, floor) elementwise (floor ≤ 0: unchanged).
void applyHessianFloor(std::span<double> hess, double floor);
void applyHessianFloor(std::span<float> hess, double floor);

/// The prior margin ln(π / (1 − π)), π = weighted signal fraction (weights as given).
double priorMargin(std::span<const std::uint8_t> target, std::span<const double> weight);

}  // namespace imbw
