// core/insight against scikit-learn 1.2.1, numpy and XGBoost 1.7 (values committed in
// tests/reference/insight/insight_reference.json by make_insight_reference.py).
#include <QtTest>

#include <cmath>
#include <nlohmann/json.hpp>
#include <vector>

#include "core/eval/recalibration.h"
#include "core/insight/permutation_importance.h"
#include "core/insight/tree_importance.h"
#include "core/insight/weighted_correlation.h"
#include "core/learn/forest_model.h"
#include "core/learn/input_transform.h"
#include "core/learn/model.h"
#include "core/util/error.h"
#include "tests/core/insight/reference_json.h"

using nlohmann::json;

namespace {

bool close(double a, double b, double tol) {
  return std::abs(a - b) <= tol * std::max(1.0, std::abs(b));
}

imbw::FeatureMatrix matrixOf(const json& x, const std::vector<int>& y,
                             const std::vector<double>& w) {
  imbw::FeatureMatrix m;
  const std::size_t n = x.size(), p = x.at(0).size();
  for (std::size_t f = 0; f < p; ++f) m.featureNames.push_back("f" + std::to_string(f));
  m.classNames = {"b", "s"};
  m.signalClass = 1;
  m.x.resize(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(p));
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t f = 0; f < p; ++f)
      m.x(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(f)) = x[i][f].get<float>();
  m.label.assign(y.begin(), y.end());
  m.weight = w;
  return m;
}

}  // namespace

class TestInsightReference : public QObject {
  Q_OBJECT

  json m_ref;

 private Q_SLOTS:
  void initTestCase() {
    try {
      m_ref = imbw::test::insightReference();
    } catch (const std::exception& e) {
      QFAIL(e.what());
    }
  }

  void permutationMatchesSklearn_data() {
    QTest::addColumn<QString>("metric");
    QTest::newRow("ap") << "ap";
    QTest::newRow("auc") << "auc";
  }

  // Same permutations as sklearn's permutation_importance drew, same (logistic) model, event
  // weights: every single drop equals sklearn's.
  void permutationMatchesSklearn() {
    QFETCH(QString, metric);
    const json& c = m_ref.at("permutation");
    const auto m = matrixOf(c.at("x"), c.at("y").get<std::vector<int>>(),
                            c.at("w").get<std::vector<double>>());
    const auto coef = c.at("coef").get<std::vector<double>>();
    const double b0 = c.at("intercept");
    const imbw::RowScorer logistic = [&](const imbw::RowMatrixF& x) {
      std::vector<double> s(static_cast<std::size_t>(x.rows()));
      for (Eigen::Index i = 0; i < x.rows(); ++i) {
        double z = b0;
        for (Eigen::Index f = 0; f < x.cols(); ++f) z += coef[f] * static_cast<double>(x(i, f));
        s[static_cast<std::size_t>(i)] = 1.0 / (1.0 + std::exp(-z));
      }
      return s;
    };
    const json& perms = c.at("permutations");
    imbw::PermutationOptions o;
    o.metric = imbw::importanceMetricFromName(metric.toStdString());
    o.repeats = c.at("repeats");
    const auto r = imbw::permutationImportance(logistic, m, o, [&](std::size_t f, int rep) {
      return perms.at(f).at(static_cast<std::size_t>(rep)).get<std::vector<std::size_t>>();
    });
    const json& want = c.at(metric.toStdString());
    QCOMPARE(r.drops.size(), std::size_t{4});
    for (std::size_t f = 0; f < 4; ++f) {
      for (int rep = 0; rep < o.repeats; ++rep) {
        const double ref = want.at("importances").at(f).at(static_cast<std::size_t>(rep));
        QVERIFY2(close(r.drops[f][static_cast<std::size_t>(rep)], ref, 1e-9),
                 qPrintable(QString("feature %1 repeat %2: %3 vs sklearn %4")
                                .arg(f)
                                .arg(rep)
                                .arg(r.drops[f][rep], 0, 'g', 12)
                                .arg(ref, 0, 'g', 12)));
      }
      QVERIFY(close(r.mean[f], want.at("mean").at(f), 1e-9));
      // sklearn's std is the population one (ddof 0); ours is the sample one (n − 1).
      const double n = o.repeats;
      QVERIFY(close(r.std[f], want.at("std").at(f).get<double>() * std::sqrt(n / (n - 1)), 1e-7));
    }
    // The informative features rank first: x0 (coefficient 1.5) then x1 (−0.8).
    QVERIFY(r.mean[0] > r.mean[1] && r.mean[1] > r.mean[2]);
  }

