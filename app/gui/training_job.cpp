#include "app/gui/training_job.h"

#include <QPromise>
#include <algorithm>
#include <cmath>
#include <limits>

#include "app/gui/job_runner.h"
#include "core/data/feature_matrix.h"
#include "core/eval/binary_summary.h"
#include "core/eval/curve_thinning.h"
#include "core/eval/pr_curve.h"
#include "core/eval/score_histogram.h"
#include "core/eval/significance.h"
#include "core/learn/run_engine.h"
#include "core/util/error.h"

namespace imbw {

namespace {

constexpr std::size_t kCurvePoints = 300;  // thinned on the worker: the GUI only draws
constexpr int kHistogramBins = 40;

QString qstr(const std::string& s) {
  return QString::fromStdString(s);
}

FoldStat stat(const std::map<std::string, MeanStd>& aggregate, const std::string& name) {
  auto it = aggregate.find(name);
  if (it == aggregate.end() || it->second.n == 0) return {};
  return FoldStat{it->second.mean, it->second.std};
}

QList<QPointF> points(const CurvePoints& c) {
  QList<QPointF> out;
  out.reserve(static_cast<qsizetype>(c.x.size()));
  for (std::size_t i = 0; i < c.x.size() && i < c.y.size(); ++i) out << QPointF(c.x[i], c.y[i]);
  return out;
}

QList<double> normalised(const std::vector<double>& sumW, double total) {
  QList<double> out;
  for (double w : sumW) out << (total != 0 ? w / total : 0.0);
  return out;
}

const char* iterationName(const std::string& kind) {
  if (kind == "mlp" || kind == "logistic") return "epoch";
  if (kind == "gbdt" || kind == "easy_ensemble") return "boosting round";
  return "trees";
}

/// Turns the engine's snapshots into plot data on the worker and leaves the newest in the
/// shared slot; the window picks it up on its 50 ms timer.
class JobObserver : public TrainingObserver {
 public:
  JobObserver(QPromise<TrainingOutcome>& promise, LiveRunState& live,
              std::vector<std::string> classNames, std::string kind, double signalWeight,
              double backgroundWeight)
      : m_promise(promise),
        m_live(live),
        m_classNames(std::move(classNames)),
        m_kind(std::move(kind)),
        m_signalWeight(signalWeight),
        m_backgroundWeight(backgroundWeight) {}

  bool stopRequested() const override { return m_promise.isCanceled(); }

  void progress(double fraction, std::string_view stage) override {
    std::lock_guard lock(m_live.mutex);
    m_live.fraction = std::clamp(fraction, 0.0, 1.0);
    m_live.stage = std::string(stage);
  }

  void snapshot(const Snapshot& s) override {
    auto plot = std::make_shared<RunPlotData>();
    plot->iterationName = QString::fromLatin1(iterationName(m_kind));
    plot->roc = points(s.roc);
    plot->pr = points(s.pr);
    if (s.hasMetrics) {
      plot->ap = s.metrics.averagePrecision;
      plot->auc = s.metrics.auc;
      plot->chance = s.metrics.signalFraction;
    }
    for (const auto& h : s.lossHistory) {
      if (std::isfinite(h[1])) plot->trainLoss << QPointF(h[0], h[1]);
      if (std::isfinite(h[2])) plot->validationLoss << QPointF(h[0], h[2]);
    }
    for (const auto& h : s.apHistory)  // the engine's, restarting with each fold
      if (std::isfinite(h[1])) plot->validationAp << QPointF(h[0], h[1]);
    for (std::size_t c = 0; c < s.classHistograms.size(); ++c) {
      const auto& bins = s.classHistograms[c];
      ClassScoreHistogram h;
      h.className = c < m_classNames.size() ? qstr(m_classNames[c]) : QString::number(c);
      const double width = (s.histogramHi - s.histogramLo) / std::max<std::size_t>(1, bins.size());
      for (std::size_t b = 0; b <= bins.size(); ++b) h.edges << s.histogramLo + width * double(b);
      double total = 0;
      for (double w : bins) total += w;
      h.test = normalised(bins, total);
      plot->histograms << h;
    }
    auto roc = liveRoc(s, m_signalWeight, m_backgroundWeight);
    std::lock_guard lock(m_live.mutex);
    m_live.newest = std::move(plot);
    m_live.newestRoc = std::move(roc);
    m_live.dirty = true;
  }

