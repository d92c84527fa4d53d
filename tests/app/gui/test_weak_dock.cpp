// The weak-supervision window (issue 14) on the bundled synthetic dijet example, offscreen:
// dragging the window on the resonance histogram (mouse and keyboard) changes the study's
// settings; Tag N' Train and the signal-fraction scan run in the background without stalling the
// event loop and give the numbers `imbalance-cli tnt` / `sf-scan` give for the same settings
// (the CLI is run here as a separate program); a run can be cancelled; the views draw.

#include <QComboBox>
#include <QFile>
#include <QLineEdit>
#include <QProcess>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTextStream>
#include <QtTest>
#include <cmath>

#include "app/gui/main_window.h"
#include "app/gui/weak_supervision_dock.h"
#include "tests/app/gui/stall_ticker.h"
#include "tests/timing_bounds.h"
#include "widgets/bump_hunt_view.h"
#include "widgets/chart_view.h"
#include "widgets/mass_window_histogram.h"
#include "widgets/signal_fraction_view.h"

using namespace imbw;

namespace {

const char* kClassifier = R"({"kind":"gbdt","trees":20,"learning_rate":0.1,"max_depth":3})";

QString examplePath() {
  return qEnvironmentVariable("IMBW_SOURCE_DIR") + "/resources/examples/dijet/dijet.analysis.json";
}
QString cliPath() {
  return qEnvironmentVariable("IMBW_BINARY_DIR") + "/app/cli/imbalance-cli";
}

// Runs the CLI; returns its exit code (stdout and stderr in `output`).
int runCli(const QStringList& args, QString* output) {
  QProcess p;
  p.setProcessChannelMode(QProcess::MergedChannels);
  p.start(cliPath(), args);
  if (!p.waitForFinished(600000)) return -1;
  *output = QString::fromUtf8(p.readAll());
  return p.exitCode();
}

// A CSV written by the CLI: header → columns of numbers.
QHash<QString, QList<double>> readCsv(const QString& path) {
  QHash<QString, QList<double>> out;
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly)) return out;
  QTextStream in(&f);
  const QStringList header = in.readLine().split(',');
  while (!in.atEnd()) {
    const QStringList cells = in.readLine().split(',');
    for (qsizetype k = 0; k < header.size() && k < cells.size(); ++k)
      out[header[k]].append(cells[k].toDouble());
  }
  return out;
}

bool close(double a, double b, double rel = 1e-7) {
  return std::abs(a - b) <= rel * std::max(1.0, std::max(std::abs(a), std::abs(b)));
}

// With IMBW_WEAK_SCREENSHOTS=DIR, the views are saved there to be looked at (README pictures).
void shot(QWidget* w, const QString& name) {
  const QString dir = qEnvironmentVariable("IMBW_WEAK_SCREENSHOTS");
  if (!dir.isEmpty()) w->grab().save(dir + "/" + name + ".png");
}

}  // namespace

class TestWeakDock : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void initTestCase();
  void draggingTheWindowChangesTheConfig();
  void keyboardMovesTheWindowToo();
  void tagNTrainEqualsTheCli();
  void scanEqualsTheCli();
  void cancelStopsARun();
  void cleanupTestCase();

 private:
  MainWindow* m_window = nullptr;
  WeakSupervisionDock* m_dock = nullptr;
  QTemporaryDir m_tmp;
};

void TestWeakDock::initTestCase() {
  QStandardPaths::setTestModeEnabled(true);
  QVERIFY2(QFile::exists(examplePath()), qPrintable(examplePath()));
  QVERIFY2(QFile::exists(cliPath()), qPrintable(cliPath()));
  m_window = new MainWindow;
  m_window->resize(1400, 900);
  m_window->show();
  m_dock = m_window->findChild<WeakSupervisionDock*>();
  QVERIFY(m_dock);
  m_dock->show();
  QSignalSpy histogram(m_dock, &WeakSupervisionDock::histogramUpdated);
  m_window->openFile(examplePath());
  QVERIFY(histogram.wait(120000));
  QVERIFY(m_dock->windowHistogram()->windowLo() == 3300.0);
  m_dock->classifierEdit()->setText(kClassifier);
  m_dock->foldsBox()->setValue(2);
}

void TestWeakDock::cleanupTestCase() {
  delete m_window;
}

