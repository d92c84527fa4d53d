// imbalance-cli refuses bad input with a message naming the cause and a non-zero exit, before
// any long work: output paths into missing folders, numbers that do not fit their type, model
// files that are truncated or foreign, a model's meta file without its keys. "Before" is checked
// by the absence of any fold line on stderr (the non-tty progress prints one per finished fold).

#include <QtTest/QtTest>

#include <QTemporaryDir>

#include "tests/app/cli/cli_process.h"

namespace {

using cli_test::Result;
using cli_test::runCli;
using cli_test::sourceDir;

QString writeFile(const QString& path, const QByteArray& bytes) {
  QFile f(path);
  if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) return {};
  f.write(bytes);
  return path;
}

QString analysisWith(const QTemporaryDir& dir, const QString& runs, const QString& name) {
  const QString h5 = sourceDir() + "/resources/examples/ww/ww_polarization_01.h5";
  return writeFile(dir.filePath(name), QString(R"json({
    "formatVersion": 1, "name": "cli errors",
    "samples": [{"name": "ww", "path": "%1",
                 "label": {"column": "label", "classes": {"1": "LL", "0": "other"}}}],
    "classes": ["other", "LL"], "signalClass": "LL",
    "features": ["W1_px", "W1_pz", "W2_px", "j1_pz"],
    "runs": %2})json")
                                           .arg(h5, runs)
                                           .toUtf8());
}

// What the progress prints (stderr is not a terminal here) when a fold has been trained.
const QRegularExpression kFoldDone("fold \\d+ done");

// The messages a user must never see.
void verifyPlain(const Result& r) {
  for (const char* bad : {"internal error", "Stack trace", "[bt]", "json.exception", ".cc:"})
    QVERIFY2(!r.err.contains(bad), qPrintable(r.err));
}

}  // namespace

class TestCliErrors : public QObject {
  Q_OBJECT
  QTemporaryDir m_dir;
  QString m_models;

