#include "core/learn/run_engine.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>

#include "core/eval/curve_thinning.h"
#include "core/eval/pr_curve.h"
#include "core/eval/recalibration.h"
#include "core/eval/roc_curve.h"
#include "core/eval/score_histogram.h"
#include "core/learn/pipeline_model.h"
#include "core/learn/run_calibration.h"
#include "core/resample/resampler.h"
#include "core/util/error.h"
#include "core/util/strings.h"

namespace imbw {

namespace {

constexpr std::size_t kCurvePoints = 200;
constexpr int kHistogramBins = 40;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::uint64_t mix(std::uint64_t seed, std::uint64_t salt) {
  std::uint64_t z = seed + 0x9e3779b97f4a7c15ULL * (salt + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::vector<std::uint8_t> signalMask(const FeatureMatrix& m) {
  std::vector<std::uint8_t> s(m.rows());
  for (std::size_t i = 0; i < s.size(); ++i) s[i] = m.isSignal(i);
  return s;
}

double signalFraction(const FeatureMatrix& m) {
  double s = 0.0, all = 0.0;
  for (std::size_t i = 0; i < m.rows(); ++i) {
    all += m.weight[i];
    if (m.isSignal(i)) s += m.weight[i];
  }
  return all != 0.0 ? s / all : 0.0;
}

std::map<std::string, double> metricsOf(const BinarySummary& s, double fitSeconds) {
  std::map<std::string, double> m;
  m["fit_seconds"] = fitSeconds;
  m["ap"] = s.averagePrecision;
  m["auc"] = s.auc;
  m["ap_over_r"] = s.apOverR;
  m["signal_fraction"] = s.signalFraction;
  const char* effS[] = {"rejection_at_eff_s_0.2", "rejection_at_eff_s_0.5",
                        "rejection_at_eff_s_0.8"};
  const char* effB[] = {"eff_s_at_eff_b_0.01", "eff_s_at_eff_b_0.1", "eff_s_at_eff_b_0.3"};
  for (std::size_t k = 0; k < 3; ++k) {
    m[effS[k]] = s.atSignalEfficiency[k].backgroundRejection;
    m[effB[k]] = s.atBackgroundEfficiency[k].signalEfficiency;
  }
  return m;
}

// Turns a model's checkpoints into Snapshots and forwards polls and progress, with the fold's
// share of the overall progress.
class FoldObserver : public FitObserver {
 public:
  FoldObserver(TrainingObserver& outer, const std::string& runName, int fold, int folds,
               const FeatureMatrix* monitor, bool onValidation)
      : m_outer(outer), m_monitor(monitor) {
    m_base.runName = runName;
    m_base.fold = fold;
    m_base.folds = folds;
    m_base.onValidationSplit = onValidation;
    if (monitor) m_isSignal = signalMask(*monitor);
  }
  bool stopRequested() const override { return m_outer.stopRequested(); }
  void progress(double fraction, std::string_view stage) override {
    const double f = (m_base.fold + std::clamp(fraction, 0.0, 1.0)) / m_base.folds;
    m_outer.progress(f, "fold " + std::to_string(m_base.fold + 1) + "/" +
                            std::to_string(m_base.folds) + ": " + std::string(stage));
  }
  void checkpoint(const Checkpoint& c) override {
    m_history.push_back({static_cast<double>(c.iteration), c.trainLoss, c.validationLoss});
    Snapshot s = m_base;
    s.iteration = c.iteration;
    s.trainLoss = c.trainLoss;
    s.validationLoss = c.validationLoss;
    s.lossHistory = m_history;
    if (m_monitor && c.validationScores.size() == m_monitor->rows())
      fillCurves(s, c.validationScores);
    m_apHistory.push_back(
        {static_cast<double>(c.iteration), s.hasMetrics ? s.metrics.averagePrecision : kNaN});
    s.apHistory = m_apHistory;
    m_outer.snapshot(s);
  }

 private:
  void fillCurves(Snapshot& s, const std::vector<double>& scores) const {
    const FeatureMatrix& m = *m_monitor;
    try {
      const RocCurve roc = rocCurve(scores, m_isSignal, m.weight);
      s.metrics = summarize(roc);
      s.hasMetrics = true;
      const RocCurve rt = thinned(roc, kCurvePoints);
      s.roc = {rt.fpr, rt.tpr};
      s.rocThresholds = rt.thresholds;
      const PrCurve pt = thinned(prCurve(roc), kCurvePoints);
      s.pr = {pt.recall, pt.precision};
    } catch (const Error&) {
      s.hasMetrics = false;  // a class without weight in the monitoring set: no curves
    }
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (double v : scores)
      if (std::isfinite(v)) {
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
    if (!(hi > lo)) {
      lo = std::isfinite(lo) ? lo - 0.5 : 0.0;
      hi = lo + 1.0;
    }
    s.histogramLo = lo;
    s.histogramHi = hi;
    const auto h =
        classHistograms(scores, m.label, m.numClasses(), m.weight, kHistogramBins, lo, hi);
    s.classHistograms.clear();
    for (const Histogram& hc : h) s.classHistograms.push_back(hc.sumW);
  }

  TrainingObserver& m_outer;
  const FeatureMatrix* m_monitor;
  std::vector<std::uint8_t> m_isSignal;
  Snapshot m_base;
  std::vector<std::array<double, 3>> m_history;
  std::vector<std::array<double, 2>> m_apHistory;
};

nlohmann::json finiteOrNull(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nullptr;
}

/// Model::predictProba of a K-class model; empty when the model gives no n × K probabilities
/// (a model kind that only scores the signal class).
std::vector<double> probabilities(const Model& model, const RowMatrixF& x, std::size_t classes) {
  std::vector<double> p = model.predictProba(x);
  if (p.size() != static_cast<std::size_t>(x.rows()) * classes) p.clear();
  return p;
}

}  // namespace

std::uint64_t foldSeed(const RunConfig& config, int fold) {
  return mix(config.seed, 3000 + static_cast<std::uint64_t>(fold));
}

const std::vector<std::string>& metricNames() {
  static const std::vector<std::string> names{"fit_seconds",
                                              "ap",
                                              "auc",
                                              "ap_over_r",
                                              "rejection_at_eff_s_0.2",
                                              "rejection_at_eff_s_0.5",
                                              "rejection_at_eff_s_0.8",
                                              "eff_s_at_eff_b_0.01",
                                              "eff_s_at_eff_b_0.1",
                                              "eff_s_at_eff_b_0.3",
                                              "signal_fraction"};
  return names;
}

FeatureMatrix selectFeatures(const FeatureMatrix& data, const std::vector<std::string>& features) {
  if (features.empty() || features == data.featureNames) return data;
  FeatureMatrix out;
  out.featureNames = features;
  out.classNames = data.classNames;
  out.signalClass = data.signalClass;
  out.label = data.label;
  out.weight = data.weight;
  out.x.resize(data.x.rows(), static_cast<Eigen::Index>(features.size()));
  for (std::size_t f = 0; f < features.size(); ++f) {
    const auto it = std::find(data.featureNames.begin(), data.featureNames.end(), features[f]);
    if (it == data.featureNames.end())
      throw Error(unknownNameMessage("feature", features[f], data.featureNames));
    out.x.col(static_cast<Eigen::Index>(f)) = data.x.col(it - data.featureNames.begin());
  }
  return out;
}

nlohmann::json RunResult::toJson() const {
  nlohmann::json j;
  j["name"] = name;
  j["config"] = config.toJson();
  j["cancelled"] = cancelled;
  nlohmann::json folds = nlohmann::json::array();
  for (const FoldResult& f : this->folds) {
    nlohmann::json m = nlohmann::json::object();
    for (const auto& [k, v] : f.metrics) m[k] = finiteOrNull(v);
    folds.push_back({{"fold", f.fold},
                     {"train_events", f.trainEvents},
                     {"validation_events", f.validationEvents},
                     {"test_events", f.testEvents},
                     {"metrics", m},
                     {"summary", imbw::toJson(f.summary)}});
  }
  j["folds"] = folds;
  nlohmann::json summary = nlohmann::json::object();
  for (const auto& [k, v] : aggregate)
    summary[k] = {{"mean", finiteOrNull(v.mean)}, {"std", finiteOrNull(v.std)}, {"n", v.n}};
  j["summary"] = summary;
  return j;
}

RunResult runCrossValidated(const FeatureMatrix& input, const RunConfig& config,
                            TrainingObserver& observer) {
  return runCrossValidatedFolds(input, config, observer, {});
}

RunResult runCrossValidatedFolds(const FeatureMatrix& input, const RunConfig& config,
                                 TrainingObserver& observer, const std::vector<int>& onlyFolds) {
  RunResult result;
  result.config = config;
  result.name = config.displayName();
  const FeatureMatrix data = selectFeatures(input, config.features);
  const std::size_t n = data.rows();
  if (n == 0) throw Error("run '" + result.name + "': no events");
  if (data.numClasses() < 2) throw Error("run '" + result.name + "': need at least two classes");
  result.heldOutScores.assign(n, kNaN);
  result.heldOutFold.assign(n, -1);
  const int classes = data.numClasses();
  result.classes = classes;
  const auto K = static_cast<std::size_t>(classes);
  if (classes > 2) result.heldOutProbabilities.assign(n * K, kNaN);
  // Validate the model spec before any work.
  (void)makeModel(config.modelSpec(0.5));

  const std::vector<Fold> folds =
      stratifiedKFold(data.label, data.numClasses(), config.folds, config.seed);
  const double valFraction = config.effectiveValidationFraction();
  const std::string runName = result.name;
  for (int k : onlyFolds)
    if (k < 0 || k >= static_cast<int>(folds.size()))
      throw Error("run '" + runName + "': there is no fold " + std::to_string(k + 1) + " of " +
                  std::to_string(folds.size()));
  const auto chosen = [&onlyFolds](int k) {
    return onlyFolds.empty() || std::find(onlyFolds.begin(), onlyFolds.end(), k) != onlyFolds.end();
  };

  try {
    for (int k = 0; k < static_cast<int>(folds.size()); ++k) {
      if (!chosen(k)) continue;
      if (observer.stopRequested()) throw Cancelled();
      const Fold& fold = folds[static_cast<std::size_t>(k)];
      observer.progress(
          static_cast<double>(k) / folds.size(),
          "fold " + std::to_string(k + 1) + "/" + std::to_string(folds.size()) + ": preparing");
      // Validation split carved from the training part, stratified.
      std::vector<std::size_t> trainRows = fold.train, valRows;
      if (valFraction > 0.0) {
        const FeatureMatrix trainPart = data.subset(fold.train);
        const int vk = std::max(2, static_cast<int>(std::lround(1.0 / valFraction)));
        const std::vector<Fold> split =
            stratifiedKFold(trainPart.label, data.numClasses(), vk, mix(config.seed, 1000 + k));
        trainRows.clear();
        for (std::size_t i : split[0].train) trainRows.push_back(fold.train[i]);
        for (std::size_t i : split[0].test) valRows.push_back(fold.train[i]);
      }
      // Calibration part (Platt, isotonic): held back from the training part, stratified.
      std::vector<std::size_t> calRows;
      if (config.calibration.needsHeldBackPart()) {
        const FeatureMatrix part = data.subset(trainRows);
        const int ck =
            std::max(2, static_cast<int>(std::lround(1.0 / config.calibration.fraction)));
        const std::vector<Fold> split =
            stratifiedKFold(part.label, data.numClasses(), ck, mix(config.seed, 4000 + k));
        std::vector<std::size_t> rest;
        for (std::size_t i : split[0].train) rest.push_back(trainRows[i]);
        for (std::size_t i : split[0].test) calRows.push_back(trainRows[i]);
        trainRows = std::move(rest);
      }
      ResampleConfig rc = config.resample;
      rc.seed = mix(config.resample.seed ^ config.seed, 2000 + k);
      FeatureMatrix train = resample(data.subset(trainRows), rc).data;
      const FeatureMatrix validation = data.subset(valRows);
      const FeatureMatrix test = data.subset(fold.test);

      std::unique_ptr<Model> model = makeModel(config.modelSpec(signalFraction(train)));
      PipelineModel* pipeline = nullptr;
      if (config.transform.kind != InputTransformConfig::Kind::None ||
          config.calibration.kind != CalibrationConfig::Kind::None) {
        auto p =
            std::make_unique<PipelineModel>(std::move(model), InputTransform(config.transform));
        pipeline = p.get();
        model = std::move(p);
      }
      // The monitoring set: the validation split, else the held-out fold, which is then only
      // drawn, never handed to a model that would stop on it.
      const bool haveVal = !valRows.empty();
      const FeatureMatrix* monitor = haveVal ? &validation : &test;
      FoldObserver fo(observer, runName, k, static_cast<int>(folds.size()), monitor, haveVal);
      FitContext ctx;
      ctx.validation = (haveVal || !config.modelStopsEarly()) ? monitor : nullptr;
      ctx.observer = &fo;
      ctx.threads = config.threads;
      ctx.seed = foldSeed(config, k);
      const auto t0 = std::chrono::steady_clock::now();
      model->fit(train, ctx);
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

      if (pipeline && config.calibration.kind == CalibrationConfig::Kind::Prior) {
        pipeline->setCalibrator(
            priorCorrection(priorCorrectionFactor(config, data.subset(trainRows), train)));
      } else if (pipeline && config.calibration.needsHeldBackPart()) {
        const FeatureMatrix cal =
            withNegativeWeightPolicy(data.subset(calRows), config.resample.negativeWeights);
        const std::vector<double> raw = pipeline->predictRaw(cal.x);
        const std::vector<std::uint8_t> y = signalMask(cal);
        try {
          pipeline->setCalibrator(config.calibration.kind == CalibrationConfig::Kind::Platt
                                      ? fitPlatt(raw, y, cal.weight)
                                      : fitIsotonic(raw, y, cal.weight));
        } catch (const Error& e) {
          throw Error("run '" + runName + "', fold " + std::to_string(k + 1) + ": " + e.what());
        }
      }
      const std::vector<double> scores = model->predict(test.x);
      // The training events as they were before resampling (synthetic events have no input
      // row; copies would only repeat a score), with their own rows' features.
      std::vector<float> trainScores(n, std::numeric_limits<float>::quiet_NaN());
      const FeatureMatrix trainInput = data.subset(trainRows);
      {
        const std::vector<double> s = model->predict(trainInput.x);
        for (std::size_t i = 0; i < trainRows.size(); ++i)
          trainScores[trainRows[i]] = static_cast<float>(s[i]);
      }
      const std::vector<double> p =
          classes > 2 ? probabilities(*model, test.x, K) : std::vector<double>{};
      const std::vector<double> t =
          p.empty() ? std::vector<double>{} : probabilities(*model, trainInput.x, K);
      if (!p.empty() && !t.empty()) {
        for (std::size_t i = 0; i < fold.test.size(); ++i)
          std::copy_n(
              p.begin() + static_cast<std::ptrdiff_t>(i * K), K,
              result.heldOutProbabilities.begin() + static_cast<std::ptrdiff_t>(fold.test[i] * K));
        std::vector<float> tp(n * K, std::numeric_limits<float>::quiet_NaN());
        for (std::size_t i = 0; i < trainRows.size(); ++i)
          for (std::size_t c = 0; c < K; ++c)
            tp[trainRows[i] * K + c] = static_cast<float>(t[i * K + c]);
        result.trainingProbabilities.push_back(std::move(tp));
      }
      FoldResult fr;
      fr.fold = k;
      fr.trainEvents = train.rows();
      fr.validationEvents = valRows.size();
      fr.testEvents = test.rows();
      fr.fitSeconds = seconds;
      fr.summary = evaluateBinary(scores, signalMask(test), test.weight);
      fr.metrics = metricsOf(fr.summary, seconds);
      if (pipeline && config.calibration.kind != CalibrationConfig::Kind::None) {
        // Brier score and log loss of the held-out fold before and after calibration.
        const std::vector<double> raw = pipeline->predictRaw(test.x);
        const std::vector<std::uint8_t> y = signalMask(test);
        fr.metrics["brier_raw"] = brierScore(raw, y, test.weight);
        fr.metrics["brier"] = brierScore(scores, y, test.weight);
        fr.metrics["log_loss_raw"] = logLoss(raw, y, test.weight);
        fr.metrics["log_loss"] = logLoss(scores, y, test.weight);
        double sw = 0.0, sws = 0.0;
        for (std::size_t i = 0; i < scores.size(); ++i) {
          sw += test.weight[i];
          sws += test.weight[i] * scores[i];
        }
        fr.metrics["mean_score"] = sw != 0.0 ? sws / sw : kNaN;  // weighted, to compare with r
      }
      for (std::size_t i = 0; i < fold.test.size(); ++i) {
        result.heldOutScores[fold.test[i]] = scores[i];
        result.heldOutFold[fold.test[i]] = k;
      }
      result.trainingScores.push_back(std::move(trainScores));
      result.models.push_back(std::shared_ptr<Model>(std::move(model)));
      result.folds.push_back(fr);
      observer.foldFinished(result.folds.back());
    }
  } catch (const Cancelled&) {
    result.cancelled = true;
  }
  if (result.trainingProbabilities.size() != result.folds.size()) {
    result.heldOutProbabilities.clear();  // some fold's model had no class probabilities
    result.trainingProbabilities.clear();
  }

  std::vector<std::map<std::string, double>> perFold;
  for (const FoldResult& f : result.folds) perFold.push_back(f.metrics);
  result.aggregate = aggregateFolds(perFold);
  observer.progress(1.0, result.cancelled ? "cancelled" : "done");
  return result;
}

}  // namespace imbw