void TestWeakDock::draggingTheWindowChangesTheConfig() {
  MassWindowHistogram* h = m_dock->windowHistogram();
  h->resize(600, 220);
  const int y = h->height() / 2;
  // The lower edge, from 3300 to about 3100.
  QTest::mousePress(h, Qt::LeftButton, {}, QPoint(qRound(h->xOf(3300.0)), y));
  QTest::mouseMove(h, QPoint(qRound(h->xOf(3100.0)), y));
  QTest::mouseRelease(h, Qt::LeftButton, {}, QPoint(qRound(h->xOf(3100.0)), y));
  const double pixel = h->valueAt(1.0) - h->valueAt(0.0);
  WeakStudyConfig c = m_dock->config();
  QVERIFY2(std::abs(c.window.lo - 3100.0) <= pixel, qPrintable(QString::number(c.window.lo)));
  QCOMPARE(c.window.hi, 3700.0);
  // Inside the window: the whole window moves by the drag, its width kept.
  const double width = c.window.hi - c.window.lo;
  QTest::mousePress(h, Qt::LeftButton, {}, QPoint(qRound(h->xOf(3400.0)), y));
  QTest::mouseMove(h, QPoint(qRound(h->xOf(3600.0)), y));
  QTest::mouseRelease(h, Qt::LeftButton, {}, QPoint(qRound(h->xOf(3600.0)), y));
  c = m_dock->config();
  QVERIFY(std::abs((c.window.hi - c.window.lo) - width) < 1e-6);
  QVERIFY2(std::abs(c.window.lo - 3300.0) <= 2 * pixel, qPrintable(QString::number(c.window.lo)));
  // Back to the example's window, through the histogram's own setter.
  h->setWindow(3300.0, 3700.0);
  c = m_dock->config();
  QCOMPARE(c.window.lo, 3300.0);
  QCOMPARE(c.window.hi, 3700.0);
}

void TestWeakDock::keyboardMovesTheWindowToo() {
  MassWindowHistogram* h = m_dock->windowHistogram();
  h->setFocus();
  QTest::keyClick(h, Qt::Key_Up);  // the upper edge
  QCOMPARE(h->activeEdge(), 1);
  const double hi0 = m_dock->config().window.hi;
  QTest::keyClick(h, Qt::Key_Right);
  const double hi1 = m_dock->config().window.hi;
  QVERIFY(hi1 > hi0);
  QTest::keyClick(h, Qt::Key_Left);
  QCOMPARE(m_dock->config().window.hi, hi0);
  QTest::keyClick(h, Qt::Key_Down);  // the lower edge
  const double lo0 = m_dock->config().window.lo;
  QTest::keyClick(h, Qt::Key_Left, Qt::ShiftModifier);
  QVERIFY(m_dock->config().window.lo < lo0);
  QTest::keyClick(h, Qt::Key_Right, Qt::ShiftModifier);
  QVERIFY(std::abs(m_dock->config().window.lo - lo0) < 1e-9);
  h->setWindow(3300.0, 3700.0);
}

void TestWeakDock::tagNTrainEqualsTheCli() {
  m_dock->methodBox()->setCurrentIndex(m_dock->methodBox()->findData("tnt"));
  m_dock->efficiencyBox()->setCurrentIndex(m_dock->efficiencyBox()->findData(0.01));
  const WeakStudyConfig c = m_dock->config();
  QSignalSpy done(m_dock, &WeakSupervisionDock::runFinished);
  gui_test::StallTicker ticker;
  ticker.start();
  m_dock->run();
  QVERIFY2(done.wait(600000), qPrintable(m_dock->statusText()));
  QTest::qWait(30);  // one more tick measures the drawing of the results
  ticker.stop();
  qInfo("largest event-loop gap while Tag N' Train ran: %lld ms", ticker.maxGap());
  QVERIFY2(ticker.maxGap() < test::kEventLoopGapBoundMs,
           qPrintable(QString("event loop stalled %1 ms").arg(ticker.maxGap())));
  QVERIFY(m_dock->lastRun().has_value());
  const WeakRunOutcome& r = *m_dock->lastRun();

  const QString scores = m_tmp.filePath("tnt_scores.csv");
  const QString bump = m_tmp.filePath("tnt_bump.csv");
  QString out;
  const int rc = runCli({"tnt", examplePath(), "--classifier", kClassifier, "--folds", "2",
                         "--threads", QString::number(c.threads), "--scores", scores, "--bump",
                         bump, "--efficiencies", "0.01", "--quiet"},
                        &out);
  QVERIFY2(rc == 0, qPrintable(out));
  const auto cli = readCsv(scores);
  const QList<double> combined = cli.value("iteration1_combined");
  QCOMPARE(static_cast<std::size_t>(combined.size()), r.score.size());
  for (qsizetype i = 0; i < combined.size(); ++i)
    QVERIFY2(close(combined[i], r.score[static_cast<std::size_t>(i)]),
             qPrintable(QString("event %1: CLI %2, window %3")
                            .arg(i)
                            .arg(combined[i])
                            .arg(r.score[static_cast<std::size_t>(i)])));
  const QList<double> resonance = cli.value("resonance");
  for (qsizetype i = 0; i < resonance.size(); i += 997)
    QVERIFY(close(resonance[i], r.events.resonance[static_cast<std::size_t>(i)]));

  // The bump hunt after the 1 % cut: the same counts per bin as `tnt --bump`.
  const auto b = readCsv(bump);
  const QList<double> all = b.value("all");
  QCOMPARE(all.size(), 80);  // 40 bins before the cut, 40 after
  const ChartView* chart = m_dock->bumpHuntView()->chartView();
  const QList<QPointF> stack = chart->seriesPoints("stack");  // signal on background = all
  QCOMPARE(stack.size(), 80);                                 // two points a bin
  for (int k = 0; k < 40; ++k)
    QVERIFY2(close(stack[2 * k].y(), all[40 + k]),
             qPrintable(QString("bin %1: %2 vs %3").arg(k).arg(stack[2 * k].y()).arg(all[40 + k])));
  QVERIFY(chart->seriesKeys().contains("fit"));
  QVERIFY2(m_dock->bumpHuntView()->summary().startsWith("Z_local"),
           qPrintable(m_dock->bumpHuntView()->summary()));
  QVERIFY(r.metrics.auc > 0.9);
  QVERIFY(r.supervisedMetrics.auc > 0.9);
  shot(m_dock, "weak-supervision-bump-hunt");
}