  void permutationRejectsABadOrder() {
    const json& c = m_ref.at("permutation");
    const auto m = matrixOf(c.at("x"), c.at("y").get<std::vector<int>>(),
                            c.at("w").get<std::vector<double>>());
    const imbw::RowScorer first = [](const imbw::RowMatrixF& x) {
      std::vector<double> s(static_cast<std::size_t>(x.rows()));
      for (Eigen::Index i = 0; i < x.rows(); ++i) s[static_cast<std::size_t>(i)] = x(i, 0);
      return s;
    };
    imbw::PermutationOptions o;
    o.repeats = 1;
    QVERIFY_THROWS_EXCEPTION(imbw::Error,
                             imbw::permutationImportance(first, m, o, [&](std::size_t, int) {
                               return std::vector<std::size_t>(m.rows(), 0);
                             }));
  }

  // scikit-learn's trees in our forest file layout: the weighted Gini decrease per feature is
  // sklearn's unnormalised impurity importance times the root weight.
  void forestGainMatchesSklearnImpurity() {
    const json& c = m_ref.at("forest_gain");
    const auto forest = imbw::ForestModel::fromJson(c.at("forest"));
    const std::vector<std::string> names{"f0", "f1", "f2", "f3", "f4"};
    const auto t = imbw::treeImportance(*forest, names);
    QCOMPARE(t.gainKind, std::string("weighted Gini decrease"));
    for (std::size_t f = 0; f < names.size(); ++f) {
      QVERIFY2(close(t.totalGain[f], c.at("total_gain").at(f), 1e-9),
               qPrintable(QString("feature %1: %2 vs %3")
                              .arg(f)
                              .arg(t.totalGain[f])
                              .arg(c.at("total_gain").at(f).get<double>())));
      QCOMPARE(t.splitCount[f], c.at("split_count").at(f).get<double>());
    }
  }

  // A boosted-tree file saved by our code (imbalance-cli run --save-models): XGBoost's own
  // get_score(importance_type="total_gain" / "weight") in python gave the reference.
  void gbdtGainMatchesXgboost() {
    const json& c = m_ref.at("gbdt_gain");
    const auto path = imbw::test::insightReferencePath(c.at("model_file"));
    if (!std::filesystem::exists(path))
      QFAIL(qPrintable("missing " + QString::fromStdString(path.string())));
    const auto model = imbw::loadModel(path.string());
    QVERIFY(imbw::hasTreeImportance(*model));
    const std::vector<std::string> names{"x0", "x1", "x2", "x3"};
    const auto t = imbw::treeImportance(*model, names);
    for (std::size_t f = 0; f < names.size(); ++f) {
      const std::string key = "f" + std::to_string(f);
      const double gain = c.at("total_gain").value(key, 0.0);
      const double weight = c.at("weight").value(key, 0.0);
      QVERIFY2(
          close(t.totalGain[f], gain, 1e-6),
          qPrintable(QString("feature %1: %2 vs xgboost %3").arg(f).arg(t.totalGain[f]).arg(gain)));
      QCOMPARE(t.splitCount[f], weight);
    }
    // x0 and x2 carry the signal.
    QVERIFY(t.totalGain[0] > t.totalGain[1] && t.totalGain[2] > t.totalGain[3]);
  }

