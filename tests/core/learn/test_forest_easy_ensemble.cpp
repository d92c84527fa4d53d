#include <QtTest/QtTest>

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/learn/easy_ensemble_model.h"
#include "core/util/error.h"
#include "tests/core/learn/test_gbdt_toy.h"
#include "tests/timing_bounds.h"

using namespace imbw;

namespace {

std::string tempPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("imbw_test_easy_" + std::to_string(::getpid()) + "_" + name))
      .string();
}

EasyEnsembleParams small(int members, int trees) {
  EasyEnsembleParams p;
  p.members = members;
  p.member.trees = trees;
  return p;
}

}  // namespace

class TestEasyEnsemble : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void learnsSeparableProblem();
  void membersSeeBalancedDraws();
  void scoreIsMeanOfMembers();
  void checkpointPerMember();
  void cancelWithin200ms();
  void deterministicWithSeed();
  void saveLoadIdenticalScores();
  void parameters();
};

void TestEasyEnsemble::learnsSeparableProblem() {
  const auto train = treetest::separable(3000, 5, 0.1, 41);
  const auto test = treetest::separable(1500, 5, 0.1, 42);
  EasyEnsembleModel m(small(5, 40));
  m.fit(train, FitContext{});
  const double auc = treetest::pairwiseAuc(m.predict(test.x), test);
  QVERIFY2(auc > 0.995, qPrintable(QString("AUC %1").arg(auc)));
}

void TestEasyEnsemble::membersSeeBalancedDraws() {
  const auto train = treetest::overlapping(4000, 5, 0.1, 1.0, 43);
  std::size_t nSig = 0;
  for (std::size_t i = 0; i < train.rows(); ++i) nSig += train.isSignal(i) ? 1 : 0;
  EasyEnsembleModel m(small(4, 5));
  m.fit(train, FitContext{});
  QCOMPARE(m.members().size(), std::size_t(4));
  for (const auto& c : m.memberClassCounts()) {
    QCOMPARE(c[0], nSig);
    QCOMPARE(c[1], nSig);
  }
  // Each member started from its own training prior: 0.5 on a balanced draw. XGBoost keeps that
  // starting score in the model; read it back from there.
  for (const auto& member : m.members()) {
    const auto j = member->booster().toJson();
    const double base =
        std::stod(j["learner"]["learner_model_param"]["base_score"].get<std::string>());
    QVERIFY(std::abs(base - 0.5) < 1e-6);
  }
}

void TestEasyEnsemble::scoreIsMeanOfMembers() {
  const auto train = treetest::overlapping(3000, 5, 0.1, 1.0, 44);
  const auto test = treetest::overlapping(300, 5, 0.1, 1.0, 45);
  EasyEnsembleModel m(small(3, 10));
  m.fit(train, FitContext{});
  const auto s = m.predict(test.x);
  const auto a = m.members()[0]->predict(test.x), b = m.members()[1]->predict(test.x),
             c = m.members()[2]->predict(test.x);
  for (std::size_t i = 0; i < s.size(); ++i)
    QVERIFY(std::abs(s[i] - (a[i] + b[i] + c[i]) / 3) < 1e-12);
  QVERIFY(a != b);  // the members drew different events
}

void TestEasyEnsemble::checkpointPerMember() {
  const auto train = treetest::overlapping(3000, 5, 0.1, 1.0, 46);
  const auto val = treetest::overlapping(500, 5, 0.1, 1.0, 47);
  EasyEnsembleModel m(small(3, 10));
  treetest::Recorder rec;
  FitContext ctx;
  ctx.observer = &rec;
  ctx.validation = &val;
  m.fit(train, ctx);
  QCOMPARE(rec.checkpoints.size(), std::size_t(3));
  QCOMPARE(rec.checkpoints[2].iteration, 3);
  QVERIFY(rec.polls >= 30);  // members poll every boosting round
  QCOMPARE(rec.lastProgress, 1.0);
  const auto s = m.predict(val.x);
  for (std::size_t i = 0; i < s.size(); ++i)
    QVERIFY(std::abs(rec.checkpoints.back().validationScores[i] - s[i]) < 1e-6);
}

void TestEasyEnsemble::cancelWithin200ms() {
  const auto train = treetest::overlapping(20000, 10, 0.075, 0.5, 48);
  std::vector<double> latencies;
  for (int trial = 0; trial < imbw::test::kLatencyTrials; ++trial) {
    EasyEnsembleModel m(small(1000, 1000));
    treetest::Recorder rec;
    FitContext ctx;
    ctx.observer = &rec;
    const double ms =
        treetest::cancelLatencyMs(rec, std::chrono::milliseconds(150), [&] { m.fit(train, ctx); });
    qInfo("easy_ensemble: cancel took %.1f ms", ms);
    QVERIFY2(ms >= 0.0, "fit did not end with Cancelled");
    QCOMPARE(rec.pollsAfterFlag.load(), 1L);
    // The latency is one boosting round at most (the bins are sketched in polled batches before
    // the first): milliseconds here, ≤ 51 ms between polls on 170k × 20 (trees_bench poll-gaps).
    QVERIFY2(rec.progressAfterFlag.load() <= 1,
             qPrintable(
                 QString("%1 units finished after the cancel").arg(rec.progressAfterFlag.load())));
    latencies.push_back(ms);
  }
  const double median = imbw::test::medianLatency(latencies);
  IMBW_VERIFY_LATENCY(
      median < imbw::test::kCancelBoundMs,
      qPrintable(
          QString("cancel took %1 ms (median of %2)").arg(median).arg(imbw::test::kLatencyTrials)));
}

void TestEasyEnsemble::deterministicWithSeed() {
  const auto train = treetest::overlapping(2000, 5, 0.1, 1.0, 49);
  const auto test = treetest::overlapping(300, 5, 0.1, 1.0, 50);
  auto run = [&](std::uint64_t seed) {
    EasyEnsembleModel m(small(3, 10));
    FitContext ctx;
    ctx.seed = seed;
    m.fit(train, ctx);
    return m.predict(test.x);
  };
  const auto a = run(5), b = run(5), c = run(6);
  QVERIFY(a == b);
  QVERIFY(a != c);
}

void TestEasyEnsemble::saveLoadIdenticalScores() {
  const auto train = treetest::overlapping(2000, 4, 0.1, 1.0, 51);
  EasyEnsembleModel m(small(3, 8));
  m.fit(train, FitContext{});
  const std::string path = tempPath("easy.json");
  m.save(path);
  const auto loaded = loadTreeModel(path);
  QCOMPARE(loaded->kind(), std::string("easy_ensemble"));
  QCOMPARE(loaded->config(), m.config());
  QVERIFY(loaded->predict(train.x) == m.predict(train.x));
  std::filesystem::remove(path);
}

void TestEasyEnsemble::parameters() {
  const auto m = makeEasyEnsembleModel(
      {{"kind", "easy_ensemble"}, {"members", 4}, {"member", {{"trees", 7}}}});
  const auto cfg = m->config();
  QCOMPARE(cfg["members"], nlohmann::json(4));
  QCOMPARE(cfg["member"]["trees"], nlohmann::json(7));
  QCOMPARE(cfg["member"]["max_depth"], nlohmann::json(4));  // member default kept
  QVERIFY_THROWS_EXCEPTION(Error, makeEasyEnsembleModel({{"membres", 4}}));
  QVERIFY_THROWS_EXCEPTION(Error, makeEasyEnsembleModel({{"member", {{"trees", -1}}}}));
}

QTEST_APPLESS_MAIN(TestEasyEnsemble)
#include "test_forest_easy_ensemble.moc"
