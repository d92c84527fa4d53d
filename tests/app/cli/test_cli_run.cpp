// imbalance-cli run / apply as a user runs them: the printed table's numbers match the JSON
// result, the scores file holds every event once, a saved model applied to the sample
// reproduces the held-out scores of its fold.

#include <hdf5.h>

#include <QtTest/QtTest>

#include <algorithm>
#include <cmath>

#include "tests/app/cli/cli_process.h"
#include "tests/app/cli/h5_column.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

namespace {

using cli_test::readColumn;
using cli_test::Result;
using cli_test::runCli;
using cli_test::sourceDir;

// A small analysis on the bundled WW sample: raw columns as features, fast models, 3 folds.
QString writeAnalysis(const QTemporaryDir& dir) {
  const QString h5 = sourceDir() + "/resources/examples/ww/ww_polarization_01.h5";
  const QString text = QString(R"json({
    "formatVersion": 1, "name": "cli run test",
    "samples": [{"name": "ww", "path": "%1",
                 "label": {"column": "label", "classes": {"1": "LL", "0": "other"}}}],
    "classes": ["other", "LL"], "signalClass": "LL",
    "derived": [{"name": "ptW1", "expression": "pt(W1_px, W1_py)"}],
    "features": ["ptW1", "W1_pz", "W2_px", "W2_py", "W2_pz", "j1_pz", "j2_pz"],
    "runs": [
      {"name": "one variable", "model": {"kind": "one_variable", "feature": "ptW1"}, "folds": 3},
      {"name": "logistic focal", "model": "logistic", "folds": 3,
       "loss": {"kind": "focal", "alpha": 0.25, "gamma": 2}},
      {"name": "small net", "model": {"kind": "mlp", "hidden": [16], "max_epochs": 3}, "folds": 3}
    ]})json")
                           .arg(h5);
  const QString path = dir.filePath("small.analysis.json");
  QFile f(path);
  f.open(QIODevice::WriteOnly);
  f.write(text.toUtf8());
  return path;
}

// The WW sample with three classes by the number of longitudinal W bosons (LL the signal) and
// one small boosted-tree run.
QString writeThreeClassAnalysis(const QTemporaryDir& dir) {
  const QString h5 = sourceDir() + "/resources/examples/ww/ww_polarization_01.h5";
  const QString text = QString(R"json({
    "formatVersion": 1, "name": "three classes",
    "samples": [{"name": "ww", "path": "%1",
                 "label": {"column": "n_long", "classes": {"0": "TT", "1": "LT", "2": "LL"}}}],
    "classes": ["TT", "LT", "LL"], "signalClass": "LL",
    "features": ["W1_px", "W1_py", "W1_pz", "W2_px", "W2_py", "W2_pz", "j1_pz", "j2_pz"],
    "runs": [{"name": "bdt", "model": {"kind": "gbdt", "trees": 20, "max_depth": 3},
              "folds": 3}]})json")
                           .arg(h5);
  const QString path = dir.filePath("three.analysis.json");
  QFile f(path);
  f.open(QIODevice::WriteOnly);
  f.write(text.toUtf8());
  return path;
}

}  // namespace

class TestCliRun : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void tableMatchesJson() {
    QTemporaryDir dir;
    const QString analysis = writeAnalysis(dir);
    const QString json = dir.filePath("results.json");
    const QString scores = dir.filePath("scores.h5");
    const Result r = runCli({"run", analysis, "--out", json, "--scores", scores, "--threads", "2",
                             "--save-models", dir.filePath("models")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out));
    QFile f(json);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QJsonObject root = QJsonDocument::fromJson(f.readAll()).object();
    const QJsonArray runs = root["runs"].toArray();
    QCOMPARE(runs.size(), 3);

