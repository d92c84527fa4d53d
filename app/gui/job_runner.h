#pragma once

#include <QFuture>
#include <QList>
#include <QObject>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrent>
#include <utility>

namespace imbw {

/// Owns the thread pools of the window's background jobs. Training runs go to a pool of one
/// thread, so runs queue and each one gets every core for its numeric kernels; short jobs
/// (loading, yields, histograms) go to a second pool so they never wait behind a training run.
/// Jobs are QtConcurrent::run tasks taking a QPromise; the GUI consumes them through
/// QFutureWatcher and never blocks on them, except in shutdown().
class JobRunner : public QObject {
  Q_OBJECT
 public:
  explicit JobRunner(QObject* parent = nullptr);
  ~JobRunner() override;

  /// f(QPromise<T>&) on the training pool, at background priority (see
  /// lowerCurrentThreadPriority): training uses every core, and the window must still answer.
  template <typename T, typename F>
  QFuture<T> startTraining(F&& f) {
    QFuture<T> future =
        QtConcurrent::run(&m_trainingPool, [fn = std::forward<F>(f)](QPromise<T>& promise) mutable {
          lowerCurrentThreadPriority();
          fn(promise);
        });
    track(QFuture<void>(future));
    return future;
  }
  /// f(QPromise<T>&) on the pool for short jobs.
  template <typename T, typename F>
  QFuture<T> startShort(F&& f) {
    QFuture<T> future = QtConcurrent::run(&m_shortPool, std::forward<F>(f));
    track(QFuture<void>(future));
    return future;
  }

  /// Gives the calling thread a nice value of 10 (Linux threads have their own). The numeric
  /// kernels' OpenMP threads are created by this thread and inherit it, so when training fills
  /// both cores the scheduler still runs the GUI thread at once: the window stays responsive
  /// (no event-loop stall over 50 ms) even on a machine that is busy with other work.
  static void lowerCurrentThreadPriority();

  /// Cancels every job (running ones see QPromise::isCanceled) and waits for all to end.
  void shutdown();
  int activeJobs() const;

 private:
  void track(const QFuture<void>& f);
  QThreadPool m_trainingPool;
  QThreadPool m_shortPool;
  QList<QFuture<void>> m_futures;
};

}  // namespace imbw
