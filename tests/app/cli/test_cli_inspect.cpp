// imbalance-cli inspect on the reader's real-tool and damaged fixtures
// (tests/core/data/fixtures, written by make_fixtures.py with pandas, PyTables and h5py):
// the text listing and the --json object a program (the window's probe) reads.

#include <QtTest/QtTest>

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>

#include "tests/app/cli/cli_process.h"

namespace {

using cli_test::Result;
using cli_test::runCli;
using cli_test::sourceDir;

QString fixture(const QString& name) {
  return sourceDir() + "/tests/core/data/fixtures/" + name;
}

QJsonObject parse(const Result& r) {
  QJsonParseError error;
  const QJsonDocument doc = QJsonDocument::fromJson(r.out.toUtf8(), &error);
  if (error.error != QJsonParseError::NoError) {
    qWarning("not JSON (%s): %s", qPrintable(error.errorString()), qPrintable(r.out));
  }
  return doc.object();
}

QJsonObject byKey(const QJsonArray& array, const QString& key, const QString& value) {
  for (const auto& v : array) {
    if (v.toObject().value(key).toString() == value) return v.toObject();
  }
  return {};
}

}  // namespace

class TestCliInspect : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  // A file that crashes HDF5 1.10 in H5Dread (fuzz/known/hdf5/make_global_heap_crash.py): the
  // CLI says in one line what happened and what to do, and still dies by the signal, which is
  // what the window's child-process probe looks for.
  void aLibraryCrashIsReported() {
    const QString file = sourceDir() + "/fuzz/known/hdf5/vlen_global_heap_object_size_segv.h5";
    QVERIFY2(QFile::exists(file), qPrintable(file + " is missing"));
    QProcess p;
    p.start(QStringLiteral(IMBW_CLI_PATH), {"inspect", "--json", file});
    QVERIFY(p.waitForFinished(120000));
    const QString err = QString::fromUtf8(p.readAllStandardError());
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    // Sanitizer builds keep the sanitizer's own report instead.
    QVERIFY2(p.exitStatus() == QProcess::CrashExit || p.exitCode() != 0, qPrintable(err));
    QVERIFY2(err.contains("Sanitizer"), qPrintable(err));
#else
    QCOMPARE(p.exitStatus(), QProcess::CrashExit);
    QVERIFY2(err.contains("imbalance-cli: crashed with SIGSEGV") &&
                 err.contains("imbalance-cli inspect --json " + file) &&
                 err.contains("damaged file") && err.contains("imbalance-cli inspect FILE"),
             qPrintable(err));
#endif
  }

  void jsonOfAPandasTable() {
    const Result r = runCli({"inspect", fixture("pandas_table.h5"), "--json"});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.err.isEmpty(), qPrintable(r.err));
    const QJsonObject o = parse(r);
    QCOMPARE(o.value("status").toString(), QString("ok"));
    QCOMPARE(o.value("group").toString(), QString("/events"));
    QCOMPARE(o.value("layout").toString(), QString("PandasTable"));
    QCOMPARE(o.value("events").toInt(), 120);
    QCOMPARE(o.value("reason").toString(), QString("the only group holding events"));
    QCOMPARE(o.value("candidates").toArray().size(), 1);
    const QJsonArray columns = o.value("columns").toArray();
    QCOMPARE(columns.size(), 6);  // px eta n_jets charge label kind; the index is not a column
    QCOMPARE(byKey(columns, "name", "px").value("kind").toString(), QString("number"));
    QCOMPARE(byKey(columns, "name", "px").value("type").toString(), QString("float64"));
    QCOMPARE(byKey(columns, "name", "kind").value("kind").toString(), QString("string"));
    QCOMPARE(byKey(columns, "name", "n_jets").value("length").toInt(), 120);
    const QJsonObject index = byKey(o.value("skipped").toArray(), "path", "/events/_i_table");
    QVERIFY2(index.value("reason").toString().contains("PyTables index"), qPrintable(r.out));
    QVERIFY(o.value("unsupported").toArray().isEmpty());
  }

  void jsonOfJaggedColumns() {
    const Result r = runCli({"inspect", fixture("h5py_jagged.h5"), "--json"});
    QCOMPARE(r.exitCode, 0);
    const QJsonObject jets = byKey(parse(r).value("columns").toArray(), "name", "jet_pt");
    QCOMPARE(jets.value("kind").toString(), QString("jagged"));
    QCOMPARE(jets.value("type").toString(), QString("vlen float32"));
    QCOMPARE(jets.value("maxMultiplicity").toInt(), 3);
  }

  void severalEventGroupsAreListed() {
    const Result j = runCli({"inspect", fixture("pandas_multi.h5"), "--json"});
    QCOMPARE(j.exitCode, 0);
    const QJsonObject o = parse(j);
    QCOMPARE(o.value("status").toString(), QString("ambiguous"));
    QVERIFY(o.value("group").isNull());
    QVERIFY(o.value("error").toString().contains("\"group\""));
    const QJsonArray c = o.value("candidates").toArray();
    QCOMPARE(c.size(), 2);
    QCOMPARE(byKey(c, "group", "/signal").value("events").toInt(), 40);
    QCOMPARE(byKey(c, "group", "/background").value("events").toInt(), 90);
    QCOMPARE(byKey(c, "group", "/background").value("layout").toString(), QString("PandasTable"));

    const Result t = runCli({"inspect", fixture("h5py_two_groups.h5")});
    QCOMPARE(t.exitCode, 0);
    QVERIFY2(t.out.contains("2 groups hold events; name one with --group"), qPrintable(t.out));
    QVERIFY2(t.out.contains(QRegularExpression("^  /signal +ColumnGroup +20 +2$",
                                               QRegularExpression::MultilineOption)),
             qPrintable(t.out));
    QVERIFY2(t.out.contains(QRegularExpression("^  /background +ColumnGroup +50 +2$",
                                               QRegularExpression::MultilineOption)),
             qPrintable(t.out));
    // Named, the group is read.
    const Result named = runCli({"inspect", fixture("h5py_two_groups.h5"), "--group", "/signal"});
    QCOMPARE(named.exitCode, 0);
    QVERIFY2(
        named.out.contains(QRegularExpression("^group +/signal\nwhy +named by the group option$",
                                              QRegularExpression::MultilineOption)),
        qPrintable(named.out));
  }

  void unsupportedObjectsAreListed() {
    const Result j = runCli({"inspect", fixture("h5py_unsupported.h5"), "--json"});
    QCOMPARE(j.exitCode, 0);
    const QJsonArray u = parse(j).value("unsupported").toArray();
    QCOMPARE(u.size(), 8);
    QVERIFY(byKey(u, "name", "cube").value("reason").toString().startsWith("3-D dataset"));
    QVERIFY(byKey(u, "name", "refs").value("reason").toString().contains("references"));
    QVERIFY(byKey(u, "name", "nested").value("reason").toString().contains("nested compound"));
    QCOMPARE(byKey(u, "name", "gone").value("path").toString(), QString("/events/gone"));

    const Result t = runCli({"inspect", fixture("h5py_unsupported.h5")});
    QCOMPARE(t.exitCode, 0);
    QVERIFY2(t.out.contains("unsupported (not read):\n"), qPrintable(t.out));
    QVERIFY2(t.out.contains(QRegularExpression("^  /events/blob: opaque bytes",
                                               QRegularExpression::MultilineOption)),
             qPrintable(t.out));
    QVERIFY2(t.out.contains(QRegularExpression(
                 "^  /events/lost: soft link to '/events/nowhere', which does not exist",
                 QRegularExpression::MultilineOption)),
             qPrintable(t.out));
  }

  void damageIsAnErrorWithHdf5sMessage() {
    const QString path = fixture("damaged_dataset_header.h5");
    const Result j = runCli({"inspect", path, "--json"});
    QCOMPARE(j.exitCode, 1);
    const QJsonObject o = parse(j);
    QCOMPARE(o.value("status").toString(), QString("error"));
    const QString e = o.value("error").toString();
    QVERIFY2(e.contains(path) && e.contains("'/events/b'") &&
                 e.contains("HDF5: incorrect metadata checksum"),
             qPrintable(e));
    // No HDF5 error stack printed, no "infinite loop closing library" at exit.
    QVERIFY2(j.err.isEmpty(), qPrintable(j.err));

    const Result t = runCli({"inspect", fixture("damaged_group_header.h5")});
    QCOMPARE(t.exitCode, 1);
    QVERIFY2(t.err.contains("'/events'") && t.err.contains("incorrect metadata checksum") &&
                 !t.err.contains("no event data") && !t.err.contains("infinite loop"),
             qPrintable(t.err));
  }

  void hugeDeclaredDatasetIsRefusedAtOnce() {
    QElapsedTimer timer;
    timer.start();
    const Result j = runCli({"inspect", fixture("h5py_huge_declared.h5"), "--json"}, 20000);
    QCOMPARE(j.exitCode, 1);
    QVERIFY2(timer.elapsed() < 10000, "inspect took more than 10 s");
    const QString e = parse(j).value("error").toString();
    QVERIFY2(e.contains("declares 1000000000000 events") && e.contains("TiB"), qPrintable(e));
  }

  void externalFilesNeedTheFlag() {
    const Result refused = runCli({"inspect", fixture("h5py_external_link.h5"), "--json"});
    QCOMPARE(refused.exitCode, 1);
    QVERIFY2(parse(refused).value("error").toString().contains("--allow-external"),
             qPrintable(refused.out));
    const Result allowed =
        runCli({"inspect", fixture("h5py_external_link.h5"), "--json", "--allow-external"});
    QCOMPARE(allowed.exitCode, 0);
    QCOMPARE(parse(allowed).value("events").toInt(), 12);

    const Result plugin = runCli({"inspect", fixture("pandas_table_blosc.h5")});
    QCOMPARE(plugin.exitCode, 1);
    QVERIFY2(plugin.err.contains("blosc") && plugin.err.contains("--allow-plugins"),
             qPrintable(plugin.err));
  }
};

QTEST_GUILESS_MAIN(TestCliInspect)
#include "test_cli_inspect.moc"