    // Rows: "<#>  <name>  <t_fit>  <AP>  <AUC>  <AP/r>  <rej 0.2>  <rej 0.8>", each "m ± s".
    const QStringList keys{
        "fit_seconds",           "ap", "auc", "ap_over_r", "rejection_at_eff_s_0.2",
        "rejection_at_eff_s_0.8"};
    const QList<int> decimals{2, 3, 3, 2, 1, 1};
    const QRegularExpression cell(R"(([-\d.]+|inf) ± ([-\d.]+|inf))");
    int rowsChecked = 0;
    for (int i = 0; i < runs.size(); ++i) {
      const QJsonObject run = runs[i].toObject();
      const QString name = run["name"].toString();
      const QStringList lines = r.out.split('\n');
      QString line;
      for (const QString& l : lines)
        if (l.startsWith(QString::number(i + 1) + "  " + name)) line = l;
      QVERIFY2(!line.isEmpty(), qPrintable("no row for " + name + " in\n" + r.out));
      auto it = cell.globalMatch(line);
      int k = 0;
      while (it.hasNext()) {
        const auto m = it.next();
        QVERIFY(k < keys.size());
        const QJsonObject s = run["summary"].toObject()[keys[k]].toObject();
        const double half = 0.5 * std::pow(10.0, -decimals[k]) + 1e-12;
        for (int part = 0; part < 2; ++part) {
          const QString printed = m.captured(1 + part);
          const QJsonValue v = s[part == 0 ? "mean" : "std"];
          if (printed == "inf") {
            QVERIFY(v.isNull());  // JSON has no inf; the summary says null
            continue;
          }
          QVERIFY2(std::abs(printed.toDouble() - v.toDouble()) <= half,
                   qPrintable(QString("%1 %2: table %3 vs JSON %4")
                                  .arg(name, keys[k], printed)
                                  .arg(v.toDouble())));
        }
        ++k;
      }
      QCOMPARE(k, keys.size());
      // mean ± std in JSON agree with the per-fold values.
      const QJsonArray folds = run["folds"].toArray();
      QCOMPARE(folds.size(), 3);
      double mean = 0;
      for (const auto& fo : folds) mean += fo.toObject()["metrics"].toObject()["auc"].toDouble();
      mean /= 3;
      QVERIFY(std::abs(mean - run["summary"].toObject()["auc"].toObject()["mean"].toDouble()) <
              1e-12);
      ++rowsChecked;
    }
    QCOMPARE(rowsChecked, 3);

    // Every event scored once per run.
    const std::vector<double> fold = readColumn(scores, "events/fold_2_logistic_focal");
    const std::vector<double> label = readColumn(scores, "events/label");
    QCOMPARE(fold.size(), label.size());
    QCOMPARE(static_cast<qint64>(fold.size()), static_cast<qint64>(root["events"].toInt()));
    for (double v : fold) QVERIFY(v >= 0 && v <= 2);

