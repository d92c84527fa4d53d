#include "core/learn/learn_util.h"

#include <algorithm>
#include <numbers>

#include "core/util/strings.h"

namespace imbw::learn_util {

double Rng::normal() {
  if (m_hasSpare) {
    m_hasSpare = false;
    return m_spare;
  }
  double u1 = uniform();
  while (u1 <= 0.0) u1 = uniform();
  const double u2 = uniform();
  const double r = std::sqrt(-2.0 * std::log(u1));
  m_spare = r * std::sin(2.0 * std::numbers::pi * u2);
  m_hasSpare = true;
  return r * std::cos(2.0 * std::numbers::pi * u2);
}

void shuffle(std::vector<std::size_t>& v, Rng& rng) {
  for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[rng.below(i)]);
}

std::vector<double> normalisedWeights(const std::vector<double>& w) {
  double sum = 0.0;
  for (double x : w) sum += std::abs(x);
  std::vector<double> out = w;
  if (sum <= 0.0 || w.empty()) return out;
  const double f = static_cast<double>(w.size()) / sum;
  for (double& x : out) x *= f;
  return out;
}

void checkKeys(const nlohmann::json& j, const std::string& what,
               std::initializer_list<const char*> allowed) {
  if (!j.is_object()) throw Error(what + ": the model specification must be a JSON object");
  std::vector<std::string> names(allowed.begin(), allowed.end());
  for (const auto& [key, value] : j.items()) {
    (void)value;
    if (std::find(names.begin(), names.end(), key) == names.end())
      throw Error(what + ": " + unknownNameMessage("parameter", key, names));
  }
}

std::vector<double> signalScores(const RowMatrixF& margins, int numClasses, int signalClass) {
  const Eigen::Index n = margins.rows();
  std::vector<double> s(static_cast<std::size_t>(n));
  if (margins.cols() == 1) {
    for (Eigen::Index i = 0; i < n; ++i) s[i] = 1.0 / (1.0 + std::exp(-double(margins(i, 0))));
    return s;
  }
  (void)numClasses;
  for (Eigen::Index i = 0; i < n; ++i) {
    const double mx = margins.row(i).maxCoeff();
    double sum = 0.0;
    for (Eigen::Index k = 0; k < margins.cols(); ++k) sum += std::exp(margins(i, k) - mx);
    s[i] = std::exp(margins(i, signalClass) - mx) / sum;
  }
  return s;
}

std::vector<double> softmaxRows(const RowMatrixF& margins) {
  const Eigen::Index n = margins.rows(), K = margins.cols();
  std::vector<double> p(static_cast<std::size_t>(n * K));
  for (Eigen::Index i = 0; i < n; ++i) {
    const double mx = margins.row(i).maxCoeff();
    double sum = 0.0;
    for (Eigen::Index k = 0; k < K; ++k) sum += (p[i * K + k] = std::exp(margins(i, k) - mx));
    for (Eigen::Index k = 0; k < K; ++k) p[i * K + k] /= sum;
  }
  return p;
}

double meanLoss(const LossConfig& loss, int numClasses, const RowMatrixF& margins,
                const std::vector<std::int32_t>& label, const std::vector<std::uint8_t>& target,
                const std::vector<double>& weight) {
  const std::size_t n = static_cast<std::size_t>(margins.rows());
  const std::size_t K = static_cast<std::size_t>(margins.cols());
  std::vector<double> z(n * K);
  for (std::size_t i = 0; i < n * K; ++i) z[i] = margins.data()[i];
  std::vector<double> value(n * K, 0.0);
  if (numClasses == 2)
    binaryLoss(loss, z, target, weight, value.data(), nullptr, nullptr);
  else
    categoricalLoss(loss, numClasses, z, label, weight, value.data(), nullptr, nullptr);
  double sum = 0.0, wsum = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    sum += value[i];
    wsum += weight[i];
  }
  return wsum != 0.0 ? sum / wsum : 0.0;
}

std::vector<double> signalColumn(std::vector<double> proba, int numClasses, int signalClass) {
  if (numClasses == 2) return proba;
  const auto k = static_cast<std::size_t>(numClasses);
  std::vector<double> s(proba.size() / k);
  for (std::size_t i = 0; i < s.size(); ++i)
    s[i] = proba[i * k + static_cast<std::size_t>(signalClass)];
  return s;
}

void checkFeatureCount(const std::string& kind, const std::vector<std::string>& trainedFeatures,
                       const RowMatrixF& x) {
  if (trainedFeatures.empty() || static_cast<std::size_t>(x.cols()) == trainedFeatures.size())
    return;
  throw Error(kind + ": the model was trained on " + std::to_string(trainedFeatures.size()) +
              " features, the data have " + std::to_string(x.cols()));
}

void requireNonNegativeWeights(const std::string& kind, const std::vector<double>& weight) {
  const auto negative = std::count_if(weight.begin(), weight.end(), [](double w) { return w < 0; });
  if (negative == 0) return;
  throw Error(kind + ": " + std::to_string(negative) +
              " training events have negative weights, which tree models cannot be grown on; "
              "set the negative-weight training policy to 'drop' or 'abs' (evaluation still "
              "uses the signed weights)");
}

}  // namespace imbw::learn_util
