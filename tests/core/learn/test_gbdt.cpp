#include <QtTest/QtTest>

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <numeric>

#include "core/learn/gbdt_model.h"
#include "core/learn/model.h"
#include "core/util/error.h"
#include "tests/core/learn/test_gbdt_toy.h"
#include "tests/timing_bounds.h"

using namespace imbw;

namespace {

LossConfig weightedCe(double alpha) {
  LossConfig l;
  l.kind = LossKind::WeightedCrossEntropy;
  l.alpha = alpha;
  return l;
}

LossConfig focal(double alpha, double gamma) {
  LossConfig l;
  l.kind = LossKind::Focal;
  l.alpha = alpha;
  l.gamma = gamma;
  return l;
}

double maxAbsDiff(const std::vector<double>& a, const std::vector<double>& b) {
  double d = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) d = std::max(d, std::abs(a[i] - b[i]));
  return d;
}

std::string tempPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("imbw_test_gbdt_" + std::to_string(::getpid()) + "_" + name))
      .string();
}

}  // namespace

class TestGbdt : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void negativeWeightsNeedAPolicy();
  void learnsSeparableProblem_data();
  void learnsSeparableProblem();
  void startsFromPriorMargin();
  void focalGammaZeroEqualsWeightedCe();
  void customWeightedCeMatchesBuiltin();
  void multiClass_data();
  void multiClass();
  void checkpointsCarryValidationScores();
  void earlyStoppingKeepsBestRound();
  void cancelWithin200ms();
  void cancelWhileSketching();
  void deterministicWithSeed();
  void saveLoadIdenticalScores_data();
  void saveLoadIdenticalScores();
  void rejectsBadParameters();
};

void TestGbdt::learnsSeparableProblem_data() {
  QTest::addColumn<QString>("loss");
  QTest::newRow("cross_entropy") << "ce";
  QTest::newRow("weighted") << "wce";
  QTest::newRow("focal") << "focal";
}

void TestGbdt::learnsSeparableProblem() {
  QFETCH(QString, loss);
  const auto train = treetest::separable(3000, 5, 0.1, 1);
  const auto test = treetest::separable(1500, 5, 0.1, 2);
  GbdtParams p;
  p.trees = 60;
  p.learningRate = 0.3;
  p.maxDepth = 4;
  if (loss == "wce") p.loss = weightedCe(0.9);
  if (loss == "focal") p.loss = focal(0.25, 2.0);
  GbdtModel m(p);
  m.fit(train, FitContext{});
  const double auc = treetest::pairwiseAuc(m.predict(test.x), test);
  QVERIFY2(auc > 0.995, qPrintable(QString("AUC %1").arg(auc)));
}

void TestGbdt::startsFromPriorMargin() {
  // One round with a negligible learning rate: the score is the starting point, which must be
  // the α-weighted signal fraction counted here by hand.
  const auto train = treetest::overlapping(2000, 3, 0.2, 1.0, 3);
  for (double alpha : {0.5, 0.8}) {
    GbdtParams p;
    p.trees = 1;
    p.learningRate = 1e-9;
    p.loss = weightedCe(alpha);
    GbdtModel m(p);
    m.fit(train, FitContext{});
    double s = 0, b = 0;
    for (std::size_t i = 0; i < train.rows(); ++i) (train.isSignal(i) ? s : b) += 1.0;
    const double expected = alpha * s / (alpha * s + (1 - alpha) * b);
    const auto score = m.predict(train.x);
    QVERIFY(std::abs(score[0] - expected) < 1e-5);
    QVERIFY(std::abs(score.back() - expected) < 1e-5);
  }
}

void TestGbdt::focalGammaZeroEqualsWeightedCe() {
  // γ = 0 turns focal loss into weighted CE: the same gradients give the same trees.
  const auto train = treetest::overlapping(4000, 6, 0.1, 1.0, 4);
  const auto test = treetest::overlapping(1000, 6, 0.1, 1.0, 5);
  GbdtParams a;
  a.trees = 40;
  a.maxDepth = 5;
  a.customObjective = true;
  a.maxDeltaStep = 1.0;  // focal's automatic value, given to both
  a.loss = weightedCe(0.7);
  GbdtParams b = a;
  b.loss = focal(0.7, 0.0);
  GbdtModel ma(a), mb(b);
  ma.fit(train, FitContext{});
  mb.fit(train, FitContext{});
  const double d = maxAbsDiff(ma.predict(test.x), mb.predict(test.x));
  QVERIFY2(d < 1e-6, qPrintable(QString("max diff %1").arg(d)));
  // ... and the same tree structure (split features and thresholds).
  auto trees = [](const GbdtModel& m) {
    return m.booster().toJson()["learner"]["gradient_booster"]["model"]["trees"];
  };
  const auto ta = trees(ma), tb = trees(mb);
  QCOMPARE(ta.size(), tb.size());
  for (std::size_t i = 0; i < ta.size(); ++i) {
    QCOMPARE(ta[i]["split_indices"], tb[i]["split_indices"]);
    QCOMPARE(ta[i]["split_conditions"].size(), tb[i]["split_conditions"].size());
  }
  // γ > 0 must change the model (else the test above could not fail).
  GbdtParams c = b;
  c.loss = focal(0.7, 2.0);
  GbdtModel mc(c);
  mc.fit(train, FitContext{});
  QVERIFY(maxAbsDiff(ma.predict(test.x), mc.predict(test.x)) > 1e-3);
}

