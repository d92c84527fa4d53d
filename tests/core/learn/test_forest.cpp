#include <QtTest/QtTest>

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/learn/forest_model.h"
#include "core/learn/gbdt_model.h"
#include "core/util/error.h"
#include "tests/core/learn/test_gbdt_toy.h"
#include "tests/timing_bounds.h"

using namespace imbw;

namespace {

double maxAbsDiff(const std::vector<double>& a, const std::vector<double>& b) {
  double d = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) d = std::max(d, std::abs(a[i] - b[i]));
  return d;
}

std::string tempPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("imbw_test_forest_" + std::to_string(::getpid()) + "_" + name))
      .string();
}

ForestParams paramsFor(const QString& kind) {
  ForestParams p = ForestParams::defaults(kind == "balanced");
  if (kind == "weighted") p.classWeightBalanced = true;
  return p;
}

/// The record each grown tree keeps of its root: (drawn weight, signal fraction). With unit
/// weights these are the number of draws and the fraction of them that are signal.
std::vector<std::pair<double, double>> rootStats(const ForestModel& m) {
  std::vector<std::pair<double, double>> out;
  for (const auto& t : m.trees()) out.emplace_back(t.weight[0], t.value[0]);
  return out;
}

}  // namespace

class TestForest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void learnsSeparableProblem_data();
  void learnsSeparableProblem();
  void leavesHoldSignalFractions();
  void balancedForestSeesBalancedTrees();
  void weightedForestEqualisesClasses();
  void standardForestBootstraps();
  void checkpointsEveryBatch();
  void multiClass();
  void cancelWithin200ms_data();
  void cancelWithin200ms();
  void deterministicWithSeed();
  void saveLoadIdenticalScores_data();
  void saveLoadIdenticalScores();
  void parameters();
};

void TestForest::learnsSeparableProblem_data() {
  QTest::addColumn<QString>("kind");
  QTest::newRow("random_forest") << "standard";
  QTest::newRow("weighted") << "weighted";
  QTest::newRow("balanced") << "balanced";
}

void TestForest::learnsSeparableProblem() {
  QFETCH(QString, kind);
  const auto train = treetest::separable(3000, 5, 0.1, 21);
  const auto test = treetest::separable(1500, 5, 0.1, 22);
  ForestParams p = paramsFor(kind);
  p.trees = 50;
  ForestModel m(p);
  m.fit(train, FitContext{});
  QCOMPARE(m.treeCount(), 50);
  const auto s = m.predict(test.x);
  for (double v : s) QVERIFY(v >= -1e-6 && v <= 1 + 1e-6);  // mean leaf fractions
  const double auc = treetest::pairwiseAuc(s, test);
  QVERIFY2(auc > 0.995, qPrintable(QString("AUC %1").arg(auc)));
}

void TestForest::leavesHoldSignalFractions() {
  // One feature with 12 distinct values, each repeated 5 times with a hand-chosen number of
  // signal events; one unlimited tree on all events (no bootstrap) must split every value
  // apart that differs in purity, so the score of value v is its own signal fraction.
  FeatureMatrix m;
  m.featureNames = {"v"};
  m.classNames = {"b", "s"};
  const int sigCount[12] = {0, 1, 2, 3, 4, 5, 5, 4, 3, 2, 1, 0};
  m.x.resize(60, 1);
  for (int v = 0; v < 12; ++v)
    for (int r = 0; r < 5; ++r) {
      m.x(v * 5 + r, 0) = static_cast<float>(v);
      m.label.push_back(r < sigCount[v] ? 1 : 0);
      m.weight.push_back(1.0);
    }
  ForestParams p = ForestParams::defaults(false);
  p.trees = 1;
  p.maxDepth = 0;
  p.bootstrap = false;
  p.maxFeatures = 1.0;
  ForestModel f(p);
  f.fit(m, FitContext{});
  const auto s = f.predict(m.x);
  for (int v = 0; v < 12; ++v) QVERIFY(std::abs(s[v * 5] - sigCount[v] / 5.0) < 1e-6);
}

void TestForest::balancedForestSeesBalancedTrees() {
  const auto train = treetest::overlapping(5000, 6, 0.08, 1.0, 23);
  std::size_t nSig = 0;
  for (std::size_t i = 0; i < train.rows(); ++i) nSig += train.isSignal(i) ? 1 : 0;
  for (bool bootstrap : {false, true}) {
    ForestParams p = ForestParams::defaults(true);
    p.trees = 20;
    p.bootstrap = bootstrap;
    ForestModel m(p);
    m.fit(train, FitContext{});
    // Our own record of each draw ...
    QCOMPARE(m.treeSamples().size(), std::size_t(20));
    for (const auto& t : m.treeSamples()) {
      QCOMPARE(t.draws[0] + t.draws[1], 2 * nSig);
      if (!bootstrap) {
        QCOMPARE(t.distinct[0], nSig);
        QCOMPARE(t.distinct[1], nSig);
      } else {
        QVERIFY(t.distinct[0] < nSig && t.distinct[1] < nSig);  // duplicates were drawn
      }
    }
    // ... and the roots of the grown trees: each root saw 2·nSig unit-weight events
    // of which half (exactly, without bootstrap) are signal.
    const auto roots = rootStats(m);
    QCOMPARE(roots.size(), std::size_t(20));
    for (std::size_t t = 0; t < roots.size(); ++t) {
      QVERIFY(std::abs(roots[t].first - 2.0 * nSig) < 1e-3);
      const double frac = static_cast<double>(m.treeSamples()[t].draws[1]) / (2.0 * nSig);
      QVERIFY(std::abs(roots[t].second - frac) < 1e-5);
      if (!bootstrap) QVERIFY(std::abs(roots[t].second - 0.5) < 1e-6);
      if (bootstrap) QVERIFY(std::abs(roots[t].second - 0.5) < 0.1);
    }
    // The trees differ: each drew its own background events.
    QVERIFY(roots[0] != roots[1] || bootstrap == false);
  }
}

