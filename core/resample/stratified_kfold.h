#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

namespace imbw {

/// One fold of a k-fold split: row indices (ascending) into the full sample.
struct Fold {
  std::vector<std::size_t> train;
  std::vector<std::size_t> test;
};

/// Stratified k-fold split: each class's events are shuffled with a stream seeded by `seed` and
/// dealt round-robin to the folds (each class's deal starts where the previous class's ended),
/// so every fold holds each class in the same proportion to within one event, fold sizes differ
/// by at most one, and the test sets are disjoint and cover every event exactly once.
/// Throws imbw::Error if k < 2, a label is outside 0..numClasses−1, or a class has fewer than k
/// events (some test fold would miss it).
std::vector<Fold> stratifiedKFold(std::span<const std::int32_t> label, int numClasses, int k,
                                  std::uint64_t seed);

/// Mean and SAMPLE standard deviation (divisor n − 1) of a scalar over folds, as in the paper's
/// "AP 0.241 ± 0.005". NaN entries (a metric undefined in a fold) are skipped and n counts the
/// rest; with n < 2 the std is NaN (undefined), with n = 0 both are NaN.
struct MeanStd {
  double mean = 0.0;
  double std = 0.0;
  std::size_t n = 0;
};
MeanStd meanStd(std::span<const double> values);

/// Per-metric mean ± std over folds; each fold maps metric name → value. A metric missing from
/// some folds is aggregated over the folds that have it (n says how many).
std::map<std::string, MeanStd> aggregateFolds(
    const std::vector<std::map<std::string, double>>& perFold);

}  // namespace imbw
