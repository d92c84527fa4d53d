// The autoencoder model kind: learns a known low-dimensional manifold (closed-form check of
// what a 1-d bottleneck can and cannot rebuild), never reads labels, streams live losses,
// stops on request, survives save/load and rejects bad settings with a named cause.

#include <QTemporaryDir>
#include <QTest>
#include <cmath>
#include <random>

#include "core/learn/autoencoder_model.h"
#include "core/learn/model.h"
#include "core/learn/run_engine.h"
#include "core/util/error.h"
#include "tests/core/learn/toy_data.h"

using namespace imbw;

namespace {

// Events on the line t·(1, 2, −1) (a 1-d manifold in 3-d) plus noise of width `noise`.
FeatureMatrix lineData(std::size_t n, double noise, std::uint64_t seed) {
  std::mt19937_64 g(seed);
  FeatureMatrix m;
  m.featureNames = {"a", "b", "c"};
  m.classNames = {"background", "signal"};
  m.x.resize(static_cast<Eigen::Index>(n), 3);
  m.label.assign(n, 0);
  m.weight.assign(n, 1.0);
  for (std::size_t i = 0; i < n; ++i) {
    const double t = test::normal(g);
    const double dir[3] = {1.0, 2.0, -1.0};
    for (int f = 0; f < 3; ++f)
      m.x(static_cast<Eigen::Index>(i), f) =
          static_cast<float>(t * dir[f] + noise * test::normal(g));
    m.label[i] = static_cast<std::int32_t>(i % 2);  // arbitrary: must not matter
  }
  return m;
}

struct Recorder : FitObserver {
  std::vector<Checkpoint> checkpoints;
  int stopAfterPolls = -1;
  mutable int polls = 0;
  bool stopRequested() const override { return stopAfterPolls >= 0 && ++polls > stopAfterPolls; }
  void checkpoint(const Checkpoint& c) override { checkpoints.push_back(c); }
};

nlohmann::json spec() {
  return {{"kind", "autoencoder"}, {"hidden", {8}},    {"latent", 1},
          {"max_epochs", 40},      {"batch_size", 64}, {"learning_rate", 3e-3}};
}

}  // namespace

