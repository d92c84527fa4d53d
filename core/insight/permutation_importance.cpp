#include "core/insight/permutation_importance.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/eval/pr_curve.h"
#include "core/eval/roc_curve.h"
#include "core/util/error.h"

namespace imbw {

namespace {

std::uint64_t splitmix(std::uint64_t z) {
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::vector<std::size_t> seededPermutation(std::size_t n, std::uint64_t seed, std::size_t feature,
                                           int repeat) {
  std::vector<std::size_t> p(n);
  std::iota(p.begin(), p.end(), std::size_t{0});
  std::uint64_t state = splitmix(
      seed ^ splitmix(feature * 0x10001ULL + 7919ULL * static_cast<std::uint64_t>(repeat)));
  for (std::size_t i = n; i > 1; --i) {
    state = splitmix(state);
    // Multiply-shift to [0, i): unbiased enough for shuffling (bias < i / 2^64).
    const auto j = static_cast<std::size_t>(
        (static_cast<unsigned __int128>(state) * static_cast<unsigned __int128>(i)) >> 64);
    std::swap(p[i - 1], p[j]);
  }
  return p;
}

double metricValue(ImportanceMetric m, const std::vector<double>& scores,
                   const std::vector<std::uint8_t>& isSignal, const std::vector<double>& w) {
  if (m == ImportanceMetric::Auc) return rocAuc(rocCurve(scores, isSignal, w));
  return averagePrecision(scores, isSignal, w);
}

void meanStd(const std::vector<double>& v, double& mean, double& sd) {
  const double n = static_cast<double>(v.size());
  mean = n > 0 ? std::accumulate(v.begin(), v.end(), 0.0) / n : std::nan("");
  double ss = 0.0;
  for (double x : v) ss += (x - mean) * (x - mean);
  sd = n > 1 ? std::sqrt(ss / (n - 1)) : std::nan("");
}

}  // namespace

const char* importanceMetricName(ImportanceMetric m) {
  return m == ImportanceMetric::Auc ? "auc" : "ap";
}

ImportanceMetric importanceMetricFromName(const std::string& name) {
  if (name == "ap") return ImportanceMetric::AveragePrecision;
  if (name == "auc") return ImportanceMetric::Auc;
  throw Error("importance metric '" + name + "' is not known: use \"ap\" or \"auc\"");
}

PermutationImportance permutationImportance(const RowScorer& score, const FeatureMatrix& events,
                                            const PermutationOptions& options,
                                            const PermutationSource& permutations) {
  const std::size_t n = events.rows();
  if (n == 0) throw Error("permutation importance: no events");
  if (options.repeats < 1)
    throw Error("permutation importance: repeats must be at least 1, not " +
                std::to_string(options.repeats));
  std::vector<std::uint8_t> isSignal(n);
  for (std::size_t i = 0; i < n; ++i) isSignal[i] = events.isSignal(i);
  const std::vector<double>& w = events.weight;

  PermutationImportance r;
  r.metric = options.metric;
  r.features = events.featureNames;
  r.baseline = metricValue(options.metric, score(events.x), isSignal, w);
  RowMatrixF x = events.x;
  std::vector<float> original(n);
  std::vector<char> seen(n);
  for (std::size_t f = 0; f < events.cols(); ++f) {
    const auto col = static_cast<Eigen::Index>(f);
    for (std::size_t i = 0; i < n; ++i) original[i] = x(static_cast<Eigen::Index>(i), col);
    std::vector<double> drops;
    for (int rep = 0; rep < options.repeats; ++rep) {
      const std::vector<std::size_t> p =
          permutations ? permutations(f, rep) : seededPermutation(n, options.seed, f, rep);
      std::fill(seen.begin(), seen.end(), 0);
      bool ok = p.size() == n;
      for (std::size_t i = 0; ok && i < n; ++i) {
        ok = p[i] < n && !seen[p[i]];
        if (ok) seen[p[i]] = 1;
      }
      if (!ok)
        throw Error("permutation importance: the row order given for feature '" +
                    (f < r.features.size() ? r.features[f] : std::to_string(f)) + "', repeat " +
                    std::to_string(rep + 1) + " is not a permutation of the " + std::to_string(n) +
                    " events");
      for (std::size_t i = 0; i < n; ++i) x(static_cast<Eigen::Index>(i), col) = original[p[i]];
      drops.push_back(r.baseline - metricValue(options.metric, score(x), isSignal, w));
    }
    for (std::size_t i = 0; i < n; ++i) x(static_cast<Eigen::Index>(i), col) = original[i];
    double m = 0.0, s = 0.0;
    meanStd(drops, m, s);
    r.mean.push_back(m);
    r.std.push_back(s);
    r.drops.push_back(std::move(drops));
  }
  return r;
}

std::vector<std::size_t> RunPermutationImportance::ranking() const {
  std::vector<std::size_t> order(features.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [this](std::size_t a, std::size_t b) {
    const double ma = std::isnan(mean[a]) ? -INFINITY : mean[a];
    const double mb = std::isnan(mean[b]) ? -INFINITY : mean[b];
    return ma > mb;
  });
  return order;
}

RunPermutationImportance runPermutationImportance(const FeatureMatrix& input, const RunResult& run,
                                                  const PermutationOptions& options) {
  if (run.models.empty())
    throw Error("run '" + run.name + "' has no trained fold: train it before ranking features");
  if (run.heldOutFold.size() != input.rows())
    throw Error("run '" + run.name + "' was trained on " + std::to_string(run.heldOutFold.size()) +
                " events, not the " + std::to_string(input.rows()) + " given");
  const FeatureMatrix data = selectFeatures(input, run.config.features);
  RunPermutationImportance out;
  out.metric = options.metric;
  out.features = data.featureNames;
  std::vector<std::vector<double>> all(data.cols());
  for (std::size_t k = 0; k < run.models.size(); ++k) {
    std::vector<std::size_t> rows;
    for (std::size_t i = 0; i < run.heldOutFold.size(); ++i)
      if (run.heldOutFold[i] == static_cast<int>(k)) rows.push_back(i);
    const FeatureMatrix test = data.subset(rows);
    const Model& model = *run.models[k];
    PermutationOptions o = options;
    o.seed = splitmix(options.seed + 0x51ed27ULL * (k + 1));
    PermutationImportance pi =
        permutationImportance([&model](const RowMatrixF& x) { return model.predict(x); }, test, o);
    for (std::size_t f = 0; f < pi.drops.size(); ++f)
      all[f].insert(all[f].end(), pi.drops[f].begin(), pi.drops[f].end());
    out.perFold.push_back(std::move(pi));
  }
  for (const auto& d : all) {
    double m = 0.0, s = 0.0;
    meanStd(d, m, s);
    out.mean.push_back(m);
    out.std.push_back(s);
  }
  return out;
}

}  // namespace imbw
