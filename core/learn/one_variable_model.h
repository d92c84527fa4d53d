#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "core/learn/model.h"

namespace imbw {

struct OneVariableConfig {
  std::string feature;  ///< the feature used as the score (one of the run's features)
  nlohmann::json toJson() const;
  static OneVariableConfig fromJson(const nlohmann::json& j);
};

/// A single feature as the discriminant (the paper's Δφ_jj and p_T rows): score = ±x, the sign
/// picked on the training fold as the one with the larger weighted AUC. Missing values score
/// lowest.
class OneVariableModel : public Model {
 public:
  explicit OneVariableModel(OneVariableConfig config) : m_config(std::move(config)) {}

  std::string kind() const override { return "one_variable"; }
  nlohmann::json config() const override { return m_config.toJson(); }
  void fit(const FeatureMatrix& train, const FitContext& ctx) override;
  std::vector<double> predict(const RowMatrixF& x) const override;
  void save(const std::string& path) const override;
  static std::unique_ptr<OneVariableModel> load(const std::string& path);

  int direction() const { return m_direction; }  ///< +1: larger x is more signal-like
  int column() const { return m_column; }
  double trainingAuc() const { return m_auc; }  ///< weighted AUC of the chosen direction

 private:
  OneVariableConfig m_config;
  int m_column = -1;
  int m_direction = 1;
  double m_auc = 0.5;
};

/// Weighted ROC AUC of `score` (tied scores count one half), signal = label == signalClass.
/// Events with a non-finite score are skipped. Exposed for the direction choice and tests.
double weightedAuc(const std::vector<double>& score, const std::vector<std::int32_t>& label,
                   const std::vector<double>& weight, int signalClass);

}  // namespace imbw
