// imbalance-cli export-model on models saved by `run --save-models`: the file is written with
// the feature order of MODEL.meta.json inside; wrong formats and missing files are refused with
// the cause named. (How exactly exported files predict is test_model_export's subject.)
// From a project (`export-model PROJECT --run --fold`, `scores PROJECT --run`): a project is
// trained with `run --save`; the fold models taken from its sidecar are predicted by Debian's
// python3-xgboost and python3-onnx (tests/core/export/evaluate_exports.py) on the fold's
// held-out events read from the sample file, and must give the stored held-out scores to 1e-6;
// the scores file read by h5py gives, per fold, scikit-learn's weighted AP and AUC equal to the
// fold metrics stored in the project.

#include <QtTest/QtTest>

#include <QFile>
#include <QTemporaryDir>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/app/cli/cli_process.h"
#include "tests/app/cli/h5_column.h"

namespace {

using cli_test::Result;
using cli_test::runCli;
using cli_test::sourceDir;

QString writeAnalysis(const QTemporaryDir& dir) {
  const QString h5 = sourceDir() + "/resources/examples/ww/ww_polarization_01.h5";
  const QString text = QString(R"json({
    "formatVersion": 1, "name": "cli export test",
    "samples": [{"name": "ww", "path": "%1",
                 "label": {"column": "label", "classes": {"1": "LL", "0": "other"}}}],
    "classes": ["other", "LL"], "signalClass": "LL",
    "features": ["W1_px", "W1_pz", "W2_px", "W2_pz"],
    "runs": [{"name": "net", "model": {"kind": "mlp", "hidden": [8], "max_epochs": 1},
              "folds": 2}]})json")
                           .arg(h5);
  const QString path = dir.filePath("small.analysis.json");
  QFile f(path);
  f.open(QIODevice::WriteOnly);
  f.write(text.toUtf8());
  return path;
}

const QStringList kFeatures = {"W1_px", "W1_pz", "W2_px", "W2_pz", "j1_pt"};

/// A project of two runs (boosted trees and a network) on the WW example without a cut, so that
/// the held-out event index is the row of the sample file; trained and saved with `run --save`.
QString trainedProject(const QTemporaryDir& dir) {
  const QString h5 = sourceDir() + "/resources/examples/ww/ww_polarization_01.h5";
  const QString text = QString(R"json({
    "formatVersion": 1, "name": "cli project export test",
    "samples": [{"name": "ww", "path": "%1",
                 "label": {"column": "label", "classes": {"1": "LL", "0": "other"}}}],
    "classes": ["other", "LL"], "signalClass": "LL",
    "derived": [{"name": "j1_pt", "expression": "pt(j1_px, j1_py)"}],
    "features": ["W1_px", "W1_pz", "W2_px", "W2_pz", "j1_pt"],
    "runs": [{"name": "boosted trees", "model": {"kind": "gbdt", "trees": 30, "max_depth": 3},
              "folds": 3},
             {"name": "net", "model": {"kind": "mlp", "hidden": [8], "max_epochs": 2},
              "folds": 2}]})json")
                           .arg(h5);
  const QString path = dir.filePath("proj.json");
  QFile f(path);
  f.open(QIODevice::WriteOnly);
  f.write(text.toUtf8());
  f.close();
  const Result run = runCli({"run", path, "--threads", "2", "--quiet", "--save"});
  if (run.exitCode != 0) qWarning("%s", qPrintable(run.err + run.out));
  return run.exitCode == 0 ? path : QString();
}

