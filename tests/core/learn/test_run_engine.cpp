// The cross-validated run engine: folds cover every event once, per-fold metrics agree with an
// independent pair-count AUC of the held-out scores, mean ± std agree with the per-fold
// values, resampling touches only training data, seeds fix everything, a stop ends the run
// cleanly, and snapshots stream thinned curves.
#include <QTest>
#include <random>
#include <set>

#include "core/eval/binary_summary.h"
#include "core/learn/run_engine.h"
#include "core/util/error.h"
#include "tests/core/learn/toy_data.h"

using namespace imbw;

namespace {

class Collect : public TrainingObserver {
 public:
  bool stopRequested() const override { return stopAfterFolds >= 0 && finished >= stopAfterFolds; }
  void progress(double f, std::string_view stage) override {
    fractions.push_back(f);
    lastStage = std::string(stage);
  }
  void snapshot(const Snapshot& s) override { snapshots.push_back(s); }
  void foldFinished(const FoldResult&) override { ++finished; }
  int stopAfterFolds = -1;
  int finished = 0;
  std::vector<double> fractions;
  std::string lastStage;
  std::vector<Snapshot> snapshots;
};

RunConfig config(const nlohmann::json& model, int folds = 4) {
  RunConfig c;
  c.model = model;
  c.folds = folds;
  c.seed = 7;
  return c;
}

}  // namespace

