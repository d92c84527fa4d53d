// Input transformations and recalibration inside the run engine (RunConfig "transform" and
// "calibration"): fitted per fold on the training part only, stored with the fold's model.
#include <QtTest>

#include <QTemporaryDir>
#include <cmath>
#include <numeric>

#include "core/learn/model.h"
#include "core/learn/pipeline_model.h"
#include "core/learn/run_engine.h"
#include "core/util/error.h"
#include "tests/core/learn/toy_data.h"

class TestInsightPipeline : public QObject {
  Q_OBJECT

  static imbw::RunConfig logistic() {
    imbw::RunConfig rc;
    rc.model = {{"kind", "logistic"}};
    rc.folds = 3;
    return rc;
  }

 private Q_SLOTS:
  // Under-sampled with the class weights equalised, a model's mean score is near ½; the prior
  // correction brings each fold's weighted mean score to its signal fraction r (≈ 0.1) within
  // the statistical error.
  void priorCorrectionInTheEngine() {
    const auto data = imbw::test::blobs(12000, 2, 1.5, 0.1, 31);
    auto rc = logistic();
    rc.resample =
        imbw::ResampleConfig::fromJson({{"kind", "random_under"}, {"equalise_weights", true}});
    imbw::TrainingObserver quiet;
    const auto raw = imbw::runCrossValidated(data, rc, quiet);
    rc.calibration = imbw::CalibrationConfig::fromJson({{"kind", "prior"}});
    const auto cal = imbw::runCrossValidated(data, rc, quiet);
    QCOMPARE(cal.folds.size(), std::size_t{3});
    for (const auto& f : cal.folds) {
      const double r = f.metrics.at("signal_fraction");
      const double n = static_cast<double>(f.testEvents);
      // Binomial error of the fold's r plus that of the prior the model learned (~ r·√(1/N_S)
      // on 2/3 of the signal events).
      const double sigma = std::sqrt(r * (1 - r) / n + r * r / (r * 12000.0 * 2.0 / 3.0));
      QVERIFY2(std::abs(f.metrics.at("mean_score") - r) < 3 * sigma,
               qPrintable(QString("fold %1: mean score %2, r %3, sigma %4")
                              .arg(f.fold)
                              .arg(f.metrics.at("mean_score"))
                              .arg(r)
                              .arg(sigma)));
      QVERIFY(f.metrics.at("brier") < f.metrics.at("brier_raw"));
      QVERIFY(f.metrics.at("log_loss") < f.metrics.at("log_loss_raw"));
    }
    // A monotone map: ranking metrics unchanged.
    for (std::size_t k = 0; k < 3; ++k)
      QVERIFY(std::abs(cal.folds[k].metrics.at("auc") - raw.folds[k].metrics.at("auc")) < 1e-12);
    // Raw runs carry no calibration metrics (their JSON is what it was).
    QVERIFY(!raw.folds[0].metrics.count("brier"));
    QVERIFY(!imbw::RunConfig(raw.config).toJson().contains("calibration"));
    QCOMPARE(cal.config.toJson().at("calibration").at("kind"), "prior");
  }

  void isotonicAndPlattInTheEngine_data() {
    QTest::addColumn<QString>("kind");
    QTest::newRow("platt") << "platt";
    QTest::newRow("isotonic") << "isotonic";
  }

  // Fitted on 20 % of the training part, which the model never sees; stored with the model, so
  // a saved and re-loaded fold model gives the calibrated scores.
  void isotonicAndPlattInTheEngine() {
    QFETCH(QString, kind);
    const auto data = imbw::test::blobs(6000, 2, 1.5, 0.1, 32);
    auto rc = logistic();
    rc.loss = imbw::LossConfig::fromJson({{"kind", "weighted_cross_entropy"}, {"alpha", 0.9}});
    rc.calibration =
        imbw::CalibrationConfig::fromJson({{"kind", kind.toStdString()}, {"fraction", 0.2}});
    imbw::TrainingObserver quiet;
    const auto run = imbw::runCrossValidated(data, rc, quiet);
    for (const auto& f : run.folds) {
      QVERIFY(f.metrics.at("brier") < f.metrics.at("brier_raw"));
      // 3 folds: 4000 training events, 800 held back for the calibration.
      QVERIFY(std::abs(static_cast<double>(f.trainEvents) - 3200.0) <= 2.0);
    }
    const auto* p = dynamic_cast<const imbw::PipelineModel*>(run.models[0].get());
    QVERIFY(p);
    QCOMPARE(imbw::calibrationKindName(p->calibrator().kind), kind.toStdString().c_str());
    QTemporaryDir dir;
    const std::string path = (dir.path() + "/m.h5").toStdString();
    run.models[0]->save(path);
    const auto back = imbw::loadModel(path);
    const auto a = run.models[0]->predict(data.x);
    const auto b = back->predict(data.x);
    for (std::size_t i = 0; i < a.size(); i += 97) QCOMPARE(b[i], a[i]);
    // The held-out scores are the calibrated ones.
    std::size_t i0 = 0;
    while (run.heldOutFold[i0] != 0) ++i0;
    const imbw::FeatureMatrix one = data.subset(std::vector<std::size_t>{i0});
    QCOMPARE(run.heldOutScores[i0], run.models[0]->predict(one.x)[0]);
  }

