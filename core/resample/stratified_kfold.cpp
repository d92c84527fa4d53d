#include "core/resample/stratified_kfold.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/resample/random_stream.h"
#include "core/util/error.h"

namespace imbw {

std::vector<Fold> stratifiedKFold(std::span<const std::int32_t> label, int numClasses, int k,
                                  std::uint64_t seed) {
  if (k < 2) throw Error("k-fold needs k >= 2 folds, got " + std::to_string(k));
  if (numClasses < 1) throw Error("k-fold needs at least one class");
  std::vector<std::vector<std::size_t>> byClass(static_cast<std::size_t>(numClasses));
  for (std::size_t i = 0; i < label.size(); ++i) {
    if (label[i] < 0 || label[i] >= numClasses)
      throw Error("k-fold: event " + std::to_string(i) + " has class index " +
                  std::to_string(label[i]) + ", outside 0.." + std::to_string(numClasses - 1));
    byClass[static_cast<std::size_t>(label[i])].push_back(i);
  }
  const auto ku = static_cast<std::size_t>(k);
  for (std::size_t c = 0; c < byClass.size(); ++c) {
    if (byClass[c].size() < ku)
      throw Error("k-fold: class " + std::to_string(c) + " has " +
                  std::to_string(byClass[c].size()) + " events, fewer than the " +
                  std::to_string(k) + " folds");
  }
  std::vector<std::size_t> foldOf(label.size());
  std::size_t offset = 0;
  for (std::size_t c = 0; c < byClass.size(); ++c) {
    auto& rows = byClass[c];
    RandomStream rs(seed, c);
    for (std::size_t i = rows.size(); i > 1; --i) std::swap(rows[i - 1], rows[rs.below(i)]);
    for (std::size_t j = 0; j < rows.size(); ++j) foldOf[rows[j]] = (offset + j) % ku;
    offset = (offset + rows.size()) % ku;
  }
  std::vector<Fold> folds(ku);
  for (std::size_t i = 0; i < label.size(); ++i) {
    for (std::size_t f = 0; f < ku; ++f)
      (f == foldOf[i] ? folds[f].test : folds[f].train).push_back(i);
  }
  return folds;
}

MeanStd meanStd(std::span<const double> values) {
  MeanStd r;
  double sum = 0.0;
  for (double v : values) {
    if (std::isnan(v)) continue;
    sum += v;
    ++r.n;
  }
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (r.n == 0) return {nan, nan, 0};
  r.mean = sum / static_cast<double>(r.n);
  if (r.n < 2) {
    r.std = nan;
    return r;
  }
  double ss = 0.0;
  for (double v : values)
    if (!std::isnan(v)) ss += (v - r.mean) * (v - r.mean);
  r.std = std::sqrt(ss / static_cast<double>(r.n - 1));
  return r;
}

std::map<std::string, MeanStd> aggregateFolds(
    const std::vector<std::map<std::string, double>>& perFold) {
  std::map<std::string, std::vector<double>> columns;
  for (const auto& fold : perFold)
    for (const auto& [name, value] : fold) columns[name].push_back(value);
  std::map<std::string, MeanStd> out;
  for (const auto& [name, values] : columns) out[name] = meanStd(values);
  return out;
}

}  // namespace imbw
