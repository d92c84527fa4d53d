// core/cluster against real Slurm output (tests/core/cluster/captures, written by capture.sh
// on a one-node Slurm 22.05): a job array of four tasks throttled to two (two running, two
// pending as one record), the same finished (task 3 failed with exit code 3), an array
// cancelled mid-way, a task killed at its time limit, a job Slurm does not know; the batch
// script runs in bash and picks the spec of its array task; the state file round-trips.
// Memory kills: a task over its --mem killed by the one-node cluster (no cgroups: jobacct_gather/
// linux with OverMemoryKill and CR_Core_Memory; FAILED, ExitCode=0:9 and slurmstepd's "exceeded
// memory limit" in its log), and, for clusters with task/cgroup, the captured FAILED record with
// the fields Slurm's documentation gives for an OOM kill put in (JobState=OUT_OF_MEMORY,
// Reason=OutOfMemory, ExitCode=0:125) and slurmstepd's cgroup messages in the log. Runs' states
// from their tasks, and a collect where every task of a run failed.

#include <QtTest/QtTest>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/cluster/cluster_jobs.h"
#include "core/cluster/cluster_state.h"
#include "core/cluster/slurm_script.h"
#include "core/cluster/slurm_status.h"
#include "core/util/error.h"

namespace fs = std::filesystem;

