#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <vector>

#include "core/learn/minibatch_training.h"
#include "core/learn/model.h"
#include "core/learn/standardizer.h"
#include "core/loss/loss.h"

namespace imbw {

/// Hyper-parameters of the feed-forward network (defaults: the paper's DNN).
/// Adam, batch size 50, at most 50 epochs, patience 5 (MiniBatchSettings).
struct MlpConfig : MiniBatchSettings {
  std::vector<int> hidden{150, 150};  ///< units per hidden layer
  bool batchNorm = true;
  double dropout = 0.5;  ///< probability of dropping a hidden unit while training
  LossConfig loss;

  nlohmann::json toJson() const;
  static MlpConfig fromJson(const nlohmann::json& j);  ///< validates; throws imbw::Error
};

/// Multi-layer perceptron in Eigen, float32: [Linear → BatchNorm → ReLU → Dropout] × L →
/// Linear, trained by Adam on mini-batches with the toolkit's loss gradients. Binary: one logit
/// (score = σ(z)); K > 2: K logits with softmax. Inputs standardised on the training fold,
/// output bias started at the prior log-odds, early stopping on FitContext::validation (best
/// epoch kept). All buffers are allocated once per fit, none per mini-batch.
/// Initialisation: He N(0, 2/fan_in) for hidden layers, N(0, 0.01²) for the output layer so
/// that the prior-log-odds bias really is every event's starting score (Lin et al.).
/// Threads: training runs on the calling thread whatever FitContext::threads says — the
/// mini-batch products (50 × 150 × 150) are too small for Eigen's per-product OpenMP
/// fork/join, which measured many times slower on this 2-core machine; FitContext::threads is
/// used by predict() and the per-epoch validation scoring (independent chunks of rows).
class MlpModel : public Model {
 public:
  explicit MlpModel(MlpConfig config = {});
  ~MlpModel() override;

  std::string kind() const override { return "mlp"; }
  nlohmann::json config() const override { return m_config.toJson(); }
  void fit(const FeatureMatrix& train, const FitContext& ctx) override;
  std::vector<double> predict(const RowMatrixF& x) const override;
  std::vector<double> predictProba(const RowMatrixF& x) const override;
  void save(const std::string& path) const override;
  static std::unique_ptr<MlpModel> load(const std::string& path);

  /// Epochs actually run by the last fit and the epoch whose weights were kept (1-based).
  int epochsRun() const { return m_epochsRun; }
  int bestEpoch() const { return m_bestEpoch; }
  int numClasses() const { return m_numClasses; }
  int signalClass() const { return m_signalClass; }

  /// One layer's place in the flat parameter vector (flat so that Adam is one tight loop).
  struct Layer {
    int in = 0, out = 0;
    bool batchNorm = false;
    std::size_t w = 0, b = 0, gamma = 0, beta = 0;  // offsets into the parameter vector
    Eigen::RowVectorXf runMean, runVar;             // batch-norm running statistics
  };
  /// The trained network as prediction sees it (model export): hidden layers then the output
  /// layer, their weights at the offsets of parameters(), and the input standardisation.
  const std::vector<Layer>& layers() const { return m_layers; }
  const std::vector<float>& parameters() const { return m_params; }
  const Standardizer& standardizer() const { return m_std; }
  static constexpr float kBatchNormEpsilon = 1e-5f;

 private:
  void initLayers(int inputs, int outputs, std::uint64_t seed);
  /// Raw margins [rows × outputs] in evaluation mode (running BN statistics, no dropout).
  RowMatrixF logits(const RowMatrixF& x, int threads) const;

  MlpConfig m_config;
  int m_numClasses = 2;
  int m_signalClass = 1;
  int m_threads = 2;
  Standardizer m_std;
  std::vector<Layer> m_layers;  // hidden layers then the output layer
  std::vector<float> m_params;
  int m_epochsRun = 0;
  int m_bestEpoch = 0;
};

}  // namespace imbw
