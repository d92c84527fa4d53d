// ROC, PR, AUC and AP against scikit-learn 1.2.1 (the cases in shared/reference/*.json).
#include <QtTest>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <vector>

#include "core/eval/binary_summary.h"
#include "core/eval/pr_curve.h"
#include "core/eval/roc_curve.h"
#include "core/util/error.h"

namespace {

struct Case {
  std::string name;
  std::vector<double> scores;
  std::vector<std::uint8_t> labels;
  std::vector<double> weights;
  nlohmann::json expected;
};

Case loadCase(const QString& name) {
  const char* shared = std::getenv("IMBW_SHARED_DIR");
  if (!shared) throw std::runtime_error("IMBW_SHARED_DIR is not set");
  const auto path =
      std::filesystem::path(shared) / "reference" / ("metrics_" + name.toStdString() + ".json");
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path.string());
  const auto j = nlohmann::json::parse(in);
  Case c;
  c.name = name.toStdString();
  c.scores = j.at("scores").get<std::vector<double>>();
  for (int l : j.at("labels").get<std::vector<int>>()) c.labels.push_back(l == 1);
  if (!j.at("weights").is_null()) c.weights = j.at("weights").get<std::vector<double>>();
  c.expected = j.at("expected");
  return c;
}

// Relative-or-absolute closeness for curve points.
bool close(double a, double b, double tol = 1e-9) {
  return std::abs(a - b) <= tol * std::max(1.0, std::abs(b));
}

}  // namespace