void TestForest::weightedForestEqualisesClasses() {
  const auto train = treetest::overlapping(4000, 5, 0.1, 1.0, 24);
  ForestParams p = ForestParams::defaults(false);
  p.trees = 5;
  p.classWeightBalanced = true;
  p.bootstrap = false;
  ForestModel m(p);
  m.fit(train, FitContext{});
  for (const auto& [hess, value] : rootStats(m)) {
    QVERIFY(std::abs(value - 0.5) < 1e-6);    // classes carry equal weight
    QVERIFY(std::abs(hess - 4000.0) < 1e-2);  // total weight unchanged
  }
}

void TestForest::standardForestBootstraps() {
  const auto train = treetest::overlapping(4000, 5, 0.1, 1.0, 25);
  std::size_t nSig = 0;
  for (std::size_t i = 0; i < train.rows(); ++i) nSig += train.isSignal(i) ? 1 : 0;
  ForestParams p = ForestParams::defaults(false);
  p.trees = 10;
  ForestModel m(p);
  m.fit(train, FitContext{});
  const auto roots = rootStats(m);
  for (std::size_t t = 0; t < roots.size(); ++t) {
    const auto& s = m.treeSamples()[t];
    QCOMPARE(s.draws[0] + s.draws[1], train.rows());  // n draws with replacement
    const std::size_t distinct = s.distinct[0] + s.distinct[1];
    QVERIFY(distinct > 0.60 * train.rows() && distinct < 0.66 * train.rows());  // ≈ 1 − 1/e
    QVERIFY(std::abs(roots[t].first - 4000.0) < 1e-2);
    QVERIFY(std::abs(roots[t].second - static_cast<double>(s.draws[1]) / 4000.0) < 1e-5);
    QVERIFY(std::abs(roots[t].second - static_cast<double>(nSig) / 4000.0) < 0.03);
  }
}

void TestForest::checkpointsEveryBatch() {
  const auto train = treetest::overlapping(3000, 5, 0.1, 1.0, 26);
  const auto val = treetest::overlapping(700, 5, 0.1, 1.0, 27);
  ForestParams p = ForestParams::defaults(false);
  p.trees = 35;
  ForestModel m(p);
  treetest::Recorder rec;
  FitContext ctx;
  ctx.validation = &val;
  ctx.observer = &rec;
  m.fit(train, ctx);
  QCOMPARE(rec.checkpoints.size(), std::size_t(4));
  QCOMPARE(rec.checkpoints[0].iteration, 10);
  QCOMPARE(rec.checkpoints[2].iteration, 30);
  QCOMPARE(rec.checkpoints[3].iteration, 35);
  QVERIFY(rec.polls >= 5);  // before the trees, after each batch, and during growth
  const auto s = m.predict(val.x);
  QVERIFY(maxAbsDiff(rec.checkpoints.back().validationScores, s) < 1e-6);
  double loss = 0;
  for (std::size_t i = 0; i < val.rows(); ++i)
    loss -= std::log(std::max(1e-7, val.isSignal(i) ? s[i] : 1 - s[i]));
  QVERIFY(std::abs(rec.checkpoints.back().validationLoss - loss / val.rows()) < 1e-5);
}

void TestForest::multiClass() {
  const auto train = treetest::blobs(3000, 28);
  const auto test = treetest::blobs(1000, 29);
  for (bool balanced : {false, true}) {
    ForestParams p = ForestParams::defaults(balanced);
    p.trees = 20;
    ForestModel m(p);
    m.fit(train, FitContext{});
    if (balanced) {  // every class drawn down to the smallest one (higgs, about 10 %)
      for (const auto& t : m.treeSamples()) {
        QCOMPARE(t.distinct.size(), std::size_t(3));
        QCOMPARE(
            t.draws[0] + t.draws[1] + t.draws[2],
            3 * static_cast<std::size_t>(std::count(train.label.begin(), train.label.end(), 2)));
      }
    }
    const auto proba = m.predictProba(test.x);
    std::size_t correct = 0;
    for (std::size_t i = 0; i < test.rows(); ++i) {
      const double* r = &proba[i * 3];
      QVERIFY(std::abs(r[0] + r[1] + r[2] - 1.0) < 1e-9);
      correct += (std::max_element(r, r + 3) - r) == test.label[i] ? 1 : 0;
    }
    QVERIFY(correct > 0.99 * test.rows());
    QVERIFY(treetest::pairwiseAuc(m.predict(test.x), test) > 0.999);
  }
}

