// Working points, significance scans, metrics at a threshold and the F1 optimum, checked
// against hand-computed cases and scikit-learn / imbalanced-learn values.
#include <QtTest>

#include <cmath>
#include <vector>

#include "core/eval/binary_summary.h"
#include "core/eval/roc_curve.h"
#include "core/eval/significance.h"
#include "core/eval/threshold_metrics.h"
#include "core/eval/working_points.h"
#include "core/util/error.h"

namespace {

// shared/reference tiny_ties / tiny_weighted events.
const std::vector<double> kScores{0.1, 0.5, 0.5, 0.9, 0.3, 0.7, 0.5, 0.2};
const std::vector<std::uint8_t> kLabels{0, 0, 1, 1, 0, 1, 0, 1};
const std::vector<double> kWeights{1.0, 2.0, 0.5, 1.5, 3.0, 1.0, 0.25, 2.0};

bool near(double a, double b, double tol = 1e-12) {
  return std::abs(a - b) <= tol;
}

}  // namespace

class TestEvalCuts : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  // tiny_ties ROC (fpr, tpr): (0,0) (0,.25) (0,.5) (.5,.75) (.75,.75) (.75,1) (1,1),
  // thresholds inf .9 .7 .5 .3 .2 .1. Expected values interpolated by hand.
  void workingPointsUnweighted() {
    const auto roc = imbw::rocCurve(kScores, kLabels);
    auto wp = imbw::atSignalEfficiency(roc, 0.2);  // between (0,0) and (0,.25)
    QCOMPARE(wp.backgroundEfficiency, 0.0);
    QVERIFY(std::isinf(wp.backgroundRejection));
    QCOMPARE(wp.thresholdLoose, 0.9);

    wp = imbw::atSignalEfficiency(roc, 0.6);  // t = 0.1/0.25 = 0.4 of the way to (.5,.75)
    QVERIFY(near(wp.backgroundEfficiency, 0.2));
    QVERIFY(near(wp.backgroundRejection, 5.0));
    QCOMPARE(wp.thresholdTight, 0.7);
    QCOMPARE(wp.thresholdLoose, 0.5);
    QVERIFY(wp.interpolated);

    wp = imbw::atSignalEfficiency(roc, 0.5);  // exactly a ROC point
    QCOMPARE(wp.backgroundEfficiency, 0.0);
    QVERIFY(!wp.interpolated);

    wp = imbw::atSignalEfficiency(roc, 0.8);  // vertical step at ε_B = .75
    QVERIFY(near(wp.backgroundRejection, 1.0 / 0.75));

    // ε_S at ε_B: bracket (0,.5)-(.5,.75), ε_S = .5 + ε_B/2.
    QVERIFY(near(imbw::atBackgroundEfficiency(roc, 0.01).signalEfficiency, 0.505));
    QVERIFY(near(imbw::atBackgroundEfficiency(roc, 0.1).signalEfficiency, 0.55));
    QVERIFY(near(imbw::atBackgroundEfficiency(roc, 0.3).signalEfficiency, 0.65));
    QVERIFY(near(imbw::atBackgroundEfficiency(roc, 0.6).signalEfficiency, 0.75));

    QVERIFY(std::isnan(imbw::atSignalEfficiency(roc, 1.5).backgroundEfficiency));
  }

  // tiny_weighted ROC: fpr 0 0 0 .36 .84 .84 1, tpr 0 .3 .5 .6 .6 1 1 (sklearn's values).
  void workingPointsWeighted() {
    const auto roc = imbw::rocCurve(kScores, kLabels, kWeights);
    QVERIFY(near(imbw::atSignalEfficiency(roc, 0.55).backgroundEfficiency, 0.18));
    QVERIFY(near(imbw::atSignalEfficiency(roc, 0.55).backgroundRejection, 1.0 / 0.18, 1e-9));
    QVERIFY(near(imbw::atBackgroundEfficiency(roc, 0.1).signalEfficiency, 0.5 + 0.1 / 3.6));
    QVERIFY(near(imbw::atSignalEfficiency(roc, 0.8).backgroundEfficiency, 0.84));

    const auto s = imbw::evaluateBinary(kScores, kLabels, kWeights);
    QVERIFY(near(s.atBackgroundEfficiency[1].signalEfficiency, 0.5 + 0.1 / 3.6));
    QVERIFY(near(s.atSignalEfficiency[2].backgroundEfficiency, 0.84));
    QVERIFY(near(s.signalFraction, 5.0 / 11.25));
    const auto j = imbw::toJson(s);
    QCOMPARE(j.at("working_points").size(), std::size_t(6));
    QVERIFY(j.at("working_points")[0].at("rejection").is_null());  // ε_B = 0 -> 1/ε_B = inf
  }

  // Values from the formula evaluated in Python's math module (independent of this code).
  void asimovFormula() {
    QVERIFY(near(imbw::asimovSignificance(5, 10), 1.471038151525966, 1e-12));
    QVERIFY(near(imbw::asimovSignificance(100, 1e4), 0.9983402395954343, 1e-12));
    // s << b: Z_A -> s/√b (1 − s/(6b)); the direct formula cancels catastrophically here.
    QVERIFY(near(imbw::asimovSignificance(1e-6, 1.0) / 1e-6, 1.0, 1e-6));
    QVERIFY(std::isnan(imbw::asimovSignificance(1, 0)));
    QVERIFY(std::isnan(imbw::significanceSOverSqrtB(1, 0)));
    QVERIFY(near(imbw::significanceSOverSqrtSPlusB(6, 10.5), 6 / std::sqrt(16.5)));
  }

  // tiny_weighted, luminosity factor 2. By hand, (s, b) for the cuts .5 .3 .2 .1:
  // (6, 4.5) (6, 10.5) (10, 10.5) (10, 12.5); .9 and .7 have b = 0 (no Z).
  void significanceScan() {
    const auto roc = imbw::rocCurve(kScores, kLabels, kWeights);
    const auto scan = imbw::significanceScan(roc, 2.0);
    QCOMPARE(scan.s.size(), std::size_t(6));
    QCOMPARE(scan.thresholds[2], 0.5);
    QVERIFY(near(scan.s[2], 6.0));
    QVERIFY(near(scan.b[2], 4.5));
    QVERIFY(near(scan.sOverSqrtB[2], 2.8284271247461903));
    QVERIFY(near(scan.asimov[2], 2.4069181681418406));
    QVERIFY(std::isnan(scan.sOverSqrtB[0]));
    QCOMPARE(scan.bestSOverSqrtB.threshold, 0.2);
    QVERIFY(near(scan.bestSOverSqrtB.z, 3.086066999241838));
    QCOMPARE(scan.bestSOverSqrtSPlusB.threshold, 0.2);
    QVERIFY(near(scan.bestSOverSqrtSPlusB.z, 10 / std::sqrt(20.5)));
    QCOMPARE(scan.bestAsimov.threshold, 0.2);
    QVERIFY(near(scan.bestAsimov.z, 2.7259924409682936));
    // Requiring b >= 11 leaves only the loosest cut.
    const auto strict = imbw::significanceScan(roc, 2.0, 11.0);
    QCOMPARE(strict.bestAsimov.threshold, 0.1);
    QVERIFY(near(strict.bestAsimov.z, 2.5397637529099746));
    QVERIFY_THROWS_EXCEPTION(imbw::Error, imbw::significanceScan(roc, 0.0));
  }

  // Reference: sklearn 1.2.1 precision_score / recall_score / f1_score /
  // balanced_accuracy_score / matthews_corrcoef / confusion_matrix and imblearn 0.10
  // geometric_mean_score, all with sample_weight, on pred = (score >= 0.5); run once with
  // /usr/bin/python3 and pasted here.
  void metricsAtThresholdMatchSklearn() {
    const auto m = imbw::metricsAtThreshold(kScores, kLabels, kWeights, 0.5);
    QVERIFY(near(m.counts.tn, 4.0));
    QVERIFY(near(m.counts.fp, 2.25));
    QVERIFY(near(m.counts.fn, 2.0));
    QVERIFY(near(m.counts.tp, 3.0));
    QVERIFY(near(m.precision, 0.5714285714285714));
    QVERIFY(near(m.recall, 0.6));
    QVERIFY(near(m.f1, 0.5853658536585366));
    QVERIFY(near(m.balancedAccuracy, 0.62));
    QVERIFY(near(m.mcc, 0.23904572186687875));
    QVERIFY(near(m.gMean, 0.6196773353931867));
  }

  // F1 = 2tp / (tp + fp + P), P = 5, by hand for the cuts .9 .7 .5 .3 .2 .1:
  // 3/6.5, 5/7.5, 6/10.25, 6/13.25, 10/15.25, 10/16.25 -> best .7 with 2/3.
  void f1Optimum() {
    const auto roc = imbw::rocCurve(kScores, kLabels, kWeights);
    const auto best = imbw::f1OptimalThreshold(roc);
    QCOMPARE(best.threshold, 0.7);
    QVERIFY(near(best.f1, 2.0 / 3.0));
    QVERIFY(near(best.counts.tn, 6.25));
  }
};

QTEST_APPLESS_MAIN(TestEvalCuts)
#include "test_eval_cuts.moc"
