#include "app/gui/training_job.h"

#include <QPromise>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

#include "app/gui/job_runner.h"
#include "core/data/feature_matrix.h"
#include "core/eval/binary_summary.h"
#include "core/eval/curve_thinning.h"
#include "core/eval/pr_curve.h"
#include "core/eval/score_histogram.h"
#include "core/eval/significance.h"
#include "core/learn/model.h"
#include "core/resample/resampler.h"
#include "core/resample/stratified_kfold.h"
#include "core/util/error.h"

namespace imbw {

namespace {

constexpr std::size_t kCurvePoints = 300;  // thinned on the worker: the GUI only draws
constexpr int kHistogramBins = 40;

QString qstr(const std::string& s) {
  return QString::fromStdString(s);
}

FoldStat stat(const std::vector<double>& v) {
  const auto ms = meanStd(v);
  return FoldStat{ms.n > 0 ? ms.mean : std::nan(""), ms.std};
}

std::vector<std::uint8_t> signalFlags(const FeatureMatrix& m) {
  std::vector<std::uint8_t> s(m.rows());
  for (std::size_t i = 0; i < m.rows(); ++i) s[i] = m.isSignal(i) ? 1 : 0;
  return s;
}

void fillCurves(RunPlotData& plot, const RocCurve& roc) {
  const RocCurve troc = thinned(roc, kCurvePoints);
  plot.roc.clear();
  for (std::size_t i = 0; i < troc.size(); ++i) plot.roc << QPointF(troc.fpr[i], troc.tpr[i]);
  const PrCurve tpr = thinned(prCurve(roc), kCurvePoints);
  plot.pr.clear();
  for (std::size_t i = 0; i < tpr.recall.size(); ++i)
    plot.pr << QPointF(tpr.recall[i], tpr.precision[i]);
}

ClassScoreHistogram toQt(const std::string& name, const Histogram* train, const Histogram& test,
                         double ks) {
  ClassScoreHistogram h;
  h.className = qstr(name);
  for (std::size_t b = 0; b <= test.bins(); ++b) h.edges << test.lo + test.binWidth() * double(b);
  auto norm = [](const Histogram& x, QList<double>& out) {
    const double total = x.integral() + x.underflow + x.overflow;
    for (std::size_t b = 0; b < x.bins(); ++b) out << (total != 0 ? x.sumW[b] / total : 0.0);
  };
  norm(test, h.test);
  if (train) norm(*train, h.train);
  h.ksProbability = ks;
  return h;
}

std::pair<double, double> scoreRange(const std::vector<double>& a, const std::vector<double>& b) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const auto* v : {&a, &b})
    for (double s : *v)
      if (std::isfinite(s)) {
        lo = std::min(lo, s);
        hi = std::max(hi, s);
      }
  if (!(hi > lo)) {
    lo = std::isfinite(lo) ? lo - 0.5 : 0.0;
    hi = lo + 1.0;
  }
  return {lo, hi};
}

/// Streams the model's checkpoints into the shared newest-only slot as plot data.
class JobObserver : public FitObserver {
 public:
  JobObserver(QPromise<TrainingOutcome>& promise, LiveRunState& live, const FeatureMatrix& val,
              int fold, int folds, const std::string& modelKind)
      : m_promise(promise),
        m_live(live),
        m_val(val),
        m_signal(signalFlags(val)),
        m_fold(fold),
        m_folds(folds),
        m_iterationName(modelKind == "mlp" || modelKind == "logistic"
                            ? "epoch"
                            : (modelKind == "gbdt" ? "boosting round" : "trees")) {}

  bool stopRequested() const override { return m_promise.isCanceled(); }

  void progress(double fraction, std::string_view stage) override {
    std::lock_guard lock(m_live.mutex);
    m_live.fraction = (m_fold + std::clamp(fraction, 0.0, 1.0)) / m_folds;
    m_live.stage = "fold " + std::to_string(m_fold + 1) + "/" + std::to_string(m_folds) + ": " +
                   std::string(stage);
  }

  void checkpoint(const Checkpoint& c) override {
    if (c.validationScores.size() != m_val.rows()) return;
    auto plot = std::make_shared<RunPlotData>();
    plot->iterationName = QString::fromLatin1(m_iterationName);
    try {
      const RocCurve roc = rocCurve(c.validationScores, m_signal, m_val.weight);
      const BinarySummary s = summarize(roc);
      fillCurves(*plot, roc);
      plot->ap = s.averagePrecision;
      plot->auc = s.auc;
      plot->chance = s.signalFraction;
      const auto [lo, hi] = scoreRange(c.validationScores, {});
      const auto hists = classHistograms(c.validationScores, m_val.label, m_val.numClasses(),
                                         m_val.weight, kHistogramBins, lo, hi);
      for (int k = 0; k < m_val.numClasses(); ++k)
        plot->histograms << toQt(m_val.classNames[static_cast<std::size_t>(k)], nullptr,
                                 hists[static_cast<std::size_t>(k)],
                                 std::numeric_limits<double>::quiet_NaN());
      plot->significance = significanceCurves(roc, 1.0);
      m_history.trainLoss << QPointF(c.iteration, c.trainLoss);
      m_history.validationLoss << QPointF(c.iteration, c.validationLoss);
      m_history.validationAp << QPointF(c.iteration, s.averagePrecision);
    } catch (const std::exception&) {
      return;  // e.g. a validation split without signal: no curve this time
    }
    plot->trainLoss = m_history.trainLoss;
    plot->validationLoss = m_history.validationLoss;
    plot->validationAp = m_history.validationAp;
    std::lock_guard lock(m_live.mutex);
    m_live.newest = std::move(plot);
    m_live.dirty = true;
  }

