// The analysis as a lasting object in the window (issue 9): a project saved and reopened shows
// exactly what it showed (runs table, every plot point by point, the heat map) without training;
// a CLI-trained project opens with everything shown; nothing is lost without a question; an
// autosave survives a killed process; a new analysis is built in the window alone; and the
// regressions of the old window (stale runs, a frozen 3-class open, a stale selection mask,
// mixed scans) stay fixed.

#include <QComboBox>
#include <QElapsedTimer>
#include <QJsonObject>
#include <QListWidget>
#include <QProcess>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>
#include <fstream>
#include <sstream>

#include "app/gui/export_actions.h"
#include "app/gui/loss_panel.h"
#include "app/gui/main_window.h"
#include "app/gui/model_panel.h"
#include "core/eval/run_evaluation.h"
#include "core/project/project.h"
#include "core/project/run_store.h"
#include "tests/app/gui/stall_ticker.h"
#include "tests/timing_bounds.h"
#include "widgets/alpha_gamma_heat_map.h"
#include "widgets/chart_view.h"
#include "widgets/cut_editor.h"
#include "widgets/feature_list.h"
#include "widgets/json_form.h"
#include "widgets/pr_curve_view.h"
#include "widgets/roc_curve_view.h"
#include "widgets/run_plot_data.h"
#include "widgets/runs_table_model.h"
#include "widgets/score_histogram_view.h"
#include "widgets/significance_view.h"
#include "widgets/training_history_view.h"
#include "widgets/yields_table.h"

using namespace imbw;