  void correlationMatchesNumpy() {
    const json& c = m_ref.at("correlation");
    const auto cls = c.at("class").get<std::vector<int>>();
    const auto m = matrixOf(c.at("x"), cls, c.at("w").get<std::vector<double>>());
    const auto score = c.at("score").get<std::vector<double>>();
    auto compare = [](const imbw::CorrelationMatrix& got, const json& want) {
      QCOMPARE(got.rho.size(), want.size());
      for (std::size_t j = 0; j < got.rho.size(); ++j)
        for (std::size_t k = 0; k < got.rho.size(); ++k)
          QVERIFY2(close(got.rho[j][k], want.at(j).at(k), 1e-9),
                   qPrintable(QString("rho[%1][%2] = %3, numpy %4")
                                  .arg(j)
                                  .arg(k)
                                  .arg(got.rho[j][k], 0, 'g', 12)
                                  .arg(want.at(j).at(k).get<double>(), 0, 'g', 12)));
    };
    for (int k = 0; k < 2; ++k) {
      compare(imbw::classCorrelation(m, k), c.at("per_class").at(std::to_string(k)));
      compare(imbw::classCorrelation(m, k, score, "score"),
              c.at("per_class_with_score_" + std::to_string(k)));
    }
    compare(imbw::classCorrelation(m, -1), c.at("all"));
    // The pairs above 0.5 in the signal class, strongest first.
    const auto c1 = imbw::classCorrelation(m, 1);
    const auto pairs = imbw::correlatedPairs(c1, 0.5);
    QVERIFY(!pairs.empty());
    int expected = 0;
    for (std::size_t j = 0; j < 4; ++j)
      for (std::size_t k = j + 1; k < 4; ++k) expected += std::abs(c1.rho[j][k]) >= 0.5;
    QCOMPARE(static_cast<int>(pairs.size()), expected);
    for (std::size_t i = 1; i < pairs.size(); ++i)
      QVERIFY(std::abs(pairs[i - 1].rho) >= std::abs(pairs[i].rho));
  }

  void reliabilityBinningMatchesSklearn() {
    const json& c = m_ref.at("calibration");
    const auto s = c.at("scores").get<std::vector<double>>();
    std::vector<std::uint8_t> y;
    for (int v : c.at("y").get<std::vector<int>>()) y.push_back(static_cast<std::uint8_t>(v));
    const auto curve = imbw::calibrationCurve(s, y, {}, c.at("bins"));
    const json& want = c.at("calibration_curve");
    QCOMPARE(curve.meanPredicted.size(), want.at("prob_pred").size());
    for (std::size_t b = 0; b < curve.meanPredicted.size(); ++b) {
      QVERIFY(close(curve.meanPredicted[b], want.at("prob_pred").at(b), 1e-12));
      QVERIFY(close(curve.observedFraction[b], want.at("prob_true").at(b), 1e-12));
    }
  }

  void recalibrationMatchesSklearn_data() {
    QTest::addColumn<bool>("weighted");
    QTest::newRow("unweighted") << false;
    QTest::newRow("weighted") << true;
  }

  void recalibrationMatchesSklearn() {
    QFETCH(bool, weighted);
    const json& c = m_ref.at("calibration");
    const json& want = c.at(weighted ? "weighted" : "unweighted");
    const auto s = c.at("scores").get<std::vector<double>>();
    std::vector<std::uint8_t> y;
    for (int v : c.at("y").get<std::vector<int>>()) y.push_back(static_cast<std::uint8_t>(v));
    std::vector<double> w;
    if (weighted) w = c.at("w").get<std::vector<double>>();

    const auto iso = imbw::fitIsotonic(s, y, w);
    const auto grid = c.at("grid").get<std::vector<double>>();
    for (std::size_t i = 0; i < grid.size(); ++i)
      QVERIFY2(close(iso.apply(grid[i]), want.at("isotonic_grid").at(i), 1e-12),
               qPrintable(QString("isotonic at %1: %2 vs sklearn %3")
                              .arg(grid[i])
                              .arg(iso.apply(grid[i]))
                              .arg(want.at("isotonic_grid").at(i).get<double>())));

    const auto platt = imbw::fitPlatt(s, y, w);
    QVERIFY2(close(platt.plattA, want.at("platt_a"), 1e-6) &&
                 close(platt.plattB, want.at("platt_b"), 1e-6),
             qPrintable(QString("Platt A, B = %1, %2; reference %3, %4")
                            .arg(platt.plattA, 0, 'g', 10)
                            .arg(platt.plattB, 0, 'g', 10)
                            .arg(want.at("platt_a").get<double>(), 0, 'g', 10)
                            .arg(want.at("platt_b").get<double>(), 0, 'g', 10)));
    // scikit-learn's own fit stops at BFGS's gradient tolerance: close, not equal.
    QVERIFY(close(platt.plattA, want.at("platt_a_sklearn"), 1e-3));

    QVERIFY(close(imbw::brierScore(s, y, w), want.at("brier_raw"), 1e-12));
    QVERIFY(close(imbw::logLoss(s, y, w), want.at("log_loss_raw"), 1e-12));
    QVERIFY(close(imbw::brierScore(iso.apply(s), y, w), want.at("brier_isotonic"), 1e-12));
    QVERIFY(close(imbw::brierScore(platt.apply(s), y, w), want.at("brier_platt"), 1e-8));
    QVERIFY(close(imbw::logLoss(platt.apply(s), y, w), want.at("log_loss_platt"), 1e-8));
    // Calibrators survive their JSON.
    const auto back = imbw::Calibrator::fromJson(iso.toJson());
    QCOMPARE(back.apply(0.37), iso.apply(0.37));
  }