 private:
  QPromise<TrainingOutcome>& m_promise;
  LiveRunState& m_live;
  std::vector<std::string> m_classNames;
  std::string m_kind;
  double m_signalWeight, m_backgroundWeight;  // Σw of the training pool per class
};

TrainingOutcome train(QPromise<TrainingOutcome>& promise, const LoadedAnalysis& data,
                      const std::vector<std::uint8_t>& keep,
                      const std::vector<std::string>& features, RunConfig config,
                      LiveRunState& live) {
  TrainingOutcome out;
  {
    std::lock_guard lock(live.mutex);
    live.started = true;
    live.stage = "preparing the events";
  }
  std::vector<std::size_t> rows;
  for (std::size_t i = 0; i < keep.size(); ++i)
    if (keep[i]) rows.push_back(i);
  const FeatureMatrix all = FeatureMatrix::fromTable(data.table, features).subset(rows);
  config.features.clear();  // the matrix holds exactly the ticked features
  double signalWeight = 0, backgroundWeight = 0;
  for (std::size_t i = 0; i < all.rows(); ++i)
    (all.isSignal(i) ? signalWeight : backgroundWeight) += all.weight[i];
  JobObserver observer(promise, live, all.classNames, config.modelKind(), signalWeight,
                       backgroundWeight);
  const RunResult result = runCrossValidated(all, config, observer);
  if (result.cancelled || promise.isCanceled()) {
    out.status = TrainingOutcome::Status::Cancelled;
    out.message = "cancelled";
    return out;
  }
  {
    std::lock_guard lock(live.mutex);
    live.fraction = 1.0;
    live.stage = "evaluating";
  }
  out.ap = stat(result.aggregate, "ap");
  out.auc = stat(result.aggregate, "auc");
  out.apOverR = stat(result.aggregate, "ap_over_r");
  out.rejection20 = stat(result.aggregate, "rejection_at_eff_s_0.2");
  out.rejection80 = stat(result.aggregate, "rejection_at_eff_s_0.8");
  out.fitTime = stat(result.aggregate, "fit_seconds");
  out.result = result.toJson();

  // Curves of the pooled held-out scores (every event scored once, by the fold that did not
  // train on it).
  std::vector<double> scores;
  std::vector<std::uint8_t> isSignal;
  std::vector<double> weights;
  std::vector<std::int32_t> classes;
  for (std::size_t i = 0; i < all.rows(); ++i) {
    if (!std::isfinite(result.heldOutScores[i])) continue;
    scores.push_back(result.heldOutScores[i]);
    isSignal.push_back(all.isSignal(i) ? 1 : 0);
    weights.push_back(all.weight[i]);
    classes.push_back(all.label[i]);
  }
  auto roc = std::make_shared<RocCurve>(rocCurve(scores, isSignal, weights));
  RunPlotData& plot = out.plot;
  const RocCurve troc = thinned(*roc, kCurvePoints);
  for (std::size_t i = 0; i < troc.size(); ++i) plot.roc << QPointF(troc.fpr[i], troc.tpr[i]);
  const PrCurve tpr = thinned(prCurve(*roc), kCurvePoints);
  for (std::size_t i = 0; i < tpr.recall.size(); ++i)
    plot.pr << QPointF(tpr.recall[i], tpr.precision[i]);
  // The legend shows the run's AP and AUC (mean over the folds): the numbers of the table.
  plot.ap = out.ap.mean;
  plot.auc = out.auc.mean;
  plot.chance = summarize(*roc).signalFraction;

  // Overtraining check: each fold's model on the events it was fitted on (scored by the
  // engine, validation split excluded) against the held-out scores.
  std::vector<double> trainScores, trainWeights;
  std::vector<std::int32_t> trainClasses;
  for (const std::vector<float>& fold : result.trainingScores)
    for (std::size_t i = 0; i < fold.size() && i < all.rows(); ++i) {
      if (!std::isfinite(fold[i])) continue;
      trainScores.push_back(fold[i]);
      trainWeights.push_back(all.weight[i]);
      trainClasses.push_back(all.label[i]);
    }
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const auto* v : {&scores, &trainScores})
    for (double s : *v)
      if (std::isfinite(s)) {
        lo = std::min(lo, s);
        hi = std::max(hi, s);
      }
  if (!(hi > lo)) hi = lo + 1.0;
  if (!trainScores.empty()) {
    const auto checks = overtrainingCheck(trainScores, trainClasses, trainWeights, scores, classes,
                                          weights, all.numClasses(), kHistogramBins, lo, hi);
    for (const auto& c : checks) {
      ClassScoreHistogram h;
      h.className = qstr(all.classNames[static_cast<std::size_t>(c.classIndex)]);
      for (std::size_t b = 0; b <= c.test.bins(); ++b)
        h.edges << c.test.lo + c.test.binWidth() * double(b);
      h.test = normalised(c.test.sumW, c.test.integral() + c.test.underflow + c.test.overflow);
      h.train = normalised(c.train.sumW, c.train.integral() + c.train.underflow + c.train.overflow);
      h.ksProbability = c.ks.probability;
      plot.histograms << h;
    }
  }
  // Training history: the last fold's, as streamed.
  {
    std::lock_guard lock(live.mutex);
    if (live.newest) {
      plot.trainLoss = live.newest->trainLoss;
      plot.validationLoss = live.newest->validationLoss;
      plot.validationAp = live.newest->validationAp;
      plot.iterationName = live.newest->iterationName;
    }
  }
  plot.significance = significanceCurves(*roc, 1.0);
  out.pooledRoc = roc;
  out.status = TrainingOutcome::Status::Done;
  return out;
}

}  // namespace

