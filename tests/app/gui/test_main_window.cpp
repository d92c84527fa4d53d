// Drives the real workbench window on the bundled WW example: loading, live cut yields, a bad
// cut, a small run with live plots, cancel, close during training, and event-loop latency.
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QJsonObject>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableWidget>
#include <QtTest>
#include <algorithm>
#include <cmath>

#include "app/gui/main_window.h"
#include "app/gui/training_job.h"
#include "widgets/chart_view.h"
#include "widgets/cut_editor.h"
#include "widgets/json_form.h"
#include "widgets/pr_curve_view.h"
#include "widgets/roc_curve_view.h"
#include "widgets/runs_table_model.h"
#include "widgets/score_histogram_view.h"
#include "widgets/significance_view.h"
#include "widgets/training_history_view.h"
#include "widgets/yields_table.h"

using namespace imbw;

namespace {

QString examplePath() {
  return qEnvironmentVariable("IMBW_SOURCE_DIR") + "/resources/examples/ww/ww.analysis.json";
}

// A small, quick boosted-tree configuration: enough rounds for several live checkpoints.
void configureSmallGbdt(MainWindow& w, int trees, int threads) {
  w.modelKindBox()->setCurrentText("gbdt");
  QJsonObject p = w.modelForm()->values();
  p["trees"] = trees;
  p["max_depth"] = 3;
  p["checkpoint_every"] = 5;
  w.modelForm()->setValues(p);
  w.foldsBox()->setValue(3);
  w.threadsBox()->setValue(threads);
}

bool loadExample(MainWindow& w) {
  QSignalSpy yields(&w, &MainWindow::yieldsUpdated);
  w.openFile(examplePath());
  return yields.wait(120000) || w.currentYields().has_value();
}

// Events and Σw of each class passing `pass`, counted here from the table's columns.
std::vector<std::size_t> countPassing(const EventTable& t,
                                      const std::function<bool(std::size_t)>& pass) {
  std::vector<std::size_t> n(t.classNames.size(), 0);
  for (std::size_t i = 0; i < t.size(); ++i)
    if (pass(i)) ++n[static_cast<std::size_t>(t.classIndex[i])];
  return n;
}

}  // namespace

class TestMainWindow : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void initTestCase();
  void runSummaryReadsLikeAPhysicist();
  void loadsExampleAndYieldsFollowTheCut();
  void labelMapEditReclassifiesEvents();
  void badCutShowsMessageAndRefusesTraining();
  void smallRunFillsTableAndEveryChart();
  void cancelRun();
  void closeDuringTrainingExitsQuickly();
};

void TestMainWindow::initTestCase() {
  QStandardPaths::setTestModeEnabled(true);  // QSettings of the tests stay apart
  QVERIFY2(QFile::exists(examplePath()), qPrintable(examplePath()));
}

void TestMainWindow::runSummaryReadsLikeAPhysicist() {
  const RunConfig c = RunConfig::fromJson(nlohmann::json::parse(R"({
    "model": {"kind": "gbdt", "trees": 300, "max_depth": 4, "learning_rate": 0.1,
              "subsample": 0.8},
    "loss": {"kind": "focal", "alpha": 0.25, "gamma": 2},
    "resample": {"kind": "none"}, "folds": 5, "seed": 7})"));
  QCOMPARE(runSummary(c),
           QString("GBDT 300 trees, depth 4, lr 0.1 · focal α=0.25 γ=2 · no resampling · 5 folds"));
  const QString details = runDetails(c);
  QVERIFY2(details.contains("subsample = 0.8"), qPrintable(details));
  QVERIFY2(details.contains("seed 7"), qPrintable(details));
  const RunConfig s = RunConfig::fromJson(nlohmann::json::parse(R"({
    "model": {"kind": "mlp", "hidden": [64, 32], "max_epochs": 50},
    "loss": {"kind": "weighted_cross_entropy", "alpha": "1-r"},
    "resample": {"kind": "smote", "k": 5, "ratio": 0.5}, "folds": 3})"));
  QCOMPARE(runSummary(s), QString("MLP hidden 64–32, ≤ 50 epochs · weighted CE α=1−r · SMOTE k=5 "
                                  "ratio 0.5 · 3 folds"));
}