class TestEvalReference : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void matchesSklearn_data() {
    QTest::addColumn<QString>("name");
    for (const char* n :
         {"tiny_ties", "tiny_weighted", "ww_w1pt", "higgsml_weighted", "random_negative_weights"})
      QTest::newRow(n) << QString(n);
  }

  void matchesSklearn() {
    QFETCH(QString, name);
    const Case c = loadCase(name);
    const auto roc = imbw::rocCurve(c.scores, c.labels, c.weights);
    const auto& er = c.expected.at("roc");
    const auto fpr = er.at("fpr").get<std::vector<double>>();
    const auto tpr = er.at("tpr").get<std::vector<double>>();
    const auto thr = er.at("thresholds").get<std::vector<double>>();
    QCOMPARE(roc.size(), fpr.size());
    QVERIFY(std::isinf(roc.thresholds[0]));  // sklearn's max + 1 sentinel, not compared
    for (std::size_t k = 0; k < fpr.size(); ++k) {
      QVERIFY2(close(roc.fpr[k], fpr[k]), qPrintable(QString("fpr[%1]").arg(k)));
      QVERIFY2(close(roc.tpr[k], tpr[k]), qPrintable(QString("tpr[%1]").arg(k)));
      if (k > 0) QCOMPARE(roc.thresholds[k], thr[k]);
    }
    QVERIFY(std::abs(imbw::rocAuc(roc) - c.expected.at("auc").get<double>()) <= 1e-9);

    const auto pr = imbw::prCurve(roc);
    const auto& ep = c.expected.at("pr");
    const auto precision = ep.at("precision").get<std::vector<double>>();
    const auto recall = ep.at("recall").get<std::vector<double>>();
    const auto pthr = ep.at("thresholds").get<std::vector<double>>();
    QCOMPARE(pr.precision.size(), precision.size());
    QCOMPARE(pr.thresholds.size(), pthr.size());
    for (std::size_t k = 0; k < precision.size(); ++k) {
      QVERIFY2(close(pr.precision[k], precision[k]), qPrintable(QString("precision[%1]").arg(k)));
      QVERIFY2(close(pr.recall[k], recall[k]), qPrintable(QString("recall[%1]").arg(k)));
      if (k < pthr.size()) QCOMPARE(pr.thresholds[k], pthr[k]);
    }
    const double ap = c.expected.at("average_precision").get<double>();
    QVERIFY(std::abs(imbw::averagePrecision(roc) - ap) <= 1e-9);
    QVERIFY(std::abs(imbw::averagePrecision(c.scores, c.labels, c.weights) - ap) <= 1e-9);

    const auto summary = imbw::evaluateBinary(c.scores, c.labels, c.weights);
    QVERIFY(std::abs(summary.averagePrecision - ap) <= 1e-9);
    QVERIFY(std::abs(summary.auc - c.expected.at("auc").get<double>()) <= 1e-9);
    // r and AP/r from the inputs, summed here independently.
    double ws = 0, wb = 0;
    for (std::size_t i = 0; i < c.scores.size(); ++i)
      (c.labels[i] ? ws : wb) += c.weights.empty() ? 1.0 : c.weights[i];
    QVERIFY(close(summary.signalFraction, ws / (ws + wb), 1e-12));
    QVERIFY(close(summary.apOverR, ap / (ws / (ws + wb)), 1e-8));
  }

  // The tiny case by hand: thresholds 0.9, 0.7, 0.5 (three events tie, 1 signal + 2 bkg),
  // 0.3, 0.2, 0.1. Ties form one step: no point between (0, 0.5) and (0.5, 0.75).
  void tiedScoresAreOneStep() {
    const std::vector<double> s{0.1, 0.5, 0.5, 0.9, 0.3, 0.7, 0.5, 0.2};
    const std::vector<std::uint8_t> y{0, 0, 1, 1, 0, 1, 0, 1};
    const auto roc = imbw::rocCurve(s, y);
    QCOMPARE(roc.size(), std::size_t(7));
    QCOMPARE(roc.thresholds[3], 0.5);
    QCOMPARE(roc.tp[3], 3.0);
    QCOMPARE(roc.fp[3], 2.0);
    QCOMPARE(roc.fpr[3], 0.5);
    QCOMPARE(roc.tpr[3], 0.75);
  }

  void signalMaskFromClassIndex() {
    const std::vector<std::int32_t> labels{0, 2, 1, 2};
    QCOMPARE(imbw::signalMask(labels, 2), (std::vector<std::uint8_t>{0, 1, 0, 1}));
  }

  // Zero-weight events are dropped (sklearn does the same) and so create no threshold.
  void zeroWeightsAddNoThreshold() {
    const std::vector<double> s{0.9, 0.8, 0.7, 0.6};
    const std::vector<std::uint8_t> y{1, 0, 1, 0};
    const std::vector<double> w{1.0, 0.0, 2.0, 1.0};
    const auto roc = imbw::rocCurve(s, y, w);
    QCOMPARE(roc.size(), std::size_t(4));
    QCOMPARE(roc.events, std::size_t(3));
    QCOMPARE(roc.thresholds[2], 0.7);
  }

  // The radix ranking must give the same curve as a plain reference build (std::map with
  // exact score keys), on the serial (small n) and the parallel path, with ties, negative and
  // huge scores, -0.0 next to +0.0 (one tie, as in numpy), and negative weights.
  void rankingMatchesDirectComputation_data() {
    QTest::addColumn<int>("n");
    QTest::addColumn<int>("mode");
    for (int n : {1000, 300000}) {
      QTest::newRow(qPrintable(QString("rounded-%1").arg(n))) << n << 0;
      QTest::newRow(qPrintable(QString("wide-%1").arg(n))) << n << 1;
      QTest::newRow(qPrintable(QString("few-values-%1").arg(n))) << n << 2;
    }
  }
  void rankingMatchesDirectComputation() {
    QFETCH(int, n);
    QFETCH(int, mode);
    std::vector<double> s(n), w(n);
    std::vector<std::uint8_t> y(n);
    std::uint64_t state = 12345 + mode;
    auto next = [&state] {
      state = state * 6364136223846793005ULL + 1442695040888963407ULL;
      return static_cast<double>(state >> 11) * 0x1.0p-53;
    };
    for (int i = 0; i < n; ++i) {
      y[i] = next() < 0.1;
      const double u = next() + (y[i] ? 0.3 : 0.0);
      if (mode == 0) s[i] = std::round(u * 1000.0) / 1000.0;                 // many ties
      if (mode == 1) s[i] = (u - 0.6) * std::pow(10.0, 40.0 * next() - 20);  // both signs, 1e±20
      if (mode == 2) s[i] = std::floor(u * 4.0) - 2.0;                       // -2, -1, 0, 1, 2
      if (s[i] == 0.0 && next() < 0.5) s[i] = -0.0;
      w[i] = next() < 0.05 ? 0.0 : next() * 2.0 - 0.3;
    }
    const auto roc = imbw::rocCurve(s, y, w);
    std::map<double, std::pair<double, double>, std::greater<>> perScore;
    std::size_t used = 0;
    for (int i = 0; i < n; ++i) {
      if (w[i] == 0.0) continue;
      ++used;
      (y[i] ? perScore[s[i]].first : perScore[s[i]].second) += w[i];
    }
    QCOMPARE(roc.events, used);
    QCOMPARE(roc.size(), perScore.size() + 1);
    double tp = 0, fp = 0;
    std::size_t k = 1;
    for (const auto& [score, sums] : perScore) {
      tp += sums.first;
      fp += sums.second;
      QCOMPARE(roc.thresholds[k], score);
      QVERIFY(close(roc.tp[k], tp, 1e-9));
      QVERIFY(close(roc.fp[k], fp, 1e-9));
      ++k;
    }
  }

  void badInputsThrow() {
    const std::vector<double> s{0.1, 0.2};
    const std::vector<std::uint8_t> y{1, 0};
    const std::vector<std::uint8_t> onlySignal{1, 1};
    const std::vector<double> nan{0.1, std::nan("")};
    const std::vector<double> w3{1, 2, 3};
    QVERIFY_THROWS_EXCEPTION(imbw::Error, imbw::rocCurve(s, onlySignal));
    QVERIFY_THROWS_EXCEPTION(imbw::Error, imbw::rocCurve(nan, y));
    QVERIFY_THROWS_EXCEPTION(imbw::Error, imbw::rocCurve(s, y, w3));
    QVERIFY_THROWS_EXCEPTION(imbw::Error, imbw::rocCurve({}, {}));
  }
};

QTEST_APPLESS_MAIN(TestEvalReference)
#include "test_eval_reference.moc"
