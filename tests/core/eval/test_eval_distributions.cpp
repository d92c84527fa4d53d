// Score histograms, the Kolmogorov–Smirnov overtraining check and the calibration curve.
#include <QtTest>

#include <cmath>
#include <vector>

#include "core/eval/calibration.h"
#include "core/eval/score_histogram.h"
#include "core/util/error.h"

namespace {

bool near(double a, double b, double tol = 1e-12) {
  return std::abs(a - b) <= tol;
}

// Two small samples without ties (used for the scipy reference below).
const std::vector<double> kA{0.12, 0.35, 0.47, 0.51, 0.66, 0.72,
                             0.81, 0.93, 0.27, 0.58, 0.44, 0.69};
const std::vector<double> kB{0.05, 0.22, 0.31, 0.39, 0.41, 0.48, 0.55, 0.62, 0.18, 0.36};

}  // namespace

class TestEvalDistributions : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  // By hand: class 0 -> bins [1+2, 3] (1.0 == hi goes to the last bin), overflow 0.25;
  // class 1 -> bins [0.5, 1.5+2] (0.5 is a bin edge: upper bin), underflow 1.
  void weightedHistograms() {
    const std::vector<double> s{0.05, 0.15, 0.15, 0.95, 1.0, -0.1, 1.2, 0.5};
    const std::vector<std::int32_t> c{0, 0, 1, 1, 0, 1, 0, 1};
    const std::vector<double> w{1, 2, 0.5, 1.5, 3, 1, 0.25, 2};
    const auto h = imbw::classHistograms(s, c, 2, w, 2, 0.0, 1.0);
    QCOMPARE(h.size(), std::size_t(2));
    QCOMPARE(h[0].sumW, (std::vector<double>{3.0, 3.0}));
    QCOMPARE(h[0].sumW2, (std::vector<double>{5.0, 9.0}));
    QCOMPARE(h[0].overflow, 0.25);
    QCOMPARE(h[1].sumW, (std::vector<double>{0.5, 3.5}));
    QCOMPARE(h[1].underflow, 1.0);
    QCOMPARE(h[1].error(1), 2.5);  // √(1.5² + 2²)
    QCOMPARE(h[1].binCenter(1), 0.75);
    QCOMPARE(h[1].integral(), 4.0);
    // The binary overload treats isSignal as the class index.
    const std::vector<std::uint8_t> y{0, 0, 1, 1, 0, 1, 0, 1};
    QCOMPARE(imbw::classHistograms(s, y, w, 2, 0.0, 1.0)[1].sumW, h[1].sumW);
    QVERIFY_THROWS_EXCEPTION(imbw::Error, imbw::classHistograms(s, c, 2, w, 0, 0.0, 1.0));
    QVERIFY_THROWS_EXCEPTION(imbw::Error, imbw::classHistograms(s, c, 2, w, 4, 1.0, 1.0));
  }

  // Reference: scipy 1.10.1 stats.kstwobign.sf(z), run once with /usr/bin/python3.
  void kolmogorovDistribution_data() {
    QTest::addColumn<double>("z");
    QTest::addColumn<double>("q");
    QTest::newRow("0.3") << 0.3 << 0.9999906941986655;
    QTest::newRow("0.5") << 0.5 << 0.9639452436648751;
    QTest::newRow("1.0") << 1.0 << 0.26999967167735456;
    QTest::newRow("1.2") << 1.2 << 0.11224966667072497;
    QTest::newRow("1.36") << 1.36 << 0.049485876755377876;  // the textbook 5 % point
    QTest::newRow("1.63") << 1.63 << 0.009846364888486529;  // the textbook 1 % point
    QTest::newRow("2.0") << 2.0 << 0.0006709252557796953;
    QTest::newRow("3.0") << 3.0 << 3.045995948942526e-08;
  }
  void kolmogorovDistribution() {
    QFETCH(double, z);
    QFETCH(double, q);
    QVERIFY2(std::abs(imbw::kolmogorovProbability(z) - q) <= 1e-12 * std::max(q, 1e-3),
             qPrintable(QString::number(imbw::kolmogorovProbability(z), 'g', 17)));
  }

  // Reference: scipy 1.10.1 stats.ks_2samp(kA, kB, method="asymp").statistic = 0.45 and
  // kstwobign.sf(sqrt(12*10/22) * 0.45) = 0.21931014741717372 (run once, /usr/bin/python3).
  void ksUnweightedMatchesScipy() {
    const auto r = imbw::ksTest(kA, {}, kB, {});
    QVERIFY(near(r.distance, 0.45));
    QCOMPARE(r.effectiveA, 12.0);
    QCOMPARE(r.effectiveB, 10.0);
    QVERIFY(near(r.probability, 0.21931014741717372, 1e-12));
  }

  // Ties within and across samples are one CDF step: a = {1,2,2,3}, b = {2,2,4}. By hand the
  // CDF gaps after 1, 2, 3, 4 are 1/4, 3/4 − 2/3, 1 − 2/3, 0, so D = 1/3.
  void ksTies() {
    const auto r =
        imbw::ksTest(std::vector<double>{1, 2, 2, 3}, {}, std::vector<double>{2, 2, 4}, {});
    QVERIFY(near(r.distance, 1.0 / 3.0));
  }

  // An integer weight is the same CDF as repeating the event; the effective size is
  // (Σw)² / Σw² (here (1+2+3)² / (1+4+9)).
  void ksWeights() {
    const std::vector<double> a{0.2, 0.5, 0.9}, wa{1, 2, 3};
    const std::vector<double> aRepeated{0.2, 0.5, 0.5, 0.9, 0.9, 0.9};
    const auto weighted = imbw::ksTest(a, wa, kB, {});
    const auto repeated = imbw::ksTest(aRepeated, {}, kB, {});
    QVERIFY(near(weighted.distance, repeated.distance));
    QVERIFY(near(weighted.effectiveA, 36.0 / 14.0));
    const double n = weighted.effectiveA * 10.0 / (weighted.effectiveA + 10.0);
    QVERIFY(
        near(weighted.probability, imbw::kolmogorovProbability(std::sqrt(n) * weighted.distance)));
    QVERIFY_THROWS_EXCEPTION(imbw::Error, imbw::ksTest({}, {}, kB, {}));
  }

  void overtrainingCheck() {
    // Class 0: train = test (D = 0, probability 1); class 1: train kA, test kB (as above);
    // class 2 has no events (probability NaN, not an error).
    std::vector<double> trainS, testS;
    std::vector<std::int32_t> trainC, testC;
    for (double x : kA) {
      trainS.push_back(x);
      trainC.push_back(0);
      testS.push_back(x);
      testC.push_back(0);
      trainS.push_back(x);
      trainC.push_back(1);
    }
    for (double x : kB) {
      testS.push_back(x);
      testC.push_back(1);
    }
    const auto checks =
        imbw::overtrainingCheck(trainS, trainC, {}, testS, testC, {}, 3, 10, 0.0, 1.0);
    QCOMPARE(checks.size(), std::size_t(3));
    QCOMPARE(checks[0].ks.distance, 0.0);
    QCOMPARE(checks[0].ks.probability, 1.0);
    QCOMPARE(checks[0].train.sumW, checks[0].test.sumW);
    QVERIFY(near(checks[1].ks.probability, 0.21931014741717372, 1e-12));
    QCOMPARE(checks[1].train.integral(), 12.0);
    QCOMPARE(checks[1].test.integral(), 10.0);
    QVERIFY(std::isnan(checks[2].ks.probability));
  }

  // By hand, 4 bins on [0, 1]: bin 0 holds .05 (w 1, bkg), .15 (w 2, sig), .12 (w 1, bkg):
  // mean (.05 + .3 + .12)/4 = .1175, signal fraction 2/4; bin 1 is empty (left out);
  // bin 2: .55 (w 1, sig), .65 (w 3, bkg): mean 2.5/4, fraction 1/4; bin 3: .95 alone.
  void calibration() {
    const std::vector<double> s{0.05, 0.15, 0.12, 0.55, 0.65, 0.95};
    const std::vector<std::uint8_t> y{0, 1, 0, 1, 0, 1};
    const std::vector<double> w{1, 2, 1, 1, 3, 0.5};
    const auto c = imbw::calibrationCurve(s, y, w, 4);
    QCOMPARE(c.binLow, (std::vector<double>{0.0, 0.5, 0.75}));
    QVERIFY(near(c.meanPredicted[0], 0.1175));
    QVERIFY(near(c.observedFraction[0], 0.5));
    QVERIFY(near(c.meanPredicted[1], 0.625));
    QVERIFY(near(c.observedFraction[1], 0.25));
    QVERIFY(near(c.meanPredicted[2], 0.95));
    QCOMPARE(c.observedFraction[2], 1.0);
    QCOMPARE(c.counts, (std::vector<std::size_t>{3, 2, 1}));
    QCOMPARE(c.sumWeights[1], 4.0);
  }
};

QTEST_APPLESS_MAIN(TestEvalDistributions)
#include "test_eval_distributions.moc"
