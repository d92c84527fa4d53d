// imbalance-cli importance / correlations / calibration / working-point, apply --working-point
// and the analysis file's controlled imbalance, as a user runs them on the bundled WW sample.

#include <hdf5.h>

#include <QtTest/QtTest>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/insight/imbalance_scan_record.h"
#include "core/project/project.h"
#include "core/project/run_store.h"
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

// A cut, the project's controlled imbalance, and a run with a draw of its own: the events the
// run trains on are its own draw made before the cut, not the project's draw.
QString writeDrawnAnalysis(const QTemporaryDir& dir) {
  const QString text = QString(R"json({
    "formatVersion": 1, "name": "cli insight draw test",
    "samples": [{"name": "ww", "path": "%1",
                 "label": {"column": "label", "classes": {"1": "LL", "0": "other"}}}],
    "classes": ["other", "LL"], "signalClass": "LL",
    "features": ["W1_px", "W1_pz", "W2_pz", "j1_pz", "j2_pz", "j1_e"],
    "cut": "j1_e > 200",
    "classSubsample": {"seed": 3, "classes": {"other": {"count": 2000}}},
    "runs": [
      {"name": "drawn logistic", "model": "logistic", "folds": 3, "threads": 1,
       "class_subsample": {"seed": 5, "classes": {"LL": {"count": 250},
                                                  "other": {"count": 6000}}}}
    ]})json")
                           .arg(wwFile());
  const QString path = dir.filePath("drawn.analysis.json");
  QFile f(path);
  f.open(QIODevice::WriteOnly);
  f.write(text.toUtf8());
  return path;
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

  // --drop-bottom K: the ranked run's copy without the K features at the bottom of the ranking
  // written by --out (recomputed here from its means: decreasing, ties in feature order) is added
  // to the project file, trained as `run --save` trains it (its fold metrics are those `run`
  // gives the new run) with its held-out scores in the sidecar, and printed with its metrics.
  void dropBottomTrainsTheRunWithoutItsLowestFeatures() {
    QTemporaryDir dir;
    const QString a = writeAnalysis(dir);
    const QString out = dir.filePath("imp.json");
    const Result r = runCli({"importance", a, "--run", "1", "--repeats", "2", "--out", out,
                             "--drop-bottom", "2", "--quiet"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out));
    const QJsonObject j = readJson(out);
    const QJsonArray names = j["features"].toArray();
    const QJsonArray mean = j["permutation"].toObject()["mean"].toArray();
    QCOMPARE(names.size(), 6);
    std::vector<int> order(6);
    std::iota(order.begin(), order.end(), 0);
    auto value = [&](int f) { return mean[f].isDouble() ? mean[f].toDouble() : -INFINITY; };
    std::stable_sort(order.begin(), order.end(), [&](int x, int y) { return value(x) > value(y); });
    const std::vector<std::string> dropped{names[order[4]].toString().toStdString(),
                                           names[order[5]].toString().toStdString()};
    std::vector<std::string> kept;
    for (const auto& n : names)
      if (std::find(dropped.begin(), dropped.end(), n.toString().toStdString()) == dropped.end())
        kept.push_back(n.toString().toStdString());
    QCOMPARE(kept.size(), std::size_t{4});

    const imbw::Project p = imbw::Project::load(a.toStdString());
    QCOMPARE(p.runs.size(), std::size_t{4});
    const imbw::ProjectRun& added = p.runs[3];
    QCOMPARE(added.config.features, kept);
    QCOMPARE(added.name(), "logistic without " + dropped[0] + ", " + dropped[1]);
    QCOMPARE(added.config.modelKind(), std::string("logistic"));
    QCOMPARE(added.status, imbw::RunStatus::Done);
    QCOMPARE(added.folds.size(), std::size_t{3});
    const auto store = imbw::readRunStore(imbw::sidecarPath(a.toStdString()));
    QVERIFY(store.count(added.id));
    QCOMPARE(store.at(added.id)->size(), std::size_t{10000});  // every event, no cut
    // Printed: what was dropped, and the new run's row with its AP as saved.
    QVERIFY2(r.out.contains(
                 QString::fromStdString("without the bottom 2: " + dropped[0] + ", " + dropped[1])),
             qPrintable(r.out));
    const auto row =
        QRegularExpression(R"(^\d+\s+)" +
                               QRegularExpression::escape(QString::fromStdString(added.name())) +
                               R"(\s+\S+ ± \S+\s+([0-9.]+) ± ([0-9.]+))",
                           QRegularExpression::MultilineOption)
            .match(r.out);
    QVERIFY2(row.hasMatch(), qPrintable(r.out));
    QVERIFY(std::abs(row.captured(1).toDouble() - added.aggregate.at("ap").mean) <= 0.0005 + 1e-12);
    // `run` trains the new run to the same fold metrics (logistic regression is deterministic).
    const QString again = dir.filePath("again.json");
    const Result run = runCli({"run", a, "--run", "4", "--out", again, "--quiet"});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    const QJsonArray folds = readJson(again)["runs"][0]["folds"].toArray();
    QCOMPARE(folds.size(), 3);
    for (int k = 0; k < 3; ++k)
      QVERIFY2(std::abs(folds[k].toObject()["metrics"].toObject()["ap"].toDouble() -
                        added.folds[static_cast<std::size_t>(k)].metrics.at("ap")) < 1e-12,
               qPrintable(QString("fold %1").arg(k + 1)));

    // Refused before any training, naming the value: k < 1, k ≥ the run's 6 features, with --runs.
    const Result zero = runCli({"importance", a, "--run", "1", "--drop-bottom", "0"});
    QCOMPARE(zero.exitCode, 2);
    QVERIFY2(zero.err.contains("--drop-bottom") && zero.err.contains("'0'"), qPrintable(zero.err));
    const Result all = runCli({"importance", a, "--run", "1", "--drop-bottom", "6"});
    QCOMPARE(all.exitCode, 2);
    QVERIFY2(all.err.contains("--drop-bottom 6") && all.err.contains("bottom 6 of 6 features") &&
                 all.err.contains("between 1 and 5"),
             qPrintable(all.err));
    QVERIFY2(!all.err.contains("fold 1 done"), qPrintable(all.err));  // nothing was trained
    const Result reduced = runCli({"importance", a, "--run", "4", "--drop-bottom", "4"});
    QCOMPARE(reduced.exitCode, 2);
    QVERIFY2(reduced.err.contains("bottom 4 of 4 features"), qPrintable(reduced.err));
    QCOMPARE(runCli({"importance", a, "--runs", "1,2", "--drop-bottom", "1"}).exitCode, 2);
    QCOMPARE(imbw::Project::load(a.toStdString()).runs.size(), std::size_t{4});
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

  // working-point --keep stores the mean cut with the run; run --save-models writes it into the
  // models' meta files and apply writes the pass flag with it unless told otherwise.
  void aKeptWorkingPointTravelsWithTheModel() {
    QTemporaryDir dir;
    const QString a = writeAnalysis(dir);
    const QString out = dir.filePath("wp.json");
    const Result r = runCli(
        {"working-point", a, "--run", "1", "--eff-s", "0.5", "--out", out, "--keep", "--quiet"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out));
    QVERIFY2(r.err.contains("kept with run r1"), qPrintable(r.err));
    const double cut = readJson(out)["mean"].toObject()["cut"].toDouble();
    const QJsonObject kept = readJson(a)["workingPoints"].toObject()["r1"].toObject();
    QCOMPARE(kept["cut"].toDouble(), cut);
    QCOMPARE(kept["choice"].toObject()["criterion"].toString(), QString("eff_s"));
    QCOMPARE(kept["choice"].toObject()["target"].toDouble(), 0.5);
    // The project still opens and its yields are unchanged by the new key.
    QCOMPARE(runCli({"yields", a}).exitCode, 0);

    const Result run =
        runCli({"run", a, "--run", "1", "--save-models", dir.filePath("m"), "--quiet"});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    const QString model = dir.filePath("m/1_logistic_fold1.h5");
    QCOMPARE(readJson(model + ".meta.json")["working_point"].toObject()["cut"].toDouble(), cut);
    const QString scored = dir.filePath("scored.h5");
    const Result ap = runCli({"apply", model, wwFile(), "--out", scored});
    QVERIFY2(ap.exitCode == 0, qPrintable(ap.err));
    QVERIFY2(ap.err.contains("working point kept with the run"), qPrintable(ap.err));
    const auto score = readColumn(scored, "events/score");
    const auto pass = readColumn(scored, "events/score_pass");
    QCOMPARE(pass.size(), score.size());
    for (std::size_t i = 0; i < score.size(); ++i) QCOMPARE(pass[i], score[i] >= cut ? 1.0 : 0.0);
    // --working-point none: the score alone.
    const QString plain = dir.filePath("plain.h5");
    QCOMPARE(runCli({"apply", model, wwFile(), "--out", plain, "--working-point", "none"}).exitCode,
             0);
    QCOMPARE(readColumn(plain, "events/score").size(), score.size());
    QVERIFY(readColumn(plain, "events/score_pass").empty());
    // A damaged record in the meta file is named.
    QJsonObject meta = readJson(model + ".meta.json");
    meta["working_point"] = QJsonObject{{"cut", "high"}};
    QFile f(model + ".meta.json");
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(QJsonDocument(meta).toJson());
    f.close();
    const Result bad = runCli({"apply", model, wwFile(), "--out", dir.filePath("bad.h5")});
    QVERIFY(bad.exitCode != 0);
    QVERIFY2(bad.err.contains("working_point") && bad.err.contains(".meta.json"),
             qPrintable(bad.err));
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

  // importance, calibration, working-point and correlations --run see the events `run` trains
  // the run on (its own class_subsample drawn before the cut, not the project's after it): the
  // same count, and for a deterministic model the same fold metrics as `run`'s.
  void insightCommandsSeeTheRunsEvents() {
    QTemporaryDir dir;
    const QString a = writeDrawnAnalysis(dir);
    const QString runOut = dir.filePath("run.json");
    const Result run = runCli({"run", a, "--run", "1", "--out", runOut, "--quiet"});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err + run.out));
    QVERIFY2(run.err.contains("LL 507 → 250") && run.err.contains("other 9493 → 6000"),
             qPrintable(run.err));
    const QJsonObject ran = readJson(runOut);
    const qint64 events = ran["events"].toInteger();
    QVERIFY(events > 3000 && events < 6250);  // the draw, then the cut
    const QJsonArray runFolds = ran["runs"][0]["folds"].toArray();
    QCOMPARE(runFolds.size(), 3);
    auto foldAp = [&](int k) {
      return runFolds[k].toObject()["metrics"].toObject()["ap"].toDouble();
    };

    const QString cal = dir.filePath("cal.json");
    const Result c = runCli({"calibration", a, "--run", "drawn logistic", "--out", cal, "--quiet"});
    QVERIFY2(c.exitCode == 0, qPrintable(c.err + c.out));
    QVERIFY2(c.err.contains("LL 507 → 250"), qPrintable(c.err));
    QVERIFY2(c.out.contains("events       " + QString::number(events) + " "), qPrintable(c.out));
    const QJsonObject cj = readJson(cal);
    QCOMPARE(cj["events"].toInteger(), events);
    const QJsonArray calFolds = cj["run"]["folds"].toArray();
    QCOMPARE(calFolds.size(), 3);
    for (int k = 0; k < 3; ++k)
      QCOMPARE(calFolds[k].toObject()["metrics"].toObject()["ap"].toDouble(), foldAp(k));

    const QString imp = dir.filePath("imp.json");
    const Result i =
        runCli({"importance", a, "--run", "1", "--repeats", "1", "--out", imp, "--quiet"});
    QVERIFY2(i.exitCode == 0, qPrintable(i.err + i.out));
    const QJsonObject ij = readJson(imp);
    QCOMPARE(ij["events"].toInteger(), events);
    const QJsonArray baselines = ij["permutation"]["folds"].toArray();
    QCOMPARE(baselines.size(), 3);
    for (int k = 0; k < 3; ++k)  // the unshuffled AP: the fold models predict again
      QVERIFY2(std::abs(baselines[k].toObject()["baseline"].toDouble() - foldAp(k)) < 1e-9,
               qPrintable(QString("fold %1").arg(k + 1)));

    const QString wp = dir.filePath("wp.json");
    const Result w =
        runCli({"working-point", a, "--run", "1", "--eff-s", "0.5", "--out", wp, "--quiet"});
    QVERIFY2(w.exitCode == 0, qPrintable(w.err + w.out));
    QCOMPARE(readJson(wp)["events"].toInteger(), events);

    const QString corr = dir.filePath("corr.json");
    const Result x = runCli({"correlations", a, "--run", "1", "--out", corr, "--quiet"});
    QVERIFY2(x.exitCode == 0, qPrintable(x.err + x.out));
    const QJsonObject xj = readJson(corr);
    QCOMPARE(xj["events"].toInteger(), events);
    qint64 perClass = 0;
    for (const auto& m : xj["matrices"].toArray()) perClass += m.toObject()["events"].toInteger();
    QCOMPARE(perClass, events);
    // Without --run: every event after the cut, as the window's Correlations tab (the
    // project's controlled imbalance, other → 2000, is a training choice and not drawn here).
    const QString all = dir.filePath("all.json");
    const Result y = runCli({"correlations", a, "--out", all});
    QVERIFY2(y.exitCode == 0, qPrintable(y.err + y.out));
    QVERIFY2(!y.err.contains("→"), qPrintable(y.err));
    const Result yields = runCli({"yields", a});
    QVERIFY2(yields.exitCode == 0, qPrintable(yields.err));
    const auto total = QRegularExpression(R"(^total\s+\d+\s+\S+\s+\S+\s+\|\s+(\d+)\s)",
                                          QRegularExpression::MultilineOption)
                           .match(yields.out);
    QVERIFY2(total.hasMatch(), qPrintable(yields.out));
    QCOMPARE(readJson(all)["events"].toInteger(), total.captured(1).toLongLong());  // 6887
    // A name that is no run is refused, naming the runs.
    const Result bad = runCli({"importance", a, "--run", "drawn logistik"});
    QCOMPARE(bad.exitCode, 2);
    QVERIFY2(bad.err.contains("drawn logistic"), qPrintable(bad.err));
  }

  // imbalance-scan --save keeps the scan in the project (read back by the project loader, as
  // the window reads it); --saved and report print it again without training.
  void savedScansArePrinted() {
    QTemporaryDir dir;
    const QString a = writeAnalysis(dir);
    const Result none = runCli({"imbalance-scan", a, "--saved"});
    QVERIFY2(none.exitCode == 0, qPrintable(none.err));
    QVERIFY2(none.out.contains("keeps no scan over r"), qPrintable(none.out));
    const Result r = runCli({"imbalance-scan", a, "--run", "2", "--r", "0.5,0.05", "--save",
                             "--threads", "2", "--quiet"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out));
    QVERIFY2(r.err.contains("scan saved in"), qPrintable(r.err));
    const imbw::Project p = imbw::Project::load(a.toStdString());
    const auto scans =
        imbw::imbalanceScanRecords(p.analysis.extra.value("imbalanceScans", nlohmann::json()));
    QCOMPARE(scans.size(), std::size_t{1});
    QCOMPARE(scans[0].runId, p.runs[1].id);
    QCOMPARE(scans[0].points.size(), std::size_t{2});
    QCOMPARE(scans[0].points[0].targetR, 0.5);
    QCOMPARE(scans[0].points[0].events, std::uint64_t{1014});
    QCOMPARE(scans[0].points[1].events, std::uint64_t{9993});
    // The printed AP of each point is the saved one.
    for (const auto& pt : scans[0].points) {
      const QRegularExpression row(
          "^" + QRegularExpression::escape(QString::number(100 * pt.targetR, 'f', 2) + " %") +
              R"(\s+\d+\s+([0-9.]+) ± )",
          QRegularExpression::MultilineOption);
      const auto m = row.match(r.out);
      QVERIFY2(m.hasMatch(), qPrintable(r.out));
      QCOMPARE(m.captured(1), QString::number(pt.metrics.at("ap").mean, 'f', 3));
    }
    // --saved prints exactly what the scan printed; --run chooses the run's.
    const Result saved = runCli({"imbalance-scan", a, "--saved"});
    QVERIFY2(saved.exitCode == 0, qPrintable(saved.err));
    QCOMPARE(saved.out, r.out);
    QCOMPARE(runCli({"imbalance-scan", a, "--saved", "--run", "small gbdt"}).out, r.out);
    QVERIFY(runCli({"imbalance-scan", a, "--saved", "--run", "1"})
                .out.contains("keeps no scan over r of run '1'"));
    QCOMPARE(runCli({"imbalance-scan", a, "--saved", "--r", "0.5"}).exitCode, 2);
    const Result report = runCli({"report", a});
    QVERIFY2(report.exitCode == 0, qPrintable(report.err));
    QVERIFY2(report.out.contains("scans over r kept: small gbdt (r = 50.00 %, 5.00 %)"),
             qPrintable(report.out));
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
