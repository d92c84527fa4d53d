#include "app/plots/run_plots.h"

#include <cmath>

namespace imbw {

namespace {

constexpr std::size_t kCurvePoints = 300;  // thinned on the worker: the GUI only draws
constexpr int kHistogramBins = 40;

QList<double> normalised(const Histogram& h) {
  const double total = h.integral() + h.underflow + h.overflow;
  QList<double> out;
  for (double w : h.sumW) out << (total != 0 ? w / total : 0.0);
  return out;
}

}  // namespace

QString iterationName(const std::string& kind) {
  if (kind == "mlp" || kind == "logistic" || kind == "autoencoder") return QStringLiteral("epoch");
  if (kind == "gbdt" || kind == "easy_ensemble") return QStringLiteral("boosting round");
  return QStringLiteral("trees");
}

SignificanceCurves significanceCurves(const RocCurve& roc, double luminosity) {
  const SignificanceScan scan = ::imbw::significanceCurves(roc, luminosity, kCurvePoints);
  SignificanceCurves out;
  for (std::size_t i = 0; i < scan.thresholds.size(); ++i) {
    out.asimov << QPointF(scan.thresholds[i], scan.asimov[i]);
    out.sOverSqrtB << QPointF(scan.thresholds[i], scan.sOverSqrtB[i]);
    out.sOverSqrtSB << QPointF(scan.thresholds[i], scan.sOverSqrtSPlusB[i]);
  }
  out.bestCut = scan.bestAsimov.threshold;
  out.bestZ = scan.bestAsimov.z;
  out.bestCutSOverSqrtB = scan.bestSOverSqrtB.threshold;
  out.bestSOverSqrtB = scan.bestSOverSqrtB.z;
  out.bestCutSOverSqrtSB = scan.bestSOverSqrtSPlusB.threshold;
  out.bestSOverSqrtSB = scan.bestSOverSqrtSPlusB.z;
  return out;
}

EvaluatedRun evaluateStoredRun(std::shared_ptr<const StoredRun> stored,
                               const std::vector<std::string>& classNames, int signalClass,
                               const std::string& modelKind, double apMean, double aucMean,
                               double luminosity, int curveClass) {
  const bool oneVsRest = curveClass >= 0 && curveClass != signalClass;
  RunEvaluationOptions options;
  options.signalClass = oneVsRest ? curveClass : signalClass;
  options.numClasses = static_cast<int>(classNames.size());
  options.curvePoints = kCurvePoints;
  options.histogramBins = kHistogramBins;
  auto evaluation = std::make_shared<RunEvaluation>(
      oneVsRest ? evaluateRun(stored->heldOut(curveClass), stored->training(curveClass), options)
                : evaluateRun(stored->heldOut(), stored->training(), options));
  if (oneVsRest) {
    // The runs table's means are the signal class's: this class's come from its folds.
    double ap = 0.0, auc = 0.0;
    int folds = 0;
    for (const BinarySummary& f : evaluation->perFold) {
      if (f.events == 0 || !std::isfinite(f.averagePrecision)) continue;
      ap += f.averagePrecision;
      auc += f.auc;
      ++folds;
    }
    apMean = folds > 0 ? ap / folds : evaluation->pooled.averagePrecision;
    aucMean = folds > 0 ? auc / folds : evaluation->pooled.auc;
  }
  RunPlotData plot;
  for (std::size_t i = 0; i < evaluation->roc.size(); ++i)
    plot.roc << QPointF(evaluation->roc.fpr[i], evaluation->roc.tpr[i]);
  for (std::size_t i = 0; i < evaluation->pr.recall.size(); ++i)
    plot.pr << QPointF(evaluation->pr.recall[i], evaluation->pr.precision[i]);
  plot.ap = apMean;
  plot.auc = aucMean;
  plot.chance = evaluation->pooled.signalFraction;
  for (const OvertrainingCheck& c : evaluation->histograms) {
    ClassScoreHistogram h;
    const auto k = static_cast<std::size_t>(c.classIndex);
    h.className = k < classNames.size() ? QString::fromStdString(classNames[k])
                                        : QString::number(c.classIndex);
    for (std::size_t b = 0; b <= c.test.bins(); ++b)
      h.edges << c.test.lo + c.test.binWidth() * double(b);
    h.test = normalised(c.test);
    h.train = normalised(c.train);
    h.ksProbability = c.ks.probability;
    plot.histograms << h;
  }
  plot.iterationName = iterationName(modelKind);
  if (!stored->history.empty()) {
    const FoldHistory& last = stored->history.back();  // the last fold's, as it was streamed
    for (std::size_t i = 0; i < last.iteration.size(); ++i) {
      if (std::isfinite(last.trainLoss[i]))
        plot.trainLoss << QPointF(last.iteration[i], last.trainLoss[i]);
      if (std::isfinite(last.validationLoss[i]))
        plot.validationLoss << QPointF(last.iteration[i], last.validationLoss[i]);
    }
    for (std::size_t i = 0; i < last.apIteration.size(); ++i)
      if (std::isfinite(last.validationAp[i]))
        plot.validationAp << QPointF(last.apIteration[i], last.validationAp[i]);
  }
  plot.significance = significanceCurves(evaluation->pooledRoc, luminosity);
  return EvaluatedRun{std::move(stored), std::move(evaluation), std::move(plot)};
}

}  // namespace imbw
