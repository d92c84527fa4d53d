#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/data/feature_matrix.h"
#include "core/learn/model.h"
#include "core/learn/run_engine.h"

namespace imbw {

/// The score whose drop measures a feature's importance.
enum class ImportanceMetric { AveragePrecision, Auc };
const char* importanceMetricName(ImportanceMetric m);                ///< "ap", "auc"
ImportanceMetric importanceMetricFromName(const std::string& name);  ///< throws imbw::Error

/// Scores a matrix (a Model's predict, or any function of the rows).
using RowScorer = std::function<std::vector<double>(const RowMatrixF&)>;
/// The row order a feature's column takes in one repeat: the permuted column j holds
/// x(perm[i], j). Lets a test feed the permutations another tool drew.
using PermutationSource = std::function<std::vector<std::size_t>(std::size_t feature, int repeat)>;

struct PermutationOptions {
  ImportanceMetric metric = ImportanceMetric::AveragePrecision;
  int repeats = 5;
  std::uint64_t seed = 1;
};

/// Permutation importance on one set of events (scikit-learn's permutation_importance with
/// sample_weight): drop = metric(unshuffled) − metric(feature j shuffled), weights as given
/// (signed).
struct PermutationImportance {
  ImportanceMetric metric = ImportanceMetric::AveragePrecision;
  std::vector<std::string> features;
  double baseline = 0.0;
  std::vector<std::vector<double>> drops;  ///< [feature][repeat]
  std::vector<double> mean;                ///< over repeats
  std::vector<double> std;                 ///< sample standard deviation (n − 1) over repeats
};

/// Throws imbw::Error when `events` is empty, lacks a class, repeats < 1, or `permutations`
/// returns an index array that is not a permutation of the rows. Without `permutations` the
/// shuffles are a seeded Fisher–Yates (splitmix64 of seed, feature and repeat), so results are
/// reproducible and independent of the thread count.
PermutationImportance permutationImportance(const RowScorer& score, const FeatureMatrix& events,
                                            const PermutationOptions& options,
                                            const PermutationSource& permutations = {});

/// A cross-validated run's permutation importance: each fold's model on its own held-out
/// events (RunResult::heldOutFold), the run's features taken from `data` as the engine did.
/// `mean` / `std` are over every (fold, repeat) drop; `perFold[k]` keeps fold k's result.
struct RunPermutationImportance {
  ImportanceMetric metric = ImportanceMetric::AveragePrecision;
  std::vector<std::string> features;
  std::vector<PermutationImportance> perFold;
  std::vector<double> mean;
  std::vector<double> std;
  /// Feature indices ordered by decreasing mean drop.
  std::vector<std::size_t> ranking() const;
};

/// Throws imbw::Error when the run has no completed fold or `data` is not the matrix the run
/// was trained on (different number of events).
RunPermutationImportance runPermutationImportance(const FeatureMatrix& data, const RunResult& run,
                                                  const PermutationOptions& options);

}  // namespace imbw