void TestMainWindow::loadsExampleAndYieldsFollowTheCut() {
  MainWindow w;
  w.show();
  QVERIFY(loadExample(w));
  QVERIFY2(w.loadError().isEmpty(), qPrintable(w.loadError()));
  const EventTable& t = w.loadedTable();
  const int mjj = t.columnIndex("mjj");
  QVERIFY(mjj >= 0);
  const int signal = t.signalClass;
  // The example's cut mjj > 200: 8,558 events, 451 of them LL (issue 2).
  QTRY_VERIFY_WITH_TIMEOUT(w.currentYields().has_value(), 30000);
  QCOMPARE(w.currentYields()->totalEvents(), std::size_t(8558));
  QCOMPARE(w.currentYields()->perClass[static_cast<std::size_t>(signal)].events, std::size_t(451));
  QCOMPARE(w.yieldsTable()->cellText(signal, 2), QString("451"));

  // A tighter cut: the table follows, and agrees with a count made here.
  QSignalSpy spy(&w, &MainWindow::yieldsUpdated);
  w.cutEditor()->setText("mjj > 500 && deta_jj > 2");
  QVERIFY(w.cutEditor()->isValid());
  QVERIFY(spy.wait(30000));
  const int deta = t.columnIndex("deta_jj");
  const auto expected = countPassing(
      t, [&](std::size_t i) { return t.columns[mjj][i] > 500.f && t.columns[deta][i] > 2.f; });
  for (std::size_t c = 0; c < expected.size(); ++c) {
    QCOMPARE(w.currentYields()->perClass[c].events, expected[c]);
    QCOMPARE(w.yieldsTable()->cellText(static_cast<int>(c), 2), QString::number(expected[c]));
  }
  QVERIFY(expected[static_cast<std::size_t>(signal)] < 451);
}

// Swapping the label mapping of the WW sample (1 → other, 0 → LL) and reloading swaps the
// yields: after mjj > 200 the example has 451 label-1 and 8,107 label-0 events (issue 2).
void TestMainWindow::labelMapEditReclassifiesEvents() {
  MainWindow w;
  w.show();
  QVERIFY(loadExample(w));
  QTRY_VERIFY_WITH_TIMEOUT(w.currentYields().has_value(), 30000);
  QTableWidget* map = w.labelMapTable();
  QVERIFY(map);
  QVERIFY(map->isVisible());
  QCOMPARE(map->rowCount(), 2);
  for (int r = 0; r < map->rowCount(); ++r) {
    auto* cls = qobject_cast<QComboBox*>(map->cellWidget(r, 1));
    QVERIFY(cls);
    const QString value = map->item(r, 0)->text();
    QVERIFY2(value == "1" || value == "0", qPrintable(value));
    QCOMPARE(cls->currentText(), value == "1" ? QString("LL") : QString("other"));
    cls->setCurrentText(value == "1" ? "other" : "LL");
  }
  QSignalSpy spy(&w, &MainWindow::yieldsUpdated);
  w.applySamplesButton()->click();
  QVERIFY(spy.wait(120000));
  QVERIFY2(w.loadError().isEmpty(), qPrintable(w.loadError()));
  const EventTable& t = w.loadedTable();
  const auto ll = static_cast<int>(std::find(t.classNames.begin(), t.classNames.end(), "LL") -
                                   t.classNames.begin());
  const auto other = static_cast<int>(std::find(t.classNames.begin(), t.classNames.end(), "other") -
                                      t.classNames.begin());
  QVERIFY(ll < static_cast<int>(t.classNames.size()));
  QVERIFY(other < static_cast<int>(t.classNames.size()));
  QCOMPARE(w.currentYields()->perClass[static_cast<std::size_t>(ll)].events, std::size_t(8107));
  QCOMPARE(w.currentYields()->perClass[static_cast<std::size_t>(other)].events, std::size_t(451));
  QCOMPARE(w.yieldsTable()->cellText(ll, 2), QString("8107"));
  QCOMPARE(w.yieldsTable()->cellText(other, 2), QString("451"));
  // The mapping shown is the one now in use.
  for (int r = 0; r < map->rowCount(); ++r) {
    auto* cls = qobject_cast<QComboBox*>(map->cellWidget(r, 1));
    QVERIFY(cls);
    QCOMPARE(cls->currentText(), map->item(r, 0)->text() == "1" ? QString("other") : QString("LL"));
  }
}

void TestMainWindow::badCutShowsMessageAndRefusesTraining() {
  MainWindow w;
  w.show();
  QVERIFY(loadExample(w));
  const auto runsBefore = w.runKeys().size();  // saved configurations of the example
  w.cutEditor()->setText("mjj > 200 && detajj > 2");
  QVERIFY(!w.cutEditor()->isValid());
  QVERIFY2(w.cutEditor()->errorText().contains("detajj"), qPrintable(w.cutEditor()->errorText()));
  QVERIFY2(w.cutEditor()->errorText().contains("did you mean"),
           qPrintable(w.cutEditor()->errorText()));
  QVERIFY(!w.startTraining());
  QVERIFY2(w.trainingRefusal().contains("cut"), qPrintable(w.trainingRefusal()));
  QCOMPARE(w.runKeys().size(), runsBefore);

  // A cut that empties the signal class is refused too, with the class named.
  QSignalSpy spy(&w, &MainWindow::yieldsUpdated);
  w.cutEditor()->setText("mjj < 0");
  QVERIFY(w.cutEditor()->isValid());
  QVERIFY(spy.wait(30000));
  QVERIFY(!w.startTraining());
  QVERIFY2(w.trainingRefusal().contains("empty"), qPrintable(w.trainingRefusal()));
}