  // Decorrelation, PCA and Gaussianising fitted on weighted events, against numpy / scipy.
  void transformsMatchNumpy() {
    const json& c = m_ref.at("transform");
    const auto w = c.at("w").get<std::vector<double>>();
    const auto m = matrixOf(c.at("x"), std::vector<int>(w.size(), 0), w);
    const json& probeJ = c.at("probe");
    imbw::RowMatrixF probe(static_cast<Eigen::Index>(probeJ.size()), 3);
    for (std::size_t i = 0; i < probeJ.size(); ++i)
      for (std::size_t f = 0; f < 3; ++f)
        probe(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(f)) =
            probeJ[i][f].get<float>();
    auto check = [&](const imbw::RowMatrixF& got, const json& want, double tol, const char* what) {
      for (std::size_t i = 0; i < want.size(); ++i)
        for (std::size_t f = 0; f < 3; ++f) {
          const double g = got(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(f));
          QVERIFY2(close(g, want[i][f], tol), qPrintable(QString("%1 [%2][%3]: %4 vs %5")
                                                             .arg(what)
                                                             .arg(i)
                                                             .arg(f)
                                                             .arg(g)
                                                             .arg(want[i][f].get<double>())));
        }
    };
    using Kind = imbw::InputTransformConfig::Kind;
    imbw::InputTransform dec({Kind::Decorrelate, ""});
    dec.fit(m);
    for (std::size_t f = 0; f < 3; ++f) QVERIFY(close(dec.mean()(f), c.at("mean").at(f), 1e-12));
    check(dec.apply(probe), c.at("decorrelated_probe"), 1e-6, "decorrelated");
    // The decorrelated training events have unit weighted covariance.
    imbw::InputTransform pca({Kind::Pca, ""});
    pca.fit(m);
    for (std::size_t k = 0; k < 3; ++k) {
      QVERIFY(close(pca.variances()(k), c.at("pca_variance").at(k), 1e-10));
      for (std::size_t f = 0; f < 3; ++f)
        QVERIFY(close(pca.matrix()(k, f), c.at("pca_components").at(k).at(f), 1e-9));
    }
    check(pca.apply(probe), c.at("pca_probe"), 1e-6, "pca");
    imbw::InputTransform gau({Kind::Gaussianize, ""});
    gau.fit(m);
    check(gau.apply(probe), c.at("probe_normal"), 1e-6, "gaussianized");
    // Stored and read back, the same map.
    const auto back = imbw::InputTransform::fromJson(dec.toJson());
    QVERIFY((back.apply(probe) - dec.apply(probe)).cwiseAbs().maxCoeff() == 0.0f);
    QCOMPARE(imbw::inverseNormalCdf(0.975), 1.959963984540054);
    QVERIFY(std::abs(imbw::inverseNormalCdf(1e-10) + 6.361340902404056) < 1e-12);
  }
};

QTEST_GUILESS_MAIN(TestInsightReference)
#include "test_insight_reference.moc"