    // apply: a fold's saved model on the whole sample scores the events it held out exactly as
    // the run did (the sample has no cut here, so rows align).
    const QString model = dir.filePath("models/2_logistic_focal_fold1.h5");
    const QString scored = dir.filePath("scored.h5");
    const Result a =
        runCli({"apply", model, sourceDir() + "/resources/examples/ww/ww_polarization_01.h5",
                "--out", scored});
    QVERIFY2(a.exitCode == 0, qPrintable(a.err));
    const std::vector<double> applied = readColumn(scored, "events/score");
    const std::vector<double> held = readColumn(scores, "events/score_2_logistic_focal");
    QCOMPARE(applied.size(), held.size());
    std::size_t compared = 0;
    for (std::size_t i = 0; i < held.size(); ++i) {
      if (fold[i] != 0) continue;
      QCOMPARE(applied[i], held[i]);
      ++compared;
    }
    QVERIFY(compared > 1000);
    // Applying twice into a file that already has the column is refused by name.
    const Result again = runCli({"apply", model, scored, "--out", dir.filePath("again.h5")});
    QVERIFY(again.exitCode != 0);
    QVERIFY2(again.err.contains("already has a column 'score'"), qPrintable(again.err));
  }

  // run --save stores the results in the project and its sidecar; report prints them without
  // training, in every format, with the numbers the run printed.
  // report --evaluate: the evaluation computed again from the sidecar; with three classes each
  // class's one-vs-rest AUC, equal to one computed here from the stored probabilities (a
  // trapezoid over the weighted ROC of the sidecar's arrays, read with the HDF5 C API).
  void reportEvaluatesEveryClass() {
    QTemporaryDir dir;
    const QString analysis = writeThreeClassAnalysis(dir);
    const Result r = runCli({"run", analysis, "--save", "--quiet", "--threads", "2"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const Result rep = runCli({"report", analysis, "--evaluate", "--luminosity", "2"});
    QVERIFY2(rep.exitCode == 0, qPrintable(rep.err));
    const QJsonObject run =
        QJsonDocument::fromJson(rep.out.toUtf8()).object()["runs"].toArray()[0].toObject();
    const QJsonObject e = run["evaluation"].toObject();
    QVERIFY2(!e.isEmpty(), qPrintable(rep.out.left(2000)));
    QCOMPARE(e["significance"].toObject()["luminosity"].toDouble(), 2.0);
    QVERIFY(e["significance"].toObject()["best_asimov"].toObject()["z"].toDouble() > 0);
    QCOMPARE(e["ks_probability"].toObject().size(), 3);
    const QJsonObject ovr = e["one_vs_rest"].toObject();
    QCOMPARE(ovr.keys(), (QStringList{"LL", "LT", "TT"}));
    QCOMPARE(ovr["LL"].toObject()["auc"].toDouble(), e["pooled"].toObject()["auc"].toDouble());

    const QString sidecar = dir.filePath("three.analysis.results.h5");
    const auto p = readColumn(sidecar, "runs/r1/heldout/probability");
    const auto cls = readColumn(sidecar, "runs/r1/heldout/class");
    const auto w = readColumn(sidecar, "runs/r1/heldout/weight");
    QCOMPARE(p.size(), 3 * cls.size());
    const QStringList names{"TT", "LT", "LL"};
    for (int c = 0; c < 3; ++c) {
      // Weighted ROC AUC by sorting: Σ over positives of the negative weight ranked below
      // (ties count half), over Σw+ Σw− (all weights here are 1).
      std::vector<std::pair<double, bool>> ev;
      for (std::size_t i = 0; i < cls.size(); ++i) ev.push_back({p[3 * i + c], int(cls[i]) == c});
      std::sort(ev.begin(), ev.end());
      double below = 0, area = 0, pos = 0, neg = 0;
      for (std::size_t i = 0; i < ev.size();) {
        std::size_t j = i;
        double tp = 0, tn = 0;
        while (j < ev.size() && ev[j].first == ev[i].first) (ev[j++].second ? tp : tn) += 1;
        area += tp * (below + 0.5 * tn);
        below += tn;
        pos += tp;
        neg += tn;
        i = j;
      }
      for (double x : w) QCOMPARE(x, 1.0);
      const double auc = area / (pos * neg);
      QVERIFY2(std::abs(ovr[names[c]].toObject()["auc"].toDouble() - auc) < 1e-9,
               qPrintable(QString("%1: %2 vs %3")
                              .arg(names[c])
                              .arg(ovr[names[c]].toObject()["auc"].toDouble())
                              .arg(auc)));
    }
    const Result bad = runCli({"report", analysis, "--evaluate", "--luminosity", "-1"});
    QCOMPARE(bad.exitCode, 2);
    QVERIFY2(bad.err.contains("--luminosity"), qPrintable(bad.err));
  }

  void saveThenReport() {
    QTemporaryDir dir;
    const QString analysis = writeAnalysis(dir);
    const Result r =
        runCli({"run", analysis, "--run", "1,2", "--save", "--quiet", "--threads", "1"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY(QFile::exists(dir.filePath("small.analysis.results.h5")));
    QFile f(analysis);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QJsonObject doc = QJsonDocument::fromJson(f.readAll()).object();
    QCOMPARE(doc["formatVersion"].toInt(), 2);
    const QJsonArray runs = doc["runs"].toArray();
    QCOMPARE(runs.size(), 3);
    QCOMPARE(runs[0].toObject()["status"].toString(), QString("done"));
    QCOMPARE(runs[2].toObject()["status"].toString(), QString("configured"));  // not asked for
    const double ap = runs[1].toObject()["summary"].toObject()["ap"].toObject()["mean"].toDouble();
    // The stored scores: every event of the run's pool once, its AP the stored mean's pool.
    const std::vector<double> folds =
        readColumn(dir.filePath("small.analysis.results.h5"), "runs/r2/heldout/fold");
    QCOMPARE(folds.size(), std::size_t(10000));

    const Result table = runCli({"report", analysis});
    QVERIFY2(table.exitCode == 0, qPrintable(table.err));
    QVERIFY2(table.out.contains("logistic focal") && table.out.contains("not trained"),
             qPrintable(table.out));
    QVERIFY2(table.out.contains(QString::number(ap, 'f', 3)), qPrintable(table.out));
    const Result csv = runCli({"report", analysis, "--format", "csv"});
    QVERIFY2(csv.exitCode == 0, qPrintable(csv.err));
    const QStringList lines = csv.out.trimmed().split('\n');
    QCOMPARE(lines.size(), 3);  // header and the two trained runs
    const QStringList header = lines[0].split(',');
    const int apColumn = static_cast<int>(header.indexOf("ap_mean"));
    QVERIFY2(apColumn >= 0, qPrintable(lines[0]));
    QCOMPARE(lines[2].split(',')[apColumn].toDouble(), ap);
    const Result latex = runCli({"report", analysis, "--format", "latex"});
    QVERIFY2(latex.out.contains("\\toprule") && latex.out.contains("\\pm"), qPrintable(latex.out));
    const Result bad = runCli({"report", analysis, "--format", "xlsx"});
    QCOMPARE(bad.exitCode, 2);
    QVERIFY2(bad.err.contains("xlsx"), qPrintable(bad.err));
  }

  void modelOptionRunsAKindWithDefaults() {
    QTemporaryDir dir;
    const QString analysis = writeAnalysis(dir);
    const Result r = runCli({"run", analysis, "--model", "logistic", "--folds", "2", "--quiet"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY(r.out.contains("1  logistic focal"));
    QVERIFY(!r.out.contains("small net"));
    const Result bad = runCli({"run", analysis, "--model", "logistik"});
    QVERIFY(bad.exitCode != 0);
    QVERIFY2(bad.err.contains("did you mean 'logistic'"), qPrintable(bad.err));
    const Result badRun = runCli({"run", analysis, "--run", "7"});
    QCOMPARE(badRun.exitCode, 2);
  }
};

QTEST_APPLESS_MAIN(TestCliRun)
#include "test_cli_run.moc"
