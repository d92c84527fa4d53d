// The window's job runner (app/gui/job_runner.h) on its own: a job's result reaches the GUI
// thread through a QFutureWatcher, a job queued behind another and cancelled never runs its
// function, a running job sees the cancel, an exception reaches the future, shutdown() waits for
// every job of every pool, the pools do not wait for each other, and many short jobs each hand over
// state written on the GUI thread and a result written on the pool thread. packaging/tsan.sh runs
// this suite under ThreadSanitizer, where the last two are the point: the hand-overs go through
// Qt's uninstrumented QThreadPool and QFutureInterface, and JobRunner marks them so that TSan sees
// the order (no report).

#include <QFutureWatcher>
#include <QSignalSpy>
#include <QtTest>
#include <atomic>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "app/gui/job_runner.h"

using namespace imbw;

class TestJobRunner : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void resultReachesTheGuiThread() {
    JobRunner jobs;
    std::vector<int> input(1000);
    for (int i = 0; i < 1000; ++i) input[i] = i;  // written here, read by the pool thread
    QFutureWatcher<long long> watcher;
    QSignalSpy finished(&watcher, &QFutureWatcherBase::finished);
    watcher.setFuture(jobs.startShort<long long>([input](QPromise<long long>& promise) {
      long long sum = 0;
      for (int v : input) sum += v;
      promise.addResult(sum);
    }));
    QVERIFY(finished.wait(10000));
    JobRunner::takeOver();
    QCOMPARE(watcher.future().resultCount(), 1);
    QCOMPARE(watcher.result(), 499500LL);
    QCOMPARE(jobs.activeJobs(), 0);
  }

  // The short pool has one thread: the second job waits behind the first. Cancelled while it
  // waits, its function never runs, and its future finishes cancelled without a result.
  void cancelledWhileQueuedNeverRuns() {
    JobRunner jobs;
    std::atomic<bool> release{false};
    std::atomic<bool> secondRan{false};
    QFuture<int> first = jobs.startShort<int>([&](QPromise<int>& promise) {
      while (!release.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      promise.addResult(1);
    });
    QFuture<int> second = jobs.startShort<int>([&](QPromise<int>& promise) {
      secondRan = true;
      promise.addResult(2);
    });
    QCOMPARE(jobs.activeJobs(), 2);
    second.cancel();
    release = true;
    first.waitForFinished();
    second.waitForFinished();
    JobRunner::takeOver();
    QCOMPARE(first.result(), 1);
    QVERIFY(second.isCanceled());
    QCOMPARE(second.resultCount(), 0);
    QVERIFY2(!secondRan.load(), "a job cancelled while queued ran its function");
  }

  // A running training job polls its promise: shutdown() cancels it and returns once it ended.
  void shutdownCancelsAndWaits() {
    JobRunner jobs;
    std::atomic<bool> started{false};
    std::atomic<bool> ended{false};
    QFuture<int> f = jobs.startTraining<int>([&](QPromise<int>& promise) {
      started = true;
      while (!promise.isCanceled()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      ended = true;
    });
    QTRY_VERIFY_WITH_TIMEOUT(started.load(), 10000);
    jobs.shutdown();
    QVERIFY(ended.load());
    QVERIFY(f.isFinished());
    QVERIFY(f.isCanceled());
    QCOMPARE(jobs.activeJobs(), 0);
  }

  void exceptionReachesTheFuture() {
    JobRunner jobs;
    QFuture<int> f = jobs.startShort<int>(
        [](QPromise<int>&) { throw std::runtime_error("the job's own message"); });
    try {
      f.waitForFinished();  // rethrows the job's exception, as result() does
      JobRunner::takeOver();
      (void)f.result();
      QFAIL("no exception");
    } catch (const std::runtime_error& e) {
      QCOMPARE(QString(e.what()), QString("the job's own message"));
    }
  }

  // The four pools are independent: a short job (a yields update) and an external one (a
  // cluster poll) finish while a training run and an insight ranking still run, and shutdown()
  // cancels and waits for the jobs of every pool (the window's close relies on it).
  void poolsAreIndependentAndAllWaitedFor() {
    JobRunner jobs;
    std::atomic<int> started{0};
    std::atomic<int> ended{0};
    auto untilCancelled = [&](QPromise<int>& promise) {
      ++started;
      while (!promise.isCanceled()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      ++ended;
    };
    QFuture<int> training = jobs.startTraining<int>(untilCancelled);
    QFuture<int> analysis = jobs.startAnalysis<int>(untilCancelled);
    QTRY_COMPARE_WITH_TIMEOUT(started.load(), 2, 10000);
    QFuture<int> shortJob = jobs.startShort<int>([](QPromise<int>& p) { p.addResult(3); });
    QFuture<int> external = jobs.startExternal<int>([](QPromise<int>& p) { p.addResult(4); });
    QTRY_VERIFY_WITH_TIMEOUT(shortJob.isFinished() && external.isFinished(), 10000);
    JobRunner::takeOver();
    QCOMPARE(shortJob.result(), 3);
    QCOMPARE(external.result(), 4);
    QVERIFY(!training.isFinished());
    QVERIFY(!analysis.isFinished());
    QFuture<int> externalLong = jobs.startExternal<int>(untilCancelled);
    QTRY_COMPARE_WITH_TIMEOUT(started.load(), 3, 10000);
    jobs.shutdown();
    QCOMPARE(ended.load(), 3);
    QVERIFY(training.isFinished() && analysis.isFinished() && externalLong.isFinished());
    QCOMPARE(jobs.activeJobs(), 0);
  }

  // Many jobs on every pool, each reading a string the GUI thread wrote just before and
  // returning one the pool thread built; the GUI reads every result in its finished handler.
  void manyHandOvers() {
    JobRunner jobs;
    constexpr int kJobs = 200;
    std::vector<std::unique_ptr<QFutureWatcher<std::string>>> watchers;
    int done = 0;
    bool allRight = true;
    for (int i = 0; i < kJobs; ++i) {
      auto label = std::make_shared<std::string>("job " + std::to_string(i));
      auto work = [label](QPromise<std::string>& promise) { promise.addResult(*label + " done"); };
      auto& w = watchers.emplace_back(std::make_unique<QFutureWatcher<std::string>>());
      QObject::connect(w.get(), &QFutureWatcherBase::finished, this, [&, i, wp = w.get()] {
        JobRunner::takeOver();
        allRight = allRight && wp->result() == "job " + std::to_string(i) + " done";
        ++done;
      });
      switch (i % 4) {
        case 0:
          w->setFuture(jobs.startShort<std::string>(work));
          break;
        case 1:
          w->setFuture(jobs.startTraining<std::string>(work));
          break;
        case 2:
          w->setFuture(jobs.startAnalysis<std::string>(work));
          break;
        default:
          w->setFuture(jobs.startExternal<std::string>(work));
          break;
      }
    }
    QTRY_COMPARE_WITH_TIMEOUT(done, kJobs, 60000);
    QVERIFY(allRight);
  }
};

QTEST_MAIN(TestJobRunner)
#include "test_job_runner.moc"
