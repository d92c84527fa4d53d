#include "core/eval/run_evaluation.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/eval/curve_thinning.h"
#include "core/util/error.h"

namespace imbw {

namespace {

struct Finite {
  std::vector<double> score, weight;
  std::vector<std::int32_t> classIndex, fold;
};

Finite finiteOnly(const ScoredEvents& e) {
  Finite f;
  for (std::size_t i = 0; i < e.size(); ++i) {
    if (!std::isfinite(e.score[i])) continue;
    f.score.push_back(e.score[i]);
    f.weight.push_back(e.weight[i]);
    f.classIndex.push_back(e.classIndex[i]);
    f.fold.push_back(i < e.fold.size() ? e.fold[i] : 0);
  }
  return f;
}

}  // namespace

RunEvaluation evaluateRun(const ScoredEvents& heldOutIn, const ScoredEvents& trainingIn,
                          const RunEvaluationOptions& options) {
  const Finite test = finiteOnly(heldOutIn);
  if (test.score.empty()) throw Error("the run has no held-out scores to evaluate");
  const Finite train = finiteOnly(trainingIn);
  RunEvaluation out;
  const std::vector<std::uint8_t> isSignal = signalMask(test.classIndex, options.signalClass);
  out.pooledRoc = rocCurve(test.score, isSignal, test.weight);
  out.pooled = summarize(out.pooledRoc);
  out.roc = thinned(out.pooledRoc, options.curvePoints);
  out.pr = thinned(prCurve(out.pooledRoc), options.curvePoints);

  const int folds =
      test.fold.empty() ? 0 : *std::max_element(test.fold.begin(), test.fold.end()) + 1;
  out.perFold.resize(static_cast<std::size_t>(std::max(folds, 0)));
  for (int f = 0; f < folds; ++f) {
    std::vector<double> s, w;
    std::vector<std::uint8_t> sig;
    for (std::size_t i = 0; i < test.score.size(); ++i) {
      if (test.fold[i] != f) continue;
      s.push_back(test.score[i]);
      w.push_back(test.weight[i]);
      sig.push_back(isSignal[i]);
    }
    if (s.empty()) continue;
    try {
      out.perFold[static_cast<std::size_t>(f)] = evaluateBinary(s, sig, w);
    } catch (const Error&) {
      // A fold without one of the classes has no curve; its summary stays empty.
    }
  }

  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const auto* v : {&test.score, &train.score})
    for (double s : *v) {
      lo = std::min(lo, s);
      hi = std::max(hi, s);
    }
  if (!(hi > lo)) hi = lo + 1.0;
  out.histogramLo = lo;
  out.histogramHi = hi;
  if (!train.score.empty())
    out.histograms =
        overtrainingCheck(train.score, train.classIndex, train.weight, test.score, test.classIndex,
                          test.weight, options.numClasses, options.histogramBins, lo, hi);
  return out;
}

SignificanceScan significanceCurves(const RocCurve& roc, double luminosity, std::size_t maxPoints) {
  SignificanceScan scan =
      significanceScan(roc, luminosity, 0.01 * roc.totalBackground * luminosity);
  std::vector<std::size_t> idx;
  std::vector<double> x, y;
  for (std::size_t i = 0; i < scan.thresholds.size(); ++i)
    if (std::isfinite(scan.thresholds[i]) && std::isfinite(scan.asimov[i])) {
      idx.push_back(i);
      x.push_back(scan.thresholds[i]);
      y.push_back(scan.asimov[i]);
    }
  std::vector<std::size_t> keep;
  if (x.size() > 2) {
    keep = thinCurve(x, y, maxPoints);
  } else {
    for (std::size_t i = 0; i < x.size(); ++i) keep.push_back(i);
  }
  SignificanceScan out;
  out.luminosityFactor = scan.luminosityFactor;
  out.bestAsimov = scan.bestAsimov;
  out.bestSOverSqrtB = scan.bestSOverSqrtB;
  out.bestSOverSqrtSPlusB = scan.bestSOverSqrtSPlusB;
  for (std::size_t k : keep) {
    const std::size_t i = idx[k];
    out.thresholds.push_back(scan.thresholds[i]);
    out.s.push_back(scan.s[i]);
    out.b.push_back(scan.b[i]);
    out.sOverSqrtB.push_back(scan.sOverSqrtB[i]);
    out.sOverSqrtSPlusB.push_back(scan.sOverSqrtSPlusB[i]);
    out.asimov.push_back(scan.asimov[i]);
  }
  return out;
}

}  // namespace imbw