void TestGbdt::customWeightedCeMatchesBuiltin() {
  // Our gradient path (toolkit loss, α on the gradient) against XGBoost's own binary:logistic
  // with α_t in the DMatrix weights: an independent implementation of the same objective.
  const auto train = treetest::overlapping(4000, 6, 0.1, 1.0, 6);
  const auto test = treetest::overlapping(1000, 6, 0.1, 1.0, 7);
  GbdtParams a;
  a.trees = 30;
  a.maxDepth = 4;
  a.loss = weightedCe(0.8);
  a.loss.hessianFloor = 0.0;
  GbdtParams b = a;
  b.customObjective = true;
  GbdtModel ma(a), mb(b);
  ma.fit(train, FitContext{});
  mb.fit(train, FitContext{});
  const double d = maxAbsDiff(ma.predict(test.x), mb.predict(test.x));
  QVERIFY2(d < 1e-4, qPrintable(QString("max diff %1").arg(d)));
}

void TestGbdt::multiClass_data() {
  QTest::addColumn<bool>("useFocal");
  QTest::newRow("softmax") << false;
  QTest::newRow("categorical_focal") << true;
}

void TestGbdt::multiClass() {
  QFETCH(bool, useFocal);
  const auto train = treetest::blobs(3000, 8);
  const auto test = treetest::blobs(1000, 9);
  GbdtParams p;
  p.trees = 30;
  p.maxDepth = 3;
  p.learningRate = 0.3;
  if (useFocal) p.loss = focal(0.5, 2.0);
  GbdtModel m(p);
  m.fit(train, FitContext{});
  const auto proba = m.predictProba(test.x);
  QCOMPARE(proba.size(), test.rows() * 3);
  std::size_t correct = 0;
  for (std::size_t i = 0; i < test.rows(); ++i) {
    const double* r = &proba[i * 3];
    QVERIFY(std::abs(r[0] + r[1] + r[2] - 1.0) < 1e-9);
    const int arg = static_cast<int>(std::max_element(r, r + 3) - r);
    correct += arg == test.label[i] ? 1 : 0;
  }
  QVERIFY(correct > 0.99 * test.rows());
  const auto sig = m.predict(test.x);  // P(higgs)
  QVERIFY(std::abs(sig[5] - proba[5 * 3 + 2]) < 1e-12);
  QVERIFY(treetest::pairwiseAuc(sig, test) > 0.999);
}

void TestGbdt::checkpointsCarryValidationScores() {
  const auto train = treetest::overlapping(3000, 5, 0.1, 1.0, 10);
  const auto val = treetest::overlapping(800, 5, 0.1, 1.0, 11);
  GbdtParams p;
  p.trees = 35;
  p.checkpointEvery = 10;
  p.loss = focal(0.25, 2.0);
  GbdtModel m(p);
  treetest::Recorder rec;
  FitContext ctx;
  ctx.validation = &val;
  ctx.observer = &rec;
  m.fit(train, ctx);
  QCOMPARE(rec.checkpoints.size(), std::size_t(4));
  QCOMPARE(rec.checkpoints[0].iteration, 10);
  QCOMPARE(rec.checkpoints[3].iteration, 35);
  QVERIFY(rec.polls >= 35);
  QCOMPARE(rec.lastProgress, 1.0);
  const auto final = m.predict(val.x);
  QCOMPARE(rec.checkpoints.back().validationScores.size(), val.rows());
  QVERIFY(maxAbsDiff(rec.checkpoints.back().validationScores, final) < 1e-6);
  // The validation loss is focal loss: recompute it here from the scores (REFERENCE.md form).
  double loss = 0, wsum = 0;
  for (std::size_t i = 0; i < val.rows(); ++i) {
    const double pt = val.isSignal(i) ? final[i] : 1 - final[i];
    const double at = val.isSignal(i) ? 0.25 : 0.75;
    loss += -at * std::pow(1 - pt, 2.0) * std::log(pt);
    wsum += 1;
  }
  QVERIFY(std::abs(rec.checkpoints.back().validationLoss - loss / wsum) < 1e-5);
  QVERIFY(std::isfinite(rec.checkpoints.back().trainLoss));
  QVERIFY(rec.checkpoints.back().trainLoss < rec.checkpoints.front().trainLoss);
}

