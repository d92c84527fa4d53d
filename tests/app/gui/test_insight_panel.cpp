// The window's "Inputs and outputs" tab (issue 13): on a project trained by the CLI, every view
// shows the numbers the CLI's own commands print for the same run (importance, correlations,
// calibration, working-point, imbalance-scan: an independent path that trains the run again
// from the analysis file), "train again without the bottom k features" adds and trains the
// reduced run, and the event loop never stalls while the views compute.

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QListWidget>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>

#include "app/gui/class_subsample_box.h"
#include "app/gui/insight_panel.h"
#include "app/gui/main_window.h"
#include "core/project/project.h"
#include "core/project/run_store.h"
#include "tests/timing_bounds.h"
#include "widgets/chart_view.h"
#include "widgets/correlation_heat_map.h"
#include "widgets/error_bar_chart.h"
#include "widgets/importance_chart.h"

using namespace imbw;

namespace {

QString sourceDir() {
  return qEnvironmentVariable("IMBW_SOURCE_DIR");
}
QString binaryDir() {
  return qEnvironmentVariable("IMBW_BINARY_DIR");
}

/// Runs the CLI; its standard output, or a failure naming the command.
QString cli(const QStringList& args, bool* ok) {
  QProcess p;
  p.start(binaryDir() + "/app/cli/imbalance-cli", args);
  *ok = p.waitForFinished(600000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
  if (!*ok)
    qWarning("imbalance-cli %s failed: %s", qPrintable(args.join(' ')),
             p.readAllStandardError().constData());
  return QString::fromUtf8(p.readAllStandardOutput());
}

QJsonObject readJson(const QString& path) {
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly)) return {};
  return QJsonDocument::fromJson(f.readAll()).object();
}

bool near(double a, double b, double tol) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return std::abs(a - b) <= tol * std::max(1.0, std::abs(b));
}

/// The largest gap between 5 ms ticks while `wait` runs.
struct StallMeter {
  QElapsedTimer clock;
  qint64 last = 0, maxGap = 0;
  QTimer ticker;
  StallMeter() {
    ticker.setInterval(5);
    QObject::connect(&ticker, &QTimer::timeout, [this] {
      const qint64 now = clock.elapsed();
      maxGap = std::max(maxGap, now - last);
      last = now;
    });
    clock.start();
    ticker.start();
  }
};

}  // namespace

class TestInsightPanel : public QObject {
  Q_OBJECT
 private:
  QTemporaryDir m_home;
  QTemporaryDir m_dir;
  QString m_project;
  std::unique_ptr<MainWindow> m_window;
  InsightPanel* m_panel = nullptr;
  QString m_runId;
  qint64 m_maxGap = 0;  ///< the largest event-loop gap while the window computed

