// imbalance-cli importance / correlations / calibration / working-point, apply --working-point
// and the analysis file's controlled imbalance, as a user runs them on the bundled WW sample.

#include <hdf5.h>

#include <QtTest/QtTest>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <cmath>

#include "tests/app/cli/cli_process.h"
#include "tests/app/cli/h5_column.h"

namespace {

using cli_test::readColumn;
using cli_test::Result;
using cli_test::runCli;
using cli_test::sourceDir;

QString wwFile() {
  return sourceDir() + "/resources/examples/ww/ww_polarization_01.h5";
}

// No cut, raw columns: the test can recompute correlations from the file itself.
QString writeAnalysis(const QTemporaryDir& dir, const QString& extra = {}) {
  const QString text = QString(R"json({
    "formatVersion": 1, "name": "cli insight test",
    "samples": [{"name": "ww", "path": "%1",
                 "label": {"column": "label", "classes": {"1": "LL", "0": "other"}}}],
    "classes": ["other", "LL"], "signalClass": "LL",
    "features": ["W1_px", "W1_pz", "W2_pz", "j1_pz", "j2_pz", "j1_e"],
    %2
    "runs": [
      {"name": "logistic", "model": "logistic", "folds": 3},
      {"name": "small gbdt", "model": {"kind": "gbdt", "trees": 30, "max_depth": 3}, "folds": 3},
      {"name": "under-sampled logistic", "model": "logistic", "folds": 3,
       "resample": {"kind": "random_under", "equalise_weights": true}}
    ]})json")
                           .arg(wwFile(), extra);
  const QString path = dir.filePath("insight.analysis.json");
  QFile f(path);
  f.open(QIODevice::WriteOnly);
  f.write(text.toUtf8());
  return path;
}

QJsonObject readJson(const QString& path) {
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly)) return {};
  return QJsonDocument::fromJson(f.readAll()).object();
}

}  // namespace

