// The window's cluster workflow (issue 12) against a real Slurm: the one-node cluster of
// packaging/slurm/cluster.sh, started by the ctest fixture slurm_cluster (label "slurm"; the
// suite fails when the cluster is missing). Offscreen.
//  - refusals: no sbatch on PATH, an unsaved project (asked to save first), bad options;
//  - a dry run writes the specs and the batch script and says the sbatch line and the folder;
//  - two runs submitted from the window show "queued on cluster" / "running on cluster (k of n
//    tasks done)" while Slurm has them (polled on a worker: the event loop never stalls), the
//    window closed and the project reopened resumes watching, and the runs become done with
//    their curves drawn; the stored scores equal `imbalance-cli run --save` of the same project
//    bit for bit;
//  - a run whose tasks fail shows "failed on cluster" with the message and its log's last lines;
//  - Run ▸ Cancel on cluster with one run selected cancels only that run's array tasks: it says
//    cancelled, the other run finishes and is collected;
//  - a task over its --mem, killed by Slurm, shows "killed by Slurm: out of memory" with its log;
//  - the scan panel's "Run on cluster…" makes the scan's runs, submits them as one job array
//    and the heat map fills as they are collected.

#include <QApplication>
#include <QCheckBox>
#include <QDialogButtonBox>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>
#include <cmath>
#include <cstring>
#include <memory>
#include <set>

#include "app/gui/cluster_dialog.h"
#include "app/gui/cluster_monitor.h"
#include "app/gui/main_window.h"
#include "app/gui/runs_panel.h"
#include "app/gui/scan_panel.h"
#include "core/project/project.h"
#include "tests/app/cli/h5_column.h"
#include "tests/app/gui/stall_ticker.h"
#include "tests/timing_bounds.h"
#include "widgets/alpha_gamma_heat_map.h"
#include "widgets/runs_table_model.h"

using namespace imbw;

namespace {

QString sourceDir() {
  return qEnvironmentVariable("IMBW_SOURCE_DIR");
}
QString cliPath() {
  return qEnvironmentVariable("IMBW_BINARY_DIR") + "/app/cli/imbalance-cli";
}

/// The bundled example with `runs`, the sample by its absolute path, saved as DIR/NAME.json.
QString writeProject(const QString& dir, const QString& name, const std::vector<RunConfig>& runs) {
  Project p =
      Project::load((sourceDir() + "/resources/examples/ww/ww.analysis.json").toStdString());
  p.runs.clear();
  p.scans.clear();
  for (const RunConfig& c : runs) p.addRun(c, p.analysis.cut);
  const QString path = dir + "/" + name + ".json";
  p.save(path.toStdString());
  return path;
}

RunConfig config(const std::string& name, nlohmann::json model, int folds) {
  RunConfig c;
  c.name = name;
  c.model = std::move(model);
  c.folds = folds;
  c.threads = 1;
  return c;
}

bool sameBits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() &&
         (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
}

QString statusOf(const MainWindow& w, const QString& id) {
  const RunRow* row = w.runsModel()->run(id);
  return row ? row->status : QString();
}

std::unique_ptr<MainWindow> openWindow(const QString& path) {
  auto w = std::make_unique<MainWindow>();
  w->setUnsavedPrompt([](const QString&) { return MainWindow::UnsavedChoice::Discard; });
  w->show();
  w->clusterMonitor()->setInterval(500);
  w->openFile(path);
  return w;
}

QString jobOf(const QString& submittedText) {
  const auto m = QRegularExpression("Submitted job array (\\d+)").match(submittedText);
  return m.hasMatch() ? m.captured(1) : QString();
}

/// The window's menu action with this text (as in the menu, with its "&").
QAction* menuAction(const MainWindow& w, const QString& text) {
  for (QAction* a : w.menuBar()->findChildren<QAction*>())
    if (a->text() == text) return a;
  return nullptr;
}

/// Accepts the next "Run on cluster" dialog (with `memory` per task) once it is shown.
void acceptClusterDialogSoon(const QString& memory = {}) {
  auto* timer = new QTimer;
  QObject::connect(timer, &QTimer::timeout, timer, [timer, memory] {
    auto* d = qobject_cast<ClusterDialog*>(QApplication::activeModalWidget());
    if (!d) return;
    timer->deleteLater();
    d->memoryEdit()->setText(memory);
    d->dryRunBox()->setChecked(false);
    d->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok)->click();
  });
  timer->start(50);
}

}  // namespace