  /// Starts `start` and waits for the panel's computed(view); false on failed().
  bool compute(const QString& view, const std::function<void()>& start) {
    QSignalSpy done(m_panel, &InsightPanel::computed);
    QSignalSpy failed(m_panel, &InsightPanel::failed);
    // Only while the window works: the CLI runs below block this test's thread on purpose.
    StallMeter meter;
    start();
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < 600000) {
      for (const auto& args : done)
        if (args[0].toString() == view) {
          QTest::qWait(30);  // one more tick measures the drawing of the result
          m_maxGap = std::max(m_maxGap, meter.maxGap);
          qInfo("%s: largest event-loop gap %lld ms", qPrintable(view), meter.maxGap);
          return true;
        }
      for (const auto& args : failed)
        if (args[0].toString() == view) {
          qWarning("%s failed: %s", qPrintable(view), qPrintable(args[1].toString()));
          return false;
        }
      QTest::qWait(20);
    }
    return false;
  }

  void screenshot(const QString& name) {
    const QString dir = qEnvironmentVariable("IMBW_SCREENSHOT_DIR");
    if (dir.isEmpty()) return;
    QTest::qWait(50);
    m_window->grab().save(dir + "/" + name + ".png");
  }

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(m_home.isValid() && m_dir.isValid());
    qputenv("XDG_DATA_HOME", (m_home.path() + "/data").toUtf8());
    qputenv("XDG_CONFIG_HOME", (m_home.path() + "/config").toUtf8());
    QCoreApplication::setOrganizationName("ImbalanceWorkbench");
    QCoreApplication::setApplicationName("imbalance-workbench");
    // The example with one small boosted-tree run, trained and saved by the CLI.
    imbw::Project p = imbw::Project::load(
        (sourceDir() + "/resources/examples/ww/ww.analysis.json").toStdString());
    p.runs.clear();
    imbw::RunConfig gbdt;
    gbdt.name = "gbdt";
    gbdt.model = {{"kind", "gbdt"}, {"trees", 30}, {"max_depth", 3}};
    gbdt.folds = 3;
    gbdt.threads = 1;
    m_runId = QString::fromStdString(p.addRun(gbdt, p.analysis.cut).id);
    m_project = m_dir.filePath("insight.json");
    p.save(m_project.toStdString());
    bool ok = false;
    cli({"run", m_project, "--save", "--quiet"}, &ok);
    QVERIFY(ok);

    m_window = std::make_unique<MainWindow>();
    m_window->resize(1366, 768);
    m_window->show();
    QSignalSpy evaluated(m_window.get(), &MainWindow::storedRunsEvaluated);
    m_window->openFile(m_project);
    QVERIFY(evaluated.wait(120000));
    QTRY_VERIFY_WITH_TIMEOUT(
        m_window->session()->selection() &&
            m_window->session()->selection()->data == m_window->session()->loaded(),
        60000);
    m_panel = m_window->findChild<InsightPanel*>();
    QVERIFY(m_panel);
    m_window->plotTabs()->setCurrentWidget(m_panel);
    QVERIFY(m_panel->setRun(m_runId));
  }

  void cleanupTestCase() {
    m_window.reset();
    qInfo("largest event-loop gap while the views computed: %lld ms", m_maxGap);
    QVERIFY2(m_maxGap < imbw::test::kEventLoopGapBoundMs,
             qPrintable(QString("event loop stalled %1 ms").arg(m_maxGap)));
  }

  void importanceEqualsTheCli() {
    m_panel->tabs()->setCurrentIndex(0);
    m_panel->repeatsBox()->setValue(3);
    QVERIFY(compute("importance", [this] { m_panel->computeImportance(); }));
    bool ok = false;
    const QString out = m_dir.filePath("importance.json");
    cli({"importance", m_project, "--run", "1", "--repeats", "3", "--out", out, "--quiet"}, &ok);
    QVERIFY(ok);
    const QJsonObject j = readJson(out);
    const RunImportance& r = *m_panel->importance();
    const QJsonArray names = j["features"].toArray();
    QCOMPARE(static_cast<qsizetype>(r.permutation.features.size()), names.size());
    QVERIFY(r.hasTrees);
    for (qsizetype f = 0; f < names.size(); ++f) {
      const auto k = static_cast<std::size_t>(f);
      QCOMPARE(QString::fromStdString(r.permutation.features[k]), names[f].toString());
      QVERIFY2(near(r.permutation.mean[k], j["permutation"]["mean"][f].toDouble(), 1e-9),
               qPrintable(names[f].toString()));
      QVERIFY(near(r.permutation.std[k], j["permutation"]["std"][f].toDouble(), 1e-9));
      QVERIFY(near(r.trees.totalGain[k], j["trees"]["total_gain"][f].toDouble(), 1e-6));
      QCOMPARE(r.trees.splitCount[k], j["trees"]["split_count"][f].toDouble());
    }
    // The chart shows those numbers, largest drop on top.
    const auto& bars = m_panel->permutationChart()->bars();
    QCOMPARE(bars.size(), names.size());
    const std::size_t top = r.permutation.ranking().front();
    QCOMPARE(bars.front().feature, QString::fromStdString(r.permutation.features[top]));
    QCOMPARE(bars.front().value, r.permutation.mean[top]);
    QCOMPARE(bars.front().error, r.permutation.std[top]);
    QCOMPARE(m_panel->gainChart()->bars().size(), names.size());
    screenshot("insight_importance");
  }

  void correlationsEqualTheCli() {
    m_panel->tabs()->setCurrentIndex(1);
    m_panel->withScoreBox()->setChecked(true);
    QVERIFY(compute("correlations", [this] { m_panel->computeCorrelations(); }));
    bool ok = false;
    const QString out = m_dir.filePath("correlations.json");
    cli({"correlations", m_project, "--run", "1", "--out", out, "--quiet"}, &ok);
    QVERIFY(ok);
    const QJsonArray matrices = readJson(out)["matrices"].toArray();
    const CorrelationView& v = *m_panel->correlations();
    QCOMPARE(matrices.size(), 2);  // the CLI's per-class matrices
    for (qsizetype c = 0; c < matrices.size(); ++c) {
      const QJsonObject m = matrices[c].toObject();
      const auto k = static_cast<std::size_t>(c);
      QCOMPARE(QString::fromStdString(v.titles[k]), m["selection"].toString());
      QCOMPARE(static_cast<qint64>(v.matrices[k].events), m["events"].toInteger());
      const QJsonArray rho = m["rho"].toArray();
      QCOMPARE(static_cast<qsizetype>(v.matrices[k].names.size()), rho.size());
      QCOMPARE(v.matrices[k].names.back(), std::string("score"));
      for (qsizetype a = 0; a < rho.size(); ++a)
        for (qsizetype b = 0; b < rho.size(); ++b)
          QVERIFY2(near(v.matrices[k].rho[std::size_t(a)][std::size_t(b)],
                        rho[a].toArray()[b].toDouble(), 1e-9),
                   qPrintable(QString("%1 [%2][%3]").arg(m["selection"].toString()).arg(a).arg(b)));
      QCOMPARE(static_cast<qsizetype>(v.pairs[k].size()), m["pairs"].toArray().size());
    }
    // The heat map shows the chosen class's matrix.
    m_panel->correlationSelectionBox()->setCurrentIndex(1);
    QCOMPARE(m_panel->heatMap()->value(0, 1), v.matrices[1].rho[0][1]);
    QCOMPARE(m_panel->heatMap()->names().size(), rho0Size(v));
    screenshot("insight_correlations");
  }

  void calibrationEqualsTheCli() {
    m_panel->tabs()->setCurrentIndex(2);
    QVERIFY(compute("calibration", [this] { m_panel->computeCalibration(); }));
    bool ok = false;
    const QString out = m_dir.filePath("calibration.json");
    const QString text =
        cli({"calibration", m_project, "--run", "1", "--out", out, "--quiet"}, &ok);
    QVERIFY(ok);
    const QJsonObject rel = readJson(out)["reliability"].toObject();
    const CalibrationView& v = *m_panel->calibration();
    const FoldedCalibrationCurve& c = v.curves.front().curve;
    QCOMPARE(static_cast<qsizetype>(c.binLow.size()), rel["bin_low"].toArray().size());
    for (std::size_t b = 0; b < c.binLow.size(); ++b) {
      const auto i = static_cast<qsizetype>(b);
      QVERIFY(near(c.meanPredicted[b], rel["mean_predicted"][i].toDouble(), 1e-9));
      QVERIFY(near(c.observedFraction[b], rel["observed_fraction"][i].toDouble(), 1e-9));
      QCOMPARE(c.folds[b], rel["folds"][i].toInt());
    }
    // The CLI prints the Brier score and log loss rounded to 4 decimals.
    const QRegularExpression brier(R"(Brier score\s+([0-9.]+) ± ([0-9.]+))");
    const auto m = brier.match(text);
    QVERIFY2(m.hasMatch(), qPrintable(text));
    QCOMPARE(QString::number(v.curves.front().brier.mean, 'f', 4), m.captured(1));
    QCOMPARE(QString::number(v.curves.front().brier.std, 'f', 4), m.captured(2));
    const auto l = QRegularExpression(R"(log loss\s+([0-9.]+) ± ([0-9.]+))").match(text);
    QVERIFY(l.hasMatch());
    QCOMPARE(QString::number(v.curves.front().logLoss.mean, 'f', 4), l.captured(1));
    // An unweighted GBDT: no prior correction applies; Platt and isotonic are shown.
    QCOMPARE(v.curves.size(), std::size_t{3});
    // Isotonic regression fitted on the other folds leaves the mean score near the fold's
    // signal fraction (it is the fraction on the fitting events, which are stratified alike).
    QVERIFY(std::abs(v.curves[2].meanScore.mean - v.signalFraction.mean) < 0.01);
    QCOMPARE(m_panel->reliabilityChart()->curves().size(), 3);
    QCOMPARE(m_panel->calibrationTable()->rowCount(), 4);
    screenshot("insight_calibration");
  }

  void workingPointEqualsTheCli() {
    m_panel->tabs()->setCurrentIndex(3);
    m_panel->criterionBox()->setCurrentIndex(m_panel->criterionBox()->findData("eff_s"));
    m_panel->targetBox()->setValue(0.5);
    m_panel->luminosityBox()->setValue(2.0);
    QVERIFY(compute("working point", [this] { m_panel->computeWorkingPoint(); }));
    bool ok = false;
    const QString out = m_dir.filePath("wp.json");
    cli({"working-point", m_project, "--run", "1", "--eff-s", "0.5", "--luminosity", "2", "--out",
         out, "--quiet"},
        &ok);
    QVERIFY(ok);
    const QJsonObject j = readJson(out);
    const FoldedWorkingPoint& p = *m_panel->workingPoint();
    const QJsonArray folds = j["folds"].toArray();
    QCOMPARE(static_cast<qsizetype>(p.perFold.size()), folds.size());
    auto same = [](const ChosenWorkingPoint& a, const QJsonObject& b) {
      return near(a.cut, b["cut"].toDouble(), 1e-9) &&
             near(a.signalEfficiency, b["eff_s"].toDouble(), 1e-9) &&
             near(a.backgroundEfficiency, b["eff_b"].toDouble(), 1e-9) &&
             near(a.purity, b["purity"].toDouble(), 1e-9) && near(a.s, b["s"].toDouble(), 1e-9) &&
             near(a.b, b["b"].toDouble(), 1e-9) && near(a.significance, b["z"].toDouble(), 1e-9);
    };
    for (qsizetype k = 0; k < folds.size(); ++k)
      QVERIFY(same(p.perFold[std::size_t(k)], folds[k].toObject()));
    QVERIFY(same(p.mean, j["mean"].toObject()));
    QVERIFY(same(p.std, j["std"].toObject()));
    // The table's last row is the mean ± std.
    QTableWidget* t = m_panel->workingPointTable();
    QCOMPARE(t->rowCount(), static_cast<int>(folds.size()) + 1);
    QVERIFY(t->item(t->rowCount() - 1, 2)
                ->text()
                .startsWith(QString::number(p.mean.signalEfficiency, 'f', 4)));
    screenshot("insight_working_point");
  }

  void scanEqualsTheCli() {
    m_panel->tabs()->setCurrentIndex(4);
    m_panel->scanRsEdit()->setText("0.2, 0.05");
    QVERIFY(compute("scan", [this] { m_panel->startScan(); }));
    bool ok = false;
    const QString text =
        cli({"imbalance-scan", m_project, "--run", "1", "--r", "0.2,0.05", "--quiet"}, &ok);
    QVERIFY(ok);
    const auto& scan = m_panel->scan();
    QCOMPARE(scan.size(), std::size_t{2});
    // The CLI prints "r  events  AP  AP/r ..." rows, rounded: compare at its precision.
    for (const auto& pt : scan) {
      const QString r = QString::number(100 * pt.targetR, 'f', 2) + " %";
      const QRegularExpression row(
          "^" + QRegularExpression::escape(r) +
              R"(\s+(\d+)\s+([0-9.]+) ± ([0-9.]+)\s+([0-9.]+) ± ([0-9.]+))",
          QRegularExpression::MultilineOption);
      const auto m = row.match(text);
      QVERIFY2(m.hasMatch(), qPrintable(text));
      QCOMPARE(QString::number(pt.result.heldOutScores.size()), m.captured(1));
      QCOMPARE(QString::number(pt.result.aggregate.at("ap").mean, 'f', 3), m.captured(2));
      QCOMPARE(QString::number(pt.result.aggregate.at("ap").std, 'f', 3), m.captured(3));
      QCOMPARE(QString::number(pt.result.aggregate.at("ap_over_r").mean, 'f', 2), m.captured(4));
    }
    QCOMPARE(m_panel->scanChart()->curves().size(), 1);
    QCOMPARE(m_panel->scanChart()->curves().front().x.size(), 2);
    QCOMPARE(m_panel->scanTable()->rowCount(), 2);
    screenshot("insight_scan");
  }

  void trainsAgainWithoutTheBottomFeatures() {
    m_panel->tabs()->setCurrentIndex(0);
    QVERIFY(m_panel->importance());
    const RunImportance r = *m_panel->importance();
    const auto order = r.permutation.ranking();
    const std::size_t n = order.size();
    QSignalSpy finished(m_window.get(), &MainWindow::runFinished);
    StallMeter meter;
    const QString id = m_panel->trainWithoutBottom(3);
    QVERIFY2(!id.isEmpty(), qPrintable(m_panel->message()));
    QVERIFY(finished.wait(600000));
    QTest::qWait(30);
    // Logged, not bounded here: this is the window's own training path (queue, live curves,
    // the end-of-run evaluation and plots), whose stalls app_gui_main_window bounds.
    qInfo("train again: largest event-loop gap %lld ms", meter.maxGap);
    QCOMPARE(finished.last()[0].toString(), id);
    QCOMPARE(finished.last()[1].toString(), QString("done"));
    const ProjectRun* run = m_window->session()->project().findRun(id.toStdString());
    QVERIFY(run);
    QCOMPARE(run->config.features.size(), n - 3);
    for (std::size_t i = 0; i < n; ++i) {
      const std::string& f = r.permutation.features[order[i]];
      const bool kept = std::find(run->config.features.begin(), run->config.features.end(), f) !=
                        run->config.features.end();
      QCOMPARE(kept, i < n - 3);
    }
    QVERIFY(QString::fromStdString(run->name()).startsWith("gbdt without "));
    // The new run has stored results: the panel can choose it.
    QVERIFY(m_panel->setRun(id));
  }

  void classSubsampleChosenInTheWindowTrainsAsTheCli() {
    // The controlled imbalance set in the Imbalance and loss panel: 30 % of the "other" events,
    // seed 3. A run trained in the window and the same project run by the CLI (which applies
    // the project's classSubsample) see the same events and give the same fold metrics.
    auto* box = m_window->findChild<ClassSubsampleBox*>();
    QVERIFY(box);
    box->setSeed(3);
    box->setKeep("other", 0.3);
    const nlohmann::json expected = {
        {"seed", 3}, {"rescaleWeights", false}, {"classes", {{"other", {{"fraction", 0.3}}}}}};
    QCOMPARE(m_window->session()->project().analysis.extra.at("classSubsample"), expected);
    QVERIFY2(box->countsText().contains("other: 9493 → "), qPrintable(box->countsText()));
    const QString id = m_window->duplicateRun(m_runId);
    QSignalSpy finished(m_window.get(), &MainWindow::runFinished);
    QVERIFY(m_window->trainRun(id));
    QVERIFY(finished.wait(600000));
    QCOMPARE(finished.last()[1].toString(), QString("done"));
    const auto full = m_window->session()->stored(m_runId.toStdString());
    const auto drawn = m_window->session()->stored(id.toStdString());
    QVERIFY(full && drawn);
    // Every "LL" event kept, about 30 % of the "other" events.
    std::size_t otherFull = 0, otherDrawn = 0, llFull = 0, llDrawn = 0;
    for (auto c : full->classIndex) (c == 0 ? otherFull : llFull) += 1;
    for (auto c : drawn->classIndex) (c == 0 ? otherDrawn : llDrawn) += 1;
    QCOMPARE(llDrawn, llFull);
    QVERIFY2(std::abs(double(otherDrawn) / double(otherFull) - 0.3) < 0.02,
             qPrintable(QString("%1 of %2").arg(otherDrawn).arg(otherFull)));

    const QString path = m_dir.filePath("subsampled.json");
    QVERIFY(m_window->saveProject(path));
    const imbw::Project saved = imbw::Project::load(path.toStdString());
    const int number = static_cast<int>(
        std::find_if(saved.runs.begin(), saved.runs.end(),
                     [&](const ProjectRun& r) { return r.id == id.toStdString(); }) -
        saved.runs.begin());
    bool ok = false;
    cli({"run", path, "--run", QString::number(number + 1), "--save", "--quiet"}, &ok);
    QVERIFY(ok);
    const imbw::Project byCli = imbw::Project::load(path.toStdString());
    const ProjectRun* gui = m_window->session()->project().findRun(id.toStdString());
    const ProjectRun* cliRun = byCli.findRun(id.toStdString());
    QVERIFY(gui && cliRun && cliRun->status == RunStatus::Done);
    QCOMPARE(cliRun->folds.size(), gui->folds.size());
    for (std::size_t k = 0; k < gui->folds.size(); ++k)
      QVERIFY2(near(gui->folds[k].metrics.at("ap"), cliRun->folds[k].metrics.at("ap"), 1e-12),
               qPrintable(QString("fold %1").arg(k + 1)));
    const auto cliStored = imbw::readRunStore(imbw::sidecarPath(path.toStdString()));
    QCOMPARE(cliStored.at(id.toStdString())->eventIndex, drawn->eventIndex);
    QCOMPARE(cliStored.at(id.toStdString())->score, drawn->score);
    // "all" again removes the key.
    box->setKeep("other", 1.0);
    QVERIFY(!m_window->session()->project().analysis.extra.contains("classSubsample"));
    screenshotDock();
  }

 private:
  void screenshotDock() {
    const QString dir = qEnvironmentVariable("IMBW_SCREENSHOT_DIR");
    if (dir.isEmpty()) return;
    auto* box = m_window->findChild<ClassSubsampleBox*>();
    box->setKeep("other", 0.05);
    QTest::qWait(50);
    box->window()->grab().save(dir + "/class_subsample.png");
    box->setKeep("other", 1.0);
  }

  static qsizetype rho0Size(const CorrelationView& v) {
    return static_cast<qsizetype>(v.matrices[1].names.size());
  }
};

QTEST_MAIN(TestInsightPanel)
#include "test_insight_panel.moc"