class TestCliInsight : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void importancePrintsTheRanking() {
    QTemporaryDir dir;
    const QString a = writeAnalysis(dir);
    const QString out = dir.filePath("imp.json");
    const Result r = runCli({"importance", a, "--run", "2", "--repeats", "2", "--out", out,
                             "--threads", "2", "--quiet"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out));
    const QJsonObject j = readJson(out);
    const QJsonArray features = j["features"].toArray();
    QCOMPARE(features.size(), 6);
    const QJsonArray mean = j["permutation"].toObject()["mean"].toArray();
    // Every feature has a row "<rank>  <name>  <mean> ± <std>  <gain %>  <splits>", in
    // decreasing order of the mean drop, and the printed mean is the JSON one.
    double previous = INFINITY, gainSum = 0.0;
    for (int rank = 1; rank <= 6; ++rank) {
      const QRegularExpression row(
          QString(R"(^%1\s+(\S+)\s+(-?[\d.]+) ± [\d.]+\s+([\d.]+)\s+(\d+)\s*$)").arg(rank),
          QRegularExpression::MultilineOption);
      const auto m = row.match(r.out);
      QVERIFY2(m.hasMatch(), qPrintable(r.out));
      int f = 0;
      while (f < 6 && features[f].toString() != m.captured(1)) ++f;
      QVERIFY(f < 6);
      QVERIFY(std::abs(m.captured(2).toDouble() - mean[f].toDouble()) <= 0.00005 + 1e-12);
      QVERIFY(mean[f].toDouble() <= previous);
      previous = mean[f].toDouble();
      gainSum += m.captured(3).toDouble();
    }
    QVERIFY(std::abs(gainSum - 100.0) < 0.5);
    QVERIFY(j.contains("trees"));
    // A run without trees has no gain columns.
    const Result lr = runCli({"importance", a, "--run", "1", "--repeats", "1", "--quiet"});
    QVERIFY2(lr.exitCode == 0, qPrintable(lr.err));
    QVERIFY(!lr.out.contains("gain %"));
  }

  // The printed ρ of the LL class equals the weighted (here unit-weight) Pearson correlation
  // computed in this test from the file's columns.
  void correlationsMatchTheFile() {
    QTemporaryDir dir;
    const QString a = writeAnalysis(dir);
    const QString out = dir.filePath("corr.json");
    const Result r =
        runCli({"correlations", a, "--class", "LL", "--threshold", "0.3", "--out", out});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out));
    const auto label = readColumn(wwFile(), "events/label");
    const auto x = readColumn(wwFile(), "events/j1_pz");
    const auto y = readColumn(wwFile(), "events/j1_e");
    double n = 0, mx = 0, my = 0;
    for (std::size_t i = 0; i < label.size(); ++i)
      if (label[i] == 1) {
        n += 1;
        mx += static_cast<float>(x[i]);
        my += static_cast<float>(y[i]);
      }
    mx /= n;
    my /= n;
    double sxy = 0, sxx = 0, syy = 0;
    for (std::size_t i = 0; i < label.size(); ++i)
      if (label[i] == 1) {
        const double dx = static_cast<float>(x[i]) - mx, dy = static_cast<float>(y[i]) - my;
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
      }
    const double rho = sxy / std::sqrt(sxx * syy);
    const QJsonObject m = readJson(out)["matrices"].toArray()[0].toObject();
    QCOMPARE(m["selection"].toString(), QString("class LL"));
    QCOMPARE(m["events"].toInt(), static_cast<int>(n));
    // j1_pz is feature 4, j1_e feature 6.
    const double got = m["rho"].toArray()[3].toArray()[5].toDouble();
    QVERIFY2(std::abs(got - rho) < 1e-9, qPrintable(QString("%1 vs %2").arg(got).arg(rho)));
    // The printed matrix row and the pair list show it too.
    QVERIFY(r.out.contains("4 j1_pz"));
    if (std::abs(rho) >= 0.3) QVERIFY(r.out.contains(QString::number(rho, 'f', 3)));
    // A score column with --run; an unknown class names itself.
    const Result s = runCli({"correlations", a, "--run", "1", "--class", "all", "--quiet"});
    QVERIFY2(s.exitCode == 0, qPrintable(s.err));
    QVERIFY(s.out.contains("7 score"));
    const Result bad = runCli({"correlations", a, "--class", "LX"});
    QCOMPARE(bad.exitCode, 1);
    QVERIFY2(bad.err.contains("'LX'") && bad.err.contains("LL"), qPrintable(bad.err));
    QCOMPARE(runCli({"correlations", a, "--threshold", "2"}).exitCode, 2);
  }

  // The under-sampled run's scores are far above r; with the prior correction the weighted
  // mean score per fold agrees with the fold's r.
  void calibrationPriorCorrection() {
    QTemporaryDir dir;
    const QString a = writeAnalysis(dir);
    const QString out = dir.filePath("cal.json");
    const Result r =
        runCli({"calibration", a, "--run", "3", "--method", "prior", "--out", out, "--quiet"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out));
    QVERIFY(r.out.contains("Brier score") && r.out.contains("calibration  prior"));
    const QJsonObject summary = readJson(out)["run"].toObject()["summary"].toObject();
    const double ms = summary["mean_score"].toObject()["mean"].toDouble();
    const double rr = summary["signal_fraction"].toObject()["mean"].toDouble();
    // 10,000 events, r ≈ 0.05: σ(r) per fold ≈ 0.004; allow 3σ.
    QVERIFY2(std::abs(ms - rr) < 0.012, qPrintable(QString("mean score %1, r %2").arg(ms).arg(rr)));
    QVERIFY(summary["brier"].toObject()["mean"].toDouble() <
            summary["brier_raw"].toObject()["mean"].toDouble());
    const Result raw = runCli({"calibration", a, "--run", "3", "--quiet"});
    QVERIFY2(raw.exitCode == 0, qPrintable(raw.err));
    const Result bad = runCli({"calibration", a, "--run", "1", "--method", "beta"});
    QCOMPARE(bad.exitCode, 2);
    QVERIFY(bad.err.contains("beta"));
  }

  void workingPointAndApply() {
    QTemporaryDir dir;
    const QString a = writeAnalysis(dir);
    const QString out = dir.filePath("wp.json");
    const Result r =
        runCli({"working-point", a, "--run", "1", "--eff-s", "0.5", "--out", out, "--quiet"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out));
    const QJsonObject j = readJson(out);
    const QJsonArray folds = j["folds"].toArray();
    QCOMPARE(folds.size(), 3);
    for (const auto& f : folds) {
      const QJsonObject p = f.toObject();
      QVERIFY(p["eff_s"].toDouble() >= 0.5);
      QVERIFY(p["eff_s"].toDouble() < 0.56);  // the tightest such cut: just above 0.5
      const double s = p["s"].toDouble(), b = p["b"].toDouble();
      QVERIFY(std::abs(p["purity"].toDouble() - s / (s + b)) < 1e-12);
    }
    QVERIFY(r.out.contains("mean ± std"));
    const Result z = runCli({"working-point", a, "--run", "1", "--luminosity", "2", "--quiet"});
    QVERIFY2(z.exitCode == 0, qPrintable(z.err));
    QVERIFY(z.out.contains("maximum asimov"));
    QCOMPARE(runCli({"working-point", a, "--run", "1", "--significance", "zz"}).exitCode, 2);
    QCOMPARE(runCli({"working-point", a, "--run", "7"}).exitCode, 2);
    QCOMPARE(runCli({"working-point", a, "--run", "1", "--eff-s", "0.5", "--cut", "1"}).exitCode,
             2);

    // apply --working-point writes the pass flag beside the score.
    const Result run =
        runCli({"run", a, "--run", "1", "--save-models", dir.filePath("m"), "--quiet"});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    const QString scored = dir.filePath("scored.h5");
    const double cut = j["mean"].toObject()["cut"].toDouble();
    const Result ap = runCli({"apply", dir.filePath("m/1_logistic_fold1.h5"), wwFile(), "--out",
                              scored, "--working-point", QString::number(cut, 'g', 17)});
    QVERIFY2(ap.exitCode == 0, qPrintable(ap.err));
    const auto score = readColumn(scored, "events/score");
    const auto pass = readColumn(scored, "events/score_pass");
    QCOMPARE(pass.size(), score.size());
    int passed = 0;
    for (std::size_t i = 0; i < score.size(); ++i) {
      QCOMPARE(pass[i], score[i] >= cut ? 1.0 : 0.0);
      passed += pass[i] > 0;
    }
    QVERIFY(passed > 0 && passed < static_cast<int>(score.size()));
    QCOMPARE(runCli({"apply", dir.filePath("m/1_logistic_fold1.h5"), wwFile(), "--out",
                     dir.filePath("x.h5"), "--working-point", "high"})
                 .exitCode,
             2);
  }

  // One run at r = 50 % (background drawn down to the 507 LL) and 5 % (all 9,493 "other",
  // 500 LL drawn).
  void imbalanceScan() {
    QTemporaryDir dir;
    const QString a = writeAnalysis(dir);
    const Result r = runCli({"imbalance-scan", a, "--run", "1", "--r", "0.5,0.05", "--quiet"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out));
    QVERIFY2(QRegularExpression(R"(^50\.00 %\s+1014\s)", QRegularExpression::MultilineOption)
                 .match(r.out)
                 .hasMatch(),
             qPrintable(r.out));
    QVERIFY2(QRegularExpression(R"(^5\.00 %\s+9993\s)", QRegularExpression::MultilineOption)
                 .match(r.out)
                 .hasMatch(),
             qPrintable(r.out));
    QCOMPARE(runCli({"imbalance-scan", a, "--run", "1", "--r", "0.5,1.5"}).exitCode, 2);
  }

  // "classSubsample" in the analysis file: the events the run sees, printed before → after.
  void controlledImbalance() {
    QTemporaryDir dir;
    const QString a = writeAnalysis(
        dir, R"("classSubsample": {"seed": 3, "classes": {"other": {"count": 507}}},)");
    const QString out = dir.filePath("r.json");
    const Result r = runCli({"run", a, "--run", "1", "--out", out, "--quiet"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out));
    QVERIFY2(r.err.contains("other 9493 → 507") && r.err.contains("LL 507 → 507"),
             qPrintable(r.err));
    QCOMPARE(readJson(out)["events"].toInt(), 1014);
    QVERIFY(r.out.contains("signal fraction r = 0.5000"));
    // yields shows the draw: events and Σw per class before → after, and r then.
    const Result y = runCli({"yields", a});
    QVERIFY2(y.exitCode == 0, qPrintable(y.err));
    QVERIFY2(y.out.contains("9493 -> 507") && y.out.contains("50.000 %"), qPrintable(y.out));
    const QString bad =
        writeAnalysis(dir, R"("classSubsample": {"classes": {"other": {"count": 20000}}},)");
    const Result e = runCli({"run", bad, "--run", "1", "--quiet"});
    QCOMPARE(e.exitCode, 1);
    QVERIFY2(e.err.contains("'other'") && e.err.contains("20000"), qPrintable(e.err));
  }
};

QTEST_GUILESS_MAIN(TestCliInsight)
#include "test_cli_insight.moc"
