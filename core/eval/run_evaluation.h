#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/eval/binary_summary.h"
#include "core/eval/pr_curve.h"
#include "core/eval/roc_curve.h"
#include "core/eval/score_histogram.h"
#include "core/eval/significance.h"

namespace imbw {

/// Scored events of one run: the held-out score of every event (each scored once, by the fold
/// model that did not see it), or the training-set scores (an event once per fold that trained
/// on it). Parallel arrays; `fold` is 0-based.
struct ScoredEvents {
  std::vector<double> score;
  std::vector<std::int32_t> classIndex;
  std::vector<double> weight;  ///< signed
  std::vector<std::int32_t> fold;
  std::size_t size() const { return score.size(); }
};

struct RunEvaluationOptions {
  int signalClass = 1;
  int numClasses = 2;
  std::size_t curvePoints = 300;  ///< thinned ROC / PR / significance curves
  int histogramBins = 40;
};

/// Everything the plots, the runs table and the reports show for one finished run, computed
/// from its stored scores only (so a reopened project shows what was shown before saving).
struct RunEvaluation {
  RocCurve pooledRoc;  ///< the pooled held-out ROC, every threshold (significance needs it)
  RocCurve roc;        ///< thinned for display
  PrCurve pr;          ///< thinned for display
  BinarySummary pooled;
  std::vector<BinarySummary> perFold;  ///< index = fold (empty summary for a fold with no events)
  /// Per class: held-out (test) and training histograms on a common range, and the KS
  /// probability train vs test. Empty when no training scores were stored.
  std::vector<OvertrainingCheck> histograms;
  double histogramLo = 0.0, histogramHi = 1.0;
};

/// Pooled and per-fold ROC, PR, AP, AUC, working points and the per-class score histograms with
/// the KS overtraining check. Events with a non-finite score are skipped (folds that never
/// finished). Throws imbw::Error when no held-out event has a finite score.
RunEvaluation evaluateRun(const ScoredEvents& heldOut, const ScoredEvents& training,
                          const RunEvaluationOptions& options);

/// The significance scan of a ROC at a luminosity factor, cuts keeping under 1 % of the
/// background excluded from "best" (s/√b diverges on a handful of events), thinned to at most
/// `maxPoints` cuts along the Asimov curve (the best cuts stay exact).
SignificanceScan significanceCurves(const RocCurve& roc, double luminosity, std::size_t maxPoints);

}  // namespace imbw
