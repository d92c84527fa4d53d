#include "app/gui/training_job.h"

#include <QPromise>
#include <algorithm>
#include <cmath>
#include <limits>

#include "app/gui/job_runner.h"
#include "core/analysis/yields.h"
#include "core/data/feature_matrix.h"
#include "core/learn/run_engine.h"
#include "core/project/run_training.h"
#include "core/resample/class_subsample.h"
#include "core/util/error.h"

namespace imbw {

namespace {

QString qstr(const std::string& s) {
  return QString::fromStdString(s);
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
    plot->iterationName = iterationName(m_kind);
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
                      const RunConfig& config, const std::string& cut, LiveRunState& live) {
  TrainingOutcome out;
  {
    std::lock_guard lock(live.mutex);
    live.started = true;
    live.stage = "preparing the events";
  }
  // The controlled imbalance (config.classSubsample): trainRun draws it from every classified
  // event before the cut, as `imbalance-cli run` does; the draw is repeated here (cheap, the
  // same events) for the training pool's Σw per class.
  const EventTable& table = data.table;
  const std::vector<std::uint8_t> keep = selectEvents(table, cut);
  double signalWeight = 0, backgroundWeight = 0;
  const auto add = [&](std::size_t i, double w) {
    if (keep[i]) (table.classIndex[i] == table.signalClass ? signalWeight : backgroundWeight) += w;
  };
  if (config.classSubsample && !config.classSubsample->empty()) {
    const SubsampleResult r =
        subsampleClasses(*config.classSubsample, table.classNames, table.classIndex, table.weight);
    for (std::size_t k = 0; k < r.kept.size(); ++k) add(r.kept[k], r.weight[k]);
  } else {
    for (std::size_t i = 0; i < table.size(); ++i) add(i, table.weight[i]);
  }
  JobObserver observer(promise, live, table.classNames, config.modelKind(), signalWeight,
                       backgroundWeight);
  TrainedRun trained = trainRun(table, keep, config, observer);
  out.result = std::move(trained.result);
  out.result.models.clear();  // their bytes are in the stored run
  if (out.result.cancelled || promise.isCanceled()) {
    out.status = TrainingOutcome::Status::Cancelled;
    out.message = "cancelled";
    return out;
  }
  {
    std::lock_guard lock(live.mutex);
    live.fraction = 1.0;
    live.stage = "evaluating";
  }
  const auto mean = [&](const char* key) {
    const auto it = out.result.aggregate.find(key);
    return it == out.result.aggregate.end() ? std::nan("") : it->second.mean;
  };
  out.evaluated = evaluateStoredRun(std::move(trained.stored), table.classNames, table.signalClass,
                                    config.modelKind(), mean("ap"), mean("auc"), 1.0);
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
  if (c.transform.kind != InputTransformConfig::Kind::None)
    lines << QStringLiteral("Input transform: %1%2")
                 .arg(qstr(inputTransformKindName(c.transform.kind)),
                      c.transform.className.empty()
                          ? QString()
                          : QStringLiteral(" (fitted on %1)").arg(qstr(c.transform.className)));
  if (c.calibration.kind != CalibrationConfig::Kind::None)
    lines << QStringLiteral("Calibration: %1%2")
                 .arg(qstr(calibrationKindName(c.calibration.kind)),
                      c.calibration.needsHeldBackPart()
                          ? QStringLiteral(" (%1 of the training fold held back)")
                                .arg(c.calibration.fraction, 0, 'g', 3)
                          : QString());
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
                                          RunConfig config, std::string cut,
                                          std::shared_ptr<LiveRunState> live) {
  return runner.startTraining<TrainingOutcome>(
      [data = std::move(data), config = std::move(config), cut = std::move(cut),
       live = std::move(live)](QPromise<TrainingOutcome>& promise) {
        // Exceptions never cross the thread: every failure becomes an outcome.
        TrainingOutcome out;
        try {
          out = train(promise, *data, config, cut, *live);
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
