#include "core/insight/weighted_correlation.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/util/error.h"

namespace imbw {

CorrelationMatrix weightedCorrelation(const std::vector<std::span<const float>>& columns,
                                      const std::vector<std::string>& names,
                                      std::span<const double> weights) {
  const std::size_t p = columns.size();
  if (names.size() != p)
    throw Error("correlation: " + std::to_string(p) + " columns but " +
                std::to_string(names.size()) + " names");
  const std::size_t n = p ? columns[0].size() : weights.size();
  for (std::size_t j = 0; j < p; ++j)
    if (columns[j].size() != n)
      throw Error("correlation: column '" + names[j] + "' has " +
                  std::to_string(columns[j].size()) + " values, not " + std::to_string(n));
  if (!weights.empty() && weights.size() != n)
    throw Error("correlation: " + std::to_string(weights.size()) + " weights for " +
                std::to_string(n) + " events");
  CorrelationMatrix c;
  c.names = names;
  std::vector<char> use(n, 1);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < p && use[i]; ++j) use[i] = !std::isnan(columns[j][i]);
  // Two passes (means, then centred products) in double: one-pass sums lose the digits of a
  // small spread on a large offset (masses in GeV).
  std::vector<double> mean(p, 0.0);
  double sw = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!use[i]) continue;
    const double w = weights.empty() ? 1.0 : weights[i];
    sw += w;
    ++c.events;
    for (std::size_t j = 0; j < p; ++j) mean[j] += w * columns[j][i];
  }
  c.sumWeights = sw;
  if (!(sw > 0.0))
    throw Error("correlation: the " + std::to_string(c.events) +
                " events used have a total weight of " + std::to_string(sw) +
                " (must be positive)");
  for (double& m : mean) m /= sw;
  std::vector<double> cov(p * p, 0.0);
  std::vector<double> d(p);
  for (std::size_t i = 0; i < n; ++i) {
    if (!use[i]) continue;
    const double w = weights.empty() ? 1.0 : weights[i];
    for (std::size_t j = 0; j < p; ++j) d[j] = columns[j][i] - mean[j];
    for (std::size_t j = 0; j < p; ++j)
      for (std::size_t k = j; k < p; ++k) cov[j * p + k] += w * d[j] * d[k];
  }
  const double nan = std::numeric_limits<double>::quiet_NaN();
  c.rho.assign(p, std::vector<double>(p, nan));
  for (std::size_t j = 0; j < p; ++j)
    for (std::size_t k = j; k < p; ++k) {
      const double vj = cov[j * p + j], vk = cov[k * p + k];
      double r = (vj > 0.0 && vk > 0.0) ? cov[j * p + k] / std::sqrt(vj * vk) : nan;
      if (!std::isnan(r)) r = std::clamp(r, -1.0, 1.0);
      c.rho[j][k] = c.rho[k][j] = r;
    }
  return c;
}

CorrelationMatrix classCorrelation(const FeatureMatrix& m, int classIndex,
                                   std::span<const double> extra, const std::string& extraName) {
  if (classIndex >= m.numClasses())
    throw Error("correlation: class index " + std::to_string(classIndex) + " but only " +
                std::to_string(m.numClasses()) + " classes");
  if (!extra.empty() && extra.size() != m.rows())
    throw Error("correlation: " + std::to_string(extra.size()) + " scores for " +
                std::to_string(m.rows()) + " events");
  std::vector<std::size_t> rows;
  for (std::size_t i = 0; i < m.rows(); ++i)
    if (classIndex < 0 || m.label[i] == classIndex) rows.push_back(i);
  const std::string what =
      classIndex < 0 ? std::string("all events") : "class '" + m.classNames[classIndex] + "'";
  if (rows.empty()) throw Error("correlation: no events in " + what);
  std::vector<std::vector<float>> cols(m.cols() + (extra.empty() ? 0 : 1),
                                       std::vector<float>(rows.size()));
  std::vector<double> w(rows.size());
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const auto i = rows[r];
    for (std::size_t j = 0; j < m.cols(); ++j)
      cols[j][r] = m.x(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j));
    if (!extra.empty()) cols.back()[r] = static_cast<float>(extra[i]);
    w[r] = m.weight[i];
  }
  std::vector<std::span<const float>> spans(cols.begin(), cols.end());
  std::vector<std::string> names = m.featureNames;
  if (!extra.empty()) names.push_back(extraName);
  try {
    return weightedCorrelation(spans, names, w);
  } catch (const Error& e) {
    throw Error(std::string(e.what()) + " in " + what);
  }
}

std::vector<CorrelatedPair> correlatedPairs(const CorrelationMatrix& c, double threshold) {
  std::vector<CorrelatedPair> out;
  for (std::size_t j = 0; j < c.names.size(); ++j)
    for (std::size_t k = j + 1; k < c.names.size(); ++k)
      if (std::abs(c.rho[j][k]) >= threshold) out.push_back({c.names[j], c.names[k], c.rho[j][k]});
  std::stable_sort(out.begin(), out.end(), [](const CorrelatedPair& a, const CorrelatedPair& b) {
    return std::abs(a.rho) > std::abs(b.rho);
  });
  return out;
}

}  // namespace imbw