class TestAutoencoder : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void learnsTheManifold() {
    // Standardised, the line's points have per-feature variance 1, so a model that rebuilds
    // nothing scores about 1 per event; the noise (1 % of the spread) sets the floor.
    const FeatureMatrix train = lineData(4000, 0.01, 1);
    auto model = makeModel(spec());
    Recorder rec;
    FitContext ctx;
    ctx.observer = &rec;
    ctx.seed = 5;
    model->fit(train, ctx);
    const FeatureMatrix test = lineData(500, 0.01, 2);
    const std::vector<double> on = model->predict(test.x);
    double mean = 0.0;
    for (double e : on) mean += e / double(on.size());
    QVERIFY2(mean < 0.01, qPrintable(QString("on-manifold error %1").arg(mean)));
    // A point off the line, perpendicular to it: (2, −1, 0) · 1.5 in raw units. Its
    // standardised residual cannot be rebuilt through a 1-d bottleneck that follows the line.
    RowMatrixF off(1, 3);
    off << 3.0f, -1.5f, 0.0f;
    const double offError = model->predict(off)[0];
    QVERIFY2(offError > 100.0 * mean, qPrintable(QString("off %1 on %2").arg(offError).arg(mean)));
    // Live training loss, one checkpoint per epoch, falling.
    QCOMPARE(rec.checkpoints.size(), std::size_t{40});
    QVERIFY(rec.checkpoints.back().trainLoss < 0.2 * rec.checkpoints.front().trainLoss);
    QVERIFY(std::isnan(rec.checkpoints.front().validationLoss));
  }

  void neverReadsLabels() {
    FeatureMatrix a = lineData(1000, 0.1, 3);
    FeatureMatrix b = a;
    for (auto& l : b.label) l = 1 - l;
    b.classNames = {"x", "y", "z"};
    b.signalClass = 0;
    auto ma = makeModel(spec()), mb = makeModel(spec());
    FitContext ctx;
    ctx.seed = 9;
    ma->fit(a, ctx);
    mb->fit(b, ctx);
    const auto sa = ma->predict(a.x), sb = mb->predict(a.x);
    for (std::size_t i = 0; i < sa.size(); ++i) QCOMPARE(sa[i], sb[i]);
  }

  void validationStopsEarlyAndKeepsBest() {
    const FeatureMatrix train = lineData(2000, 0.05, 4), val = lineData(400, 0.05, 5);
    nlohmann::json s = spec();
    s["max_epochs"] = 60;
    s["patience"] = 2;
    auto model = makeModel(s);
    Recorder rec;
    FitContext ctx;
    ctx.validation = &val;
    ctx.observer = &rec;
    model->fit(train, ctx);
    QVERIFY(!rec.checkpoints.empty());
    double best = 1e300;
    for (const Checkpoint& c : rec.checkpoints) {
      QVERIFY(std::isfinite(c.validationLoss));
      QCOMPARE(c.validationScores.size(), val.rows());
      best = std::min(best, c.validationLoss);
    }
    // The kept weights are the best epoch's: their validation error is the best one seen.
    const auto scores = model->predict(val.x);
    double mean = 0.0;
    for (double e : scores) mean += e / double(scores.size());
    QVERIFY2(std::abs(mean - best) < 1e-5 * std::max(1.0, best),
             qPrintable(QString("kept %1 best %2").arg(mean).arg(best)));
  }

  void cancels() {
    const FeatureMatrix train = lineData(3000, 0.1, 6);
    auto model = makeModel(spec());
    Recorder rec;
    rec.stopAfterPolls = 10;
    FitContext ctx;
    ctx.observer = &rec;
    QVERIFY_THROWS_EXCEPTION(Cancelled, model->fit(train, ctx));
  }

  void saveAndLoad() {
    const FeatureMatrix train = lineData(1000, 0.1, 7);
    auto model = makeModel(spec());
    model->fit(train, FitContext{});
    QTemporaryDir dir;
    const std::string path = dir.filePath("ae.h5").toStdString();
    model->save(path);
    auto back = loadModel(path);
    QCOMPARE(back->kind(), std::string("autoencoder"));
    QVERIFY(back->config() == model->config());
    const auto a = model->predict(train.x), b = back->predict(train.x);
    for (std::size_t i = 0; i < a.size(); ++i) QCOMPARE(a[i], b[i]);
  }

  void badSettingsAreNamed() {
    const std::vector<std::pair<nlohmann::json, std::string>> cases{
        {{{"kind", "autoencoder"}, {"latent", 0}}, "latent"},
        {{{"kind", "autoencoder"}, {"activation", "sigmoid"}}, "sigmoid"},
        {{{"kind", "autoencoder"}, {"hidden", {4, 0}}}, "hidden"},
        {{{"kind", "autoencoder"}, {"latnet", 2}}, "latent"},  // did you mean
    };
    for (const auto& [s, word] : cases) {
      try {
        (void)makeModel(s);
        QFAIL(qPrintable(QString::fromStdString("accepted: " + s.dump())));
      } catch (const Error& e) {
        QVERIFY2(std::string(e.what()).find(word) != std::string::npos, e.what());
      }
    }
  }

  void runsThroughTheEngine() {
    // A run like every other: k folds, live snapshots with the loss history, held-out scores.
    FeatureMatrix data = test::blobs(1500, 3, 6.0, 0.1, 8);
    RunConfig rc;
    rc.model = {{"kind", "autoencoder"}, {"hidden", {8}}, {"latent", 1}, {"max_epochs", 5}};
    rc.folds = 3;
    struct Obs : TrainingObserver {
      int snapshots = 0;
      bool haveLoss = false;
      void snapshot(const Snapshot& s) override {
        ++snapshots;
        haveLoss = haveLoss || (!s.lossHistory.empty() && std::isfinite(s.trainLoss));
      }
    } obs;
    const RunResult r = runCrossValidated(data, rc, obs);
    QCOMPARE(r.folds.size(), std::size_t{3});
    QVERIFY(obs.snapshots >= 3);
    QVERIFY(obs.haveLoss);
    for (double s : r.heldOutScores) QVERIFY(std::isfinite(s));
    // The blobs' signal sits 6 σ away along x0: it is the anomaly.
    QVERIFY2(r.aggregate.at("auc").mean > 0.9,
             qPrintable(QString("AUC %1").arg(r.aggregate.at("auc").mean)));
  }
};

QTEST_APPLESS_MAIN(TestAutoencoder)
#include "test_autoencoder.moc"
