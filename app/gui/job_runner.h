#pragma once

#include <QFuture>
#include <QList>
#include <QObject>
#include <QPromise>
#include <QRunnable>
#include <QThreadPool>
// Not used here any more; kept because the window's files got QtConcurrent (and much of QtCore)
// through this header, and not every one of them was rebuilt without it yet.
#include <QtConcurrent/QtConcurrent>
#include <exception>
#include <type_traits>
#include <utility>

namespace imbw {

namespace job_runner_detail {

/// Marks a hand-over between the GUI thread and a pool thread (either way) that happened through
/// Qt: QThreadPool's queue and QFutureInterface's results are guarded by QMutex and atomics
/// inside libQt6Core, which ThreadSanitizer does not see (packaging/tsan.sh; Qt is not built
/// with it). Both sides lock and unlock this mutex at the hand-over, so TSan sees the order
/// that Qt already guarantees: without it every captured value and every result was reported as
/// a race. Costs two uncontended lock/unlock pairs per job.
void handOver();

/// One job on a pool: its QPromise, started here on the GUI thread, and `fn(promise)`. A
/// QRunnable of our own rather than QtConcurrent::run, whose task reads its own vtable and state
/// in code compiled into our binary before our function runs, ahead of any hand-over we could
/// mark; the pool calls run() from uninstrumented Qt, and run() marks the hand-over first.
template <typename T, typename F>
class PromiseTask final : public QRunnable {
 public:
  explicit PromiseTask(F fn) : m_fn(std::move(fn)) { m_promise.start(); }
  QFuture<T> future() { return m_promise.future(); }
  void run() override {
    handOver();  // everything the GUI thread wrote before start() is ordered before this
    if (!m_promise.isCanceled()) {  // cancelled while queued (JobRunner::shutdown)
      try {
        m_fn(m_promise);
      } catch (...) {
        m_promise.setException(std::current_exception());
      }
    }
    handOver();  // the results are ordered before the GUI's JobRunner::handOver
    m_promise.finish();
  }

 private:
  QPromise<T> m_promise;
  F m_fn;
};

}  // namespace job_runner_detail

/// Owns the thread pools of the window's background jobs. Training runs go to a pool of one
/// thread, so runs queue and each one gets every core for its numeric kernels; short jobs
/// (loading, yields, histograms) go to a second pool so they never wait behind a training run.
/// The insight views' computations (permutation importance, recalibration fits: seconds to
/// minutes) have a third pool, so a ranking never delays a yields update; jobs that wait for
/// other programs (Slurm's sbatch, squeue, scancel) a fourth, so a slow cluster never does.
/// Every job of the window goes through here: shutdown() cancels and waits for all of them,
/// and each hand-over is visible to ThreadSanitizer.
/// Jobs are functions taking a QPromise; the GUI consumes them through QFutureWatcher and never
/// blocks on them, except in shutdown(). A handler that reads a job's result calls
/// JobRunner::takeOver() first (see job_runner_detail::handOver).
class JobRunner : public QObject {
  Q_OBJECT
 public:
  explicit JobRunner(QObject* parent = nullptr);
  ~JobRunner() override;

  /// f(QPromise<T>&) on the training pool, at background priority (see
  /// lowerCurrentThreadPriority): training uses every core, and the window must still answer.
  template <typename T, typename F>
  QFuture<T> startTraining(F&& f) {
    return start<T>(m_trainingPool, [fn = std::forward<F>(f)](QPromise<T>& promise) mutable {
      lowerCurrentThreadPriority();
      fn(promise);
    });
  }
  /// f(QPromise<T>&) on the pool for short jobs.
  template <typename T, typename F>
  QFuture<T> startShort(F&& f) {
    return start<T>(m_shortPool, std::forward<F>(f));
  }
  /// f(QPromise<T>&) on the insight views' pool (one thread), at background priority: its
  /// numeric kernels use every core, like training.
  template <typename T, typename F>
  QFuture<T> startAnalysis(F&& f) {
    return start<T>(m_analysisPool, [fn = std::forward<F>(f)](QPromise<T>& promise) mutable {
      lowerCurrentThreadPriority();
      fn(promise);
    });
  }
  /// f(QPromise<T>&) on the pool of jobs that wait for other programs (the cluster's commands).
  template <typename T, typename F>
  QFuture<T> startExternal(F&& f) {
    return start<T>(m_externalPool, std::forward<F>(f));
  }

  /// Called on the GUI thread before it reads a finished job's result (a QFutureWatcher's
  /// finished handler, or after waiting for the future): marks the hand-over for
  /// ThreadSanitizer, see job_runner_detail::handOver. Nothing else.
  static void takeOver() { job_runner_detail::handOver(); }

  /// Gives the calling thread a nice value of 10 (Linux threads have their own). The numeric
  /// kernels' OpenMP threads are created by this thread and inherit it, so when training fills
  /// both cores the scheduler still runs the GUI thread at once: the window stays responsive
  /// (no event-loop stall over 50 ms) even on a machine that is busy with other work.
  static void lowerCurrentThreadPriority();

  /// Cancels every job (running ones see QPromise::isCanceled) and waits for all to end.
  void shutdown();
  int activeJobs() const;

 private:
  template <typename T, typename F>
  QFuture<T> start(QThreadPool& pool, F&& f) {
    auto* task = new job_runner_detail::PromiseTask<T, std::decay_t<F>>(std::forward<F>(f));
    QFuture<T> future = task->future();
    job_runner_detail::handOver();  // after every write the job will read
    pool.start(task);               // the pool deletes the task after run()
    track(QFuture<void>(future));
    return future;
  }
  void track(const QFuture<void>& f);
  QThreadPool m_trainingPool;
  QThreadPool m_shortPool;
  QThreadPool m_analysisPool;
  QThreadPool m_externalPool;
  QList<QFuture<void>> m_futures;
};

}  // namespace imbw
