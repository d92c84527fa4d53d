// imbalance-cli export-model on models saved by `run --save-models`: the file is written with
// the feature order of MODEL.meta.json inside; wrong formats and missing files are refused with
// the cause named. (How exactly exported files predict is test_model_export's subject.)

#include <QtTest/QtTest>

#include <QFile>
#include <QTemporaryDir>

#include "tests/app/cli/cli_process.h"

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
};

QTEST_GUILESS_MAIN(TestCliExport)
#include "test_cli_export.moc"
