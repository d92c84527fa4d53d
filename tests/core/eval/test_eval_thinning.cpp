// Curve thinning for display, and one-vs-rest evaluation for K > 2 classes.
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/eval/curve_thinning.h"
#include "core/eval/one_vs_rest.h"
#include "core/eval/roc_curve.h"
#include "core/util/error.h"

namespace {

// Distance of (px, py) to segment a-b, axes scaled to [0, 1] by the given ranges.
double segmentDistance(double px, double py, double ax, double ay, double bx, double by) {
  const double dx = bx - ax, dy = by - ay;
  const double len2 = dx * dx + dy * dy;
  double t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0.0;
  t = std::clamp(t, 0.0, 1.0);
  return std::hypot(px - ax - t * dx, py - ay - t * dy);
}

// A binormal ROC from a deterministic generator (Box–Muller on an LCG).
imbw::RocCurve binormalRoc(std::size_t n) {
  std::uint64_t state = 99;
  auto uniform = [&state] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (static_cast<double>(state >> 11) + 0.5) * 0x1.0p-53;
  };
  std::vector<double> s(n);
  std::vector<std::uint8_t> y(n);
  for (std::size_t i = 0; i < n; ++i) {
    y[i] = uniform() < 0.2;
    const double g = std::sqrt(-2 * std::log(uniform())) * std::cos(6.283185307179586 * uniform());
    s[i] = g + (y[i] ? 1.2 : 0.0);
  }
  return imbw::rocCurve(s, y);
}

}  // namespace

class TestEvalThinning : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void thinnedRocStaysOnTheCurve() {
    const auto roc = binormalRoc(200000);
    QVERIFY(roc.size() > 100000);
    const std::size_t maxPoints = 200;
    const auto idx = imbw::thinCurve(roc.fpr, roc.tpr, maxPoints);
    QVERIFY(idx.size() <= maxPoints);
    QVERIFY(idx.size() >= 50);
    QCOMPARE(idx.front(), std::size_t(0));
    QCOMPARE(idx.back(), roc.size() - 1);
    QVERIFY(std::is_sorted(idx.begin(), idx.end()));
    // Every original point lies within 0.5 % (of the unit square) of the thinned polyline
    // piece that spans it.
    double worst = 0.0;
    for (std::size_t p = 0; p + 1 < idx.size(); ++p)
      for (std::size_t i = idx[p]; i <= idx[p + 1]; ++i)
        worst = std::max(worst,
                         segmentDistance(roc.fpr[i], roc.tpr[i], roc.fpr[idx[p]], roc.tpr[idx[p]],
                                         roc.fpr[idx[p + 1]], roc.tpr[idx[p + 1]]));
    QVERIFY2(worst < 0.005, qPrintable(QString::number(worst)));
    // Monotone input stays monotone, and the same call gives the same points.
    const auto t = imbw::thinned(roc, maxPoints);
    QVERIFY(std::is_sorted(t.fpr.begin(), t.fpr.end()));
    QVERIFY(std::is_sorted(t.tpr.begin(), t.tpr.end()));
    QVERIFY(std::is_sorted(t.thresholds.rbegin(), t.thresholds.rend()));
    QCOMPARE(imbw::thinCurve(roc.fpr, roc.tpr, maxPoints), idx);
  }

  void prCurveKeepsEndPoint() {
    const auto roc = binormalRoc(50000);
    const auto t = imbw::thinned(imbw::prCurve(roc), 100);
    QVERIFY(t.precision.size() <= 100);
    QCOMPARE(t.precision.back(), 1.0);
    QCOMPARE(t.recall.back(), 0.0);
    QCOMPARE(t.thresholds.size(), t.precision.size() - 1);
    QVERIFY(std::is_sorted(t.recall.rbegin(), t.recall.rend()));
  }

  // A staircase: corners are the points of largest deviation and must all survive; the
  // collinear points on the flat and vertical runs are dropped.
  void staircaseKeepsCorners() {
    std::vector<double> x, y;
    for (int step = 0; step < 4; ++step) {
      for (int i = 0; i < 10; ++i) {  // horizontal run
        x.push_back(step + i / 10.0);
        y.push_back(step);
      }
      for (int i = 0; i < 10; ++i) {  // vertical run
        x.push_back(step + 1);
        y.push_back(step + i / 10.0);
      }
    }
    x.push_back(4);
    y.push_back(4);
    const auto idx = imbw::thinCurve(x, y, 50);
    QCOMPARE(idx.size(), std::size_t(9));  // the two ends + 7 corners
    for (std::size_t i : idx) QVERIFY(i == 0 || i == x.size() - 1 || i % 10 == 0);
    QVERIFY_THROWS_EXCEPTION(imbw::Error, imbw::thinCurve(x, y, 1));
  }

  void shortCurveUnchanged() {
    const std::vector<double> x{0, 0.5, 1}, y{0, 0.7, 1};
    QCOMPARE(imbw::thinCurve(x, y, 10), (std::vector<std::size_t>{0, 1, 2}));
  }

  // Reference: sklearn 1.2.1 with sample_weight, run once with /usr/bin/python3:
  // roc_auc_score(cls, P, multi_class="ovr", average="macro"), roc_auc_score and
  // average_precision_score per class on one-hot labels, average_precision_score macro.
  void oneVsRestMatchesSklearn() {
    const std::vector<std::int32_t> cls{0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 2, 1};
    const std::vector<double> p{.7, .2, .1, .3, .5, .2, .2,  .3,  .5, .4, .4,  .2,
                                .1, .6, .3, .3, .3, .4, .5,  .1,  .4, .2, .2,  .6,
                                .1, .2, .7, .6, .3, .1, .25, .25, .5, .4, .35, .25};
    const std::vector<double> w{1, 2, 0.5, 1.5, 1, 1, 2, 0.5, 1, 1, 3, 0.75};
    const auto r = imbw::oneVsRest(p, cls, 3, w);
    QCOMPARE(r.perClass.size(), std::size_t(3));
    const double auc[] = {0.9895104895104896, 0.8903743315508021, 0.9393939393939394};
    const double ap[] = {0.9672727272727273, 0.8696686221658474, 0.8795454545454546};
    for (int k = 0; k < 3; ++k) {
      QVERIFY(std::abs(r.perClass[k].auc - auc[k]) < 1e-12);
      QVERIFY(std::abs(r.perClass[k].averagePrecision - ap[k]) < 1e-12);
    }
    QVERIFY(std::abs(r.macroAuc - 0.9397595868184103) < 1e-12);
    QVERIFY(std::abs(r.macroAveragePrecision - 0.9054956013280098) < 1e-12);
    QVERIFY(std::abs(r.perClass[2].fraction - 5.5 / 15.25) < 1e-12);

    const std::vector<std::int32_t> bad{0, 1, 3, 0, 1, 2, 0, 1, 2, 0, 2, 1};
    QVERIFY_THROWS_EXCEPTION(imbw::Error, imbw::oneVsRest(p, bad, 3, w));
    QVERIFY_THROWS_EXCEPTION(imbw::Error, imbw::oneVsRest(p, cls, 4, w));
  }
};

QTEST_APPLESS_MAIN(TestEvalThinning)
#include "test_eval_thinning.moc"