void TestGbdt::earlyStoppingKeepsBestRound() {
  // Tiny noisy training set, deep trees, large learning rate: the validation loss turns up soon.
  const auto train = treetest::overlapping(400, 5, 0.3, 0.5, 12);
  const auto val = treetest::overlapping(2000, 5, 0.3, 0.5, 13);
  GbdtParams p;
  p.trees = 300;
  p.learningRate = 0.5;
  p.maxDepth = 6;
  p.minChildWeight = 0.0;
  p.earlyStoppingRounds = 10;
  GbdtModel m(p);
  FitContext ctx;
  ctx.validation = &val;
  m.fit(train, ctx);
  const auto& hist = m.validationLossHistory();
  QVERIFY(hist.size() < 300);
  const int best = static_cast<int>(std::min_element(hist.begin(), hist.end()) - hist.begin());
  QCOMPARE(m.bestIteration(), best);
  QCOMPARE(static_cast<int>(hist.size()), best + 1 + 10);
  QCOMPARE(m.rounds(), best + 1);
  // The kept model's validation loss is the best one (recomputed from its scores).
  const auto s = m.predict(val.x);
  double loss = 0;
  for (std::size_t i = 0; i < val.rows(); ++i) loss -= std::log(val.isSignal(i) ? s[i] : 1 - s[i]);
  QVERIFY(std::abs(loss / val.rows() - hist[best]) < 1e-5);
}

void TestGbdt::cancelWithin200ms() {
  const auto train = treetest::overlapping(20000, 10, 0.075, 0.5, 14);
  for (bool useFocal : {false, true}) {
    std::vector<double> latencies;
    for (int trial = 0; trial < imbw::test::kLatencyTrials; ++trial) {
      GbdtParams p;
      p.trees = 100000;
      p.maxDepth = 6;
      if (useFocal) p.loss = focal(0.25, 2.0);
      GbdtModel m(p);
      treetest::Recorder rec;
      FitContext ctx;
      ctx.observer = &rec;
      const double ms = treetest::cancelLatencyMs(rec, std::chrono::milliseconds(150),
                                                  [&] { m.fit(train, ctx); });
      qInfo("gbdt (%s): cancel took %.1f ms after %ld polls", useFocal ? "focal" : "logistic", ms,
            rec.polls.load());
      QVERIFY2(ms >= 0.0, "fit did not end with Cancelled");
      QCOMPARE(rec.pollsAfterFlag.load(), 1L);  // the very next poll stopped it
      // The latency is one boosting round at most (the bins are sketched in polled batches
      // before the first): milliseconds here, ≤ 51 ms between polls on 170k × 20 (trees_bench
      // poll-gaps).
      QVERIFY2(
          rec.progressAfterFlag.load() <= 1,
          qPrintable(
              QString("%1 units finished after the cancel").arg(rec.progressAfterFlag.load())));
      latencies.push_back(ms);
    }
    const double median = imbw::test::medianLatency(latencies);
    IMBW_VERIFY_LATENCY(median < imbw::test::kCancelBoundMs,
                        qPrintable(QString("cancel took %1 ms (median of %2)")
                                       .arg(median)
                                       .arg(imbw::test::kLatencyTrials)));
  }
}

namespace {
/// Says stop from its second poll on: on 40k events the bins are sketched in batches of 16k
/// rows with a poll before each, so the second poll falls inside the sketch.
class StopOnSecondPoll : public FitObserver {
 public:
  bool stopRequested() const override { return ++polls >= 2; }
  void progress(double, std::string_view) override { ++rounds; }
  mutable int polls = 0;
  int rounds = 0;
};
}  // namespace

void TestGbdt::cancelWhileSketching() {
  // The sketch of the histogram bins is the one long step before the first round (0.2 s on
  // 136k × 20); it must listen to Cancel too, and then no round may run.
  const auto train = treetest::overlapping(40000, 10, 0.075, 0.5, 17);
  for (bool useFocal : {false, true}) {
    GbdtParams p;
    p.trees = 50;
    if (useFocal) p.loss = focal(0.25, 2.0);
    GbdtModel m(p);
    StopOnSecondPoll obs;
    FitContext ctx;
    ctx.observer = &obs;
    QVERIFY_THROWS_EXCEPTION(Cancelled, m.fit(train, ctx));
    QCOMPARE(obs.polls, 2);
    QCOMPARE(obs.rounds, 0);
  }
}