 private Q_SLOTS:
  void initTestCase() {
    // Real model files to damage: a one-variable cut (HDF5) and a tiny boosted tree (UBJ).
    const QString analysis = analysisWith(
        m_dir,
        R"([{"name": "cut", "model": {"kind": "one_variable", "feature": "W1_pz"}, "folds": 2},
            {"name": "bdt", "model": {"kind": "gbdt", "trees": 3}, "folds": 2}])",
        "models.analysis.json");
    m_models = m_dir.filePath("models");
    const Result r = runCli({"run", analysis, "--quiet", "--save-models", m_models});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out));
    QVERIFY(QFile::exists(m_models + "/1_cut_fold1.h5"));
    QVERIFY(QFile::exists(m_models + "/2_bdt_fold1.ubj"));
  }

  void outIntoMissingFolderIsRefusedBeforeTraining_data() {
    QTest::addColumn<QString>("option");
    QTest::newRow("--out") << "--out";
    QTest::newRow("--scores") << "--scores";
  }
  void outIntoMissingFolderIsRefusedBeforeTraining() {
    QFETCH(QString, option);
    const QString analysis = analysisWith(
        m_dir, R"([{"name": "cut", "model": {"kind": "one_variable", "feature": "W1_pz"}}])",
        "cut.analysis.json");
    const QString target = m_dir.filePath("no/such/folder/out.file");
    const Result r = runCli({"run", analysis, option, target});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains(option) && r.err.contains(m_dir.filePath("no/such/folder")) &&
                 r.err.contains("does not exist"),
             qPrintable(r.err));
    QVERIFY2(!r.err.contains(kFoldDone), qPrintable(r.err));  // refused before the first fold
    QVERIFY(r.out.isEmpty());
    verifyPlain(r);
  }

  void outIsAFolder() {
    const QString analysis = analysisWith(
        m_dir, R"([{"name": "cut", "model": {"kind": "one_variable", "feature": "W1_pz"}}])",
        "cut.analysis.json");
    const Result r = runCli({"run", analysis, "--out", m_dir.path()});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("is a folder"), qPrintable(r.err));
    const Result m = runCli({"run", analysis, "--save-models", analysis});  // a file, not a folder
    QCOMPARE(m.exitCode, 1);
    QVERIFY2(m.err.contains("--save-models") && m.err.contains("is a file, not a folder"),
             qPrintable(m.err));
    verifyPlain(m);
  }

  void numbersThatDoNotFitAreNamed() {
    const QString analysis = analysisWith(
        m_dir, R"([{"name": "huge", "model": {"kind": "gbdt", "trees": 1e12}}])", "huge.json");
    const Result r = runCli({"run", analysis});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("trees = ") && r.err.contains("does not fit a 32-bit integer"),
             qPrintable(r.err));
    QVERIFY2(!r.err.contains("at least 1") && !r.err.contains(kFoldDone), qPrintable(r.err));
    verifyPlain(r);
    const QString valid = analysisWith(
        m_dir, R"([{"name": "cut", "model": {"kind": "one_variable", "feature": "W1_pz"}}])",
        "cut.analysis.json");
    const Result f = runCli({"run", valid, "--folds", "99999999999"});
    QCOMPARE(f.exitCode, 2);
    QVERIFY2(f.err.contains("--folds 99999999999 does not fit"), qPrintable(f.err));
  }

  void emptyMetaFileNamesFileAndKey() {
    const QString model = m_dir.filePath("meta_test.h5");
    QVERIFY(QFile::copy(m_models + "/1_cut_fold1.h5", model));
    writeFile(model + ".meta.json", "{}");
    const QString sample = sourceDir() + "/resources/examples/ww/ww_polarization_01.h5";
    const Result r = runCli({"apply", model, sample, "--out", m_dir.filePath("scored.h5")});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains(model + ".meta.json") && r.err.contains("\"classes\" is missing"),
             qPrintable(r.err));
    verifyPlain(r);
    writeFile(model + ".meta.json", R"({"classes": ["a", "b"], "signal_class": "b",
                                        "features": ["x"], "derived": [{"name": 3}]})");
    const Result d = runCli({"apply", model, sample, "--out", m_dir.filePath("scored.h5")});
    QCOMPARE(d.exitCode, 1);
    QVERIFY2(d.err.contains("\"derived\"[0]"), qPrintable(d.err));
  }

  void damagedModelFilesAreNamed_data() {
    QTest::addColumn<QString>("model");
    QTest::addColumn<double>("keep");
    QTest::newRow("hdf5 half") << "1_cut_fold1.h5" << 0.5;
    QTest::newRow("hdf5 header") << "1_cut_fold1.h5" << 0.02;
    QTest::newRow("ubj half") << "2_bdt_fold1.ubj" << 0.5;
    QTest::newRow("ubj most") << "2_bdt_fold1.ubj" << 0.98;
    QTest::newRow("empty") << "2_bdt_fold1.ubj" << 0.0;
  }
  void damagedModelFilesAreNamed() {
    QFETCH(QString, model);
    QFETCH(double, keep);
    QFile in(m_models + "/" + model);
    QVERIFY(in.open(QIODevice::ReadOnly));
    const QByteArray bytes = in.readAll();
    const QString damaged = m_dir.filePath("damaged_" + model);
    writeFile(damaged, bytes.left(static_cast<int>(keep * bytes.size())));
    QVERIFY(QFile::copy(m_models + "/" + model + ".meta.json", damaged + ".meta.json") ||
            QFile::exists(damaged + ".meta.json"));
    const QString sample = sourceDir() + "/resources/examples/ww/ww_polarization_01.h5";
    const Result r = runCli({"apply", damaged, sample, "--out", m_dir.filePath("scored.h5")});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains(damaged), qPrintable(r.err));
    verifyPlain(r);
  }

  void foreignModelFile() {
    const QString sample = sourceDir() + "/resources/examples/ww/ww_polarization_01.h5";
    const QString notes = writeFile(m_dir.filePath("notes.ubj"), "my notes\n");
    QVERIFY(QFile::copy(m_models + "/2_bdt_fold1.ubj.meta.json", notes + ".meta.json"));
    const Result r = runCli({"apply", notes, sample, "--out", m_dir.filePath("scored.h5")});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains(notes) && r.err.contains("not a JSON document"), qPrintable(r.err));
    verifyPlain(r);
    // A sample file given as the model: another kind of HDF5 file.
    const QString h5 = m_dir.filePath("sample_as_model.h5");
    QVERIFY(QFile::copy(sample, h5));
    QVERIFY(QFile::copy(m_models + "/1_cut_fold1.h5.meta.json", h5 + ".meta.json"));
    const Result s = runCli({"apply", h5, sample, "--out", m_dir.filePath("scored.h5")});
    QCOMPARE(s.exitCode, 1);
    QVERIFY2(s.err.contains(h5) && s.err.contains("not a saved model"), qPrintable(s.err));
  }

  void applyOutIntoMissingFolder() {
    const QString sample = sourceDir() + "/resources/examples/ww/ww_polarization_01.h5";
    const Result r = runCli({"apply", m_models + "/1_cut_fold1.h5", sample, "--out",
                             m_dir.filePath("missing/scored.h5")});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("--out") && r.err.contains("does not exist"), qPrintable(r.err));
    verifyPlain(r);
  }

  // Issue 12: a table that would not fit is refused before reading and training. The WW
  // example's 10,000 events × 24 columns (its 18 features, 5 more derived ones and the label)
  // take 10,000 × (24 × 4 + 24) = 1,200,000 bytes by the documented rule; IMBW_MEMORY_LIMIT=1M
  // (1,048,576) injects a smaller machine.
  void memoryRefusedUpFront() {
    qputenv("IMBW_MEMORY_LIMIT", "1M");
    const Result r =
        runCli({"run", sourceDir() + "/resources/examples/ww/ww.analysis.json", "--run", "1"});
    qunsetenv("IMBW_MEMORY_LIMIT");
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("10000 events × 24 columns") && r.err.contains("1,200,000 bytes") &&
                 r.err.contains("only 1.0 MiB are available (IMBW_MEMORY_LIMIT)") &&
                 r.err.contains("keep fewer columns"),
             qPrintable(r.err));
    QVERIFY2(!r.out.contains("fold") && !r.err.contains("fold"), qPrintable(r.out + r.err));
    verifyPlain(r);
  }
};

QTEST_APPLESS_MAIN(TestCliErrors)
#include "test_cli_errors.moc"
