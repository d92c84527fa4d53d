#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/learn/minibatch_training.h"
#include "core/learn/model.h"
#include "core/learn/standardizer.h"

namespace imbw {

/// Hyper-parameters of the dense autoencoder.
/// Adam, batch size 128, at most 30 epochs, patience 5 (MiniBatchSettings).
struct AutoencoderConfig : MiniBatchSettings {
  AutoencoderConfig() {
    batchSize = 128;
    maxEpochs = 30;
  }
  std::vector<int> hidden{32};      ///< encoder hidden units; the decoder mirrors them
  int latent = 2;                   ///< size of the bottleneck (linear)
  std::string activation = "tanh";  ///< of the hidden layers: "tanh" or "relu"

  nlohmann::json toJson() const;
  static AutoencoderConfig fromJson(const nlohmann::json& j);  ///< validates; throws imbw::Error
};

/// Dense autoencoder in Eigen, float32, for anomaly detection without labels: inputs
/// standardised on the training events, encoder [Linear → act] × H → Linear(latent), decoder
/// mirrored → Linear(inputs); trained by Adam on the weighted mean squared reconstruction error
/// (weights normalised to mean |w| = 1). fit() never reads FeatureMatrix::label: every event of
/// the training set is "data". The score of an event is its reconstruction error (mean of the
/// squared standardised residuals; higher = more anomalous). Early stopping on
/// FitContext::validation's reconstruction error (best epoch kept); checkpoints report the
/// train and validation losses and the validation events' scores (so the engine can draw the
/// curves against whatever truth the monitoring set has). Trains on the calling thread (small
/// products, as MlpModel); predict() splits rows across FitContext::threads.
class AutoencoderModel : public Model {
 public:
  explicit AutoencoderModel(AutoencoderConfig config = {});
  ~AutoencoderModel() override;

  std::string kind() const override { return "autoencoder"; }
  nlohmann::json config() const override { return m_config.toJson(); }
  void fit(const FeatureMatrix& train, const FitContext& ctx) override;
  /// Reconstruction error per event.
  std::vector<double> predict(const RowMatrixF& x) const override;
  void save(const std::string& path) const override;
  static std::unique_ptr<AutoencoderModel> load(const std::string& path);

  /// The reconstruction of x in standardised units (the space the error is measured in).
  RowMatrixF reconstructStandardised(const RowMatrixF& x) const;
  int epochsRun() const { return m_epochsRun; }
  int bestEpoch() const { return m_bestEpoch; }

  struct Layer {
    int in = 0, out = 0;
    bool activated = false;  // false for the latent and the output layer
    std::size_t w = 0, b = 0;
  };

 private:
  void initLayers(int inputs, std::uint64_t seed);
  /// Standardised reconstruction of standardised rows.
  RowMatrixF forward(const RowMatrixF& xs) const;
  std::vector<double> errors(const RowMatrixF& x, int threads) const;

  AutoencoderConfig m_config;
  int m_threads = 2;
  Standardizer m_std;
  std::vector<Layer> m_layers;
  std::vector<float> m_params;
  int m_epochsRun = 0;
  int m_bestEpoch = 0;
};

}  // namespace imbw
