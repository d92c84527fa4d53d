#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "core/eval/calibration.h"

namespace imbw {

/// How a run's scores are recalibrated (RunConfig key "calibration"):
/// {"kind": "none" | "prior" | "platt" | "isotonic", "fraction": 0.2}.
/// - prior: odds / k, k = the factor by which resampling and class weighting multiplied the
///   signal-to-background weight ratio of the training fold (exact for those; no fit);
/// - platt: p = 1 / (1 + exp(A·s + B)), Platt's fit with his smoothed targets (scikit-learn's
///   _sigmoid_calibration, weighted);
/// - isotonic: weighted pool-adjacent-violators, linear between knots, clipped at the ends
///   (scikit-learn's IsotonicRegression(out_of_bounds="clip")).
/// platt and isotonic are fitted on `fraction` of the training fold, held back from training.
struct CalibrationConfig {
  enum class Kind { None, Prior, Platt, Isotonic };
  Kind kind = Kind::None;
  double fraction = 0.2;

  bool needsHeldBackPart() const { return kind == Kind::Platt || kind == Kind::Isotonic; }
  nlohmann::json toJson() const;
  static CalibrationConfig fromJson(const nlohmann::json& j);  ///< throws imbw::Error
};
const char* calibrationKindName(CalibrationConfig::Kind k);

/// A fitted score map (what is stored with a fold's model).
struct Calibrator {
  CalibrationConfig::Kind kind = CalibrationConfig::Kind::None;
  double priorFactor = 1.0;           ///< prior: k
  double plattA = 0.0, plattB = 0.0;  ///< platt
  std::vector<double> knotX, knotY;   ///< isotonic: increasing x, non-decreasing y

  double apply(double score) const;
  std::vector<double> apply(std::span<const double> scores) const;
  nlohmann::json toJson() const;
  static Calibrator fromJson(const nlohmann::json& j);  ///< throws imbw::Error
};

/// odds(s) / k: undoes a training set whose signal weight was multiplied by k relative to the
/// background (k > 0, else imbw::Error).
Calibrator priorCorrection(double factor);
/// Fits on scores with binary truth and weights (empty = 1). Throws imbw::Error when a class is
/// missing or a weight is negative (neither fit is defined for negative weights: choose a
/// negative-weight policy for the run).
Calibrator fitPlatt(std::span<const double> scores, std::span<const std::uint8_t> isSignal,
                    std::span<const double> weights = {});
Calibrator fitIsotonic(std::span<const double> scores, std::span<const std::uint8_t> isSignal,
                       std::span<const double> weights = {});

/// Weighted Brier score Σ w (p − y)² / Σ w.
double brierScore(std::span<const double> p, std::span<const std::uint8_t> isSignal,
                  std::span<const double> weights = {});
/// Weighted log loss −Σ w (y ln p + (1 − y) ln(1 − p)) / Σ w, p clipped to [1e-15, 1 − 1e-15].
double logLoss(std::span<const double> p, std::span<const std::uint8_t> isSignal,
               std::span<const double> weights = {});

/// A reliability diagram over folds: fixed bins on [0, 1], per bin the mean and sample
/// standard deviation over the folds that fill it of the mean predicted score and of the
/// observed signal fraction.
struct FoldedCalibrationCurve {
  std::vector<double> binLow, binHigh;
  std::vector<double> meanPredicted, meanPredictedStd;
  std::vector<double> observedFraction, observedFractionStd;
  std::vector<int> folds;  ///< folds with events in the bin
};
/// `fold[i]`: the fold that scored event i (−1: none, skipped). Throws imbw::Error on
/// mismatched sizes.
FoldedCalibrationCurve foldedCalibrationCurve(std::span<const double> scores,
                                              std::span<const std::uint8_t> isSignal,
                                              std::span<const double> weights,
                                              std::span<const int> fold, int bins = 10);

}  // namespace imbw
