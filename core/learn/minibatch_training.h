#pragma once

#include <cstddef>
#include <functional>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "core/learn/learn_util.h"
#include "core/learn/model.h"

namespace imbw {

/// Adam on shuffled mini-batches with early stopping: the settings every network of core/learn
/// shares (MlpConfig and AutoencoderConfig derive from it, so they read c.learningRate, ...).
struct MiniBatchSettings {
  double learningRate = 1e-3;
  double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;  ///< Adam
  int batchSize = 50;
  int maxEpochs = 50;
  int patience = 5;  ///< epochs without a better validation loss before stopping

  /// Adds learning_rate, beta1, beta2, epsilon, batch_size, max_epochs, patience to j.
  void writeJson(nlohmann::json& j) const;
  /// Reads those keys when present (a wrong type throws imbw::Error naming the key).
  void readJson(const nlohmann::json& j);
  /// Throws imbw::Error, prefixed with `model`, for a setting out of range.
  void validate(const std::string& model, int minBatchSize) const;
};

/// What a network does inside the shared loop.
struct MiniBatchSteps {
  /// Forward and backward on the training rows `rows` (indices into the training set, in the
  /// shuffled order): writes the gradient of the batch's loss into `grad` (zeroed before the
  /// call) and adds Σ w·loss and Σ w of the batch to `lossSum` and `weightSum`.
  std::function<void(std::span<const std::size_t> rows, std::vector<float>& grad, double& lossSum,
                     double& weightSum)>
      batch;
  /// Scores the validation set with the current parameters into cp.validationLoss and
  /// cp.validationScores; returns false when there is no validation set.
  std::function<bool(Checkpoint& cp)> validate;
  /// Optional: state besides the parameters that belongs to the best epoch (batch-norm running
  /// statistics): keep a copy of it / bring the copy back.
  std::function<void()> keepBest, restoreBest;
};

struct MiniBatchOutcome {
  int epochsRun = 0;
  int bestEpoch = 0;  ///< 1-based; the last epoch when there is no validation set
};

/// The training loop of the networks: per epoch, the rows 0 .. rows−1 are shuffled with `rng`
/// and cut into batches of settings.batchSize (a last batch smaller than `minBatch` is skipped);
/// per batch, the observer is polled (a stop throws Cancelled), steps.batch computes the
/// gradient and Adam (PyTorch's bias correction) updates `params`; progress is reported every
/// 128 batches as "epoch e/E". After each epoch a Checkpoint with the weighted mean training
/// loss and steps.validate's numbers goes to the observer; the parameters of the epoch with the
/// lowest validation loss are kept and restored at the end, and training stops after `patience`
/// epochs without a better one. Eigen's own threads are off while it runs (mini-batch products
/// are too small to split). `rng` is the caller's, so a batch step may draw from it too
/// (dropout) in the same stream as the shuffle.
MiniBatchOutcome trainMiniBatches(const MiniBatchSettings& settings, std::size_t rows, int minBatch,
                                  std::vector<float>& params, learn_util::Rng& rng,
                                  FitObserver* observer, const MiniBatchSteps& steps);

}  // namespace imbw