void TestGbdt::deterministicWithSeed() {
  const auto train = treetest::overlapping(3000, 6, 0.1, 1.0, 15);
  const auto test = treetest::overlapping(500, 6, 0.1, 1.0, 16);
  GbdtParams p;
  p.trees = 20;
  p.subsample = 0.7;
  p.colsample = 0.6;
  p.loss = focal(0.25, 2.0);
  auto run = [&](std::uint64_t seed) {
    GbdtModel m(p);
    FitContext ctx;
    ctx.seed = seed;
    m.fit(train, ctx);
    return m.predict(test.x);
  };
  const auto a = run(7), b = run(7), c = run(8);
  QVERIFY(a == b);
  QVERIFY(maxAbsDiff(a, c) > 1e-6);
}

void TestGbdt::saveLoadIdenticalScores_data() {
  QTest::addColumn<QString>("ext");
  QTest::addColumn<bool>("multi");
  QTest::newRow("ubj") << ".ubj" << false;
  QTest::newRow("json") << ".json" << false;
  QTest::newRow("multi-ubj") << ".ubj" << true;
}

void TestGbdt::saveLoadIdenticalScores() {
  QFETCH(QString, ext);
  QFETCH(bool, multi);
  const auto train =
      multi ? treetest::blobs(1000, 17) : treetest::overlapping(2000, 4, 0.1, 1.0, 17);
  GbdtParams p;
  p.trees = 15;
  p.loss = focal(0.3, 1.5);
  GbdtModel m(p);
  m.fit(train, FitContext{});
  const std::string path = tempPath("model" + ext.toStdString());
  m.save(path);
  const auto loaded = GbdtModel::load(path);  // any tree model, as the factory calls it
  QCOMPARE(loaded->kind(), std::string("gbdt"));
  QCOMPARE(loaded->config(), m.config());
  QVERIFY(loaded->predictProba(train.x) == m.predictProba(train.x));
  QVERIFY(loaded->predict(train.x) == m.predict(train.x));
  std::filesystem::remove(path);
}

void TestGbdt::rejectsBadParameters() {
  QVERIFY_THROWS_EXCEPTION(Error, GbdtParams::fromJson({{"trees", 0}}));
  QVERIFY_THROWS_EXCEPTION(Error, GbdtParams::fromJson({{"learning_rat", 0.1}}));
  QVERIFY_THROWS_EXCEPTION(Error, GbdtParams::fromJson({{"subsample", 1.5}}));
  QVERIFY_THROWS_EXCEPTION(Error, GbdtParams::fromJson({{"trees", "many"}}));
  try {
    GbdtParams::fromJson({{"learning_rat", 0.1}});
  } catch (const Error& e) {
    QVERIFY(std::string(e.what()).find("learning_rate") != std::string::npos);
  }
  const auto p = GbdtParams::fromJson({{"kind", "gbdt"},
                                       {"trees", 1000},
                                       {"learning_rate", 0.01},
                                       {"loss", focal(0.25, 2).toJson()}});
  QCOMPARE(p.trees, 1000);
  QCOMPARE(GbdtParams::fromJson(p.toJson()).toJson(), p.toJson());
}

// Signed weights under the 'keep' policy reach the model as they are: the tree models must say
// what to do instead of failing inside XGBoost. Every tree kind, through the factory.
void TestGbdt::negativeWeightsNeedAPolicy() {
  FeatureMatrix m = treetest::separable(400, 3, 0.2, 11);
  m.weight[3] = -0.5;
  m.weight[7] = -2.0;
  for (const char* kind : {"gbdt", "random_forest", "balanced_random_forest", "easy_ensemble"}) {
    auto model = imbw::makeModel({{"kind", kind}});
    try {
      model->fit(m, imbw::FitContext{});
      QFAIL(qPrintable(QString("%1 trained on negative weights without a word").arg(kind)));
    } catch (const Error& e) {
      const QString msg = QString::fromStdString(e.what());
      QVERIFY2(msg.contains("2 training events have negative weights"), qPrintable(msg));
      QVERIFY2(msg.contains("'drop' or 'abs'"), qPrintable(msg));
    }
  }
  for (double& w : m.weight) w = std::abs(w);  // the 'abs' policy's result trains
  auto model = imbw::makeModel({{"kind", "gbdt"}, {"trees", 5}});
  model->fit(m, imbw::FitContext{});
  QCOMPARE(model->predict(m.x).size(), m.rows());
}

QTEST_APPLESS_MAIN(TestGbdt)
#include "test_gbdt.moc"