/// A float64 attribute of a group of `file`; NaN when the file, group or attribute is missing.
double readDoubleAttribute(const QString& file, const char* group, const char* name) {
  double v = NAN;
  const hid_t f = H5Fopen(file.toUtf8().constData(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) return v;
  const hid_t g = H5Gopen2(f, group, H5P_DEFAULT);
  if (g >= 0) {
    if (H5Aexists(g, name) > 0) {
      const hid_t a = H5Aopen(g, name, H5P_DEFAULT);
      if (H5Aread(a, H5T_NATIVE_DOUBLE, &v) < 0) v = NAN;
      H5Aclose(a);
    }
    H5Gclose(g);
  }
  H5Fclose(f);
  return v;
}

/// The feature rows (float32, the project's feature order) of the sample file's events `rows`,
/// computed from the file's columns here (j1_pt = hypot(j1_px, j1_py)).
std::vector<float> featureRows(const std::vector<double>& rows) {
  const QString h5 = sourceDir() + "/resources/examples/ww/ww_polarization_01.h5";
  std::vector<std::vector<double>> cols;
  for (const char* c : {"W1_px", "W1_pz", "W2_px", "W2_pz"})
    cols.push_back(cli_test::readColumn(h5, QString("events/") + c));
  const auto px = cli_test::readColumn(h5, "events/j1_px");
  const auto py = cli_test::readColumn(h5, "events/j1_py");
  std::vector<float> x;
  for (double r : rows) {
    const auto i = static_cast<std::size_t>(r);
    for (const auto& c : cols) x.push_back(static_cast<float>(c.at(i)));
    x.push_back(
        static_cast<float>(std::sqrt(static_cast<float>(px.at(i)) * static_cast<float>(px.at(i)) +
                                     static_cast<float>(py.at(i)) * static_cast<float>(py.at(i)))));
  }
  return x;
}

std::vector<double> readDoubles(const QString& path) {
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly)) return {};
  const QByteArray b = f.readAll();
  std::vector<double> v(static_cast<std::size_t>(b.size()) / sizeof(double));
  std::memcpy(v.data(), b.constData(), v.size() * sizeof(double));
  return v;
}

}  // namespace

class TestCliExport : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void exportsASavedModel() {
    QTemporaryDir dir;
    const Result run = runCli(
        {"run", writeAnalysis(dir), "--threads", "2", "--save-models", dir.filePath("models")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err + run.out));
    const QString model = dir.filePath("models/1_net_fold1.h5");
    QVERIFY2(QFile::exists(model), qPrintable(run.err));

    const QString onnx = dir.filePath("net.onnx");
    const Result ok = runCli({"export-model", model, "--format", "onnx", "--out", onnx});
    QVERIFY2(ok.exitCode == 0, qPrintable(ok.err));
    QVERIFY(ok.err.contains("exported mlp as onnx"));
    QFile f(onnx);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray bytes = f.readAll();
    QVERIFY(bytes.startsWith(QByteArray("\x08\x08", 2)));             // ModelProto.ir_version = 8
    QVERIFY(bytes.contains(R"(["W1_px","W1_pz","W2_px","W2_pz"])"));  // from the meta file

    const Result wrong =
        runCli({"export-model", model, "--format", "xgboost", "--out", dir.filePath("net.json")});
    QCOMPARE(wrong.exitCode, 1);
    QVERIFY2(wrong.err.contains("cannot be exported as xgboost (possible: onnx)"),
             qPrintable(wrong.err));
    QVERIFY(!QFile::exists(dir.filePath("net.json")));

