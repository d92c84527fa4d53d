// imbalance-cli submit / status / collect against a real Slurm: the one-node cluster of
// packaging/slurm/cluster.sh, started by the ctest fixture slurm_cluster (and stopped by it,
// also when a test fails). Label "slurm". Without Slurm the fixture fails and so does this suite.
//  - runs sent as one job array, waited for, collected: the same scores bit for bit and the
//    same fold metrics as `run --save` of the same project on this machine; collecting again
//    changes nothing;
//  - a failing task is reported as failed with its message and its log's last lines, and
//    collect marks the run whose tasks all failed as failed;
//  - scancel mid-way: the project stays consistent (finished folds in, the rest "cancelled"),
//    and --resubmit-failed completes it;
//  - `cancel --runs` cancels only those runs' array tasks: the others finish and are collected,
//    the cancelled run says so;
//  - a task over its --mem is killed by Slurm (jobacct_gather/linux with OverMemoryKill, no
//    cgroups) and `status` says so, with its log named and slurmstepd's words from it.

#include <QtTest/QtTest>

#include <QProcess>
#include <QRegularExpression>
#include <cmath>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/app/cli/h5_column.h"

using nlohmann::json;

namespace {

struct Result {
  int code = -1;
  QString out, err;
};

Result cli(const QStringList& args, int timeoutMs = 300000) {
  QProcess p;
  p.start(IMBW_CLI_PATH, args);
  if (!p.waitForFinished(timeoutMs)) {
    p.kill();
    p.waitForFinished();
  }
  return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
          QString::fromUtf8(p.readAllStandardOutput()),
          QString::fromUtf8(p.readAllStandardError())};
}

Result program(const QString& name, const QStringList& args) {
  QProcess p;
  p.start(name, args);
  p.waitForFinished(60000);
  return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()),
          QString::fromUtf8(p.readAllStandardError())};
}

/// The bundled example's analysis with `runs` (3 folds each unless given), the sample by its
/// absolute path, as DIR/NAME.json.
QString writeProject(const QString& dir, const QString& name, const json& runs) {
  std::ifstream in(std::string(IMBW_TEST_SOURCE_DIR) + "/resources/examples/ww/ww.analysis.json");
  json j = json::parse(in);
  j["samples"][0]["path"] =
      std::string(IMBW_TEST_SOURCE_DIR) + "/resources/examples/ww/ww_polarization_01.h5";
  j["runs"] = runs;
  const QString path = dir + "/" + name + ".json";
  std::ofstream(path.toStdString()) << j.dump(1);
  return path;
}

/// A --mem far below what a fit task of the example needs (its process alone holds more).
const char* const kSmallMemory = "20M";

QString jobIdOf(const Result& submit) {
  const auto m = QRegularExpression("submitted job array (\\d+)").match(submit.out);
  return m.hasMatch() ? m.captured(1) : QString();
}

/// Polls `status` until no task is pending or running (or `timeoutS` passes); returns the
/// last status.
Result waitForTasks(const QString& project, int timeoutS = 400) {
  Result st;
  QElapsedTimer t;
  t.start();
  while (t.elapsed() < timeoutS * 1000LL) {
    st = cli({"status", project});
    if (!st.out.contains(" pending") && !st.out.contains(" running")) return st;
    QThread::msleep(1000);
  }
  return st;
}

bool sameBits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

json runsOf(const QString& project) {
  std::ifstream in(project.toStdString());
  return json::parse(in).at("runs");
}

}  // namespace