  void transformsInTheEngine_data() {
    QTest::addColumn<QString>("kind");
    for (const char* k : {"standardize", "decorrelate", "pca", "gaussianize"})
      QTest::newRow(k) << k;
  }

  // A linear model is invariant under the affine transforms (same AUC up to the fit's
  // regularisation); Gaussianising is monotone per feature, so here (one informative feature)
  // it changes little. The transform is fitted per fold and saved with the model.
  void transformsInTheEngine() {
    QFETCH(QString, kind);
    auto data = imbw::test::blobs(4000, 3, 1.5, 0.2, 33);
    for (Eigen::Index i = 0; i < data.x.rows(); ++i)
      data.x(i, 2) = data.x(i, 2) + 0.8f * data.x(i, 0);
    auto rc = logistic();
    imbw::TrainingObserver quiet;
    const auto plain = imbw::runCrossValidated(data, rc, quiet);
    rc.transform = imbw::InputTransformConfig::fromJson({{"kind", kind.toStdString()}});
    const auto run = imbw::runCrossValidated(data, rc, quiet);
    const double a0 = plain.aggregate.at("auc").mean, a1 = run.aggregate.at("auc").mean;
    QVERIFY2(std::abs(a1 - a0) < (kind == "gaussianize" ? 0.01 : 0.002),
             qPrintable(QString("AUC %1 with %2, %3 without").arg(a1).arg(kind).arg(a0)));
    QTemporaryDir dir;
    const std::string path = (dir.path() + "/m.h5").toStdString();
    run.models[1]->save(path);
    const auto back = imbw::loadModel(path);
    const auto a = run.models[1]->predict(data.x);
    const auto b = back->predict(data.x);
    for (std::size_t i = 0; i < a.size(); i += 101) QCOMPARE(b[i], a[i]);
    QCOMPARE(run.config.toJson().at("transform").at("kind"), kind.toStdString());
  }

  void badOptionsNameTheCause() {
    nlohmann::json j{{"model", "logistic"}, {"calibration", {{"kind", "beta"}}}};
    try {
      (void)imbw::RunConfig::fromJson(j);
      QFAIL("no error");
    } catch (const imbw::Error& e) {
      QVERIFY(QString(e.what()).contains("beta"));
    }
    j = {{"model", "logistic"}, {"transform", {{"kind", "pcaa"}}}};
    try {
      (void)imbw::RunConfig::fromJson(j);
      QFAIL("no error");
    } catch (const imbw::Error& e) {
      QVERIFY(QString(e.what()).contains("pca"));
    }
    // Decorrelating two identical features: the covariance is singular, and the message says
    // which features.
    auto data = imbw::test::blobs(500, 2, 1.5, 0.2, 34);
    data.x.col(1) = data.x.col(0);
    auto rc = logistic();
    rc.transform = imbw::InputTransformConfig::fromJson({{"kind", "decorrelate"}});
    imbw::TrainingObserver quiet;
    try {
      (void)imbw::runCrossValidated(data, rc, quiet);
      QFAIL("no error");
    } catch (const imbw::Error& e) {
      QVERIFY2(QString(e.what()).contains("'x0'") && QString(e.what()).contains("'x1'"), e.what());
    }
  }
};

QTEST_GUILESS_MAIN(TestInsightPipeline)
#include "test_insight_pipeline.moc"
