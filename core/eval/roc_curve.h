#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace imbw {

/// Weighted ROC curve in scikit-learn's convention (roc_curve with drop_intermediate=False):
/// one point per distinct score, thresholds descending, an event is selected when
/// score >= threshold, tied scores form one step. Point 0 is the origin (nothing selected)
/// with threshold +inf (scikit-learn puts max + 1 there). Weights may be negative, in which
/// case the curve may step backwards. Events of weight exactly 0 are dropped (as scikit-learn
/// does), so they create no threshold.
struct RocCurve {
  std::vector<double> thresholds;  ///< descending; [0] = +inf
  std::vector<double> fpr;         ///< ε_B = fp / totalBackground
  std::vector<double> tpr;         ///< ε_S = recall = tp / totalSignal
  std::vector<double> tp;          ///< signal weight with score >= threshold
  std::vector<double> fp;          ///< background weight with score >= threshold
  double totalSignal = 0.0;
  double totalBackground = 0.0;
  std::size_t events = 0;  ///< events used (non-zero weight)

  std::size_t size() const { return thresholds.size(); }
};

/// Builds the ROC curve in O(n log n): a radix pass plus small sorts, on omp_get_max_threads()
/// threads from 100,000 events up (10M weighted events: about 1.2 CPU-seconds in all).
/// `isSignal`: 1 signal, 0 background; `weights` empty = every weight 1.
/// Throws imbw::Error on mismatched sizes, a non-finite score, no events, or when either class
/// has zero total weight (the efficiencies would be undefined).
RocCurve rocCurve(std::span<const double> scores, std::span<const std::uint8_t> isSignal,
                  std::span<const double> weights = {});

/// isSignal mask from class indices (FeatureMatrix::label, FeatureMatrix::signalClass).
std::vector<std::uint8_t> signalMask(std::span<const std::int32_t> classIndex, int signalClass);

/// Trapezoid area over the threshold-ordered ROC points (signed: with negative weights the
/// curve may go backwards and scikit-learn's roc_auc_score refuses; this is its auc()).
double rocAuc(const RocCurve& roc);

}  // namespace imbw