namespace {

QString number(const nlohmann::json& v) {
  if (v.is_number_integer()) return QString::number(v.get<long long>());
  if (v.is_number()) return QString::number(v.get<double>(), 'g', 3);
  if (v.is_boolean()) return v.get<bool>() ? QStringLiteral("yes") : QStringLiteral("no");
  if (v.is_string()) return qstr(v.get<std::string>());
  if (v.is_array()) {
    QStringList parts;
    for (const auto& e : v) parts << number(e);
    return parts.join(QStringLiteral("–"));
  }
  return qstr(v.dump());
}

QString modelName(const std::string& kind) {
  if (kind == "gbdt") return QStringLiteral("GBDT");
  if (kind == "mlp") return QStringLiteral("MLP");
  if (kind == "logistic") return QStringLiteral("logistic regression");
  if (kind == "random_forest") return QStringLiteral("random forest");
  if (kind == "balanced_random_forest") return QStringLiteral("balanced random forest");
  if (kind == "easy_ensemble") return QStringLiteral("EasyEnsemble");
  if (kind == "one_variable") return QStringLiteral("one variable");
  return qstr(kind);
}

QString resampleName(const ResampleConfig& r) {
  switch (r.kind) {
    case ResampleKind::None:
      return QStringLiteral("no resampling");
    case ResampleKind::ClassReweight:
      return QStringLiteral("class reweighting");
    case ResampleKind::RandomUnder:
      return QStringLiteral("random undersampling");
    case ResampleKind::RandomOver:
      return QStringLiteral("random oversampling");
    case ResampleKind::Smote:
      return QStringLiteral("SMOTE k=%1").arg(r.k);
    case ResampleKind::Adasyn:
      return QStringLiteral("ADASYN k=%1").arg(r.k);
    case ResampleKind::Tomek:
      return QStringLiteral("Tomek links");
    case ResampleKind::SmoteTomek:
      return QStringLiteral("SMOTE+Tomek k=%1").arg(r.k);
    case ResampleKind::BalancedBagging:
      return QStringLiteral("balanced bagging");
  }
  return qstr(resampleKindName(r.kind));
}

QString lossName(const RunConfig& c) {
  const QString alpha =
      c.alphaFromSignalFraction ? QString("1−r") : QString::number(c.loss.alpha, 'g', 3);
  switch (c.loss.kind) {
    case LossKind::CrossEntropy:
      return QStringLiteral("cross entropy");
    case LossKind::WeightedCrossEntropy:
      return QStringLiteral("weighted CE α=%1").arg(alpha);
    case LossKind::Focal:
      return QStringLiteral("focal α=%1 γ=%2").arg(alpha).arg(c.loss.gamma, 0, 'g', 3);
  }
  return {};
}

}  // namespace

QString runSummary(const RunConfig& c) {
  const nlohmann::json& m = c.model;
  // The few hyper-parameters a physicist compares runs by; the rest is in runDetails().
  QStringList params;
  auto has = [&](const char* key) { return m.contains(key) && !m.at(key).is_null(); };
  if (has("trees")) params << QStringLiteral("%1 trees").arg(number(m.at("trees")));
  if (has("hidden")) params << QStringLiteral("hidden %1").arg(number(m.at("hidden")));
  if (has("max_depth")) params << QStringLiteral("depth %1").arg(number(m.at("max_depth")));
  if (has("learning_rate")) params << QStringLiteral("lr %1").arg(number(m.at("learning_rate")));
  if (has("max_epochs")) params << QStringLiteral("≤ %1 epochs").arg(number(m.at("max_epochs")));
  if (has("members")) params << QStringLiteral("%1 members").arg(number(m.at("members")));
  if (has("feature")) params << number(m.at("feature"));
  QString model = modelName(c.modelKind());
  if (!params.isEmpty()) model += QLatin1Char(' ') + params.join(QStringLiteral(", "));
  QString resample = resampleName(c.resample);
  if (c.resample.kind != ResampleKind::None && c.resample.kind != ResampleKind::Tomek)
    resample += QStringLiteral(" ratio %1").arg(c.resample.ratio, 0, 'g', 3);
  return QStringLiteral("%1 · %2 · %3 · %4 folds").arg(model, lossName(c), resample).arg(c.folds);
}

