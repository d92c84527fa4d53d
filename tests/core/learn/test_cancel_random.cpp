// Cancel at random moments during every model kind's cross-validated run (issue 10, faults): an
// observer answers "stop" from its n-th poll on, n drawn uniformly over the polls a complete run
// of that configuration makes. Whenever a stop was answered the run must come back cancelled,
// holding only complete folds (each with its model) and nothing else; when none was answered it
// must be complete. Run by ctest in both builds, so AddressSanitizer checks every cancelled path
// for leaks and use-after-free, and by packaging/tsan.sh under ThreadSanitizer (the forests poll
// from their tree threads). IMBW_CANCEL_SEED varies the draws (the default is fixed).

#include <QtTest/QtTest>

#include <atomic>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <random>

#include "core/learn/run_config.h"
#include "core/learn/run_engine.h"
#include "tests/core/learn/toy_data.h"

using namespace imbw;

namespace {

/// Answers stop from poll number `stopAt` on (0: never); thread-safe, the forests poll from
/// several threads.
class RandomStop : public TrainingObserver {
 public:
  explicit RandomStop(long stopAt) : m_stopAt(stopAt) {}
  bool stopRequested() const override {
    const long n = ++m_polls;
    const bool stop = m_stopAt > 0 && n >= m_stopAt;
    if (stop) m_answeredStop = true;
    return stop;
  }
  long polls() const { return m_polls.load(); }
  bool answeredStop() const { return m_answeredStop.load(); }

 private:
  long m_stopAt;
  mutable std::atomic<long> m_polls{0};
  mutable std::atomic<bool> m_answeredStop{false};
};

std::uint64_t baseSeed() {
  const char* s = std::getenv("IMBW_CANCEL_SEED");
  return s ? std::strtoull(s, nullptr, 10) : 20261202;
}

}  // namespace

class TestCancelRandom : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void initTestCase() {
    qInfo("IMBW_CANCEL_SEED=%llu", static_cast<unsigned long long>(baseSeed()));
  }

  void cancelAtRandomMoments_data() {
    QTest::addColumn<QString>("run");
    // Small enough that a complete run takes well under a second, so that the random moments
    // cover all of it: preparation, every fold's fit, the folds' ends.
    QTest::newRow("gbdt") << R"({"model": {"kind": "gbdt", "trees": 30, "max_depth": 3}})";
    QTest::newRow("gbdt focal") << R"({"model": {"kind": "gbdt", "trees": 30, "max_depth": 3},
        "loss": {"kind": "focal", "alpha": 0.25, "gamma": 2}})";
    QTest::newRow("gbdt early stop") << R"({"model": {"kind": "gbdt", "trees": 40,
        "early_stopping_rounds": 5}})";
    QTest::newRow("random_forest") << R"({"model": {"kind": "random_forest", "trees": 16}})";
    QTest::newRow("balanced_random_forest")
        << R"({"model": {"kind": "balanced_random_forest", "trees": 16}})";
    QTest::newRow("easy_ensemble")
        << R"({"model": {"kind": "easy_ensemble", "members": 3, "member": {"trees": 8}}})";
    QTest::newRow("mlp") << R"({"model": {"kind": "mlp", "hidden": [16], "max_epochs": 4}})";
    QTest::newRow("logistic") << R"({"model": {"kind": "logistic"},
        "loss": {"kind": "focal", "alpha": 0.25, "gamma": 2}})";
    QTest::newRow("one_variable") << R"({"model": {"kind": "one_variable", "feature": "x2"}})";
    QTest::newRow("smote + logistic") << R"({"model": {"kind": "logistic"},
        "resample": {"kind": "smote", "k": 5}})";
  }

  void cancelAtRandomMoments() {
    QFETCH(QString, run);
    nlohmann::json spec = nlohmann::json::parse(run.toStdString());
    spec["folds"] = 3;
    spec["threads"] = 2;
    const RunConfig config = RunConfig::fromJson(spec);
    const FeatureMatrix data = test::blobs(3000, 5, 1.0, 0.1, 77);

    RandomStop never(0);
    const RunResult full = runCrossValidated(data, config, never);
    QVERIFY(!full.cancelled);
    QCOMPARE(int(full.folds.size()), 3);
    const long polls = never.polls();
    QVERIFY2(polls >= 3, qPrintable(QString("only %1 polls in a complete run").arg(polls)));

    std::mt19937_64 rng(baseSeed() ^ std::hash<std::string>{}(run.toStdString()));
    std::uniform_int_distribution<long> at(1, polls);
    int cancelled = 0;
    for (int trial = 0; trial < 8; ++trial) {
      // The first and last polls always, then random ones.
      const long stopAt = trial == 0 ? 1 : (trial == 1 ? polls : at(rng));
      RandomStop stop(stopAt);
      const RunResult r = runCrossValidated(data, config, stop);
      const QString where = QString("stop from poll %1 of %2").arg(stopAt).arg(polls);
      if (stop.answeredStop()) {
        QVERIFY2(r.cancelled, qPrintable(where + ": a stop was answered, the run did not say "
                                                 "cancelled"));
        QVERIFY2(int(r.folds.size()) < 3, qPrintable(where));
        ++cancelled;
      } else {
        // The forests' threads make the poll count vary a little: a late stop may not come.
        QVERIFY2(!r.cancelled, qPrintable(where + ": cancelled without a stop"));
        QCOMPARE(int(r.folds.size()), 3);
      }
      // Only complete folds are kept, each with its model and its held-out scores.
      QCOMPARE(r.models.size(), r.folds.size());
      QCOMPARE(r.trainingScores.size(), r.folds.size());
      int scored = 0;
      for (std::size_t i = 0; i < r.heldOutFold.size(); ++i) {
        const int f = r.heldOutFold[i];
        QVERIFY(f >= -1 && f < int(r.folds.size()));
        QCOMPARE(std::isnan(r.heldOutScores[i]), f < 0);
        scored += f >= 0;
      }
      std::size_t tested = 0;
      for (const auto& f : r.folds) tested += f.testEvents;
      QCOMPARE(std::size_t(scored), tested);
      QCOMPARE(r.toJson().at("cancelled").get<bool>(), r.cancelled);
    }
    qInfo("%ld polls in a complete run, %d of 8 random stops cancelled it", polls, cancelled);
    QVERIFY2(cancelled >= 2, "the first-poll stop and at least one other must cancel");
  }
};

QTEST_APPLESS_MAIN(TestCancelRandom)
#include "test_cancel_random.moc"
