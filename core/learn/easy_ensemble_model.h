#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/learn/gbdt_model.h"
#include "core/learn/model.h"

namespace imbw {

/// Hyper-parameters of EasyEnsemble. JSON keys in brackets.
struct EasyEnsembleParams {
  int members = 10;  ///< boosted models, each on its own balanced under-sample ["members"]
  /// Boosted trees of each member ["member": GbdtParams keys]; default 100 trees, depth 4.
  GbdtParams member = defaultMember();
  int checkpointEvery = 1;  ///< members between checkpoints ["checkpoint_every"]

  static GbdtParams defaultMember();
  nlohmann::json toJson() const;
  static EasyEnsembleParams fromJson(const nlohmann::json& j);
  void validate() const;
};

/// EasyEnsemble (Liu, Wu, Zhou 2009; imbalanced-learn's EasyEnsembleClassifier) with XGBoost
/// members: each member is a GbdtModel trained on all events of the smallest class and an
/// equal-sized random draw (without replacement) of every other class; the score is the mean of
/// the members' probabilities. Event weights are kept inside each draw.
class EasyEnsembleModel : public Model {
 public:
  explicit EasyEnsembleModel(EasyEnsembleParams params = {});

  std::string kind() const override { return "easy_ensemble"; }
  nlohmann::json config() const override;
  void fit(const FeatureMatrix& train, const FitContext& ctx) override;
  std::vector<double> predict(const RowMatrixF& x) const override;
  std::vector<double> predictProba(const RowMatrixF& x) const override;
  /// One JSON file: {"imbw_kind": "easy_ensemble", "config", ..., "members": [XGBoost JSON
  /// models]} (always JSON, whatever the extension).
  void save(const std::string& path) const override;

  static std::unique_ptr<EasyEnsembleModel> load(const std::string& path);
  static std::unique_ptr<EasyEnsembleModel> fromJson(const nlohmann::json& file);

  const EasyEnsembleParams& params() const { return m_params; }
  const std::vector<std::unique_ptr<GbdtModel>>& members() const { return m_members; }
  int numClasses() const { return m_numClasses; }
  int signalClass() const { return m_signalClass; }
  const std::vector<std::string>& featureNames() const { return m_featureNames; }
  /// Per member: events drawn from each class (after fit).
  const std::vector<std::vector<std::size_t>>& memberClassCounts() const { return m_counts; }

 private:
  EasyEnsembleParams m_params;
  std::vector<std::unique_ptr<GbdtModel>> m_members;
  std::vector<std::vector<std::size_t>> m_counts;
  int m_numClasses = 2;
  int m_signalClass = 1;
  std::vector<std::string> m_classNames;
  std::vector<std::string> m_featureNames;
};

/// {"kind": "easy_ensemble", <EasyEnsembleParams keys>}.
std::unique_ptr<Model> makeEasyEnsembleModel(const nlohmann::json& spec);

}  // namespace imbw
