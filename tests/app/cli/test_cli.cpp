// Runs the built imbalance-cli as a user would and checks its output and exit codes.

#include <QtTest/QtTest>

#include "tests/app/cli/cli_process.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>

#include "tests/core/analysis/h5_fixture.h"
#include "tests/shared_data.h"

namespace {

using cli_test::Result;
using cli_test::runCli;
using cli_test::sourceDir;

QString wwDir() {
  return sourceDir() + "/resources/examples/ww";
}

}  // namespace

class TestCli : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void help() {
    const Result r = runCli({"--help"});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.out.contains(QRegularExpression("^  inspect ", QRegularExpression::MultilineOption)),
             qPrintable(r.out));
    QVERIFY(r.out.contains(QRegularExpression("^  yields ", QRegularExpression::MultilineOption)));
    const Result sub = runCli({"yields", "--help"});
    QCOMPARE(sub.exitCode, 0);
    QVERIFY(sub.out.contains("usage: imbalance-cli yields"));
    const Result none = runCli({});
    QVERIFY(none.exitCode != 0);
    QVERIFY(none.err.contains("usage"));
  }

  void inspectWw() {
    const Result r = runCli({"inspect", wwDir() + "/ww_polarization_01.h5"});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.err.isEmpty(), qPrintable(r.err));
    QVERIFY(
        r.out.contains(QRegularExpression("^events +10000$", QRegularExpression::MultilineOption)));
    QVERIFY(
        r.out.contains(QRegularExpression("^columns +54$", QRegularExpression::MultilineOption)));
    QVERIFY2(
        r.out.contains(QRegularExpression("^layout +\\S+", QRegularExpression::MultilineOption)),
        qPrintable(r.out));
    // One row per column: name, type, length, jagged.
    QVERIFY2(r.out.contains(QRegularExpression("^  j1_px +float64 +10000 +no$",
                                               QRegularExpression::MultilineOption)),
             qPrintable(r.out));
    QVERIFY(r.out.contains(
        QRegularExpression("^  label +int8 +10000 +no$", QRegularExpression::MultilineOption)));
    // Label counts from ../shared/data/README.md: 507 LL of 10,000.
    QVERIFY(r.out.contains("label counts of 'label'"));
    QVERIFY2(r.out.contains(
                 QRegularExpression("^  0 +9493 +94.93 %$", QRegularExpression::MultilineOption)),
             qPrintable(r.out));
    QVERIFY(r.out.contains(
        QRegularExpression("^  1 +507 +5.07 %$", QRegularExpression::MultilineOption)));
  }

  void inspectHiggsStringLabels() {
    const std::string file =
        imbw::test::sharedDir() + "/data/higgsml_atlas/higgsml_atlas_subset.h5";
    IMBW_REQUIRE_SHARED_FILE(file);
    const QString path = QString::fromStdString(file);
    const Result r = runCli({"inspect", path});
    QCOMPARE(r.exitCode, 0);
    // README: 4,999 s and 4,999 b, in the string column `Label` and the numeric `label`.
    QVERIFY2(
        r.out.contains(QRegularExpression("^  'b' +4999 ", QRegularExpression::MultilineOption)),
        qPrintable(r.out));
    QVERIFY(
        r.out.contains(QRegularExpression("^  's' +4999 ", QRegularExpression::MultilineOption)));
    QVERIFY(r.out.contains(QRegularExpression("^  1 +4999 ", QRegularExpression::MultilineOption)));
  }

  void inspectJaggedFixture() {
    QTemporaryDir dir;
    const std::string path = dir.path().toStdString() + "/jets.h5";
    {
      h5fixture::File f(path, "data");
      f.add("met", {10, 20, 30});
      f.addJagged("jet_pt", {{50.0f, 20.0f}, {}, {30.0f}});
      f.addStrings("Label", {"s", "b", "b"});
    }
    const Result r = runCli({"inspect", QString::fromStdString(path)});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(
        r.out.contains(QRegularExpression("^group +/data$", QRegularExpression::MultilineOption)),
        qPrintable(r.out));
    QVERIFY(r.out.contains(
        QRegularExpression("^  met +float64 +3 +no$", QRegularExpression::MultilineOption)));
    QVERIFY2(
        r.out.contains(QRegularExpression("^  jet_pt +\\S.* +3 +yes, up to 2: count\\(jet_pt\\)",
                                          QRegularExpression::MultilineOption)),
        qPrintable(r.out));
    QVERIFY(r.out.contains(
        QRegularExpression("^  'b' +2 +66.67 %$", QRegularExpression::MultilineOption)));
    QVERIFY(r.out.contains(
        QRegularExpression("^  's' +1 +33.33 %$", QRegularExpression::MultilineOption)));
  }

  void yieldsWw() {
    const QString analysis = wwDir() + "/ww.analysis.json";
    const Result text = runCli({"yields", analysis});
    QCOMPARE(text.exitCode, 0);
    QVERIFY2(text.out.contains(QRegularExpression("^LL +507 +507 +507 +\\| +451 +451 +451 ",
                                                  QRegularExpression::MultilineOption)),
             qPrintable(text.out));
    QVERIFY(text.out.contains(QRegularExpression("^total +10000 +10000 +10000 +\\| +8558 ",
                                                 QRegularExpression::MultilineOption)));
    QVERIFY(text.out.contains("mjj > 200"));

    const Result json = runCli({"yields", analysis, "--json"});
    QCOMPARE(json.exitCode, 0);
    QJsonParseError error;
    const QJsonObject o = QJsonDocument::fromJson(json.out.toUtf8(), &error).object();
    QCOMPARE(error.error, QJsonParseError::NoError);
    const QJsonObject after = o["afterCut"].toObject();
    QCOMPARE(after["events"].toInt(), 8558);
    QCOMPARE(after["signalClass"].toString(), QString("LL"));
    int ll = -1;
    for (const auto& c : after["classes"].toArray()) {
      if (c.toObject()["class"].toString() == "LL") ll = c.toObject()["events"].toInt();
    }
    QCOMPARE(ll, 451);
    QCOMPARE(after["ratioByCount"].toDouble(), 451.0 / 8558.0);
    QCOMPARE(o["beforeCut"].toObject()["events"].toInt(), 10000);

    // A different cut from the command line.
    const Result other = runCli({"yields", analysis, "--json", "--cut", "mjj > 1e9"});
    QCOMPARE(other.exitCode, 0);
    QCOMPARE(QJsonDocument::fromJson(other.out.toUtf8())["afterCut"]["events"].toInt(), 0);
    QVERIFY(other.err.contains("warning"));
  }

  void errors() {
    const Result missing = runCli({"yields", "/nonexistent/analysis.json"});
    QCOMPARE(missing.exitCode, 1);
    QVERIFY(missing.out.isEmpty());
    QVERIFY2(missing.err.contains("/nonexistent/analysis.json"), qPrintable(missing.err));

    const Result badCut = runCli({"yields", wwDir() + "/ww.analysis.json", "--cut", "mjjj > 200"});
    QCOMPARE(badCut.exitCode, 1);
    QVERIFY2(badCut.err.contains("did you mean 'mjj'"), qPrintable(badCut.err));

    const Result notHdf5 = runCli({"inspect", wwDir() + "/README.md"});
    QCOMPARE(notHdf5.exitCode, 1);
    QVERIFY2(notHdf5.err.contains("README.md"), qPrintable(notHdf5.err));

    const Result usage = runCli({"inspect"});
    QCOMPARE(usage.exitCode, 2);
    QVERIFY(usage.err.contains("usage"));
    QCOMPARE(runCli({"inspect", "a.h5", "--bogus"}).exitCode, 2);
    const Result unknown = runCli({"frobnicate"});
    QCOMPARE(unknown.exitCode, 2);
    QVERIFY(unknown.err.contains("unknown command 'frobnicate'"));
  }
};

QTEST_APPLESS_MAIN(TestCli)
#include "test_cli.moc"