  const RunPlotData& history() const { return m_history; }

 private:
  QPromise<TrainingOutcome>& m_promise;
  LiveRunState& m_live;
  const FeatureMatrix& m_val;
  std::vector<std::uint8_t> m_signal;
  int m_fold, m_folds;
  const char* m_iterationName;
  RunPlotData m_history;
};

TrainingOutcome train(QPromise<TrainingOutcome>& promise, const LoadedAnalysis& data,
                      const std::vector<std::uint8_t>& keep,
                      const std::vector<std::string>& features, const RunSpec& spec,
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
  const std::vector<Fold> folds =
      stratifiedKFold(all.label, all.numClasses(), spec.folds, spec.seed);
  nlohmann::json modelSpec = spec.model;
  if (modelSpec.value("kind", "") == "gbdt" || modelSpec.value("kind", "") == "mlp" ||
      modelSpec.value("kind", "") == "logistic")
    modelSpec["loss"] = spec.loss.toJson();

  std::vector<double> testScores(all.rows(), std::nan(""));
  std::vector<double> trainScores, trainWeights;
  std::vector<std::int32_t> trainClass;
  std::vector<double> ap, auc, apr, rej20, rej80, fit;
  std::vector<nlohmann::json> foldJson;
  RunPlotData history;
  for (std::size_t f = 0; f < folds.size(); ++f) {
    if (promise.isCanceled()) throw Cancelled();
    const FeatureMatrix trainAll = all.subset(folds[f].train);
    const FeatureMatrix test = all.subset(folds[f].test);
    // A tenth of the training fold watches the fit (early stopping, live curves), so the test
    // fold stays unseen until it is scored.
    const auto inner = stratifiedKFold(trainAll.label, trainAll.numClasses(), 10, spec.seed + f);
    const FeatureMatrix fitPart = trainAll.subset(inner[0].train);
    const FeatureMatrix valPart = trainAll.subset(inner[0].test);
    {
      std::lock_guard lock(live.mutex);
      live.stage = "fold " + std::to_string(f + 1) + "/" + std::to_string(folds.size()) +
                   ": resampling (" + resampleKindName(spec.resample.kind) + ")";
    }
    FeatureMatrix fitData =
        spec.resample.kind == ResampleKind::None ? fitPart : resample(fitPart, spec.resample).data;
    auto model = makeModel(modelSpec);
    JobObserver observer(promise, live, valPart, static_cast<int>(f),
                         static_cast<int>(folds.size()), spec.model.value("kind", ""));
    FitContext ctx;
    ctx.validation = &valPart;
    ctx.observer = &observer;
    ctx.threads = spec.threads;
    ctx.seed = spec.seed + 1000003ull * f;
    const auto t0 = std::chrono::steady_clock::now();
    model->fit(fitData, ctx);
    fit.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    history = observer.history();
    const std::vector<double> s = model->predict(test.x);
    for (std::size_t i = 0; i < s.size(); ++i) testScores[folds[f].test[i]] = s[i];
    const BinarySummary sum = evaluateBinary(s, signalFlags(test), test.weight);
    ap.push_back(sum.averagePrecision);
    auc.push_back(sum.auc);
    apr.push_back(sum.apOverR);
    rej20.push_back(sum.atSignalEfficiency[0].backgroundRejection);
    rej80.push_back(sum.atSignalEfficiency[2].backgroundRejection);
    foldJson.push_back(toJson(sum));
    foldJson.back()["fit_time_s"] = fit.back();
    const std::vector<double> ts = model->predict(trainAll.x);
    trainScores.insert(trainScores.end(), ts.begin(), ts.end());
    trainWeights.insert(trainWeights.end(), trainAll.weight.begin(), trainAll.weight.end());
    trainClass.insert(trainClass.end(), trainAll.label.begin(), trainAll.label.end());
  }
  {
    std::lock_guard lock(live.mutex);
    live.fraction = 1.0;
    live.stage = "evaluating";
  }
  out.ap = stat(ap);
  out.auc = stat(auc);
  out.apOverR = stat(apr);
  out.rejection20 = stat(rej20);
  out.rejection80 = stat(rej80);
  out.fitTime = stat(fit);
  const std::vector<std::uint8_t> isSignal = signalFlags(all);
  auto roc = std::make_shared<RocCurve>(rocCurve(testScores, isSignal, all.weight));
  RunPlotData& plot = out.plot;
  fillCurves(plot, *roc);
  // The legend shows the run's AP and AUC (mean over the folds), the numbers of the table.
  plot.ap = out.ap.mean;
  plot.auc = out.auc.mean;
  plot.chance = summarize(*roc).signalFraction;
  const auto [lo, hi] = scoreRange(testScores, trainScores);
  const auto checks =
      overtrainingCheck(trainScores, trainClass, trainWeights, testScores, all.label, all.weight,
                        all.numClasses(), kHistogramBins, lo, hi);
  for (const auto& c : checks)
    plot.histograms << toQt(all.classNames[static_cast<std::size_t>(c.classIndex)], &c.train,
                            c.test, c.ks.probability);
  plot.trainLoss = history.trainLoss;
  plot.validationLoss = history.validationLoss;
  plot.validationAp = history.validationAp;
  plot.iterationName = history.iterationName;
  plot.significance = significanceCurves(*roc, 1.0);
  out.pooledRoc = roc;
  out.result = {{"folds", foldJson},
                {"ap", {{"mean", out.ap.mean}, {"std", out.ap.std}}},
                {"auc", {{"mean", out.auc.mean}, {"std", out.auc.std}}}};
  out.status = TrainingOutcome::Status::Done;
  return out;
}

}  // namespace