void TestWeakDock::scanEqualsTheCli() {
  m_dock->fractionsEdit()->setText("0.05, 0.01");
  m_dock->methodsEdit()->setText("cwola, autoencoder");
  const WeakStudyConfig c = m_dock->config();
  QSignalSpy done(m_dock, &WeakSupervisionDock::scanFinished);
  gui_test::StallTicker ticker;
  ticker.start();
  m_dock->runScan();
  QVERIFY2(done.wait(600000), qPrintable(m_dock->statusText()));
  QTest::qWait(30);
  ticker.stop();
  qInfo("largest event-loop gap while the scan ran: %lld ms", ticker.maxGap());
  QVERIFY2(ticker.maxGap() < test::kEventLoopGapBoundMs,
           qPrintable(QString("event loop stalled %1 ms").arg(ticker.maxGap())));
  const auto& points = m_dock->lastScan()->points;
  QCOMPARE(points.size(), std::size_t{4});

  const QString csv = m_tmp.filePath("scan.csv");
  QString out;
  const int rc = runCli({"sf-scan", examplePath(), "--fractions", "0.05,0.01", "--methods",
                         "cwola,autoencoder", "--classifier", kClassifier, "--folds", "2",
                         "--threads", QString::number(c.threads), "--out", csv, "--quiet"},
                        &out);
  QVERIFY2(rc == 0, qPrintable(out));
  const auto cli = readCsv(csv);
  QCOMPARE(cli.value("auc").size(), 4);
  for (int k = 0; k < 4; ++k) {
    const ScanPoint& p = points[static_cast<std::size_t>(k)];
    QVERIFY(close(cli.value("s_over_b")[k], p.sOverB));
    QCOMPARE(cli.value("signal_events")[k], static_cast<double>(p.signalEvents));
    QVERIFY2(
        close(cli.value("auc")[k], p.metrics.auc),
        qPrintable(QString("%1: %2 vs %3").arg(k).arg(cli.value("auc")[k]).arg(p.metrics.auc)));
    QVERIFY(close(cli.value("max_sic")[k], p.metrics.maxSignificanceImprovement));
  }
  // The view draws one line per method with a point per S/B.
  const ChartView* chart = m_dock->scanView()->chartView();
  QCOMPARE(chart->seriesPoints("cwola").size(), 2);
  QCOMPARE(chart->seriesPoints("autoencoder").size(), 2);
  shot(m_dock, "weak-supervision-scan");
}

void TestWeakDock::cancelStopsARun() {
  m_dock->classifierEdit()->setText(R"({"kind":"gbdt","trees":2000,"max_depth":6})");
  m_dock->methodBox()->setCurrentIndex(m_dock->methodBox()->findData("cwola"));
  m_dock->run();
  QVERIFY(m_dock->busy());
  QTest::qWait(300);
  QElapsedTimer t;
  t.start();
  m_dock->cancel();
  QTRY_VERIFY_WITH_TIMEOUT(!m_dock->busy(), 5000);
  qInfo("cancelled in %lld ms", t.elapsed());
  QCOMPARE(m_dock->statusText(), QString("Cancelled."));
  m_dock->classifierEdit()->setText(kClassifier);
}

QTEST_MAIN(TestWeakDock)
#include "test_weak_dock.moc"