    const Result unknown =
        runCli({"export-model", model, "--format", "pmml", "--out", dir.filePath("x")});
    QCOMPARE(unknown.exitCode, 1);
    QVERIFY(unknown.err.contains("unknown model format 'pmml'"));
    const Result missing = runCli(
        {"export-model", dir.filePath("nope.ubj"), "--format", "onnx", "--out", dir.filePath("x")});
    QCOMPARE(missing.exitCode, 1);
    QVERIFY(missing.err.contains("no model file"));
    const Result usage = runCli({"export-model", model});
    QCOMPARE(usage.exitCode, 2);
  }

  void exportsAFoldModelOfAProject() {
    QTemporaryDir dir;
    const QString project = trainedProject(dir);
    QVERIFY2(!project.isEmpty(), "imbalance-cli run --save failed");
    const QString sidecar = dir.filePath("proj.results.h5");
    // Runs by name and by id; fold 2 of the trees, every fold of the network.
    const Result trees = runCli({"export-model", project, "--run", "boosted trees", "--fold", "2",
                                 "--format", "xgboost", "--out", dir.filePath("trees.json")});
    QVERIFY2(trees.exitCode == 0, qPrintable(trees.err));
    QVERIFY2(trees.err.contains("boosted trees fold 2 (gbdt) as xgboost"), qPrintable(trees.err));
    const Result treesOnnx = runCli({"export-model", project, "--run", "r1", "--fold", "2",
                                     "--format", "onnx", "--out", dir.filePath("trees.onnx")});
    QVERIFY2(treesOnnx.exitCode == 0, qPrintable(treesOnnx.err));
    const Result net = runCli({"export-model", project, "--run", "r2", "--fold", "all", "--format",
                               "onnx", "--out", dir.filePath("net.onnx")});
    QVERIFY2(net.exitCode == 0, qPrintable(net.err));
    QVERIFY(QFile::exists(dir.filePath("net_fold1.onnx")));
    QVERIFY(QFile::exists(dir.filePath("net_fold2.onnx")));
    QVERIFY(!QFile::exists(dir.filePath("net.onnx")));

    // Each exported file against the stored held-out scores of its fold, in a separate
    // evaluator folder per (run, fold).
    struct Case {
      QString run, file, format;
      int fold;  // 0-based as stored
    };
    const std::vector<Case> cases = {{"r1", "trees.json", "xgboost", 1},
                                     {"r1", "trees.onnx", "onnx", 1},
                                     {"r2", "net_fold1.onnx", "onnx", 0},
                                     {"r2", "net_fold2.onnx", "onnx", 1}};
    for (const Case& c : cases) {
      const auto event = cli_test::readColumn(sidecar, "runs/" + c.run + "/heldout/event");
      const auto fold = cli_test::readColumn(sidecar, "runs/" + c.run + "/heldout/fold");
      const auto score = cli_test::readColumn(sidecar, "runs/" + c.run + "/heldout/score");
      QVERIFY(!event.empty() && event.size() == fold.size() && fold.size() == score.size());
      std::vector<double> rows, ours;
      for (std::size_t i = 0; i < event.size(); ++i)
        if (static_cast<int>(fold[i]) == c.fold) {
          rows.push_back(event[i]);
          ours.push_back(score[i]);
        }
      QVERIFY(rows.size() > 1000);
      const QString eval = dir.filePath("eval_" + c.file);
      QVERIFY(QDir().mkpath(eval));
      const std::vector<float> x = featureRows(rows);
      {
        std::ofstream bin((eval + "/features.bin").toStdString(), std::ios::binary);
        bin.write(reinterpret_cast<const char*>(x.data()),
                  static_cast<std::streamsize>(x.size() * sizeof(float)));
      }
      QVERIFY(QFile::copy(dir.filePath(c.file), eval + "/" + c.file));
      const nlohmann::json manifest = {
          {"rows", rows.size()},
          {"cols", kFeatures.size()},
          {"features", "features.bin"},
          {"models", {{{"file", c.file.toStdString()}, {"format", c.format.toStdString()}}}}};
      std::ofstream((eval + "/manifest.json").toStdString()) << manifest.dump();
      QProcess py;
      py.start("/usr/bin/python3", {sourceDir() + "/tests/core/export/evaluate_exports.py", eval});
      QVERIFY(py.waitForFinished(300000));
      QVERIFY2(py.exitCode() == 0, py.readAllStandardError().constData());
      const std::vector<double> theirs = readDoubles(eval + "/" + c.file + ".theirs.bin");
      QCOMPARE(theirs.size(), ours.size());
      double worst = 0.0;
      for (std::size_t i = 0; i < ours.size(); ++i)
        worst = std::max(worst, std::abs(theirs[i] - ours[i]));
      QVERIFY2(worst < 1e-6, qPrintable(c.file + QString(": largest difference %1").arg(worst)));
    }

    // Refusals name the cause.
    const Result noRun = runCli({"export-model", project, "--run", "forest", "--fold", "1",
                                 "--format", "onnx", "--out", dir.filePath("x.onnx")});
    QCOMPARE(noRun.exitCode, 1);
    QVERIFY2(noRun.err.contains("no run with the id or name 'forest'") &&
                 noRun.err.contains("r1 'boosted trees', r2 'net'"),
             qPrintable(noRun.err));
    const Result badFold = runCli({"export-model", project, "--run", "r1", "--fold", "4",
                                   "--format", "onnx", "--out", dir.filePath("x.onnx")});
    QCOMPARE(badFold.exitCode, 2);
    QVERIFY2(badFold.err.contains("'4' is not 'all' or a fold between 1 and 3"),
             qPrintable(badFold.err));
    const Result badFormat = runCli({"export-model", project, "--run", "net", "--fold", "1",
                                     "--format", "xgboost", "--out", dir.filePath("x.json")});
    QCOMPARE(badFormat.exitCode, 1);
    QVERIFY2(badFormat.err.contains("cannot be exported as xgboost (possible: onnx)"),
             qPrintable(badFormat.err));
    QVERIFY(!QFile::exists(dir.filePath("x.json")));
    const Result noFold = runCli({"export-model", project, "--run", "r1", "--format", "onnx",
                                  "--out", dir.filePath("x.onnx")});
    QCOMPARE(noFold.exitCode, 2);
  }

  void scoresOfAProjectRun() {
    QTemporaryDir dir;
    const QString project = trainedProject(dir);
    QVERIFY2(!project.isEmpty(), "imbalance-cli run --save failed");
    const QString out = dir.filePath("scores.h5");
    const Result ok = runCli({"scores", project, "--run", "boosted trees", "--out", out});
    QVERIFY2(ok.exitCode == 0, qPrintable(ok.err));
    QVERIFY2(ok.err.contains("of 10000 events of 'boosted trees'"), qPrintable(ok.err));

    // h5py and scikit-learn, per fold: weighted AP and ROC AUC from the file.
    QProcess py;
    py.start("/usr/bin/python3",
             {"-c",
              "import h5py, json, sys, numpy as np\n"
              "from sklearn.metrics import average_precision_score, roc_auc_score\n"
              "g = h5py.File(sys.argv[1], 'r')['scores']\n"
              "a = lambda v: v.decode() if isinstance(v, bytes) else v\n"
              "y = g['class'][:] == list(map(a, g.attrs['class_names'])).index("
              "a(g.attrs['signal_class']))\n"
              "s, w, f = g['score'][:], g['weight'][:], g['fold'][:]\n"
              "out = {'run': a(g.attrs['run']), 'n': int(len(s)), 'folds': []}\n"
              "for k in sorted(set(f.tolist())):\n"
              "  m = f == k\n"
              "  out['folds'].append({'fold': k,"
              " 'ap': average_precision_score(y[m], s[m], sample_weight=w[m]),"
              " 'auc': roc_auc_score(y[m], s[m], sample_weight=w[m])})\n"
              "print(json.dumps(out))\n",
              out});
    QVERIFY(py.waitForFinished(120000));
    QVERIFY2(py.exitCode() == 0, py.readAllStandardError().constData());
    const auto theirs = nlohmann::json::parse(py.readAllStandardOutput().toStdString());
    QCOMPARE(theirs["run"].get<std::string>(), std::string("boosted trees"));
    QCOMPARE(theirs["n"].get<int>(), 10000);

    std::ifstream in(project.toStdString());
    const auto saved = nlohmann::json::parse(in);
    const auto& folds = saved["runs"][0]["folds"];
    QCOMPARE(theirs["folds"].size(), std::size_t{3});
    QCOMPARE(folds.size(), std::size_t{3});
    for (std::size_t k = 0; k < 3; ++k) {
      QCOMPARE(theirs["folds"][k]["fold"].get<int>(), static_cast<int>(k) + 1);
      const double ap = folds[k]["metrics"]["ap"].get<double>();
      const double auc = folds[k]["metrics"]["auc"].get<double>();
      QVERIFY2(std::abs(theirs["folds"][k]["ap"].get<double>() - ap) < 1e-9,
               qPrintable(QString("fold %1 AP %2 vs %3")
                              .arg(k + 1)
                              .arg(theirs["folds"][k]["ap"].get<double>())
                              .arg(ap)));
      QVERIFY2(std::abs(theirs["folds"][k]["auc"].get<double>() - auc) < 1e-9,
               qPrintable(QString("fold %1 AUC").arg(k + 1)));
      QVERIFY(auc > 0.55);  // the scores carry information: the equality is not vacuous
    }

    const Result untrained = runCli({"scores", project, "--run", "nothing", "--out", out});
    QCOMPARE(untrained.exitCode, 1);
    const Result usage = runCli({"scores", project, "--out", out});
    QCOMPARE(usage.exitCode, 2);
  }

  // A working point kept with the run (`working-point --keep`) travels into its scores file:
  // score_pass is 1 exactly where score >= the kept cut, event by event, and the cut is the
  // attribute working_point_cut. Once the run is trained again (other results: the point is
  // stale) the file has neither, and a warning says why.
  void scoresCarryTheKeptWorkingPoint() {
    QTemporaryDir dir;
    const QString project = trainedProject(dir);
    QVERIFY2(!project.isEmpty(), "imbalance-cli run --save failed");
    const Result keep = runCli({"working-point", project, "--run", "boosted trees", "--eff-s",
                                "0.5", "--keep", "--threads", "2", "--quiet"});
    QVERIFY2(keep.exitCode == 0, qPrintable(keep.err + keep.out));
    std::ifstream in(project.toStdString());
    const double cut = nlohmann::json::parse(in)["workingPoints"]["r1"]["cut"].get<double>();

    const QString out = dir.filePath("scores.h5");
    const Result ok = runCli({"scores", project, "--run", "boosted trees", "--out", out});
    QVERIFY2(ok.exitCode == 0, qPrintable(ok.err));
    QVERIFY2(!ok.err.contains("warning"), qPrintable(ok.err));
    const auto score = cli_test::readColumn(out, "scores/score");
    const auto pass = cli_test::readColumn(out, "scores/score_pass");
    QCOMPARE(score.size(), std::size_t{10000});
    QCOMPARE(pass.size(), score.size());
    std::size_t passed = 0;
    for (std::size_t i = 0; i < score.size(); ++i) {
      QCOMPARE(pass[i], score[i] >= cut ? 1.0 : 0.0);
      passed += pass[i] > 0;
    }
    QVERIFY(passed > 0 && passed < score.size());  // the cut splits the events
    QVERIFY2(ok.err.contains(QString("%1 of 10000 events pass").arg(passed)), qPrintable(ok.err));
    QCOMPARE(readDoubleAttribute(out, "scores", "working_point_cut"), cut);

    // Trained again with another seed: the kept point no longer belongs to the scores.
    const Result again = runCli(
        {"run", project, "--run", "1", "--seed", "7", "--threads", "2", "--save", "--quiet"});
    QVERIFY2(again.exitCode == 0, qPrintable(again.err));
    const QString stale = dir.filePath("stale.h5");
    const Result st = runCli({"scores", project, "--run", "boosted trees", "--out", stale});
    QVERIFY2(st.exitCode == 0, qPrintable(st.err));
    QVERIFY2(st.err.contains("warning:") && st.err.contains("no pass flag written"),
             qPrintable(st.err));
    QCOMPARE(cli_test::readColumn(stale, "scores/score").size(), std::size_t{10000});
    QVERIFY(cli_test::readColumn(stale, "scores/score_pass").empty());
    QVERIFY(std::isnan(readDoubleAttribute(stale, "scores", "working_point_cut")));
  }
};

QTEST_GUILESS_MAIN(TestCliExport)
#include "test_cli_export.moc"