QString runDetails(const RunConfig& c) {
  QStringList lines;
  lines << QStringLiteral("Model: %1").arg(modelName(c.modelKind()));
  for (auto it = c.model.begin(); it != c.model.end(); ++it) {
    if (it.key() == "kind" || it.key() == "loss") continue;
    lines << QStringLiteral("    %1 = %2").arg(qstr(it.key()), number(*it));
  }
  lines << QStringLiteral("Loss: %1").arg(lossName(c));
  lines << QStringLiteral("Resampling (training folds only): %1").arg(resampleName(c.resample));
  const nlohmann::json r = c.resample.toJson();
  for (auto it = r.begin(); it != r.end(); ++it)
    if (it.key() != "kind") lines << QStringLiteral("    %1 = %2").arg(qstr(it.key()), number(*it));
  lines << QStringLiteral("Folds: %1, seed %2, threads %3").arg(c.folds).arg(c.seed).arg(c.threads);
  lines
      << QStringLiteral("Validation fraction: %1").arg(c.effectiveValidationFraction(), 0, 'g', 3);
  QStringList features;
  for (const auto& f : c.features) features << qstr(f);
  lines
      << (features.isEmpty()
              ? QStringLiteral("Features: all of the analysis")
              : QStringLiteral("Features (%1): %2").arg(features.size()).arg(features.join(", ")));
  return lines.join(QLatin1Char('\n'));
}

SignificanceCurves significanceCurves(const RocCurve& roc, double luminosity) {
  SignificanceCurves out;
  // Cuts keeping under 1 % of the background make s/√b explode on a handful of events; they
  // cannot be the "best" cut.
  const SignificanceScan scan =
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
    keep = thinCurve(x, y, kCurvePoints);
  } else {
    for (std::size_t i = 0; i < x.size(); ++i) keep.push_back(i);
  }
  for (std::size_t k : keep) {
    const std::size_t i = idx[k];
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

std::shared_ptr<const RocCurve> liveRoc(const Snapshot& s, double signalWeight,
                                        double backgroundWeight) {
  const std::size_t n = s.rocThresholds.size();
  if (!s.hasMetrics || n < 2 || s.roc.x.size() != n || s.roc.y.size() != n) return nullptr;
  auto roc = std::make_shared<RocCurve>();
  roc->thresholds = s.rocThresholds;
  roc->fpr = s.roc.x;
  roc->tpr = s.roc.y;
  roc->tp.resize(n);
  roc->fp.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    roc->tp[i] = s.roc.y[i] * signalWeight;
    roc->fp[i] = s.roc.x[i] * backgroundWeight;
  }
  roc->totalSignal = signalWeight;
  roc->totalBackground = backgroundWeight;
  return roc;
}

QFuture<TrainingOutcome> startTrainingJob(JobRunner& runner,
                                          std::shared_ptr<const LoadedAnalysis> data,
                                          std::vector<std::uint8_t> keep,
                                          std::vector<std::string> features, RunSpec spec,
                                          std::shared_ptr<LiveRunState> live) {
  return runner.startTraining<TrainingOutcome>(
      [data = std::move(data), keep = std::move(keep), features = std::move(features),
       spec = std::move(spec), live = std::move(live)](QPromise<TrainingOutcome>& promise) {
        // Exceptions never cross the thread: every failure becomes an outcome.
        TrainingOutcome out;
        try {
          out = train(promise, *data, keep, features, spec, *live);
        } catch (const Cancelled&) {
          out.status = TrainingOutcome::Status::Cancelled;
          out.message = "cancelled";
        } catch (const std::exception& e) {
          out.status = TrainingOutcome::Status::Failed;
          out.message = QString::fromStdString(e.what());
        }
        promise.addResult(std::move(out));
      });
}

}  // namespace imbw
