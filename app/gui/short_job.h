#pragma once

#include <QFutureWatcher>
#include <QObject>
#include <QPromise>
#include <functional>

#include "app/gui/job_runner.h"

namespace imbw {

namespace short_job_detail {
inline thread_local const std::function<bool()>* t_cancelled = nullptr;
}

/// True when the short job running on this thread was cancelled (JobRunner::shutdown, when the
/// window closes): work that waits (the file probe's child process) polls it to end at once.
inline bool currentJobCancelled() {
  return short_job_detail::t_cancelled && (*short_job_detail::t_cancelled)();
}

/// Runs `work` (which must not throw) on the short-job pool and hands its value to `done` on
/// the GUI thread, unless the job was cancelled. The value is moved out of the future, never
/// copied (a cut's outcome can hold millions of events' flags), and `work` is moved into the
/// job with what it captured.
template <typename T, typename Work, typename Done>
void runShort(QObject* owner, JobRunner* jobs, Work work, Done done) {
  auto* watcher = new QFutureWatcher<T>(owner);
  QObject::connect(watcher, &QFutureWatcherBase::finished, owner,
                   [watcher, done = std::move(done)] {
                     JobRunner::takeOver();
                     if (!watcher->isCanceled() && watcher->future().resultCount() > 0)
                       done(watcher->future().takeResult());
                     watcher->deleteLater();
                   });
  watcher->setFuture(jobs->startShort<T>([work = std::move(work)](QPromise<T>& promise) {
    if (promise.isCanceled()) return;
    const std::function<bool()> cancelled = [&promise] { return promise.isCanceled(); };
    short_job_detail::t_cancelled = &cancelled;
    T result = work();
    short_job_detail::t_cancelled = nullptr;
    promise.addResult(std::move(result));
  }));
}

}  // namespace imbw