class TestRunEngine : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void foldsMetricsAndAggregates() {
    const FeatureMatrix data = test::blobs(1200, 3, 1.2, 0.15, 21);
    Collect obs;
    const RunResult r = runCrossValidated(data, config({{"kind", "logistic"}}), obs);
    QVERIFY(!r.cancelled);
    QCOMPARE(r.folds.size(), std::size_t{4});
    QCOMPARE(r.models.size(), std::size_t{4});
    std::size_t tested = 0;
    for (int f : r.heldOutFold) QVERIFY(f >= 0 && f < 4);
    for (const FoldResult& fr : r.folds) {
      tested += fr.testEvents;
      // Independent AUC: pair counting over this fold's held-out events.
      std::vector<std::size_t> rows;
      for (std::size_t i = 0; i < data.rows(); ++i)
        if (r.heldOutFold[i] == fr.fold) rows.push_back(i);
      QCOMPARE(rows.size(), fr.testEvents);
      const FeatureMatrix part = data.subset(rows);
      std::vector<double> s;
      for (std::size_t i : rows) s.push_back(r.heldOutScores[i]);
      QVERIFY(std::abs(test::pairAuc(s, part) - fr.metrics.at("auc")) < 1e-12);
      // Stratified: the fold's signal count is within one of its share.
      std::size_t sig = 0;
      for (std::size_t i = 0; i < part.rows(); ++i) sig += part.isSignal(i);
      std::size_t allSig = 0;
      for (std::size_t i = 0; i < data.rows(); ++i) allSig += data.isSignal(i);
      QVERIFY(std::abs(static_cast<double>(sig) - allSig / 4.0) <= 1.0);
      QVERIFY(fr.fitSeconds >= 0.0);
      QCOMPARE(fr.trainEvents, data.rows() - fr.testEvents);  // logistic: no validation split
    }
    QCOMPARE(tested, data.rows());
    for (const std::string& key :
         {std::string("ap"), std::string("auc"), std::string("fit_seconds"),
          std::string("rejection_at_eff_s_0.8")}) {
      double mean = 0;
      for (const FoldResult& fr : r.folds) mean += fr.metrics.at(key);
      mean /= 4;
      double ss = 0;
      for (const FoldResult& fr : r.folds) ss += std::pow(fr.metrics.at(key) - mean, 2);
      const double sd = std::sqrt(ss / 3);  // sample std, as the paper reports
      QVERIFY2(std::abs(r.aggregate.at(key).mean - mean) < 1e-12 * std::max(1.0, std::abs(mean)),
               qPrintable(QString("%1: %2 vs %3")
                              .arg(QString::fromStdString(key))
                              .arg(r.aggregate.at(key).mean)
                              .arg(mean)));
      QVERIFY(std::abs(r.aggregate.at(key).std - sd) < 1e-9 * std::max(1.0, sd));
      QCOMPARE(r.aggregate.at(key).n, std::size_t{4});
    }
    // JSON carries the same numbers.
    const nlohmann::json j = r.toJson();
    QCOMPARE(j.at("folds").size(), std::size_t{4});
    QCOMPARE(j.at("summary").at("auc").at("mean").get<double>(), r.aggregate.at("auc").mean);
    QCOMPARE(j.at("folds")[2].at("metrics").at("ap").get<double>(), r.folds[2].metrics.at("ap"));
    QCOMPARE(obs.fractions.back(), 1.0);
    QVERIFY(std::is_sorted(obs.fractions.begin(), obs.fractions.end()));
  }

  void networkUsesValidationSplitAndStreamsSnapshots() {
    const FeatureMatrix data = test::blobs(1500, 3, 1.5, 0.2, 22);
    Collect obs;
    const RunResult r = runCrossValidated(
        data, config({{"kind", "mlp"}, {"hidden", {16}}, {"max_epochs", 3}}, 3), obs);
    QCOMPARE(r.folds.size(), std::size_t{3});
    for (const FoldResult& fr : r.folds) {
      QVERIFY(fr.validationEvents > 0);
      QCOMPARE(fr.trainEvents + fr.validationEvents + fr.testEvents, data.rows());
    }
    QVERIFY(!obs.snapshots.empty());
    std::set<int> foldsSeen;
    for (const Snapshot& s : obs.snapshots) {
      foldsSeen.insert(s.fold);
      QVERIFY(s.onValidationSplit);
      QCOMPARE(static_cast<int>(s.lossHistory.size()), s.iteration);
      QVERIFY(s.hasMetrics);
      QVERIFY(s.roc.x.size() <= 200 && s.roc.x.size() >= 2);
      QCOMPARE(s.roc.x.size(), s.roc.y.size());
      QCOMPARE(s.classHistograms.size(), std::size_t{2});
      double total = 0;
      for (const auto& h : s.classHistograms)
        for (double v : h) total += v;
      QCOMPARE(total,
               static_cast<double>(r.folds[static_cast<std::size_t>(s.fold)].validationEvents));
    }
    QCOMPARE(foldsSeen.size(), std::size_t{3});
  }

  void resamplingTouchesTrainingOnly() {
    const FeatureMatrix data = test::blobs(2000, 2, 1.0, 0.1, 23);
    RunConfig c = config({{"kind", "logistic"}});
    c.resample.kind = ResampleKind::RandomUnder;
    Collect obs;
    const RunResult r = runCrossValidated(data, c, obs);
    std::size_t tested = 0;
    for (const FoldResult& fr : r.folds) {
      tested += fr.testEvents;
      QVERIFY(fr.trainEvents < (data.rows() - fr.testEvents) / 2);  // majority cut to minority
    }
    QCOMPARE(tested, data.rows());
  }

  // The negative-weight policy acts on the training fold of every model: "drop" must give
  // exactly the model fitted by hand on the fold without those events, "abs" the model fitted
  // on |w|; held-out evaluation keeps the signed weights. Logistic, network, boosted trees
  // and a random forest (seeded: the fold's seed is handed over by hand too).
  void negativeWeightPolicyReachesEveryModel() {
    FeatureMatrix data = test::blobs(900, 3, 1.5, 0.2, 31);
    std::mt19937_64 g(5);
    std::size_t negatives = 0;
    for (std::size_t i = 0; i < data.rows(); ++i)
      if (g() % 5 == 0) {
        data.weight[i] = -0.5 - static_cast<double>(g() % 3);  // ~20 % negative, various sizes
        ++negatives;
      } else {
        data.weight[i] = 0.5 + static_cast<double>(g() % 4) * 0.25;
      }
    QVERIFY(negatives > 100);
    const std::vector<nlohmann::json> models{
        {{"kind", "logistic"}},
        {{"kind", "mlp"}, {"hidden", {8}}, {"max_epochs", 2}},
        {{"kind", "gbdt"}, {"trees", 20}, {"max_depth", 3}},
        {{"kind", "random_forest"}, {"trees", 10}, {"max_depth", 4}}};
    for (const auto& spec : models) {
      for (NegativeWeightPolicy policy :
           {NegativeWeightPolicy::Drop, NegativeWeightPolicy::Abs, NegativeWeightPolicy::Keep}) {
        // XGBoost refuses negative DMatrix weights, so the tree models cannot keep them.
        const bool xgboost = spec.at("kind") == "gbdt" || spec.at("kind") == "random_forest";
        if (xgboost && policy == NegativeWeightPolicy::Keep) continue;
        RunConfig c = config(spec, 3);
        c.validationFraction = 0.0;  // the fold's training part is exactly "not held out"
        c.threads = 1;
        c.resample.negativeWeights = policy;
        Collect obs;
        const RunResult r = runCrossValidated(data, c, obs);
        QCOMPARE(r.folds.size(), std::size_t{3});
        for (int k = 0; k < 3; ++k) {
          std::vector<std::size_t> trainRows, testRows;
          for (std::size_t i = 0; i < data.rows(); ++i) {
            if (r.heldOutFold[i] == k)
              testRows.push_back(i);
            else if (policy != NegativeWeightPolicy::Drop || data.weight[i] >= 0.0)
              trainRows.push_back(i);
          }
          FeatureMatrix train = data.subset(trainRows);
          if (policy == NegativeWeightPolicy::Abs)
            for (double& w : train.weight) w = std::abs(w);
          const FeatureMatrix test = data.subset(testRows);
          auto model = makeModel(c.modelSpec(0.5));
          FitContext ctx;
          // As the engine does without a validation split: the held-out fold is only drawn,
          // and a model that would stop on it (the network) gets none.
          ctx.validation = c.modelStopsEarly() ? nullptr : &test;
          ctx.threads = c.threads;
          ctx.seed = foldSeed(c, k);
          model->fit(train, ctx);
          const std::vector<double> s = model->predict(test.x);
          for (std::size_t i = 0; i < testRows.size(); ++i)
            QCOMPARE(s[i], r.heldOutScores[testRows[i]]);
          // Evaluation on the signed weights of the held-out events.
          const auto& fr = r.folds[static_cast<std::size_t>(k)];
          std::vector<std::uint8_t> sig(test.rows());
          for (std::size_t i = 0; i < sig.size(); ++i) sig[i] = test.isSignal(i);
          QCOMPARE(fr.summary.averagePrecision,
                   evaluateBinary(s, sig, test.weight).averagePrecision);
          QCOMPARE(fr.testEvents, testRows.size());
          QCOMPARE(fr.trainEvents, trainRows.size());
          // Training scores: exactly the fold's training events (before the policy), rest NaN.
          const auto& ts = r.trainingScores[static_cast<std::size_t>(k)];
          QCOMPARE(ts.size(), data.rows());
          for (std::size_t i = 0; i < data.rows(); ++i)
            QCOMPARE(std::isnan(ts[i]), r.heldOutFold[i] == k);
        }
      }
    }
    // The policies really differ (so the comparisons above can fail).
    RunConfig c = config({{"kind", "logistic"}}, 3);
    Collect o1, o2;
    c.resample.negativeWeights = NegativeWeightPolicy::Drop;
    const RunResult drop = runCrossValidated(data, c, o1);
    c.resample.negativeWeights = NegativeWeightPolicy::Keep;
    const RunResult keep = runCrossValidated(data, c, o2);
    QVERIFY(drop.heldOutScores != keep.heldOutScores);
  }

  // Training-set scores equal the fold's model predicting its training events; validation
  // AP history follows the checkpoints and matches each snapshot's metrics.
  void trainingScoresAndApHistory() {
    const FeatureMatrix data = test::blobs(1200, 3, 1.5, 0.2, 32);
    Collect obs;
    const RunResult r = runCrossValidated(
        data, config({{"kind", "mlp"}, {"hidden", {8}}, {"max_epochs", 3}}, 3), obs);
    QCOMPARE(r.trainingScores.size(), r.models.size());
    for (std::size_t f = 0; f < r.models.size(); ++f) {
      const auto p = r.models[f]->predict(data.x);
      std::size_t scored = 0;
      for (std::size_t i = 0; i < data.rows(); ++i) {
        const float t = r.trainingScores[f][i];
        if (std::isnan(t)) continue;
        ++scored;
        QVERIFY(r.heldOutFold[i] != static_cast<int>(f));
        QCOMPARE(t, static_cast<float>(p[i]));
      }
      QCOMPARE(scored, r.folds[f].trainEvents);  // validation split and held-out fold: NaN
    }
    QVERIFY(!obs.snapshots.empty());
    for (const Snapshot& s : obs.snapshots) {
      QCOMPARE(s.apHistory.size(), s.lossHistory.size());
      QCOMPARE(s.apHistory.back()[0], static_cast<double>(s.iteration));
      QCOMPARE(s.apHistory.back()[1], s.metrics.averagePrecision);
      for (std::size_t i = 0; i < s.apHistory.size(); ++i)
        QCOMPARE(s.apHistory[i][0], s.lossHistory[i][0]);
    }
  }

  void sameSeedSameResult() {
    const FeatureMatrix data = test::blobs(900, 3, 1.5, 0.2, 24);
    RunConfig c = config({{"kind", "mlp"}, {"hidden", {8}}, {"max_epochs", 2}}, 3);
    Collect o1, o2, o3;
    const RunResult a = runCrossValidated(data, c, o1);
    const RunResult b = runCrossValidated(data, c, o2);
    c.seed = 8;
    const RunResult d = runCrossValidated(data, c, o3);
    QVERIFY(a.heldOutScores == b.heldOutScores);
    QVERIFY(a.heldOutFold == b.heldOutFold);
    QCOMPARE(a.aggregate.at("auc").mean, b.aggregate.at("auc").mean);
    QVERIFY(a.heldOutScores != d.heldOutScores);
  }

  void stopEndsTheRunCleanly() {
    const FeatureMatrix data = test::blobs(1500, 3, 1.5, 0.2, 25);
    Collect obs;
    obs.stopAfterFolds = 1;
    const RunResult r =
        runCrossValidated(data, config({{"kind", "mlp"}, {"hidden", {8}}, {"max_epochs", 3}}), obs);
    QVERIFY(r.cancelled);
    QCOMPARE(r.folds.size(), std::size_t{1});
    QCOMPARE(r.aggregate.at("auc").n, std::size_t{1});
    QCOMPARE(obs.lastStage, std::string("cancelled"));
    QVERIFY(r.toJson().at("cancelled").get<bool>());
    std::size_t scored = 0;
    for (int f : r.heldOutFold) scored += f == 0;
    QCOMPARE(scored, r.folds[0].testEvents);
    for (std::size_t i = 0; i < data.rows(); ++i)
      if (r.heldOutFold[i] < 0) QVERIFY(std::isnan(r.heldOutScores[i]));
  }

  void oneVariableRunUsesTheFeatureAsScore() {
    const FeatureMatrix data = test::blobs(800, 3, 2.0, 0.2, 26);
    Collect obs;
    const RunResult r =
        runCrossValidated(data, config({{"kind", "one_variable"}, {"feature", "x0"}}), obs);
    for (std::size_t i = 0; i < data.rows(); ++i)
      QCOMPARE(r.heldOutScores[i], static_cast<double>(data.x(static_cast<Eigen::Index>(i), 0)));
  }

  void runConfigJson() {
    const nlohmann::json j = nlohmann::json::parse(R"({
      "name": "GBDT weighted", "model": {"kind": "gbdt", "trees": 10},
      "loss": {"kind": "weighted_cross_entropy", "alpha": "1-r"},
      "resample": {"kind": "random_under"}, "folds": 3, "seed": 5, "features": ["x0", "x1"]})");
    const RunConfig c = RunConfig::fromJson(j);
    QVERIFY(c.alphaFromSignalFraction);
    QCOMPARE(c.folds, 3);
    QCOMPARE(c.modelSpec(0.1).at("loss").at("alpha").get<double>(), 0.9);
    const RunConfig back = RunConfig::fromJson(c.toJson());
    QVERIFY(back.toJson() == c.toJson());
    QCOMPARE(back.displayName(), std::string("GBDT weighted"));
    // The one-variable model takes no loss; forests neither.
    QVERIFY(!RunConfig::fromJson({{"model", {{"kind", "one_variable"}, {"feature", "a"}}}})
                 .modelSpec(0.1)
                 .contains("loss"));
    try {
      runConfigsFromJson(nlohmann::json::parse(R"([{"model":"mlp"},{"model":"mlp","fold":3}])"));
      QFAIL("accepted a typo");
    } catch (const Error& e) {
      QVERIFY2(std::string(e.what()).find("runs[1]") != std::string::npos, e.what());
      QVERIFY2(std::string(e.what()).find("did you mean 'folds'") != std::string::npos, e.what());
    }
  }

  void selectFeaturesByName() {
    const FeatureMatrix data = test::blobs(10, 3, 1.0, 0.5, 27);
    const FeatureMatrix s = selectFeatures(data, {"x2", "x0"});
    QCOMPARE(s.x(4, 0), data.x(4, 2));
    QCOMPARE(s.x(4, 1), data.x(4, 0));
    QVERIFY_THROWS_EXCEPTION(Error, selectFeatures(data, {"x9"}));
  }
};

QTEST_APPLESS_MAIN(TestRunEngine)
#include "test_run_engine.moc"