namespace {

QString sourceDir() {
  return qEnvironmentVariable("IMBW_SOURCE_DIR");
}
QString sharedDir() {
  return qEnvironmentVariable("IMBW_SHARED_DIR");
}
QString examplePath() {
  return sourceDir() + "/resources/examples/ww/ww.analysis.json";
}
QString binaryDir() {
  return qEnvironmentVariable("IMBW_BINARY_DIR");
}

std::string readFile(const QString& path) {
  std::ifstream in(path.toStdString(), std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void configureSmallGbdt(MainWindow& w, int trees) {
  w.modelPanel()->modelKindBox()->setCurrentText("gbdt");
  QJsonObject p = w.modelPanel()->modelForm()->values();
  p["trees"] = trees;
  p["max_depth"] = 3;
  p["checkpoint_every"] = 5;
  w.modelPanel()->modelForm()->setValues(p);
  w.modelPanel()->foldsBox()->setValue(3);
  w.modelPanel()->threadsBox()->setValue(1);
}

bool waitForYields(MainWindow& w, const std::function<void()>& start) {
  QSignalSpy yields(&w, &MainWindow::yieldsUpdated);
  start();
  return yields.wait(120000);
}

/// Everything the plots and tables show, as text, point by point.
struct Shown {
  QStringList rows;
  QMap<QString, QList<QPointF>> series;
  QList<double> heat;
  bool operator==(const Shown& o) const {
    return rows == o.rows && series == o.series && heat == o.heat;
  }
};

Shown whatIsShown(MainWindow& w) {
  Shown s;
  const RunsTableModel* m = w.runsModel();
  for (int r = 0; r < m->rowCount(); ++r) {
    QStringList cells;
    for (int c = 0; c < RunsTableModel::ColumnCount; ++c) {
      if (c == RunsTableModel::FitTime) continue;  // identical too, but skip the clock
      cells << m->index(r, c).data().toString()
            << m->index(r, c).data(Qt::CheckStateRole).toString();
    }
    s.rows << cells.join(" | ");
  }
  const QList<QWidget*> views{w.prView(), w.rocView(), w.scoreView(), w.historyView(),
                              w.significanceView()};
  for (QWidget* v : views) {
    w.plotTabs()->setCurrentWidget(v);  // a plot is drawn when its tab is shown
    ChartView* c = v->findChild<ChartView*>();
    for (const QString& key : c->seriesKeys())
      s.series[QString("%1/%2").arg(w.plotTabs()->indexOf(v)).arg(key)] = c->plottedPoints(key);
  }
  for (int a = 0; a < 4; ++a)
    for (int g = 0; g < 4; ++g) {
      const double v = w.heatMap()->value(a, g);  // NaN (empty cell) compares unequal to itself
      s.heat << (std::isnan(v) ? -1.0 : v);
    }
  return s;
}

QString describe(const Shown& a, const Shown& b) {
  if (a.rows != b.rows) return "rows:\n" + a.rows.join("\n") + "\nvs\n" + b.rows.join("\n");
  if (a.series.keys() != b.series.keys())
    return "series: " + a.series.keys().join(",") + " vs " + b.series.keys().join(",");
  for (const QString& k : a.series.keys())
    if (a.series[k] != b.series[k]) return "series " + k + " differs";
  return "heat map differs";
}

/// The example with three classes by the number of longitudinal W bosons (LL the signal).
QString writeThreeClassProject(const QTemporaryDir& dir) {
  imbw::Project p = imbw::Project::load(examplePath().toStdString());
  p.runs.clear();
  p.analysis.classes = {"TT", "LT", "LL"};
  p.analysis.signalClass = "LL";
  p.analysis.samples[0].labelColumn = "n_long";
  p.analysis.samples[0].labelMap = {{"0", "TT"}, {"1", "LT"}, {"2", "LL"}};
  const QString three = dir.filePath("three.json");
  p.save(three.toStdString());
  return three;
}

/// The ROC view's series, point by point.
QMap<QString, QList<QPointF>> rocSeries(MainWindow& w) {
  w.plotTabs()->setCurrentWidget(w.rocView());
  ChartView* c = w.rocView()->findChild<ChartView*>();
  QMap<QString, QList<QPointF>> out;
  for (const QString& key : c->seriesKeys()) out[key] = c->plottedPoints(key);
  return out;
}

/// "AUC 0.873", the AUC in the legend of run `id`'s ROC curve in the window.
QString aucInLegend(MainWindow& w, const QString& id) {
  ChartView* c = w.rocView()->findChild<ChartView*>();
  const QRegularExpression auc("AUC \\d\\.\\d+");
  for (const QString& key : c->seriesKeys())
    if (key.startsWith(id + "/"))
      if (const auto m = auc.match(c->seriesLegend(key)); m.hasMatch()) return m.captured(0);
  return {};
}

}  // namespace

class TestProjectSession : public QObject {
  Q_OBJECT
 private:
  QTemporaryDir m_home;

 private Q_SLOTS:
  void initTestCase() {
    // The window's settings and recovery files go to a folder of this test (also for the
    // child process of the crash test), named as the real program names them.
    QVERIFY(m_home.isValid());
    qputenv("XDG_DATA_HOME", (m_home.path() + "/data").toUtf8());
    qputenv("XDG_CONFIG_HOME", (m_home.path() + "/config").toUtf8());
    QCoreApplication::setOrganizationName("ImbalanceWorkbench");
    QCoreApplication::setApplicationName("imbalance-workbench");
    QVERIFY2(QFile::exists(sharedDir() + "/data/higgsml_atlas/higgsml_atlas_subset.h5"),
             qPrintable("../shared is missing: " + sharedDir()));
  }

  void roundTripShowsWhatWasSaved() {
    QTemporaryDir dir;
    const QString path = dir.filePath("ww.json");
    Shown before;
    QStringList ids;
    {
      MainWindow w;
      w.setUnsavedPrompt([](const QString&) { return MainWindow::UnsavedChoice::Discard; });
      w.resize(1400, 900);
      w.show();
      QVERIFY(waitForYields(w, [&] { w.openFile(examplePath()); }));
      configureSmallGbdt(w, 30);
      QSignalSpy finished(&w, &MainWindow::runFinished);
      QVERIFY2(w.startTraining(), qPrintable(w.trainingRefusal()));
      w.lossPanel()->lossKindBox()->setCurrentIndex(2);  // focal
      w.lossPanel()->alphaBox()->setValue(0.25);
      w.lossPanel()->gammaBox()->setValue(2.0);
      QVERIFY(w.startTraining());
      QVERIFY(w.startScan({0.25, 0.75}, {0.0, 2.0}));
      while (finished.size() < 6) QVERIFY(finished.wait(300000));
      for (const auto& f : finished) QCOMPARE(f[1].toString(), QString("done"));
      ids = w.runKeys();
      w.setShownRuns(ids.mid(12));  // the 6 trained runs, the example's 12 configured ones hidden
      QVERIFY(w.session()->isModified());
      QVERIFY(w.windowTitle().contains("[*]") && w.isWindowModified());
      QVERIFY(w.saveProject(path));
      QVERIFY(!w.isWindowModified());
      QVERIFY2(w.windowTitle().startsWith("ww.json"), qPrintable(w.windowTitle()));
      before = whatIsShown(w);
      QCOMPARE(before.series.size() > 20, true);
    }
    QVERIFY(QFile::exists(dir.filePath("ww.results.h5")));
    // Reopened in a new window: the same table, the same points, the same heat map, and no
    // training job starts.
    MainWindow w;
    w.resize(1400, 900);
    w.show();
    QSignalSpy evaluated(&w, &MainWindow::storedRunsEvaluated);
    w.openFile(path);
    QVERIFY(evaluated.wait(60000));
    QCOMPARE(w.activeRuns(), 0);
    QCOMPARE(w.runKeys(), ids);
    const Shown after = whatIsShown(w);
    QVERIFY2(after == before, qPrintable(describe(before, after)));
    QVERIFY(!w.session()->isModified());
    // Saving the reopened project again writes the same bytes.
    const std::string first = readFile(path);
    QVERIFY(w.saveProject(path));
    QCOMPARE(readFile(path), first);
  }

  void cliTrainedProjectOpensWithEverything() {
    QTemporaryDir dir;
    imbw::Project p = imbw::Project::load(examplePath().toStdString());
    p.runs.clear();
    imbw::RunConfig logistic;
    logistic.name = "logistic";
    logistic.model = {{"kind", "logistic"}, {"max_iterations", 20}};
    logistic.folds = 3;
    p.addRun(logistic, p.analysis.cut);
    imbw::RunConfig gbdt;
    gbdt.name = "gbdt";
    gbdt.model = {{"kind", "gbdt"}, {"trees", 20}};
    gbdt.folds = 3;
    p.addRun(gbdt, p.analysis.cut);
    const QString path = dir.filePath("cli.json");
    p.save(path.toStdString());
    QProcess cli;
    cli.start(binaryDir() + "/app/cli/imbalance-cli", {"run", path, "--save", "--quiet"});
    QVERIFY(cli.waitForFinished(300000));
    QVERIFY2(cli.exitCode() == 0, cli.readAllStandardError().constData());
    const imbw::Project trained = imbw::Project::load(path.toStdString());

    MainWindow w;
    w.show();
    QSignalSpy evaluated(&w, &MainWindow::storedRunsEvaluated);
    w.openFile(path);
    QVERIFY(evaluated.wait(60000));
    QCOMPARE(w.activeRuns(), 0);
    QCOMPARE(w.plottedRuns().size(), 2);
    for (const RunPlotData& d : w.plottedRuns()) {
      const ProjectRun* r = trained.findRun(d.key.toStdString());
      QVERIFY(r && r->status == RunStatus::Done);
      QCOMPARE(d.ap, r->aggregate.at("ap").mean);  // the legend shows the CLI's numbers
      QVERIFY(d.pr.size() > 10 && d.roc.size() > 10 && !d.histograms.isEmpty());
      QVERIFY(!d.significance.asimov.isEmpty());
      QCOMPARE(w.runsModel()->run(d.key)->status, QString("done"));
      QVERIFY(w.runsModel()->run(d.key)->ap.mean == r->aggregate.at("ap").mean);
    }
  }

  void promptsBeforeWorkIsLost() {
    QStringList asked;
    MainWindow::UnsavedChoice answer = MainWindow::UnsavedChoice::Cancel;
    MainWindow w;
    w.setUnsavedPrompt([&](const QString& q) {
      asked << q;
      return answer;
    });
    w.show();
    QVERIFY(waitForYields(w, [&] { w.openFile(examplePath()); }));
    QVERIFY(!w.session()->isModified());
    QVERIFY(w.newProject());  // nothing to lose: no question
    QCOMPARE(asked.size(), 0);
    QVERIFY(waitForYields(w, [&] { w.openFile(examplePath()); }));
    QVERIFY(waitForYields(w, [&] { w.cutEditor()->setText("mjj > 300"); }));
    QVERIFY(w.session()->isModified());
    // Cancel keeps everything: New, Close, Open, Quit.
    QVERIFY(!w.newProject());
    QVERIFY(!w.closeProject());
    w.openFile(examplePath());
    QVERIFY(!w.close());
    QCOMPARE(asked.size(), 4);
    QCOMPARE(w.session()->project().analysis.cut, std::string("mjj > 300"));
    // During training the question says the runs will be cancelled.
    configureSmallGbdt(w, 100000);
    QVERIFY2(w.startTraining(), qPrintable(w.trainingRefusal()));
    QVERIFY(!w.newProject());
    QVERIFY2(asked.last().contains("cancelled"), qPrintable(asked.last()));
    QCOMPARE(w.activeRuns(), 1);
    // Discard: the runs are cancelled and the new project is empty.
    answer = MainWindow::UnsavedChoice::Discard;
    QSignalSpy finished(&w, &MainWindow::runFinished);
    QVERIFY(w.newProject());
    QTRY_COMPARE_WITH_TIMEOUT(w.activeRuns(), 0, 10000);
    QVERIFY(w.session()->project().runs.empty());
    QCOMPARE(w.runsModel()->rowCount(), 0);
    // Save: into a folder that does not exist fails, and the window keeps the work.
    QVERIFY(!w.saveProject("/nonexistent-folder/x.json"));
  }

  void recoversAfterACrash() {
    QTemporaryDir dir;
    const QString h5 = sharedDir() + "/data/ww_polarization/ww_polarization_01.h5";
    // The real program on an HDF5 file: a new, unsaved project; autosave every 300 ms.
    QProcess app;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("QT_QPA_PLATFORM", "offscreen");
    env.insert("IMBW_AUTOSAVE_MS", "300");
    app.setProcessEnvironment(env);
    app.start(binaryDir() + "/app/gui/imbalance-workbench", {h5});
    QVERIFY(app.waitForStarted());
    const QString recovery =
        QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + "/recovery";
    QTRY_VERIFY_WITH_TIMEOUT(!QDir(recovery).entryList({"*.json"}, QDir::Files).isEmpty(), 30000);
    app.kill();  // a crash: no chance to clean up
    app.waitForFinished();
    QStringList asked;
    MainWindow w;
    w.setUnsavedPrompt([&](const QString& q) {
      asked << q;
      return MainWindow::UnsavedChoice::Save;  // "recover"
    });
    w.show();
    QTRY_VERIFY_WITH_TIMEOUT(w.session()->hasProject(), 10000);
    QVERIFY(asked.size() == 1 && asked[0].contains("did not close normally"));
    const Analysis& a = w.session()->project().analysis;
    QCOMPARE(a.samples.size(), std::size_t{1});
    QCOMPARE(QFileInfo(QString::fromStdString(a.resolvedPath(a.samples[0]))).canonicalFilePath(),
             QFileInfo(h5).canonicalFilePath());
    QVERIFY(w.session()->isModified());  // recovered work is unsaved work
    QTRY_VERIFY_WITH_TIMEOUT(w.isLoaded(), 30000);
    QVERIFY(QDir(recovery).entryList({"*.json"}, QDir::Files).isEmpty());
  }

  void higgsProjectBuiltInTheWindow() {
    QTemporaryDir dir;
    const QString h5 = sharedDir() + "/data/higgsml_atlas/higgsml_atlas_subset.h5";
    MainWindow w;
    w.setUnsavedPrompt([](const QString&) { return MainWindow::UnsavedChoice::Discard; });
    w.show();
    QSignalSpy loaded(&w, &MainWindow::analysisLoaded);
    w.openFile(h5);  // an HDF5 file starts a new project with it as its sample
    QVERIFY(loaded.wait(60000));
    QCOMPARE(w.session()->project().analysis.samples.size(), std::size_t{1});
    // Class from the string label column: s → signal, b → background; the weight column.
    w.classSourceBox()->setCurrentIndex(
        w.classSourceBox()->findData(int(ClassSource::LabelColumn)));
    w.labelColumnBox()->setCurrentText("Label");
    QSignalSpy listed(&w, &MainWindow::labelValuesListed);
    Q_EMIT w.labelColumnBox()->activated(w.labelColumnBox()->currentIndex());
    QVERIFY(listed.wait(30000));
    QTableWidget* map = w.labelMapTable();
    QCOMPARE(map->rowCount(), 2);
    for (int r = 0; r < map->rowCount(); ++r) {
      auto* combo = qobject_cast<QComboBox*>(map->cellWidget(r, 1));
      combo->setCurrentIndex(
          combo->findData(map->item(r, 0)->text() == "s" ? "signal" : "background"));
      QCOMPARE(map->item(r, 2)->text(), QString("4999"));
    }
    w.weightEditor()->setText("Weight");
    QVERIFY(w.weightEditor()->isValid());
    QVERIFY(waitForYields(w, [&] { w.applySamplesButton()->click(); }));
    QVERIFY(
        waitForYields(w, [&] { w.cutEditor()->setText("DER_mass_MMC > 0 && PRI_jet_num >= 1"); }));
    for (const char* f : {"DER_mass_MMC", "DER_mass_vis", "DER_pt_h", "PRI_tau_pt", "PRI_lep_pt"})
      w.featureList()->setChecked(f, true);
    w.modelPanel()->modelKindBox()->setCurrentText("logistic");
    w.modelPanel()->foldsBox()->setValue(3);
    QSignalSpy finished(&w, &MainWindow::runFinished);
    QVERIFY2(w.startTraining(), qPrintable(w.trainingRefusal()));
    QVERIFY(finished.wait(120000));
    QCOMPARE(finished[0][1].toString(), QString("done"));
    const QString path = dir.filePath("higgs.json");
    QVERIFY(w.saveProject(path));

    // The CLI computes the same yields from the saved project.
    QProcess cli;
    cli.start(binaryDir() + "/app/cli/imbalance-cli", {"yields", path});
    QVERIFY(cli.waitForFinished(60000));
    QVERIFY2(cli.exitCode() == 0, cli.readAllStandardError().constData());
    const QString out = QString::fromUtf8(cli.readAllStandardOutput());
    const Yields y = *w.currentYields();
    for (const auto& c : y.perClass) {
      const QRegularExpression row(
          QString("%1\\s+.*\\b%2\\b").arg(QString::fromStdString(c.className)).arg(c.events));
      QVERIFY2(out.contains(row), qPrintable(QString("%1 %2 in:\n%3")
                                                 .arg(QString::fromStdString(c.className))
                                                 .arg(c.events)
                                                 .arg(out)));
    }
    // Reopened: the run's features and cut are the ones it was trained with.
    const imbw::Project p = imbw::Project::load(path.toStdString());
    QCOMPARE(p.runs.size(), std::size_t{1});
    QCOMPARE(p.runs[0].cut, std::string("DER_mass_MMC > 0 && PRI_jet_num >= 1"));
    QCOMPARE(p.runs[0].config.features.size(), std::size_t{5});
    QCOMPARE(p.analysis.samples[0].weight, std::string("Weight"));
  }

  void threeClassesAfterTwoDoNotStall() {
    QTemporaryDir dir;
    const QString three = writeThreeClassProject(dir);
    MainWindow w;
    w.setUnsavedPrompt([](const QString&) { return MainWindow::UnsavedChoice::Discard; });
    w.show();
    QVERIFY(waitForYields(w, [&] { w.openFile(examplePath()); }));
    w.featureList()->setCurrentFeature("mjj");
    gui_test::StallTicker ticker;
    ticker.start();
    QVERIFY(waitForYields(w, [&] { w.openFile(three); }));
    QTest::qWait(300);  // the feature distribution of the new table
    ticker.stop();
    const qint64 maxGap = ticker.maxGap();
    qInfo("largest event-loop gap opening a 3-class analysis: %s", qPrintable(ticker.describe()));
    IMBW_VERIFY_LATENCY(maxGap < imbw::test::kEventLoopGapBoundMs, qPrintable(ticker.describe()));
    QCOMPARE(w.currentYields()->perClass.size(), std::size_t{3});
    QCOMPARE(w.yieldsTable()->rowCount(), 5);  // 3 classes, total, ratio
    QVERIFY(w.runKeys().isEmpty());            // the first analysis's runs are gone
  }

  // Three classes: the curves of any class against the rest, chosen above the plots, from the
  // stored class probabilities, also after the project is saved and reopened.
  void threeClassCurvesForAChosenClass() {
    QTemporaryDir dir;
    const QString three = writeThreeClassProject(dir);
    QString id;
    QMap<QString, QList<QPointF>> signalCurves, ltCurves;
    {
      MainWindow w;
      w.setUnsavedPrompt([](const QString&) { return MainWindow::UnsavedChoice::Discard; });
      w.show();
      QVERIFY(waitForYields(w, [&] { w.openFile(three); }));
      QVERIFY(w.curveClassBox()->isVisibleTo(&w));
      QCOMPARE(w.curveClassBox()->count(), 3);
      QCOMPARE(w.curveClassBox()->currentText(), QString("LL vs rest"));
      configureSmallGbdt(w, 15);
      QSignalSpy finished(&w, &MainWindow::runFinished);
      QVERIFY(w.startTraining());
      QVERIFY(finished.wait(300000));
      id = w.runKeys().first();
      w.setShownRuns({id});
      signalCurves = rocSeries(w);
      const auto stored = w.session()->stored(id.toStdString());
      QVERIFY(stored && stored->probabilityClasses() == 3);

      QSignalSpy evaluated(&w, &MainWindow::storedRunsEvaluated);
      w.curveClassBox()->setCurrentIndex(1);  // LT vs rest
      QVERIFY(evaluated.wait(60000));
      ltCurves = rocSeries(w);
      QVERIFY(ltCurves != signalCurves);
      // The drawn curve is LT's one-vs-rest ROC from its stored probabilities.
      imbw::RunEvaluationOptions opt;
      opt.signalClass = 1;
      opt.numClasses = 3;
      opt.curvePoints = 300;
      const auto e = imbw::evaluateRun(stored->heldOut(1), stored->training(1), opt);
      QList<QPointF> expected;
      for (std::size_t i = 0; i < e.roc.size(); ++i)
        expected << QPointF(e.roc.fpr[i], e.roc.tpr[i]);
      bool found = false;
      for (const auto& points : ltCurves) found = found || points == expected;
      QVERIFY2(found, "no ROC series equals LT's one-vs-rest curve");
      QVERIFY(w.saveProject(dir.filePath("three-trained.json")));
    }
    MainWindow w;
    w.setUnsavedPrompt([](const QString&) { return MainWindow::UnsavedChoice::Discard; });
    w.show();
    QSignalSpy evaluated(&w, &MainWindow::storedRunsEvaluated);
    w.openFile(dir.filePath("three-trained.json"));
    QVERIFY(evaluated.wait(120000));
    w.setShownRuns({id});
    QCOMPARE(rocSeries(w), signalCurves);
    const QString signalAuc = aucInLegend(w, id);
    w.curveClassBox()->setCurrentIndex(1);
    QVERIFY(evaluated.wait(60000));
    QCOMPARE(rocSeries(w), ltCurves);
    QCOMPARE(w.activeRuns(), 0);

    // File ▸ Export ▸ All plots draws the chosen class's curves too (LT's AUC in the legend).
    const QString ltAuc = aucInLegend(w, id);
    QVERIFY2(!ltAuc.isEmpty() && ltAuc != signalAuc, qPrintable(ltAuc + " / " + signalAuc));
    auto* exports = w.findChild<ExportActions*>();
    QVERIFY(exports);
    QSignalSpy done(exports, &ExportActions::allPlotsDone);
    PlotFileOptions options;
    options.formats = {"svg"};
    QString error;
    QVERIFY2(exports->exportAllPlots(dir.filePath("plots"), options, &error), qPrintable(error));
    QVERIFY(done.wait(120000));
    QVERIFY2(done[0][1].toString().isEmpty(), qPrintable(done[0][1].toString()));
    QFile roc(dir.filePath("plots/roc.svg"));
    QVERIFY(roc.open(QIODevice::ReadOnly));
    const QString svg = QString::fromUtf8(roc.readAll());
    QVERIFY2(svg.contains(ltAuc), qPrintable(ltAuc));
    QVERIFY2(!svg.contains(signalAuc), qPrintable(signalAuc));
  }

  // Configured runs that never trained take no colour; a trained run takes the palette's first
  // one, and no two runs that draw share a colour.
  void coloursGoToRunsThatDraw() {
    MainWindow w;
    w.setUnsavedPrompt([](const QString&) { return MainWindow::UnsavedChoice::Discard; });
    w.show();
    QVERIFY(waitForYields(w, [&] { w.openFile(examplePath()); }));
    const RunsTableModel* m = w.runsModel();
    QVERIFY(m->rowCount() >= 10);
    for (int r = 0; r < m->rowCount(); ++r)  // no swatch (not even a black one)
      QVERIFY(!m->index(r, RunsTableModel::Name).data(Qt::DecorationRole).isValid());
    configureSmallGbdt(w, 10);
    QSignalSpy finished(&w, &MainWindow::runFinished);
    QVERIFY(w.startTraining());
    QVERIFY(w.startTraining());
    while (finished.size() < 2) QVERIFY(finished.wait(300000));
    QList<QColor> colours;
    for (int r = 0; r < m->rowCount(); ++r) {
      const QColor c = m->index(r, RunsTableModel::Name).data(Qt::DecorationRole).value<QColor>();
      if (c.isValid()) colours << c;
    }
    QCOMPARE(colours.size(), 2);
    QVERIFY(colours.contains(runColor(0)) && colours.contains(runColor(1)));
  }

  // The Model panel's input transform and calibration become the run's; the fold models keep
  // them (the sidecar's pipelines) and the run reports the Brier score before and after.
  void transformAndCalibrationFromTheWindow() {
    MainWindow w;
    w.setUnsavedPrompt([](const QString&) { return MainWindow::UnsavedChoice::Discard; });
    w.show();
    QVERIFY(waitForYields(w, [&] { w.openFile(examplePath()); }));
    configureSmallGbdt(w, 10);
    w.modelPanel()->transformBox()->setCurrentIndex(
        w.modelPanel()->transformBox()->findText("gaussianize"));
    w.modelPanel()->calibrationBox()->setCurrentIndex(
        w.modelPanel()->calibrationBox()->findText("platt"));
    QSignalSpy finished(&w, &MainWindow::runFinished);
    QVERIFY2(w.startTraining(), qPrintable(w.trainingRefusal()));
    QVERIFY(finished.wait(300000));
    const QString id = finished.first().first().toString();
    const ProjectRun* r = w.session()->project().findRun(id.toStdString());
    QVERIFY(r && r->status == RunStatus::Done);
    QVERIFY(r->config.transform.kind == InputTransformConfig::Kind::Gaussianize);
    QVERIFY(r->config.calibration.kind == CalibrationConfig::Kind::Platt);
    QVERIFY(r->aggregate.count("brier") && r->aggregate.count("brier_raw"));
    const auto stored = w.session()->stored(id.toStdString());
    QVERIFY(stored && stored->modelPipelines.size() == 3);
    QVERIFY(stored->modelPipelines[0].find("gaussianize") != std::string::npos);
  }

  void twoScansKeepTheirGrids() {
    MainWindow w;
    w.setUnsavedPrompt([](const QString&) { return MainWindow::UnsavedChoice::Discard; });
    w.show();
    QVERIFY(waitForYields(w, [&] { w.openFile(examplePath()); }));
    configureSmallGbdt(w, 10);
    QSignalSpy finished(&w, &MainWindow::runFinished);
    QVERIFY(w.startScan({0.25, 0.5}, {1.0}));
    QVERIFY(w.startScan({0.75}, {0.0, 2.0, 3.0}));
    while (finished.size() < 5) QVERIFY(finished.wait(300000));
    const auto& scans = w.session()->project().scans;
    QCOMPARE(scans.size(), std::size_t{2});
    // The heat map shows the chosen scan only, with its own grid and values.
    w.scanBox()->setCurrentIndex(0);
    Q_EMIT w.scanBox()->activated(0);
    QCOMPARE(w.heatMap()->alphas(), (QList<double>{0.25, 0.5}));
    QCOMPARE(w.heatMap()->gammas(), (QList<double>{1.0}));
    for (int a = 0; a < 2; ++a) {
      const QString id = w.heatMap()->runKey(a, 0);
      const ProjectRun* r = w.session()->project().findRun(id.toStdString());
      QVERIFY(r && r->scan && r->scan->scanId == scans[0].id);
      QCOMPARE(w.heatMap()->value(a, 0), r->aggregate.at("ap").mean);
    }
    w.scanBox()->setCurrentIndex(1);
    Q_EMIT w.scanBox()->activated(1);
    QCOMPARE(w.heatMap()->gammas(), (QList<double>{0.0, 2.0, 3.0}));
    QCOMPARE(w.heatMap()->runKey(0, 2).isEmpty(), false);
  }

  void reloadToALargerTableKeepsTheMaskInStep() {
    MainWindow w;
    w.setUnsavedPrompt([](const QString&) { return MainWindow::UnsavedChoice::Discard; });
    w.show();
    QVERIFY(waitForYields(w, [&] { w.openFile(examplePath()); }));
    w.featureList()->setCurrentFeature("mjj");
    const std::size_t before = w.loadedTable().size();
    // A second sample doubles the table; the feature view asks for its distribution at once,
    // while the old selection still exists: the mask must never meet the new table.
    QSignalSpy yields(&w, &MainWindow::yieldsUpdated);
    QMetaObject::invokeMethod(
        &w, [&] { w.featureList()->setCurrentFeature("deta_jj"); }, Qt::QueuedConnection);
    Sample second = w.session()->project().analysis.samples[0];
    second.name = "copy";
    w.session()->project().analysis.samples.push_back(second);
    w.applySamplesButton()->click();
    w.featureList()->setCurrentFeature("mjj");
    QVERIFY(yields.wait(60000));
    QCOMPARE(w.loadedTable().size(), 2 * before);
    QCOMPARE(w.session()->selection()->keep->size(), w.loadedTable().size());
    QTest::qWait(300);
  }
};

QTEST_MAIN(TestProjectSession)
#include "test_project_session.moc"