class TestCliSlurm : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void initTestCase() {
    const QString conf = QString(IMBW_SLURM_SCRATCH) + "/slurm.conf";
    if (!QFile::exists(conf))
      QFAIL(qPrintable("no Slurm cluster: " + conf +
                       " is missing (the fixture slurm_cluster_start runs packaging/slurm/"
                       "cluster.sh; Slurm must be installed: packaging/install-deps.sh)"));
    qputenv("SLURM_CONF", conf.toUtf8());
    const Result ping = program("scontrol", {"ping"});
    QVERIFY2(ping.code == 0 && ping.out.contains("UP"), qPrintable(ping.out + ping.err));
  }

  void arrayResultsEqualALocalRun() {
    QTemporaryDir dir;
    const json runs =
        json::array({{{"name", "GBDT"},
                      {"model", {{"kind", "gbdt"}, {"trees", 30}}},
                      {"folds", 3},
                      {"threads", 1}},
                     {{"name", "forest"},
                      {"model", {{"kind", "random_forest"}, {"trees", 20}, {"max_depth", 6}}},
                      {"folds", 3},
                      {"threads", 1}}});
    const QString project = writeProject(dir.path(), "cluster", runs);
    const QString local = writeProject(dir.path(), "local", runs);
    Result r = cli({"run", local, "--save", "--quiet"});
    QVERIFY2(r.code == 0, qPrintable(r.err));

    r = cli({"submit", project, "--slurm", "--max-parallel", "2", "--time", "10"});
    QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
    const QString job = jobIdOf(r);
    QVERIFY2(!job.isEmpty(), qPrintable(r.out));
    QVERIFY(QFile::exists(dir.path() + "/cluster.cluster/submit-1.sbatch"));
    QVERIFY(QFile::exists(dir.path() + "/cluster.cluster/tasks/r2_fold3.json"));
    r = waitForTasks(project);
    QVERIFY2(r.code == 0 && r.out.contains("tasks: 6 done"), qPrintable(r.out + r.err));

    r = cli({"collect", project});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QVERIFY2(r.out.contains("r1  GBDT: 3 of 3 folds (done)"), qPrintable(r.out));
    QVERIFY(r.out.contains("r2  forest: 3 of 3 folds (done)"));

    const QString a = dir.path() + "/cluster.results.h5", b = dir.path() + "/local.results.h5";
    for (const QString run : {"r1", "r2"}) {
      for (const QString col :
           {"heldout/score", "heldout/fold", "heldout/event", "training/score", "training/row"}) {
        const auto x = cli_test::readColumn(a, "runs/" + run + "/" + col);
        const auto y = cli_test::readColumn(b, "runs/" + run + "/" + col);
        QVERIFY2(!x.empty() && sameBits(x, y), qPrintable(run + " " + col));
      }
    }
    const json ca = runsOf(project), cb = runsOf(local);
    for (std::size_t i = 0; i < 2; ++i) {
      QCOMPARE(ca[i].at("status").get<std::string>(), std::string("done"));
      for (std::size_t k = 0; k < 3; ++k) {
        json ma = ca[i]["folds"][k]["metrics"], mb = cb[i]["folds"][k]["metrics"];
        ma.erase("fit_seconds");
        mb.erase("fit_seconds");
        QCOMPARE(ma.dump(), mb.dump());
      }
    }
    // Collecting again changes nothing.
    std::ifstream in(project.toStdString());
    const std::string before((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
    r = cli({"collect", project});
    QCOMPARE(r.code, 0);
    std::ifstream again(project.toStdString());
    const std::string after((std::istreambuf_iterator<char>(again)),
                            std::istreambuf_iterator<char>());
    QCOMPARE(after, before);
  }

  // A project moved with its NAME.cluster folder after its tasks finished: status and collect
  // say where it was submitted and what that means, and collect merges the finished results
  // from the moved folder.
  void aMovedProjectIsCollectedWithAWarning() {
    QTemporaryDir dir;
    const json runs = json::array({{{"name", "GBDT"},
                                    {"model", {{"kind", "gbdt"}, {"trees", 10}}},
                                    {"folds", 2},
                                    {"threads", 1}}});
    const QString project = writeProject(dir.path(), "moving", runs);
    Result r = cli({"submit", project, "--slurm", "--time", "10"});
    QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
    r = waitForTasks(project);
    QVERIFY2(r.code == 0 && r.out.contains("tasks: 2 done"), qPrintable(r.out + r.err));
    QVERIFY(QDir().mkpath(dir.path() + "/elsewhere"));
    const QString moved = dir.path() + "/elsewhere/moving.json";
    QVERIFY(QFile::rename(project, moved));
    QVERIFY(
        QDir().rename(dir.path() + "/moving.cluster", dir.path() + "/elsewhere/moving.cluster"));
    const QString warning =
        "the tasks were submitted for '" + project + "', and the project is now '" + moved + "'";
    r = cli({"status", moved});
    QVERIFY2(r.code == 0 && r.err.contains(warning), qPrintable(r.out + r.err));
    QVERIFY2(r.out.contains("tasks: 2 done"), qPrintable(r.out));
    r = cli({"collect", moved});
    QVERIFY2(r.code == 0 && r.err.contains(warning), qPrintable(r.out + r.err));
    QVERIFY2(r.out.contains("r1  GBDT: 2 of 2 folds (done)"), qPrintable(r.out));
    QCOMPARE(runsOf(moved)[0].at("status").get<std::string>(), std::string("done"));
    QVERIFY(
        !cli_test::readColumn(dir.path() + "/elsewhere/moving.results.h5", "runs/r1/heldout/score")
             .empty());
  }

  void aFailingTaskIsReportedWithItsLog() {
    QTemporaryDir dir;
    const json runs = json::array({{{"name", "no such feature"},
                                    {"model", {{"kind", "logistic"}}},
                                    {"features", {"nope"}},
                                    {"folds", 2}}});
    const QString project = writeProject(dir.path(), "failing", runs);
    Result r = cli({"submit", project, "--slurm"});
    QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
    const QString job = jobIdOf(r);
    r = waitForTasks(project);
    QCOMPARE(r.code, 3);
    QVERIFY2(r.out.contains("tasks: 2 failed"), qPrintable(r.out));
    QVERIFY(r.out.contains("r1 fold 1  job " + job + "_0  failed"));
    QVERIFY2(r.out.contains("unknown column 'nope'"), qPrintable(r.out));
    QVERIFY(r.out.contains("log: " + dir.path() + "/failing.cluster/logs/" + job + "_0.log"));
    QVERIFY(r.out.contains("    | imbalance-cli task: error:"));
    // collect marks the run whose tasks all failed as failed, with the tasks' messages.
    r = cli({"collect", project});
    QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
    QVERIFY2(r.out.contains("r1  no such feature: failed: every fit task failed on the cluster: "
                            "fold 1: "),
             qPrintable(r.out));
    const json run = runsOf(project).at(0);
    QCOMPARE(run.at("status").get<std::string>(), std::string("failed"));
    const std::string message = run.at("message").get<std::string>();
    QVERIFY2(message.find("unknown column 'nope'") != std::string::npos, message.c_str());
    QVERIFY(message.find("fold 2: ") != std::string::npos);
    QVERIFY(message.find("(log " + (dir.path() + "/failing.cluster/logs/" + job).toStdString() +
                         "_0.log)") != std::string::npos);
    r = cli({"submit", project, "--slurm", "--resubmit-failed", "--dry-run"});
    QVERIFY2(r.code == 0 && r.out.startsWith("2 fit tasks written"), qPrintable(r.out + r.err));
    QVERIFY(r.out.contains("--array=0-1 "));
  }

  void refusalsAreNamed() {
    QTemporaryDir dir;
    const json runs = json::array({{{"name", "logistic"}, {"model", {{"kind", "logistic"}}}}});
    const QString project = writeProject(dir.path(), "refused", runs);
    // sbatch not on PATH: said before anything is written.
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("PATH", dir.path());
    p.setProcessEnvironment(env);
    p.start(IMBW_CLI_PATH, {"submit", project, "--slurm"});
    QVERIFY(p.waitForFinished(60000));
    QCOMPARE(p.exitCode(), 1);
    const QString err = QString::fromUtf8(p.readAllStandardError());
    QVERIFY2(err.contains("sbatch is not on PATH"), qPrintable(err));
    QVERIFY(!QFile::exists(dir.path() + "/refused.cluster/state.json"));
    // Slurm refuses the submission (no such partition): its words and the script are named.
    Result r = cli({"submit", project, "--slurm", "--partition", "nosuch"});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains("sbatch refused the submission") && r.err.contains("partition"),
             qPrintable(r.err));
    QVERIFY(r.err.contains(dir.path() + "/refused.cluster/submit-1.sbatch"));
    QVERIFY(!QFile::exists(dir.path() + "/refused.cluster/state.json"));
    // A bad --time is refused before anything is written.
    r = cli({"submit", project, "--slurm", "--time", "soon"});
    QCOMPARE(r.code, 1);
    QVERIFY(r.err.contains("--time 'soon'"));
  }

  void scancelMidwayLeavesTheProjectConsistent() {
    QTemporaryDir dir;
    json runs = json::array();
    for (int i = 0; i < 3; ++i)
      runs.push_back({{"name", "GBDT " + std::to_string(i + 1)},
                      {"model", {{"kind", "gbdt"}, {"trees", 300}, {"learning_rate", 0.05}}},
                      {"folds", 2},
                      {"seed", i + 1},
                      {"threads", 1}});
    const QString project = writeProject(dir.path(), "cancel", runs);
    Result r = cli({"submit", project, "--slurm", "--max-parallel", "1"});
    QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
    const QString job = jobIdOf(r);
    QElapsedTimer t;
    t.start();
    while (!QFile::exists(dir.path() + "/cancel.cluster/results/r1_fold1.h5") &&
           t.elapsed() < 300000)
      QThread::msleep(200);
    QVERIFY(QFile::exists(dir.path() + "/cancel.cluster/results/r1_fold1.h5"));
    QCOMPARE(program("scancel", {job}).code, 0);
    while (!program("squeue", {"-h", "-j", job}).out.trimmed().isEmpty() && t.elapsed() < 360000)
      QThread::msleep(500);
    r = cli({"status", project});
    QCOMPARE(r.code, 3);
    QVERIFY2(r.out.contains("r1 fold 1  job " + job + "_0  done"), qPrintable(r.out));
    QVERIFY2(r.out.contains("r3 fold 2  job " + job + "_5  cancelled"), qPrintable(r.out));

    r = cli({"collect", project});
    QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
    json j = runsOf(project);
    const std::string s1 = j[0].at("status").get<std::string>();
    QVERIFY(s1 == "done" || s1 == "cancelled");
    if (s1 == "cancelled")
      QCOMPARE(j[0].at("message").get<std::string>(),
               std::string("1 of 2 folds collected from fit tasks"));
    QCOMPARE(j[2].at("status").get<std::string>(), std::string("cancelled"));
    QCOMPARE(j[2].at("message").get<std::string>(),
             std::string("cancelled on the cluster before any fold finished (2 of 2 tasks "
                         "cancelled)"));
    r = cli({"report", project, "--format", "json"});  // the project and its sidecar open
    QVERIFY2(r.code == 0, qPrintable(r.err));

    r = cli({"submit", project, "--slurm", "--resubmit-failed", "--max-parallel", "2"});
    QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
    r = waitForTasks(project);
    QVERIFY2(r.code == 0 && r.out.contains("tasks: 6 done"), qPrintable(r.out));
    r = cli({"collect", project});
    QCOMPARE(r.code, 0);
    j = runsOf(project);
    for (int i = 0; i < 3; ++i) QCOMPARE(j[i].at("status").get<std::string>(), std::string("done"));
  }

  void cancelOnlyTheGivenRuns() {
    QTemporaryDir dir;
    json runs = json::array();
    for (int i = 0; i < 3; ++i)
      runs.push_back({{"name", "GBDT " + std::to_string(i + 1)},
                      {"model", {{"kind", "gbdt"}, {"trees", 20}}},
                      {"folds", 2},
                      {"seed", i + 1},
                      {"threads", 1}});
    const QString project = writeProject(dir.path(), "some", runs);
    Result r = cli({"submit", project, "--slurm", "--max-parallel", "2"});
    QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
    const QString job = jobIdOf(r);
    // r2's tasks (array tasks 2 and 3) wait behind r1's when they are cancelled.
    r = cli({"cancel", project, "--runs", "r2"});
    QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
    QVERIFY2(r.out.startsWith("cancelled 2 array tasks: " + job + "_2 " + job + "_3\n"),
             qPrintable(r.out));
    // A run that was not submitted is named.
    r = cli({"cancel", project, "--runs", "r9"});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains("run 'r9' was not submitted to the cluster (submitted: r1,r2,r3)"),
             qPrintable(r.err));

    r = waitForTasks(project);
    QCOMPARE(r.code, 3);  // some task was cancelled
    QVERIFY2(r.out.contains("tasks: 4 done 2 cancelled"), qPrintable(r.out));
    QVERIFY(r.out.contains("r2 fold 1  job " + job + "_2  cancelled"));
    QVERIFY(r.out.contains("r2 fold 2  job " + job + "_3  cancelled"));
    QVERIFY(r.out.contains("r3 fold 2  job " + job + "_5  done"));
    r = cli({"collect", project});
    QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
    QVERIFY2(r.out.contains("r2  GBDT 2: cancelled on the cluster before any fold finished (2 "
                            "of 2 tasks cancelled)"),
             qPrintable(r.out));
    const json j = runsOf(project);
    QCOMPARE(j[0].at("status").get<std::string>(), std::string("done"));
    QCOMPARE(j[1].at("status").get<std::string>(), std::string("cancelled"));
    QCOMPARE(j[2].at("status").get<std::string>(), std::string("done"));
    // Nothing waits any more: cancelling again says so.
    r = cli({"cancel", project});
    QVERIFY2(r.code == 0 && r.out.contains("no task of the project waits or runs"),
             qPrintable(r.out + r.err));
  }

  void scanRunsAreMadeFromItsGrid() {
    // A scan with no runs yet: submit --scan makes them (core addScanRuns, as the window does).
    QTemporaryDir dir;
    const QString project = writeProject(dir.path(), "scan", json::array());
    std::ifstream in(project.toStdString());
    json j = json::parse(in);
    j["scans"] =
        json::array({{{"id", "s1"},
                      {"alphas", {0.25, 0.75}},
                      {"gammas", {0, 2}},
                      {"metric", "ap"},
                      {"run", {{"model", {{"kind", "gbdt"}, {"trees", 10}}}, {"folds", 2}}}}});
    std::ofstream(project.toStdString()) << j.dump(1);
    const Result r = cli({"submit", project, "--slurm", "--scan", "s1", "--dry-run"});
    QVERIFY2(r.code == 0 && r.out.startsWith("8 fit tasks written"), qPrintable(r.out + r.err));
    const json runs = runsOf(project);
    QCOMPARE(runs.size(), std::size_t{4});
    QCOMPARE(runs[1].at("name").get<std::string>(), std::string("gbdt scan s1 α=0.75 γ=0"));
    QCOMPARE(runs[2].at("scan").at("gamma").get<double>(), 2.0);
    QCOMPARE(runs[3].at("name").get<std::string>(), std::string("gbdt scan s1 α=0.75 γ=2"));
    QVERIFY(QFile::exists(dir.path() + "/scan.cluster/tasks/r4_fold2.json"));
  }

  void aTaskOverItsMemoryIsKilledAndSaidSo() {
    QTemporaryDir dir;
    // Long enough (seconds, not one) that Slurm's once-a-second memory sampling sees it.
    const json runs = json::array({{{"name", "GBDT"},
                                    {"model", {{"kind", "gbdt"}, {"trees", 3000}}},
                                    {"folds", 2},
                                    {"threads", 1}}});
    const QString project = writeProject(dir.path(), "oom", runs);
    Result r = cli({"submit", project, "--slurm", "--mem", kSmallMemory});
    QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
    const QString job = jobIdOf(r);
    r = waitForTasks(project);
    QCOMPARE(r.code, 3);
    QVERIFY2(r.out.contains("r1 fold 1  job " + job +
                            "_0  failed  (killed by Slurm: out of memory (give more with --mem))"),
             qPrintable(r.out));
    QVERIFY(r.out.contains("log: " + dir.path() + "/oom.cluster/logs/" + job + "_0.log"));
    QVERIFY2(r.out.contains(QRegularExpression("    \\| slurmstepd.*exceeded memory limit")),
             qPrintable(r.out));
    r = cli({"collect", project});
    QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
    const json run = runsOf(project).at(0);
    QCOMPARE(run.at("status").get<std::string>(), std::string("failed"));
    const std::string message = run.at("message").get<std::string>();
    QVERIFY2(message.find("fold 1: killed by Slurm: out of memory") != std::string::npos,
             message.c_str());
  }
};

QTEST_GUILESS_MAIN(TestCliSlurm)
#include "test_cli_slurm.moc"