namespace {

std::string capture(const std::string& name) {
  const std::string path =
      std::string(IMBW_TEST_SOURCE_DIR) + "/tests/core/cluster/captures/" + name;
  std::ifstream in(path);
  if (!in) throw std::runtime_error("missing capture " + path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

class TestSlurmParse : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void sbatchParsable() {
    QCOMPARE(imbw::parseSbatchJobId(capture("sbatch_parsable.txt")), std::string("5"));
    QCOMPARE(imbw::parseSbatchJobId("1234;cluster\n"), std::string("1234"));
    QVERIFY_THROWS_EXCEPTION(imbw::Error,
                             imbw::parseSbatchJobId("sbatch: error: invalid partition\n"));
  }

  void arrayIndices() {
    QCOMPARE(imbw::parseArrayIndices("2-3%2"), (std::vector<int>{2, 3}));
    QCOMPARE(imbw::parseArrayIndices("[2-3%2]"), (std::vector<int>{2, 3}));
    QCOMPARE(imbw::parseArrayIndices("0,4-6"), (std::vector<int>{0, 4, 5, 6}));
    QCOMPARE(imbw::parseArrayIndices("7"), (std::vector<int>{7}));
    QVERIFY_THROWS_EXCEPTION(imbw::Error, imbw::parseArrayIndices("x"));
  }

  void runningArray() {
    const auto sq = imbw::parseSqueueLines(capture("squeue_running.txt"));
    QCOMPARE(sq.size(), std::size_t{3});
    QCOMPARE(sq[0].arrayJobId, std::string("5"));
    QCOMPARE(sq[0].indices, (std::vector<int>{2, 3}));
    QCOMPARE(sq[0].state, std::string("PENDING"));
    QCOMPARE(sq[0].reason, std::string("JobArrayTaskLimit"));
    QCOMPARE(sq[1].state, std::string("RUNNING"));
    QCOMPARE(sq[1].indices, (std::vector<int>{1}));

    const auto sc = imbw::parseScontrolJobs(capture("scontrol_running.txt"));
    QCOMPARE(sc.size(), std::size_t{3});
    const imbw::SlurmTaskRecord* pending = imbw::findRecord(sc, 3);
    QVERIFY(pending);
    QCOMPARE(pending->state, std::string("PENDING"));
    const auto st = imbw::classifyTask(false, std::nullopt, pending);
    QVERIFY(st.state == imbw::TaskState::Pending);
    QCOMPARE(st.detail, std::string("JobArrayTaskLimit"));
    QVERIFY(imbw::classifyTask(false, std::nullopt, imbw::findRecord(sc, 0)).state ==
            imbw::TaskState::Running);
    QVERIFY(!imbw::findRecord(sc, 4));
    QVERIFY(imbw::parseSqueueLines(capture("squeue_finished.txt")).empty());
  }

  void finishedArray() {
    const auto sc = imbw::parseScontrolJobs(capture("scontrol_finished.txt"));
    QCOMPARE(sc.size(), std::size_t{4});
    const imbw::SlurmTaskRecord* failed = imbw::findRecord(sc, 3);
    QCOMPARE(failed->state, std::string("FAILED"));
    QCOMPARE(failed->exitCode, 3);
    QCOMPARE(failed->reason, std::string("NonZeroExitCode"));
    QVERIFY(failed->stdOut.size() > 8 &&
            failed->stdOut.substr(failed->stdOut.size() - 8) == "/5_3.log");
    auto st = imbw::classifyTask(false, std::nullopt, failed);
    QVERIFY(st.state == imbw::TaskState::Failed);
    QVERIFY2(st.detail.find("exit code 3") != std::string::npos, st.detail.c_str());
    // The task's own message wins over Slurm's exit code.
    st = imbw::classifyTask(false, std::string("fit task: no feature 'x'\n"), failed);
    QCOMPARE(st.detail, std::string("fit task: no feature 'x'"));
    // Completed with a result: done; completed without one: failed, said so.
    const imbw::SlurmTaskRecord* ok = imbw::findRecord(sc, 0);
    QVERIFY(imbw::classifyTask(true, std::nullopt, ok).state == imbw::TaskState::Done);
    st = imbw::classifyTask(false, std::nullopt, ok);
    QVERIFY(st.state == imbw::TaskState::Failed);
    QVERIFY(st.detail.find("without") != std::string::npos);
  }

  void cancelledArray() {
    const auto sc = imbw::parseScontrolJobs(capture("scontrol_cancelled.txt"));
    QCOMPARE(sc.size(), std::size_t{2});
    for (int i : {0, 1, 2}) {
      const auto* r = imbw::findRecord(sc, i);
      QVERIFY(r);
      QCOMPARE(r->state, std::string("CANCELLED"));
      QVERIFY(imbw::classifyTask(false, std::nullopt, r).state == imbw::TaskState::Cancelled);
    }
    QCOMPARE(imbw::findRecord(sc, 0)->exitSignal, 15);
  }

  void killedAtTheTimeLimit() {
    const auto sc = imbw::parseScontrolJobs(capture("scontrol_timeout.txt"));
    QCOMPARE(sc.size(), std::size_t{1});
    QCOMPARE(sc[0].state, std::string("TIMEOUT"));
    QCOMPARE(sc[0].timeLimit, std::string("00:01:00"));
    const auto st = imbw::classifyTask(false, std::nullopt, &sc[0]);
    QVERIFY(st.state == imbw::TaskState::Failed);
    QVERIFY2(st.detail.find("time limit (00:01:00") != std::string::npos, st.detail.c_str());
    QVERIFY(capture("timeout_task.log").find("DUE TO TIME LIMIT") != std::string::npos);
  }

  void unknownJob() {
    QVERIFY(imbw::parseScontrolJobs(capture("scontrol_unknown.txt")).empty());
    QVERIFY(imbw::classifyTask(false, std::nullopt, nullptr).state == imbw::TaskState::Unknown);
    const auto st = imbw::classifyTask(false, std::string("boom"), nullptr);
    QVERIFY(st.state == imbw::TaskState::Failed);
    QCOMPARE(st.detail, std::string("boom"));
  }

  void capturedMemoryKill() {
    // A 400 MB task in a --mem=64M job, killed by the one-node cluster (capture.sh, step 5).
    const auto records = imbw::parseScontrolJobs(capture("scontrol_oom.txt"));
    QCOMPARE(records.size(), std::size_t(1));
    const imbw::SlurmTaskRecord& r = records[0];
    QCOMPARE(r.state, std::string("FAILED"));
    QCOMPARE(r.exitSignal, 9);
    const std::string log = capture("oom_task.log");
    QVERIFY(log.find("exceeded memory limit") != std::string::npos);
    QVERIFY(imbw::killedForMemory(r, log));
    const auto st = imbw::classifyTask(false, std::nullopt, &r, log);
    QVERIFY(st.state == imbw::TaskState::Failed);
    QCOMPARE(st.detail, std::string("killed by Slurm: out of memory (give more with --mem)"));
    // Without the log's words the same record is a kill by signal 9, not said to be memory.
    QVERIFY(!imbw::killedForMemory(r, ""));
  }

  void memoryKills() {
    // The captured failed task (exit code 3), with the fields of a cgroup OOM kill put in.
    const std::string failedLine =
        capture("scontrol_finished.txt").substr(0, capture("scontrol_finished.txt").find('\n'));
    QVERIFY(failedLine.find("JobState=FAILED Reason=NonZeroExitCode") != std::string::npos);
    const auto with = [&](const std::string& state, const std::string& reason,
                          const std::string& exit) {
      std::string l = failedLine;
      l.replace(l.find("JobState=FAILED"), 15, "JobState=" + state);
      l.replace(l.find("Reason=NonZeroExitCode"), 22, "Reason=" + reason);
      l.replace(l.find("ExitCode=3:0"), 12, "ExitCode=" + exit);
      auto records = imbw::parseScontrolJobs(l);
      if (records.size() != 1) throw std::runtime_error("no record in " + l);
      return records[0];
    };
    const std::string memory = "killed by Slurm: out of memory (give more with --mem)";
    const auto oom = with("OUT_OF_MEMORY", "OutOfMemory", "0:125");
    QCOMPARE(oom.exitSignal, 125);
    QCOMPARE(imbw::classifyTask(false, std::nullopt, &oom).detail, memory);
    // The reason alone, or the exit code 0:125 alone (Slurm's SIG_OOM), say memory too.
    const auto byReason = with("FAILED", "OutOfMemory", "0:9");
    QVERIFY(imbw::killedForMemory(byReason, ""));
    QCOMPARE(imbw::classifyTask(false, std::nullopt, &byReason).detail, memory);
    const auto byCode = with("FAILED", "NonZeroExitCode", "0:125");
    QCOMPARE(imbw::classifyTask(false, std::nullopt, &byCode).detail, memory);
    // Killed by signal 9: memory only when slurmstepd says so in the log.
    const auto killed = with("FAILED", "NonZeroExitCode", "0:9");
    QVERIFY(!imbw::killedForMemory(killed, "imbalance-cli task ...\n"));
    auto st = imbw::classifyTask(false, std::nullopt, &killed, "imbalance-cli task ...\n");
    QCOMPARE(st.detail, std::string("Slurm state FAILED, killed by signal 9 (NonZeroExitCode)"));
    const std::string cgroupLog =
        "slurmstepd: error: Detected 1 oom_kill event in StepId=12.batch. Some of your "
        "processes may have been killed by the cgroup out-of-memory handler.\n";
    QCOMPARE(imbw::classifyTask(false, std::nullopt, &killed, cgroupLog).detail, memory);
    const std::string acctLog =
        "slurmstepd: error: Job 12 exceeded memory limit (1048576 > 65536), being killed\n";
    QCOMPARE(imbw::classifyTask(false, std::nullopt, &killed, acctLog).detail, memory);
    // A task that wrote its own message failed by itself; a result is done whatever Slurm says.
    QCOMPARE(imbw::classifyTask(false, std::string("bad feature"), &killed, acctLog).detail,
             std::string("bad feature"));
    QVERIFY(imbw::classifyTask(true, std::nullopt, &oom).state == imbw::TaskState::Done);
    // The captured cancelled and timed-out tasks are not memory kills.
    for (const auto& r : imbw::parseScontrolJobs(capture("scontrol_cancelled.txt")))
      QVERIFY(!imbw::killedForMemory(r, ""));
    const auto to = imbw::parseScontrolJobs(capture("scontrol_timeout.txt"));
    QVERIFY(!imbw::killedForMemory(to[0], capture("timeout_task.log")));
  }

  void runStatesAndAllFailedCollect() {
    using imbw::TaskState;
    const auto row = [](const std::string& run, int fold, TaskState s, const std::string& why) {
      imbw::ClusterTaskRow r;
      r.jobId = "7";
      r.task = {fold,
                "/x/tasks/" + run + ".json",
                "/nonexistent/" + run + std::to_string(fold) + ".h5",
                "/x/logs/7_" + run + std::to_string(fold) + ".log",
                run,
                fold};
      r.status = {s, why};
      return r;
    };
    const std::vector<imbw::ClusterTaskRow> rows{
        row("r1", 0, TaskState::Failed, "unknown column 'nope'\n"),
        row("r1", 1, TaskState::Failed, "killed by Slurm: out of memory (give more with --mem)"),
        row("r2", 0, TaskState::Done, ""),
        row("r2", 1, TaskState::Running, ""),
        row("r3", 0, TaskState::Pending, "JobArrayTaskLimit"),
        row("r4", 0, TaskState::Cancelled, "cancelled (scancel)"),
        row("r4", 1, TaskState::Failed, "boom")};
    const auto states = imbw::clusterRunStates(rows);
    QCOMPARE(states.size(), std::size_t{4});
    using P = imbw::ClusterRunState::Phase;
    QVERIFY(states[0].phase == P::Failed);
    QCOMPARE(states[0].failed, 2);
    QCOMPARE(states[0].message, std::string("fold 1: unknown column 'nope'; fold 2: killed by "
                                            "Slurm: out of memory (give more with --mem)"));
    QCOMPARE(states[0].log, std::string("/x/logs/7_r10.log"));
    QVERIFY(states[1].phase == P::Running);
    QCOMPARE(states[1].text(), std::string("running on cluster (1 of 2 tasks done)"));
    QVERIFY(states[2].phase == P::Queued);
    QCOMPARE(states[2].text(), std::string("queued on cluster (0 of 1 tasks done)"));
    QVERIFY(states[3].phase == P::Failed);

    // collect: r1 (every task failed) becomes failed with its tasks' messages; r2 (one task
    // running, no result file here) and r3 (waiting) are left as they were; r4 has a cancelled
    // task and none finished, so it is cancelled (not failed), saying so.
    imbw::Project project;
    for (const char* id : {"r1", "r2", "r3", "r4"}) {
      imbw::ProjectRun run;
      run.id = id;
      run.config.name = std::string("run ") + id;
      project.runs.push_back(run);
    }
    // r2's running task has written its result file since the query (here: a file that is not
    // a result at all): collect reads only the results of tasks the query saw done, so the
    // file is not opened and the run stays as the states say until the next poll.
    QTemporaryDir dir;
    std::vector<imbw::ClusterTaskRow> collected = rows;
    collected[3].task.result = (dir.path() + "/r21.h5").toStdString();
    std::ofstream(collected[3].task.result) << "written after the query";
    std::map<std::string, std::shared_ptr<const imbw::StoredRun>> store;
    const auto out = imbw::collectClusterResults(collected, project, store);
    QCOMPARE(out.merge.warnings, std::vector<std::string>{});
    QCOMPARE(out.failedRuns, std::vector<std::string>{"r1"});
    QCOMPARE(out.cancelledRuns, std::vector<std::string>{"r4"});
    QVERIFY(out.merge.runs.empty());
    QVERIFY(out.changed());
    QVERIFY(project.runs[0].status == imbw::RunStatus::Failed);
    QCOMPARE(project.runs[0].message,
             std::string("every fit task failed on the cluster: fold 1: unknown column 'nope'; "
                         "fold 2: killed by Slurm: out of memory (give more with --mem) (log "
                         "/x/logs/7_r10.log)"));
    for (int i : {1, 2}) QVERIFY(project.runs[i].status == imbw::RunStatus::Configured);
    QVERIFY(project.runs[3].status == imbw::RunStatus::Cancelled);
    QCOMPARE(project.runs[3].message,
             std::string("cancelled on the cluster before any fold finished (1 of 2 tasks "
                         "cancelled, fold 2: boom)"));
  }

  void batchScriptPicksItsTask() {
    QTemporaryDir dir;
    const std::string d = dir.path().toStdString();
    std::vector<imbw::SubmittedTask> tasks;
    for (int i = 0; i < 3; ++i)
      tasks.push_back({i, d + "/tasks/r" + std::to_string(i + 1) + "_fold1.json", "", "",
                       "r" + std::to_string(i + 1), 0});
    tasks[1].spec = d + "/with space/it's.json";
    imbw::SlurmOptions o;
    o.cpus = 2;
    o.memory = "4G";
    o.time = "30";
    o.partition = "short";
    o.maxParallel = 2;
    // A stand-in for imbalance-cli that prints its arguments.
    const std::string fake = d + "/fake-cli";
    {
      std::ofstream f(fake);
      f << "#!/bin/bash\nprintf '%s|' \"$@\"\n";
    }
    fs::permissions(fake, fs::perms::owner_all);
    const std::string text = imbw::slurmBatchScript(fake, d + "/p.json", d + "/logs", tasks, o);
    QVERIFY(text.find("#SBATCH --cpus-per-task=2\n") != std::string::npos);
    QVERIFY(text.find("#SBATCH --mem=4G\n") != std::string::npos);
    QVERIFY(text.find("#SBATCH --time=30\n") != std::string::npos);
    QVERIFY(text.find("#SBATCH --partition=short\n") != std::string::npos);
    QVERIFY(text.find("#SBATCH --output=" + d + "/logs/%A_%a.log\n") != std::string::npos);
    const std::string script = d + "/s.sbatch";
    std::ofstream(script) << text;
    const std::string cmd =
        "SLURM_ARRAY_TASK_ID=1 SLURM_ARRAY_JOB_ID=9 bash " + script + " > " + d + "/out.txt";
    QCOMPARE(std::system(cmd.c_str()), 0);
    std::ifstream in(d + "/out.txt");
    std::stringstream s;
    s << in.rdbuf();
    QVERIFY2(s.str().find("task|" + d + "/with space/it's.json|") != std::string::npos,
             s.str().c_str());
    QCOMPARE(imbw::sbatchArguments(script, 3, o),
             (std::vector<std::string>{"--parsable", "--array=0-2%2", script}));
  }

  void optionsAreChecked() {
    imbw::SlurmOptions o;
    o.time = "1-02:00:00";
    o.memory = "500M";
    imbw::validateSlurmOptions(o);
    o.time = "two hours";
    try {
      imbw::validateSlurmOptions(o);
      QFAIL("a bad --time must be refused");
    } catch (const imbw::Error& e) {
      QVERIFY(std::string(e.what()).find("two hours") != std::string::npos);
    }
    o.time.clear();
    o.memory = "4 GB";
    QVERIFY_THROWS_EXCEPTION(imbw::Error, imbw::validateSlurmOptions(o));
  }

  void stateFileRoundTrip() {
    QTemporaryDir dir;
    const std::string path = dir.path().toStdString() + "/state.json";
    QVERIFY(imbw::ClusterState::load(path).submissions.empty());
    imbw::ClusterState st;
    st.project = "/p/ww.json";
    st.submissions.push_back(
        {"12",
         "/p/ww.cluster/submit-1.sbatch",
         "2026-12-02T04:00:00Z",
         {{0, "/s0", "/r0", "/l0", "r1", 0}, {1, "/s1", "/r1", "/l1", "r1", 1, true}}});
    st.submissions.push_back({"13",
                              "/p/ww.cluster/submit-2.sbatch",
                              "2026-12-02T04:10:00Z",
                              {{0, "/s1", "/r1", "/l1b", "r1", 1}}});
    st.save(path);
    const imbw::ClusterState back = imbw::ClusterState::load(path);
    QCOMPARE(back.toJson(), st.toJson());
    QVERIFY(!back.submissions[0].tasks[0].cancelled);  // "cancelled" written only when true
    QVERIFY(back.submissions[0].tasks[1].cancelled);
    QVERIFY(!back.toJson()["submissions"][0]["tasks"][0].contains("cancelled"));
    const auto latest = back.latestTasks();
    QCOMPARE(latest.size(), std::size_t{2});
    QCOMPARE(latest[1].first->jobId, std::string("13"));  // fold 2 was submitted again
    QCOMPARE(latest[1].second->log, std::string("/l1b"));
    QCOMPARE(imbw::clusterFolder("/p/ww.json"), std::string("/p/ww.cluster"));
    QCOMPARE(imbw::taskLogPath("/p/logs", "13", 4), std::string("/p/logs/13_4.log"));
    std::ofstream(path) << "{\"content\": \"something else\"}";
    QVERIFY_THROWS_EXCEPTION(imbw::Error, imbw::ClusterState::load(path));
  }
};

QTEST_GUILESS_MAIN(TestSlurmParse)
#include "test_slurm_parse.moc"