nlohmann::json RunSpec::toJson() const {
  return {
      {"name", name},   {"model", model}, {"loss", loss.toJson()}, {"resample", resample.toJson()},
      {"folds", folds}, {"seed", seed},   {"threads", threads}};
}

RunSpec RunSpec::fromJson(const nlohmann::json& j) {
  if (!j.is_object()) throw Error("a run must be a JSON object");
  RunSpec s;
  s.name = j.value("name", "");
  if (j.contains("model")) s.model = j.at("model");
  if (!s.model.is_object() || !s.model.contains("kind"))
    throw Error("run '" + s.name + "': \"model\" needs a \"kind\"");
  if (j.contains("loss")) s.loss = LossConfig::fromJson(j.at("loss"));
  if (j.contains("resample")) s.resample = ResampleConfig::fromJson(j.at("resample"));
  s.folds = j.value("folds", 5);
  s.seed = j.value("seed", std::uint64_t{1});
  s.threads = j.value("threads", 2);
  return s;
}

QString RunSpec::summary() const {
  QString loss;
  switch (this->loss.kind) {
    case LossKind::CrossEntropy:
      loss = "cross entropy";
      break;
    case LossKind::WeightedCrossEntropy:
      loss = QString("weighted CE α=%1").arg(this->loss.alpha, 0, 'g', 3);
      break;
    case LossKind::Focal:
      loss = QString("focal α=%1 γ=%2")
                 .arg(this->loss.alpha, 0, 'g', 3)
                 .arg(this->loss.gamma, 0, 'g', 3);
      break;
  }
  QStringList params;
  for (auto it = model.begin(); it != model.end(); ++it) {
    if (it.key() == "kind" || it.key() == "loss" || it->is_object()) continue;
    params << qstr(it.key() + "=" + it->dump());
  }
  return QString("%1 (%2), %3, %4, %5 folds, seed %6")
      .arg(qstr(model.value("kind", "?")), params.join(" "), loss,
           qstr(resampleKindName(resample.kind)))
      .arg(folds)
      .arg(seed);
}

SignificanceCurves significanceCurves(const RocCurve& roc, double luminosity) {
  SignificanceCurves out;
  // Cuts with a background yield under 1 % of the total make s/√b explode on a handful of
  // events; they cannot be the "best" cut.
  const SignificanceScan scan =
      significanceScan(roc, luminosity, 0.01 * roc.totalBackground * luminosity);
  const std::size_t n = scan.thresholds.size();
  std::vector<double> x, y;
  x.reserve(n);
  y.reserve(n);
  std::vector<std::size_t> idx;
  for (std::size_t i = 0; i < n; ++i)
    if (std::isfinite(scan.thresholds[i]) && std::isfinite(scan.asimov[i])) idx.push_back(i);
  for (std::size_t i : idx) {
    x.push_back(scan.thresholds[i]);
    y.push_back(scan.asimov[i]);
  }
  std::vector<std::size_t> keep;
  if (x.size() > 2)
    keep = thinCurve(x, y, kCurvePoints);
  else
    for (std::size_t i = 0; i < x.size(); ++i) keep.push_back(i);
  for (std::size_t k : keep) {
    const std::size_t i = idx[k];
    out.asimov << QPointF(scan.thresholds[i], scan.asimov[i]);
    out.sOverSqrtB << QPointF(scan.thresholds[i], scan.sOverSqrtB[i]);
    out.sOverSqrtSB << QPointF(scan.thresholds[i], scan.sOverSqrtSPlusB[i]);
  }
  out.bestCut = scan.bestAsimov.threshold;
  out.bestZ = scan.bestAsimov.z;
  return out;
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