class TestClusterWindow : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    const QString conf = QString(IMBW_SLURM_SCRATCH) + "/slurm.conf";
    if (!QFile::exists(conf))
      QFAIL(qPrintable("no Slurm cluster: " + conf +
                       " is missing (the fixture slurm_cluster_start runs packaging/slurm/"
                       "cluster.sh; Slurm must be installed: packaging/install-deps.sh)"));
    qputenv("SLURM_CONF", conf.toUtf8());
    qputenv("IMBW_PROBE_CLI", cliPath().toUtf8());  // the tasks run the built imbalance-cli
  }

  // The dialog's settings come back for the same project, and another project starts from the
  // defaults.
  void dialogSettingsAreRememberedPerProject() {
    QTemporaryDir dir;
    const QString a = dir.filePath("a.json"), b = dir.filePath("b.json");
    QString defaultTime;
    {
      ClusterDialog d(a, "2 runs");
      defaultTime = d.timeEdit()->text();
      d.partitionEdit()->setText("gpu");
      d.timeEdit()->setText("02:30:00");
      d.memoryEdit()->setText("3G");
      d.cpusBox()->setValue(2);
      d.maxParallelBox()->setValue(7);
      d.dryRunBox()->setChecked(true);
      d.remember();
    }
    ClusterDialog again(a, "2 runs");
    QCOMPARE(again.partitionEdit()->text(), QString("gpu"));
    QCOMPARE(again.timeEdit()->text(), QString("02:30:00"));
    QCOMPARE(again.memoryEdit()->text(), QString("3G"));
    QCOMPARE(again.cpusBox()->value(), 2);
    QCOMPARE(again.maxParallelBox()->value(), 7);
    QVERIFY(again.dryRunBox()->isChecked());
    QCOMPARE(again.options().partition, std::string("gpu"));
    ClusterDialog other(b, "1 run");
    QVERIFY(other.partitionEdit()->text().isEmpty());
    QCOMPARE(other.timeEdit()->text(), defaultTime);
    QVERIFY(!other.dryRunBox()->isChecked());
  }

  void refusalsAndDryRun() {
    QTemporaryDir dir;
    const QString path =
        writeProject(dir.path(), "refusals", {config("logistic", {{"kind", "logistic"}}, 2)});
    auto w = openWindow(path);
    QTRY_VERIFY_WITH_TIMEOUT(w->session()->hasProject(), 20000);
    ClusterMonitor* m = w->clusterMonitor();
    const QString folder = dir.path() + "/refusals.cluster";

    // No sbatch on PATH: said at once, nothing written.
    const QByteArray path0 = qgetenv("PATH");
    qputenv("PATH", "/nonexistent");
    QString why = m->submit({"r1"}, {}, false);
    qputenv("PATH", path0);
    QVERIFY2(why.contains("sbatch is not on PATH"), qPrintable(why));
    QVERIFY(!QDir(folder).exists());
    // Bad options are named.
    SlurmOptions bad;
    bad.time = "soon";
    why = m->submit({"r1"}, bad, false);
    QVERIFY2(why.contains("--time 'soon'"), qPrintable(why));
    // An unsaved project: submit refuses, "Run on cluster…" asks to save first (no: nothing).
    w->renameRun("r1", "renamed");
    QVERIFY(w->session()->isModified());
    why = m->submit({"r1"}, {}, false);
    QVERIFY2(why.contains("save it first"), qPrintable(why));
    QString asked;
    m->setSavePrompt([&](const QString& q) {
      asked = q;
      return false;
    });
    QCOMPARE(m->runOnCluster({"r1"}), QString());
    QVERIFY2(asked.contains("must be saved first"), qPrintable(asked));
    QVERIFY(!QDir(folder).exists());
    QVERIFY(w->saveProject(path));

    // Dry run: the specs, the script, the sbatch line and the folder; nothing submitted.
    QSignalSpy submitted(m, &ClusterMonitor::submitted);
    SlurmOptions o;
    o.time = "10";
    o.maxParallel = 1;
    QCOMPARE(m->submit({"r1"}, o, true), QString());
    QVERIFY(submitted.wait(30000));
    QVERIFY(submitted.at(0).at(0).toBool());
    const QString text = submitted.at(0).at(1).toString();
    QVERIFY2(text.contains("2 fit tasks written to " + folder + "/tasks"), qPrintable(text));
    QVERIFY2(text.contains("sbatch --parsable --array=0-1%1 " + folder + "/submit-1.sbatch"),
             qPrintable(text));
    QVERIFY(QFile::exists(folder + "/tasks/r1_fold2.json"));
    QVERIFY(!QFile::exists(folder + "/state.json"));
  }

  void submitWatchReopenCollect() {
    QTemporaryDir dir;
    const std::vector<RunConfig> runs{
        config("logistic", {{"kind", "logistic"}, {"max_iterations", 30}}, 2),
        config("gbdt", {{"kind", "gbdt"}, {"trees", 15}}, 2)};
    const QString path = writeProject(dir.path(), "cluster", runs);
    const QString local = writeProject(dir.path(), "local", runs);
    QProcess cli;
    cli.start(cliPath(), {"run", local, "--save", "--quiet"});
    QVERIFY(cli.waitForFinished(300000));
    QVERIFY2(cli.exitCode() == 0, cli.readAllStandardError().constData());

    std::set<QString> seen;  // every status a run showed
    {
      auto w = openWindow(path);
      QTRY_VERIFY_WITH_TIMEOUT(w->session()->hasProject(), 20000);
      ClusterMonitor* m = w->clusterMonitor();
      QVERIFY(!m->polling());  // nothing submitted yet
      gui_test::StallTicker ticker;
      ticker.start();
      QSignalSpy submitted(m, &ClusterMonitor::submitted);
      SlurmOptions o;
      o.maxParallel = 1;  // one task at a time: the second run waits in the queue
      QCOMPARE(m->submit({"r1", "r2"}, o, false), QString());
      QVERIFY(submitted.wait(30000));
      QVERIFY2(submitted.at(0).at(0).toBool(), qPrintable(submitted.at(0).at(1).toString()));
      QVERIFY(QFile::exists(dir.path() + "/cluster.cluster/state.json"));
      connect(m, &ClusterMonitor::polled, this, [&] {
        for (const QString id : {"r1", "r2"}) seen.insert(statusOf(*w, id));
      });
      // Queued or running on the cluster, then (after a task) running with 1 of 2 done or the
      // second run still queued.
      QTRY_VERIFY_WITH_TIMEOUT(statusOf(*w, "r2").startsWith("queued on cluster"), 20000);
      QVERIFY(m->polling());
      QTRY_VERIFY_WITH_TIMEOUT(
          statusOf(*w, "r1").startsWith("running on cluster (1 of 2 tasks done)"), 60000);
      ticker.stop();
      qInfo("largest event-loop gap while the window polled Slurm: %s",
            qPrintable(ticker.describe()));
      IMBW_VERIFY_LATENCY(ticker.maxGap() < test::kEventLoopGapBoundMs,
                          qPrintable(ticker.describe()));
    }  // the window closes while the tasks wait or run

    // Reopened: the states come back from NAME.cluster/ and Slurm, and watching resumes.
    auto w = openWindow(path);
    QTRY_VERIFY_WITH_TIMEOUT(w->clusterMonitor()->polling() ||
                                 statusOf(*w, "r2").contains("on cluster") ||
                                 statusOf(*w, "r2") == "done",
                             20000);
    connect(w->clusterMonitor(), &ClusterMonitor::polled, this, [&] {
      for (const QString id : {"r1", "r2"}) seen.insert(statusOf(*w, id));
    });
    QTRY_VERIFY_WITH_TIMEOUT(statusOf(*w, "r1") == "done" && statusOf(*w, "r2") == "done", 120000);
    QVERIFY(!w->clusterMonitor()->polling());  // nothing left to watch
    QString all;
    for (const QString& s : seen) all += s + " | ";
    QVERIFY2(seen.count("queued on cluster (0 of 2 tasks done)") == 1, qPrintable(all));
    QVERIFY2(seen.count("running on cluster (1 of 2 tasks done)") == 1, qPrintable(all));
    // Curves appear.
    QTRY_COMPARE_WITH_TIMEOUT(w->plottedRuns().size(), 2, 30000);
    for (const RunPlotData& d : w->plottedRuns()) QVERIFY(d.pr.size() > 10 && d.roc.size() > 10);

    // The same scores as `run --save`, bit for bit (saved by the window, read with HDF5's C API).
    QVERIFY(w->session()->isModified());
    QVERIFY(w->saveProject(path));
    const QString a = dir.path() + "/cluster.results.h5", b = dir.path() + "/local.results.h5";
    for (const QString run : {"r1", "r2"})
      for (const QString col :
           {"heldout/score", "heldout/fold", "heldout/event", "training/score", "training/row"}) {
        const auto x = cli_test::readColumn(a, "runs/" + run + "/" + col);
        const auto y = cli_test::readColumn(b, "runs/" + run + "/" + col);
        QVERIFY2(!x.empty() && sameBits(x, y), qPrintable(run + " " + col));
      }
    const Project cp = Project::load(path.toStdString()), lp = Project::load(local.toStdString());
    for (std::size_t i = 0; i < 2; ++i) {
      QVERIFY(cp.runs[i].status == RunStatus::Done);
      QCOMPARE(cp.runs[i].aggregate.at("ap").mean, lp.runs[i].aggregate.at("ap").mean);
      QCOMPARE(cp.runs[i].aggregate.at("auc").mean, lp.runs[i].aggregate.at("auc").mean);
    }
  }

  void failingTaskShowsFailedWithItsLog() {
    QTemporaryDir dir;
    RunConfig broken = config("no such feature", {{"kind", "logistic"}}, 2);
    broken.features = {"nope"};
    const QString path = writeProject(dir.path(), "failing", {broken});
    auto w = openWindow(path);
    QTRY_VERIFY_WITH_TIMEOUT(w->session()->hasProject(), 20000);
    QSignalSpy submitted(w->clusterMonitor(), &ClusterMonitor::submitted);
    QCOMPARE(w->clusterMonitor()->submit({"r1"}, {}, false), QString());
    QVERIFY(submitted.wait(30000));
    QVERIFY2(submitted.at(0).at(0).toBool(), qPrintable(submitted.at(0).at(1).toString()));
    QTRY_VERIFY_WITH_TIMEOUT(statusOf(*w, "r1").startsWith("failed on cluster"), 60000);
    const QString s = statusOf(*w, "r1");
    QVERIFY2(s.contains("2 of 2 tasks failed: fold 1: ") && s.contains("unknown column 'nope'"),
             qPrintable(s));
    QVERIFY2(s.contains("log " + dir.path() + "/failing.cluster/logs/"), qPrintable(s));
    QVERIFY2(s.contains("imbalance-cli task: error:"), qPrintable(s));  // the log's last lines
    // The same merge as `collect`: the run is failed in the project, with the tasks' messages.
    const ProjectRun* run = w->session()->project().findRun("r1");
    QVERIFY(run && run->status == RunStatus::Failed);
    QVERIFY2(run->message.find("every fit task failed on the cluster") == 0, run->message.c_str());
    QVERIFY(!w->clusterMonitor()->polling());
  }

  void cancelOnlyTheSelectedRun() {
    QTemporaryDir dir;
    const std::vector<RunConfig> runs{config("gbdt A", {{"kind", "gbdt"}, {"trees", 15}}, 2),
                                      config("gbdt B", {{"kind", "gbdt"}, {"trees", 15}}, 2)};
    const QString path = writeProject(dir.path(), "cancel", runs);
    auto w = openWindow(path);
    QTRY_VERIFY_WITH_TIMEOUT(w->session()->hasProject(), 20000);
    ClusterMonitor* m = w->clusterMonitor();
    QSignalSpy submitted(m, &ClusterMonitor::submitted);
    SlurmOptions o;
    o.maxParallel = 1;  // r2's tasks wait behind r1's
    QCOMPARE(m->submit({"r1", "r2"}, o, false), QString());
    QVERIFY(submitted.wait(30000));
    const QString job = jobOf(submitted.at(0).at(1).toString());
    QVERIFY2(!job.isEmpty(), qPrintable(submitted.at(0).at(1).toString()));
    QTRY_VERIFY_WITH_TIMEOUT(statusOf(*w, "r2").startsWith("queued on cluster"), 20000);

    // Run ▸ Cancel on cluster with r2 selected: only r2's array tasks.
    QSignalSpy cancelled(m, &ClusterMonitor::cancelled);
    w->selectRuns({"r2"});
    QAction* cancel = menuAction(*w, "Cancel on cl&uster");
    QVERIFY(cancel);
    cancel->trigger();
    QVERIFY(cancelled.wait(30000));
    QVERIFY(cancelled.at(0).at(0).toBool());
    QCOMPARE(cancelled.at(0).at(1).toString(),
             "Cancelled on the cluster: array tasks " + job + "_2, " + job + "_3");
    QTRY_VERIFY_WITH_TIMEOUT(statusOf(*w, "r1") == "done", 120000);
    QTRY_COMPARE_WITH_TIMEOUT(statusOf(*w, "r2"),
                              QString("cancelled on cluster (0 of 2 tasks done)"), 30000);
    // The label follows the tasks' state; the project's record follows at the next collect.
    QTRY_VERIFY_WITH_TIMEOUT(w->session()->project().findRun("r2")->status == RunStatus::Cancelled,
                             30000);
    const ProjectRun* r2 = w->session()->project().findRun("r2");
    QVERIFY2(r2->message.find("cancelled on the cluster") == 0, r2->message.c_str());
    QVERIFY(w->session()->project().findRun("r1")->status == RunStatus::Done);
    QTRY_VERIFY_WITH_TIMEOUT(!m->polling(), 20000);
  }

  void aTaskKilledForMemoryShowsSo() {
    QTemporaryDir dir;
    const QString path =
        writeProject(dir.path(), "oom", {config("gbdt", {{"kind", "gbdt"}, {"trees", 2000}}, 2)});
    auto w = openWindow(path);
    QTRY_VERIFY_WITH_TIMEOUT(w->session()->hasProject(), 20000);
    QSignalSpy submitted(w->clusterMonitor(), &ClusterMonitor::submitted);
    SlurmOptions o;
    o.memory = "20M";  // far below what a fit task of the example holds
    QCOMPARE(w->clusterMonitor()->submit({"r1"}, o, false), QString());
    QVERIFY(submitted.wait(30000));
    QVERIFY2(submitted.at(0).at(0).toBool(), qPrintable(submitted.at(0).at(1).toString()));
    QTRY_VERIFY_WITH_TIMEOUT(statusOf(*w, "r1").startsWith("failed on cluster"), 60000);
    const QString s = statusOf(*w, "r1");
    // Slurm samples a task's memory once a second, so which of the two folds' tasks it kills
    // first is not fixed (2000 trees keep each running for seconds, so at least one is seen).
    QVERIFY2(
        QRegularExpression("fold [12]: killed by Slurm: out of memory \\(give more with --mem\\)")
            .match(s)
            .hasMatch(),
        qPrintable(s));
    QVERIFY2(s.contains("log " + dir.path() + "/oom.cluster/logs/"), qPrintable(s));
    QVERIFY2(s.contains("exceeded memory limit"), qPrintable(s));  // slurmstepd, in the log
  }

  void scanFromTheScanPanel() {
    QTemporaryDir dir;
    const QString path =
        writeProject(dir.path(), "scan", {config("gbdt", {{"kind", "gbdt"}, {"trees", 15}}, 2)});
    auto w = std::make_unique<MainWindow>();
    w->setUnsavedPrompt([](const QString&) { return MainWindow::UnsavedChoice::Discard; });
    w->show();
    w->clusterMonitor()->setInterval(500);
    QSignalSpy yields(w.get(), &MainWindow::yieldsUpdated);  // a scan needs the cut's yields
    w->openFile(path);
    QVERIFY(yields.wait(120000));
    Q_EMIT w->runsPanel()->useConfigurationRequested("r1");  // the panels: GBDT, 2 folds
    auto* panel = w->findChild<ScanPanel*>();
    QVERIFY(panel);
    panel->setGridText({0.25, 0.75}, {1.0});
    w->clusterMonitor()->setSavePrompt([](const QString&) { return true; });
    QSignalSpy submitted(w->clusterMonitor(), &ClusterMonitor::submitted);
    acceptClusterDialogSoon();
    auto* button = panel->findChild<QPushButton*>("scanOnClusterButton");
    QVERIFY(button);
    button->click();
    QVERIFY(submitted.wait(30000));
    QVERIFY2(submitted.at(0).at(0).toBool(), qPrintable(submitted.at(0).at(1).toString()));
    QVERIFY2(submitted.at(0).at(1).toString().contains(": 4 fit tasks"),
             qPrintable(submitted.at(0).at(1).toString()));  // one array: 2 runs × 2 folds
    // The scan and its runs are in the project (saved before submitting), like a local scan.
    const Project saved = Project::load(path.toStdString());
    QCOMPARE(saved.scans.size(), std::size_t{1});
    QCOMPARE(saved.runs.size(), std::size_t{3});
    QVERIFY(saved.runs[1].scan && saved.runs[1].scan->scanId == "s1");
    QCOMPARE(saved.runs[1].scan->alpha, 0.25);
    QCOMPARE(saved.runs[2].scan->alpha, 0.75);
    QVERIFY(saved.runs[2].config.loss.kind == LossKind::Focal);
    QCOMPARE(saved.runs[2].config.loss.gamma, 1.0);
    // The heat map shows the scan, its cells waiting, then filled as the results come in.
    AlphaGammaHeatMap* map = w->heatMap();
    QCOMPARE(map->alphas(), QList<double>({0.25, 0.75}));
    QTRY_VERIFY_WITH_TIMEOUT(statusOf(*w, "r2").contains("on cluster") || map->filledCells() > 0,
                             20000);
    QCOMPARE(map->runKey(0, 0), QString("r2"));  // a waiting cell names its run too
    QTRY_COMPARE_WITH_TIMEOUT(map->filledCells(), 2, 120000);
    QVERIFY(std::isfinite(map->value(1, 0)));
    QCOMPARE(statusOf(*w, "r3"), QString("done"));
  }
};

QTEST_MAIN(TestClusterWindow)
#include "test_cluster_window.moc"