void TestMainWindow::smallRunFillsTableAndEveryChart() {
  MainWindow w;
  w.resize(1400, 900);
  w.show();
  QVERIFY(loadExample(w));
  configureSmallGbdt(w, 60, 1);

  // Event-loop latency while the run trains: a 5 ms timer records the largest gap.
  QElapsedTimer clock;
  qint64 last = 0, maxGap = 0;
  QTimer ticker;
  ticker.setInterval(5);
  QObject::connect(&ticker, &QTimer::timeout, [&] {
    const qint64 now = clock.elapsed();
    maxGap = std::max(maxGap, now - last);
    last = now;
  });

  QSignalSpy finished(&w, &MainWindow::runFinished);
  QVERIFY2(w.startTraining(), qPrintable(w.trainingRefusal()));
  clock.start();
  ticker.start();
  QVERIFY(finished.wait(300000));
  ticker.stop();
  QCOMPARE(finished.size(), 1);
  const QString key = finished[0][0].toString();
  QVERIFY2(finished[0][1].toString() == "done", qPrintable(finished[0][1].toString()));
  qInfo("largest event-loop gap while training: %lld ms", maxGap);
  QVERIFY2(maxGap < 50, qPrintable(QString("event loop stalled %1 ms").arg(maxGap)));

  auto outcome = w.runOutcome(key);
  QVERIFY(outcome);
  QVERIFY(outcome->ap.mean > 0.0 && outcome->ap.mean <= 1.0);
  QVERIFY(outcome->auc.mean > 0.5);  // the features do separate LL from the rest

  // The runs table has numbers.
  const RunsTableModel* m = w.runsModel();
  const int row = m->rowOf(key);
  QVERIFY(row >= 0);
  for (int col :
       {int(RunsTableModel::Ap), int(RunsTableModel::Auc), int(RunsTableModel::ApOverR),
        int(RunsTableModel::Rej20), int(RunsTableModel::Rej80), int(RunsTableModel::FitTime)}) {
    const QString text = m->index(row, col).data().toString();
    QVERIFY2(text.contains(QRegularExpression("[0-9]")), qPrintable(QString::number(col)));
  }
  QVERIFY(m->index(row, RunsTableModel::Ap).data().toString().contains("±"));

  // Every chart has series with points.
  const QList<ChartView*> charts{w.prView()->chartView(), w.rocView()->chartView(),
                                 w.scoreView()->chartView(), w.historyView()->chartView(),
                                 w.significanceView()->chartView()};
  for (ChartView* c : charts) {
    QVERIFY2(!c->seriesKeys().isEmpty(), qPrintable(c->chart() ? c->axisTitleY() : QString()));
    int withPoints = 0;
    for (const QString& s : c->seriesKeys()) withPoints += c->plottedPoints(s).isEmpty() ? 0 : 1;
    QVERIFY2(withPoints > 0, qPrintable(c->axisTitleY()));
  }
  // The plotted AP is the run result's.
  QCOMPARE(w.plottedRuns().size(), 1);
  QCOMPARE(w.plottedRuns()[0].ap, outcome->ap.mean);
  const QString legend = w.prView()->chartView()->seriesLegend(PrCurveView::seriesKey(key));
  QVERIFY2(legend.contains(QString::number(outcome->ap.mean, 'f', 3)), qPrintable(legend));
  // The PR curve ends at recall 1 with precision = r, the chance line of the plot.
  const auto pr = w.prView()->chartView()->plottedPoints(PrCurveView::seriesKey(key));
  QVERIFY(pr.size() > 10);
  const auto chance = w.prView()->chartView()->plottedPoints("chance");
  QCOMPARE(chance.size(), 2);
  const auto y = *w.currentYields();
  QVERIFY(std::abs(chance[0].y() - y.ratioByWeight()) < 1e-9);
}

void TestMainWindow::cancelRun() {
  MainWindow w;
  w.show();
  QVERIFY(loadExample(w));
  configureSmallGbdt(w, 100000, 1);  // would take far longer than the test
  QSignalSpy finished(&w, &MainWindow::runFinished);
  QVERIFY(w.startTraining());
  const QString key = w.runKeys().last();
  QTRY_VERIFY_WITH_TIMEOUT(w.runsModel()->run(key)->status.startsWith("training"), 60000);
  w.cancelRun(key);
  QVERIFY(finished.wait(30000));
  QCOMPARE(finished[0][1].toString(), QString("cancelled"));
  QCOMPARE(w.activeRuns(), 0);
  QCOMPARE(w.runsModel()->run(key)->status, QString("cancelled"));
}

void TestMainWindow::closeDuringTrainingExitsQuickly() {
  auto* w = new MainWindow;
  w->show();
  QVERIFY(loadExample(*w));
  configureSmallGbdt(*w, 100000, 2);
  QVERIFY(w->startTraining());
  const QString key = w->runKeys().last();
  QTRY_VERIFY_WITH_TIMEOUT(w->runsModel()->run(key)->status.startsWith("training"), 60000);
  QElapsedTimer t;
  t.start();
  QVERIFY(w->close());
  delete w;
  const qint64 ms = t.elapsed();
  qInfo("close during training took %lld ms", ms);
  QVERIFY2(ms < 2000, qPrintable(QString("%1 ms").arg(ms)));
}

QTEST_MAIN(TestMainWindow)
#include "test_main_window.moc"
