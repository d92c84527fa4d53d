#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/eval/run_evaluation.h"
#include "core/project/run_store.h"
#include "widgets/run_plot_data.h"

namespace imbw {

/// The evaluation of a finished run (held-out scores from the project's sidecar or from a
/// training that just ended) and the plot data drawn from it.
struct EvaluatedRun {
  std::shared_ptr<const StoredRun> stored;
  std::shared_ptr<const RunEvaluation> evaluation;
  RunPlotData plot;  ///< curves, histograms with KS, history, significance at luminosity 1
};

/// Evaluates stored scores (core evaluateRun) and turns the result into plot data: the pooled
/// held-out ROC and PR, per-class test/training histograms normalised to unit area with the KS
/// probability, the last fold's training history, and the significance at `luminosity`. The
/// legend's AP and AUC are the fold means of the runs table (`apMean`, `aucMean`).
/// `curveClass` ≠ `signalClass` (three or more classes): the one-vs-rest curves of that class,
/// from its stored probabilities, with the legend's AP and AUC the mean over its folds.
/// Throws imbw::Error when there is nothing to evaluate.
EvaluatedRun evaluateStoredRun(std::shared_ptr<const StoredRun> stored,
                               const std::vector<std::string>& classNames, int signalClass,
                               const std::string& modelKind, double apMean, double aucMean,
                               double luminosity, int curveClass = -1);

/// Significance curves at a luminosity factor, thinned for display (core significanceCurves).
SignificanceCurves significanceCurves(const RocCurve& roc, double luminosity);

/// "epoch", "boosting round" or "trees": what a model's iterations are called.
QString iterationName(const std::string& modelKind);

}  // namespace imbw
