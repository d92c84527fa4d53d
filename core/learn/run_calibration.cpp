#include "core/learn/run_calibration.h"

#include <cmath>
#include <string>
#include <vector>

#include "core/util/error.h"

namespace imbw {

namespace {

double weightRatio(const FeatureMatrix& m) {
  double s = 0.0, b = 0.0;
  for (std::size_t i = 0; i < m.rows(); ++i) (m.isSignal(i) ? s : b) += m.weight[i];
  return s / b;
}

double signalFraction(const FeatureMatrix& m) {
  double s = 0.0, all = 0.0;
  for (std::size_t i = 0; i < m.rows(); ++i) {
    all += m.weight[i];
    if (m.isSignal(i)) s += m.weight[i];
  }
  return all != 0.0 ? s / all : 0.0;
}

}  // namespace

double priorCorrectionFactor(const RunConfig& config, const FeatureMatrix& before,
                             const FeatureMatrix& train) {
  double k = weightRatio(train) / weightRatio(before);
  // The same spec the engine handed to makeModel (α = 1 − r resolved on `train`).
  const nlohmann::json spec = config.modelSpec(signalFraction(train));
  if (spec.contains("loss")) {
    const LossConfig l = LossConfig::fromJson(spec.at("loss"));
    if (l.kind != LossKind::CrossEntropy) k *= l.alpha / (1.0 - l.alpha);
  }
  const std::string kind = config.modelKind();
  std::size_t ns = 0;
  for (std::size_t i = 0; i < train.rows(); ++i) ns += train.isSignal(i);
  const double nb = static_cast<double>(train.rows() - ns);
  if (kind == "balanced_random_forest" || kind == "easy_ensemble") {
    k *= nb / static_cast<double>(ns);  // every tree / member sees the classes in equal numbers
  } else if (spec.value("class_weight", std::string()) == "balanced") {
    k /= weightRatio(train);  // class totals made equal
  }
  if (!(k > 0.0) || !std::isfinite(k))
    throw Error("run '" + config.displayName() +
                "': the prior correction's factor is not positive (" + std::to_string(k) +
                "): the training weights of a class sum to zero or less");
  return k;
}

FeatureMatrix withNegativeWeightPolicy(const FeatureMatrix& part, NegativeWeightPolicy policy) {
  if (policy == NegativeWeightPolicy::Keep) return part;
  std::vector<std::size_t> keep;
  for (std::size_t i = 0; i < part.rows(); ++i)
    if (policy == NegativeWeightPolicy::Abs || part.weight[i] >= 0.0) keep.push_back(i);
  FeatureMatrix out = part.subset(keep);
  if (policy == NegativeWeightPolicy::Abs)
    for (double& w : out.weight) w = std::abs(w);
  return out;
}

}  // namespace imbw
