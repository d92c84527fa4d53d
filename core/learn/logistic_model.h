#pragma once

#include <memory>
#include <nlohmann/json.hpp>

#include "core/learn/model.h"
#include "core/learn/standardizer.h"
#include "core/loss/loss.h"

namespace imbw {

struct LogisticConfig {
  LossConfig loss;
  double l2 = 1.0;  ///< ½·l2·‖β‖² on the summed loss (weights scaled to mean 1): sklearn's C = 1/l2
  int maxIterations = 100;
  double tolerance = 1e-8;  ///< stop when the largest Newton step is below this

  nlohmann::json toJson() const;
  static LogisticConfig fromJson(const nlohmann::json& j);  ///< validates; throws imbw::Error
};

/// Linear model on standardised inputs, score = σ(β·x + β₀), fitted by damped Newton steps
/// with any binary loss of the toolkit (hessian floored for focal loss, backtracking line
/// search on the penalised loss). K > 2 classes: the signal class against the rest.
class LogisticModel : public Model {
 public:
  explicit LogisticModel(LogisticConfig config = {}) : m_config(std::move(config)) {}

  std::string kind() const override { return "logistic"; }
  nlohmann::json config() const override { return m_config.toJson(); }
  void fit(const FeatureMatrix& train, const FitContext& ctx) override;
  std::vector<double> predict(const RowMatrixF& x) const override;
  void save(const std::string& path) const override;
  static std::unique_ptr<LogisticModel> load(const std::string& path);

  /// Coefficients on the standardised inputs; the last one is the intercept.
  const Eigen::VectorXd& coefficients() const { return m_beta; }
  int iterations() const { return m_iterations; }
  const Standardizer& standardizer() const { return m_std; }

 private:
  LogisticConfig m_config;
  Standardizer m_std;
  Eigen::VectorXd m_beta;
  int m_iterations = 0;
};

}  // namespace imbw
