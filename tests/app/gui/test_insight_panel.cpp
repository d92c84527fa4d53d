// The window's "Inputs and outputs" tab (issue 13): on a project trained by the CLI, every view
// shows the numbers the CLI's own commands print for the same run (importance, correlations,
// calibration, working-point, imbalance-scan: an independent path that trains the run again
// from the analysis file), "train again without the bottom k features" adds and trains the
// reduced run, and the event loop never stalls while the views compute.

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProcess>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>
#include <array>
#include <cmath>
#include <set>

#include "app/gui/class_subsample_box.h"
#include "app/gui/insight_panel.h"
#include "app/gui/main_window.h"
#include "app/gui/run_registry.h"
#include "app/gui/runs_panel.h"
#include "core/project/kept_working_point.h"
#include "core/project/project.h"
#include "core/project/run_store.h"
#include "tests/app/gui/stall_ticker.h"
#include "tests/timing_bounds.h"
#include "widgets/chart_view.h"
#include "widgets/correlation_heat_map.h"
#include "widgets/error_bar_chart.h"
#include "widgets/importance_chart.h"
#include "widgets/significance_view.h"
#include "widgets/yields_table.h"

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

/// Runs the CLI; its exit code, standard output and standard error.
struct CliRun {
  int exitCode = -1;
  QString out, err;
};
CliRun cliRun(const QStringList& args) {
  QProcess p;
  p.start(binaryDir() + "/app/cli/imbalance-cli", args);
  CliRun r;
  if (p.waitForFinished(600000) && p.exitStatus() == QProcess::NormalExit)
    r.exitCode = p.exitCode();
  r.out = QString::fromUtf8(p.readAllStandardOutput());
  r.err = QString::fromUtf8(p.readAllStandardError());
  return r;
}

