#include "core/learn/minibatch_training.h"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "core/util/error.h"

namespace imbw {

void MiniBatchSettings::writeJson(nlohmann::json& j) const {
  j["learning_rate"] = learningRate;
  j["beta1"] = beta1;
  j["beta2"] = beta2;
  j["epsilon"] = epsilon;
  j["batch_size"] = batchSize;
  j["max_epochs"] = maxEpochs;
  j["patience"] = patience;
}

void MiniBatchSettings::readJson(const nlohmann::json& j) {
  learn_util::get(j, "learning_rate", learningRate);
  learn_util::get(j, "beta1", beta1);
  learn_util::get(j, "beta2", beta2);
  learn_util::get(j, "epsilon", epsilon);
  learn_util::get(j, "batch_size", batchSize);
  learn_util::get(j, "max_epochs", maxEpochs);
  learn_util::get(j, "patience", patience);
}

void MiniBatchSettings::validate(const std::string& model, int minBatchSize) const {
  if (!(learningRate > 0.0)) throw Error(model + ": learning_rate must be positive");
  if (batchSize < minBatchSize)
    throw Error(model + ": batch_size must be at least " + std::to_string(minBatchSize));
  if (maxEpochs < 1) throw Error(model + ": max_epochs must be at least 1");
  if (patience < 1) throw Error(model + ": patience must be at least 1");
}

namespace {

// Adam with PyTorch's form of the bias correction, on flat float32 vectors (one tight loop).
class Adam {
 public:
  Adam(const MiniBatchSettings& s, std::size_t parameters)
      : m_s(s), m_m(parameters, 0.0f), m_v(parameters, 0.0f) {}

  void step(std::vector<float>& params, const std::vector<float>& grad) {
    ++m_step;
    const float b1 = static_cast<float>(m_s.beta1), b2 = static_cast<float>(m_s.beta2);
    const double bc1 = 1.0 - std::pow(m_s.beta1, static_cast<double>(m_step));
    const double bc2 = 1.0 - std::pow(m_s.beta2, static_cast<double>(m_step));
    const float stepSize = static_cast<float>(m_s.learningRate / bc1);
    const float invSqrtBc2 = static_cast<float>(1.0 / std::sqrt(bc2));
    const float eps = static_cast<float>(m_s.epsilon);
    float* p = params.data();
    float* m1 = m_m.data();
    float* m2 = m_v.data();
    const float* g = grad.data();
    const std::size_t n = params.size();
    for (std::size_t k = 0; k < n; ++k) {
      m1[k] = b1 * m1[k] + (1.0f - b1) * g[k];
      m2[k] = b2 * m2[k] + (1.0f - b2) * g[k] * g[k];
      p[k] -= stepSize * m1[k] / (std::sqrt(m2[k]) * invSqrtBc2 + eps);
    }
  }

 private:
  const MiniBatchSettings& m_s;
  std::vector<float> m_m, m_v;
  long long m_step = 0;
};

}  // namespace

MiniBatchOutcome trainMiniBatches(const MiniBatchSettings& s, std::size_t rows, int minBatch,
                                  std::vector<float>& params, learn_util::Rng& rng,
                                  FitObserver* obs, const MiniBatchSteps& steps) {
  const int eigenThreads = Eigen::nbThreads();
  Eigen::setNbThreads(1);
  struct RestoreThreads {
    int n;
    ~RestoreThreads() { Eigen::setNbThreads(n); }
  } restoreThreads{eigenThreads};

  const std::size_t B = static_cast<std::size_t>(s.batchSize);
  const std::size_t batches = (rows + B - 1) / B;
  std::vector<float> grad(params.size(), 0.0f);
  Adam adam(s, params.size());
  std::vector<std::size_t> order(rows);
  std::iota(order.begin(), order.end(), std::size_t{0});

  double bestLoss = std::numeric_limits<double>::infinity();
  std::vector<float> bestParams = params;
  bool haveValidation = false;
  int wait = 0;
  MiniBatchOutcome out;

  for (int epoch = 1; epoch <= s.maxEpochs; ++epoch) {
    learn_util::shuffle(order, rng);
    double epochLoss = 0.0, epochWeight = 0.0;
    for (std::size_t bi = 0; bi < batches; ++bi) {
      if (obs && obs->stopRequested()) throw Cancelled();
      const std::size_t begin = bi * B;
      const std::size_t b = std::min(B, rows - begin);
      if (b < static_cast<std::size_t>(minBatch)) continue;
      std::fill(grad.begin(), grad.end(), 0.0f);
      steps.batch(std::span<const std::size_t>(order.data() + begin, b), grad, epochLoss,
                  epochWeight);
      adam.step(params, grad);
      if (obs && (bi & 127) == 0)
        obs->progress(
            (epoch - 1 + static_cast<double>(bi) / static_cast<double>(batches)) / s.maxEpochs,
            "epoch " + std::to_string(epoch) + "/" + std::to_string(s.maxEpochs));
    }
    out.epochsRun = epoch;

    Checkpoint cp;
    cp.iteration = epoch;
    cp.trainLoss = epochWeight != 0.0 ? epochLoss / epochWeight : 0.0;
    cp.validationLoss = std::numeric_limits<double>::quiet_NaN();
    bool stop = false;
    if (steps.validate && steps.validate(cp)) {
      haveValidation = true;
      if (cp.validationLoss < bestLoss) {
        bestLoss = cp.validationLoss;
        bestParams = params;
        if (steps.keepBest) steps.keepBest();
        out.bestEpoch = epoch;
        wait = 0;
      } else if (++wait >= s.patience) {
        stop = true;
      }
    } else {
      out.bestEpoch = epoch;
    }
    if (obs) obs->checkpoint(cp);
    if (stop) break;
  }
  // No epoch had a finite validation loss: the last parameters stay (the starting ones would
  // be no better).
  if (haveValidation && out.bestEpoch > 0) {
    params = std::move(bestParams);
    if (steps.restoreBest) steps.restoreBest();
  }
  if (obs) obs->progress(1.0, "trained");
  return out;
}

}  // namespace imbw
