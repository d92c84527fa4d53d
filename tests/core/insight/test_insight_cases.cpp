// core/insight on hand-built cases and closed forms: working points, controlled imbalance,
// the prior correction's statistical promise, permutation importance over a run, errors.
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "core/eval/recalibration.h"
#include "core/eval/significance.h"
#include "core/insight/feature_drop.h"
#include "core/insight/imbalance_scan.h"
#include "core/insight/imbalance_scan_record.h"
#include "core/insight/permutation_importance.h"
#include "core/insight/tree_importance.h"
#include "core/insight/working_point_choice.h"
#include "core/learn/model.h"
#include "core/learn/run_calibration.h"
#include "core/learn/run_engine.h"
#include "core/resample/class_subsample.h"
#include "core/resample/resampler.h"
#include "core/util/error.h"
#include "tests/core/learn/toy_data.h"

namespace {

std::vector<std::uint8_t> mask(const imbw::FeatureMatrix& m) {
  std::vector<std::uint8_t> s(m.rows());
  for (std::size_t i = 0; i < s.size(); ++i) s[i] = m.isSignal(i);
  return s;
}

}  // namespace

class TestInsightCases : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  // Six events: scores 0.9 s(w2), 0.8 b(w1), 0.7 s(w1), 0.4 b(w3), 0.3 s(w1), 0.1 b(w4).
  // Totals S = 4, B = 8. Cuts (score ≥ t): 0.9 → s2 b0; 0.8 → s2 b1; 0.7 → s3 b1;
  // 0.4 → s3 b4; 0.3 → s4 b4; 0.1 → s4 b8.
  void workingPointsByHand() {
    const std::vector<double> s{0.9, 0.8, 0.7, 0.4, 0.3, 0.1};
    const std::vector<std::uint8_t> y{1, 0, 1, 0, 1, 0};
    const std::vector<double> w{2, 1, 1, 3, 1, 4};
    const auto roc = imbw::rocCurve(s, y, w);
    imbw::WorkingPointChoice c;
    c.criterion = imbw::WorkingPointChoice::Criterion::SignalEfficiency;
    c.target = 0.7;  // first cut with ε_S ≥ 0.7: 0.7 (3/4)
    auto p = imbw::chooseWorkingPoint(roc, c);
    QCOMPARE(p.cut, 0.7);
    QCOMPARE(p.signalEfficiency, 0.75);
    QCOMPARE(p.backgroundEfficiency, 0.125);
    QCOMPARE(p.purity, 0.75);
    c.criterion = imbw::WorkingPointChoice::Criterion::BackgroundEfficiency;
    c.target = 0.5;  // loosest cut with ε_B ≤ 0.5: 0.3 (4/8)
    p = imbw::chooseWorkingPoint(roc, c);
    QCOMPARE(p.cut, 0.3);
    QCOMPARE(p.signalEfficiency, 1.0);
    QCOMPARE(p.s, 4.0);
    QCOMPARE(p.b, 4.0);
    // s/√b at luminosity 4: (8,0) excluded (b = 0), (8,4) → 4, (12,4) → 6, (12,16) → 3,
    // (16,16) → 4, (16,32) → 2.83: best is 0.7 with Z = 6.
    c.criterion = imbw::WorkingPointChoice::Criterion::Significance;
    c.significance = "s_over_sqrt_b";
    c.luminosity = 4.0;
    p = imbw::chooseWorkingPoint(roc, c);
    QCOMPARE(p.cut, 0.7);
    QCOMPARE(p.s, 12.0);
    QCOMPARE(p.b, 4.0);
    QCOMPARE(p.significance, 6.0);
    // With b ≥ 10 required: (12,16) → 3, (16,16) → 4, (16,32) → 2.83: 0.3.
    c.minBackground = 10.0;
    QCOMPARE(imbw::chooseWorkingPoint(roc, c).cut, 0.3);
    // Asimov at a fixed cut is the closed form.
    c = {};
    c.criterion = imbw::WorkingPointChoice::Criterion::FixedCut;
    c.target = 0.5;  // selects 0.9, 0.8, 0.7: s 3, b 1
    p = imbw::chooseWorkingPoint(roc, c);
    QCOMPARE(p.s, 3.0);
    QCOMPARE(p.b, 1.0);
    QCOMPARE(p.significance, std::sqrt(2.0 * (4.0 * std::log(4.0) - 3.0)));
  }

  void foldedWorkingPointScalesEachFold() {
    // Two identical folds of the six events above: each fold stands for both, so its yields
    // double; the spread over folds is 0.
    const std::vector<double> s{0.9, 0.8, 0.7, 0.4, 0.3, 0.1, 0.9, 0.8, 0.7, 0.4, 0.3, 0.1};
    const std::vector<std::uint8_t> y{1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0};
    const std::vector<double> w{2, 1, 1, 3, 1, 4, 2, 1, 1, 3, 1, 4};
    const std::vector<int> fold{0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1};
    imbw::WorkingPointChoice c;
    c.criterion = imbw::WorkingPointChoice::Criterion::FixedCut;
    c.target = 0.5;
    const auto f = imbw::foldedWorkingPoint(s, y, w, fold, c);
    QCOMPARE(f.perFold.size(), std::size_t{2});
    QCOMPARE(f.mean.s, 6.0);
    QCOMPARE(f.mean.b, 2.0);
    QCOMPARE(f.std.s, 0.0);
    QVERIFY_THROWS_EXCEPTION(
        imbw::Error, imbw::WorkingPointChoice::fromJson({{"criterion", "eff_s"}, {"target", 1.5}}));
    QVERIFY_THROWS_EXCEPTION(imbw::Error,
                             imbw::WorkingPointChoice::fromJson({{"significance", "z"}}));
    const auto back = imbw::WorkingPointChoice::fromJson(c.toJson());
    QCOMPARE(back.target, 0.5);
  }

  void subsampleKeepsWhatWasAsked() {
    const auto m = imbw::test::blobs(5000, 2, 1.0, 0.3, 3);
    std::vector<double> w(m.rows());
    for (std::size_t i = 0; i < w.size(); ++i) w[i] = 0.5 + static_cast<double>(i % 7) * 0.25;
    imbw::FeatureMatrix mw = m;
    mw.weight = w;
    const auto cfg = imbw::ClassSubsample::fromJson(
        {{"seed", 5}, {"classes", {{"c1", {{"fraction", 0.1}}}, {"c0", {{"count", 1000}}}}}});
    imbw::SubsampleResult r;
    const auto out = imbw::applySubsample(cfg, mw, &r);
    const std::size_t n1 = std::count(m.label.begin(), m.label.end(), 1);
    QCOMPARE(r.before[1], n1);
    QCOMPARE(r.after[1], static_cast<std::uint64_t>(std::llround(0.1 * n1)));
    QCOMPARE(r.after[0], std::uint64_t{1000});
    QCOMPARE(out.rows(), static_cast<std::size_t>(r.after[0] + r.after[1]));
    // The kept rows are the input rows (features and weights), in input order.
    for (std::size_t k = 0; k < r.kept.size(); ++k) {
      if (k) QVERIFY(r.kept[k] > r.kept[k - 1]);
      QCOMPARE(out.x(static_cast<Eigen::Index>(k), 0),
               m.x(static_cast<Eigen::Index>(r.kept[k]), 0));
      QCOMPARE(out.weight[k], w[r.kept[k]]);
    }
    // Same seed, same draw; another seed, another draw; one class's draw ignores the other's.
    QCOMPARE(imbw::applySubsample(cfg, mw).weight, out.weight);
    auto other = cfg;
    other.seed = 6;
    imbw::SubsampleResult r2;
    (void)imbw::applySubsample(other, mw, &r2);
    QVERIFY(r2.kept != r.kept);
    auto onlySignal =
        imbw::ClassSubsample::fromJson({{"seed", 5}, {"classes", {{"c1", {{"fraction", 0.1}}}}}});
    imbw::SubsampleResult r3;
    (void)imbw::applySubsample(onlySignal, mw, &r3);
    std::vector<std::size_t> sig1, sig3;
    for (std::size_t i : r.kept)
      if (m.label[i] == 1) sig1.push_back(i);
    for (std::size_t i : r3.kept)
      if (m.label[i] == 1) sig3.push_back(i);
    QCOMPARE(sig3, sig1);
    QCOMPARE(r3.after[0], r3.before[0]);
    // Rescaled weights keep each class's yield.
    auto rescaled = cfg;
    rescaled.rescaleWeights = true;
    imbw::SubsampleResult r4;
    (void)imbw::applySubsample(rescaled, mw, &r4);
    for (int c = 0; c < 2; ++c)
      QVERIFY(std::abs(r4.weightAfter[c] - r4.weightBefore[c]) < 1e-9 * r4.weightBefore[c]);
    QVERIFY(r.weightAfter[1] < 0.2 * r.weightBefore[1]);
    // Bad input names the cause.
    QVERIFY_THROWS_EXCEPTION(
        imbw::Error,
        imbw::applySubsample(
            imbw::ClassSubsample::fromJson({{"classes", {{"c9", {{"fraction", 0.5}}}}}}), mw));
    QVERIFY_THROWS_EXCEPTION(
        imbw::Error,
        imbw::applySubsample(
            imbw::ClassSubsample::fromJson({{"classes", {{"c0", {{"count", 99999}}}}}}), mw));
    QVERIFY_THROWS_EXCEPTION(
        imbw::Error, imbw::ClassSubsample::fromJson({{"classes", {{"c0", {{"fraction", 0}}}}}}));
    QCOMPARE(imbw::ClassSubsample::fromJson(cfg.toJson()).toJson(), cfg.toJson());
  }

  // A model trained on a sample whose signal weight was multiplied by k (under-sampling with
  // the classes' weights equalised) predicts odds k times too high; the prior correction
  // brings its mean score on an untouched sample back to that sample's signal fraction,
  // within the statistical error.
  void priorCorrectionRestoresTheSignalFraction() {
    const auto train = imbw::test::blobs(20000, 1, 1.5, 0.1, 11);
    const auto test = imbw::test::blobs(20000, 1, 1.5, 0.1, 12);
    imbw::ResampleConfig rc;
    rc.kind = imbw::ResampleKind::RandomUnder;
    rc.equaliseWeights = true;
    const auto balanced = imbw::resample(train, rc).data;
    auto ratio = [](const imbw::FeatureMatrix& m) {
      double s = 0, b = 0;
      for (std::size_t i = 0; i < m.rows(); ++i) (m.isSignal(i) ? s : b) += m.weight[i];
      return s / b;
    };
    const double k = ratio(balanced) / ratio(train);
    QVERIFY(k > 7.0);
    auto model = imbw::makeModel({{"kind", "logistic"}});
    imbw::FitContext ctx;
    model->fit(balanced, ctx);
    const auto raw = model->predict(test.x);
    const auto corrected = imbw::priorCorrection(k).apply(raw);
    const double n = static_cast<double>(test.rows());
    double r = 0;
    for (std::size_t i = 0; i < test.rows(); ++i) r += test.isSignal(i);
    r /= n;
    const double meanRaw = std::accumulate(raw.begin(), raw.end(), 0.0) / n;
    const double meanCorr = std::accumulate(corrected.begin(), corrected.end(), 0.0) / n;
    // σ: the test sample's binomial error and the training sample's (the fitted prior rests on
    // its ~2000 signal events).
    const double nSig = r * 20000.0;
    const double sigma = std::sqrt(r * (1 - r) / n + r * r / nSig);
    QVERIFY2(
        std::abs(meanCorr - r) < 3.0 * sigma,
        qPrintable(QString("corrected mean %1, r = %2, sigma %3").arg(meanCorr).arg(r).arg(sigma)));
    QVERIFY(meanRaw > r + 20 * sigma);
    // And the corrected scores are better calibrated.
    const auto y = mask(test);
    QVERIFY(imbw::brierScore(corrected, y) < imbw::brierScore(raw, y));
    QVERIFY(imbw::logLoss(corrected, y) < imbw::logLoss(raw, y));
  }

  // The factor the prior correction divides the odds by, on a training part with Σw_S = 10,
  // Σw_B = 90 (r = 0.1): re-weighting to equal totals, α = 1 − r and a balanced forest each
  // multiply the odds by 9; under-sampling that keeps the class totals changes nothing.
  void priorFactorByHand() {
    imbw::FeatureMatrix before;
    before.featureNames = {"x"};
    before.classNames = {"b", "s"};
    before.x.resize(10, 1);
    before.x.setZero();
    before.label = {1, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    before.weight = {10, 10, 10, 10, 10, 10, 10, 10, 10, 10};
    imbw::RunConfig rc;
    rc.model = {{"kind", "logistic"}};
    QCOMPARE(imbw::priorCorrectionFactor(rc, before, before), 1.0);
    imbw::FeatureMatrix equalised = before;
    for (std::size_t i = 1; i < 10; ++i) equalised.weight[i] = 10.0 / 9.0;
    QVERIFY(std::abs(imbw::priorCorrectionFactor(rc, before, equalised) - 9.0) < 1e-12);
    rc = imbw::RunConfig::fromJson(
        {{"model", "logistic"}, {"loss", {{"kind", "weighted_cross_entropy"}, {"alpha", "1-r"}}}});
    QVERIFY(std::abs(imbw::priorCorrectionFactor(rc, before, before) - 9.0) < 1e-12);
    rc = imbw::RunConfig::fromJson(
        {{"model", {{"kind", "random_forest"}, {"class_weight", "balanced"}}}});
    QVERIFY(std::abs(imbw::priorCorrectionFactor(rc, before, before) - 9.0) < 1e-12);
    rc = imbw::RunConfig::fromJson({{"model", "balanced_random_forest"}});
    QVERIFY(std::abs(imbw::priorCorrectionFactor(rc, before, before) - 9.0) < 1e-12);
    // Drop / |w| for the calibration events.
    imbw::FeatureMatrix neg = before;
    neg.weight[3] = -2.0;
    QCOMPARE(imbw::withNegativeWeightPolicy(neg, imbw::NegativeWeightPolicy::Drop).rows(),
             std::size_t{9});
    QCOMPARE(imbw::withNegativeWeightPolicy(neg, imbw::NegativeWeightPolicy::Abs).weight[3], 2.0);
  }

  // A scan over r: above the data's own fraction the background is drawn down, below it the
  // signal; every point's run sees that r, and AP falls with r while AP/r rises.
  void imbalanceScanDrawsEachR() {
    const auto data = imbw::test::blobs(4000, 2, 1.5, 0.2, 41);
    std::size_t ns = 0;
    for (std::size_t i = 0; i < data.rows(); ++i) ns += data.isSignal(i);
    const std::size_t nb = data.rows() - ns;
    auto rc = imbw::RunConfig::fromJson({{"model", "logistic"}, {"folds", 2}});
    imbw::TrainingObserver quiet;
    const auto scan = imbw::imbalanceScan(data, rc, {0.5, 0.05}, quiet);
    QCOMPARE(scan.size(), std::size_t{2});
    QCOMPARE(scan[0].subsample.classes.at(0).first, std::string("c0"));
    QCOMPARE(scan[0].subsample.classes.at(0).second.count, static_cast<std::uint64_t>(ns));
    QCOMPARE(scan[1].subsample.classes.at(0).first, std::string("c1"));
    QCOMPARE(scan[1].subsample.classes.at(0).second.count,
             static_cast<std::uint64_t>(std::llround(0.05 / 0.95 * static_cast<double>(nb))));
    for (const auto& p : scan) {
      QVERIFY(std::abs(p.countR - p.targetR) < 1e-3);
      QVERIFY(std::abs(p.result.aggregate.at("signal_fraction").mean - p.targetR) < 1e-3);
    }
    QVERIFY(scan[0].result.aggregate.at("ap").mean > scan[1].result.aggregate.at("ap").mean);
    QVERIFY(scan[1].result.aggregate.at("ap_over_r").mean >
            scan[0].result.aggregate.at("ap_over_r").mean);
    QVERIFY_THROWS_EXCEPTION(imbw::Error, imbw::imbalanceScan(data, rc, {0.5, 1.0}, quiet));

    // As the project keeps it: through JSON and back, every number the view shows.
    const auto record = imbw::ImbalanceScanRecord::fromScan("r4", 7, scan);
    const nlohmann::json list = imbw::withImbalanceScan(nullptr, record);
    const auto back = imbw::imbalanceScanRecords(nlohmann::json::parse(list.dump()));
    QCOMPARE(back.size(), std::size_t{1});
    QCOMPARE(back[0].runId, std::string("r4"));
    QCOMPARE(back[0].seed, std::uint64_t{7});
    QCOMPARE(back[0].points.size(), scan.size());
    for (std::size_t i = 0; i < scan.size(); ++i) {
      const auto& p = back[0].points[i];
      QCOMPARE(p.targetR, scan[i].targetR);
      QCOMPARE(p.countR, scan[i].countR);
      QCOMPARE(p.events, static_cast<std::uint64_t>(scan[i].result.heldOutScores.size()));
      QCOMPARE(p.subsample.toJson(), scan[i].subsample.toJson());
      QCOMPARE(p.metrics.size(), scan[i].result.aggregate.size());
      for (const auto& [key, v] : scan[i].result.aggregate) {
        QCOMPARE(p.metrics.at(key).mean, v.mean);
        QCOMPARE(p.metrics.at(key).n, v.n);
        if (std::isnan(v.std))
          QVERIFY(std::isnan(p.metrics.at(key).std));  // JSON null, read back as NaN
        else
          QCOMPARE(p.metrics.at(key).std, v.std);
      }
    }
    // A second scan of the same run replaces the first; another run's is kept beside it.
    auto other = record;
    other.runId = "r5";
    nlohmann::json two = imbw::withImbalanceScan(list, other);
    auto again = record;
    again.points.resize(1);
    two = imbw::withImbalanceScan(two, again);
    const auto both = imbw::imbalanceScanRecords(two);
    QCOMPARE(both.size(), std::size_t{2});
    QCOMPARE(both[0].runId, std::string("r4"));
    QCOMPARE(both[0].points.size(), std::size_t{1});
    QCOMPARE(both[1].runId, std::string("r5"));
    // A damaged entry names itself.
    nlohmann::json bad = list;
    bad[0]["points"][1]["r"] = 1.5;
    try {
      imbw::imbalanceScanRecords(bad);
      QFAIL("accepted r = 1.5");
    } catch (const imbw::Error& e) {
      QVERIFY2(QString(e.what()).contains("imbalanceScans[0]") &&
                   QString(e.what()).contains("point 2") && QString(e.what()).contains("1.5"),
               e.what());
    }
  }

  void calibrationConfigAndErrors() {
    const auto c = imbw::CalibrationConfig::fromJson({{"kind", "isotonic"}, {"fraction", 0.25}});
    QVERIFY(c.kind == imbw::CalibrationConfig::Kind::Isotonic);
    QCOMPARE(imbw::CalibrationConfig::fromJson(c.toJson()).fraction, 0.25);
    QVERIFY_THROWS_EXCEPTION(imbw::Error, imbw::CalibrationConfig::fromJson({{"kind", "beta"}}));
    QVERIFY_THROWS_EXCEPTION(imbw::Error, imbw::CalibrationConfig::fromJson({{"fraction", 1.0}}));
    const std::vector<double> s{0.1, 0.4, 0.6};
    const std::vector<std::uint8_t> y{0, 0, 0};
    QVERIFY_THROWS_EXCEPTION(imbw::Error, imbw::fitIsotonic(s, y));  // one class only
    const std::vector<std::uint8_t> y2{0, 1, 1};
    const std::vector<double> w{1, -1, 1};
    QVERIFY_THROWS_EXCEPTION(imbw::Error, imbw::fitPlatt(s, y2, w));
    QVERIFY_THROWS_EXCEPTION(imbw::Error, imbw::priorCorrection(0.0));
    // Hand-built isotonic: (0.1,1) (0.2,0) pool to 0.5; (0.3,1) stays.
    const std::vector<double> s3{0.1, 0.2, 0.3};
    const std::vector<std::uint8_t> y3{1, 0, 1};
    const auto iso = imbw::fitIsotonic(s3, y3);
    QCOMPARE(iso.apply(0.15), 0.5);
    QCOMPARE(iso.apply(0.25), 0.75);
    QCOMPARE(iso.apply(0.0), 0.5);
    QCOMPARE(iso.apply(1.0), 1.0);
  }

  void foldedReliabilitySpread() {
    // Fold 0 and fold 1 put the same scores in bin 2 with observed fractions 0 and 1.
    const std::vector<double> s{0.25, 0.25, 0.85, 0.25, 0.25, 0.85};
    const std::vector<std::uint8_t> y{0, 0, 1, 1, 1, 1};
    const std::vector<int> fold{0, 0, 0, 1, 1, 1};
    const auto c = imbw::foldedCalibrationCurve(s, y, {}, fold, 10);
    QCOMPARE(c.binLow.size(), std::size_t{2});
    QCOMPARE(c.observedFraction[0], 0.5);
    QCOMPARE(c.observedFractionStd[0], std::sqrt(0.5));
    QCOMPARE(c.meanPredicted[0], 0.25);
    QCOMPARE(c.folds[1], 2);
  }

  // Over a cross-validated run: the one informative input of three ranks first and its drop
  // is large; shuffling noise costs about nothing. Trees report gain, a network does not.
  // "Train again without the bottom k": a hand-made ranking of five features (mean drops
  // 0.30, −0.01, 0.05, NaN, 0.05): by decreasing drop a (0.30), c (0.05), e (0.05, after c in
  // feature order), b (−0.01), d (NaN, last).
  void featureDropByHand() {
    imbw::RunPermutationImportance r;
    r.features = {"a", "b", "c", "d", "e"};
    r.mean = {0.30, -0.01, 0.05, NAN, 0.05};
    r.std = {0.01, 0.01, 0.01, NAN, 0.01};
    const auto two = imbw::dropBottomFeatures(r, 2);
    QCOMPARE(two.dropped, (std::vector<std::string>{"b", "d"}));
    QCOMPARE(two.kept, (std::vector<std::string>{"a", "c", "e"}));
    QCOMPARE(imbw::featureDropRunName("gbdt", two), std::string("gbdt without b, d"));
    const auto four = imbw::dropBottomFeatures(r, 4);
    QCOMPARE(four.dropped, (std::vector<std::string>{"c", "e", "b", "d"}));
    QCOMPARE(four.kept, (std::vector<std::string>{"a"}));
    QCOMPARE(imbw::featureDropRunName("gbdt", four), std::string("gbdt without the bottom 4"));
    imbw::RunConfig source;
    source.name = "mlp";
    source.folds = 4;
    source.seed = 9;
    source.features = {"e", "d", "c", "b", "a"};
    const imbw::RunConfig c = imbw::featureDropConfig(source, two);
    QCOMPARE(c.name, std::string("mlp without b, d"));
    QCOMPARE(c.features, two.kept);
    QCOMPARE(c.folds, 4);
    QCOMPARE(c.seed, std::uint64_t{9});
    // k must leave one feature: 0 and 5 of 5 are refused, naming k and the count.
    for (int k : {0, 5, -1}) {
      try {
        (void)imbw::dropBottomFeatures(r, k);
        QFAIL("no error");
      } catch (const imbw::Error& e) {
        const QString m = e.what();
        QVERIFY2(m.contains(QString("bottom %1 of 5").arg(k)) && m.contains("between 1 and 4"),
                 qPrintable(m));
      }
    }
  }

  void runImportanceRanksTheInformativeFeature() {
    auto data = imbw::test::blobs(3000, 3, 2.0, 0.2, 21);
    // blobs shifts feature (k − 1) % dims for class k: x0 carries the signal, x1, x2 are noise.
    imbw::RunConfig rc;
    rc.model = {{"kind", "logistic"}};
    rc.folds = 3;
    imbw::TrainingObserver quiet;
    const auto run = imbw::runCrossValidated(data, rc, quiet);
    imbw::PermutationOptions o;
    o.repeats = 3;
    const auto imp = imbw::runPermutationImportance(data, run, o);
    QCOMPARE(imp.perFold.size(), std::size_t{3});
    QCOMPARE(imp.ranking().front(), std::size_t{0});
    QVERIFY(imp.mean[0] > 0.2);
    QVERIFY(std::abs(imp.mean[1]) < 0.02 && std::abs(imp.mean[2]) < 0.02);
    // Reproducible for a seed.
    QCOMPARE(imbw::runPermutationImportance(data, run, o).mean, imp.mean);
    QVERIFY(!imbw::hasTreeImportance(*run.models[0]));
    QVERIFY_THROWS_EXCEPTION(imbw::Error, imbw::treeImportance(*run.models[0], data.featureNames));

    imbw::RunConfig gb;
    gb.model = {{"kind", "gbdt"}, {"trees", 20}, {"max_depth", 3}};
    gb.folds = 2;
    const auto trees = imbw::runCrossValidated(data, gb, quiet);
    const auto t = imbw::treeImportance(*trees.models[0], data.featureNames);
    QVERIFY(t.totalGain[0] > 5 * (t.totalGain[1] + t.totalGain[2]));
    QVERIFY(t.splitCount[0] > 0);
  }
};

QTEST_GUILESS_MAIN(TestInsightCases)
#include "test_insight_cases.moc"