/// The push button of `parent` with this text.
QPushButton* button(QWidget* parent, const QString& text) {
  for (auto* b : parent->findChildren<QPushButton*>())
    if (b->text() == text) return b;
  return nullptr;
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
  qint64 m_maxGap = 0;   ///< the largest event-loop gap while the window computed
  QString m_maxGapText;  ///< StallTicker::describe() of that gap

  /// A second window (a laptop's size) with `path` opened and its stored runs evaluated; null when
  /// the runs were not evaluated in time.
  static std::unique_ptr<MainWindow> reopenInNewWindow(const QString& path) {
    auto w = std::make_unique<MainWindow>();
    w->resize(1366, 768);
    w->show();
    QSignalSpy evaluated(w.get(), &MainWindow::storedRunsEvaluated);
    w->openFile(path);
    if (!evaluated.wait(120000)) return nullptr;
    return w;
  }

  /// Starts `start` and waits for the panel's computed(view); false on failed().
  bool compute(const QString& view, const std::function<void()>& start) {
    QSignalSpy done(m_panel, &InsightPanel::computed);
    QSignalSpy failed(m_panel, &InsightPanel::failed);
    // Only while the window works: the CLI runs below block this test's thread on purpose.
    gui_test::StallTicker meter;
    meter.start();
    start();
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < 600000) {
      for (const auto& args : done)
        if (args[0].toString() == view) {
          QTest::qWait(30);  // one more tick measures the drawing of the result
          if (meter.maxGap() >= m_maxGap) {
            m_maxGap = meter.maxGap();
            m_maxGapText = meter.describe();
          }
          qInfo("%s: largest event-loop gap: %s", qPrintable(view), qPrintable(meter.describe()));
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
    qInfo("largest event-loop gap while the views computed: %s", qPrintable(m_maxGapText));
    IMBW_VERIFY_LATENCY(m_maxGap < imbw::test::kEventLoopGapBoundMs, qPrintable(m_maxGapText));
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

    // Without a run's score: the window and `correlations` without --run use the same events,
    // every event after the cut.
    m_panel->withScoreBox()->setChecked(false);
    QVERIFY(compute("correlations", [this] { m_panel->computeCorrelations(); }));
    const QString plainOut = m_dir.filePath("correlations_plain.json");
    cli({"correlations", m_project, "--out", plainOut, "--quiet"}, &ok);
    QVERIFY(ok);
    const QJsonArray plain = readJson(plainOut)["matrices"].toArray();
    const CorrelationView& pv = *m_panel->correlations();
    QCOMPARE(plain.size(), 2);
    for (qsizetype c = 0; c < plain.size(); ++c) {
      const QJsonObject m = plain[c].toObject();
      const auto k = static_cast<std::size_t>(c);
      QCOMPARE(static_cast<qint64>(pv.matrices[k].events), m["events"].toInteger());
      QVERIFY(pv.matrices[k].names.back() != std::string("score"));
      QVERIFY(near(pv.matrices[k].rho[0][1], m["rho"].toArray()[0].toArray()[1].toDouble(), 1e-9));
    }
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
    m_window->significanceView()->setLuminosity(2.0);  // the project's factor
    QVERIFY2(m_panel->luminosityLabel()->text().startsWith("2 "),
             qPrintable(m_panel->luminosityLabel()->text()));
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

    // Keep with the run: the project holds the mean cut (marked modified), the tab says so,
    // and the saved file carries it to `run --save-models` as the CLI's --keep does.
    QVERIFY(m_panel->keptWorkingPointLabel()->text().startsWith("No working point kept"));
    QVERIFY(m_panel->keepWorkingPointButton()->isEnabled());
    QTest::mouseClick(m_panel->keepWorkingPointButton(), Qt::LeftButton);
    const auto kept = keptWorkingPoint(m_window->session()->project(), "r1");
    QVERIFY(kept && !kept->stale);
    QCOMPARE(kept->cut, p.mean.cut);
    QCOMPARE(kept->choice["criterion"].get<std::string>(), std::string("eff_s"));
    QVERIFY(m_window->session()->isModified());
    QVERIFY2(m_panel->keptWorkingPointLabel()->text().startsWith(
                 "Kept with this run: score ≥ " + QString::number(p.mean.cut, 'f', 4)),
             qPrintable(m_panel->keptWorkingPointLabel()->text()));
    screenshot("insight_working_point");
    const QString saved = m_dir.filePath("kept_wp.json");
    QVERIFY(m_window->saveProject(saved));
    QTRY_VERIFY_WITH_TIMEOUT(!m_window->session()->isModified(), 20000);
    cli({"run", saved, "--run", "1", "--save-models", m_dir.filePath("kept_models"), "--quiet"},
        &ok);
    QVERIFY(ok);
    const QStringList metas =
        QDir(m_dir.filePath("kept_models")).entryList({"*_fold1.*.meta.json"}, QDir::Files);
    QCOMPARE(metas.size(), 1);
    QCOMPARE(readJson(m_dir.filePath("kept_models/" + metas[0]))["working_point"]
                 .toObject()["cut"]
                 .toDouble(),
             p.mean.cut);
    // The saved project carries the luminosity factor: the CLI's working point without
    // --luminosity uses it, as the window did.
    const QString savedOut = m_dir.filePath("wp_saved.json");
    cli({"working-point", saved, "--run", "1", "--eff-s", "0.5", "--out", savedOut, "--quiet"},
        &ok);
    QVERIFY(ok);
    QVERIFY(near(readJson(savedOut)["mean"].toObject()["z"].toDouble(), p.mean.significance, 1e-9));
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

  // The scan over r is kept in the project: saved, opened in a new window, the same points
  // are shown without training anything.
  void scanIsSavedWithTheProject() {
    QVERIFY(m_panel->shownScan());
    const ImbalanceScanRecord shown = *m_panel->shownScan();
    QCOMPARE(shown.runId, m_runId.toStdString());
    QCOMPARE(shown.points.size(), m_panel->scan().size());
    for (std::size_t i = 0; i < shown.points.size(); ++i) {
      QCOMPARE(shown.points[i].targetR, m_panel->scan()[i].targetR);
      QCOMPARE(shown.points[i].metrics.at("ap").mean,
               m_panel->scan()[i].result.aggregate.at("ap").mean);
    }
    QStringList table;
    for (int r = 0; r < m_panel->scanTable()->rowCount(); ++r)
      for (int c = 0; c < m_panel->scanTable()->columnCount(); ++c)
        table << m_panel->scanTable()->item(r, c)->text();
    const QString path = m_dir.filePath("with_scan.json");
    QVERIFY(m_window->saveProject(path));

    const auto window = reopenInNewWindow(path);
    QVERIFY(window);
    MainWindow& reopened = *window;
    auto* panel = reopened.findChild<InsightPanel*>();
    QVERIFY(panel);
    QSignalSpy trained(&reopened, &MainWindow::runFinished);
    reopened.plotTabs()->setCurrentWidget(panel);
    panel->tabs()->setCurrentIndex(4);
    QVERIFY(panel->setRun(m_runId));
    QTest::qWait(100);
    QVERIFY(panel->scan().empty());  // nothing computed: the points come from the file
    QVERIFY(panel->shownScan());
    const ImbalanceScanRecord& back = *panel->shownScan();
    QCOMPARE(back.points.size(), shown.points.size());
    for (std::size_t i = 0; i < back.points.size(); ++i) {
      QCOMPARE(back.points[i].targetR, shown.points[i].targetR);
      QCOMPARE(back.points[i].events, shown.points[i].events);
      for (const auto& [key, v] : shown.points[i].metrics) {
        QCOMPARE(back.points[i].metrics.at(key).mean, v.mean);
        QVERIFY(std::isnan(v.std) ? std::isnan(back.points[i].metrics.at(key).std)
                                  : back.points[i].metrics.at(key).std == v.std);
      }
    }
    QStringList again;
    for (int r = 0; r < panel->scanTable()->rowCount(); ++r)
      for (int c = 0; c < panel->scanTable()->columnCount(); ++c)
        again << panel->scanTable()->item(r, c)->text();
    QCOMPARE(again, table);
    QCOMPARE(panel->scanChart()->curves().size(), 1);
    QCOMPARE(panel->scanChart()->curves().front().x.size(), 2);
    QCOMPARE(panel->scanRsEdit()->text(), QString("0.2, 0.05"));
    QCOMPARE(trained.size(), 0);
    QCOMPARE(reopened.activeRuns(), 0);
  }

  // The scan the window saved is printed by `imbalance-scan --saved` as the window's table
  // shows it, and a scan the CLI saves (--save) is what the window shows for the run when the
  // project is opened.
  void scanSavedInTheWindowIsPrintedByTheCli() {
    const QString path = m_dir.filePath("with_scan.json");  // saved by the test above
    const CliRun saved = cliRun({"imbalance-scan", path, "--saved"});
    QVERIFY2(saved.exitCode == 0, qPrintable(saved.err));
    QVERIFY2(saved.out.startsWith("run  gbdt (3 folds"), qPrintable(saved.out));
    const ImbalanceScanRecord& shown = *m_panel->shownScan();
    QTableWidget* t = m_panel->scanTable();
    QCOMPARE(t->rowCount(), static_cast<int>(shown.points.size()));
    for (int r = 0; r < t->rowCount(); ++r) {
      // r, events, AP and AP/r as the window's table shows them, in one printed row.
      const QString row = QRegularExpression::escape(t->item(r, 0)->text()) + R"(\s+)" +
                          t->item(r, 1)->text() + R"(\s+)" +
                          QRegularExpression::escape(t->item(r, 2)->text()) + R"(\s+)" +
                          QRegularExpression::escape(t->item(r, 3)->text()) + R"(\s)";
      QVERIFY2(QRegularExpression("^" + row, QRegularExpression::MultilineOption)
                   .match(saved.out)
                   .hasMatch(),
               qPrintable(row + "\n" + saved.out));
    }
  }

  void scanSavedByTheCliIsShownInTheWindow() {
    const QString path = m_dir.filePath("with_scan.json");
    const CliRun r =
        cliRun({"imbalance-scan", path, "--run", "gbdt", "--r", "0.1", "--save", "--quiet"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const auto m = QRegularExpression(R"(^10\.00 %\s+(\d+)\s+([0-9.]+) ± ([0-9.]+))",
                                      QRegularExpression::MultilineOption)
                       .match(r.out);
    QVERIFY2(m.hasMatch(), qPrintable(r.out));

    const auto window = reopenInNewWindow(path);
    QVERIFY(window);
    MainWindow& reopened = *window;
    auto* panel = reopened.findChild<InsightPanel*>();
    QVERIFY(panel);
    reopened.plotTabs()->setCurrentWidget(panel);
    panel->tabs()->setCurrentIndex(4);
    QVERIFY(panel->setRun(m_runId));
    QTest::qWait(100);
    QVERIFY(panel->scan().empty());  // nothing trained: the CLI's points from the file
    QVERIFY(panel->shownScan());
    const ImbalanceScanRecord& back = *panel->shownScan();
    QCOMPARE(back.points.size(), std::size_t{1});  // the CLI's scan replaced the window's
    QCOMPARE(back.points[0].targetR, 0.1);
    QCOMPARE(QString::number(back.points[0].events), m.captured(1));
    QCOMPARE(QString::number(back.points[0].metrics.at("ap").mean, 'f', 3), m.captured(2));
    QCOMPARE(QString::number(back.points[0].metrics.at("ap").std, 'f', 3), m.captured(3));
    QCOMPARE(panel->scanTable()->rowCount(), 1);
    QCOMPARE(panel->scanTable()->item(0, 1)->text(), m.captured(1));
    QCOMPARE(panel->scanChart()->curves().front().x.size(), 1);
  }

  void trainsAgainWithoutTheBottomFeatures() {
    m_panel->tabs()->setCurrentIndex(0);
    QVERIFY(m_panel->importance());
    const RunImportance r = *m_panel->importance();
    const auto order = r.permutation.ranking();
    const std::size_t n = order.size();
    QSignalSpy finished(m_window.get(), &MainWindow::runFinished);
    gui_test::StallTicker meter;
    meter.start();
    const QString id = m_panel->trainWithoutBottom(3);
    QVERIFY2(!id.isEmpty(), qPrintable(m_panel->message()));
    QVERIFY(finished.wait(600000));
    QTest::qWait(30);
    // Logged, not bounded here: this is the window's own training path (queue, live curves,
    // the end-of-run evaluation and plots), whose stalls app_gui_main_window bounds.
    qInfo("train again: largest event-loop gap: %s", qPrintable(meter.describe()));
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

  // Two runs selected in the runs table, ranked together: one series per run in the run's
  // colour, the features in the first run's order (the reduced run has no bar for the three
  // features it lacks), each run's numbers those of the CLI / of its own ranking.
  void importanceOfSelectedRunsOverlaid() {
    m_panel->tabs()->setCurrentIndex(0);
    m_panel->repeatsBox()->setValue(3);
    m_panel->importanceMetricBox()->setCurrentIndex(0);  // AP, as importanceEqualsTheCli
    QString reduced;
    for (const ProjectRun& r : m_window->session()->project().runs)
      if (QString::fromStdString(r.name()).startsWith("gbdt without "))
        reduced = QString::fromStdString(r.id);
    QVERIFY(!reduced.isEmpty());
    m_window->selectRuns({m_runId, reduced});
    QCOMPARE(m_window->selectedRuns().size(), 2);
    QVERIFY(compute("importance", [this] { QVERIFY(m_panel->overlayRuns()); }));
    const auto& overlay = m_panel->overlay();
    QCOMPARE(overlay.size(), std::size_t{2});
    ImportanceChart* chart = m_panel->permutationChart();
    QCOMPARE(chart->series().size(), 2);
    // The full run's bars: the CLI's numbers (importance.json of importanceEqualsTheCli).
    const QJsonObject j = readJson(m_dir.filePath("importance.json"));
    const QJsonArray names = j["features"].toArray();
    QVERIFY(!names.isEmpty());
    const QStringList shown = chart->features();
    QCOMPARE(shown.size(), names.size());
    const auto cliMean = [&](const QString& f) {
      for (qsizetype i = 0; i < names.size(); ++i)
        if (names[i].toString() == f) return j["permutation"]["mean"][i].toDouble();
      return std::nan("");
    };
    const RunImportance& second = overlay[1].second;
    QCOMPARE(second.permutation.features.size(), std::size_t(names.size() - 3));
    int missing = 0;
    for (qsizetype i = 0; i < shown.size(); ++i) {
      const ImportanceBar& a = chart->series()[0].bars[i];
      const ImportanceBar& b = chart->series()[1].bars[i];
      QCOMPARE(a.feature, shown[i]);
      QCOMPARE(b.feature, shown[i]);
      QVERIFY2(near(a.value, cliMean(shown[i]), 1e-9), qPrintable(shown[i]));
      if (i > 0) QVERIFY(a.value <= chart->series()[0].bars[i - 1].value);  // one order
      const auto it = std::find(second.permutation.features.begin(),
                                second.permutation.features.end(), shown[i].toStdString());
      if (it == second.permutation.features.end()) {
        QVERIFY(std::isnan(b.value));
        ++missing;
      } else {
        const auto k = static_cast<std::size_t>(it - second.permutation.features.begin());
        QCOMPARE(b.value, second.permutation.mean[k]);
        QCOMPARE(b.error, second.permutation.std[k]);
      }
    }
    QCOMPARE(missing, 3);
    // Each series in its run's colour from the registry, and drawn: its pixels are there.
    const QImage image = chart->grab().toImage();
    for (int s = 0; s < 2; ++s) {
      const RunEntry* e = m_window->registry()->find(overlay[static_cast<std::size_t>(s)].first);
      QVERIFY(e && e->colored);
      QCOMPARE(chart->series()[s].color, e->plot.color);
      int pixels = 0;
      for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
          if (image.pixelColor(x, y).rgb() == e->plot.color.rgb()) ++pixels;
      QVERIFY2(pixels > 100, qPrintable(QString("series %1: %2 pixels").arg(s).arg(pixels)));
    }
    QVERIFY(chart->series()[0].color != chart->series()[1].color);
    screenshot("insight_overlay");
    // One run selected: nothing to overlay, said so.
    m_window->selectRuns({m_runId});
    QSignalSpy failed(m_panel, &InsightPanel::failed);
    QVERIFY(!m_panel->overlayRuns());
    QCOMPARE(failed.size(), 1);
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

    // The main yields table shows the draw after the cut, per class: the events and Σw the
    // run was trained on (its stored events, counted here).
    YieldsTable* yields = m_window->yieldsTable();
    QVERIFY(yields->showsDrawn());
    std::array<qint64, 2> events{0, 0};
    std::array<double, 2> sumW{0, 0};
    for (std::size_t k = 0; k < drawn->size(); ++k) {
      events[static_cast<std::size_t>(drawn->classIndex[k])] += 1;
      sumW[static_cast<std::size_t>(drawn->classIndex[k])] += drawn->weight[k];
    }
    for (int c = 0; c < 2; ++c) {
      QCOMPARE(yields->cellText(c, 5).toLongLong(), events[static_cast<std::size_t>(c)]);
      // Σw is shown to the decimal place of its uncertainty's second digit.
      const QString text = yields->cellText(c, 6).section(QString::fromUtf8(" ± "), 0, 0);
      const int decimals = text.contains('.') ? int(text.size() - text.indexOf('.') - 1) : 0;
      QVERIFY2(std::abs(text.toDouble() - sumW[static_cast<std::size_t>(c)]) <=
                   0.5 * std::pow(10.0, -decimals) * (1 + 1e-9),
               qPrintable(yields->cellText(c, 6)));
    }
    QVERIFY2(near(yields->cellText(2, 5).toDouble(),
                  double(events[1]) / double(events[0] + events[1]), 1e-4),
             qPrintable(yields->cellText(2, 5)));
    // The run keeps the draw it was trained with (its own class_subsample). The project's box
    // then goes back to "all": new runs take that, the trained run keeps its own, and the CLI
    // below must draw from the run's configuration alone.
    const ProjectRun* trained = m_window->session()->project().findRun(id.toStdString());
    QVERIFY(trained && trained->config.classSubsample);
    QCOMPARE(trained->config.classSubsample->toJson(), expected);
    box->setKeep("other", 1.0);
    QVERIFY(!m_window->session()->project().analysis.extra.contains("classSubsample"));
    QVERIFY(!yields->showsDrawn());
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
    // "Use this configuration" brings the run's draw back to the box (and the project).
    m_window->selectRuns({id});
    QPushButton* use = nullptr;
    for (auto* b : m_window->findChildren<QPushButton*>())
      if (b->text() == "Use configuration") use = b;
    QVERIFY(use);
    use->click();
    QCOMPARE(m_window->session()->project().analysis.extra.at("classSubsample"), expected);
    QVERIFY2(box->countsText().contains("other: 9493 → "), qPrintable(box->countsText()));
    // "all" again removes the key.
    box->setKeep("other", 1.0);
    QVERIFY(!m_window->session()->project().analysis.extra.contains("classSubsample"));
    screenshotDock();
  }

  // The paper's r = 5 % (Table 2) set in the window through the box's widgets: 250 of the 507
  // "LL" and 4750 of the "other" events (r = 5 % before the cut), seed 7. The run duplicated
  // and trained with the runs panel's buttons and the same project run by `imbalance-cli run`
  // draw the same events (the yields each prints) and give the same fold metrics (GBDT on one
  // thread: deterministic).
  void signalFractionFivePercentInTheWindowTrainsAsTheCli() {
    auto* box = m_window->findChild<ClassSubsampleBox*>();
    QVERIFY(box);
    QTableWidget* t = box->table();
    auto setCount = [t](const QString& cls, int count) {
      for (int r = 0; r < t->rowCount(); ++r) {
        if (t->item(r, 0)->text() != cls) continue;
        auto* keep = qobject_cast<QComboBox*>(t->cellWidget(r, 1));
        auto* value = qobject_cast<QDoubleSpinBox*>(t->cellWidget(r, 2));
        if (!keep || !value) return false;
        keep->setCurrentIndex(count < 0 ? 0 : 2);  // "all" / "a number"
        if (count >= 0) value->setValue(count);
        return true;
      }
      return false;
    };
    box->findChild<QSpinBox*>()->setValue(7);
    QVERIFY(setCount("LL", 250));
    QVERIFY(setCount("other", 4750));
    const nlohmann::json expected = {
        {"seed", 7},
        {"rescaleWeights", false},
        {"classes", {{"LL", {{"count", 250}}}, {"other", {{"count", 4750}}}}}};
    QCOMPARE(m_window->session()->project().analysis.extra.at("classSubsample"), expected);
    QVERIFY2(box->countsText().contains("LL: 507 → 250") &&
                 box->countsText().contains("other: 9493 → 4750"),
             qPrintable(box->countsText()));

    auto* runs = m_window->findChild<RunsPanel*>();
    QVERIFY(runs);
    std::set<std::string> before;
    for (const auto& r : m_window->session()->project().runs) before.insert(r.id);
    m_window->selectRuns({m_runId});
    QVERIFY(button(runs, "Duplicate"));
    button(runs, "Duplicate")->click();
    QString id;
    for (const auto& r : m_window->session()->project().runs)
      if (!before.count(r.id)) id = QString::fromStdString(r.id);
    QVERIFY(!id.isEmpty());
    m_window->selectRuns({id});
    QSignalSpy finished(m_window.get(), &MainWindow::runFinished);
    button(runs, "Train")->click();
    QVERIFY(finished.wait(600000));
    QCOMPARE(finished.last()[0].toString(), id);
    QCOMPARE(finished.last()[1].toString(), QString("done"));
    const auto drawn = m_window->session()->stored(id.toStdString());
    QVERIFY(drawn);
    std::array<qint64, 2> events{0, 0};
    std::array<double, 2> sumW{0, 0};
    for (std::size_t k = 0; k < drawn->size(); ++k) {
      events[static_cast<std::size_t>(drawn->classIndex[k])] += 1;
      sumW[static_cast<std::size_t>(drawn->classIndex[k])] += drawn->weight[k];
    }
    QVERIFY(events[1] > 0 && events[1] < 250 && events[0] < 4750);  // the draw, then the cut
    // The window's yields table: the drawn events after the cut, per class, and r then.
    YieldsTable* yields = m_window->yieldsTable();
    QVERIFY(yields->showsDrawn());
    for (int c = 0; c < 2; ++c)
      QCOMPARE(yields->cellText(c, 5).toLongLong(), events[static_cast<std::size_t>(c)]);
    const double r = double(events[1]) / double(events[0] + events[1]);
    QVERIFY2(near(yields->cellText(2, 5).toDouble(), r, 1e-4), qPrintable(yields->cellText(2, 5)));

    // The CLI on the saved project (the box still set: the same settings).
    const QString path = m_dir.filePath("r05.json");
    QVERIFY(m_window->saveProject(path));
    const imbw::Project saved = imbw::Project::load(path.toStdString());
    int number = 0;
    while (number < static_cast<int>(saved.runs.size()) &&
           saved.runs[static_cast<std::size_t>(number)].id != id.toStdString())
      ++number;
    QVERIFY(number < static_cast<int>(saved.runs.size()));
    const QString out = m_dir.filePath("r05_run.json");
    const CliRun byCli = cliRun(
        {"run", path, "--run", QString::number(number + 1), "--save", "--out", out, "--quiet"});
    QVERIFY2(byCli.exitCode == 0, qPrintable(byCli.err));
    QVERIFY2(byCli.err.contains("LL 507 → 250") && byCli.err.contains("other 9493 → 4750"),
             qPrintable(byCli.err));
    QVERIFY2(byCli.out.contains(QString("events    %1 (signal fraction r = %2)")
                                    .arg(events[0] + events[1])
                                    .arg(r, 0, 'f', 4)),
             qPrintable(byCli.out));
    const auto cliStored = imbw::readRunStore(imbw::sidecarPath(path.toStdString()));
    const auto& c = *cliStored.at(id.toStdString());
    QCOMPARE(c.eventIndex, drawn->eventIndex);
    QCOMPARE(c.classIndex, drawn->classIndex);
    QCOMPARE(c.weight, drawn->weight);
    QCOMPARE(c.score, drawn->score);
    const imbw::Project back = imbw::Project::load(path.toStdString());
    const ProjectRun* gui = m_window->session()->project().findRun(id.toStdString());
    const ProjectRun* cliRunRecord = back.findRun(id.toStdString());
    QVERIFY(gui && cliRunRecord && cliRunRecord->status == RunStatus::Done);
    QCOMPARE(cliRunRecord->folds.size(), gui->folds.size());
    for (std::size_t k = 0; k < gui->folds.size(); ++k)
      for (const auto& [key, v] : gui->folds[k].metrics) {
        if (key.ends_with("seconds")) continue;  // the fit's wall time, not a result
        const double w = cliRunRecord->folds[k].metrics.at(key);
        QVERIFY2((std::isnan(v) && std::isnan(w)) || std::abs(v - w) <= 1e-12,
                 qPrintable(QString("fold %1 %2: window %3, CLI %4")
                                .arg(k + 1)
                                .arg(QString::fromStdString(key))
                                .arg(v, 0, 'g', 17)
                                .arg(w, 0, 'g', 17)));
      }
    QVERIFY(setCount("LL", -1));
    QVERIFY(setCount("other", -1));
    QVERIFY(!m_window->session()->project().analysis.extra.contains("classSubsample"));
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