void TestForest::cancelWithin200ms_data() {
  QTest::addColumn<QString>("kind");
  QTest::newRow("random_forest") << "standard";
  QTest::newRow("balanced") << "balanced";
}

void TestForest::cancelWithin200ms() {
  QFETCH(QString, kind);
  const auto train = treetest::overlapping(20000, 10, 0.075, 0.5, 30);
  std::vector<double> latencies;
  for (int trial = 0; trial < imbw::test::kLatencyTrials; ++trial) {
    ForestParams p = paramsFor(kind);
    p.trees = 100000;
    ForestModel m(p);
    treetest::Recorder rec;
    FitContext ctx;
    ctx.observer = &rec;
    const double ms =
        treetest::cancelLatencyMs(rec, std::chrono::milliseconds(150), [&] { m.fit(train, ctx); });
    qInfo("%s: cancel took %.1f ms after %ld polls", qPrintable(kind), ms, rec.polls.load());
    QVERIFY2(ms >= 0.0, "fit did not end with Cancelled");
    QCOMPARE(rec.pollsAfterFlag.load(), 1L);
    // Trees poll while they grow (every 5 ms of work), so no further batch may finish, and the
    // issue's bound holds with a wide margin (≈ 10 ms measured, 170k × 20 included:
    // trees_bench poll-gaps).
    QCOMPARE(rec.progressAfterFlag.load(), 0L);
    latencies.push_back(ms);
  }
  const double median = imbw::test::medianLatency(latencies);
  IMBW_VERIFY_LATENCY(
      median < imbw::test::kCancelBoundMs,
      qPrintable(
          QString("cancel took %1 ms (median of %2)").arg(median).arg(imbw::test::kLatencyTrials)));
}

void TestForest::deterministicWithSeed() {
  const auto train = treetest::overlapping(3000, 6, 0.1, 1.0, 31);
  const auto test = treetest::overlapping(500, 6, 0.1, 1.0, 32);
  for (bool balanced : {false, true}) {
    auto run = [&](std::uint64_t seed) {
      ForestParams p = ForestParams::defaults(balanced);
      p.trees = 15;
      ForestModel m(p);
      FitContext ctx;
      ctx.seed = seed;
      m.fit(train, ctx);
      return m.predict(test.x);
    };
    const auto a = run(3), b = run(3), c = run(4);
    QVERIFY(a == b);
    QVERIFY(maxAbsDiff(a, c) > 1e-6);
  }
}

void TestForest::saveLoadIdenticalScores_data() {
  QTest::addColumn<QString>("kind");
  QTest::addColumn<QString>("ext");
  QTest::newRow("rf-ubj") << "standard"
                          << ".ubj";
  QTest::newRow("weighted-json") << "weighted"
                                 << ".json";
  QTest::newRow("balanced-ubj") << "balanced"
                                << ".ubj";
}

void TestForest::saveLoadIdenticalScores() {
  QFETCH(QString, kind);
  QFETCH(QString, ext);
  const auto train = treetest::overlapping(2000, 4, 0.1, 1.0, 33);
  ForestParams p = paramsFor(kind);
  p.trees = 12;
  ForestModel m(p);
  m.fit(train, FitContext{});
  const std::string path = tempPath("forest" + ext.toStdString());
  m.save(path);
  const auto loaded = loadTreeModel(path);
  QCOMPARE(loaded->kind(), m.kind());
  QCOMPARE(loaded->config(), m.config());
  QVERIFY(loaded->predict(train.x) == m.predict(train.x));
  QVERIFY_THROWS_EXCEPTION(Error, GbdtModel::loadGbdt(path));  // it is not a gbdt
  std::filesystem::remove(path);
}

void TestForest::parameters() {
  QCOMPARE(ForestParams::defaults(true).maxDepth, 0);  // balanced RF: no depth limit
  QCOMPARE(ForestParams::defaults(false).maxDepth, 10);
  const auto m = makeForestModel({{"kind", "random_forest"}, {"class_weight", "balanced"}});
  QCOMPARE(m->config()["class_weight"], nlohmann::json("balanced"));
  QCOMPARE(makeForestModel({{"kind", "balanced_random_forest"}})->kind(),
           std::string("balanced_random_forest"));
  QVERIFY_THROWS_EXCEPTION(Error, makeForestModel({{"kind", "random_forest"}, {"tres", 5}}));
  QVERIFY_THROWS_EXCEPTION(Error,
                           makeForestModel({{"kind", "random_forest"}, {"class_weight", "equal"}}));
  QVERIFY_THROWS_EXCEPTION(Error,
                           makeForestModel({{"kind", "random_forest"}, {"max_features", 2}}));
}

QTEST_APPLESS_MAIN(TestForest)
#include "test_forest.moc"
